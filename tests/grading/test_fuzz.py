"""Random text never breaks grading: parse_answer returns a finite value or raises AnswerError,
grade_numeric always returns a band for what parses, grade_text and score_open never raise."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading.numeric import Tolerance, grade_numeric
from grading.quantity import AnswerError, parse_answer
from grading.rating import rating_for_open, suggest_rating
from grading.rubric import score_open
from grading.text import grade_text
from grading.units import registry

EXPECTED_UNITS = [
    "FLOP", "FLOP/s", "TFLOP/s", "PFLOP/s", "EFLOP", "ZFLOP", "byte", "GB", "GiB", "TB",
    "byte/s", "GB/s", "TB/s", "Gbit/s", "s", "ms", "us", "hour", "day", "W", "kW", "MW", "J",
    "kWh", "MWh", "USD", "FLOP/byte", "", "percent", "parameter", "token/s",
]  # fmt: skip

# Characters that make up real answers, so the search reaches deep into the grammar.
ANSWER_ALPHABET = "0123456789.,-+eE ^*x×/%$~≈kKMBTGPibBpsFLOPhdwyrmnuµ()_–…¹²⁴⁻±"

# Cheap-to-draw pieces (from_regex and nested lists cost milliseconds per example to generate,
# which would dominate 10,000 examples): integers, a few float shapes, fixed tokens.
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(str),
    st.floats(min_value=0, max_value=1e30, allow_nan=False).map(repr),
    st.floats().map(str),  # nan, inf, -0.0, 5e-324 …
    st.sampled_from(
        ["10^15", "10¹⁵", "1e999", "5e-324", "0", "00", ".5", "5.", "1_000", "1,000,000",
         "12,345.5", "1.2 × 10^24", "1.2x10^-3", "1.2e+24", "3.35", "989", "-5", "1,5"]
    ),
)  # fmt: skip
UNIT_TOKENS = st.sampled_from(
    [
        "", "TB/s", "GB/s", "Gbps", "Gb/s", "GBps", "gbps", "gb", "KB", "KiB", "GiB", "B", "b",
        "bit", "bytes", "FLOP", "FLOPs", "FLOPS", "TFLOPS", "tflops", "PFLOP/s", "FLOP/B", "W",
        "kW", "kWh", "MJ", "s", "ms", "us", "µs", "min", "h", "hr", "d", "days", "weeks", "wk",
        "mo", "y", "%", "pct", "x", "×", "$", "USD", "€", "£", "k", "K", "M", "B", "T", "bn",
        "billion", "params", "tokens", "GPUs", "GPU-hours", "per GPU-hour", "/s", "m", "m²",
        "s^2", "furlongs", "TBs", "Hz", "°C", "days ±25%", "± 10", "+/- 5%", "plus or minus 2",
        "h 30min", "d 4h", "weeks 3 days", "h30m",
    ]
)  # fmt: skip
SEPARATORS = st.sampled_from(
    ["", " ", "  ", "-", " - ", "..", "…", " to ", "–", "±", " ± ", "+/-", "+-", " plus or minus ",
     ",", " and ", "/", "*", "^", "e", "~", "≈", "about ", "\t", "\u2009", "\u00a0"]
)  # fmt: skip
PREFIXES = st.sampled_from(["", "", "~", "≈", "about ", "-", "+", "−", "$", "-$", "USD "])
PIECE = st.one_of(NUMBERS, UNIT_TOKENS, SEPARATORS)

# Shapes of real answers: "3.35 TB/s", "30-50 days", "40 days ±25%", "1h 30min", then noise.
unit_like = st.one_of(
    st.builds(lambda p, n, u: f"{p}{n} {u}", PREFIXES, NUMBERS, UNIT_TOKENS),
    st.builds(lambda p, n, u: f"{p}{n}{u}", PREFIXES, NUMBERS, UNIT_TOKENS),
    st.builds(
        lambda a, s, b, u: f"{a}{s}{b} {u}", NUMBERS, SEPARATORS, NUMBERS, UNIT_TOKENS
    ),
    st.builds(
        lambda a, u, s, b, v: f"{a} {u}{s}{b} {v}",
        NUMBERS, UNIT_TOKENS, SEPARATORS, NUMBERS, UNIT_TOKENS,
    ),
    st.builds(lambda p, a, b, c, d: p + a + b + c + d, PREFIXES, PIECE, PIECE, PIECE, PIECE),
)  # fmt: skip
answer_text = st.one_of(
    unit_like,
    st.text(alphabet=ANSWER_ALPHABET, max_size=24),
    st.text(max_size=24),  # any unicode
)
TOLERANCES = st.sampled_from(
    [Tolerance(), Tolerance("rel", 0.01, 0.1), Tolerance("log", 1.25, 2), Tolerance("log", 1, 10)]
)


@settings(
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    text=answer_text,
    expected_unit=st.sampled_from(EXPECTED_UNITS),
    reference=st.floats(min_value=1e-6, max_value=1e25),
    tolerance=TOLERANCES,
)
def test_random_text_is_a_finite_answer_or_an_answer_error(
    text: str, expected_unit: str, reference: float, tolerance: Tolerance
) -> None:
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
    grade = grade_numeric(text, reference, expected_unit, expected_unit, tolerance)
    assert grade.band in ("exact", "close", "off")
    assert grade.message
    assert grade.slip is None or grade.slip in grade.message
    assert suggest_rating(grade.band) in (1, 2, 3)


WORDS = st.sampled_from(
    [
        "HBM3", "HBM3e", "hbm-2e", "not", "isn't", "no,", "never", "ring", "all-reduce",
        "allredcue", "ZeRO-3", "zero", "3", "because", "so", "->", "→", "vs", "16k GPUs",
        "3.35 TB/s", "40%", "2 weeks", "RACI", "aligned", "stakeholders", "sprint", "synergy",
        ".", ",", ";", "—", "but", "memory-bound", "bottleneck", "\n", "ﬁ", "İ", "ß", "’", "'",
    ]
)  # fmt: skip
prose = st.one_of(
    st.lists(WORDS, max_size=40).map(" ".join),
    st.lists(WORDS, max_size=40).map("".join),
    st.text(max_size=200),
)
ACCEPTED = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=4)


@settings(max_examples=400, deadline=None)
@given(answer=prose, accepted=ACCEPTED)
def test_grade_text_never_raises(answer: str, accepted: list[str]) -> None:
    grade = grade_text(answer, accepted)
    assert grade.band in ("exact", "off")
    assert (grade.matched is None) == (grade.band == "off")
    assert grade.matched is None or grade.matched in accepted
    assert grade.message


@settings(max_examples=300, deadline=None)
@given(
    answer=prose,
    key_points=st.lists(
        st.tuples(
            st.text(max_size=12),
            st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=3).map(tuple),
            st.floats(min_value=0, max_value=5),
        ),
        max_size=5,
    ),
    red_flags=st.lists(st.tuples(st.lists(WORDS, max_size=2).map(tuple), st.text(max_size=8))),
)
def test_score_open_never_raises(
    answer: str,
    key_points: list[tuple[str, tuple[str, ...], float]],
    red_flags: list[tuple[tuple[str, ...], str]],
) -> None:
    result = score_open(answer, key_points, red_flags)
    assert 0.0 <= result.auto_score <= 1.0
    assert len(result.key_points) == len(key_points)
    assert len({(hit.phrase, hit.source, hit.found) for hit in result.red_flags}) == len(
        result.red_flags
    )
    assert rating_for_open(result.auto_score) in (1, 2, 3, 4)
