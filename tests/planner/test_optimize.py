"""Personal FSRS weights: built from the store's reviews, checked on the newest ones, saved
only when better, declined with a count when there is too little data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from engine.store.db import Store, iso
from engine.study.optimize import (
    META_FIT_KEY,
    META_KEY,
    MIN_ITEMS,
    build_items,
    default_parameters,
    load_items,
    optimize,
    saved_parameters,
    score,
)
from engine.study.planner import simulate
from engine.study.scheduler import day_start

START = date(2026, 1, 5)
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def true_weights() -> list[float]:
    """A learner unlike the default one: stronger first memories, but stability that grows
    more slowly with each recall (w8) and a steeper forgetting curve (w20)."""
    weights = list(default_parameters())
    weights[0:4] = [0.6, 3.0, 6.0, 20.0]
    weights[8], weights[20] = 0.9, 0.3
    return weights


def fill(store: Store, log: tuple[tuple[int, int, int], ...]) -> None:
    """Write a simulated learner's reviews as the app would store them (plain SQL)."""
    created = iso(datetime(2026, 1, 1, tzinfo=UTC))
    with store.transaction() as conn:
        for index in sorted({i for i, _, _ in log}):
            conn.execute("INSERT INTO cards (id, fsrs_id, state, due, created_at) "
                         "VALUES (?, ?, 2, ?, ?)", (f"c{index:05d}", index + 1, created, created))
        for index, day, rating in log:
            when = START + timedelta(days=day)
            conn.execute(
                "INSERT INTO reviews (card_id, reviewed_at, study_day, rating, mode, kind, topic) "
                "VALUES (?, ?, ?, ?, 'drill', 'fact', 'synthetic')",
                (f"c{index:05d}", iso(day_start(when, UTC, 4) + timedelta(hours=6)),
                 when.isoformat(), rating))


@pytest.fixture(scope="module")
def synthetic_log() -> tuple[tuple[int, int, int], ...]:
    result = simulate("fsrs", n_cards=400, days=120, new_per_day=10, seed=3,
                      true_parameters=true_weights(), record=True)
    return result.log


def meta(store: Store, key: str) -> str | None:
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def test_fitted_weights_beat_the_defaults_on_held_out_reviews(store: Store,
                                                              synthetic_log) -> None:
    fill(store, synthetic_log)
    report = optimize(store, now=NOW)
    assert report.accepted, report.message
    assert report.baseline == "defaults" and report.needed == 0
    assert report.before is not None and report.after is not None
    assert report.after.log_loss < report.before.log_loss
    assert report.after.rmse_bins < report.before.rmse_bins
    print(f"\n{report.items} items / {report.reviews} reviews; {report.message}")
    saved = saved_parameters(store)
    assert saved == pytest.approx(list(report.parameters))
    record = json.loads(meta(store, META_FIT_KEY) or "{}")
    assert record["items"] == report.items and record["fitted_at"] == iso(NOW)
    # and the saved weights are closer to the truth than the defaults, on all the data
    items = load_items(store).items
    truth, fitted, defaults = (score(w, items) for w in (true_weights(), saved,
                                                         default_parameters()))
    print(f"all items: defaults {defaults}, fitted {fitted}, true {truth}")
    assert fitted.log_loss < defaults.log_loss


def test_too_few_reviews_keeps_the_defaults_and_says_how_many_more(store: Store) -> None:
    log = simulate("fsrs", n_cards=8, days=20, new_per_day=8, record=True).log
    fill(store, log)
    report = optimize(store)
    assert not report.accepted and report.items < MIN_ITEMS
    assert report.needed == MIN_ITEMS - report.items
    assert f"you have {report.items}: {report.needed} more" in report.message
    assert meta(store, META_KEY) is None and saved_parameters(store) is None


def test_worse_weights_never_replace_better_saved_ones(store: Store, synthetic_log) -> None:
    fill(store, synthetic_log)
    first = optimize(store, now=NOW)
    assert first.accepted
    kept = meta(store, META_KEY)

    def bad_fit(items: object, card_ids: object) -> list[float]:
        weights = list(default_parameters())
        weights[0:4] = [0.01, 0.01, 0.01, 0.01]
        weights[20] = 0.8
        return weights

    refused = optimize(store, fitter=bad_fit)
    assert not refused.accepted and refused.baseline == "saved"
    assert refused.after is not None and refused.before is not None
    assert refused.after.log_loss > refused.before.log_loss
    assert "keeping your saved weights" in refused.message
    assert meta(store, META_KEY) == kept

    again = optimize(store)  # the real fit: replaces them only if it predicts better
    assert again.after is not None and again.before is not None
    if again.accepted:
        assert again.after.log_loss < again.before.log_loss
    else:
        assert meta(store, META_KEY) == kept


def test_unreadable_saved_weights_are_ignored(store: Store) -> None:
    for value in ("not json", "[1, 2, 3]", json.dumps([999.0] * 21)):
        with store.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                         "DO UPDATE SET value = excluded.value", (META_KEY, value))
        assert saved_parameters(store) is None


def test_days_are_study_days_after_the_rollover() -> None:
    new_york = timezone(timedelta(hours=-5))
    local = [datetime(2026, 1, 5, 22, 0), datetime(2026, 1, 6, 3, 59),  # same study day
             datetime(2026, 1, 6, 4, 0),  # next one
             datetime(2026, 1, 9, 9, 0)]
    history = [(moment.replace(tzinfo=new_york).astimezone(UTC), 3) for moment in local]
    data = build_items({"card": history}, rollover_hour=4, tz=new_york)
    assert data.reviews == 4 and len(data.items) == 2  # one item per later-day review
    deltas = [[repr(r).split("delta_t: ")[1].rstrip(" }") for r in item.reviews]
              for item in data.items]  # FSRSReview exposes its fields only through repr
    assert deltas == [["0", "0", "1"], ["0", "0", "1", "3"]]
