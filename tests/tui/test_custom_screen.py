"""The custom-study screen (issue #12), played through Pilot at 80×24 on a real database: `c`
on home opens it; it lists what the bank has by topic, level, deck and round, each with its
counts; Enter drills the choice; a choice with nothing to ask says so and stays; `a` studies
ahead; Esc goes home; deck names reach the screen as text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from textual.content import Content
from textual.widgets import OptionList, Static

from content.loader import OpenQuestion
from engine.bank import ContentBank, load_content
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.custom import CustomPicker, custom_count
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession
from tests.engine.conftest import deck_bank, fact
from tests.tui.test_hostile_deck import CONTROL, QUIT_LINK
from tests.tui.test_tiny_terminal import shrink_and_back
from tui.app import TpmDrillApp, build_app, known_binding_ids
from tui.screens.custom import CustomStudyScreen, choice_row
from tui.screens.done import DoneScreen
from tui.screens.drill import DrillScreen
from tui.screens.home import HomeScreen

MORNING = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _detail(app: TpmDrillApp) -> str:
    return Content.from_markup(str(app.screen.query_one("#custom-detail", Static)
                                   .content)).plain


def _rows(app: TpmDrillApp) -> list[str]:
    values = app.screen.query_one("#custom-values", OptionList)
    return [str(values.get_option_at_index(i).prompt) for i in range(values.option_count)]


def _screen_text(app: TpmDrillApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def _open_custom(pilot) -> CustomStudyScreen:
    await pilot.press("c")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CustomStudyScreen)
    return screen


async def test_home_lists_custom_study_and_c_opens_it(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#home-menu", OptionList)
        labels = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert any(label.startswith("c  Custom study") for label in labels)
        assert "c  Custom study" in _screen_text(app)  # visible at 80×24, not scrolled away
        await _open_custom(pilot)
        text = _screen_text(app)
        for label in ("Topic (", "Level (5)", "Deck (", "Round (", "Study ahead"):
            assert label in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # The menu's option opens it too.
        menu = app.screen.query_one("#home-menu", OptionList)
        menu.focus()
        menu.highlighted = next(i for i in range(menu.option_count)
                                if menu.get_option_at_index(i).id == "custom")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomStudyScreen)
    assert {"home.custom", "custom.ahead", "custom.back"} <= known_binding_ids()


async def test_each_choice_shows_its_counts(db_path: Path, clock: FakeClock,
                                           bank: ContentBank) -> None:
    """Counts against an oracle of their own: the bank's items by topic prefix and level."""
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _open_custom(pilot)
        rows = _rows(app)
        topics = sorted({".".join(item.topic.split(".")[:depth]) for item in bank.items.values()
                         for depth in range(1, len(item.topic.split(".")) + 1)})
        assert len(rows) == len(topics)
        hardware = next(row for row in rows if row.split()[0] == "hardware")
        expected = sum(1 for item in bank.items.values() if item.topic.split(".")[0] ==
                       "hardware")
        assert hardware.split()[1:] == [str(expected), "0", str(expected), "0"]
        await pilot.press("down")  # Level
        await pilot.pause()
        levels = {row.split()[0]: int(row.split()[1]) for row in _rows(app)}
        assert levels == {level: sum(1 for item in bank.items.values() if item.level == level)
                          for level in ("L4", "L5", "L6", "L7", "L8")}
        await pilot.press("down", "down")  # Deck, then Round
        await pilot.pause()
        rounds = {row.split()[0]: int(row.split()[1]) for row in _rows(app)}
        assert rounds["behavioral"] == sum(
            1 for item in bank.items.values()
            if isinstance(item, OpenQuestion) and "behavioral" in item.rounds)


async def test_enter_drills_the_highlighted_choice(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, seed=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _open_custom(pilot)
        await pilot.press("down", "enter")  # Level, then into its list
        await pilot.pause()
        assert screen.query_one("#custom-values", OptionList).has_focus
        await pilot.press("down", "down")  # L6
        await pilot.pause()
        assert "Enter: drill L6 — 20 of " in _detail(app)
        await pilot.press("enter")
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        session = drill.session
        assert session.mode == "custom" and isinstance(session.picker, CustomPicker)
        assert session.picker.filter.level == "L6" and not session.picker.ahead
        assert session.question is not None and session.question.level == "L6"
        assert drill.sub_title == "custom · L6"  # what is being drilled, in the header
        await pilot.press("escape")  # nothing answered: straight home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_left_and_right_switch_lists(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _open_custom(pilot)
        kinds = screen.query_one("#custom-kinds", OptionList)
        values = screen.query_one("#custom-values", OptionList)
        assert kinds.has_focus
        await pilot.press("right")
        await pilot.pause()
        assert values.has_focus
        await pilot.press("down")
        await pilot.pause()
        assert values.highlighted == 1 and screen.kind == "topic"
        await pilot.press("left", "down")
        await pilot.pause()
        assert kinds.has_focus and screen.kind == "level"


def _small_bank(tmp_path: Path) -> ContentBank:
    return deck_bank(tmp_path, fact("mine.one", 16), fact("mine.two", 32), deck_id="mine")


def _learn_everything(db_path: Path, bank: ContentBank, clock: FakeClock) -> None:
    """Every card answered Easy now: none due today, none new."""
    store = Store(db_path, clock=clock)
    try:
        session = StudySession(store, bank, Scheduler(Config()), clock, seed=1)
        while session.next_question() is not None:
            session.submit("?")
            session.override(4)
    finally:
        store.close()


async def test_nothing_to_ask_says_so_and_a_studies_ahead(tmp_path: Path, db_path: Path,
                                                         clock: FakeClock) -> None:
    bank = _small_bank(tmp_path)
    _learn_everything(db_path, bank, clock)
    app = TpmDrillApp(db_path, config=Config(), clock=clock, bank=bank, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _open_custom(pilot)
        assert choice_row("hardware", screen.choices["topic"][0].count).split() == \
            ["hardware", "2", "0", "0", "2"]
        assert "hardware: 2 cards match, but none is due and none is new. Press a to study " \
            "them ahead." in _detail(app)
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.screen is screen  # stays, and says why
        assert any("none is due and none is new" in str(n.message)
                   for n in app._notifications)
        await pilot.press("a")
        await pilot.pause()
        assert "Enter: drill hardware · study ahead — 2 of 2 now (0 due, 0 new, 2 ahead)." in \
            _detail(app) and "Study ahead: on" in _detail(app)
        await pilot.press("enter")
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        assert drill.session.picker.ahead and drill.session.question is not None  # type: ignore[attr-defined]
        # Two right answers and the custom session is over: its own summary, then home.
        values = {"mine.one": "16 bytes", "mine.two": "32 bytes"}
        for _ in range(2):
            question = drill.session.question
            assert question is not None
            drill.query_one("#drill-answer").value = values[question.item_id]  # type: ignore[attr-defined]
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert "Custom study done." in str(app.screen.query_one("#done-body", Static).content)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_study_ahead_on_the_left_starts_at_once(tmp_path: Path, db_path: Path,
                                                     clock: FakeClock) -> None:
    bank = _small_bank(tmp_path)
    _learn_everything(db_path, bank, clock)
    app = TpmDrillApp(db_path, config=Config(), clock=clock, bank=bank, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _open_custom(pilot)
        await pilot.press("end")  # Study ahead
        await pilot.pause()
        assert "every card, soonest due first" in _rows(app)[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        picker = app.screen.session.picker
        assert isinstance(picker, CustomPicker) and picker.ahead
        assert picker.filter.to_dict() == {}


async def test_counts_match_the_engine_after_some_answers(db_path: Path,
                                                          clock: FakeClock) -> None:
    store = Store(db_path, clock=clock)
    bank = load_content()
    scheduler = Scheduler(Config())
    session = StudySession(store, bank, scheduler, clock, seed=2)
    for _ in range(5):
        assert session.next_question() is not None
        session.submit("?")
    store.close()
    clock.advance(minutes=2)  # the five Agains are due again
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _open_custom(pilot)
        for choice in screen.choices["level"]:
            engine = custom_count(app.store, app.bank, app.scheduler, app.clock,
                                  CustomPicker(level=choice.value))
            assert choice.count == engine
        # An oracle from the file: cards due by now (Agains on facts: a minute; on an open
        # question: a day, so not due).
        with app.store.guard() as conn:
            due_now = conn.execute("SELECT COUNT(*) FROM cards WHERE due <= ?",
                                   (clock.now().isoformat(timespec="microseconds"),)
                                   ).fetchone()[0]
        assert due_now >= 3
        assert sum(c.count.due for c in screen.choices["level"]) == due_now


async def test_deck_names_reach_the_screen_as_text(tmp_path: Path, db_path: Path,
                                                   clock: FakeClock) -> None:
    """A topic and a deck carrying markup and control sequences (the loader refuses such
    names; a bank built in code does not) are shown as text, and run nothing."""
    base = _small_bank(tmp_path)
    evil = "[@click=app.quit]\x1b]0;pwned\x07\x1b[2J[b]x"
    items = {item_id: replace(item, topic=evil, deck=evil) for item_id, item in
             base.items.items()}
    bank = ContentBank(items, base.catalog)
    app = TpmDrillApp(db_path, config=Config(), clock=clock, bank=bank, seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _open_custom(pilot)
        for kind in ("topic", "deck"):
            if kind == "topic":  # the full name ("[@click=app" is its first dotted part)
                await pilot.press("right", "down", "left")
            else:
                await pilot.press("down", "down")
            await pilot.pause()
            strips = app.screen._compositor.render_strips()
            for strip in strips:
                for segment in strip:
                    assert not CONTROL.search(segment.text)
                    action = segment.style.meta.get("@click") if segment.style else None
                    assert not action, action
            text = "\n".join(strip.text for strip in strips)
            assert QUIT_LINK in text, text
            assert QUIT_LINK in _detail(app)  # the detail line names it in full, as text
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, DrillScreen)


async def test_the_screen_survives_any_size(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _open_custom(pilot)
        await shrink_and_back(pilot, CustomStudyScreen)
        text = _screen_text(app)
        assert "Study ahead" in text and "cards   due   new ahead" in text
        assert "Enter: drill behavioral" in text  # the detail line is on screen at 80×24


async def test_the_clock_moves_nothing_on_screen_by_itself(db_path: Path) -> None:
    """Counts are read when the screen opens: a fake clock that does not move gives the
    same rows on a second visit (no wall-time dependence)."""
    clock = FakeClock(MORNING)
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _open_custom(pilot)
        first = _rows(app)
        await pilot.press("escape")
        await pilot.pause()
        await _open_custom(pilot)
        assert _rows(app) == first


async def test_the_players_stories_are_a_deck_to_choose(db_path: Path, clock: FakeClock) -> None:
    """A stored story is a retell card of deck ``stories``: the custom-study screen lists it
    before any drill session has put the cards in the bank."""
    from engine.store.db import Store

    store = Store(db_path)
    store.save_story(None, "Async checkpoints", "Goodput went from 86% to 93% on 1,024 GPUs.",
                     MORNING)
    store.close()
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _open_custom(pilot)
        await pilot.press("down", "down")  # Deck
        await pilot.pause()
        decks = {row.split()[0]: row.split()[1:] for row in _rows(app)}
        assert decks["stories"] == ["1", "0", "1", "0"]  # 1 card, 0 due, 1 new, 0 later
