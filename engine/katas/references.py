"""What a kata's function should return: the engine's reference for each kata.

A kata names its reference by ``Kata.reference``: first a composition registered here with
``@composition`` (engine code that chains models and records each step), else a model in
``engine.models.registry``. Kata parameters reach the reference under their own names or
under ``Kata.mapping``; ``Kata.output`` picks a model output other than its value.

Nothing here runs deck text: a deck only names a reference that engine code defines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from content.loader import Kata
from engine.models.base import ModelError, Result, Step


@dataclass(frozen=True, slots=True)
class ReferenceValue:
    """The reference's answer for one case: ``value`` in the kata's SI ``return_unit``,
    the derivation ``steps``, and ``stderr``: the standard error of a simulation that uses
    ``Kata.monte_carlo_trials`` trials (0 for a kata that asks for no simulation), in the
    value's unit. A Monte Carlo kata's tolerance widens by a few of these."""

    value: float
    steps: tuple[Step, ...] = ()
    stderr: float = 0.0


#: A composition: SI keyword arguments -> a ``Result`` (its ``outputs`` may carry
#: ``"stderr_per_sqrt_trial"``: the one-trial standard deviation of the simulated quantity,
#: from which ``reference_value`` derives the standard error at the kata's trial count).
Composition = Callable[..., Result]

COMPOSITIONS: dict[str, Composition] = {}


def composition(name: str) -> Callable[[Composition], Composition]:
    """Register ``function`` as the composition a kata can name as ``reference = name``."""

    def register(function: Composition) -> Composition:
        if name in COMPOSITIONS:
            raise RuntimeError(f"kata reference {name!r} registered twice")
        COMPOSITIONS[name] = function
        return function

    return register


def _inputs_for(kata: Kata, inputs: Mapping[str, float]) -> dict[str, float]:
    return {kata.mapping.get(name, name): float(value) for name, value in inputs.items()}


def reference_value(kata: Kata, inputs: Mapping[str, float]) -> ReferenceValue:
    """The reference's answer for ``inputs`` (kata parameter -> SI value).

    Raises ``ModelError`` when the reference does not exist or refuses the inputs."""
    arguments = _inputs_for(kata, inputs)
    if kata.reference in COMPOSITIONS:
        try:
            result = COMPOSITIONS[kata.reference](**arguments)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError) as error:
            raise ModelError(f"{kata.reference}: {error}") from None
    else:
        from engine.models.registry import run

        result = run(kata.reference, arguments)
    if kata.output == "value":
        value = result.value
    else:
        picked = result.outputs.get(kata.output)
        if not isinstance(picked, int | float):
            raise ModelError(f"{kata.reference} has no numeric output {kata.output!r}")
        value = float(picked)
    stderr = 0.0
    spread = result.outputs.get("stderr_per_sqrt_trial")
    if kata.monte_carlo_trials and isinstance(spread, int | float):
        stderr = float(spread) / math.sqrt(kata.monte_carlo_trials)
    return ReferenceValue(float(value), tuple(result.steps), stderr)


def reference_problem(kata: Kata) -> str | None:
    """Why ``kata``'s reference cannot be used (unknown name, a parameter it lacks), or
    ``None``. Checked when the bank is loaded, so a bad deck names the item."""
    if kata.reference in COMPOSITIONS:
        return None
    from engine.models.registry import get

    try:
        spec = get(kata.reference)
    except ModelError:
        known = ", ".join(sorted(COMPOSITIONS)) or "none yet"
        return (f"unknown reference {kata.reference!r}: name a kata composition ({known}) "
                f"or a model (tpm-drill calc --list)")
    for param in kata.params:
        name = kata.mapping.get(param.name, param.name)
        if spec.param(name) is None:
            return (f"reference {kata.reference} has no parameter {name!r}; its "
                    f"parameters: {', '.join(p.name for p in spec.params)}")
    return None
