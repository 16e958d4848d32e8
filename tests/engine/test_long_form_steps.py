"""Essay items learn in days, not minutes (issue #12: open questions of 3-10 minutes came
back about a minute after the model answer was read); numbers and facts keep 1 min / 10 min."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.scheduler import LEARNING, RELEARNING, REVIEW, Scheduler, day_start, study_day
from engine.study.session import Feedback, StudySession
from tests.engine.conftest import deck_bank, fact, open_question

MORNING = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_the_scheduler_steps_long_form_items_by_days() -> None:
    scheduler = Scheduler(Config())
    card = scheduler.new_card("open.x", 1, MORNING)
    again = scheduler.review(card, 1, MORNING, long_form=True)
    assert (again.state, again.due - MORNING) == (LEARNING, timedelta(days=1))
    hard = scheduler.review(card, 2, MORNING, long_form=True)
    assert hard.due - MORNING == timedelta(days=1.5)  # py-fsrs: a single step × 1.5
    good = scheduler.review(card, 3, MORNING, long_form=True)
    assert good.state == REVIEW and good.due - MORNING >= timedelta(days=1)
    # The same card as a fact: minutes.
    assert scheduler.review(card, 1, MORNING).due - MORNING == timedelta(minutes=1)
    assert scheduler.review(card, 3, MORNING).due - MORNING == timedelta(minutes=10)


def test_a_lapse_relearns_in_a_day() -> None:
    scheduler = Scheduler(Config())
    card = scheduler.review(scheduler.new_card("open.x", 1, MORNING), 4, MORNING,
                            long_form=True)
    later = card.due
    lapse = scheduler.review(card, 1, later, long_form=True)
    assert (lapse.state, lapse.due - later) == (RELEARNING, timedelta(days=1))
    assert scheduler.review(card, 1, later).due - later == timedelta(minutes=10)


def test_steps_can_be_given() -> None:
    scheduler = Scheduler(Config(), long_form_learning_steps_minutes=(720.0, 2880.0),
                          long_form_relearning_steps_minutes=(360.0,))
    card = scheduler.new_card("open.x", 1, MORNING)
    assert scheduler.review(card, 1, MORNING, long_form=True).due - MORNING == \
        timedelta(hours=12)
    assert scheduler.review(card, 3, MORNING, long_form=True).due - MORNING == \
        timedelta(days=2)


def test_a_card_met_under_minute_steps_moves_on_under_day_steps() -> None:
    """An open question learnt before this change (step 1 of [1 min, 10 min]) is not stuck:
    py-fsrs graduates a card whose step is past the new list."""
    scheduler = Scheduler(Config())
    card = scheduler.review(scheduler.new_card("open.x", 1, MORNING), 3, MORNING)
    assert (card.state, card.step) == (LEARNING, 1)
    moved = scheduler.review(card, 3, MORNING + timedelta(minutes=10), long_form=True)
    assert moved.state == REVIEW


@pytest.fixture
def mixed(tmp_path: Path) -> ContentBank:
    return deck_bank(tmp_path, fact("t.fact", 16), open_question("t.essay"))


def _next_study_day_start(moment: datetime) -> datetime:
    return day_start(study_day(moment, UTC, 4) + timedelta(days=1), UTC, 4)


def test_an_open_answer_rated_good_comes_back_the_next_study_day(
        store: Store, mixed: ContentBank) -> None:
    clock = FakeClock(MORNING)
    session = StudySession(store, mixed, Scheduler(Config()), clock, seed=1)
    answered: dict[str, datetime] = {}
    while (question := session.next_question()) is not None and len(answered) < 2:
        if question.kind == "open":
            outcome = session.submit("The bandwidth bounds the step; overlap the all-reduce.")
            assert isinstance(outcome, Feedback)
            if outcome.rating != 3:
                outcome = session.override(3)  # Good
        else:
            outcome = session.submit("16 bytes")
            assert isinstance(outcome, Feedback) and outcome.rating == 3
        answered[question.item_id] = clock.now()
    essay, quick = store.card("t.essay"), store.card("t.fact")
    assert essay is not None and quick is not None
    assert essay.due >= _next_study_day_start(answered["t.essay"])  # not in a minute
    assert quick.due - answered["t.fact"] == timedelta(minutes=10)  # still minutes
    # Not served again today, learn-ahead or not: the fact comes back, the essay does not.
    clock.advance(minutes=30)
    asked_today = []
    while (question := session.next_question()) is not None and len(asked_today) < 5:
        asked_today.append(question.item_id)
        session.submit("16 bytes")
    assert "t.essay" not in asked_today


def test_an_override_of_an_open_answer_keeps_the_day_steps(store: Store,
                                                           mixed: ContentBank) -> None:
    clock = FakeClock(MORNING)
    session = StudySession(store, mixed, Scheduler(Config()), clock, seed=1)
    while (question := session.next_question()) is not None and question.kind != "open":
        session.submit("16 bytes")
    assert session.question is not None and session.question.kind == "open"
    session.submit("The bandwidth bounds the step; overlap the all-reduce.")
    session.override(1)  # Again
    card = store.card("t.essay")
    assert card is not None and card.due - clock.now() == timedelta(days=1)
