"""Read-only, full and busy databases: plain messages naming what to fix, and waits one can see.

How the conditions are made: tests run as root, for whom chmod does not deny access (and the
interpreter is not reachable by an unprivileged user to drop privileges), so a read-only
file is what SQLite reports through a ``mode=ro`` connection, and which of the file, ``-wal``,
``-shm`` and folder is read-only is what ``os.access`` answers (patched). A full disk is what
``shutil.disk_usage`` answers (patched) behind SQLite's own "disk I/O error". A lock is a real
``BEGIN IMMEDIATE`` held by a second connection.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections import namedtuple
from datetime import UTC, datetime
from pathlib import Path

import pytest

import engine.store.backup as backup_module
import engine.store.db as store_module
from engine.clock import FakeClock
from engine.store.db import Store, StoreError
from tests.reliability.helpers import card, filled_database, review

DAY_ONE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _read_only_connect(path: Path | str) -> sqlite3.Connection:
    """What SQLite gives a process that may read the file but not write it."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=10.0, isolation_level=None)


def _deny_writes_to(monkeypatch: pytest.MonkeyPatch, *denied: Path) -> None:
    """``os.access`` answers "not writable" for ``denied`` (and only for them)."""
    real_access = os.access

    def access(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(path)) in denied:
            return False
        return real_access(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)


def _refused_read_only(path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(store_module, "_connect", _read_only_connect)
    with pytest.raises(StoreError) as caught:
        Store(path, auto_backup=False)
    assert caught.value.kind == "readonly"
    return str(caught.value)


def test_read_only_message_is_plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It said "no answer cannot be saved"; nothing this process can see is read-only here,
    so the advice names the file and its folder."""
    path = filled_database(tmp_path / "progress.db", reviews=5)
    message = _refused_read_only(path, monkeypatch)
    assert "no answer" not in message and "cannot be saved" not in message
    assert f"{path} is read-only: tpm-drill can read it but could not save your answers" \
        in message
    assert f"chmod u+w '{path}' '{tmp_path}'" in message and "--db" in message


def test_a_read_only_shm_is_named_not_the_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """After ``chmod u+w progress.db`` the leftover ``-shm`` at 0444 kept refusing: the advice
    must name it (and only it)."""
    path = filled_database(tmp_path / "progress.db", reviews=5)
    shm = path.with_name("progress.db-shm")
    shm.write_bytes(b"")
    _deny_writes_to(monkeypatch, shm)
    message = _refused_read_only(path, monkeypatch)
    assert f"Not writable: {shm}." in message and f"chmod u+w '{shm}')" in message
    assert f"'{path}'" not in message


def test_a_read_only_file_and_wal_are_both_named(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = filled_database(tmp_path / "progress.db", reviews=5)
    wal = path.with_name("progress.db-wal")
    wal.write_bytes(b"")
    _deny_writes_to(monkeypatch, path, wal)
    message = _refused_read_only(path, monkeypatch)
    assert f"chmod u+w '{path}' '{wal}')" in message and "make them writable" in message.lower()


def test_a_read_only_folder_gets_folder_advice(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite creates ``-wal`` and ``-shm`` in the folder: chmod on the file would not help."""
    path = filled_database(tmp_path / "progress.db", reviews=5)
    _deny_writes_to(monkeypatch, tmp_path)
    message = _refused_read_only(path, monkeypatch)
    assert f"chmod u+w '{tmp_path}')" in message and "creates its -wal and -shm" in message
    assert f"'{path}'" not in message


def test_a_read_only_mount_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = filled_database(tmp_path / "progress.db", reviews=5)
    real_statvfs = os.statvfs

    class ReadOnlyMount:
        def __init__(self, folder: object) -> None:
            self.f_flag = real_statvfs(folder).f_flag | os.ST_RDONLY  # type: ignore[arg-type]

    monkeypatch.setattr(os, "statvfs", ReadOnlyMount)
    message = _refused_read_only(path, monkeypatch)
    assert "mounted read-only" in message and "chmod" not in message


def test_read_only_mid_drill_says_the_answer_was_not_saved(store: Store) -> None:
    store.record_review(review("hw.a"), card("hw.a", 1))
    store.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreError) as caught:
        store.record_review(review("hw.b"), card("hw.b", 2))
    assert caught.value.kind == "readonly"
    assert str(caught.value).startswith(f"{store.path} is read-only, so your answer was not "
                                        "saved.")


# -- a full disk ------------------------------------------------------------------------------

_Usage = namedtuple("_Usage", "total used free")


class _IOErrorAtWal:
    """A connection failing the WAL switch with SQLite's "disk I/O error", as it does when the
    disk is already full at open and the -wal file cannot grow."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if "journal_mode = WAL" in sql:
            raise sqlite3.OperationalError("disk I/O error")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)


@pytest.mark.parametrize(("free_bytes", "kind"), [
    (0, "full"), (store_module.FULL_DISK_FREE_BYTES - 1, "full"),
    (store_module.FULL_DISK_FREE_BYTES, "io"),
])
def test_an_io_error_on_a_full_disk_says_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              free_bytes: int, kind: str) -> None:
    path = filled_database(tmp_path / "progress.db", reviews=5)
    real_connect = store_module._connect
    monkeypatch.setattr(store_module, "_connect",
                        lambda p: _IOErrorAtWal(real_connect(p)))
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: _Usage(10**9, 10**9, free_bytes))
    with pytest.raises(StoreError) as caught:
        Store(path, auto_backup=False)
    assert caught.value.kind == kind
    if kind == "full":
        assert "the disk is full" in str(caught.value) and str(tmp_path) in str(caught.value)
    else:
        assert "disk I/O error" in str(caught.value)


def test_a_backup_skipped_on_a_full_disk_is_reported(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The drill goes on without today's backup, and ``backup_warning`` says why."""
    path = filled_database(tmp_path / "progress.db", reviews=5)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_module, "_fsync", no_space)
    store = Store(path, FakeClock(DAY_ONE))
    try:
        assert store.backup_made is None
        assert store.backup_warning is not None
        assert store.backup_warning.startswith("Today's backup was not made: the disk is full")
        assert "next start tries again" in store.backup_warning
        store.record_review(review("hw.z"), card("hw.z", 77))  # the store still works
    finally:
        store.close()
    assert not list((tmp_path / "backups").glob("*.tmp"))
    monkeypatch.undo()
    again = Store(path, FakeClock(DAY_ONE))  # space again: the next open makes it
    assert again.backup_made is not None and again.backup_warning is None
    again.close()


# -- waiting on a lock ------------------------------------------------------------------------

def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another program taking the write lock and keeping it."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_write_waiting_for_a_lock_reports_each_step(store: Store) -> None:
    """The wait is observable: ``on_wait`` is called between short steps, with the time
    waited growing, and the write goes through once the other program lets go."""
    store.record_review(review("hw.a"), card("hw.a", 1))
    other = _hold_write_lock(store.path)
    waits: list[float] = []

    def on_wait(seconds_waited: float) -> None:
        waits.append(seconds_waited)
        if len(waits) == 3:
            other.execute("COMMIT")  # the other program finishes after three steps

    store.on_wait = on_wait
    try:
        store.record_review(review("hw.b"), card("hw.b", 2))
    finally:
        other.close()
    assert len(waits) == 3 and waits == sorted(waits) and waits[0] > 0
    assert store.card("hw.b") is not None
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == \
        store_module.BUSY_TIMEOUT_MS  # reads keep the full timeout


def test_a_lock_held_past_the_busy_timeout_is_a_busy_error(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same total wait as before (here shortened to 0.6 s: three 0.2 s steps), then the
    ``busy`` StoreError; nothing was written and the store works again afterwards."""
    store._set_busy_timeout(600)
    other = _hold_write_lock(store.path)
    waits: list[float] = []
    store.on_wait = waits.append
    try:
        with pytest.raises(StoreError) as caught:
            store.record_review(review("hw.b"), card("hw.b", 2))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert caught.value.kind == "busy" and "your answer was not saved" in str(caught.value)
    assert 1 <= len(waits) <= 3 and waits[-1] < 0.6
    assert not store.conn.in_transaction and store.card("hw.b") is None
    store.on_wait = None
    store.record_review(review("hw.b"), card("hw.b", 2))


def test_on_wait_may_stop_the_wait(store: Store) -> None:
    """A screen can give up early (say the player quit): its exception comes through and no
    transaction is left open."""
    other = _hold_write_lock(store.path)

    class GaveUp(Exception):
        pass

    def give_up(seconds_waited: float) -> None:
        raise GaveUp

    store.on_wait = give_up
    try:
        with pytest.raises(GaveUp):
            store.start_session("drill", DAY_ONE, {})
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not store.conn.in_transaction and store.sessions() == []
