"""Known slips: an answer off by exactly a famous factor is told which slip it probably made."""

from __future__ import annotations

import math

import pytest

from grading.numeric import Tolerance, find_slip, grade_numeric

REL = Tolerance.parse("rel:5%,15%")
TIGHT = Tolerance.parse("rel:1%,10%")
LOG = Tolerance.parse("log:1.25,2")

BITS = "bits vs bytes (a factor of 8)"
NODE = "per node vs per GPU (8 GPUs in an HGX/DGX node)"
NODE_OR_BITS = f"{NODE}, or {BITS}"
NODE4 = "per node vs per GPU (4 GPUs per node, e.g. a GB200 tray)"
RACK = "per rack vs per GPU (72 GPUs in an NVL72 rack)"
SPARSE = "sparse vs dense FLOP/s (sparsity doubles the datasheet figure)"
DIRECTIONS = "both directions vs one (bidirectional is twice per-direction)"
BINARY = "GiB vs GB (binary vs decimal prefix)"
PREFIX = "a prefix slip (a factor of 1000)"
PREFIX_MILLION = "a prefix slip (a factor of 1,000,000)"
PERCENT = "a fraction typed for a percentage (0.46 means 46 %)"

# (answer, reference value, reference unit, display unit, tolerance, slip)
SLIPS = [
    # 400 Gbps NDR InfiniBand port is 50 GB/s; typing 400 for GB/s is the bits/bytes slip
    # (a bandwidth is also what a node of eight multiplies, so both are named).
    ("400", 50e9, "byte/s", "GB/s", REL, NODE_OR_BITS),
    ("6.25", 50e9, "byte/s", "GB/s", REL, NODE_OR_BITS),  # the other way: divided by 8
    ("404", 50e9, "byte/s", "GB/s", REL, NODE_OR_BITS),  # within 3 % of 8× and exact undone
    ("50", 400e9, "bit/s", "Gbit/s", REL, NODE_OR_BITS),  # bits asked, bytes typed
    # H100 SXM dense BF16 is ~989 TFLOP/s; 1979 is the 2:4-sparse figure (NVIDIA datasheet).
    ("1979", 989e12, "FLOP/s", "TFLOP/s", REL, SPARSE),
    ("1979", 989e12, "FLOP/s", "TFLOP/s", LOG, SPARSE),  # close under a log band
    # An 8-GPU HGX H100 node is 8 × 989 = 7.9 PFLOP/s dense: a node's total, not a GPU's.
    ("7.9", 989e12, "FLOP/s", "PFLOP/s", REL, NODE),
    ("640", 80e9, "byte", "GB", REL, NODE_OR_BITS),  # 8 × 80 GB of HBM per node
    ("5.6", 700.0, "W", "kW", REL, NODE),  # 8 × 700 W
    ("4", 1000.0, "W", "kW", REL, NODE4),  # a 4-GPU tray of 1 kW B200-class GPUs
    ("72", 1000.0, "W", "kW", REL, RACK),  # an NVL72 rack's 72 GPUs
    # NVLink 4: 900 GB/s is both directions, 450 GB/s one way.
    ("900", 450e9, "byte/s", "GB/s", REL, DIRECTIONS),
    ("450", 900e9, "byte/s", "GB/s", REL, DIRECTIONS),
    # 80 GB read as GiB (or back): 80 GiB = 85.9 GB.
    ("80", 80 * 1.024**3, "GB", "GB", TIGHT, BINARY),
    ("85.9", 80.0, "GB", "GB", TIGHT, BINARY),
    ("1.049", 1e6, "byte", "MB", TIGHT, BINARY),  # MiB vs MB: 1.024²
    ("1.1", 1e12, "byte", "TB", TIGHT, BINARY),  # TiB vs TB: 1.024⁴ = 1.0995
    ("1.1", 1e12, "byte/s", "TB/s", TIGHT, BINARY),  # rates in bytes too
    # PaLM's 46.2 % MFU (Chowdhery et al. 2022, Table 3) typed as the fraction 0.462.
    ("0.462", 0.462, "", "%", REL, PERCENT),
    # Prefix slips: 3.35 TB/s typed as 3.35 for GB/s, 3350 for TB/s.
    ("3.35", 3.35e12, "byte/s", "GB/s", REL, PREFIX),
    ("3350", 3.35e12, "byte/s", "TB/s", REL, PREFIX),
    ("3.35", 3.35e12, "byte/s", "MB/s", REL, PREFIX_MILLION),
    ("3.35e6", 3.35, "", "", LOG, PREFIX_MILLION),
]


@pytest.mark.parametrize(("answer", "value", "unit", "display", "tolerance", "slip"), SLIPS)
def test_known_slips_are_named_in_the_grade_and_its_message(
    answer: str, value: float, unit: str, display: str, tolerance: Tolerance, slip: str
) -> None:
    grade = grade_numeric(answer, value, unit, display, tolerance)
    assert grade.band != "exact"
    assert grade.slip == slip
    assert grade.message.endswith(f" Looks like {slip}.")


# (answer, reference, tolerance) — no slip named, asked as a bandwidth in GB/s, where every
# slip but fraction-for-percent could apply (bits, node of 8, both directions, prefixes)
NOT_SLIPS = [
    ("100", 100.0, REL),  # exact: nothing to explain
    ("104", 100.0, REL),  # exact within 5 %
    ("7.5", 1.0, REL),  # 7.5× is not within 3 % of 8
    ("8.4", 1.0, REL),  # within 5 % of 8 but 4.8 % — outside the 3 % window
    ("8.1", 1.0, Tolerance.parse("rel:1%,50%")),  # near 8, but 8.1/8 is not exact at 1 %
    ("1.9", 1.0, Tolerance.parse("rel:1%,100%")),  # 5 % from 2: undoing it is not exact
    ("1.5", 1.0, REL),
    ("10", 1.0, REL),  # 10× is a real order-of-magnitude miss, not a known slip
    ("1.045", 1.0, REL),  # near 1.024² (MiB vs MB), but already exact under 5 %
    # H100 SXM HBM3 is 3.35 TB/s (NVIDIA datasheet); "3" is a rounded answer, 1.5 % away
    # from the TiB slip (3.05): binary prefixes need a 1 % match, not 3 %.
    ("3", 3.35, Tolerance.parse("rel:2%,5%")),
    ("970", 1.0, Tolerance.parse("rel:1%,15%")),  # 3 % short of 1000 is not exact undone
    ("0", 100.0, REL),
    ("-800", 100.0, REL),
]


def test_slips_only_where_the_unit_allows_them() -> None:
    """Binary prefixes only for bytes and bits; fraction-for-percent only in %. Llama 3 405B
    saw 419 unexpected interruptions in 54 days (arXiv 2407.21783 §3.3.4): "about 400" is a
    rounding, not a MiB slip, though 419/400 is within 0.1 % of 1.024²."""
    tolerance = Tolerance.parse("rel:3%,15%")
    assert grade_numeric("400", 419, "", "", tolerance).slip is None
    assert grade_numeric("400", 419, "GB", "GB", tolerance).slip == BINARY
    assert grade_numeric("46.2", 0.462, "", "", REL).slip is None  # a count, not a percent
    assert grade_numeric("0.462", 0.462, "", "%", REL).slip == PERCENT


@pytest.mark.parametrize(("answer", "reference", "tolerance"), NOT_SLIPS)
def test_no_slip_when_the_factor_would_not_make_it_exact(
    answer: str, reference: float, tolerance: Tolerance
) -> None:
    grade = grade_numeric(answer, reference * 1e9, "byte/s", "GB/s", tolerance)
    assert grade.slip is None
    assert "Looks like" not in grade.message


# (answer, reference value, reference unit, display unit): the factor is there, but the
# quantity cannot have that slip (issue #12's week of play found each of these named).
WRONG_PLACE = [
    ("560B", 70e9, "parameter", "parameter"),  # 8× a parameter count: no bits in a count
    ("8", 1.0, "", ""),  # a plain number
    ("160", 80e9, "byte", "GB"),  # 2× a size: sizes have no direction, no sparsity
    ("24", 0.012, "s", "ms"),  # 2× a duration
    ("80", 40 * 86400.0, "s", "day"),  # 2× a number of days
    ("2", 1.0, "", ""),
    ("7.9", 1.0, "", ""),  # 8× but no GPU in a plain number
    ("1979", 989e12, "FLOP", "TFLOP"),  # an amount of compute has no sparse figure
    ("900", 450e9, "FLOP/s", "GFLOP/s"),  # 2× a FLOP rate is sparsity, not directions
]


@pytest.mark.parametrize(("answer", "value", "unit", "display"), WRONG_PLACE)
def test_no_slip_where_the_quantity_cannot_have_it(answer: str, value: float, unit: str,
                                                   display: str) -> None:
    grade = grade_numeric(answer, value, unit, display, REL)
    assert grade.band == "off"
    if display == "GFLOP/s":
        assert grade.slip == SPARSE  # the factor 2 a FLOP rate can have
        return
    assert grade.slip is None, grade.slip


def test_find_slip_ignores_non_positive_references() -> None:
    assert find_slip(8.0, 0.0, REL) is None
    assert find_slip(8.0, -1.0, REL) is None
    assert find_slip(8.0, 1.0, REL) == NODE_OR_BITS  # unit unknown: every slip may apply
    assert find_slip(8.0, 1.0, REL, "GB/s") == NODE_OR_BITS
    assert find_slip(8.0, 1.0, REL, "") is None


def test_grade_without_slip_still_constructs_positionally_as_before() -> None:
    from grading.numeric import Grade

    grade = Grade("off", 2.0, 1.0, "", 1.0, 0.3, None, "msg")
    assert grade.slip is None


def test_no_slip_and_no_crash_when_the_ratio_underflows() -> None:
    # Found by hypothesis: 5e-324 / 2.0 underflows to 0.0 and math.log(0) raised.
    grade = grade_numeric("5e-324", 2.0, "", "", REL)
    assert grade.band == "off"
    assert grade.slip is None
    assert grade.log10_error == pytest.approx(math.log10(5e-324) - math.log10(2.0))


# (answer, reference, display unit, tolerance, slip named?) at and just past each window:
# 3 % for the factors, 1 % for the binary prefixes (the window is on the answer/reference
# ratio; a slip also needs the undone answer to land in the exact band).
WIDE = Tolerance.parse("rel:5%,50%")
WINDOW_EDGES = [
    (f"{8 * 1.03:.12f}", 1.0, "GB/s", WIDE, NODE_OR_BITS),  # 8 × 1.03: on the edge
    (f"{8 * 1.0301:.12f}", 1.0, "GB/s", WIDE, None),  # just past it
    (f"{8 / 1.03:.12f}", 1.0, "GB/s", WIDE, NODE_OR_BITS),  # under 8 by the window
    (f"{8 / 1.0301:.12f}", 1.0, "GB/s", WIDE, None),
    (f"{2 * 1.03:.12f}", 1.0, "TFLOP/s", WIDE, SPARSE),
    (f"{2 * 1.0301:.12f}", 1.0, "TFLOP/s", WIDE, None),
    (f"{1000 * 1.03:.12f}", 1.0, "GB", Tolerance.parse("rel:5%,99%"), PREFIX),
    (f"{1000 * 1.0301:.12f}", 1.0, "GB", Tolerance.parse("rel:5%,99%"), None),
    (f"{1.024**3 * 1.01:.12f}", 1.0, "GB", TIGHT, BINARY),  # GiB: 1 % window
    (f"{1.024**3 * 1.0101:.12f}", 1.0, "GB", TIGHT, None),
]


@pytest.mark.parametrize(("answer", "reference", "display", "tolerance", "slip"), WINDOW_EDGES)
def test_slip_windows_at_and_just_past_their_edges(answer: str, reference: float,
                                                   display: str, tolerance: Tolerance,
                                                   slip: str | None) -> None:
    assert grade_numeric(answer, reference, display, display, tolerance).slip == slip
