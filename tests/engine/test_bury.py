"""Siblings bury each other for the rest of the study day (issue #12, as Anki buries
siblings): "HBM3, 5 stacks" in one card's explanation came right before "Which HBM
generation…", 6·N·D right before "k = ?"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.bank import SIBLING_FAMILY_MAX, ContentBank
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import CardRow, Store
from engine.study.scheduler import LEARNING, REVIEW, Scheduler
from engine.study.session import StudySession, today_counts
from tests.engine.conftest import deck_bank, fact

MORNING = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # study day 2026-01-05 (rollover 04:00 UTC)


def _family(name: str, size: int) -> list[str]:
    return [fact(f"{name}.f{n:02d}", 10 + n) for n in range(size)]


@pytest.mark.parametrize(("size", "siblings"), [(2, True), (SIBLING_FAMILY_MAX, True),
                                                (SIBLING_FAMILY_MAX + 1, False)])
def test_an_id_family_is_siblings_up_to_its_cap(tmp_path: Path, size: int,
                                                siblings: bool) -> None:
    bank = deck_bank(tmp_path, *_family("hw.part", size))
    expected = {f"hw.part.f{n:02d}" for n in range(1, size)} if siblings else set()
    assert bank.siblings("hw.part.f00") == expected


def test_a_first_segment_alone_is_no_family(tmp_path: Path) -> None:
    """``units.ndr`` and ``units.adam``: two facts of a deck called units."""
    bank = deck_bank(tmp_path, fact("units.ndr"), fact("units.adam"))
    assert bank.siblings("units.ndr") == frozenset()


def test_catalog_part_and_related_lists_make_siblings_both_ways(tmp_path: Path) -> None:
    catalog_fact = """
[[facts]]
id = "mine.{name}"
topic = "hardware.memory"
level = "L4"
prompt = "H100 SXM {name}?"
catalog = "h100_sxm.{field}"
unit = "{unit}"
explanation = "Datasheet."
"""
    bank = deck_bank(
        tmp_path,
        catalog_fact.format(name="bw", field="memory_bandwidth", unit="TB/s"),
        catalog_fact.format(name="tdp", field="tdp_watts", unit="W"),
        fact("other.text", extra='related = ["mine.bw", "not.in.bank"]'),
        fact("lonely.one"))
    assert bank.siblings("mine.bw") == {"mine.tdp", "other.text"}
    assert bank.siblings("mine.tdp") == {"mine.bw"}
    assert bank.siblings("other.text") == {"mine.bw"}  # an unknown id is ignored here
    assert bank.siblings("lonely.one") == frozenset()
    assert bank.siblings_of(["mine.tdp", "other.text"]) == {"mine.bw"}


def test_the_builtin_give_aways_are_siblings(bank: ContentBank) -> None:
    """The pairs issue #12 names, and the others found by reading the decks."""
    pairs = [
        ("hw.rule.train_flops_per_param_token", "training.compute.6nd"),
        ("hw.h100_sxm.hbm_stacks", "hw.text.h100_sxm_hbm"),
        ("hw.h100_sxm.hbm_stacks", "hw.h100_sxm.memory_bandwidth"),  # one part's facets
        ("hw.rule.full_recompute_flops", "training.compute.recompute_8nd"),
        ("hw.rule.llama3_405b_training_flops", "run.llama3_405b.gpu_hours"),
        ("hw.text.h200_hbm", "hw.h200.hbm_stacks"),
        ("hw.text.mi325x_hbm", "hw.mi300x.hbm_stacks"),
        ("hw.text.a100_40gb_hbm", "hw.a100.hbm_stacks"),
    ]
    for one, other in pairs:
        assert other in bank.siblings(one) and one in bank.siblings(other), (one, other)
    # 27 unrelated rules of thumb are a collection, not siblings.
    assert "hw.rule.gib_in_gb" not in bank.siblings("hw.rule.h100_ridge_point")


def _answer_right(session: StudySession) -> None:
    question = session.question
    assert question is not None
    session.submit(f"{question.reference_value:g} B")


def test_new_siblings_wait_until_tomorrow(store: Store, tmp_path: Path) -> None:
    bank = deck_bank(tmp_path, *_family("hw.gpu", 3), fact("solo.x", 50))
    clock = FakeClock(MORNING)
    scheduler = Scheduler(replace(Config(), new_per_day=10))
    session = StudySession(store, bank, scheduler, clock, seed=1)
    asked = []
    while (question := session.next_question()) is not None:
        asked.append(question.item_id)
        _answer_right(session)
        clock.advance(minutes=11)
    met = {item_id for item_id in asked if item_id.startswith("hw.gpu")}
    assert len(met) == 1 and "solo.x" in asked  # one of the family today, the rest buried
    counts = today_counts(store, bank, scheduler, clock)
    assert (counts.new_available, counts.buried) == (0, 2)
    # Another session, another window on the same file: still buried today (from reviews).
    other = Store(store.path)
    again = StudySession(other, bank, scheduler, clock, seed=2)
    assert again.next_question() is None
    other.close()
    # Tomorrow they come.
    clock.advance(days=1)
    tomorrow = StudySession(store, bank, scheduler, clock, seed=3)
    question = tomorrow.next_question()
    assert question is not None and question.item_id.startswith("hw.gpu")
    assert question.item_id not in met


def test_the_rollover_ends_the_burial(store: Store, tmp_path: Path) -> None:
    """Answered at 03:59 (yesterday's study day) buries nothing after 04:00."""
    bank = deck_bank(tmp_path, *_family("hw.gpu", 2))
    clock = FakeClock(datetime(2026, 1, 6, 3, 59, tzinfo=UTC))
    scheduler = Scheduler(Config())
    session = StudySession(store, bank, scheduler, clock, seed=1)
    first = session.next_question()
    assert first is not None
    session.submit("?")
    assert today_counts(store, bank, scheduler, clock).buried == 1
    clock.advance(60)  # 04:00: a new study day
    assert today_counts(store, bank, scheduler, clock).buried == 0


def _seed_card(store: Store, card_id: str, state: int, due: datetime,
               fsrs_id: int) -> None:
    """A card answered before today (a review at ``due``-3 days), due at ``due``."""
    last = MORNING - timedelta(days=3)
    step = 0 if state == LEARNING else None
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO cards (id, fsrs_id, state, step, stability, difficulty, due, "
            "last_review, reps, lapses, created_at) VALUES (?, ?, ?, ?, 3.0, 5.0, ?, ?, 1, 0, ?)",
            (card_id, fsrs_id, state, step, due.isoformat(timespec="microseconds"),
             last.isoformat(timespec="microseconds"), last.isoformat(timespec="microseconds")))


def test_reviews_due_today_are_buried_but_learning_and_overdue_ones_are_not(
        store: Store, tmp_path: Path) -> None:
    bank = deck_bank(tmp_path, *_family("hw.gpu", 4))
    clock = FakeClock(MORNING)
    scheduler = Scheduler(replace(Config(), new_per_day=0))
    _seed_card(store, "hw.gpu.f00", REVIEW, MORNING - timedelta(hours=1), 1)   # due today
    _seed_card(store, "hw.gpu.f01", REVIEW, MORNING + timedelta(hours=2), 2)   # due today
    _seed_card(store, "hw.gpu.f02", REVIEW, MORNING - timedelta(days=1), 3)    # overdue
    _seed_card(store, "hw.gpu.f03", LEARNING, MORNING - timedelta(minutes=1), 4)  # learning
    session = StudySession(store, bank, scheduler, clock, seed=1)
    asked = []
    while (question := session.next_question()) is not None and len(asked) < 10:
        asked.append(question.item_id)
        _answer_right(session)
        clock.advance(minutes=30)
    # The learning card first (due now), then the overdue review (held back at most a day);
    # the two due today wait: a sibling was answered.
    assert list(dict.fromkeys(asked)) == ["hw.gpu.f03", "hw.gpu.f02"]
    assert "hw.gpu.f00" not in asked and "hw.gpu.f01" not in asked
    counts = today_counts(store, bank, scheduler, clock)
    assert counts.due_review == 0 and counts.buried == 2


def test_without_siblings_answered_nothing_is_buried(store: Store, tmp_path: Path) -> None:
    bank = deck_bank(tmp_path, *_family("hw.gpu", 2))
    clock = FakeClock(MORNING)
    scheduler = Scheduler(replace(Config(), new_per_day=0))
    _seed_card(store, "hw.gpu.f00", REVIEW, MORNING - timedelta(hours=1), 1)
    _seed_card(store, "hw.gpu.f01", REVIEW, MORNING + timedelta(hours=2), 2)
    counts = today_counts(store, bank, scheduler, clock)
    assert (counts.due_review, counts.buried) == (2, 0)
    session = StudySession(store, bank, scheduler, clock, seed=1)
    assert session.next_question().item_id == "hw.gpu.f00"
    stored = store.card("hw.gpu.f00")
    assert isinstance(stored, CardRow)
