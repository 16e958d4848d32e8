"""``tpm-drill export`` writes a complete file or none, prints a complete document or nothing,
and is quiet when its reader leaves early (``| head``)."""

from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import engine.progress.export as export_module
from tests.reliability.helpers import filled_database
from tui.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with 400 answers (a JSON export of ~200 kB, more than a pipe holds)."""
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))
    return filled_database(tmp_path / "progress.db")


def test_a_reader_that_leaves_early_is_a_quiet_exit(history: Path, tmp_path: Path) -> None:
    """``export --format json | head -c 1500`` printed "tpm-drill: None: [Errno 32] Broken
    pipe": ``cmd_export``'s ``except OSError`` caught the ``BrokenPipeError``."""
    env = {**os.environ, "TPM_DRILL_CONFIG": str(tmp_path / "none.toml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(history), "export", "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    assert process.stdout is not None and process.stderr is not None
    head = process.stdout.read(1500)
    process.stdout.close()  # the reader leaves, as `head -c 1500` does
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 0
    assert head.startswith(b'{"reviews": [')
    assert err == "", err


def test_a_full_disk_leaves_the_old_file_and_no_temporary(
        history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing in place left a 0-byte (or half-written) file on a full disk."""
    target = tmp_path / "export.json"
    target.write_text("the previous export\n")
    real_export = export_module.export_reviews

    def full_after_a_while(store: Any, fmt: str, out: Any) -> dict[str, int]:
        class Full(io.TextIOBase):
            written = 0

            def write(self, text: str) -> int:
                self.written += len(text)
                if self.written > 4096:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return out.write(text)

        return real_export(store, fmt, Full())

    monkeypatch.setattr(export_module, "export_reviews", full_after_a_while)
    assert main(["--db", str(history), "export", "--format", "json", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {target}: No space left on device" in err
    assert "the file there is unchanged" in err and "Traceback" not in err
    assert target.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if "export" in p.name) == ["export.json"]


def test_a_complete_export_replaces_the_file_with_its_permissions(
        history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "export.json"
    target.write_text("old")
    target.chmod(0o640)
    assert main(["--db", str(history), "export", "--format", "json", "-o", str(target)]) == 0
    assert len(json.loads(target.read_text())["reviews"]) == 400
    assert target.stat().st_mode & 0o777 == 0o640
    assert "wrote" in capsys.readouterr().err
    fresh = tmp_path / "new.csv"
    assert main(["--db", str(history), "export", "-o", str(fresh)]) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    assert fresh.read_text().count("\nreview,") == 400
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_missing_folder_is_a_clear_error(history: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "no-such-folder" / "export.csv"
    assert main(["--db", str(history), "export", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {target}: No such file or directory" in err


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("to_file", [False, True])
def test_a_database_failing_midway_prints_nothing_and_exits_2(
        history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, fmt: str, to_file: bool) -> None:
    """Half a JSON document, then a traceback: the export is now complete or absent."""
    real_rows = export_module._rows

    def damaged(conn: sqlite3.Connection, table: str,
                columns: list[str]) -> Iterator[tuple[Any, ...]]:
        for index, row in enumerate(real_rows(conn, table, columns)):
            if index == 200:
                raise sqlite3.DatabaseError("database disk image is malformed")
            yield row

    monkeypatch.setattr(export_module, "_rows", damaged)
    target = tmp_path / f"export.{fmt}"
    argv = ["--db", str(history), "export", "--format", fmt] + (["-o", str(target)]
                                                                 if to_file else [])
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "is damaged" in captured.err and "backup --restore" in captured.err
    assert "Traceback" not in captured.err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
