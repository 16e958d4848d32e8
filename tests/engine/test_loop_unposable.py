"""A loop whose plan holds an item that loads but cannot be posed (a player's deck with a
parameter the model refuses) skips it for the rest of the loop and goes on: the picker once
offered it again after every failed pose, so the loop never got past it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.loop.session import LoopSession
from engine.questions import PoseError, pose
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession
from tests.engine.conftest import deck_bank, fact, open_question

#: Loads (every field is well formed) but cannot be posed: kv_cache refuses seq_len < 1.
UNPOSABLE = """
[[problems]]
id = "u.kv_negative"
topic = "inference.memory"
level = "L4"
model = "kv_cache"
prompt = "KV cache for {seq_len:int} tokens of a {layers}-layer model?"
unit = "GB"
explanation = "2·L·kv·d·bytes·tokens."
[problems.params]
layers = 80
kv_heads = 8
head_dim = 128
seq_len = -5
"""

GOOD_PROBLEM = UNPOSABLE.replace("u.kv_negative", "u.kv_fine").replace("seq_len = -5",
                                                                        "seq_len = 8192")


class OfferCounter:
    """The loop's own picker, counting what it offers: a card offered again and again (the
    bug) fails the test instead of hanging it."""

    def __init__(self, inner: object, most: int = 2) -> None:
        self.inner, self.most, self.offers = inner, most, Counter[str]()

    def pick(self, session: StudySession) -> str | None:
        item_id = self.inner.pick(session)  # type: ignore[attr-defined]
        if item_id is not None:
            self.offers[item_id] += 1
            assert self.offers[item_id] <= self.most, f"{item_id} offered again and again"
        return item_id


def _bank(tmp_path: Path) -> ContentBank:
    bank = deck_bank(tmp_path, UNPOSABLE, GOOD_PROBLEM, fact("u.fact.one", 16, level="L4"),
                     fact("u.fact.two", 32, level="L4"),
                     open_question("u.open", level="L4"))
    item = bank.items["u.kv_negative"]
    try:
        pose(item, None, bank.catalog, 1)
    except PoseError:
        pass
    else:
        raise AssertionError("the deck's bad item should fail to pose")
    return bank


def test_an_item_that_cannot_be_posed_is_skipped_and_the_loop_ends(
        tmp_path: Path, store: Store, scheduler: Scheduler, clock: FakeClock) -> None:
    bank = _bank(tmp_path)
    loop = LoopSession(store, bank, scheduler, clock, "L4", round_minutes=10, seed=3)
    planned = [item_id for state in loop.run.rounds for item_id in state.plan.item_ids]
    assert "u.kv_negative" in planned and len(planned) > 1
    counter = OfferCounter(loop.study.picker)
    loop.study.picker = counter
    asked: list[str] = []
    rounds_done = 0
    while True:
        loop.start_round()
        while (question := loop.study.next_question()) is not None:
            asked.append(question.item_id)
            loop.answered(loop.study.submit("?"))
            clock.advance(30)
        loop.finish_round()
        rounds_done += 1
        if not loop.next_round():
            break
    outcome = loop.complete()
    assert rounds_done == len(loop.run.rounds)
    # Every other planned item was asked, once; the bad one was tried once and never asked.
    assert sorted(asked) == sorted(i for i in planned if i != "u.kv_negative")
    assert counter.offers["u.kv_negative"] == 1
    assert loop.study.unservable == {"u.kv_negative"}
    assert len(loop.study.pose_errors) == 1 and "u.kv_negative" in loop.study.pose_errors[0]
    assert store.session(loop.session_id)["verdict"] == \
        ("advance" if outcome.verdict.advance else "no_hire")


def test_the_picker_skips_an_unservable_item_and_offers_the_next(
        tmp_path: Path, store: Store, scheduler: Scheduler, clock: FakeClock) -> None:
    """Within one round: the item after the bad one is offered next, not the bad one again."""
    bank = _bank(tmp_path)
    loop = LoopSession(store, bank, scheduler, clock, "L4", round_minutes=10, seed=3)
    loop.start_round()
    first = loop.study.picker.pick(loop.study)
    assert first is not None
    loop.study.unservable.add(first)
    second = loop.study.picker.pick(loop.study)
    assert second != first
    assert second == next((i for i in loop.current.plan.item_ids if i != first), None)
