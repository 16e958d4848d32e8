"""The plan's message in the number each count takes, and the settings it advises raising
(which the home screen offers to write)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from engine.config import Config
from engine.store.db import CardRow
from engine.study.planner import FINAL_WINDOW_DAYS, MAX_NEW_PER_DAY, plan
from engine.study.scheduler import REVIEW

INTERVIEW = date(2026, 3, 2)


def config(**changes: object) -> Config:
    return replace(Config(interview_date=INTERVIEW), **changes)  # type: ignore[arg-type]


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)


def weak_cards(count: int, today: date) -> list[CardRow]:
    """Review cards that will be below the target on the day: the final pass pulls them."""
    return [CardRow(f"c{i}", i + 1, REVIEW, None, 6.0, 5.0, at(INTERVIEW + timedelta(days=4)),
                    at(today - timedelta(days=15)), 3, 0) for i in range(count)]


def message(days_left: int, unseen: int, cards: list[CardRow] | None = None,
            **changes: object) -> str:
    today = INTERVIEW - timedelta(days=days_left)
    result = plan(config(**changes), today, unseen, cards or [])
    assert result is not None
    return result.message


@pytest.mark.parametrize(("one", "two"), [
    # Spreading new cards, days to go
    (message(1 + FINAL_WINDOW_DAYS, 1), message(2 + FINAL_WINDOW_DAYS, 2)),
    # Not fitting: "1 new card left but only 1 day before the final review pass"
    (message(1 + FINAL_WINDOW_DAYS, 1, new_per_day=0),
     message(2 + FINAL_WINDOW_DAYS, 2, new_per_day=0)),
    # Interview day with cards never met
    (message(0, 1), message(0, 2)),
])
def test_counts_of_one_are_singular_and_of_two_plural(one: str, two: str) -> None:
    for wrong in ("1 days", "1 new cards", "1 cards", "1 reviews"):
        assert wrong not in one, one
    assert "1 card was never met" in one or "1 new card" in one or "1 day" in one, one
    assert any(word in two for word in ("2 new cards", "2 days", "2 cards were")), two


def test_days_and_cards_in_each_message_take_their_number() -> None:
    assert message(1 + FINAL_WINDOW_DAYS, 1).startswith(f"{1 + FINAL_WINDOW_DAYS} days to the "
                                                        "interview: 1 new card at 1/day")
    assert ("1 new card left but only 1 day before the final review pass"
            in message(1 + FINAL_WINDOW_DAYS, 1, new_per_day=0))
    assert "Interview day: 1 card was never met." in message(0, 1)
    assert "Interview day: 2 cards were never met." in message(0, 2)
    today = INTERVIEW - timedelta(days=1)
    one_pulled = message(1, 1, weak_cards(1, today), reviews_per_day=0)
    assert "1 card pulled forward" in one_pulled
    assert "1 new card was never met; meeting it now leaves it weak" in one_pulled
    assert "Today needs 1 review but reviews_per_day is 0" in one_pulled
    two_pulled = message(1, 2, weak_cards(2, today), reviews_per_day=0)
    assert "2 cards pulled forward" in two_pulled
    assert "2 new cards were never met; meeting them now leaves them weak" in two_pulled
    assert "Today needs 2 reviews" in two_pulled


def test_the_plan_advises_the_settings_it_asks_to_raise() -> None:
    today = INTERVIEW - timedelta(days=9 + FINAL_WINDOW_DAYS)
    short = plan(config(new_per_day=15), today, 142, [])
    assert short is not None and "raise new_per_day to 16" in short.message
    assert short.advice == (("new_per_day", 16),)
    fits = plan(config(new_per_day=16), today, 142, [])
    assert fits is not None and fits.fits and fits.advice == ()
    hopeless = plan(config(new_per_day=15), today, 9 * (MAX_NEW_PER_DAY + 1), [])
    assert hopeless is not None and not hopeless.fits and hopeless.advice == ()
    last_day = INTERVIEW - timedelta(days=1)
    busy = plan(config(reviews_per_day=20), last_day, 0, weak_cards(30, last_day))
    assert busy is not None and busy.advice == (("reviews_per_day", 30),)
