"""The drill session: limits, re-entry on bad input, don't-know, overrides, next-day reviews."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from engine.bank import ContentBank, load_content
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store, streak_days
from engine.study.scheduler import REVIEW, Scheduler
from engine.study.session import Feedback, Retry, StudySession, today_counts

DECK = """
[deck]
id = "tiny"

{facts}
"""

FACT = """
[[facts]]
id = "tiny.f{n}"
topic = "hardware.memory"
level = "L4"
prompt = "Fact {n}: how many bytes per parameter?"
value = {value}
value_unit = "byte"
unit = "byte"
tolerance = "rel:5%,15%"
explanation = "Because."
source = "Test deck"
"""


@pytest.fixture
def tiny_bank(tmp_path: Path) -> ContentBank:
    deck_dir = tmp_path / "decks"
    deck_dir.mkdir()
    facts = "".join(FACT.format(n=n, value=10 + n) for n in range(20))
    (deck_dir / "tiny.toml").write_text(DECK.format(facts=facts))
    bank = load_content([deck_dir], include_builtin=False)
    assert bank.errors == []
    return bank


def _session(store: Store, bank: ContentBank, clock: FakeClock, **config: object) -> StudySession:
    return StudySession(store, bank, Scheduler(replace(Config(), **config)), clock, seed=7)


def _reference(session: StudySession) -> float:
    question = session.question
    assert question is not None
    return question.reference_value


def test_right_answer_is_recorded_with_grade(store: Store, tiny_bank: ContentBank,
                                             clock: FakeClock) -> None:
    session = _session(store, tiny_bank, clock)
    question = session.next_question()
    assert question is not None
    clock.advance(5)
    outcome = session.submit(f"{_reference(session):g} bytes")
    assert isinstance(outcome, Feedback)
    assert outcome.grade is not None and outcome.grade.band == "exact"
    assert outcome.rating == 3
    [row] = store.reviews()
    assert row["card_id"] == question.item_id
    assert row["mode"] == "drill"
    assert row["band"] == "exact"
    assert row["duration_ms"] == 5000
    assert row["was_new"] == 1
    assert row["session_id"] == session.session_id


def test_unreadable_or_wrong_dimension_is_not_recorded(store: Store, tiny_bank: ContentBank,
                                                       clock: FakeClock) -> None:
    session = _session(store, tiny_bank, clock)
    session.next_question()
    garbage = session.submit("lots")
    assert isinstance(garbage, Retry) and garbage.band == "unparsed"
    wrong = session.submit("3 seconds")
    assert isinstance(wrong, Retry) and wrong.band == "unit_mismatch"
    assert store.reviews() == []
    assert isinstance(session.submit(f"{_reference(session)}"), Feedback)  # bare: display unit
    assert len(store.reviews()) == 1


def test_dont_know_is_again_and_override_is_logged(store: Store, tiny_bank: ContentBank,
                                                   clock: FakeClock) -> None:
    session = _session(store, tiny_bank, clock)
    session.next_question()
    feedback = session.submit("?")
    assert isinstance(feedback, Feedback)
    assert (feedback.rating, feedback.verdict) == (1, "don't know")
    overridden = session.override(2)
    assert overridden.overridden
    [row] = store.reviews()
    assert (row["rating"], row["suggested_rating"], row["override"]) == (2, 1, 1)
    card = store.card(row["card_id"])
    assert card is not None and card.reps == 1  # re-rated, not reviewed twice


def test_new_card_limit_then_learning_cards_then_done(store: Store, tiny_bank: ContentBank,
                                                      clock: FakeClock) -> None:
    session = _session(store, tiny_bank, clock, new_per_day=3)
    seen = []
    while (question := session.next_question()) is not None:
        seen.append(question.item_id)
        clock.advance(4)
        session.submit(f"{_reference(session)} B")
        assert len(seen) < 50, "the session never ended"
    assert len(set(seen)) == 3
    cards = store.cards()
    assert len(cards) == 3
    # Right twice: through both learning steps (10 min ahead is served early) into review.
    assert all(card.state == REVIEW for card in cards.values())
    counts = today_counts(store, tiny_bank, session.scheduler, clock)
    assert (counts.new_available, counts.due_total, counts.new_done) == (0, 0, 3)
    assert counts.next_due is not None and counts.next_due > clock.now()


def test_due_reviews_come_back_on_a_later_day(store: Store, tiny_bank: ContentBank,
                                              clock: FakeClock) -> None:
    first = _session(store, tiny_bank, clock, new_per_day=2)
    while first.next_question() is not None:
        first.submit(f"{_reference(first)} B")
    due_before = {cid: card.due for cid, card in store.cards().items()}
    clock.advance(days=30)
    second = _session(store, tiny_bank, clock, new_per_day=0)
    counts = today_counts(store, tiny_bank, second.scheduler, clock)
    assert counts.due_review == 2
    question = second.next_question()
    assert question is not None and question.item_id in due_before
    second.submit(f"{_reference(second)} B")
    assert store.card(question.item_id).due > due_before[question.item_id]


def test_streak_counts_consecutive_study_days(store: Store, tiny_bank: ContentBank,
                                              clock: FakeClock) -> None:
    for _day in range(3):
        session = _session(store, tiny_bank, clock, new_per_day=1)
        session.next_question()
        session.submit("?")
        clock.advance(days=1)
    counts = today_counts(store, tiny_bank, Scheduler(Config()), clock)
    assert counts.streak_days == 3  # not yet studied today: yesterday's streak still stands
    from datetime import date

    assert streak_days([date(2026, 1, 5), date(2026, 1, 3)], date(2026, 1, 5)) == 1
    assert streak_days([], date(2026, 1, 5)) == 0
    clock.advance(days=1)
    assert today_counts(store, tiny_bank, Scheduler(Config()), clock).streak_days == 0


def test_same_seed_poses_same_questions(store: Store, bank: ContentBank, clock: FakeClock,
                                        tmp_path: Path) -> None:
    a = _session(store, bank, clock)
    other = Store(tmp_path / "other.db")
    b = _session(other, bank, clock)
    for _ in range(5):
        qa, qb = a.next_question(), b.next_question()
        assert qa is not None and qb is not None
        assert (qa.item_id, qa.prompt, qa.reference_value) == \
            (qb.item_id, qb.prompt, qb.reference_value)
        a.submit("?")
        b.submit("?")
        clock.advance(timedelta(minutes=1).total_seconds())
    other.close()
