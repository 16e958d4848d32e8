"""``tpm-drill content check``: everything that can be wrong with a deck, found before play.

Beyond the loader's shape checks: every unit parses, a fact's value and its display unit are
the same kind of quantity and its reference is finite and positive, every problem names a
real model and real parameters, and every problem poses for many seeds with a finite
positive reference and no unfilled placeholder. A kata's reference must exist and take its
parameters, evaluate to a finite value at every parameter's edges, at the follow-ups' inputs
and at a few draws, and have the properties the kata asks of the player; its starter and
solution must define its function with its parameters (read with ``ast``, never run).
Whatever a hostile deck holds, each mistake becomes one error line naming its item.

Every independent mistake of an item is reported, not only the first: the loader stops at an
item's first bad field, so an item it refuses is read again one field at a time against a
known-good item (``field_errors``); a problem's unknown parameters are each named; and each
*kind* of failure over the seeds is reported once, with how many seeds fail that way.

Posing every problem for 200 seeds takes a while (~20 s for the built-in bank), so
``check_content`` reports its progress to a callback; ``terminal_progress`` makes one that
keeps a line such as ``checking problems: 23/58`` up to date on a terminal's stderr.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from content.catalog import Catalog, CatalogError, builtin_catalog
from content.loader import (
    ContentError,
    DeckError,
    Fact,
    Item,
    ItemReader,
    Kata,
    OpenQuestion,
    Problem,
    deck_files,
    load_bank,
    read_fact,
    read_kata,
    read_open,
    read_problem,
)
from engine.questions import PoseError, pose

#: Seeds each problem is posed with; DESIGN's bar for a template that is safe to serve.
DEFAULT_SEEDS = 200
#: At most this many kinds of seed failure are told per problem (then how many more).
MAX_SEED_KINDS = 5

#: ``progress(what, done, total, detail="")``: e.g. ``("problems", 23, 58)``; a total of 0
#: while something of unknown size is read (``("decks", 0, 0)``); a ``detail`` such as
#: ``"reliability.failure.mc_wall_clock: seed 120/200"`` while one item takes long.
Progress = Callable[..., None]


@dataclass
class CheckReport:
    """Counts of what loaded cleanly, and every error found."""

    decks: int = 0
    facts: int = 0
    problems: int = 0
    open: int = 0
    katas: int = 0
    cases: int = 0
    errors: list[ContentError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"decks": self.decks, "facts": self.facts, "problems": self.problems,
                "open": self.open, "katas": self.katas, "cases": self.cases,
                "errors": [e.to_dict() for e in self.errors]}


# -- progress -------------------------------------------------------------------------------


class TerminalProgress:
    """Keeps one line on a terminal up to date: ``checking problems: 23/58``; ``close``
    clears it, so what follows starts on a clean line.

    A step to the next item is always drawn; details within an item (a Monte Carlo problem
    posed 200 times takes ~25 s) at most every ``DETAIL_SECONDS``. The line is cut to the
    terminal's width (a wrapped line could not be redrawn in place) and cleaned of control
    characters (item ids come from decks)."""

    DETAIL_SECONDS = 0.2

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False
        self._last_detail = 0.0

    def __call__(self, what: str, done: int, total: int, detail: str = "") -> None:
        import shutil
        import time

        from content.untrusted import clean_text

        if detail:
            now = time.monotonic()
            if now - self._last_detail < self.DETAIL_SECONDS:
                return
            self._last_detail = now
        line = f"checking {what}: {done}/{total}" if total else f"reading {what}…"
        if detail:
            line += f" · {detail}"
        width = shutil.get_terminal_size((80, 24)).columns - 1
        line = clean_text(line)[:max(width, 20)]
        self.stream.write(f"\r\033[K{line}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def terminal_progress(stream: TextIO) -> TerminalProgress | None:
    """A progress line on ``stream`` if it is a terminal; ``None`` for a file or a pipe
    (a log or a script reading stderr gets no carriage returns)."""
    try:
        is_terminal = stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or not a real stream
        return None
    return TerminalProgress(stream) if is_terminal else None


# -- the loader's errors, every field of an item ------------------------------------------

#: Items the loader accepts, one per kind: each field of a refused item is tried in one of
#: these, alone, so a mistake in one field cannot hide a mistake in another.
_GOOD: dict[str, dict[str, Any]] = {
    "facts": {"id": "check.fact", "topic": "check.topic", "level": "L4", "prompt": "p",
              "explanation": "e", "source": "s", "value": 1, "unit": "GB"},
    "problems": {"id": "check.problem", "topic": "check.topic", "level": "L4", "prompt": "p",
                 "explanation": "e", "model": "m", "unit": "GB"},
    "open": {"id": "check.open", "topic": "check.topic", "level": "L4", "prompt": "p",
             "explanation": "e", "rounds": ["technical_depth"], "model_answer": "a",
             "key_points": [{"point": "k", "phrasings": ["key point"]}]},
    "katas": {"id": "check.kata", "topic": "check.topic", "level": "L4", "prompt": "p",
              "explanation": "e", "function": "f", "returns": "r", "return_unit": "s",
              "reference": "m", "starter": "def f(x):\n    pass\n",
              "solution": "def f(x):\n    return x\n",
              "params": [{"name": "x", "unit": "s", "description": "d", "min": 0, "max": 1}]},
}
_READ = {"facts": read_fact, "problems": read_problem, "open": read_open, "katas": read_kata}
#: A kata's fields that name its parameters or its function: tried with the item's own
#: ``params`` (or ``function``) when those read, and left for later when they do not.
_KATA_ON_PARAMS = ("properties", "follow_ups", "mapping")
_KATA_ON_FUNCTION = ("starter", "solution")
#: Fields read together (one decides what the others mean): tried as a group.
_FACT_ANSWER = ("catalog", "value", "value_unit", "answers", "unit", "source")


def _probe(table: str, raw: Mapping[str, Any], file: str, label: str,
           line: int | None) -> str | None:
    """The loader's verdict on ``raw`` (one field or group of a refused item in a good
    item), or ``None`` when it reads."""
    try:
        _READ[table](ItemReader(raw, file, label, line), "check")
    except DeckError as error:
        return error.error.message
    except Exception as error:  # an odd shape no check foresaw
        return f"cannot read this item ({type(error).__name__}: {error})"
    return None


def _probes(table: str, raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A good item with one field (or one group of fields read together) of ``raw`` in it,
    for every field of ``raw``; and one without each required field ``raw`` lacks."""
    good = _GOOD[table]
    out: list[dict[str, Any]] = []
    grouped: set[str] = set()
    if table == "facts":
        grouped = set(_FACT_ANSWER)
        base = {k: v for k, v in good.items() if k not in grouped}
        out.append(base | {k: raw[k] for k in _FACT_ANSWER if k in raw})
    elif table == "problems":
        grouped = {"prompt", "params", "presets"}
        params = raw.get("params", {})
        presets = raw.get("presets")
        if isinstance(params, dict):
            out += [good | {"params": {name: spec}} for name, spec in params.items()]
        else:
            out.append(good | {"params": params})
        if presets is not None:
            out.append(good | {"presets": presets})
        if "prompt" in raw:  # its placeholders against the names declared, all drawn well
            names = {name: 1 for name in params} if isinstance(params, dict) else {}
            probe = good | {"prompt": raw["prompt"], "params": names}
            if presets is not None and _probe(table, good | {"presets": presets},
                                              "", "", None) is None:
                probe["presets"] = presets
            elif presets is not None:  # bad presets are told once; their keys still count
                keys = {k for p in presets if isinstance(p, dict) for k in p
                        if isinstance(k, str) and k != "label"}
                probe["params"] = names | dict.fromkeys(keys, 1) | {"preset": 1}
            out.append(probe)
    elif table == "katas":
        grouped = {"function", *_KATA_ON_PARAMS, *_KATA_ON_FUNCTION}
        for keys, anchor in ((_KATA_ON_PARAMS, "params"), (_KATA_ON_FUNCTION, "function")):
            if anchor not in raw:
                continue  # "missing" is told by the probe without it; dependants wait
            base = good | {anchor: raw[anchor]}
            if anchor == "function" and isinstance(raw[anchor], str):
                stub = f"def {raw[anchor]}(x):\n    pass\n"  # the good item's code, renamed
                base |= {"starter": stub, "solution": stub}
            if anchor == "function":
                out.append(base)  # the function's own probe (params probe below, ungrouped)
            if _probe(table, base, "", "", None) is not None:
                continue  # told by the anchor's own probe; its dependants wait for it
            out += [base | {key: raw[key]} for key in keys if key in raw]
    for key, value in raw.items():
        if key not in grouped:
            out.append(good | {key: value})
    for key in good:
        if key not in raw and key not in grouped:
            out.append({k: v for k, v in good.items() if k != key})
    return out


def field_errors(table: str, raw: Mapping[str, Any], error: ContentError) -> list[ContentError]:
    """Every field the loader refuses in item ``raw`` of ``table``, one error each, the
    loader's own first error leading (it is kept even if no single field explains it)."""
    messages = [error.message]
    if table in _READ and isinstance(raw, Mapping):
        for probe in _probes(table, raw):
            message = _probe(table, probe, error.file, error.item or "", error.line)
            if message is not None and message not in messages:
                messages.append(message)
    return [ContentError(error.file, error.item, error.line, m) for m in messages]


def _raw_items(file: str) -> dict[tuple[str, str], Mapping[str, Any]]:
    """The item tables of deck ``file`` by (table, label as the loader names it)."""
    try:
        data = tomllib.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return {}
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    for table in _READ:
        items = data.get(table)
        if not isinstance(items, list):
            continue
        for index, raw in enumerate(items):
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            label = raw_id if isinstance(raw_id, str) else f"{table}[{index}] (no id)"
            out.setdefault((table, label), raw if isinstance(raw, dict) else {})
    return out


def _every_field(errors: list[ContentError]) -> list[ContentError]:
    """The loader's errors, each refused item's expanded to all its bad fields."""
    out: list[ContentError] = []
    raw_by_file: dict[str, dict[tuple[str, str], Mapping[str, Any]]] = {}
    for error in errors:
        if error.item is None or error.message.startswith("duplicate id"):
            out.append(error)
            continue
        if error.file not in raw_by_file:
            raw_by_file[error.file] = _raw_items(error.file)
        found = [(table, raw) for (table, label), raw in raw_by_file[error.file].items()
                 if label == error.item]
        if len(found) != 1:
            out.append(error)
            continue
        out += field_errors(found[0][0], found[0][1], error)
    return out


# -- what the loader cannot see -----------------------------------------------------------


def _unit_problem(unit: str, want_dimension_of: str | None = None) -> str | None:
    """Why ``unit`` is unusable (does not parse, or differs in kind), or ``None``."""
    from grading.units import UnitError, same_dimension

    try:
        if want_dimension_of is not None and not same_dimension(unit, want_dimension_of):
            return (f"unit {unit!r} is not the same kind of quantity as "
                    f"{want_dimension_of!r}")
        same_dimension(unit, unit)
    except UnitError as error:
        return str(error)
    return None


def _check_fact(fact: Fact, catalog: Catalog) -> list[str]:
    """Why a fact cannot be served: its catalog reference, its units, or a reference value
    no answer could pass (not finite, zero, negative). Each follows from the one before
    (no reference, no unit to compare), so at most one is told."""
    if fact.answers:
        return []
    if fact.catalog:
        try:
            found = catalog.lookup(fact.catalog)
        except CatalogError as error:
            return [str(error)]
        reference_unit = found.unit
    else:
        reference_unit = fact.value_unit
    unit_problem = _unit_problem(fact.unit, reference_unit) or _unit_problem(reference_unit)
    if unit_problem:
        return [unit_problem]
    try:
        pose(fact, None, catalog)
    except PoseError as error:
        return [str(error)]
    return []


def _model_problems(problem: Problem, catalog: Catalog) -> list[str] | None:
    """Every parameter (drawn or set by a preset) the model does not take and every gpu
    choice not in the catalog; ``None`` when the model itself is unknown."""
    from engine.models.base import ModelError
    from engine.models.registry import get as get_model

    try:
        spec = get_model(problem.model)
    except ModelError:
        return None
    valid = ", ".join(p.name for p in spec.params)
    out = []
    preset_keys = {key for preset in problem.presets for key in preset if key != "label"}
    for name in [d.name for d in problem.params] + sorted(preset_keys - {
            d.name for d in problem.params}):
        param = spec.param(name)
        if param is None:
            out.append(f"model {problem.model} has no parameter {name!r}; its parameters: "
                       f"{valid}")
            continue
        if param.kind == "gpu":
            draws = [d for d in problem.params if d.name == name]
            choices = list(draws[0].choices) if draws and draws[0].choices else (
                [draws[0].fixed] if draws else [])
            out += [f"gpu {choice!r} is not in the hardware catalog"
                    for choice in choices if choice not in catalog]
    return out


_NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?([eE][-+]?\d+)?")


def _seed_problems(problem: Problem, catalog: Catalog, seeds: int,
                   on_seed: Callable[[int], None] | None = None) -> list[str]:
    """Pose ``problem`` with every seed; each kind of failure told once, with its first
    seed and how many seeds fail that way (kinds differ in their words, not their
    numbers)."""
    import numpy as np

    from grading.units import UnitError, convert

    kinds: dict[str, list[Any]] = {}  # kind -> [first seed, first message, count]
    for seed in range(seeds):
        if on_seed:
            on_seed(seed)
        try:
            question = pose(problem, np.random.default_rng(seed), catalog, seed)
            shown = convert(question.reference_value, question.reference_unit, problem.unit)
        except (PoseError, UnitError, ValueError, ArithmeticError) as error:
            message = str(error)
        else:
            if not (math.isfinite(shown) and shown > 0):
                message = f"reference {shown!r} {problem.unit} is not finite and positive"
            elif "{" in question.prompt or "}" in question.prompt:
                message = f"prompt has an unfilled placeholder: {question.prompt!r}"
            else:
                continue
        kind = _NUMBER.sub("#", message)
        if kind in kinds:
            kinds[kind][2] += 1
        else:
            kinds[kind] = [seed, message, 1]
    out = []
    for first, message, count in list(kinds.values())[:MAX_SEED_KINDS]:
        also = f" ({count} of {seeds} seeds fail this way)" if count > 1 else ""
        out.append(f"seed {first}: {message}{also}")
    if len(kinds) > MAX_SEED_KINDS:
        out.append(f"and {len(kinds) - MAX_SEED_KINDS} more kinds of failure over the seeds")
    return out


def _check_problem(problem: Problem, catalog: Catalog, seeds: int,
                   on_seed: Callable[[int], None] | None = None) -> list[str]:
    """Every independent reason a problem cannot be served: an unknown model, each unknown
    parameter or gpu, an unusable display unit; posing is tried only when those are
    sound (it would fail on them at every seed), and then each kind of failure is told."""
    from engine.bank import check_item  # the bank's own verdict: never report less

    model_problems = _model_problems(problem, catalog)
    problems = list(model_problems or [])
    unit_problem = _unit_problem(problem.unit)
    if unit_problem:
        problems.append(unit_problem)
    if model_problems is None or problems:
        bank_problem = check_item(problem, catalog)
        if bank_problem and bank_problem not in problems:
            problems.insert(0, bank_problem)
        return problems
    return _seed_problems(problem, catalog, seeds, on_seed)


#: Draws of a kata's parameters its reference is tried at, beside the edges and follow-ups.
KATA_DRAWS = 8


def _kata_draw(kata: Kata, rng: Any) -> dict[str, float]:
    """One point of the kata's domain: log-uniform on a log scale, uniform otherwise,
    rounded for an integer parameter (as the runner draws)."""
    point: dict[str, float] = {}
    for param in kata.params:
        if param.scale == "log":
            value = math.exp(rng.uniform(math.log(param.minimum), math.log(param.maximum)))
        else:
            value = rng.uniform(param.minimum, param.maximum)
        if param.integer:
            value = float(min(max(round(value), param.minimum), param.maximum))
        point[param.name] = value
    return point


def _kata_points(kata: Kata, rng: Any) -> list[tuple[str, dict[str, float]]]:
    """(where, inputs): a few draws, each parameter's edges on the first two draws, and each
    follow-up's inputs on the first draw."""
    draws = [_kata_draw(kata, rng) for _ in range(KATA_DRAWS)]
    points = [(f"draw {index}", draw) for index, draw in enumerate(draws)]
    for param in kata.params:
        for edge in param.edges:
            for draw in draws[:2]:
                points.append((f"{param.name} = {edge:g} (an edge)", draw | {param.name: edge}))
    for index, follow_up in enumerate(kata.follow_ups):
        points.append((f"follow_ups[{index}]", draws[0] | dict(follow_up.inputs)))
    return points


def _shown_inputs(inputs: Mapping[str, float]) -> str:
    return ", ".join(f"{name}={value:g}" for name, value in inputs.items())


def _signature_problems(kata: Kata) -> list[str]:
    """Whether the starter and the solution define the kata's function, at the top level,
    taking exactly its parameters in order. The code is parsed (``ast``), never run."""
    import ast

    wanted = [param.name for param in kata.params]
    out = []
    for field_name in ("starter", "solution"):
        code = getattr(kata, field_name)
        try:
            tree = ast.parse(code, filename=f"{kata.id}.{field_name}")
        except SyntaxError as error:
            out.append(f"{field_name} is not valid Python: line {error.lineno}: {error.msg}")
            continue
        except (ValueError, RecursionError, MemoryError) as error:
            out.append(f"{field_name} cannot be parsed ({type(error).__name__})")
            continue
        defined = [node for node in tree.body
                   if isinstance(node, ast.FunctionDef) and node.name == kata.function]
        if not defined:
            out.append(f"{field_name} does not define {kata.function}() at the top level")
            continue
        arguments = defined[-1].args
        names = [a.arg for a in arguments.posonlyargs + arguments.args]
        if names != wanted or arguments.vararg or arguments.kwonlyargs:
            out.append(f"{field_name}: def {kata.function}({', '.join(names)}) should take "
                       f"the kata's parameters in order: ({', '.join(wanted)})")
    return out


def _breaks_monotone(kind: str, low: float, high: float) -> bool:
    """Whether two reference values (``low`` at the smaller parameter) break ``kind``."""
    slack = 1e-9 * max(abs(low), abs(high))
    if kind == "nondecreasing":
        return high < low - slack
    if kind == "nonincreasing":
        return high > low + slack
    return False


def _check_kata(kata: Kata, catalog: Catalog, seeds: int) -> list[str]:
    """Every reason a kata cannot be served or checked fairly: the bank's verdict (the
    reference and its parameters), code that does not define the function, units that do
    not parse, and a reference that fails, is not finite, gives no standard error to a
    Monte Carlo kata, or lacks a property the kata asks of the player. Each kind of failure
    over the points is told once, with its first point and how many points fail so."""
    import numpy as np

    from engine.bank import check_item
    from engine.katas.references import reference_value
    from engine.models.base import ModelError

    bank_problem = check_item(kata, catalog)
    problems = [bank_problem] if bank_problem else []
    problems += _signature_problems(kata)
    for unit in [kata.return_unit] + [param.unit for param in kata.params]:
        unit_problem = _unit_problem(unit) if unit else None
        if unit_problem and unit_problem not in problems:
            problems.append(unit_problem)
    if bank_problem:
        return problems
    kinds: dict[str, list[Any]] = {}  # kind -> [first message, count, out of what]

    def fail(message: str, kind_of: str | None = None, out_of: str = "") -> None:
        kind = _NUMBER.sub("#", kind_of or message)
        if kind in kinds:
            kinds[kind][1] += 1
        else:
            kinds[kind] = [message, 1, out_of]

    rng = np.random.default_rng(seeds)
    values: dict[int, float] = {}
    stderrs = []
    points = _kata_points(kata, rng)
    for index, (where, inputs) in enumerate(points):
        try:
            reference = reference_value(kata, inputs)
        except (ModelError, ValueError, ArithmeticError) as error:
            fail(f"reference {kata.reference} fails at {where} ({_shown_inputs(inputs)}): "
                 f"{error}", kind_of=f"fails: {error}", out_of=f"{len(points)} points")
            continue
        values[index] = reference.value
        stderrs.append(reference.stderr)
        value = reference.value
        for prop in kata.properties:
            broken = ((prop.kind == "probability" and not 0.0 <= value <= 1.0)
                      or (prop.kind == "positive" and not value > 0.0)
                      or (prop.kind == "nonnegative" and not value >= 0.0))
            if broken:
                fail(f"property {prop.kind}: the reference itself gives {value:g} at {where} "
                     f"({_shown_inputs(inputs)}), so no player could pass it",
                     kind_of=f"property {prop.kind}", out_of=f"{len(points)} points")
    drawn = [index for index in range(KATA_DRAWS) if index in values]
    for prop in kata.properties:
        if prop.param is None:
            continue
        for index in drawn:
            inputs = points[index][1]
            other = _kata_draw(kata, rng)[prop.param]
            pair = inputs | {prop.param: other}
            try:
                moved = reference_value(kata, pair).value
            except (ModelError, ValueError, ArithmeticError):
                continue  # a failing point is told above
            low, high = ((values[index], moved) if inputs[prop.param] <= other
                         else (moved, values[index]))
            if _breaks_monotone(prop.kind, low, high):
                fail(f"property {prop.kind} in {prop.param}: the reference itself breaks it "
                     f"between {prop.param}={inputs[prop.param]:g} and {other:g} "
                     f"({_shown_inputs(inputs)}), so no player could pass it",
                     kind_of=f"property {prop.kind} in {prop.param}",
                     out_of=f"{len(drawn)} pairs")
    if kata.monte_carlo_trials and values and not any(stderrs):
        fail(f"monte_carlo_trials is set but reference {kata.reference} gives no standard "
             f"error (stderr_per_sqrt_trial): a correct simulation would be held to the "
             f"exact tolerance")
    for message, count, out_of in list(kinds.values())[:MAX_SEED_KINDS]:
        also = f" ({count} of {out_of} fail this way)" if count > 1 else ""
        problems.append(message + also)
    if len(kinds) > MAX_SEED_KINDS:
        problems.append(f"and {len(kinds) - MAX_SEED_KINDS} more kinds of failure")
    return problems


def _open_problems(item: OpenQuestion, catalog: Catalog | None = None) -> list[str]:
    """Why an open question's figures cannot be checked (a unit grading cannot read), and
    why its follow-up probes cannot be served (``engine.cases.probes.probe_problem``: the
    bank's own verdict, e.g. a constant not written in the probe's prompt)."""
    figures = [("figures", f) for f in item.figures] + [
        (f"key_points[{index}]: figures", f)
        for index, point in enumerate(item.key_points) for f in point.figures]
    problems = []
    for where, figure in figures:
        problem = _unit_problem(figure.unit) if figure.unit.strip() else None
        if problem:
            problems.append(f"{where} {figure.name!r}: {problem}")
    if item.probes and catalog is not None:
        from engine.cases.probes import probe_problem

        try:
            probe = probe_problem(item, catalog)
        except Exception as error:  # a hostile deck must give an error line, not a crash
            probe = f"probes cannot be checked ({type(error).__name__}: {error})"
        if probe:
            problems.append(probe)
    return problems


def _case_problem(case: Item, catalog: Catalog, seeds: int) -> str | None:
    """Why a case cannot be served: the bank's own check (references, inputs, units, a few
    seeds) — the bank leaves such a case out, so ``content check`` must say why — then the
    case posed for ``seeds`` seeds, each numeric step's reference finite and positive."""
    import math

    from engine.cases import case_problem, pose_case
    from engine.questions import PoseError

    problem = case_problem(case, catalog)  # type: ignore[arg-type]
    if problem:
        return problem
    for seed in range(seeds):
        try:
            posed = pose_case(case, catalog, seed)  # type: ignore[arg-type]
        except PoseError as error:
            return f"seed {seed}: {error}"
        for step in posed.steps:
            value = step.reference_value
            if step.kind == "number" and not (value is not None and math.isfinite(value)
                                              and value > 0):
                return (f"seed {seed}, step {step.index + 1} ({step.id}): the reference is "
                        f"{value!r}, not a finite positive number")
    return None


def _item_error(item: Item, message: str) -> ContentError:
    return ContentError(item.file, item.id, item.line, message)


def check_content(paths: Iterable[Path] = (), seeds: int = DEFAULT_SEEDS,
                  catalog: Catalog | None = None,
                  progress: Progress | None = None) -> CheckReport:
    """Check the built-in bank (no ``paths``) or the user's deck folders/files in ``paths``.

    User decks are loaded beside the built-in bank, so an id that collides with a built-in
    one is reported; only errors and counts from the user's files are returned. ``progress``
    is told how far the checks are: ``("facts", 12, 40)``, then ``("problems", 3, 58)``, then
    ``("katas", 2, 27)``.
    """
    from engine.bank import parse_cache_dir

    catalog = catalog or builtin_catalog()
    folders: list[Path] = []
    user_files: set[str] = set()
    for path in (Path(p).expanduser() for p in paths):
        if path.is_file():
            folders.append(path.parent)
            user_files.add(str(path))
        else:
            folders.append(path)
            user_files.add(str(path))  # a folder-level error ("not found") names the folder
            if path.is_dir():
                user_files.update(str(f) for f in deck_files(path))
    if progress:
        progress("decks", 0, 0)
    bank = load_bank(folders, cache_dir=parse_cache_dir())

    def wanted(file: str) -> bool:
        return not user_files or file in user_files

    report = CheckReport(errors=_every_field([e for e in bank.errors if wanted(e.file)]))
    items = [item for item in bank.items.values() if wanted(item.file)]
    # A deck whose every item was refused is still a deck that was read.
    decks = {item.file for item in items} | {e.file for e in report.errors if e.item}
    for kind, checked in (("facts", [i for i in items if isinstance(i, Fact)]),
                          ("problems", [i for i in items if isinstance(i, Problem)]),
                          ("katas", [i for i in items if isinstance(i, Kata)])):
        for done, item in enumerate(checked, 1):
            if progress:
                progress(kind, done, len(checked))
            try:
                if isinstance(item, Fact):
                    problems = _check_fact(item, catalog)
                elif isinstance(item, Kata):
                    problems = _check_kata(item, catalog, seeds)
                else:
                    assert isinstance(item, Problem)

                    def on_seed(seed: int, done: int = done, total: int = len(checked),
                                item_id: str = item.id) -> None:
                        if progress and seed:
                            progress("problems", done, total, f"{item_id}: seed {seed}/{seeds}")

                    problems = _check_problem(item, catalog, seeds, on_seed)
            except Exception as error:  # a hostile deck must give an error line, not a crash
                problems = [f"cannot be checked ({type(error).__name__}: {error})"]
            report.errors += [_item_error(item, problem) for problem in problems]
    cases = [item for item in items if item.kind == "case"]
    for done, item in enumerate(cases, 1):
        if progress:
            progress("cases", done, len(cases))
        try:
            problem = _case_problem(item, catalog, seeds)
        except Exception as error:  # a hostile deck must give an error line, not a crash
            problem = f"cannot be checked ({type(error).__name__}: {error})"
        if problem:
            report.errors.append(_item_error(item, problem))
    for item in items:
        if isinstance(item, OpenQuestion):
            report.errors += [_item_error(item, problem)
                              for problem in _open_problems(item, catalog)]
    report.facts = sum(isinstance(i, Fact) for i in items)
    report.problems = sum(isinstance(i, Problem) for i in items)
    report.open = sum(isinstance(i, OpenQuestion) for i in items)
    report.katas = sum(isinstance(i, Kata) for i in items)
    report.cases = len(cases)
    for item in items:
        unknown = [other for other in item.related if other not in bank.items]
        if unknown:  # the item still loads; the unknown ids are simply not buried with it
            report.errors.append(_item_error(
                item, f"related names unknown item(s) {', '.join(unknown)}: check the ids "
                "(they must be loaded alongside this deck, built in or in your deck folders)"))
    report.decks = len(decks)
    report.errors.sort(key=lambda e: (e.file, e.line or 0))
    return report
