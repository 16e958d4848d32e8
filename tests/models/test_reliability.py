"""Checkpoint interval, job failure probability and straggler step time."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.models.reliability import (
    checkpoint_interval,
    expected_max_normal,
    job_failure_prob,
    straggler_step,
)


def test_young_interval() -> None:
    # Young 1974: τ = √(2δM). δ = 5 min, M = 24 h -> √(2·300·86400) = 7200 s.
    result = checkpoint_interval(checkpoint_s=300, mtbf_s=86400)
    assert result.value == pytest.approx(7200)
    assert result.outputs["hours"] == pytest.approx(2.0)
    # First-order waste δ/τ + τ/2M = √(2δ/M) at the optimum.
    assert result.outputs["waste"] == pytest.approx(math.sqrt(2 * 300 / 86400))


def test_daly_interval() -> None:
    # Daly 2006 eq. 37: τ = √(2δM)·[1 + ⅓√(δ/2M) + (1/9)(δ/2M)] − δ for δ < 2M, else M.
    ratio = 300 / (2 * 86400)
    expected = 7200 * (1 + math.sqrt(ratio) / 3 + ratio / 9) - 300
    assert checkpoint_interval(300, 86400, method="daly").value == pytest.approx(expected)
    assert checkpoint_interval(5000, 2000, method="daly").value == 2000
    # For δ ≪ M Daly converges to Young.
    young = checkpoint_interval(1, 1e7).value
    assert checkpoint_interval(1, 1e7, method="daly").value == pytest.approx(young, rel=1e-3)


def test_restart_costs_waste_not_interval() -> None:
    plain = checkpoint_interval(300, 86400)
    restart = checkpoint_interval(300, 86400, restart_s=600)
    assert restart.value == plain.value
    assert restart.outputs["waste"] == pytest.approx(plain.outputs["waste"] + 600 / 86400)


def test_job_failure_llama3() -> None:
    # Llama 3 paper §3.3.4: 419 unexpected interruptions in a 54-day snapshot on 16,384 GPUs,
    # i.e. a job MTBF of 54·24/419 ≈ 3.1 h, or ≈ 50,700 h per GPU.
    per_gpu_mtbf = 54 * 24 / 419 * 16384
    result = job_failure_prob(gpus=16384, hours=54 * 24, mtbf_hours=per_gpu_mtbf)
    assert result.outputs["job_mtbf_hours"] == pytest.approx(3.09, abs=0.01)
    assert result.outputs["expected_failures"] == pytest.approx(419)
    assert result.value == pytest.approx(1.0)
    one_hour = job_failure_prob(16384, 1, per_gpu_mtbf)
    assert one_hour.value == pytest.approx(1 - math.exp(-1 / 3.093), abs=1e-3)


@given(gpus=st.integers(1, 100_000), hours=st.floats(0.01, 1e4))
def test_failure_prob_monotonic(gpus: int, hours: float) -> None:
    p = job_failure_prob(gpus, hours, 5e4).value
    assert 0.0 <= p <= 1.0
    assert job_failure_prob(gpus + 1, hours, 5e4).value >= p
    assert job_failure_prob(gpus, hours * 2, 5e4).value >= p


@pytest.mark.parametrize(
    "n, expected",
    [
        (2, 1 / math.sqrt(math.pi)),  # exact: E[max of 2] = 1/√π
        (3, 3 / (2 * math.sqrt(math.pi))),  # exact: 3/(2√π)
        (10, 1.53875),  # Harter 1961 table of expected normal order statistics [recalled]
        (100, 2.50759),  # Harter 1961 [recalled]
        (128, 2.59),  # models.md A14: 2.59 at n = 128 (√(2 ln n) = 3.12 overestimates)
    ],
)
def test_expected_max_known_values(n: int, expected: float) -> None:
    assert expected_max_normal(n) == pytest.approx(expected, abs=5e-3 if n == 128 else 1e-5)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(2, 10**7))
def test_expected_max_matches_quad(n: int) -> None:
    from scipy import integrate, stats

    def integrand(x: float) -> float:
        return x * n * stats.norm.pdf(x) * stats.norm.cdf(x) ** (n - 1)

    centre = math.sqrt(2 * math.log(n))
    reference, _ = integrate.quad(integrand, -12, 12, points=[centre], limit=200)
    assert expected_max_normal(n) == pytest.approx(reference, abs=1e-7)


def test_straggler_one_worker_is_mean() -> None:
    assert straggler_step(mean_s=1.5, std_s=0.3, workers=1).value == 1.5


def test_straggler_128() -> None:
    result = straggler_step(mean_s=1.0, std_s=0.05, workers=128)
    assert result.value == pytest.approx(1.0 + 0.05 * 2.5946, abs=1e-4)
    assert result.outputs["blom"] == pytest.approx(2.585, abs=1e-3)
    assert result.outputs["slowdown"] == pytest.approx(result.value)


def test_straggler_monotonic_in_workers() -> None:
    values = [straggler_step(1.0, 0.1, n).value for n in (1, 2, 8, 64, 1024, 16384, 10**6)]
    assert values == sorted(values)
