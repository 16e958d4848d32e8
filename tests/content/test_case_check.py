"""``content check`` checks cases: a case the bank would leave out (an unknown reference, a
draw its reference refuses) is an error naming the file, the case and the step — it used to
be dropped in silence, with "ok" printed — and a good one is counted."""

from __future__ import annotations

from pathlib import Path

from content.cases import Case
from engine.content_check import check_content

CASE = '''
[deck]
id = "u"
name = "User cases"

[[cases]]
id = "u.case"
topic = "training.compute"
level = "L5"
rounds = ["program_design"]
scenario = "Train {params:count} parameters on {tokens:count} tokens."
explanation = "C = 6ND."
source = "Kaplan et al. 2020"
[cases.params]
params = { min = 1e9, max = 1e10, scale = "log", sig = 2 }
tokens = { min = 1e11, max = 1e12, scale = "log", sig = 2 }
[cases.param_units]
params = "parameter"
[[cases.steps]]
id = "compute"
prompt = "Compute?"
unit = "FLOP"
reference = "REFERENCE"
inputs = { params = "param:params", tokens = "param:tokens" }
[[cases.steps]]
id = "days"
prompt = "Days on 64 GPUs of 1e15 FLOP/s at 40 % MFU?"
unit = "day"
reference = "training_seconds_from_compute"
inputs = { compute_flops = "step:compute", gpus = 64, peak_flops = 1e15, mfu = MFU }
[[cases.steps]]
id = "hours"
prompt = "GPU-hours?"
unit = "GPU*hour"
reference = "gpu_hours_from_seconds"
inputs = { gpus = 64, train_seconds = "step:days" }
[cases.justify]
prompt = "Why?"
model_answer = "Because."
[[cases.justify.key_points]]
point = "compute from 6ND"
phrasings = ["6nd"]
'''


def _check(tmp_path: Path, reference: str = "train_flops", mfu: str = "0.4"):
    deck = tmp_path / "cases.toml"
    deck.write_text(CASE.replace("REFERENCE", reference).replace("MFU", mfu))
    return check_content([deck], seeds=20)


def test_a_good_case_is_counted(tmp_path: Path) -> None:
    report = _check(tmp_path)
    assert report.errors == [] and report.cases == 1
    assert report.to_dict()["cases"] == 1


def test_an_unknown_reference_is_an_error_naming_the_step(tmp_path: Path) -> None:
    report = _check(tmp_path, reference="no_such_model")
    [error] = report.errors
    assert error.item == "u.case" and error.file.endswith("cases.toml")
    assert "step 1 (compute)" in error.message and "no_such_model" in error.message


def test_a_value_the_reference_refuses_is_an_error(tmp_path: Path) -> None:
    report = _check(tmp_path, mfu="1.5")  # MFU above 1: the composition refuses it
    [error] = report.errors
    assert "mfu" in error.message and error.item == "u.case"


def test_the_built_in_cases_check_clean() -> None:
    from engine.bank import load_content

    report = check_content(seeds=5)
    bank = load_content()
    assert report.cases == sum(isinstance(i, Case) for i in bank.items.values()) > 1
    assert not [e for e in report.errors if "case" in e.file]
