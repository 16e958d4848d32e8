"""Weak areas, fairer (issue #12), each complaint reproduced from its description:

* "a topic with 11 answers, 2 Again and 3 close ranks below topics with one right answer";
* "every topic shows 'recall now 100 %'";
* "the bias 'you underestimate training.parallelism by 1.8×' came from one
  fraction-for-percent slip the grader had already named (median error 1.01×)".
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.config import Config
from engine.progress.stats import compute_stats
from engine.progress.weak import rank_topics
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, StudySession
from tests.engine.conftest import deck_bank, fact

MORNING = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

PERCENT = """
[[facts]]
id = "tp.p{n}"
topic = "training.parallelism"
level = "L5"
prompt = "Share {n}, in %?"
value = {value}
value_unit = "%"
unit = "%"
tolerance = "rel:5%,15%"
explanation = "Because."
source = "Test deck"
"""


def _play(store: Store, bank: ContentBank, clock: FakeClock,
          typed: dict[str, str]) -> dict[str, Feedback]:
    """Answer each item of ``typed`` once, as a new card, in the drill's order."""
    session = StudySession(store, bank, Scheduler(replace(Config(), new_per_day=100)), clock,
                           seed=5)
    outcomes: dict[str, Feedback] = {}
    while len(outcomes) < len(typed):
        question = session.next_question()
        assert question is not None
        if question.item_id in outcomes or question.item_id not in typed:
            session.submit("?")
            continue
        clock.advance(3)  # an Again's minute step stays ahead while the new cards are met
        outcome = session.submit(typed[question.item_id])
        assert isinstance(outcome, Feedback), outcome
        outcomes[question.item_id] = outcome
    session.finish()
    return outcomes


def test_demonstrated_weakness_ranks_above_one_right_answer(store: Store,
                                                            tmp_path: Path) -> None:
    weak = [fact(f"ic.f{n:02d}", 100 + n, topic="hardware.interconnect") for n in range(11)]
    lucky = [fact(f"one.{name}", 50, topic=topic) for name, topic in
             (("a", "inference.memory"), ("b", "cost.training"), ("c", "energy.power"))]
    bank = deck_bank(tmp_path, *weak, *lucky)
    typed = {f"ic.f{n:02d}": f"{100 + n} B" for n in range(6)}              # 6 exact
    typed.update({f"ic.f{n:02d}": f"{(100 + n) * 1.12:.1f} B" for n in (6, 7, 8)})  # close
    typed.update({"ic.f09": "?", "ic.f10": "?"})                            # 2 Again
    typed.update({"one.a": "50 B", "one.b": "50 B", "one.c": "50 B"})       # one right each
    clock = FakeClock(MORNING)
    outcomes = _play(store, bank, clock, typed)
    assert [outcomes[f"ic.f{n:02d}"].verdict for n in range(11)] == \
        ["exact"] * 6 + ["close"] * 3 + ["don't know"] * 2
    clock.advance(hours=2)
    ranking = rank_topics(store, bank, Scheduler(Config()), clock.now())
    by_topic = {t.topic: t for t in ranking}
    assert by_topic["hardware.interconnect"].answers == 11
    assert ranking[0].topic == "hardware.interconnect"
    for topic in ("inference.memory", "cost.training", "energy.power"):
        assert by_topic["hardware.interconnect"].score > by_topic[topic].score, topic
    # The band misses, counted by hand: 3 close × 0.5 + 2 don't know × 1, over 11.
    assert by_topic["hardware.interconnect"].miss_rate == pytest.approx(3.5 / 11)
    assert by_topic["inference.memory"].miss_rate == 0.0


def test_a_single_right_answer_sits_below_the_players_average(store: Store,
                                                              tmp_path: Path) -> None:
    """The prior is the player's own level: with 5 bad answers elsewhere, a topic of one
    right answer is not weak, and it ranks below the topic that was answered badly."""
    bank = deck_bank(tmp_path, *(fact(f"bad.f{n}", 10 + n, topic="comms.collectives")
                                 for n in range(5)), fact("good.x", 7, topic="cost.training"))
    typed = {f"bad.f{n}": "?" for n in range(5)} | {"good.x": "7 B"}
    clock = FakeClock(MORNING)
    _play(store, bank, clock, typed)
    ranking = rank_topics(store, bank, Scheduler(Config()), clock.now())
    assert [t.topic for t in ranking] == ["comms.collectives", "cost.training"]
    good = ranking[1]
    assert good.score < ranking[0].score
    assert good.score < 0.75 * _overall_raw_upper_bound()


def _overall_raw_upper_bound() -> float:
    """All six answers as one topic: at most 5/6 Again and 5/6 misses, so raw ≤ 5/6."""
    return 5 / 6


def _retrievability(stability_days: float, elapsed_days: float) -> float:
    """FSRS-6's forgetting curve with the default decay w20 = 0.1542, written out here:
    R = (1 + F·t/S)^(−w20), F = 0.9^(−1/w20) − 1 (fractional days)."""
    decay = 0.1542
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * elapsed_days / stability_days) ** (-decay)


def test_recall_now_is_the_cards_retrievability_now_not_100_percent(store: Store,
                                                                    tmp_path: Path) -> None:
    """A week of play: topics answered on day one, day three and an hour ago each read
    their own recall, below 100 %, matching the forgetting curve at the real elapsed time."""
    bank = deck_bank(tmp_path, fact("mon.x", 10, topic="hardware.memory"),
                     fact("wed.x", 20, topic="hardware.compute"),
                     fact("sun.x", 30, topic="inference.latency"))
    clock = FakeClock(MORNING)
    when = {}
    for item_id, value, gap_days in (("mon.x", 10, 0), ("wed.x", 20, 2), ("sun.x", 30, 4)):
        clock.advance(days=gap_days)
        session = StudySession(store, bank, Scheduler(Config()), clock, seed=1)
        while (question := session.next_question()) is not None:
            if question.item_id == item_id:
                session.submit(f"{value} B")
                clock.advance(minutes=10)
                session.next_question()
                session.submit(f"{value} B")  # through both steps: graduated
                break
            session.submit("?")  # not this one's day
        when[item_id] = clock.now()
    clock.advance(hours=1)
    now = clock.now()
    ranking = {t.topic: t for t in rank_topics(store, bank, Scheduler(Config()), now)}
    shown = {topic: ranking[topic].retention for topic in
             ("hardware.memory", "hardware.compute", "inference.latency")}
    assert all(value is not None and value < 1.0 for value in shown.values()), shown
    assert len({round(value, 6) for value in shown.values()}) == 3
    for item_id, topic in (("mon.x", "hardware.memory"), ("wed.x", "hardware.compute"),
                           ("sun.x", "inference.latency")):
        card = store.card(item_id)
        assert card is not None and card.last_review is not None
        elapsed = (now - card.last_review).total_seconds() / 86_400
        item = next(i for i in ranking[topic].items if i.item_id == item_id)
        assert item.retrievability == pytest.approx(_retrievability(card.stability, elapsed))
    # The card answered an hour ago: under 100 % too (py-fsrs' whole days said 1.0).
    assert ranking["inference.latency"].items[0].retrievability < 1.0


def test_a_named_slip_is_no_bias_and_the_median_is_the_centre(store: Store,
                                                               tmp_path: Path) -> None:
    """Seven answers 1 % high and one fraction typed for a percent (named by the grader):
    the mean log error of the eight is (7·log10 1.01 − 2)/8 = −0.246 decade, the issue's
    "underestimate by 1.8×"; the slip left out, the median is 1.01×: no bias."""
    values = [20, 30, 40, 50, 60, 70, 80, 90]
    bank = deck_bank(tmp_path, *(PERCENT.format(n=n, value=v) for n, v in enumerate(values)))
    typed = {f"tp.p{n}": f"{v * 1.01:.2f} %" for n, v in enumerate(values[:7])}
    typed["tp.p7"] = "0.9"  # 90 % typed as a fraction
    clock = FakeClock(MORNING)
    outcomes = _play(store, bank, clock, typed)
    assert outcomes["tp.p7"].grade.slip and "fraction" in outcomes["tp.p7"].grade.slip
    mean = (7 * math.log10(1.01) - 2) / 8
    assert 10 ** -mean == pytest.approx(1.76, abs=0.01)  # what the issue was shown as 1.8×
    [topic] = rank_topics(store, bank, Scheduler(Config()), clock.now())
    assert topic.mean_log10_error == pytest.approx(mean, abs=1e-6)
    assert topic.bias == "no consistent bias (7 answers; 1 named slip left out)"
    assert topic.bias_answers == 7
    assert topic.bias_median_log10_error == pytest.approx(math.log10(1.01), abs=0.006)
    stats = compute_stats(store, bank, Scheduler(Config()), clock.now(), UTC)
    [row] = stats.topics
    assert row["bias"] == topic.bias and row["slips"] == 1


def test_a_lean_is_the_median_not_the_mean(store: Store, tmp_path: Path) -> None:
    """Five answers 3× low and two 15.6× high (no known slip): the mean of the seven log
    errors is about 0, "no bias"; the median says 3× low, as five of seven answers do."""
    values = [100, 200, 300, 400, 500, 600, 700]
    bank = deck_bank(tmp_path, *(fact(f"lean.f{n}", v, topic="inference.memory")
                                 for n, v in enumerate(values)))
    typed = {f"lean.f{n}": f"{v / 3:.4g} B" for n, v in enumerate(values[:5])}
    typed |= {"lean.f5": f"{600 * 15.6:.6g} B", "lean.f6": f"{700 * 15.6:.6g} B"}
    clock = FakeClock(MORNING)
    outcomes = _play(store, bank, clock, typed)
    assert not any(outcome.grade.slip for outcome in outcomes.values())
    [topic] = rank_topics(store, bank, Scheduler(Config()), clock.now())
    mean = (5 * math.log10(1 / 3) + 2 * math.log10(15.6)) / 7
    assert abs(mean) < math.log10(1.15)  # the mean would call it no bias
    assert topic.bias == "you underestimate inference.memory by 3.0× (median of 7 answers)"


def test_an_old_review_without_a_slip_still_counts(store: Store, tmp_path: Path) -> None:
    """The running totals keep numeric answers of a topic with no slip named in the bias."""
    bank = deck_bank(tmp_path, *(fact(f"x.f{n}", 10 + n) for n in range(3)))
    _play(store, bank, FakeClock(MORNING), {f"x.f{n}": f"{(10 + n) * 2} B" for n in range(3)})
    [topic] = rank_topics(store, bank, Scheduler(Config()), MORNING + timedelta(hours=1))
    assert topic.bias == "you overestimate hardware.memory by 2.0× (median of 3 answers)"
