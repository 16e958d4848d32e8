"""How well-calibrated a player's intervals are: hit rate and the interval score.

A player who types "30-50 days" states an interval. Over many such answers two things matter:
whether the intervals contain the truth as often as claimed (a 90 % interval should hit about
90 % of the time), and whether they are tight. The interval score of Gneiting & Raftery
(2007, "Strictly Proper Scoring Rules, Prediction, and Estimation", JASA 102(477), 359–378,
eq. 43) rewards both at once and is *proper*: for a central (1 − α) interval its expectation is
minimised by reporting the true α/2 and 1 − α/2 quantiles — no gaming by widening or
narrowing. Lower is better.

Estimates in this game span orders of magnitude (a 2× miss matters the same at 10 GB and at
10 TB), so the score is taken on log10 values: l = log10(lo), u = log10(hi), x = log10(truth),

    S_α(l, u; x) = (u − l) + (2/α)·(l − x)·1{x < l} + (2/α)·(x − u)·1{x > u}

measured in decades. A tight hit scores its width (log10(50/30) ≈ 0.22 for "30-50 days"); a
miss adds 2/α per decade outside (20 per decade at α = 0.1).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DEFAULT_ALPHA", "Calibration", "calibration", "interval_score"]

#: The intervals are read as central 90 % intervals.
DEFAULT_ALPHA = 0.1


def _log10_positive(value: float, name: str) -> float:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"bad {name} {value!r}: interval scores are on log10, need a number > 0")
    return math.log10(value)


def interval_score(lo: float, hi: float, truth: float, alpha: float = DEFAULT_ALPHA) -> float:
    """Gneiting & Raftery's interval score (2007, eq. 43) of [lo, hi] for ``truth``, on log10.

    ``(u − l) + (2/α)(l − x)·1{x < l} + (2/α)(x − u)·1{x > u}`` with l, u, x the log10 of
    ``lo``, ``hi``, ``truth``; lower is better, 0 only for a point interval on the truth.
    ``lo ≤ hi``, all positive and finite, ``0 < alpha < 1``; otherwise ValueError.
    """
    if not (0.0 < alpha < 1.0):
        raise ValueError(f"bad alpha {alpha!r}: need 0 < alpha < 1 (0.1 for a 90% interval)")
    low = _log10_positive(lo, "lo")
    high = _log10_positive(hi, "hi")
    x = _log10_positive(truth, "truth")
    if low > high:
        raise ValueError(f"bad interval [{lo!r}, {hi!r}]: lo must be ≤ hi")
    score = high - low
    if x < low:
        score += (2.0 / alpha) * (low - x)
    elif x > high:
        score += (2.0 / alpha) * (x - high)
    return score


@dataclass(frozen=True)
class Calibration:
    """Calibration over ``count`` intervals: ``hit_rate`` is the share containing the truth
    (ends inclusive; aim for 1 − α), ``mean_interval_score`` the mean of
    :func:`interval_score` (lower is better). Both are NaN when ``count`` is 0."""

    count: int
    hit_rate: float
    mean_interval_score: float


def calibration(
    records: Iterable[tuple[float, float, float]], alpha: float = DEFAULT_ALPHA
) -> Calibration:
    """Hit rate and mean interval score of ``(lo, hi, truth)`` records.

    Every record must be valid for :func:`interval_score` (positive, finite, lo ≤ hi);
    a bad one raises ValueError naming it, since it means a storage bug, not a bad guess.
    """
    count = 0
    hits = 0
    scores: list[float] = []
    for record in records:
        lo, hi, truth = record
        try:
            scores.append(interval_score(lo, hi, truth, alpha))
        except ValueError as error:
            raise ValueError(f"bad calibration record {record!r}: {error}") from None
        count += 1
        hits += lo <= truth <= hi
    if count == 0:
        return Calibration(0, math.nan, math.nan)
    return Calibration(count, hits / count, math.fsum(scores) / count)
