"""Keys that arrive in one burst — a paste into a terminal without bracketed paste, or a
script — then ctrl+s at once: ctrl+s is a priority binding that runs as soon as the app reads
it, while the keys before it may still wait in the text box's queue. The answer submitted is
the whole text typed, not the part that had reached the box (seen in tmux: a long answer sent
with ctrl+s a few milliseconds behind it was cut mid-sentence)."""

from __future__ import annotations

from pathlib import Path

from textual import events

from engine.bank import load_content
from engine.clock import FakeClock
from engine.study.session import StudySession
from tui.app import TpmDrillApp
from tui.screens.drill import DrillScreen

ANSWER = ("Job MTBF is 50,000 h / 2,048 = 24 h, so about 30 interruptions in 720 h. Each "
          "costs a restart plus half the checkpoint interval of lost work.")


def _burst(app: TpmDrillApp, text: str) -> None:
    """Post every key of ``text`` and then ctrl+s to the app in one go, as a terminal's
    driver does when they arrive in one read."""
    for character in text:
        key = "space" if character == " " else character
        app.post_message(events.Key(key, character))
    app.post_message(events.Key("ctrl+s", None))


async def test_an_essay_typed_in_one_burst_is_submitted_whole(tmp_path: Path,
                                                              clock: FakeClock) -> None:
    bank = load_content()
    question_id = "open.screen.failure_probability_run"

    class One:
        def pick(self, session: StudySession) -> str | None:
            return question_id if session.answered == 0 else None

    app = TpmDrillApp(tmp_path / "p.db", clock=clock, bank=bank, start="home")
    async with app.run_test(size=(80, 24)) as pilot:
        session = StudySession(app.store, bank, app.scheduler, clock, picker=One(), seed=1)
        screen = DrillScreen(session)
        app.push_screen(screen)
        await pilot.pause()
        _burst(app, ANSWER)
        for _ in range(5):
            await pilot.pause()
        [review] = app.store.reviews()
        assert review["answer_text"] == ANSWER
        assert screen.checking
