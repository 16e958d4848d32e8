"""Tolerance specs, band edges, signed errors and grade messages."""

from __future__ import annotations

import math

import pytest

from grading.numeric import DEFAULT_TOLERANCE, Grade, Tolerance, grade_numeric
from grading.quantity import AnswerError

REL = Tolerance.parse("rel:5%,15%")
LOG = Tolerance.parse("log:1.25,2")


@pytest.mark.parametrize(
    ("spec", "kind", "exact", "close", "text"),
    [
        ("rel:5%,15%", "rel", 0.05, 0.15, "rel:5%,15%"),
        ("rel:0.05,0.15", "rel", 0.05, 0.15, "rel:5%,15%"),
        (" rel : 2.5% , 10% ", "rel", 0.025, 0.10, "rel:2.5%,10%"),
        ("rel:0%,0%", "rel", 0.0, 0.0, "rel:0%,0%"),
        ("log:1.25,2", "log", 1.25, 2.0, "log:1.25,2"),
        ("log:1,10", "log", 1.0, 10.0, "log:1,10"),
        ("log:3,3", "log", 3.0, 3.0, "log:3,3"),
    ],
)
def test_tolerance_parse_and_round_trip(
    spec: str, kind: str, exact: float, close: float, text: str
) -> None:
    tolerance = Tolerance.parse(spec)
    assert (tolerance.kind, tolerance.exact, tolerance.close) == (
        kind,
        pytest.approx(exact),
        pytest.approx(close),
    )
    assert str(tolerance) == text
    assert Tolerance.parse(str(tolerance)) == tolerance


def test_default_tolerance_is_rel_5_15() -> None:
    assert Tolerance() == DEFAULT_TOLERANCE == Tolerance("rel", 0.05, 0.15)
    assert str(DEFAULT_TOLERANCE) == "rel:5%,15%"


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "rel",
        "rel:5%",
        "rel:5%,15%,20%",
        "abs:1,2",
        "rel:15%,5%",
        "rel:-5%,15%",
        "rel:five,15%",
        "log:0.5,2",
        "log:2,1.25",
        "log:125%,2",
        "log:1.25,inf",
        "rel:5%;15%",
    ],
)
def test_bad_tolerance_spec_names_the_spec(spec: str) -> None:
    with pytest.raises(ValueError, match="bad tolerance") as caught:
        Tolerance.parse(spec)
    assert repr(spec) in str(caught.value)


def test_tolerance_constructor_validates() -> None:
    with pytest.raises(ValueError, match="bad tolerance kind 'abs'"):
        Tolerance("abs", 1, 2)
    with pytest.raises(ValueError, match="exact ≤ close"):
        Tolerance("log", 0.9, 2)


# (answer for a reference of 100 (unitless), tolerance, band)
BAND_EDGES = [
    ("100", REL, "exact"),
    ("105", REL, "exact"),
    ("95", REL, "exact"),
    ("105.01", REL, "close"),
    ("94.99", REL, "close"),
    ("115", REL, "close"),
    ("85", REL, "close"),
    ("115.01", REL, "off"),
    ("84.99", REL, "off"),
    ("1000", REL, "off"),
    ("125", LOG, "exact"),
    ("80", LOG, "exact"),
    ("125.01", LOG, "close"),
    ("79.99", LOG, "close"),
    ("200", LOG, "close"),
    ("50", LOG, "close"),
    ("200.01", LOG, "off"),
    ("49.99", LOG, "off"),
    ("0", REL, "off"),
    ("-100", REL, "off"),
    ("0", LOG, "off"),
    ("-100", LOG, "off"),
    ("0", Tolerance.parse("rel:50%,100%"), "off"),  # zero is off even inside a wide rel band
]


@pytest.mark.parametrize(("answer", "tolerance", "band"), BAND_EDGES)
def test_band_edges(answer: str, tolerance: Tolerance, band: str) -> None:
    assert grade_numeric(answer, 100.0, "", "", tolerance).band == band


@pytest.mark.parametrize(
    ("answer", "reference"), [("1.05", 1.0), ("0.95", 1.0), ("1.15", 1.0), ("0.85", 1.0)]
)
def test_band_edges_forgive_float_noise(answer: str, reference: float) -> None:
    # (1.05 - 1.0) / 1.0 is 0.050000000000000044 in floating point; it is still 5 %.
    band = grade_numeric(answer, reference, "", "", REL).band
    assert band == ("exact" if answer in ("1.05", "0.95") else "close")


def test_reference_converted_to_display_unit_and_answer_read_in_it() -> None:
    grade = grade_numeric("3.3", 3.35e12, "byte/s", "TB/s", REL)
    assert grade == Grade(
        band="exact",
        value=3.3,
        reference=pytest.approx(3.35),
        unit="TB/s",
        rel_error=pytest.approx(-0.05 / 3.35),
        log10_error=pytest.approx(math.log10(3.3 / 3.35)),
        interval=None,
        message="Within 5% — exact (1.5% low).",
    )


def test_answer_in_another_unit_of_the_same_dimension() -> None:
    grade = grade_numeric("26,800 Gbps", 3.35e12, "byte/s", "TB/s", REL)
    assert grade.value == pytest.approx(3.35)
    assert grade.band == "exact"
    assert grade.rel_error == pytest.approx(0.0, abs=1e-12)


def test_signed_errors_high_and_low() -> None:
    high = grade_numeric("200", 100.0, "", "", REL)
    low = grade_numeric("50", 100.0, "", "", REL)
    assert high.rel_error == pytest.approx(1.0)
    assert high.log10_error == pytest.approx(math.log10(2))
    assert low.rel_error == pytest.approx(-0.5)
    assert low.log10_error == pytest.approx(-math.log10(2))


def test_non_positive_answer_has_minus_infinite_log_error_and_is_off() -> None:
    zero = grade_numeric("0", 989e12, "FLOP/s", "TFLOP/s", LOG)
    assert zero.band == "off"
    assert zero.rel_error == pytest.approx(-1.0)
    assert zero.log10_error == -math.inf
    negative = grade_numeric("-5", 989e12, "FLOP/s", "TFLOP/s", REL)
    assert negative.band == "off"
    assert negative.log10_error == -math.inf
    assert negative.message == "Off — the answer must be a positive number."


def test_zero_reference_is_exact_only_for_zero() -> None:
    assert grade_numeric("0", 0.0, "", "", REL).band == "exact"
    off = grade_numeric("1", 0.0, "", "", REL)
    assert off.band == "off"
    assert off.rel_error == math.inf
    assert math.isnan(off.log10_error)


def test_interval_graded_on_geometric_mean() -> None:
    grade = grade_numeric("32-50 days", 40 * 86400.0, "s", "day", LOG)
    assert grade.value == pytest.approx(40.0)  # sqrt(32 · 50) = 40
    assert grade.reference == pytest.approx(40.0)
    assert grade.interval == (32.0, 50.0)
    assert grade.band == "exact"  # 1.5625× wide: just fits the 1.25× band


@pytest.mark.parametrize(
    ("answer", "reference", "unit", "message"),
    [
        # Issue #12: "1e-320 TB/s" printed "Off by inf×" (the ratio underflowed).
        ("1e-320", 3.35, "TB/s", "Off by 3.4e+320× (you were low)."),
        ("1e300", 1e-300, "", "Off by 1.0e+600× (you were high)."),
        # and `--expected "0 GB/s"` printed "Off by inf%".
        ("3", 0.0, "GB/s", "Off — the reference is 0."),
        # 989 typed for a reference shown as 989 (989.4 TFLOP/s): exact, whatever the band.
        ("989", 989.4, "TFLOP/s", "Exact — that is the figure as we show it."),
    ],
)
def test_messages_at_the_extremes(answer: str, reference: float, unit: str,
                                  message: str) -> None:
    grade = grade_numeric(answer, reference, unit, unit, Tolerance.parse("rel:0.01%,0.02%"))
    assert grade.message == message
    assert "inf" not in grade.message


def test_what_the_display_shows_is_exact_only_when_it_shows_the_same() -> None:
    tight = Tolerance.parse("rel:0.01%,1%")
    assert grade_numeric("989", 989.4, "TFLOP/s", "TFLOP/s", tight).band == "exact"
    assert grade_numeric("989", 989.6, "TFLOP/s", "TFLOP/s", tight).band == "close"  # shows 990
    assert grade_numeric("3.35", 3.354, "TB/s", "TB/s", tight).band == "exact"
    assert grade_numeric("3.35", 3.356, "TB/s", "TB/s", tight).band == "close"  # shows 3.36


@pytest.mark.parametrize(
    ("answer", "tolerance", "message"),
    [
        ("100", REL, "Spot on — exact."),
        ("102", REL, "Within 5% — exact (2% high)."),
        ("88", REL, "Within 15% — close (12% low)."),
        ("140", REL, "Off by 40% (you were high)."),
        ("300", REL, "Off by 3.0× (you were high)."),
        ("200", REL, "Off by 2.0× (you were high)."),  # a plain number: no slip to name
        ("10", REL, "Off by 10× (you were low)."),
        ("110", LOG, "Within 1.25× — exact (1.1× high)."),
        ("60", LOG, "Within 2× — close (1.7× low)."),
        ("300", LOG, "Off by 3.0× (you were high)."),
        ("1e6", LOG, "Off by 1.0e+04× (you were high)."),
    ],
)
def test_messages(answer: str, tolerance: Tolerance, message: str) -> None:
    assert grade_numeric(answer, 100.0, "", "", tolerance).message == message


def test_unparsed_and_mismatch_raise_instead_of_grading() -> None:
    with pytest.raises(AnswerError) as unparsed:
        grade_numeric("fast", 3.35e12, "byte/s", "TB/s", REL)
    assert unparsed.value.band == "unparsed"
    with pytest.raises(AnswerError) as mismatch:
        grade_numeric("3.35 TB", 3.35e12, "byte/s", "TB/s", REL)
    assert mismatch.value.band == "unit_mismatch"


def test_flops_plural_graded_as_rate_for_a_rate_question() -> None:
    grade = grade_numeric("989 TFLOPs", 989e12, "FLOP/s", "TFLOP/s", REL)
    assert grade.band == "exact"
    assert grade.value == pytest.approx(989.0)
