"""Deck loading: TOML files -> typed, validated items; every error names file, item and line.

A deck file has a ``[deck]`` table and arrays of items:

* ``[[facts]]`` — a number (or short text) to know cold. Its value comes from the hardware
  catalog (``catalog = "h100_sxm.bf16_dense_flops"``) or from ``value`` + ``value_unit`` with
  its own ``source``.
* ``[[problems]]`` — a parametric problem: a registered reference ``model``, a prompt with
  ``{placeholders}``, and ``[problems.params]`` saying how each parameter is drawn.
* ``[[open]]`` — an interview question answered in prose, scored on ``[[open.key_points]]``.
* ``[[katas]]`` — a modelling kata: the player writes a Python ``function`` whose
  ``[[katas.params]]`` (SI units, finite domains) are drawn many times and compared with a
  ``reference`` in ``engine.katas``; ``[[katas.properties]]`` it must have and
  ``[[katas.follow_ups]]`` asked of it in the loop. Its ``starter`` and ``solution`` are
  Python code kept as text: nothing here (or anywhere in the game) runs them.
* ``[[cases]]`` — a chained modelling case: a scenario with drawn numbers and 3–7 steps,
  each graded against the reference chain and the player's own (read by
  ``content.cases.read_case``, which documents the table).

Checks that need other layers (does the model exist, do the units parse, does the reference
take the kata's parameters) happen in ``engine.bank``; this module checks shape and types
only and stays standard-library only.
"""

from __future__ import annotations

import math
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content._toml_cache import cached_parse
from content.untrusted import clean_text

if TYPE_CHECKING:
    from content.cases import Case

LEVELS = ("L4", "L5", "L6", "L7", "L8")
#: The interview rounds an open question can serve, in the order a loop runs them.
ROUNDS = ("recruiter_screen", "technical_screen", "program_design", "technical_depth",
          "behavioral", "system_tradeoffs")
_TOLERANCE = re.compile(r"^(rel:\d+(\.\d+)?%,\d+(\.\d+)?%|log:\d+(\.\d+)?,\d+(\.\d+)?)$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
_TOPIC = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
#: A prompt placeholder names one declared parameter: a plain identifier, no attribute
#: (``{x.real}``), index (``{x[0]}``) or conversion (``{x!r}``).
_PLACEHOLDER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
#: A placeholder's format is a keyword (count, int, %, name) or a unit to convert into
#: ("GB/s", "min", "TFLOP/s"): letters, digits and unit punctuation, no nested ``{}``.
_PLACEHOLDER_SPEC = re.compile(r"^[A-Za-z0-9%/*^.·µμ _()\-]{0,40}$")

#: Largest magnitude a deck number may have (parameters, choices, presets, fact values).
#: Far beyond any real quantity in SI (the FLOPs of a frontier run are ~1e26) and far below
#: float overflow, so draws, rounding and unit conversion stay finite.
MAX_MAGNITUDE = 1e30
#: Smallest positive fact value: below it a relative grade means nothing.
MIN_FACT_VALUE = 1e-30
#: Significant figures a range may round to (a float holds ~15.9).
MAX_SIG = 15
#: Longest answer time an item may ask for: a day (target_seconds) / 24 h (target_minutes).
MAX_TARGET_SECONDS = 86_400.0
#: Widest tolerance band: 1000 % relative, or a factor of 1000.
MAX_TOLERANCE_REL = 10.0
MAX_TOLERANCE_FACTOR = 1000.0
#: Heaviest a key point may weigh against the others.
MAX_KEY_POINT_WEIGHT = 1e6
#: Longest string a parameter value or a preset label may be.
MAX_VALUE_CHARS = 200


@dataclass(frozen=True, slots=True)
class ContentError:
    """One problem found in a deck, located well enough for a person to fix it."""

    file: str
    item: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        """``file:line, item id: message``, with terminal control characters removed (ids
        and messages quote the deck, which may carry escape sequences)."""
        where = self.file + (f":{self.line}" if self.line else "")
        item = f", item {self.item}" if self.item else ""
        return clean_text(f"{where}{item}: {self.message}")

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "item": self.item, "line": self.line, "message": self.message}


class DeckError(ValueError):
    """Raised for a single item that cannot be loaded; carries a ``ContentError``."""

    def __init__(self, error: ContentError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True, slots=True)
class ParamDraw:
    """How one problem parameter is drawn.

    ``fixed`` holds a constant; ``choices`` a list to pick from; otherwise a range
    ``[minimum, maximum]`` drawn uniformly (``scale = "linear"``) or log-uniformly
    (``"log"``), then rounded to ``step`` or to ``sig`` significant figures.
    """

    name: str
    fixed: Any = None
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    scale: str = "linear"
    step: float | None = None
    sig: int | None = None
    integer: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """What every item has: a stable id, a dotted topic, a level, a prompt, where it came from."""

    id: str
    kind: str
    topic: str
    level: str
    prompt: str
    explanation: str
    source: str
    deck: str
    file: str
    line: int | None
    target_seconds: float | None
    #: Ids of items this one gives away or is given away by (its explanation states the
    #: other's answer): buried with it for the rest of the day once one is answered.
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fact(Item):
    """A fact: the answer is ``value`` in ``value_unit``, or a catalog field (``catalog``).

    ``answers`` lists accepted phrasings for a short text fact (no number).
    """

    unit: str = ""
    tolerance: str = "rel:5%,15%"
    catalog: str | None = None
    value: float | None = None
    value_unit: str = ""
    answers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem(Item):
    """A parametric problem graded against ``model``'s value (or one of its ``output``\\s)."""

    model: str = ""
    output: str = "value"
    unit: str = ""
    tolerance: str = "rel:5%,15%"
    params: tuple[ParamDraw, ...] = ()
    presets: tuple[Mapping[str, Any], ...] = ()

    def placeholders(self) -> list[tuple[str, str]]:
        """``(name, format)`` for every ``{name:format}`` in the prompt, in order."""
        return prompt_fields(self.prompt)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number an open answer may state, checked when said near one of its ``phrasings``:
    right within ``tolerance`` (``"rel:15%"`` or ``"log:2"``) of ``value`` in ``unit``."""

    name: str
    value: float
    unit: str
    tolerance: str
    phrasings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """One thing a strong open answer covers, the phrasings that count as covering it, the
    misconceptions it is often confused with (stating one cancels the point), and figures it
    knows (a stated number that disagrees is named)."""

    point: str
    phrasings: tuple[str, ...]
    weight: float = 1.0
    misconceptions: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A phrase that hurts an answer in this loop, and why (shown to the player)."""

    phrasings: tuple[str, ...]
    why: str


@dataclass(frozen=True, slots=True)
class OpenQuestion(Item):
    """An interview question answered in prose and scored on key-point coverage."""

    rounds: tuple[str, ...] = ()
    model_answer: str = ""
    key_points: tuple[KeyPoint, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    target_minutes: float | None = None
    #: Figures of the whole question (checked like a key point's own).
    figures: tuple[Figure, ...] = ()
    #: The interviewer's numeric follow-ups (``[[open.probes]]``, 0–3): numeric steps read
    #: as a case's (``content.cases.CaseStep``), asked after the written answer.
    probes: tuple[Any, ...] = ()


#: What a kata check can assert besides matching the reference value.
KATA_PROPERTY_KINDS = ("nondecreasing", "nonincreasing", "probability", "positive",
                       "nonnegative")


@dataclass(frozen=True, slots=True)
class KataParam:
    """One parameter of the function a kata asks for, in SI (``unit``), with its domain.

    Checks draw ``[minimum, maximum]`` uniformly or, with ``scale = "log"``, log-uniformly
    (for domains that span decades); ``integer`` rounds draws; ``edges`` are values always
    checked (one GPU, zero latency), the domain's ends by default.
    """

    name: str
    unit: str
    description: str
    minimum: float
    maximum: float
    scale: str = "linear"
    integer: bool = False
    edges: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class KataProperty:
    """A property the player's function must have, checked on paired inputs.

    ``kind`` is one of ``KATA_PROPERTY_KINDS``: ``nondecreasing``/``nonincreasing`` in
    ``param`` (more GPUs never means a shorter expected step), ``probability`` (within
    [0, 1]), ``positive``, ``nonnegative``. ``why`` is shown when the property fails.
    """

    kind: str
    why: str
    param: str | None = None


@dataclass(frozen=True, slots=True)
class KataFollowUp:
    """A number asked of the player's own model in the loop's technical screen: "what does
    your model give for 1,024 GPUs?" — ``inputs`` override some parameters of a drawn case."""

    prompt: str
    inputs: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Kata(Item):
    """A modelling kata: the player writes ``function`` in Python; it is run (in a sandboxed
    child process, never in the game) on many inputs and compared with ``reference``.

    ``reference`` names a reference in ``engine.katas`` (a composition of models with
    steps) or a registered model; ``mapping`` maps each kata parameter to the reference's
    parameter of another name (identity otherwise); ``output`` picks a model output.
    ``bounds`` katas return ``(estimate, low, high)``: the estimate is graded and the
    bounds must hold the reference. ``monte_carlo_trials`` is the trial count the prompt
    asks a simulation to use; the tolerance then widens by the reference's standard error
    at that count. ``solution`` is the reference written as a player would (shown after
    a submit; the tests check it passes), never run by the game itself.
    """

    rounds: tuple[str, ...] = ("technical_screen",)
    function: str = ""
    params: tuple[KataParam, ...] = ()
    returns: str = ""
    return_unit: str = ""
    bounds: bool = False
    starter: str = ""
    solution: str = ""
    target_minutes: float | None = None
    hints: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    reference: str = ""
    mapping: Mapping[str, str] = field(default_factory=dict)
    output: str = "value"
    rel_tolerance: float = 0.01
    abs_tolerance: float = 0.0
    monte_carlo_trials: int | None = None
    properties: tuple[KataProperty, ...] = ()
    follow_ups: tuple[KataFollowUp, ...] = ()
    cases: int = 60


@dataclass
class Bank:
    """Every item loaded, by id, with the errors met on the way (bad items are skipped)."""

    items: dict[str, Item] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    decks: list[str] = field(default_factory=list)

    def facts(self) -> list[Fact]:
        return [item for item in self.items.values() if isinstance(item, Fact)]

    def problems(self) -> list[Problem]:
        return [item for item in self.items.values() if isinstance(item, Problem)]

    def open_questions(self) -> list[OpenQuestion]:
        return [item for item in self.items.values() if isinstance(item, OpenQuestion)]

    def katas(self) -> list[Kata]:
        return [item for item in self.items.values() if isinstance(item, Kata)]

    def cases(self) -> list[Case]:
        from content.cases import Case

        return [item for item in self.items.values() if isinstance(item, Case)]


def prompt_fields(prompt: str) -> list[tuple[str, str]]:
    """The ``{name:format}`` fields of a prompt (``{{`` escapes), parsed without formatting."""
    fields: list[tuple[str, str]] = []
    for _literal, name, spec, _conversion in string.Formatter().parse(prompt):
        if name is not None:
            fields.append((name, spec or ""))
    return fields


_ID_LINE = re.compile(r'^\s*id\s*=\s*["\']([^"\']*)["\']', re.MULTILINE)


def _id_lines(text: str) -> dict[str, int]:
    """Line number of the first ``id = "..."`` for every id in a deck, in one pass, so errors
    can point at the item."""
    lines: dict[str, int] = {}
    line, position = 1, 0
    for match in _ID_LINE.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.setdefault(match.group(1), line)
    return lines


def _header_line(text: str, table: str, index: int) -> int | None:
    """The line of the ``index``-th ``[[table]]`` header, for items that have no usable id."""
    pattern = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]", re.MULTILINE)
    matches = list(pattern.finditer(text))
    if index >= len(matches):
        return None
    return text.count("\n", 0, matches[index].start()) + 1


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else None


class ItemReader:
    """Reads one item table, turning each missing or mistyped key into a located error.

    Public because ``engine.content_check`` reads a refused item again field by field with
    the very same checks (``read_fact(ItemReader(raw, file, id, line), deck_id)``)."""

    def __init__(self, raw: Mapping[str, Any], file: str, item_id: str | None, line: int | None):
        self.raw = raw
        self.file = file
        self.item_id = item_id
        self.line = line

    def fail(self, message: str) -> DeckError:
        return DeckError(ContentError(self.file, self.item_id, self.line, message))

    def text(self, key: str, required: bool = True, default: str = "") -> str:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing {key!r}")
            return default
        if not isinstance(value, str):
            raise self.fail(f"{key!r} must be a string, not {type(value).__name__}")
        if required and not value.strip():
            raise self.fail(f"{key!r} is empty")
        return value

    def number(self, key: str) -> float | None:
        """``key`` as a finite float of sane magnitude, or ``None`` when absent."""
        value = self.raw.get(key)
        if value is None:
            return None
        problem = number_problem(value)
        if problem:
            raise self.fail(f"{key!r} {problem}")
        return float(value)


def is_number(value: object) -> bool:
    """A TOML integer or float (``true``/``false`` are not numbers)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def number_problem(value: object, limit: float = MAX_MAGNITUDE) -> str | None:
    """Why ``value`` is not a usable deck number (finite, ``|value| <= limit``), or ``None``.

    The text reads after a name: "'max' must be a finite number, not inf".
    """
    if not is_number(value):
        return f"must be a number, not {_shown(value)}"
    as_float = float(value)  # type: ignore[arg-type]  # is_number checked it
    if not math.isfinite(as_float):
        return f"must be a finite number, not {as_float!r}"
    if abs(as_float) > limit:
        return f"= {as_float:g} is out of range: use a number within ±{limit:g}"
    return None


def _shown(value: object) -> str:
    """A deck value for an error message: repr'd (control characters escaped), cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _value_problem(value: object) -> str | None:
    """Why ``value`` cannot be a parameter value (fixed, a choice, a preset), or ``None``.

    A value is a number (finite, within ±MAX_MAGNITUDE), true/false, or a short string (a
    catalog id such as "h100_sxm", or a choice such as "ring")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not value.strip() or len(value) > MAX_VALUE_CHARS:
            return f"must be a non-empty string of at most {MAX_VALUE_CHARS} characters"
        return None
    if is_number(value):
        return number_problem(value)
    return f"must be a number, a string or true/false, not {_shown(value)}"


def _read_draw(reader: ItemReader, name: str, spec: Any) -> ParamDraw:
    """One ``[problems.params]`` entry: a constant, ``{choices=[...]}`` or ``{min, max, ...}``.

    Every number is checked here, before anything is drawn: finite, within ±MAX_MAGNITUDE,
    ``min < max``, ``step > 0``, ``sig`` 1..15, a log range above zero — so drawing,
    rounding and formatting can never overflow."""
    if not isinstance(spec, dict):
        problem = _value_problem(spec)
        if problem:
            raise reader.fail(f"parameter {name!r} {problem}")
        return ParamDraw(name=name, fixed=spec)
    allowed = {"choices", "min", "max", "scale", "step", "sig", "integer"}
    unknown = set(spec) - allowed
    if unknown:
        raise reader.fail(
            f"parameter {name!r}: unknown key(s) {', '.join(sorted(unknown))}; "
            f"use choices = [...] or min/max with scale, step, sig, integer"
        )
    if "choices" in spec:
        choices = spec["choices"]
        if not isinstance(choices, list) or not choices:
            raise reader.fail(f"parameter {name!r}: choices must be a non-empty list")
        for index, choice in enumerate(choices):
            problem = _value_problem(choice)
            if problem:
                raise reader.fail(f"parameter {name!r}: choices[{index}] {problem}")
        return ParamDraw(name=name, choices=tuple(choices))
    if "min" not in spec or "max" not in spec:
        raise reader.fail(f"parameter {name!r}: a range needs both min and max")
    minimum, maximum = spec["min"], spec["max"]
    for key, bound in (("min", minimum), ("max", maximum)):
        problem = number_problem(bound)
        if problem:
            raise reader.fail(f"parameter {name!r}: {key} {problem}")
    if minimum > maximum:
        raise reader.fail(f"parameter {name!r}: inverted range, min {minimum} > max {maximum}")
    if minimum == maximum:
        raise reader.fail(f"parameter {name!r}: empty range, min = max = {minimum}; "
                          f"write {name} = {minimum} for a constant")
    scale = spec.get("scale", "linear")
    if scale not in {"linear", "log"}:
        raise reader.fail(f"parameter {name!r}: scale must be 'linear' or 'log', "
                          f"not {_shown(scale)}")
    if scale == "log" and minimum <= 0:
        raise reader.fail(f"parameter {name!r}: a log range needs min > 0")
    step = spec.get("step")
    if step is not None and (number_problem(step) or step <= 0 or step < 1 / MAX_MAGNITUDE):
        raise reader.fail(f"parameter {name!r}: step must be a positive number "
                          f"(at least {1 / MAX_MAGNITUDE:g}), not {_shown(step)}")
    sig = spec.get("sig")
    if sig is not None and (isinstance(sig, bool) or not isinstance(sig, int)
                            or not 1 <= sig <= MAX_SIG):
        raise reader.fail(f"parameter {name!r}: sig must be a whole number from 1 to "
                          f"{MAX_SIG}, not {_shown(sig)}")
    integer = spec.get("integer", False)
    if not isinstance(integer, bool):
        raise reader.fail(f"parameter {name!r}: integer must be true or false, "
                          f"not {_shown(integer)}")
    return ParamDraw(
        name=name,
        minimum=float(minimum),
        maximum=float(maximum),
        scale=scale,
        step=float(step) if step is not None else None,
        sig=sig,
        integer=integer,
    )


def _common(reader: ItemReader, kind: str, deck_id: str) -> dict[str, Any]:
    item_id = reader.text("id")
    if not _ID.match(item_id):
        raise reader.fail(f"id {item_id!r} must be lower-case letters, digits, '.', '_' or '-'")
    topic = reader.text("topic")
    if not _TOPIC.match(topic):
        raise reader.fail(f"topic {topic!r} must be dotted lower-case words, e.g. hardware.memory")
    level = reader.text("level")
    if level not in LEVELS:
        raise reader.fail(f"level {level!r} must be one of {', '.join(LEVELS)}")
    target = reader.number("target_seconds")
    if target is not None and not 0 < target <= MAX_TARGET_SECONDS:
        raise reader.fail(f"target_seconds must be positive and at most "
                          f"{MAX_TARGET_SECONDS:g} (a day), not {target:g}")
    related = _related(reader, item_id)
    return {
        "id": item_id,
        "kind": kind,
        "topic": topic,
        "level": level,
        "prompt": reader.text("prompt"),
        "explanation": reader.text("explanation"),
        "source": reader.text("source", required=False),
        "deck": deck_id,
        "file": reader.file,
        "line": reader.line,
        "target_seconds": target,
        "related": related,
    }


#: Most ids a ``related`` list may name.
MAX_RELATED = 50


def _related(reader: ItemReader, item_id: str) -> tuple[str, ...]:
    """The optional ``related = ["id", ...]`` list: item ids in the id format, not the item's
    own, no repeats. Whether they exist is for ``content check`` (the other item may be in
    another deck)."""
    raw = reader.raw.get("related", [])
    if not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
        raise reader.fail('related must be a list of item ids, e.g. related = '
                          '["hw.h100_sxm.hbm_stacks"]')
    if len(raw) > MAX_RELATED:
        raise reader.fail(f"related names {len(raw)} items; at most {MAX_RELATED}")
    for value in raw:
        if not _ID.match(value):
            raise reader.fail(f"related id {_shown(value)} must be lower-case letters, "
                              "digits, '.', '_' or '-'")
        if value == item_id:
            raise reader.fail("related names the item itself")
    repeated = sorted({value for value in raw if raw.count(value) > 1})
    if repeated:
        raise reader.fail(f"related names {repeated[0]!r} twice")
    return tuple(raw)


def _tolerance(reader: ItemReader) -> str:
    """The tolerance spec, its figures checked as grading will read them: a relative band
    0 < exact <= close <= 1000 %, a log band 1 < exact <= close <= 1000."""
    spec = reader.text("tolerance", required=False, default="rel:5%,15%").replace(" ", "")
    if not _TOLERANCE.match(spec):
        raise reader.fail(f"tolerance {spec!r} must look like 'rel:5%,15%' or 'log:1.25,2'")
    kind, _, figures = spec.partition(":")
    exact_text, close_text = figures.replace("%", "").split(",")
    exact, close = float(exact_text), float(close_text)
    if kind == "rel":
        exact, close = exact / 100, close / 100
        lowest, highest, shown_max = 0.0, MAX_TOLERANCE_REL, f"{MAX_TOLERANCE_REL * 100:g}%"
    else:
        lowest, highest, shown_max = 1.0, MAX_TOLERANCE_FACTOR, f"{MAX_TOLERANCE_FACTOR:g}"
    if not (lowest < exact <= close <= highest):
        raise reader.fail(
            f"tolerance {spec!r}: need {lowest:g} < exact <= close <= {shown_max} "
            f"for a {kind} band, e.g. 'rel:5%,15%' or 'log:1.25,2'"
        )
    return spec


_FACT_KEYS = {"id", "topic", "level", "prompt", "explanation", "source", "target_seconds",
              "related", "unit", "tolerance", "catalog", "value", "value_unit", "answers"}
_PROBLEM_KEYS = {"id", "topic", "level", "prompt", "explanation", "source", "target_seconds",
                 "related", "model", "output", "unit", "tolerance", "params", "presets"}


def _check_keys(reader: ItemReader, allowed: set[str]) -> None:
    unknown = sorted(set(reader.raw) - allowed)
    if unknown:
        raise reader.fail(
            f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def read_fact(reader: ItemReader, deck_id: str) -> Fact:
    """Validate one ``[[facts]]`` table."""
    _check_keys(reader, _FACT_KEYS)
    common = _common(reader, "fact", deck_id)
    catalog_ref = reader.raw.get("catalog")
    value = reader.number("value")
    answers = reader.raw.get("answers", [])
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise reader.fail("answers must be a list of strings")
    sources = sum(x is not None and x != [] for x in (catalog_ref, value, answers or None))
    if sources != 1:
        raise reader.fail("a fact needs exactly one of: catalog = 'id.field', value = N, answers")
    if catalog_ref is not None and (not isinstance(catalog_ref, str) or "." not in catalog_ref):
        raise reader.fail(f"catalog must look like 'h100_sxm.tdp_watts', not {catalog_ref!r}")
    if catalog_ref is None and not common["source"].strip():
        raise reader.fail("missing 'source': a fact not read from the catalog must name its source")
    if value is not None and not MIN_FACT_VALUE <= value:
        raise reader.fail(
            f"value = {value:g}: a fact's value must be positive (at least "
            f"{MIN_FACT_VALUE:g}), since answers are graded by relative error; state the "
            f"magnitude and put the sign in the prompt"
        )
    unit = reader.text("unit", required=False)
    if value is not None and "unit" not in reader.raw:
        raise reader.fail("missing 'unit' (use unit = \"\" for a plain number)")
    return Fact(
        **common,
        unit=unit,
        tolerance=_tolerance(reader),
        catalog=catalog_ref,
        value=value,
        value_unit=reader.text("value_unit", required=False, default=unit),
        answers=tuple(answers),
    )


def _check_placeholders(reader: ItemReader, prompt: str, known: set[str]) -> None:
    """Every ``{name:format}`` in a problem's prompt names a declared parameter, plainly.

    Posing fills placeholders by name from the drawn values, never through ``str.format``,
    but an attribute (``{layers.real}``), an index (``{layers[0]}``), a conversion
    (``{layers!r}``), an empty ``{}`` or a nested ``{x:{y}}`` is refused here so the item
    never reaches a player half-working."""
    try:
        fields = list(string.Formatter().parse(prompt))
    except ValueError as error:
        raise reader.fail(f"prompt has a broken placeholder: {error}; write {{{{ and }}}} "
                          f"for literal braces") from None
    parameters = ", ".join(sorted(known)) or "(none)"
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + \
            (f":{spec}" if spec else "") + "}"
        if not _PLACEHOLDER_NAME.match(name):
            raise reader.fail(
                f"prompt placeholder {shown!r} must be a plain parameter name such as "
                f"{{layers}} or {{layers:int}} (no '.', '[...]' or empty name); "
                f"parameters: {parameters}"
            )
        if name not in known:
            raise reader.fail(
                f"prompt placeholder {{{name}}} names no parameter; parameters: {parameters}"
            )
        if conversion:
            raise reader.fail(f"prompt placeholder {shown!r}: conversions like !{conversion} "
                              f"are not supported; write {{{name}}} or {{{name}:int}}")
        if spec and not _PLACEHOLDER_SPEC.match(spec):
            raise reader.fail(
                f"prompt placeholder {shown!r}: format {spec!r} is not supported; use "
                f"count, int, %, name or a unit such as GB/s (at most 40 characters)"
            )


def read_draws_and_presets(reader: ItemReader, table: str,
                           names: re.Pattern[str] | None = None
                           ) -> tuple[tuple[ParamDraw, ...], tuple[Mapping[str, Any], ...]]:
    """``[TABLE.params]`` (how each parameter is drawn) and ``[[TABLE.presets]]`` (labelled
    sets of values drawn together), every number and label checked before anything is
    drawn; shared by problems and cases. ``names``, when given, is the pattern every
    parameter name (and preset key but the label) must match."""
    raw_params = reader.raw.get("params", {})
    if not isinstance(raw_params, dict):
        raise reader.fail(f"params must be a table: [{table}.params]")
    if names is not None:
        for name in raw_params:
            if not names.match(name):
                raise reader.fail(f"parameter name {_shown(name)} must be an identifier such "
                                  f"as gpus or usd_per_gpu_hour")
    draws = tuple(_read_draw(reader, name, spec) for name, spec in raw_params.items())
    raw_presets = reader.raw.get("presets", [])
    if not isinstance(raw_presets, list) or not all(isinstance(p, dict) for p in raw_presets):
        raise reader.fail(f"presets must be an array of tables: [[{table}.presets]]")
    for index, preset in enumerate(raw_presets):
        label = preset.get("label")
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_VALUE_CHARS:
            raise reader.fail(f"presets[{index}]: every preset needs a label of at most "
                              f"{MAX_VALUE_CHARS} characters, e.g. label = \"Llama-3 70B\"")
        for key, value in preset.items():
            if key == "label":
                continue
            if names is not None and not names.match(key):
                raise reader.fail(f"presets[{index}]: parameter name {_shown(key)} must be "
                                  f"an identifier")
            problem = _value_problem(value)
            if problem:
                raise reader.fail(f"presets[{index}]: {key} {problem}")
    return draws, tuple(raw_presets)


def read_problem(reader: ItemReader, deck_id: str) -> Problem:
    """Validate one ``[[problems]]`` table: draws well-formed, placeholders all defined."""
    _check_keys(reader, _PROBLEM_KEYS)
    common = _common(reader, "problem", deck_id)
    if "unit" not in reader.raw:
        raise reader.fail("missing 'unit' (the display unit; \"\" for a plain number)")
    draws, presets = read_draws_and_presets(reader, "problems")
    preset_keys = set().union(*(set(p) for p in presets)) if presets else set()
    known = {d.name for d in draws} | preset_keys | ({"preset"} if presets else set())
    _check_placeholders(reader, common["prompt"], known)
    drawn = {d.name for d in draws} | {"preset"}
    for name, _spec in prompt_fields(common["prompt"]):
        lacking = [i for i, p in enumerate(presets) if name not in drawn and name not in p]
        if lacking:
            raise reader.fail(f"prompt placeholder {{{name}}}: presets[{lacking[0]}] does not "
                              f"set {name}; set it in every preset or under [problems.params]")
    return Problem(
        **common,
        model=reader.text("model"),
        output=reader.text("output", required=False, default="value"),
        unit=reader.text("unit", required=False),
        tolerance=_tolerance(reader),
        params=draws,
        presets=presets,
    )


_OPEN_KEYS = {"id", "topic", "level", "prompt", "explanation", "source", "target_seconds",
              "related", "rounds", "model_answer", "key_points", "red_flags", "target_minutes",
              "figures", "probes"}
#: Most numeric follow-up probes an open question may carry (``[[open.probes]]``).
MAX_PROBES = 3
_KEY_POINT_KEYS = {"point", "phrasings", "weight", "misconceptions", "figures"}
_FIGURE_KEYS = {"name", "value", "unit", "tolerance", "phrasings"}
#: A figure's tolerance: within a relative share ("rel:15%") or a factor ("log:2").
_FIGURE_TOLERANCE = re.compile(r"^(rel:\d+(\.\d+)?%|log:\d+(\.\d+)?)$")
_PHRASE_WORD = re.compile(r"[^\W_]")
#: Common words that say nothing alone: as a whole phrasing they would match almost any answer
#: ("took", "peer", "power", "months"). Pair one with the point's subject instead: "peer &
#: restore|memory", "months & lead time".
COMMON_WORDS = frozenset("""
    accuracy achieved adoption annual appendix bracket bug cheaper cheapest clause compared
    counters deadline delay demand detected dollars doubling drove earlier evidence exit factor
    flex grid guard halves halving hash hide idle improved insight interact landed lever loss
    maintain million mismatch months noise notebook pattern paused peer percent power premium
    rate ratio recovers redo relative reserve reserved roadmap saving scenario slack slope
    sourced swamped tenth tiny took touched tracked trial troughs uneven unknowns unpacked
    unsaved weekly weighted zero
""".split())


def _phrasings(reader: ItemReader, raw: Any, where: str,
               key: str = "phrasings", strict: bool = False) -> tuple[str, ...]:
    """A non-empty list of phrasings. A phrasing may join parts that must share a sentence
    with ``&``, give alternatives with ``|``, ask for a negated part with a leading ``!`` and
    stand ``#`` for any stated quantity, ``%`` for any percentage, ``$`` for any sum of money
    (see grading._evidence):
    every other part needs a letter or a digit. ``strict`` (open questions) also refuses a
    one-letter part and a lone common word (:data:`COMMON_WORDS`)."""
    if not isinstance(raw, list) or not raw or not all(
        isinstance(p, str) and p.strip() for p in raw
    ):
        raise reader.fail(f"{where}: {key} must be a non-empty list of strings")
    if not strict:  # cases' justify steps keep the plain phrasings they were written with
        return tuple(raw)
    for phrasing in raw:
        parts = [part.strip().lstrip("!") for part in phrasing.split("&")]
        alternatives = [alt for part in parts for alt in part.split("|")]
        if not all(_PHRASE_WORD.search(alt) or alt.strip() in ("#", "%", "$")
                   for alt in alternatives):
            raise reader.fail(f"{where}: {key} entry {_shown(phrasing)} has an empty part: "
                              f"every part between '&' and '|' needs a word or a number")
        lone = [alt for alt in alternatives if alt.strip() not in ("#", "%", "$")
                and len(_PHRASE_WORD.findall(alt)) < 2 and not any(c.isdigit() for c in alt)]
        if lone:
            raise reader.fail(f"{where}: {key} entry {_shown(phrasing)}: {_shown(lone[0])} is "
                              f"one letter and would match almost any answer")
        if key == "phrasings" and len(parts) == 1 and any(
                alt.strip().casefold() in COMMON_WORDS for alt in alternatives):
            common = next(a for a in alternatives if a.strip().casefold() in COMMON_WORDS)
            raise reader.fail(f"{where}: phrasing {_shown(common.strip())} is a common word "
                              f"that almost any answer says; pair it with the point's subject "
                              f"(\"{common.strip()} & ...\") or drop it")
        if len(parts) > 1 and all(part.startswith("!") for part in
                                  (p.strip() for p in phrasing.split("&"))):
            raise reader.fail(f"{where}: {key} entry {_shown(phrasing)}: at least one part "
                              f"must be un-negated (no leading '!')")
    return tuple(raw)


def read_red_flags(reader: ItemReader, raw_flags: Any, table: str) -> tuple[RedFlag, ...]:
    """A ``red_flags`` array (``[[table]]``: ``phrasings`` and ``why`` each), checked with
    located errors; shared by open questions and cases' closing "justify it" answers."""
    if not isinstance(raw_flags, list):
        raise reader.fail(f"red_flags must be an array of tables: [[{table}]]")
    flags = []
    for index, raw in enumerate(raw_flags):
        where = f"red_flags[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("why"), str):
            raise reader.fail(f"{where}: needs phrasings = [...] and why = \"...\"")
        extra = set(raw) - {"phrasings", "why"}
        if extra:
            raise reader.fail(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        flags.append(RedFlag(_phrasings(reader, raw.get("phrasings"), where), raw["why"]))
    return tuple(flags)


def _figures(reader: ItemReader, raw: Any, where: str) -> tuple[Figure, ...]:
    """``figures = [{name, value, unit, tolerance, phrasings}, ...]``, each checked."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise reader.fail(f"{where}figures must be an array of tables: "
                          f"{{ name, value, unit, tolerance, phrasings }}")
    figures = []
    for index, entry in enumerate(raw):
        at = f"{where}figures[{index}]"
        if not isinstance(entry, dict):
            raise reader.fail(f"{at}: needs name, value, unit, tolerance and phrasings")
        extra = set(entry) - _FIGURE_KEYS
        if extra:
            raise reader.fail(f"{at}: unknown key(s) {', '.join(sorted(extra))}; allowed: "
                              f"{', '.join(sorted(_FIGURE_KEYS))}")
        name, value, unit, tolerance = (entry.get(k) for k in ("name", "value", "unit",
                                                                "tolerance"))
        if not isinstance(name, str) or not name.strip():
            raise reader.fail(f"{at}: name must be a non-empty string")
        problem = number_problem(value)
        if problem:
            raise reader.fail(f"{at}: value {problem}")
        if not isinstance(unit, str):
            raise reader.fail(f"{at}: unit must be a string (\"\" for a plain number), "
                              f"not {_shown(unit)}")
        if not isinstance(tolerance, str) or not _FIGURE_TOLERANCE.match(tolerance.strip()):
            raise reader.fail(f"{at}: tolerance must be 'rel:N%' or 'log:F' (a factor), "
                              f"not {_shown(tolerance)}")
        if tolerance.startswith("log:") and float(tolerance[4:]) < 1:
            raise reader.fail(f"{at}: a log tolerance is a factor of at least 1, "
                              f"not {tolerance}")
        figures.append(Figure(name, float(value), unit, tolerance.strip(),
                              _phrasings(reader, entry.get("phrasings"), at, strict=True)))
    return tuple(figures)


def read_open(reader: ItemReader, deck_id: str) -> OpenQuestion:
    """Validate one ``[[open]]`` table: rounds, a model answer, key points, red flags."""
    _check_keys(reader, _OPEN_KEYS)
    common = _common(reader, "open", deck_id)
    rounds = reader.raw.get("rounds")
    if not isinstance(rounds, list) or not rounds:
        raise reader.fail(f"rounds must be a non-empty list from: {', '.join(ROUNDS)}")
    unknown = [r for r in rounds if r not in ROUNDS]
    if unknown:
        raise reader.fail(f"unknown round {unknown[0]!r}; rounds: {', '.join(ROUNDS)}")
    raw_points = reader.raw.get("key_points")
    if not isinstance(raw_points, list) or not raw_points:
        raise reader.fail("key_points must be a non-empty array of tables: [[open.key_points]]")
    points = []
    for index, raw in enumerate(raw_points):
        where = f"key_points[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("point"), str):
            raise reader.fail(f"{where}: needs point = \"...\" and phrasings = [...]")
        extra = set(raw) - _KEY_POINT_KEYS
        if extra:
            raise reader.fail(f"{where}: unknown key(s) {', '.join(sorted(extra))}; allowed: "
                              f"{', '.join(sorted(_KEY_POINT_KEYS))}")
        weight = raw.get("weight", 1.0)
        if number_problem(weight, MAX_KEY_POINT_WEIGHT) or weight <= 0:
            raise reader.fail(f"{where}: weight must be a positive number up to "
                              f"{MAX_KEY_POINT_WEIGHT:g}, not {_shown(weight)}")
        misconceptions = raw.get("misconceptions")
        points.append(KeyPoint(
            raw["point"], _phrasings(reader, raw.get("phrasings"), where, strict=True),
            float(weight),
            _phrasings(reader, misconceptions, where, "misconceptions", strict=True)
            if misconceptions is not None else (),
            _figures(reader, raw.get("figures"), f"{where}: ")))
    flags = read_red_flags(reader, reader.raw.get("red_flags", []), "open.red_flags")
    minutes = reader.number("target_minutes")
    if minutes is not None and not 0 < minutes <= MAX_TARGET_SECONDS / 60:
        raise reader.fail(f"target_minutes must be positive and at most "
                          f"{MAX_TARGET_SECONDS / 60:g} (a day), not {minutes:g}")
    return OpenQuestion(
        **common,
        rounds=tuple(rounds),
        model_answer=reader.text("model_answer"),
        key_points=tuple(points),
        red_flags=tuple(flags),
        target_minutes=minutes,
        figures=_figures(reader, reader.raw.get("figures"), ""),
        probes=read_probes(reader),
    )


def read_probes(reader: ItemReader) -> tuple[Any, ...]:
    """``[[open.probes]]``: 1–3 numeric follow-ups, each read exactly as a case's numeric
    step (``content.cases.read_steps``: id, prompt, unit, tolerance, reference, output,
    inputs, explanation), errors located as ``probes[1] (cost): ...``.

    An open question draws no parameters, so an input comes from a constant, a catalog
    field (``catalog:h100_sxm.bf16_dense_flops``) or an earlier probe (``step:gpu_hours``)
    — never ``param:`` — and a prompt has no ``{placeholders}``: the numbers a probe uses
    are written in its prompt (``engine.cases.probes.probe_problem`` checks each constant
    appears there). Whether a reference exists and takes the inputs is checked there too."""
    raw = reader.raw.get("probes")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        raise reader.fail("probes must be an array of tables: [[open.probes]]")
    if not 1 <= len(raw) <= MAX_PROBES:
        raise reader.fail(f"an open question has 1 to {MAX_PROBES} probes, not {len(raw)}")
    from content.cases import read_steps

    return read_steps(reader, raw, "probes", set(), set(), (), (), {}, kinds=("number",))


# -- katas ----------------------------------------------------------------------------------

_KATA_KEYS = {"id", "topic", "level", "prompt", "explanation", "source", "target_seconds",
              "related", "rounds", "function", "params", "returns", "return_unit", "bounds",
              "starter", "solution", "target_minutes", "hints", "assumptions", "reference",
              "mapping", "output", "rel_tolerance", "abs_tolerance", "monte_carlo_trials",
              "properties", "follow_ups", "cases"}
_KATA_PARAM_KEYS = {"name", "unit", "description", "min", "max", "scale", "integer", "edges"}
#: A Python name the player's code defines or takes: ASCII, so it reads the same everywhere.
_PY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
#: A reference or output name: the registry's and compositions' own spelling.
_REFERENCE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
#: Longest code text (starter, solution) a kata may carry: a long model is ~200 lines.
MAX_CODE_CHARS = 20_000
#: Most parameters a kata's function may take, and most edges, hints, assumptions,
#: properties and follow-ups it may list.
MAX_KATA_PARAMS = 16
MAX_KATA_EDGES = 16
MAX_KATA_NOTES = 12
MAX_KATA_PROPERTIES = 16
MAX_KATA_FOLLOW_UPS = 8
#: Cases a kata's check may ask for: enough draws to find a slip, few enough to run fast.
MIN_KATA_CASES = 50
MAX_KATA_CASES = 1000
#: Most Monte Carlo trials a kata may ask the player's simulation for.
MAX_MONTE_CARLO_TRIALS = 10_000_000
#: Kinds of property that compare two cases differing in one parameter.
KATA_MONOTONE_KINDS = ("nondecreasing", "nonincreasing")


def _python_name(reader: ItemReader, value: object, what: str) -> str:
    """``value`` as a Python identifier the player's code can use (not a keyword)."""
    import keyword

    if not isinstance(value, str) or not _PY_NAME.match(value) or keyword.iskeyword(value):
        raise reader.fail(f"{what} must be a Python name (letters, digits and _, not "
                          f"starting with a digit, not a keyword), not {_shown(value)}")
    return value


def _text_list(reader: ItemReader, key: str, limit: int) -> tuple[str, ...]:
    """The optional list of non-empty strings under ``key``, at most ``limit`` of them."""
    raw = reader.raw.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        raise reader.fail(f"{key} must be a list of non-empty strings")
    if len(raw) > limit:
        raise reader.fail(f"{key} lists {len(raw)} entries; at most {limit}")
    return tuple(raw)


def _code(reader: ItemReader, key: str, function: str) -> str:
    """A code field (``starter``, ``solution``): text that defines ``function`` at the top
    level. It is data: stored as text and never run here (the runner runs the player's own
    code, in a child process)."""
    text = reader.text(key)
    if len(text) > MAX_CODE_CHARS:
        raise reader.fail(f"{key!r} is {len(text):,} characters long; at most "
                          f"{MAX_CODE_CHARS:,}")
    if "\x00" in text:
        raise reader.fail(f"{key!r} holds a NUL character")
    if not re.search(r"^def\s+" + re.escape(function) + r"\s*\(", text, re.MULTILINE):
        raise reader.fail(f"{key!r} must define the kata's function at the top level: "
                          f"a line starting 'def {function}('")
    return text


def _kata_number(reader: ItemReader, where: str, value: object) -> float:
    problem = number_problem(value)
    if problem:
        raise reader.fail(f"{where} {problem}")
    return float(value)  # type: ignore[arg-type]  # number_problem checked it


def _kata_param(reader: ItemReader, index: int, raw: object) -> KataParam:
    """One ``[[katas.params]]`` table: a Python name, its SI unit, a finite domain."""
    where = f"params[{index}]"
    if not isinstance(raw, dict):
        raise reader.fail(f"{where} must be a table: [[katas.params]] with name, unit, "
                          f"description, min, max")
    unknown = sorted(set(raw) - _KATA_PARAM_KEYS)
    if unknown:
        raise reader.fail(f"{where}: unknown key(s) {', '.join(map(str, unknown))}; allowed: "
                          f"{', '.join(sorted(_KATA_PARAM_KEYS))}")
    name = _python_name(reader, raw.get("name"), f"{where} name")
    where = f"parameter {name!r}"
    unit = raw.get("unit")
    if not isinstance(unit, str) or len(unit) > 40:
        raise reader.fail(f"{where}: unit must be a string of at most 40 characters (its SI "
                          f"unit: s, byte, byte/s, FLOP/s; \"\" for a count)")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise reader.fail(f"{where}: description must be a non-empty string")
    if "min" not in raw or "max" not in raw:
        raise reader.fail(f"{where}: a domain needs both min and max")
    minimum = _kata_number(reader, f"{where}: min", raw["min"])
    maximum = _kata_number(reader, f"{where}: max", raw["max"])
    if not minimum < maximum:
        raise reader.fail(f"{where}: need min < max, not min {minimum:g}, max {maximum:g}")
    scale = raw.get("scale", "linear")
    if scale not in ("linear", "log"):
        raise reader.fail(f"{where}: scale must be 'linear' or 'log', not {_shown(scale)}")
    if scale == "log" and minimum <= 0:
        raise reader.fail(f"{where}: a log domain needs min > 0")
    integer = raw.get("integer", False)
    if not isinstance(integer, bool):
        raise reader.fail(f"{where}: integer must be true or false, not {_shown(integer)}")
    if integer and not (minimum == int(minimum) and maximum == int(maximum)):
        raise reader.fail(f"{where}: an integer domain needs whole min and max")
    edges = raw.get("edges", [minimum, maximum])
    if not isinstance(edges, list) or not edges:
        raise reader.fail(f"{where}: edges must be a non-empty list of numbers in the domain")
    if len(edges) > MAX_KATA_EDGES:
        raise reader.fail(f"{where}: {len(edges)} edges; at most {MAX_KATA_EDGES}")
    checked = []
    for position, edge in enumerate(edges):
        value = _kata_number(reader, f"{where}: edges[{position}]", edge)
        if not minimum <= value <= maximum:
            raise reader.fail(f"{where}: edges[{position}] = {value:g} is outside the domain "
                              f"[{minimum:g}, {maximum:g}]")
        if integer and value != int(value):
            raise reader.fail(f"{where}: edges[{position}] = {value:g} is not a whole number")
        checked.append(value)
    return KataParam(name=name, unit=unit, description=description, minimum=minimum,
                     maximum=maximum, scale=scale, integer=integer, edges=tuple(checked))


def _kata_params(reader: ItemReader, function: str) -> tuple[KataParam, ...]:
    raw = reader.raw.get("params")
    if not isinstance(raw, list) or not raw:
        raise reader.fail("params must be a non-empty array of tables: [[katas.params]]")
    if len(raw) > MAX_KATA_PARAMS:
        raise reader.fail(f"params lists {len(raw)} parameters; at most {MAX_KATA_PARAMS}")
    params = tuple(_kata_param(reader, index, entry) for index, entry in enumerate(raw))
    names = [param.name for param in params]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise reader.fail(f"parameter {repeated[0]!r} is declared twice")
    if function in names:
        raise reader.fail(f"parameter {function!r} has the function's own name")
    return params


def _kata_properties(reader: ItemReader, params: tuple[KataParam, ...]
                     ) -> tuple[KataProperty, ...]:
    raw = reader.raw.get("properties", [])
    if not isinstance(raw, list):
        raise reader.fail("properties must be an array of tables: [[katas.properties]]")
    if len(raw) > MAX_KATA_PROPERTIES:
        raise reader.fail(f"properties lists {len(raw)}; at most {MAX_KATA_PROPERTIES}")
    names = [param.name for param in params]
    out = []
    for index, entry in enumerate(raw):
        where = f"properties[{index}]"
        if not isinstance(entry, dict):
            raise reader.fail(f"{where} must be a table with kind, why (and param)")
        unknown = sorted(set(entry) - {"kind", "param", "why"})
        if unknown:
            raise reader.fail(f"{where}: unknown key(s) {', '.join(map(str, unknown))}; "
                              f"allowed: kind, param, why")
        kind = entry.get("kind")
        if kind not in KATA_PROPERTY_KINDS:
            raise reader.fail(f"{where}: kind must be one of {', '.join(KATA_PROPERTY_KINDS)}, "
                              f"not {_shown(kind)}")
        why = entry.get("why")
        if not isinstance(why, str) or not why.strip():
            raise reader.fail(f"{where}: why must be a non-empty string (it is shown when "
                              f"the property fails)")
        param = entry.get("param")
        if kind in KATA_MONOTONE_KINDS:
            if param not in names:
                raise reader.fail(f"{where}: a {kind} property needs param = one of the "
                                  f"declared parameters ({', '.join(names)}), not "
                                  f"{_shown(param)}")
        elif param is not None:
            raise reader.fail(f"{where}: a {kind} property is about the result: drop its "
                              f"param")
        out.append(KataProperty(kind=kind, why=why, param=param))
    return tuple(out)


def _kata_follow_ups(reader: ItemReader, params: tuple[KataParam, ...]
                     ) -> tuple[KataFollowUp, ...]:
    raw = reader.raw.get("follow_ups", [])
    if not isinstance(raw, list):
        raise reader.fail("follow_ups must be an array of tables: [[katas.follow_ups]]")
    if len(raw) > MAX_KATA_FOLLOW_UPS:
        raise reader.fail(f"follow_ups lists {len(raw)}; at most {MAX_KATA_FOLLOW_UPS}")
    by_name = {param.name: param for param in params}
    out = []
    for index, entry in enumerate(raw):
        where = f"follow_ups[{index}]"
        if not isinstance(entry, dict):
            raise reader.fail(f"{where} must be a table with prompt and inputs")
        unknown = sorted(set(entry) - {"prompt", "inputs"})
        if unknown:
            raise reader.fail(f"{where}: unknown key(s) {', '.join(map(str, unknown))}; "
                              f"allowed: prompt, inputs")
        prompt = entry.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise reader.fail(f"{where}: prompt must be a non-empty string")
        inputs = entry.get("inputs")
        if not isinstance(inputs, dict) or not inputs:
            raise reader.fail(f"{where}: inputs must be a table naming parameters, e.g. "
                              f"inputs = {{ {params[0].name} = ... }}")
        values: dict[str, float] = {}
        for name, raw_value in inputs.items():
            param = by_name.get(name)
            if param is None:
                raise reader.fail(f"{where}: inputs names {_shown(name)}, not a parameter; "
                                  f"parameters: {', '.join(by_name)}")
            value = _kata_number(reader, f"{where}: {name}", raw_value)
            if not param.minimum <= value <= param.maximum:
                raise reader.fail(f"{where}: {name} = {value:g} is outside its domain "
                                  f"[{param.minimum:g}, {param.maximum:g}]")
            if param.integer and value != int(value):
                raise reader.fail(f"{where}: {name} = {value:g} must be a whole number")
            values[name] = value
        out.append(KataFollowUp(prompt=prompt, inputs=values))
    return tuple(out)


def _kata_mapping(reader: ItemReader, params: tuple[KataParam, ...]) -> dict[str, str]:
    raw = reader.raw.get("mapping", {})
    if not isinstance(raw, dict):
        raise reader.fail("mapping must be a table: kata parameter = \"reference parameter\"")
    names = [param.name for param in params]
    mapping: dict[str, str] = {}
    for key, value in raw.items():
        if key not in names:
            raise reader.fail(f"mapping names {_shown(key)}, not a parameter; parameters: "
                              f"{', '.join(names)}")
        mapping[key] = _python_name(reader, value, f"mapping {key}")
    targets = [mapping.get(name, name) for name in names]
    repeated = sorted({target for target in targets if targets.count(target) > 1})
    if repeated:
        raise reader.fail(f"mapping sends two parameters to the reference's {repeated[0]!r}")
    return mapping


def _bounded(reader: ItemReader, key: str, low: float, high: float, default: float,
             low_inclusive: bool) -> float:
    value = reader.number(key)
    if value is None:
        return default
    above = value >= low if low_inclusive else value > low
    if not (above and value <= high):
        sign = "≤" if low_inclusive else "<"
        raise reader.fail(f"{key} must be a number with {low:g} {sign} {key} ≤ {high:g}, "
                          f"not {value:g}")
    return value


def read_kata(reader: ItemReader, deck_id: str) -> Kata:
    """Validate one ``[[katas]]`` table: the function the player writes (a Python name, its
    parameters with SI units and finite domains), the reference and its tolerance, the
    properties and follow-ups (naming declared parameters, values in their domains), and
    the code fields, which are kept as text and never run."""
    _check_keys(reader, _KATA_KEYS)
    common = _common(reader, "kata", deck_id)
    rounds = reader.raw.get("rounds", ["technical_screen"])
    if not isinstance(rounds, list) or not rounds:
        raise reader.fail(f"rounds must be a non-empty list from: {', '.join(ROUNDS)}")
    unknown_rounds = [r for r in rounds if r not in ROUNDS]
    if unknown_rounds:
        raise reader.fail(f"unknown round {_shown(unknown_rounds[0])}; rounds: "
                          f"{', '.join(ROUNDS)}")
    function = _python_name(reader, reader.raw.get("function"), "function")
    params = _kata_params(reader, function)
    return_unit = reader.raw.get("return_unit")
    if not isinstance(return_unit, str) or len(return_unit) > 40:
        raise reader.fail("return_unit must be a string of at most 40 characters (the SI "
                          "unit of the result; \"\" for a probability or a count)")
    bounds = reader.raw.get("bounds", False)
    if not isinstance(bounds, bool):
        raise reader.fail(f"bounds must be true or false, not {_shown(bounds)}")
    minutes = reader.number("target_minutes")
    if minutes is not None and not 0 < minutes <= MAX_TARGET_SECONDS / 60:
        raise reader.fail(f"target_minutes must be positive and at most "
                          f"{MAX_TARGET_SECONDS / 60:g} (a day), not {minutes:g}")
    reference = reader.text("reference")
    if not _REFERENCE_NAME.match(reference):
        raise reader.fail(f"reference {_shown(reference)} must be a model or composition "
                          f"name: lower-case letters, digits and _")
    output = reader.text("output", required=False, default="value")
    if not _REFERENCE_NAME.match(output):
        raise reader.fail(f"output {_shown(output)} must be an output name: lower-case "
                          f"letters, digits and _")
    trials = reader.raw.get("monte_carlo_trials")
    if trials is not None and (isinstance(trials, bool) or not isinstance(trials, int)
                               or not 1 <= trials <= MAX_MONTE_CARLO_TRIALS):
        raise reader.fail(f"monte_carlo_trials must be a whole number from 1 to "
                          f"{MAX_MONTE_CARLO_TRIALS:,}, not {_shown(trials)}")
    cases = reader.raw.get("cases", 60)
    if isinstance(cases, bool) or not isinstance(cases, int) or \
            not MIN_KATA_CASES <= cases <= MAX_KATA_CASES:
        raise reader.fail(f"cases must be a whole number from {MIN_KATA_CASES} to "
                          f"{MAX_KATA_CASES}, not {_shown(cases)}")
    return Kata(
        **common,
        rounds=tuple(rounds),
        function=function,
        params=params,
        returns=reader.text("returns"),
        return_unit=return_unit,
        bounds=bounds,
        starter=_code(reader, "starter", function),
        solution=_code(reader, "solution", function),
        target_minutes=minutes,
        hints=_text_list(reader, "hints", MAX_KATA_NOTES),
        assumptions=_text_list(reader, "assumptions", MAX_KATA_NOTES),
        reference=reference,
        mapping=_kata_mapping(reader, params),
        output=output,
        rel_tolerance=_bounded(reader, "rel_tolerance", 0.0, MAX_TOLERANCE_REL, 0.01,
                               low_inclusive=False),
        abs_tolerance=_bounded(reader, "abs_tolerance", 0.0, MAX_MAGNITUDE, 0.0,
                               low_inclusive=True),
        monte_carlo_trials=trials,
        properties=_kata_properties(reader, params),
        follow_ups=_kata_follow_ups(reader, params),
        cases=cases,
    )


def _read_case(reader: ItemReader, deck_id: str) -> Item:
    """``[[cases]]``: ``content.cases.read_case`` (imported here: it builds on this module)."""
    from content.cases import read_case

    return read_case(reader, deck_id)


_READERS = {"facts": read_fact, "problems": read_problem, "open": read_open,
            "katas": read_kata, "cases": _read_case}


def _parse_deck(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """A deck's TOML and the line of each item id (both kept by the parse cache)."""
    return tomllib.loads(text), _id_lines(text)


def load_deck_text(text: str, file: str, bank: Bank, cache_dir: Path | None = None) -> None:
    """Parse one deck's TOML into ``bank``; bad items are recorded in ``bank.errors``."""
    try:
        data, id_lines = cached_parse(text, file, cache_dir, _parse_deck)
    except tomllib.TOMLDecodeError as error:
        bank.errors.append(ContentError(file, None, _toml_error_line(error),
                                        f"not valid TOML: {error}"))
        return
    except RecursionError:
        bank.errors.append(ContentError(file, None, None, "not readable TOML: arrays or "
                                        "tables nested too deeply for the parser; flatten "
                                        "them (decks need at most a few levels)"))
        return
    except Exception as error:  # a shared deck is untrusted: report it, never crash
        bank.errors.append(ContentError(file, None, None, f"not readable TOML: "
                                        f"{type(error).__name__}: {error}"))
        return
    deck = data.get("deck", {})
    deck_id = deck.get("id") if isinstance(deck, dict) else None
    if not isinstance(deck_id, str) or not deck_id:
        bank.errors.append(ContentError(file, None, 1, "missing [deck] table with an id"))
        return
    unknown = sorted(set(data) - {"deck", *_READERS})
    if unknown:
        bank.errors.append(ContentError(file, None, None,
                                        f"unknown table(s) {', '.join(unknown)}; "
                                        f"use [[facts]], [[problems]], [[open]], [[katas]] or "
                                        f"[[cases]]"))
    bank.decks.append(deck_id)
    for table, reader_fn in _READERS.items():
        raw_items = data.get(table, [])
        if not isinstance(raw_items, list):
            bank.errors.append(ContentError(file, None, None, f"{table} must be [[{table}]]"))
            continue
        for index, raw in enumerate(raw_items):
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            label = raw_id if isinstance(raw_id, str) else f"{table}[{index}] (no id)"
            line = (id_lines.get(raw_id) if isinstance(raw_id, str) else None) or \
                _header_line(text, table, index)
            reader = ItemReader(raw if isinstance(raw, dict) else {}, file, label, line)
            try:
                item = reader_fn(reader, deck_id)
            except DeckError as error:
                bank.errors.append(error.error)
                continue
            except Exception as error:  # an odd shape no check foresaw
                bank.errors.append(ContentError(
                    file, label, line, f"cannot read this item ({type(error).__name__}: "
                    f"{error}); compare it with an item in the built-in decks"))
                continue
            if item.id in bank.items:
                first = bank.items[item.id]
                bank.errors.append(ContentError(
                    file, item.id, line,
                    f"duplicate id; first defined in {first.file}:{first.line}"))
                continue
            bank.items[item.id] = item


def builtin_deck_dir() -> Path:
    return Path(str(resources.files("content").joinpath("decks")))


def deck_files(directory: Path) -> list[Path]:
    """The ``*.toml`` deck files in ``directory``, sorted so loading order is stable."""
    return sorted(p for p in directory.glob("*.toml") if p.is_file())


def load_bank(extra_dirs: Iterable[Path] = (), include_builtin: bool = True,
              cache_dir: Path | None = None) -> Bank:
    """Load the built-in decks, then each extra folder's; errors are collected, not raised.

    ``cache_dir`` keeps parsed TOML between runs (see ``content._toml_cache``)."""
    bank = Bank()
    dirs = ([builtin_deck_dir()] if include_builtin else []) + [Path(d) for d in extra_dirs]
    for directory in dirs:
        if not directory.is_dir():
            bank.errors.append(ContentError(str(directory), None, None,
                                            "deck folder not found"))
            continue
        for path in deck_files(directory):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                bank.errors.append(ContentError(str(path), None, None, f"cannot read: {error}"))
                continue
            load_deck_text(text, str(path), bank, cache_dir)
    return bank
