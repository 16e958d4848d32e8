"""A case played through the study session: posed as a ``case`` question, graded step by step
with errors carried forward, weighed with its justification, and recorded as one review with
one ``graded_steps`` row per step (issue 14 item 5)."""

from __future__ import annotations

from typing import Any

import pytest

from content.catalog import builtin_catalog
from engine.bank import ContentBank
from engine.cases.verdict import STEP_SHARE
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, Retry, StudySession
from tests.cases.helpers import core_case

CASE = core_case("case.train_budget")
JUSTIFY = ("The bill is compute over peak times MFU, so it scales with 1/MFU: I would "
           "benchmark MFU at the target scale first. More GPUs buy calendar time, not a "
           "cheaper run. Failures, restarts and checkpoint stalls cost goodput, so I add a "
           "contingency buffer and quote a range.")


class OnePicker:
    """Serves one item once."""

    def __init__(self, item_id: str) -> None:
        self.item_id, self.served = item_id, False

    session_config: dict[str, Any] = {}

    def pick(self, session: Any) -> str | None:
        if self.served:
            return None
        self.served = True
        return self.item_id


def _session(store: Store, clock: FakeClock) -> StudySession:
    bank = ContentBank({CASE.id: CASE}, builtin_catalog())
    session = StudySession(store, bank, Scheduler(Config()), clock, seed=5,
                           picker=OnePicker(CASE.id))
    question = session.next_question()
    assert question is not None and question.kind == "case" and question.case is not None
    return session


def _typed(session: StudySession, index: int, factor: float = 1.0) -> str:
    step = session.question.case.steps[index]
    return f"{step.reference_display * factor:.6g} {step.unit}"


def test_a_case_question_carries_its_scenario_and_chain(store: Store,
                                                        clock: FakeClock) -> None:
    session = _session(store, clock)
    question = session.question
    assert question.prompt == question.case.scenario
    assert [s.id for s in question.case.steps] == ["compute", "days", "gpu_hours", "cost"]
    assert question.key_points == CASE.key_points and question.target_seconds == 8 * 60


def test_a_right_chain_is_recorded_with_every_step(store: Store, clock: FakeClock) -> None:
    from grading.rubric import score_open

    session = _session(store, clock)
    answers = [_typed(session, i) for i in range(4)]
    feedback = session.submit_case(answers, JUSTIFY)
    assert isinstance(feedback, Feedback)
    justify_score = score_open(JUSTIFY, CASE.key_points, CASE.red_flags).auto_score
    expected = STEP_SHARE * 1.0 + (1 - STEP_SHARE) * justify_score
    assert feedback.score == pytest.approx(expected)
    [review] = store.reviews()
    assert (review["kind"], review["band"]) == ("case", "scored")
    assert review["auto_score"] == pytest.approx(expected)
    assert review["answer_text"].startswith("1. ") and JUSTIFY in review["answer_text"]
    rows = store.graded_steps(review_id=feedback.review_id)
    assert [r["status"] for r in rows] == ["exact"] * 4
    assert [r["step_id"] for r in rows] == ["compute", "days", "gpu_hours", "cost"]
    assert all(r["topic"] == CASE.topic for r in rows)
    days = session.question.case.steps[1]
    assert rows[1]["reference"] == pytest.approx(days.reference_value)  # SI: seconds
    assert rows[1]["value"] == pytest.approx(days.reference_value, rel=1e-5)


def test_a_first_step_off_by_two_carries_forward(store: Store, clock: FakeClock) -> None:
    """Step 1 doubled, steps 2–4 right on the doubled number: off, then consistent ×3.
    Chain score = (0 + 0.8 + 0.8 + 0.8) / 4 = 0.6; no justification: score = 2/3 · 0.6."""
    session = _session(store, clock)
    answers = [_typed(session, i, 2.0) for i in range(4)]
    feedback = session.submit_case(answers, "")
    assert isinstance(feedback, Feedback)
    assert feedback.score == pytest.approx(STEP_SHARE * 0.6)
    rows = store.graded_steps(review_id=feedback.review_id)
    assert [r["status"] for r in rows] == ["off", "consistent", "consistent", "consistent"]
    assert rows[1]["consistent"] and rows[1]["reference_from_answers"] == \
        pytest.approx(2 * rows[1]["reference"])


def test_an_unreadable_step_is_a_retry_and_records_nothing(store: Store,
                                                           clock: FakeClock) -> None:
    session = _session(store, clock)
    answers = [_typed(session, 0), "about a month-ish", _typed(session, 2), _typed(session, 3)]
    retry = session.submit_case(answers, JUSTIFY)
    assert isinstance(retry, Retry) and "step 2 (days)" in retry.message
    short = session.submit_case(answers[:2], JUSTIFY)
    assert isinstance(short, Retry) and "step 3 of 4" in short.message
    assert store.reviews() == [] and store.graded_steps() == []


def test_cut_off_records_the_rest_as_revealed(store: Store, clock: FakeClock) -> None:
    session = _session(store, clock)
    feedback = session.submit_case([_typed(session, 0), "garbage"], "", cut_off=True)
    assert isinstance(feedback, Feedback) and feedback.cut_off
    rows = store.graded_steps(review_id=feedback.review_id)
    assert [r["status"] for r in rows] == ["exact", "revealed", "revealed", "revealed"]
    assert feedback.score == pytest.approx(STEP_SHARE * 0.25)


def test_undo_takes_the_case_and_its_steps_back(store: Store, clock: FakeClock) -> None:
    session = _session(store, clock)
    session.submit_case([_typed(session, i) for i in range(4)], JUSTIFY)
    session.undo()
    assert store.reviews() == [] and store.graded_steps() == []
