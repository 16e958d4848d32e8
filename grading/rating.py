"""Suggest an FSRS rating from a grade band (the player can override it with keys 1–4).

exact → Good (Easy when also faster than the target time), close → Hard, off → Again, and
"don't know" (no band) → Again. The numbers match py-fsrs's ``Rating`` values.
"""

from __future__ import annotations

__all__ = ["AGAIN", "EASY", "GOOD", "HARD", "suggest_rating"]

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

_BY_BAND = {"exact": GOOD, "close": HARD, "off": AGAIN}


def suggest_rating(
    band: str | None,
    answer_seconds: float | None = None,
    target_seconds: float | None = None,
) -> int:
    """The rating to suggest for a graded answer.

    ``band`` is ``"exact"``, ``"close"``, ``"off"`` or None ("don't know"). An exact answer is
    Easy only when both times are given and ``answer_seconds < target_seconds``. Any other band
    raises ValueError: an unparsed answer or a unit mismatch is not graded, so never rated.
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
