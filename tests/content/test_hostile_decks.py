"""Shared decks are untrusted (issue 11): every hostile deck is refused with a located error.

Each case below is a deck someone could pass around: a placeholder that reaches into an
attribute or an index, a range to infinity, a fact no answer can pass, arrays nested 5,000
deep. Before the fix these raised KeyError / OverflowError / RecursionError out of
``content check``, ``weak --json`` and the drill, or passed the check and became a card no
answer could pass. Now the loader refuses each with a ``ContentError`` naming file, item and
line, ``pose`` raises nothing but ``PoseError``, and ``tpm-drill content check`` exits 1.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from content.catalog import CatalogError, builtin_catalog, parse_catalog
from content.loader import MAX_MAGNITUDE, MAX_SIG, Bank, Fact, Problem, load_deck_text
from engine.content_check import check_content
from engine.questions import PoseError, pose
from tests.content._decks import deck_text, fact, load_body, problem, write_deck

ROOT = Path(__file__).resolve().parents[2]
DECK_HEADER = deck_text("", "hostile")

FACT = fact("h.fact")
#: A bare ``{layers}`` placeholder, which the cases below rewrite into hostile forms.
PROBLEM = problem("h.problem").replace("{layers:int}", "{layers}")


def _open(question: str = "", key_point: str = "") -> str:
    """An open question with one key point; ``question`` adds lines to the question's table,
    ``key_point`` to its key point's."""
    return ("""
[[open]]
id = "h.open"
topic = "program.design"
level = "L6"
prompt = "Plan it."
explanation = "x"
rounds = ["program_design"]
model_answer = "A plan."
""" + question + """[[open.key_points]]
point = "milestones"
phrasings = ["milestone"]
""" + key_point)


NESTED_5000 = "deep = " + "[" * 5000 + "]" * 5000 + "\n"

#: (case, deck body, what the one error message says). Every body is one deck file.
HOSTILE: list[tuple[str, str, str]] = [
    ("attribute placeholder", PROBLEM.replace("{layers}", "{layers.real}"),
     "'{layers.real}' must be a plain parameter name"),
    ("index placeholder", PROBLEM.replace("{layers}", "{layers[0]}"),
     "'{layers[0]}' must be a plain parameter name"),
    ("conversion placeholder", PROBLEM.replace("{layers}", "{layers!r}"),
     "conversions like !r are not supported"),
    ("empty placeholder", PROBLEM.replace("{layers}", "{}"), "'{}' must be a plain parameter"),
    ("unknown placeholder", PROBLEM.replace("{layers}", "{depth}"),
     "placeholder {depth} names no parameter"),
    ("nested format spec", PROBLEM.replace("{layers}", "{layers:{seq_len}}"),
     "format '{seq_len}' is not supported"),
    ("dunder placeholder", PROBLEM.replace("{layers}", "{layers.__class__}"),
     "must be a plain parameter name"),
    ("range max inf", PROBLEM.replace("max = 8192", "max = inf"),
     "max must be a finite number, not inf"),
    ("range min -inf", PROBLEM.replace("min = 1024", "min = -inf"),
     "min must be a finite number, not -inf"),
    ("range max nan", PROBLEM.replace("max = 8192", "max = nan"),
     "max must be a finite number, not nan"),
    ("range max 1.7e308", PROBLEM.replace("max = 8192", "max = 1.7e308"),
     "max = 1.7e+308 is out of range"),
    ("range min -1.7e308", PROBLEM.replace("min = 1024", "min = -1.7e308"),
     "min = -1.7e+308 is out of range"),
    ("range min = max", PROBLEM.replace("min = 1024, max = 8192", "min = 1024, max = 1024"),
     "empty range"),
    ("log range from zero",
     PROBLEM.replace("min = 1024, max = 8192, step = 1024", 'min = 0, max = 8192, scale = "log"'),
     "a log range needs min > 0"),
    ("step zero", PROBLEM.replace("step = 1024", "step = 0"), "step must be a positive number"),
    ("step negative", PROBLEM.replace("step = 1024", "step = -1"),
     "step must be a positive number"),
    ("step inf", PROBLEM.replace("step = 1024", "step = inf"), "step must be a positive number"),
    ("step too fine", PROBLEM.replace("step = 1024", "step = 1e-300"),
     "step must be a positive number (at least 1e-30)"),
    ("sig zero", PROBLEM.replace("step = 1024", "sig = 0"), "sig must be a whole number from 1"),
    ("sig 16", PROBLEM.replace("step = 1024", f"sig = {MAX_SIG + 1}"),
     "sig must be a whole number from 1 to 15"),
    ("sig true", PROBLEM.replace("step = 1024", "sig = true"), "sig must be a whole number"),
    ("integer not a bool", PROBLEM.replace("step = 1024", 'integer = "yes"'),
     "integer must be true or false"),
    ("fixed nan", PROBLEM.replace("layers = 80", "layers = nan"),
     "parameter 'layers' must be a finite number, not nan"),
    ("fixed huge", PROBLEM.replace("layers = 80", "layers = 1e300"),
     "parameter 'layers' = 1e+300 is out of range"),
    ("fixed date", PROBLEM.replace("layers = 80", "layers = 2026-01-01"),
     "must be a number, a string or true/false"),
    ("fixed array", PROBLEM.replace("layers = 80", "layers = [80, 96]"),
     "must be a number, a string or true/false"),
    ("choice inf", PROBLEM.replace("layers = 80", "layers = { choices = [80, inf] }"),
     "choices[1] must be a finite number, not inf"),
    ("choice table", PROBLEM.replace("layers = 80", "layers = { choices = [80, {a = 1}] }"),
     "choices[1] must be a number, a string or true/false"),
    ("choice empty string", PROBLEM.replace("layers = 80", 'layers = { choices = [""] }'),
     "choices[0] must be a non-empty string"),
    ("preset value inf",
     PROBLEM.replace("layers = 80\n", "") + '[[problems.presets]]\nlabel = "a"\nlayers = inf\n',
     "presets[0]: layers must be a finite number, not inf"),
    ("preset label not a string",
     PROBLEM + "[[problems.presets]]\nlabel = 7\n", "every preset needs a label"),
    ("preset lacks a placeholder",
     PROBLEM.replace("layers = 80\n", "")
     + '[[problems.presets]]\nlabel = "a"\nlayers = 80\n[[problems.presets]]\nlabel = "b"\n',
     "presets[1] does not set layers"),
    ("target_seconds inf", PROBLEM.replace('unit = "GB"', 'unit = "GB"\ntarget_seconds = inf'),
     "'target_seconds' must be a finite number"),
    ("target_seconds a year",
     PROBLEM.replace('unit = "GB"', 'unit = "GB"\ntarget_seconds = 3.2e7'),
     "target_seconds must be positive and at most 86400"),
    ("tolerance exact above close",
     PROBLEM.replace('unit = "GB"', 'unit = "GB"\ntolerance = "rel:20%,5%"'),
     "need 0 < exact <= close <= 1000%"),
    ("tolerance zero", PROBLEM.replace('unit = "GB"', 'unit = "GB"\ntolerance = "rel:0%,0%"'),
     "need 0 < exact <= close"),
    ("log tolerance below one",
     PROBLEM.replace('unit = "GB"', 'unit = "GB"\ntolerance = "log:0.5,2"'),
     "need 1 < exact <= close <= 1000"),
    ("fact value nan", FACT.replace("value = 80", "value = nan"),
     "'value' must be a finite number, not nan"),
    ("fact value inf", FACT.replace("value = 80", "value = inf"),
     "'value' must be a finite number, not inf"),
    ("fact value zero", FACT.replace("value = 80", "value = 0"),
     "a fact's value must be positive"),
    ("fact value negative", FACT.replace("value = 80", "value = -5"),
     "a fact's value must be positive"),
    ("fact value huge", FACT.replace("value = 80", "value = 1e300"), "is out of range"),
    ("fact value a bool", FACT.replace("value = 80", "value = true"),
     "'value' must be a number, not True"),
    ("key point weight inf", _open(key_point="weight = inf\n"),
     "weight must be a positive number"),
    ("red flags not a list", _open(question="red_flags = 7\n"),
     "red_flags must be an array of tables"),
]


def _load(body: str) -> Bank:
    return load_body(body, "hostile", "decks/hostile.toml")


@pytest.mark.parametrize(("case", "body", "message"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_each_hostile_item_is_refused_at_load_with_a_located_error(case: str, body: str,
                                                                   message: str) -> None:
    bank = _load(body)
    assert bank.items == {}, case
    [error] = bank.errors
    assert message in error.message
    assert error.file == "decks/hostile.toml"
    assert error.item in {"h.problem", "h.fact", "h.open"}
    assert error.line is not None and error.line > 1


@pytest.mark.parametrize("bound", [MAX_MAGNITUDE, -MAX_MAGNITUDE])
def test_the_magnitude_limit_is_inclusive(bound: float) -> None:
    """±1e30 itself loads; just past it is refused (pinned at the edge)."""
    assert _load(PROBLEM.replace("layers = 80", f"layers = {bound!r}")).errors == []
    past = _load(PROBLEM.replace("layers = 80", f"layers = {bound * 1.000001!r}"))
    assert "is out of range" in past.errors[0].message


def test_sig_limits_are_inclusive() -> None:
    for sig in (1, MAX_SIG):
        assert _load(PROBLEM.replace("step = 1024", f"sig = {sig}")).errors == []


def test_the_smallest_positive_fact_loads_and_poses() -> None:
    bank = _load(FACT.replace("value = 80", "value = 1e-30"))
    assert bank.errors == []
    question = pose(bank.items["h.fact"], None, builtin_catalog())
    assert question.reference_value == 1e-30


def test_nesting_5000_deep_is_a_content_error_with_and_without_the_parse_cache(
        tmp_path: Path) -> None:
    for cache in (None, tmp_path / "cache"):
        bank = Bank()
        load_deck_text(DECK_HEADER + FACT + NESTED_5000, "decks/deep.toml", bank, cache)
        [error] = bank.errors
        assert error.file == "decks/deep.toml"
        assert "nested too deeply" in error.message
    assert not list((tmp_path / "cache").glob("*.marshal"))  # nothing cached for it


def test_nesting_the_parser_accepts_loads_and_caches_safely(tmp_path: Path) -> None:
    """Deep but parseable nesting in an unknown key is refused as a key, not a crash, and
    a cache file too deep to marshal is just not written."""
    body = DECK_HEADER + FACT.replace('source = "NVIDIA H100 datasheet"',
                                      'source = "x"\nextra = ' + "[" * 300 + "]" * 300)
    for cache in (None, tmp_path / "cache", tmp_path / "cache"):
        bank = Bank()
        load_deck_text(body, "decks/deep.toml", bank, cache)
        [error] = bank.errors
        assert "unknown key(s) extra" in error.message


def test_an_error_message_cannot_carry_terminal_escapes() -> None:
    bank = _load(FACT.replace('id = "h.fact"', 'id = "h.\\u001b]0;pwned\\u0007fact"'))
    [error] = bank.errors
    assert "\x1b" not in str(error) and "\x07" not in str(error)


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-5", "1e300"])
def test_a_catalog_figure_must_be_finite_and_positive(value: str) -> None:
    text = f'[accelerators.x]\nname = "X"\nsource = "s"\ntdp_watts = {value}\n'
    with pytest.raises(CatalogError, match=r"entry x: tdp_watts = .* must be a finite positive"):
        parse_catalog(text, "hw.toml")


def test_a_catalog_nested_5000_deep_is_a_catalog_error() -> None:
    with pytest.raises(CatalogError, match="nested too deeply"):
        parse_catalog('[accelerators.x]\nname = "X"\nsource = "s"\n' + NESTED_5000, "hw.toml")


# -- pose: PoseError and nothing else ---------------------------------------------------


def _problem(**changes: object) -> Problem:
    bank = _load(PROBLEM)
    item = bank.items["h.problem"]
    assert isinstance(item, Problem)
    from dataclasses import replace

    return replace(item, **changes)


@pytest.mark.parametrize("prompt", [
    "{layers.real}", "{layers[0]}", "{depth}", "{}", "{seq_len:%}{layers:int}{layers.imag}",
])
def test_pose_raises_only_pose_error_for_placeholders_the_loader_would_refuse(
        prompt: str) -> None:
    """Items built in code (or loaded by an older version) skip the loader's checks; posing
    them still raises PoseError, never KeyError/AttributeError/IndexError."""
    with pytest.raises(PoseError, match=r"h\.problem"):
        pose(_problem(prompt=prompt), np.random.default_rng(0), builtin_catalog())


def test_pose_raises_only_pose_error_for_values_the_loader_would_refuse() -> None:
    from content.loader import ParamDraw

    huge = ParamDraw("seq_len", minimum=-1.7e308, maximum=1.7e308)
    with pytest.raises(PoseError, match=r"h\.problem"):
        pose(_problem(params=(huge,)), np.random.default_rng(0), builtin_catalog())
    text = ParamDraw("layers", fixed="eighty")
    with pytest.raises(PoseError, match=r"h\.problem"):
        pose(_problem(params=(text,), prompt="{layers:count}"), np.random.default_rng(0),
             builtin_catalog())


@pytest.mark.parametrize("value", [float("nan"), 0.0, -5.0, float("inf")])
def test_a_fact_no_answer_could_pass_is_not_posed(value: float) -> None:
    fact = Fact(id="f", kind="fact", topic="t", level="L4", prompt="?", explanation="",
                source="s", deck="d", file="f.toml", line=1, target_seconds=None,
                unit="GB", value=value, value_unit="GB")
    with pytest.raises(PoseError, match="not a finite positive number"):
        pose(fact, None, builtin_catalog())


# -- content check and the CLI ---------------------------------------------------------


def _write_hostile_folder(folder: Path) -> dict[str, str]:
    """One deck file per hostile case (item ids made unique); file name -> expected text."""
    folder.mkdir()
    expected: dict[str, str] = {}
    for index, (_case, body, message) in enumerate(HOSTILE):
        name = f"h{index:02d}.toml"
        write_deck(folder, body.replace('"h.problem"', f'"h.problem{index}"')
                   .replace('"h.fact"', f'"h.fact{index}"')
                   .replace('"h.open"', f'"h.open{index}"'), f"hostile{index}", name)
        expected[name] = message
    (folder / "deep.toml").write_text(DECK_HEADER + NESTED_5000)
    expected["deep.toml"] = "nested too deeply"
    write_deck(folder, PROBLEM.replace('"h.problem"', '"h.nested"')
               + "[problems.presets.deep]\nx = " + "[" * 50 + "]" * 50 + "\n", "nested",
               "nested_prompt.toml")
    expected["nested_prompt.toml"] = "presets must be an array of tables"
    return expected


def test_content_check_reports_every_hostile_deck_by_item(tmp_path: Path) -> None:
    expected = _write_hostile_folder(tmp_path / "decks")
    report = check_content([tmp_path / "decks"], seeds=3)
    by_file: dict[str, list[str]] = {}
    for error in report.errors:
        by_file.setdefault(Path(error.file).name, []).append(error.message)
    for name, message in expected.items():
        assert len(by_file.get(name, [])) == 1, (name, by_file.get(name))
        assert message in by_file[name][0], name
    assert report.facts == report.problems == report.open == 0


def test_cli_content_check_on_a_hostile_folder_exits_1_without_a_traceback(
        tmp_path: Path) -> None:
    expected = _write_hostile_folder(tmp_path / "decks")
    done = subprocess.run([sys.executable, "-m", "tui", "content", "check",
                           str(tmp_path / "decks"), "--seeds", "3"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr == ""
    assert done.stdout.strip().endswith(f"{len(expected)} error(s)")
    for name in expected:
        assert name in done.stdout


def test_a_deck_asking_a_model_for_too_much_work_is_reported_not_run(tmp_path: Path) -> None:
    """A problem within the schema's limits but far past the work budget (it used to take
    8.6 GB and seconds per question) is one error line in content check, and never posed."""
    (tmp_path / "heavy.toml").write_text(DECK_HEADER + """
[[problems]]
id = "h.heavy"
topic = "training.reliability"
level = "L7"
model = "failure_montecarlo"
output = "days"
prompt = "{gpus:int} GPUs for {hours:int} hours: wall-clock days?"
unit = "day"
explanation = "Monte Carlo."
[problems.params]
gpus = 16384
hours = 720
mtbf_hours = 50000
checkpoint_s = 60
trials = 10000000
""")
    report = check_content([tmp_path], seeds=3)
    [error] = report.errors
    assert error.item == "h.heavy"
    assert "trials × expected failures = 2.6e9 exceeds the budget of 5e7" in error.message
