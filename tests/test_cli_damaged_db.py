"""Every printing subcommand turns a database error met at any point (at open or halfway
through a read) into the store's one-line message and exit 2, printing nothing else."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import engine.store.db as store_module
from engine.store.db import Store
from tests.reliability.helpers import filled_database
from tui.__main__ import main

ROOT = Path(__file__).resolve().parents[1]

PRINTING = [["stats", "--json"], ["weak", "--json"], ["export"], ["export", "--format", "json"],
            ["optimize"], ["loop", "--export", "1"]]


def _damage_every_table(path: Path) -> None:
    """Invert the bytes of every leaf page of every table and index except ``meta`` and the
    schema: the file still opens as a tpm-drill database, and reads of progress fail."""
    conn = sqlite3.connect(path)
    try:
        pages = [row[0] for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE pagetype = 'leaf' AND name NOT IN "
            "('sqlite_schema', 'sqlite_master', 'meta', 'sqlite_autoindex_meta_1')")]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table")
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in pages:
        start = (page - 1) * page_size
        data[start:start + page_size] = bytes(b ^ 0xFF for b in data[start:start + page_size])
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real database made by the app's ``Store``, opened once today (so today's backup is
    made and the next open need not check it), then damaged on disk."""
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))
    path = filled_database(tmp_path / "progress.db", reviews=200)
    Store(path).close()
    _damage_every_table(path)
    return path


@pytest.mark.parametrize("command", PRINTING, ids=lambda c: " ".join(c))
def test_damage_after_creation_is_the_stores_message(
        damaged: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    before = damaged.read_bytes()
    assert main(["--db", str(damaged), *command]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"tpm-drill: {damaged} is not a tpm-drill database or it is damaged" in captured.err
    assert "backup --restore" in captured.err and "Traceback" not in captured.err
    assert captured.err.count("\n") == 1
    assert damaged.read_bytes() == before


def test_in_a_real_process(damaged: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TPM_DRILL_CONFIG": str(tmp_path / "none.toml")}
    result = subprocess.run([sys.executable, "-m", "tui", "stats", "--json", "--db",
                             str(damaged)], capture_output=True, text=True, cwd=ROOT, env=env,
                            timeout=60)
    assert result.returncode == 2
    assert result.stdout == "" and "damaged" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("message", ["database or disk is full", "attempt to write a readonly "
                                     "database", "database is locked", "disk I/O error"])
def test_a_raw_sqlite_error_midway_is_classified(
        tmp_path: Path, message: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare ``sqlite3.OperationalError`` that escapes the store (the last resort) gets the
    store's own wording for full / read-only / busy / disk errors."""
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))
    path = filled_database(tmp_path / "progress.db", reviews=10)

    def failing(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr("engine.progress.stats.compute_stats", failing)
    assert main(["--db", str(path), "stats", "--json"]) == 2
    err = capsys.readouterr().err
    expected = str(store_module.classify_error(path, sqlite3.OperationalError(message),
                                               "nothing"))
    assert err == f"tpm-drill: {expected}\n"


def test_a_constraint_error_is_a_bug_not_a_damaged_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``IntegrityError`` means the program is wrong, not the file: a crash log, exit 1."""
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))
    path = filled_database(tmp_path / "progress.db", reviews=10)

    def failing(*args: object, **kwargs: object) -> None:
        raise sqlite3.IntegrityError("NOT NULL constraint failed: sessions.round_seconds")

    monkeypatch.setattr("engine.progress.stats.compute_stats", failing)
    assert main(["--db", str(path), "stats", "--json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tpm-drill: unexpected error (IntegrityError: NOT NULL")
    assert str(tmp_path / "crash-") in err
