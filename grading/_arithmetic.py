"""Check the plain arithmetic an answer writes out: "40/300 ≈ 1.3%", "√(1.25e6) ≈ 11,200".

An interviewer who watches a candidate divide 40 by 300 and say 1.3 % has heard a slip, and a
trainer should say so. Earlier work on this (see the README's "measured and not taken") read
every worked step and flagged mostly its own misreadings of units and percentages, so this
reads only what it can read without doubt:

- bare numbers joined by ×, x, *, / or ÷ (or one √), then "=", "≈" or "is about", then a bare
  number; nothing before the first operand that makes it part of a longer sum ("5.9e23 over
  2,048 × 989e12", "1 + 3 × 0.04") and nothing after the result that carries the arithmetic on;
- a result with a unit only when the unit has no prefix to misread: a percentage, a count
  ("GPUs", "steps", "hops") or a duration, and a duration is right in whichever unit it is said
  ("6.3e24 / 8.1e17 ≈ 90 days" is seconds said in days);
- a percentage may be the result, the increase over 1 or the shortfall from it ("1/0.85 ≈
  17.6 % more", "1/1.1 ≈ 9.1 % slower").

A result is a slip only when it is off by more than rounding: outside 0.6–1.67× of the true
value (0.8–1.25× of some duration unit's conversion), so "≈ 3 h" for 3.05 h stands and a
result a factor of ten off does not. On the tune material (743 strong answers, 826 wrong ones,
2026-12-05) it names nothing in a strong answer and two slips in wrong ones.

:func:`unit_slips` reads arithmetic with units the same way ("70B × 2 bytes ≈ 140 MB",
"5.7 TB / 100 GB/s ≈ 5.7 s", "1,024 GPUs over three days is about 3,100 GPU-hours"): every
operand and the result in a unit :mod:`grading.units` reads, the result's kind (bytes, time,
FLOP/s, dollars) the operands' own, and no reading that fits (see its docstring). On the tune
material (630 strong answers, 430 wrong ones, tenth session) it names nothing in a strong
answer and four slips in wrong ones; an independent reviewer's 100 right sentences with worked
units drew none.

:func:`arithmetic_slips` is pure standard library; :func:`unit_slips` loads the unit registry
(pint) only when an expression with units is found. Nothing here raises on any text.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["ArithmeticSlip", "arithmetic_slips", "unit_slips"]

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_EQUALS = r"\s*(?:≈|~=|=|is\s+about|is\s+roughly|comes\s+to)\s*~?\s*"
_PRODUCT_RE = re.compile(
    rf"(?P<operands>(?:{_NUMBER})(?:\s*[×x*/÷]\s*(?:{_NUMBER}))+){_EQUALS}(?P<result>{_NUMBER})",
    re.IGNORECASE)
_ROOT_RE = re.compile(
    rf"(?:√|sqrt)\s*\(?\s*(?P<operands>{_NUMBER})\s*\)?{_EQUALS}(?P<result>{_NUMBER})",
    re.IGNORECASE)
_OPERATOR_SPLIT_RE = re.compile(r"\s*([×x*/÷])\s*", re.IGNORECASE)

#: Just before the first operand: a symbol or word that makes it part of a longer expression.
_LONGER_SYMBOL_RE = re.compile(r"(?:[\d.,+\-−–—/×*^$]|(?:√|sqrt)\s*\()\s*$", re.IGNORECASE)
_LONGER_WORD_RE = re.compile(
    r"\b(?:over|by|into|divided|times|of|from|minus|plus|to|and|or)\s*$", re.IGNORECASE)
#: Just after the result: the arithmetic goes on, the number does, or a range does ("= 80 to
#: 320", "= 80–320").
_GOES_ON_RE = re.compile(r"\d|[,.]\d|\s*[×x*/÷+−\-–—^(]|\s*to\s+\d", re.IGNORECASE)
#: Words after a percentage that make it a change: the shortfall from 1 ("9.1% slower") or the
#: increase over it ("17.6% more").
_SHORTFALL_RE = re.compile(
    r"^\s*%?\s*(?:\w+\s+){0,2}?(?:slower|less|lower|short|loss|lost|overhead|drop|fewer|below|"
    r"down|idle|waste\w*|smaller|cheaper|saving|saved|cut|reduction)\b", re.IGNORECASE)
_INCREASE_RE = re.compile(
    r"^\s*%?\s*(?:\w+\s+){0,2}?(?:more|longer|extra|higher|faster|up|above|over|larger|"
    r"bigger|increase|gain|speed-?up|costlier)\b", re.IGNORECASE)

_DURATION_WORDS = frozenset(
    "seconds second sec secs s hours hour h hrs days day weeks week minutes minute min mins "
    "years year months month".split())
#: Units without a prefix to misread: counts of things.
_COUNT_WORDS = frozenset(
    "gpus gpu nodes tokens steps hops requests messages bytes flops runs failures "
    "interruptions times ranks replicas stages layers experts microbatches sequences".split())
#: Plain words that may follow a bare result ("≈ 22 of the 32", "= 2,046 so …").
_PLAIN_WORDS = frozenset(
    "of and so which that the a at for in on to or but with is was than then more less fewer "
    "lower higher slower faster extra over under from into".split())
#: Seconds per unit between any two durations an answer may mix.
_DURATION_FACTORS = (1.0, 60.0, 3600.0, 86400.0, 604800.0, 2.63e6, 3.15e7, 24.0, 7.0, 168.0,
                     1440.0)
_ROUNDING = (0.6, 1 / 0.6)
_DURATION_ROUNDING = (0.8, 1.25)


@dataclass(frozen=True)
class ArithmeticSlip:
    """Arithmetic written out with the wrong result: the words ``typed``, and the value the
    operands give (``expected``, formatted)."""

    typed: str
    expected: str


def _value(typed: str) -> float:
    return float(typed.replace(",", ""))


def _result_kind(text: str, end: int) -> str | None:
    """What follows the result at ``end``: "percent", "duration", "bare", or None when it is
    a unit with a prefix, a suffix glued to the number or more arithmetic."""
    rest = text[end:end + 24]
    if _GOES_ON_RE.match(rest):
        return None
    stripped = rest.lstrip()
    if stripped.startswith("%"):
        return "percent"
    word = re.match(r"[A-Za-zµ$-]+", stripped)
    if word is None:
        return "bare"
    if rest[:1].isalpha():  # "25k", "5.7TB": a suffix glued to the number
        return None
    said = word.group(0).lower()
    if said in _DURATION_WORDS:
        return "duration"
    return "bare" if said in _COUNT_WORDS or said in _PLAIN_WORDS else None


def _fits(true_value: float, result: float, kind: str, after: str = "",
          by_hundred: bool = False) -> bool:
    """Whether ``result`` is ``true_value`` as rounded, in the reading ``kind`` allows: a
    duration in any unit (the same unit rounded as loosely as a bare number), a percentage as
    the share, as the shortfall or increase the words ``after`` it name, or as the value itself
    when the operands already are percentages (``by_hundred``: a "× 100", or a value of 1 or
    more)."""
    low, high = _ROUNDING
    if kind == "duration":
        if low < true_value / result < high:
            return True
        low, high = _DURATION_ROUNDING
        return any(low < true_value / (result * factor) < high or
                   low < true_value * factor / result < high for factor in _DURATION_FACTORS)
    readings = [true_value]
    if kind == "percent":
        readings = [true_value * 100]
        if by_hundred:
            readings.append(true_value)
        if _SHORTFALL_RE.match(after):
            readings.append(100 - true_value * 100)
        if _INCREASE_RE.match(after):
            readings.append(true_value * 100 - 100)
    return any(reading > 0 and low < reading / result < high for reading in readings)


def _formatted(value: float, kind: str) -> str:
    if kind == "percent":
        return f"{value * 100:.3g}%"
    if 0.01 <= abs(value) < 1e6:
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:.2e}"


def arithmetic_slips(sentence: str) -> Iterator[ArithmeticSlip]:
    """The written-out products, quotients and square roots in ``sentence`` whose result is
    off by more than rounding (see the module docstring for what is read)."""
    for pattern in (_PRODUCT_RE, _ROOT_RE):
        for found in pattern.finditer(sentence):
            before = sentence[max(0, found.start() - 12):found.start()]
            if _LONGER_SYMBOL_RE.search(before[-6:]) or _LONGER_WORD_RE.search(before):
                continue
            kind = _result_kind(sentence, found.end())
            if kind is None:
                continue
            try:
                result = _value(found.group("result"))
                if pattern is _ROOT_RE:
                    true_value = math.sqrt(_value(found.group("operands")))
                else:
                    pieces = _OPERATOR_SPLIT_RE.split(found.group("operands"))
                    true_value = _value(pieces[0])
                    for operator, operand in zip(pieces[1::2], pieces[2::2], strict=True):
                        true_value = true_value / _value(operand) if operator in "/÷" \
                            else true_value * _value(operand)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            if not (math.isfinite(true_value) and true_value > 0 and result > 0):
                continue
            operands = _OPERATOR_SPLIT_RE.split(found.group("operands"))[::2]
            by_hundred = true_value >= 1 or any(_value(o) == 100 for o in operands)
            if not _fits(true_value, result, kind, sentence[found.end():found.end() + 40],
                         by_hundred):
                typed = found.group(0) + ("%" if kind == "percent" else "")
                yield ArithmeticSlip(typed, _formatted(true_value, kind))


# --------------------------------------------------------------------------------------------
# Arithmetic with units: "70B × 2 bytes = 140 MB", "5.7 TB / 100 GB/s ≈ 57 s"
# --------------------------------------------------------------------------------------------

#: One operand or result with its unit: an optional currency sign, a number, a count suffix
#: glued to it ("70B", "4k", "8.3M") and at most one unit word ("bytes", "GB/s", "GPU-hours",
#: "%"); a unit word holds letters only between its slashes, so "h/16,384" is "h" then "/".
_UNIT_WORD = (r"(?!(?:a|an|the|per|of|in|to|and|or|so|at|on|for|is)\b)"
              r"[A-Za-zµ$][A-Za-zµ\-]*(?:/[A-Za-zµ][A-Za-zµ\-]*)*")
_UNIT_OPERAND = (rf"(?:\$\s?)?(?:{_NUMBER})(?:[kKMBT]|bn)?(?!\w|[.,]\d)"
                 rf"(?:\s?%|\s?{_UNIT_WORD}|/{_UNIT_WORD})?")
#: After the last operand and before the result: what says "this comes to" — a symbol, "is
#: about", or ", so about" / "which is" — and may first close a short aside ("in BF16",
#: "(BF16)").
_APPROXIMATELY = r"(?:about\s+|roughly\s+|around\s+)?"
_UNIT_EQUALS = (r"(?:\s+in\s+[A-Za-z0-9]+|\s*\([^()]{1,40}\))?"
                r"(?:\s*(?:≈|~=|=|≃|→|->)\s*"
                r"|\s+(?:is|comes\s+to|gives|equals|works\s+out\s+(?:to|at))\s+" + _APPROXIMATELY
                + r"|,?\s+(?:so|which\s+is|that's|that\s+is|i\.e\.)\s+" + _APPROXIMATELY
                + r")~?\s*")
#: An operator between two operands: ×, *, ÷, " x ", and a slash that is not inside a unit
#: (spaced, or followed by a number: "50,000 h/16,384", not "GB/s").
_UNIT_OPERATOR = (r"\s*[×*÷]\s*|\s*/(?=\s*\$?\d)\s*|\s+/\s+|\s+(?:x|times)\s+|"
                  r"\s+(?:for|over)\s+")
#: Accelerators, the one count that "for"/"over" a duration multiplies ("1,024 GPUs for 3 days
#: is 73,728 GPU-hours").
_ACCELERATORS_RE = re.compile(r"\b(?:gpus?|h100s?|h200s?|a100s?|b200s?|mi300xs?|accelerators?|"
                              r"chips?|tpus?)$", re.IGNORECASE)
#: A duration counted in words after "for" or "over" ("over three days"), read as digits.
_WORD_DURATION = (r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
                  r"(?:hours?|days?|weeks?|months?|years?)\b")
_COUNT_WORD_VALUES = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                      "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
                      "twelve": 12}
_UNIT_PRODUCT_RE = re.compile(
    rf"(?P<operands>{_UNIT_OPERAND}(?:(?:{_UNIT_OPERATOR}){_UNIT_OPERAND}"
    rf"|\s+(?:for|over)\s+{_WORD_DURATION})+)"
    rf"{_UNIT_EQUALS}(?P<result>{_UNIT_OPERAND})", re.IGNORECASE)
_UNIT_OPERATOR_RE = re.compile(_UNIT_OPERATOR, re.IGNORECASE)
#: Bare numbers that stand for a unit's conversion rather than a count ("× 24" hours a day,
#: "/ 8" bits a byte): a result off by exactly one of them is read as that conversion said in
#: the number, not as a slip — but only where the units around it call for that conversion
#: (a duration for the time factors, bits for 8, a percentage for 100), since 8 is also the
#: GPUs of a node ("140 GB / 8 = 175 GB" is a slip).
_TIME_CONVERSIONS = (7.0, 12.0, 24.0, 30.0, 52.0, 60.0, 168.0, 365.0, 1440.0, 3600.0, 8760.0,
                     86400.0)
_BITS_RE = re.compile(r"\d\s*[kKMGTP]?(?:b|bits?|bps)(?:/s|ps)?\b")
#: Just before the first operand: an operator or an equals sign (the expression is part of a
#: longer one), or a digit or point glued to it (a comma then a space ends a clause, not a
#: number).
_GLUED_BEFORE_RE = re.compile(r"(?:[\d.,]|[+\-−–—/×*^$=≈~]\s*|(?:√|sqrt)\s*\(\s*)$",
                              re.IGNORECASE)
#: A result followed by a range ("= 80 to 320", "= 80–320").
_RANGE_AFTER_RE = re.compile(r"\s*(?:to\s+\d|[–—\-]\s*\d)", re.IGNORECASE)

_Reading = tuple[float, tuple[tuple[str, int], ...]]


def _readings(typed: str) -> list[_Reading]:
    """Each way ``typed`` may be meant, as (value in base units, dimensions); empty when its
    unit is not one the grader reads. " B" after a spaced number is both bytes and billions."""
    from grading._syntax import scan_quantity
    from grading.units import UnitError, unit_info

    word = re.match(r"\s*([a-z]+)\s", typed, re.IGNORECASE)
    if word is not None and word.group(1).lower() in _COUNT_WORD_VALUES:  # "three days"
        typed = f"{_COUNT_WORD_VALUES[word.group(1).lower()]} {typed[word.end():]}"
    scanned = scan_quantity(typed)
    if scanned is None:
        return []
    unit = scanned.unit_expression() if scanned.has_unit else ""
    try:
        info = unit_info(unit)
    except (UnitError, ValueError):
        return []
    readings = [(scanned.value * info.scale, tuple(info.dimensions))]
    if re.search(r"\d\s+B$", typed.strip()):  # "2 B": two bytes or two billion
        byte = unit_info("B")
        readings.append((scanned.number * byte.scale, tuple(byte.dimensions)))
    return readings


def _times(left: _Reading, right: _Reading, divide: bool) -> _Reading:
    dims = dict(left[1])
    for name, power in right[1]:
        dims[name] = dims.get(name, 0) + (-power if divide else power)
    value = left[0] / right[0] if divide else left[0] * right[0]
    return value, tuple(sorted((name, power) for name, power in dims.items() if power))


#: Kinds of quantity said best with their own prefix ("140 GB", not "140,000 MB"): the
#: dimensions as :func:`grading.units.unit_info` gives them, the base unit's value per unit of
#: those dimensions, and the unit :func:`grading.units.humanize` scales.
_HUMANIZED = {
    (("[information]", 1),): (8.0, "byte"),
    (("[information]", 1), ("[time]", -1)): (8.0, "byte/s"),
    (("[flop]", 1), ("[time]", -1)): (1.0, "FLOP/s"),
}


def _unit_expected(value: float, dims: tuple[tuple[str, int], ...], result_typed: str,
                   result_base: float) -> str:
    """The true value in the unit a person would say it: bytes, bandwidths and FLOP rates with
    their best prefix ("140 GB" for a stated "140 MB"), anything else in the result's own unit
    ("73,700 GPU-hours", "$7,750")."""
    from grading.units import format_number, humanize

    if dims in _HUMANIZED:
        per_unit, unit_name = _HUMANIZED[dims]
        return humanize(value / per_unit, unit_name)
    number = value / result_base * _typed_number(result_typed) if result_base else value
    unit = re.sub(rf"^\s*\$?\s?(?:{_NUMBER})(?:[kKMBT]|bn)?\s?", "", result_typed,
                  flags=re.IGNORECASE).strip()
    dollar = "$" if result_typed.lstrip().startswith("$") else ""
    return f"{dollar}{format_number(number)}{' ' + unit if unit else ''}".strip()


def unit_slips(sentence: str) -> Iterator[ArithmeticSlip]:
    """The products and quotients of quantities with units in ``sentence`` whose stated result,
    in a unit of the same kind, is off by more than rounding: "70B × 2 bytes = 140 MB" (140 GB),
    "1.12 TB / 2,048 ≈ 55 GB" (0.55 GB).

    Read only where nothing is in doubt: every operand and the result in a unit the grader
    knows (counts such as GPUs or tokens are plain numbers), the result's kind (bytes, time,
    FLOP/s, dollars) the very kind the operands make — a result of another kind means a factor
    left unsaid ("4,096 tokens × 64 ≈ 86 GB" multiplies by the bytes per token), so it is not
    read — and the expression not part of a longer sum. A result is a slip only when no reading
    fits: "2 B" as bytes or billions, and a bare operand that is a common conversion read as
    that conversion where the units call for it ("× 24" hours a day beside a duration, "/ 8"
    bits a byte beside bits; a bare 8 beside bytes is a node's GPUs). "for" and "over"
    multiply accelerators by a duration ("1,024 GPUs over three days"); "over" otherwise
    divides ("5.7 TB over 100 GB/s")."""
    for found in _UNIT_PRODUCT_RE.finditer(sentence):
        before = sentence[max(0, found.start() - 12):found.start()]
        if _GLUED_BEFORE_RE.search(before) or _LONGER_WORD_RE.search(before):
            continue
        if _RANGE_AFTER_RE.match(sentence[found.end():found.end() + 8]):
            continue
        operands_text = found.group("operands")
        pieces = _UNIT_OPERATOR_RE.split(operands_text)
        operators = [match.group(0).strip() for match in _UNIT_OPERATOR_RE.finditer(
            operands_text)]
        result_typed = found.group("result")
        if not _worded_operators_fit(pieces, operators, sentence[found.end():found.end() + 12]):
            continue
        typed_all = [*pieces, result_typed]
        if not any(re.search(r"[A-Za-zµ$%]", typed) for typed in typed_all):
            continue  # bare numbers: arithmetic_slips reads those
        try:
            yield from _unit_slip(found, pieces, operators, result_typed)
        except (ValueError, ZeroDivisionError, OverflowError):
            continue


def _worded_operators_fit(pieces: list[str], operators: list[str], after: str) -> bool:
    """Whether each "for" joins accelerators to a duration, and each "over" either does (1,024
    GPUs over three days: a product) or divides one quantity with a unit by another (5.7 TB
    over 100 GB/s: a quotient); never "of each run": a duration followed by "each" is per
    run, and the runs are not counted."""
    for index, operator in enumerate(operators):
        if operator.lower() not in ("for", "over"):
            continue
        left, right = pieces[index].strip(), pieces[index + 1].strip()
        duration = re.search(r"(?:hours?|h|days?|weeks?|months?|years?)$", right,
                             re.IGNORECASE)
        if operator.lower() == "over" and not duration:
            if not (re.search(r"[A-Za-z$%]", left) and re.search(r"[A-Za-z$%]", right)):
                return False  # "over" between bare numbers is not read
            continue
        if not _ACCELERATORS_RE.search(left) or not duration:
            return False
        if index == len(operators) - 1 and re.match(r"\s*each\b", after, re.IGNORECASE):
            return False
    return True


def _unit_slip(found: re.Match[str], pieces: list[str], operators: list[str],
               result_typed: str) -> Iterator[ArithmeticSlip]:
    """The slip of one matched expression, if no reading of it fits (see :func:`unit_slips`)."""
    options = [_readings(piece) for piece in pieces]
    results = _readings(result_typed)
    if not results or not all(options):
        return
    totals: list[_Reading] = options[0]
    for operator, operand in zip(operators, options[1:], strict=True):
        divide = operator in ("/", "÷") or (operator.lower() == "over" and not any(
            reading[1] == (("[time]", 1),) for reading in operand))
        totals = [_times(total, reading, divide) for total in totals for reading in operand]
    said = [*pieces, result_typed]
    allowed: list[float] = []
    if any(("[time]", power) in reading[1] for readings in (*options, results)
           for reading in readings for power in (1, -1)):
        allowed.extend(_TIME_CONVERSIONS)
    if any(_BITS_RE.search(typed) for typed in said):
        allowed.append(8.0)
    if any("%" in typed for typed in said):
        allowed.append(100.0)
    conversions = [value for piece in pieces
                   if (value := _bare_value(piece)) is not None
                   and any(abs(value / c - 1) < 0.02 for c in allowed)]
    factors = {math.prod(chosen) for size in range(1, min(3, len(conversions)) + 1)
               for chosen in itertools.combinations(conversions, size)}
    compared = False
    for total_value, total_dims in totals:
        for result_value, result_dims in results:
            if total_dims != result_dims or not total_dims or total_value <= 0 \
                    or result_value <= 0:
                continue
            compared = True
            ratio = total_value / result_value
            low, high = _ROUNDING
            if low < ratio < high:
                return
            if any(low < ratio / factor < high or low < ratio * factor < high
                   for factor in factors):
                return
    if not compared:
        return
    total_value, total_dims = next(
        total for total in totals if total[1] and any(total[1] == r[1] for r in results))
    result_base = next(r[0] for r in results if r[1] == total_dims)
    yield ArithmeticSlip(found.group(0).strip(),
                         _unit_expected(total_value, total_dims, result_typed, result_base))


def _bare_value(typed: str) -> float | None:
    """The value of a bare number (no unit, no count suffix), else None."""
    text = typed.strip()
    if not re.fullmatch(_NUMBER, text, re.IGNORECASE):
        return None
    return _value(text)


def _typed_number(typed: str) -> float:
    """The number of ``typed`` with its count suffix, without its unit's scale."""
    from grading._syntax import scan_quantity

    scanned = scan_quantity(typed)
    return scanned.value if scanned is not None else float("nan")
