"""An open answer's follow-up probes: posed with the case machinery, graded like case steps
(errors carried forward, ``?`` reveals), recorded as ``graded_steps`` rows of kind "probe"
under the open answer's review, and weighed with the writing into the rating (issue 14
item 4). Real SQLite file, real FSRS, real grader."""

from __future__ import annotations

from typing import Any

import pytest

from content.catalog import builtin_catalog
from engine.bank import ContentBank
from engine.cases.grade import grade_chain
from engine.cases.probes import (
    PROBE_SHARE,
    pose_probes,
    probe_records,
    probed_rating,
    probed_score,
)
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store, StoreError
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, Retry, StudySession
from grading.rating import AGAIN, EASY, GOOD, HARD
from tests.cases.probe_helpers import GOOD as GOOD_DECK
from tests.cases.probe_helpers import read_open_text

QUESTION = read_open_text()
PLAIN = read_open_text(GOOD_DECK[:GOOD_DECK.index("[[open.probes]]")].replace(
    't.open.budget', 't.open.plain'))
#: Covers both key points ("6ND", "MFU").
ANSWER = ("Compute is 6ND for the whole run. Time is compute over the cluster's achieved "
          "throughput, peak times MFU, so MFU decides the budget.")
#: Probe 1's reference is 6.3e24 FLOP; probe 2's 45.0 days (4,096 H100 at 40 % MFU).
RIGHT = ["6.3e24 FLOP", "45 days"]


class OnePicker:
    """Serves one item once."""

    session_config: dict[str, Any] = {}

    def __init__(self, item_id: str) -> None:
        self.item_id, self.served = item_id, False

    def pick(self, session: Any) -> str | None:
        if self.served:
            return None
        self.served = True
        return self.item_id


def _answered(store: Store, clock: FakeClock, question: Any = QUESTION,
              text: str = ANSWER) -> StudySession:
    bank = ContentBank({question.id: question}, builtin_catalog())
    session = StudySession(store, bank, Scheduler(Config()), clock, seed=3,
                           picker=OnePicker(question.id))
    assert session.next_question() is not None
    clock.advance(60)
    feedback = session.submit(text)
    assert isinstance(feedback, Feedback)
    return session


def _posed() -> Any:
    posed = pose_probes(QUESTION, builtin_catalog())
    assert posed is not None
    return posed


# -- posing and grading -------------------------------------------------------------------


def test_probes_pose_to_their_references() -> None:
    posed = _posed()
    compute, days = posed.steps
    assert compute.reference_value == pytest.approx(6.3e24)  # 6 · 70e9 · 15e12
    # 6.3e24 / (4096 · 989e12 · 0.4) = 3.888e6 s = 45.0 days
    assert days.reference_display == pytest.approx(44.98, rel=1e-3) and days.unit == "day"
    assert posed.scenario == QUESTION.prompt and posed.topic == "training.cost"
    assert pose_probes(PLAIN, builtin_catalog()) is None


def test_right_probes_are_exact() -> None:
    chain = grade_chain(_posed(), RIGHT)
    assert [g.status for g in chain.steps] == ["exact", "exact"] and chain.score == 1.0


def test_a_probe_built_on_a_wrong_first_probe_is_graded_on_the_players_number() -> None:
    # 1.26e25 is twice 6.3e24; from it the days are 2 × 45 = 90: consistent, 80 % credit.
    chain = grade_chain(_posed(), ["1.26e25 FLOP", "90 days"])
    first, second = chain.steps
    assert (first.status, second.status) == ("off", "consistent")
    assert second.reference_from_your_answers == pytest.approx(89.96, rel=1e-3)
    assert chain.score == pytest.approx((0.0 + 0.8) / 2)
    assert chain.broke_at == 0


def test_a_revealed_probe_scores_nothing_and_the_chain_goes_on_from_its_reference() -> None:
    chain = grade_chain(_posed(), ["?", "45 days"])
    assert [g.status for g in chain.steps] == ["revealed", "exact"]
    assert chain.score == pytest.approx(0.5)


# -- the rating rule, at its edges ---------------------------------------------------------


def _chain(answers: list[str | None]) -> Any:
    return grade_chain(_posed(), answers)


def test_the_probes_weigh_as_much_as_the_writing() -> None:
    assert PROBE_SHARE >= 0.5
    right, wrong = _chain(RIGHT), _chain(["1 FLOP", "1 day"])
    # Perfect writing, every probe wrong: 0.5 → Hard, not Good or Easy.
    assert probed_score(1.0, wrong) == pytest.approx(0.5)
    assert probed_rating(1.0, wrong) == HARD
    # No writing worth anything, every probe right: the same 0.5 → Hard.
    assert probed_rating(0.0, right) == HARD


@pytest.mark.parametrize(("written", "answers", "rating"), [
    (0.9, RIGHT, EASY),        # 0.5 · 1 + 0.5 · 0.9 = 0.95: Easy at its edge
    (0.8998, RIGHT, GOOD),     # 0.9499: just under Easy
    (0.6, RIGHT, GOOD),        # 0.8: Good at its edge
    (0.5998, RIGHT, HARD),     # 0.7999
    (1.0, ["1 FLOP", "1 day"], HARD),    # 0.5: Hard at its edge
    (0.9998, ["1 FLOP", "1 day"], AGAIN),  # 0.4999
])
def test_the_rating_at_the_edges(written: float, answers: list[str | None],
                                 rating: int) -> None:
    assert probed_rating(written, _chain(answers)) == rating


# -- the session: recording, skipping, undo -----------------------------------------------


def test_submit_probes_records_one_row_per_probe_and_rerates(store: Store,
                                                             clock: FakeClock) -> None:
    session = _answered(store, clock)
    written = session.feedback
    assert written is not None and written.probes is None
    assert session.answer_probes() is not None
    feedback = session.submit_probes(["1.26e25 FLOP", "90 days"])
    assert isinstance(feedback, Feedback) and feedback.probes is not None
    assert feedback.review_id == written.review_id
    expected = probed_score(written.grade.auto_score, feedback.probes)
    assert feedback.score == pytest.approx(expected)
    assert feedback.rating == probed_rating(written.grade.auto_score, feedback.probes)
    rows = store.graded_steps(review_id=written.review_id)
    assert [(r["kind"], r["step_id"], r["status"], r["position"]) for r in rows] == [
        ("probe", "compute", "off", 0), ("probe", "days", "consistent", 1)]
    assert rows[0]["value"] == pytest.approx(1.26e25)
    assert rows[0]["reference"] == pytest.approx(6.3e24)
    assert rows[1]["reference_from_answers"] == pytest.approx(89.96 * 86_400, rel=1e-3)
    assert rows[1]["topic"] == "training.cost" and rows[1]["consistent"] is True
    [review] = store.reviews()
    assert review["rating"] == feedback.rating and not review["override"]
    assert session.answer_probes() is None  # answered once


def test_the_self_checked_score_is_the_written_part(store: Store, clock: FakeClock) -> None:
    session = _answered(store, clock)
    session.self_check([False, False])  # claims neither point: written score 0
    feedback = session.submit_probes(RIGHT)
    assert isinstance(feedback, Feedback)
    assert feedback.score == pytest.approx(0.5) and feedback.rating == HARD
    assert store.reviews()[0]["rating"] == HARD


def test_an_unreadable_probe_answer_is_a_retry_and_records_nothing(store: Store,
                                                                    clock: FakeClock) -> None:
    session = _answered(store, clock)
    before = session.feedback
    outcome = session.submit_probes(["6.3e24 FLOP", "banana"])
    assert isinstance(outcome, Retry)
    assert outcome.message.startswith("follow-up 2 (days):")
    wrong_unit = session.grade_probes(["6.3e24 FLOP", "45 GB"])
    assert isinstance(wrong_unit, Retry) and "follow-up 2 (days)" in wrong_unit.message
    assert isinstance(session.submit_probes(["6.3e24 FLOP"]), Retry)  # one missing
    assert store.graded_steps() == [] and session.feedback == before


def test_grade_probes_grades_as_far_as_answered_without_recording(store: Store,
                                                                   clock: FakeClock) -> None:
    session = _answered(store, clock)
    chain = session.grade_probes(["6.3e24 FLOP"])
    assert not isinstance(chain, Retry)
    assert [g.status for g in chain.steps] == ["exact"] and not chain.complete
    assert store.graded_steps() == []


def test_skipping_the_probes_leaves_the_written_rating(store: Store, clock: FakeClock) -> None:
    session = _answered(store, clock)
    written = session.feedback
    assert written is not None
    final = session.override(written.rating)  # Enter on the written verdict
    assert final.rating == written.rating and final.probes is None
    assert store.graded_steps() == []
    assert store.reviews()[0]["rating"] == written.rating


def test_undo_takes_the_probes_along(store: Store, clock: FakeClock) -> None:
    session = _answered(store, clock)
    review_id = session.feedback.review_id
    assert isinstance(session.submit_probes(RIGHT), Feedback)
    assert len(store.graded_steps(review_id=review_id)) == 2
    session.undo()
    assert store.graded_steps() == [] and store.reviews() == []


def test_no_probes_for_a_plain_question_or_a_dont_know(store: Store, clock: FakeClock) -> None:
    session = _answered(store, clock, PLAIN)
    assert session.answer_probes() is None
    with pytest.raises(RuntimeError):
        session.submit_probes(RIGHT)


def test_no_probes_after_dont_know(store: Store, clock: FakeClock) -> None:
    bank = ContentBank({QUESTION.id: QUESTION}, builtin_catalog())
    session = StudySession(store, bank, Scheduler(Config()), clock, seed=3,
                           picker=OnePicker(QUESTION.id))
    session.next_question()
    session.dont_know()
    assert session.answer_probes() is None


def test_add_graded_steps_refuses_a_missing_review_and_a_second_set(store: Store,
                                                                    clock: FakeClock) -> None:
    session = _answered(store, clock)
    review_id = session.feedback.review_id
    records = probe_records(_posed(), grade_chain(_posed(), RIGHT))
    with pytest.raises(StoreError, match="not found"):
        store.add_graded_steps(review_id + 99, records)
    store.add_graded_steps(review_id, records)
    with pytest.raises(StoreError, match="already has its probe steps"):
        store.add_graded_steps(review_id, records)
    assert len(store.graded_steps(review_id=review_id)) == 2


def test_a_rating_that_failed_to_save_can_be_retried(store: Store, clock: FakeClock,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    session = _answered(store, clock)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise StoreError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(store, "override_rating", broken)
        with pytest.raises(StoreError):
            session.submit_probes(RIGHT)
    feedback = session.submit_probes(RIGHT)  # the stored steps are kept, not doubled
    assert isinstance(feedback, Feedback) and feedback.probes is not None
    assert len(store.graded_steps()) == 2
