"""The story workshop played headless at 80×24 on a real database: y on home, a new story
typed (kept as a draft on every change), saved as a version with ctrl+s, critiqued under the
text; edited, left with Esc (the draft kept and said so), reopened; versions shown read-only
and an old one restored as a new version."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Static, TextArea

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.store.db import Store
from tests.stories._stories import HEARTBEAT, STRONG, STRONG_TITLE, words
from tui.app import TpmDrillApp
from tui.screens.home import HomeScreen
from tui.screens.stories import (
    NEW_STORY_DRAFT,
    StoriesScreen,
    StoryEditScreen,
    StoryVersionsScreen,
    unpack_draft,
)


def _app(db_path: Path, clock: FakeClock, bank: ContentBank) -> TpmDrillApp:
    fresh = ContentBank(items=dict(bank.items), catalog=bank.catalog)
    return TpmDrillApp(db_path, clock=clock, start="home", bank=fresh, seed=1)


def _text(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


def _draft(db_path: Path, key: str) -> tuple[str, str] | None:
    store = Store(db_path, auto_backup=False)
    try:
        return unpack_draft(store.draft(key))
    finally:
        store.close()


def _stories(db_path: Path) -> list[dict]:
    store = Store(db_path, auto_backup=False)
    try:
        return store.stories()
    finally:
        store.close()


async def test_write_save_critique_and_list(db_path: Path, clock: FakeClock,
                                            bank: ContentBank) -> None:
    app = _app(db_path, clock, bank)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)
        assert "No stories yet" in _text(app.screen, "#stories-intro")
        await pilot.press("n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, StoryEditScreen)
        assert app.focused is editor.query_one("#story-title", Input)
        await pilot.press(*"Heartbeats")
        assert _draft(db_path, NEW_STORY_DRAFT) == ("Heartbeats", "")
        editor.query_one("#story-body", TextArea).focus()
        editor.query_one("#story-body", TextArea).insert(HEARTBEAT)
        await pilot.pause()
        assert _draft(db_path, NEW_STORY_DRAFT) == ("Heartbeats", HEARTBEAT)  # on disk
        assert "Write the story" in _text(editor, "#story-critique")
        await pilot.press("ctrl+r")  # the critique of the unsaved text
        await pilot.pause()
        assert "18 %" in _text(editor, "#story-critique")
        assert _stories(db_path) == []  # and nothing saved by it
        assert "32 words" in _text(editor, "#story-status")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Saved as version 1" in _text(editor, "#story-status")
        assert _draft(db_path, NEW_STORY_DRAFT) is None and _draft(db_path, "story:1") is None
        critique = _text(editor, "#story-critique")
        assert "fits two minutes" in critique
        assert "15 s" in critique and "18 %" in critique
        assert "An interviewer would ask next" in critique
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)
        line = str(app.screen.query_one("#stories-list", OptionList).get_option_at_index(0)
                   .prompt)
        assert "Heartbeats" in line and "1 version" in line and "2,048 GPU" in line
    assert [(s["id"], s["title"], s["body"]) for s in _stories(db_path)] == [
        (1, "Heartbeats", HEARTBEAT)]


async def test_edit_esc_keeps_draft_then_versions_and_restore(
        db_path: Path, clock: FakeClock, bank: ContentBank) -> None:
    store = Store(db_path)
    store.save_story(None, STRONG_TITLE, STRONG, clock.now())
    store.close()
    app = _app(db_path, clock, bank)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, StoryEditScreen) and editor.story_id == 1
        body = editor.query_one("#story-body", TextArea)
        assert app.focused is body and body.text == STRONG
        await pilot.press(*" Then MFU rose 4 %.")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)
        assert any("Draft kept" in str(n.title) for n in app._notifications)
        assert _draft(db_path, "story:1") == (STRONG_TITLE, STRONG + " Then MFU rose 4 %.")
        assert _stories(db_path)[0]["versions"] == 1  # Esc saves no version
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, StoryEditScreen)
        assert editor.query_one("#story-body", TextArea).text.endswith("MFU rose 4 %.")
        assert "unsaved draft is back" in _text(editor, "#story-status")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "version 2" in _text(editor, "#story-status")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        versions = app.screen
        assert isinstance(versions, StoryVersionsScreen)
        listing = versions.query_one("#versions-list", OptionList)
        assert listing.option_count == 2 and listing.highlighted == 1
        assert "Version 2 (latest)" in _text(versions, "#versions-text")
        await pilot.press("up")
        await pilot.pause()
        shown = _text(versions, "#versions-text")
        assert "Version 1" in shown and "MFU rose" not in shown
        await pilot.press("r")
        await pilot.pause()
        assert listing.option_count == 3
    store = Store(db_path, auto_backup=False)
    kept = store.story_versions(1)
    store.close()
    assert [v["version"] for v in kept] == [1, 2, 3]
    assert kept[2]["body"] == kept[0]["body"] == STRONG
    assert kept[1]["body"].endswith("MFU rose 4 %.")


async def test_no_title_no_save_and_the_text_is_kept(db_path: Path, clock: FakeClock,
                                                     bank: ContentBank) -> None:
    app = _app(db_path, clock, bank)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y", "n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, StoryEditScreen)
        editor.query_one("#story-body", TextArea).insert("We cut 40 ms.")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Give the story a title" in _text(editor, "#story-status")
        assert app.focused is editor.query_one("#story-title", Input)
    assert _stories(db_path) == []
    assert _draft(db_path, NEW_STORY_DRAFT) == ("", "We cut 40 ms.")


async def test_long_story_critique_scrolls_at_80x24(db_path: Path, clock: FakeClock,
                                                    bank: ContentBank) -> None:
    store = Store(db_path)
    store.save_story(None, "Long", words(400), clock.now())
    store.close()
    app = _app(db_path, clock, bank)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y", "enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, StoryEditScreen)
        critique = _text(editor, "#story-critique")
        assert "over two minutes" in critique and "It runs 2:40 spoken" in critique
        box = editor.query_one("#story-critique-box", VerticalScroll)
        assert box.region.height >= 5  # room for the critique under the text
        assert box.max_scroll_y > 0
        box.scroll_end(animate=False)
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y


def test_story_bindings_can_be_rebound() -> None:
    from tui.app import known_binding_ids

    assert {"home.stories", "stories.new", "story.save", "story.back",
            "story_versions.restore"} <= known_binding_ids()
