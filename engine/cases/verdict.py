"""A played case's verdict: its chain of graded steps and its written justification, weighed
into one score and rating, and the rows the store keeps for each step.

The onsite loop this game simulates judges answers that were *checked*, so the graded steps
weigh more than the prose: ``STEP_SHARE`` (two thirds) of a case's score is the chain's score
(``engine.cases.grade.grade_chain``: credit per step, errors carried forward), the rest the
justification's automatic rubric score (``grading.rubric.score_open`` on the case's key
points). An empty justification scores 0 on its third. The rating maps the score as an open
answer's does (``grading.rating.rating_for_open``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.cases.grade import ChainGrade
from engine.cases.pose import PosedCase
from engine.store.db import GradedStepRecord

if TYPE_CHECKING:
    from grading.rubric import RubricResult

#: Share of a case's score that its graded steps carry (the justification carries the rest).
STEP_SHARE = 2.0 / 3.0


@dataclass(frozen=True, slots=True)
class CaseVerdict:
    """The grade of a whole case: ``chain`` (every step), ``justify`` (the rubric result of
    the closing written answer, ``None`` when none was written), the weighed ``score`` in
    [0, 1] and its suggested ``rating`` (1–4). ``band`` is ``"scored"`` as an open answer's:
    a case is not one number within a tolerance."""

    posed: PosedCase
    chain: ChainGrade
    justify: RubricResult | None
    justify_text: str
    score: float
    rating: int
    band: str = "scored"

    @property
    def auto_score(self) -> float:
        """The score as the reviews table keeps it (``auto_score``)."""
        return self.score

    @property
    def justify_score(self) -> float:
        return self.justify.auto_score if self.justify is not None else 0.0

    def step_records(self) -> list[GradedStepRecord]:
        """One ``graded_steps`` row per graded step, in order, under the case's topic."""
        return step_records(self.posed, self.chain)


def case_verdict(posed: PosedCase, chain: ChainGrade, justify_text: str) -> CaseVerdict:
    """Weigh ``chain`` and the justification ``justify_text`` (scored here on the case's key
    points and red flags) into a ``CaseVerdict``."""
    from grading.rating import rating_for_open
    from grading.rubric import score_open

    text = justify_text.strip()
    justify = (score_open(text, posed.key_points, posed.red_flags) if text else None)
    justify_score = justify.auto_score if justify is not None else 0.0
    score = round(STEP_SHARE * chain.score + (1.0 - STEP_SHARE) * justify_score, 9)
    score = min(max(score, 0.0), 1.0)
    return CaseVerdict(posed, chain, justify, text, score, rating_for_open(score))


def step_records(posed: PosedCase, chain: ChainGrade) -> list[GradedStepRecord]:
    """The store's rows for ``chain``'s graded steps (numbers in SI, options as text)."""
    records: list[GradedStepRecord] = []
    for graded in chain.steps:
        step = posed.steps[graded.index]
        shown: dict[str, Any] = {}
        if graded.kind == "decision":
            shown.update(
                picked=_option(graded.options, graded.picked),
                right_option=_option(graded.options, graded.right_option),
                right_option_from_answers=_option(graded.options,
                                                  graded.right_option_from_your_answers))
        else:
            scale = step.display_scale
            shown.update(
                value=None if graded.value is None else graded.value * scale,
                reference=step.reference_value,
                reference_from_answers=None if graded.reference_from_your_answers is None
                else graded.reference_from_your_answers * scale)
        records.append(GradedStepRecord(
            item_id=posed.item_id, position=graded.index, step_id=graded.step_id,
            kind=graded.kind, topic=posed.topic, status=graded.status, credit=graded.credit,
            prompt=step.prompt, answer_text=graded.answer, unit=step.unit, band=graded.band,
            consistent=graded.consistent, slip=graded.slip, message=graded.message, **shown))
    return records


def _option(options: Sequence[str], index: int | None) -> str | None:
    return options[index] if index is not None else None


def case_answer_text(posed: PosedCase, answers: Sequence[str | None], justify_text: str) -> str:
    """What the review keeps as the answer: each step's typed answer on its own line, then the
    justification — readable in an export, and enough to replay the case from its seed."""
    lines = [f"{index + 1}. {answer if answer is not None else '?'}"
             for index, answer in enumerate(answers)]
    if justify_text.strip():
        lines += ["", justify_text.strip()]
    return "\n".join(lines)
