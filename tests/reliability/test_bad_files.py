"""Files the store must not use are refused with a message naming them, and never changed.

Each case compares the file's bytes before and after, checks ``StoreError.kind``, and checks
that the CLI prints the message and exits 2 instead of showing a traceback.
"""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

import engine.store.db as store_module
from engine.store.db import Store, StoreError
from tests.reliability.helpers import card, filled_database, review
from tui.__main__ import main


def _cli_refuses(path: Path, capsys: pytest.CaptureFixture[str], *words: str) -> None:
    """``tpm-drill --db PATH drill`` prints the store's message and exits 2, no traceback."""
    assert main(["--db", str(path), "drill"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err
    for word in words:
        assert word in err


def _refused(path: Path, kind: str) -> StoreError:
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.kind == kind
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before, "a refused file must be left byte for byte"
    return caught.value


def test_random_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "progress.db"
    path.write_bytes(random.Random(1).randbytes(64 * 1024))
    error = _refused(path, "corrupt")
    assert "--db" in str(error) and "backup --restore" in str(error)
    _cli_refuses(path, capsys, "damaged")
    assert not (tmp_path / "backups").exists()


def _flip_middle_page(path: Path) -> None:
    """Invert every byte of a page in the middle of the reviews table's b-tree (found with
    SQLite's ``dbstat`` table where the build has it, else the file's middle page)."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    middle = (len(data) // page_size // 2) * page_size
    conn = sqlite3.connect(path)
    try:
        pages = [row[0] for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'reviews' AND pagetype = 'leaf' "
            "ORDER BY pageno")]
        if pages:
            middle = (pages[len(pages) // 2] - 1) * page_size
    except sqlite3.OperationalError:  # no dbstat in this SQLite build
        pass
    finally:
        conn.close()
    data[middle:middle + page_size] = bytes(b ^ 0xFF for b in data[middle:middle + page_size])
    path.write_bytes(bytes(data))


def test_real_database_with_a_damaged_page_is_refused_before_the_daily_backup(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = filled_database(tmp_path / "progress.db")
    _flip_middle_page(path)
    error = _refused(path, "corrupt")
    assert "backup --restore" in str(error)
    # No damaged copy was kept as a backup.
    assert [p for p in (tmp_path / "backups").glob("*.db")] == []
    _cli_refuses(path, capsys, "backup")


def test_damage_found_mid_drill_is_a_store_error(tmp_path: Path) -> None:
    """Today's backup already made, so the open does not check; the first read that meets
    the damaged page raises ``StoreError``, never a bare ``sqlite3.DatabaseError``."""
    path = filled_database(tmp_path / "progress.db")
    Store(path).close()  # makes today's backup
    _flip_middle_page(path)
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        store = Store(path)
        try:
            store.reviews()
        finally:
            store.close()
    assert caught.value.kind == "corrupt"
    assert path.read_bytes() == before


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_foreign_sqlite_database(tmp_path: Path, journal: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "invoices.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE invoices (id INTEGER, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    error = _refused(path, "foreign")
    assert "not a tpm-drill database" in str(error)
    _cli_refuses(path, capsys, "not a tpm-drill database")


def test_newer_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "progress.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.execute("PRAGMA journal_mode = delete")  # so a WAL switch would show in the bytes
    conn.close()
    error = _refused(path, "newer")
    assert "Upgrade tpm-drill" in str(error)
    _cli_refuses(path, capsys, "newer tpm-drill")


def _read_only_connect(path: Path | str) -> sqlite3.Connection:
    """What SQLite gives a process that may read the file but not write it."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=10.0, isolation_level=None)


def test_read_only_database_is_refused_at_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Tests run as root, for whom chmod 444 does not stop writes; a ``mode=ro`` connection
    is what SQLite hands out when the file cannot be opened for writing."""
    path = filled_database(tmp_path / "progress.db", reviews=20)
    monkeypatch.setattr(store_module, "_connect", _read_only_connect)
    error = _refused(path, "readonly")
    assert "chmod u+w" in str(error)
    _cli_refuses(path, capsys, "read-only")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root ignores file permissions")
def test_chmod_444_database_is_refused(tmp_path: Path) -> None:  # pragma: no cover - non-root
    path = filled_database(tmp_path / "progress.db", reviews=20)
    path.chmod(0o444)
    try:
        _refused(path, "readonly")
    finally:
        path.chmod(0o644)


def test_database_turned_read_only_mid_drill(store: Store) -> None:
    store.record_review(review("hw.a"), card("hw.a", 1))
    store.conn.execute("PRAGMA query_only = ON")  # SQLite now refuses every write
    with pytest.raises(StoreError) as caught:
        store.record_review(review("hw.b"), card("hw.b", 2))
    assert caught.value.kind == "readonly" and "your answer" in str(caught.value)
    store.conn.execute("PRAGMA query_only = OFF")
    assert [r["card_id"] for r in store.reviews()] == ["hw.a"]


def test_full_disk_keeps_the_answer_unsaved_and_the_store_usable(store: Store) -> None:
    """``max_page_count`` makes SQLite report "database or disk is full" for real."""
    store.record_review(review("hw.a"), card("hw.a", 1))
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = review("hw.b", answer="x" * 50_000)
    with pytest.raises(StoreError) as caught:
        store.record_review(big, card("hw.b", 2))
    assert caught.value.kind == "full"
    assert "disk is full" in str(caught.value) and str(store.path.parent) in str(caught.value)
    assert not store.conn.in_transaction
    assert store.card("hw.b") is None and len(store.reviews()) == 1
    store.conn.execute(f"PRAGMA max_page_count = {pages * 100}")  # space freed: retry works
    store.record_review(big, card("hw.b", 2))
    assert len(store.reviews()) == 2


def test_open_with_a_full_disk_is_a_store_error(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A brand-new database on a full disk: the first write (the schema) fails cleanly."""
    def full_connect(path: Path | str) -> sqlite3.Connection:
        conn = sqlite3.connect(str(path), timeout=10.0, isolation_level=None)
        conn.execute("PRAGMA max_page_count = 1")
        return conn

    monkeypatch.setattr(store_module, "_connect", full_connect)
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "new.db")
    assert caught.value.kind == "full"


def test_full_disk_mid_drill_keeps_the_question_open_for_a_retry(
        store: Store, bank, scheduler, clock) -> None:
    """``StudySession.submit`` raises ``StoreError``; nothing is recorded and the question
    stays asked, so the screen can show the message with the answer still typed and let the
    player press Enter again once there is space."""
    from engine.study.session import StudySession

    session = StudySession(store, bank, scheduler, clock, seed=3)
    question = session.next_question()
    assert question is not None
    real = store.conn
    store._conn = _FullDisk(real)  # the reviews insert fails as on a full disk
    with pytest.raises(StoreError) as caught:
        session.submit("?")
    assert caught.value.kind == "full"
    assert session.feedback is None and session.answered == 0
    assert session.question is question
    assert store.reviews() == [] and store.card(question.item_id) is None
    store._conn = real  # space freed
    feedback = session.submit("?")
    assert feedback.review_id and len(store.reviews()) == 1


class _FullDisk:
    """A connection whose review inserts fail with SQLite's full-disk error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql.startswith("INSERT INTO reviews"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)
