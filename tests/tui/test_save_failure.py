"""A write that fails mid-drill: a clear message, the answer kept on screen, nothing lost."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from engine.clock import FakeClock
from engine.store.db import StoreError
from grading.units import convert
from tui.app import build_app
from tui.screens.drill import DrillScreen


async def test_disk_full_keeps_the_answer_and_retry_saves_it(db_path: Path, clock: FakeClock,
                                                             monkeypatch) -> None:
    app = build_app(db_path, clock=clock, start="drill", seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        question = screen.session.question
        assert question is not None and question.kind in {"fact", "problem"}
        value = convert(question.reference_value, question.reference_unit,
                        question.display_unit)
        answer = f"{value:.6g} {question.display_unit}"
        real_record = app.store.record_review

        def disk_full(*args, **kwargs):
            raise StoreError(f"{db_path}: the disk is full, so your answer was not saved.",
                             "full")

        monkeypatch.setattr(app.store, "record_review", disk_full)
        box = screen.query_one("#drill-answer", Input)
        box.value = answer
        await pilot.press("enter")
        await pilot.pause()
        message = str(screen.query_one("#drill-message", Static).content)
        assert "Not saved" in message and "disk is full" in message
        assert box.value == answer and not box.disabled  # the answer is still there
        assert screen.session.feedback is None and app.store.reviews() == []
        monkeypatch.setattr(app.store, "record_review", real_record)
        await pilot.press("enter")  # the disk has room again: Enter retries
        await pilot.pause()
        assert screen.session.feedback is not None
        assert len(app.store.reviews()) == 1
