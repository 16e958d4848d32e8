"""Leaving a loop (Esc, q) and ending a round early (F3) ask first; both answers of each
question do what they say, and time running out while a question is open closes it."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Static, TextArea

from engine.clock import FakeClock
from tui.app import build_app
from tui.screens.confirm import ConfirmScreen
from tui.screens.home import HomeScreen
from tui.screens.loop import LoopScreen, RoundIntroScreen


def _text(screen, selector: str) -> str:
    return Content.from_markup(str(screen.query_one(selector, Static).content)).plain


def _confirm_text(screen) -> str:
    """The question and its keys line, as a person reads the box."""
    return _text(screen, "#confirm-question") + "\n" + _text(screen, "#confirm-keys")


async def _start(pilot) -> LoopScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, RoundIntroScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LoopScreen)
    return screen


def _app(db_path: Path, clock: FakeClock, seed: int = 21):
    return build_app(db_path, clock=clock, start="loop", seed=seed,
                     loop_options={"level": "L4", "round_minutes": 10})


async def _dont_know_and_next(pilot, screen: LoopScreen) -> None:
    screen.action_dont_know()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_escape_asks_and_n_stays_with_the_answer_typed(db_path: Path,
                                                              clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot)
        await _dont_know_and_next(pilot, screen)
        question = screen.session.question
        box = screen.query_one("#drill-essay" if screen.long_form else "#drill-answer")
        if isinstance(box, TextArea):
            box.text = "half an answer"
        else:
            box.value = "half an answer"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        shown = _confirm_text(app.screen)
        assert "Leave the loop?" in shown
        assert "Your 1 answer is kept and the loop is marked abandoned." in shown
        assert "y leave · n stay" in shown
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert screen.session.question is question  # the same question, still open
        assert (box.text if isinstance(box, TextArea) else box.value) == "half an answer"
        session = app.store.session(screen.loop.session_id)
        assert session["status"] != "abandoned" and session["verdict"] is None
        assert screen.run.current.status == "running"


async def test_escape_then_y_leaves_and_keeps_the_answers(db_path: Path,
                                                          clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot)
        await _dont_know_and_next(pilot, screen)
        await _dont_know_and_next(pilot, screen)
        await pilot.press("escape")
        await pilot.pause()
        assert "Your 2 answers are kept" in _confirm_text(app.screen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        session = app.store.session(screen.loop.session_id)
        assert (session["status"], session["verdict"]) == ("abandoned", "abandoned")
        assert len(app.store.reviews(screen.loop.session_id)) == 2
        assert app.active_loop is None


async def test_q_typed_alone_asks_and_staying_clears_it(db_path: Path,
                                                        clock: FakeClock) -> None:
    app = _app(db_path, clock, seed=22)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot)
        while screen.long_form:  # a one-line answer box: where a lone q means "back"
            await _dont_know_and_next(pilot, screen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Leave the loop?" in _confirm_text(app.screen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#drill-answer", Input).value == ""
        assert screen.query_one("#drill-answer", Input).has_focus
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.store.session(screen.loop.session_id)["verdict"] == "abandoned"


async def test_escape_at_a_round_intro_asks_and_staying_shows_the_intro(
        db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Nothing is answered yet and the loop is marked abandoned." in \
            _confirm_text(app.screen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        [session] = app.store.sessions("loop")
        assert session["verdict"] == "abandoned"


async def test_f3_asks_and_n_keeps_the_round_going(db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot)
        question = screen.session.question
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        shown = _confirm_text(app.screen)
        assert "End this round now?" in shown
        assert "y end the round · n keep going" in shown
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert screen.run.current.status == "running"
        assert screen.session.question is question
        assert app.store.loop_rounds(screen.loop.session_id)[0]["status"] == "running"


async def test_f3_then_y_ends_the_round(db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot)
        await _dont_know_and_next(pilot, screen)
        clock.advance(90)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)  # on to the next round
        first = app.store.loop_rounds(screen.loop.session_id)[0]
        assert (first["status"], first["seconds_used"]) == ("finished", 90)


async def test_time_running_out_closes_the_question(db_path: Path, clock: FakeClock) -> None:
    """A question left open does not hold the round past its time: the round times out,
    the question goes away, and a late answer to it changes nothing."""
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot)
        await pilot.press("f3")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        clock.advance(10 * 60 + 1)
        screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        assert screen.confirm is None
        first = app.store.loop_rounds(screen.loop.session_id)[0]
        assert first["status"] == "timed_out"
        await pilot.press("y")  # nothing to say yes to any more: the intro ignores it
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        assert app.store.loop_rounds(screen.loop.session_id)[0]["status"] == "timed_out"


async def test_round_intro_counts_in_words(db_path: Path, clock: FakeClock) -> None:
    """"1 minute", not "1 minutes"."""
    app = build_app(db_path, clock=clock, start="loop", seed=21,
                    loop_options={"level": "L4", "round_minutes": 1})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        intro = _text(app.screen, "#intro-body")
        # program design draws the built-in case: 1 open question, 1 problem, 1 case
        assert "1 minute · 3 questions (1 to answer in writing, 1 case worked step by " \
            "step)" in intro, intro
