"""A one-line answer's kept draft is offered back (issue #12, nothing typed is lost): the box
stays empty (its placeholder says a question is up), a line under it reads "Kept from last
time: 3.35 TB/s — ctrl+y puts it back", and ctrl+y fills the box with it. Essays keep
getting theirs back in the box. (Esc, then the card again: tests/tui/test_drafts_undo_summary.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from engine.clock import FakeClock
from engine.config import Config
from engine.study.session import card_draft_key
from tests.tui._layout import static_text
from tui.app import build_app
from tui.screens.drill import DrillScreen


def _kept(screen: DrillScreen) -> str | None:
    """The kept-draft line as shown, or None while it is hidden."""
    line = screen.query_one("#drill-kept", Static)
    return static_text(line) if line.display else None


async def test_typing_over_the_offer_keeps_it_until_the_answer_is_sent(
        db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        item_id = screen.session.question.item_id
        app.store.save_draft(card_draft_key(item_id), "2 TB/s", clock.now())
        screen.show_question(screen.session.question)  # as when the card comes back
        await pilot.pause()
        await pilot.press(*"9 GB")  # a fresh answer, the offer still there
        await pilot.pause()
        assert _kept(screen) == "Kept from last time: 2 TB/s — ctrl+y puts it back"
        await pilot.press("ctrl+y")  # the kept one replaces what was typed
        await pilot.pause()
        assert screen.query_one("#drill-answer", Input).value == "2 TB/s"
        await pilot.press("ctrl+u", *"5 TB/s", "enter")
        await pilot.pause()
        assert screen.session.feedback is not None
        assert _kept(screen) is None  # answered: nothing to put back


@pytest.mark.parametrize(("draft", "shown"), [
    ("[@click=app.quit]x", "Kept from last time: [@click=app.quit]x — ctrl+y puts it back"),
    ("1 " * 30, "Kept from last time: " + "1 " * 19 + "1… — ctrl+y puts it back"),  # 40
    ("?", None),  # the box would read a lone ? as don't know
    ("q", None),  # and a lone q as back
    ("   ", None),
])
async def test_what_a_hand_edited_draft_shows(db_path: Path, clock: FakeClock, draft: str,
                                              shown: str | None) -> None:
    app = build_app(db_path, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        app.store.save_draft(card_draft_key(screen.session.question.item_id), draft,
                             clock.now())
        screen.show_question(screen.session.question)
        await pilot.pause()
        assert _kept(screen) == shown
        assert screen.check_action("restore_draft", ()) is (shown is not None)
        await pilot.press("ctrl+y")  # nothing to put back: the key does nothing
        await pilot.pause()
        assert screen.query_one("#drill-answer", Input).value == \
            ("" if shown is None else " ".join(draft.split()))
        assert app.is_running  # no [@click] ran


async def test_the_line_names_a_rebound_key(db_path: Path, clock: FakeClock) -> None:
    config = Config(keymap=(("drill.restore_draft", "f6"),))
    app = build_app(db_path, config=config, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        app.store.save_draft(card_draft_key(screen.session.question.item_id), "80 GB",
                             clock.now())
        screen.show_question(screen.session.question)
        await pilot.pause()
        assert _kept(screen) == "Kept from last time: 80 GB — f6 puts it back"
        await pilot.press("f6")
        await pilot.pause()
        assert screen.query_one("#drill-answer", Input).value == "80 GB"


async def test_an_undone_answer_is_offered_back(db_path: Path, clock: FakeClock) -> None:
    """u asks the card again with the answer as typed kept as its draft: one key puts it
    back to correct it."""
    app = build_app(db_path, clock=clock, start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await pilot.press(*"1 TB/s", "enter")
        await pilot.pause()
        assert screen.session.feedback is not None
        await pilot.press("u")
        await pilot.pause()
        assert screen.session.feedback is None
        assert _kept(screen) == "Kept from last time: 1 TB/s — ctrl+y puts it back"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert screen.query_one("#drill-answer", Input).value == "1 TB/s"
