"""The settings, the loop's options and the plan's yes/no question shrunk to a cell and back
without an exception (see test_tiny_terminal)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from engine.clock import FakeClock
from engine.config import load_config
from tests.tui.test_tiny_terminal import shrink_and_back
from tui.app import build_app
from tui.screens.confirm import ConfirmScreen
from tui.screens.home import HomeScreen
from tui.screens.loop_options import LoopOptionsScreen
from tui.screens.settings import SettingsScreen


async def test_new_screens_at_any_size(tmp_path: Path, clock: FakeClock) -> None:
    config_path = tmp_path / "config.toml"
    config_path.write_text(f"new_per_day = 1\ninterview_date = "
                           f"{clock.now().date() + timedelta(days=30)}\n")
    app = build_app(tmp_path / "p.db", clock=clock, config_path=config_path,
                    config=load_config(config_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key, screen in (("o", SettingsScreen), ("l", LoopOptionsScreen),
                            ("r", ConfirmScreen)):
            await pilot.press(key)
            await pilot.pause()
            await shrink_and_back(pilot, screen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
