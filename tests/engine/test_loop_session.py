"""The loop session (issue #12): a round that times out grades what was written, marked cut
off, instead of throwing it away; loops are numbered 1, 2, … not by session id."""

from __future__ import annotations

import pytest

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.loop.session import LoopSession, loop_number, loop_summaries
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback

ROUND_SECONDS = 120.0


def _loop(store: Store, bank: ContentBank, scheduler: Scheduler,
          clock: FakeClock) -> LoopSession:
    loop = LoopSession(store, bank, scheduler, clock, "L4", round_minutes=ROUND_SECONDS / 60,
                       seed=11)
    loop.start_round()
    return loop


def _to_kind(loop: LoopSession, kind: str) -> None:
    """Answer "?" until the round asks a question of ``kind`` (open or numeric)."""
    while (question := loop.study.next_question()) is not None:
        numeric = question.kind in {"fact", "problem"}
        if (kind == "open") == (question.kind == "open") and (kind != "numeric" or numeric):
            return
        loop.answered(loop.study.submit("?"))
    raise AssertionError(f"round {loop.current.plan.name} has no {kind} question")


def test_an_open_answer_in_progress_is_graded_when_time_runs_out(
        store: Store, bank: ContentBank, scheduler: Scheduler, clock: FakeClock) -> None:
    loop = _loop(store, bank, scheduler, clock)
    _to_kind(loop, "open")
    question = loop.study.question
    assert question is not None
    words = question.model_answer.split()
    text = " ".join(words[: len(words) * 2 // 3])  # most of an answer, typed so far
    loop.study.save_draft(text)
    clock.advance(ROUND_SECONDS + 1)
    assert loop.tick() is True
    outcome = loop.time_up(text)
    assert isinstance(outcome, Feedback) and outcome.cut_off
    assert outcome.verdict == "scored" and 0 < outcome.score <= 1
    row = store.reviews(loop.session_id)[-1]
    assert (row["card_id"], row["cut_off"], row["answer_text"]) == \
        (question.item_id, 1, text.strip())
    assert store.draft(loop.study.draft_key(question.item_id)) is None
    # The round counts it: the only answer is this written one (the "?"s before it score
    # 0), so by hand: graded parts all 0, the written parts this score and 0 for every other
    # open question or case justification; 2/3 · 0 + 1/3 · score / written parts. An open
    # question with follow-up probes has both parts (its probes, never asked, score 0).
    state = loop.current
    assert state.status == "timed_out"
    assert state.scores[question.item_id] == pytest.approx(outcome.score)
    evidence = state.plan.evidence
    written = sum(1 for kind in evidence if kind in {"written", "case", "probed"})
    graded = sum(1 for kind in evidence if kind in {"graded", "case", "probed"})
    expected = outcome.score / written * (1 / 3 if graded else 1.0)
    [saved] = [r for r in store.loop_rounds(loop.session_id) if r["position"] == 0]
    assert saved["score"] == pytest.approx(expected) and saved["status"] == "timed_out"
    assert saved["rating"] is not None


def test_a_short_open_answer_is_scored_not_sent_back(store: Store, bank: ContentBank,
                                                     scheduler: Scheduler,
                                                     clock: FakeClock) -> None:
    loop = _loop(store, bank, scheduler, clock)
    _to_kind(loop, "open")
    clock.advance(ROUND_SECONDS + 1)
    outcome = loop.time_up("bandwidth")  # one word: normally "say a little more"
    assert isinstance(outcome, Feedback) and outcome.cut_off


def test_a_number_in_progress_is_graded_and_an_unreadable_one_kept(
        store: Store, bank: ContentBank, scheduler: Scheduler, clock: FakeClock) -> None:
    loop = _loop(store, bank, scheduler, clock)
    _to_kind(loop, "numeric")
    clock.advance(ROUND_SECONDS + 1)
    loop.tick()
    outcome = loop.time_up("about a lot of")
    assert isinstance(outcome, Feedback)
    assert (outcome.verdict, outcome.rating, outcome.score) == ("unreadable", 1, 0.0)
    row = store.reviews(loop.session_id)[-1]
    assert (row["band"], row["cut_off"], row["answer_text"]) == ("unreadable", 1,
                                                                  "about a lot of")


def test_time_up_without_a_tick_ends_the_round_first(store: Store, bank: ContentBank,
                                                     scheduler: Scheduler,
                                                     clock: FakeClock) -> None:
    loop = _loop(store, bank, scheduler, clock)
    _to_kind(loop, "numeric")
    question = loop.study.question
    assert question is not None
    from grading.units import convert

    value = convert(question.reference_value, question.reference_unit, question.display_unit)
    clock.advance(ROUND_SECONDS + 5)
    outcome = loop.time_up(f"{value:.6g} {question.display_unit}")
    assert loop.current.status == "timed_out"
    assert isinstance(outcome, Feedback) and outcome.verdict == "exact" and outcome.cut_off
    assert loop.current.scores[question.item_id] == 1.0


@pytest.mark.parametrize("text", ["", "   \n"])
def test_a_blank_box_records_nothing(store: Store, bank: ContentBank, scheduler: Scheduler,
                                     clock: FakeClock, text: str) -> None:
    loop = _loop(store, bank, scheduler, clock)
    loop.study.next_question()
    clock.advance(ROUND_SECONDS + 1)
    loop.tick()
    assert loop.time_up(text) is None
    assert store.reviews(loop.session_id) == []


def test_an_answer_already_sent_is_not_recorded_twice(store: Store, bank: ContentBank,
                                                      scheduler: Scheduler,
                                                      clock: FakeClock) -> None:
    loop = _loop(store, bank, scheduler, clock)
    loop.study.next_question()
    loop.answered(loop.study.submit("?"))
    clock.advance(ROUND_SECONDS + 1)
    loop.tick()
    assert loop.time_up("more text") is None
    assert len(store.reviews(loop.session_id)) == 1


def test_loops_are_numbered_in_order_whatever_their_session_ids(
        store: Store, bank: ContentBank, scheduler: Scheduler, clock: FakeClock) -> None:
    for _ in range(4):  # the week: drills first, so the first loop was session 5
        store.start_session("drill", clock.now(), {})
    first = LoopSession(store, bank, scheduler, clock, "L4", seed=1)
    drill = store.start_session("drill", clock.now(), {})
    second = LoopSession(store, bank, scheduler, clock, "L5", seed=2)
    assert (first.session_id, second.session_id) == (5, 7)
    assert loop_number(store, first.session_id) == 1
    assert loop_number(store, second.session_id) == 2
    with pytest.raises(LookupError, match="no loop"):
        loop_number(store, drill)
    with pytest.raises(LookupError):
        loop_number(store, 999)
    assert [(s["id"], s["number"]) for s in loop_summaries(store)] == [(7, 2), (5, 1)]
