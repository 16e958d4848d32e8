"""Grade a typed numeric answer against a reference value within tolerance bands.

Two kinds of band (the "Tolerance bands" contract in DESIGN.md):

- ``rel:5%,15%`` — relative error: exact when ``|value − ref| / ref ≤ 5 %``, close when
  ``≤ 15 %``. For facts that should be known to a few percent (H100 HBM3 bandwidth).
- ``log:1.25,2`` — within a factor: exact when ``max(value/ref, ref/value) ≤ 1.25``, close when
  ``≤ 2``. For Fermi estimates, where being 2× off is fine and 10× is not.

Importing this module does not import pint; grading does, on first use (see ``grading.units``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from grading import units
from grading.quantity import AnswerError, parse_answer

__all__ = [
    "DEFAULT_TOLERANCE",
    "KNOWN_SLIPS",
    "AnswerError",
    "Band",
    "Grade",
    "Slip",
    "Tolerance",
    "find_slip",
    "grade_numeric",
]

Band = Literal["exact", "close", "off"]

# Band edges are inclusive and forgive float noise: 1.05 against 1.0 is a 5 % error even though
# (1.05 - 1.0) / 1.0 == 0.050000000000000044.
_EDGE_SLACK = 1e-9

_SPEC_RE = re.compile(r"\s*(?P<kind>rel|log)\s*:\s*(?P<exact>[^,]+?)\s*,\s*(?P<close>[^,]+?)\s*")


def _read_spec_number(text: str, kind: str, spec: str) -> float:
    is_percent = text.endswith("%")
    try:
        number = float(text[:-1] if is_percent else text)
    except ValueError:
        raise ValueError(f"bad tolerance {spec!r}: {text!r} is not a number") from None
    if is_percent and kind == "log":
        raise ValueError(f"bad tolerance {spec!r}: a log band is a factor like 1.25, not a %")
    return number / 100 if is_percent else number


@dataclass(frozen=True)
class Tolerance:
    """Where ``exact`` and ``close`` end, for one kind of band.

    ``kind`` is ``"rel"`` (``exact``/``close`` are fractions: 0.05 is 5 %) or ``"log"``
    (``exact``/``close`` are factors ≥ 1). ``Tolerance()`` is the default ``rel:5%,15%``.
    """

    kind: str = "rel"
    exact: float = 0.05
    close: float = 0.15

    def __post_init__(self) -> None:
        if self.kind not in ("rel", "log"):
            raise ValueError(f"bad tolerance kind {self.kind!r}: use 'rel' or 'log'")
        if not (math.isfinite(self.exact) and math.isfinite(self.close)):
            raise ValueError(f"bad tolerance {self}: bands must be finite")
        lowest = 0.0 if self.kind == "rel" else 1.0
        if not lowest <= self.exact <= self.close:
            raise ValueError(
                f"bad tolerance {self}: need {lowest:g} ≤ exact ≤ close for a {self.kind} band"
            )

    @classmethod
    def parse(cls, text: str) -> Tolerance:
        """Read ``"rel:5%,15%"`` (or ``"rel:0.05,0.15"``) or ``"log:1.25,2"``.

        A bad spec raises ValueError naming it.
        """
        match = _SPEC_RE.fullmatch(text)
        if not match:
            raise ValueError(f"bad tolerance {text!r}: expected e.g. 'rel:5%,15%' or 'log:1.25,2'")
        kind = match.group("kind")
        exact = _read_spec_number(match.group("exact"), kind, text)
        close = _read_spec_number(match.group("close"), kind, text)
        try:
            return cls(kind, exact, close)
        except ValueError as error:
            raise ValueError(f"bad tolerance {text!r}: {error}") from None

    def __str__(self) -> str:
        if self.kind == "rel":
            return f"rel:{self.exact * 100:.6g}%,{self.close * 100:.6g}%"
        return f"log:{self.exact:.6g},{self.close:.6g}"

    def describe(self, band: str) -> str:
        """The width of a band in words: ``"5%"`` or ``"1.25×"``."""
        limit = self.exact if band == "exact" else self.close
        return f"{limit * 100:.6g}%" if self.kind == "rel" else f"{limit:.6g}×"


DEFAULT_TOLERANCE = Tolerance()


@dataclass(frozen=True)
class Grade:
    """The verdict on one numeric answer, in the display unit.

    ``rel_error`` is signed ``(value − reference) / reference``; ``log10_error`` is signed
    ``log10(value / reference)``, ``-inf`` when the answer is ≤ 0 against a positive reference
    and ``nan`` when the reference itself is ≤ 0 (no log scale). ``interval`` is the typed
    ``(lo, hi)`` when an interval was given (``value`` is then its geometric mean). ``slip``
    names a known slip (bits vs bytes, GiB vs GB, a prefix, a factor of 2) when undoing it
    would make a non-exact answer exact; it is also said in ``message``. ``stated_point``:
    the interval came with a point ("40 days ±25%"), which is what was graded.
    """

    band: Band
    value: float
    reference: float
    unit: str
    rel_error: float
    log10_error: float
    interval: tuple[float, float] | None
    message: str
    slip: str | None = None
    stated_point: bool = False


def _rel_error(value: float, reference: float) -> float:
    if reference == 0:
        return 0.0 if value == 0 else math.copysign(math.inf, value)
    return (value - reference) / abs(reference)


def _log10_error(value: float, reference: float) -> float:
    if value == reference:
        return 0.0
    if reference <= 0:
        return math.nan
    if value <= 0:
        return -math.inf
    return math.log10(value) - math.log10(reference)  # value/reference may underflow to 0


def _factor_text(factor: float) -> str:
    if factor < 10:
        return f"{factor:.1f}×"
    if factor < 1000:
        return f"{factor:.0f}×"
    return f"{factor:.1e}×"


def _factor_from_log10(decades: float) -> str:
    """A factor given as its log10 (which never overflows, unlike value/reference for
    1e-320 against 3.35): "8.0×", "120×", "3.0e+320×"."""
    decades = abs(decades)
    if decades < 300:
        return _factor_text(10**decades)
    exponent = math.floor(decades)
    return f"{10 ** (decades - exponent):.1f}e+{exponent}×"


def _log_ratio(value: float, reference: float) -> float:
    """|log10(value / reference)| for two positive numbers, safe from under- and overflow."""
    return abs(math.log10(value) - math.log10(reference))


def _direction(value: float, reference: float) -> str:
    return "high" if value > reference else "low"


def _band(value: float, reference: float, rel_error: float, tolerance: Tolerance) -> Band:
    if value == reference:
        return "exact"
    if reference > 0 and value <= 0:
        return "off"
    if tolerance.kind == "rel":
        error = abs(rel_error)
    elif reference <= 0:
        return "off"  # no factor between non-positive numbers
    else:
        error = 10 ** min(_log_ratio(value, reference), 300.0)
    if error <= tolerance.exact * (1 + _EDGE_SLACK):
        return "exact"
    if error <= tolerance.close * (1 + _EDGE_SLACK):
        return "close"
    return "off"


def _message(
    band: Band, value: float, reference: float, rel_error: float, tolerance: Tolerance
) -> str:
    if value == reference:
        return "Spot on — exact."
    if reference == 0:
        return "Off — the reference is 0."
    if reference > 0 and value <= 0:
        return "Off — the answer must be a positive number."
    direction = _direction(value, reference)
    decades = _log_ratio(value, reference) if value > 0 and reference > 0 else None
    if tolerance.kind == "rel" or decades is None:
        miss = f"{abs(rel_error) * 100:.2g}% {direction}"
    else:
        miss = f"{_factor_from_log10(decades)} {direction}"
    if band != "off":
        return f"Within {tolerance.describe(band)} — {band} ({miss})."
    if decades is not None and decades >= math.log10(2):
        return f"Off by {_factor_from_log10(decades)} (you were {direction})."
    return f"Off by {abs(rel_error) * 100:.2g}% (you were {direction})."


def _width_limit(tolerance: Tolerance, band: str) -> float:
    """The widest range (high/low) that fits inside ``band`` around the reference: a range
    wider than the close band cannot be an estimate, whatever its middle."""
    limit = tolerance.exact if band == "exact" else tolerance.close
    if tolerance.kind == "log":
        return limit * limit
    return math.inf if limit >= 1 else (1 + limit) / (1 - limit)


def _range_band(low: float, high: float, tolerance: Tolerance) -> Band:
    """The best band a range of this width can earn (its middle is graded separately)."""
    width = high / low
    for band in ("exact", "close"):
        if width <= _width_limit(tolerance, band) * (1 + _EDGE_SLACK):
            return band  # type: ignore[return-value]
    return "off"


_BAND_ORDER: dict[str, int] = {"exact": 0, "close": 1, "off": 2}


SlipUnits = Literal["any", "information", "percent", "flop_rate", "bandwidth", "per_gpu"]

#: Dimensions of the quantities a slip is tied to (see ``Slip.units``).
_FLOP_RATE_DIMS = (("[flop]", 1), ("[time]", -1))
_BANDWIDTH_DIMS = (("[information]", 1), ("[time]", -1))
_PER_GPU_DIMS = (
    _FLOP_RATE_DIMS,
    _BANDWIDTH_DIMS,
    (("[information]", 1),),
    (("[length]", 2), ("[mass]", 1), ("[time]", -3)),  # power (W)
)


@dataclass(frozen=True, slots=True)
class Slip:
    """A known slip: an answer off by ``factor`` (either way) probably made it, and being told
    which is the lesson. ``window`` is how near the answer/reference ratio must be to the
    factor; ``units`` says which quantities it can happen in: ``"any"``; ``"information"``
    (bits and bytes: sizes and rates); ``"percent"`` (the answer is asked in %);
    ``"flop_rate"`` (sparse vs dense); ``"bandwidth"`` (one direction vs both);
    ``"per_gpu"`` (what a GPU has or does that a node or rack multiplies: FLOP/s, bandwidth,
    memory, power)."""

    factor: float
    name: str
    window: float = 1.03
    units: SlipUnits = "any"

    def applies_to(self, display_unit: str | None) -> bool:
        """Whether this slip can happen in ``display_unit`` (``None``: unknown, so yes)."""
        if display_unit is None or self.units == "any":
            return True
        if self.units == "percent":
            return display_unit.strip() == "%"
        try:
            dimensions = units.unit_info(display_unit).dimensions
        except units.UnitError:
            return False
        if self.units == "information":
            return any(dimension == "[information]" for dimension, _ in dimensions)
        if self.units == "flop_rate":
            return dimensions == _FLOP_RATE_DIMS
        if self.units == "bandwidth":
            return dimensions == _BANDWIDTH_DIMS
        return dimensions in _PER_GPU_DIMS


_BINARY = "GiB vs GB (binary vs decimal prefix)"
#: The known slips. Windows are 3 %, except 1 % for the binary prefixes (1.024² to 1.024⁴ =
#: 5-10 %), which are as small as an ordinary rounding — "3 TB/s" for 3.35 TB/s is a rounded
#: answer, not a TiB slip (3.35 TB/s is 3.05 TiB/s), while "74.5 GB" for 80 GB is one. Each is
#: named only where the quantity allows it: bits vs bytes and binary prefixes for bits and
#: bytes ("about 400" for 419 interruptions is a rounding, "560B" for 70B parameters is no bits
#: slip); sparse vs dense for FLOP/s; one direction vs both for a bandwidth; per node vs per
#: GPU for what a GPU has (7.9 PFLOP/s for an H100's 989 TFLOP/s is an 8-GPU node's total);
#: a fraction-for-percent only where the answer is asked in %. When two slips share a factor
#: (8: a node of eight, or bits), both are named, the likelier first.
KNOWN_SLIPS: tuple[Slip, ...] = (
    Slip(8.0, "per node vs per GPU (8 GPUs in an HGX/DGX node)", units="per_gpu"),
    Slip(8.0, "bits vs bytes (a factor of 8)", units="information"),
    Slip(4.0, "per node vs per GPU (4 GPUs per node, e.g. a GB200 tray)", units="per_gpu"),
    Slip(72.0, "per rack vs per GPU (72 GPUs in an NVL72 rack)", units="per_gpu"),
    Slip(2.0, "sparse vs dense FLOP/s (sparsity doubles the datasheet figure)",
         units="flop_rate"),
    Slip(2.0, "both directions vs one (bidirectional is twice per-direction)",
         units="bandwidth"),
    Slip(1000.0, "a prefix slip (a factor of 1000)"),
    Slip(1e6, "a prefix slip (a factor of 1,000,000)"),
    Slip(1.024**3, _BINARY, 1.01, "information"),
    Slip(1.024**2, _BINARY, 1.01, "information"),
    Slip(1.024**4, _BINARY, 1.01, "information"),
    Slip(100.0, "a fraction typed for a percentage (0.46 means 46 %)", units="percent"),
)


def find_slip(value: float, reference: float, tolerance: Tolerance,
              display_unit: str | None = None) -> str | None:
    """The known slip that explains a non-exact answer, or None.

    A slip is named only when it can happen in ``display_unit``, ``value/reference`` (or its
    inverse) is within its window of the slip's factor, *and* undoing that factor lands the
    answer in the exact band —
    so a 7.9× miss under a 1 % tolerance is not blamed on bits vs bytes. When several factors
    qualify (the three binary-prefix ratios overlap), the nearest wins; slips of the same
    factor are named together ("per node vs per GPU …, or bits vs bytes …").
    """
    if not (value > 0 and reference > 0 and math.isfinite(value) and math.isfinite(reference)):
        return None
    if _band(value, reference, _rel_error(value, reference), tolerance) == "exact":
        return None
    log_ratio = abs(math.log(value) - math.log(reference))  # value/reference may underflow
    best: tuple[float, float, list[str]] | None = None
    for slip in KNOWN_SLIPS:
        if not slip.applies_to(display_unit):
            continue
        distance = abs(log_ratio - math.log(slip.factor))
        if distance > math.log(slip.window) * (1 + _EDGE_SLACK):  # the edge is inside
            continue
        undone = value / slip.factor if value > reference else value * slip.factor
        if _band(undone, reference, _rel_error(undone, reference), tolerance) != "exact":
            continue
        if best is not None and slip.factor == best[1]:
            best[2].append(slip.name)
        elif best is None or distance < best[0]:
            best = (distance, slip.factor, [slip.name])
    return ", or ".join(best[2]) if best else None


def _shows_as(value: float, reference: float, display_unit: str) -> bool:
    """Whether ``value`` and ``reference`` print the same in ``display_unit`` (the display
    rounds to three significant figures: 989.4 TFLOP/s shows as 989)."""
    if not (value > 0 and reference > 0):
        return False
    return units.format_value(value, display_unit) == units.format_value(reference, display_unit)


def grade_numeric(
    answer_text: str,
    reference_value: float,
    reference_unit: str,
    display_unit: str,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    prompt: str = "",
    conversion_card: bool = False,
) -> Grade:
    """Grade ``answer_text`` against ``reference_value`` (in ``reference_unit``, usually SI).

    The reference is converted into ``display_unit`` and the answer is read in it (a bare
    number means the display unit). Unreadable text or a wrong dimension raises
    :class:`AnswerError` — those are never grades, the player re-enters. ``prompt`` lets a
    plain-number card accept the unit it names, and with ``conversion_card`` (facts) refuse
    a conversion card's given figure typed back in its own unit (see :func:`parse_answer`).
    A zero or negative answer to a positive reference is ``"off"``, not an error. A non-exact
    answer that one known slip would make exact (see :func:`find_slip`) has it named in ``slip`` and
    ``message``: "Off by 8.0× (you were high). Looks like bits vs bytes (a factor of 8)."
    """
    reference = units.convert(reference_value, reference_unit, display_unit)
    parsed = parse_answer(answer_text, display_unit, prompt, conversion_card)
    value = parsed.value
    rel_error = _rel_error(value, reference)
    band = _band(value, reference, rel_error, tolerance)
    slip = find_slip(value, reference, tolerance, display_unit)
    if value != reference and _shows_as(value, reference, display_unit):
        # The reference as displayed is what was typed (989 for 989.4 TFLOP/s): the player
        # gave the number we show, so the verdict says exact whatever the band's width.
        band, message, slip = "exact", "Exact — that is the figure as we show it.", None
    else:
        message = _message(band, value, reference, rel_error, tolerance)
    if slip:
        message += f" Looks like {slip}."
    if parsed.interval is not None and not parsed.stated_point:
        low, high = parsed.interval
        width_band = _range_band(low, high, tolerance)
        if _BAND_ORDER[width_band] > _BAND_ORDER[band]:
            limit = _width_limit(tolerance, "close" if width_band == "off" else "exact")
            span = f"{units.format_value(low, display_unit)} – " \
                f"{units.format_value(high, display_unit)}"
            if width_band == "off":
                message = (f"Off — the range {span} spans {_factor_text(high / low)}, wider "
                           f"than the whole close band ({_factor_text(limit)}): a range that "
                           "wide is not an estimate. Name a point, or narrow the range.")
            else:
                message = (f"Close at best — the range {span} spans "
                           f"{_factor_text(high / low)}, wider than the exact band "
                           f"({_factor_text(limit)}); its middle was {message[0].lower()}"
                           f"{message[1:]}")
            band, slip = width_band, None
    return Grade(
        band=band,
        value=value,
        reference=reference,
        unit=display_unit,
        rel_error=rel_error,
        log10_error=_log10_error(value, reference),
        interval=parsed.interval,
        message=message,
        slip=slip,
        stated_point=parsed.stated_point,
    )
