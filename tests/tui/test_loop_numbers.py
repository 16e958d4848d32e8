"""Loops are called by the player's count of them, "Onsite loop 1" for the first, not by
session id (issue #12: "Onsite loop 5" was the first loop, after four drills): on the loop
screen, its debrief, the stats screen's list of loops and ``loop --export N``."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.loop.debrief import loop_debrief
from engine.loop.session import LoopSession, loop_number, loop_session_id
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from tests.tui._layout import loaded, plain, screen_lines, static_text
from tui.__main__ import main
from tui.app import build_app
from tui.screens.loop import DebriefScreen, LoopScreen, RoundIntroScreen
from tui.screens.stats import StatsScreen


def _drills(store: Store, clock: FakeClock, count: int) -> None:
    """``count`` drill sessions, so the next session id is not the loop's number."""
    for _ in range(count):
        store.start_session("drill", clock.now(), {})


def _loop(store: Store, bank: ContentBank, scheduler: Scheduler, clock: FakeClock) -> int:
    """An abandoned loop; its session id."""
    loop = LoopSession(store, bank, scheduler, clock, "L4", round_minutes=1, seed=5)
    loop.abandon()
    return loop.session_id


@pytest.fixture
def two_loops(store: Store, bank: ContentBank, scheduler: Scheduler,
              clock: FakeClock) -> tuple[int, int]:
    """Sessions 1–2 drills, 3 the first loop, 4 a drill, 5 the second loop."""
    _drills(store, clock, 2)
    first = _loop(store, bank, scheduler, clock)
    _drills(store, clock, 1)
    second = _loop(store, bank, scheduler, clock)
    assert (first, second) == (3, 5)
    return first, second


def test_numbers_and_session_ids_map_both_ways(store: Store,
                                               two_loops: tuple[int, int]) -> None:
    first, second = two_loops
    assert (loop_number(store, first), loop_number(store, second)) == (1, 2)
    assert (loop_session_id(store, 1), loop_session_id(store, 2)) == (first, second)
    for number in (0, 3, -1):
        with pytest.raises(LookupError, match=f"no loop number {number}: loops are "
                                              "numbered 1 to 2"):
            loop_session_id(store, number)


def test_no_loop_yet_and_one_loop_are_said(store: Store, bank: ContentBank,
                                           scheduler: Scheduler, clock: FakeClock) -> None:
    with pytest.raises(LookupError, match="no loop has been started yet"):
        loop_session_id(store, 1)
    _drills(store, clock, 1)
    _loop(store, bank, scheduler, clock)
    with pytest.raises(LookupError, match="no loop number 2: there is only loop 1"):
        loop_session_id(store, 2)


def test_debrief_is_titled_by_the_loop_number(store: Store, bank: ContentBank,
                                              two_loops: tuple[int, int]) -> None:
    first, second = two_loops
    assert loop_debrief(store, bank, first).startswith("# Onsite loop 1 — level L4\n")
    assert loop_debrief(store, bank, second).startswith("# Onsite loop 2 — level L4\n")


def test_export_takes_the_loop_number_and_the_session_id(
        db_path: Path, store: Store, two_loops: tuple[int, int], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _first, second = two_loops
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))
    assert main(["--db", str(db_path), "loop", "--export", "2"]) == 0
    by_number = capsys.readouterr().out
    assert by_number.startswith("# Onsite loop 2 — level L4\n")
    assert main(["--db", str(db_path), "loop", "--export-session", str(second)]) == 0
    assert capsys.readouterr().out == by_number  # the old meaning of N, kept under its name
    assert main(["--db", str(db_path), "loop", "--export", "3"]) == 2  # session 3 is loop 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no loop number 3: loops are numbered 1 to 2" in captured.err
    assert main(["--db", str(db_path), "loop", "--export-session", "4"]) == 2  # a drill
    assert "no loop with id 4" in capsys.readouterr().err


def test_help_says_what_n_is(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["loop", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "--export N print the debrief of your loop number N (1 for your first loop" in shown
    assert "N was the loop's session id: that is --export-session now" in shown
    assert "--export-session ID the same for the loop with session id ID" in shown


async def test_loop_and_debrief_screens_say_onsite_loop_1(db_path: Path,
                                                          clock: FakeClock) -> None:
    store = Store(db_path)
    _drills(store, clock, 2)  # the loop will be session 3
    store.close()
    app = build_app(db_path, clock=clock, start="loop", seed=4,
                    loop_options={"level": "L4", "round_minutes": 1})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        intro = app.screen
        assert isinstance(intro, RoundIntroScreen)
        assert static_text(intro.query_one("#intro-body", Static)).startswith(
            "Onsite loop 1 · Round 1 of 4: ")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoopScreen)
        assert screen.loop.session_id == 3
        assert screen.sub_title == "Onsite loop 1 · L4"
        for _ in screen.run.rounds:  # every round runs out of time
            clock.advance(61)
            screen.tick()
            await pilot.pause()
            if isinstance(app.screen, RoundIntroScreen):
                await pilot.press("enter")
                await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert debrief.sub_title == "debrief · Onsite loop 1"
        assert "tpm-drill --db" in static_text(debrief.query_one("#debrief-verdict", Static))
        assert static_text(debrief.query_one("#debrief-verdict", Static)).endswith(
            "loop --export 1 > debrief.md")
        await pilot.pause()
        shown = "\n".join(screen_lines(debrief))
        assert "Onsite loop 1 — level L4" in shown
        assert "Onsite loop 3" not in shown


async def test_stats_lists_loops_by_number(db_path: Path, store: Store,
                                           two_loops: tuple[int, int],
                                           clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="stats")
    async with loaded(app):
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        lines = static_text(screen.query_one("#stats-loops", Static)).split("\n")
        assert lines == ["Loops",
                         "Onsite loop 2 · 2026-01-05 · L4: abandoned",
                         "Onsite loop 1 · 2026-01-05 · L4: abandoned"]


def test_a_rated_loop_lists_its_ratings_and_promotion() -> None:
    from tui.screens.stats import loop_line

    loop = {"number": 4, "started_at": "2026-02-01T10:00:00+00:00", "level": "L5",
            "verdict": "advance", "promoted_to": "L5",
            "ratings": {"program_design": "Strong Yes", "behavioral": None,
                        "technical_depth": "Yes"}}
    assert plain(loop_line(loop)) == \
        "Onsite loop 4 · 2026-02-01 · L5: advance (Strong Yes, Yes) → promoted to L5"
    hostile = {**loop, "level": "[b]L5", "verdict": "[@click=app.quit]x"}
    assert "[@click=app.quit]x" in plain(loop_line(hostile))
