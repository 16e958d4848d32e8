"""Whether a loaded case can be served: the checks that need the engine and the catalog.

``content.cases.read_case`` checks a case's shape and the references between its own parts;
here each step's reference is looked up (a case composition or a registered model) and its
inputs checked against the reference's parameters, catalog references and units are
resolved, and the case is posed for a few seeds so a draw the references refuse is found
when the deck loads, not in front of a player. The bank is to call ``case_problem`` for each
case (as it calls ``check_item`` for other items) and leave out a case it finds a problem
with.
"""

from __future__ import annotations

from content.cases import Case, CaseStep
from content.catalog import Catalog
from engine.models.base import ModelError

#: Seeds a case is posed with when checked: enough to meet each preset and choice of a
#: small deck's draws, cheap enough for every load (a pose is well under a millisecond).
CHECK_SEEDS = 8


def inputs_problem(where: str, reference: str, names: set[str],
                   require_all: bool = False) -> str | None:
    """Why a step (or a probe) named ``where`` cannot call ``reference`` with inputs
    ``names``, or ``None``: the reference is unknown, an input is not one of its parameters,
    or a required parameter is not given — checked for a composition, whose inputs are all
    its own, and for every reference when ``require_all`` (a probe has no scenario to draw
    the rest from)."""
    from engine.cases.references import reference_spec

    try:
        spec = reference_spec(reference)
    except ModelError as error:
        return f"{where}: {error}"
    unknown = sorted(names - set(spec.param_units))
    if unknown:
        return (f"{where}: {reference} has no parameter {unknown[0]!r}; its "
                f"parameters: {', '.join(spec.param_units)}")
    if require_all or spec.kind == "composition":
        missing = sorted(spec.required - names)
        if missing:
            return f"{where}: {reference} needs {', '.join(missing)}; give each under inputs"
    return None


def case_problem(case: Case, catalog: Catalog, seeds: int = CHECK_SEEDS) -> str | None:
    """Why ``case`` cannot be served, or ``None``. The message names the step."""
    from engine.cases.pose import pose_case
    from engine.questions import PoseError

    for index, step in enumerate(case.steps):
        if not isinstance(step, CaseStep):
            continue
        problem = inputs_problem(f"step {index + 1} ({step.id})", step.reference,
                                 {i.name for i in step.inputs})
        if problem is not None:
            return problem
    for seed in range(seeds):
        try:
            pose_case(case, catalog, seed)
        except PoseError as error:
            return f"seed {seed}: {error}"
    return None
