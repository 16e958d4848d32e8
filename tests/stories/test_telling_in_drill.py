"""The drill's open verdict, played headless at 80×24: a behavioral answer is checked
against the player's stories ("closest story: X — numbers recalled 3 of 4 (missed: …)"), a
technical one is not, and a story's retell card is graded against that story and shows it."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Static, TextArea

from content.catalog import builtin_catalog
from content.loader import KeyPoint, OpenQuestion
from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.store.db import Store
from tests.stories._stories import HEARTBEAT, STRONG, STRONG_TITLE
from tui.app import TpmDrillApp


def _open(item_id: str, rounds: tuple[str, ...], topic: str) -> OpenQuestion:
    return OpenQuestion(
        id=item_id, kind="open", topic=topic, level="L6",
        prompt="Tell me about a time you forced a technical decision despite opposition.",
        explanation="Numbers, a model, what was overridden.", source="test", deck="t",
        file="t.toml", line=None, target_seconds=None, rounds=rounds,
        model_answer="A story with numbers.",
        key_points=(KeyPoint("A number moved", ("cut & #",)),))


def _plain(app: TpmDrillApp, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


def _save(db_path: Path, clock: FakeClock, stories: list[tuple[str, str]]) -> None:
    store = Store(db_path)
    for title, body in stories:
        store.save_story(None, title, body, clock.now())
    store.close()


async def _answer(db_path: Path, clock: FakeClock, bank: ContentBank, text: str,
                  stories: list[tuple[str, str]], before: bool = False) -> tuple[str, str]:
    """Answer the first card with ``text``; the stories are saved before the drill starts
    (``before``: they become retell cards) or once it has (they are only read back)."""
    if before:
        _save(db_path, clock, stories)
    app = TpmDrillApp(db_path, clock=clock, bank=bank, start="drill", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if not before:
            _save(db_path, clock, stories)
        app.screen.query_one("#drill-essay", TextArea).text = text
        await pilot.press("ctrl+s")
        await pilot.pause()
        return _plain(app, "#verdict-head"), _plain(app, "#feedback-body")


TELLING = ("On our 2,048 GPU job I overrode the plan: heartbeats every 15 s cut uncaught "
           "stalls by 18 %.")


async def test_behavioral_answer_names_the_closest_story(db_path: Path,
                                                         clock: FakeClock) -> None:
    bank = ContentBank(items={"b.forced": _open("b.forced", ("behavioral",), "behavioral.x")},
                       catalog=builtin_catalog())
    _head, body = await _answer(db_path, clock, bank, TELLING,
                                [(STRONG_TITLE, STRONG), ("Heartbeats", HEARTBEAT)])
    assert ("closest story: Heartbeats — numbers recalled 3 of 4 (missed: 6 hours)"
            in " ".join(body.split()))


async def test_technical_answer_and_no_stories_add_nothing(db_path: Path, tmp_path: Path,
                                                           clock: FakeClock) -> None:
    bank = ContentBank(items={"t.depth": _open("t.depth", ("technical_depth",), "inference")},
                       catalog=builtin_catalog())
    _head, body = await _answer(db_path, clock, bank, TELLING, [("Heartbeats", HEARTBEAT)])
    assert "closest story" not in body
    bank = ContentBank(items={"b.forced": _open("b.forced", ("behavioral",), "behavioral.x")},
                       catalog=builtin_catalog())
    _head, body = await _answer(tmp_path / "empty.db", clock, bank, TELLING, [])
    assert "closest story" not in body and "Your stories" not in body


async def test_retell_card_in_the_drill(db_path: Path, clock: FakeClock) -> None:
    bank = ContentBank(items={}, catalog=builtin_catalog())
    head, body = await _answer(
        db_path, clock, bank,
        "The 2,048 GPU job hung 6 hours; heartbeats every 15 s cut stalls by 30 %.",
        [("Heartbeats", HEARTBEAT)], before=True)
    assert "Heard 3 of 4 key points" in head and "75%" in head
    flat = " ".join(body.split())
    assert "contradicts: 18 %" in flat  # the changed number is named
    assert "Model answer" in flat and "cut uncaught stalls by 18 %" in flat  # the story
    assert "closest story" not in flat  # graded against its own story already
