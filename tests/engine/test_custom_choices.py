"""What the CLI and the custom-study screen need from custom study (issue #12): a filter that
names what no card has is refused with what there is, a filter with nothing to ask says why,
and the counts beside every choice come from one read of the cards and agree with
``custom_count``."""

from __future__ import annotations

import pytest

from content.loader import OpenQuestion
from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.store.db import Store
from engine.study.custom import (
    CustomCount,
    CustomFilter,
    CustomPicker,
    CustomStudyError,
    check_choices,
    custom_choices,
    custom_count,
    custom_counts,
    custom_session,
    matching_ids,
    nothing_to_drill,
)
from engine.study.scheduler import LEARNING, RELEARNING, Scheduler
from engine.study.session import Feedback


@pytest.mark.parametrize("custom", [
    CustomFilter(topic="hardware"), CustomFilter(topic="hardware.memory"),
    CustomFilter(topic="training.parallelism.pipeline"), CustomFilter(level="L8"),
    CustomFilter(deck="problems-comms"), CustomFilter(round="technical_depth"),
    CustomFilter(topic="hardware.memory", level="L6", deck="hardware"),
    CustomFilter(topic="behavioral", round="technical_depth"),  # known, together nothing
])
def test_known_choices_pass(bank: ContentBank, custom: CustomFilter) -> None:
    check_choices(bank, custom)


@pytest.mark.parametrize(("custom", "named", "listed", "not_listed"), [
    # A prefix that is not a whole segment: the topics under its known parent.
    (CustomFilter(topic="hardware.mem"), "'hardware.mem'", "topics under hardware: "
     "hardware.compute, hardware.interconnect, hardware.memory", "training"),
    # One segment too deep: the topics under the deepest known prefix.
    (CustomFilter(topic="hardware.memory.hbm4"), "'hardware.memory.hbm4'",
     "topics under hardware.memory: ", "hardware.compute"),
    # Nothing known at all: the top-level topics only (not all 83).
    (CustomFilter(topic="gardening"), "'gardening'", "topics: behavioral, capacity",
     "hardware.memory"),
    (CustomFilter(deck="problems-com"), "deck 'problems-com'", "problems-comms, ", None),
])
def test_unknown_choices_name_what_exists(bank: ContentBank, custom: CustomFilter,
                                          named: str, listed: str,
                                          not_listed: str | None) -> None:
    with pytest.raises(CustomStudyError) as caught:
        check_choices(bank, custom)
    message = str(caught.value)
    assert named in message and listed in message
    if not_listed is not None:
        assert not_listed not in message


def test_a_level_or_round_no_card_has_lists_those_that_have(tmp_path) -> None:
    from tests.engine.conftest import deck_bank, fact

    small = deck_bank(tmp_path, fact("s.one", 16, level="L4"), fact("s.two", 32, level="L5"))
    with pytest.raises(CustomStudyError, match=r"no card has level 'L8'; levels with cards: "
                                               r"L4, L5$"):
        check_choices(small, CustomFilter(level="L8"))
    with pytest.raises(CustomStudyError, match=r"round 'behavioral'; rounds with cards: none"):
        check_choices(small, CustomFilter(round="behavioral"))


def test_every_choice_counted_at_once_agrees_with_one_at_a_time(
        store: Store, bank: ContentBank, scheduler: Scheduler, clock: FakeClock) -> None:
    session = custom_session(store, bank, scheduler, clock,
                             CustomPicker(topic="hardware", limit=6), seed=5)
    for index in range(6):  # six met: three learning (Again), three graduated (Easy)
        assert session.next_question() is not None
        assert isinstance(session.submit("?"), Feedback)
        if index % 2 == 0:
            session.override(4)
    clock.advance(hours=2)
    choices = custom_choices(bank)
    pickers = [CustomPicker(topic=t) for t in choices.topics] + \
        [CustomPicker(level=v, ahead=True) for v in choices.levels] + \
        [CustomPicker(deck=d, spend_new=True) for d in choices.decks] + \
        [CustomPicker(round=r, limit=3) for r in choices.rounds] + [CustomPicker(ahead=True)]
    together = custom_counts(store, bank, scheduler, clock, pickers)
    assert together == [_one_at_a_time(store, bank, scheduler, clock, p) for p in pickers]
    assert [custom_count(store, bank, scheduler, clock, p) for p in pickers[:5]] == \
        together[:5]
    assert any(count.later for count in together) and any(count.due for count in together)
    by_topic = dict(zip(choices.topics, together, strict=False))
    # An independent oracle for the cards each topic holds: the bank's items, by prefix.
    for topic in ("hardware", "hardware.memory", "training"):
        expected = sum(1 for item in bank.items.values()
                       if item.topic == topic or item.topic.startswith(topic + "."))
        assert by_topic[topic].items == expected
    assert by_topic["hardware"].new == by_topic["hardware"].items - 6
    rounds = together[len(choices.topics) + len(choices.levels) + len(choices.decks):][:-1]
    for name, count in zip(choices.rounds, rounds, strict=True):
        # Open questions and cases name the rounds they are asked in.
        assert count.items == sum(1 for item in bank.items.values()
                                  if (isinstance(item, OpenQuestion) or item.kind == "case")
                                  and name in item.rounds)


def _one_at_a_time(store: Store, bank: ContentBank, scheduler: Scheduler, clock: FakeClock,
                   picker: CustomPicker) -> CustomCount:
    """The count as ``custom_count`` first computed it, a read of the cards per picker: the
    oracle for the batched ``custom_counts``."""
    now = clock.now()
    window = scheduler.window(now, clock.local_tz())
    matching = matching_ids(bank, picker.filter)
    cards = {cid: card for cid, card in store.cards().items() if cid in matching}

    def due(card) -> bool:
        if card.state in (LEARNING, RELEARNING):
            return card.due <= now
        return card.due < window.end

    due_count = sum(1 for card in cards.values() if due(card))
    later = sum(1 for card in cards.values() if not due(card)
                and card.state not in (LEARNING, RELEARNING))
    new = len(matching) - len(cards)
    new_allowed = new
    if picker.spend_new:
        left = scheduler.config.new_per_day - store.new_cards_since(window.start)
        new_allowed = max(0, min(new, left))
    available = due_count + new_allowed + (later if picker.ahead else 0)
    return CustomCount(len(matching), due_count, new, new_allowed, later, available,
                       min(available, picker.limit))


def _count(items: int = 0, due: int = 0, new: int = 0, new_allowed: int = 0,
           later: int = 0) -> CustomCount:
    available = due + new_allowed
    return CustomCount(items, due, new, new_allowed, later, available, min(available, 20))


@pytest.mark.parametrize(("picker", "count", "expected"), [
    (CustomPicker(topic="hardware.memory", level="L8"), _count(),
     "hardware.memory · L8: no card matches"),
    (CustomPicker(deck="d"), _count(items=1, later=1), "d: 1 card matches, but none is due and "
     "none is new"),
    (CustomPicker(topic="t"), _count(items=14, later=3), "t: 14 cards match, but none is due "
     "and none is new"),
    (CustomPicker(topic="t", spend_new=True), _count(items=14, new=4),
     "t: 14 cards match, but none is due and today's new cards are used up"),
    (CustomPicker(topic="t"), _count(items=14, due=1), None),
    (CustomPicker(topic="t"), _count(items=14, new=1, new_allowed=1), None),
])
def test_nothing_to_drill_says_why(picker: CustomPicker, count: CustomCount,
                                   expected: str | None) -> None:
    assert nothing_to_drill(picker, count) == expected
