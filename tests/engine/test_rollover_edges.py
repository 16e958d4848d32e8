"""The study-day rollover pinned at and just past its edge, in real time zones, as a table.

Issue #12: the local-time rollover rested on one example. Each row is a local wall-clock time
and the study day a person living there would say it belongs to (the oracle is the calendar:
before the rollover hour it is still yesterday's study day).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.config import Config
from engine.study.scheduler import Scheduler, day_start, study_day

NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")  # UTC+5:30: a half-hour offset
TINY = timedelta(microseconds=1)

# (local wall time, zone, rollover hour, study day)
ROWS = [
    (datetime(2026, 1, 6, 4, 0), NEW_YORK, 4, date(2026, 1, 6)),  # on the edge: the new day
    (datetime(2026, 1, 6, 4, 0) - TINY, NEW_YORK, 4, date(2026, 1, 5)),  # just before it
    (datetime(2026, 1, 6, 0, 0), NEW_YORK, 4, date(2026, 1, 5)),  # midnight is still yesterday
    (datetime(2026, 1, 6, 0, 0), NEW_YORK, 0, date(2026, 1, 6)),  # rollover at midnight
    (datetime(2026, 1, 6, 0, 0) - TINY, NEW_YORK, 0, date(2026, 1, 5)),
    (datetime(2026, 1, 6, 23, 0), NEW_YORK, 23, date(2026, 1, 6)),
    (datetime(2026, 1, 6, 23, 0) - TINY, NEW_YORK, 23, date(2026, 1, 5)),
    (datetime(2026, 1, 1, 3, 59), NEW_YORK, 4, date(2025, 12, 31)),  # across a year
    (datetime(2026, 3, 1, 3, 59), KOLKATA, 4, date(2026, 2, 28)),  # across February's end
    (datetime(2026, 3, 1, 4, 0), KOLKATA, 4, date(2026, 3, 1)),
    # DST: New York springs forward at 02:00 on 8 March 2026 and falls back on 1 November.
    (datetime(2026, 3, 8, 4, 0), NEW_YORK, 4, date(2026, 3, 8)),  # EDT, just after the change
    (datetime(2026, 3, 8, 3, 59), NEW_YORK, 4, date(2026, 3, 7)),
    (datetime(2026, 11, 1, 1, 30, fold=1), NEW_YORK, 4, date(2026, 10, 31)),  # 2nd 01:30
    (datetime(2026, 11, 1, 4, 0), NEW_YORK, 4, date(2026, 11, 1)),
]


@pytest.mark.parametrize(("local", "zone", "hour", "day"), ROWS)
def test_study_day_at_and_around_the_rollover(local: datetime, zone: ZoneInfo, hour: int,
                                              day: date) -> None:
    moment = local.replace(tzinfo=zone).astimezone(UTC)
    assert study_day(moment, zone, hour) == day
    window = Scheduler(Config(day_rollover_hour=hour)).window(moment, zone)
    assert window.day == day
    assert window.start <= moment < window.end


# (study day, zone, hour, length) — a study day is a calendar day of wall-clock time, so it
# is 23 hours long when the clocks go forward inside it and 25 when they go back.
LENGTHS = [
    (date(2026, 3, 7), NEW_YORK, 4, timedelta(hours=23)),
    (date(2026, 3, 8), NEW_YORK, 4, timedelta(hours=24)),
    (date(2026, 10, 31), NEW_YORK, 4, timedelta(hours=25)),
    (date(2026, 1, 5), KOLKATA, 4, timedelta(hours=24)),
]


@pytest.mark.parametrize(("day", "zone", "hour", "length"), LENGTHS)
def test_study_day_lengths_follow_the_wall_clock(day: date, zone: ZoneInfo, hour: int,
                                                 length: timedelta) -> None:
    start = day_start(day, zone, hour)
    end = day_start(day + timedelta(days=1), zone, hour)
    assert end - start == length
    assert start.astimezone(zone).hour == hour and end.astimezone(zone).hour == hour
