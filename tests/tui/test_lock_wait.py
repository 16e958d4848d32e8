"""Another program holding the database's write lock: the drill says it is waiting, stays
live, keys typed meanwhile go nowhere, Esc stops waiting, and the answer is saved once the lock
is released (issue #11: the screen froze ~10 s and typed keys joined the next answer)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Static

from engine.clock import FakeClock
from tui.app import build_app
from tui.screens.drill import DrillScreen

#: How many short pauses to allow for a worker's 0.2 s wait steps to show on screen. This test
#: is the one place that waits on wall time: the wait is SQLite's own busy handler against a
#: real lock held by another connection, which no injected clock drives; it polls what is
#: drawn, bounded, rather than sleeping a fixed time.
MAX_POLLS = 400


def _message(app) -> str:
    return Content.from_markup(str(app.screen.query_one("#drill-message", Static).content)).plain


def _hold_write_lock(db_path: Path) -> sqlite3.Connection:
    """Another program's connection with the write lock taken (and kept until closed)."""
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


async def _wait_for(pilot, condition) -> None:
    for _ in range(MAX_POLLS):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened; message: {_message(pilot.app)!r}")


def _reviews(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]


async def test_an_answer_waits_for_the_lock_without_freezing(db_path: Path,
                                                              clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen) and not screen.long_form
        other = _hold_write_lock(db_path)
        try:
            screen.query_one("#drill-answer", Input).value = "3.35 TB/s"
            await pilot.press("enter")
            await _wait_for(pilot, lambda: "Waiting for the database" in _message(app))
            assert screen.saving
            await pilot.press("1", "2", "x", "y")  # typed while waiting: no rating, no text
            assert screen.query_one("#drill-answer", Input).value == "3.35 TB/s"
            assert screen.session.feedback is None
            await _wait_for(pilot, lambda: " s of 10)" in _message(app))  # it counts
        finally:
            other.execute("ROLLBACK")
            other.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.saving
        assert screen.session.feedback is not None  # saved once the lock was free
        assert _reviews(db_path) == 1
        assert screen.session.feedback.overridden is False  # the "1" did not re-rate it


async def test_esc_stops_waiting_and_keeps_the_answer(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        other = _hold_write_lock(db_path)
        try:
            screen.query_one("#drill-answer", Input).value = "3.35 TB/s"
            await pilot.press("enter")
            await _wait_for(pilot, lambda: screen.saving)
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, DrillScreen)  # Esc stopped the wait, not the drill
            assert not screen.saving
            assert "stopped waiting" in _message(app)
            answer = screen.query_one("#drill-answer", Input)
            assert answer.value == "3.35 TB/s" and not answer.disabled
            assert screen.session.feedback is None
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert _reviews(db_path) == 0
        await pilot.press("enter")  # the lock is free now: the same answer goes in at once
        await pilot.pause()
        assert screen.session.feedback is not None
        assert _reviews(db_path) == 1
