"""The contract case ``case.train_budget`` (issue 14 item 3), worked by hand."""

from __future__ import annotations

import math

import pytest

from content.cases import CaseStep
from content.catalog import builtin_catalog
from engine.cases import case_problem, pose_case
from tests.cases.helpers import core_case


def test_contract_shape() -> None:
    """Exact id, scenario parameters and steps; each step carried forward from the one
    before (2 <- 1, 3 <- 2, 4 <- 3)."""
    case = core_case("case.train_budget")
    assert case.id == "case.train_budget" and case.kind == "case"
    assert {"params", "tokens", "gpus", "peak_flops", "mfu", "usd_per_gpu_hour"} <= \
        case.parameter_names()
    assert case.catalog_params["peak_flops"] == "gpu.bf16_dense_flops"
    assert [s.id for s in case.steps] == ["compute", "days", "gpu_hours", "cost"]
    assert all(isinstance(s, CaseStep) for s in case.steps)
    carried = [[i.ref for i in s.inputs if i.source == "step"] for s in case.steps]
    assert carried == [[], ["compute"], ["days"], ["gpu_hours"]]
    assert case.justify_prompt and case.model_answer and len(case.key_points) >= 3
    assert case_problem(case, builtin_catalog()) is None


def test_contract_case_worked_by_hand() -> None:
    """Seed 1 draws: 34B parameters, 13T tokens, 1,024 H200s (dense BF16 989.4 TFLOP/s),
    34 % MFU, $4.35 per GPU-hour.

    (1) C = 6 · 34e9 · 13e12                        = 2.652e24 FLOP
    (2) cluster = 1024 · 989.4e12 · 0.34            = 3.44469504e17 FLOP/s
        t = 2.652e24 / 3.44469504e17                = 7,698,794.7 s
        days = 7,698,794.7 / 86,400                 = 89.106 days
    (3) GPU-hours = 1024 · 89.106 · 24              = 2,189,879 GPU-hours
    (4) cost = 2,189,879 · 4.35                     = $9,525,975
    """
    posed = pose_case(core_case(), builtin_catalog(), seed=1)
    params = posed.params
    assert (params["params"], params["tokens"], params["gpus"], params["gpu"]) == \
        (34e9, 13e12, 1024, "h200")
    assert params["peak_flops"] == 989.4e12
    assert params["mfu"] == pytest.approx(0.34)
    assert params["usd_per_gpu_hour"] == pytest.approx(4.35)
    compute, days, gpu_hours, cost = posed.steps
    assert compute.reference_value == pytest.approx(2.652e24, rel=1e-12)
    assert compute.reference_unit == "FLOP"
    assert days.reference_value == pytest.approx(7_698_794.7, rel=1e-7)
    assert days.reference_unit == "s"
    assert days.reference_display == pytest.approx(89.106, rel=1e-4)  # in days
    assert gpu_hours.reference_display == pytest.approx(2_189_879, rel=1e-6)
    assert cost.reference_display == pytest.approx(9_525_975, rel=1e-6)
    assert cost.reference_unit == "USD"
    assert "34B parameters" in posed.scenario and "13T tokens" in posed.scenario
    assert "1,024 × NVIDIA H200" in posed.scenario and "989 TFLOP/s" in posed.scenario
    assert "34% MFU" in posed.scenario and "$4.35 per GPU-hour" in posed.scenario
    assert days.derivation and days.derivation[-1].unit == "day"


def test_the_same_seed_poses_the_same_case_and_others_differ() -> None:
    case, catalog = core_case(), builtin_catalog()
    assert pose_case(case, catalog, 7) == pose_case(case, catalog, 7)
    scenarios = {pose_case(case, catalog, seed).scenario for seed in range(20)}
    assert len(scenarios) == 20


def test_two_hundred_seeds_give_finite_positive_references() -> None:
    """Issue 14's test: every step of every seed has a finite, positive reference."""
    case, catalog = core_case(), builtin_catalog()
    for seed in range(200):
        posed = pose_case(case, catalog, seed)
        for step in posed.steps:
            assert step.reference_value is not None and step.reference_display is not None
            assert math.isfinite(step.reference_value) and step.reference_value > 0, seed
            assert math.isfinite(step.reference_display) and step.reference_display > 0


def test_the_bill_does_not_depend_on_the_gpu_count() -> None:
    """The case's lesson (its explanation and first key points): cost = C/(peak·MFU)·price,
    whatever the fleet; checked on the posed chain itself."""
    for seed in range(30):
        posed = pose_case(core_case(), builtin_catalog(), seed)
        p = posed.params
        expected = 6 * p["params"] * p["tokens"] / (p["peak_flops"] * p["mfu"]) / 3600 \
            * p["usd_per_gpu_hour"]
        assert posed.steps[3].reference_value == pytest.approx(expected, rel=1e-9)
