"""Random text never breaks parse_answer: it returns a finite value or raises AnswerError."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from grading.quantity import AnswerError, parse_answer
from grading.units import registry

EXPECTED_UNITS = [
    "FLOP", "FLOP/s", "TFLOP/s", "PFLOP/s", "EFLOP", "ZFLOP", "byte", "GB", "GiB", "TB",
    "byte/s", "GB/s", "TB/s", "Gbit/s", "s", "ms", "us", "hour", "day", "W", "kW", "MW", "J",
    "kWh", "MWh", "USD", "FLOP/byte", "", "percent", "parameter", "token/s",
]  # fmt: skip

# Characters that make up real answers, so the search reaches deep into the grammar.
ANSWER_ALPHABET = "0123456789.,-+eE ^*x×/%$~≈kKMBTGPibBpsFLOPhdwyrmnuµ()_–…¹²⁴⁻"
answer_text = st.one_of(
    st.text(alphabet=ANSWER_ALPHABET, max_size=24),
    st.text(max_size=24),
    st.from_regex(r"[~≈]?-?\d{1,4}(\.\d{1,3})?\s?[kMBT]?\s?(TB/s|Gbps|GB|FLOPs|days|%)?"),
    st.from_regex(r"\d{1,3}\s?(-|\.\.|to)\s?\d{1,3}\s?[A-Za-z/]{0,6}"),
)


@settings(max_examples=400, deadline=None)
@given(text=answer_text, expected_unit=st.sampled_from(EXPECTED_UNITS))
def test_random_text_is_a_finite_answer_or_an_answer_error(text: str, expected_unit: str) -> None:
    registry()  # built once; keeps the first example from paying the pint import
    try:
        parsed = parse_answer(text, expected_unit)
    except AnswerError as error:
        assert error.band in ("unparsed", "unit_mismatch")
        assert str(error)
        return
    assert math.isfinite(parsed.value)
    assert parsed.unit == expected_unit
    if parsed.interval is not None:
        low, high = parsed.interval
        assert 0 < low <= parsed.value <= high
