"""Every screen shrunk to 1×1, 5×2 and 20×5 and back to 80×24 without an exception.

A terminal can be dragged to any size, tmux panes split to a cell; Textual then lays out
every widget at zero or negative content width, where the option list used to raise
(``range() arg 3 must not be zero`` inside Rich's line wrapping).
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, SelectionList, TextArea

from engine.clock import FakeClock
from tests.tui.test_open_answer import _drill_on_the_open_deck
from tui.app import build_app
from tui.screens.confirm import ConfirmScreen
from tui.screens.done import DoneScreen
from tui.screens.drill import DrillScreen
from tui.screens.home import HomeScreen
from tui.screens.interview import InterviewDateScreen
from tui.screens.loop import (
    DebriefScreen,
    LoopScreen,
    PauseScreen,
    RoundIntroScreen,
)
from tui.screens.stats import StatsScreen
from tui.screens.weak import WeakScreen

#: The sizes tried, smallest first, then the usual terminal again.
SIZES = [(1, 1), (5, 2), (20, 5), (2, 40), (80, 24)]


async def shrink_and_back(pilot, expected: type) -> None:
    """Resize through SIZES; the app stays up on the same screen and draws at each size."""
    app = pilot.app
    for width, height in SIZES:
        await pilot.resize_terminal(width, height)
        await pilot.pause()
        assert app.is_running and app.return_code is None, \
            f"{expected.__name__} at {width}×{height}: the app stopped"
        assert isinstance(app.screen, expected), (width, height, app.screen)
        assert app.size == (width, height)
        strips = app.screen._compositor.render_strips()  # what the driver would write
        assert len(strips) == height and all(s.cell_length == width for s in strips)


async def test_home_and_its_screens_at_any_size(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await shrink_and_back(pilot, HomeScreen)
        await pilot.press("i")
        await pilot.pause()
        await shrink_and_back(pilot, InterviewDateScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await shrink_and_back(pilot, type(app.screen))  # the command palette
        await pilot.press("escape")
        await pilot.pause()
        for key, screen in (("w", WeakScreen), ("s", StatsScreen)):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            await shrink_and_back(pilot, screen)
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await shrink_and_back(pilot, DrillScreen)
        screen.query_one("#drill-answer" if not screen.long_form else "#drill-essay")
        if screen.long_form:
            screen.query_one("#drill-essay", TextArea).text = "?"
            await pilot.press("ctrl+s")
        else:
            screen.query_one("#drill-answer", Input).value = "?"
        await pilot.pause()
        assert screen.session.feedback is not None
        await shrink_and_back(pilot, DrillScreen)  # the verdict panel
        app.switch_screen(DoneScreen(screen.session))
        await pilot.pause()
        await shrink_and_back(pilot, DoneScreen)


async def test_open_answer_self_check_at_any_size(tmp_path: Path, clock: FakeClock) -> None:
    app = _drill_on_the_open_deck(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen) and screen.long_form
        await shrink_and_back(pilot, DrillScreen)
        screen.query_one("#drill-essay", TextArea).text = "The job MTBF is about 3 h."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.checking and screen.query_one("#self-check", SelectionList).display
        await shrink_and_back(pilot, DrillScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.checking


async def test_loop_screens_at_any_size(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=3,
                    loop_options={"level": "L5", "round_minutes": 30})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await shrink_and_back(pilot, RoundIntroScreen)
        await pilot.press("enter")
        await pilot.pause()
        await shrink_and_back(pilot, LoopScreen)
        await pilot.press("f2")
        await pilot.pause()
        await shrink_and_back(pilot, PauseScreen)
        await pilot.press("f2")
        await pilot.pause()
        confirm_shrunk = False
        while not isinstance(app.screen, DebriefScreen):  # end every round at once
            if isinstance(app.screen, RoundIntroScreen):
                await pilot.press("enter")
            elif isinstance(app.screen, ConfirmScreen):  # "End this round now?"
                if not confirm_shrunk:
                    await shrink_and_back(pilot, ConfirmScreen)
                    confirm_shrunk = True
                await pilot.press("y")
            else:
                await pilot.press("f3")
            await pilot.pause()
        await shrink_and_back(pilot, DebriefScreen)
