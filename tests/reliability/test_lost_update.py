"""Two instances answering the same card: no update of the card's schedule is lost.

Issue #11: both instances read the card (``reps = 1``), both computed the next FSRS state from
it and both wrote: after three reviews the card said ``reps = 2``. The card is now read inside
the ``BEGIN IMMEDIATE`` transaction that writes the review and the new state, so the second
writer waits for the first and builds on its result. The interleaving is forced: the first
instance is held between its read and its write (inside ``Scheduler.review``) while the second
answers, until the second has either finished (the old race) or is seen waiting for the lock
(``Store.on_wait``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession


class _Same:
    """A picker that always asks one card, as two windows on the same due card would."""

    def __init__(self, card_id: str) -> None:
        self.card_id = card_id

    def pick(self, session: StudySession) -> str:
        return self.card_id


def _fact_id(bank: Any) -> str:
    return next(item.id for item in bank.items.values() if item.kind == "fact")


def _session(db_path: Path, bank: Any, card_id: str) -> StudySession:
    store = Store(db_path, auto_backup=False)
    session = StudySession(store, bank, Scheduler(Config()), FakeClock(), seed=1,
                           picker=_Same(card_id))
    assert session.next_question() is not None
    return session


def _hold_first_review_while(session: StudySession, other_work: Callable[[], None]) -> list[str]:
    """Make ``session``'s next ``Scheduler.review`` (between reading the card and writing its
    new state) run ``other_work`` in another thread and wait until that work has finished or
    is waiting for the write lock. Returns what happened, for the assertions."""
    scheduler = session.scheduler
    real_review = scheduler.review
    happened: list[str] = []

    def review_with_interleaving(*args: Any, **kwargs: Any) -> Any:
        scheduler.review = real_review  # type: ignore[method-assign]  # only the first call
        settled = threading.Event()

        def run_other() -> None:
            try:
                other_work()
                happened.append("other finished")
            except BaseException as error:  # reported by the assertions below
                happened.append(f"other failed: {error!r}")
            settled.set()

        thread = threading.Thread(target=run_other)
        happened.append("holding")
        # The other instance signals through its store's on_wait that it is blocked.
        session._other_waiting = settled  # type: ignore[attr-defined]
        thread.start()
        assert settled.wait(timeout=60), "the other instance neither finished nor waited"
        result = real_review(*args, **kwargs)
        session._other_thread = thread  # type: ignore[attr-defined]
        return result

    scheduler.review = review_with_interleaving  # type: ignore[method-assign]
    return happened


def _waits_signal(other: StudySession, first: StudySession) -> None:
    """Tell ``first``'s hold that ``other`` is waiting for the lock, the first time it is."""
    def on_wait(seconds_waited: float) -> None:
        event = getattr(first, "_other_waiting", None)
        if event is not None and not event.is_set():
            other.store.__dict__.setdefault("_waited", True)
            event.set()

    other.store.on_wait = on_wait


def _card_befores(store: Store, card_id: str) -> list[int]:
    return [json.loads(row["card_before_json"])["reps"] for row in store.reviews()
            if row["card_id"] == card_id]


def test_two_answers_to_one_card_at_once_both_count(db_path: Path, bank) -> None:
    card_id = _fact_id(bank)
    Store(db_path, auto_backup=False).close()
    first, second = _session(db_path, bank, card_id), _session(db_path, bank, card_id)
    _waits_signal(second, first)
    happened = _hold_first_review_while(first, second.dont_know)
    try:
        first.dont_know()
        first._other_thread.join(timeout=60)  # type: ignore[attr-defined]
        assert happened[0] == "holding" and "other finished" in happened
        third = _session(db_path, bank, card_id)  # a third answer, after both
        third.dont_know()
        third.store.close()
        stored = first.store.card(card_id)
        assert stored is not None and stored.reps == 3
        assert sorted(_card_befores(first.store, card_id)) == [0, 1, 2]
        was_new = [row["was_new"] for row in first.store.reviews()]
        assert sorted(was_new) == [0, 0, 1]  # only the first answer met a new card
        assert second.store.__dict__.get("_waited")  # the second really queued behind
    finally:
        first.store.close()
        second.store.close()


def test_a_rerating_while_another_instance_answers_keeps_both(db_path: Path, bank) -> None:
    """Instance A re-rates its answer while B answers the same card: B's answer must build on
    A's re-rated state, not be overwritten by a state computed before it."""
    card_id = _fact_id(bank)
    Store(db_path, auto_backup=False).close()
    first, second = _session(db_path, bank, card_id), _session(db_path, bank, card_id)
    try:
        first.dont_know()
        _waits_signal(second, first)
        happened = _hold_first_review_while(first, second.dont_know)
        first.override(3)
        first._other_thread.join(timeout=60)  # type: ignore[attr-defined]
        assert "other finished" in happened
        stored = first.store.card(card_id)
        assert stored is not None and stored.reps == 2
        assert sorted(_card_befores(first.store, card_id)) == [0, 1]
        ratings = [row["rating"] for row in first.store.reviews()]
        assert ratings == [3, 1]
    finally:
        first.store.close()
        second.store.close()


def test_a_rerating_after_another_answer_keeps_the_later_schedule(db_path: Path,
                                                                  bank) -> None:
    """B answered the card after A's answer; A then re-rates: A's rating changes, the card
    keeps the schedule B's (later) answer gave it."""
    card_id = _fact_id(bank)
    Store(db_path, auto_backup=False).close()
    first, second = _session(db_path, bank, card_id), _session(db_path, bank, card_id)
    try:
        first.dont_know()
        second.dont_know()
        after_second = second.store.card(card_id)
        first.override(4)
        assert first.store.card(card_id) == after_second
        assert [row["rating"] for row in first.store.reviews()] == [4, 1]
    finally:
        first.store.close()
        second.store.close()


_CHILD = textwrap.dedent("""
    import sys
    from engine.bank import load_content
    from engine.clock import SystemClock
    from engine.config import Config
    from engine.study.scheduler import Scheduler
    from engine.study.session import StudySession
    from engine.store.db import Store

    class Same:
        def pick(self, session):
            return sys.argv[2]

    store = Store(sys.argv[1], auto_backup=False)
    session = StudySession(store, load_content(), Scheduler(Config()), SystemClock(),
                           seed=int(sys.argv[3]), picker=Same())
    print("ready", flush=True)
    sys.stdin.readline()  # the parent releases both children at once
    for _ in range(int(sys.argv[4])):
        session.next_question()
        session.dont_know()
    store.close()
    print("done", flush=True)
""")


def test_two_processes_hammering_one_card(db_path: Path, bank) -> None:
    """Real processes, each answering the same card 25 times as fast as it can: the card's
    ``reps`` is the number of answers and each answer started from a distinct state."""
    card_id, per_process = _fact_id(bank), 25
    Store(db_path, auto_backup=False).close()
    root = Path(__file__).resolve().parents[2]
    children = [subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db_path), card_id, str(seed), str(per_process)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=root) for seed in (1, 2)]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            _out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    store = Store(db_path, auto_backup=False)
    try:
        stored = store.card(card_id)
        assert stored is not None and stored.reps == 2 * per_process
        assert sorted(_card_befores(store, card_id)) == list(range(2 * per_process))
    finally:
        store.close()
