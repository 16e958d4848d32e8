"""Stats and weak areas count a case's graded steps by topic (issue 14 item 5): per topic the
steps, their mean credit, how many were right, consistent, or where the chain broke — checked
against a hand count of the chains played here, through the real session and store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from content.catalog import builtin_catalog
from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.config import Config
from engine.progress.stats import compute_stats, step_miss, step_topics
from engine.progress.weak import rank_topics
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, StudySession
from tests.cases.helpers import core_case

CASE = core_case("case.train_budget")  # topic training.compute
SERVING = replace(CASE, id="case.serving", topic="inference.serving")
JUSTIFY = "MFU is the assumption to benchmark at scale; a contingency buffer for failures."


class OnePicker:
    """Serves one item once."""

    session_config: dict[str, Any] = {}

    def __init__(self, item_id: str) -> None:
        self.item_id, self.served = item_id, False

    def pick(self, session: Any) -> str | None:
        if self.served:
            return None
        self.served = True
        return self.item_id


def _play(store: Store, clock: FakeClock, item_id: str, seed: int, answers: list[Any]
          ) -> Feedback:
    """Play ``item_id`` once; each answer is a factor on the step's reference or "?"."""
    bank = ContentBank({CASE.id: CASE, SERVING.id: SERVING}, builtin_catalog())
    session = StudySession(store, bank, Scheduler(Config()), clock, seed=seed,
                           picker=OnePicker(item_id))
    question = session.next_question()
    assert question is not None and question.case is not None
    typed = [a if isinstance(a, str) else f"{s.reference_display * a:.6g} {s.unit}"
             for s, a in zip(question.case.steps, answers, strict=True)]
    outcome = session.submit_case(typed, JUSTIFY)
    assert isinstance(outcome, Feedback), outcome
    clock.advance(600)
    return outcome


def _three_chains(store: Store, clock: FakeClock) -> list[Feedback]:
    return [
        # training.compute: all four right
        _play(store, clock, CASE.id, 1, [1, 1, 1, 1]),
        # training.compute: step 1 10x low, steps 2-4 right on it (consistent, 0.8 each)
        _play(store, clock, CASE.id, 2, [0.1, 0.1, 0.1, 0.1]),
        # inference.serving: step 1 right, step 2 revealed, step 3 right, step 4 2x high
        _play(store, clock, SERVING.id, 3, [1, "?", 1, 2]),
    ]


def test_step_miss_weighs_a_step_like_a_number() -> None:
    assert step_miss("exact", 1.0) == 0.0
    assert step_miss("close", 0.5) == 0.5
    assert step_miss("off", 0.0) == 1.0  # a broken step: a wrong number
    assert step_miss("revealed", 0.0) == 1.0  # "?": don't know
    assert step_miss("consistent", 0.8) == 0.0  # right on the player's own chain
    assert step_miss("consistent", 0.4) == 0.5  # only close on it


def test_stats_count_steps_by_topic_as_counted_by_hand(tmp_path: Path,
                                                       clock: FakeClock) -> None:
    store = Store(tmp_path / "p.db", clock)
    played = _three_chains(store, clock)
    assert [s.status for s in played[1].grade.chain.steps] == \
        ["off", "consistent", "consistent", "consistent"]
    assert [s.status for s in played[2].grade.chain.steps] == \
        ["exact", "revealed", "exact", "off"]
    # By hand: training.compute 8 steps, 4 exact + 3 consistent + 1 off (broke), credit
    # 4·1 + 3·0.8 + 0 = 6.4, mean 0.8; inference.serving 4 steps, 2 exact, 1 revealed and
    # 1 off (2 broke, 1 of them revealed), credit 2, mean 0.5.
    expected = [
        {"topic": "training.compute", "steps": 8, "mean_credit": pytest.approx(0.8),
         "exact": 4, "consistent": 3, "broke": 1, "revealed": 0},
        {"topic": "inference.serving", "steps": 4, "mean_credit": pytest.approx(0.5),
         "exact": 2, "consistent": 0, "broke": 2, "revealed": 1},
    ]
    assert step_topics(store) == expected
    stats = compute_stats(store, ContentBank({}, builtin_catalog()), Scheduler(Config()),
                          clock.now(), clock.local_tz())
    assert stats.to_json()["graded_steps"] == expected
    store.close()


def test_weak_areas_count_steps_as_band_graded_answers(tmp_path: Path,
                                                       clock: FakeClock) -> None:
    """Band misses by hand: training.compute 1 off of 8 steps (consistent steps matched the
    player's own chain: 0) = 0.125; inference.serving 1 revealed + 1 off of 4 = 0.5. The
    case reviews themselves are scored, not band-graded, so the steps are the only
    band-graded answers here."""
    store = Store(tmp_path / "p.db", clock)
    _three_chains(store, clock)
    bank = ContentBank({CASE.id: CASE, SERVING.id: SERVING}, builtin_catalog())
    ranking = {t.topic: t for t in rank_topics(store, bank, Scheduler(Config()), clock.now())}
    assert ranking["training.compute"].miss_rate == pytest.approx(1 / 8)
    assert ranking["inference.serving"].miss_rate == pytest.approx(2 / 4)
    store.close()


async def test_the_stats_screen_shows_steps_by_topic(tmp_path: Path, clock: FakeClock) -> None:
    """At 80×24, the case-steps section lists each topic's hand-counted figures (the
    section's first line under its title is the topic with the most steps)."""
    from tests.tui._layout import loaded, static_text
    from tui.app import build_app

    db_path = tmp_path / "p.db"
    store = Store(db_path, clock)
    _three_chains(store, clock)
    store.close()
    app = build_app(db_path, clock=clock, start="stats")
    async with loaded(app) as pilot:
        shown = static_text(pilot.app.screen.query_one("#stats-steps")).split("\n")
    assert shown[1:] == [
        "  training.compute: 8 steps, 80% credit — 4 right, 3 consistent, 1 broke",
        "  inference.serving: 4 steps, 50% credit — 2 right, 0 consistent, 2 broke",
    ]
    assert shown[0].startswith("Case steps")


def test_the_steps_section_says_where_cases_come_from_when_empty() -> None:
    from tui.screens.stats import step_lines

    assert "No case steps yet" in "\n".join(step_lines([]))


def test_weak_areas_say_how_many_steps_broke(tmp_path: Path, clock: FakeClock) -> None:
    store = Store(tmp_path / "p.db", clock)
    _three_chains(store, clock)
    bank = ContentBank({CASE.id: CASE, SERVING.id: SERVING}, builtin_catalog())
    ranking = {t.topic: t for t in rank_topics(store, bank, Scheduler(Config()), clock.now())}
    compute, serving = ranking["training.compute"], ranking["inference.serving"]
    assert (compute.graded_steps, compute.steps_broke) == (8, 1)
    assert (serving.graded_steps, serving.steps_broke) == (4, 2)
    assert compute.steps_sentence() == "8 case steps graded, 1 broke the chain"
    store.close()


async def test_the_weak_screen_shows_the_steps_under_the_bias(tmp_path: Path,
                                                              clock: FakeClock) -> None:
    from tests.tui._layout import children_lines, loaded
    from tui.app import TpmDrillApp

    db_path = tmp_path / "p.db"
    store = Store(db_path, clock)
    _three_chains(store, clock)
    store.close()
    bank = ContentBank({CASE.id: CASE, SERVING.id: SERVING}, builtin_catalog())
    app = TpmDrillApp(db_path, clock=clock, start="weak", bank=bank)
    async with loaded(app) as pilot:
        lines = children_lines(pilot.app.screen.query_one("#weak-topics"))
    text = "\n".join(lines)
    assert "4 case steps graded, 2 broke the chain" in text
    assert "8 case steps graded, 1 broke the chain" in text
