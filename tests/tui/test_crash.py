"""A review shown as graded survives the app being killed at once (SIGKILL, no cleanup)."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def _read_until(fd: int, marker: bytes, deadline: float) -> bytes:
    """Read the terminal output until ``marker`` appears; fail at ``deadline``."""
    seen = b""
    while marker not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{marker!r} never appeared; last output: {seen[-400:]!r}")
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_answer_survives_sigkill_right_after_feedback(tmp_path: Path) -> None:
    import pty

    db_path = tmp_path / "crash.db"
    main_fd, child_fd = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24",
           "TPM_DRILL_CONFIG": str(tmp_path / "none.toml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db_path), "drill"],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, cwd=ROOT, env=env,
        start_new_session=True,
    )
    os.close(child_fd)
    try:
        deadline = time.monotonic() + 60
        _read_until(main_fd, b"don't know", deadline)  # the answer box's placeholder
        os.write(main_fd, b"?")
        _read_until(main_fd, b"Reference", deadline)  # feedback is on screen
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        os.close(main_fd)
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT card_id, rating, mode, band FROM reviews").fetchall()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert len(rows) == 1
    _card_id, rating, mode, band = rows[0]
    assert (rating, mode, band) == (1, "drill", "dont_know")
