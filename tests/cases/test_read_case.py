"""read_case: every malformed case gives one located error (file, item, line, part)."""

from __future__ import annotations

import pytest

from content import loader
from content.cases import Case, CaseStep, DecisionStep, StepInput
from content.loader import Bank, ContentError, load_deck_text
from tests.cases.helpers import read_cases

GOOD = """[deck]
id = "t"

[[cases]]
id = "t.case"
topic = "training.compute"
level = "L5"
rounds = ["program_design"]
scenario = "{params:count} parameters on {tokens:count} tokens, {gpus:int} {gpu:name}."
explanation = "Chain it."
[cases.params]
params = { min = 7e9, max = 70e9, scale = "log", sig = 2 }
tokens = 15e12
gpus = { choices = [1024, 4096] }
gpu = { choices = ["h100_sxm", "b200"] }
mfu = 0.4
deadline_days = 60
[cases.catalog_params]
peak_flops = "gpu.bf16_dense_flops"
[cases.param_units]
deadline_days = "day"
[[cases.steps]]
id = "compute"
prompt = "Compute?"
unit = "FLOP"
reference = "train_flops"
inputs = { params = "param:params", tokens = "param:tokens" }
[[cases.steps]]
id = "days"
prompt = "Days on {gpus:int} GPUs?"
unit = "day"
tolerance = "rel:10%,25%"
reference = "training_seconds_from_compute"
[cases.steps.inputs]
compute_flops = "step:compute"
gpus = "param:gpus"
peak_flops = "param:peak_flops"
mfu = "param:mfu"
[[cases.steps]]
id = "fits"
kind = "decision"
prompt = "In time?"
options = ["Yes", "No"]
rule = "at_most"
inputs = { value = "step:days", limit = "param:deadline_days" }
[cases.justify]
prompt = "Justify it."
model_answer = "Because the numbers say so."
[[cases.justify.key_points]]
point = "deadline"
phrasings = ["deadline"]
"""

STEP_INPUTS = 'compute_flops = "step:compute"\ngpus = "param:gpus"\n' \
    'peak_flops = "param:peak_flops"\nmfu = "param:mfu"\n'


def test_the_good_case_reads_typed() -> None:
    [case] = read_cases(GOOD)
    assert isinstance(case, Case)
    assert case.line == 5 and case.file == "decks/t.toml" and case.deck == "t"
    assert case.scenario.startswith("{params:count}")
    assert [type(s) for s in case.steps] == [CaseStep, CaseStep, DecisionStep]
    days = case.steps[1]
    assert isinstance(days, CaseStep) and days.tolerance == "rel:10%,25%"
    assert days.inputs[0] == StepInput("compute_flops", "step", "compute")
    assert case.steps[0].tolerance == "rel:5%,15%"  # type: ignore[union-attr]
    assert case.catalog_params == {"peak_flops": "gpu.bf16_dense_flops"}
    assert case.parameter_names() >= {"params", "tokens", "gpus", "gpu", "peak_flops"}


def test_a_case_loads_through_the_loader_once_registered() -> None:
    """``[[cases]]`` is registered in the loader: cases load with the loader's own reader,
    line index and error collection, and ``Bank.cases()`` lists them."""
    assert "cases" in loader._READERS
    bank = Bank()
    load_deck_text(GOOD, "decks/t.toml", bank)
    assert bank.errors == []
    assert isinstance(bank.items["t.case"], Case) and bank.items["t.case"].line == 5
    assert [case.id for case in bank.cases()] == ["t.case"]
    broken = Bank()
    load_deck_text(GOOD.replace('"step:compute"', '"step:fits"'), "decks/t.toml", broken)
    [error] = broken.errors
    assert (error.file, error.item, error.line) == ("decks/t.toml", "t.case", 5)
    assert error.message.startswith("steps[1] (days): input 'compute_flops': 'step:fits' is "
                                    "a forward reference")


CASES = [
    # steps: how many, and where inputs come from
    ("too few steps", lambda t: t[:t.index('[[cases.steps]]\nid = "fits"')] +
     t[t.index("[cases.justify]"):], "a case has 3 to 7 steps, not 2"),
    ("too many steps", lambda t: t.replace("[cases.justify]", (
        '[[cases.steps]]\nid = "x{n}"\nprompt = "p"\nunit = "FLOP"\nreference = '
        '"train_flops"\ninputs = { params = "param:params", tokens = "param:tokens" }\n'
        * 5).replace("{n}", "") + "[cases.justify]"), "a case has 3 to 7 steps, not 8"),
    ("forward reference", lambda t: t.replace('"step:compute"', '"step:fits"'),
     "steps[1] (days): input 'compute_flops': 'step:fits' is a forward reference: a step "
     "takes only EARLIER steps' values"),
    ("self reference", lambda t: t.replace('"step:compute"', '"step:days"'),
     "steps[1] (days): input 'compute_flops': 'step:days' refers to the step itself"),
    ("unknown step", lambda t: t.replace('"step:compute"', '"step:warmup"'),
     "steps[1] (days): input 'compute_flops': 'step:warmup' names no step; earlier numeric "
     "steps: compute"),
    ("a step from the first step", lambda t: t.replace('"param:params", tokens',
                                                       '"step:days", tokens', 1),
     "steps[0] (compute): input 'params': 'step:days' is a forward reference"),
    ("unknown source", lambda t: t.replace('"param:gpus"', '"env:HOME"'),
     "steps[1] (days): input 'gpus': unknown source 'env' in 'env:HOME'; use param:, "
     "catalog:, step: or a number"),
    ("no source at all", lambda t: t.replace('"param:gpus"', '"gpus"'),
     "steps[1] (days): input 'gpus' must be \"param:NAME\", \"catalog:ID.FIELD\", "
     "\"step:ID\" or a number, not 'gpus'"),
    ("unknown parameter", lambda t: t.replace('"param:gpus"', '"param:nodes"'),
     "steps[1] (days): input 'gpus': 'param:nodes' names no parameter; parameters: "),
    ("bad catalog reference", lambda t: t.replace('"param:peak_flops"', '"catalog:h100"'),
     "steps[1] (days): input 'peak_flops': 'catalog:h100' must look like "
     "\"catalog:h100_sxm.memory_bytes\""),
    ("a number from a decision", lambda t: t.replace("[cases.justify]", (
        '[[cases.steps]]\nid = "after"\nprompt = "p"\nunit = "FLOP"\nreference = '
        '"train_flops"\ninputs = { params = "step:fits", tokens = "param:tokens" }\n'
        "[cases.justify]")),
     "steps[3] (after): input 'params': 'step:fits' is a decision step, which gives no "
     "number to carry forward"),
    # hostile numbers
    ("infinite constant", lambda t: t.replace('mfu = "param:mfu"', "mfu = inf"),
     "steps[1] (days): input 'mfu' must be a finite number, not inf"),
    ("NaN constant", lambda t: t.replace('mfu = "param:mfu"', "mfu = nan"),
     "steps[1] (days): input 'mfu' must be a finite number, not nan"),
    ("huge constant", lambda t: t.replace('mfu = "param:mfu"', "mfu = 1e300"),
     "steps[1] (days): input 'mfu' = 1e+300 is out of range"),
    ("infinite draw", lambda t: t.replace("max = 70e9", "max = inf"),
     "parameter 'params': max must be a finite number, not inf"),
    ("NaN fixed parameter", lambda t: t.replace("mfu = 0.4", "mfu = nan"),
     "parameter 'mfu' must be a finite number, not nan"),
    # tolerances as problems'
    ("bad tolerance", lambda t: t.replace('"rel:10%,25%"', '"rel:10%"'),
     "steps[1] (days): tolerance 'rel:10%' must look like 'rel:5%,15%' or 'log:1.25,2'"),
    ("inverted tolerance", lambda t: t.replace('"rel:10%,25%"', '"rel:25%,10%"'),
     "steps[1] (days): tolerance 'rel:25%,10%': need 0 < exact <= close"),
    # step shape
    ("duplicate step id", lambda t: t.replace('id = "days"', 'id = "compute"'),
     "steps[1] (compute): step id 'compute' is used twice"),
    ("bad step id", lambda t: t.replace('id = "days"', 'id = "Days!"'),
     "steps[1]: id must be a lower-case identifier"),
    ("unknown step key", lambda t: t.replace('tolerance = "rel:10%,25%"',
                                             'tolerance = "rel:10%,25%"\nmodel = "x"'),
     "steps[1] (days): unknown key(s) model"),
    ("missing unit", lambda t: t.replace('unit = "day"\n', ""),
     "steps[1] (days): missing 'unit'"),
    ("empty inputs", lambda t: t.replace(STEP_INPUTS, ""),
     "steps[1] (days): inputs must be a non-empty table"),
    ("a misspelt steps table", lambda t: t.replace('[[cases.steps]]\nid = "compute"',
                                             '[[cases.stepz]]\nid = "compute"'),
     "unknown key(s) stepz"),
    ("unknown kind", lambda t: t.replace('kind = "decision"', 'kind = "essay"'),
     "steps[2] (fits): kind must be \"number\" or \"decision\", not 'essay'"),
    ("placeholder naming no parameter", lambda t: t.replace("Days on {gpus:int}",
                                                            "Days on {nodes:int}"),
     "steps[1] (days): prompt placeholder {nodes} names no parameter"),
    # decisions
    ("unknown rule", lambda t: t.replace('rule = "at_most"', 'rule = "vibes"'),
     "steps[2] (fits): unknown rule 'vibes'; rules: lowest: "),
    ("at_most inputs", lambda t: t.replace('limit = "param:deadline_days"',
                                           'cap = "param:deadline_days"'),
     "steps[2] (fits): rule at_most takes inputs value and limit, not value, cap"),
    ("one option", lambda t: t.replace('options = ["Yes", "No"]', 'options = ["Yes"]'),
     "steps[2] (fits): options must be a list of 2 to 6 strings"),
    ("options that read the same", lambda t: t.replace('["Yes", "No"]', '["Yes", " yes"]'),
     "steps[2] (fits): two options read the same"),
    ("lowest arity", lambda t: t.replace('rule = "at_most"', 'rule = "lowest"').replace(
        'options = ["Yes", "No"]', 'options = ["A", "B", "C"]'),
     "steps[2] (fits): rule lowest takes one input per option, in order: 3 options but "
     "2 inputs"),
    ("unit on a decision", lambda t: t.replace('rule = "at_most"',
                                               'rule = "at_most"\nunit = "day"'),
     "steps[2] (fits): unknown key(s) unit"),
    # the case itself
    ("prompt instead of scenario", lambda t: t.replace("scenario =", "prompt ="),
     "unknown key(s) prompt"),
    ("unknown round", lambda t: t.replace('["program_design"]', '["onsite"]'),
     "unknown round 'onsite'"),
    ("catalog parameter drawn twice", lambda t: t.replace(
        'peak_flops = "gpu.bf16_dense_flops"', 'mfu = "gpu.bf16_dense_flops"'),
     "catalog_params.mfu: mfu is also drawn under [cases.params]"),
    ("bad catalog parameter", lambda t: t.replace('"gpu.bf16_dense_flops"', '"gpu"'),
     "catalog_params.peak_flops must look like 'h100_sxm.bf16_dense_flops'"),
    ("unit of no parameter", lambda t: t.replace('deadline_days = "day"',
                                                 'deadline_dayz = "day"'),
     "param_units.deadline_dayz names no parameter"),
    ("unit of a catalog parameter", lambda t: t.replace('deadline_days = "day"',
                                                        'peak_flops = "TFLOP/s"'),
     "param_units.peak_flops: peak_flops is read from the catalog, in its field's unit"),
    ("missing justify", lambda t: t[:t.index("[cases.justify]")],
     "missing [cases.justify] with prompt, model_answer and [[cases.justify.key_points]]"),
    ("justify without key points", lambda t: t[:t.index("[[cases.justify.key_points]]")],
     "justify: key_points must be a non-empty array of tables"),
    ("justify with an empty phrasing", lambda t: t.replace('phrasings = ["deadline"]',
                                                           'phrasings = [""]'),
     "justify: key_points[0]: phrasings must be a non-empty list of strings"),
]


@pytest.mark.parametrize(("name", "mutate", "message"), CASES, ids=[c[0] for c in CASES])
def test_malformed_cases_give_one_located_error(name: str, mutate, message: str) -> None:
    text = mutate(GOOD)
    assert text != GOOD, name
    [result] = read_cases(text)
    assert isinstance(result, ContentError), f"{name}: read without error"
    assert result.file == "decks/t.toml"
    assert result.item == "t.case"
    assert result.line == 5
    assert message in result.message, result.message


def test_a_case_without_an_id_is_located_by_its_header() -> None:
    # (No blank line above the header: the loader's _header_line lets ^\s* start on a blank
    # line before it, one line early.)
    text = GOOD.replace('id = "t.case"\n', "").replace("\n\n[[cases]]", "\n[[cases]]")
    [result] = read_cases(text)
    assert isinstance(result, ContentError)
    assert (result.item, result.line) == ("cases[0] (no id)", 3)
    assert "missing 'id'" in result.message


def test_control_characters_in_a_hostile_case_never_reach_the_message() -> None:
    [result] = read_cases(GOOD.replace('"param:gpus"', '"env\\u001b[2J:x"'))
    assert isinstance(result, ContentError)
    assert "\x1b" not in str(result)
