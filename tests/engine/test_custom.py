"""Custom study (issue #12): drill a topic, a level, a deck or a round on demand, and study
ahead when nothing is due; on the built-in bank, a real database and a fake clock."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from content.loader import OpenQuestion
from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.custom import (
    CustomFilter,
    CustomPicker,
    CustomStudyError,
    custom_choices,
    custom_count,
    custom_session,
    describe,
    matching_ids,
)
from engine.study.scheduler import LEARNING, RELEARNING, Scheduler
from engine.study.session import DuePicker, Feedback, StudySession, today_counts


def _ids(bank: ContentBank, predicate) -> set[str]:
    return {item_id for item_id, item in bank.items.items() if predicate(item)}


@pytest.mark.parametrize(("custom", "predicate"), [
    (CustomFilter(topic="hardware.memory"), lambda i: i.topic == "hardware.memory"),
    (CustomFilter(topic="hardware"), lambda i: i.topic.split(".")[0] == "hardware"),
    (CustomFilter(topic="hardware.memory", level="L6"),
     lambda i: i.topic == "hardware.memory" and i.level == "L6"),
    (CustomFilter(level="L8"), lambda i: i.level == "L8"),
    (CustomFilter(deck="landmark-runs"), lambda i: i.deck == "landmark-runs"),
    (CustomFilter(round="behavioral"),
     lambda i: isinstance(i, OpenQuestion) and "behavioral" in i.rounds),
])
def test_filters_match_the_built_in_bank(bank: ContentBank, custom: CustomFilter,
                                         predicate) -> None:
    expected = _ids(bank, predicate)
    assert expected  # the built-in decks have each of these
    assert matching_ids(bank, custom) == expected


def test_a_topic_matches_by_whole_segments(bank: ContentBank) -> None:
    assert matching_ids(bank, CustomFilter(topic="hardware.mem")) == frozenset()
    assert matching_ids(bank, CustomFilter(topic="hardware.memory.hbm")) == frozenset()


def test_choices_list_what_the_bank_has(bank: ContentBank) -> None:
    choices = custom_choices(bank)
    assert {"hardware", "hardware.memory", "training.parallelism"} <= set(choices.topics)
    assert choices.levels == ("L4", "L5", "L6", "L7", "L8")
    assert {"landmark-runs", "rules-of-thumb"} <= set(choices.decks)
    assert "behavioral" in choices.rounds


@pytest.mark.parametrize("kwargs", [{"level": "L9"}, {"round": "lunch"}, {"limit": 0}])
def test_a_filter_that_cannot_match_is_refused(kwargs: dict) -> None:
    with pytest.raises(CustomStudyError):
        CustomPicker(**kwargs)


def _answer(session: StudySession) -> None:
    question = session.question
    assert question is not None
    if question.kind == "open":
        outcome = session.submit(question.model_answer)
    elif question.kind == "text":
        outcome = session.submit(question.answers[0])
    else:
        from grading.units import convert

        value = convert(question.reference_value, question.reference_unit,
                        question.display_unit)
        outcome = session.submit(f"{value:.6g} {question.display_unit}")
    assert isinstance(outcome, Feedback), outcome


def test_a_topic_drill_serves_only_its_cards_and_records_its_filter(
        store: Store, bank: ContentBank, scheduler: Scheduler, clock: FakeClock) -> None:
    picker = CustomPicker(topic="hardware.memory", level="L6", limit=5)
    count = custom_count(store, bank, scheduler, clock, picker)
    assert (count.items, count.new, count.due, count.available, count.session) == \
        (14, 14, 0, 14, 5)
    session = custom_session(store, bank, scheduler, clock, picker, seed=4)
    asked = []
    while (question := session.next_question()) is not None and len(asked) < 40:
        asked.append(question.item_id)
        _answer(session)
        clock.advance(minutes=11)
    assert len(set(asked)) == 5
    assert all(bank.items[i].topic == "hardware.memory" and bank.items[i].level == "L6"
               for i in asked)
    row = store.session(session.session_id)
    assert row["mode"] == "custom"
    config = json.loads(row["config_json"])
    assert config["custom"] == {"topic": "hardware.memory", "level": "L6", "ahead": False,
                                "limit": 5}
    assert config["spend_new"] is False
    assert {r["mode"] for r in store.reviews(session.session_id)} == {"custom"}
    assert describe(picker) == "hardware.memory · L6"


def test_new_cards_here_do_not_spend_the_daily_limit_unless_asked(
        store: Store, bank: ContentBank, clock: FakeClock) -> None:
    scheduler = Scheduler(replace(Config(), new_per_day=3))
    free = custom_session(store, bank, scheduler, clock,
                          CustomPicker(topic="hardware.memory", limit=4), seed=1)
    for _ in range(4):  # four new cards, each "don't know" (their Agains come back later)
        assert free.next_question() is not None
        free.submit("?")
    counts = today_counts(store, bank, scheduler, clock)
    assert (counts.new_done, counts.new_available) == (0, 3)
    spending = CustomPicker(topic="hardware.compute", limit=10, spend_new=True)
    assert custom_count(store, bank, scheduler, clock, spending).new_allowed == 3
    paid = custom_session(store, bank, scheduler, clock, spending, seed=2)
    new_met = []
    for _ in range(30):
        question = paid.next_question()
        if question is None:
            break
        if store.card(question.item_id) is None:
            new_met.append(question.item_id)
        _answer(paid)
        clock.advance(minutes=11)
    assert len(new_met) == 3  # stopped at the day's limit
    counts = today_counts(store, bank, scheduler, clock)
    assert (counts.new_done, counts.new_available) == (3, 0)
    assert custom_count(store, bank, scheduler, clock, spending).new_allowed == 0
    # The daily drill sees the limit spent too: it has no new card left to introduce.
    drill = StudySession(store, bank, scheduler, clock, picker=DuePicker(), seed=3)
    question = drill.next_question()
    assert question is None or store.card(question.item_id) is not None


def test_study_ahead_serves_cards_not_yet_due_soonest_first(
        store: Store, bank: ContentBank, scheduler: Scheduler, clock: FakeClock) -> None:
    learn = custom_session(store, bank, scheduler, clock,
                           CustomPicker(deck="landmark-runs", limit=4), seed=1)
    for _ in range(40):
        if learn.next_question() is None:
            break
        _answer(learn)
        clock.advance(minutes=11)
    learnt = {cid: card for cid, card in store.cards().items()}
    assert len(learnt) == 4 and all(c.state not in (LEARNING, RELEARNING)
                                    for c in learnt.values())
    clock.advance(hours=1)
    nothing_due = CustomPicker(deck="landmark-runs", limit=10)
    count = custom_count(store, bank, scheduler, clock, nothing_due)
    assert (count.due, count.later) == (0, 4)
    ahead = CustomPicker(deck="landmark-runs", ahead=True, limit=10, spend_new=True)
    spent = replace(Config(), new_per_day=0)  # no new card today: only the studied ones
    scheduler_no_new = Scheduler(spent)
    count = custom_count(store, bank, scheduler_no_new, clock, ahead)
    assert (count.new_allowed, count.later, count.available) == (0, 4, 4)
    session = custom_session(store, bank, scheduler_no_new, clock, ahead, seed=2)
    asked = []
    while (question := session.next_question()) is not None and len(asked) < 10:
        asked.append(question.item_id)
        _answer(session)
    assert asked == sorted(learnt, key=lambda cid: (learnt[cid].due, cid))
    assert all(store.card(cid).due > learnt[cid].due for cid in asked)


def test_due_cards_come_before_new_ones(store: Store, bank: ContentBank,
                                        scheduler: Scheduler, clock: FakeClock) -> None:
    first = custom_session(store, bank, scheduler, clock,
                           CustomPicker(topic="hardware.interconnect", limit=2), seed=1)
    for _ in range(40):
        if first.next_question() is None:
            break
        _answer(first)
        clock.advance(minutes=11)
    met = set(store.cards())
    clock.advance(days=60)  # both are due again
    picker = CustomPicker(topic="hardware.interconnect", limit=3)
    assert custom_count(store, bank, scheduler, clock, picker).due == 2
    second = custom_session(store, bank, scheduler, clock, picker, seed=2)
    asked = []
    while (question := second.next_question()) is not None and len(asked) < 40:
        asked.append(question.item_id)
        _answer(second)
        clock.advance(timedelta(minutes=11).total_seconds())
    assert set(asked[:2]) == met and len(set(asked)) == 3
