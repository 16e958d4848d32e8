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


# -- round scores: checked parts weigh two thirds (issue 14 item 5) ----------------------------


def test_round_score_with_only_written_parts_is_their_mean() -> None:
    from engine.loop.rules import round_score

    assert round_score([], [0.9, 0.6, 0.3]) == pytest.approx(0.6)  # (0.9+0.6+0.3)/3
    assert round_score([], []) == 0.0


def test_round_score_with_only_graded_parts_is_their_mean() -> None:
    from engine.loop.rules import round_score

    assert round_score([1.0, 0.5], []) == pytest.approx(0.75)
    assert round_score([0.6], []) == pytest.approx(0.6)


def test_round_score_with_both_weighs_graded_two_thirds() -> None:
    from engine.loop.rules import GRADED_WEIGHT, round_score

    assert GRADED_WEIGHT == pytest.approx(2 / 3) and GRADED_WEIGHT >= 0.5
    # a case (chain 1.0, justification 0.4), an open answer 0.7, a problem 0.5:
    # 2/3 · (1.0 + 0.5)/2 + 1/3 · (0.4 + 0.7)/2 = 0.5 + 0.18333 = 0.68333
    assert round_score([1.0, 0.5], [0.4, 0.7]) == pytest.approx(0.683333, abs=1e-6)
    # a perfect term list cannot carry wrong numbers: 2/3 · 0 + 1/3 · 1 = 0.3333
    assert round_score([0.0], [1.0]) == pytest.approx(1 / 3)
    assert round_score([1.0], [0.0]) == pytest.approx(2 / 3)


def test_a_round_with_a_case_counts_its_chain_and_justification_apart() -> None:
    """A round planned as a case, an open question and a problem; the case's parts given
    apart, the open answer and the problem as scores. Unanswered: 0 on each of its parts."""
    from engine.loop.rules import CASE, GRADED, WRITTEN, AnswerParts

    plan = RoundPlan("program_design", 600.0, ("c", "o", "p"), (CASE, WRITTEN, GRADED))
    run = LoopRun([plan], level="L5")
    run.start_round(now=0)
    assert run.current.part_lists() == ([0.0, 0.0], [0.0, 0.0])
    run.record("c", 0.8, now=1, parts=AnswerParts(1.0, 0.4))
    run.record("o", 0.7, now=2)
    assert run.current.part_lists() == ([1.0, 0.0], [0.4, 0.7])
    assert run.current.score() == pytest.approx(2 / 3 * 0.5 + 1 / 3 * 0.55)  # 0.51667
    run.record("p", 0.5, now=3)
    assert run.current.status == "finished"
    assert run.current.score() == pytest.approx(0.683333, abs=1e-6)
    # a case given up on ("?") scores 0 on both of its parts
    assert AnswerParts.of(CASE, 0.0) == AnswerParts(0.0, 0.0)


def test_a_round_score_at_the_strong_yes_bar_and_just_below() -> None:
    """L4's Strong Yes bar is 0.75: a chain of 0.75 with no written part is at it; a
    written part of 0.74 beside a chain of 0.755 (2/3·0.755 + 1/3·0.74 = 0.75) too, and a
    written part of 0.73 falls just below."""
    from engine.loop.rules import round_score

    assert round_rating(round_score([0.75], []), "L4") == STRONG_YES
    assert round_rating(round_score([0.755], [0.74]), "L4") == STRONG_YES
    assert round_rating(round_score([0.755], [0.73]), "L4") == YES


def test_a_plan_refuses_evidence_that_does_not_fit_its_items() -> None:
    with pytest.raises(ValueError, match="2 evidence kinds for 1 items"):
        RoundPlan("program_design", 60.0, ("a",), ("graded", "written"))
    with pytest.raises(ValueError, match="unknown evidence kind"):
        RoundPlan("program_design", 60.0, ("a",), ("spoken",))
