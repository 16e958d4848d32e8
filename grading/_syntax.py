"""Surface syntax of typed answers: numbers, count suffixes, currency signs and unit tokens.

This module is pure stdlib and knows nothing about what a unit *means*; it only cuts text such
as ``"~$2.5M"``, ``"1.2 × 10^24 FLOP"`` or ``"30-50 days"`` into pieces that
:mod:`grading.units` (pint, behind the trap normaliser) and :mod:`grading.quantity` interpret.
Keeping the cutting here lets ``grading.units`` and ``grading.quantity`` share it without
importing each other, and keeps every regular expression in one place.

Nothing here evaluates anything: numbers are read with :func:`float` on a cleaned-up literal,
and a unit expression is only ever a flat list of words, ``/``, ``*`` and small integer powers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

#: Longest answer we try to read; longer input is refused before any regex runs on it.
MAX_ANSWER_CHARS = 200

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-"})

# Words and signs in front of a number that mean "roughly"; they do not change the value.
_APPROX_RE = re.compile(
    r"(?:[~≈≃∼]=?|(?i:(?:approximately|approx|about|around|roughly|circa|ca)(?![A-Za-z])\.?))\s*"
)

_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_PREFIX_RE = re.compile(r"(?:(?P<sign>[$€£])|(?P<code>USD|EUR|GBP)(?=\s*[-+−.0-9]))\s*")

_SIGN_RE = re.compile(r"(?P<sign>[-+−])\s*")

# A number literal, without its sign. The `10^n` forms come first so "10^15" is not read as
# the number 10 followed by the junk "^15".
_SUP_DIGITS = "[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+"
_NUMBER_RE = re.compile(
    rf"""
    (?:
        10\s*(?:\^|\*\*)\s*(?P<pow_exp>[-+−]?[0-9]+)
      | 10(?P<pow_sup>{_SUP_DIGITS})
      | (?P<mant>
            [0-9]{{1,3}}(?:[,_\u2009\u202f][0-9]{{3}})+(?:\.[0-9]*)?  # 1,000,000.5
          | [0-9]+(?:\.[0-9]*)?
          | \.[0-9]+
        )
        (?:
            [eE](?P<e_exp>[-+−]?[0-9]+)
          | \s*[x×*·⋅]\s*10\s*(?:\^|\*\*)\s*(?P<x_exp>[-+−]?[0-9]+)
          | \s*[x×*·⋅]\s*10(?P<x_sup>{_SUP_DIGITS})
        )?
    )
    """,
    re.VERBOSE,
)

#: Count suffixes after a bare number: "70B", "15T tokens", "2.5k", "$2.5M", "3 billion".
COUNT_MULTIPLIERS: dict[str, float] = {
    "k": 1e3,
    "K": 1e3,
    "M": 1e6,
    "MM": 1e6,  # finance's million: "$2.5MM"
    "B": 1e9,
    "T": 1e12,
    "thousand": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "quadrillion": 1e15,
}
# A suffix letter counts only when it stands alone: "70B params" and "70B" are counts, but "70GB",
# "5kW" and "70 B/s" are units (the letter runs on into a word, or an operator follows).
# An operator may follow k/M/T ("$5k/month"), but not B: "70 B/s" is bytes per second.
_MULTIPLIER_RE = re.compile(
    r"\s*(?P<mult>(?i:thousand|million|billion|trillion|quadrillion|bn|mn)|MM|[kKMT]"
    r"|B(?!\s*[/*^·⋅]))"
    r"(?![A-Za-z])"
)

# After a currency sign, lowercase suffixes are money talk too: "$5m" is five million dollars.
_CURRENCY_MULTIPLIER_RE = re.compile(r"\s*(?P<mult>[mbt])(?![A-Za-z])")
_CURRENCY_MULTIPLIERS = {"m": 1e6, "b": 1e9, "t": 1e12}

# Interval separators: "30-50", "30 - 50", "30..50", "30…50", "30 to 50", "30–50".
_INTERVAL_SEP_RE = re.compile(r"\s+to\s+|\s*(?:\.\.\.?|…|[-–—])\s*")
# A "-" right after these is part of a number (an exponent), never an interval separator.
_EXPONENT_TAIL_RE = re.compile(r"(?:[0-9][eE]|\^|\*\*)\s*$")

# Unit tokens. Words may carry a hyphen join ("GPU-hours" is GPU·hour).
_WORD_RE = re.compile(r"[A-Za-z_µμ°Ω]+|[$€£%]")
_POWER_RE = re.compile(r"(?:\^|\*\*)\s*(?P<exp>[-+−]?[0-9]{1,2})|(?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})")
_LEADING_ONE_RE = re.compile(r"1\s*(?=/)")


@dataclass(frozen=True)
class UnitToken:
    """One piece of a unit expression: a word with a power, or an operator ``/`` or ``*``."""

    text: str
    power: int = 1

    @property
    def is_operator(self) -> bool:
        """Whether this token is ``/`` or ``*`` rather than a unit word."""
        return self.text in ("/", "*")


def tokenise_unit(text: str) -> tuple[UnitToken, ...] | None:
    """Cut a unit expression into words and operators, or return None if it is not one.

    Accepts words (``GB``, ``tokens``, ``$``, ``%``), ``/``, ``*``/``·``/``×``, a hyphen
    between two words (``GPU-hours``), the word ``per`` (as ``/``), a leading ``1/`` and
    small integer powers (``s^2``, ``m**-1``, ``m²``). Digits, brackets, or dangling operators
    make it not a unit expression. Adjacent words multiply and bind tighter than ``/``
    (``USD per GPU-hour`` is USD/(GPU·hour)). An empty text is an empty tuple.
    """
    tokens: list[UnitToken] = []
    pos = 0
    text = text.strip()
    match = _LEADING_ONE_RE.match(text)
    if match:
        pos = match.end()
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
            continue
        word = _WORD_RE.match(text, pos)
        if word:
            if word.group() == "per":
                tokens.append(UnitToken("/"))
            else:
                tokens.append(UnitToken(word.group()))
            pos = word.end()
            continue
        power = _POWER_RE.match(text, pos)
        if power:
            if not tokens or tokens[-1].is_operator or tokens[-1].power != 1:
                return None
            raw = power.group("exp") or power.group("sup").translate(_SUPERSCRIPTS)
            exponent = int(raw.translate(_MINUS_SIGNS))
            if exponent == 0:
                return None
            tokens[-1] = UnitToken(tokens[-1].text, exponent)
            pos = power.end()
            continue
        if char == "×" and not tokens and not text[pos + 1 :].strip():
            tokens.append(UnitToken("x"))  # "3×": a plain factor, like "3x"
        elif char == "/":
            tokens.append(UnitToken("/"))
        elif char in "*·⋅×":
            tokens.append(UnitToken("*"))
        elif (
            char == "-" and tokens and not tokens[-1].is_operator and _WORD_RE.match(text, pos + 1)
        ):
            pass  # a hyphen joins words like a space does: "GPU-hour" is GPU·hour
        else:
            return None
        pos += 1
    # Operators must sit between words (a leading "/" means "per": "/s" is 1/s).
    previous_is_operator = True
    for index, token in enumerate(tokens):
        if token.is_operator:
            if previous_is_operator and not (index == 0 and token.text == "/"):
                return None
            previous_is_operator = True
        else:
            previous_is_operator = False
    if tokens and tokens[-1].is_operator:
        return None
    return tuple(tokens)


@dataclass(frozen=True)
class Scanned:
    """One number as typed, cut into its parts (nothing converted yet).

    ``number`` is the signed literal value; ``multiplier`` the count suffix factor (1.0 when
    there is none) and ``multiplier_text`` the suffix as typed; ``currency`` is ``"USD"``,
    ``"EUR"``, ``"GBP"`` when a currency sign or code came before the number, else ``""``;
    ``unit_text`` is everything after the number and suffix, already checked by
    :func:`tokenise_unit`.
    """

    text: str
    number: float
    multiplier: float
    multiplier_text: str
    currency: str
    unit_text: str

    @property
    def value(self) -> float:
        """The number with its count suffix applied."""
        return self.number * self.multiplier

    @property
    def has_unit(self) -> bool:
        """Whether a unit (a word after the number, or a currency sign) was typed."""
        return bool(self.unit_text or self.currency)

    def unit_expression(self) -> str:
        """The unit as one expression: the currency (if any) times the words after it."""
        if self.currency and self.unit_text:
            return f"{self.currency} {self.unit_text}"
        return self.currency or self.unit_text


def _strip_approx(text: str, pos: int) -> int:
    while True:
        match = _APPROX_RE.match(text, pos)
        if not match or match.end() == pos:
            return pos
        pos = match.end()


def _read_number(match: re.Match[str]) -> float:
    """Turn a :data:`_NUMBER_RE` match into a float via a cleaned literal (never via eval)."""
    groups = match.groupdict()
    if groups["pow_exp"] is not None or groups["pow_sup"] is not None:
        exponent = groups["pow_exp"] or groups["pow_sup"].translate(_SUPERSCRIPTS)
        return float("1e" + exponent.translate(_MINUS_SIGNS))
    mantissa = re.sub(r"[,_\u2009\u202f]", "", groups["mant"])
    exponent = groups["e_exp"] or groups["x_exp"]
    if exponent is None and groups["x_sup"] is not None:
        exponent = groups["x_sup"].translate(_SUPERSCRIPTS)
    if exponent is None:
        return float(mantissa)
    return float(f"{mantissa}e{exponent.translate(_MINUS_SIGNS)}")


def scan_quantity(text: str) -> Scanned | None:
    """Read one number with an optional count suffix, currency and unit; None if it is not one.

    Accepts ``~``/``≈``/``about``/``approx``/``roughly`` in front, a sign, ``$``/``€``/``£`` or
    ``USD``/``EUR``/``GBP`` before the number, thousands separators (``1,000,000``),
    ``e``-notation, ``× 10^n``/``x10^n``/``*10**n``/``×10²⁴``, a bare ``10^15``, and a count suffix
    (see :data:`COUNT_MULTIPLIERS`) followed by a unit expression.
    """
    text = text.strip()
    if not text or len(text) > MAX_ANSWER_CHARS:
        return None
    pos = _strip_approx(text, 0)
    sign = 1.0
    currency = ""
    seen_sign = False
    for _ in range(2):  # sign and currency in either order: "-$5", "$-5"
        match = _SIGN_RE.match(text, pos)
        if match and not seen_sign:
            seen_sign = True
            sign = -1.0 if match.group("sign") in "-−" else 1.0
            pos = match.end()
            continue
        match = _CURRENCY_PREFIX_RE.match(text, pos)
        if match and not currency:
            currency = _CURRENCY_SIGNS.get(match.group("sign") or "", match.group("code") or "")
            pos = match.end()
            continue
        break
    number_match = _NUMBER_RE.match(text, pos)
    if not number_match:
        return None
    number = sign * _read_number(number_match)
    pos = number_match.end()
    multiplier, multiplier_text = 1.0, ""
    mult_match = _MULTIPLIER_RE.match(text, pos)
    if mult_match:
        multiplier_text = mult_match.group("mult")
        multiplier = COUNT_MULTIPLIERS[
            multiplier_text if len(multiplier_text) == 1 or multiplier_text == "MM"
            else multiplier_text.lower()
        ]
        pos = mult_match.end()
    elif currency and (mult_match := _CURRENCY_MULTIPLIER_RE.match(text, pos)):
        multiplier_text = mult_match.group("mult")
        multiplier = _CURRENCY_MULTIPLIERS[multiplier_text]
        pos = mult_match.end()
    unit_text = text[pos:].strip()
    if tokenise_unit(unit_text) is None:
        return scan_compound_duration(text)
    return Scanned(text, number, multiplier, multiplier_text, currency, unit_text)


def scan_interval(text: str) -> tuple[Scanned, Scanned] | None:
    """Read ``a-b``, ``a..b``, ``a…b``, ``a – b`` or ``a to b``; None if it is not an interval.

    A leading ``-`` is a minus sign, not a separator, and a ``-`` inside an exponent (``1e-3``,
    ``10^-3``) is part of the number. When only one end carries a unit or a count suffix, the
    other end shares it: ``30-50 days`` is 30 days to 50 days, ``1-2k`` is 1000 to 2000 and
    ``$1-2M`` is $1M to $2M.
    """
    text = text.strip()
    if len(text) > MAX_ANSWER_CHARS:
        return None
    for separator in _INTERVAL_SEP_RE.finditer(text):
        start = separator.start()
        left_text = text[:start]
        if not left_text.strip():
            continue
        if "-" in separator.group() and _EXPONENT_TAIL_RE.search(left_text):
            continue
        left = scan_quantity(left_text)
        if left is None:
            continue
        right = scan_quantity(text[separator.end() :])
        if right is None:
            continue
        return _share_units(left, right)
    return None


def _share_units(left: Scanned, right: Scanned) -> tuple[Scanned, Scanned]:
    """Give a bare end of an interval the count suffix and unit of the other end."""
    if not left.multiplier_text and not left.unit_text and right.multiplier_text:
        left = replace(left, multiplier=right.multiplier,
                       multiplier_text=right.multiplier_text, unit_text="")
    if not left.has_unit and right.has_unit:
        left = replace(left, currency=right.currency, unit_text=right.unit_text)
    elif not right.has_unit and left.has_unit:
        right = replace(right, currency=left.currency, unit_text=left.unit_text)
    return left, right


# --------------------------------------------------------------------------------------------
# Compound durations: "3d 4h", "1h 30min", "2 weeks 3 days", "1 h 30 m"
# --------------------------------------------------------------------------------------------

_DAY = 86400.0
_YEAR = 365.25 * _DAY  # pint's year (Julian); a month is a twelfth of it, as in pint
#: Seconds per unit word inside a compound duration. Here a lone "m" is a minute: "1 h 30 m"
#: cannot mean metres, while a lone "5 m" (one part) stays a length for pint to judge.
_DURATION_SECONDS: dict[str, float] = {
    "y": _YEAR, "yr": _YEAR, "yrs": _YEAR, "year": _YEAR, "years": _YEAR,
    "mo": _YEAR / 12, "mos": _YEAR / 12, "month": _YEAR / 12, "months": _YEAR / 12,
    "w": 7 * _DAY, "wk": 7 * _DAY, "wks": 7 * _DAY, "week": 7 * _DAY, "weeks": 7 * _DAY,
    "d": _DAY, "day": _DAY, "days": _DAY,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "ms": 1e-3, "msec": 1e-3, "millisecond": 1e-3, "milliseconds": 1e-3,
}  # fmt: skip
_DURATION_PART_RE = re.compile(
    r"(?P<num>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(?P<unit>[A-Za-z]+)(?![A-Za-z])"
)
_DURATION_JOIN_RE = re.compile(r"\s*(?:,|\+|(?i:and)(?![A-Za-z]))?\s*")


def scan_compound_duration(text: str) -> Scanned | None:
    """Read a duration written in parts — ``3d 4h``, ``1h 30min``, ``1h30m``, ``2 weeks 3 days``,
    ``1 h 30 m``, ``2 weeks and 3 days`` — as one number of seconds; None if it is not one.

    At least two parts, each a plain number and a duration word, largest unit first and none
    repeated (so ``30 min 1 h`` and ``3d 3d`` are refused rather than guessed at). Parts may be
    joined by spaces, ``,``, ``+`` or ``and``. A leading ``~``/``about`` is dropped and a leading
    sign applies to the whole. The result has unit ``s``, so the usual conversion and dimension
    checks apply to it.
    """
    text = text.strip()
    if not text or len(text) > MAX_ANSWER_CHARS:
        return None
    pos = _strip_approx(text, 0)
    sign = 1.0
    sign_match = _SIGN_RE.match(text, pos)
    if sign_match:
        sign = -1.0 if sign_match.group("sign") in "-−" else 1.0
        pos = sign_match.end()
    total = 0.0
    parts = 0
    previous_size = math.inf
    while pos < len(text):
        if parts:
            pos = _DURATION_JOIN_RE.match(text, pos).end()  # always matches (all optional)
        part = _DURATION_PART_RE.match(text, pos)
        if not part:
            return None
        word = part.group("unit")
        size = _DURATION_SECONDS.get(word) or _DURATION_SECONDS.get(word.lower())
        if size is None or (len(word) <= 3 and word != word.lower()):
            return None  # "3D", "1H": single letters are lowercase; words any case
        if size >= previous_size:
            return None
        previous_size = size
        total += float(part.group("num")) * size
        parts += 1
        pos = part.end()
    if parts < 2:
        return None
    return Scanned(text, sign * total, 1.0, "", "", "s")


# --------------------------------------------------------------------------------------------
# Plus-minus intervals: "40 days ±25%", "40 ± 10 days", "40 days +/- 10", "40 plus or minus 25%"
# --------------------------------------------------------------------------------------------

_PLUS_MINUS_RE = re.compile(
    r"\s*(?:±|\+\s*/\s*[-−]|\+\s*[-−]|(?i:plus\s*(?:or|/)\s*minus|give\s+or\s+take))\s*"
)
_PERCENT_UNITS = ("%", "percent", "pct")


@dataclass(frozen=True)
class PlusMinus:
    """A centre and a spread, as typed: ``40 days ± 10`` or ``40 days ± 25%``.

    ``spread`` is the absolute spread (sharing the centre's unit and count suffix when it has
    none of its own) or None when the spread is relative; then ``relative`` is its fraction
    (``±25%`` is 0.25).
    """

    centre: Scanned
    spread: Scanned | None
    relative: float | None


def scan_plus_minus(text: str) -> PlusMinus | None:
    """Read ``c ± s``, ``c +/- s``, ``c +- s``, ``c plus or minus s``, ``c give or take s``;
    None if it is not one.

    A spread in percent (``±25%``) is relative to the centre — unless the centre itself was
    typed in percent (``40% ± 5%`` is 35 % to 45 %). Otherwise the spread is absolute, and a
    bare end borrows the other's unit and count suffix: ``40 ± 10 days`` and ``40 days ± 10``
    are both 30 to 50 days, ``70B ± 10`` is 60e9 to 80e9.
    """
    text = text.strip()
    if len(text) > MAX_ANSWER_CHARS:
        return None
    separator = _PLUS_MINUS_RE.search(text)
    if separator is None or not text[: separator.start()].strip():
        return None
    centre = scan_quantity(text[: separator.start()])
    spread = scan_quantity(text[separator.end() :])
    if centre is None or spread is None or spread.number < 0:
        return None
    centre_in_percent = centre.unit_text in _PERCENT_UNITS and not centre.currency
    if (
        spread.unit_text in _PERCENT_UNITS
        and not spread.currency
        and not spread.multiplier_text
        and not centre_in_percent
    ):
        return PlusMinus(centre, None, spread.number / 100)
    if not spread.multiplier_text and not spread.has_unit and centre.multiplier_text:
        spread = Scanned(
            spread.text, spread.number, centre.multiplier, centre.multiplier_text, "", ""
        )
    centre, spread = _share_units(centre, spread)
    return PlusMinus(centre, spread, None)
