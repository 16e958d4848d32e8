"""A kata's code survives the game being killed (issue #13): typed in the real game on a
pseudo-terminal at 80×24, then SIGKILL with no chance to save — the code is in the database
as the kata's draft, and it is back in the editor when the game starts again."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

from tests.tui._pty import game_env, spawn_game, wait_for_draft
from tests.tui._pty import wait_for_text as _wait_for_text

#: The kata screen's status line: the kata is up and the editor has focus.
KATA_READY = "ctrl+r check"



def test_code_typed_in_a_kata_survives_sigkill(tmp_path: Path) -> None:
    db_path = tmp_path / "kill.db"
    env = game_env(tmp_path)
    process, fd = spawn_game(db_path, env, "drill", "--deck", "katas-comms", size=(24, 80))
    try:
        _wait_for_text(fd, KATA_READY, time.monotonic() + 60)
        os.write(fd, b"# my ring model")
        _wait_for_text(fd, "ring model", time.monotonic() + 30)  # drawn: the keys were taken
        wait_for_draft(fd, db_path, "card:kata.ring_allreduce", "# my ring model",
                       time.monotonic() + 30)  # and committed, keystroke by keystroke
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        os.close(fd)
    with sqlite3.connect(db_path) as conn:
        drafts = conn.execute("SELECT key, text FROM drafts").fetchall()
    assert len(drafts) == 1
    key, text = drafts[0]
    assert key == "card:kata.ring_allreduce" and text.rstrip().endswith("# my ring model")

    process, fd = spawn_game(db_path, env, "drill", "--deck", "katas-comms", size=(24, 80))
    try:  # started again: the kata comes back with the code as it was
        _wait_for_text(fd, "ring model", time.monotonic() + 60)
    finally:
        process.kill()
        process.wait(timeout=10)
        os.close(fd)
