"""Read a typed answer ("3.35 TB/s", "400 Gbps", "70B", "2 weeks", "1h 30min", "30-50 days",
"40 days ±25%") as a value in the question's display unit.

Input that cannot be read, or that measures the wrong kind of thing, is not a grade: it raises
:class:`AnswerError` with a message telling the player what to type instead, and the player
re-enters. Everything else becomes a :class:`ParsedAnswer` in the expected unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from grading import units
from grading._syntax import (
    MAX_ANSWER_CHARS,
    PlusMinus,
    Scanned,
    scan_interval,
    scan_plus_minus,
    scan_quantity,
    tokenise_unit,
)

__all__ = ["AnswerError", "ParsedAnswer", "parse_answer"]

AnswerErrorBand = Literal["unparsed", "unit_mismatch"]


class AnswerError(ValueError):
    """Typed text that is not an answer to grade; ``band`` says why.

    ``band`` is ``"unparsed"`` (not a number with a unit we can read) or ``"unit_mismatch"``
    (a readable quantity of the wrong dimension, e.g. bytes for a bandwidth). The message is
    one line a player can act on.
    """

    def __init__(self, band: AnswerErrorBand, message: str) -> None:
        super().__init__(message)
        self.band: AnswerErrorBand = band

    @property
    def message(self) -> str:
        """The one-line explanation shown to the player."""
        return str(self)


@dataclass(frozen=True)
class ParsedAnswer:
    """An answer read in the expected unit.

    ``text`` is what was typed; ``value`` the answer in ``unit`` (the expected unit, as given);
    ``interval`` the typed ``(lo, hi)`` in that unit when an interval was typed. A range
    (``30-50 days``) states no point: ``value`` is its geometric mean and ``stated_point`` is
    False. A centre and spread (``40 days ±25%``) states its point: ``value`` is the centre.
    """

    text: str
    value: float
    unit: str
    interval: tuple[float, float] | None = None
    stated_point: bool = False


_BYTE_DIMENSIONS = ((("[information]", 1),), (("[information]", 1), ("[time]", -1)))

_FLOPS_HINT = " — FLOPS means FLOP per second; for an amount of compute write e.g. '3e23 FLOP'"
_HINTS: dict[tuple[units.Dimensions, units.Dimensions], str] = {
    # (answer dimensions, expected dimensions) -> hint appended to the mismatch message
    ((("[flop]", 1), ("[time]", -1)), (("[flop]", 1),)): _FLOPS_HINT,
    ((("[flop]", 1),), (("[flop]", 1), ("[time]", -1))): " — add '/s' for a rate (FLOP/s)",
    ((("[information]", 1),), (("[information]", 1), ("[time]", -1))): (
        " — add '/s' for a bandwidth"
    ),
    ((("[information]", 1), ("[time]", -1)), (("[information]", 1),)): (
        " — drop the '/s' for a size"
    ),
}


def _example(expected_unit: str) -> str:
    symbol = units.pretty_unit(expected_unit)
    if not symbol:
        return "'2.5' or '70B'"
    if symbol == "%":
        return "'2.5%'"
    return f"'2.5 {symbol}'"


def _unparsed(text: str, expected_unit: str, reason: str = "") -> AnswerError:
    if reason:  # the reason already says what to change
        return AnswerError("unparsed", f"could not read '{text}': {reason}")
    return AnswerError(
        "unparsed",
        f"could not read '{text}' as a number with a unit — try e.g. {_example(expected_unit)}",
    )


def _asks_for(expected: units.UnitInfo, expected_unit: str) -> str:
    phrase = units.dimension_phrase(expected.dimensions)
    symbol = units.pretty_unit(expected_unit)
    return f"{phrase} ({symbol})" if symbol else phrase


def _end_value(end: Scanned, text: str, expected: units.UnitInfo, expected_unit: str) -> float:
    """One number of the answer, converted into the expected unit."""
    if not end.has_unit:
        if end.multiplier_text == "B" and expected.dimensions in _BYTE_DIMENSIONS:
            if expected.scale == units.unit_info("byte").scale:
                return end.number  # asked in plain bytes: "16 B" is sixteen bytes
            number = units.format_number(end.number)
            raise AnswerError(
                "unit_mismatch",
                f"'{text}' is ambiguous here: B after a number can mean billion or byte, and "
                f"this asks for {_asks_for(expected, expected_unit)} — write "
                f"'{number} GB' for {number} billion bytes, or '{number} bytes'",
            )
        return end.value  # a bare number (with any count suffix) is in the expected unit
    try:
        info = units.unit_info(end.unit_expression(), expected.is_flop_rate)
    except units.UnitError as error:
        raise _unparsed(text, expected_unit, str(error)) from None
    if info.dimensions != expected.dimensions:
        misread = units.misread_hint(end.unit_text, expected_unit)
        if misread:
            raise AnswerError(
                "unit_mismatch",
                f"'{text}': {misread} This asks for {_asks_for(expected, expected_unit)}.")
        hint = _HINTS.get((info.dimensions, expected.dimensions), "")
        raise AnswerError(
            "unit_mismatch",
            f"'{text}' is {units.dimension_phrase(info.dimensions)}, "
            f"but this asks for {_asks_for(expected, expected_unit)}{hint}",
        )
    return end.value * (info.scale / expected.scale)


def _geometric_mean(low: float, high: float) -> float:
    """sqrt(low·high), kept inside [low, high] despite rounding and safe from overflow."""
    product = low * high
    mean = math.sqrt(product) if math.isfinite(product) else math.sqrt(low) * math.sqrt(high)
    return min(max(mean, low), high)


#: Words a plain-number prompt may name its unit with ("bytes per parameter", "FLOPs per
#: token"): an answer in that kind of unit is read in the prompt's word.
_PROMPT_UNIT_WORDS = ("bytes", "byte", "bits", "bit", "FLOPs", "FLOP", "flops")
_PROMPT_WORD_RE = re.compile(r"[A-Za-z]+")


def _singular(word: str) -> str:
    lowered = word.lower()
    return lowered[:-1] if lowered.endswith("s") and len(lowered) > 3 else lowered


def _in_prompt_words(scanned: Scanned, prompt: str) -> float | None:
    """A plain-number answer typed with the unit its own prompt names, read as that number.

    "16 bytes" or "16 B/param" for "bytes of model state per parameter", "2 FLOPs" for "FLOPs
    per parameter per token", "128 bits" for bytes (16), "18 links" for "how many NVLink
    links" (pint would read a surveyor's link), "32 GT/s" for "in GT/s (number only)". ``None``
    when the prompt names no such unit: the usual refusal then applies.
    """
    prompt_words = _PROMPT_WORD_RE.findall(prompt)
    if not prompt_words or scanned.currency:
        return None
    tokens = [t for t in (tokenise_unit(scanned.unit_text) or ()) if not t.is_operator]
    if tokens and {_singular(t.text) for t in tokens} <= {_singular(w) for w in prompt_words}:
        # Every word of the unit is one the prompt uses: it names what is counted or the unit
        # the prompt asks the number in, whatever pint would make of it.
        return scanned.value
    try:
        answer_info = units.unit_info(scanned.unit_expression())
    except units.UnitError:
        return None
    for word in prompt_words:
        if word not in _PROMPT_UNIT_WORDS:
            continue
        named = units.unit_info(word)
        if named.dimensions == answer_info.dimensions:
            return scanned.value * (answer_info.scale / named.scale)
    return None


#: A number with a unit inside a prompt: "(400 Gb/s)", "100 Gb Ethernet", "80GB".
_PROMPT_QUANTITY_RE = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?\s*[A-Za-z]+(?:/[A-Za-z]+)?")


#: A bit count that names a link speed: "100 Gb Ethernet", "400G" is not one (no b).
_BIT_COUNT_RE = re.compile(r"[kKMGT]?(?:b|bit|bits)")


def conversion_asked(prompt: str, expected_unit: str) -> str | None:
    """The quantity a conversion card gives, or ``None``: the prompt gives a quantity of the
    kind asked for and says "in" the unit to give it in.

    "One InfiniBand NDR port (400 Gb/s): bandwidth per direction in GB/s?" gives 400 Gb/s and
    asks for GB/s: typing the given figure back ("400 Gbps") would let the grader do the one
    conversion the card asks for. A link named by its bit count ("100 Gb Ethernet") counts
    as that rate.
    """
    try:
        expected = units.unit_info(expected_unit)
    except units.UnitError:
        return None
    if not expected.dimensions:
        return None
    symbol = re.escape(units.pretty_unit(expected_unit))
    if not re.search(rf"\bin {symbol}(?![\w/])", prompt):
        return None  # only a card that names the unit to convert into is a conversion card
    per_second = tuple(sorted((*expected.dimensions, ("[time]", 1)))) \
        if ("[time]", -1) in expected.dimensions else None
    rate_free = tuple(d for d in expected.dimensions if d != ("[time]", -1))
    for match in _PROMPT_QUANTITY_RE.finditer(prompt):
        scanned = scan_quantity(match.group())
        if scanned is None or not scanned.unit_text:
            continue
        try:
            given = units.unit_info(scanned.unit_expression())
        except units.UnitError:
            continue
        if given.scale == expected.scale and given.dimensions == expected.dimensions:
            continue  # given in the very unit asked: nothing to convert
        names_a_link = per_second is not None and given.dimensions == rate_free and \
            _BIT_COUNT_RE.fullmatch(scanned.unit_text) is not None
        if given.dimensions == expected.dimensions or names_a_link:
            return match.group().strip()
    return None


def parse_answer(text: str, expected_unit: str, prompt: str = "",
                 conversion_card: bool = False) -> ParsedAnswer:
    """Read typed ``text`` as a value in ``expected_unit``.

    - A bare number is in the expected unit (``"3.35"`` for TB/s is 3.35 TB/s).
    - A count suffix scales a bare number: ``"70B"`` is 70e9 (of the expected unit), ``"2.5M"``
      for USD is 2.5e6 USD. When the expected unit is plain bytes, ``"16 B"`` is sixteen bytes;
      for a prefixed byte unit (GB, GB/s) a bare ``"70B"`` is refused as ambiguous (billion
      or byte?) with both spellings offered.
    - A number with a unit is converted into the expected unit; another dimension raises
      ``AnswerError(band="unit_mismatch")`` naming both.
    - An interval ``a-b``, ``a..b``, ``a to b`` (unit on both ends or only the last:
      ``"30-50 days"``) is graded on its geometric mean and recorded in ``interval``; its ends
      must be positive. A leading ``-`` is a minus sign: ``"-5"`` is minus five.
    - A centre and spread is an interval too: ``"40 days ±25%"``, ``"40 ± 10 days"``,
      ``"40 days +/- 10"``, ``"40 days plus or minus 25%"`` are all [30, 50] days recorded
      for calibration, and graded on the stated point, 40 days. A spread in % is relative to
      the centre unless the centre is itself in % (``"40% ± 5%"`` is 35 % to 45 %).
    - A duration in parts is one value: ``"3d 4h"``, ``"1h 30min"``, ``"2 weeks 3 days"``,
      ``"1 h 30 m"`` (largest unit first).
    - Empty or unreadable text raises ``AnswerError(band="unparsed")``.

    - A plain-number question (``expected_unit`` ``""``) accepts the unit its ``prompt``
      names: "16 bytes" when it asks for bytes per parameter, "2 FLOPs" for FLOPs per token.
    - With ``conversion_card`` (a fact, not a problem), a prompt that gives a quantity and
      asks for it "in" another unit (see :func:`conversion_asked`) requires that unit: "400
      Gbps" typed back for "(400 Gb/s) … in GB/s?" is refused, not converted.

    ``expected_unit`` comes from content; an unreadable one raises
    :class:`grading.units.UnitError` (a content bug, not the player's).
    """
    expected = units.unit_info(expected_unit)
    stripped = text.strip()
    if not stripped:
        raise AnswerError("unparsed", f"type an answer, e.g. {_example(expected_unit)}")
    given = conversion_asked(prompt, expected_unit) if prompt and conversion_card else None
    if given is not None:
        _require_asked_unit(stripped, given, expected, expected_unit)
    if len(stripped) > MAX_ANSWER_CHARS:
        raise _unparsed(stripped[:20] + "…", expected_unit, "the answer is too long")
    single = scan_quantity(stripped)
    if single is not None:
        try:
            value = _end_value(single, stripped, expected, expected_unit)
        except AnswerError:
            named = _in_prompt_words(single, prompt) if prompt and single.has_unit \
                and not expected.dimensions else None
            if named is None:
                raise
            value = named
        interval = None
    else:
        plus_minus = scan_plus_minus(stripped)
        centre: float | None = None
        if plus_minus is not None:
            centre = _end_value(plus_minus.centre, stripped, expected, expected_unit)
            ends = _plus_minus_ends(plus_minus, centre, stripped, expected, expected_unit)
        else:
            pair = scan_interval(stripped)
            if pair is None:
                raise _unparsed(stripped, expected_unit)
            ends = tuple(_end_value(end, stripped, expected, expected_unit) for end in pair)
        low, high = sorted(ends)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise _unparsed(stripped, expected_unit, "the number is too large")
        if low <= 0:
            raise _unparsed(stripped, expected_unit, "both ends of an interval must be positive")
        value = _geometric_mean(low, high) if centre is None else centre
        interval = (low, high)
    if not math.isfinite(value):
        raise _unparsed(stripped, expected_unit, "the number is too large")
    return ParsedAnswer(text=text, value=value, unit=expected_unit, interval=interval,
                        stated_point=interval is not None and centre is not None)


def _require_asked_unit(text: str, given: str, expected: units.UnitInfo,
                        expected_unit: str) -> None:
    """Refuse an answer to a conversion card whose unit is not the one asked for."""
    scanned = scan_quantity(text)
    if scanned is None or not scanned.unit_text:
        return  # a bare number is read in the asked unit; ranges are checked end by end
    try:
        typed = units.unit_info(scanned.unit_expression(), expected.is_flop_rate)
    except units.UnitError:
        return  # the usual refusal explains it
    if typed.dimensions == expected.dimensions and typed.scale == expected.scale:
        return
    symbol = units.pretty_unit(expected_unit)
    raise AnswerError(
        "unit_mismatch",
        f"this card asks you to convert {given} into {symbol}: give the answer in {symbol} "
        f"(a bare number is read in {symbol})")


def _plus_minus_ends(
    plus_minus: PlusMinus, centre: float, text: str, expected: units.UnitInfo,
    expected_unit: str,
) -> tuple[float, float]:
    """The ends ``centre − spread`` and ``centre + spread`` of a ``±`` answer, in the expected
    unit (a relative spread scales the centre: ``40 ± 25%`` is 30 to 50)."""
    if plus_minus.spread is None:
        spread = abs(centre) * (plus_minus.relative or 0.0)
    else:
        spread = _end_value(plus_minus.spread, text, expected, expected_unit)
    return centre - spread, centre + spread


def split_quantity(text: str) -> tuple[float, str]:
    """A reference written as a person would — ``"3.35 TB/s"``, ``"$2.5M"``, ``"1.2e24 FLOP"``
    — as ``(value, unit)``; the unit is checked to be one the grader reads.

    Raises ``AnswerError`` (band ``"unparsed"``) when it is not one number with a unit, and
    :class:`grading.units.UnitError` for a unit pint cannot read.
    """
    scanned = scan_quantity(text)
    if scanned is None:
        raise AnswerError("unparsed", f"could not read {text!r}: write it as a number and a "
                                      "unit, e.g. '3.35 TB/s'")
    unit = scanned.unit_expression() if scanned.has_unit else ""
    units.unit_info(unit)  # raises UnitError naming an unknown unit
    return scanned.value, unit
