"""Setting the interview date from the home screen writes config.toml and shows a countdown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.content import Content
from textual.widgets import Input

from engine.clock import FakeClock
from engine.config import load_config
from tui.app import build_app
from tui.screens.home import HomeScreen
from tui.screens.interview import InterviewDateScreen


def _stats(app) -> str:
    return Content.from_markup(str(app.screen.query_one("#home-stats").content)).plain


async def test_set_change_and_clear_the_date(tmp_path: Path, clock: FakeClock) -> None:
    config_path = tmp_path / "config.toml"
    config_path.write_text("# my settings\nnew_per_day = 12\n")
    app = build_app(tmp_path / "p.db", clock=clock, config_path=config_path,
                    config=load_config(config_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "no date set" in _stats(app)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InterviewDateScreen)
        box = app.screen.query_one("#interview-date", Input)
        box.value = "last tuesday"
        await pilot.press("enter")
        await pilot.pause()
        assert "not a date" in str(app.screen.query_one("#interview-message").content)
        box.value = "2026-02-04"  # the fake clock says 2026-01-05
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "2026-02-04 — 30 days left" in _stats(app)
        saved = load_config(config_path)
        assert saved.interview_date == date(2026, 2, 4)
        assert saved.new_per_day == 12  # the rest of the file is kept
        assert config_path.read_text().startswith("# my settings")
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#interview-date", Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert load_config(config_path).interview_date is None
        assert "no date set" in _stats(app)
