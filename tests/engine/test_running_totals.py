"""Schema 5's running totals (per study day, topic, card and error bucket) always equal a
fresh aggregation of ``reviews`` — after answers, overrides, self-checks, deletes, and a
migration from an older file — and the streak read off them follows the streak rule."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.store.db import (
    BUCKET_SQL,
    DAY_TERMS,
    TOTAL_TERMS,
    CardRow,
    ReviewRecord,
    Store,
    streak_days,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1.db"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _recomputed(conn: sqlite3.Connection) -> dict[str, dict[tuple, tuple]]:
    """Each totals table as a fresh GROUP BY over ``reviews`` would fill it (the oracle)."""
    def grouped(keys: str, terms: tuple[tuple[str, str], ...]) -> dict[tuple, tuple]:
        sums = ", ".join(f"TOTAL({expr.format(r='reviews')})" for _, expr in terms)
        width = len(keys.split(","))
        return {tuple(row[:width]): tuple(row[width:]) for row in conn.execute(
            f"SELECT {keys}, {sums} FROM reviews GROUP BY {keys}")}

    buckets = {tuple(row[:2]): (float(row[2]),) for row in conn.execute(
        f"SELECT topic, {BUCKET_SQL.format(r='reviews')} AS b, COUNT(*) FROM reviews "
        "WHERE log10_error IS NOT NULL GROUP BY topic, b")}
    # Written out here, not taken from the store: numeric answers whose grade named no slip.
    bias = {tuple(row[:2]): (float(row[2]),) for row in conn.execute(
        f"SELECT topic, {BUCKET_SQL.format(r='reviews')} AS b, COUNT(*) FROM reviews "
        "WHERE log10_error IS NOT NULL AND slip IS NULL GROUP BY topic, b")}
    return {"day_totals": grouped("study_day", DAY_TERMS),
            "topic_totals": grouped("topic", TOTAL_TERMS),
            "card_totals": grouped("card_id", TOTAL_TERMS),
            "error_buckets": buckets,
            "bias_buckets": bias}


def _kept(conn: sqlite3.Connection) -> dict[str, dict[tuple, tuple]]:
    """The running totals as stored, without the rows that fell back to zero answers."""
    def read(table: str, keys: str, terms: tuple[tuple[str, str], ...]) -> dict[tuple, tuple]:
        names = ", ".join(name for name, _ in terms)
        width = len(keys.split(","))
        return {tuple(row[:width]): tuple(float(v) for v in row[width:]) for row in conn.execute(
            f"SELECT {keys}, {names} FROM {table} WHERE answers != 0")}

    return {"day_totals": read("day_totals", "study_day", DAY_TERMS),
            "topic_totals": read("topic_totals", "topic", TOTAL_TERMS),
            "card_totals": read("card_totals", "card_id", TOTAL_TERMS),
            "error_buckets": read("error_buckets", "topic, bucket", (("answers", ""),)),
            "bias_buckets": read("bias_buckets", "topic, bucket", (("answers", ""),))}


def assert_totals_match(store: Store) -> None:
    kept, fresh = _kept(store.conn), _recomputed(store.conn)
    for table, rows in fresh.items():
        assert kept[table].keys() == rows.keys(), table
        for key, values in rows.items():
            assert kept[table][key] == pytest.approx(values, abs=1e-9), (table, key)


answers = st.lists(st.tuples(
    st.sampled_from(["hw.a", "hw.b", "hw.c", "ml.d"]),           # card
    st.sampled_from(["hardware.compute", "hardware.memory"]),    # topic
    st.integers(0, 9),                                           # study day offset
    st.integers(1, 4),                                           # rating
    st.sampled_from([None, 1, 2, 3]),                            # state before
    st.one_of(st.none(), st.floats(-3, 3)),                      # log10 error
    st.one_of(st.none(), st.floats(0, 1)),                       # auto score
    st.one_of(st.none(), st.integers(1, 4)),                     # later override
    st.one_of(st.none(), st.floats(0, 1)),                       # later self score
), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers, st.data())
def test_totals_follow_answers_overrides_self_checks_and_deletes(tmp_path: Path, plan,
                                                                  data: st.DataObject) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "totals.db"  # one file per example
    store = Store(path, auto_backup=False)
    try:
        ids = []
        for index, (card_id, topic, day, rating, state, error, auto, override, self_score) \
                in enumerate(plan):
            at = START + timedelta(days=day, minutes=index)
            before = None if state is None else {"state": state}
            review = ReviewRecord(card_id=card_id, reviewed_at=at,
                                  study_day=at.date(), rating=rating, mode="drill",
                                  kind="fact", topic=topic, log10_error=error,
                                  auto_score=auto, card_before=before)
            card = CardRow(card_id, {"hw.a": 1, "hw.b": 2, "hw.c": 3, "ml.d": 4}[card_id],
                           2, None, 3.0, 5.0, at + timedelta(days=3), at, 1, 0)
            review_id = store.record_review(review, card)
            ids.append(review_id)
            if override is not None or self_score is not None:
                store.override_rating(review_id, override or rating, card,
                                      self_score=self_score)
        assert_totals_match(store)
        doomed = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=5))
        with store.transaction() as conn:
            for review_id in doomed:
                conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        assert_totals_match(store)
    finally:
        store.close()


def test_migrating_an_old_file_fills_the_totals(tmp_path: Path) -> None:
    """The first-schema fixture (6 reviews) migrates to schema 6 with its totals filled."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    store = Store(path, auto_backup=False)
    try:
        assert_totals_match(store)
        assert store.conn.execute("SELECT SUM(answers) FROM day_totals").fetchone()[0] == 6
    finally:
        store.close()


def test_stats_figures_read_the_totals(tmp_path: Path) -> None:
    """The per-day totals give the same streak and study days as the reviews."""
    store = Store(tmp_path / "days.db", auto_backup=False)
    try:
        for offset in (0, 1, 2, 4):
            at = START + timedelta(days=offset)
            store.record_review(
                ReviewRecord(card_id="hw.a", reviewed_at=at, study_day=at.date(), rating=3,
                             mode="drill", kind="fact", topic="hardware.compute"),
                CardRow("hw.a", 1, 2, None, 3.0, 5.0, at, at, 1, 0))
        days = [START.date() + timedelta(days=o) for o in (4, 2, 1, 0)]
        assert store.study_days() == days
        assert store.streak_days(START.date() + timedelta(days=4)) == 1
        assert store.streak_days(START.date() + timedelta(days=5)) == 1
        assert store.streak_days(START.date() + timedelta(days=2)) == 3
        assert store.streak_days(START.date() + timedelta(days=3)) == 3
        assert store.streak_days(START.date() + timedelta(days=7)) == 0
    finally:
        store.close()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.integers(0, 40), max_size=30), st.sets(st.integers(0, 40), max_size=5),
       st.integers(0, 45))
def test_streak_from_the_day_totals_follows_the_rule(tmp_path: Path, offsets: set[int],
                                                      emptied: set[int], today: int) -> None:
    """``Store.streak_days`` (SQL over ``day_totals``) agrees with the plain rule, including
    days whose answers were all deleted (a zero row) and days after ``today``."""
    base = date(2026, 1, 1)
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "streak.db"  # one file per example
    store = Store(path, auto_backup=False)
    try:
        with store.transaction() as conn:
            for offset in offsets | emptied:
                conn.execute("INSERT INTO day_totals (study_day, answers, review_answers, "
                             "review_passed) VALUES (?, ?, 0, 0)",
                             ((base + timedelta(days=offset)).isoformat(),
                              0 if offset in emptied - offsets else 2))
        today_date = base + timedelta(days=today)
        studied = {base + timedelta(days=o) for o in offsets}
        assert store.streak_days(today_date) == streak_days(studied, today_date)
    finally:
        store.close()


def _python_oracle(plan: list[tuple]) -> dict[str, dict[str, float]]:
    """Per-topic totals counted in plain Python from the answers as given — written from the
    meaning of each total, not from the store's SQL, so a wrong term in the SQL shows. True
    retention's pass is any rating above Again (Hard passes); a failure is Again."""
    totals: dict[str, dict[str, float]] = {}
    for _card, topic, _day, rating, state, error, auto, _override, _self in plan:
        row = totals.setdefault(topic, dict.fromkeys(
            ("answers", "review_answers", "review_passed", "fails", "numeric_answers",
             "log10_error_sum", "abs_log10_error_sum", "open_answers", "open_score_sum"), 0.0))
        row["answers"] += 1
        if state == 2:  # the card was in review: the base of true retention
            row["review_answers"] += 1
            row["review_passed"] += rating >= 2
        row["fails"] += rating == 1
        if error is not None:
            row["numeric_answers"] += 1
            row["log10_error_sum"] += error
            row["abs_log10_error_sum"] += abs(error)
        if auto is not None:
            row["open_answers"] += 1
            row["open_score_sum"] += auto
    return totals


def _record_plan(store: Store, plan: list[tuple]) -> None:
    for index, (card_id, topic, day, rating, state, error, auto, _o, _s) in enumerate(plan):
        at = START + timedelta(days=day, minutes=index)
        store.record_review(
            ReviewRecord(card_id=card_id, reviewed_at=at, study_day=at.date(), rating=rating,
                         mode="drill", kind="fact", topic=topic, log10_error=error,
                         auto_score=auto, card_before=None if state is None else {"state": state}),
            CardRow(card_id, {"hw.a": 1, "hw.b": 2, "hw.c": 3, "ml.d": 4}[card_id], 2, None, 3.0,
                    5.0, at + timedelta(days=3), at, 1, 0))


def _stored_topic_totals(store: Store, names: list[str]) -> dict[str, dict[str, float]]:
    rows = store.conn.execute(f"SELECT topic, {', '.join(names)} FROM topic_totals").fetchall()
    return {row[0]: dict(zip(names, map(float, row[1:]), strict=True)) for row in rows}


def test_a_hard_answer_in_review_is_a_pass_against_a_hand_count(tmp_path: Path) -> None:
    """Issue #12's planted bug (Hard counted as a failed review) passed the suite because the
    scripted year had no Hard answers. Four review-state answers, one of each rating, and two
    learning ones: 3 of 4 review answers pass (Hard, Good, Easy), 2 answers are Again."""
    plan = [
        ("hw.a", "hardware.memory", 0, 1, 2, 0.5, None, None, None),   # Again in review
        ("hw.b", "hardware.memory", 0, 2, 2, -0.1, None, None, None),  # Hard in review: pass
        ("hw.c", "hardware.memory", 1, 3, 2, 0.0, None, None, None),   # Good
        ("hw.a", "hardware.memory", 2, 4, 2, None, 0.75, None, None),  # Easy, an open answer
        ("ml.d", "hardware.memory", 2, 1, 1, None, None, None, None),  # Again while learning
        ("ml.d", "hardware.memory", 3, 2, 1, None, None, None, None),  # Hard while learning
    ]
    store = Store(tmp_path / "hard.db", auto_backup=False)
    try:
        _record_plan(store, plan)
        stored = _stored_topic_totals(store, ["answers", "review_answers", "review_passed",
                                              "fails", "numeric_answers", "log10_error_sum",
                                              "abs_log10_error_sum", "open_answers",
                                              "open_score_sum"])
        assert stored["hardware.memory"] == pytest.approx({
            "answers": 6, "review_answers": 4, "review_passed": 3, "fails": 2,
            "numeric_answers": 3, "log10_error_sum": 0.4, "abs_log10_error_sum": 0.6,
            "open_answers": 1, "open_score_sum": 0.75})
    finally:
        store.close()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers)
def test_topic_totals_equal_a_count_made_in_python(tmp_path: Path, plan) -> None:
    """The same answers counted by the triggers and by :func:`_python_oracle` agree."""
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "oracle.db"  # one file per example
    store = Store(path, auto_backup=False)
    try:
        _record_plan(store, plan)
        expected = _python_oracle(plan)
        stored = _stored_topic_totals(store, list(next(iter(expected.values()))))
        assert stored.keys() == expected.keys()
        for topic, row in expected.items():
            assert stored[topic] == pytest.approx(row, abs=1e-9), topic
    finally:
        store.close()


BANDS = ("exact", "close", "off", "dont_know", "unreadable", "scored", None)

graded = st.lists(st.tuples(
    st.sampled_from(["hw.a", "hw.b", "ml.d"]),                  # card
    st.sampled_from(["hardware.compute", "training.parallelism"]),
    st.sampled_from(BANDS),                                      # band
    st.one_of(st.none(), st.floats(-3, 3)),                      # log10 error
    st.sampled_from([None, "bits vs bytes", "a fraction for a percent"]),   # slip
    st.sampled_from([None, "off", "close"]),                     # band changed later
    st.booleans(),                                               # taken back (undone)
), min_size=1, max_size=20)


def _band_oracle(kept: list[tuple]) -> dict[str, dict[str, float]]:
    """Schema 6's sums counted from their meaning: a graded answer has a band the grader
    gives (open answers are "scored"; no band is no grade); its miss is 0 exact, 0.5 close,
    1 off, don't know or unreadable."""
    miss = {"exact": 0.0, "close": 0.5, "off": 1.0, "dont_know": 1.0, "unreadable": 1.0}
    out: dict[str, dict[str, float]] = {}
    for _card, topic, band, _error, _slip in kept:
        row = out.setdefault(topic, {"answers": 0.0, "graded_answers": 0.0, "miss_sum": 0.0})
        row["answers"] += 1
        if band in miss:
            row["graded_answers"] += 1
            row["miss_sum"] += miss[band]
    return out


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graded)
def test_band_misses_slips_and_undos_against_a_hand_count(tmp_path: Path, plan) -> None:
    """Bands, slips, a band changed afterwards and answers taken back (``undo_review``):
    the totals equal a fresh aggregation and a count made in Python from what is left."""
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "bands.db"
    store = Store(path, auto_backup=False)
    try:
        kept: list[tuple] = []
        for index, (card_id, topic, band, error, slip, later, undo) in enumerate(plan):
            at = START + timedelta(minutes=index)
            before = CardRow(card_id, {"hw.a": 1, "hw.b": 2, "ml.d": 3}[card_id], 2, None,
                             3.0, 5.0, at, at, 1, 0)
            review_id = store.record_review(
                ReviewRecord(card_id=card_id, reviewed_at=at, study_day=at.date(), rating=3,
                             mode="drill", kind="fact", topic=topic, band=band,
                             log10_error=error, slip=slip, card_before=before.to_dict()),
                replace(before, due=at + timedelta(days=2)))
            if later is not None:
                with store.transaction() as conn:
                    conn.execute("UPDATE reviews SET band = ? WHERE id = ?", (later, review_id))
                band = later
            if undo:
                store.undo_review(review_id, at)
            else:
                kept.append((card_id, topic, band, error, slip))
        assert_totals_match(store)
        names = ["answers", "graded_answers", "miss_sum"]
        stored = _stored_topic_totals(store, names)
        expected = _band_oracle(kept)
        stored = {topic: row for topic, row in stored.items() if row["answers"]}
        assert stored.keys() == expected.keys()
        for topic, row in expected.items():
            assert stored[topic] == pytest.approx(row), topic
        bias_count = sum(1 for *_rest, error, slip in kept if error is not None and slip is None)
        assert store.conn.execute("SELECT TOTAL(answers) FROM bias_buckets").fetchone()[0] == \
            bias_count
    finally:
        store.close()
