"""What a kata's function should return: the engine's reference for each kata.

A kata names its reference by ``Kata.reference``: first a composition registered here with
``@composition`` (engine code that chains models and records each step; the built-in ones
live in ``engine.katas.compositions``, imported on first use so that importing this module
stays cheap), else a model in ``engine.models.registry``. Kata parameters reach the
reference under their own names or under ``Kata.mapping``; ``Kata.output`` picks a model
output other than its value.

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
#: from which ``reference_value`` derives the standard error at the kata's trial count, and
#: ``"stderr_event_size"``: how far one rare event moves a trial, see ``monte_carlo_stderr``).
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


_LOADED = False


def compositions() -> dict[str, Composition]:
    """Every registered composition by name, importing the built-in ones on first call."""
    global _LOADED
    if not _LOADED:
        import engine.katas.compositions  # noqa: F401  (registers them through @composition)

        _LOADED = True
    return COMPOSITIONS


def _inputs_for(kata: Kata, inputs: Mapping[str, float]) -> dict[str, float]:
    return {kata.mapping.get(name, name): float(value) for name, value in inputs.items()}


def reference_value(kata: Kata, inputs: Mapping[str, float]) -> ReferenceValue:
    """The reference's answer for ``inputs`` (kata parameter -> SI value).

    Raises ``ModelError`` when the reference does not exist or refuses the inputs."""
    arguments = _inputs_for(kata, inputs)
    if kata.reference in compositions():
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
    if not math.isfinite(value):
        raise ModelError(f"{kata.reference} gave a non-finite value ({value!r}) for these "
                         f"inputs")
    stderr = 0.0
    spread = result.outputs.get("stderr_per_sqrt_trial")
    if kata.monte_carlo_trials and isinstance(spread, int | float):
        stderr = monte_carlo_stderr(float(spread), kata.monte_carlo_trials,
                                    result.outputs.get("stderr_event_size"))
    return ReferenceValue(float(value), tuple(result.steps), stderr)


#: Rare events a simulation's standard error always allows for (see ``monte_carlo_stderr``).
RARE_EVENTS_ALLOWED = 2.0


def monte_carlo_stderr(spread: float, trials: int, event_size: object = None) -> float:
    """Standard error of a mean over ``trials`` trials whose one-trial standard deviation is
    ``spread``: spread/√trials, floored for rare events.

    When the simulated quantity moves by ``event_size`` each time a rare event happens (a
    failure: 1 for a probability, the time one failure costs for a wall-clock), a run that
    expects fewer than a few such events sees 0, 1 or 3 of them: a jump of ``event_size /
    trials`` each, far beyond spread/√trials when the event is rare (the normal
    approximation fails for a Poisson count near zero). The variance therefore gets
    ``RARE_EVENTS_ALLOWED`` such jumps added, so a correct simulation of a rare failure still
    passes, while a wrong formula (off by a factor, or by hours for seconds) does not."""
    variance = spread**2 / trials
    if isinstance(event_size, int | float) and event_size > 0:
        variance += RARE_EVENTS_ALLOWED * (float(event_size) / trials) ** 2
    return math.sqrt(variance)


def reference_problem(kata: Kata) -> str | None:
    """Why ``kata``'s reference cannot be used (unknown name, a parameter it lacks), or
    ``None``. Checked when the bank is loaded, so a bad deck names the item."""
    if kata.reference in compositions():
        return _composition_problem(kata, COMPOSITIONS[kata.reference])
    from engine.models.registry import get

    try:
        spec = get(kata.reference)
    except ModelError:
        known = ", ".join(sorted(compositions())) or "none yet"
        return (f"unknown reference {kata.reference!r}: name a kata composition ({known}) "
                f"or a model (tpm-drill calc --list)")
    given = set()
    for param in kata.params:
        name = kata.mapping.get(param.name, param.name)
        given.add(name)
        found = spec.param(name)
        if found is None:
            return (f"reference {kata.reference} has no parameter {name!r}; its "
                    f"parameters: {', '.join(p.name for p in spec.params)}")
        if found.kind not in ("float", "int"):
            return (f"reference {kata.reference}'s parameter {name!r} is not a number; a "
                    f"kata's parameters are numbers")
    missing = [p.name for p in spec.params if p.required and p.name not in given]
    if missing:
        return (f"reference {kata.reference} needs parameter(s) {', '.join(missing)}, which "
                f"the kata does not declare (or map with mapping = {{...}})")
    return None


def _composition_problem(kata: Kata, function: Composition) -> str | None:
    """Why ``function`` cannot take ``kata``'s parameters (one it lacks, one it needs that
    the kata does not give), or ``None``."""
    import inspect

    signature = inspect.signature(function)
    accepted = signature.parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    given = {kata.mapping.get(param.name, param.name) for param in kata.params}
    for name in sorted(given):
        if name not in accepted and not takes_any:
            return (f"reference {kata.reference} has no parameter {name!r}; its "
                    f"parameters: {', '.join(accepted)}")
    missing = [name for name, p in accepted.items()
               if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
               and name not in given]
    if missing:
        return (f"reference {kata.reference} needs parameter(s) {', '.join(missing)}, which "
                f"the kata does not declare (or map with mapping = {{...}})")
    return None
