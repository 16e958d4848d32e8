"""Readable refusals: a unit pint misreads is explained in words, with what to type instead.

Issue #12 found these answered with pint's dimension strings ("'3.35 TB/S' is a quantity of
dimension [current]^-2 · [information] · [length]^2 · …"): true, and useless to a player.
"""

from __future__ import annotations

import pytest

from grading.numeric import grade_numeric
from grading.quantity import AnswerError

# (typed, reference value, reference unit, display unit, phrases the refusal must contain)
REFUSALS = [
    ("3.35 TB/S", 3.35e12, "byte/s", "TB/s", ["'S' reads as siemens", "did you mean 'TB/s'"]),
    ("1000 TF", 989e12, "FLOP/s", "TFLOP/s", ["'TF' reads as terafarads",
                                              "did you mean 'TFLOP/s'"]),
    ("989 TF", 989e12, "FLOP/s", "TFLOP/s", ["terafarads", "'TFLOP/s'"]),
    ("400G", 50e9, "byte/s", "GB/s", ["'G' reads as gauss", "did you mean 'Gbit/s'"]),
    ("80G", 80e9, "byte", "GB", ["gauss", "did you mean 'GB'"]),
    ("12 mS", 0.012, "s", "ms", ["'mS' reads as millisiemens", "did you mean 'ms'"]),
    ("5 PF", 5e15, "FLOP", "PFLOP", ["petafarads", "did you mean 'PFLOP'"]),
    # No repair gives a bandwidth, but the refusal still says what was read.
    ("1000 TF", 3.35e12, "byte/s", "TB/s", ["'TF' reads as terafarads", "a bandwidth"]),
]


@pytest.mark.parametrize(("typed", "value", "unit", "display", "phrases"), REFUSALS)
def test_misread_units_are_explained(typed: str, value: float, unit: str, display: str,
                                     phrases: list[str]) -> None:
    with pytest.raises(AnswerError) as refused:
        grade_numeric(typed, value, unit, display)
    message = str(refused.value)
    assert refused.value.band == "unit_mismatch"
    for phrase in phrases:
        assert phrase in message, message
    assert "[current]" not in message and "dimension" not in message


# (typed, reference value, reference unit, display unit, value in the display unit)
ACCEPTED = [
    ("$2.5MM", 2.5e6, "USD", "USD", 2.5e6),  # finance's MM is a million, not molar
    ("2.5MM", 2.5e6, "USD", "USD", 2.5e6),
    ("250 flops/byte", 250.0, "FLOP/byte", "FLOP/byte", 250.0),  # intensity, not a rate
    ("250 FLOPS/B", 250.0, "FLOP/byte", "FLOP/byte", 250.0),
    ("3.35 TB/s", 3.35e12, "byte/s", "TB/s", 3.35),  # lowercase s is still seconds
    ("989 TFLOPS", 989e12, "FLOP/s", "TFLOP/s", 989.0),  # FLOPS without a slash: a rate
]


@pytest.mark.parametrize(("typed", "value", "unit", "display", "shown"), ACCEPTED)
def test_spellings_people_use_are_read(typed: str, value: float, unit: str, display: str,
                                       shown: float) -> None:
    grade = grade_numeric(typed, value, unit, display)
    assert grade.value == pytest.approx(shown)
    assert grade.band == "exact"
