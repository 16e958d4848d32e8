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


def case_problem(case: Case, catalog: Catalog, seeds: int = CHECK_SEEDS) -> str | None:
    """Why ``case`` cannot be served, or ``None``. The message names the step."""
    from engine.cases.pose import pose_case
    from engine.cases.references import reference_spec
    from engine.questions import PoseError

    for index, step in enumerate(case.steps):
        where = f"step {index + 1} ({step.id})"
        if not isinstance(step, CaseStep):
            continue
        try:
            spec = reference_spec(step.reference)
        except ModelError as error:
            return f"{where}: {error}"
        names = {i.name for i in step.inputs}
        unknown = sorted(names - set(spec.param_units))
        if unknown:
            return (f"{where}: {step.reference} has no parameter {unknown[0]!r}; its "
                    f"parameters: {', '.join(spec.param_units)}")
        if spec.kind == "composition":
            missing = sorted(spec.required - names)
            if missing:
                return (f"{where}: {step.reference} needs {', '.join(missing)}; give each "
                        f"under inputs")
    for seed in range(seeds):
        try:
            pose_case(case, catalog, seed)
        except PoseError as error:
            return f"seed {seed}: {error}"
    return None
