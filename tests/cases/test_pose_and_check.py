"""Posing cases and checking them against the engine: each problem named, never a crash."""

from __future__ import annotations

import json

import pytest

from content.cases import DECISION_RULES
from content.catalog import builtin_catalog
from engine.cases import case_problem, grade_chain, pose_case
from engine.cases.references import COMPOSITIONS, reference_spec, run_reference
from engine.cases.rules import RULES
from engine.models.base import ModelError
from engine.questions import PoseError
from tests.cases.helpers import read_one
from tests.cases.test_read_case import GOOD


def test_the_good_case_checks_and_poses() -> None:
    case = read_one(GOOD)
    assert case_problem(case, builtin_catalog()) is None
    posed = pose_case(case, builtin_catalog(), 3)
    assert posed.params["peak_flops"] in (989.4e12, 2.25e15)
    assert posed.param_units["peak_flops"] == "FLOP/s"  # from the catalog field
    assert posed.steps[1].prompt.startswith("Days on ")
    shown = posed.to_dict()
    assert set(shown) == {"id", "seed", "scenario", "params", "steps"}
    assert [set(step) >= {"prompt", "unit", "reference"} for step in shown["steps"]] == \
        [True] * 3
    json.dumps(shown)


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda t: t.replace('reference = "training_seconds_from_compute"',
                         'reference = "nope"'),
     # the list of compositions grows with every case deck: name only its start
     "step 2 (days): unknown reference 'nope': name a case composition ("),
    (lambda t: t.replace('gpus = "param:gpus"', 'gpu_count = "param:gpus"'),
     "step 2 (days): training_seconds_from_compute has no parameter 'gpu_count'; its "
     "parameters: compute_flops, gpus, peak_flops, mfu"),
    (lambda t: t.replace('mfu = "param:mfu"\n', ""),
     "step 2 (days): training_seconds_from_compute needs mfu; give each under inputs"),
    (lambda t: t.replace('peak_flops = "param:peak_flops"', 'peak_flops = "param:deadline_days"'),
     "seed 0: t.case: step 2 (days), input peak_flops: comes in 'day' but is taken in "
     "'FLOP/s'"),
    (lambda t: t.replace('"gpu.bf16_dense_flops"', '"h900.bf16_dense_flops"'),
     "seed 0: t.case: catalog_params.peak_flops: unknown hardware id 'h900'"),
    (lambda t: t.replace('"gpu.bf16_dense_flops"', '"gpu.pcie_lanes"'),
     "seed 0: t.case: catalog_params.peak_flops: "),
    (lambda t: t.replace('"gpu.bf16_dense_flops"', '"gpus.bf16_dense_flops"'),
     "catalog_params.peak_flops: 'gpus.bf16_dense_flops' reads parameter gpus, which holds"),
    (lambda t: t.replace("mfu = 0.4", "mfu = 1.5"),
     "step 2 (days): training_seconds_from_compute: mfu must be a fraction in (0, 1], not 1.5"),
    (lambda t: t.replace('unit = "day"', 'unit = "GB"'),
     "step 2 (days): the reference is in 's' but the step asks for 'GB'"),
    (lambda t: t.replace('tolerance = "rel:10%,25%"', 'tolerance = "rel:10%,25%"\n'
                         'output = "weeks"'),
     "step 2 (days): training_seconds_from_compute has no numeric output 'weeks'; "
     "outputs: days, achieved_flops"),
    (lambda t: t.replace('deadline_days = "day"', 'deadline_days = "byte"'),
     "step 3 (fits), input limit: comes in 'byte' but is taken in 's'"),
])
def test_case_problems_are_named(mutate, message: str) -> None:
    case = read_one(mutate(GOOD))
    problem = case_problem(case, builtin_catalog())
    assert problem is not None and message in problem, problem


def test_pose_raises_only_pose_errors_naming_the_case() -> None:
    case = read_one(GOOD.replace("mfu = 0.4", "mfu = 1.5"))
    with pytest.raises(PoseError, match=r"^t\.case: step 2 \(days\): "):
        pose_case(case, builtin_catalog(), 0)


def test_the_decision_rules_are_the_ones_decks_may_name() -> None:
    assert set(RULES) == set(DECISION_RULES)


def test_compositions_refuse_what_they_cannot_compute() -> None:
    with pytest.raises(ModelError, match="cost_from_gpu_hours: missing parameter "
                                         "usd_per_gpu_hour"):
        run_reference("cost_from_gpu_hours", {"gpu_hours": 1.0})
    with pytest.raises(ModelError, match="gpu_hours_from_seconds: unknown parameter hours"):
        run_reference("gpu_hours_from_seconds", {"gpus": 8, "train_seconds": 1, "hours": 2})
    with pytest.raises(ModelError, match="train_seconds must be a finite number, not inf"):
        run_reference("gpu_hours_from_seconds", {"gpus": 8, "train_seconds": float("inf")})
    with pytest.raises(ModelError, match="gpus must be positive, not 0"):
        run_reference("gpu_hours_from_seconds", {"gpus": 0, "train_seconds": 3600})
    assert run_reference("gpu_hours_from_seconds", {"gpus": 8, "train_seconds": 7200}
                         ).value == 16
    for name in COMPOSITIONS:
        assert reference_spec(name).kind == "composition"
    assert reference_spec("train_flops").param_units["params"] == "parameter"


ARCHITECTURE = """
[[cases]]
id = "t.size_then_time"
topic = "training.compute"
level = "L6"
rounds = ["technical_depth"]
scenario = "{layers:int} layers of width {d_model:int} on {gpus:int} {gpu:name}."
explanation = "Count, then time."
[cases.params]
layers = { choices = [32, 80] }
d_model = { choices = [4096, 8192] }
gpus = 1024
gpu = { choices = ["h100_sxm", "b200"] }
mfu = 0.4
tokens = 15e12
price = 2.0
[cases.param_units]
price = "USD/hour"
[[cases.steps]]
id = "size"
prompt = "Parameters?"
unit = "parameter"
reference = "transformer_params"
[cases.steps.inputs]
layers = "param:layers"
d_model = "param:d_model"
d_ff = 14336
heads = 32
kv_heads = 8
vocab = 128256
[[cases.steps]]
id = "days"
prompt = "Days?"
unit = "day"
reference = "train_time"
output = "days"
[cases.steps.inputs]
params = "step:size"
tokens = "param:tokens"
gpus = "param:gpus"
gpu = "param:gpu"
mfu = "param:mfu"
[[cases.steps]]
id = "hours"
prompt = "GPU-hours?"
unit = "GPU*hour"
reference = "train_time"
output = "gpu_hours"
[cases.steps.inputs]
params = "step:size"
tokens = "param:tokens"
gpus = "param:gpus"
gpu = "param:gpu"
mfu = "param:mfu"
[cases.justify]
prompt = "Why?"
model_answer = "x"
[[cases.justify.key_points]]
point = "x"
phrasings = ["x"]
"""


def test_a_chain_through_registered_models_and_the_catalog() -> None:
    """transformer_params feeds train_time, which reads the drawn GPU from the catalog:
    the player's own parameter count is carried forward through the catalog's figure."""
    case = read_one(ARCHITECTURE)
    assert case_problem(case, builtin_catalog()) is None
    posed = next(p for p in (pose_case(case, builtin_catalog(), s) for s in range(40))
                 if p.params["layers"] == 32 and p.params["d_model"] == 4096)
    size, days, hours = posed.steps
    assert size.reference_value == 8_030_261_248  # Llama 3 8B's shape
    assert set(posed.accelerators) == {posed.params["gpu"]}
    double_days = 2 * days.reference_display
    double_hours = 2 * hours.reference_display
    grade = grade_chain(posed, ["16.06B", f"{double_days:.5g}", f"{double_hours:.5g}"])
    assert [s.status for s in grade.steps] == ["off", "consistent", "consistent"]
