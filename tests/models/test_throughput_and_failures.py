"""effective_throughput, failure_montecarlo and the straggler Monte Carlo check.

Sources: Narayanan et al. 2021 (Megatron-LM, arXiv 2104.04473) §2.2 for the bubble;
Young 1974 (CACM 17(9)) and Daly 2006 (FGCS 22(3)) for checkpoint waste and wall time;
"The Llama 3 Herd of Models" (arXiv 2407.21783) §3.3.4 for a real interruption rate.
"""

from __future__ import annotations

import math

import pytest

from engine.models.base import ModelError
from engine.models.registry import run
from engine.models.reliability import (
    expected_segment_seconds,
    failure_loop_reference,
    failure_montecarlo,
)

# -- effective_throughput ------------------------------------------------------------------


def test_no_overheads_gives_the_ideal_rate() -> None:
    result = run("effective_throughput",
                 {"tokens_per_step": 4e6, "ideal_step_s": 10, "stages": 1, "microbatches": 8})
    assert result.value == pytest.approx(4e5)
    assert result.outputs["efficiency"] == pytest.approx(1.0)


def test_bubble_matches_megatron() -> None:
    # MEG21 §2.2: the 1F1B bubble is (p−1)/m of the ideal time; p = 8, m = 32 → 7/32.
    result = run("effective_throughput",
                 {"tokens_per_step": 4e6, "ideal_step_s": 10, "stages": 8, "microbatches": 32})
    assert result.outputs["step_s"] == pytest.approx(10 * (1 + 7 / 32))
    assert result.value == pytest.approx(4e5 / (1 + 7 / 32))
    # As a share of the whole step: (p−1)/(m+p−1) = 7/39 (GPipe's form).
    assert result.outputs["bubble_fraction"] == pytest.approx(7 / 39)


def test_goodput_uses_young_interval_and_first_order_waste() -> None:
    checkpoint_s, mtbf_s, restart_s = 60.0, 3 * 3600.0, 600.0
    result = run("effective_throughput", {
        "tokens_per_step": 4e6, "ideal_step_s": 10, "stages": 1, "microbatches": 1,
        "checkpoint_s": checkpoint_s, "mtbf_s": mtbf_s, "restart_s": restart_s})
    tau = math.sqrt(2 * checkpoint_s * mtbf_s)  # Young 1974
    waste = checkpoint_s / tau + (tau / 2 + restart_s) / mtbf_s
    assert result.outputs["checkpoint_interval_s"] == pytest.approx(tau)
    assert result.outputs["goodput"] == pytest.approx(1 - waste)
    assert result.value == pytest.approx((1 - waste) * 4e5)


def test_more_microbatches_approach_the_ideal() -> None:
    rates = [run("effective_throughput", {"tokens_per_step": 1e6, "ideal_step_s": 1,
                                          "stages": 16, "microbatches": m}).value
             for m in (16, 64, 256, 4096)]
    assert rates == sorted(rates)
    assert rates[-1] == pytest.approx(1e6, rel=0.005)


def test_exposed_allreduce_slows_the_step() -> None:
    base = {"tokens_per_step": 1e6, "ideal_step_s": 1, "stages": 1, "microbatches": 1}
    slow = run("effective_throughput", {**base, "allreduce_exposed_s": 0.25})
    assert slow.value == pytest.approx(1e6 / 1.25)


# -- failure_montecarlo --------------------------------------------------------------------

LLAMA3_MTBF_HOURS = 54 * 24 * 16384 / 419  # 419 interruptions in 54 days on 16,384 GPUs


def test_montecarlo_agrees_with_closed_form() -> None:
    result = failure_montecarlo(gpus=16384, hours=24 * 7, mtbf_hours=LLAMA3_MTBF_HOURS,
                                checkpoint_s=60, restart_s=600, trials=20_000, seed=1)
    closed = result.outputs["closed_form_s"]
    assert abs(result.value - closed) < 4 * result.outputs["standard_error_s"]
    assert result.outputs["p50_s"] < result.outputs["p95_s"]
    assert 0 < result.outputs["goodput"] < 1
    # Llama 3 §3.3.4: a 16k-GPU job is interrupted about every 3.1 hours.
    job_mtbf_s = next(s.value for s in result.steps if s.label == "Job MTBF = 1/λ")
    assert job_mtbf_s / 3600 == pytest.approx(54 * 24 / 419)


def test_closed_form_is_dalys_wall_time_when_restart_is_free() -> None:
    # Daly 2006 eq. (4) with R = 0: T_w = M·(e^{(τ+δ)/M} − 1)·T_s/τ.
    mtbf_s, tau, delta = 3 * 3600.0, 1200.0, 60.0
    work_s = 100 * tau
    daly = mtbf_s * math.expm1((tau + delta) / mtbf_s) * work_s / tau
    ours = 100 * expected_segment_seconds(tau + delta, 1 / mtbf_s, 0.0)
    assert ours == pytest.approx(daly, rel=1e-12)


def test_vectorised_matches_plain_loop() -> None:
    args = {"gpus": 2048, "hours": 48.0, "mtbf_hours": 20_000.0,
            "checkpoint_interval_s": 1800.0, "checkpoint_s": 30.0, "restart_s": 300.0}
    fast = failure_montecarlo(**args, trials=20_000, seed=3)
    slow = failure_loop_reference(**args, trials=2_000, seed=3)
    spread = fast.outputs["standard_error_s"] * math.sqrt(20_000 / 2_000)
    assert abs(fast.value - slow) < 5 * spread


def test_reliable_hardware_costs_only_checkpoint_writes() -> None:
    result = failure_montecarlo(gpus=8, hours=10, mtbf_hours=1e12, checkpoint_interval_s=3600,
                                checkpoint_s=60, trials=100)
    assert result.value == pytest.approx(10 * 3600 + 10 * 60, rel=1e-6)
    assert result.outputs["mean_failures"] == 0


def test_probability_of_failing_before_next_checkpoint() -> None:
    result = failure_montecarlo(gpus=16384, hours=24, mtbf_hours=50_000,
                                checkpoint_interval_s=1800, checkpoint_s=60, trials=100)
    rate = 16384 / (50_000 * 3600)
    assert result.outputs["p_fail_before_checkpoint"] == pytest.approx(
        1 - math.exp(-rate * 1860))


def test_hopeless_job_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="checkpoint more often"):
        run("failure_montecarlo", {"gpus": 16384, "hours": 720, "mtbf_hours": 50_000,
                                   "checkpoint_interval_s": 720 * 3600})


def test_needs_an_interval_or_a_write_time() -> None:
    with pytest.raises(ModelError, match="checkpoint_interval_s"):
        run("failure_montecarlo", {"gpus": 8, "hours": 1, "mtbf_hours": 1000})


# -- straggler Monte Carlo check ---------------------------------------------------------


@pytest.mark.parametrize("workers", [2, 128, 16384])
def test_straggler_montecarlo_within_standard_errors(workers: int) -> None:
    result = run("straggler_step", {"mean_s": 1.0, "std_s": 0.05, "workers": workers,
                                    "trials": 200_000, "seed": 5})
    # The sd of the max of n normals is below 1 for n ≥ 2, so 4·σ/√trials bounds 4 SE.
    assert abs(result.outputs["montecarlo_s"] - result.value) < 4 * 0.05 / math.sqrt(200_000)
