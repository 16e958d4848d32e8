"""The benchmark scripts stay runnable: bench.py's history generator and on-screen probes run
on a small file, and pty_startup.py starts each app once in a real pseudo-terminal (no timing
is asserted here; figures live in tests/perf/ and the README)."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from engine.store.db import Store

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


# -- tests/perf/pty_startup.py: the whole process in a pseudo-terminal -------------------------

PTY_STARTUP = Path(__file__).resolve().parent / "perf" / "pty_startup.py"


@pytest.fixture(scope="module")
def pty_startup():
    spec = importlib.util.spec_from_file_location("tpm_drill_pty_startup", PTY_STARTUP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while it is made
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_pty_startup_runs_once_each_and_reports_its_figures() -> None:
    """One timed start of each in a real pty, as ``python tests/perf/pty_startup.py`` does
    (no timing asserted): both first screens are recognised and the report is complete."""
    done = subprocess.run(
        [sys.executable, str(PTY_STARTUP), "--runs", "1", "--warmup", "0", "--json"],
        capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["terminal"] == "80x24 pty"
    assert len(figures["tpm_drill_ms"]) == len(figures["bare_ms"]) == 1
    assert figures["tpm_drill"]["median_ms"] > 0 and figures["bare"]["median_ms"] > 0
    assert figures["ratio_of_medians"] == pytest.approx(
        figures["tpm_drill"]["median_ms"] / figures["bare"]["median_ms"])


def test_pty_startup_exits_1_with_the_screen_when_the_app_cannot_start(tmp_path: Path) -> None:
    """A program that never draws the question is reported (exit 1, what was on screen),
    not waited on forever nor timed."""
    fake = tmp_path / "tpm-drill"
    fake.write_text("#!/bin/sh\necho 'no such deck'\nexit 2\n", encoding="utf-8")
    fake.chmod(0o755)
    done = subprocess.run(
        [sys.executable, str(PTY_STARTUP), "--runs", "1", "--warmup", "0",
         "--tpm-drill", str(fake)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "tpm-drill exited before its first screen" in done.stderr
    assert "no such deck" in done.stderr


DRILL_FRAME = [
    " ⭘                            tpm-drill — drill",
    " #1 · hardware.memory · L4 · answer in TB/s",
    "",
    "  Peak HBM bandwidth of one H100 SXM?",
    "",
    "  ▊▔▔▔▔▔▔▔▔▔▔▔▔▎",
    "  ▊  a number with its unit  ·  ? don't know  ·  q back ▎",
    "  ▊▁▁▁▁▁▁▁▁▁▁▁▁▎",
]


def test_the_first_question_counts_only_with_status_prompt_and_answer_box(pty_startup) -> None:
    on_screen = pty_startup.drill_question_on_screen
    assert on_screen(DRILL_FRAME)
    assert not on_screen(DRILL_FRAME[:3] + DRILL_FRAME[4:])  # the prompt not drawn yet
    assert not on_screen(DRILL_FRAME[:6])  # the answer box not drawn yet
    assert not on_screen(DRILL_FRAME[:1] + DRILL_FRAME[2:])  # no status line
    essay = [line.replace("a number with its unit", "Answer as in the room")
             for line in DRILL_FRAME]
    assert on_screen(essay)
    assert pty_startup.bare_input_on_screen(["▊  a number with its unit   ▎"])
    assert not pty_startup.bare_input_on_screen(["▊                            ▎"])


@pytest.mark.parametrize("use_pyte", [True, False], ids=["pyte", "stripped-stream"])
def test_both_screen_models_read_textual_output(pty_startup, use_pyte: bool) -> None:
    """The emulator and the escape-stripped fallback both find text drawn with cursor moves,
    colours, an OSC title and a UTF-8 character split across two reads."""
    if use_pyte:
        pytest.importorskip("pyte")
    screen = pty_startup.Screen(use_pyte)
    stream = ("\x1b[?1049h\x1b]0;title\x07\x1b[2;2H\x1b[38;2;1;2;3m#1 · topic\x1b[0m"
              "\x1b[4;3HPeak?\x1b[6;3H\x1b[7ma\x1b[0m number with its unit").encode()
    split = stream.index("·".encode()) + 1  # inside the two-byte middle dot
    screen.feed(stream[:split])
    screen.feed(stream[split:])
    lines = screen.lines()
    assert any("#1 · topic" in line for line in lines)
    assert any("number with its unit" in line for line in lines)
    assert not any("title" in line for line in lines)
