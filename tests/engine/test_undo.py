"""Undo (issue #12, Anki's ctrl+z): the last answer of a session is taken back in one
transaction — the card's earlier schedule restored, the review out of the history and of the
running totals, kept whole in ``undone_reviews`` — and its question is asked again."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import engine.store.db as store_module
from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import CardRow, Store, UndoError
from engine.study.custom import CustomPicker
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, StudySession, today_counts
from tests.engine.conftest import deck_bank, fact
from tests.engine.test_running_totals import assert_totals_match


@pytest.fixture
def facts(tmp_path: Path) -> ContentBank:
    return deck_bank(tmp_path, *(fact(f"t.f{n}", 10 + n) for n in range(6)))


def _session(store: Store, bank: ContentBank, clock: FakeClock, **config: object) -> StudySession:
    return StudySession(store, bank, Scheduler(replace(Config(), **config)), clock, seed=3)


def _right(session: StudySession) -> str:
    question = session.question
    assert question is not None
    return f"{question.reference_value:g} B"


def _right_text(question) -> str:
    return f"{question.reference_value:g} B"


def _hand_totals(store: Store) -> dict[str, tuple[int, int, int]]:
    """(answers, fails, card count) per topic counted in Python from the reviews left."""
    out: dict[str, list] = {}
    for row in store.reviews():
        entry = out.setdefault(row["topic"], [0, 0, set()])
        entry[0] += 1
        entry[1] += row["rating"] == 1
        entry[2].add(row["card_id"])
    return {topic: (a, f, len(c)) for topic, (a, f, c) in out.items()}


def _stored_totals(store: Store) -> dict[str, tuple[int, int, int]]:
    rows = store.conn.execute(
        "SELECT t.topic, t.answers, t.fails, (SELECT COUNT(*) FROM card_totals c "
        "WHERE c.topic = t.topic AND c.answers > 0) FROM topic_totals t "
        "WHERE t.answers > 0").fetchall()
    return {topic: (answers, fails, cards) for topic, answers, fails, cards in rows}


def test_undo_restores_the_schedule_and_takes_the_answer_out_of_every_total(
        store: Store, facts: ContentBank, clock: FakeClock) -> None:
    session = _session(store, facts, clock)
    first = session.next_question()
    assert first is not None
    session.submit(_right(session))  # the card goes to its second learning step
    clock.advance(minutes=10)
    asked = session.next_question()
    assert asked is not None and asked.item_id == first.item_id
    before = store.card(first.item_id)
    assert before is not None
    clock.advance(7)
    answered = session.submit("3 B")  # off: Again
    assert isinstance(answered, Feedback) and answered.rating == 1
    assert store.card(first.item_id) != before
    totals_with = _stored_totals(store)
    assert totals_with["hardware.memory"] == (2, 1, 1)

    clock.advance(2)
    undone = session.undo()

    assert store.card(first.item_id) == before  # the schedule from before the answer
    assert [r["answer_text"] for r in store.reviews()] == [_right_text(first)]
    assert _stored_totals(store) == _hand_totals(store) == {"hardware.memory": (1, 0, 1)}
    assert_totals_match(store)  # day, topic, card totals and both bucket tables
    kept = store.conn.execute("SELECT review_id, card_id, session_id, mode, undone_at, "
                              "review_json FROM undone_reviews").fetchall()
    assert len(kept) == 1
    review_id, card_id, session_id, mode, undone_at, text = kept[0]
    assert (review_id, card_id, session_id, mode) == (answered.review_id, first.item_id,
                                                      session.session_id, "drill")
    assert undone_at == store_module.iso(clock.now())
    assert json.loads(text)["answer_text"] == "3 B" and json.loads(text)["rating"] == 1
    # The question is asked again, the text typed is back in the box, the rating known.
    assert (undone.question, undone.answer_text, undone.rating) == (asked, "3 B", 1)
    assert session.question == asked and session.feedback is None
    assert session.draft() == "3 B"
    assert store.undo_count(session_id=session.session_id) == 1
    again = session.submit(_right(session))
    assert isinstance(again, Feedback) and again.rating == 3
    assert store.draft(session.draft_key(first.item_id)) is None


def test_undoing_a_new_cards_first_answer_makes_it_new_again(store: Store, facts: ContentBank,
                                                             clock: FakeClock) -> None:
    session = _session(store, facts, clock, new_per_day=2)
    question = session.next_question()
    assert question is not None
    session.submit("?")
    counts = today_counts(store, facts, session.scheduler, clock)
    assert (counts.new_done, counts.new_available) == (1, 1)
    session.undo()
    assert store.card(question.item_id) is None
    assert store.reviews() == []
    counts = today_counts(store, facts, session.scheduler, clock)
    assert (counts.new_done, counts.new_available) == (0, 2)
    assert session.draft() is None  # "don't know" leaves no text to restore
    assert_totals_match(store)


def test_only_the_last_answer_and_only_once(store: Store, facts: ContentBank,
                                            clock: FakeClock) -> None:
    session = _session(store, facts, clock)
    with pytest.raises(UndoError, match="nothing to undo"):
        session.undo()
    assert not session.can_undo
    session.next_question()
    session.submit(_right(session))
    session.next_question()
    session.submit(_right(session))
    assert session.can_undo
    session.undo()
    assert not session.can_undo
    with pytest.raises(UndoError, match="nothing to undo"):
        session.undo()
    assert len(store.reviews()) == 1


def test_undo_after_an_override_restores_the_state_before_the_answer(
        store: Store, facts: ContentBank, clock: FakeClock) -> None:
    session = _session(store, facts, clock)
    question = session.next_question()
    assert question is not None
    session.submit("?")
    before = store.card(question.item_id)
    clock.advance(minutes=1)
    assert session.next_question().item_id == question.item_id
    session.submit(_right(session))
    session.override(4)  # Easy: graduates
    assert session.can_undo
    session.undo()
    assert store.card(question.item_id) == before
    assert [r["rating"] for r in store.reviews()] == [1]


def test_a_card_answered_again_elsewhere_cannot_be_undone(store: Store, facts: ContentBank,
                                                          clock: FakeClock,
                                                          db_path: Path) -> None:
    mine = _session(store, facts, clock)
    question = mine.next_question()
    assert question is not None
    mine.submit("?")
    clock.advance(minutes=1)
    other_store = Store(db_path)
    other = _session(other_store, facts, clock)
    assert other.next_question().item_id == question.item_id
    other.submit(_right(other))
    after_other = store.card(question.item_id)
    reviews = store.reviews()
    with pytest.raises(UndoError, match="answered again since"):
        mine.undo()
    assert store.card(question.item_id) == after_other  # nothing changed
    assert store.reviews() == reviews
    assert store.conn.execute("SELECT COUNT(*) FROM undone_reviews").fetchone()[0] == 0
    other_store.close()


def test_an_undo_that_fails_half_way_changes_nothing(store: Store, facts: ContentBank,
                                                     clock: FakeClock,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    session = _session(store, facts, clock)
    question = session.next_question()
    assert question is not None
    session.submit(_right(session))
    clock.advance(minutes=10)
    session.next_question()
    session.submit(_right(session))
    card, reviews = store.card(question.item_id), store.reviews()

    def broken(*_args: object) -> None:
        raise KeyboardInterrupt  # Ctrl+C after the review was deleted

    monkeypatch.setattr(store_module, "_upsert_card", broken)
    with pytest.raises(KeyboardInterrupt):
        session.undo()
    assert store.card(question.item_id) == card and store.reviews() == reviews
    assert store.conn.execute("SELECT COUNT(*) FROM undone_reviews").fetchone()[0] == 0
    assert_totals_match(store)


def test_a_loop_has_no_undo(store: Store, facts: ContentBank, clock: FakeClock) -> None:
    loop = StudySession(store, facts, Scheduler(Config()), clock, mode="loop", seed=1)
    loop.next_question()
    loop.submit("?")
    assert not loop.can_undo
    with pytest.raises(UndoError, match="interview"):
        loop.undo()
    assert len(store.reviews()) == 1


def test_a_question_picked_meanwhile_goes_back_to_its_picker(store: Store, facts: ContentBank,
                                                             clock: FakeClock) -> None:
    picker = CustomPicker(limit=2)
    session = StudySession(store, facts, Scheduler(Config()), clock, mode="custom",
                           picker=picker, seed=1)
    first = session.next_question()
    assert first is not None
    session.submit(_right(session))
    pending = session.next_question()  # picked, not answered yet
    assert pending is not None and picker.served == [first.item_id, pending.item_id]
    session.undo()
    assert session.question == first and picker.served == [first.item_id]
    session.submit(_right(session))
    assert session.next_question().item_id == pending.item_id  # still served, once


def test_undo_in_the_store_refuses_an_unknown_review(store: Store) -> None:
    with pytest.raises(UndoError, match="not in the history"):
        store.undo_review(12345, FakeClock().now())


def test_undone_reviews_survive_in_the_file(db_path: Path, facts: ContentBank,
                                            clock: FakeClock) -> None:
    store = Store(db_path)
    session = _session(store, facts, clock)
    session.next_question()
    session.submit("10.5 bytes")
    session.undo()
    store.close()
    again = Store(db_path)
    (text,) = again.conn.execute("SELECT review_json FROM undone_reviews").fetchone()
    assert json.loads(text)["answer_text"] == "10.5 bytes"
    assert CardRow.from_dict(json.loads(json.loads(text)["card_before_json"])).reps == 0
    again.close()


def test_stats_count_the_undos(store: Store, facts: ContentBank, clock: FakeClock) -> None:
    from datetime import UTC

    from engine.progress.stats import compute_stats

    session = _session(store, facts, clock)
    session.next_question()
    session.submit("?")
    session.undo()
    stats = compute_stats(store, facts, session.scheduler, clock.now(), UTC)
    assert (stats.undone_total, stats.undone_today, stats.reviews_total) == (1, 1, 0)
    clock.advance(days=1)
    stats = compute_stats(store, facts, session.scheduler, clock.now(), UTC)
    assert (stats.undone_total, stats.undone_today) == (1, 0)


def test_a_weak_session_gets_its_pending_card_back_too(store: Store, facts: ContentBank,
                                                       clock: FakeClock) -> None:
    from engine.progress.weak import WeakPicker

    warmup = _session(store, facts, clock)
    for _ in range(3):
        warmup.next_question()
        warmup.submit("?")
    picker = WeakPicker(limit=3)
    session = StudySession(store, facts, Scheduler(Config()), clock, mode="weak",
                           picker=picker, seed=1)
    first = session.next_question()
    assert first is not None
    session.submit("?")
    pending = session.next_question()
    assert pending is not None
    session.undo()
    assert pending.item_id not in picker.served
    session.submit("?")
    assert session.next_question().item_id == pending.item_id
