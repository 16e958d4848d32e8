"""parse_answer: typed text -> value in the expected unit, or an AnswerError a player can act on."""

from __future__ import annotations

import math

import pytest

from grading.quantity import AnswerError, ParsedAnswer, parse_answer
from grading.units import UnitError

# (typed, expected unit, value in the expected unit)
ANSWERS = [
    # Gbps/Gb/s are gigabits; GB/s gigabytes.
    ("400 Gbps", "GB/s", 50.0),
    ("400 Gb/s", "GB/s", 50.0),
    ("400 Gbit/s", "GB/s", 50.0),
    ("400Gbps", "Gbit/s", 400.0),
    ("50 GB/s", "Gbit/s", 400.0),
    ("50 GBps", "Gbit/s", 400.0),
    ("3.35 TB/s", "GB/s", 3350.0),
    ("3350 GB/s", "TB/s", 3.35),
    ("900 GB/s", "byte/s", 900e9),
    # KB is kB; KiB and GiB are binary.
    ("1 KB", "byte", 1000.0),
    ("1 kB", "byte", 1000.0),
    ("1 KiB", "byte", 1024.0),
    ("80 GiB", "GB", 85.89934592),
    ("80 GB", "GiB", 80 / 1.073741824),
    ("1.5 TB", "GB", 1500.0),
    # FLOP and FLOP/s in every spelling; TFLOPs is a rate where a rate is asked for.
    ("989 TFLOPS", "FLOP/s", 989e12),
    ("989 TFLOPs", "TFLOP/s", 989.0),
    ("989 TFLOP/s", "PFLOP/s", 0.989),
    ("989 tflops", "TFLOP/s", 989.0),
    ("1 PFLOPS", "TFLOP/s", 1000.0),
    ("2e15 FLOPS", "PFLOP/s", 2.0),
    ("6e23 FLOPs", "FLOP", 6e23),
    ("6e23 FLOP", "ZFLOP", 600.0),
    ("3.8 ZFLOP", "FLOP", 3.8e21),
    ("300 FLOP/B", "FLOP/byte", 300.0),
    # Counts: k/M/B/T after a bare number; B alone means billion.
    ("70B", "", 70e9),
    ("70B", "parameter", 70e9),
    ("70B params", "parameter", 70e9),
    ("70 B params", "", 70e9),
    ("70 billion parameters", "parameter", 70e9),
    ("70bn", "", 70e9),
    ("15T tokens", "", 15e12),
    ("15T", "", 15e12),
    ("2.5k", "", 2500.0),
    ("2.5K", "", 2500.0),
    ("3M", "", 3e6),
    ("1.5k tokens/s", "token/s", 1500.0),
    ("8 GPUs", "", 8.0),
    ("2048 gpus", "", 2048.0),
    ("3x", "", 3.0),
    ("3×", "", 3.0),
    # Percent.
    ("40%", "", 0.4),
    ("40 %", "", 0.4),
    ("40%", "percent", 40.0),
    ("0.4", "", 0.4),
    ("40", "percent", 40.0),
    # A bare number is in the expected (display) unit.
    ("3.35", "TB/s", 3.35),
    ("989", "TFLOP/s", 989.0),
    ("12", "day", 12.0),
    ("700", "W", 700.0),
    ("2.5M", "USD", 2.5e6),
    ("5k", "W", 5000.0),
    # Thousands separators, approximations, scientific notation.
    ("1,000,000", "", 1e6),
    ("1,000,000 tokens", "token", 1e6),
    ("1_000", "", 1000.0),
    ("12,345.5", "", 12345.5),
    ("~5", "", 5.0),
    ("~ 5 ms", "us", 5000.0),
    ("≈5", "", 5.0),
    ("about 5", "", 5.0),
    ("approx 5", "", 5.0),
    ("approx. 5", "", 5.0),
    ("roughly 3 days", "hour", 72.0),
    ("1e15", "", 1e15),
    ("1E15", "", 1e15),
    ("1.2e+24 FLOP", "FLOP", 1.2e24),
    ("1.2e24", "FLOP", 1.2e24),
    ("1.2 × 10^24 FLOP", "FLOP", 1.2e24),
    ("1.2x10^24", "FLOP", 1.2e24),
    ("1.2 * 10**24", "FLOP", 1.2e24),
    ("1.2×10²⁴", "FLOP", 1.2e24),
    ("10^15", "", 1e15),
    ("10¹⁵", "", 1e15),
    ("10^-3 s", "ms", 1.0),
    ("1e-3 s", "ms", 1.0),
    # Durations.
    ("2 weeks", "day", 14.0),
    ("3 days", "hour", 72.0),
    ("3d", "hour", 72.0),
    ("36 h", "day", 1.5),
    ("1.5 hr", "minute", 90.0),
    ("1.5 hours", "s", 5400.0),
    ("90 min", "hour", 1.5),
    ("250 ms", "s", 0.25),
    ("5 us", "ms", 0.005),
    ("5 µs", "us", 5.0),
    ("5 μs", "s", 5e-6),
    ("1000 GPU-hours", "hour", 1000.0),
    # Energy, power, money.
    ("700 W", "kW", 0.7),
    ("1.2 MW", "kW", 1200.0),
    ("3.6 MJ", "kWh", 1.0),
    ("2 MWh", "kWh", 2000.0),
    ("$2.5M", "USD", 2.5e6),
    ("$ 2.5 M", "USD", 2.5e6),
    ("2.5M USD", "USD", 2.5e6),
    ("USD 2.5M", "USD", 2.5e6),
    ("$3", "USD", 3.0),
    ("$5m", "USD", 5e6),
    ("$1.2b", "USD", 1.2e9),
    ("$5k/month", "USD/month", 5000.0),
    ("$2 per GPU-hour", "USD/hour", 2.0),
    ("-5", "", -5.0),
    ("-$5", "USD", -5.0),
    ("+5", "", 5.0),
    ("−5", "", -5.0),
]


@pytest.mark.parametrize(("typed", "unit", "value"), ANSWERS)
def test_answers_read_in_expected_unit(typed: str, unit: str, value: float) -> None:
    parsed = parse_answer(typed, unit)
    assert parsed == ParsedAnswer(text=typed, value=pytest.approx(value, rel=1e-12), unit=unit)
    assert parsed.interval is None


def test_bytes_are_not_counts_70gb_vs_70b() -> None:
    assert parse_answer("70B", "").value == pytest.approx(70e9)
    with pytest.raises(AnswerError) as caught:
        parse_answer("70 GB", "")
    assert caught.value.band == "unit_mismatch"
    with pytest.raises(AnswerError) as caught:
        parse_answer("70GB", "parameter")
    assert caught.value.band == "unit_mismatch"


def test_gb_per_second_and_gbit_per_second_differ_by_8() -> None:
    bytes_rate = parse_answer("100 GB/s", "Gbit/s").value
    bits_rate = parse_answer("100 Gb/s", "Gbit/s").value
    assert bytes_rate / bits_rate == pytest.approx(8.0)


def test_bare_b_is_ambiguous_when_prefixed_bytes_are_expected() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer("70B", "GB")
    assert caught.value.band == "unit_mismatch"
    assert "billion" in str(caught.value)
    assert "'70 GB'" in str(caught.value) and "'70 bytes'" in str(caught.value)


def test_b_is_a_byte_when_plain_bytes_are_expected() -> None:
    # "Bytes per parameter for mixed-precision Adam?" — "16 B" means sixteen bytes.
    assert parse_answer("16 B", "byte").value == pytest.approx(16.0)
    assert parse_answer("16B", "byte").value == pytest.approx(16.0)


# (typed, expected unit, (lo, hi))
INTERVALS = [
    ("30-50 days", "day", (30.0, 50.0)),
    ("30 - 50 days", "day", (30.0, 50.0)),
    ("30..50 days", "day", (30.0, 50.0)),
    ("30…50 days", "day", (30.0, 50.0)),
    ("30–50 days", "day", (30.0, 50.0)),
    ("30 to 50 days", "day", (30.0, 50.0)),
    ("30 days - 50 days", "day", (30.0, 50.0)),
    ("1-2 weeks", "day", (7.0, 14.0)),
    ("50-30 days", "day", (30.0, 50.0)),
    ("2-3", "TB/s", (2.0, 3.0)),
    ("2 TB/s - 3000 GB/s", "TB/s", (2.0, 3.0)),
    ("1-2k", "", (1000.0, 2000.0)),
    ("500k-2M", "", (5e5, 2e6)),
    ("$1-2M", "USD", (1e6, 2e6)),
    ("1e-3-2e-3 s", "ms", (1.0, 2.0)),
    ("~30-50 days", "day", (30.0, 50.0)),
    ("100-200 W", "kW", (0.1, 0.2)),
]


@pytest.mark.parametrize(("typed", "unit", "bounds"), INTERVALS)
def test_interval_grades_geometric_mean_and_records_bounds(
    typed: str, unit: str, bounds: tuple[float, float]
) -> None:
    parsed = parse_answer(typed, unit)
    assert parsed.interval == (pytest.approx(bounds[0]), pytest.approx(bounds[1]))
    assert parsed.value == pytest.approx(math.sqrt(bounds[0] * bounds[1]))


def test_30_to_50_days_is_sqrt_1500_days() -> None:
    parsed = parse_answer("30-50 days", "day")
    assert parsed.value == pytest.approx(math.sqrt(1500))
    assert parsed.interval == (30.0, 50.0)


@pytest.mark.parametrize(
    ("typed", "value"), [("-5", -5.0), ("-5 ms", -5.0), ("- 5", -5.0), ("-1e-3", -1e-3)]
)
def test_leading_minus_is_a_sign_not_an_interval(typed: str, value: float) -> None:
    parsed = parse_answer(typed, "ms")
    assert parsed.value == pytest.approx(value)
    assert parsed.interval is None


def test_interval_with_non_positive_end_is_unparsed() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer("-5 - 5", "")
    assert caught.value.band == "unparsed"
    assert "positive" in str(caught.value)


# (typed, expected unit, phrase for the answer, phrase for the question)
MISMATCHES = [
    ("3.35 TB", "TB/s", "a size in bytes", "a bandwidth (TB/s)"),
    ("3.35 TB/s", "TB", "a bandwidth", "a size in bytes (TB)"),
    ("6e23 FLOPS", "FLOP", "a compute rate", "an amount of compute (FLOP)"),
    ("6e23 flops", "FLOP", "a compute rate", "an amount of compute (FLOP)"),
    ("989 TFLOP", "TFLOP/s", "an amount of compute", "a compute rate (TFLOP/s)"),
    ("3 days", "GB", "a duration", "a size in bytes (GB)"),
    ("700 W", "kWh", "a power", "an energy (kWh)"),
    ("70 GB", "", "a size in bytes", "a plain number"),
    ("5 €", "USD", "an amount in euros", "an amount of money (USD)"),
    ("5 m", "s", "a length", "a duration (s)"),
    ("30 days - 5 GB", "day", "a size in bytes", "a duration (days)"),
]


@pytest.mark.parametrize(("typed", "unit", "answer_phrase", "asks_phrase"), MISMATCHES)
def test_wrong_dimension_is_unit_mismatch_naming_both(
    typed: str, unit: str, answer_phrase: str, asks_phrase: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(typed, unit)
    assert caught.value.band == "unit_mismatch"
    assert str(caught.value).startswith(
        f"'{typed}' is {answer_phrase}, but this asks for {asks_phrase}"
    )


def test_mismatch_message_exact_for_bytes_vs_bandwidth() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer("3.35 TB", "TB/s")
    assert str(caught.value) == (
        "'3.35 TB' is a size in bytes, but this asks for a bandwidth (TB/s) "
        "— add '/s' for a bandwidth"
    )


def test_flops_for_a_count_explains_what_flops_means() -> None:
    with pytest.raises(AnswerError, match="FLOPS means FLOP per second"):
        parse_answer("6e23 FLOPS", "FLOP")


@pytest.mark.parametrize(
    "typed",
    [
        "3.3.5 TB/s",
        "banana",
        "TB/s",
        "fast",
        "1,5",
        "5 TB/s/",
        "5 / / s",
        "(5)",
        "5 + 3",
        "1-2-3",
        "12abc!",
        "5 TB 3",
        "--5",
        "e5",
        "1e999",
        "5" * 201,
    ],
)
def test_garbage_is_unparsed(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(typed, "TB/s")
    assert caught.value.band == "unparsed"
    assert "could not read" in str(caught.value)


def test_garbage_message_suggests_an_example() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer("3.3.5 TB/s", "TB/s")
    assert str(caught.value) == (
        "could not read '3.3.5 TB/s' as a number with a unit — try e.g. '2.5 TB/s'"
    )


def test_unknown_unit_is_unparsed_with_a_suggestion() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer("5 TBs", "TB/s")
    assert caught.value.band == "unparsed"
    assert str(caught.value) == "could not read '5 TBs': unknown unit 'TBs' — did you mean 'TB/s'?"


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_empty_is_unparsed(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(typed, "GB")
    assert caught.value.band == "unparsed"
    assert str(caught.value) == "type an answer, e.g. '2.5 GB'"


def test_answer_error_is_a_value_error() -> None:
    assert issubclass(AnswerError, ValueError)


def test_unreadable_expected_unit_is_a_content_error_not_an_answer_error() -> None:
    with pytest.raises(UnitError):
        parse_answer("5", "furlongs per fortnightly")


def test_parsed_answer_keeps_the_text_as_typed() -> None:
    parsed = parse_answer("  ~3.35 TB/s ", "TB/s")
    assert parsed.text == "  ~3.35 TB/s "
    assert parsed.unit == "TB/s"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("3.35 TB/s", 3.35, "TB/s"), ("$2.5M", 2.5e6, "USD"), ("1.2e24 FLOP", 1.2e24, "FLOP"),
     ("40", 40.0, "")],
)
def test_split_quantity_reads_a_reference(text: str, value: float, unit: str) -> None:
    from grading.quantity import split_quantity
    from grading.units import convert

    got_value, got_unit = split_quantity(text)
    assert convert(got_value, got_unit, unit) == pytest.approx(value) if unit else \
        got_value == pytest.approx(value)


def test_split_quantity_refuses_words() -> None:
    from grading.quantity import split_quantity

    with pytest.raises(AnswerError):
        split_quantity("fast")
