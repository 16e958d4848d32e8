"""Drafts are pruned (issue #12 left them for ever): an open of the store deletes the drafts
untouched for more than 90 days by the store's clock, keeps one exactly 90 days old, and
keeps drafts of cards no deck has today (a deck folder may only be missing for now)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import engine.store.db as store_module
from engine.clock import FakeClock
from engine.store.db import DRAFT_KEEP_DAYS, Store, StoreError

OPENED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
KEEP = timedelta(days=DRAFT_KEEP_DAYS)


def _keys(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {row[0] for row in conn.execute("SELECT key FROM drafts")}


def _write(db_path: Path, drafts: dict[str, datetime]) -> None:
    """Drafts saved at the given moments, by a store on the first of them."""
    store = Store(db_path, clock=FakeClock(min(drafts.values())))
    for key, saved_at in drafts.items():
        store.save_draft(key, f"typed for {key}", saved_at)
    store.close()


def test_the_keep_period_is_ninety_days() -> None:
    assert DRAFT_KEEP_DAYS == 90


def test_an_open_prunes_at_the_edge(db_path: Path) -> None:
    _write(db_path, {
        "card:exactly": OPENED - KEEP,  # 90 days exactly: kept
        "card:just_past": OPENED - KEEP - timedelta(microseconds=1),  # removed
        "card:a_day_past": OPENED - KEEP - timedelta(days=1),  # removed
        "loop:4:open.x": OPENED - KEEP - timedelta(days=400),  # a loop's draft too
        "card:recent": OPENED - timedelta(days=3),
    })
    store = Store(db_path, clock=FakeClock(OPENED))
    try:
        assert _keys(db_path) == {"card:exactly", "card:recent"}
        assert store.draft("card:exactly") == "typed for card:exactly"
    finally:
        store.close()


def test_a_later_open_prunes_what_has_aged_since(db_path: Path) -> None:
    _write(db_path, {"card:x": OPENED})
    Store(db_path, clock=FakeClock(OPENED + KEEP)).close()
    assert _keys(db_path) == {"card:x"}
    Store(db_path, clock=FakeClock(OPENED + KEEP + timedelta(seconds=1))).close()
    assert _keys(db_path) == set()


def test_drafts_of_cards_no_deck_has_are_kept(db_path: Path) -> None:
    """The store prunes by age only: a card whose deck folder is missing today keeps its
    draft (the bank is not consulted)."""
    _write(db_path, {"card:from.a.missing.deck": OPENED - timedelta(days=30),
                     "loop:9:gone.item": OPENED - timedelta(days=89)})
    Store(db_path, clock=FakeClock(OPENED)).close()
    assert _keys(db_path) == {"card:from.a.missing.deck", "loop:9:gone.item"}


def test_a_workers_open_does_not_prune(db_path: Path) -> None:
    """A thread worker's connection (``auto_backup=False``) has no clock of its own: it
    leaves the drafts to the app's open."""
    _write(db_path, {"card:old": OPENED - KEEP - timedelta(days=1)})
    Store(db_path, clock=FakeClock(OPENED), auto_backup=False).close()
    assert _keys(db_path) == {"card:old"}


def test_prune_drafts_reports_how_many(db_path: Path) -> None:
    _write(db_path, {"card:a": OPENED - timedelta(days=150), "card:b": OPENED})
    store = Store(db_path, clock=FakeClock(OPENED - timedelta(days=100)))  # a: 50 days old
    try:
        assert _keys(db_path) == {"card:a", "card:b"}
        assert store.prune_drafts(OPENED) == 1
        assert store.prune_drafts(OPENED) == 0
    finally:
        store.close()


def _traced_open(db_path: Path, monkeypatch: pytest.MonkeyPatch, now: datetime) -> list[str]:
    """The statements an open runs, as SQLite saw them."""
    statements: list[str] = []
    real_connect = store_module._connect

    def connect(path: Path | str) -> sqlite3.Connection:
        conn = real_connect(path)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(store_module, "_connect", connect)
    Store(db_path, clock=FakeClock(now)).close()
    monkeypatch.setattr(store_module, "_connect", real_connect)
    return statements


def test_an_open_with_nothing_old_only_reads_and_one_delete_prunes(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(db_path, {"card:recent": OPENED, "card:old": OPENED - timedelta(days=300),
                     "card:older": OPENED - timedelta(days=400)})
    early = _traced_open(db_path, monkeypatch, OPENED - timedelta(days=320))  # older: 80 days
    assert not [s for s in early if "DELETE FROM drafts" in s]
    late = _traced_open(db_path, monkeypatch, OPENED)
    assert len([s for s in late if "DELETE FROM drafts" in s]) == 1
    assert _keys(db_path) == {"card:recent"}


def test_a_busy_prune_does_not_stop_the_open(db_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Pruning is housekeeping: another program taking the lock at that moment postpones
    it to the next open; other failures are still the store's errors."""
    _write(db_path, {"card:old": OPENED - KEEP - timedelta(days=1)})

    def busy(self: Store, now: datetime | None = None) -> int:
        raise StoreError("busy", "busy")

    monkeypatch.setattr(Store, "prune_drafts", busy)
    Store(db_path, clock=FakeClock(OPENED)).close()
    assert _keys(db_path) == {"card:old"}

    def full(self: Store, now: datetime | None = None) -> int:
        raise StoreError("the disk is full", "full")

    monkeypatch.setattr(Store, "prune_drafts", full)
    with pytest.raises(StoreError, match="full"):
        Store(db_path, clock=FakeClock(OPENED))
    monkeypatch.undo()
    Store(db_path, clock=FakeClock(OPENED)).close()
    assert _keys(db_path) == set()


def test_a_damaged_drafts_table_is_still_refused(db_path: Path) -> None:
    """Pruning goes through the guarded path: a missing drafts table is the store's clear
    error, not a traceback."""
    Store(db_path, clock=FakeClock(OPENED)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TABLE drafts")
    with pytest.raises(StoreError):
        Store(db_path, clock=FakeClock(OPENED))
