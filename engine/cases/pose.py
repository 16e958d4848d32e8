"""Posing a case: a seed -> the scenario's numbers, its text, and the reference chain.

Parameters are drawn exactly as a problem's (``engine.questions.draw_params``: the same seed
gives the same scenario), catalog parameters are read from the drawn (or named) catalog
entry, and each step's reference is computed in order from the scenario and the reference
values of earlier steps. Each input is converted once, here, from its source's unit into the
unit its reference takes; the factor is kept (``PosedInput.scale``) so grading can carry a
player's own earlier number forward through the same reference (``evaluate_step``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from content.cases import Case, CaseStep, DecisionStep, StepInput
from content.catalog import Catalog, CatalogError, field_unit
from content.loader import KeyPoint, RedFlag
from engine.cases.references import ReferenceSpec, reference_spec, run_reference
from engine.cases.rules import decide
from engine.models.base import ModelError, Step
from engine.questions import PoseError, draw_params, render_prompt


@dataclass(frozen=True, slots=True)
class PosedInput:
    """One input of a posed step: ``value`` as passed to the reference, in ``unit``.

    ``source``/``ref`` say where it came from, as the deck wrote it. For a ``step`` input,
    ``step_index`` is the earlier step and ``scale`` converts that step's reference unit into
    ``unit`` (a carried-forward number is multiplied by it)."""

    name: str
    source: str
    ref: str
    value: float | str | bool
    unit: str = ""
    step_index: int | None = None
    scale: float = 1.0


@dataclass(frozen=True, slots=True)
class PosedStep:
    """One step of a posed case, with its reference.

    Numeric steps (``kind == "number"``): the answer is read in ``unit`` and graded within
    ``tolerance`` against ``reference_value`` (in ``reference_unit``, SI, the result of
    ``reference`` on ``inputs``); ``reference_display`` is the same in ``unit`` and
    ``display_scale`` converts back (value in ``reference_unit`` = value in ``unit`` ×
    ``display_scale``). Decision steps (``kind == "decision"``): ``right_option`` indexes
    ``options``, computed by ``rule``. ``derivation`` is the show-work steps."""

    index: int
    id: str
    kind: str
    prompt: str
    inputs: tuple[PosedInput, ...]
    derivation: tuple[Step, ...] = ()
    explanation: str = ""
    unit: str = ""
    tolerance: str = ""
    reference: str = ""
    output: str = "value"
    reference_value: float | None = None
    reference_unit: str = ""
    reference_display: float | None = None
    display_scale: float = 1.0
    options: tuple[str, ...] = ()
    rule: str = ""
    right_option: int | None = None

    def reference_text(self) -> str:
        """The reference as the player is shown it: "45 days" or the right option's text."""
        if self.kind == "decision":
            assert self.right_option is not None
            return self.options[self.right_option]
        assert self.reference_display is not None
        return format_in_unit(self.reference_display, self.unit)

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "kind", "prompt", "unit", "reference", ...}``: ``reference`` in the
        step's unit (numbers) or the right option's text (decisions)."""
        shown: dict[str, Any] = {"id": self.id, "kind": self.kind, "prompt": self.prompt,
                                 "unit": self.unit}
        if self.kind == "decision":
            shown.update(reference=self.reference_text(), options=list(self.options),
                         right_option=self.right_option, rule=self.rule)
        else:
            shown.update(reference=self.reference_display, reference_si=self.reference_value,
                         reference_unit=self.reference_unit, tolerance=self.tolerance)
        shown["derivation"] = [step.to_dict() for step in self.derivation]
        return shown


@dataclass(frozen=True, slots=True)
class PosedCase:
    """A case ready to play: the scenario text, its numbers, the reference chain, and the
    closing justification (prompt, model answer, key points, red flags, like an open
    question's). ``params`` holds every scenario parameter (drawn, preset, from the
    catalog) as posed, in the unit ``param_units`` names (SI where none is named; a catalog
    id for a GPU choice). ``accelerators`` keeps the catalog entries a step's model reads
    (``gpu=...``), so grading can recompute without the catalog."""

    item_id: str
    topic: str
    level: str
    seed: int
    scenario: str
    params: Mapping[str, Any]
    param_units: Mapping[str, str]
    steps: tuple[PosedStep, ...]
    justify_prompt: str
    model_answer: str
    key_points: tuple[KeyPoint, ...]
    red_flags: tuple[RedFlag, ...]
    explanation: str
    source: str
    rounds: tuple[str, ...]
    preset: str | None = None
    target_seconds: float | None = None
    accelerators: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "case"

    def to_dict(self) -> dict[str, Any]:
        """The shape ``tpm-drill case show --json`` prints: ``{"id", "seed", "scenario",
        "params": {name: value}, "steps": [{"prompt", "unit", "reference", ...}]}``."""
        return {
            "id": self.item_id,
            "seed": self.seed,
            "scenario": self.scenario,
            "params": dict(self.params),
            "steps": [step.to_dict() for step in self.steps],
        }


def format_in_unit(value: float, unit: str) -> str:
    """``value`` (already in ``unit``) as the game prints numbers: "45 days", "6.3e+24 FLOP"."""
    from grading import units

    return units.format_value(value, unit) if unit else units.format_number(value)


def pose_case(case: Case, catalog: Catalog, seed: int) -> PosedCase:
    """Draw ``case``'s scenario from ``seed`` and compute its reference chain.

    The same case and seed always give the same scenario and references, so a review can be
    replayed from its stored seed. Whatever goes wrong — a catalog reference that names
    nothing, a unit that does not parse or convert, a reference that refuses a draw or gives
    a non-finite or non-positive number — raises ``PoseError`` naming the case and the step,
    and nothing else."""
    try:
        return _pose_case(case, catalog, seed)
    except PoseError as error:
        message = str(error)
        if message.startswith(f"{case.id}:"):
            raise
        raise PoseError(f"{case.id}: {message}") from None
    except Exception as error:  # untrusted content: one error type for every failure
        raise PoseError(f"{getattr(case, 'id', '?')}: cannot be posed "
                        f"({type(error).__name__}: {error})") from error


def _pose_case(case: Case, catalog: Catalog, seed: int) -> PosedCase:
    import numpy as np

    rng = np.random.default_rng(seed)
    values, label = draw_params(case, rng)  # type: ignore[arg-type]  # a Case draws as a Problem
    units = dict(case.param_units)
    for name, ref in case.catalog_params.items():
        found = _catalog_value(catalog, values, ref, f"catalog_params.{name}")
        values[name], units[name] = found
    scenario = _render(case.prompt, values, units, catalog, label, "scenario")
    accelerators: dict[str, Mapping[str, Any]] = {}
    steps = pose_steps(case.steps, values, units, catalog, label, accelerators)
    return PosedCase(
        item_id=case.id, topic=case.topic, level=case.level, seed=seed, scenario=scenario,
        params=values, param_units=units, steps=steps,
        justify_prompt=case.justify_prompt, model_answer=case.model_answer,
        key_points=case.key_points, red_flags=case.red_flags, explanation=case.explanation,
        source=case.source, rounds=case.rounds, preset=label,
        target_seconds=case.target_minutes * 60 if case.target_minutes else None,
        accelerators=accelerators,
    )


def pose_steps(spec_steps: Sequence[CaseStep | DecisionStep], values: Mapping[str, Any],
               units: Mapping[str, str], catalog: Catalog, label: str | None,
               accelerators: dict[str, Mapping[str, Any]], where: str = "step",
               ) -> tuple[PosedStep, ...]:
    """Pose ``spec_steps`` in order: each prompt rendered from ``values``, each reference
    computed from its inputs (parameters in ``values``, catalog fields, constants, earlier
    steps' references). ``accelerators`` collects the catalog entries a step's model reads.
    Shared by a case's chain and an open question's probes (``engine.cases.probes``, with
    no parameters and ``where="probe"``); raises ``PoseError`` naming the step."""
    steps: list[PosedStep] = []
    for index, step in enumerate(spec_steps):
        at = f"{where} {index + 1} ({step.id})"
        prompt = _render(step.prompt, values, units, catalog, label, at)
        if isinstance(step, CaseStep):
            steps.append(_pose_number(step, index, prompt, values, units, catalog, steps,
                                      accelerators, at))
        else:
            steps.append(_pose_decision(step, index, prompt, values, units, catalog, steps,
                                        at))
    return tuple(steps)


def _render(text: str, values: Mapping[str, Any], units: Mapping[str, str], catalog: Catalog,
            label: str | None, where: str) -> str:
    try:
        return render_prompt(text, values, units, catalog, label)
    except PoseError as error:
        raise PoseError(f"{where}: {error}") from None


def _catalog_value(catalog: Catalog, values: Mapping[str, Any], ref: str,
                   where: str) -> tuple[float, str]:
    """``ID.FIELD`` -> (number, unit); ``ID`` may name a parameter holding a catalog id."""
    entry_id, _, field_name = ref.partition(".")
    if entry_id in values:
        drawn = values[entry_id]
        if not isinstance(drawn, str):
            raise PoseError(f"{where}: {ref!r} reads parameter {entry_id}, which holds "
                            f"{drawn!r}, not a catalog id")
        entry_id = drawn
    try:
        found = catalog.lookup(f"{entry_id}.{field_name}")
    except CatalogError as error:
        raise PoseError(f"{where}: {error}") from None
    return found.value, field_unit(field_name)


def _scale(from_unit: str, to_unit: str, where: str) -> float:
    """The factor taking a number in ``from_unit`` to ``to_unit`` (1 when either is a plain
    count or they are the same); ``PoseError`` when the dimensions differ."""
    if not from_unit or not to_unit or from_unit == to_unit:
        return 1.0
    from grading.units import UnitError, convert

    try:
        return convert(1.0, from_unit, to_unit)
    except (UnitError, ValueError) as error:
        raise PoseError(f"{where}: comes in {from_unit!r} but is taken in {to_unit!r} "
                        f"({error})") from None


def _resolve(spec_input: StepInput, values: Mapping[str, Any], units: Mapping[str, str],
             catalog: Catalog, earlier: Sequence[PosedStep],
             where: str) -> tuple[Any, str, int | None]:
    """An input's value, the unit it is in, and the step it comes from (if any)."""
    if spec_input.source == "const":
        return spec_input.value, "", None
    if spec_input.source == "param":
        return values[spec_input.ref], units.get(spec_input.ref, ""), None
    if spec_input.source == "catalog":
        return (*_catalog_value(catalog, values, spec_input.ref, where), None)
    for step in earlier:
        if step.id == spec_input.ref:
            if step.reference_value is None:
                raise PoseError(f"{where}: step {step.id} is a decision, not a number")
            return step.reference_value, step.reference_unit, step.index
    raise PoseError(f"{where}: no earlier step {spec_input.ref!r}")


def _pose_number(step: CaseStep, index: int, prompt: str, values: Mapping[str, Any],
                 units: Mapping[str, str], catalog: Catalog, earlier: Sequence[PosedStep],
                 accelerators: dict[str, Mapping[str, Any]], where: str) -> PosedStep:
    try:
        spec = reference_spec(step.reference)
    except ModelError as error:
        raise PoseError(f"{where}: {error}") from None
    inputs = tuple(_pose_input(spec, spec_input, values, units, catalog, earlier, where)
                   for spec_input in step.inputs)
    known = {p.name: p for p in inputs}
    gpu = known.get("gpu")
    if gpu is not None and isinstance(gpu.value, str) and gpu.value in catalog:
        accelerators[gpu.value] = catalog.accelerators().get(gpu.value, {})
    draft = PosedStep(index=index, id=step.id, kind="number", prompt=prompt, inputs=inputs,
                      reference=step.reference, output=step.output)
    try:
        value, unit, derivation = evaluate_step(draft, [], accelerators)
    except ModelError as error:
        raise PoseError(f"{where}: {error}") from None
    if not (math.isfinite(value) and value > 0):
        raise PoseError(f"{where}: the reference {step.reference} gives {value!r}, not a "
                        f"finite positive number, so no answer could pass")
    from grading.units import UnitError, convert

    # A fraction (unit "") asked for in "%" is shown as a percentage (0.34 -> 34 %), as a
    # problem's "%" answer is; other plain numbers are shown as they come.
    converts = step.unit != unit and (bool(unit) or step.unit == "%")
    try:
        shown = convert(value, unit, step.unit) if converts else value
        display_scale = convert(1.0, step.unit, unit) if converts else 1.0
    except (UnitError, ValueError) as error:
        raise PoseError(f"{where}: the reference is in {unit!r} but the step asks for "
                        f"{step.unit!r}: {error}") from None
    return PosedStep(
        index=index, id=step.id, kind="number", prompt=prompt, inputs=inputs,
        derivation=derivation, explanation=step.explanation, unit=step.unit,
        tolerance=step.tolerance, reference=step.reference, output=step.output,
        reference_value=value, reference_unit=unit, reference_display=shown,
        display_scale=display_scale,
    )


def _pose_input(spec: ReferenceSpec, spec_input: StepInput, values: Mapping[str, Any],
                units: Mapping[str, str], catalog: Catalog, earlier: Sequence[PosedStep],
                where: str) -> PosedInput:
    """One numeric step input, converted into the unit the reference takes it in."""
    inner = f"{where}, input {spec_input.name}"
    if spec_input.name not in spec.param_units:
        raise PoseError(f"{where}: {spec.name} has no parameter {spec_input.name!r}; its "
                        f"parameters: {', '.join(spec.param_units)}")
    value, unit, step_index = _resolve(spec_input, values, units, catalog, earlier, inner)
    wanted = spec.param_units[spec_input.name]
    if isinstance(value, bool) or isinstance(value, str):
        return PosedInput(spec_input.name, spec_input.source, spec_input.ref, value, unit,
                          step_index)
    scale = _scale(unit, wanted, inner)
    return PosedInput(spec_input.name, spec_input.source, spec_input.ref,
                      float(value) * scale, wanted or unit, step_index, scale)


def evaluate_step(step: PosedStep, carried: Sequence[float | None],
                  accelerators: Mapping[str, Mapping[str, Any]] | None = None,
                  ) -> tuple[float, str, tuple[Step, ...]]:
    """Run a numeric step's reference: (value, its unit, derivation).

    With ``carried`` empty, every input is the posed one (the reference chain). Otherwise
    ``carried[i]`` is step ``i``'s number in that step's reference unit (a player's answer,
    or the reference where they asked for it) and replaces the posed value of every input
    that comes from step ``i``. Raises ``ModelError`` when the reference refuses them."""
    arguments: dict[str, Any] = {}
    for posed_input in step.inputs:
        value: Any = posed_input.value
        if carried and posed_input.step_index is not None:
            own = carried[posed_input.step_index]
            if own is not None:
                value = own * posed_input.scale
        arguments[posed_input.name] = value
    result = run_reference(step.reference, arguments, accelerators or None)
    if step.output == "value":
        return float(result.value), result.unit, tuple(result.steps)
    picked = result.outputs.get(step.output)
    if not isinstance(picked, int | float):
        raise ModelError(f"{step.reference} has no numeric output {step.output!r}; outputs: "
                         f"{', '.join(result.outputs) or '(none)'}")
    return float(picked), result.output_units.get(step.output, ""), tuple(result.steps)


def _pose_decision(step: DecisionStep, index: int, prompt: str, values: Mapping[str, Any],
                   units: Mapping[str, str], catalog: Catalog, earlier: Sequence[PosedStep],
                   where: str) -> PosedStep:
    """A decision's inputs, converted to the unit of the first that has one, and its pick."""
    resolved = []
    for spec_input in step.inputs:
        inner = f"{where}, input {spec_input.name}"
        value, unit, step_index = _resolve(spec_input, values, units, catalog, earlier, inner)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PoseError(f"{inner}: a decision compares numbers, not {value!r}")
        resolved.append((spec_input, float(value), unit, step_index))
    common = next((unit for _i, _v, unit, _s in resolved if unit), "")
    inputs = []
    for spec_input, value, unit, step_index in resolved:
        scale = _scale(unit, common, f"{where}, input {spec_input.name}")
        inputs.append(PosedInput(spec_input.name, spec_input.source, spec_input.ref,
                                 value * scale, common if unit else "", step_index, scale))
    right = decide_step(step.rule, inputs, [])
    derivation = tuple(Step(f"{p.name} ({p.source}:{p.ref})" if p.source != "const"
                            else p.name, float(p.value), p.unit)  # type: ignore[arg-type]
                       for p in inputs)
    derivation += (Step(f"Rule {step.rule} picks option {right + 1}: {step.options[right]}",
                        float(right + 1), ""),)
    return PosedStep(index=index, id=step.id, kind="decision", prompt=prompt,
                     inputs=tuple(inputs), derivation=derivation,
                     explanation=step.explanation, options=step.options, rule=step.rule,
                     right_option=right)


def decide_step(rule: str, inputs: Sequence[PosedInput],
                carried: Sequence[float | None]) -> int:
    """The option ``rule`` picks from ``inputs``; with ``carried`` (as in ``evaluate_step``)
    the player's own earlier numbers replace the inputs that come from their steps."""
    named: list[tuple[str, float]] = []
    for posed_input in inputs:
        value = float(posed_input.value)  # type: ignore[arg-type]  # numbers only
        if carried and posed_input.step_index is not None:
            own = carried[posed_input.step_index]
            if own is not None:
                value = own * posed_input.scale
        named.append((posed_input.name, value))
    return decide(rule, named)
