"""Stats count katas by topic (issue #13): attempts, distinct katas, the pass rate over every
case checked, attempts solved, and the median of the timed attempts — checked against figures
worked by hand from the attempts recorded, not against the code's own SQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from content.catalog import builtin_catalog
from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.config import Config
from engine.katas.attempts import SingleKataPicker
from engine.katas.runner import CaseResult, CheckReport, RunError
from engine.progress.stats import compute_stats, kata_topics
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession
from tests.katas.conftest import RING


def _report(kata_id: str, passed: int, failed: int, error: RunError | None = None
            ) -> CheckReport:
    cases = [CaseResult({"x": 1.0}, 1.0, 1.0, 0.0, True, "draw") for _ in range(passed)]
    cases += [CaseResult({"x": 1.0}, 1.0, 2.0, 1.0, False, "draw") for _ in range(failed)]
    return CheckReport(kata_id, cases=cases, error=error)


def test_kata_figures_by_topic_match_a_hand_count(tmp_path: Path, clock: FakeClock) -> None:
    other = replace(RING, id="kata.test.ring2")
    third = replace(RING, id="kata.test.other", topic="reliability.failures")
    bank = ContentBank(items={k.id: k for k in (RING, other, third)},
                       catalog=builtin_catalog())
    store = Store(tmp_path / "p.db", clock)
    scheduler = Scheduler(Config())
    # (kata, passed, failed, error, minutes timed or None for a command-line check)
    attempts = [(RING, 60, 0, None, 12.0), (RING, 50, 10, None, 20.0),
                (other, 0, 0, RunError("syntax", "bad", 3), None),
                (other, 30, 30, None, 30.0), (third, 55, 5, None, None)]
    for kata, passed, failed, error, minutes in attempts:
        session = StudySession(store, bank, scheduler, clock, mode="kata",
                               picker=SingleKataPicker(kata.id), seed=1)
        assert session.next_question() is not None
        session.submit_kata("code", _report(kata.id, passed, failed, error),
                            None if minutes is None else minutes * 60)
        clock.advance(3600)
    rows = kata_topics(store)
    # comms.collectives: 4 attempts at 2 katas; cases 60+50+0+30 passed of 60+60+0+60 = 140/180;
    # solved: only the first (60/0); timed: 12, 20, 30 min -> median 20.
    # reliability.failures: 1 attempt, 55/60, not solved (5 failed), never timed.
    assert rows == [
        {"topic": "comms.collectives", "attempts": 4, "katas": 2, "pass_rate": 140 / 180,
         "solved": 1, "median_minutes": 20.0},
        {"topic": "reliability.failures", "attempts": 1, "katas": 1, "pass_rate": 55 / 60,
         "solved": 0, "median_minutes": None},
    ]
    figures = compute_stats(store, bank, scheduler, clock.now(), clock.local_tz()).to_json()
    assert figures["katas"][0]["attempts"] == 4


def test_no_katas_is_an_empty_list_and_the_screen_says_how_to_start(tmp_path: Path,
                                                                     clock: FakeClock) -> None:
    from tui.screens.stats import kata_lines

    store = Store(tmp_path / "p.db", clock)
    assert kata_topics(store) == []
    assert "press k on the home screen" in "\n".join(kata_lines([]))
    line = kata_lines([{"topic": "comms", "attempts": 1, "katas": 1, "pass_rate": 0.5,
                        "solved": 0, "median_minutes": None}])[1]
    assert "1 attempt at 1 kata, 50% of cases pass, 0 solved, median —" in line
