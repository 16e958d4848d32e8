"""Counts on home and on the done screen take their number: "1 answer, 1 new card", "1 day";
"2 answers, 2 new cards", "2 days"."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Input, Static

from engine.bank import load_content
from engine.clock import FakeClock
from engine.config import Config
from tui.app import TpmDrillApp
from tui.screens.done import DoneScreen
from tui.screens.drill import DrillScreen
from tui.screens.home import HomeScreen

# Ids of one dot: two cards of the player's deck, not siblings buried after one answer.
FACT = """
[[facts]]
id = "t.plural{n}"
topic = "t.plurals"
level = "L4"
prompt = "Card {n}: how many GB?"
value = 80
unit = "GB"
source = "s"
explanation = "Eighty."
"""


def _plain(app, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


def _app(tmp_path: Path, clock: FakeClock, cards: int) -> TpmDrillApp:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "plural.toml").write_text('[deck]\nid = "t-plural"\n' + "".join(
        FACT.format(n=n) for n in range(cards)))
    bank = load_content([decks], include_builtin=False)
    assert bank.errors == [] and len(bank.items) == cards
    today = clock.now().date()
    config = replace(Config(), new_per_day=cards,
                     interview_date=today + timedelta(days=cards))
    return TpmDrillApp(tmp_path / "p.db", clock=clock, bank=bank, config=config,
                       config_path=tmp_path / "config.toml")


@pytest.mark.parametrize(("count", "words"), [
    (1, {"home": ["1 day left", "1 card in the bank"],
         "done": ["Today: 1 answer, 1 new card.", "Streak: 1 day."]}),
    (2, {"home": ["2 days left", "2 cards in the bank"],
         "done": ["Today: 2 answers, 2 new cards.", "Streak: 1 day."]}),
])
async def test_home_and_done_count_in_the_right_number(tmp_path: Path, clock: FakeClock,
                                                       count: int,
                                                       words: dict[str, list[str]]) -> None:
    app = _app(tmp_path, clock, count)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        home = _plain(app, "#home-stats") + "\n" + _plain(app, "#home-note")
        for text in words["home"]:
            assert text in home, home
        for wrong in ("1 days", "1 cards", "1 new cards", "1 answers"):
            assert wrong not in home, home
        # No plan from here on (it would spread the new cards over the days left).
        app.use_config(replace(app.config_data, interview_date=None))
        await pilot.press("d")
        await pilot.pause()
        for _ in range(count):
            screen = app.screen
            assert isinstance(screen, DrillScreen)
            screen.query_one("#drill-answer", Input).value = "80 GB"
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("4")  # Easy: the card graduates, the drill moves on
            await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        done = _plain(app, "#done-body")
        for text in words["done"]:
            assert text in done, done
        for wrong in ("1 days", "1 cards", "1 new cards", "1 answers"):
            assert wrong not in done, done
