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


#: Where the scorer stands on the targets it misses: held-out split as the rule draws it after
#: the fourth batch of labelled questions (24 of 84 questions, 144 answers), measured on
#: 2026-12-05 at 3fb50e6 after the probe-driven fixes, and again at 816385d after a bug found in
#: play was fixed (a misconception said as its whole sentence had escaped); `python -m
#: tests.scoring.report --subsets` gives it with the clean, later-batch and unseen subsets
#: (tests/scoring/labelled/README.md). The sealed fresh answers to the same questions
#: (tests/scoring/labelled_sealed/, `report --sealed`) were scored once at 6f49e6b. Measured a
#: third time at aadffae, after the sixth session's probe-driven changes: every figure below
#: unchanged but the wrong answers' mean (0.31); the second sealed set, first scored then
#: (`report --sealed 2`), is in the reasons. Measured a fourth time at 5113a82, after the
#: seventh session's figure pass: every held-out figure unchanged; the third sealed set, written
#: with the items' phrasings, misconceptions and figures hidden and first scored then
#: (`report --sealed 3`), is in the reasons. Measured a fifth time at 1d92598, after the eighth
#: session's hollow-frame and probe changes: every held-out figure unchanged; the fourth sealed
#: set, written blind like the third at that session's start and first scored then
#: (`report --sealed 4`), is in the reasons. Measured a sixth time at 7dd5656, after the ninth
#: session's blind misconception pass, linear-scaling shape and arithmetic check: every held-out
#: figure unchanged but the wrong answers' mean (0.30); the fifth sealed set, written blind at
#: that session's start and first scored then (`report --sealed 5`), is in the reasons; again
#: at df08d80 after the session's review fixes, identical. Measured a seventh time at 6a7ba66,
#: after the tenth session's unit arithmetic, sparse-peak trap and claim fixes found by blind
#: probes to the held-out questions: strong 43 of 48 (one more), wrong mean 0.29 (0.30 at
#: 5ac0cfb, a known trap said as a wrongly figured number counted once), ρ 0.83; the
#: sixth sealed set, written blind at that session's start and first scored then
#: (`report --sealed 6`), is in the reasons, and so is the seventh, written midway through that
#: session; re-measured at 9043ba9 after its second round: every held-out figure unchanged.
#: Measured an eighth time at 9eb92de, after the eleventh session's fixes from blind probes
#: typed fast and spoken: strong 44 of 48 (92%; the strong-share target is met, so its xfail
#: mark went), ρ 0.84; the eighth sealed set, written blind at that session's start and first
#: scored then (`report --sealed 8`), is in the reasons: no answer of it moved. The twelfth
#: session changed no held-out figure; its ninth sealed set, written blind at its start, is in
#: the reasons (scored the same with the session's first and last scorer).
UNMET: dict[str, str] = {
    "term_list_max": "held-out bare term lists: max 0.57 (mean 0.07), target ≤ 0.35 — one "
                     "second-batch question's list is read as claims (unseen max 0.37; sealed "
                     "fresh lists max 0.55, 1 of 24 above 0.35; second sealed set max 0.52, "
                     "1 of 24; third max 0.60, 2 of 24; fourth max 0.40, 1 of 24; fifth max "
                     "0.64, 3 of 24; sixth max 0.76, 3 of 24 (4 before the eleventh session); "
                     "seventh max 0.54, 6 of 24 (5 after the twelfth session); eighth max 0.54, "
                     "3 of 24; ninth max 0.44, 2 of 24)",
    "wrong_max": "held-out confidently wrong answers: max 0.92 (mean 0.30; unseen max 0.20, "
                 "mean 0.06), target ≤ 0.5 — a wrong answer whose errors no misconception, "
                 "inversion, figure or known trap names still scores on its right-sounding parts "
                 "(sealed fresh wrong answers: max 0.92, mean 0.23, 3 of 24 above 0.5; second "
                 "sealed set max 0.96, mean 0.28, 3 of 24; the third, written with the listed "
                 "misconceptions hidden: 11 of 24, mean 0.52; the fourth, written the same way: "
                 "11 of 24, mean 0.58; the fifth: 9 of 24, mean 0.57; the sixth (tenth "
                 "session): max 0.99, mean 0.58, 10 of 24, the same count with the scorer "
                 "before that session's changes; the seventh, written midway through it: "
                 "max 1.00, mean 0.60, 10 of 24 — 12 of 24 with the scorer of its start; the "
                 "eighth (eleventh session): max 0.94, mean 0.53, 7 of 24, the same with the "
                 "scorer of its start; the ninth (twelfth session): max 1.00, mean 0.58, 12 "
                 "of 24, the same with the scorer of its start; the third is 10 of 24 after "
                 "that session)",
}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=UNMET[name]))
    if name in UNMET else name
    for name, _comparison, _bound in TARGETS])
def test_heldout_target(figures: dict[str, Figures], name: str) -> None:
    _check(figures, name)
