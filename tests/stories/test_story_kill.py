"""A story being written survives the game being killed: typed in the real game on a
pseudo-terminal at 80×24 (y on home, n for a new story), then SIGKILL with no chance to save
— the title and text are in the database as the story's draft, and they are back in the
editor when the game starts again."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

from tests.tui._pty import game_env, spawn_game
from tests.tui._pty import wait_for_text as _wait_for_text


def _home(db_path: Path, env: dict[str, str]) -> tuple[object, int]:
    process, fd = spawn_game(db_path, env, "--db", str(db_path), size=(24, 80))
    _wait_for_text(fd, "Stories", time.monotonic() + 60)
    return process, fd


def test_story_typed_survives_sigkill(tmp_path: Path) -> None:
    db_path = tmp_path / "kill.db"
    env = game_env(tmp_path)
    process, fd = _home(db_path, env)
    try:
        os.write(fd, b"y")
        _wait_for_text(fd, "press n to write one", time.monotonic() + 30)
        os.write(fd, b"n")
        _wait_for_text(fd, "ctrl+s saves a version", time.monotonic() + 30)
        os.write(fd, b"Heartbeats")
        _wait_for_text(fd, "draft kept", time.monotonic() + 30)
        os.write(fd, b"\t")
        _wait_for_text(fd, "writing the story", time.monotonic() + 30)  # focus moved
        os.write(fd, b"Heartbeats every 15 s cut stalls by 18 %")
        _wait_for_text(fd, "draft kept · 8 words", time.monotonic() + 30)  # all of it kept
        process.send_signal(signal.SIGKILL)  # type: ignore[attr-defined]
        process.wait(timeout=10)  # type: ignore[attr-defined]
    finally:
        if process.poll() is None:  # type: ignore[attr-defined]
            process.kill()  # type: ignore[attr-defined]
            process.wait(timeout=10)  # type: ignore[attr-defined]
        os.close(fd)
    with sqlite3.connect(db_path) as conn:
        drafts = conn.execute("SELECT key, text FROM drafts").fetchall()
        stories = conn.execute("SELECT COUNT(*) FROM story_versions").fetchone()[0]
    assert stories == 0
    assert [key for key, _text in drafts] == ["story:new"]
    assert '"title": "Heartbeats"' in drafts[0][1]
    assert "cut stalls by 18 %" in drafts[0][1]

    process, fd = _home(db_path, env)
    try:  # started again: the new story comes back as it was
        os.write(fd, b"y")
        _wait_for_text(fd, "unsaved new story is kept", time.monotonic() + 30)
        os.write(fd, b"n")
        _wait_for_text(fd, "unsaved draft is back", time.monotonic() + 30)
        _wait_for_text(fd, "stalls by 18 %", time.monotonic() + 30)
    finally:
        process.kill()  # type: ignore[attr-defined]
        process.wait(timeout=10)  # type: ignore[attr-defined]
        os.close(fd)
