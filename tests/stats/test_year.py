"""Stats, weak areas and export on a scripted learner's year (see conftest.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, timedelta

from engine.progress.export import export_reviews
from engine.progress.stats import compute_stats
from engine.progress.weak import WeakPicker, rank_topics, weak_json
from engine.store.db import Store
from engine.study.scheduler import day_start
from engine.study.session import Feedback, StudySession
from grading.units import convert
from tests.stats.conftest import BIASED_TOPIC, DAYS, SKIPPED_DAY, Year, last_day

REQUIRED_KEYS = {"reviews_total", "reviews_today", "streak_days", "retention_30d",
                 "due_forecast", "topics", "loops"}


def _stats(year: Year, store: Store):
    return compute_stats(store, year.bank, year.scheduler(), year.clock.now(), UTC)


def test_totals_today_and_streak_match_what_was_written(year_db: Year,
                                                        year_store: Store) -> None:
    stats = _stats(year_db, year_store)
    assert stats.reviews_total == year_db.answers
    assert stats.day == last_day(year_db)
    assert stats.reviews_today == year_db.per_day[last_day(year_db)] > 0
    assert stats.streak_days == DAYS - 1 - SKIPPED_DAY


def test_heatmap_is_reviews_per_study_day(year_db: Year, year_store: Store) -> None:
    stats = _stats(year_db, year_store)
    assert len(stats.heatmap) == 182
    assert stats.heatmap[-1][0] == last_day(year_db)
    assert dict(stats.heatmap) == {day: year_db.per_day.get(day, 0) for day, _ in stats.heatmap}
    skipped = last_day(year_db) - timedelta(days=DAYS - 1 - SKIPPED_DAY)
    assert dict(stats.heatmap)[skipped] == 0


def test_retention_30d_is_true_retention_of_review_state_cards(year_db: Year,
                                                               year_store: Store) -> None:
    stats = _stats(year_db, year_store)
    since = (last_day(year_db) - timedelta(days=29)).isoformat()
    rows = [r for r in year_store.reviews() if r["study_day"] >= since
            and json.loads(r["card_before_json"])["state"] == 2]
    assert rows, "the year should have review-state answers in its last month"
    assert stats.retention_30d_reviews == len(rows)
    assert stats.retention_30d == sum(r["rating"] > 1 for r in rows) / len(rows)
    assert stats.desired_retention == 0.9


def test_forecast_sums_to_cards_due_in_the_next_14_days(year_db: Year,
                                                        year_store: Store) -> None:
    stats = _stats(year_db, year_store)
    assert len(stats.due_forecast) == 14
    end = day_start(stats.day + timedelta(days=14), UTC, 4)
    tomorrow = day_start(stats.day + timedelta(days=1), UTC, 4)
    cards = year_store.cards().values()
    assert sum(stats.due_forecast) == sum(1 for c in cards if c.due < end) > 0
    assert stats.due_forecast[0] == sum(1 for c in cards if c.due < tomorrow)


def test_injected_topic_ranks_weakest_with_its_bias_said(year_db: Year,
                                                         year_store: Store) -> None:
    ranking = rank_topics(year_store, year_db.bank, year_db.scheduler(), year_db.clock.now())
    weakest = ranking[0]
    assert weakest.topic == BIASED_TOPIC
    assert weakest.score > ranking[1].score + 0.2
    assert "underestimate" in weakest.bias and "2.5×" in weakest.bias
    assert f"(median of {year_db.numeric_by_topic[BIASED_TOPIC]} answers)" in weakest.bias
    assert abs(weakest.median_abs_log10_error - 0.398) < 0.01
    others = [t for t in ranking if t.topic != BIASED_TOPIC and t.numeric_answers >= 3]
    assert others and all(t.bias.startswith("no consistent bias") for t in others)
    assert [t.score for t in ranking] == sorted((t.score for t in ranking), reverse=True)
    items = {i.item_id for i in weakest.items}
    assert items == {i for i, item in year_db.bank.items.items() if item.topic == BIASED_TOPIC}


def test_stats_topics_carry_bias_and_median(year_db: Year, year_store: Store) -> None:
    topics = {t["topic"]: t for t in _stats(year_db, year_store).topics}
    biased = topics[BIASED_TOPIC]
    assert biased["bias"].startswith(f"you underestimate {BIASED_TOPIC} by 2.5×")
    assert abs(biased["median_log10_error"] + 0.398) < 0.01
    assert sum(t["reviews"] for t in topics.values()) == year_db.answers


def test_weak_json_is_ranked_and_json_safe(year_db: Year, year_store: Store) -> None:
    rows = weak_json(year_store, year_db.bank, year_db.scheduler(), year_db.clock.now())
    json.dumps(rows, allow_nan=False)
    assert rows[0]["topic"] == BIASED_TOPIC
    assert set(rows[0]) == {"topic", "score", "answers", "bias", "retention"}
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_weak_picker_serves_weakest_topic_first_and_records_weak_reviews(
        year_db: Year, year_store: Store) -> None:
    scheduler = year_db.scheduler()
    ranking = rank_topics(year_store, year_db.bank, scheduler, year_db.clock.now())
    queue = WeakPicker.order(ranking, year_db.bank)
    n_biased = sum(1 for i in year_db.bank.items.values() if i.topic == BIASED_TOPIC)
    assert len(queue) > n_biased and len(set(queue)) == len(queue)
    assert {year_db.bank.items[i].topic for i in queue[:n_biased]} == {BIASED_TOPIC}
    picker = WeakPicker(limit=5)
    session = StudySession(year_store, year_db.bank, scheduler, year_db.clock, mode="weak",
                           picker=picker, seed=3)
    asked = []
    while (question := session.next_question()) is not None:
        asked.append(question.item_id)
        truth = convert(question.reference_value, question.reference_unit,
                        question.display_unit) if question.numeric else 0.0
        answer = (f"{truth:.6g}" if question.numeric else
                  question.answers[0] if question.answers else question.model_answer)
        assert isinstance(session.submit(answer), Feedback)
    assert len(asked) == 5 and len(set(asked)) == 5
    assert asked == queue[:5]
    assert {year_db.bank.items[i].topic for i in asked} == {BIASED_TOPIC}
    assert picker.pick(session) is None
    rows = year_store.reviews(session.session_id)
    assert [r["card_id"] for r in rows] == asked
    assert {r["mode"] for r in rows} == {"weak"}
    assert year_store.session(session.session_id)["mode"] == "weak"


def test_calibration_hit_rate_matches_the_intervals_typed(year_db: Year,
                                                         year_store: Store) -> None:
    stats = _stats(year_db, year_store)
    typed = year_db.interval_hits + year_db.interval_misses
    assert stats.calibration.count == typed > 0
    assert stats.calibration.hit_rate == year_db.interval_hits / typed
    assert BIASED_TOPIC not in stats.calibration_by_topic
    assert sum(c.count for c in stats.calibration_by_topic.values()) == typed
    # a hit of [x/1.5, 1.5x] scores its width, log10(2.25); misses score more
    assert stats.calibration.mean_interval_score > 0.352


def test_error_distribution_and_open_gap(year_db: Year, year_store: Store) -> None:
    stats = _stats(year_db, year_store)
    histogram = stats.error_distribution
    assert histogram.total == sum(year_db.numeric_by_topic.values())
    # 0.4× is log10(0.4) = −0.398: the bin [−0.4, −0.3)
    assert histogram.counts[16] == year_db.numeric_by_topic[BIASED_TOPIC]
    gaps = [r["self_score"] - r["auto_score"] for r in year_store.reviews()
            if r["self_score"] is not None and r["auto_score"] is not None]
    assert gaps and stats.open_gap_answers == len(gaps)
    assert abs(stats.open_gap - sum(gaps) / len(gaps)) < 1e-9


def test_to_json_has_required_keys_and_no_nan(year_db: Year, year_store: Store) -> None:
    data = _stats(year_db, year_store).to_json()
    assert REQUIRED_KEYS <= set(data)
    text = json.dumps(data, allow_nan=False)
    again = json.loads(text)
    assert again["heatmap"][-1] == [last_day(year_db).isoformat(),
                                    year_db.per_day[last_day(year_db)]]
    assert again["reviews_total"] == year_db.answers


def test_export_csv_loads_as_one_sheet(year_db: Year, year_store: Store) -> None:
    out = io.StringIO()
    counts = export_reviews(year_store, "csv", out)
    out.seek(0)
    rows = list(csv.DictReader(out))
    by_record: dict[str, int] = {}
    for row in rows:
        by_record[row["record"]] = by_record.get(row["record"], 0) + 1
    sessions = len(year_store.sessions())
    assert by_record == {"review": year_db.answers, "session": sessions}
    assert counts["reviews"] == year_db.answers and counts["sessions"] == sessions
    review = next(r for r in rows if r["record"] == "review")
    assert review["card_id"] and review["study_day"] and review["rating"] in "1234"


def test_export_json_round_trips(year_db: Year, year_store: Store) -> None:
    out = io.StringIO()
    export_reviews(year_store, "json", out)
    data = json.loads(out.getvalue())
    assert set(data) == {"reviews", "sessions", "loop_rounds", "promotions"}
    assert len(data["reviews"]) == year_db.answers
    assert len(data["sessions"]) == len(year_store.sessions())
    first = data["reviews"][0]
    assert isinstance(first["card_before"], dict) and isinstance(first["params"], dict)
    assert first["card_id"] == year_store.reviews()[0]["card_id"]
