"""Onsite-loop rules on a fake monotonic clock: countdown, pause, timeouts, the committee."""

from __future__ import annotations

import itertools

import pytest

from engine.loop.rules import (
    NO,
    ONSITE_ROUNDS,
    RATINGS,
    STRONG_NO,
    STRONG_YES,
    YES,
    LoopRun,
    RoundPlan,
    committee_verdict,
    plan_rounds,
    round_rating,
    thresholds,
)


@pytest.mark.parametrize("ratings", list(itertools.product(RATINGS, repeat=4)))
def test_committee_rule_over_every_combination(ratings: tuple[str, ...]) -> None:
    verdict = committee_verdict(ratings)
    strong = ratings.count(STRONG_YES)
    below_yes = any(r in (NO, STRONG_NO) for r in ratings)
    assert verdict.advance == (strong >= 2 and not below_yes)
    assert verdict.reason and "Strong Yes" in verdict.rule


def test_plain_yes_is_not_enough() -> None:
    verdict = committee_verdict([STRONG_YES, YES, YES, YES])
    assert not verdict.advance
    assert "plain Yes is not enough" in verdict.reason


def test_bar_rises_with_level() -> None:
    bars = [thresholds(level) for level in ("L4", "L5", "L6", "L7", "L8")]
    for lower, higher in itertools.pairwise(bars):
        assert all(h >= lo for lo, h in zip(lower, higher, strict=True))
    assert round_rating(0.8, "L4") == STRONG_YES
    assert round_rating(0.8, "L8") != STRONG_YES
    with pytest.raises(ValueError):
        thresholds("L9")


def _run(seconds: float = 600.0, items: tuple[str, ...] = ("a", "b")) -> LoopRun:
    return LoopRun([RoundPlan(name, seconds, tuple(f"{name}.{i}" for i in items))
                    for name in ONSITE_ROUNDS], level="L5")


def test_countdown_warning_error_and_timeout() -> None:
    run = _run(seconds=600)
    run.start_round(now=0)
    assert run.remaining(0) == 600 and run.urgency(0) == "normal"
    assert run.urgency(301) == "warning"
    assert run.urgency(541) == "error"
    assert not run.tick(599)
    assert run.tick(600)
    assert run.current.status == "timed_out"
    assert run.next_item() is None
    run.record("program_design.a", 1.0, 601)  # too late: ignored
    assert run.current.score() == 0.0


def test_pause_stops_the_clock_and_is_counted() -> None:
    run = _run(seconds=600)
    run.start_round(0)
    run.pause(100)
    assert run.remaining(5000) == 500
    assert not run.tick(5000)
    run.resume(5000)
    assert run.remaining(5100) == 400
    assert run.pauses == 1
    assert run.tick(5500)


def test_early_finish_and_unanswered_items_count_zero() -> None:
    run = _run(items=("a", "b", "c", "d"))
    run.start_round(0)
    run.record("program_design.a", 1.0, 10)
    run.record("program_design.b", 0.5, 20)
    run.finish_round(30)
    assert run.current.status == "finished"
    assert run.current.score() == pytest.approx(1.5 / 4)


def test_answering_everything_ends_the_round() -> None:
    run = _run()
    run.start_round(0)
    assert run.next_item() == "program_design.a"
    run.record("program_design.a", 1.0, 10)
    run.record("program_design.b", 1.0, 20)
    assert run.current.status == "finished"
    assert run.elapsed(999) == 20


def test_full_loop_to_a_verdict() -> None:
    run = _run()
    scores = {"program_design": 1.0, "technical_depth": 0.95, "behavioral": 0.7,
              "system_tradeoffs": 0.7}
    now = 0.0
    for name in ONSITE_ROUNDS:
        run.start_round(now)
        for item in ("a", "b"):
            now += 60
            run.record(f"{name}.{item}", scores[name], now)
        if name != ONSITE_ROUNDS[-1]:
            assert run.advance()
    assert run.over
    assert not run.advance()
    ratings = run.ratings()
    assert ratings["program_design"] == STRONG_YES and ratings["behavioral"] == YES
    assert run.verdict().advance


def test_abandoned_loop_never_advances() -> None:
    run = _run()
    run.start_round(0)
    run.record("program_design.a", 1.0, 10)
    run.abandon(20)
    assert run.current.status == "abandoned"
    assert not run.verdict().advance
    assert "abandoned" in run.verdict().reason


def test_plan_rounds() -> None:
    assert plan_rounds(with_screen=True)[0][0] == "technical_screen"
    assert dict(plan_rounds(False))["behavioral"] == 45 * 60
    assert all(s == 90 for _, s in plan_rounds(True, round_minutes=1.5))
    with pytest.raises(ValueError):
        plan_rounds(False, round_minutes=0)
