"""The trap normaliser and unit conversion: every spelling people type, converted to a number."""

from __future__ import annotations

import pytest

from grading.units import (
    UnitError,
    convert,
    describe_dimension,
    format_value,
    normalise,
    pretty_unit,
    same_dimension,
)

# (typed unit, unit it must equal, factor): 1 typed unit == factor × the other unit.
UNIT_TRAPS = [
    ("Gbps", "Gbit/s", 1.0),
    ("Gb/s", "Gbit/s", 1.0),
    ("gbps", "Gbit/s", 1.0),
    ("Gbps", "GB/s", 1 / 8),
    ("Gb/s", "GB/s", 1 / 8),
    ("GBps", "GB/s", 1.0),
    ("GB/s", "Gb/s", 8.0),
    ("Mbps", "Mbit/s", 1.0),
    ("Tbps", "Gbit/s", 1000.0),
    ("kbps", "bit/s", 1000.0),
    ("TBps", "TB/s", 1.0),
    ("PB/s", "TB/s", 1000.0),
    ("KB", "kB", 1.0),
    ("KB", "B", 1000.0),
    ("kB", "byte", 1000.0),
    ("KiB", "B", 1024.0),
    ("MiB", "KiB", 1024.0),
    ("GiB", "GB", 1.073741824),
    ("TiB", "TB", 1.099511627776),
    ("GB", "MB", 1000.0),
    ("TB", "GB", 1000.0),
    ("B", "bit", 8.0),
    ("byte", "b", 8.0),
    ("Gb", "Mb", 1000.0),
    ("Gbit", "GB", 1 / 8),
    ("FLOPS", "FLOP/s", 1.0),
    ("flops", "FLOP/s", 1.0),
    ("TFLOPS", "FLOP/s", 1e12),
    ("TFLOP/s", "GFLOP/s", 1000.0),
    ("tflops", "TFLOP/s", 1.0),
    ("PFLOPS", "TFLOP/s", 1000.0),
    ("EFLOP", "FLOP", 1e18),
    ("ZFLOP", "EFLOP", 1000.0),
    ("petaflop", "TFLOP", 1000.0),
    ("FLOP/B", "FLOP/byte", 1.0),
    ("%", "", 0.01),
    ("pct", "percent", 1.0),
    ("days", "s", 86400.0),
    ("d", "hour", 24.0),
    ("h", "min", 60.0),
    ("hr", "s", 3600.0),
    ("hours", "minute", 60.0),
    ("min", "s", 60.0),
    ("ms", "us", 1000.0),
    ("µs", "ns", 1000.0),
    ("μs", "us", 1.0),
    ("weeks", "day", 7.0),
    ("wk", "days", 7.0),
    ("kWh", "J", 3.6e6),
    ("kwh", "Wh", 1000.0),
    ("MWh", "kWh", 1000.0),
    ("MW", "kW", 1000.0),
    ("$", "USD", 1.0),
    ("dollars", "USD", 1.0),
    ("params", "", 1.0),
    ("tokens/s", "token/s", 1.0),
    ("GPU-hours", "hour", 1.0),
    ("tokens/s/GPU", "token/s", 1.0),
]


@pytest.mark.parametrize(("typed", "other", "factor"), UNIT_TRAPS)
def test_unit_traps_convert_exactly(typed: str, other: str, factor: float) -> None:
    assert convert(1.0, typed, other) == pytest.approx(factor, rel=1e-12)


def test_400_gbps_is_50_gigabytes_per_second() -> None:
    assert convert(400, "Gbps", "GB/s") == pytest.approx(50.0)


def test_flops_plural_is_a_rate_only_when_converting_to_a_rate() -> None:
    assert convert(989, "TFLOPs", "FLOP/s") == pytest.approx(989e12)
    assert convert(3, "EFLOPs", "FLOP") == pytest.approx(3e18)
    assert normalise("TFLOPs") == "teraFLOP"
    assert normalise("TFLOPs", expect_rate=True) == "(teraFLOP / second)"
    # "FLOPs/s" is a count per second even where a rate is expected (not FLOP/s²).
    assert convert(1, "FLOPs/s", "FLOP/s") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("400 Gbps", "400.0 (gigabit / second)"),
        ("GB/s", "gigabyte / second"),
        ("KB", "kilobyte"),
        ("KiB", "kibibyte"),
        ("TFLOPS", "(teraFLOP / second)"),
        ("70B", "70000000000.0"),
        ("70B params", "70000000000.0 parameter"),
        ("15T tokens", "15000000000000.0 token"),
        ("2.5k", "2500.0"),
        ("70 GB", "70.0 gigabyte"),
        ("70GB", "70.0 gigabyte"),
        ("70 B/s", "70.0 byte / second"),
        ("40%", "40.0 percent"),
        ("~5 ms", "5.0 millisecond"),
        ("≈ 1,000,000 tokens", "1000000.0 token"),
        ("1.2 × 10^24 FLOP", "1.2e+24 FLOP"),
        ("10^15", "1000000000000000.0"),
        ("$2.5M", "2500000.0 USD"),
        ("2 weeks", "2.0 week"),
    ],
)
def test_normalise_rewrites_traps_for_pint(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("ambiguous", "prefix"), [("gb", "giga"), ("tb", "tera"), ("mb", "mega"), ("pb", "peta")]
)
def test_lowercase_bit_or_byte_is_refused_with_both_readings(ambiguous: str, prefix: str) -> None:
    upper = ambiguous[0].upper()
    with pytest.raises(UnitError) as caught:
        convert(1, ambiguous, "GB")
    assert str(caught.value) == (
        f"ambiguous unit '{ambiguous}' — write '{upper}B' for {prefix}bytes "
        f"or '{upper}b' / '{upper}bit' for {prefix}bits"
    )


def test_unknown_unit_names_it_and_suggests_nearest_spelling() -> None:
    with pytest.raises(UnitError, match=r"unknown unit 'TBs' — did you mean 'TB/s'\?"):
        convert(1, "TBs", "TB/s")


def test_unknown_unit_without_a_near_spelling_has_no_suggestion() -> None:
    with pytest.raises(UnitError) as caught:
        convert(1, "zzqqxx", "s")
    assert str(caught.value) == "unknown unit 'zzqqxx'"


def test_converting_between_dimensions_names_both() -> None:
    with pytest.raises(UnitError, match=r"'GB' \(a size in bytes\) to 'GB/s' \(a bandwidth\)"):
        convert(1, "GB", "GB/s")


def test_unit_error_is_a_value_error() -> None:
    assert issubclass(UnitError, ValueError)


@pytest.mark.parametrize(
    ("unit_a", "unit_b", "same"),
    [
        ("GB/s", "Gbps", True),
        ("GB", "GB/s", False),
        ("FLOPS", "TFLOP/s", True),
        ("FLOP", "FLOP/s", False),
        ("parameter", "", True),
        ("GB", "", False),  # bytes are not plain counts (pint's default says they are)
        ("USD", "EUR", False),
        ("day", "ms", True),
        ("kWh", "J", True),
        ("W", "J", False),
    ],
)
def test_same_dimension(unit_a: str, unit_b: str, same: bool) -> None:
    assert same_dimension(unit_a, unit_b) is same


@pytest.mark.parametrize(
    ("unit", "pretty"),
    [
        ("FLOP/s", "FLOP/s"),
        ("FLOPS", "FLOP/s"),
        ("TFLOP/s", "TFLOP/s"),
        ("byte/s", "B/s"),
        ("GB/s", "GB/s"),
        ("Gbps", "Gbit/s"),
        ("GiB", "GiB"),
        ("us", "µs"),
        ("day", "days"),
        ("percent", "%"),
        ("", ""),
        ("token/s", "tokens/s"),
        ("FLOP/byte", "FLOP/B"),
        ("kWh", "kWh"),
        ("USD", "USD"),
    ],
)
def test_pretty_unit_is_how_a_person_writes_it(unit: str, pretty: str) -> None:
    assert pretty_unit(unit) == pretty


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (989.4, "TFLOP/s", "989 TFLOP/s"),
        (3.352, "TB/s", "3.35 TB/s"),
        (1.2e24, "FLOP", "1.2e+24 FLOP"),
        (12345.0, "token/s", "12,300 tokens/s"),
        (999.7, "GB", "1,000 GB"),
        (0.0004, "s", "0.0004 s"),
        (0.00004, "s", "4e-05 s"),
        (40.0, "percent", "40%"),
        (1.0, "day", "1 day"),
        (30.0, "day", "30 days"),
        (70e9, "", "7e+10"),
        (0.0, "W", "0 W"),
        (-2.5, "USD", "-2.5 USD"),
    ],
)
def test_format_value_three_significant_figures(value: float, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


@pytest.mark.parametrize(
    ("unit", "phrase"),
    [
        ("TB/s", "a bandwidth"),
        ("GB", "a size in bytes"),
        ("FLOP", "an amount of compute"),
        ("TFLOPS", "a compute rate"),
        ("day", "a duration"),
        ("MW", "a power"),
        ("kWh", "an energy"),
        ("USD", "an amount of money"),
        ("", "a plain number"),
        ("m/s", "a quantity of length per time"),
        # Issue #12: pint's dimension strings ("[current]^-2 · [information] · …") for a
        # misread unit say nothing to a player.
        ("TB/S", "a unit from physics or chemistry, not one this game uses"),
        ("FLOP/byte/s", "a quantity of FLOP per bytes per time"),
    ],
)
def test_describe_dimension(unit: str, phrase: str) -> None:
    assert describe_dimension(unit) == phrase


def test_known_pretty_table_matches_the_pint_path() -> None:
    """The fast table for common display units must say exactly what pint's path says."""
    from grading.units import KNOWN_PRETTY, _pretty_unit_by_pint

    for unit, shown in KNOWN_PRETTY.items():
        assert _pretty_unit_by_pint(unit) == shown, unit


def test_gpu_hours_read_as_people_say_them() -> None:
    """A budget's GPU-hours: pint's "GPUs·h" is shown as "GPU-hours" (one: "GPU-hour"), and
    it still reads back as an answer in the same unit."""
    from grading.quantity import parse_answer
    from grading.units import format_value, pretty_unit

    assert pretty_unit("GPU*hour") == "GPU-hours"
    assert format_value(195_000, "GPU*hour") == "195,000 GPU-hours"
    assert format_value(1, "GPU*hour") == "1 GPU-hour"
    shown = format_value(195_000, "GPU*hour")
    assert parse_answer(shown, "GPU*hour").value == 195_000
