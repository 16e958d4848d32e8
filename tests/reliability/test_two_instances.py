"""Two instances answering on one database: no "database is locked", nothing lost or doubled.

Each instance is a ``Store`` with its own connection in its own thread (SQLite releases the
GIL, so the writers really overlap); ``BEGIN IMMEDIATE`` plus the busy timeout queues them.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from engine.clock import FakeClock
from engine.store.db import SCHEMA_VERSION, Store
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession
from tests.engine.test_running_totals import assert_totals_match
from tests.reliability.helpers import card, review

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1.db"


def _together(workers: list[Callable[[], None]]) -> list[BaseException]:
    """Run ``workers`` in threads released at the same moment; return what they raised."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        try:
            barrier.wait()
            work()
        except BaseException as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_two_stores_recording_at_once(db_path: Path) -> None:
    """Both introduce new cards, computing ``next_fsrs_id`` outside their transactions."""
    Store(db_path).close()
    per_instance = 150

    def answer(name: str) -> Callable[[], None]:
        def work() -> None:
            store = Store(db_path)
            try:
                for index in range(per_instance):
                    card_id = f"hw.{name}{index % 60}"
                    existing = store.card(card_id)
                    fsrs_id = existing.fsrs_id if existing else store.next_fsrs_id()
                    store.record_review(review(card_id, answer=f"{name}-{index}"),
                                        card(card_id, fsrs_id))
            finally:
                store.close()
        return work

    assert _together([answer("a"), answer("b")]) == []
    store = Store(db_path)
    answers = [row["answer_text"] for row in store.reviews()]
    assert len(answers) == 2 * per_instance
    assert sorted(answers) == sorted(f"{n}-{i}" for n in "ab" for i in range(per_instance))
    fsrs_ids = [row[0] for row in store.conn.execute("SELECT fsrs_id FROM cards")]
    assert len(fsrs_ids) == len(set(fsrs_ids)) == 120
    assert_totals_match(store)
    store.close()


def test_two_drills_at_once(db_path: Path, bank, config) -> None:
    """Two full study sessions (pick, pose, grade, record) on one file, counted exactly."""
    answered: dict[int, int] = {}

    def drill(seed: int) -> Callable[[], None]:
        def work() -> None:
            store = Store(db_path)
            session = StudySession(store, bank, Scheduler(config), FakeClock(), seed=seed)
            try:
                for _ in range(40):
                    if session.next_question() is None:
                        break
                    session.dont_know()
                answered[session.session_id] = session.answered
            finally:
                store.close()
        return work

    Store(db_path).close()
    assert _together([drill(1), drill(2)]) == []
    store = Store(db_path)
    assert len(answered) == 2 and sum(answered.values()) == 80
    for session_id, count in answered.items():
        assert len(store.reviews(session_id)) == count
    assert store.count_reviews() == 80
    assert_totals_match(store)  # the triggers' running totals survived the interleaving
    store.close()


def test_pick_sees_one_consistent_moment_while_another_instance_writes(
        db_path: Path, bank, config) -> None:
    """Another instance uses up today's new cards between two of the picker's reads.

    Without one read snapshot the picker saw no learning cards yet (first read) and the new
    limit already spent (a later read), and ended a drill that had 15 cards to serve — the
    interleaving a loaded CI machine once produced in ``test_two_drills_at_once``.
    """
    Store(db_path).close()
    clock = FakeClock()
    mine = Store(db_path)
    session = StudySession(mine, bank, Scheduler(config), clock, seed=1)
    original_count = mine.review_cards_reviewed_since
    interleaved: list[int] = []

    def count_after_the_other_instance_answers(since: datetime) -> int:
        if not interleaved:
            other_store = Store(db_path)
            other = StudySession(other_store, bank, Scheduler(config), clock, seed=2)
            while other.next_question() is not None and other.answered < config.new_per_day:
                other.dont_know()
            interleaved.append(other.answered)
            other_store.close()
        return original_count(since)

    # Called after the picker has read today's due cards, before it reads the new-card count.
    mine.review_cards_reviewed_since = count_after_the_other_instance_answers  # type: ignore[method-assign]
    try:
        assert session.next_question() is not None
        assert interleaved == [config.new_per_day]
    finally:
        mine.close()


def test_two_instances_opening_a_new_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    versions: list[int] = []

    def open_it() -> None:
        store = Store(path)
        versions.append(store.schema_version())
        store.close()

    assert _together([open_it, open_it, open_it]) == []
    assert versions == [SCHEMA_VERSION] * 3


def test_two_instances_migrating_an_old_file_at_once(tmp_path: Path) -> None:
    """Both find schema 1; the second must see the first's ALTER TABLEs, not repeat them."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    versions: list[int] = []

    def open_it() -> None:
        store = Store(path, auto_backup=False)
        versions.append(store.schema_version())
        store.close()

    assert _together([open_it, open_it]) == []
    assert versions == [SCHEMA_VERSION] * 2
    store = Store(path)
    assert len(store.reviews()) == 6
    store.close()


def test_opening_while_another_instance_migrates_is_no_damage(tmp_path: Path,
                                                              monkeypatch) -> None:
    """The interleaving a loaded CI machine produced in the test above: one instance reads the
    file's tables, another commits the next migration step (its tables and its version), and
    the first then reads the new version and finds that step's tables "missing". The version
    is read first now; this test forces the interleaving with a file left at schema 1."""
    import sqlite3

    from engine.store import db as store_db

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in store_db._split_sql(store_db._MIGRATIONS[1]):
        conn.execute(statement)
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1') "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    conn.close()
    original = Store.schema_version
    migrated: list[int] = []

    def another_instance_migrates_first(self: Store) -> int:
        if not migrated:
            migrated.append(1)
            other = Store(path)
            migrated.append(other.schema_version())
            other.close()
        return original(self)

    monkeypatch.setattr(Store, "schema_version", another_instance_migrates_first)
    store = Store(path)
    try:
        assert migrated == [1, SCHEMA_VERSION]
        assert original(store) == SCHEMA_VERSION
    finally:
        store.close()
