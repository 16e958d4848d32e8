"""The loop's technical screen runs a kata (issue #13): on a fake clock, the round is one
kata; the code as it stands when time runs out is checked, recorded as cut off, and scores the
round by its pass rate; a submitted kata scores the round the same way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import TextArea

from content.catalog import builtin_catalog
from content.loader import OpenQuestion
from engine.bank import ContentBank, load_content
from engine.clock import FakeClock
from tests.katas.conftest import RING, RING_FACTOR_TWO, RING_RIGHT
from tui.app import TpmDrillApp
from tui.screens.kata import KataScreen
from tui.screens.loop import LoopScreen, RoundIntroScreen


def _bank() -> ContentBank:
    """The ring kata (meant for the technical screen) and the built-in open questions and
    problems for the onsite rounds."""
    from dataclasses import replace

    builtin = load_content(())
    items = {k: v for k, v in builtin.items.items() if v.kind != "kata"}
    items[RING.id] = replace(RING, rounds=("technical_screen",))
    return ContentBank(items=items, catalog=builtin_catalog())


def _app(db_path: Path, clock: FakeClock) -> TpmDrillApp:
    return TpmDrillApp(db_path, clock=clock, start="loop", bank=_bank(), seed=5,
                       loop_options={"level": "L4", "round_minutes": 10,
                                     "with_screen": True})


async def _open_the_screen_round(app: TpmDrillApp, pilot) -> tuple[LoopScreen, KataScreen]:
    await pilot.pause()
    assert isinstance(app.screen, RoundIntroScreen)
    await pilot.press("enter")
    await pilot.pause()
    kata_screen = app.screen
    assert isinstance(kata_screen, KataScreen)
    loop_screen = next(s for s in app.screen_stack if isinstance(s, LoopScreen))
    assert loop_screen.loop.current.plan.name == "technical_screen"
    assert loop_screen.loop.current.plan.item_ids == (RING.id,)
    assert "Technical screen" in kata_screen.status_line()  # the round's countdown on top
    return loop_screen, kata_screen


async def test_time_up_checks_the_code_as_it_stands_and_records_it_cut_off(
        db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        loop_screen, kata_screen = await _open_the_screen_round(app, pilot)
        kata_screen.query_one("#kata-editor", TextArea).text = RING_FACTOR_TWO
        clock.advance(10 * 60 + 1)
        loop_screen.tick()
        assert kata_screen.cut_off
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert kata_screen not in app.screen_stack  # closed; the loop went on
        assert isinstance(app.screen, RoundIntroScreen)  # the next round's intro
        score = loop_screen.loop.run.rounds[0].scores[RING.id]
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT card_id, answer_text, cut_off FROM reviews").fetchall()
        passed, failed = conn.execute("SELECT passed, failed FROM kata_attempts").fetchone()
    assert rows == [(RING.id, RING_FACTOR_TWO, 1)]
    assert failed > 0 and score == passed / (passed + failed)


async def test_a_submitted_kata_scores_the_round_by_its_pass_rate(
        db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        loop_screen, kata_screen = await _open_the_screen_round(app, pilot)
        kata_screen.query_one("#kata-editor", TextArea).text = RING_RIGHT
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert kata_screen.feedback is not None
        await pilot.press("enter")
        await pilot.pause()
        assert loop_screen.loop.run.rounds[0].scores == {RING.id: 1.0}
        assert isinstance(app.screen, RoundIntroScreen)  # the round had one question


def test_the_open_questions_still_fill_the_onsite_rounds() -> None:
    bank = _bank()
    assert any(isinstance(item, OpenQuestion) for item in bank.items.values())
