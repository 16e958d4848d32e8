"""Progress figures: totals, today, streak, true retention, the due forecast, a heatmap,
per-topic accuracy and bias, the error distribution, interval calibration, open-answer
self-grading gap, and past loops.

Everything is read from the progress database read-only, from the running totals the store
keeps with every review (schema 5: per study day, topic, card and error bucket; see
``engine.store.db``), so opening stats on five years of history reads a few hundred rows, not
500,000 reviews. Only the last 30 days (the trend) and the typed intervals are read from
``reviews`` itself, on their indexes. Medians of log10 errors come from a histogram of
0.01-decade buckets (a median good to ±0.005 decade, i.e. ±1.2 %), which is finer than any
answer is graded.

The topic-level queries here are shared with ``engine.progress.weak`` (weak-area ranking).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from itertools import groupby
from typing import Any

from engine import counted, finite_or_none
from engine.bank import ContentBank
from engine.loop.session import loop_summaries
from engine.store.db import TOTAL_TERMS, Store, iso
from engine.study.scheduler import Scheduler, day_start

#: Width of one error bucket in decades (the store's ``BUCKET_SQL`` floors to 0.01 decade).
BUCKET_DECADES = 0.01

#: A median signed log10 error is called a bias only past a factor of 1.15 and 3 answers:
#: smaller medians are within the grading bands' noise.
BIAS_MIN_LOG10 = math.log10(1.15)
BIAS_MIN_ANSWERS = 3
#: True retention is shown only over at least this many review-state answers: on day one
#: "0 % of 1 reviews" alarms for what is one answer (issue #12). Below it the figure is
#: ``None`` and ``retention_30d_reviews`` says how many there are so far.
RETENTION_MIN_REVIEWS = 10
#: A topic's true retention (over its whole history) is shown from the same count, for the
#: same reason: below 10 review-state answers one answer moves the figure by 10 points or
#: more ("0 %" after one lapse). Below it the topic's ``retention`` is ``None`` and
#: ``retention_reviews`` says how many there are so far.
TOPIC_RETENTION_MIN_REVIEWS = RETENTION_MIN_REVIEWS

#: How many study days the progress figures look back over.
RETENTION_WINDOW_DAYS = 30
HEATMAP_DAYS = 182
FORECAST_DAYS = 14

#: The error histogram: bins of 0.1 decade from −2 to +2, plus under/overflow.
HISTOGRAM_LO_LOG10 = -2.0
HISTOGRAM_HI_LOG10 = 2.0
HISTOGRAM_BIN_LOG10 = 0.1


# -- shared topic aggregates ----------------------------------------------------------------


@dataclass(slots=True)
class Totals:
    """Answers summed in SQL for one topic (as recorded with each answer) or one card.

    ``review_answers`` / ``review_passed`` are answers to cards that were in review state
    (the base of true retention and of the lapse rate); ``fails`` are answers rated Again;
    ``numeric_answers`` have a finite log10 error (+ = over); open answers are scored by
    ``COALESCE(self_score, auto_score)``; ``gap_*`` cover open answers with both scores;
    ``recent_*`` count answers at or after the trend cut-off.
    """

    key: str
    topic: str
    answers: int = 0
    review_answers: int = 0
    review_passed: int = 0
    fails: int = 0
    numeric_answers: int = 0
    log10_error_sum: float = 0.0
    abs_log10_error_sum: float = 0.0
    open_answers: int = 0
    open_score_sum: float = 0.0
    gap_answers: int = 0
    gap_sum: float = 0.0
    graded_answers: int = 0
    miss_sum: float = 0.0
    recent_answers: int = 0
    recent_fails: int = 0

    def add(self, other: Totals) -> None:
        """Fold another group's sums into this one (cards into their topic)."""
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def earlier_answers(self) -> int:
        return self.answers - self.recent_answers

    @property
    def earlier_fails(self) -> int:
        return self.fails - self.recent_fails

    @property
    def mean_log10_error(self) -> float | None:
        """Mean signed log10 error of numeric answers (+ = overestimate)."""
        return self.log10_error_sum / self.numeric_answers if self.numeric_answers else None

    @property
    def miss_rate(self) -> float | None:
        """How far band-graded answers missed, on average: exact 0, close 0.5, off, don't
        know or unreadable 1 (``engine.store.db.BAND_MISS``); ``None`` with none."""
        return self.miss_sum / self.graded_answers if self.graded_answers else None

    @property
    def mean_abs_log10_error(self) -> float | None:
        return self.abs_log10_error_sum / self.numeric_answers if self.numeric_answers else None

    @property
    def open_coverage(self) -> float | None:
        """Mean rubric score of open answers, the self-checked score where given."""
        return self.open_score_sum / self.open_answers if self.open_answers else None

    @property
    def true_retention(self) -> float | None:
        """Share of review-state answers rated above Again; ``None`` with none."""
        return self.review_passed / self.review_answers if self.review_answers else None

    @property
    def lapse_rate(self) -> float | None:
        """Share of review-state answers rated Again (1 − true retention)."""
        if not self.review_answers:
            return None
        return (self.review_answers - self.review_passed) / self.review_answers


_SUMMED = ("answers", "review_answers", "review_passed", "fails", "numeric_answers",
           "log10_error_sum", "abs_log10_error_sum", "open_answers", "open_score_sum",
           "gap_answers", "gap_sum", "graded_answers", "miss_sum", "recent_answers",
           "recent_fails")

_COLUMNS = ", ".join(name for name, _ in TOTAL_TERMS)


def _totals(store: Store, table: str, key: str, recent_since: datetime | None,
            ) -> dict[str, Totals]:
    """Running totals from ``table`` (``topic_totals`` or ``card_totals``) keyed by ``key``;
    with ``recent_since``, the answers since then (the trend) counted on the time index."""
    out: dict[str, Totals] = {}
    with store.guard() as conn:  # damage met mid-read is a StoreError, not a traceback
        for row in conn.execute(  # both tables have a topic column (the key, or a label)
                f"SELECT {key}, topic, {_COLUMNS} FROM {table} WHERE answers > 0"):
            out[row[0]] = Totals(row[0], row[1], *row[2:])
        if recent_since is not None:
            # INDEXED BY: left alone, SQLite walks the whole (card_id, reviewed_at) index to
            # avoid sorting for the GROUP BY: 80 ms on five years instead of 8 ms.
            for name, answers, fails in conn.execute(
                    f"SELECT {key}, COUNT(*), TOTAL(rating = 1) FROM reviews "
                    f"INDEXED BY reviews_time WHERE reviewed_at >= ? GROUP BY {key}",
                    (iso(recent_since),)):
                if name in out:
                    out[name].recent_answers, out[name].recent_fails = answers, int(fails)
    return out


def topic_totals(store: Store, recent_since: datetime | None = None) -> dict[str, Totals]:
    """Per-topic totals over every review (the topic recorded with each answer); answers at
    or after ``recent_since`` also count as recent (the trend)."""
    return _totals(store, "topic_totals", "topic", recent_since)


def card_totals(store: Store, recent_since: datetime | None = None) -> dict[str, Totals]:
    """Per-card totals over every review (``topic`` is the topic of the card's latest
    answer; ``Totals.add`` folds cards into topics)."""
    return _totals(store, "card_totals", "card_id", recent_since)


def error_buckets(store: Store, table: str = "error_buckets") -> dict[str, dict[int, int]]:
    """Per topic, how many numeric answers fell in each 0.01-decade bucket of signed log10
    error: ``{topic: {floor(100·log10_error): count}}``. Bounded by topics × buckets, not by
    the number of reviews. ``table="bias_buckets"`` leaves out the answers whose grade named
    a slip (what the bias is read from)."""
    if table not in {"error_buckets", "bias_buckets"}:
        raise ValueError(f"no bucket table {table!r}")
    out: dict[str, dict[int, int]] = {}
    with store.guard() as conn:
        for topic, bucket, count in conn.execute(
                f"SELECT topic, bucket, answers FROM {table} WHERE answers > 0"):
            out.setdefault(topic, {})[int(bucket)] = count
    return out


def bias_buckets(store: Store) -> dict[str, dict[int, int]]:
    """``error_buckets`` without the answers whose grade named a slip."""
    return error_buckets(store, "bias_buckets")


@dataclass(frozen=True, slots=True)
class Bias:
    """A topic's lean: the median signed log10 error of its numeric answers (+ = over),
    over ``answers`` of them, after leaving out ``slips`` whose grade named a slip."""

    median_log10_error: float | None
    answers: int
    slips: int

    def sentence(self, topic: str) -> str:
        return bias_sentence(topic, self.median_log10_error, self.answers, self.slips)


def topic_bias(topic: str, bias_counts: Mapping[str, Mapping[int, int]],
               numeric_answers: int) -> Bias:
    """The bias of ``topic`` from the bias buckets (see ``Bias``)."""
    buckets = bias_counts.get(topic, {})
    answers = sum(buckets.values())
    return Bias(bucket_median(buckets), answers, max(0, numeric_answers - answers))


def bucket_median(buckets: Mapping[int, int], absolute: bool = False) -> float | None:
    """The median of log10 errors from their 0.01-decade buckets (bucket midpoints), signed
    or of the absolute values; ``None`` with no answers."""
    total = sum(buckets.values())
    if total == 0:
        return None
    points: dict[float, int] = {}
    for bucket, count in buckets.items():
        mid = (bucket + 0.5) * BUCKET_DECADES
        key = abs(mid) if absolute else mid
        points[key] = points.get(key, 0) + count
    ordered = sorted(points.items())
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value, count in ordered:
        if lower is None and seen + count > lower_rank:
            lower = value
        if seen + count > upper_rank:
            upper = value
            break
        seen += count
    assert lower is not None and upper is not None
    return round((lower + upper) / 2, 4)


def bias_sentence(topic: str, median_log10_error: float | None, numeric_answers: int,
                  slips: int = 0) -> str:
    """The player's bias on a topic in plain words, from the median signed log10 error.

    A median of −0.4 decade over 14 answers reads "you underestimate inference.latency by
    2.5× (median of 14 answers)"; a median under log10(1.15) or fewer than 3 answers is "no
    consistent bias". The factor is 10^|median|: half the answers are further off than it.

    The median, not the mean: issue #12 saw "you underestimate training.parallelism by 1.8×"
    from seven answers within 1 % and one fraction typed for a percent (100× low): the mean
    of the log errors is −0.25 decade (1.8×), the median −0.004 (1.01×). Answers whose grade
    named a slip are left out before (``slips`` of them, said in the sentence): a named slip
    is a slip, not a lean.
    """
    left_out = f"; {counted(slips, 'named slip')} left out" if slips else ""
    if numeric_answers == 0 or median_log10_error is None:
        return f"no numeric answers yet{f' ({left_out[2:]})' if slips else ''}"
    if numeric_answers < BIAS_MIN_ANSWERS or abs(median_log10_error) <= BIAS_MIN_LOG10:
        return f"no consistent bias ({counted(numeric_answers, 'answer')}{left_out})"
    verb = "overestimate" if median_log10_error > 0 else "underestimate"
    factor = 10 ** abs(median_log10_error)
    factor_text = f"{factor:.1f}×" if factor < 10 else f"{factor:.0f}×"
    return (f"you {verb} {topic} by {factor_text} (median of "
            f"{counted(numeric_answers, 'answer')}{left_out})")


# -- the figures ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts of signed log10 errors in equal bins from ``lo_log10`` (``bin_log10`` wide),
    with everything below in ``underflow`` and at or above the top in ``overflow``."""

    lo_log10: float
    bin_log10: float
    counts: tuple[int, ...]
    underflow: int
    overflow: int

    @property
    def edges_log10(self) -> list[float]:
        """The bin edges, ``len(counts) + 1`` of them."""
        return [round(self.lo_log10 + i * self.bin_log10, 6) for i in range(len(self.counts) + 1)]

    @property
    def total(self) -> int:
        return sum(self.counts) + self.underflow + self.overflow

    def to_json(self) -> dict[str, Any]:
        return {"edges_log10": self.edges_log10, "counts": list(self.counts),
                "underflow": self.underflow, "overflow": self.overflow}


def histogram_from_buckets(buckets: Iterable[Mapping[int, int]]) -> Histogram:
    """The 0.1-decade histogram, re-binned from 0.01-decade floor buckets (they nest exactly,
    since every 0.1 edge is a 0.01 edge)."""
    per_bin = round(HISTOGRAM_BIN_LOG10 / BUCKET_DECADES)
    lo_bucket = round(HISTOGRAM_LO_LOG10 / BUCKET_DECADES)
    hi_bucket = round(HISTOGRAM_HI_LOG10 / BUCKET_DECADES)
    counts = [0] * ((hi_bucket - lo_bucket) // per_bin)
    under = over = 0
    for topic_buckets in buckets:
        for bucket, count in topic_buckets.items():
            if bucket < lo_bucket:
                under += count
            elif bucket >= hi_bucket:
                over += count
            else:
                counts[(bucket - lo_bucket) // per_bin] += count
    return Histogram(HISTOGRAM_LO_LOG10, HISTOGRAM_BIN_LOG10, tuple(counts), under, over)


@dataclass(frozen=True, slots=True)
class CalibrationFigure:
    """How often typed intervals held the truth, and their mean interval score (decades,
    lower is better), over ``count`` intervals."""

    count: int
    hit_rate: float | None
    mean_interval_score: float | None

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "hit_rate": finite_or_none(self.hit_rate),
                "mean_interval_score": finite_or_none(self.mean_interval_score)}


@dataclass(frozen=True)
class Stats:
    """Every progress figure the stats screen and ``stats --json`` show (see module doc)."""

    day: date
    reviews_total: int
    reviews_today: int
    streak_days: int
    retention_30d: float | None
    retention_30d_reviews: int
    desired_retention: float
    due_forecast: list[int]
    heatmap: list[tuple[date, int]]
    #: Per topic, most answered first: answers (``reviews``), true retention (``None`` below
    #: ``TOPIC_RETENTION_MIN_REVIEWS`` review-state answers; ``retention_reviews`` counts
    #: them), median and mean log10 error, the bias sentence and its figures.
    topics: list[dict[str, Any]]
    error_distribution: Histogram
    calibration: CalibrationFigure
    calibration_by_topic: dict[str, CalibrationFigure]
    open_gap: float | None
    open_gap_answers: int
    loops: list[dict[str, Any]]
    promotions: list[dict[str, Any]] = field(default_factory=list)
    #: Answers taken back (``undo``) in all, and today.
    undone_total: int = 0
    undone_today: int = 0
    #: The fewest review-state answers ``retention_30d`` is shown for.
    retention_min_reviews: int = RETENTION_MIN_REVIEWS
    #: The fewest review-state answers a topic's ``retention`` is shown for.
    topic_retention_min_reviews: int = TOPIC_RETENTION_MIN_REVIEWS
    #: Katas per topic (``kata_topics``): attempts, pass rate, solved, median minutes.
    katas: list[dict[str, Any]] = field(default_factory=list)
    #: Graded steps per topic (``step_topics``: case chains and open answers' probes):
    #: steps, mean credit, exact, consistent, broke.
    graded_steps: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict: the required keys first, then the extras; NaN becomes null."""
        data = {
            "reviews_total": self.reviews_total,
            "reviews_today": self.reviews_today,
            "streak_days": self.streak_days,
            "retention_30d": self.retention_30d,
            "due_forecast": list(self.due_forecast),
            "topics": [dict(t) for t in self.topics],
            "loops": [dict(loop) for loop in self.loops],
            "study_day": self.day.isoformat(),
            "desired_retention": self.desired_retention,
            "retention_30d_reviews": self.retention_30d_reviews,
            "heatmap": [[day.isoformat(), count] for day, count in self.heatmap],
            "error_distribution": self.error_distribution.to_json(),
            "calibration": {
                "overall": self.calibration.to_json(),
                "by_topic": {t: c.to_json() for t, c in self.calibration_by_topic.items()},
            },
            "open_gap": self.open_gap,
            "open_gap_answers": self.open_gap_answers,
            "promotions": [dict(p) for p in self.promotions],
            "retention_min_reviews": self.retention_min_reviews,
            "topic_retention_min_reviews": self.topic_retention_min_reviews,
            "undone_total": self.undone_total,
            "undone_today": self.undone_today,
            "katas": [dict(k) for k in self.katas],
            "graded_steps": [dict(g) for g in self.graded_steps],
        }
        return _json_safe(data)


def compute_stats(store: Store, bank: ContentBank, scheduler: Scheduler, now: datetime,
                  tz: tzinfo) -> Stats:
    """All progress figures at ``now`` for a player in time zone ``tz`` (study days roll over
    at the configured hour). Read-only, from the store's running totals, in one read
    snapshot so the figures agree with each other while another instance answers."""
    with store.snapshot():
        return _compute_stats(store, bank, scheduler, now, tz)


def _compute_stats(store: Store, bank: ContentBank, scheduler: Scheduler, now: datetime,
                   tz: tzinfo) -> Stats:
    window = scheduler.window(now, tz)
    today = window.day
    conn = store.conn
    heat_since = today - timedelta(days=HEATMAP_DAYS - 1)
    retention_since = today - timedelta(days=RETENTION_WINDOW_DAYS - 1)
    per_day: dict[date, int] = {}
    retained = passed = 0
    for day_text, answers, review_answers, review_passed in conn.execute(
            "SELECT study_day, answers, review_answers, review_passed FROM day_totals "
            "WHERE study_day >= ? AND study_day <= ?",
            (min(heat_since, retention_since).isoformat(), today.isoformat())):
        day = date.fromisoformat(day_text)
        per_day[day] = answers
        if day >= retention_since:
            retained += review_answers
            passed += review_passed
    retention_30d = passed / retained if retained >= RETENTION_MIN_REVIEWS else None
    reviews_today = per_day.get(today, 0)
    heatmap = [(heat_since + timedelta(days=i), per_day.get(heat_since + timedelta(days=i), 0))
               for i in range(HEATMAP_DAYS)]

    totals = topic_totals(store)
    reviews_total = sum(total.answers for total in totals.values())
    buckets = error_buckets(store)
    leans = bias_buckets(store)
    topics = []
    for name, total in sorted(totals.items(), key=lambda kv: (-kv[1].answers, kv[0])):
        topic_buckets = buckets.get(name, {})
        bias = topic_bias(name, leans, total.numeric_answers)
        topics.append({
            "topic": name,
            "reviews": total.answers,
            "retention": total.true_retention
            if total.review_answers >= TOPIC_RETENTION_MIN_REVIEWS else None,
            "retention_reviews": total.review_answers,
            "median_log10_error": bucket_median(topic_buckets),
            "mean_log10_error": total.mean_log10_error,
            "numeric_answers": total.numeric_answers,
            "bias": bias.sentence(name),
            "bias_median_log10_error": bias.median_log10_error,
            "bias_answers": bias.answers,
            "slips": bias.slips,
        })
    gap_answers = sum(t.gap_answers for t in totals.values())
    open_gap = (sum(t.gap_sum for t in totals.values()) / gap_answers) if gap_answers else None

    overall, by_topic = _calibration(store)
    promotions = store.promotions()
    promoted_by_session = {p["session_id"]: p["level"] for p in promotions}
    loops = [{**loop, "promoted_to": promoted_by_session.get(loop["id"])}
             for loop in loop_summaries(store)]
    return Stats(
        day=today,
        reviews_total=reviews_total,
        reviews_today=reviews_today,
        streak_days=store.streak_days(today),
        retention_30d=retention_30d,
        retention_30d_reviews=int(retained),
        desired_retention=scheduler.config.desired_retention,
        due_forecast=due_forecast(store, bank, scheduler, now, tz),
        heatmap=heatmap,
        topics=topics,
        error_distribution=histogram_from_buckets(buckets.values()),
        calibration=overall,
        calibration_by_topic=by_topic,
        open_gap=open_gap,
        open_gap_answers=gap_answers,
        loops=loops,
        promotions=promotions,
        undone_total=store.undo_count(),
        undone_today=store.undo_count(since_day=today),
        katas=kata_topics(store),
        graded_steps=step_topics(store),
    )


#: Step statuses at which a case's chain breaks: the player's own error at that step
#: (``engine.cases.grade.BREAKING``).
BROKE_STATUSES = ("close", "off", "revealed")


def step_topics(store: Store) -> list[dict[str, Any]]:
    """Graded steps by topic (``Store.step_totals_by_topic``: case chains and open answers'
    probes), most steps first: ``steps``; ``mean_credit`` (exact 1, consistent 0.8 or 0.4,
    close 0.5, off and revealed 0); ``exact`` (right outright); ``consistent`` (right only on
    the player's own earlier numbers: errors carried forward); ``broke`` (where the chain
    broke: close, off, or revealed with ``?``), of which ``revealed``."""
    rows = []
    for topic, total in store.step_totals_by_topic().items():
        statuses = total["statuses"]
        rows.append({
            "topic": topic, "steps": total["steps"], "mean_credit": total["mean_credit"],
            "exact": statuses.get("exact", 0), "consistent": statuses.get("consistent", 0),
            "broke": sum(statuses.get(status, 0) for status in BROKE_STATUSES),
            "revealed": statuses.get("revealed", 0),
        })
    rows.sort(key=lambda row: (-row["steps"], row["topic"]))
    return rows


def step_miss(status: str, credit: float) -> float:
    """How far a graded step missed, on the scale of a number's band (``BAND_MISS``): a
    step is weighed like a number. Exact 0, close 0.5, off and revealed 1 (a broken step
    weighs like a wrong number, a revealed one like "don't know"); a consistent step
    missed only as far as it missed on the player's own chain — 0 when it matched it, 0.5
    when only close (credit 0.8 or 0.4 of ``CONSISTENT_CREDIT``) — since the slip it carries
    is counted where it was made."""
    if status == "consistent":
        from engine.cases.grade import CONSISTENT_CREDIT

        return min(1.0, max(0.0, round(1.0 - credit / CONSISTENT_CREDIT, 6)))
    return {"exact": 0.0, "close": 0.5}.get(status, 1.0)


@dataclass(slots=True)
class StepTally:
    """An item's graded steps: how many, their summed ``step_miss``, how many broke the
    chain (close, off or revealed)."""

    steps: int = 0
    miss_sum: float = 0.0
    broke: int = 0


def step_misses_by_item(store: Store) -> dict[str, StepTally]:
    """Per item, its graded steps tallied (``StepTally``): what weak areas add to the
    item's band-graded answers."""
    out: dict[str, StepTally] = {}
    with store.guard() as conn:
        # A step's credit is one of a few values (1, 0.8, 0.5, 0.4, 0): grouped by it too.
        for item_id, status, credit, steps in conn.execute(
                "SELECT item_id, status, credit, COUNT(*) FROM graded_steps "
                "GROUP BY item_id, status, credit"):
            tally = out.setdefault(item_id, StepTally())
            tally.steps += steps
            tally.miss_sum += steps * step_miss(status, credit)
            tally.broke += steps if status in BROKE_STATUSES else 0
    return out


def kata_topics(store: Store) -> list[dict[str, Any]]:
    """Katas by topic, most attempted first: ``attempts``, ``katas`` (distinct katas tried),
    ``pass_rate`` (cases passed over cases checked, all attempts), ``solved`` (attempts
    whose every case passed), and ``median_minutes`` (the player's time on an attempt, where
    the screen timed it; ``None`` when no attempt was timed — a command-line check is not)."""
    per_topic: dict[str, dict[str, Any]] = {}
    with store.guard() as conn:
        rows = conn.execute(
            "SELECT r.topic, a.kata_id, a.passed, a.failed, a.error_kind, a.seconds "
            "FROM kata_attempts AS a JOIN reviews AS r ON r.id = a.review_id").fetchall()
    for topic, kata_id, passed, failed, error_kind, seconds in rows:
        entry = per_topic.setdefault(topic, {"topic": topic, "attempts": 0, "ids": set(),
                                             "passed": 0, "checked": 0, "solved": 0,
                                             "seconds": []})
        entry["attempts"] += 1
        entry["ids"].add(kata_id)
        entry["passed"] += passed
        entry["checked"] += passed + failed
        entry["solved"] += int(error_kind is None and failed == 0 and passed > 0)
        if seconds is not None:
            entry["seconds"].append(float(seconds))
    result = []
    for entry in sorted(per_topic.values(), key=lambda e: (-e["attempts"], e["topic"])):
        times = sorted(entry["seconds"])
        middle = len(times) // 2
        median = None if not times else (
            times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2)
        result.append({
            "topic": entry["topic"], "attempts": entry["attempts"],
            "katas": len(entry["ids"]),
            "pass_rate": entry["passed"] / entry["checked"] if entry["checked"] else None,
            "solved": entry["solved"],
            "median_minutes": None if median is None else median / 60.0,
        })
    return result


def due_forecast(store: Store, bank: ContentBank, scheduler: Scheduler, now: datetime,
                 tz: tzinfo, days: int = FORECAST_DAYS) -> list[int]:
    """Cards (of items still in the bank, not suspended) due on each of the next ``days``
    study days; day 0 is today and also holds everything overdue."""
    hour = scheduler.config.day_rollover_hour
    today = scheduler.window(now, tz).day
    # Day k ends where day k + 1 starts; stored instants are UTC ISO text, which sorts.
    ends = [iso(day_start(today + timedelta(days=k + 1), tz, hour)) for k in range(days)]
    counts = [0] * days
    with store.guard() as conn:
        for card_id, due in conn.execute(
                "SELECT id, due FROM cards WHERE suspended = 0 AND due < ?", (ends[-1],)):
            if card_id in bank:
                counts[bisect_right(ends, due)] += 1
    return counts


def _calibration(store: Store) -> tuple[CalibrationFigure, dict[str, CalibrationFigure]]:
    """Interval calibration overall and by topic, through ``grading.calibration``; only
    well-formed records (positive ends in order, positive reference) are read."""
    from grading.calibration import calibration

    with store.guard() as conn:
        rows = conn.execute(
            "SELECT topic, interval_lo, interval_hi, reference_value FROM reviews "
            "WHERE interval_lo > 0 AND interval_hi >= interval_lo AND reference_value > 0 "
            "ORDER BY topic").fetchall()
    overall = _figure(calibration((lo, hi, ref) for _, lo, hi, ref in rows))
    by_topic = {
        topic: _figure(calibration((lo, hi, ref) for _, lo, hi, ref in group))
        for topic, group in groupby(rows, key=lambda row: row[0])
    }
    return overall, by_topic


def _figure(result: Any) -> CalibrationFigure:
    return CalibrationFigure(result.count, finite_or_none(result.hit_rate),
                             finite_or_none(result.mean_interval_score))



def _json_safe(value: Any) -> Any:
    """Replace NaN and ±inf by ``None`` all the way down (JSON has no NaN)."""
    if isinstance(value, float):
        return finite_or_none(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value
