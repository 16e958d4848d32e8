"""Daily backups (online backup API, checked, seven kept) and ``tpm-drill backup``."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.clock import FakeClock
from engine.store import backup
from engine.store.backup import BackupError
from engine.store.db import Store
from tests.reliability.helpers import card, filled_database, review

DAY_ONE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def test_first_open_of_a_study_day_backs_up_including_the_wal(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    writer = Store(path, auto_backup=False)
    writer.record_review(review("hw.a"), card("hw.a", 1))  # still in the WAL: writer is open
    clock = FakeClock(DAY_ONE)
    second = Store(path, clock)
    made = tmp_path / "backups" / "progress-2026-01-05.db"
    assert second.backup_made == made and _count(made) == 1
    assert backup.check_database(made) == "ok"
    assert not made.with_name(made.name + "-wal").exists()  # a self-contained file
    second.close()
    again = Store(path, clock)  # same study day: no new backup
    assert again.backup_made is None
    again.close()
    clock.advance(hours=20)  # 05:00 next day, after the 04:00 rollover
    third = Store(path, clock)
    assert third.backup_made == tmp_path / "backups" / "progress-2026-01-06.db"
    third.close()
    writer.close()


def test_a_new_database_is_not_backed_up(tmp_path: Path) -> None:
    Store(tmp_path / "progress.db", FakeClock(DAY_ONE)).close()
    assert not (tmp_path / "backups").exists()


def test_seven_daily_backups_are_kept(tmp_path: Path) -> None:
    path = filled_database(tmp_path / "progress.db", reviews=5)
    clock = FakeClock(DAY_ONE)
    for _ in range(10):
        Store(path, clock).close()
        clock.advance(days=1)
    names = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert names == [f"progress-2026-01-{day:02d}.db" for day in range(8, 15)]


def test_a_damaged_database_never_replaces_a_good_backup(tmp_path: Path) -> None:
    path = filled_database(tmp_path / "progress.db")
    good = tmp_path / "backups" / "progress-2026-01-05.db"
    Store(path, FakeClock(DAY_ONE)).close()
    good_bytes = good.read_bytes()
    data = bytearray(path.read_bytes())
    data[len(data) // 2:len(data) // 2 + 4096] = b"\xff" * 4096
    path.write_bytes(bytes(data))
    conn = sqlite3.connect(path)
    with pytest.raises(BackupError) as caught:
        backup.make_backup(conn, good)
    conn.close()
    assert caught.value.kind == "corrupt"
    assert good.read_bytes() == good_bytes
    assert [p.name for p in good.parent.iterdir()] == [good.name]  # no temporary left


def _history(tmp_path: Path) -> tuple[Path, FakeClock]:
    """Daily backups of Jan 5, 6 and 7 holding 0, 1 and 2 reviews; the database has 3."""
    path = tmp_path / "progress.db"
    clock = FakeClock(DAY_ONE)
    Store(path, clock).close()
    for index in range(3):
        store = Store(path, clock)
        store.record_review(review(f"hw.{index}"), card(f"hw.{index}", index + 1))
        store.close()
        clock.advance(days=1)
    return path, clock


def test_list_and_restore_by_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui import cli_backup
    from tui.__main__ import _parser

    path, _clock = _history(tmp_path)
    parser = _parser()  # the CLI wires `backup` in itself

    assert cli_backup.run(parser.parse_args(["--db", str(path), "backup", "--list"])) == 0
    listing = capsys.readouterr().out
    assert "progress-2026-01-06.db" in listing and "progress-2026-01-07.db" in listing
    before = path.read_bytes()
    code = cli_backup.run(parser.parse_args(
        ["--db", str(path), "backup", "--restore", "2026-01-06"]))
    out = capsys.readouterr().out
    assert code == 0 and "progress-2026-01-06.db" in out and "pre-restore" in out
    assert _count(path) == 1  # the Jan 6 backup was made before that day's answer
    saved = [p for p in (tmp_path / "backups").iterdir() if "pre-restore" in p.name]
    assert len(saved) == 1 and _count(saved[0]) == 3
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert before != path.read_bytes()


def test_restore_refuses_while_the_database_is_open(tmp_path: Path) -> None:
    path, clock = _history(tmp_path)
    running = Store(path, clock)  # another tpm-drill, sitting on the home screen
    before = _count(path)
    with pytest.raises(BackupError) as caught:
        backup.restore(path, "2026-01-06", clock.now())
    assert caught.value.kind == "busy" and "close it" in str(caught.value)
    assert backup.database_busy(path)
    running.close()
    assert not backup.database_busy(path)
    assert _count(path) == before
    assert not any("pre-restore" in p.name for p in (tmp_path / "backups").iterdir())


def test_restore_refuses_a_damaged_backup_and_unknown_names(tmp_path: Path) -> None:
    path, clock = _history(tmp_path)
    damaged = tmp_path / "backups" / "progress-2026-01-06.db"
    data = bytearray(damaged.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:2 * page] = b"\x00\xff" * (page // 2)  # wreck page 2
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="integrity check"):
        backup.restore(path, "2026-01-06", clock.now())
    with pytest.raises(BackupError, match="no backup called"):
        backup.restore(path, "2025-01-01", clock.now())


def test_restore_over_an_unreadable_database_keeps_its_bytes(tmp_path: Path) -> None:
    path, clock = _history(tmp_path)
    (tmp_path / "progress.db-wal").unlink(missing_ok=True)
    path.write_bytes(b"garbage" * 1000)
    result = backup.restore(path, "progress-2026-01-07.db", clock.now())
    assert result.saved_current_as is not None
    assert result.saved_current_as.read_bytes() == b"garbage" * 1000
    assert _count(path) == 2
    store = Store(path, clock)
    assert len(store.reviews()) == 2
    store.close()


def test_cli_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui import cli_backup
    from tui.__main__ import _parser

    path, _clock = _history(tmp_path)
    parser = _parser()  # the CLI wires `backup` in itself
    args = parser.parse_args(["--db", str(path), "backup", "--restore", "1999-01-01"])
    assert cli_backup.run(args) == 2
    err = capsys.readouterr().err
    assert "no backup called" in err and "Traceback" not in err


def _index_disagreeing_with_its_rows(path: Path) -> None:
    """Rewrite an index's definition without rebuilding it: every page is sound (so
    ``quick_check`` passes) but the index no longer matches the rows (``integrity_check``
    fails), as a software bug could leave it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, '(card_id, reviewed_at)', "
                 "'(reviewed_at, card_id)') WHERE name = 'reviews_card'")
    conn.execute("PRAGMA writable_schema = OFF")
    conn.close()


@pytest.mark.parametrize(("limit_offset", "refused"), [(0, True), (-1, False)])
def test_the_daily_backup_runs_integrity_check_up_to_its_size_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit_offset: int,
        refused: bool) -> None:
    """At the limit the backup's check is ``integrity_check`` and refuses the file; one byte
    past it, ``quick_check`` (pages only) lets the backup be made."""
    path = filled_database(tmp_path / "progress.db", reviews=50)
    _index_disagreeing_with_its_rows(path)
    source = sqlite3.connect(path)
    copy_size = tmp_path / "size-probe.db"
    monkeypatch.setattr(backup, "THOROUGH_CHECK_MAX_BYTES", 0)
    backup.make_backup(source, copy_size)  # quick_check only: the copy's size, for the limit
    monkeypatch.setattr(backup, "THOROUGH_CHECK_MAX_BYTES",
                        copy_size.stat().st_size + limit_offset)
    target = tmp_path / "backups" / "progress-2026-01-05.db"
    try:
        if refused:
            with pytest.raises(BackupError) as caught:
                backup.make_backup(source, target)
            assert caught.value.kind == "corrupt" and "reviews_card" in str(caught.value)
            assert not target.exists()
        else:
            assert backup.make_backup(source, target) == target
    finally:
        source.close()


def test_a_backup_named_for_no_day_is_skipped(tmp_path: Path) -> None:
    """A file in the backups folder named like a backup of an impossible day is not ours:
    listing skips it instead of raising ValueError."""
    db_path = tmp_path / "progress.db"
    folder = backup.backup_dir(db_path)
    folder.mkdir(parents=True)
    (folder / "progress-2026-13-45.db").write_bytes(b"not a backup")
    (folder / "progress-2026-02-30.db").write_bytes(b"not a backup")
    assert backup.list_backups(db_path) == []
