"""Reading ``[[open.probes]]``: a good probe list, and each bad field refused with a located
error (file, item, line, the probe), as every deck field is (issue 14 item 4)."""

from __future__ import annotations

import pytest

from content.cases import CaseStep, StepInput
from content.catalog import builtin_catalog
from content.loader import ContentError, OpenQuestion
from engine.cases.probes import probe_problem, prompt_numbers
from tests.cases.probe_helpers import GOOD, read_open_text, read_opens

FIRST_PROBE = '''[[open.probes]]
id = "compute"
prompt = "It trains on 15T tokens. What is the training compute in FLOP?"
unit = "FLOP"
reference = "train_flops"
inputs = { params = 70e9, tokens = 15e12 }
'''


def test_a_good_question_reads_its_probes_in_order() -> None:
    question = read_open_text()
    assert [p.id for p in question.probes] == ["compute", "days"]
    first, second = question.probes
    assert isinstance(first, CaseStep) and first.unit == "FLOP"
    assert first.inputs == (StepInput("params", "const", value=70e9),
                            StepInput("tokens", "const", value=15e12))
    assert second.inputs[0] == StepInput("compute_flops", "step", "compute")
    assert second.inputs[3] == StepInput("peak_flops", "catalog", "h100_sxm.bf16_dense_flops")
    assert second.tolerance == "rel:5%,15%"  # the default, as a case step's


def test_a_question_without_probes_has_none() -> None:
    text = GOOD[:GOOD.index("[[open.probes]]")]
    assert read_open_text(text).probes == ()


def _error(text: str) -> ContentError:
    [found] = read_opens(text)
    assert isinstance(found, ContentError), f"read without error: {found}"
    assert found.file == "decks/t.toml" and found.item == "t.open.budget"
    assert found.line == 5  # the item's id line
    return found


def _swap(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(("text", "expected"), [
    (_swap('id = "compute"', 'id = "Compute!"'), "probes[0]: id must be a lower-case"),
    (_swap('id = "days"', 'id = "compute"'),
     "probes[1] (compute): step id 'compute' is used twice"),
    (_swap('unit = "day"\n', ''), "probes[1] (days): missing 'unit'"),
    (_swap('unit = "day"', 'unit = "days; rm -rf"'), "probes[1] (days): unit"),
    (_swap('reference = "train_flops"', 'reference = "Train Flops"'),
     "probes[0] (compute): reference 'Train Flops' must name"),
    (_swap('reference = "train_flops"\n', ''), "probes[0] (compute): missing 'reference'"),
    (_swap('unit = "FLOP"', 'unit = "FLOP"\ntolerance = "rel:15%,5%"'),
     "probes[0] (compute): tolerance 'rel:15%,5%': need"),
    (_swap('prompt = "It trains', 'prompt = "It {tokens} trains'),
     "probes[0] (compute): prompt placeholder"),
    (_swap('inputs = { params = 70e9, tokens = 15e12 }',
           'inputs = { params = "param:params", tokens = 15e12 }'),
     "probes[0] (compute): input 'params': 'param:params' names no parameter; parameters: "
     "(none)"),
    (_swap('compute_flops = "step:compute"', 'compute_flops = "step:days"'),
     "probes[1] (days): input 'compute_flops': 'step:days' refers to the step itself"),
    (_swap('compute_flops = "step:compute"', 'compute_flops = "step:nope"'),
     "probes[1] (days): input 'compute_flops': 'step:nope' names no step"),
    (_swap('inputs = { params = 70e9, tokens = 15e12 }', 'inputs = {}'),
     "probes[0] (compute): inputs must be a non-empty table"),
    (_swap('unit = "FLOP"', 'unit = "FLOP"\nkind = "decision"'),
     "probes[0] (compute): kind must be \"number\", not 'decision'"),
    (_swap('unit = "FLOP"', 'unit = "FLOP"\ncolour = "red"'),
     "probes[0] (compute): unknown key(s) colour"),
    (GOOD + FIRST_PROBE.replace('"compute"', '"third"') + FIRST_PROBE.replace(
        '"compute"', '"fourth"'), "an open question has 1 to 3 probes, not 4"),
    (_swap('[[open.probes]]\nid = "compute"', 'probes = 3\n[[open.nothing]]\nid = "compute"'),
     "unknown key(s) nothing"),
])
def test_each_bad_field_is_refused_and_located(text: str, expected: str) -> None:
    assert expected in _error(text).message


def test_probes_that_are_not_tables_are_refused() -> None:
    head = GOOD[:GOOD.index("[[open.probes]]")]
    text = head.replace('explanation = "Budget from compute."',
                        'explanation = "Budget from compute."\nprobes = [1, 2]')
    assert "probes must be an array of tables: [[open.probes]]" in _error(text).message


def test_four_probes_are_too_many_but_three_are_fine() -> None:
    three = GOOD + FIRST_PROBE.replace('"compute"', '"third"')
    assert len(read_open_text(three).probes) == 3


# -- what content check adds: references, posing, constants written in the prompt --------


def test_the_good_probes_have_no_problem() -> None:
    assert probe_problem(read_open_text(), builtin_catalog()) is None


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('reference = "train_flops"', 'reference = "no_such_model"',
     "probe 1 (compute): unknown reference 'no_such_model'"),
    ('inputs = { params = 70e9, tokens = 15e12 }',
     'inputs = { params = 70e9, tokens = 15e12, gpus = 8 }',
     "probe 1 (compute): train_flops has no parameter 'gpus'"),
    ('gpus = 4096\n', '',
     "probe 2 (days): training_seconds_from_compute needs gpus"),
    ('tokens = 15e12 }', 'tokens = 16e12 }',
     "probe 1 (compute): constant tokens = 1.6e+13 is not written in the probe's prompt"),
    ('mfu = 0.4\n', 'mfu = 0.45\n', "constant mfu = 0.45 is not written"),
    ('unit = "day"', 'unit = "GB"', "probe 2 (days): the reference is in 's' but the step "
                                    "asks for 'GB'"),
    ('catalog:h100_sxm.bf16_dense_flops', 'catalog:nope_gpu.bf16_dense_flops',
     "probe 2 (days)"),
])
def test_content_check_finds_each_problem(old: str, new: str, expected: str) -> None:
    question = read_open_text(_swap(old, new))
    problem = probe_problem(question, builtin_catalog())
    assert problem is not None and expected in problem, problem


def test_the_bank_refuses_an_open_question_whose_probes_cannot_be_served() -> None:
    from engine.bank import check_item

    good = read_open_text()
    bad = read_open_text(_swap('tokens = 15e12 }', 'tokens = 16e12 }'))
    assert check_item(good, builtin_catalog()) is None
    assert "not written in the probe's prompt" in (check_item(bad, builtin_catalog()) or "")


@pytest.mark.parametrize(("text", "value"), [
    ("15T tokens", 15e12), ("70B", 70e9), ("4,096 GPUs", 4096.0), ("40% MFU", 0.4),
    ("3.35 TB/s", 3.35e12), ("$2.50 per GPU-hour", 2.5), ("6.3e24 FLOP", 6.3e24),
    ("2 million requests", 2e6), ("900 GB/s", 900e9), ("1.5k", 1500.0),
])
def test_prompt_numbers_reads_a_number_as_written_and_with_its_multiplier(
        text: str, value: float) -> None:
    assert any(abs(found - value) <= 1e-9 * value for found in prompt_numbers(text))


def test_prompt_numbers_does_not_read_digits_inside_a_name() -> None:
    assert prompt_numbers("H100 and B200") == []


def test_a_question_without_probes_is_served_as_before() -> None:
    from engine.bank import check_item

    question = read_open_text(GOOD[:GOOD.index("[[open.probes]]")])
    assert isinstance(question, OpenQuestion)
    assert check_item(question, builtin_catalog()) is None


def test_content_check_reports_a_probe_problem_in_a_users_deck(tmp_path) -> None:
    from engine.content_check import check_content

    deck = tmp_path / "mine.toml"
    deck.write_text(_swap('tokens = 15e12 }', 'tokens = 16e12 }').replace(
        't.open.budget', 'mine.open.budget').replace('id = "t"', 'id = "mine"'),
        encoding="utf-8")
    report = check_content([deck], seeds=1)
    messages = [e.message for e in report.errors if e.item == "mine.open.budget"]
    assert any("constant tokens = 1.6e+13 is not written" in m for m in messages), messages


def test_a_fraction_asked_in_percent_is_shown_as_a_percentage() -> None:
    from engine.cases.grade import grade_chain
    from engine.cases.probes import pose_probes

    text = GOOD[:GOOD.index("[[open.probes]]")] + '''[[open.probes]]
id = "bubble"
prompt = "A pipeline of 8 stages runs 32 micro-batches: bubble as a share of ideal time?"
unit = "%"
reference = "pipeline_bubble"
output = "overhead"
inputs = { stages = 8, microbatches = 32 }
'''
    posed = pose_probes(read_open_text(text), builtin_catalog())
    assert posed is not None
    [step] = posed.steps
    assert step.reference_value == pytest.approx(7 / 32)  # SI: a fraction
    assert step.reference_display == pytest.approx(21.875) and step.reference_text() == "21.9%"
    assert grade_chain(posed, ["21.9%"]).steps[0].status == "exact"
    assert grade_chain(posed, ["22"]).steps[0].status == "exact"
    assert grade_chain(posed, ["0.22"]).steps[0].status == "off"
