"""The types every reference model shares: a derivation step, a result, a parameter schema.

Models are pure functions: SI floats in, a ``Result`` out. ``steps`` is the derivation the
player sees after answering ("show work"), so each step carries its own value and SI unit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Step:
    """One line of a derivation: what was computed, its value, and its SI unit ("" if none)."""

    label: str
    value: float
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "value": self.value, "unit": self.unit}


@dataclass(frozen=True, slots=True)
class Result:
    """A model's answer: ``value`` in ``unit`` (SI), named side outputs, and the derivation.

    ``outputs`` maps a name to a float or a short string (e.g. ``bound = "memory"``); the SI
    unit of each float output is in ``output_units`` (missing means dimensionless).
    """

    value: float
    unit: str
    steps: tuple[Step, ...] = ()
    outputs: Mapping[str, float | str] = field(default_factory=dict)
    output_units: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "unit": self.unit,
            "outputs": dict(self.outputs),
            "steps": [step.to_dict() for step in self.steps],
        }


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """The schema of one model parameter.

    ``kind`` is ``"float"``, ``"int"``, ``"bool"``, ``"choice"`` (one of ``choices``) or
    ``"gpu"`` (a hardware-catalog accelerator id). ``unit`` is the SI unit a number is read in.
    ``minimum``/``maximum`` bound valid values (inclusive); ``default`` of ``None`` with
    ``required=False`` means "may be absent".
    """

    name: str
    kind: str = "float"
    unit: str = ""
    required: bool = True
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A registered model: its function, parameter schema, result unit and one-line formula.

    ``gpu_fields`` maps a parameter name to the catalog field that fills it when the caller
    passes ``gpu=<id>`` instead (e.g. ``{"peak_flops": "bf16_dense_flops"}``).
    """

    name: str
    function: Callable[..., Result]
    params: tuple[ParamSpec, ...]
    unit: str
    formula: str
    summary: str = ""
    gpu_fields: Mapping[str, str] = field(default_factory=dict)

    def param(self, name: str) -> ParamSpec | None:
        for spec in self.params:
            if spec.name == name:
                return spec
        return None


class ModelError(ValueError):
    """A model was called with an unknown name, a missing or unknown parameter, or a bad value.

    The message is written for a person and lists the valid names where that helps.
    """


#: Units of work one model call may plan: a random draw, a loop step or an array element
#: each (tens of nanoseconds), so the largest call allowed runs in about a second. Every
#: model whose cost grows with an input checks its plan against this before doing any work.
WORK_BUDGET = 5e7
#: Bytes of arrays one model call may hold at once; Monte Carlo work is done in chunks
#: sized to stay under it.
MEMORY_BUDGET_BYTES = 200_000_000


def short_number(value: float) -> str:
    """``3.2e12`` / ``5e7`` / ``2e4``: a large count as a message shows it."""
    mantissa, _, exponent = f"{value:.2g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def check_work(model: str, what: str, count: float, advice: str,
               units_each: float = 1.0) -> None:
    """Raise a ``ModelError`` when ``count`` (described by ``what``) of something costing
    ``units_each`` units of work exceeds ``WORK_BUDGET``.

    E.g. "failure_montecarlo: trials × expected failures = 3.6e12 exceeds the budget of 5e7;
    use fewer trials or a shorter job". The budget is shown in the same terms as ``what``."""
    if not count * units_each <= WORK_BUDGET:  # also refuses NaN
        raise ModelError(f"{model}: {what} = {short_number(count)} exceeds the budget of "
                         f"{short_number(WORK_BUDGET / units_each)}; {advice}")
