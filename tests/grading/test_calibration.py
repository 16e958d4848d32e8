"""Interval score (Gneiting & Raftery 2007, JASA 102(477), eq. 43) on log10 values, hit rate."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from grading.calibration import Calibration, calibration, interval_score

# S_α(l, u; x) = (u − l) + (2/α)(l − x)·1{x < l} + (2/α)(x − u)·1{x > u}
# Gneiting, T. & Raftery, A. E. (2007). Strictly Proper Scoring Rules, Prediction, and
# Estimation. Journal of the American Statistical Association 102(477), 359–378, eq. (43).
# Here l, u, x are log10 of the typed ends and the truth; worked by hand below.
# (lo, hi, truth, alpha, score)
SCORES = [
    (10.0, 1000.0, 100.0, 0.1, 2.0),  # inside: the width, 3 − 1 decades
    (10.0, 1000.0, 10.0, 0.1, 2.0),  # on an end: still a hit, no penalty
    (10.0, 1000.0, 1000.0, 0.1, 2.0),
    (10.0, 1000.0, 10_000.0, 0.1, 22.0),  # 1 decade above: 2 + (2/0.1)·1
    (10.0, 1000.0, 1.0, 0.1, 22.0),  # 1 decade below: 2 + 20·(1 − 0)
    (10.0, 1000.0, 1e5, 0.5, 10.0),  # α = 0.5: 2 + (2/0.5)·2
    (100.0, 100.0, 100.0, 0.1, 0.0),  # a point on the truth
    (100.0, 100.0, 1000.0, 0.1, 20.0),  # a point one decade off
    (30.0, 50.0, 40.0, 0.1, math.log10(50 / 30)),  # "30-50 days", truth 40: ≈ 0.2218
    (30.0, 50.0, 60.0, 0.1, math.log10(50 / 30) + 20 * math.log10(60 / 50)),  # ≈ 1.8054
]


@pytest.mark.parametrize(("lo", "hi", "truth", "alpha", "score"), SCORES)
def test_interval_score_table(lo: float, hi: float, truth: float, alpha: float, score: float):
    assert interval_score(lo, hi, truth, alpha) == pytest.approx(score, rel=1e-12, abs=1e-12)


def test_interval_score_default_alpha_is_a_90_percent_interval() -> None:
    assert interval_score(10.0, 1000.0, 10_000.0) == pytest.approx(22.0)


def _expected_score(low: float, high: float, alpha: float) -> float:
    """E[S_α(l, u; X)] for X ~ N(0, 1), using E[(l − X)+] = l·Φ(l) + φ(l) and its mirror."""
    normal = NormalDist()
    below = low * normal.cdf(low) + normal.pdf(low)
    above = -high * normal.cdf(-high) + normal.pdf(high)
    return (high - low) + (2 / alpha) * (below + above)


def test_the_score_is_proper_true_quantiles_minimise_it() -> None:
    # Propriety (G&R 2007, §6.2): the expected score is lowest at the α/2 and 1 − α/2 quantiles.
    # Checks that the 2/α weight is right: with 1/α the optimum would be the 80 % interval.
    alpha = 0.1
    z = NormalDist().inv_cdf(1 - alpha / 2)  # 1.645
    best = _expected_score(-z, z, alpha)
    for width in (1.2, 1.5, 1.282, 1.9, 2.5):
        assert _expected_score(-width, width, alpha) > best
    # And the hand formula agrees with interval_score on a sample (10**x keeps x on log10).
    assert interval_score(10**-z, 10**z, 10**2.0, alpha) == pytest.approx(2 * z + 20 * (2 - z))


@pytest.mark.parametrize(
    ("lo", "hi", "truth", "alpha"),
    [
        (0.0, 10.0, 5.0, 0.1),
        (-1.0, 10.0, 5.0, 0.1),
        (1.0, 10.0, 0.0, 0.1),
        (10.0, 1.0, 5.0, 0.1),  # lo > hi
        (1.0, math.inf, 5.0, 0.1),
        (1.0, 10.0, math.nan, 0.1),
        (1.0, 10.0, 5.0, 0.0),
        (1.0, 10.0, 5.0, 1.0),
    ],
)
def test_interval_score_rejects_bad_input(lo: float, hi: float, truth: float, alpha: float):
    with pytest.raises(ValueError):
        interval_score(lo, hi, truth, alpha)


def test_calibration_hit_rate_and_mean_score() -> None:
    records = [
        (10.0, 1000.0, 100.0),  # hit, 2
        (10.0, 1000.0, 10_000.0),  # miss, 22
        (30.0, 50.0, 30.0),  # hit on the end, log10(5/3)
        (1.0, 2.0, 1.5),  # hit, log10 2
    ]
    result = calibration(records)
    assert result.count == 4
    assert result.hit_rate == pytest.approx(0.75)
    expected = (2 + 22 + math.log10(5 / 3) + math.log10(2)) / 4
    assert result.mean_interval_score == pytest.approx(expected)


def test_a_calibrated_90_percent_forecaster_hits_90_percent() -> None:
    # Truths at the 0.5th, 1.5th … 99.5th percentiles of N(0, 1) in log10, and every interval
    # the true 5–95 % one: exactly 90 of the 100 truths (5.5th … 94.5th) fall inside.
    normal = NormalDist()
    z = normal.inv_cdf(0.95)
    records = [(10**-z, 10**z, 10 ** normal.inv_cdf((p + 0.5) / 100)) for p in range(100)]
    assert calibration(records).hit_rate == pytest.approx(0.9)
    # An overconfident forecaster (the 25–75 % interval, called 90 %) hits half as often.
    narrow = normal.inv_cdf(0.75)
    records = [(10**-narrow, 10**narrow, truth) for _lo, _hi, truth in records]
    assert calibration(records).hit_rate == pytest.approx(0.5)


def test_calibration_accepts_any_iterable_and_alpha() -> None:
    result = calibration(iter([(10.0, 1000.0, 1e5)]), alpha=0.5)
    assert result == Calibration(1, 0.0, pytest.approx(10.0))


def test_empty_calibration_is_nan_not_an_error() -> None:
    result = calibration([])
    assert result.count == 0
    assert math.isnan(result.hit_rate) and math.isnan(result.mean_interval_score)


def test_bad_record_is_named() -> None:
    with pytest.raises(ValueError, match=r"bad calibration record \(0.0, 1.0, 1.0\)"):
        calibration([(0.0, 1.0, 1.0)])
