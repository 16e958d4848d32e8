"""Stats and weak-area screens, and their --json commands, on a history played for real."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from engine.bank import load_content
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession
from grading.units import convert
from tests.tui._layout import loaded, static_text
from tui.app import build_app
from tui.screens.drill import DrillScreen
from tui.screens.stats import StatsScreen
from tui.screens.weak import WeakScreen

ROOT = Path(__file__).resolve().parents[2]


def _play_days(db_path: Path, clock: FakeClock, days: int = 5) -> None:
    """A learner who answers interconnect items at a third of the truth, others exactly."""
    store = Store(db_path)
    bank = load_content()
    for _day in range(days):
        session = StudySession(store, bank, Scheduler(Config()), clock, seed=_day)
        for _ in range(12):
            question = session.next_question()
            if question is None:
                break
            clock.advance(20)
            if question.kind in ("case", "kata"):
                session.submit("?")  # answered on their own screens; here: don't know
            elif question.kind == "text":
                session.submit(question.answers[0])
            elif question.kind == "open":
                session.submit(question.model_answer)
            else:
                value = convert(question.reference_value, question.reference_unit,
                                question.display_unit)
                factor = 1 / 3 if question.topic.startswith("hardware.interconnect") else 1.0
                session.submit(f"{value * factor:.6g} {question.display_unit}")
        session.finish()
        clock.advance(days=1)
    store.close()


@pytest.fixture
def played(db_path: Path, clock: FakeClock) -> Path:
    _play_days(db_path, clock)
    return db_path


async def test_stats_screen_draws_the_figures(played: Path, clock: FakeClock) -> None:
    app = build_app(played, clock=clock, start="stats")
    async with loaded(app) as pilot:
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        summary = static_text(screen.query_one("#stats-summary", Static))
        total = len(Store(played).reviews())
        assert f"{total} answers in all" in summary
        assert "■" in static_text(screen.query_one("#stats-heatmap", Static))
        assert len(screen.query("#stats-topics .topic-figures")) >= 3
        assert "No loops yet" in static_text(screen.query_one("#stats-loops", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


async def test_weak_screen_ranks_then_runs_a_weak_session(played: Path,
                                                          clock: FakeClock) -> None:
    app = build_app(played, clock=clock, start="weak")
    async with loaded(app) as pilot:
        screen = app.screen
        assert isinstance(screen, WeakScreen)
        assert screen.ranking
        rows = [static_text(row) for row in screen.query("#weak-topics Static")]
        assert rows[1].startswith("hardware.interconnect")  # the weakest topic first
        assert "underestimate" in rows[2]
        await pilot.press("enter")
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DrillScreen) and drill.session.mode == "weak"
        assert drill.session.question.topic == screen.ranking[0].topic
        await pilot.press("question_mark")
        await pilot.pause()
        weak_rows = [r for r in app.store.reviews() if r["mode"] == "weak"]
        assert len(weak_rows) == 1


def _cli(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", "--db", str(db_path), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_stats_and_weak_json(played: Path) -> None:
    stats = _cli(played, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert {"reviews_total", "reviews_today", "streak_days", "retention_30d", "due_forecast",
            "topics", "loops"} <= set(data)
    assert data["reviews_total"] == len(Store(played).reviews())
    assert len(data["due_forecast"]) == 14
    weak = _cli(played, "weak", "--json")
    assert weak.returncode == 0, weak.stderr
    ranking = json.loads(weak.stdout)
    assert set(ranking[0]) == {"topic", "score", "answers", "bias", "retention"}
    assert ranking[0]["topic"].startswith("hardware.interconnect")


def test_export_and_optimize(played: Path, tmp_path: Path) -> None:
    out = tmp_path / "reviews.json"
    done = _cli(played, "export", "--format", "json", "--output", str(out))
    assert done.returncode == 0, done.stderr
    exported = json.loads(out.read_text())
    assert len(exported["reviews"]) == len(Store(played).reviews())
    assert exported["sessions"]
    optimize = _cli(played, "optimize")
    assert optimize.returncode == 0, optimize.stderr
    assert "more" in optimize.stdout  # a few days of history is below the fitting threshold


def test_heatmap_legend_counts_honestly() -> None:
    """Six quiet months say so (not "busiest day: 1 answers"); counts are pluralised."""
    from datetime import date, timedelta

    from tui.screens.stats import heatmap_markup

    days = [(date(2026, 6, 1) + timedelta(days=i), 0) for i in range(182)]
    assert "no answers in these six months" in heatmap_markup(days)
    days[-1] = (days[-1][0], 1)
    assert "busiest day: 1 answer[" in heatmap_markup(days)
    days[-2] = (days[-2][0], 7)
    assert "busiest day: 7 answers" in heatmap_markup(days)
