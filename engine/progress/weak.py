"""Weak areas: which topics (and which items in them) the player knows worst, and a picker
that drills them.

A topic's weakness is a number in [0, 1] built from four signals, each turned into a
"badness" in [0, 1] (``None`` when the topic has no data for it):

=================  ======  =====================================================================
signal             weight  badness
=================  ======  =====================================================================
lapse rate         0.35    reviews rated Again among reviews of cards in FSRS review state
                           (before any card graduates: the Again share of all answers). The
                           most direct evidence of forgetting what was once known.
band misses        0.30    how far graded answers missed their item's band, on average: exact
                           0, close 0.5, off / don't know 1 (``engine.store.db.BAND_MISS``).
                           Each graded step of a case (and each probe of an open answer)
                           counts as one such answer (``engine.progress.stats.step_miss``):
                           a step where the chain broke weighs like a wrong number, a
                           consistent one only as far as it missed on the player's own
                           chain. (The case's review itself is scored like an open answer
                           and counts under open coverage with its weighed score.)
                           Numbers are what a modelling-first interview probes, so they weigh
                           almost as much. (Until issue #12 this was the median |log10 error|
                           / 0.5: a close answer to a ±5 % card, 12 % off, is 0.05 decade and
                           counted 0.1, so three close answers among six exact ones hardly
                           registered. The band knows each card's tolerance; the log error
                           does not.)
retrievability     0.20    (1 − mean current FSRS retrievability of the topic's cards) / 0.5,
                           capped: what is likely forgotten *now*, even if past answers were
                           good. Lower weight: it is a model's prediction, not an observation.
open coverage      0.15    1 − mean rubric score of open answers (self-checked score first).
                           Lowest weight: a keyword rubric is the noisiest grader here.
=================  ======  =====================================================================

``raw`` is the weighted mean over the signals present (weights renormalised), then the
**trend** moves it: ``raw + 0.25 · (Again share in the last 30 days − Again share before)``,
counted only with ≥ 3 answers on each side, so improving lowers weakness and slipping raises
it. Last, the score is shrunk toward a prior with the weight of 3 answers,
``(n · s + 3 · prior) / (n + 3)``, so two unlucky answers do not outrank forty bad ones.

The prior is the player's own overall raw score (all answers as one topic), not a fixed 0.3.
Issue #12's case, replayed in ``tests/stats/test_weak_fairness.py``: a topic of 11 answers,
6 exact, 3 close and 2 Again, and three topics of one right answer each, two hours later.
Before, with the fixed prior 0.3 and the median |log10 error|, the 11-answer topic scored
0.131 and each one-answer topic 0.227: one right answer, no evidence of weakness, outranked
demonstrated weakness. Now its raw score is 0.19 (band misses 3.5/11), the prior 0.15 (the
14 answers as one), and it scores 0.185 against 0.115 for each one-right-answer topic. A
topic of one right answer lands at about ¾ of the player's average; a topic answered worse
than average (raw above ¾ of the prior) ranks above it.

Topics are those recorded with the answers (``reviews.topic``); items belong to the topic
their bank item has now (the recorded one when the item left the bank). The bias sentence
is the median signed log10 error without the answers whose grade named a slip (see
``engine.progress.stats.bias_sentence``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine.bank import ContentBank
from engine.progress.stats import (
    RETENTION_WINDOW_DAYS,
    Totals,
    bias_buckets,
    bucket_median,
    card_totals,
    error_buckets,
    step_misses_by_item,
    topic_bias,
)
from engine.store.db import CardRow, Store
from engine.study.scheduler import Scheduler

if TYPE_CHECKING:
    from engine.study.session import StudySession

#: Signal weights (see the module doc for why).
WEIGHT_LAPSE = 0.35
WEIGHT_ERROR = 0.30
WEIGHT_FORGETTING = 0.20
WEIGHT_OPEN = 0.15
#: The trend's weight, and how many answers each side of the 30-day cut needs to count.
WEIGHT_TREND = 0.25
TREND_MIN_ANSWERS = 3
#: Mean retrievability this far below 1 is full forgetting badness.
FORGETTING_FULL = 0.5
#: Shrinkage toward the player's overall raw score with the weight of ``PRIOR_ANSWERS``
#: answers (see the module doc).
PRIOR_ANSWERS = 3
#: An item whose last answer was Again gets this much extra item weakness.
LAST_AGAIN_BONUS = 0.15
#: Seen items at or above this item weakness are "weak" and served before unseen ones; seen
#: items below it are known well enough to leave to the daily drill.
WEAK_ITEM_MIN = 0.15


@dataclass(frozen=True, slots=True)
class ItemWeakness:
    """One item's weakness within its topic (``score`` is ``None`` for an unseen item)."""

    item_id: str
    score: float | None
    answers: int
    retrievability: float | None
    again_share: float | None
    mean_abs_log10_error: float | None
    open_coverage: float | None
    last_rating: int | None

    @property
    def seen(self) -> bool:
        return self.answers > 0


@dataclass(frozen=True)
class TopicWeakness:
    """A topic's weakness score in [0, 1] (higher = weaker), its signals, and its items
    (weakest seen items first, then unseen items of the topic still in the bank).

    ``retention`` is the mean current retrievability of the topic's cards; ``trend`` is the
    Again share of the last 30 days minus the one before (negative = improving);
    ``miss_rate`` the band misses (see the module doc); ``bias_median_log10_error`` and
    ``bias_answers`` what the bias sentence is read from (slips left out).
    """

    topic: str
    score: float
    answers: int
    bias: str
    retention: float | None
    lapse_rate: float | None
    median_abs_log10_error: float | None
    open_coverage: float | None
    trend: float
    items: list[ItemWeakness] = field(default_factory=list)
    mean_log10_error: float | None = None
    numeric_answers: int = 0
    miss_rate: float | None = None
    bias_median_log10_error: float | None = None
    bias_answers: int = 0
    #: Graded steps of the topic's cases (and probes), and how many broke the chain.
    graded_steps: int = 0
    steps_broke: int = 0

    def steps_sentence(self) -> str:
        """"8 case steps graded, 1 broke the chain", or "" with none."""
        if not self.graded_steps:
            return ""
        from engine import counted

        return (f"{counted(self.graded_steps, 'case step')} graded, {self.steps_broke} "
                "broke the chain")


def combine(signals: Mapping[str, float | None]) -> float | None:
    """The weighted mean of the badness signals present (``lapse``, ``error``,
    ``forgetting``, ``open``), weights renormalised; ``None`` when none is present."""
    weights = {"lapse": WEIGHT_LAPSE, "error": WEIGHT_ERROR,
               "forgetting": WEIGHT_FORGETTING, "open": WEIGHT_OPEN}
    present = {name: value for name, value in signals.items() if value is not None}
    if not present:
        return None
    total_weight = sum(weights[name] for name in present)
    return sum(weights[name] * value for name, value in present.items()) / total_weight


def rank_topics(store: Store, bank: ContentBank, scheduler: Scheduler,
                now: datetime) -> list[TopicWeakness]:
    """Every topic the player has answered, weakest first (ties: more answers first); read
    in one snapshot so the totals, buckets and cards agree while another instance answers."""
    with store.snapshot():
        return _rank_topics(store, bank, scheduler, now)


def _rank_topics(store: Store, bank: ContentBank, scheduler: Scheduler,
                 now: datetime) -> list[TopicWeakness]:
    per_card = card_totals(store, now - timedelta(days=RETENTION_WINDOW_DAYS))
    steps_by_item = step_misses_by_item(store)
    for item_id, tally in steps_by_item.items():
        if item_id in per_card:  # a step is weighed like a number: a band-graded answer
            per_card[item_id].graded_answers += tally.steps
            per_card[item_id].miss_sum += tally.miss_sum
    steps_by_topic: dict[str, list[int]] = {}
    for item_id, card in per_card.items():
        if item_id in steps_by_item:
            counts = steps_by_topic.setdefault(card.topic, [0, 0])
            counts[0] += steps_by_item[item_id].steps
            counts[1] += steps_by_item[item_id].broke
    totals: dict[str, Totals] = {}
    for card in per_card.values():
        if card.topic not in totals:
            totals[card.topic] = Totals(card.topic, card.topic)
        totals[card.topic].add(card)
    buckets = error_buckets(store)
    leans = bias_buckets(store)
    items_by_topic = _item_weaknesses(store, bank, scheduler, per_card, now)

    overall = Totals("", "")
    for total in totals.values():
        overall.add(total)
    all_recalls = [i.retrievability for items in items_by_topic.values() for i in items
                   if i.retrievability is not None]
    prior = topic_raw(overall, sum(all_recalls) / len(all_recalls) if all_recalls else None)

    ranked = []
    for name, total in totals.items():
        items = items_by_topic.get(name, [])
        recalls = [i.retrievability for i in items if i.retrievability is not None]
        retention = sum(recalls) / len(recalls) if recalls else None
        median_abs = bucket_median(buckets.get(name, {}), absolute=True)
        trend = 0.0
        if (total.recent_answers >= TREND_MIN_ANSWERS
                and total.earlier_answers >= TREND_MIN_ANSWERS):
            trend = (total.recent_fails / total.recent_answers
                     - total.earlier_fails / total.earlier_answers)
        adjusted = _clamp(topic_raw(total, retention) + WEIGHT_TREND * trend)
        score = shrunk(adjusted, total.answers, prior)
        bias = topic_bias(name, leans, total.numeric_answers)
        ranked.append(TopicWeakness(
            topic=name, score=round(score, 4), answers=total.answers,
            bias=bias.sentence(name),
            retention=retention, lapse_rate=total.lapse_rate,
            median_abs_log10_error=median_abs,
            open_coverage=total.open_coverage, trend=round(trend, 4), items=items,
            mean_log10_error=total.mean_log10_error, numeric_answers=total.numeric_answers,
            miss_rate=total.miss_rate, bias_median_log10_error=bias.median_log10_error,
            bias_answers=bias.answers,
            graded_steps=steps_by_topic.get(name, [0, 0])[0],
            steps_broke=steps_by_topic.get(name, [0, 0])[1],
        ))
    ranked.sort(key=lambda t: (-t.score, -t.answers, t.topic))
    return ranked


def topic_raw(total: Totals, retention: float | None) -> float:
    """The weighted badness of a group of answers before trend and shrinkage (see the
    module doc); 0 when no signal is present."""
    lapse = total.lapse_rate
    misses = total.miss_rate
    return combine({
        "lapse": lapse if lapse is not None else (
            total.fails / total.answers if total.answers else None),
        "error": misses,
        "forgetting": None if retention is None
        else _clamp((1.0 - retention) / FORGETTING_FULL),
        "open": None if total.open_coverage is None else _clamp(1.0 - total.open_coverage),
    }) or 0.0


def shrunk(score: float, answers: int, prior: float) -> float:
    """``score`` over ``answers`` answers pulled toward ``prior`` with the weight of
    ``PRIOR_ANSWERS`` answers."""
    return (answers * score + PRIOR_ANSWERS * prior) / (answers + PRIOR_ANSWERS)


def weak_json(store: Store, bank: ContentBank, scheduler: Scheduler,
              now: datetime) -> list[dict[str, Any]]:
    """``[{"topic", "score", "answers", "bias", "retention"}]``, weakest first, JSON-safe."""
    return [
        {"topic": t.topic, "score": t.score, "answers": t.answers, "bias": t.bias,
         "retention": None if t.retention is None or not math.isfinite(t.retention)
         else round(t.retention, 4)}
        for t in rank_topics(store, bank, scheduler, now)
    ]


class WeakPicker:
    """A weak-area session: weakest topics first; in each, its weak items (worst first), then
    its unseen items. Due dates are ignored, no item is served twice, and the session ends
    after ``limit`` items or when the weak topics run out.

    The ranking is computed once, at the first pick, so a session's order is stable while the
    player answers (re-ranking after every answer would chase its own tail).
    """

    def __init__(self, limit: int = 20, ranking: list[TopicWeakness] | None = None) -> None:
        self.limit = limit
        self._ranking = ranking
        self._queue: list[str] | None = None
        self.served: list[str] = []

    def putback(self, item_id: str) -> None:
        """A card picked but not answered (an undo brought back the previous one): it may be
        served again."""
        if item_id in self.served:
            self.served.remove(item_id)

    def pick(self, session: StudySession) -> str | None:
        if self._queue is None:
            ranking = self._ranking
            if ranking is None:
                ranking = rank_topics(session.store, session.bank, session.scheduler,
                                      session.clock.now())
            self._queue = self.order(ranking, session.bank)
        served_ok = [i for i in self.served if i not in session.unservable]
        if len(served_ok) >= self.limit:
            return None
        already = set(self.served)
        for item_id in self._queue:
            if (item_id not in already and item_id not in session.unservable
                    and item_id != session.last_card_id and item_id in session.bank):
                self.served.append(item_id)
                return item_id
        return None

    @staticmethod
    def order(ranking: list[TopicWeakness], bank: ContentBank) -> list[str]:
        """The serving order: topic by topic (weakest first), weak seen items, then unseen."""
        queue: list[str] = []
        for topic in ranking:
            weak = [i.item_id for i in topic.items
                    if i.seen and i.score is not None and i.score >= WEAK_ITEM_MIN]
            unseen = [i.item_id for i in topic.items if not i.seen]
            queue.extend(item_id for item_id in weak + unseen if item_id in bank)
        return queue


def _item_weaknesses(
    store: Store, bank: ContentBank, scheduler: Scheduler, per_card: Mapping[str, Totals],
    now: datetime,
) -> dict[str, list[ItemWeakness]]:
    """Per topic, its items ranked: seen ones by item weakness (highest first), then unseen
    bank items in the order new cards are introduced.

    An item's weakness uses the topic's signals at item scale (its own lapse rate, band
    misses, retrievability and open coverage), plus a bump when its last answer was Again,
    so what was just missed comes back first.
    """
    cards: dict[str, CardRow] = store.cards()
    # One index seek per answered card for its latest rating (not a pass over all reviews).
    with store.guard() as conn:  # damage met mid-read is a StoreError, not a traceback
        last_rating = dict(conn.execute(
            "SELECT t.card_id, (SELECT r.rating FROM reviews AS r WHERE r.card_id = t.card_id "
            "ORDER BY r.reviewed_at DESC, r.id DESC LIMIT 1) FROM card_totals AS t "
            "WHERE t.answers > 0").fetchall())

    seen: dict[str, list[ItemWeakness]] = {}
    for card_id, total in per_card.items():
        item = bank.get(card_id)
        topic = item.topic if item is not None else total.topic
        card = cards.get(card_id)
        recall = (scheduler.retrievability(card, now)
                  if card is not None and card.stability is not None else None)
        again_share = total.fails / total.answers
        abs_error = total.mean_abs_log10_error
        coverage = total.open_coverage
        raw = topic_raw(total, recall)
        last = last_rating.get(card_id)
        score = _clamp(raw + (LAST_AGAIN_BONUS if last == 1 else 0.0))
        seen.setdefault(topic, []).append(ItemWeakness(
            item_id=card_id, score=round(score, 4), answers=total.answers,
            retrievability=recall, again_share=again_share, mean_abs_log10_error=abs_error,
            open_coverage=coverage, last_rating=last,
        ))
    out: dict[str, list[ItemWeakness]] = {}
    for topic, items in seen.items():
        out[topic] = sorted(items, key=lambda i: (-(i.score or 0.0), i.retrievability or 1.0,
                                                  i.item_id))
    for item_id in bank.new_order():
        if item_id not in per_card:
            topic = bank.items[item_id].topic
            out.setdefault(topic, []).append(ItemWeakness(
                item_id, None, 0, None, None, None, None, None))
    return out


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))
