"""A big synthetic history written straight into a progress database, for timing the stats.

``build_big_history`` writes ``cards`` cards (the bank's items first, then made-up ids spread
over the bank's topics) and ``reviews`` reviews over the year before ``end``, with the shape a
real history has: realistic ``card_before_json`` text, numeric answers with log10 errors
(one topic biased low), some typed intervals, open answers with rubric scores, a session per
study day and a loop a week. Rows go in with ``executemany`` in one transaction: the engine's
one-review-per-transaction writer path would take minutes for 500,000 rows.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

from engine.bank import ContentBank
from engine.store.db import Store, iso

BIASED_TOPIC = "comms.collectives"
#: The spread of the numeric answers' log10 errors around the truth (the biased topic's
#: around −0.4), in decades.
ERROR_SIGMA_LOG10 = 0.05


def build_big_history(store: Store, bank: ContentBank, end: datetime, reviews: int = 500_000,
                      cards: int = 3_000, seed: int = 1, days: int = 365) -> None:
    """Fill ``store`` with ``cards`` cards and ``reviews`` reviews over ``days`` days up to
    ``end`` (UTC study days, rollover 04:00)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    topics = sorted({item.topic for item in bank.items.values()})
    ids = list(bank.items)[:cards]
    topic_of = {item_id: bank.items[item_id].topic for item_id in ids}
    kind_of = {item_id: bank.items[item_id].kind for item_id in ids}
    for n in range(cards - len(ids)):
        item_id = f"synthetic.{n:05d}"
        ids.append(item_id)
        topic_of[item_id] = topics[n % len(topics)]
        kind_of[item_id] = ("fact", "problem", "open")[n % 3]
    start = end - timedelta(days=days)
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO cards (id, fsrs_id, state, step, stability, difficulty, due, "
            "last_review, reps, lapses, created_at) VALUES (?, ?, 2, NULL, ?, ?, ?, ?, ?, ?, ?)",
            [(item_id, index + 1, float(rng.uniform(1, 200)), float(rng.uniform(1, 10)),
              iso(end + timedelta(hours=float(rng.uniform(-48, 24 * 40)))),
              iso(end - timedelta(days=float(rng.uniform(0, 30)))),
              int(rng.integers(1, 300)), int(rng.integers(0, 20)), iso(start))
             for index, item_id in enumerate(ids)])
        session_rows = []
        for day in range(days):
            moment = start + timedelta(days=day, hours=9)
            mode = "loop" if day % 7 == 6 else "drill"
            session_rows.append((day + 1, mode, iso(moment), iso(moment + timedelta(hours=1)),
                                 "finished", "L5" if mode == "loop" else None,
                                 "advance" if mode == "loop" and day % 14 == 6 else
                                 ("no_hire" if mode == "loop" else None)))
        conn.executemany(
            "INSERT INTO sessions (id, mode, started_at, ended_at, status, level, verdict) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", session_rows)
        conn.executemany(
            "INSERT INTO loop_rounds (session_id, position, round, seconds_planned, "
            "seconds_used, score, rating, status) VALUES (?, ?, ?, 2700, 2400, 0.7, "
            "'yes', 'finished')",
            [(sid, pos, name) for sid, mode, *_ in session_rows if mode == "loop"
             for pos, name in enumerate(("program_design", "technical_depth",
                                         "behavioral", "system_tradeoffs"))])

        batch = 50_000
        for offset in range(0, reviews, batch):
            n = min(batch, reviews - offset)
            card_index = rng.integers(0, len(ids), n)
            seconds = np.sort(rng.uniform(0, days * 86400, n))
            ratings = rng.choice([1, 2, 3, 4], n, p=[0.12, 0.13, 0.6, 0.15])
            states = rng.choice([1, 2, 3], n, p=[0.2, 0.75, 0.05])
            # A player whose typical miss is ~12 % (σ 0.05 decade): mostly exact or close
            # on 5 %/15 % bands, with one topic 2.5× low (BIASED_TOPIC).
            errors = rng.normal(0.0, ERROR_SIGMA_LOG10, n)
            interval = rng.random(n) < 0.05
            scores = rng.uniform(0.2, 1.0, n)
            self_checked = rng.random(n) < 0.5
            rows = []
            for j in range(n):
                item_id = ids[card_index[j]]
                topic, kind = topic_of[item_id], kind_of[item_id]
                moment = start + timedelta(seconds=float(seconds[j]))
                day = (moment - timedelta(hours=4)).date()
                log10_error = parsed = reference = lo = hi = auto = self_s = None
                band = "scored"
                if kind != "open":
                    log10_error = float(errors[j]) - (0.4 if topic == BIASED_TOPIC else 0.0)
                    reference = 100.0
                    parsed = reference * 10 ** log10_error
                    band = _band(parsed / reference - 1)
                    if interval[j]:
                        lo, hi = parsed / 1.5, parsed * 1.5
                else:
                    auto = float(scores[j])
                    self_s = min(1.0, auto + 0.1) if self_checked[j] else None
                before = json.dumps({
                    "id": item_id, "fsrs_id": int(card_index[j]) + 1, "state": int(states[j]),
                    "step": None, "stability": 12.5, "difficulty": 5.1,
                    "due": iso(moment), "last_review": iso(moment - timedelta(days=3)),
                    "reps": 4, "lapses": 1})
                rows.append((
                    item_id, int(seconds[j] // 86400) + 1, iso(moment), day.isoformat(),
                    int(ratings[j]), "drill", kind, topic, "42", parsed, reference, "GB",
                    band, None if parsed is None else parsed / reference - 1, log10_error,
                    lo, hi, "{}", 7, 8000, int(ratings[j]), 0, 0, before, auto, self_s,
                    int(states[j])))
            conn.executemany(
                "INSERT INTO reviews (card_id, session_id, reviewed_at, study_day, rating, "
                "mode, kind, topic, answer_text, parsed_value, reference_value, display_unit, "
                "band, rel_error, log10_error, interval_lo, interval_hi, params_json, seed, "
                "duration_ms, suggested_rating, override, was_new, card_before_json, "
                "auto_score, self_score, state_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _band(rel_error: float) -> str:
    """The band a ``rel:5%,15%`` card gives an answer ``rel_error`` off."""
    off_by = abs(rel_error)
    return "exact" if off_by <= 0.05 else "close" if off_by <= 0.15 else "off"


def expected_bias_factor() -> float:
    """The factor the biased topic is under-estimated by in the synthetic history."""
    return 10 ** 0.4


if __name__ == "__main__":  # pragma: no cover - a manual timing run
    import sys
    import tempfile
    import time
    from pathlib import Path

    from engine.bank import load_content
    from engine.config import Config
    from engine.progress.stats import compute_stats
    from engine.progress.weak import rank_topics
    from engine.study.scheduler import Scheduler

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    now = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
    bank = load_content()
    scheduler = Scheduler(Config())
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "big.db")
        t0 = time.perf_counter()
        build_big_history(store, bank, now, reviews=count)
        print(f"built {count:,} reviews in {time.perf_counter() - t0:.1f} s; "
              f"db {Path(store.path).stat().st_size / 1e6:.0f} MB")
        for name, run in (("compute_stats", lambda: compute_stats(store, bank, scheduler,
                                                                  now, UTC)),
                          ("rank_topics", lambda: rank_topics(store, bank, scheduler, now))):
            timings = []
            for _ in range(3):
                t0 = time.perf_counter()
                run()
                timings.append(time.perf_counter() - t0)
            print(f"{name}: best {min(timings):.3f} s, runs "
                  + ", ".join(f"{t:.3f}" for t in timings))
        stats = compute_stats(store, bank, scheduler, now, UTC)
        print(json.dumps(stats.to_json())[:300])
        top = rank_topics(store, bank, scheduler, now)[:3]
        print([(t.topic, t.score, t.bias) for t in top])
        assert math.isfinite(top[0].score)
        store.close()
