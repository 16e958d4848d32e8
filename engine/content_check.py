"""``tpm-drill content check``: everything that can be wrong with a deck, found before play.

Beyond the loader's shape checks: every unit parses, a fact's value and its display unit are
the same kind of quantity and its reference is finite and positive, every problem names a
real model and real parameters, and every problem poses for many seeds with a finite
positive reference and no unfilled placeholder. Whatever a hostile deck holds, each item
that fails becomes one error line naming it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content.catalog import Catalog, CatalogError, builtin_catalog
from content.loader import ContentError, Fact, Item, OpenQuestion, Problem, deck_files
from engine.bank import load_content
from engine.questions import PoseError, pose

#: Seeds each problem is posed with; DESIGN's bar for a template that is safe to serve.
DEFAULT_SEEDS = 200


@dataclass
class CheckReport:
    """Counts of what loaded cleanly, and every error found."""

    decks: int = 0
    facts: int = 0
    problems: int = 0
    open: int = 0
    errors: list[ContentError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"decks": self.decks, "facts": self.facts, "problems": self.problems,
                "open": self.open, "errors": [e.to_dict() for e in self.errors]}


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


def _check_fact(fact: Fact, catalog: Catalog) -> str | None:
    """Why a fact cannot be served: its catalog reference, its units, or a reference value
    no answer could pass (not finite, zero, negative)."""
    if fact.answers:
        return None
    if fact.catalog:
        try:
            found = catalog.lookup(fact.catalog)
        except CatalogError as error:
            return str(error)
        reference_unit = found.unit
    else:
        reference_unit = fact.value_unit
    unit_problem = _unit_problem(fact.unit, reference_unit) or _unit_problem(reference_unit)
    if unit_problem:
        return unit_problem
    try:
        pose(fact, None, catalog)
    except PoseError as error:
        return str(error)
    return None


def _check_problem(problem: Problem, catalog: Catalog, seeds: int) -> str | None:
    import numpy as np

    from grading.units import UnitError, convert

    problem_unit = _unit_problem(problem.unit)
    if problem_unit:
        return problem_unit
    for seed in range(seeds):
        try:
            question = pose(problem, np.random.default_rng(seed), catalog, seed)
            shown = convert(question.reference_value, question.reference_unit, problem.unit)
        except (PoseError, UnitError, ValueError, ArithmeticError) as error:
            return f"seed {seed}: {error}"
        if not (math.isfinite(shown) and shown > 0):
            return f"seed {seed}: reference {shown!r} {problem.unit} is not finite and positive"
        if "{" in question.prompt or "}" in question.prompt:
            return f"seed {seed}: prompt has an unfilled placeholder: {question.prompt!r}"
    return None


def _item_error(item: Item, message: str) -> ContentError:
    return ContentError(item.file, item.id, item.line, message)


def check_content(paths: Iterable[Path] = (), seeds: int = DEFAULT_SEEDS,
                  catalog: Catalog | None = None) -> CheckReport:
    """Check the built-in bank (no ``paths``) or the user's deck folders/files in ``paths``.

    User decks are loaded beside the built-in bank, so an id that collides with a built-in
    one is reported; only errors and counts from the user's files are returned.
    """
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
    bank = load_content(folders, catalog=catalog)

    def wanted(file: str) -> bool:
        return not user_files or file in user_files

    report = CheckReport(errors=[e for e in bank.errors if wanted(e.file)])
    decks: set[str] = set()
    for item in bank.items.values():
        if not wanted(item.file):
            continue
        decks.add(item.file)
        problem: str | None = None
        try:
            if isinstance(item, Fact):
                report.facts += 1
                problem = _check_fact(item, catalog)
            elif isinstance(item, Problem):
                report.problems += 1
                problem = _check_problem(item, catalog, seeds)
            elif isinstance(item, OpenQuestion):
                report.open += 1
        except Exception as error:  # a hostile deck must give an error line, not a crash
            problem = f"cannot be checked ({type(error).__name__}: {error})"
        if problem:
            report.errors.append(_item_error(item, problem))
        unknown = [other for other in item.related if other not in bank.items]
        if unknown:  # the item still loads; the unknown ids are simply not buried with it
            report.errors.append(_item_error(
                item, f"related names unknown item(s) {', '.join(unknown)}: check the ids "
                "(they must be loaded alongside this deck, built in or in your deck folders)"))
    report.decks = len(decks)
    report.errors.sort(key=lambda e: (e.file, e.line or 0))
    return report
