"""Plus-minus intervals ("40 days ±25%") and compound durations ("1h 30min") in parse_answer."""

from __future__ import annotations

import math

import pytest

from grading.numeric import Tolerance, grade_numeric
from grading.quantity import AnswerError, parse_answer

# (typed, expected unit, (lo, hi)) — graded on sqrt(lo·hi), the geometric midpoint.
PLUS_MINUS = [
    ("40 days ±25%", "day", (30.0, 50.0)),
    ("40 days ± 25%", "day", (30.0, 50.0)),
    ("40 days ± 25 %", "day", (30.0, 50.0)),
    ("40 ± 10 days", "day", (30.0, 50.0)),
    ("40±10 days", "day", (30.0, 50.0)),
    ("40 days +/- 10", "day", (30.0, 50.0)),
    ("40 days +- 10", "day", (30.0, 50.0)),
    ("40+-10", "day", (30.0, 50.0)),
    ("40 days plus or minus 25%", "day", (30.0, 50.0)),
    ("40 days plus/minus 10 days", "day", (30.0, 50.0)),
    ("40 days give or take 10", "day", (30.0, 50.0)),
    ("40 ± 25%", "day", (30.0, 50.0)),  # a bare centre is in the display unit
    ("40 days ± 1 week", "day", (33.0, 47.0)),  # the spread in another unit
    ("1 week ± 1 day", "hour", (144.0, 192.0)),
    ("~40 days ± 10", "day", (30.0, 50.0)),
    ("3.35 TB/s ± 5%", "GB/s", (3182.5, 3517.5)),
    ("70B ± 10", "", (60e9, 80e9)),  # the bare spread shares the centre's suffix
    ("$2M ± 500k", "USD", (1.5e6, 2.5e6)),
    ("40% ± 5%", "", (0.35, 0.45)),  # a centre in %: the % spread is absolute
    ("2 h ± 30 min", "min", (90.0, 150.0)),
]


@pytest.mark.parametrize(("typed", "unit", "bounds"), PLUS_MINUS)
def test_plus_minus_is_an_interval_graded_on_its_geometric_midpoint(
    typed: str, unit: str, bounds: tuple[float, float]
) -> None:
    parsed = parse_answer(typed, unit)
    assert parsed.interval == (
        pytest.approx(bounds[0], rel=1e-12),
        pytest.approx(bounds[1], rel=1e-12),
    )
    assert parsed.value == pytest.approx(math.sqrt(bounds[0] * bounds[1]), rel=1e-12)


def test_40_days_plus_minus_25_percent_is_graded_on_38_7_not_40() -> None:
    # The geometric midpoint of [30, 50] is sqrt(1500) = 38.73; a log:1.01 band around 40
    # rejects it and one around 38.73 accepts it, so the midpoint really is geometric.
    tight = Tolerance("log", 1.01, 1.5)
    assert grade_numeric("40 days ±25%", 40 * 86400.0, "s", "day", tight).band == "close"
    exact = grade_numeric("40 days ±25%", math.sqrt(1500) * 86400, "s", "day", tight)
    assert exact.band == "exact"
    assert exact.interval == (pytest.approx(30.0), pytest.approx(50.0))


@pytest.mark.parametrize(
    "typed",
    [
        "40 ± 50 days",  # the low end would be negative
        "40 days ± 100%",  # the low end would be zero
        "40 days ± 150%",
    ],
)
def test_plus_minus_reaching_zero_is_unparsed(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(typed, "day")
    assert caught.value.band == "unparsed"
    assert "positive" in str(caught.value)


@pytest.mark.parametrize(("typed", "band"), [("40 ± 10 GB", "unit_mismatch"), ("40 ±", "unparsed")])
def test_plus_minus_errors(typed: str, band: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(typed, "day")
    assert caught.value.band == band


@pytest.mark.parametrize(
    ("typed", "unit", "bounds"),
    [
        ("30-50 days", "day", (30.0, 50.0)),
        ("30..50 days", "day", (30.0, 50.0)),
        ("30 to 50 days", "day", (30.0, 50.0)),
        ("1h - 1h 30min", "min", (60.0, 90.0)),  # an interval of compound durations
    ],
)
def test_dash_dots_and_to_intervals_still_work(
    typed: str, unit: str, bounds: tuple[float, float]
) -> None:
    assert parse_answer(typed, unit).interval == bounds


# (typed, expected unit, value)
COMPOUND_DURATIONS = [
    ("3d 4h", "hour", 76.0),
    ("1h 30min", "min", 90.0),
    ("1h30m", "min", 90.0),
    ("1 h 30 m", "min", 90.0),
    ("2 weeks 3 days", "day", 17.0),
    ("2 weeks and 3 days", "day", 17.0),
    ("2 weeks, 3 days", "day", 17.0),
    ("1 day + 12 hours", "day", 1.5),
    ("1h 30min 15s", "s", 5415.0),
    ("2 Days 6 Hours", "hour", 54.0),
    ("1 year 6 months", "month", 18.0),
    ("1 min 30 s", "s", 90.0),
    ("2s 500ms", "ms", 2500.0),
    ("~1h 30min", "min", 90.0),
    ("1.5h 15min", "min", 105.0),
    ("-1h 30min", "min", -90.0),  # a leading - is a minus sign, for the whole duration
]


@pytest.mark.parametrize(("typed", "unit", "value"), COMPOUND_DURATIONS)
def test_compound_durations_are_one_value(typed: str, unit: str, value: float) -> None:
    parsed = parse_answer(typed, unit)
    assert parsed.value == pytest.approx(value, rel=1e-12)
    assert parsed.interval is None


@pytest.mark.parametrize(
    "typed",
    [
        "30min 1h",  # smallest first: refused, not guessed
        "3d 3d",  # a unit twice
        "1h 30",  # the last part has no unit
        "1h 30 furlongs",
        "3D 4H",  # single letters are lowercase (M and H are other things upper-case)
        "1h 30min 5",
    ],
)
def test_malformed_compound_durations_are_unparsed(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(typed, "min")
    assert caught.value.band == "unparsed"


def test_compound_duration_for_a_size_is_a_unit_mismatch() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer("3d 4h", "GB")
    assert caught.value.band == "unit_mismatch"
    assert "a duration" in str(caught.value)


def test_lone_m_stays_a_length_outside_a_compound() -> None:
    # "1 h 30 m" is minutes, but "5 m" alone is metres — the existing mismatch still holds.
    with pytest.raises(AnswerError) as caught:
        parse_answer("5 m", "s")
    assert caught.value.band == "unit_mismatch"
