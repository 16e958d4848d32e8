"""A session's summary (what a screen shows when a drill is left with q), the slip each grade
named kept with its review, and schema 6 reached from the first schema."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import SCHEMA_VERSION, Store
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, StudySession
from tests.engine.conftest import deck_bank, fact, open_question
from tests.engine.test_running_totals import assert_totals_match

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1.db"
MORNING = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

PERCENT_FACT = """
[[facts]]
id = "t.mfu"
topic = "training.parallelism"
level = "L5"
prompt = "MFU Meta reports for Llama 3 405B, in %?"
value = 40
value_unit = "%"
unit = "%"
tolerance = "rel:5%,15%"
explanation = "38-43 %."
source = "Test deck"
"""


@pytest.fixture
def bank5(tmp_path: Path) -> ContentBank:
    return deck_bank(tmp_path, fact("t.a", 100), fact("t.b", 200), fact("t.c", 300),
                     fact("t.d", 400), open_question("t.essay"), PERCENT_FACT)


def test_the_summary_counts_this_sessions_answers(store: Store, bank5: ContentBank) -> None:
    clock = FakeClock(MORNING)
    session = StudySession(store, bank5, Scheduler(replace(Config(), new_per_day=6)), clock,
                           seed=2)
    typed = {"t.a": "100 B", "t.b": "220 B", "t.c": "900 B", "t.d": "?", "t.mfu": "40 %",
             "t.essay": "The bandwidth bounds the step, so overlap the all-reduce."}
    seconds = {"t.a": 4, "t.b": 9, "t.c": 20, "t.d": 2, "t.mfu": 5, "t.essay": 240}
    met = []
    while len(met) < 6:
        question = session.next_question()
        assert question is not None
        if question.item_id in met:
            session.submit("?")
            continue
        clock.advance(seconds[question.item_id])
        outcome = session.submit(typed[question.item_id])
        assert isinstance(outcome, Feedback)
        met.append(question.item_id)
    session.override(4)  # the last answer re-rated Easy
    clock.advance(60)
    summary = session.summary()
    rows = store.reviews(session.session_id)
    # A count made by hand from what was typed: 100 exact, 220 close (10 % off), 900 off,
    # ? don't know, 40 % exact, the essay scored; all six new.
    assert (summary.answers, summary.right, summary.close, summary.off, summary.dont_know,
            summary.open_answers, summary.new_cards) == (6, 2, 1, 1, 1, 1, 6)
    assert sum(summary.ratings.values()) == 6
    assert summary.ratings == {r: sum(1 for row in rows if row["rating"] == r)
                               for r in (1, 2, 3, 4)}
    assert summary.ratings[4] >= 1
    assert summary.seconds_answering == pytest.approx(sum(seconds.values()))
    assert summary.seconds_spent == pytest.approx(sum(seconds.values()) + 60)
    assert summary.minutes_spent == pytest.approx(summary.seconds_spent / 60)
    assert summary.next_due == min(card.due for card in store.cards().values())
    assert summary.undone == 0
    session.undo()
    after = session.summary()
    assert (after.answers, after.undone, sum(after.ratings.values())) == (5, 1, 5)


def test_the_summary_of_an_empty_session(store: Store, bank5: ContentBank) -> None:
    clock = FakeClock(MORNING)
    session = StudySession(store, bank5, Scheduler(Config()), clock, seed=2)
    clock.advance(30)
    summary = session.summary()
    assert (summary.answers, summary.new_cards, summary.seconds_spent) == (0, 0, 30)
    assert summary.ratings == {1: 0, 2: 0, 3: 0, 4: 0} and summary.next_due is None
    session.finish()
    clock.advance(600)
    assert session.summary().seconds_spent == 30  # ended: the clock stops at the end


def test_a_named_slip_is_kept_with_its_review(store: Store, bank5: ContentBank) -> None:
    clock = FakeClock(MORNING)
    session = StudySession(store, bank5, Scheduler(replace(Config(), new_per_day=6)), clock,
                           seed=2)
    while (question := session.next_question()) is not None and question.item_id != "t.mfu":
        session.submit("?")
    outcome = session.submit("0.40")  # a fraction typed for a percentage
    assert isinstance(outcome, Feedback) and outcome.grade.slip
    row = store.reviews(session.session_id)[-1]
    assert row["slip"] == outcome.grade.slip and row["cut_off"] == 0
    assert store.conn.execute("SELECT TOTAL(answers) FROM bias_buckets WHERE topic = "
                              "'training.parallelism'").fetchone()[0] == 0
    assert store.conn.execute("SELECT TOTAL(answers) FROM error_buckets WHERE topic = "
                              "'training.parallelism'").fetchone()[0] == 1


def test_the_first_schema_reaches_schema_six(tmp_path: Path) -> None:
    """From ``schema_v1.db``: the new tables and columns, old reviews without a slip (so
    they all count toward the bias), their band misses summed, the totals right."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    old = sqlite3.connect(path)
    bands = [row[0] for row in old.execute("SELECT band FROM reviews ORDER BY id")]
    numeric = old.execute("SELECT COUNT(*) FROM reviews WHERE log10_error IS NOT NULL") \
        .fetchone()[0]
    old.close()
    store = Store(path, auto_backup=False)
    try:
        assert SCHEMA_VERSION >= 6 and store.schema_version() == SCHEMA_VERSION
        tables = set(store.db.table_names())
        assert {"drafts", "undone_reviews", "bias_buckets"} <= tables
        columns = set(store.db["reviews"].columns_dict)
        assert {"slip", "cut_off"} <= columns
        assert store.conn.execute("SELECT COUNT(*) FROM reviews WHERE slip IS NOT NULL "
                                  "OR cut_off != 0").fetchone()[0] == 0
        assert store.conn.execute("SELECT TOTAL(answers) FROM bias_buckets").fetchone()[0] \
            == numeric
        miss = {"exact": 0.0, "close": 0.5, "off": 1.0, "dont_know": 1.0}
        graded = [band for band in bands if band in miss]
        assert store.conn.execute("SELECT SUM(graded_answers), TOTAL(miss_sum) "
                                  "FROM topic_totals").fetchone() == \
            (len(graded), sum(miss[band] for band in graded))
        assert_totals_match(store)
        store.save_draft("card:x", "works", MORNING)
        assert store.draft("card:x") == "works"
    finally:
        store.close()
    again = Store(path, auto_backup=False)  # opening again migrates nothing more
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_answers_recorded_across_a_day_keep_their_totals(store: Store,
                                                         bank5: ContentBank) -> None:
    clock = FakeClock(MORNING)
    session = StudySession(store, bank5, Scheduler(Config()), clock, seed=1)
    for _ in range(3):
        if session.next_question() is None:
            break
        session.submit("?")
        clock.advance(timedelta(hours=7).total_seconds())
    assert_totals_match(store)
