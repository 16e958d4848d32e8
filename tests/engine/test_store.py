"""The store: schema, WAL, the one atomic writer path, and refusing files it must not touch."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from engine.store.db import SCHEMA_VERSION, CardRow, ReviewRecord, Store, StoreError, iso

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _card(card_id: str = "hw.x", due: datetime = NOW) -> CardRow:
    return CardRow(card_id, 1, 2, None, 3.2, 5.1, due, NOW, 1, 0)


def _review(card_id: str = "hw.x", rating: int = 3) -> ReviewRecord:
    return ReviewRecord(card_id=card_id, reviewed_at=NOW, study_day=date(2026, 1, 5),
                        rating=rating, mode="drill", kind="fact", topic="hardware.compute",
                        answer_text="989 TFLOP/s", parsed_value=989.0, reference_value=989.4,
                        display_unit="TFLOP/s", band="exact", suggested_rating=rating,
                        was_new=True, card_before=_card().to_dict())


def test_new_database_has_schema_wal_and_version(store: Store) -> None:
    assert store.schema_version() == SCHEMA_VERSION
    assert set(store.db.table_names()) >= {"meta", "cards", "reviews", "sessions"}
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    columns = set(store.db["reviews"].columns_dict)
    assert {"card_id", "reviewed_at", "rating", "mode", "answer_text", "parsed_value",
            "reference_value", "rel_error", "log10_error", "params_json", "seed",
            "duration_ms", "override", "session_id"} <= columns


def test_review_and_card_state_commit_together(store: Store) -> None:
    due = NOW + timedelta(days=3)
    review_id = store.record_review(_review(), _card(due=due))
    assert review_id > 0
    assert store.card("hw.x").due == due
    row = store.reviews()[0]
    assert (row["card_id"], row["rating"], row["mode"]) == ("hw.x", 3, "drill")
    assert row["reviewed_at"] == "2026-01-05T09:00:00.000000+00:00"


def test_failed_write_leaves_nothing_behind(store: Store) -> None:
    bad = _review(rating=7)  # violates the CHECK constraint after the card upsert ran
    with pytest.raises(sqlite3.IntegrityError):
        store.record_review(bad, _card())
    assert store.card("hw.x") is None
    assert store.reviews() == []


def test_override_changes_rating_and_flags_it(store: Store) -> None:
    review_id = store.record_review(_review(rating=3), _card())
    store.override_rating(review_id, 2, _card(due=NOW + timedelta(hours=1)))
    row = store.reviews()[0]
    assert (row["rating"], row["override"], row["suggested_rating"]) == (2, 1, 3)
    store.override_rating(review_id, 3, _card())
    assert store.reviews()[0]["override"] == 0


def test_data_survives_reopening(db_path: Path) -> None:
    first = Store(db_path)
    first.record_review(_review(), _card())
    first.close()
    again = Store(db_path)
    assert len(again.reviews()) == 1
    assert again.card("hw.x") is not None
    again.close()


def test_not_a_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not SQLite" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"notes\.db"):
        Store(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a tpm-drill database"):
        Store(path)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["invoices"]
    conn.close()


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer tpm-drill"):
        Store(db_path)


def test_first_schema_database_migrates_and_keeps_its_data(tmp_path: Path) -> None:
    """tests/fixtures/schema_v1.db was written by the first schema (6 reviews, 6 cards)."""
    import shutil

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1.db"
    path = tmp_path / "old.db"
    shutil.copy(fixture, path)
    before = sqlite3.connect(path)
    old_reviews = before.execute("SELECT id, card_id, rating, reviewed_at FROM reviews").fetchall()
    old_cards = before.execute("SELECT id, due, stability FROM cards").fetchall()
    before.close()
    assert len(old_reviews) == 6
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION
    assert [(r["id"], r["card_id"], r["rating"], r["reviewed_at"]) for r in store.reviews()] \
        == old_reviews
    assert sorted(store.conn.execute("SELECT id, due, stability FROM cards").fetchall()) \
        == sorted(old_cards)
    assert {"auto_score", "self_score", "loop_round"} <= set(store.db["reviews"].columns_dict)
    # Schema 4 filled state_before from each review's JSON snapshot of the card.
    pairs = store.conn.execute("SELECT state_before, card_before_json FROM reviews").fetchall()
    assert pairs and all(state == json.loads(text)["state"] for state, text in pairs)
    assert {"loop_rounds", "promotions"} <= set(store.db.table_names())
    store.close()


def test_unseen_among_keeps_the_bank_order_and_skips_met_cards(store: Store) -> None:
    """The new-card lookup: ids from a JSON array with no card yet, in array order."""
    from tests.reliability.helpers import card, review

    for index, card_id in enumerate(["hw.b", "hw.d"], start=1):
        store.record_review(review(card_id), card(card_id, fsrs_id=index))
    order = json.dumps(["hw.a", "hw.b", "hw.c", "hw.d", "hw.e"])
    assert store.unseen_among(order) == ["hw.a", "hw.c", "hw.e"]
    assert store.unseen_among(order, 2) == ["hw.a", "hw.c"]
    assert store.count_unseen(order) == 3
    assert store.count_unseen("[]") == 0


def test_due_brief_text_sorts_like_the_due_instants(store: Store) -> None:
    """Picking compares the stored due text with ``iso(now)``: the order must be time order."""
    from tests.reliability.helpers import NOW, card, review

    for index, hours in enumerate([30, 2, 10], start=1):
        row = card(f"hw.c{index}", fsrs_id=index)
        row = CardRow(row.id, row.fsrs_id, row.state, row.step, row.stability, row.difficulty,
                      NOW + timedelta(hours=hours), row.last_review, row.reps, row.lapses)
        store.record_review(review(row.id), row)
    brief = store.due_brief(NOW + timedelta(hours=24))
    assert sorted(entry[0] for entry in brief) == ["hw.c2", "hw.c3"]
    assert [e[0] for e in sorted(brief, key=lambda e: e[2])] == ["hw.c2", "hw.c3"]
    assert all(entry[2] < iso(NOW + timedelta(hours=24)) for entry in brief)


def test_record_review_computes_the_new_state_from_the_card_read_in_its_transaction(
        store: Store) -> None:
    """Given a function, the store reads the card inside the write transaction, passes it in
    (``None`` while new) and records the ``card_before`` and ``was_new`` it actually read."""
    seen: list[CardRow | None] = []

    def bump(stored: CardRow | None) -> tuple[CardRow, CardRow]:
        seen.append(stored)
        before = stored or CardRow("hw.x", 1, 1, 0, None, None, NOW, None, 0, 0)
        return before, CardRow(before.id, before.fsrs_id, 2, None, 3.0, 5.0,
                               NOW + timedelta(days=1), NOW, before.reps + 1, 0)

    stale = _review()  # says was_new with a made-up card_before: both are replaced
    store.record_review(stale, bump)
    store.record_review(_review(), bump)
    assert seen[0] is None and seen[1] is not None and seen[1].reps == 1
    assert store.card("hw.x").reps == 2
    rows = store.reviews()
    assert [json.loads(r["card_before_json"])["reps"] for r in rows] == [0, 1]
    assert [r["was_new"] for r in rows] == [1, 0]
    assert [r["state_before"] for r in rows] == [1, 2]


def test_override_with_a_function_redoes_the_card_from_the_stored_state(store: Store) -> None:
    review_id = store.record_review(_review(rating=3), _card())
    calls: list[tuple[CardRow, datetime]] = []

    def redo(before: CardRow, reviewed_at: datetime) -> CardRow:
        calls.append((before, reviewed_at))
        return _card(due=NOW + timedelta(hours=1))

    store.override_rating(review_id, 1, redo)
    assert calls == [(_card(), NOW)]
    assert store.card("hw.x").due == NOW + timedelta(hours=1)
    assert store.reviews()[0]["rating"] == 1
