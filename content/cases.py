"""Cases: chained modelling problems, typed and validated (standard library only).

A case is a scenario with drawn numbers (parameters drawn exactly like a problem's, with
presets) and 3–7 ordered steps. Each numeric step names a reference in engine code (a case
composition in ``engine.cases.references`` or a registered model) and says where each of its
inputs comes from::

    inputs = { compute_flops = "step:compute",              # an EARLIER step's value
               gpus = "param:gpus",                          # a scenario parameter
               peak_flops = "catalog:h100_sxm.bf16_dense_flops",  # a catalog figure
               overhead = 1.1 }                              # a constant

``catalog:ID.FIELD`` reads the catalog entry ``ID``; when ``ID`` names a scenario parameter
(``catalog:gpu.memory_bytes`` with ``gpu = { choices = ["h100_sxm", "b200"] }``) the drawn
entry is read. A decision step picks one of its ``options``; the right pick is computed from
its inputs by a named rule (``DECISION_RULES``), so it changes with the scenario. The case
closes with a "justify it" text answer (``[cases.justify]``: prompt, model answer, key points).

A deck writes one case as::

    [[cases]]
    id = "case.train_budget"
    topic = "training.cost"
    level = "L5"
    rounds = ["technical_screen", "program_design"]
    scenario = "Train {params:count} parameters on {tokens:count} tokens ..."
    explanation = "..."
    [cases.params]              # drawn like [problems.params]
    gpu = { choices = ["h100_sxm", "b200"] }
    [cases.catalog_params]      # scenario parameters read from the catalog
    peak_flops = "gpu.bf16_dense_flops"
    [cases.param_units]         # the unit of a drawn parameter (for {name:UNIT} and steps)
    usd_per_gpu_hour = "USD/hour"
    [[cases.steps]]             # 3 to 7 of them, in order
    id = "compute"
    prompt = "Training compute?"
    unit = "FLOP"
    tolerance = "rel:5%,15%"
    reference = "train_flops"
    inputs = { params = "param:params", tokens = "param:tokens" }
    [cases.justify]
    prompt = "..."
    model_answer = "..."
    [[cases.justify.key_points]]
    point = "..."
    phrasings = ["..."]

This module checks shape and references between the case's own parts (a step input names a
declared parameter, or an earlier numeric step); whether a reference exists, takes those
inputs and returns a number in the step's unit is checked in ``engine.cases.check``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from content.loader import (
    MAX_KEY_POINT_WEIGHT,
    MAX_TARGET_SECONDS,
    MAX_VALUE_CHARS,
    ROUNDS,
    DeckError,
    Item,
    ItemReader,
    KeyPoint,
    ParamDraw,
    RedFlag,
    _check_keys,
    _check_placeholders,
    _common,
    _phrasings,
    _shown,
    _tolerance,
    is_number,
    number_problem,
    prompt_fields,
    read_draws_and_presets,
    read_red_flags,
)

#: Fewest and most steps a case may have.
MIN_STEPS = 3
MAX_STEPS = 7
#: Most inputs one step may name, and most options a decision may offer.
MAX_INPUTS = 12
MIN_OPTIONS = 2
MAX_OPTIONS = 6
#: Where a step input may come from.
INPUT_SOURCES = ("param", "catalog", "step")
#: The rules a decision step may name, and what each computes. ``lowest``/``highest``: the
#: option whose input is lowest/highest (one input per option, matched in the order they are
#: written); ``at_most``: inputs ``value`` and ``limit``, the first of two options when
#: value <= limit, else the second. ``engine.cases.rules`` implements exactly these.
DECISION_RULES: dict[str, str] = {
    "lowest": "the option whose input is lowest (inputs in option order)",
    "highest": "the option whose input is highest (inputs in option order)",
    "at_most": "options[0] when value <= limit, else options[1]",
}

#: A step id, an input name or a parameter name: a plain lower-case identifier.
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
#: ``ID.FIELD`` of a catalog reference (ids and fields are identifiers; ids may hold '-').
_CATALOG_REF = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_\-]{0,63})\.([A-Za-z_][A-Za-z0-9_]{0,63})$")
#: A reference name: a composition or model, e.g. ``train_flops`` or ``case.days``.
_REFERENCE = re.compile(r"^[a-z_][a-z0-9_.]{0,79}$")
#: A unit as a deck writes it ("FLOP/s", "GPU*hour", "USD/hour"); parsed by the engine.
_UNIT = re.compile(r"^[A-Za-z0-9%/*^.·µμ _()\-]{0,40}$")


@dataclass(frozen=True, slots=True)
class StepInput:
    """Where one input of a step comes from.

    ``source`` is ``"param"`` (``ref`` names a scenario parameter), ``"catalog"`` (``ref`` is
    ``ID.FIELD``; ``ID`` may name a parameter holding a catalog id), ``"step"`` (``ref`` is an
    earlier step's id: the value is carried forward) or ``"const"`` (``value`` holds it).
    ``name`` is the reference's parameter the value is passed as.
    """

    name: str
    source: str
    ref: str = ""
    value: float | bool | None = None

    def describe(self) -> str:
        """The input as the deck wrote it: ``step:compute``, ``param:gpus``, ``1.1``."""
        return f"{self.source}:{self.ref}" if self.source != "const" else repr(self.value)


@dataclass(frozen=True, slots=True)
class CaseStep:
    """A numeric step: the player's number (read in ``unit``, graded within ``tolerance``)
    against ``reference`` (a case composition or a registered model) run on ``inputs``;
    ``output`` picks a side output of the reference instead of its value."""

    id: str
    prompt: str
    unit: str
    reference: str
    inputs: tuple[StepInput, ...]
    tolerance: str = "rel:5%,15%"
    output: str = "value"
    explanation: str = ""

    @property
    def kind(self) -> str:
        return "number"


@dataclass(frozen=True, slots=True)
class DecisionStep:
    """A decision: pick one of ``options``; the right one is ``rule`` (see
    ``DECISION_RULES``) applied to ``inputs``, so it follows the numbers of the scenario."""

    id: str
    prompt: str
    options: tuple[str, ...]
    rule: str
    inputs: tuple[StepInput, ...]
    explanation: str = ""
    #: Whether the right option changes across the scenario's draws (the default, and what
    #: a test checks over 200 seeds); ``swings = false`` marks a decision meant to hold
    #: (e.g. "does it fit?" where the presets never fit), so the test does not ask it to.
    swings: bool = True

    @property
    def kind(self) -> str:
        return "decision"


@dataclass(frozen=True, slots=True)
class Case(Item):
    """A chained modelling case: ``prompt`` is the scenario template (``{placeholders}``
    filled from drawn parameters, as a problem's prompt), ``steps`` are graded in order,
    each against the reference chain and against the chain recomputed from the player's own
    earlier answers; ``justify_prompt`` asks for the closing written justification, scored
    on ``key_points`` like an open question.

    ``params`` and ``presets`` are drawn exactly like a problem's; ``catalog_params`` adds
    parameters read from the catalog (name -> ``ID.FIELD``, ``ID`` a literal catalog id or a
    parameter holding one); ``param_units`` gives the unit of drawn parameters (SI unless the
    name says otherwise: ``usd_per_gpu_hour`` is in ``USD/hour``)."""

    rounds: tuple[str, ...] = ()
    params: tuple[ParamDraw, ...] = ()
    presets: tuple[Mapping[str, Any], ...] = ()
    catalog_params: Mapping[str, str] = field(default_factory=dict)
    param_units: Mapping[str, str] = field(default_factory=dict)
    steps: tuple[CaseStep | DecisionStep, ...] = ()
    justify_prompt: str = ""
    model_answer: str = ""
    key_points: tuple[KeyPoint, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    target_minutes: float | None = None

    @property
    def scenario(self) -> str:
        """The scenario template (the item's prompt)."""
        return self.prompt

    def parameter_names(self) -> set[str]:
        """Every scenario parameter: drawn, set by presets, read from the catalog."""
        preset_keys = {key for preset in self.presets for key in preset if key != "label"}
        return {d.name for d in self.params} | preset_keys | set(self.catalog_params)


_CASE_KEYS = {"id", "topic", "level", "scenario", "explanation", "source", "related",
              "rounds", "params", "presets", "catalog_params", "param_units", "steps",
              "justify", "target_minutes"}
_NUMBER_STEP_KEYS = {"id", "kind", "prompt", "unit", "tolerance", "reference", "output",
                     "inputs", "explanation"}
_DECISION_STEP_KEYS = {"id", "kind", "prompt", "options", "rule", "inputs", "explanation",
                       "swings"}
_JUSTIFY_KEYS = {"prompt", "model_answer", "key_points", "red_flags"}


class _PartReader(ItemReader):  # type: ignore[misc,valid-type,unused-ignore]
    """A reader for one part of a case (a step, the justify table): its errors name the
    item and line as usual and say which part, e.g. "steps[2] (days): missing 'unit'"."""

    def __init__(self, parent: Any, raw: Mapping[str, Any], where: str) -> None:
        super().__init__(raw, parent.file, parent.item_id, parent.line)
        self.where = where

    def fail(self, message: str) -> DeckError:
        return super().fail(f"{self.where}: {message}")


def read_case(reader: Any, deck_id: str) -> Case:
    """Validate one ``[[cases]]`` table into a ``Case``; every problem raises a ``DeckError``
    naming the file, the item, its line and the part of the case (``steps[2] (days): ...``).

    ``reader`` is the loader's item reader (``content.loader.ItemReader``). Checked here:
    the common item keys, rounds, draws and presets (as problems'), catalog parameters,
    parameter units, placeholders in the scenario and step prompts, 3–7 steps with unique
    ids, each input from a declared parameter, a catalog field, a constant (finite) or an
    EARLIER numeric step, tolerances as problems' (``rel:5%,15%``, ``log:1.25,2``),
    decision rules and their inputs, and the closing justification."""
    _check_keys(reader, _CASE_KEYS)  # a case has a scenario, not a prompt
    scenario = reader.text("scenario")
    common = _common(ItemReader({**reader.raw, "prompt": scenario}, reader.file,
                                reader.item_id, reader.line), "case", deck_id)
    rounds = _rounds(reader)
    draws, presets = read_draws_and_presets(reader, "cases", _PARAM_NAME)
    catalog_params = _catalog_params(reader, {d.name for d in draws}, presets)
    preset_keys = {key for preset in presets for key in preset if key != "label"}
    names = {d.name for d in draws} | preset_keys | set(catalog_params)
    param_units = _param_units(reader, names - set(catalog_params), set(catalog_params))
    placeholders = names | ({"preset"} if presets else set())
    _check_placeholders(reader, scenario, placeholders)
    _check_preset_coverage(reader, scenario, draws, presets, catalog_params, "scenario")
    steps = _steps(reader, names, placeholders, draws, presets, catalog_params)
    justify_prompt, model_answer, key_points, red_flags = _justify(reader)
    minutes = reader.number("target_minutes")
    if minutes is not None and not 0 < minutes <= MAX_TARGET_SECONDS / 60:
        raise reader.fail(f"target_minutes must be positive and at most "
                          f"{MAX_TARGET_SECONDS / 60:g} (a day), not {minutes:g}")
    return Case(
        **common,
        rounds=rounds,
        params=draws,
        presets=presets,
        catalog_params=catalog_params,
        param_units=param_units,
        steps=steps,
        justify_prompt=justify_prompt,
        model_answer=model_answer,
        key_points=key_points,
        red_flags=red_flags,
        target_minutes=minutes,
    )


def _rounds(reader: Any) -> tuple[str, ...]:
    rounds = reader.raw.get("rounds")
    if not isinstance(rounds, list) or not rounds:
        raise reader.fail(f"rounds must be a non-empty list from: {', '.join(ROUNDS)}")
    unknown = [r for r in rounds if r not in ROUNDS]
    if unknown:
        raise reader.fail(f"unknown round {_shown(unknown[0])}; rounds: {', '.join(ROUNDS)}")
    if len(set(rounds)) != len(rounds):
        raise reader.fail("rounds names a round twice")
    return tuple(rounds)


def _catalog_params(reader: Any, drawn: set[str],
                    presets: tuple[Mapping[str, Any], ...]) -> dict[str, str]:
    """``[cases.catalog_params]``: name -> ``ID.FIELD`` (``ID`` a catalog id, or a drawn or
    preset parameter whose value is one)."""
    raw = reader.raw.get("catalog_params", {})
    if not isinstance(raw, dict):
        raise reader.fail('catalog_params must be a table: [cases.catalog_params], e.g. '
                          'peak_flops = "gpu.bf16_dense_flops"')
    preset_keys = {key for preset in presets for key in preset if key != "label"}
    found: dict[str, str] = {}
    for name, ref in raw.items():
        where = f"catalog_params.{name}"
        if not _PARAM_NAME.match(name):
            raise reader.fail(f"{where}: the name must be an identifier")
        if name in drawn or name in preset_keys:
            raise reader.fail(f"{where}: {name} is also drawn under [cases.params] or set by "
                              f"a preset; give it one source")
        if not isinstance(ref, str) or not _CATALOG_REF.match(ref):
            raise reader.fail(f"{where} must look like 'h100_sxm.bf16_dense_flops' or "
                              f"'gpu.bf16_dense_flops' (gpu a parameter), not {_shown(ref)}")
        found[name] = ref
    return found


def _param_units(reader: Any, names: set[str], from_catalog: set[str]) -> dict[str, str]:
    """``[cases.param_units]``: the unit of drawn and preset parameters (a catalog
    parameter has its field's unit)."""
    raw = reader.raw.get("param_units", {})
    if not isinstance(raw, dict):
        raise reader.fail('param_units must be a table: [cases.param_units], e.g. '
                          'usd_per_gpu_hour = "USD/hour"')
    for name, unit in raw.items():
        if name in from_catalog:
            raise reader.fail(f"param_units.{name}: {name} is read from the catalog, in its "
                              f"field's unit; leave it out here")
        if name not in names:
            raise reader.fail(f"param_units.{name} names no parameter; parameters: "
                              f"{', '.join(sorted(names)) or '(none)'}")
        if not isinstance(unit, str) or not _UNIT.match(unit):
            raise reader.fail(f"param_units.{name} must be a unit such as \"FLOP/s\" or "
                              f"\"USD/hour\" (at most 40 characters), not {_shown(unit)}")
    return dict(raw)


def _check_preset_coverage(reader: Any, text: str, draws: tuple[ParamDraw, ...],
                           presets: tuple[Mapping[str, Any], ...],
                           catalog_params: Mapping[str, str], where: str) -> None:
    """A placeholder filled only by presets must be set by every preset."""
    always = {d.name for d in draws} | set(catalog_params) | {"preset"}
    for name, _spec in prompt_fields(text):
        lacking = [i for i, p in enumerate(presets) if name not in always and name not in p]
        if lacking:
            raise reader.fail(f"{where} placeholder {{{name}}}: presets[{lacking[0]}] does "
                              f"not set {name}; set it in every preset or under "
                              f"[cases.params]")


def _steps(reader: Any, names: set[str], placeholders: set[str],
           draws: tuple[ParamDraw, ...], presets: tuple[Mapping[str, Any], ...],
           catalog_params: Mapping[str, str]) -> tuple[CaseStep | DecisionStep, ...]:
    raw_steps = reader.raw.get("steps")
    if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        raise reader.fail("steps must be an array of tables: [[cases.steps]]")
    if not MIN_STEPS <= len(raw_steps) <= MAX_STEPS:
        raise reader.fail(f"a case has {MIN_STEPS} to {MAX_STEPS} steps, not "
                          f"{len(raw_steps)}")
    return read_steps(reader, raw_steps, "steps", names, placeholders, draws, presets,
                      catalog_params)


def read_steps(reader: Any, raw_steps: list[Mapping[str, Any]], label: str,
               names: set[str], placeholders: set[str], draws: tuple[ParamDraw, ...],
               presets: tuple[Mapping[str, Any], ...], catalog_params: Mapping[str, str],
               kinds: tuple[str, ...] = ("number", "decision"),
               ) -> tuple[CaseStep | DecisionStep, ...]:
    """Read an ordered list of step tables (a case's ``steps``, an open question's
    ``probes``): each error names the part as ``{label}[i] (id)``. ``names`` are the
    parameters a ``param:`` input may name, ``placeholders`` those a prompt may use, and
    ``kinds`` the step kinds allowed (an open question's probes are numbers only). The
    count of steps is the caller's to check."""
    steps: list[CaseStep | DecisionStep] = []
    numeric_ids: list[str] = []
    all_ids = [s.get("id") for s in raw_steps]
    for index, raw in enumerate(raw_steps):
        step_id = raw.get("id")
        where = f"{label}[{index}]" + (f" ({step_id})" if isinstance(step_id, str)
                                       and _NAME.match(step_id) else "")
        part = _PartReader(reader, raw, where)
        if not isinstance(step_id, str) or not _NAME.match(step_id):
            raise part.fail(f"id must be a lower-case identifier such as \"days\" "
                            f"(letters, digits, _; at most 40), not {_shown(step_id)}")
        if step_id in [s.id for s in steps]:
            raise part.fail(f"step id {step_id!r} is used twice")
        kind = raw.get("kind", "number")
        if kind not in kinds:
            shown_kinds = " or ".join(f"\"{k}\"" for k in kinds)
            raise part.fail(f"kind must be {shown_kinds}, not {_shown(kind)}")
        _check_keys(part, _NUMBER_STEP_KEYS if kind == "number" else _DECISION_STEP_KEYS)
        prompt = part.text("prompt")
        _check_placeholders(part, prompt, placeholders)
        _check_preset_coverage(part, prompt, draws, presets, catalog_params, "prompt")
        explanation = part.text("explanation", required=False)
        inputs = _inputs(part, names, numeric_ids, all_ids, index)
        if kind == "number":
            if "unit" not in raw:
                raise part.fail("missing 'unit' (the unit the answer is read in; \"\" for a "
                                "plain number)")
            unit = part.text("unit", required=False)
            if not _UNIT.match(unit):
                raise part.fail(f"unit {_shown(unit)} must be a unit such as \"FLOP\" or "
                                f"\"GPU*hour\" (at most 40 characters)")
            reference = part.text("reference")
            if not _REFERENCE.match(reference):
                raise part.fail(f"reference {_shown(reference)} must name a case "
                                f"composition or a model, e.g. \"train_flops\"")
            output = part.text("output", required=False, default="value")
            if not _PARAM_NAME.match(output):
                raise part.fail(f"output {_shown(output)} must be an output name such as "
                                f"\"days\"")
            steps.append(CaseStep(id=step_id, prompt=prompt, unit=unit, reference=reference,
                                  inputs=inputs, tolerance=_tolerance(part), output=output,
                                  explanation=explanation))
            numeric_ids.append(step_id)
        else:
            steps.append(_decision(part, step_id, prompt, inputs, explanation))
    return tuple(steps)


def _inputs(part: Any, names: set[str], earlier: list[str], all_ids: list[Any],
            index: int) -> tuple[StepInput, ...]:
    """A step's ``inputs`` table: input name -> ``param:``/``catalog:``/``step:`` source or a
    constant. ``earlier`` holds the numeric steps before this one."""
    raw = part.raw.get("inputs")
    if not isinstance(raw, dict) or not raw:
        raise part.fail('inputs must be a non-empty table, e.g. inputs = { params = '
                        '"param:params", compute_flops = "step:compute" }')
    if len(raw) > MAX_INPUTS:
        raise part.fail(f"inputs names {len(raw)} inputs; at most {MAX_INPUTS}")
    found: list[StepInput] = []
    for name, spec in raw.items():
        where = f"input {name!r}"
        if not _PARAM_NAME.match(name):
            raise part.fail(f"input name {_shown(name)} must be an identifier such as gpus")
        if isinstance(spec, bool):
            found.append(StepInput(name, "const", value=spec))
            continue
        if is_number(spec):
            problem = number_problem(spec)
            if problem:
                raise part.fail(f"{where} {problem}")
            found.append(StepInput(name, "const", value=float(spec)))
            continue
        if not isinstance(spec, str) or ":" not in spec:
            raise part.fail(f"{where} must be \"param:NAME\", \"catalog:ID.FIELD\", "
                            f"\"step:ID\" or a number, not {_shown(spec)}")
        source, _, ref = spec.partition(":")
        if source not in INPUT_SOURCES:
            raise part.fail(f"{where}: unknown source {_shown(source)} in {_shown(spec)}; "
                            f"use param:, catalog:, step: or a number")
        if source == "param" and ref not in names:
            raise part.fail(f"{where}: {_shown(spec)} names no parameter; parameters: "
                            f"{', '.join(sorted(names)) or '(none)'}")
        if source == "catalog" and not _CATALOG_REF.match(ref):
            raise part.fail(f"{where}: {_shown(spec)} must look like "
                            f"\"catalog:h100_sxm.memory_bytes\"")
        if source == "step":
            if ref in earlier:
                pass
            elif ref == all_ids[index]:
                raise part.fail(f"{where}: {_shown(spec)} refers to the step itself")
            elif ref in all_ids[index + 1:]:
                raise part.fail(f"{where}: {_shown(spec)} is a forward reference: a step "
                                f"takes only EARLIER steps' values")
            elif ref in all_ids[:index]:
                raise part.fail(f"{where}: {_shown(spec)} is a decision step, which gives "
                                f"no number to carry forward")
            else:
                shown = ", ".join(earlier) or "(none: this is the first numeric step)"
                raise part.fail(f"{where}: {_shown(spec)} names no step; earlier numeric "
                                f"steps: {shown}")
        found.append(StepInput(name, source, ref))
    return tuple(found)


def _decision(part: Any, step_id: str, prompt: str, inputs: tuple[StepInput, ...],
              explanation: str) -> DecisionStep:
    options = part.raw.get("options")
    if not isinstance(options, list) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise part.fail(f"options must be a list of {MIN_OPTIONS} to {MAX_OPTIONS} strings")
    for index, option in enumerate(options):
        if not isinstance(option, str) or not option.strip() or len(option) > MAX_VALUE_CHARS:
            raise part.fail(f"options[{index}] must be a non-empty string of at most "
                            f"{MAX_VALUE_CHARS} characters")
    folded = [" ".join(o.split()).casefold() for o in options]
    if len(set(folded)) != len(folded):
        raise part.fail("two options read the same")
    rule = part.text("rule")
    if rule not in DECISION_RULES:
        raise part.fail(f"unknown rule {_shown(rule)}; rules: " + "; ".join(
            f"{name}: {what}" for name, what in DECISION_RULES.items()))
    names = [i.name for i in inputs]
    if rule in ("lowest", "highest") and len(inputs) != len(options):
        raise part.fail(f"rule {rule} takes one input per option, in order: "
                        f"{len(options)} options but {len(inputs)} inputs")
    if rule == "at_most":
        if sorted(names) != ["limit", "value"]:
            raise part.fail(f"rule at_most takes inputs value and limit, not "
                            f"{', '.join(names)}")
        if len(options) != 2:
            raise part.fail("rule at_most takes two options: [when value <= limit, "
                            "otherwise]")
    if any(i.source == "const" and isinstance(i.value, bool) for i in inputs):
        raise part.fail("a decision compares numbers: true/false is not an input")
    swings = part.raw.get("swings", True)
    if not isinstance(swings, bool):
        raise part.fail(f"swings must be true or false, not {_shown(swings)}")
    return DecisionStep(id=step_id, prompt=prompt, options=tuple(options), rule=rule,
                        inputs=inputs, explanation=explanation, swings=swings)


def _justify(reader: Any) -> tuple[str, str, tuple[KeyPoint, ...], tuple[RedFlag, ...]]:
    """``[cases.justify]``: the closing written answer, scored like an open question."""
    raw = reader.raw.get("justify")
    if not isinstance(raw, dict):
        raise reader.fail("missing [cases.justify] with prompt, model_answer and "
                          "[[cases.justify.key_points]]")
    part = _PartReader(reader, raw, "justify")
    _check_keys(part, _JUSTIFY_KEYS)
    prompt = part.text("prompt")
    model_answer = part.text("model_answer")
    raw_points = raw.get("key_points")
    if not isinstance(raw_points, list) or not raw_points:
        raise part.fail("key_points must be a non-empty array of tables: "
                        "[[cases.justify.key_points]]")
    points = []
    for index, point in enumerate(raw_points):
        where = f"key_points[{index}]"
        if not isinstance(point, dict) or not isinstance(point.get("point"), str):
            raise part.fail(f"{where}: needs point = \"...\" and phrasings = [...]")
        extra = set(point) - {"point", "phrasings", "weight"}
        if extra:
            raise part.fail(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        weight = point.get("weight", 1.0)
        if number_problem(weight, MAX_KEY_POINT_WEIGHT) or weight <= 0:
            raise part.fail(f"{where}: weight must be a positive number up to "
                            f"{MAX_KEY_POINT_WEIGHT:g}, not {_shown(weight)}")
        points.append(KeyPoint(point["point"], _phrasings(part, point.get("phrasings"), where),
                               float(weight)))
    flags = read_red_flags(part, raw.get("red_flags", []), "cases.justify.red_flags")
    return prompt, model_answer, tuple(points), flags
