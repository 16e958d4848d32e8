"""Nothing typed is lost, undo, and a summary on leaving (issue #12), played headless at 80×24
on a real database: Esc keeps a half-typed answer as the card's draft, offered under the box
when the card comes back (ctrl+y puts it back); u takes back the last answer and asks the card
again; q after some answers shows what the session did."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Static

from engine.clock import FakeClock
from tests.tui._layout import screen_lines, static_text
from tui.app import build_app
from tui.screens.done import DoneScreen
from tui.screens.drill import DrillScreen
from tui.screens.home import HomeScreen


def _count(db_path: Path, sql: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchone()[0]


async def test_esc_keeps_a_half_typed_answer_for_when_the_card_returns(
        db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen) and not screen.long_form
        first = screen.session.question.item_id
        await pilot.press(*"3.3 TB")  # typed as a person does, not yet sent
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert _count(db_path, "SELECT COUNT(*) FROM reviews") == 0
        await pilot.press("d")  # the same card comes back first: the box has the draft
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert screen.session.question.item_id == first
        assert screen.session.draft() == "3.3 TB"  # kept in the file (essays get it back)
        answer = screen.query_one("#drill-answer", Input)
        assert answer.value == ""  # the placeholder still shows that a question is up
        kept = "Kept from last time: 3.3 TB — ctrl+y puts it back"
        assert static_text(screen.query_one("#drill-kept", Static)) == kept
        assert any(line.strip() == kept for line in screen_lines(screen))  # in view
        await pilot.press("ctrl+y")  # back in the box, the cursor at its end
        await pilot.pause()
        assert (answer.value, answer.cursor_position) == ("3.3 TB", len("3.3 TB"))
        assert not screen.query_one("#drill-kept", Static).display  # in the box now
        await pilot.press(*"/s", "enter")  # the recorded answer ends the draft
        await pilot.pause()
        assert screen.session.feedback is not None
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("SELECT card_id, answer_text FROM reviews").fetchall() == \
                [(first, "3.3 TB/s")]
        assert _count(db_path, "SELECT COUNT(*) FROM drafts") == 0


async def test_u_takes_back_the_last_answer_and_asks_it_again(db_path: Path,
                                                               clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        first = screen.session.question.item_id
        screen.query_one("#drill-answer", Input).value = "1 TB/s"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.session.feedback is not None
        assert _count(db_path, "SELECT COUNT(*) FROM reviews") == 1
        await pilot.press("u")
        await pilot.pause()
        assert screen.session.feedback is None and screen.session.question.item_id == first
        assert screen.session.draft() == "1 TB/s"  # the answer as typed is its draft again
        assert _count(db_path, "SELECT COUNT(*) FROM reviews") == 0
        assert _count(db_path, "SELECT COUNT(*) FROM undone_reviews") == 1  # kept, as such
        assert _count(db_path, "SELECT COUNT(*) FROM cards") == 0  # a new card is new again
        await pilot.press("u")  # nothing left to undo: the key does nothing
        await pilot.pause()
        assert _count(db_path, "SELECT COUNT(*) FROM undone_reviews") == 1


async def test_q_after_answers_shows_the_session_summary(db_path: Path,
                                                         clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await pilot.press("?")  # one answer: don't know
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        body = Content.from_markup(str(app.screen.query_one("#done-body",
                                                            Static).content)).plain
        assert "Session summary" in body and "1 answer" in body and "1 don't know" in body
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert _count(db_path, "SELECT COUNT(*) FROM sessions WHERE status = 'finished'") == 1


async def test_u_does_nothing_once_the_next_question_is_up(db_path: Path,
                                                           clock: FakeClock) -> None:
    """A "u" typed before the next question's box has focus (the SIGKILL test's "… gpus")
    must not take back the answer before it: undo works while its verdict is on screen."""
    app = build_app(db_path, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        screen.query_one("#drill-answer", Input).value = "1 TB/s"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # accept: the next question is asked
        await pilot.pause()
        assert screen.session.feedback is None
        screen.set_focus(None)  # focus not (yet) in the answer box
        await pilot.press("u")
        await pilot.pause()
        assert _count(db_path, "SELECT COUNT(*) FROM reviews") == 1
        assert _count(db_path, "SELECT COUNT(*) FROM undone_reviews") == 0
