"""Scheduling: study days roll over at 04:00 local, FSRS moves due dates the right way."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from engine.config import Config
from engine.study.scheduler import LEARNING, REVIEW, Scheduler, day_start, study_day

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NEW_YORK_WINTER = timezone(timedelta(hours=-5))


def test_study_day_rolls_over_at_four_local() -> None:
    just_before = datetime(2026, 1, 6, 8, 59, tzinfo=UTC)  # 03:59 in New York
    at_rollover = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)  # 04:00 in New York
    assert study_day(just_before, NEW_YORK_WINTER, 4) == date(2026, 1, 5)
    assert study_day(at_rollover, NEW_YORK_WINTER, 4) == date(2026, 1, 6)
    assert day_start(date(2026, 1, 6), NEW_YORK_WINTER, 4) == at_rollover


def test_window_spans_one_local_day() -> None:
    window = Scheduler(Config()).window(NOW, UTC)
    assert window.day == date(2026, 1, 5)
    assert window.start == datetime(2026, 1, 5, 4, 0, tzinfo=UTC)
    assert window.end - window.start == timedelta(days=1)


def test_learning_steps_then_graduation() -> None:
    scheduler = Scheduler(Config())
    card = scheduler.new_card("hw.x", 1, NOW)
    again = scheduler.review(card, 1, NOW)
    assert again.state == LEARNING
    assert again.due - NOW == timedelta(minutes=1)  # first learning step
    good = scheduler.review(card, 3, NOW)
    assert good.due - NOW == timedelta(minutes=10)  # second learning step
    graduated = scheduler.review(good, 3, NOW + timedelta(minutes=10))
    assert graduated.state == REVIEW
    assert graduated.due - NOW >= timedelta(days=1)
    assert graduated.reps == 2


def test_good_pushes_due_further_than_hard_and_again_lapses() -> None:
    scheduler = Scheduler(Config())
    card = scheduler.new_card("hw.x", 1, NOW)
    card = scheduler.review(card, 4, NOW)  # Easy graduates at once
    assert card.state == REVIEW
    later = card.due
    hard = scheduler.review(card, 2, later)
    good = scheduler.review(card, 3, later)
    assert good.due > hard.due > later
    lapse = scheduler.review(card, 1, later)
    assert lapse.lapses == 1
    assert lapse.due - later == timedelta(minutes=10)  # the relearning step


def test_retrievability_falls_with_time() -> None:
    scheduler = Scheduler(Config())
    card = scheduler.review(scheduler.new_card("hw.x", 1, NOW), 4, NOW)
    soon = scheduler.retrievability(card, NOW + timedelta(days=1))
    late = scheduler.retrievability(card, NOW + timedelta(days=60))
    assert 1.0 > soon > late > 0.0
