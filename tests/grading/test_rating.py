"""suggest_rating: band (and speed) -> FSRS rating."""

from __future__ import annotations

import pytest

from grading.rating import AGAIN, EASY, GOOD, HARD, rating_for_open, suggest_rating


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


@pytest.mark.parametrize(("band", "rating"), [("exact", GOOD), ("off", AGAIN)])
def test_suggest_rating_takes_text_bands(band: str, rating: int) -> None:
    from grading.text import grade_text

    assert grade_text("HBM3" if band == "exact" else "HBM2e", ["HBM3"]).band == band
    assert suggest_rating(band) == rating


# (open-answer score, rating): Easy ≥ 0.95, Good ≥ 0.8, Hard ≥ 0.5, else Again.
OPEN_RATINGS = [
    (1.0, EASY),
    (0.95, EASY),
    (0.9499, GOOD),
    (0.9, GOOD),  # full coverage with one red flag: never Easy
    (0.8, GOOD),
    (0.9 - 0.1, GOOD),  # 0.8000000000000002 or 0.7999999999999999: float noise stays Good
    (0.7999, HARD),
    (0.5, HARD),
    (0.4999, AGAIN),
    (0.0, AGAIN),
]


@pytest.mark.parametrize(("score", "rating"), OPEN_RATINGS)
def test_rating_for_open_table(score: float, rating: int) -> None:
    assert rating_for_open(score) == rating


def test_open_easy_needs_no_red_flags() -> None:
    # Full coverage minus one red flag is 0.9 < 0.95: the bands make Easy flag-free by design.
    from grading.rubric import self_score

    assert rating_for_open(self_score([True, True], [1.0, 1.0], 0)) == EASY
    assert rating_for_open(self_score([True, True], [1.0, 1.0], 1)) == GOOD


@pytest.mark.parametrize("score", [-0.01, 1.01, float("nan"), float("inf")])
def test_rating_for_open_rejects_scores_outside_0_1(score: float) -> None:
    with pytest.raises(ValueError, match="bad open-answer score"):
        rating_for_open(score)
