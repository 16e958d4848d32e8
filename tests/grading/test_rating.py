"""suggest_rating: band (and speed) -> FSRS rating."""

from __future__ import annotations

import pytest

from grading.rating import AGAIN, EASY, GOOD, HARD, suggest_rating


def test_rating_values_match_fsrs() -> None:
    assert (AGAIN, HARD, GOOD, EASY) == (1, 2, 3, 4)


@pytest.mark.parametrize(
    ("band", "answer_seconds", "target_seconds", "rating"),
    [
        ("exact", None, None, GOOD),
        ("exact", 10.0, None, GOOD),
        ("exact", None, 30.0, GOOD),
        ("exact", 10.0, 30.0, EASY),
        ("exact", 29.9, 30.0, EASY),
        ("exact", 30.0, 30.0, GOOD),
        ("exact", 45.0, 30.0, GOOD),
        ("close", None, None, HARD),
        ("close", 1.0, 30.0, HARD),
        ("off", None, None, AGAIN),
        ("off", 1.0, 30.0, AGAIN),
        (None, None, None, AGAIN),
        (None, 1.0, 30.0, AGAIN),
    ],
)
def test_suggest_rating_table(
    band: str | None, answer_seconds: float | None, target_seconds: float | None, rating: int
) -> None:
    assert suggest_rating(band, answer_seconds, target_seconds) == rating


@pytest.mark.parametrize("band", ["unparsed", "unit_mismatch", "EXACT", ""])
def test_unknown_band_is_an_error(band: str) -> None:
    with pytest.raises(ValueError, match="unknown band"):
        suggest_rating(band)
