"""The benchmark script stays runnable: its history generator and its on-screen probes run
on a small file (no timing is asserted here; figures live in tests/perf/ and the README)."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest

from engine.store import Store

BENCH = Path(__file__).resolve().parent / "perf" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("tpm_drill_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_history_writes_what_it_says(bench, tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    bench.synthetic_history(path, items=400, reviews=2_000)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 2_000
        assert conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 400
        # The running totals followed the bulk insert (the triggers fired).
        assert conn.execute("SELECT SUM(answers) FROM day_totals").fetchone()[0] == 2_000
    finally:
        conn.close()


def test_screen_probes_run_on_a_small_history(bench, tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    bench.synthetic_history(path, items=400, reviews=2_000)
    Store(path).close()  # today's backup, as the benchmark's warm-up makes it
    figures = bench._screen_figures(path, stats_repeats=1, answers=2)
    assert set(figures) == {"screen_stats_ms", "screen_next_card_ms"}
    assert all(value > 0 for value in figures.values())
