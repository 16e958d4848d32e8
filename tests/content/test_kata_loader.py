"""``[[katas]]`` in a deck: every field is checked with an error naming file, item and line,
and the code a kata carries (starter, solution) is kept as text, never run."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.loader import (
    MAX_CODE_CHARS,
    MAX_KATA_CASES,
    MAX_MONTE_CARLO_TRIALS,
    MAX_TOLERANCE_REL,
    MIN_KATA_CASES,
    Bank,
    Kata,
    KataFollowUp,
    KataParam,
    KataProperty,
    load_deck_text,
)

HEADER = '[deck]\nid = "k"\n'

KATA = """
[[katas]]
id = "k.kata"
topic = "training.stragglers"
level = "L6"
prompt = "Expected synchronous step time?"
explanation = "mu + sigma E[max]."
source = "Tippett 1925"
function = "step_time"
returns = "expected step time"
return_unit = "s"
target_minutes = 20
reference = "straggler_step"
mapping = { n_gpus = "workers", step_mean_s = "mean_s", jitter_sd_s = "std_s" }
rel_tolerance = 0.01
hints = ["max, not mean", "E[max of n N(0,1)]"]
assumptions = ["independent normal ranks"]
starter = '''
def step_time(n_gpus, step_mean_s, jitter_sd_s):
    raise NotImplementedError
'''
solution = '''
def step_time(n_gpus, step_mean_s, jitter_sd_s):
    return step_mean_s
'''
[[katas.params]]
name = "n_gpus"
unit = ""
description = "ranks"
min = 1
max = 100000
scale = "log"
integer = true
edges = [1, 128, 100000]
[[katas.params]]
name = "step_mean_s"
unit = "s"
description = "mean step"
min = 0.2
max = 5
scale = "log"
[[katas.params]]
name = "jitter_sd_s"
unit = "s"
description = "jitter"
min = 0
max = 0.05
[[katas.properties]]
kind = "nondecreasing"
param = "n_gpus"
why = "more ranks, slower slowest"
[[katas.properties]]
kind = "positive"
why = "a step takes time"
[[katas.follow_ups]]
prompt = "And for 1,024 GPUs?"
inputs = { n_gpus = 1024 }
"""


SIGNATURE = "def step_time(n_gpus, step_mean_s, jitter_sd_s):"
FOLLOW_UP = "inputs = { n_gpus = 1024 }"
HINTS = 'hints = ["max, not mean", "E[max of n N(0,1)]"]'


def _load(body: str) -> Bank:
    bank = Bank()
    load_deck_text(HEADER + body, "decks/k.toml", bank)
    return bank


def test_a_kata_loads_typed() -> None:
    bank = _load(KATA)
    assert bank.errors == []
    kata = bank.items["k.kata"]
    assert isinstance(kata, Kata) and kata.kind == "kata"
    assert kata.line == 5  # the line of its id
    assert kata.function == "step_time" and kata.return_unit == "s"
    assert kata.params[0] == KataParam("n_gpus", "", "ranks", 1.0, 100000.0, "log", True,
                                       (1.0, 128.0, 100000.0))
    assert kata.params[2].edges == (0.0, 0.05)  # the domain's ends by default
    assert kata.properties == (KataProperty("nondecreasing", "more ranks, slower slowest",
                                            "n_gpus"),
                               KataProperty("positive", "a step takes time"))
    assert kata.follow_ups == (KataFollowUp("And for 1,024 GPUs?", {"n_gpus": 1024.0}),)
    assert kata.mapping == {"n_gpus": "workers", "step_mean_s": "mean_s",
                            "jitter_sd_s": "std_s"}
    assert kata.rounds == ("technical_screen",) and kata.cases == 60
    assert kata.starter.startswith("def step_time(n_gpus, step_mean_s, jitter_sd_s):")
    assert kata.hints == ("max, not mean", "E[max of n N(0,1)]")


def _replace(old: str, new: str) -> str:
    assert old in KATA, old
    return KATA.replace(old, new, 1)


def _add(line: str) -> str:
    return _replace('reference = "straggler_step"', 'reference = "straggler_step"\n' + line)


#: (case, deck body, what the one error says).
BAD: list[tuple[str, str, str]] = [
    ("function not a name", _replace('function = "step_time"', 'function = "step time"'),
     "function must be a Python name"),
    ("function a keyword", _replace('function = "step_time"', 'function = "lambda"'),
     "function must be a Python name"),
    ("function missing", _replace('function = "step_time"\n', ""),
     "function must be a Python name"),
    ("params empty", KATA.split("[[katas.params]]")[0], "params must be a non-empty array"),
    ("param name a keyword", _replace('name = "n_gpus"', 'name = "class"'),
     "params[0] name must be a Python name"),
    ("param name with a dot", _replace('name = "n_gpus"', 'name = "n.gpus"'),
     "params[0] name must be a Python name"),
    ("param declared twice", _replace('name = "step_mean_s"', 'name = "n_gpus"'),
     "parameter 'n_gpus' is declared twice"),
    ("param named like the function", _replace('name = "jitter_sd_s"', 'name = "step_time"'),
     "has the function's own name"),
    ("param unknown key", _replace('description = "ranks"', 'description = "ranks"\nstep = 2'),
     "params[0]: unknown key(s) step"),
    ("param min inf", _replace("min = 0.2", "min = -inf"), "min must be a finite number"),
    ("param max nan", _replace("max = 5\n", "max = nan\n"), "max must be a finite number"),
    ("param max huge", _replace("max = 5\n", "max = 1e300\n"), "is out of range"),
    ("param min = max", _replace("max = 5\n", "max = 0.2\n"), "need min < max"),
    ("param inverted", _replace("min = 0.2", "min = 9"), "need min < max"),
    ("param log from zero", _replace('max = 0.05', 'max = 0.05\nscale = "log"'),
     "a log domain needs min > 0"),
    ("param scale unknown", _replace('max = 0.05', 'max = 0.05\nscale = "ln"'),
     "scale must be 'linear' or 'log'"),
    ("param integer not a bool", _replace("integer = true", 'integer = "yes"'),
     "integer must be true or false"),
    ("param integer domain not whole", _replace("max = 100000", "max = 100000.5"),
     "an integer domain needs whole min and max"),
    ("param unit not a string", _replace('unit = "s"', "unit = 1"),
     "unit must be a string"),
    ("param description empty", _replace('description = "ranks"', 'description = " "'),
     "description must be a non-empty string"),
    ("edge outside the domain", _replace("edges = [1, 128, 100000]", "edges = [0, 128]"),
     "edges[0] = 0 is outside the domain"),
    ("edge not whole", _replace("edges = [1, 128, 100000]", "edges = [1, 1.5]"),
     "edges[1] = 1.5 is not a whole number"),
    ("edge inf", _replace("edges = [1, 128, 100000]", "edges = [inf]"),
     "edges[0] must be a finite number"),
    ("edges empty", _replace("edges = [1, 128, 100000]", "edges = []"),
     "edges must be a non-empty list"),
    ("property kind unknown", _replace('kind = "positive"', 'kind = "convex"'),
     "kind must be one of nondecreasing"),
    ("monotone property without a param", _replace('param = "n_gpus"\n', ""),
     "a nondecreasing property needs param = one of the declared parameters"),
    ("monotone property on an unknown param",
     _replace('param = "n_gpus"\n', 'param = "nodes"\n'),
     "needs param = one of the declared parameters (n_gpus, step_mean_s, jitter_sd_s)"),
    ("result property with a param",
     _replace('kind = "positive"', 'kind = "positive"\nparam = "n_gpus"'),
     "a positive property is about the result: drop its param"),
    ("property without why", _replace('why = "a step takes time"', 'why = ""'),
     "why must be a non-empty string"),
    ("follow-up naming no param", _replace(FOLLOW_UP, "inputs = { nodes = 8 }"),
     "inputs names 'nodes', not a parameter"),
    ("follow-up outside the domain", _replace(FOLLOW_UP, "inputs = { n_gpus = 1e6 }"),
     "n_gpus = 1e+06 is outside its domain [1, 100000]"),
    ("follow-up not whole", _replace(FOLLOW_UP, "inputs = { n_gpus = 10.5 }"),
     "n_gpus = 10.5 must be a whole number"),
    ("follow-up nan", _replace(FOLLOW_UP, "inputs = { n_gpus = nan }"),
     "n_gpus must be a finite number"),
    ("follow-up without inputs", _replace(FOLLOW_UP, "inputs = {}"),
     "inputs must be a table naming parameters"),
    ("mapping of an unknown param", _replace('n_gpus = "workers", ', 'nodes = "workers", '),
     "mapping names 'nodes', not a parameter"),
    ("mapping to a non-name", _replace('"workers"', '"work ers"'),
     "mapping n_gpus must be a Python name"),
    ("mapping two params onto one", _replace('std_s" }', 'mean_s" }'),
     "mapping sends two parameters to the reference's 'mean_s'"),
    ("mapping not a table", _replace('mapping = { n_gpus = "workers", step_mean_s = "mean_s", '
                                     'jitter_sd_s = "std_s" }', 'mapping = "workers"'),
     "mapping must be a table"),
    ("reference not a name", _replace('reference = "straggler_step"', 'reference = "a.b"'),
     "reference 'a.b' must be a model or composition name"),
    ("reference missing", _replace('reference = "straggler_step"\n', ""), "missing 'reference'"),
    ("output not a name", _add('output = "Goodput!"'), "output 'Goodput!' must be an output"),
    ("return_unit missing", _replace('return_unit = "s"\n', ""), "return_unit must be a string"),
    ("returns missing", _replace('returns = "expected step time"\n', ""), "missing 'returns'"),
    ("rel_tolerance zero", _replace("rel_tolerance = 0.01", "rel_tolerance = 0"),
     "rel_tolerance must be a number with 0 < rel_tolerance ≤ 10"),
    ("rel_tolerance past 10", _replace("rel_tolerance = 0.01", "rel_tolerance = 10.000001"),
     "rel_tolerance must be a number with 0 < rel_tolerance ≤ 10"),
    ("rel_tolerance nan", _replace("rel_tolerance = 0.01", "rel_tolerance = nan"),
     "'rel_tolerance' must be a finite number"),
    ("abs_tolerance negative", _add("abs_tolerance = -1e-300"),
     "abs_tolerance must be a number with 0 ≤ abs_tolerance"),
    ("trials zero", _add("monte_carlo_trials = 0"), "monte_carlo_trials must be a whole number"),
    ("trials past 1e7", _add(f"monte_carlo_trials = {MAX_MONTE_CARLO_TRIALS + 1}"),
     "monte_carlo_trials must be a whole number from 1 to 10,000,000"),
    ("trials a float", _add("monte_carlo_trials = 1e5"), "monte_carlo_trials must be a whole"),
    ("trials a bool", _add("monte_carlo_trials = true"), "monte_carlo_trials must be a whole"),
    ("cases too few", _add(f"cases = {MIN_KATA_CASES - 1}"),
     "cases must be a whole number from 50"),
    ("cases too many", _add(f"cases = {MAX_KATA_CASES + 1}"),
     "cases must be a whole number from 50 to 1000"),
    ("bounds not a bool", _add('bounds = "yes"'), "bounds must be true or false"),
    ("rounds unknown", _add('rounds = ["lunch"]'), "unknown round 'lunch'"),
    ("rounds empty", _add("rounds = []"), "rounds must be a non-empty list"),
    ("target_minutes zero", _replace("target_minutes = 20", "target_minutes = 0"),
     "target_minutes must be positive"),
    ("hints not strings", _replace(HINTS, "hints = [1]"),
     "hints must be a list of non-empty strings"),
    ("too many hints", _replace(HINTS, "hints = [" + ", ".join(['"h"'] * 13) + "]"),
     "hints lists 13 entries; at most 12"),
    ("starter not defining the function",
     _replace(f"{SIGNATURE}\n    raise", "def other(n_gpus):\n    raise"),
     "'starter' must define the kata's function at the top level"),
    ("solution indented only",
     _replace(f"{SIGNATURE}\n    return", "    def step_time(n_gpus):\n    return"),
     "'solution' must define the kata's function at the top level"),
    ("starter too long", _replace("    raise NotImplementedError",
                                  "    raise NotImplementedError\n" + "#" * MAX_CODE_CHARS),
     "'starter' is 20,0"),
    ("starter with a NUL", _replace("starter = '''\ndef step_time(n_gpus, step_mean_s, "
                                    "jitter_sd_s):\n    raise NotImplementedError\n'''",
                                    'starter = "def step_time(n_gpus, step_mean_s, jitter_sd_s)'
                                    ':\\n    raise \\u0000\\n"'),
     "'starter' holds a NUL character"),
    ("unknown key", _add('runner = "fast"'), "unknown key(s) runner"),
    ("param not a table", KATA.split("[[katas.params]]")[0] + "params = [1]\n",
     "params[0] must be a table"),
]


@pytest.mark.parametrize(("case", "body", "message"), BAD, ids=[c[0] for c in BAD])
def test_each_bad_kata_field_is_refused_with_a_located_error(case: str, body: str,
                                                            message: str) -> None:
    bank = _load(body)
    assert "k.kata" not in bank.items, case
    [error] = bank.errors
    assert message in error.message, (case, error.message)
    assert error.file == "decks/k.toml"
    if "TOML" not in message:
        assert error.item == "k.kata" and error.line == 5


@pytest.mark.parametrize(("line", "value"), [
    ("rel_tolerance = 0.01", f"rel_tolerance = {MAX_TOLERANCE_REL}"),
    ("rel_tolerance = 0.01", "rel_tolerance = 1e-12"),
    ('reference = "straggler_step"', 'reference = "straggler_step"\nabs_tolerance = 0'),
    ('reference = "straggler_step"', 'reference = "straggler_step"\nmonte_carlo_trials = 1'),
    ('reference = "straggler_step"',
     f'reference = "straggler_step"\nmonte_carlo_trials = {MAX_MONTE_CARLO_TRIALS}'),
    ('reference = "straggler_step"', f'reference = "straggler_step"\ncases = {MIN_KATA_CASES}'),
    ('reference = "straggler_step"', f'reference = "straggler_step"\ncases = {MAX_KATA_CASES}'),
    ("edges = [1, 128, 100000]", "edges = [1]"),
])
def test_limits_are_inclusive(line: str, value: str) -> None:
    """Each limit itself loads (its just-past neighbour is refused in ``BAD``)."""
    bank = _load(_replace(line, value))
    assert bank.errors == [], bank.errors


def test_a_kata_with_only_required_fields_loads_with_the_defaults() -> None:
    body = """
[[katas]]
id = "k.min"
topic = "t"
level = "L4"
prompt = "p"
explanation = "e"
function = "f"
returns = "r"
return_unit = ""
reference = "m"
starter = "def f(x):\\n    pass\\n"
solution = "def f(x):\\n    return x\\n"
[[katas.params]]
name = "x"
unit = ""
description = "d"
min = -1
max = 1
"""
    bank = _load(body)
    assert bank.errors == []
    kata = bank.items["k.min"]
    assert isinstance(kata, Kata)
    assert (kata.rel_tolerance, kata.abs_tolerance, kata.monte_carlo_trials, kata.bounds,
            kata.output, kata.target_minutes) == (0.01, 0.0, None, False, "value", None)
    assert kata.params[0].edges == (-1.0, 1.0)


def test_kata_code_is_data_loading_never_runs_it(tmp_path: Path) -> None:
    """A starter and a solution that would write a file, or end the process, when run are
    loaded (and checked by content check) as text: nothing happens."""
    marker = tmp_path / "ran.txt"
    code = (f"import os\nopen({str(marker)!r}, 'w').write('ran')\nos._exit(3)\n"
            "def step_time(n_gpus, step_mean_s, jitter_sd_s):\n    raise SystemExit(4)\n")
    body = KATA.replace("def step_time(n_gpus, step_mean_s, jitter_sd_s):\n    raise "
                        "NotImplementedError\n", code)
    body = body.replace("def step_time(n_gpus, step_mean_s, jitter_sd_s):\n    return "
                        "step_mean_s\n", code)
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "k.toml").write_text(HEADER + body)
    bank = _load(body)
    assert bank.errors == []
    assert bank.items["k.kata"].starter == code  # type: ignore[attr-defined]
    from engine.bank import load_content
    from engine.content_check import check_content

    load_content([tmp_path / "decks"], include_builtin=False)
    report = check_content([tmp_path / "decks"], seeds=2)
    assert report.katas == 1
    assert not marker.exists()


def test_the_unknown_table_message_names_katas() -> None:
    bank = _load(KATA + '\n[[kata]]\nid = "x"\n')
    assert any("use [[facts]], [[problems]], [[open]], [[katas]] or [[cases]]" in e.message
               for e in bank.errors)
    assert "k.kata" in bank.items
