"""The drill, played headless through Textual's Pilot on a real database and the real bank."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Static, TextArea

from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import from_iso
from grading.units import convert
from tui.app import build_app
from tui.screens.done import DoneScreen
from tui.screens.drill import DrillScreen
from tui.screens.home import HomeScreen


def _text(app, selector: str) -> str:
    """The plain text a Static shows (markup resolved), as a person would read it."""
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


def _right_answer(screen: DrillScreen) -> str:
    question = screen.session.question
    assert question is not None
    if question.kind == "text":
        return question.answers[0]
    if question.kind == "open":
        return question.model_answer
    value = convert(question.reference_value, question.reference_unit, question.display_unit)
    return f"{value:.6g} {question.display_unit}".strip()


async def _type(pilot, text: str) -> None:
    """Answer as a person would: one line and Enter, or an essay and ctrl+s."""
    screen = pilot.app.screen
    if screen.long_form:
        screen.query_one("#drill-essay", TextArea).text = text
        await pilot.press("ctrl+s")
        await pilot.pause()
        if screen.checking:  # confirm the self-check with the detected key points ticked
            await pilot.press("ctrl+s")
            await pilot.pause()
        return
    answer = screen.query_one("#drill-answer", Input)
    answer.value = text
    await pilot.press("enter")
    await pilot.pause()


REFERENCE_SHOWN = {"fact": "Reference:", "problem": "Reference:", "text": "Answer:",
                   "open": "Model answer"}


async def test_home_shows_counts_and_menu(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        stats = _text(app, "#home-stats")
        assert "Due today: 0" in stats
        assert "New today: 15" in stats
        assert "Streak: 0 days" in stats
        assert "Level: L4" in stats and "next loop is at L5" in stats
        await pilot.press("w")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "No weak areas yet" in str(app.screen.query_one("#weak-body").content)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_play_ten_cards(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, seed=11)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        answered = []
        for n in range(10):
            question = screen.session.question
            assert question is not None
            clock.advance(8)
            wrong = {"text": "a teapot", "open": "We aligned stakeholders and facilitated "
                     "weekly syncs."}.get(question.kind, "1e-30")  # 1e-30 in display units
            if n % 3 == 2:
                if screen.long_form:
                    await _type(pilot, "?")
                else:
                    await pilot.press("question_mark")  # "?" in the box: don't know, no Enter
                    await pilot.pause()
            elif n % 3 == 1:
                await _type(pilot, wrong)
            else:
                await _type(pilot, _right_answer(screen))
            # The verdict stays in view; the work and the explanation scroll below it.
            body = _text(app, "#verdict-head") + "\n" + _text(app, "#feedback-body")
            assert REFERENCE_SHOWN[question.kind] in body, body
            assert question.explanation.split()[0] in body
            feedback = screen.session.feedback
            assert feedback is not None
            if question.kind == "open" and n % 3 != 2:
                assert feedback.verdict == "scored" and feedback.self_score is not None
                assert (feedback.score > 0.5) == (n % 3 == 0), (question.item_id, body)
            else:
                verdict = {0: "exact", 1: "off", 2: "don't know"}[n % 3]
                assert feedback.verdict == verdict, (question.item_id, body)
            answered.append(question.item_id)
            if n == 4:
                await pilot.press("2")  # override the suggested rating, and move on
            else:
                await pilot.press("enter")
            await pilot.pause()
        rows = app.store.reviews()
        assert [r["card_id"] for r in rows] == answered
        assert all(r["mode"] == "drill" and 1 <= r["rating"] <= 4 for r in rows)
        assert [r["override"] for r in rows][4] == 1
        assert rows[4]["rating"] == 2
        for row in rows:  # FSRS moved every card's due date past its last answer
            card = app.store.card(row["card_id"])
            assert card is not None and card.due > from_iso(row["reviewed_at"])
            assert card.reps >= 1
        await pilot.press("q")  # a lone "q" in the empty answer box leaves: the summary
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert "This session: 10 answered" in _text(app, "#done-body")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Answered today: 10" in _text(app, "#home-stats")


async def test_bad_input_asks_again_and_records_nothing(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="drill")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await _type(pilot, "about a lot")
        assert "could not read" in _text(app, "#drill-message").lower()
        await _type(pilot, "5 parsecs of joy")
        assert _text(app, "#drill-message")
        assert app.store.reviews() == []
        assert screen.query_one("#drill-answer", Input).disabled is False
        await _type(pilot, _right_answer(screen))
        assert len(app.store.reviews()) == 1


async def test_done_screen_when_the_day_is_finished(db_path: Path, clock: FakeClock) -> None:
    config = replace(Config(), new_per_day=2)
    app = build_app(db_path, clock=clock, config=config, start="drill")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(10):
            if not isinstance(app.screen, DrillScreen):
                break
            await _type(pilot, _right_answer(app.screen))
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        body = _text(app, "#done-body")
        assert "Done for today" in body
        assert "Next card due in" in body
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
