"""Decision rules: which option of a decision step the numbers point to.

A decision step names one of ``content.cases.DECISION_RULES``; its inputs are numbers from
the scenario, the catalog and earlier steps, converted to one unit before they are compared.
The same rule runs on the reference chain (the right option) and on the chain recomputed
from the player's own numbers (the option their numbers point to), which is how a pick that
follows from a wrong number is recognised as consistent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def _lowest(values: Sequence[tuple[str, float]]) -> int:
    """The option whose input is lowest (the first of equal ones)."""
    numbers = [value for _name, value in values]
    return numbers.index(min(numbers))


def _highest(values: Sequence[tuple[str, float]]) -> int:
    """The option whose input is highest (the first of equal ones)."""
    numbers = [value for _name, value in values]
    return numbers.index(max(numbers))


def _at_most(values: Sequence[tuple[str, float]]) -> int:
    """The first option when ``value <= limit``, else the second."""
    named = dict(values)
    return 0 if named["value"] <= named["limit"] else 1


#: Rule name -> (named input values in option or declared order) -> index of the option.
RULES: dict[str, Callable[[Sequence[tuple[str, float]]], int]] = {
    "lowest": _lowest,
    "highest": _highest,
    "at_most": _at_most,
}


def decide(rule: str, values: Sequence[tuple[str, float]]) -> int:
    """The index of the option ``rule`` picks from ``values`` (input name, number)."""
    if rule not in RULES:
        raise ValueError(f"unknown decision rule {rule!r}; rules: {', '.join(RULES)}")
    return RULES[rule](values)
