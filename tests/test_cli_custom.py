"""``tpm-drill drill --topic … --level … --deck … --round … --ahead`` (issue #12): custom study
from the shell. A filter naming what no card has exits 2 listing what there is; a filter with
nothing to ask exits 2 saying why, without opening the app; otherwise the app opens straight
into a custom drill over the filter. ``--db`` / ``--config`` work on either side."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine.clock import FakeClock
from engine.study.custom import CustomPicker
from tui.__main__ import _parser, main
from tui.app import TpmDrillApp, build_app
from tui.screens.drill import DrillScreen

FULL = ["drill", "--topic", "hardware.memory", "--level", "L6", "--deck", "problems-comms",
        "--round", "technical_depth", "--ahead"]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[TpmDrillApp]:
    """Apps the CLI would run, recorded instead of run (the screen is tested with Pilot)."""
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))
    apps: list[TpmDrillApp] = []

    def record(self: TpmDrillApp, *args: Any, **kwargs: Any) -> None:
        apps.append(self)
        self.store.close()

    monkeypatch.setattr(TpmDrillApp, "run", record)
    return apps


@pytest.mark.parametrize("position", ["before", "after", "between"])
def test_every_filter_parses_with_global_options_anywhere(position: str) -> None:
    options = ["--db", "x.db", "--config", "c.toml"]
    argv = {"before": options + FULL, "after": FULL + options,
            "between": ["--db", "x.db", *FULL, "--config", "c.toml"]}[position]
    args = _parser().parse_args(argv)
    assert (args.db, args.config) == (Path("x.db"), Path("c.toml"))
    assert (args.topic, args.level, args.deck, args.round, args.ahead) == \
        ("hardware.memory", "L6", "problems-comms", "technical_depth", True)


def test_plain_drill_is_todays_drill(opened: list[TpmDrillApp], tmp_path: Path) -> None:
    assert main(["drill", "--db", str(tmp_path / "p.db")]) == 0
    [app] = opened
    assert app.start_screen == "drill" and app.custom is None


@pytest.mark.parametrize(("argv", "expected"), [
    (["--topic", "hardware.memory", "--level", "L6"],
     {"topic": "hardware.memory", "level": "L6"}),
    (["--deck", "problems-comms"], {"deck": "problems-comms"}),
    (["--round", "technical_depth", "--topic", "training"],
     {"round": "technical_depth", "topic": "training"}),
    (["--ahead"], {}),
    (["--topic", "hardware", "--limit", "5"], {"topic": "hardware"}),
])
def test_a_filter_opens_a_custom_drill(opened: list[TpmDrillApp], tmp_path: Path,
                                       argv: list[str], expected: dict[str, str]) -> None:
    db = tmp_path / "p.db"
    assert main(["drill", *argv, "--db", str(db)]) == 0
    [app] = opened
    assert app.start_screen == "custom" and app.db_path == db
    assert isinstance(app.custom, CustomPicker)
    assert app.custom.filter.to_dict() == expected
    assert app.custom.ahead == ("--ahead" in argv)
    assert app.custom.limit == (5 if "--limit" in argv else 20)


@pytest.mark.parametrize(("argv", "says", "lists"), [
    (["--topic", "hardware.mem"], "no card has topic 'hardware.mem'",
     "topics under hardware: hardware.compute, hardware.interconnect, hardware.memory"),
    (["--topic", "Hardware"], "no card has topic 'Hardware'", "topics: behavioral, "),
    (["--level", "L9"], "level 'L9'", "L4, L5, L6, L7, L8"),
    (["--deck", "problems-com"], "no card has deck 'problems-com'", "problems-comms"),
    (["--round", "lunch"], "round 'lunch'", "technical_depth, behavioral"),
])
def test_an_unknown_choice_exits_2_listing_what_exists(
        opened: list[TpmDrillApp], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        argv: list[str], says: str, lists: str) -> None:
    assert main(["drill", *argv, "--db", str(tmp_path / "p.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tpm-drill: ") and says in err and lists in err
    assert err.count("\n") == 1  # one line, no traceback
    assert opened == []


def test_a_filter_that_matches_nothing_exits_2_without_opening_the_app(
        opened: list[TpmDrillApp], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", "--topic", "behavioral", "--round", "program_design", "--level",
                 "L4", "--db", str(tmp_path / "p.db")]) == 2
    err = capsys.readouterr().err
    assert "behavioral · L4 · program_design: no card matches. Nothing was started." in err
    assert opened == []


def _learn_everything(db: Path, deck_dir: Path) -> None:
    """Both cards of the deck answered Easy now (real time: the CLI's clock), so neither is
    due today and neither is new."""
    from engine.bank import load_content
    from engine.clock import SystemClock
    from engine.config import Config
    from engine.store.db import Store
    from engine.study.scheduler import Scheduler
    from engine.study.session import StudySession

    bank = load_content([deck_dir], include_builtin=False)
    store = Store(db)
    try:
        session = StudySession(store, bank, Scheduler(Config()), SystemClock(), seed=1)
        while session.next_question() is not None:
            session.submit("?")
            session.override(4)
    finally:
        store.close()


def test_nothing_due_and_nothing_new_exits_2_and_suggests_ahead(
        opened: list[TpmDrillApp], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.engine.conftest import deck_bank, fact

    deck_bank(tmp_path, fact("mine.one", 16), fact("mine.two", 32), deck_id="mine")
    deck_dir = tmp_path / "decks-mine"
    config = tmp_path / "config.toml"
    config.write_text(f'deck_dirs = ["{deck_dir}"]\n')
    db = tmp_path / "p.db"
    _learn_everything(db, deck_dir)
    assert main(["--config", str(config), "drill", "--deck", "mine", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "mine: 2 cards match, but none is due and none is new; add --ahead to study them " \
        "ahead. Nothing was started." in err
    assert opened == []
    assert main(["drill", "--deck", "mine", "--ahead", "--config", str(config), "--db",
                 str(db)]) == 0
    [app] = opened
    assert app.custom is not None and app.custom.ahead and app.custom.filter.deck == "mine"


@pytest.mark.parametrize("limit", ["0", "1001", "-3", "many", "2.5"])
def test_a_bad_limit_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             limit: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["drill", "--topic", "hardware", "--limit", limit])
    assert caught.value.code == 2
    assert "from 1 to 1000" in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["1", "1000"])
def test_limits_at_the_edges_are_taken(limit: str) -> None:
    assert _parser().parse_args(["drill", "--limit", limit]).limit == int(limit)


def test_a_bad_config_after_the_filters_is_reported(opened: list[TpmDrillApp],
                                                    tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("new_per_dya = 20\n")
    assert main(["drill", "--topic", "hardware", "--db", str(tmp_path / "p.db"), "--config",
                 str(bad)]) == 2
    assert "unknown key 'new_per_dya'" in capsys.readouterr().err
    assert opened == []


def test_a_damaged_database_is_a_message(opened: list[TpmDrillApp], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "p.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE other (x)")
    assert main(["drill", "--topic", "hardware", "--db", str(db)]) == 2
    assert "not a tpm-drill database" in capsys.readouterr().err
    assert opened == []


async def test_the_app_opens_straight_into_the_custom_drill(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    picker = CustomPicker(topic="hardware.memory", level="L6", limit=3)
    app = build_app(tmp_path / "p.db", clock=clock, start="custom", custom=picker, seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert screen.session.mode == "custom" and screen.session.picker is picker
        question = screen.session.question
        assert question is not None
        assert question.topic == "hardware.memory" and question.level == "L6"
    with sqlite3.connect(tmp_path / "p.db") as conn:
        mode, config_json = conn.execute("SELECT mode, config_json FROM sessions").fetchone()
    assert mode == "custom" and '"topic": "hardware.memory"' in config_json


def test_the_players_stories_are_a_deck_custom_study_knows(
        opened: list[TpmDrillApp], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Stories become retell cards (deck ``stories``, topic ``behavioral.stories``) when a
    session starts; the shell's filter check must see them too, or ``--deck stories`` is
    refused as a deck no card has (found playing at 80×24, twelfth session)."""
    from engine.store.db import Store

    db = tmp_path / "p.db"
    assert main(["drill", "--deck", "stories", "--db", str(db)]) == 2
    assert "no card has deck 'stories'" in capsys.readouterr().err
    store = Store(db)
    store.save_story(None, "Async checkpoints", "Goodput went from 86% to 93% on 1,024 GPUs.",
                     datetime(2026, 12, 6, tzinfo=UTC))
    store.close()
    assert main(["drill", "--deck", "stories", "--db", str(db)]) == 0
    assert main(["drill", "--topic", "behavioral.stories", "--db", str(db)]) == 0
    assert [app.custom.filter.deck for app in opened] == ["stories", None]
    assert opened[1].custom.filter.topic == "behavioral.stories"
