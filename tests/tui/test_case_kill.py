"""A case's answers survive the game being killed (issue 14): two steps typed in the real game
on a pseudo-terminal at 80×24, then SIGKILL with no chance to save — the answers are in the
database as the case's draft, and they are back on screen, graded, when the game starts
again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from pathlib import Path

from tests.tui._pty import _ESCAPES, game_env, read_some, spawn_game, wait_for_draft
from tests.tui._pty import wait_for_text as _wait_for_text


def _wait_for_all(fd: int, texts: tuple[str, ...], deadline: float) -> None:
    """Read until every one of ``texts`` has been drawn (in any order, in any chunk)."""
    seen = b""
    while not all(text in _ESCAPES.sub(b"", seen).decode(errors="replace") for text in texts):
        if time.monotonic() > deadline:
            raise AssertionError(f"not all of {texts!r} appeared")
        chunk = read_some(fd, 0.5)
        if chunk is None:
            raise AssertionError(f"the game ended before {texts!r} appeared")
        seen += chunk


def test_steps_typed_in_a_case_survive_sigkill(tmp_path: Path) -> None:
    db_path = tmp_path / "kill.db"
    env = game_env(tmp_path)
    process, fd = spawn_game(db_path, env, "drill", "--deck", "cases_core", size=(24, 80))
    try:
        _wait_for_text(fd, "Step 1 of 4", time.monotonic() + 60)
        os.write(fd, b"1e23 FLOP\r")
        _wait_for_text(fd, "Step 2 of 4", time.monotonic() + 30)  # graded: the next is up
        os.write(fd, b"5 days\r")
        _wait_for_text(fd, "Step 3 of 4", time.monotonic() + 30)
        wait_for_draft(fd, db_path, "card:case.train_budget", "5 days", time.monotonic() + 30)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        os.close(fd)
    with sqlite3.connect(db_path) as conn:
        drafts = conn.execute("SELECT key, text FROM drafts").fetchall()
        reviews = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    assert reviews == 0 and len(drafts) == 1
    key, text = drafts[0]
    assert key == "card:case.train_budget"
    assert json.loads(text)["answers"] == ["1e23 FLOP", "5 days"]

    process, fd = spawn_game(db_path, env, "drill", "--deck", "cases_core", size=(24, 80))
    try:  # started again: the case comes back at step 3, the two steps graded above it
        _wait_for_all(fd, ("Step 3 of 4", "You: 1e+23 FLOP", "You: 5 days"),
                      time.monotonic() + 60)
    finally:
        process.kill()
        process.wait(timeout=10)
        os.close(fd)
