"""Suggest an FSRS rating from a grade (the player can override it with keys 1–4).

Numeric and text answers (:func:`suggest_rating`): exact → Good (Easy when also faster than the
target time), close → Hard, off → Again, and "don't know" (no band) → Again. Text answers have
only the bands ``"exact"`` and ``"off"``, so they take the same function.

Open answers (:func:`rating_for_open`), on the rubric score in [0, 1]
(covered weight / total weight − 0.1 per red flag, at most 0.3):

======================  ======  ===========================================================
score                   rating  why
======================  ======  ===========================================================
≥ 0.95                  Easy    everything covered and no red flag — 0.95 cannot be reached
                                with a red flag (one costs 0.1, and coverage is at most 1)
≥ 0.80                  Good    the key points an interviewer writes down, at most a slip
≥ 0.50                  Hard    half the substance: recalled with effort, review soon
< 0.50                  Again   most of the model missing
======================  ======  ===========================================================

The numbers match py-fsrs's ``Rating`` values.
"""

from __future__ import annotations

import math

__all__ = [
    "AGAIN",
    "EASY",
    "GOOD",
    "HARD",
    "OPEN_RATING_BANDS",
    "rating_for_open",
    "suggest_rating",
]

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

_BY_BAND = {"exact": GOOD, "close": HARD, "off": AGAIN}

#: (lowest score, rating) for open answers, highest first; below the last band is Again.
OPEN_RATING_BANDS: tuple[tuple[float, int], ...] = ((0.95, EASY), (0.8, GOOD), (0.5, HARD))

# Scores are rounded to 9 decimals by grading.rubric; this keeps 0.8 − 1e-12 from being Hard.
_EDGE_SLACK = 1e-9


def suggest_rating(
    band: str | None,
    answer_seconds: float | None = None,
    target_seconds: float | None = None,
) -> int:
    """The rating to suggest for a graded numeric or text answer.

    ``band`` is ``"exact"``, ``"close"``, ``"off"`` or None ("don't know"); text grades use
    ``"exact"`` and ``"off"``. An exact answer is Easy only when both times are given and
    ``answer_seconds < target_seconds``. Any other band raises ValueError: an unparsed answer
    or a unit mismatch is not graded, so never rated.
    """
    if band is None:
        return AGAIN
    if band not in _BY_BAND:
        raise ValueError(f"unknown band {band!r}: expected 'exact', 'close', 'off' or None")
    if (
        band == "exact"
        and answer_seconds is not None
        and target_seconds is not None
        and answer_seconds < target_seconds
    ):
        return EASY
    return _BY_BAND[band]


def rating_for_open(score: float) -> int:
    """The rating to suggest for an open answer's rubric score (see the table above).

    ``score`` is ``RubricResult.auto_score`` or a self-check score, in [0, 1]; anything else
    (NaN, negative, above 1) raises ValueError — it is a bug upstream, not a rating.
    """
    if not (isinstance(score, int | float) and math.isfinite(score) and 0.0 <= score <= 1.0):
        raise ValueError(f"bad open-answer score {score!r}: expected a number in [0, 1]")
    for lowest, rating in OPEN_RATING_BANDS:
        if score >= lowest - _EDGE_SLACK:
            return rating
    return AGAIN
