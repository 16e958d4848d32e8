"""The command palette lists each action once on every screen: home's q is Textual's Quit,
a drill's q and Esc are one Back whose help names both keys."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from engine.clock import FakeClock
from tui.app import build_app
from tui.screens.confirm import ConfirmScreen
from tui.screens.done import DoneScreen
from tui.screens.drill import DrillScreen
from tui.screens.home import HomeScreen
from tui.screens.loop import DebriefScreen, LoopScreen, PauseScreen, RoundIntroScreen


def _titles(app, screen=None) -> list[str]:
    return [command.title for command in app.get_system_commands(screen or app.screen)]


def _assert_unique(app, where: str) -> list[str]:
    titles = _titles(app)
    assert len(titles) == len(set(titles)), (where, titles)
    return titles


async def test_each_command_once_on_every_screen(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        titles = _assert_unique(app, "home")
        assert titles.count("Quit") == 1
        assert {"Drill", "Loop", "Weak", "Stats", "Settings", "Interview date"} <= set(titles)
        for key, where in (("o", "settings"), ("i", "interview date"), ("l", "loop options"),
                           ("w", "weak"), ("s", "stats")):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            _assert_unique(app, where)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen), where
        await pilot.press("d")
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        titles = _assert_unique(app, "drill, answering")
        assert titles.count("Back") == 1
        back = next(c for c in app.get_system_commands(drill) if c.title == "Back")
        assert "(q, esc)" in back.help
        drill.query_one("#drill-answer", Input).value = "?"
        await pilot.pause()
        _assert_unique(app, "drill, verdict")
        app.switch_screen(DoneScreen(drill.session))
        await pilot.pause()
        titles = _assert_unique(app, "done")
        assert titles.count("Home") == 1


async def test_each_command_once_in_a_loop(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=3,
                    loop_options={"level": "L5", "round_minutes": 1})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        _assert_unique(app, "round intro")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoopScreen)
        titles = _assert_unique(app, "loop")
        assert titles.count("Back") == 1
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        titles = _assert_unique(app, "pause")
        assert titles.count("Resume") == 1
        await pilot.press("f2")
        await pilot.pause()
        for _ in range(30):  # end every round at once (intro, F3, y)
            if isinstance(app.screen, RoundIntroScreen):
                await pilot.press("enter")
            elif isinstance(app.screen, LoopScreen):
                await pilot.press("f3")
            elif isinstance(app.screen, ConfirmScreen):  # "End this round now?"
                await pilot.press("y")
            else:
                break
            await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        titles = _assert_unique(app, "debrief")
        assert titles.count("Home") == 1
