"""At 80×24 the verdict and the rating Enter gives are on the first screen, for every kind of
question: the longest prompts of the bank, show-work steps, a long model answer, a self-check.
The steps, the explanation and the model answer scroll below them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Input, SelectionList, Static, TextArea

from engine.bank import ContentBank, load_content
from engine.clock import FakeClock
from engine.questions import pose
from engine.study.session import StudySession
from tui.app import build_app
from tui.screens.drill import DrillScreen


class OneCard:
    """Asks ``item_id`` once, then nothing."""

    def __init__(self, item_id: str) -> None:
        self.item_id = item_id

    def pick(self, session: StudySession) -> str | None:
        return self.item_id if session.answered == 0 else None


def _longest(bank: ContentBank, kind: str, size) -> str:
    """The id of the item of ``kind`` whose posed question is largest by ``size``."""
    questions = [pose(item, None, bank.catalog, 1) for item in bank.items.values()
                 if item.kind != "case"]  # a case is graded step by step, not posed whole
    return max((q for q in questions if q.kind == kind), key=size).item_id


@pytest.fixture(scope="module")
def bank() -> ContentBank:
    return load_content()


def _plain(app, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


def _screen_lines(app) -> list[str]:
    """The 24 lines the terminal shows."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def _assert_in_view(app, *texts: str) -> None:
    """Each text is on a line of the screen as drawn, above the footer."""
    footer_row = app.screen.query_one("Footer").region.y
    lines = _screen_lines(app)[:footer_row]
    for text in texts:
        assert any(text in line for line in lines), (text, "\n".join(lines))
    verdict = app.screen.query_one("#drill-verdict")
    assert verdict.display and verdict.region.bottom <= footer_row, verdict.region


async def _ask(app, pilot, item_id: str) -> DrillScreen:
    session = StudySession(app.store, app.bank, app.scheduler, app.clock,
                           picker=OneCard(item_id), seed=1)
    screen = DrillScreen(session)
    app.push_screen(screen)
    await pilot.pause()
    assert session.question is not None and session.question.item_id == item_id
    return screen


@pytest.mark.parametrize("kind", ["fact", "problem", "text"])
async def test_the_verdict_and_the_rating_are_on_the_first_screen(
        db_path: Path, clock: FakeClock, bank: ContentBank, kind: str) -> None:
    item_id = _longest(bank, kind, lambda q: len(q.prompt) + 40 * len(q.steps))
    app = build_app(db_path, clock=clock)
    app.bank = bank
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _ask(app, pilot, item_id)
        question = screen.session.question
        assert question is not None
        if kind == "problem":
            assert question.steps, item_id  # a problem with show-work steps
        box = screen.query_one("#drill-answer", Input)
        box.value = "a teapot" if kind == "text" else "1e-30"  # off: the longest verdict
        await pilot.press("enter")
        await pilot.pause()
        feedback = screen.session.feedback
        assert feedback is not None and feedback.verdict == "off"
        verdict_line = _plain(app, "#verdict-head").splitlines()[0]
        _assert_in_view(app, verdict_line[:60], "Enter: Again · 1–4 to change")
        if kind != "text":
            _assert_in_view(app, "Reference:", "Exact needed")
        # The long parts are below, in the scroller, and start at its top.
        body = _plain(app, "#feedback-body")
        assert question.explanation.split()[0] in body
        if question.steps:
            assert body.startswith("Show work")
        assert screen.query_one("#drill-feedback").scroll_offset.y == 0


async def test_an_open_answer_keeps_the_self_check_rating_in_view(
        db_path: Path, clock: FakeClock, bank: ContentBank) -> None:
    item_id = _longest(bank, "open", lambda q: len(q.model_answer) + len(q.prompt))
    app = build_app(db_path, clock=clock)
    app.bank = bank
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _ask(app, pilot, item_id)
        question = screen.session.question
        assert question is not None and len(question.model_answer) > 800
        screen.query_one("#drill-essay", TextArea).text = question.model_answer[:400]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.checking
        # While ticking: what the ticks give, and the first boxes, are in view.
        _assert_in_view(app, "Heard ", "Tick what you really covered", "ctrl+s confirms")
        checklist = screen.query_one("#self-check", SelectionList)
        assert checklist.region.y < app.screen.query_one("Footer").region.y
        checklist.select_all()
        await pilot.pause()
        assert "→ Easy" in _plain(app, "#feedback-tail") or \
            "→ Good" in _plain(app, "#feedback-tail")
        checklist.deselect_all()
        await pilot.pause()
        assert "→ Again" in _plain(app, "#feedback-tail")
        checklist.select_all()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.checking
        if screen.probing is not None:  # its follow-up probes come first; Esc skips them
            _assert_in_view(app, "The interviewer follows up", "Enter grades")
            await pilot.press("escape")
            await pilot.pause()
        feedback = screen.session.feedback
        assert feedback is not None and feedback.self_score is not None
        rating = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}[feedback.rating]
        _assert_in_view(app, "Self-check", f"Enter: {rating} · 1–4 to change")
        assert "Model answer" in _plain(app, "#feedback-body")  # below, to scroll to


async def test_dont_know_on_an_open_question_shows_its_rating_in_view(
        db_path: Path, clock: FakeClock, bank: ContentBank) -> None:
    item_id = _longest(bank, "open", lambda q: len(q.prompt))
    app = build_app(db_path, clock=clock)
    app.bank = bank
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _ask(app, pilot, item_id)
        screen.query_one("#drill-essay", TextArea).text = "?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        _assert_in_view(app, "✗ Don't know", "Enter: Again · 1–4 to change")
