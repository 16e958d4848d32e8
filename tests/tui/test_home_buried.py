"""Home says how many cards are buried until tomorrow because a related card was answered
today (issue #12: they left the due and new counts without a word), in the right number."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession, today_counts
from tests.engine.conftest import deck_bank, fact
from tests.tui._layout import screen_lines, static_text
from tui.app import TpmDrillApp
from tui.screens.home import HomeScreen


@pytest.mark.parametrize(("family", "shown"), [
    (1, None),  # a card with no relatives buries nothing: no line at all
    (2, "1 card buried until tomorrow (related to cards answered today)"),
    (4, "3 cards buried until tomorrow (related to cards answered today)"),
])
async def test_home_counts_the_buried_cards(tmp_path: Path, clock: FakeClock, family: int,
                                            shown: str | None) -> None:
    # One id family ("t.pair.fNN": siblings) and a card of its own, all new.
    bank = deck_bank(tmp_path, *[fact(f"t.pair.f{n:02d}", 10 + n) for n in range(family)],
                     fact("lonely.one"))
    db_path = tmp_path / "p.db"
    store = Store(db_path)
    config = Config()
    session = StudySession(store, bank, Scheduler(config), clock, seed=1)
    answered = None
    while (question := session.next_question()) is not None:
        if question.item_id.startswith("t.pair."):
            answered = session.submit("?")
            break
        session.submit("?")  # (the lonely card, if it came first: it buries nothing)
    assert answered is not None
    session.finish()
    assert today_counts(store, bank, Scheduler(config), clock).buried == family - 1
    store.close()
    app = TpmDrillApp(db_path, clock=clock, bank=bank, config=config,
                      config_path=tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        home = static_text(app.screen.query_one("#home-stats")).split("\n")
        lines = screen_lines(app.screen)
        if shown is None:
            assert not any("buried until" in line for line in home + lines), home
        else:
            assert home[2] == f"  {shown}"  # under the due and new counts it is held from
            assert any(line.strip() == shown for line in lines)  # in view at 80x24
