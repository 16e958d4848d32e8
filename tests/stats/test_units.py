"""The pieces: bias wording, bucket medians, weights, an empty history, loops, bulk history."""

from __future__ import annotations

import io
import json
import math
import re
from datetime import UTC, datetime, timedelta

import pytest

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.progress.export import export_reviews
from engine.progress.stats import bias_sentence, bucket_median, compute_stats
from engine.progress.weak import WeakPicker, combine, rank_topics, weak_json
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession
from tests.stats.synthetic import BIASED_TOPIC, ERROR_SIGMA_LOG10, build_big_history


def test_bias_sentence_says_direction_factor_and_count() -> None:
    assert bias_sentence("inference.latency", -math.log10(2.3), 14) == (
        "you underestimate inference.latency by 2.3× (median of 14 answers)")
    assert bias_sentence("x", math.log10(3), 5) == (
        "you overestimate x by 3.0× (median of 5 answers)")
    assert bias_sentence("x", math.log10(3), 5, slips=1) == (
        "you overestimate x by 3.0× (median of 5 answers; 1 named slip left out)")
    assert bias_sentence("x", math.log10(1.1), 9) == "no consistent bias (9 answers)"
    assert bias_sentence("x", math.log10(1.1), 7, slips=2) == (
        "no consistent bias (7 answers; 2 named slips left out)")
    assert bias_sentence("x", math.log10(5), 2) == "no consistent bias (2 answers)"
    assert bias_sentence("x", None, 0) == "no numeric answers yet"
    assert bias_sentence("x", None, 0, slips=1) == "no numeric answers yet (1 named slip left out)"


@pytest.mark.parametrize("values", [[0.3], [-0.42, 0.1, 0.2], [0.05, -0.05, 0.5, -1.0]])
def test_bucket_median_is_within_half_a_bucket(values: list[float]) -> None:
    buckets: dict[int, int] = {}
    for value in values:
        bucket = math.floor(value * 100 + 1e-9)
        buckets[bucket] = buckets.get(bucket, 0) + 1
    ordered = sorted(values)
    exact = (ordered[(len(values) - 1) // 2] + ordered[len(values) // 2]) / 2
    assert abs(bucket_median(buckets) - exact) <= 0.0051
    absolute = sorted(abs(v) for v in values)
    exact_abs = (absolute[(len(values) - 1) // 2] + absolute[len(values) // 2]) / 2
    assert abs(bucket_median(buckets, absolute=True) - exact_abs) <= 0.0051
    assert bucket_median({}) is None


def test_combine_renormalises_the_weights_present() -> None:
    assert combine({"lapse": 1.0, "error": None, "forgetting": None, "open": None}) == 1.0
    assert combine({"lapse": 0.0, "error": 1.0, "forgetting": None, "open": None}) == (
        pytest.approx(0.30 / 0.65))
    assert combine({"lapse": None}) is None


def test_empty_history_gives_nulls_not_nan(store: Store, bank: ContentBank,
                                           scheduler: Scheduler, clock: FakeClock) -> None:
    stats = compute_stats(store, bank, scheduler, clock.now(), UTC)
    data = stats.to_json()
    json.dumps(data, allow_nan=False)
    assert data["reviews_total"] == 0 and data["retention_30d"] is None
    assert data["due_forecast"] == [0] * 14 and data["topics"] == []
    assert data["calibration"]["overall"] == {"count": 0, "hit_rate": None,
                                              "mean_interval_score": None}
    assert rank_topics(store, bank, scheduler, clock.now()) == []
    assert weak_json(store, bank, scheduler, clock.now()) == []
    session = StudySession(store, bank, scheduler, clock, mode="weak", picker=WeakPicker())
    assert session.next_question() is None
    out = io.StringIO()
    export_reviews(store, "json", out)
    assert json.loads(out.getvalue())["reviews"] == []


def test_loops_and_promotions_are_reported(store: Store, bank: ContentBank,
                                           scheduler: Scheduler, clock: FakeClock) -> None:
    loop_id = store.start_session("loop", clock.now(), {}, level="L5")
    store.record_loop_round(loop_id, 0, "program_design", 2700, 2400, 0.8, "strong_yes",
                            "finished")
    store.update_session(loop_id, verdict="advance")
    store.add_promotion("L5", clock.now(), loop_id)
    failed = store.start_session("loop", clock.now() + timedelta(days=1), {}, level="L6")
    store.update_session(failed, verdict="no_hire")
    data = compute_stats(store, bank, scheduler, clock.now(), UTC).to_json()
    assert [loop["id"] for loop in data["loops"]] == [failed, loop_id]
    assert data["loops"][1]["promoted_to"] == "L5" and data["loops"][0]["promoted_to"] is None
    assert data["loops"][1]["ratings"] == {"program_design": "strong_yes"}
    assert [p["level"] for p in data["promotions"]] == ["L5"]
    out = io.StringIO()
    counts = export_reviews(store, "csv", out)
    assert counts == {"reviews": 0, "sessions": 2, "loop_rounds": 1, "promotions": 1}


def test_export_rejects_an_unknown_format(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_reviews(store, "xlsx", io.StringIO())  # type: ignore[arg-type]


def test_bulk_history_finds_the_biased_topic(store: Store, bank: ContentBank,
                                             scheduler: Scheduler) -> None:
    """The synthetic history the timing run uses, at 20,000 reviews."""
    now = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
    build_big_history(store, bank, now, reviews=20_000, cards=600)
    stats = compute_stats(store, bank, scheduler, now, UTC)
    assert stats.reviews_total == 20_000
    assert sum(t["reviews"] for t in stats.topics) == 20_000
    assert stats.streak_days >= 300
    ranking = rank_topics(store, bank, scheduler, now)
    assert ranking[0].topic == BIASED_TOPIC
    found = re.fullmatch(r"you underestimate comms\.collectives by ([\d.]+)× "
                         r"\(median of (\d+) answers\)", ranking[0].bias)
    assert found
    # The median of n errors drawn with σ around −0.4 has a standard error of ~1.25σ/√n:
    # within 5σ/√n of it (plus the buckets' 0.005 decade and the sentence's rounding to
    # 0.1×), however many answers the bank's layout gives the topic.
    factor, answers = float(found.group(1)), int(found.group(2))
    assert abs(math.log10(factor) - 0.4) <= \
        5 * ERROR_SIGMA_LOG10 / math.sqrt(answers) + 0.015
    intervals = store.conn.execute(
        "SELECT interval_lo <= reference_value AND reference_value <= interval_hi "
        "FROM reviews WHERE interval_lo IS NOT NULL").fetchall()
    assert stats.calibration.count == len(intervals) > 0
    assert stats.calibration.hit_rate == pytest.approx(sum(h for (h,) in intervals)
                                                       / len(intervals))
