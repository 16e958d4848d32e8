"""What a case step is computed by: case compositions here, or registered models.

A numeric step names its reference: first a composition registered here with
``@composition`` (engine code that chains a model's pieces so a step can take an earlier
step's number, e.g. training time from a compute figure rather than from parameters and
tokens), else a model in ``engine.models.registry``. Each composition declares the unit it
takes every parameter in and the unit of its result, so posing converts each input from its
source's unit (``catalog:`` fields, ``param_units``, an earlier step's reference unit) into
the unit the reference wants, and carries a player's answer forward the same way.

The contract case ``case.train_budget`` (issue 14) chains ``train_flops`` (C = 6·N·D) into
the three compositions below: training time from compute, GPU-hours from training time, cost
from GPU-hours. Nothing here runs deck text: a deck only names what engine code defines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.models.base import ModelError, Result, Step

SECONDS_PER_DAY = 86_400.0
SECONDS_PER_HOUR = 3_600.0


@dataclass(frozen=True, slots=True)
class CaseComposition:
    """A reference a case step can name: ``function`` takes ``param_units``' keys as keyword
    arguments, each in its unit, and returns a ``Result`` in ``unit``."""

    name: str
    function: Callable[..., Result]
    param_units: Mapping[str, str]
    unit: str
    formula: str


@dataclass(frozen=True, slots=True)
class ReferenceSpec:
    """What posing needs to know of a step's reference, composition or model alike:
    the unit each parameter is taken in (``""`` for a count or a fraction), which of them
    must be given, and the unit of the result's value."""

    name: str
    kind: str  # "composition" | "model"
    param_units: Mapping[str, str]
    required: frozenset[str]
    unit: str
    text_params: frozenset[str] = field(default_factory=frozenset)


COMPOSITIONS: dict[str, CaseComposition] = {}


def composition(name: str, param_units: Mapping[str, str], unit: str,
                formula: str) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Register ``function`` as the case reference ``name`` (a step writes
    ``reference = name``), taking ``param_units``' keys in those units."""

    def register(function: Callable[..., Result]) -> Callable[..., Result]:
        if name in COMPOSITIONS:
            raise RuntimeError(f"case reference {name!r} registered twice")
        COMPOSITIONS[name] = CaseComposition(name, function, dict(param_units), unit, formula)
        return function

    return register


def reference_spec(name: str) -> ReferenceSpec:
    """The spec of composition or model ``name``, or a ``ModelError`` listing both kinds."""
    if name in COMPOSITIONS:
        found = COMPOSITIONS[name]
        return ReferenceSpec(name, "composition", found.param_units,
                             frozenset(found.param_units), found.unit)
    from engine.models.registry import get, models

    try:
        spec = get(name)
    except ModelError:
        raise ModelError(
            f"unknown reference {name!r}: name a case composition "
            f"({', '.join(sorted(COMPOSITIONS))}) or a model ({', '.join(models())})"
        ) from None
    return ReferenceSpec(
        name, "model", {p.name: p.unit for p in spec.params},
        frozenset(p.name for p in spec.params if p.required), spec.unit,
        frozenset(p.name for p in spec.params if p.kind in ("gpu", "choice", "bool")),
    )


def run_reference(name: str, inputs: Mapping[str, Any],
                  accelerators: Mapping[str, Mapping[str, Any]] | None = None) -> Result:
    """Run composition or model ``name`` on ``inputs`` (already in the units it takes).

    Every failure (an unknown or missing parameter, a value the reference refuses, an
    overflow) is a ``ModelError`` naming the reference."""
    if name not in COMPOSITIONS:
        from engine.models.registry import run

        return run(name, inputs, accelerators)
    found = COMPOSITIONS[name]
    unknown = sorted(set(inputs) - set(found.param_units))
    missing = sorted(set(found.param_units) - set(inputs))
    if unknown or missing:
        wrong = (f"unknown parameter {', '.join(unknown)}" if unknown
                 else f"missing parameter {', '.join(missing)}")
        raise ModelError(f"{name}: {wrong}; parameters: {', '.join(found.param_units)}")
    for key, value in inputs.items():
        if not isinstance(value, int | float) or isinstance(value, bool) \
                or not math.isfinite(value):
            raise ModelError(f"{name}: {key} must be a finite number, not {value!r}")
    try:
        return found.function(**inputs)
    except ModelError:
        raise
    except (ValueError, ZeroDivisionError, OverflowError, TypeError) as error:
        raise ModelError(f"{name}: {error}") from None


def _positive(**values: float) -> None:
    for key, value in values.items():
        if not value > 0:
            raise ValueError(f"{key} must be positive, not {value:g}")


@composition("training_seconds_from_compute",
             {"compute_flops": "FLOP", "gpus": "", "peak_flops": "FLOP/s", "mfu": ""},
             "s", "t = C / (gpus · peak · MFU)")
def training_seconds_from_compute(compute_flops: float, gpus: float, peak_flops: float,
                                  mfu: float) -> Result:
    """Wall-clock training time t = C / (n · peak · MFU), in s (days = t / 86,400).

    Variables: C = ``compute_flops`` (total training FLOP, e.g. 6·N·D), n = ``gpus``,
    peak = ``peak_flops`` (dense FLOP/s per GPU), MFU = ``mfu`` (fraction of peak achieved).
    Source: jax-ml "How to Scale Your Model", applied-training chapter: t = C/(chips·peak·MFU).
    Worked example: 6.3e24 FLOP on 4,096 GPUs of 989 TFLOP/s at 40 % MFU →
    6.3e24 / (4096 · 9.89e14 · 0.4) = 3.89e6 s = 45.0 days.
    """
    _positive(compute_flops=compute_flops, gpus=gpus, peak_flops=peak_flops)
    if not 0 < mfu <= 1:
        raise ValueError(f"mfu must be a fraction in (0, 1], not {mfu:g}")
    achieved = gpus * peak_flops * mfu
    seconds = compute_flops / achieved
    return Result(seconds, "s", (
        Step("Cluster throughput = gpus × peak × MFU", achieved, "FLOP/s"),
        Step("Time = C / throughput", seconds, "s"),
        Step("= days (÷ 86,400)", seconds / SECONDS_PER_DAY, "day"),
    ), {"days": seconds / SECONDS_PER_DAY, "achieved_flops": achieved},
        {"days": "day", "achieved_flops": "FLOP/s"})


@composition("gpu_hours_from_seconds", {"gpus": "", "train_seconds": "s"}, "hour",
             "GPU-hours = gpus · t / 3600")
def gpu_hours_from_seconds(gpus: float, train_seconds: float) -> Result:
    """GPU-hours = n · t / 3600 (= n · days · 24), in hours of one GPU.

    Variables: n = ``gpus``, t = ``train_seconds`` (wall-clock time of the run). Worked
    example: 4,096 GPUs for 45 days → 4096 · 45 · 24 = 4.42e6 GPU-hours.
    """
    _positive(gpus=gpus, train_seconds=train_seconds)
    hours = train_seconds / SECONDS_PER_HOUR
    gpu_hours = gpus * hours
    return Result(gpu_hours, "hour", (
        Step("Wall-clock hours = t / 3600", hours, "hour"),
        Step("GPU-hours = gpus × hours", gpu_hours, "hour"),
    ))


@composition("cost_from_gpu_hours", {"gpu_hours": "hour", "usd_per_gpu_hour": "USD/hour"},
             "USD", "cost = GPU-hours · price per GPU-hour")
def cost_from_gpu_hours(gpu_hours: float, usd_per_gpu_hour: float) -> Result:
    """Cost in USD = GPU-hours × price per GPU-hour.

    Variables: ``gpu_hours`` (hours of one GPU, summed over the fleet), ``usd_per_gpu_hour``
    (the rental or amortised price of one GPU for an hour). Worked example: 4.42e6 GPU-hours
    at $2.50 → $11.1M.
    """
    _positive(gpu_hours=gpu_hours, usd_per_gpu_hour=usd_per_gpu_hour)
    cost = gpu_hours * usd_per_gpu_hour
    return Result(cost, "USD", (Step("Cost = GPU-hours × USD per GPU-hour", cost, "USD"),))


# The compositions of the other case decks register themselves on import (kept in their own
# modules so each group of cases and its tests live together).
from engine.cases import compositions_depth, compositions_planning  # noqa: E402,F401
