"""Benchmarks, reported as ratios measured in one run (these machines are noisy).

Not part of the default test run. Usage:

    .venv/bin/python tests/perf/bench.py            # a table
    .venv/bin/python tests/perf/bench.py --json     # the figures, machine-readable
    .venv/bin/python tests/perf/bench.py montecarlo grading   # only some

Each benchmark times the thing and its baseline back to back, best of a few repeats, and
reports both and their ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def best_of(function: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` wall-clock timings of ``function()``, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def bench_montecarlo() -> dict[str, float]:
    """1e6 failure-simulation trials vectorised (numpy) vs the same model as a Python loop.

    The loop runs 1e4 trials and is scaled to 1e6 per trial (1e6 loop trials take minutes);
    both simulate a 1,024-GPU, 7-day job with 30-minute checkpoints.
    """
    from engine.models.reliability import failure_loop_reference, failure_montecarlo

    job = {"gpus": 1024, "hours": 168.0, "mtbf_hours": 50_000.0,
           "checkpoint_interval_s": 1800.0, "checkpoint_s": 60.0, "restart_s": 600.0}
    trials, loop_trials = 1_000_000, 10_000
    vectorised_s = best_of(lambda: failure_montecarlo(**job, trials=trials, seed=1), 3)
    loop_s = best_of(lambda: failure_loop_reference(**job, trials=loop_trials, seed=1), 2)
    loop_scaled_s = loop_s * trials / loop_trials
    return {"vectorised_s_per_1e6": vectorised_s, "loop_s_per_1e6": loop_scaled_s,
            "speedup": loop_scaled_s / vectorised_s}


def bench_straggler() -> dict[str, float]:
    """1e6 straggler trials (exact max sampling) vs drawing all n normals per trial in a loop."""
    import random

    from engine.models.reliability import straggler_step

    workers, trials, loop_trials = 128, 1_000_000, 2_000

    def loop() -> float:
        rng = random.Random(1)
        return sum(max(rng.gauss(1.0, 0.05) for _ in range(workers))
                   for _ in range(loop_trials)) / loop_trials

    vectorised_s = best_of(lambda: straggler_step(1.0, 0.05, workers, trials=trials), 3)
    loop_scaled_s = best_of(loop, 2) * trials / loop_trials
    return {"vectorised_s_per_1e6": vectorised_s, "loop_s_per_1e6": loop_scaled_s,
            "speedup": loop_scaled_s / vectorised_s}


def bench_grading() -> dict[str, float]:
    """One graded answer once pint is loaded, against pint alone parsing and converting it.

    The target (issue 5) is well under a millisecond per answer.
    """
    from grading.numeric import Tolerance, grade_numeric
    from grading.units import registry

    tolerance = Tolerance.parse("rel:5%,15%")
    answers = ["3.35 TB/s", "3350 GB/s", "3.2e12 B/s", "3.1 TB/s", "3000 GB/s"] * 200
    grade_numeric("1 TB/s", 3.35e12, "byte/s", "TB/s", tolerance)  # load pint first
    ureg = registry()

    def grade_all() -> None:
        for answer in answers:
            grade_numeric(answer, 3.35e12, "byte/s", "TB/s", tolerance)

    def pint_all() -> None:
        for answer in answers:
            ureg.Quantity(answer).to("TB/s")

    graded_s = best_of(grade_all, 5) / len(answers)
    pint_s = best_of(pint_all, 5) / len(answers)
    return {"grade_us": graded_s * 1e6, "pint_parse_convert_us": pint_s * 1e6,
            "ratio_to_pint": graded_s / pint_s}


def bench_open_scoring() -> dict[str, float]:
    """One open answer scored for substance (:func:`grading.rubric.score_open`, as a session
    calls it) against a keyword-coverage pass over the same answer (each phrasing's words
    searched in the lowercased text, the way the first release scored): what reading claims,
    contradictions, figures and flags costs. Answers: the 120 strong probes (~200 words)."""
    import tomllib

    from content.catalog import builtin_catalog
    from content.loader import load_bank
    from engine.questions import pose
    from grading.rubric import score_open

    bank = {item.id: item for item in load_bank().open_questions()}
    catalog = builtin_catalog()
    probes = Path(__file__).resolve().parents[1] / "scoring" / "paraphrases" / "probes"
    answers = [answer for name in ("strong_a.toml", "strong_b.toml")
               for answer in tomllib.loads((probes / name).read_text("utf-8"))["answer"]]
    posed = [(pose(bank[a["item"]], None, catalog, 0), a["text"].strip()) for a in answers]
    question, text = posed[0]
    score_open(text, question.key_points, question.red_flags, figures=question.figures)

    def score_all() -> None:
        for question, text in posed:
            score_open(text, question.key_points, question.red_flags, figures=question.figures)

    def keywords_all() -> None:
        for question, text in posed:
            lowered = text.casefold()
            for point in question.key_points:
                any(all(word in lowered for word in phrasing.casefold().split())
                    for phrasing in point.phrasings)

    scored_s = best_of(score_all) / len(posed)
    keywords_s = best_of(keywords_all) / len(posed)
    words = sum(len(text.split()) for _question, text in posed) / len(posed)
    return {"answers": float(len(posed)), "mean_words": words,
            "score_open_ms": scored_s * 1e3, "keyword_coverage_ms": keywords_s * 1e3,
            "ratio_to_keywords": scored_s / keywords_s}


BENCHMARKS: dict[str, Callable[[], dict[str, float]]] = {
    "montecarlo": bench_montecarlo,
    "straggler": bench_straggler,
    "grading": bench_grading,
    "open_scoring": bench_open_scoring,
}


# -- the app: cold start, answer to feedback, scale, the answer path ---------------------------

_COLD_APP = """
import sys, time
start = time.perf_counter()
from tui import startup_gc
with startup_gc():  # as the tpm-drill command starts it
    from tui.app import build_app
    from engine.clock import FakeClock
    app = build_app(sys.argv[1], clock=FakeClock(), start=sys.argv[2], seed=1)
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        from textual.widgets import Static
        shown = sys.argv[3]  # the Static whose text means the first screen is up
        while not (app.screen.query(shown)
                   and str(app.screen.query_one(shown, Static).content)):
            await pilot.pause()
        print(time.perf_counter() - start)
import asyncio
asyncio.run(main())
"""
#: (start screen, the widget that is filled in once it is up): the first question; home's counts.
FIRST_QUESTION = ("drill", "#drill-prompt")
HOME_COUNTS = ("home", "#home-stats")

_COLD_BARE = """
import sys, time
start = time.perf_counter()
from textual.app import App
from textual.widgets import Input
class Bare(App):
    def compose(self):
        yield Input(placeholder="answer")
app = Bare()
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(time.perf_counter() - start)
import asyncio
asyncio.run(main())
"""


def _subprocess_seconds(code: str, *args: str) -> float:
    """Seconds from a fresh interpreter's first line to the first screen (as the child
    prints it): the same span for the app and the bare baseline, without process teardown.

    Bytecode caching is left on (``PYTHONDONTWRITEBYTECODE`` removed), as on a player's
    machine: Textual's modules come from the ``.pyc`` files pip compiled, and without this an
    editable install would recompile tpm-drill's sources on every start.
    """
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[2], env=env)
    return float(done.stdout.split()[-1])


def bench_coldstart() -> dict[str, float]:
    """Fresh interpreter to the first question on screen (headless) vs a bare one-Input app."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "cold.db")
        _subprocess_seconds(_COLD_APP, db, *FIRST_QUESTION)  # warm the file cache, make the file
        _subprocess_seconds(_COLD_BARE)
        # Interleaved, best of seven each: a noisy neighbour slows both sides alike.
        app_runs, bare_runs = [], []
        for _ in range(7):
            app_runs.append(_subprocess_seconds(_COLD_APP, db, *FIRST_QUESTION))
            bare_runs.append(_subprocess_seconds(_COLD_BARE))
        app_s, bare_s = min(app_runs), min(bare_runs)
    return {"app_first_question_s": app_s, "bare_input_app_s": bare_s,
            "ratio": app_s / bare_s, "target_ratio": 1.5}


def bench_feedback() -> dict[str, float]:
    """Submit to the feedback Static updated, p95 over 200 answers (headless Pilot)."""
    import asyncio
    import tempfile

    from textual.widgets import Input, Static

    from engine.clock import FakeClock
    from engine.config import Config
    from grading.units import convert
    from tui.app import build_app

    latencies: list[float] = []
    with_refresh: list[float] = []

    async def run(db: Path) -> None:
        config = Config(new_per_day=1000, reviews_per_day=10_000)
        app = build_app(db, config=config, clock=FakeClock(), start="drill", seed=7)
        async with app.run_test(size=(100, 40)) as pilot:
            await app.workers.wait_for_complete()
            while len(latencies) < 200:
                screen = app.screen
                await pilot.pause()
                question = screen.session.question
                if question is None:
                    break
                if question.kind == "open":
                    screen.session.dont_know()
                    screen.action_accept()
                    continue
                body = screen.query_one("#feedback-body", Static)
                if question.kind == "text":
                    text = question.answers[0]
                else:
                    value = convert(question.reference_value, question.reference_unit,
                                    question.display_unit)
                    text = f"{value:.4g} {question.display_unit}"
                screen.query_one("#drill-answer", Input).value = text
                begin = time.perf_counter()
                screen.submit(text)  # grade, record, then body.update(...)
                updated = time.perf_counter()
                await pilot.pause()  # Pilot's own wait for the refresh (includes its idling)
                if str(body.content):
                    latencies.append(updated - begin)
                    with_refresh.append(time.perf_counter() - begin)
                screen.action_accept()

    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder) / "fb.db"))
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    with_refresh.sort()
    return {"answers": float(len(latencies)), "p50_ms": latencies[len(latencies) // 2] * 1e3,
            "p95_ms": p95 * 1e3, "target_p95_ms": 30.0,
            "p95_with_pilot_pause_ms": with_refresh[int(0.95 * (len(with_refresh) - 1))] * 1e3}


def synthetic_history(path: Path, items: int = 3000, reviews: int = 500_000,
                      seed: int = 1) -> None:
    """Five years of study: ``items`` cards with FSRS state and ``reviews`` reviews.

    Written with executemany in one transaction after the store made the schema.
    """
    import json
    import random
    from datetime import UTC, datetime, timedelta

    from engine.bank import load_content
    from engine.store.db import Store, iso

    rng = random.Random(seed)
    bank = load_content()
    # Katas are answered on their own screen and checked in a sandbox (tests/perf/kata_check.py
    # measures that); the drill's history here is of the cards answered in the drill itself.
    bank_ids = [item_id for item_id in bank.new_order() if not bank.is_kata(item_id)]
    ids = bank_ids + [f"synthetic.card{i}" for i in range(max(0, items - len(bank_ids)))]
    ids = ids[:items]
    store = Store(path, auto_backup=False)
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    start = now - timedelta(days=5 * 365)
    cards = []
    for index, card_id in enumerate(ids):
        due = now + timedelta(days=rng.uniform(-3, 60))
        cards.append((card_id, index + 1, 2, None, rng.uniform(1, 300), rng.uniform(1, 10),
                      iso(due), iso(due - timedelta(days=rng.uniform(1, 60))),
                      rng.randint(1, 200), rng.randint(0, 20), iso(start)))
    span = (now - start).total_seconds()
    rows = []
    for index in range(reviews):
        at = start + timedelta(seconds=span * index / reviews)
        card_id = ids[rng.randrange(len(ids))]
        reference = 10 ** rng.uniform(0, 15)
        error = rng.gauss(0, 0.15)
        before = {"id": card_id, "fsrs_id": 1, "state": 2, "step": None, "stability": 10.0,
                  "difficulty": 5.0, "due": iso(at), "last_review": iso(at), "reps": 3,
                  "lapses": 0}
        rows.append((card_id, None, iso(at), (at - timedelta(hours=4)).date().isoformat(),
                     rng.choice([1, 2, 3, 3, 3, 4]), "drill", "fact", "hardware.compute",
                     f"{reference * 10 ** error:.3g}", reference * 10 ** error, reference,
                     "TFLOP/s", rng.choice(["exact", "close", "off"]), 10 ** error - 1, error,
                     None, None, "{}", rng.randrange(2**31), rng.randint(2000, 60_000), 3, 0,
                     int(index < items), json.dumps(before), 2))
    with store.transaction() as conn:
        conn.executemany("INSERT INTO cards (id, fsrs_id, state, step, stability, difficulty, "
                         "due, last_review, reps, lapses, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cards)
        conn.executemany(
            "INSERT INTO reviews (card_id, session_id, reviewed_at, study_day, rating, mode, "
            "kind, topic, answer_text, parsed_value, reference_value, display_unit, band, "
            "rel_error, log10_error, interval_lo, interval_hi, params_json, seed, duration_ms, "
            "suggested_rating, override, was_new, card_before_json, state_before) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def bench_scale() -> dict[str, float]:
    """Five years of history vs an empty file: opening the file, picking the next card,
    today's counts and the stats figures in the engine; then what the player sees — start to
    the home screen, Enter to the next card, the stats key to its figures."""
    import tempfile

    from engine.bank import load_content
    from engine.clock import FakeClock
    from engine.config import Config
    from engine.store.db import Store
    from engine.study.scheduler import Scheduler
    from engine.study.session import DuePicker, StudySession, today_counts

    bank = load_content()
    scheduler = Scheduler(Config())
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.db"
        begin = time.perf_counter()
        synthetic_history(big)
        out["write_history_s"] = time.perf_counter() - begin
        out["history_mb"] = big.stat().st_size / 1e6
        empty = Path(folder) / "empty.db"
        Store(empty).close()
        for label, path in (("empty", empty), ("history", big)):
            clock = FakeClock()
            out[f"{label}_open_ms"] = best_of(
                lambda p=path: Store(p, auto_backup=False).close(), 5) * 1e3
            store = Store(path, auto_backup=False)
            session = StudySession(store, bank, scheduler, clock, seed=1)
            picker = DuePicker()
            out[f"{label}_pick_ms"] = best_of(lambda s=session, p=picker: p.pick(s), 5) * 1e3
            out[f"{label}_today_counts_ms"] = best_of(
                lambda s=store, c=clock: today_counts(s, bank, scheduler, c), 5) * 1e3
            try:
                from engine.progress.stats import compute_stats

                out[f"{label}_stats_ms"] = best_of(
                    lambda s=store, c=clock: compute_stats(s, bank, scheduler, c.now(),
                                                           c.local_tz()),
                    3) * 1e3
            except ImportError:
                pass
            store.close()
        # The first open of a study day backs up and checks the whole file.
        begin = time.perf_counter()
        Store(big, FakeClock()).close()
        out["history_first_open_of_day_ms"] = (time.perf_counter() - begin) * 1e3
        # What the player sees: the same three actions on screen (headless).
        for label, path in (("empty", empty), ("history", big)):
            for key, value in _screen_figures(path).items():
                out[f"{label}_{key}"] = value
        starts: dict[str, list[float]] = {"empty": [], "history": []}
        for _ in range(5):  # interleaved: a noisy neighbour slows both alike
            for label, path in (("empty", empty), ("history", big)):
                starts[label].append(_subprocess_seconds(_COLD_APP, str(path), *HOME_COUNTS))
        for label, runs in starts.items():
            out[f"{label}_screen_start_ms"] = min(runs) * 1e3
    for figure in ("open", "pick", "today_counts", "stats", "screen_start",
                   "screen_next_card", "screen_stats"):
        if f"empty_{figure}_ms" in out:
            out[f"{figure}_ratio"] = out[f"history_{figure}_ms"] / out[f"empty_{figure}_ms"]
    return out


def _screen_figures(path: Path, stats_repeats: int = 9, answers: int = 30) -> dict[str, float]:
    """On a running app (headless, 80×24), timed inside the app so Pilot's own waits are left
    out: Enter on a verdict to the next question's widgets updated (pick, pose, draw; median
    of 30), and the stats key to the stats figures drawn (the worker's query included; best
    of 9: mounting the screen varies by ±15 ms run to run), in ms."""
    import asyncio
    import statistics

    from textual.widgets import Static

    from engine.clock import FakeClock
    from engine.config import Config
    from tui.app import build_app
    from tui.screens.drill import DrillScreen
    from tui.screens.stats import StatsScreen

    figures: dict[str, float] = {}
    drawn: list[float] = []
    original_show = StatsScreen.show_stats

    def show_stats(screen: StatsScreen, stats: object) -> None:
        original_show(screen, stats)  # type: ignore[arg-type]
        drawn.append(time.perf_counter())

    async def run() -> None:
        config = Config(new_per_day=1000, reviews_per_day=10_000)
        app = build_app(path, config=config, clock=FakeClock(), start="home", seed=5)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            stats_ms = []
            for _ in range(stats_repeats):
                begin = time.perf_counter()
                app.screen.action_open("stats")  # what the s key does
                await app.workers.wait_for_complete()
                await pilot.pause()
                summary = str(app.screen.query_one("#stats-summary", Static).content)
                assert "in all" in summary, summary
                stats_ms.append((drawn[-1] - begin) * 1e3)
                app.screen.action_back()
                await pilot.pause()
            figures["screen_stats_ms"] = min(stats_ms)
            app.screen.action_open("drill")
            await pilot.pause()
            next_ms = []
            for _ in range(answers):
                screen = app.screen
                if not isinstance(screen, DrillScreen):  # a kata's own screen: not this probe
                    break
                if screen.session.question is None:
                    break
                screen.action_dont_know()  # recorded, verdict shown
                await pilot.pause()
                begin = time.perf_counter()
                screen.action_accept()  # what Enter does: pick, pose, draw the next question
                next_ms.append((time.perf_counter() - begin) * 1e3)
                await pilot.pause()
            figures["screen_next_card_ms"] = statistics.median(next_ms)

    StatsScreen.show_stats = show_stats  # type: ignore[method-assign]
    try:
        asyncio.run(run())
    finally:
        StatsScreen.show_stats = original_show  # type: ignore[method-assign]
    return figures


def bench_answer_path() -> dict[str, float]:
    """``next_question`` + ``submit`` (pick, pose, grade, record, schedule) vs a bare
    ``fsrs.Scheduler.review_card`` plus one SQLite insert, per answer."""
    import sqlite3
    import tempfile
    from datetime import UTC, datetime

    import fsrs

    from engine.bank import load_content
    from engine.clock import FakeClock
    from engine.config import Config
    from engine.store.db import Store
    from engine.study.scheduler import Scheduler
    from engine.study.session import StudySession
    from grading.units import convert, registry

    registry()
    bank = load_content()
    answers = 300
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "path.db")
        clock = FakeClock()
        session = StudySession(store, bank, Scheduler(Config(new_per_day=10_000)), clock,
                               seed=3)

        def engine_answers() -> None:
            for _ in range(answers):
                question = session.next_question()
                assert question is not None
                if question.kind == "problem" or question.kind == "fact":
                    value = convert(question.reference_value, question.reference_unit,
                                    question.display_unit)
                    session.submit(f"{value:.4g} {question.display_unit}")
                elif question.kind == "text":
                    session.submit(question.answers[0])
                else:
                    session.dont_know()
                clock.advance(30)

        engine_s = best_of(engine_answers, 1) / answers
        store.close()
        conn = sqlite3.connect(Path(folder) / "bare.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("CREATE TABLE r (card INTEGER, rating INTEGER, due TEXT)")
        scheduler = fsrs.Scheduler()

        def bare_answers() -> None:
            card = fsrs.Card()
            for _ in range(answers):
                card, _log = scheduler.review_card(card, fsrs.Rating.Good,
                                                   review_datetime=datetime.now(UTC))
                conn.execute("INSERT INTO r VALUES (?, ?, ?)",
                             (card.card_id, 3, card.due.isoformat()))

        bare_s = best_of(bare_answers, 3) / answers
        conn.close()
    return {"engine_ms_per_answer": engine_s * 1e3, "bare_fsrs_insert_ms": bare_s * 1e3,
            "ratio": engine_s / bare_s}


BENCHMARKS.update({
    "coldstart": bench_coldstart,
    "feedback": bench_feedback,
    "scale": bench_scale,
    "answerpath": bench_answer_path,
})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], metavar="NAME",
                        help=f"benchmarks to run (default all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results = {name: BENCHMARKS[name]() for name in (args.names or BENCHMARKS)}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name, figures in results.items():
        print(name)
        for key, value in figures.items():
            print(f"  {key:<24} {value:>14.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
