"""The answer timer (speed decides Easy vs Good) and the tolerance band, before answering and
after a miss, driven on a fake clock by calling the screen's tick."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Input, Static

import grading.numeric  # noqa: F401  (loaded by the app's warm-up; the band words need it)
from engine.clock import FakeClock
from engine.study.session import StudySession
from tui.app import build_app
from tui.screens.drill import DrillScreen, answer_clock


class OneCard:
    def __init__(self, item_id: str) -> None:
        self.item_id = item_id

    def pick(self, session: StudySession) -> str | None:
        return self.item_id if session.answered == 0 else None


def _plain(screen, selector: str) -> str:
    return Content.from_markup(str(screen.query_one(selector, Static).content)).plain


async def _drill(app, pilot, item_id: str) -> DrillScreen:
    session = StudySession(app.store, app.bank, app.scheduler, app.clock,
                           picker=OneCard(item_id), seed=1)
    screen = DrillScreen(session)
    app.push_screen(screen)
    await pilot.pause()
    return screen


async def _answer(pilot, screen: DrillScreen, text: str) -> None:
    screen.query_one("#drill-answer", Input).value = text
    await pilot.press("enter")
    await pilot.pause()


def test_the_clock_reads_minutes_and_seconds() -> None:
    assert [answer_clock(s) for s in (0, 0.9, 12.4, 59.99, 60, 605, -3)] == [
        "0:00", "0:00", "0:12", "0:59", "1:00", "10:05", "0:00"]


async def test_the_timer_ticks_on_the_app_clock_and_stops_when_graded(
        db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        # H100 SXM HBM bandwidth: 3.35 TB/s, rel:3%,10%, target 15 s.
        screen = await _drill(app, pilot, "hw.h100_sxm.memory_bandwidth")
        timer = _plain(screen, "#drill-timer")
        assert timer == "Time 0:00 / target 0:15  ·  exact within 3%, close within 10%"
        clock.advance(12)
        screen.tick()
        assert _plain(screen, "#drill-timer").startswith("Time 0:12 / target 0:15  ·  ")
        clock.advance(4)
        screen.tick()
        assert _plain(screen, "#drill-timer").startswith("Time 0:16 / target 0:15 (over)")
        await _answer(pilot, screen, "3.35 TB/s")
        feedback = screen.session.feedback
        assert feedback is not None and feedback.rating == 3  # exact but slow: Good
        assert _plain(screen, "#drill-timer") == "Took 0:16 / target 0:15 (over)"
        clock.advance(30)
        screen.tick()  # stopped: the time the grade was given for
        assert _plain(screen, "#drill-timer") == "Took 0:16 / target 0:15 (over)"
        assert "Enter: Good" in _plain(screen, "#feedback-tail")


async def test_fast_and_exact_is_easy_and_the_timer_says_so(db_path: Path,
                                                           clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _drill(app, pilot, "hw.h100_sxm.memory_bandwidth")
        clock.advance(9)
        await _answer(pilot, screen, "3.3 TB/s")
        assert _plain(screen, "#drill-timer") == "Took 0:09 / target 0:15"
        assert "Enter: Easy" in _plain(screen, "#feedback-tail")


async def test_a_factor_band_in_words_and_what_a_miss_needed(db_path: Path,
                                                            clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        # Llama 3 405B pre-training compute: 3.8e25 FLOP, log:1.25,2, no target time.
        screen = await _drill(app, pilot, "hw.rule.llama3_405b_training_flops")
        clock.advance(75)
        screen.tick()
        assert _plain(screen, "#drill-timer") == ("Time 1:15  ·  exact within 1.25×, "
                                                  "close within 2×")
        await _answer(pilot, screen, "6e25 FLOP")  # 1.6× high: close
        head = _plain(screen, "#verdict-head")
        assert "Exact needed 3.04e+25–4.75e+25 FLOP." in head and "; close" not in head
        assert _plain(screen, "#drill-timer") == "Took 1:15"


async def test_an_answer_off_the_bands_shows_both_ranges_and_a_right_one_none(
        db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _drill(app, pilot, "hw.h100_sxm.memory_bandwidth")
        await _answer(pilot, screen, "5 TB/s")
        assert "Exact needed 3.25–3.45 TB/s; close 3.02–3.69 TB/s." in _plain(
            screen, "#verdict-head")
    app = build_app(db_path.with_name("other.db"), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _drill(app, pilot, "hw.h100_sxm.memory_bandwidth")
        await _answer(pilot, screen, "3.35 TB/s")
        assert "needed" not in _plain(screen, "#verdict-head")


async def test_text_and_open_questions_show_the_time_without_a_band(
        db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        from engine.questions import pose

        open_id = next(i for i, item in app.bank.items.items() if item.kind == "open"
                       and pose(item, None, app.bank.catalog, 1).target_seconds == 480)
        screen = await _drill(app, pilot, open_id)
        clock.advance(185)
        screen.tick()
        assert _plain(screen, "#drill-timer") == "Time 3:05 / target 8:00"
    app = build_app(db_path.with_name("text.db"), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        text_id = next(i for i, item in app.bank.items.items() if item.kind == "fact"
                       and pose(item, None, app.bank.catalog, 1).kind == "text")
        screen = await _drill(app, pilot, text_id)
        clock.advance(7)
        screen.tick()
        assert _plain(screen, "#drill-timer").startswith("Time 0:07")
        assert "within" not in _plain(screen, "#drill-timer")
