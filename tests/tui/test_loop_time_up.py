"""A round whose clock runs out grades the answer in progress, marked cut off (issue #12: it
was thrown away and the debrief said "Not answered")."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Input

from engine.clock import FakeClock
from tui.app import build_app
from tui.screens.loop import LoopScreen, RoundIntroScreen


async def test_time_up_grades_what_was_typed(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=21,
                    loop_options={"level": "L4", "round_minutes": 10})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoopScreen)
        question = screen.session.question
        typed = "we would need about 2048 GPUs because the memory is the bound here"
        if screen.long_form:
            screen.mounted_long_form_widgets()[0].text = typed
        else:
            screen.query_one("#drill-answer", Input).value = "42"
            typed = "42"
        clock.advance(10 * 60 + 1)
        screen.tick()
        await pilot.pause()
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT card_id, answer_text, cut_off FROM reviews").fetchall()
    assert rows == [(question.item_id, typed, 1)]
