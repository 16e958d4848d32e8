"""Whole loops driven headless on a fake clock: timeouts, early finish, pause, abandon."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Static, TextArea

from engine.clock import FakeClock
from engine.loop.rules import ONSITE_ROUNDS
from tests.tui._probes import answer_probes
from tui.app import build_app
from tui.screens.case import CaseScreen
from tui.screens.home import HomeScreen
from tui.screens.loop import DebriefScreen, LoopScreen, PauseScreen, RoundIntroScreen


async def _answer_well(pilot, screen: LoopScreen) -> None:
    """Answer the current question with its reference (the model answer for open ones)."""
    from grading.units import convert

    question = screen.session.question
    assert question is not None
    if question.kind == "open":
        screen.query_one("#drill-essay", TextArea).text = question.model_answer
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")  # confirm the self-check as detected
        await pilot.pause()
        await answer_probes(pilot, screen)
    else:
        value = convert(question.reference_value, question.reference_unit,
                        question.display_unit)
        answer = (question.answers[0] if question.kind == "text" else
                  f"{value:.6g} {question.display_unit}")
        screen.query_one("#drill-answer", Input).value = answer
        await pilot.press("enter")
    await pilot.pause()
    await pilot.press("enter")  # accept and move on
    await pilot.pause()


async def _play_case_well(pilot, screen: CaseScreen) -> None:
    """Every step with its reference, then the case's model justification."""
    for step in screen.posed.steps:
        answer = str(step.right_option + 1) if step.kind == "decision" else \
            f"{step.reference_display:.6g}"  # a decision by its option's number
        screen.query_one("#case-answer", Input).value = answer
        await pilot.press("enter")
        await pilot.pause()
    screen.query_one("#case-justify", TextArea).text = screen.posed.model_answer
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert screen.feedback is not None, (screen.question.item_id, screen.answers)
    await pilot.press("enter")  # accept and move on
    await pilot.pause()


async def _start_round(pilot) -> None:
    assert isinstance(pilot.app.screen, RoundIntroScreen)
    await pilot.press("enter")
    await pilot.pause()


async def test_full_loop_answered_well_advances_and_promotes(db_path: Path,
                                                             clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=3,
                    loop_options={"level": "L5", "round_minutes": 30})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in ONSITE_ROUNDS:
            await _start_round(pilot)
            screen = app.screen
            assert isinstance(screen, LoopScreen)
            while isinstance(app.screen, LoopScreen | CaseScreen) and \
                    not screen.loop.round_over:
                clock.advance(60)
                if isinstance(app.screen, CaseScreen):  # program design, depth, tradeoffs
                    await _play_case_well(pilot, app.screen)
                else:
                    await _answer_well(pilot, screen)
        assert isinstance(app.screen, DebriefScreen)
        outcome = app.screen.outcome
        assert outcome is not None
        assert set(outcome.ratings) == set(ONSITE_ROUNDS)
        session = app.store.sessions("loop")[0]
        rounds = app.store.loop_rounds(session["id"])
        assert [r["round"] for r in rounds] == list(ONSITE_ROUNDS)
        assert all(r["status"] == "finished" and r["rating"] for r in rounds)
        reviews = app.store.reviews(session["id"])
        assert reviews and all(r["mode"] == "loop" and r["loop_round"] for r in reviews)
        # (seed 3 asks follow-ups in a round: answered right, stored as graded steps)
        probes = [r for r in app.store.graded_steps() if r["kind"] == "probe"]
        assert probes and {r["status"] for r in probes} == {"exact"}
        assert outcome.verdict.advance, outcome  # model answers and references throughout
        cited = [line for line in outcome.verdict.evidence if "steps right; chain held" in line]
        assert cited and cited[0].startswith("Program design: ")  # the case's chain held
        assert session["verdict"] == "advance"
        assert [p["level"] for p in app.store.promotions()] == ["L5"]  # from L4, by event
        assert outcome.promoted_to == "L5"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        stats = Content.from_markup(str(app.screen.query_one("#home-stats").content)).plain
        assert "Level: L5" in stats and "next loop is at L6" in stats
        assert "New today: 15" in stats  # a loop does not spend the daily new-card budget


async def test_timeout_counts_unanswered_as_not_covered(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=4,
                    loop_options={"level": "L4", "round_minutes": 10})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _start_round(pilot)
        screen = app.screen
        assert isinstance(screen, LoopScreen)
        clock.advance(4 * 60 + 30)
        screen.tick()
        assert "05:30 left" in str(screen.query_one("#drill-status").content)
        clock.advance(5 * 60)
        screen.tick()
        assert screen.loop.urgency() == "error"
        clock.advance(31)
        screen.tick()  # time is up while answering the first question
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)  # straight to the next round
        first = app.store.loop_rounds(screen.loop.session_id)[0]
        assert (first["status"], first["score"], first["rating"]) == ("timed_out", 0.0,
                                                                      "Strong No")
        assert first["seconds_used"] == 600


async def test_pause_stops_the_clock_and_hides_the_question(db_path: Path,
                                                            clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=5,
                    loop_options={"level": "L4", "round_minutes": 10})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _start_round(pilot)
        screen = app.screen
        clock.advance(60)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        clock.advance(3600)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoopScreen)
        assert screen.loop.remaining() == 540
        assert app.store.session(screen.loop.session_id)["paused_seconds"] == 3600


async def test_early_finish_then_quit_keeps_answers_and_abandons(db_path: Path,
                                                                 clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=6,
                    loop_options={"level": "L4", "round_minutes": 10})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _start_round(pilot)
        screen = app.screen
        await _answer_well(pilot, screen)
        await pilot.press("f3")  # end the round early
        await pilot.pause()
        await pilot.press("y")  # yes, end it
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        rounds = app.store.loop_rounds(screen.loop.session_id)
        assert rounds[0]["status"] == "finished"
        assert 0 < rounds[0]["score"] < 1  # one answered, the rest not covered
        await pilot.press("escape")  # quit at the next intro
        await pilot.pause()
        await pilot.press("y")  # yes, leave
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        session = app.store.session(screen.loop.session_id)
        assert (session["status"], session["verdict"]) == ("abandoned", "abandoned")
        assert len(app.store.reviews(screen.loop.session_id)) == 1


async def test_closing_the_app_mid_loop_abandons_it(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=7,
                    loop_options={"level": "L4", "round_minutes": 10})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _start_round(pilot)
        await _answer_well(pilot, app.screen)
        session_id = app.screen.loop.session_id
    from engine.store.db import Store

    store = Store(db_path)
    assert store.session(session_id)["verdict"] == "abandoned"
    assert len(store.reviews(session_id)) == 1
    store.close()


async def test_debrief_export_as_markdown(db_path: Path, clock: FakeClock, capsys,
                                          monkeypatch, tmp_path: Path) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=8,
                    loop_options={"level": "L4", "round_minutes": 5})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _start_round(pilot)
        screen = app.screen
        question = screen.session.question
        await _answer_well(pilot, screen)
        clock.advance(600)
        screen.tick()
        await pilot.pause()
    from tui.__main__ import main

    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))
    assert main(["--db", str(db_path), "loop", "--export", "1"]) == 0  # the first loop
    markdown = capsys.readouterr().out
    assert markdown.startswith("# Onsite loop 1 — level L4")
    assert "| Program design |" in markdown
    assert question.prompt in markdown
    assert "Not answered" in markdown  # the rest of the round, lost to the clock
    assert "Verdict: abandoned" in markdown  # the app closed mid-loop
    assert main(["--db", str(db_path), "loop", "--export", "999"]) == 2
    assert "no loop number 999: there is only loop 1" in capsys.readouterr().err


async def test_countdown_names_the_question_on_screen(db_path: Path, clock: FakeClock) -> None:
    """While a verdict is shown the header still names that question (1/n), not the next."""
    app = build_app(db_path, clock=clock, start="loop", seed=3,
                    loop_options={"level": "L5", "round_minutes": 30})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _start_round(pilot)
        screen = app.screen
        assert isinstance(screen, LoopScreen)

        def header() -> str:
            return Content.from_markup(
                str(screen.query_one("#drill-status", Static).content)).plain

        total = len(screen.run.current.plan.item_ids)
        assert f"question 1/{total}" in header()
        screen.action_dont_know()
        await pilot.pause()
        assert screen.session.feedback is not None
        assert f"question 1/{total}" in header()
        screen.action_accept()
        await pilot.pause()
        assert f"question 2/{total}" in header()
