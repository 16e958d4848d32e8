"""When the interview plan asks to raise new_per_day, home offers to do it: r, a question, and
the setting written (the rest of config.toml kept) and used."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from textual.content import Content
from textual.widgets import Static

from engine.clock import FakeClock
from engine.config import load_config
from tui.app import build_app, screen_commands
from tui.screens.confirm import ConfirmScreen
from tui.screens.home import HomeScreen


def _plain(app, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


async def test_r_raises_new_per_day_after_a_yes(tmp_path: Path, clock: FakeClock) -> None:
    interview = clock.now().date() + timedelta(days=30)
    config_path = tmp_path / "config.toml"
    original = f"# mine\nnew_per_day = 5  # slow\ninterview_date = {interview}\n"
    config_path.write_text(original)
    app = build_app(tmp_path / "p.db", clock=clock, config_path=config_path,
                    config=load_config(config_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        stats = _plain(app, "#home-stats")
        need = int(re.search(r"raise new_per_day to (\d+)", stats).group(1))
        assert f"Press r to set new_per_day to {need}." in stats
        assert "Raise limits" in {c.title for c in screen_commands(app, home)}
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = _plain(app, "#confirm-question")
        assert f"Set new_per_day to {need}?" in question and "Now new_per_day is 5" in question
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        assert app.screen is home and config_path.read_text() == original
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is home
        assert config_path.read_text() == original.replace("new_per_day = 5 ",
                                                           f"new_per_day = {need} ")
        assert app.config_data.new_per_day == need == app.scheduler.config.new_per_day
        stats = _plain(app, "#home-stats")
        assert "Press r" not in stats and f"at {need}/day" in stats
        assert "Raise limits" not in {c.title for c in screen_commands(app, home)}
        await pilot.press("r")  # nothing to raise now: r does nothing
        await pilot.pause()
        assert app.screen is home


async def test_no_offer_without_a_plan(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Press r" not in _plain(app, "#home-stats")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
