"""Issue #15's targets on the held-out split of the labelled set, one test per target, each
failing with every figure of both splits (``tests.scoring.report``'s table).

The held-out split was not tuned on (see tests/scoring/labelled/README.md). Targets the
scorer does not meet yet are marked ``xfail(strict=True)`` with the figure they stand at, so
the suite stays green while saying so, and meeting one turns the mark into a failure that asks
for the mark to go.
"""

from __future__ import annotations

import pytest

from tests.scoring import report
from tests.scoring.labelled import SPLITS, TARGETS, Figures, compute_figures, load_labelled


@pytest.fixture(scope="module")
def figures() -> dict[str, Figures]:
    labelled = load_labelled()
    return {split: compute_figures(labelled, report.session_scorer, split) for split in SPLITS}


def _check(figures: dict[str, Figures], name: str) -> None:
    comparison, bound = next((c, b) for n, c, b in TARGETS if n == name)
    value = figures["heldout"].figure(name)
    met = value >= bound if comparison == ">=" else value <= bound
    assert met, (f"held-out {name} = {value:.3f}, target {comparison} {bound}\n\n"
                 + report.format_report(figures))


#: Where the scorer stands on the targets it misses (held-out, measured once on 2026-12-05 after
#: the scorer and content changes of branch i15-scorer2; the held-out split was not tuned on).
UNMET: dict[str, str] = {
    "strong_share": "held-out strong answers ≥ 0.7: 79% (19 of 24), target 90% — one strong "
                    "answer more than before falls under the bar (min 0.50: an error cap)",
    "wrong_max": "held-out confidently wrong answers: max 0.86 (mean 0.50, was 0.59), target "
                 "≤ 0.5 — inversions, error caps, overclaim flags and misconceptions written "
                 "without seeing the answers lower the mean but not the worst one",
}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=UNMET[name]))
    if name in UNMET else name
    for name, _comparison, _bound in TARGETS])
def test_heldout_target(figures: dict[str, Figures], name: str) -> None:
    _check(figures, name)
