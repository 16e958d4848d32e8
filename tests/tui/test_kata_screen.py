"""The kata screen played headless at 80×24 on a real database and a real sandboxed runner
(issue #13): the drill hands a kata to it; ctrl+r runs the checks in a worker while keys keep
working; a wrong model shows a shrunk counterexample; the fixed model is submitted with
ctrl+s, recorded with its attempt, and the reference is shown; the code is kept as a draft
as it is typed (on disk before anything else happens) and comes back with the kata."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Static, TextArea

from content.catalog import builtin_catalog
from engine.bank import ContentBank
from engine.clock import FakeClock
from tests.katas.conftest import RING, RING_FACTOR_TWO, RING_RIGHT
from tui.app import TpmDrillApp
from tui.screens.done import DoneScreen
from tui.screens.home import HomeScreen
from tui.screens.kata import AttemptsScreen, KataScreen


def _app(db_path: Path, clock: FakeClock, start: str = "drill") -> TpmDrillApp:
    bank = ContentBank(items={RING.id: RING}, catalog=builtin_catalog())
    return TpmDrillApp(db_path, clock=clock, start=start, bank=bank, seed=1)


def _rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def _text(screen: KataScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_wrong_model_then_fixed_model_submitted_and_recorded(
        db_path: Path, clock: FakeClock, monkeypatch) -> None:
    import threading

    from engine.katas import runner

    real = runner.check_code
    release = threading.Event()  # the first run waits for it: keys are pressed meanwhile

    def held(kata, code, **kwargs):
        release.wait(timeout=60)
        return real(kata, code, **kwargs)

    monkeypatch.setattr(runner, "check_code", held)
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KataScreen)
        editor = screen.query_one("#kata-editor", TextArea)
        assert editor.text == RING.starter  # no draft yet: the starter code
        assert "allreduce_seconds(bytes, ranks, bandwidth, latency)" in _text(
            screen, "#kata-prompt")

        editor.text = RING_FACTOR_TWO
        await pilot.press("ctrl+r")
        assert screen.running
        await pilot.press("f2")  # the screen takes keys while the check runs
        assert screen.hints_shown == 1 and screen.running
        assert "Hint 1" in _text(screen, "#kata-message")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.running and screen.report is not None
        assert not screen.report.all_passed and screen.report.counterexample is not None
        report_text = _text(screen, "#kata-report")
        assert "Smallest failing case" in report_text
        assert _rows(db_path, "SELECT COUNT(*) FROM reviews") == [(0,)]  # ctrl+r records nothing

        clock.advance(600)  # ten minutes of work, under the 15-minute target
        editor.text = RING_RIGHT
        await pilot.press("ctrl+s")  # the code changed since the run: checks run again first
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.feedback is not None
        assert screen.report is not None and screen.report.all_passed
        assert screen.feedback.rating == 4  # all pass, under the target: Easy
        assert editor.read_only
        assert "Reference solution" in _text(screen, "#kata-report")
        reviews = _rows(db_path, "SELECT card_id, rating, answer_text FROM reviews")
        assert reviews == [(RING.id, 4, RING_RIGHT)]
        attempts = _rows(db_path, "SELECT kata_id, passed, failed FROM kata_attempts")
        assert len(attempts) == 1 and attempts[0][0] == RING.id and attempts[0][2] == 0
        assert _rows(db_path, "SELECT COUNT(*) FROM drafts") == [(0,)]

        await pilot.press("2")  # the rating can be changed, as in the drill
        assert screen.feedback.rating == 2
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, AttemptsScreen)
        assert "1 attempt at kata.test.ring" in str(
            app.screen.query_one("#attempts-body", Static).render())
        await pilot.press("escape")
        await pilot.press("enter")  # next: the only card is done
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)


async def test_code_is_a_draft_on_disk_as_typed_and_comes_back(
        db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KataScreen)
        editor = screen.query_one("#kata-editor", TextArea)
        editor.move_cursor(editor.document.end)
        await pilot.press(*"# ring")
        await pilot.pause()
        # On disk already (a SIGKILL now loses nothing): read by another connection.
        drafts = _rows(db_path, "SELECT text FROM drafts")
        assert len(drafts) == 1 and drafts[0][0].endswith("# ring")
        await pilot.press("escape")  # leave without submitting
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("d")  # the kata comes back with the code as it was left
        await pilot.pause()
        again = app.screen
        assert isinstance(again, KataScreen)
        assert again.query_one("#kata-editor", TextArea).text.endswith("# ring")
        assert _rows(db_path, "SELECT COUNT(*) FROM reviews") == [(0,)]


async def test_an_endless_loop_is_stopped_and_said_the_screen_stays_usable(
        db_path: Path, clock: FakeClock, monkeypatch) -> None:
    from engine.katas import runner

    real = runner.check_code

    def quick_limits(kata, code, **kwargs):  # a short wall limit keeps the test short
        kwargs["limits"] = runner.Limits(cpu_seconds=1.0, wall_seconds=2.0)
        return real(kata, code, **kwargs)

    monkeypatch.setattr(runner, "check_code", quick_limits)
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KataScreen)
        screen.query_one("#kata-editor", TextArea).text = (
            "def allreduce_seconds(bytes, ranks, bandwidth, latency):\n"
            "    while True:\n        pass\n")
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report is not None and screen.report.error is not None
        assert screen.report.error.kind == "timeout"
        assert "Time limit" in _text(screen, "#kata-report")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_k_on_home_lists_katas_and_opens_one_recorded_in_its_own_session(
        db_path: Path, clock: FakeClock) -> None:
    from textual.widgets import OptionList

    from tui.screens.katas import KataListScreen

    app = _app(db_path, clock, start="home")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        listing = app.screen
        assert isinstance(listing, KataListScreen)
        options = listing.query_one("#katas-list", OptionList)
        assert options.option_count == 1
        assert "not tried" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KataScreen)
        screen.query_one("#kata-editor", TextArea).text = RING_RIGHT
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.feedback is not None
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is listing  # back to the list, which shows the attempt
        assert "1 attempt, last 100%, solved" in str(options.get_option_at_index(0).prompt)
        assert _rows(db_path, "SELECT mode, status FROM sessions") == [("kata", "finished")]


def test_every_verdict_a_feedback_can_have_has_a_style_word_and_mark() -> None:
    """A cut-off number that does not read is "unreadable" (Feedback.verdict): the verdict
    tables once lacked it, so drawing one raised KeyError."""
    from tui.screens.drill import BAND_MARKS, BAND_STYLES, BAND_WORDS

    verdicts = {"exact", "close", "off", "don't know", "unreadable", "scored"}
    assert verdicts <= set(BAND_STYLES) and verdicts <= set(BAND_WORDS) \
        and verdicts <= set(BAND_MARKS)


async def test_follow_ups_are_asked_of_the_players_own_model(
        db_path: Path, clock: FakeClock) -> None:
    from dataclasses import replace

    from content.loader import KataFollowUp

    kata = replace(RING, follow_ups=(KataFollowUp(
        "What does your model give for 1 GB over 1,024 ranks?",
        {"bytes": 1e9, "ranks": 1024.0, "bandwidth": 1e11, "latency": 0.0}),))
    bank = ContentBank(items={kata.id: kata}, catalog=builtin_catalog())
    app = TpmDrillApp(db_path, clock=clock, start="drill", bank=bank, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KataScreen)
        screen.query_one("#kata-editor", TextArea).text = RING_FACTOR_TWO
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()  # the follow-ups run after the record
        await pilot.pause()
        text = _text(screen, "#kata-report")
        # 2·S/B = 0.02 s from the factor-2 slip; the reference 2·(1023/1024)·S/B = 0.01998 s
        assert "Asked of your model" in text and "your model: 0.02" in text
        assert "the reference: 0.01998" in text
