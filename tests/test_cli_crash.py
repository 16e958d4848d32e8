"""An unexpected exception, in a subcommand or in the TUI, exits non-zero with one line on
stderr naming a crash log in the database's folder; the traceback is in the log, never on
screen (Textual printed a traceback with locals and the process exited 0)."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Static

from tui.app import build_app

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"tpm-drill: unexpected error \((\w+): (.*)\); details in (\S+\.log)\n")
HEADLESS = "textual.drivers.headless_driver:HeadlessDriver"

#: A ``tpm-drill`` run in which one function (``{target}``, in module ``{module}``) raises.
_RUN_WITH_FAULT = """
import sys
import {module}

def fault(*args, **kwargs):
    raise ValueError("a bug, deliberately")

{target} = fault
from tui.__main__ import main
sys.exit(main(sys.argv[1:]))
"""
#: The faults: a printing subcommand, and the TUI's home screen as it mounts.
CLI_FAULT = {"module": "tui.__main__", "target": "tui.__main__.cmd_hw"}
TUI_FAULT = {"module": "tui.screens.home", "target": "tui.screens.home.HomeScreen.on_mount"}


def _command(fault: dict[str, str], argv: list[str]) -> list[str]:
    return [sys.executable, "-c", _RUN_WITH_FAULT.format(**fault), *argv]


def _run(fault: dict[str, str], argv: list[str],
         env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(fault, argv), capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "TPM_DRILL_CONFIG": str(tmp_path / "none.toml"), **extra}
    env.pop("TPM_DRILL_DB", None)
    return env


def _one_line_and_log(stderr: str, folder: Path) -> str:
    """Check stderr is exactly the one line; return the log's text."""
    match = LINE.fullmatch(stderr)
    assert match, stderr
    assert match.group(1) == "ValueError" and match.group(2) == "a bug, deliberately"
    log = Path(match.group(3))
    assert log.parent == folder.resolve()
    assert re.fullmatch(r"crash-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.log", log.name)
    return log.read_text()


def test_a_subcommand_that_crashes(tmp_path: Path) -> None:
    db = tmp_path / "data" / "progress.db"
    result = _run(CLI_FAULT, ["--db", str(db), "hw"], _env(tmp_path))
    assert result.returncode == 1
    assert result.stdout == ""
    text = _one_line_and_log(result.stderr, db.parent)
    assert "Traceback (most recent call last)" in text and "in fault" in text
    assert "ValueError: a bug, deliberately" in text


def test_the_log_goes_to_the_default_data_folder(tmp_path: Path) -> None:
    data_home = tmp_path / "xdg-data"
    result = _run(CLI_FAULT, ["hw"], _env(tmp_path, XDG_DATA_HOME=str(data_home)))
    assert result.returncode == 1
    _one_line_and_log(result.stderr, data_home / "tpm-drill")


def test_an_unwritable_data_folder_falls_back_to_the_temporary_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = _run(CLI_FAULT, ["--db", str(blocker / "progress.db"), "hw"],
                  _env(tmp_path, TMPDIR=str(temporary)))
    assert result.returncode == 1
    _one_line_and_log(result.stderr, temporary)


def test_the_tui_crashing_headless(tmp_path: Path) -> None:
    """A screen that raises: exit 1, one line, no traceback or locals on stderr."""
    result = _run(TUI_FAULT, ["--db", str(tmp_path / "progress.db")],
                  _env(tmp_path, TEXTUAL_DRIVER=HEADLESS))
    assert result.returncode == 1
    text = _one_line_and_log(result.stderr, tmp_path)
    assert "in fault" in text and "ValueError: a bug, deliberately" in text
    assert "locals" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_tui_crashing_in_a_real_terminal(tmp_path: Path) -> None:
    import pty

    main_fd, child_fd = pty.openpty()
    env = _env(tmp_path, TERM="xterm-256color", COLUMNS="80", LINES="24")
    process = subprocess.Popen(_command(TUI_FAULT, ["--db", str(tmp_path / "p.db")]),
                               stdin=child_fd, stdout=child_fd, stderr=child_fd, cwd=ROOT,
                               env=env, start_new_session=True)
    os.close(child_fd)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None or select.select([main_fd], [], [], 0)[0]:
            assert time.monotonic() < deadline, seen[-400:]
            if select.select([main_fd], [], [], 0.2)[0]:
                try:
                    seen += os.read(main_fd, 65536)
                except OSError:
                    break
        code_returned = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        os.close(main_fd)
    assert code_returned == 1
    shown = seen.decode("utf-8", "replace")
    tail = shown.rsplit("\x1b", 1)[-1]  # what comes after the driver restored the terminal
    assert "tpm-drill: unexpected error (ValueError: a bug, deliberately); details in" in tail
    assert "Traceback" not in shown and "locals" not in shown


class _Exploding(Screen[None]):
    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("about to fail")

    def on_mount(self) -> None:
        raise ValueError("a bug, deliberately")


async def test_the_app_logs_and_keeps_the_error_for_tests(tmp_path: Path) -> None:
    """In ``run_test`` the first exception is still re-raised, as Textual does."""
    app = build_app(tmp_path / "progress.db", start="none")
    with pytest.raises(ValueError, match="deliberately"):
        async with app.run_test(size=(80, 24)) as pilot:
            await app.push_screen(_Exploding())
            await pilot.pause()
    assert app.return_code == 1
    assert app.crash_line is not None
    assert "(ValueError: a bug, deliberately); details in" in app.crash_line
    logs = list(tmp_path.glob("crash-*.log"))
    assert len(logs) == 1 and "in on_mount" in logs[0].read_text()
    assert app._exit_renderables == []  # nothing to print after exit: no traceback, no locals


async def test_a_failed_worker_logs_its_own_traceback(tmp_path: Path) -> None:
    app = build_app(tmp_path / "progress.db", start="none")

    def work() -> None:
        raise ValueError("a bug in a worker")

    with pytest.raises(Exception, match="a bug in a worker"):
        async with app.run_test(size=(80, 24)) as pilot:
            app.run_worker(work, thread=True, exit_on_error=True)
            await app.workers.wait_for_complete()
            await pilot.pause()
    assert app.crash_line is not None and "(ValueError: a bug in a worker)" in app.crash_line
    text = next(tmp_path.glob("crash-*.log")).read_text()
    assert "in work" in text
