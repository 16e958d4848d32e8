"""Units for tpm-drill: a pint registry behind a normaliser for the spellings people type.

pint does the unit algebra; this module stands in front of it because pint's own reading of the
spellings used in AI-infrastructure talk is wrong in ways that would silently mis-grade answers:
pint reads ``Gb`` as gilbert, ``b`` as barn, ``bps`` as baud, ``KB`` as kelvin·byte and (since
0.24) treats bits and bytes as dimensionless, so "70 GB" would equal the count 70e9. The
normaliser (:func:`normalise`) rewrites those traps into unambiguous pint names first, and the
registry (:func:`registry`) gives information its own dimension and defines FLOP, tokens,
parameters, GPUs and currencies.

Importing this module does not import pint (pint costs ~0.3 s and the CLI must start fast): the
registry is built on first use and cached. Parsed units are cached too, so converting one value
costs microseconds once the registry is loaded.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

    from grading._syntax import UnitToken

# grading._syntax (the answer cutter: ~8 ms of regular expressions to compile) is imported by
# the functions that read typed text, not here: the first question on screen needs only
# pretty_unit and format_value, so it is drawn before any of that is compiled.

__all__ = [
    "Dimensions",
    "UnitError",
    "UnitInfo",
    "convert",
    "describe_dimension",
    "dimension_phrase",
    "format_number",
    "format_value",
    "normalise",
    "pretty_unit",
    "registry",
    "same_dimension",
    "unit_info",
]


class UnitError(ValueError):
    """A unit string that cannot be read, or two units that cannot be converted.

    The message names the unit and, where it can, the nearest known spelling:
    ``unknown unit 'TBs' — did you mean 'TB/s'?``.
    """


# --------------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------------

# Units the project adds to pint's defaults. Counts are dimensionless 1 so "70B params" is simply
# the number 70e9; FLOP and each currency get a dimension of their own so they never mix.
_EXTRA_DEFINITIONS = (
    "FLOP = [flop]",
    "parameter = 1 = _ = param",
    "token = 1 = _ = tok",
    "GPU = 1 = _ = gpu",
    "sample = 1",
    "step = 1",
    "USD = [currency] = _ = dollar",
    "EUR = [currency_EUR] = _ = euro",
    "GBP = [currency_GBP]",
)

_registry: pint.UnitRegistry | None = None
_registry_lock = threading.Lock()


def registry() -> pint.UnitRegistry:
    """The project's pint registry, built on first call (about 0.3 s) and shared afterwards.

    It is pint's default English registry with ``bit = [information]`` instead of pint's
    dimensionless bit (so bytes never equal plain counts) plus :data:`_EXTRA_DEFINITIONS`.
    SI and binary prefixes work on every unit: ``TFLOP``, ``PFLOP``, ``GB``, ``GiB``, ``TB``.
    Thread-safe: the TUI grades in worker threads.
    """
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                _registry = _build_registry()
    return _registry


def _build_registry() -> pint.UnitRegistry:
    import importlib.resources

    import pint  # deferred: ~0.3 s, only paid when a unit is first used

    files = importlib.resources.files("pint")
    definitions = files.joinpath("default_en.txt").read_text(encoding="utf-8")
    constants = files.joinpath("constants_en.txt").read_text(encoding="utf-8")
    if "\nbit = []\n" in definitions:
        definitions = definitions.replace("\nbit = []\n", "\nbit = [information]\n")
    elif "\nbit = [information]\n" not in definitions:  # pragma: no cover - a future pint
        raise RuntimeError("pint's default_en.txt no longer defines 'bit'; update grading.units")
    definitions = definitions.replace("@import constants_en.txt", constants)
    unit_registry = pint.UnitRegistry(None)
    unit_registry.load_definitions(definitions.splitlines())
    for definition in _EXTRA_DEFINITIONS:
        unit_registry.define(definition)
    return unit_registry


# --------------------------------------------------------------------------------------------
# The trap normaliser
# --------------------------------------------------------------------------------------------

_SI_PREFIXES = {
    "k": "kilo",
    "K": "kilo",
    "M": "mega",
    "G": "giga",
    "T": "tera",
    "P": "peta",
    "E": "exa",
    "Z": "zetta",
    "Y": "yotta",
}
# Lowercase letters people type for the big prefixes in "tflops", "gbps", "gbit" (no one means
# milli-FLOP or pico-bit).
_CASUAL_PREFIXES = {"m": "mega", "g": "giga", "t": "tera", "p": "peta", "e": "exa", "z": "zetta"}
_BINARY_PREFIXES = {
    "K": "kibi",
    "k": "kibi",
    "M": "mebi",
    "G": "gibi",
    "T": "tebi",
    "P": "pebi",
    "E": "exbi",
}
_PREFIX_WORDS = ("kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta")


def _prefix_name(prefix: str | None) -> str:
    if not prefix:
        return ""
    lowered = prefix.lower()
    if lowered in _PREFIX_WORDS:
        return lowered
    return _SI_PREFIXES.get(prefix) or _CASUAL_PREFIXES[prefix]


_WORDS: dict[str, str] = {}
for _spellings, _name in (
    (("$", "USD", "usd", "dollar", "dollars"), "USD"),
    (("€", "EUR", "eur", "euro", "euros"), "EUR"),
    (("£", "GBP", "gbp"), "GBP"),
    (("%", "pct", "percent", "percents"), "percent"),
    (("x", "X", "times"), "dimensionless"),
    (("s", "sec", "secs", "second", "seconds"), "second"),
    (("ms", "msec", "msecs", "millisecond", "milliseconds"), "millisecond"),
    (("us", "µs", "μs", "usec", "usecs", "microsecond", "microseconds"), "microsecond"),
    (("ns", "nsec", "nsecs", "nanosecond", "nanoseconds"), "nanosecond"),
    (("min", "mins", "minute", "minutes"), "minute"),
    (("h", "hr", "hrs", "hour", "hours"), "hour"),
    (("d", "day", "days"), "day"),
    (("wk", "wks", "week", "weeks"), "week"),
    (("mo", "mos", "month", "months"), "month"),
    (("y", "yr", "yrs", "year", "years"), "year"),
    (("param", "params", "parameter", "parameters"), "parameter"),
    (("tok", "toks", "token", "tokens"), "token"),
    (("GPU", "GPUs", "gpu", "gpus"), "GPU"),
    (("sample", "samples"), "sample"),
    (("step", "steps"), "step"),
    (("B",), "byte"),
    (("b",), "bit"),
):
    for _spelling in _spellings:
        _WORDS[_spelling] = _name

_PREFIX_ALT = r"[kKMGTPEZYmgtpez]|(?i:kilo|mega|giga|tera|peta|exa|zetta|yotta)"
_FLOP_RE = re.compile(rf"(?P<p>{_PREFIX_ALT})?(?P<flop>(?i:flop))(?P<s>[sS]?)")
_BPS_RE = re.compile(r"(?P<p>[kKMGTPEmgtpe])?(?P<i>i)?(?P<b>[bB])ps")
_BITS_BYTES_RE = re.compile(
    r"(?:(?P<p>[kKMGTPEZY])(?P<i>i)?|(?P<pw>[mgtpe]|(?i:kilo|mega|giga|tera|peta|exa|zetta|yotta)))?"
    r"(?P<u>bits?|Bits?|bytes?|Bytes?|B|b)"
)
_WATT_HOUR_RE = re.compile(r"(?P<p>[kKMGT])?(?i:wh)")
_AMBIGUOUS_LOWER_RE = re.compile(r"[mgtpe]b")


#: ``before_slash`` when the word is divided by a size: "flops/byte" counts FLOP per byte.
_PER_SIZE: Any = object()


def _map_word(word: str, expect_rate: bool | None, before_slash: bool) -> str:
    """Rewrite one unit word into a pint expression, resolving the known traps.

    ``expect_rate`` says whether the answer should be a FLOP rate (it decides ``FLOPs``);
    ``before_slash`` is true when ``/`` follows the word (``FLOPs/s`` is a count per second).
    """
    if word in _WORDS:
        return _WORDS[word]
    match = _FLOP_RE.fullmatch(word)
    if match:
        prefix = _prefix_name(match.group("p"))
        suffix = match.group("s")
        if not suffix:
            is_rate = False
        elif suffix == "S" or match.group("flop") != "FLOP":
            is_rate = True  # "FLOPS", "flops", "TFLOPS", "tflops": FLOP per second
        else:  # "FLOPs": plural count or rate, decided by what the question asks for
            is_rate = bool(expect_rate) and not before_slash
        if before_slash is _PER_SIZE:  # "flops/byte": an arithmetic intensity, a count
            is_rate = False
        return f"({prefix}FLOP / second)" if is_rate else f"{prefix}FLOP"
    match = _BPS_RE.fullmatch(word)
    if match:
        base = "bit" if match.group("b") == "b" else "byte"
        prefix = match.group("p")
        if match.group("i") and prefix:
            name = _BINARY_PREFIXES[prefix.upper()]
        else:
            name = _prefix_name(prefix)
        return f"({name}{base} / second)"
    if _AMBIGUOUS_LOWER_RE.fullmatch(word):
        upper = word[0].upper()
        raise UnitError(
            f"ambiguous unit '{word}' — write '{upper}B' for {_prefix_name(upper)}bytes "
            f"or '{upper}b' / '{upper}bit' for {_prefix_name(upper)}bits"
        )
    match = _BITS_BYTES_RE.fullmatch(word)
    if match:
        base = "bit" if match.group("u") in ("b", "bit", "bits", "Bit", "Bits") else "byte"
        if match.group("i"):
            name = _BINARY_PREFIXES[match.group("p")]
        else:
            name = _prefix_name(match.group("p") or match.group("pw"))
        return f"{name}{base}"
    match = _WATT_HOUR_RE.fullmatch(word)
    if match:
        return f"{_prefix_name(match.group('p'))}watt_hour"
    return word


@functools.lru_cache(maxsize=2048)
def _normalise_unit(text: str, expect_rate: bool | None) -> str:
    from grading._syntax import tokenise_unit

    tokens = tokenise_unit(text)
    if tokens is None:
        raise UnitError(f"could not read unit '{text}'")
    return _join_tokens(tokens, expect_rate)


def _join_tokens(tokens: tuple[UnitToken, ...], expect_rate: bool | None) -> str:
    """Build the pint expression; adjacent words are one bracketed product, so "/" applies to
    the whole of "GPU hour" as people mean it ("$2 per GPU-hour")."""
    if not tokens:
        return ""  # dimensionless
    groups: list[list[str]] = [[]]
    operators: list[str] = []
    for index, token in enumerate(tokens):
        if token.is_operator:
            if index == 0:
                groups[0].append("1")
            operators.append(token.text)
            groups.append([])
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        before_slash: bool | object = following is not None and following.text == "/"
        if before_slash and index + 2 < len(tokens) and \
                _BITS_BYTES_RE.fullmatch(tokens[index + 2].text):
            before_slash = _PER_SIZE  # "FLOPS/byte" is FLOP per byte, not a rate per byte
        mapped = _map_word(token.text, expect_rate, before_slash)  # type: ignore[arg-type]
        if token.power != 1:
            mapped = f"({mapped}) ** {token.power}"
        groups[-1].append(mapped)
    parts = [group[0] if len(group) == 1 else "(" + " * ".join(group) + ")" for group in groups]
    expression = parts[0]
    for operator, part in zip(operators, parts[1:], strict=True):
        expression += f" {operator} {part}"
    return expression


def normalise(text: str, expect_rate: bool | None = None) -> str:
    """Rewrite a typed quantity or unit into an unambiguous expression pint reads correctly.

    ``"400 Gbps"`` becomes ``"400.0 (gigabit / second)"``, ``"TFLOPS"`` becomes
    ``"(teraFLOP / second)"``, ``"70B params"`` becomes ``"70000000000.0 parameter"``. The traps:

    - ``Gbps``, ``Gb/s``, ``Gbit/s`` are gigabits per second (pint: gilbert, baud); ``GBps``,
      ``GB/s`` gigabytes per second; likewise for k/K/M/G/T/P/E. ``b`` is a bit, ``B`` a byte.
    - ``KB`` is ``kB`` (1000 B); ``KiB``, ``MiB``, ``GiB``… are binary (1024 B, …).
    - Lowercase ``gb``/``mb``/``tb``/``pb`` are refused as ambiguous (bits or bytes?), but
      ``gbps`` is gigabits per second (the networking convention) and ``gbit``/``gbyte`` are clear.
    - ``FLOPS``, ``flops``, ``TFLOPS``, ``tflops`` are FLOP per second. ``FLOPs`` (capital FLOP,
      lowercase s) is ambiguous — the plural "floating point operations" or a rate — and is a
      rate only when ``expect_rate`` is true; with ``expect_rate`` None or false it is a count.
      Lowercase prefixes on FLOP are the big ones (``mflops`` is mega, not milli).
    - ``%`` and ``pct`` are percent (0.01); ``x``/``×`` after a number is a plain factor.
    - Durations: ``s``/``sec``, ``ms``, ``us``/``µs``, ``ns``, ``min``, ``h``/``hr``,
      ``d``/``days``, ``wk``/``weeks``, ``mo``/``months``, ``y``/``yr``/``years``;
      ``kWh``/``kwh`` is kilowatt-hour.
    - ``$``, ``dollars`` are USD; ``€`` EUR and ``£`` GBP are currencies of their own dimension.
    - After a bare number, a lone ``k``/``K``/``M``/``B``/``T`` (or ``thousand``, ``million``,
      ``billion``/``bn``, ``trillion``) is a count suffix: ``70B`` and ``70B params`` are 70e9,
      ``15T tokens`` is 15e12, ``$2.5M`` is 2.5e6 USD. **A lone ``B`` after a number means
      billion, not byte**: people write "70B" for parameter counts far more often than for 70
      bytes, and sizes are written with a prefix ("70 GB"). ``70GB``, ``70 GB`` and ``70 B/s``
      are bytes (the letter runs into a unit, or an operator follows it).
    - ``~``, ``≈``, ``about``, ``approx``, ``roughly`` in front are dropped; ``1,000,000``,
      ``1e15``, ``1.2 × 10^24``, ``1.2x10^24``, ``10^15`` and ``10¹⁵`` are numbers.

    Text that is neither one quantity nor a unit expression (an interval, stray digits) raises
    :class:`UnitError`. Unknown unit words pass through unchanged for pint to judge.
    """
    from grading._syntax import scan_quantity

    scanned = scan_quantity(text)
    if scanned is not None:
        unit = _normalise_unit(scanned.unit_expression(), expect_rate)
        return f"{scanned.value!r} {unit}".strip()
    return _normalise_unit(text.strip(), expect_rate)


# --------------------------------------------------------------------------------------------
# Resolution (cached) and conversion
# --------------------------------------------------------------------------------------------

Dimensions = tuple[tuple[str, float], ...]

_FLOP_RATE: Dimensions = (("[flop]", 1), ("[time]", -1))


@dataclass(frozen=True)
class UnitInfo:
    """A resolved unit: its factor to pint base units, its dimensions, its pint Unit."""

    scale: float
    dimensions: Dimensions
    unit: pint.Unit

    @property
    def is_flop_rate(self) -> bool:
        """Whether this unit measures compute per time (FLOP/s), which decides ``FLOPs``."""
        return self.dimensions == _FLOP_RATE


@functools.lru_cache(maxsize=2048)
def _resolve_expression(expression: str) -> UnitInfo:
    unit_registry = registry()
    try:
        unit = unit_registry.parse_units(expression)
        base = unit_registry.Quantity(1.0, unit).to_base_units()
        scale = float(base.magnitude)
        dimensions = tuple(sorted(dict(unit.dimensionality).items()))
    except Exception as error:  # pint raises a zoo of types (UndefinedUnitError, syntax, offset)
        raise UnitError(f"could not read unit '{expression}'") from error
    if not math.isfinite(scale) or scale == 0.0:
        raise UnitError(f"could not read unit '{expression}'")
    return UnitInfo(scale, dimensions, unit)


@functools.lru_cache(maxsize=2048)
def unit_info(text: str, expect_rate: bool | None = None) -> UnitInfo:
    """Resolve a unit as typed (``"TB/s"``, ``"Gbps"``, ``""``) through the normaliser; cached.

    Raises :class:`UnitError` naming the unknown word and the nearest known spelling.
    """
    expression = _normalise_unit(text.strip(), expect_rate)
    try:
        return _resolve_expression(expression)
    except UnitError:
        raise _explain_unknown(text, expect_rate) from None


def _explain_unknown(text: str, expect_rate: bool | None) -> UnitError:
    """Find which word of ``text`` pint cannot read and suggest the nearest known spelling."""
    from grading._syntax import tokenise_unit

    tokens = tokenise_unit(text.strip()) or ()
    for token in tokens:
        if token.is_operator:
            continue
        try:
            _resolve_expression(_map_word(token.text, expect_rate, before_slash=False))
        except UnitError:
            suggestion = _suggest(token.text)
            hint = f" — did you mean '{suggestion}'?" if suggestion else ""
            return UnitError(f"unknown unit '{token.text}'{hint}")
    return UnitError(f"could not read unit '{text.strip()}'")


def _known_spellings() -> tuple[str, ...]:
    spellings: list[str] = []
    for prefix in ("", "k", "M", "G", "T", "P", "E"):
        spellings += [f"{prefix}B", f"{prefix}B/s", f"{prefix}bit/s", f"{prefix}b/s"]
        spellings += [f"{prefix}FLOP", f"{prefix}FLOP/s", f"{prefix}W", f"{prefix}Wh"]
    spellings += ["KiB", "MiB", "GiB", "TiB", "PiB", "bit", "byte", "Gbps", "GBps", "FLOP/B"]
    spellings += ["s", "ms", "us", "µs", "ns", "min", "h", "hour", "day", "days", "week", "weeks"]
    spellings += ["month", "months", "year", "years", "J", "kJ", "MJ", "USD", "$", "%"]
    spellings += ["percent", "parameters", "params", "tokens", "tokens/s", "GPUs", "steps"]
    return tuple(spellings)


def _suggest(word: str) -> str | None:
    from rapidfuzz import fuzz, process  # deferred: only needed on the error path

    found = process.extractOne(word, _known_spellings(), scorer=fuzz.ratio, score_cutoff=60)
    return found[0] if found else None


#: Unit words that pint reads as something nobody means in this game, with what it reads and
#: what the player most likely meant (the first candidate of the asked-for kind wins):
#: "TB/S" is terabytes per siemens, "989 TF" terafarads, "400G" gauss, "12 mS" millisiemens.
_MISREAD_WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "S": ("siemens (electrical conductance)", ("s",)),
    "mS": ("millisiemens", ("ms",)),
    "uS": ("microsiemens", ("us",)),
    "µS": ("microsiemens", ("µs",)),
    "nS": ("nanosiemens", ("ns",)),
    "Sec": ("", ("s",)),
    "F": ("farads (capacitance)", ("FLOP/s", "FLOP")),
    "GF": ("gigafarads", ("GFLOP/s", "GFLOP")),
    "TF": ("terafarads", ("TFLOP/s", "TFLOP")),
    "PF": ("petafarads", ("PFLOP/s", "PFLOP")),
    "EF": ("exafarads", ("EFLOP/s", "EFLOP")),
    "G": ("gauss (magnetic flux density)", ("Gbit/s", "GB", "GFLOP/s")),
    "P": ("poise (viscosity)", ("PFLOP/s", "PB", "PFLOP")),
}


def misread_hint(unit_text: str, expected_unit: str) -> str | None:
    """Why a unit of the wrong kind was probably a misspelling, and what to type instead.

    ``"TB/S"`` for a bandwidth: "'S' reads as siemens (electrical conductance) — for seconds
    write 's': 'TB/s'". ``None`` when no single-word repair gives the asked-for kind.
    """
    from grading._syntax import tokenise_unit

    tokens = tokenise_unit(unit_text.strip())
    if not tokens:
        return None
    try:
        wanted = unit_info(expected_unit).dimensions
    except UnitError:
        return None
    for index, token in enumerate(tokens):
        if token.is_operator or token.text not in _MISREAD_WORDS:
            continue
        meaning, candidates = _MISREAD_WORDS[token.text]
        for candidate in candidates:
            words = [t.text if t.power == 1 else f"{t.text}^{t.power}" for t in tokens]
            words[index] = candidate if token.power == 1 else f"({candidate})^{token.power}"
            repaired = " ".join(words).replace(" / ", "/").replace(" * ", "*")
            try:
                if unit_info(repaired).dimensions != wanted:
                    continue
            except UnitError:
                continue
            reads = f"'{token.text}' reads as {meaning}" if meaning else \
                f"'{token.text}' is not a unit here"
            return f"{reads} — did you mean '{repaired}'?"
        if meaning:  # a misread, but no repair gives what is asked: still say what it read
            return f"'{token.text}' reads as {meaning}, not '{candidates[0]}'."
    return None


def same_dimension(unit_a: str, unit_b: str) -> bool:
    """Whether two units measure the same kind of thing (``"GB/s"`` and ``"Gbps"``: yes)."""
    return unit_info(unit_a).dimensions == unit_info(unit_b).dimensions


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` from one unit to another: ``convert(400, "Gbps", "GB/s") == 50.0``.

    ``FLOPs`` in ``from_unit`` is read as a rate when ``to_unit`` is a FLOP rate. Raises
    :class:`UnitError` for an unreadable unit or for units of different dimensions.
    """
    target = unit_info(to_unit)
    source = unit_info(from_unit, target.is_flop_rate or None)
    if source.dimensions != target.dimensions:
        raise UnitError(
            f"cannot convert '{from_unit}' ({describe_dimension(from_unit)}) "
            f"to '{to_unit}' ({describe_dimension(to_unit)})"
        )
    return value * (source.scale / target.scale)


# --------------------------------------------------------------------------------------------
# Describing and formatting
# --------------------------------------------------------------------------------------------

_DIMENSION_NAMES: dict[Dimensions, str] = {
    (): "a plain number",
    (("[flop]", 1),): "an amount of compute",
    _FLOP_RATE: "a compute rate",
    (("[information]", 1),): "a size in bytes",
    (("[information]", 1), ("[time]", -1)): "a bandwidth",
    (("[time]", 1),): "a duration",
    (("[time]", -1),): "a rate per second",
    (("[length]", 2), ("[mass]", 1), ("[time]", -3)): "a power",
    (("[length]", 2), ("[mass]", 1), ("[time]", -2)): "an energy",
    (("[currency]", 1),): "an amount of money",
    (("[currency_EUR]", 1),): "an amount in euros",
    (("[currency_GBP]", 1),): "an amount in pounds sterling",
    (("[flop]", 1), ("[information]", -1)): "an arithmetic intensity (FLOP per byte)",
    (("[currency]", 1), ("[time]", -1)): "a cost per unit of time",
    (("[length]", 1),): "a length",
    (("[mass]", 1),): "a mass",
    (("[temperature]", 1),): "a temperature",
}


#: Base dimensions that no quantity in this game has: a unit that brings one in was misread
#: (siemens, farads, gauss, molar), so its dimension string would only confuse.
_FOREIGN_DIMENSIONS = ("[current]", "[substance]", "[luminosity]")
_PLAIN_DIMENSION_NAMES = {"[flop]": "FLOP", "[information]": "bytes", "[time]": "time",
                          "[currency]": "money", "[parameter]": "parameters",
                          "[token]": "tokens", "[gpu]": "GPUs"}


def dimension_phrase(dimensions: Dimensions) -> str:
    """Say in words what a set of dimensions measures: "a bandwidth", "a size in bytes"."""
    if dimensions in _DIMENSION_NAMES:
        return _DIMENSION_NAMES[dimensions]
    if any(name in _FOREIGN_DIMENSIONS for name, _ in dimensions) or \
            any(power != int(power) for _, power in dimensions):
        return "a unit from physics or chemistry, not one this game uses"
    parts = [(_PLAIN_DIMENSION_NAMES.get(name, name.strip("[]")), power)
             for name, power in dimensions]
    above = [name if power == 1 else f"{name}^{power:g}" for name, power in parts if power > 0]
    below = [name if power == -1 else f"{name}^{-power:g}" for name, power in parts if power < 0]
    if not above:
        return "a quantity per " + " per ".join(below)
    return "a quantity of " + " · ".join(above) + "".join(f" per {name}" for name in below)


def describe_dimension(unit: str) -> str:
    """Say in words what a unit measures: ``describe_dimension("TB/s") == "a bandwidth"``."""
    return dimension_phrase(unit_info(unit).dimensions)


_SYMBOL_OVERRIDES = {
    "d": "days",
    "week": "weeks",
    "month": "months",
    "a": "years",
    "parameter": "params",
    "token": "tokens",
    "GPU": "GPUs",
    "sample": "samples",
    "step": "steps",
}
_SINGULAR = {
    "days": "day",
    "GPU-hours": "GPU-hour",
    "weeks": "week",
    "months": "month",
    "years": "year",
    "params": "param",
    "tokens": "token",
    "GPUs": "GPU",
    "samples": "sample",
    "steps": "step",
}
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


#: The display units content and models use most, as ``pretty_unit`` renders them — so the
#: first question's status line need not wait for pint's registry (~0.2 s). A test checks
#: every entry against the pint path.
KNOWN_PRETTY: dict[str, str] = {
    "": "", "%": "%", "percent": "%", "1/hour": "1/h", "1/s": "1/s", "EFLOP": "EFLOP",
    "ZFLOP": "ZFLOP", "FLOP": "FLOP", "FLOP/byte": "FLOP/B", "FLOP/s": "FLOP/s",
    "TFLOP/s": "TFLOP/s", "PFLOP/s": "PFLOP/s", "GB": "GB", "GiB": "GiB", "MB": "MB",
    "TB": "TB", "PB": "PB", "kB": "kB", "GB/s": "GB/s", "TB/s": "TB/s", "Gbit/s": "Gbit/s",
    "bit": "bit", "byte": "B", "byte/s": "B/s", "J": "J", "kWh": "kWh", "MWh": "MWh",
    "W": "W", "kW": "kW", "MW": "MW", "USD": "USD", "EUR": "EUR", "day": "days",
    "days": "days", "h": "h", "hour": "h", "min": "min", "ms": "ms", "s": "s", "us": "µs",
    "µs": "µs", "week": "weeks", "parameter": "params", "token": "tokens",
    "token/s": "tokens/s", "GPU*hour": "GPU-hours", "GPU*hours": "GPU-hours",
    "GPU-hour": "GPU-hours",
}
#: Compound units people say as one word: pint's "GPUs·h" is a "GPU-hours" on a budget.
_COMPOUND_SAID = {"GPUs·h": "GPU-hours", "GPUs·h/day": "GPU-hours/day"}


@functools.lru_cache(maxsize=512)
def pretty_unit(unit: str) -> str:
    """A unit as a person writes it: ``"Gbps"`` → ``"Gbit/s"``, ``"byte/s"`` → ``"B/s"``,
    ``"TFLOPS"`` → ``"TFLOP/s"``, ``"percent"`` → ``"%"``, ``"day"`` → ``"days"``, ``""`` → ``""``.
    """
    if unit in KNOWN_PRETTY:
        return KNOWN_PRETTY[unit]
    return _pretty_unit_by_pint(unit)


def _pretty_unit_by_pint(unit: str) -> str:
    """``pretty_unit`` worked out from pint's parse of the unit (the general path)."""
    info = unit_info(unit)
    unit_registry = registry()
    numerator: list[str] = []
    denominator: list[str] = []
    for name, power in info.unit._units.items():
        symbol = unit_registry.get_symbol(name)
        symbol = _SYMBOL_OVERRIDES.get(symbol, symbol)
        magnitude = abs(power)
        if magnitude != 1:
            symbol += f"{magnitude:g}".translate(_SUPERSCRIPT_DIGITS)
        (numerator if power > 0 else denominator).append(symbol)
    if not numerator and not denominator:
        return ""
    text = "·".join(numerator) if numerator else "1"
    text += "".join(f"/{symbol}" for symbol in denominator)
    return _COMPOUND_SAID.get(text, text)


def format_number(value: float) -> str:
    """Three significant figures, readable: ``989``, ``3.35``, ``12,300``, ``1.2e+24``.

    Thousands are grouped with commas below a million; from a million up, and below 0.001,
    e-notation is used (it is what the drills ask people to think in).
    """
    if not math.isfinite(value):
        return "∞" if value > 0 else ("-∞" if value < 0 else "nan")
    if value == 0:
        return "0"
    rounded = float(f"{value:.3g}")
    magnitude = abs(rounded)
    if magnitude >= 1e6 or magnitude < 1e-3:
        return f"{rounded:.3g}"
    if magnitude >= 1e3:
        return f"{rounded:,.0f}"
    return f"{rounded:.3g}"


def format_value(value: float, unit: str) -> str:
    """A value with its unit for display: ``"989 TFLOP/s"``, ``"3.35 TB/s"``, ``"1.2e+24 FLOP"``,
    ``"40%"``, ``"1 day"``/``"30 days"``; a dimensionless value has no unit.
    """
    number = format_number(value)
    symbol = pretty_unit(unit)
    if not symbol:
        return number
    if symbol == "%":
        return f"{number}%"
    if number in ("1", "-1"):
        symbol = _SINGULAR.get(symbol, symbol)
    return f"{number} {symbol}"


#: For an SI unit a model speaks in, the units a person reads it in: (factor, symbol), largest
#: first. ``humanize`` picks the largest whose value is at least 1.
_HUMAN_SCALES: dict[str, tuple[tuple[float, str], ...]] = {
    "byte": ((1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB"), (1.0, "B")),
    "byte/s": ((1e12, "TB/s"), (1e9, "GB/s"), (1e6, "MB/s"), (1e3, "kB/s"), (1.0, "B/s")),
    "FLOP/s": ((1e18, "EFLOP/s"), (1e15, "PFLOP/s"), (1e12, "TFLOP/s"), (1e9, "GFLOP/s"),
               (1.0, "FLOP/s")),
    "s": ((86400.0, "days"), (3600.0, "h"), (60.0, "min"), (1.0, "s"), (1e-3, "ms"),
          (1e-6, "µs"), (1e-9, "ns")),
    "W": ((1e6, "MW"), (1e3, "kW"), (1.0, "W")),
    "J": ((3.6e12, "GWh"), (3.6e9, "MWh"), (3.6e6, "kWh"), (1.0, "J")),
}
#: Durations read better in seconds up to two minutes, minutes up to two hours, and so on.
_TIME_THRESHOLDS = {"days": 2 * 86400.0, "h": 2 * 3600.0, "min": 120.0}


def humanize(value: float, unit: str) -> str:
    """An SI value in the unit a person would say: 3.35e12 byte/s -> "3.35 TB/s",
    0.0123 s -> "12.3 ms", 1.2e6 s -> "13.9 days", 5e5 W -> "500 kW".

    Units without a scale table (FLOP, fractions, counts) fall back to ``format_value``.
    """
    scales = _HUMAN_SCALES.get(unit)
    if not scales or not math.isfinite(value) or value == 0:
        return format_value(value, unit)
    magnitude = abs(value)
    for factor, symbol in scales:
        threshold = _TIME_THRESHOLDS.get(symbol, factor) if unit == "s" else factor
        if magnitude >= threshold:
            return f"{format_number(value / factor)} {symbol}"
    factor, symbol = scales[-1]
    return f"{format_number(value / factor)} {symbol}"
