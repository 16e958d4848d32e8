"""Keys a player can rebind in config.toml, and every action findable in the command palette."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input

from engine.clock import FakeClock
from engine.config import Config, ConfigError, _check, load_config, set_config_value
from tui.app import build_app, known_binding_ids, screen_commands
from tui.screens.drill import DrillScreen
from tui.screens.home import HomeScreen
from tui.screens.stats import StatsScreen


def test_keymap_table_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('new_per_day = 5\n\n[keymap]\n"drill.dont_know" = "f1, f2"\n')
    config = load_config(path)
    assert config.keymap == (("drill.dont_know", "f1,f2"),)
    assert config.to_dict()["keymap"] == {"drill.dont_know": "f1,f2"}
    for bad in ('[keymap]\n"drill.dont_know" = 3\n', 'keymap = "f1"\n',
                '[keymap]\n"drill.dont_know" = " "\n'):
        with pytest.raises(ConfigError, match="keymap"):
            _check(tomllib.loads(bad), "config.toml")


def test_a_new_setting_is_written_above_the_keymap_table(tmp_path: Path) -> None:
    """Appending interview_date after [keymap] would put it inside the table."""
    path = tmp_path / "config.toml"
    path.write_text('theme = "textual-light"\n[keymap]\n"drill.dont_know" = "f1"\n')
    config = set_config_value(path, "interview_date", date(2027, 1, 15))
    assert config.interview_date == date(2027, 1, 15)
    assert config.keymap == (("drill.dont_know", "f1"),)
    assert tomllib.loads(path.read_text())["interview_date"] == date(2027, 1, 15)


def test_every_screen_binding_has_an_id_to_rebind() -> None:
    ids = known_binding_ids()
    assert {"home.drill", "drill.dont_know", "drill.again", "stats.reload"} <= ids


async def test_rebound_key_works_and_unknown_ids_are_reported(db_path: Path,
                                                              clock: FakeClock) -> None:
    config = Config(keymap=(("drill.dont_know", "f1"), ("drill.no_such_thing", "f2")))
    app = build_app(db_path, config=config, clock=clock, start="drill", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("drill.no_such_thing" in m and "unknown binding id" in m
                   for m in messages), messages
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        screen.query_one("#drill-answer", Input).blur()  # keys go to the screen's bindings
        await pilot.press("f1")
        await pilot.pause()
        feedback = screen.session.feedback
        assert feedback is not None and feedback.grade is None  # recorded as don't know
        assert app.store.count_reviews() == 1


async def test_palette_offers_the_screen_actions_enabled_now(db_path: Path,
                                                             clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        commands = {c.title: c for c in screen_commands(app, home)}
        assert {"Drill", "Loop", "Weak", "Stats", "Interview date"} <= set(commands)
        assert "(s)" in commands["Stats"].help
        await commands["Stats"].callback()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        titles = {c.title for c in screen_commands(app, drill)}
        assert "Don't know" in titles and "Again" not in titles  # no verdict to rate yet
        drill.action_dont_know()
        await pilot.pause()
        titles = {c.title for c in screen_commands(app, drill)}
        assert {"Again", "Hard", "Good", "Easy", "Next"} <= titles
        assert "Don't know" not in titles
        palette_titles = {c.title for c in app.get_system_commands(drill)}
        assert {"Quit", "Again"} <= palette_titles
