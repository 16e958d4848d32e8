"""The interview-date planner: retention schedule, new-card pacing, the final pass, and the
simulation that shows it beats plain FSRS on interview day at the same review budget."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from engine.config import Config
from engine.store.db import CardRow
from engine.study.planner import (
    FINAL_WINDOW_DAYS,
    TARGET_RETENTION,
    compare_policies,
    due_today,
    interval_days,
    plan,
    ramp_retention,
    retention_for_day,
    retrievability,
    stability_to_hold,
)
from engine.study.scheduler import LEARNING, REVIEW, day_start

INTERVIEW = date(2026, 3, 2)


def config(**changes: object) -> Config:
    return replace(Config(interview_date=INTERVIEW), **changes)  # type: ignore[arg-type]


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


def review_card(card_id: str, last: date, stability: float, due: date) -> CardRow:
    return CardRow(card_id, abs(hash(card_id)) % 10**9, REVIEW, None, stability, 5.0,
                   at(due), at(last), 3, 0)


def test_no_plan_without_a_date_or_after_it() -> None:
    assert plan(Config(), date(2026, 2, 1), 10, []) is None
    assert plan(config(), INTERVIEW + timedelta(days=1), 10, []) is None
    assert retention_for_day(Config(), date(2026, 2, 1)) == 0.9


def test_retention_is_configured_until_the_window_then_the_target() -> None:
    window_start = INTERVIEW - timedelta(days=FINAL_WINDOW_DAYS)
    assert retention_for_day(config(), window_start - timedelta(days=1)) == 0.9
    assert retention_for_day(config(), window_start) == TARGET_RETENTION
    assert retention_for_day(config(), INTERVIEW - timedelta(days=1)) == TARGET_RETENTION
    # a player who already asks for more than the target keeps it
    assert retention_for_day(config(desired_retention=0.98), window_start) == 0.98


def test_target_retention_reschedules_exactly_the_cards_that_would_miss_it() -> None:
    # The derivation: I(R*, S) < d  <=>  R(d, S) < R*, for any stability and days left.
    for stability in (0.5, 2.0, 7.3, 18.0, 60.0, 400.0):
        for days_left in range(1, 30):
            short = interval_days(TARGET_RETENTION, stability) < days_left
            assert short == (retrievability(days_left, stability) < TARGET_RETENTION)


def test_lead_in_follows_the_forgetting_curve_of_the_card_the_pass_can_hold() -> None:
    hold = stability_to_hold(TARGET_RETENTION, FINAL_WINDOW_DAYS)
    assert retrievability(FINAL_WINDOW_DAYS, hold) == pytest.approx(TARGET_RETENTION)
    assert hold == pytest.approx(17.96, abs=0.05)
    values = [ramp_retention(d, 0.9, lead_in=True) for d in range(40, 0, -1)]
    assert values == sorted(values)  # never falls as the date nears
    assert values[0] == 0.9 and values[-1] == TARGET_RETENTION
    assert ramp_retention(14, 0.9, lead_in=True) == pytest.approx(retrievability(10, hold))
    assert ramp_retention(14, 0.9) == 0.9  # off by default: it does not pay (see docstring)


def test_new_cards_are_spread_to_fit_before_the_final_window() -> None:
    today = INTERVIEW - timedelta(days=30)
    result = plan(config(), today, 130, [])
    assert result is not None
    assert result.days_left == 30 and not result.in_final_window
    assert result.new_per_day_today == math.ceil(130 / (30 - FINAL_WINDOW_DAYS)) == 5
    assert result.fits and result.desired_retention_today == 0.9
    assert "130 new cards at 5/day" in result.message


def test_new_cards_that_cannot_fit_say_by_how_much() -> None:
    today = INTERVIEW - timedelta(days=9 + FINAL_WINDOW_DAYS)
    result = plan(config(new_per_day=15), today, 142, [])
    assert result is not None and not result.fits
    assert result.new_per_day_today == 15
    assert ("142 new cards left but only 9 days before the final review pass: at 15/day you "
            "will meet 135; raise new_per_day to 16 or drop a deck") in result.message
    hopeless = plan(config(new_per_day=15), today, 1000, [])
    assert hopeless is not None and "drop a deck or move the date" in hopeless.message


def test_final_pass_pulls_every_weak_card_forward_once_spread_evenly() -> None:
    cfg = config(reviews_per_day=10_000)
    window_start = INTERVIEW - timedelta(days=FINAL_WINDOW_DAYS)
    last = window_start - timedelta(days=10)
    far = INTERVIEW + timedelta(days=20)
    cards = {f"w{i:03d}": review_card(f"w{i:03d}", last, 15.0 + i % 7, far) for i in range(400)}
    strong = review_card("strong", last, 900.0, far)  # above target on the day anyway
    natural = review_card("natural", last, 8.0, window_start + timedelta(days=1))
    cards.update({"strong": strong, "natural": natural})
    before = plan(cfg, window_start - timedelta(days=1), 0, cards.values())
    assert before is not None and before.pull_forward == () and not before.in_final_window

    pulled_on: dict[str, int] = {}
    per_day = []
    for offset in range(FINAL_WINDOW_DAYS):
        today = window_start + timedelta(days=offset)
        result = plan(cfg, today, 0, cards.values())
        assert result is not None and result.in_final_window and result.fits
        assert result.desired_retention_today == TARGET_RETENTION
        stabilities = [cards[c].stability for c in result.pull_forward]
        assert stabilities == sorted(stabilities, reverse=True)  # weakest nearest the day
        again = plan(cfg, today, 0, cards.values())
        assert again is not None and again.pull_forward == result.pull_forward  # stable
        per_day.append(len(result.pull_forward))
        for card_id in result.pull_forward:
            assert card_id not in pulled_on
            pulled_on[card_id] = offset
            # reviewed today: strong enough for the day, due after it
            cards[card_id] = review_card(card_id, today, 60.0, far + timedelta(days=30))
    assert set(pulled_on) == {f"w{i:03d}" for i in range(400)}
    assert all(60 <= n <= 140 for n in per_day), per_day
    assert "strong" not in pulled_on and "natural" not in pulled_on


def test_a_missed_window_day_rolls_over_and_the_last_day_takes_the_rest() -> None:
    last_day = INTERVIEW - timedelta(days=1)
    old = last_day - timedelta(days=20)
    cards = [review_card(f"c{i}", old, 10.0, INTERVIEW + timedelta(days=5)) for i in range(50)]
    result = plan(config(reviews_per_day=1000), last_day, 0, cards)
    assert result is not None and len(result.pull_forward) == 50


def test_card_reviewed_today_or_learning_is_not_pulled() -> None:
    today = INTERVIEW - timedelta(days=1)
    reviewed = review_card("today", today, 5.0, INTERVIEW + timedelta(days=3))
    learning = replace(review_card("learn", today - timedelta(days=9), 5.0,
                                   INTERVIEW + timedelta(days=3)), state=LEARNING)
    result = plan(config(), today, 0, [reviewed, learning])
    assert result is not None and result.pull_forward == ()


def test_due_today_adds_the_pulled_cards_to_the_stored_due_ones() -> None:
    today = INTERVIEW - timedelta(days=1)
    cards = [review_card("due", today - timedelta(days=3), 3.0, today),
             review_card("weak", today - timedelta(days=9), 4.0, INTERVIEW + timedelta(days=2)),
             review_card("later", today - timedelta(days=1), 500.0, INTERVIEW + timedelta(days=60))]
    day_end = day_start(today + timedelta(days=1), UTC, 4)
    result = plan(config(), today, 0, cards)
    assert result is not None and result.pull_forward == ("weak",)
    assert due_today(cards, day_end, result) == ["due", "weak"]
    assert due_today(cards, day_end, None) == ["due"]


def test_a_final_pass_over_the_review_limit_does_not_fit() -> None:
    today = INTERVIEW - timedelta(days=1)
    cards = [review_card(f"c{i}", today - timedelta(days=15), 6.0, INTERVIEW + timedelta(days=4))
             for i in range(30)]
    result = plan(config(reviews_per_day=20), today, 0, cards)
    assert result is not None and not result.fits
    assert "needs 30 reviews but reviews_per_day is 20" in result.message


def test_interview_day() -> None:
    result = plan(config(), INTERVIEW, 0, [])
    assert result is not None and result.days_left == 0 and result.new_per_day_today == 0
    assert result.fits and "Good luck" in result.message


def test_planner_beats_plain_fsrs_on_interview_day_at_an_equal_budget() -> None:
    comparison = compare_policies(n_cards=300, days=60, seed=0)
    print("\n" + comparison.summary())
    planner, plain, matched = comparison.planner, comparison.plain, comparison.plain_matched
    assert matched.reviews >= planner.reviews  # plain FSRS gets at least the same budget
    assert planner.interview_retention > matched.interview_retention + 0.01
    assert planner.interview_retention > plain.interview_retention
    assert planner.interview_retention > 0.98
