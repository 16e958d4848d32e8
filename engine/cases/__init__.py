"""Cases: chained modelling steps, graded against the reference chain and the player's own.

``pose_case(case, catalog, seed)`` draws a case's scenario and computes its reference chain
(``pose``); ``grade_chain(posed, answers)`` grades each step twice, carrying the player's
earlier numbers forward (``grade``); ``references`` holds the compositions steps can name
and ``rules`` the decision rules; ``check.case_problem`` says whether a loaded case can be
served. Never imports Textual; imports numpy and pint only when a case is posed or graded.
"""

from __future__ import annotations

from engine.cases.check import case_problem
from engine.cases.grade import (
    CONSISTENT_CREDIT,
    CaseAnswerError,
    ChainGrade,
    StepGrade,
    grade_chain,
    is_reveal,
    read_pick,
)
from engine.cases.pose import PosedCase, PosedInput, PosedStep, evaluate_step, pose_case

__all__ = [
    "CONSISTENT_CREDIT",
    "CaseAnswerError",
    "ChainGrade",
    "PosedCase",
    "PosedInput",
    "PosedStep",
    "StepGrade",
    "case_problem",
    "evaluate_step",
    "grade_chain",
    "is_reveal",
    "pose_case",
    "read_pick",
]
