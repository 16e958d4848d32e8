"""The real game on a pseudo-terminal, for the tests that type bytes at it and kill it: start
``python -m tui`` on a pty, read what it draws until some text appears, strip the escape
sequences to say what was on screen. (A pty test may poll its output against a deadline:
these reads are that poll.)"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: A CSI escape sequence (cursor moves, colours): dropped to read the screen as text.
_CSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def game_env(tmp_path: Path, columns: int = 80, lines: int = 24) -> dict[str, str]:
    """The environment the game runs in: a colour xterm of ``columns`` x ``lines`` and no
    config file of the player's (``TPM_DRILL_CONFIG`` names one that does not exist)."""
    return {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns),
            "LINES": str(lines), "TPM_DRILL_CONFIG": str(tmp_path / "none.toml")}


def spawn_game(db_path: Path, env: dict[str, str], *args: str,
               size: tuple[int, int] | None = None) -> tuple[subprocess.Popen[bytes], int]:
    """``tpm-drill --db DB ARGS`` (default ``drill``) on a new pty, in a session of its own;
    the process and the pty's main end (the caller closes it). ``size`` (rows, columns)
    sets the pty's window size as well as the environment's."""
    import pty

    main_fd, child_fd = pty.openpty()
    if size is not None:
        import fcntl
        import struct
        import termios

        rows, columns = size
        fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db_path), *(args or ("drill",))],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, cwd=ROOT, env=env,
        start_new_session=True,
    )
    os.close(child_fd)
    return process, main_fd


def read_some(fd: int, timeout: float) -> bytes | None:
    """What the terminal drew within ``timeout`` seconds: ``b""`` if nothing, ``None`` once
    its other end is closed (the game has ended)."""
    ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the other end closed
        return None


def read_until(fd: int, marker: bytes, deadline: float) -> bytes:
    """Read the terminal output until ``marker`` appears; fail at ``deadline``."""
    seen = b""
    while marker not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{marker!r} never appeared; last output: {seen[-400:]!r}")
        chunk = read_some(fd, min(remaining, 0.5))
        if chunk is None:
            break
        seen += chunk
    return seen


def screen_text(output: bytes, tail: int = 4000) -> str:
    """The last ``tail`` bytes of terminal output as text, escape sequences blanked: what a
    failure message shows of the screen."""
    return _CSI.sub(b" ", output[-tail:]).decode(errors="replace")


def stop(process: subprocess.Popen[bytes], main_fd: int) -> None:
    """Kill the game if it still runs, reap it and close its pty."""
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    os.close(main_fd)


def wait_for_draft(fd: int, db_path: Path, key: str, wanted: str, deadline: float) -> None:
    """Wait until the draft ``key`` in the game's database holds ``wanted``.

    What the player typed is drawn and saved from separate messages: under load the screen
    can show a keystroke a few milliseconds before its draft is committed. A kill test waits
    for the commit (it is what survives), not only for the drawing; with the save disabled
    this times out, so the test still fails without it. Between looks it reads the game's
    screen output (as every wait here does), which also keeps the pty from filling up."""
    import sqlite3

    while True:
        try:
            with sqlite3.connect(db_path, timeout=1) as conn:
                row = conn.execute("SELECT text FROM drafts WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            row = None
        if row is not None and wanted in row[0]:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"draft {key!r} never held {wanted!r} (last: {row!r})")
        if read_some(fd, 0.05) is None:
            raise AssertionError(f"the game ended before draft {key!r} held {wanted!r}")


_ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def wait_for_text(fd: int, text: str, deadline: float) -> None:
    """Read until ``text`` is on screen, escape sequences removed (an editor colours each
    token, so what was typed reaches the terminal in pieces)."""
    seen = b""
    while text not in _ESCAPES.sub(b"", seen).decode(errors="replace"):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared; last: {seen[-600:]!r}")
        chunk = read_some(fd, 0.5)
        if chunk is None:
            raise AssertionError(f"the game ended before {text!r} appeared")
        seen = seen[-20000:] + chunk
