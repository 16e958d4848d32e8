"""The loop's behavioral round checks a told story against the player's stored stories: the
same line as the drill ("closest story: X — numbers recalled …"), first in the feedback,
played headless at 80×24 on a fake clock (the other rounds are finished early)."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Static, TextArea

from engine.clock import FakeClock
from engine.loop.rules import ONSITE_ROUNDS
from engine.store.db import Store
from tests.stories._stories import HEARTBEAT
from tui.app import build_app
from tui.screens.loop import LoopScreen, RoundIntroScreen

TELLING = ("I overrode the plan on our 2,048 GPU job: heartbeats every 15 s cut uncaught "
           "stalls by 18 %, because the hangs were silent for 6 hours at a time.")


async def test_behavioral_round_names_the_closest_story(db_path: Path,
                                                        clock: FakeClock) -> None:
    store = Store(db_path)
    store.save_story(None, "Heartbeats", HEARTBEAT, clock.now())
    store.close()
    app = build_app(db_path, clock=clock, start="loop", seed=3,
                    loop_options={"level": "L5", "round_minutes": 30})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for name in ONSITE_ROUNDS:
            assert isinstance(app.screen, RoundIntroScreen)
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LoopScreen)
            if name != "behavioral":
                await pilot.press("f3", "y")  # finish this round early
                await pilot.pause()
                continue
            while (screen.session.question is not None
                   and screen.session.question.kind != "open"):
                screen.query_one("#drill-answer", Input).value = "?"
                await pilot.press("enter")
                await pilot.pause()
                await pilot.press("enter")
                await pilot.pause()
            assert screen.session.question is not None
            screen.query_one("#drill-essay", TextArea).text = TELLING
            await pilot.press("ctrl+s")
            await pilot.pause()
            body = Content.from_markup(
                str(screen.query_one("#feedback-body", Static).content)).plain
            assert ("Your stories — closest story: Heartbeats — numbers recalled 4 of 4"
                    in " ".join(body.split()))
            break
