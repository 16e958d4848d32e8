"""Settings in the app: o on home (or the palette) opens them; a change is written to
config.toml keeping the rest of the file and used at once; a bad value is said and nothing is
written."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Select, Static

from engine.clock import FakeClock
from engine.config import load_config
from tui.app import build_app, screen_commands
from tui.screens.home import HomeScreen
from tui.screens.settings import SettingsScreen

PLAYER_FILE = """\
# my tpm-drill settings
new_per_day = 12   # my pace
deck_dirs = []

# the keys I rebound
[keymap]
"drill.dont_know" = "f1"
"""


def _plain(app, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


def _app(tmp_path: Path, clock: FakeClock):
    config_path = tmp_path / "config.toml"
    config_path.write_text(PLAYER_FILE)
    return build_app(tmp_path / "p.db", clock=clock, config_path=config_path,
                     config=load_config(config_path)), config_path


async def test_a_change_is_written_keeping_the_file_and_used_at_once(
        tmp_path: Path, clock: FakeClock) -> None:
    app, config_path = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "New today: 12  (limit 12/day)" in _plain(app, "#home-stats")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        screen = app.screen
        assert screen.query_one("#setting-new_per_day", Input).value == "12"
        assert screen.query_one("#setting-new_per_day", Input).has_focus
        screen.query_one("#setting-new_per_day", Input).value = "20"
        screen.query_one("#setting-desired_retention", Input).value = "95%"
        screen.query_one("#setting-day_rollover_hour", Input).value = "6"
        screen.query_one("#setting-theme", Select).value = "nord"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = config_path.read_text()
        assert text.startswith("# my tpm-drill settings\nnew_per_day = 20   # my pace\n")
        assert '# the keys I rebound\n[keymap]\n"drill.dont_know" = "f1"\n' in text
        assert "reviews_per_day" not in text  # unchanged settings stay out of the file
        saved = load_config(config_path)
        assert (saved.new_per_day, saved.desired_retention, saved.day_rollover_hour,
                saved.theme) == (20, 0.95, 6, "nord")
        assert saved.keymap == (("drill.dont_know", "f1"),)
        # Used at once: the scheduler, the counts, the theme.
        assert app.config_data == saved and app.scheduler.config == saved
        assert app.theme == "nord"
        assert "(limit 20/day)" in _plain(app, "#home-stats")


async def test_a_bad_value_is_said_and_nothing_is_written(tmp_path: Path,
                                                         clock: FakeClock) -> None:
    app, config_path = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#setting-new_per_day", Input).value = "30"  # fine, but not alone
        retention = screen.query_one("#setting-desired_retention", Input)
        retention.value = "0.5"
        screen.query_one("#setting-reviews_per_day", Input).focus()
        await pilot.press("enter")  # Enter in any field saves
        await pilot.pause()
        assert app.screen is screen
        message = _plain(app, "#settings-message")
        assert message == ("Not saved: desired_retention = 0.5 — expected a number from 0.7 "
                           "to 0.99, e.g. 0.9")
        assert retention.has_focus and retention.has_class("bad-value")
        assert config_path.read_text() == PLAYER_FILE
        assert app.config_data.new_per_day == 12 and app.scheduler.config.new_per_day == 12
        screen.query_one("#setting-new_per_day", Input).value = "many"
        retention.value = "0.9"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "new_per_day = 'many' — expected a whole number" in _plain(
            app, "#settings-message")
        assert config_path.read_text() == PLAYER_FILE
        await pilot.press("escape")  # leave without saving
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert config_path.read_text() == PLAYER_FILE


async def test_settings_are_in_the_palette_and_nothing_changed_writes_nothing(
        tmp_path: Path, clock: FakeClock) -> None:
    app, config_path = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        commands = {c.title: c for c in screen_commands(app, app.screen)}
        assert "(o)" in commands["Settings"].help
        await commands["Settings"].callback()
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert config_path.read_text() == PLAYER_FILE
