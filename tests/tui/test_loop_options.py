"""l on home asks the loop's options (level, round length, technical screen) before it starts;
Enter on the dialog takes the defaults."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Select, Static

from engine.clock import FakeClock
from tui.app import build_app
from tui.screens.home import HomeScreen
from tui.screens.loop import RoundIntroScreen
from tui.screens.loop_options import LoopOptionsScreen
from tui.widgets.checklist import TICKED, UNTICKED, TickBox


def _plain(widget: Static) -> str:
    return Content.from_markup(str(widget.content)).plain


async def test_enter_starts_a_loop_at_the_defaults(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LoopOptionsScreen)  # asked, not started
        assert app.store.sessions("loop") == []
        assert dialog.query_one("#loop-level", Select).value == "L5"  # the level above L4
        assert not dialog.query_one("#loop-screen", TickBox).value
        await pilot.press("enter")  # the Start button has the focus
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        loop = app.screen.loop
        assert loop.level == "L5"
        assert [plan.seconds for plan in (r.plan for r in loop.run.rounds)] == [45 * 60] * 4


async def test_the_chosen_level_length_and_technical_screen_are_used(
        db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LoopOptionsScreen)
        dialog.query_one("#loop-level", Select).value = "L7"
        box = dialog.query_one("#loop-screen", TickBox)
        assert box.render().plain.startswith(UNTICKED)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value and box.render().plain.startswith(TICKED)
        minutes = dialog.query_one("#loop-minutes", Input)
        minutes.focus()
        minutes.value = "0.5"
        await pilot.press("enter")
        await pilot.pause()
        intro = app.screen
        assert isinstance(intro, RoundIntroScreen)
        assert intro.loop.level == "L7"
        plans = [r.plan for r in intro.loop.run.rounds]
        assert plans[0].name == "technical_screen" and len(plans) == 5
        assert {plan.seconds for plan in plans} == {30.0}
        assert "Round 1 of 5: Technical screen" in _plain(intro.query_one("#intro-body"))


async def test_a_bad_length_is_said_and_esc_starts_nothing(db_path: Path,
                                                          clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LoopOptionsScreen)
        for typed in ("abc", "0", "601", "nan"):
            minutes = dialog.query_one("#loop-minutes", Input)
            minutes.value = typed
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is dialog
            message = _plain(dialog.query_one("#loop-options-message", Static))
            assert f"{typed!r} is not a round length" in message
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.store.sessions("loop") == [] and app.active_loop is None
