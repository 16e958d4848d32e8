"""The stats screen as a person reads it at 80x24 (and 120 columns): the heatmap's rows
line up, month names sit over their first week and include this month, the forecast's
bars, counts and days share columns, and the topics table cuts no bias sentence.

Every expected layout here is written out by hand from a calendar, not from the code."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Static

from engine.clock import FakeClock
from engine.progress.stats import CalibrationFigure, Histogram, Stats
from tests.tui._layout import children_lines, loaded, plain, screen_lines, static_text
from tui.app import build_app
from tui.screens.stats import StatsScreen, forecast_lines, heatmap_markup

TODAY = date(2026, 12, 4)  # a Friday: the day the issue was filed


def _plain(markup: str) -> list[str]:
    return plain(markup).split("\n")


def _window(counts: dict[date, int], today: date = TODAY) -> list[tuple[date, int]]:
    """The stats engine's heatmap: 182 days ending today, zero where nothing was answered."""
    first = today - timedelta(days=181)
    return [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0))
            for i in range(182)]


def test_heatmap_rows_start_in_one_column_one_cell_per_week() -> None:
    # 182 days to Fri 2026-12-04 start on Sat 2026-06-06; the grid starts on the first
    # Monday, 06-08, and has 26 weeks (the last one is Mon 11-30 .. Sun 12-06).
    answered = {date(2026, 6, 6): 4,  # before the first Monday: not drawn
                date(2026, 6, 8): 1,  # week 0, Monday
                date(2026, 7, 1): 1,  # week 3, Wednesday
                date(2026, 11, 29): 1,  # week 24, Sunday
                TODAY: 1}  # week 25, Friday
    lines = _plain(heatmap_markup(_window(answered)))
    dot, box = "·", "■"
    assert lines[1:8] == [
        "Mon " + box + dot * 25,
        "    " + dot * 26,
        "Wed " + dot * 3 + box + dot * 22,
        "    " + dot * 26,
        "Fri " + dot * 25 + box,
        "    " + dot * 25 + " ",  # Sat 12-05 and Sun 12-06 are still to come
        "Sun " + dot * 24 + box + " ",
    ]
    assert all(cell_len(line) == 4 + 26 for line in lines[1:8])  # one cell per week
    assert lines[8] == "busiest day: 1 answer"  # of the days drawn


def test_month_names_sit_over_the_week_of_their_first_day() -> None:
    # Jul 1 is in week 3 (Mon 06-29), Aug 1 in week 7 (07-27), Sep 1 in week 12 (08-31),
    # Oct 1 in week 16 (09-28), Nov 1 in week 20 (10-26), Dec 1 in week 25 (11-30). June
    # has no room before July (3 weeks) and is left unnamed.
    months = _plain(heatmap_markup(_window({})))[0]
    assert months == "    " + "   Jul Aug  Sep Oct Nov  Dec"
    assert months.index("Dec") == 4 + 25  # this month, over this week


def test_month_names_on_the_first_of_a_month_and_a_named_first_month() -> None:
    # 182 days to Mon 2026-03-02 start on Tue 2025-09-02; the first Monday is 09-08. Oct 1
    # is in week 3, Nov 1 in week 7 (10-27), Dec 1 in week 12, Jan 1 in week 16 (12-29),
    # Feb 1 in week 20 (01-26), Mar 1 in week 24 (02-23); Mar 2 opens week 25.
    months = _plain(heatmap_markup(_window({}, date(2026, 3, 2))))[0]
    assert months == "    " + "   Oct Nov  Dec Jan Feb Mar"
    # 182 days to Wed 2026-04-15 start on Thu 2025-10-16; the first Monday is 10-20, and
    # Nov 1 is in week 1 (10-27): October has no room. Dec 1 is in week 6, Jan 1 in week 10
    # (12-29), Feb 1 in week 14 (01-26), Mar 1 in week 18 (02-23), Apr 1 in week 23 (03-30).
    months = _plain(heatmap_markup(_window({}, date(2026, 4, 15))))[0]
    assert months == "    " + " Nov  Dec Jan Feb Mar  Apr"
    # To Fri 2026-05-29: starts Sat 2025-11-29, first Monday 12-01 (week 0 holds Dec 1);
    # Jan 1 in week 4, Feb 1 in week 8, Mar 1 in week 12, Apr 1 in week 17 (03-30), May 1
    # in week 21 (04-27).
    months = _plain(heatmap_markup(_window({}, date(2026, 5, 29))))[0]
    assert months == "    " + "Dec Jan Feb Mar  Apr May"


def test_forecast_bars_counts_and_days_share_columns() -> None:
    # Fourteen days from Fri 2026-12-04; 11 is the tallest bar, 4 rows of 8 eighths: 2 is
    # ceil(32·2/11) = 6 eighths, 1 is ceil(32/11) = 3 eighths; a day with none has no bar.
    lines = forecast_lines([11, 0, 0, 2, 1, 1, 2, 1, 0, 0, 0, 0, 0, 0], TODAY)
    assert lines == [
        "  ███",
        "  ███",
        "  ███",
        "  ███            ▆▆▆  ▃▃▃  ▃▃▃  ▆▆▆  ▃▃▃",
        "   11    0    0    2    1    1    2    1    0    0    0    0    0    0",
        "today  Sat  Sun  Mon  Tue  Wed  Thu  Fri  Sat  Sun  Mon  Tue  Wed  Thu",
    ]


def test_forecast_columns_hold_with_big_counts_and_none() -> None:
    lines = forecast_lines([12_345, 999, 0, 1], date(2026, 1, 5))  # a Monday
    assert lines[-2:] == ["  12k  999    0    1",
                          "today  Tue  Wed  Thu"]
    assert forecast_lines([0, 0], date(2026, 1, 5)) == ["", "", "", "",
                                                        "    0    0", "today  Tue"]


LONG_TOPIC = "inference.serving.speculative_decoding"  # 38 characters
LONG_BIAS = f"you underestimate {LONG_TOPIC} by 2.5× on average (14 answers)"
TOPICS = [
    {"topic": LONG_TOPIC, "reviews": 14, "retention": 0.5, "median_log10_error": -0.4,
     "mean_log10_error": -0.4, "numeric_answers": 14, "bias": LONG_BIAS},
    {"topic": "hardware.memory", "reviews": 3, "retention": None,
     "median_log10_error": None, "mean_log10_error": None, "numeric_answers": 0,
     "bias": "no numeric answers yet"},
]
#: The table by hand: the topic column is as wide as the longest topic (38), then answers
#: (9), retention (11) and median error (14), right-aligned; 10^0.4 = 2.51. A figure the
#: engine gives none of (too few reviews, no numbers) is "—", said under the table.
FIGURES = [
    "topic                                   answers  retention  median error",
    "inference.serving.speculative_decoding       14        50%         2.51×",
    "hardware.memory                               3          —             —",
]
NOTE = "Retention —: needs 10 reviews of the topic's learned cards."


def _stats(topics: list[dict]) -> Stats:
    return Stats(
        day=TODAY, reviews_total=17, reviews_today=0, streak_days=0, retention_30d=None,
        retention_30d_reviews=0, desired_retention=0.9, due_forecast=[0] * 14,
        heatmap=_window({}), topics=topics,
        error_distribution=Histogram(-2.0, 0.1, (0,) * 40, 0, 0),
        calibration=CalibrationFigure(0, None, None), calibration_by_topic={},
        open_gap=None, open_gap_answers=0, loops=[])


def _topic_lines(screen: StatsScreen) -> list[str]:
    """What the topics table shows, line by line, as drawn at the screen's width."""
    return children_lines(screen.query_one("#stats-topics"))


async def _shown_topics(db_path: Path, clock: FakeClock, width: int) -> list[str]:
    app = build_app(db_path, clock=clock, start="stats")
    async with loaded(app, (width, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        screen.show_stats(_stats(TOPICS))
        await pilot.pause()
        await pilot.pause()
        return _topic_lines(screen)


async def test_topics_table_at_80_columns_wraps_the_bias(db_path: Path,
                                                         clock: FakeClock) -> None:
    # 78 cells inside the scroll bar; the bias line is indented 2: 76 cells of text.
    assert await _shown_topics(db_path, clock, 80) == [
        FIGURES[0],
        FIGURES[1],
        f"  you underestimate {LONG_TOPIC} by 2.5× on average",
        "  (14 answers)",
        FIGURES[2],
        "  no numeric answers yet",
        NOTE,
    ]


async def test_topics_table_at_120_columns_keeps_the_bias_on_one_line(
        db_path: Path, clock: FakeClock) -> None:
    assert await _shown_topics(db_path, clock, 120) == [
        FIGURES[0],
        FIGURES[1],
        f"  {LONG_BIAS}",
        FIGURES[2],
        "  no numeric answers yet",
        NOTE,
    ]


async def test_stats_screen_at_80x24_reads_in_columns(db_path: Path, clock: FakeClock) -> None:
    """The whole screen drawn: the forecast's title, bars, counts and days as above."""
    app = build_app(db_path, clock=clock, start="stats")
    async with loaded(app) as pilot:
        screen = app.screen
        stats = _stats(TOPICS)
        object.__setattr__(stats, "due_forecast", [3, 0, 1] + [0] * 11)
        screen.show_stats(stats)
        await pilot.pause()
        forecast = static_text(screen.query_one("#stats-forecast", Static)).split("\n")
        # 3 is the tallest (4 rows); 1 is ceil(32/3) = 11 eighths: a full row and 3/8.
        assert forecast[2:] == [
            "  ███       ▃▃▃",
            "  ███       ███",
            "    3    0    1    0    0    0    0    0    0    0    0    0    0    0",
            "today  Sat  Sun  Mon  Tue  Wed  Thu  Fri  Sat  Sun  Mon  Tue  Wed  Thu",
        ]
        text = screen_lines(screen)
        assert all(cell_len(line) == 80 for line in text)
        assert any(line.startswith("    " + "   Jul Aug  Sep Oct Nov  Dec") for line in text)


async def test_reloading_redraws_the_table_once(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="stats")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = app.screen
        screen.show_stats(_stats(TOPICS))
        screen.show_stats(_stats(TOPICS))  # twice before the first redraw is done
        await pilot.pause()
        await pilot.pause()
        assert _topic_lines(screen)[:2] == FIGURES[:2]
        assert len(screen.query("#stats-topics .topic-figures")) == len(TOPICS)


@pytest.mark.parametrize(("count", "errors", "ranges", "gap"), [
    (1, "Numeric errors (1 answer): ", "1 range held the answer", "(1 answer)"),
    (2, "Numeric errors (2 answers): ", "2 ranges held the answer", "(2 answers)"),
])
async def test_counts_under_the_topics_take_their_number(
        db_path: Path, clock: FakeClock, count: int, errors: str, ranges: str,
        gap: str) -> None:
    """Issue #12's plurals: "Numeric errors (1 answers)", "1 ranges held the answer"."""
    stats = _stats(TOPICS)
    object.__setattr__(stats, "error_distribution",
                       Histogram(-2.0, 0.1, (0,) * 20 + (count,) + (0,) * 19, 0, 0))
    object.__setattr__(stats, "calibration", CalibrationFigure(count, 1.0, 0.1))
    object.__setattr__(stats, "open_gap", 0.1)
    object.__setattr__(stats, "open_gap_answers", count)
    app = build_app(db_path, clock=clock, start="stats")
    async with loaded(app) as pilot:
        screen = app.screen
        screen.show_stats(stats)
        await pilot.pause()
        assert static_text(screen.query_one("#stats-errors", Static)).startswith(errors)
        calibration = static_text(screen.query_one("#stats-calibration", Static))
        assert calibration.split("\n")[1].startswith(ranges)
        assert calibration.split("\n")[-1].endswith(gap)
