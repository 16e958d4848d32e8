"""Posing: an item plus a seeded random generator -> a ``Question`` ready to ask and grade.

A fact's reference comes from the hardware catalog or the deck; a problem draws its
parameters, runs its reference model through the registry, and keeps the model's steps so the
player can see the derivation after answering. The same item and seed always pose the same
question, so a review can be replayed from its stored seed.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from content.catalog import Catalog
from content.loader import (
    Fact,
    Figure,
    Item,
    Kata,
    KeyPoint,
    OpenQuestion,
    ParamDraw,
    Problem,
    RedFlag,
)
from engine.models.base import ModelError, Step
from engine.models.registry import get as get_model
from engine.models.registry import run as run_model


class PoseError(ValueError):
    """An item could not be posed (bad model parameters, a unit that does not parse...)."""


@dataclass(frozen=True, slots=True)
class Question:
    """A posed item: what to ask, the reference to grade against, and what to show after."""

    item_id: str
    kind: str
    topic: str
    level: str
    prompt: str
    reference_value: float
    reference_unit: str
    display_unit: str
    tolerance: str
    explanation: str
    source: str
    seed: int
    steps: tuple[Step, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    target_seconds: float | None = None
    answers: tuple[str, ...] = ()
    key_points: tuple[KeyPoint, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    model_answer: str = ""
    rounds: tuple[str, ...] = ()
    #: An open question's own figures (its key points carry theirs), for grading.rubric.
    figures: tuple[Figure, ...] = ()
    #: A case's scenario and reference chain (``engine.cases.PosedCase``); ``None`` otherwise.
    case: Any = None

    @property
    def numeric(self) -> bool:
        """Answered with a number (facts with a value, problems) rather than words."""
        return self.kind in {"fact", "problem"}


_COUNT_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def format_count(value: float) -> str:
    """A count the way people say it: 70e9 -> "70B", 1.5e13 -> "15T", 4096 -> "4,096"."""
    magnitude = abs(value)
    for scale, suffix in _COUNT_SUFFIXES:
        if magnitude >= scale and scale >= 1e6:
            return f"{_sig(value / scale)}{suffix}"
    if value == int(value):
        return f"{int(value):,}"
    return _sig(value)


def _sig(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant figures without trailing zeros."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    return f"{value:.{digits}g}"


def _draw(draw: ParamDraw, rng: Any) -> Any:
    """One parameter value from its draw spec."""
    if draw.choices:
        return draw.choices[int(rng.integers(len(draw.choices)))]
    if draw.minimum is None or draw.maximum is None:
        return draw.fixed
    low, high = draw.minimum, draw.maximum
    if draw.scale == "log":
        value = math.exp(rng.uniform(math.log(low), math.log(high)))
    else:
        value = float(rng.uniform(low, high))
    if draw.step:
        value = round(value / draw.step) * draw.step
    if draw.sig:
        value = float(f"{value:.{draw.sig}g}")
    if draw.integer:
        return round(value)
    return round(value, 12)


def draw_params(problem: Problem, rng: Any) -> tuple[dict[str, Any], str | None]:
    """Draw every parameter; a preset (if any) supplies several at once, with its label."""
    values: dict[str, Any] = {}
    label = None
    if problem.presets:
        preset = problem.presets[int(rng.integers(len(problem.presets)))]
        label = str(preset["label"])
        values.update({k: v for k, v in preset.items() if k != "label"})
    for draw in problem.params:
        values[draw.name] = _draw(draw, rng)
    return values, label


def render_prompt(
    prompt: str,
    values: Mapping[str, Any],
    units: Mapping[str, str],
    catalog: Catalog,
    preset_label: str | None = None,
) -> str:
    """Fill ``{name}`` / ``{name:format}`` placeholders without evaluating anything.

    Formats: none (a readable default), ``count`` (70B), ``int`` (4,096), ``%`` (a fraction as
    a percentage), ``name`` (a catalog id's display name), or a unit such as ``GB/s`` that the
    parameter's SI value is converted into.
    """
    from grading.units import convert, pretty_unit

    pieces: list[str] = []
    for literal, name, spec, _conv in string.Formatter().parse(prompt):
        pieces.append(literal)
        if name is None:
            continue
        if name == "preset" and preset_label is not None:
            pieces.append(preset_label)
            continue
        if name not in values:
            raise PoseError(f"prompt placeholder {{{name}}} names no drawn parameter; "
                            f"parameters: {', '.join(sorted(values)) or '(none)'}")
        value = values[name]
        spec = spec or ""
        if isinstance(value, str):
            if value in catalog and (spec in {"", "name"}):
                pieces.append(catalog.get(value).name)
            else:
                pieces.append(value)
        elif isinstance(value, bool):
            pieces.append("yes" if value else "no")
        elif spec == "count":
            pieces.append(format_count(float(value)))
        elif spec == "int":
            pieces.append(f"{round(value):,}")
        elif spec == "%":
            pieces.append(f"{_sig(float(value) * 100)}%")
        elif spec == "":
            pieces.append(format_count(float(value)))
        else:
            si_unit = units.get(name, "")
            try:
                shown = convert(float(value), si_unit, spec)
            except ValueError as error:
                raise PoseError(f"placeholder {{{name}:{spec}}}: {error}") from None
            pieces.append(f"{_fmt_number(shown)} {pretty_unit(spec) or spec}")
    return "".join(pieces)


def _fmt_number(value: float) -> str:
    """A parameter as a prompt shows it: 1,307 / 3.35 / 1.2e+24 / 0.0005."""
    magnitude = abs(value)
    if value != 0 and (magnitude >= 1e6 or magnitude < 1e-3):
        return f"{value:.3g}"
    if magnitude >= 100 or value == int(value):
        return f"{round(value):,}"
    return _sig(value)


def pose(item: Item, rng: Any, catalog: Catalog, seed: int = 0) -> Question:
    """Turn ``item`` into a ``Question``; ``rng`` is a ``numpy.random.Generator``, or ``None``
    to draw from ``numpy.random.default_rng(seed)`` — numpy is then imported only when a
    problem actually draws parameters (it costs ~0.15 s at startup).

    Items come from decks people share, so whatever goes wrong while posing one — a value
    the loader's checks did not foresee, a model that rejects a draw — raises ``PoseError``
    naming the item, and nothing else: callers skip the item and carry on."""
    try:
        return _pose(item, rng, catalog, seed)
    except PoseError:
        raise
    except Exception as error:  # untrusted content: one error type for every failure
        raise PoseError(f"{getattr(item, 'id', '?')}: cannot be posed "
                        f"({type(error).__name__}: {error})") from error


def _pose(item: Item, rng: Any, catalog: Catalog, seed: int) -> Question:
    """``pose`` without the safety net."""
    if isinstance(item, Fact):
        return _pose_fact(item, catalog, seed)
    if isinstance(item, Problem):
        if rng is None:
            import numpy as np

            rng = np.random.default_rng(seed)
        return _pose_problem(item, rng, catalog, seed)
    if isinstance(item, OpenQuestion):
        return Question(
            item_id=item.id, kind="open", topic=item.topic, level=item.level,
            prompt=item.prompt, reference_value=0.0, reference_unit="", display_unit="",
            tolerance="", explanation=item.explanation, source=item.source, seed=seed,
            target_seconds=item.target_minutes * 60 if item.target_minutes else None,
            key_points=item.key_points, red_flags=item.red_flags,
            model_answer=item.model_answer, rounds=item.rounds, figures=item.figures,
        )
    if isinstance(item, Kata):
        # The player writes a function; its checks (engine.katas.runner) are the grade, so
        # there is no one reference number. The screen reads the kata itself from the bank.
        return Question(
            item_id=item.id, kind="kata", topic=item.topic, level=item.level,
            prompt=item.prompt, reference_value=0.0, reference_unit="",
            display_unit=item.return_unit, tolerance="", explanation=item.explanation,
            source=item.source, seed=seed,
            target_seconds=item.target_minutes * 60 if item.target_minutes else None,
            rounds=item.rounds,
        )
    if item.kind == "case":
        # A chained case: the scenario and its reference chain, graded step by step
        # (engine.cases). Imported here: engine.cases imports this module.
        from engine.cases.pose import pose_case

        posed = pose_case(item, catalog, seed)  # type: ignore[arg-type]
        return Question(
            item_id=item.id, kind="case", topic=item.topic, level=item.level,
            prompt=posed.scenario, reference_value=0.0, reference_unit="", display_unit="",
            tolerance="", explanation=item.explanation, source=item.source, seed=seed,
            params=dict(posed.params), target_seconds=posed.target_seconds,
            key_points=posed.key_points, red_flags=posed.red_flags,
            model_answer=posed.model_answer, rounds=posed.rounds, case=posed,
        )
    raise PoseError(f"{item.id}: items of kind {item.kind!r} cannot be posed as numbers")


def _pose_fact(fact: Fact, catalog: Catalog, seed: int) -> Question:
    if not fact.catalog and fact.value is None:
        return Question(
            item_id=fact.id, kind="text", topic=fact.topic, level=fact.level,
            prompt=fact.prompt, reference_value=0.0, reference_unit="", display_unit="",
            tolerance="", explanation=fact.explanation, source=fact.source, seed=seed,
            target_seconds=fact.target_seconds, answers=fact.answers,
        )
    steps: tuple[Step, ...] = ()
    if fact.catalog:
        try:
            found = catalog.lookup(fact.catalog)
        except ValueError as error:
            raise PoseError(f"{fact.id}: {error}") from None
        value, unit, source = found.value, found.unit, fact.source or found.source
        label = f"{found.entry.name}, {found.field.replace('_', ' ')}"
        steps = (Step(label, value, unit),)
    else:
        value, unit, source = float(fact.value or 0.0), fact.value_unit, fact.source
    if not (math.isfinite(value) and value > 0):
        raise PoseError(f"{fact.id}: the reference value {value!r} is not a finite positive "
                        f"number, so no answer could pass")
    return Question(
        item_id=fact.id, kind="fact", topic=fact.topic, level=fact.level, prompt=fact.prompt,
        reference_value=value, reference_unit=unit, display_unit=fact.unit,
        tolerance=fact.tolerance, explanation=fact.explanation, source=source, seed=seed,
        steps=steps, target_seconds=fact.target_seconds,
    )


def _pose_problem(problem: Problem, rng: Any, catalog: Catalog, seed: int) -> Question:
    try:
        spec = get_model(problem.model)
    except ModelError as error:
        raise PoseError(f"{problem.id}: {error}") from None
    values, label = draw_params(problem, rng)
    model_params = {k: v for k, v in values.items() if spec.param(k) is not None}
    try:
        result = run_model(problem.model, model_params, catalog.accelerators())
    except ModelError as error:
        raise PoseError(f"{problem.id}: {error}") from None
    if problem.output == "value":
        reference, unit = result.value, result.unit
    else:
        output = result.outputs.get(problem.output)
        if not isinstance(output, int | float):
            raise PoseError(
                f"{problem.id}: model {problem.model} has no numeric output "
                f"{problem.output!r}; outputs: {', '.join(result.outputs)}"
            )
        reference, unit = float(output), result.output_units.get(problem.output, "")
    if not math.isfinite(reference):
        raise PoseError(f"{problem.id}: the model gave a non-finite reference {reference}")
    units = {p.name: p.unit for p in spec.params}
    try:
        prompt = render_prompt(problem.prompt, values, units, catalog, label)
    except PoseError as error:
        raise PoseError(f"{problem.id}: {error}") from None
    shown = dict(values)
    if label is not None:
        shown["preset"] = label
    return Question(
        item_id=problem.id, kind="problem", topic=problem.topic, level=problem.level,
        prompt=prompt, reference_value=float(reference), reference_unit=unit,
        display_unit=problem.unit, tolerance=problem.tolerance,
        explanation=problem.explanation, source=problem.source, seed=seed,
        steps=tuple(result.steps), params=shown, target_seconds=problem.target_seconds,
    )

