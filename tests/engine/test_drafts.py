"""Drafts (issue #12, "nothing typed is lost"): every unsent answer is kept in the database,
restored when its card or loop comes back, and deleted by the answer in the same commit."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import engine.store.db as store_module
from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import CardRow, ReviewRecord, Store, StoreError
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, StudySession, card_draft_key, loop_draft_key
from tests.engine.conftest import deck_bank, fact

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def two_facts(tmp_path: Path) -> ContentBank:
    return deck_bank(tmp_path, fact("a.one", 11), fact("b.two", 12))


def test_save_read_overwrite_and_clear(store: Store) -> None:
    assert store.draft("card:x") is None
    store.save_draft("card:x", "3.35 T", NOW)
    store.save_draft("card:x", "3.35 TB/s\nbecause five stacks", NOW)
    assert store.draft("card:x") == "3.35 TB/s\nbecause five stacks"  # kept as typed
    row = store.conn.execute("SELECT updated_at FROM drafts WHERE key = 'card:x'").fetchone()
    assert row == ("2026-01-05T09:00:00.000000+00:00",)
    store.clear_draft("card:x")
    assert store.draft("card:x") is None


@pytest.mark.parametrize("blank", ["", " ", "\n\t "])
def test_blank_text_deletes_the_draft(store: Store, blank: str) -> None:
    store.save_draft("card:x", "half an answer", NOW)
    store.save_draft("card:x", blank, NOW)
    assert store.draft("card:x") is None
    assert store.conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 0


def test_drafts_survive_reopening(db_path: Path) -> None:
    # Both opens on the day the draft was written: an open prunes drafts by the store's clock.
    first = Store(db_path, clock=FakeClock(NOW))
    first.save_draft("loop:3:open.x", "A long open answer, half written", NOW)
    first.close()
    again = Store(db_path, clock=FakeClock(NOW))
    assert again.draft("loop:3:open.x") == "A long open answer, half written"
    again.close()


def test_saved_at_defaults_to_the_stores_clock(db_path: Path) -> None:
    clock = FakeClock(datetime(2026, 2, 1, 12, 0, tzinfo=UTC))
    store = Store(db_path, clock=clock)
    store.save_draft("card:x", "80 GB")
    assert store.conn.execute("SELECT updated_at FROM drafts").fetchone()[0] == \
        "2026-02-01T12:00:00.000000+00:00"
    store.close()


def _review(card_id: str = "a.one", rating: int = 3) -> ReviewRecord:
    return ReviewRecord(card_id=card_id, reviewed_at=NOW, study_day=date(2026, 1, 5),
                        rating=rating, mode="drill", kind="fact", topic="hardware.memory")


def test_a_recorded_answer_deletes_its_draft_and_only_its_own(store: Store) -> None:
    store.save_draft("card:a.one", "11", NOW)
    store.save_draft("card:b.two", "12", NOW)
    store.record_review(_review(), CardRow("a.one", 1, 2, None, 3.0, 5.0, NOW, NOW, 1, 0),
                        draft_key="card:a.one")
    assert store.draft("card:a.one") is None
    assert store.draft("card:b.two") == "12"


def test_an_answer_that_fails_to_save_keeps_its_draft(store: Store) -> None:
    """The draft is deleted in the answer's transaction: an answer not saved keeps it."""
    store.save_draft("card:a.one", "11 bytes", NOW)
    with pytest.raises(sqlite3.IntegrityError):  # rating 7 breaks the CHECK after the delete
        store.record_review(_review(rating=7),
                            CardRow("a.one", 1, 2, None, 3.0, 5.0, NOW, NOW, 1, 0),
                            draft_key="card:a.one")
    assert store.draft("card:a.one") == "11 bytes"


def test_the_session_keeps_restores_and_clears_the_draft(store: Store, two_facts: ContentBank,
                                                         clock: FakeClock) -> None:
    scheduler = Scheduler(replace(Config(), new_per_day=2))
    first = StudySession(store, two_facts, scheduler, clock, seed=1)
    question = first.next_question()
    assert question is not None and first.draft() is None
    first.save_draft("1")
    first.save_draft("11 by")  # every few keystrokes: the latest wins
    assert first.draft_key() == card_draft_key(question.item_id)
    first.finish("abandoned")  # Esc: the answer was never sent
    # The card comes back in a later session: the box gets the text back.
    second = StudySession(store, two_facts, scheduler, clock, seed=1)
    assert second.next_question().item_id == question.item_id
    assert second.draft() == "11 by"
    outcome = second.submit("11 bytes" if question.item_id == "a.one" else "12 bytes")
    assert isinstance(outcome, Feedback)
    assert store.draft(card_draft_key(question.item_id)) is None


def test_a_loop_keeps_its_drafts_apart_from_the_drills(store: Store, two_facts: ContentBank,
                                                       clock: FakeClock) -> None:
    scheduler = Scheduler(Config())
    loop = StudySession(store, two_facts, scheduler, clock, mode="loop", seed=1)
    question = loop.next_question()
    assert question is not None
    assert loop.draft_key() == loop_draft_key(loop.session_id, question.item_id) == \
        f"loop:{loop.session_id}:{question.item_id}"
    loop.save_draft("a loop answer")
    assert store.draft(card_draft_key(question.item_id)) is None
    loop.submit("?")
    assert store.draft(loop.draft_key(question.item_id)) is None


def test_saving_a_draft_on_a_broken_file_is_a_store_error(store: Store) -> None:
    """Through ``Store.guard``: an SQLite failure is a ``StoreError`` naming the file."""
    store.conn.execute("DROP TABLE drafts")
    with pytest.raises(StoreError, match=r"progress\.db"):
        store.save_draft("card:x", "80 GB", NOW)
    with pytest.raises(StoreError):
        store.draft("card:x")


def test_a_damaged_file_refuses_a_draft_before_writing(store: Store) -> None:
    store.damage = StoreError("damaged", "corrupt")
    with pytest.raises(StoreError, match="damaged"):
        store.save_draft("card:x", "80 GB", NOW)


def test_saving_costs_one_small_transaction(store: Store,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """One upsert, whatever the history: the statements run for a save are counted."""
    store.save_draft("card:x", "8", NOW)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        store.save_draft("card:x", "80", NOW)
    finally:
        store.conn.set_trace_callback(None)
    writes = [s for s in statements if not s.startswith("PRAGMA")]
    assert [s.split()[0] for s in writes] == ["BEGIN", "INSERT", "COMMIT"]
    assert store_module.SCHEMA_VERSION >= 6  # drafts came with schema 6
