"""Damage is caught whenever it happens: at every open, at any read, and nothing is written after.

Issue #11: a file damaged after the day's first open (its backup already made, so no check ran)
opened fine and fed ``stats`` figures, ``weak`` tracebacks and a crashing home screen; a meta
``schema_version`` of ``'abc'`` was a ``ValueError`` traceback. Real SQLite files in
``tmp_path``, damaged by overwriting pages as a failing disk or a sync tool would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import engine.store.db as store_module
from engine.clock import FakeClock
from engine.store.db import SCHEMA_VERSION, Store, StoreError
from tests.reliability.helpers import (
    card,
    filled_database,
    overwrite_page,
    review,
    table_pages,
)
from tui.__main__ import main

DAY_ONE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MISSING = object()


def _set_version(path: Path, value: object) -> None:
    """Rewrite ``meta`` without its NOT NULL and TEXT type, so any value (NULL, an integer)
    can be stored as a hand edit or another tool would; ``MISSING`` drops the row."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("CREATE TABLE meta_edited (key TEXT PRIMARY KEY, value)")
    conn.execute("INSERT INTO meta_edited SELECT key, value FROM meta "
                 "WHERE key != 'schema_version'")
    if value is not MISSING:
        conn.execute("INSERT INTO meta_edited VALUES ('schema_version', ?)", (value,))
    conn.execute("DROP TABLE meta")
    conn.execute("ALTER TABLE meta_edited RENAME TO meta")
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = delete")  # one file, so its bytes show any write
    conn.close()


@pytest.mark.parametrize(("value", "kind"), [
    ("abc", "corrupt"), (None, "corrupt"), ("-1", "corrupt"), ("1e9", "corrupt"),
    ("0", "corrupt"), ("", "corrupt"), (" 5", "corrupt"), ("5.0", "corrupt"),
    (MISSING, "corrupt"), (99, "newer"), ("99", "newer"), ("1000000000", "newer"),
    (str(SCHEMA_VERSION + 1), "newer"),
])
def test_odd_schema_versions_are_refused(tmp_path: Path, value: object, kind: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = filled_database(tmp_path / "progress.db", reviews=10)
    _set_version(path, value)
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.kind == kind
    message = str(caught.value)
    assert str(path) in message and ("backup --restore" in message if kind == "corrupt"
                                     else "Upgrade tpm-drill" in message)
    assert path.read_bytes() == before
    assert main(["--db", str(path), "drill"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "schema" in err


@pytest.mark.parametrize("value", [SCHEMA_VERSION, str(SCHEMA_VERSION)])
def test_the_current_version_opens_as_text_or_integer(tmp_path: Path, value: object) -> None:
    """The edge next to the refusals: this version, stored either way, is fine."""
    path = filled_database(tmp_path / "progress.db", reviews=10)
    _set_version(path, value)
    store = Store(path, auto_backup=False)
    assert store.schema_version() == SCHEMA_VERSION and len(store.reviews()) == 10
    store.close()


def test_a_missing_table_is_damage_not_a_query_error(tmp_path: Path) -> None:
    path = filled_database(tmp_path / "progress.db", reviews=10)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE card_totals")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as caught:
        Store(path, auto_backup=False)
    assert caught.value.kind == "corrupt" and "card_totals" in str(caught.value)


def test_damage_after_the_days_first_open_is_refused_at_the_next_open(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Today's backup is made, so the backup's check does not run again today; the check
    every open makes finds the damaged page anyway, before anything is written."""
    path = filled_database(tmp_path / "progress.db")
    clock = FakeClock(DAY_ONE)
    first = Store(path, clock)
    assert first.backup_made is not None
    first.close()
    pages = table_pages(path, "reviews")
    overwrite_page(path, pages[len(pages) // 2])
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(path, clock)
    assert caught.value.kind == "corrupt" and "backup --restore" in str(caught.value)
    assert path.read_bytes() == before
    assert main(["--db", str(path), "stats", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert "damaged" in captured.err


def _damaged_reviews(tmp_path: Path) -> tuple[Path, int]:
    """A closed database with one page of the reviews table inverted, and its size."""
    path = filled_database(tmp_path / "progress.db")
    pages = table_pages(path, "reviews")
    overwrite_page(path, pages[len(pages) // 2])
    return path, path.stat().st_size


def test_a_file_at_the_full_check_size_is_checked_whole(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path, size = _damaged_reviews(tmp_path)
    monkeypatch.setattr(store_module, "FULL_QUICK_CHECK_MAX_BYTES", size)
    with pytest.raises(StoreError) as caught:
        Store(path, auto_backup=False)
    assert caught.value.kind == "corrupt"


def test_a_bigger_file_skips_reviews_at_open_and_a_read_of_them_is_a_store_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One byte past the limit the open check leaves ``reviews`` (the history) to the daily
    backup; the first read meeting the damage is the ``corrupt`` StoreError, remembered, and
    every write after it is refused with the same message: nothing more reaches the file."""
    path, size = _damaged_reviews(tmp_path)
    monkeypatch.setattr(store_module, "FULL_QUICK_CHECK_MAX_BYTES", size - 1)
    store = Store(path, auto_backup=False)
    try:
        assert store.damage is None
        with pytest.raises(StoreError) as caught:
            store.reviews()
        assert caught.value.kind == "corrupt" and store.damage is caught.value
        wal = path.with_name(path.name + "-wal")
        before = (path.read_bytes(), wal.read_bytes() if wal.exists() else b"")
        writes: list[Callable[[], Any]] = [
            lambda: store.record_review(review("hw.new"), card("hw.new", 99)),
            lambda: store.start_session("drill", DAY_ONE, {}),
            lambda: store.end_session(1, DAY_ONE),
            lambda: store.add_promotion("L5", DAY_ONE, None),
            lambda: store.transaction().__enter__(),
        ]
        for write in writes:
            with pytest.raises(StoreError) as refused:
                write()
            assert (refused.value.kind, str(refused.value)) == ("corrupt", str(caught.value))
        assert not store.conn.in_transaction
        assert (path.read_bytes(), wal.read_bytes() if wal.exists() else b"") == before
    finally:
        store.close()


def test_the_bounded_check_still_reads_every_other_table(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """What home, picking and stats read (cards, the running totals) is checked on every
    open whatever the file's size."""
    path = filled_database(tmp_path / "progress.db")
    overwrite_page(path, table_pages(path, "card_totals")[0])
    monkeypatch.setattr(store_module, "FULL_QUICK_CHECK_MAX_BYTES", 0)
    with pytest.raises(StoreError) as caught:
        Store(path, auto_backup=False)
    assert caught.value.kind == "corrupt"


def test_weak_areas_on_damaged_reviews_is_a_store_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bank, scheduler) -> None:
    """``weak --json`` read each card's latest rating from a damaged page: a traceback."""
    from engine.progress.weak import weak_json

    path, size = _damaged_reviews(tmp_path)
    monkeypatch.setattr(store_module, "FULL_QUICK_CHECK_MAX_BYTES", size - 1)
    store = Store(path, auto_backup=False)
    try:
        with pytest.raises(StoreError) as caught:
            weak_json(store, bank, scheduler, DAY_ONE)
        assert caught.value.kind == "corrupt"
        assert not store.conn.in_transaction  # the read snapshot was closed
    finally:
        store.close()


class _Malformed:
    """A connection whose queries naming ``marker`` fail as SQLite does on a damaged page:
    the statement starts, then "database disk image is malformed" comes at the first row."""

    def __init__(self, conn: sqlite3.Connection, marker: str) -> None:
        self._conn = conn
        self._marker = marker

    def execute(self, sql: str, *args: object) -> Any:
        cursor = self._conn.execute(sql, *args)
        return _FailingCursor(cursor) if self._marker in sql else cursor

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)


class _FailingCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.description = cursor.description

    def _fail(self, *args: object) -> Any:
        raise sqlite3.DatabaseError("database disk image is malformed")

    fetchone = fetchall = fetchmany = __next__ = _fail

    def __iter__(self) -> _FailingCursor:
        return self


def _readers() -> dict[str, Callable[..., Any]]:
    from engine.progress.stats import (
        card_totals,
        compute_stats,
        due_forecast,
        error_buckets,
        topic_totals,
    )
    from engine.progress.weak import weak_json
    from engine.study.session import today_counts

    return {
        "day_totals": lambda s, b, sch, c: compute_stats(s, b, sch, c.now(), c.local_tz()),
        "topic_totals": lambda s, b, sch, c: topic_totals(s),
        "FROM card_totals": lambda s, b, sch, c: card_totals(s),
        "error_buckets": lambda s, b, sch, c: error_buckets(s),
        "FROM cards WHERE suspended = 0 AND due <": lambda s, b, sch, c: due_forecast(
            s, b, sch, c.now(), c.local_tz()),
        "interval_lo > 0": lambda s, b, sch, c: compute_stats(s, b, sch, c.now(),
                                                              c.local_tz()),
        "ORDER BY r.reviewed_at DESC": lambda s, b, sch, c: weak_json(s, b, sch, c.now()),
        "json_each": lambda s, b, sch, c: today_counts(s, b, sch, c),
        "FROM reviews": lambda s, b, sch, c: s.reviews(),
        "study_day FROM day_totals": lambda s, b, sch, c: s.study_days(),
    }


@pytest.mark.parametrize("marker", list(_readers()))
def test_every_engine_read_turns_damage_into_a_store_error(
        store: Store, bank, scheduler, clock, marker: str) -> None:
    """Stats, weak areas, home's counts and the store's own reads, with damage met mid-read
    in the query named by ``marker``: the ``corrupt`` StoreError, then writes are refused."""
    for index in range(3):
        store.record_review(review(f"hw.r{index}"), card(f"hw.r{index}", index + 1))
    real = store.conn
    store._conn = _Malformed(real, marker)  # type: ignore[assignment]
    try:
        with pytest.raises(StoreError) as caught:
            _readers()[marker](store, bank, scheduler, clock)
    finally:
        store._conn = real
    assert caught.value.kind == "corrupt" and str(store.path) in str(caught.value)
    assert not store.conn.in_transaction
    with pytest.raises(StoreError, match="damaged"):
        store.record_review(review("hw.after"), card("hw.after", 9))
    assert store.card("hw.after") is None


def test_a_session_on_a_damaged_file_records_nothing_more(store: Store, bank, scheduler,
                                                          clock) -> None:
    """Damage found mid-drill: the answer is refused with the message, and so is every later
    answer and the session's end (a screen shows it; the file is not written)."""
    from engine.study.session import StudySession

    session = StudySession(store, bank, scheduler, clock, seed=1)
    assert session.next_question() is not None
    real = store.conn
    store._conn = _Malformed(real, "FROM cards WHERE id")  # type: ignore[assignment]
    try:
        with pytest.raises(StoreError) as caught:
            session.dont_know()
    finally:
        store._conn = real
    assert caught.value.kind == "corrupt"
    for attempt in (session.dont_know, session.finish):
        with pytest.raises(StoreError) as refused:
            attempt()
        assert str(refused.value) == str(caught.value)
    assert store.reviews() == []
    assert store.session(session.session_id)["status"] == "active"
