"""``tpm-drill content check``: the built-in bank passes; each broken deck gets its own error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.content_check import check_content
from tests.content._decks import FACT, PROBLEM, write_deck

ROOT = Path(__file__).resolve().parents[2]

BROKEN = [
    ("bad toml", "[[facts]\nid =", "not valid TOML"),
    ("missing id", FACT.replace('id = "u.fact"\n', ""), "missing 'id'"),
    ("duplicate id", FACT + FACT, "duplicate id"),
    ("unknown model", PROBLEM.replace("kv_cache", "kv_cash"), "unknown model 'kv_cash'"),
    ("unknown parameter", PROBLEM.replace("head_dim = 128", "head_dims = 128"),
     "no parameter 'head_dims'"),
    ("bad unit", FACT.replace('\nunit = "GB"', '\nunit = "GBz"'), "GBz"),
    ("wrong kind of unit", FACT.replace('\nunit = "GB"', '\nunit = "GB/s"'),
     "not the same kind of quantity"),
    ("placeholder mismatch", PROBLEM.replace("{layers:int}", "{layerz:int}"),
     "placeholder {layerz} names no parameter"),
    ("inverted range", PROBLEM.replace("min = 1024, max = 8192", "min = 8192, max = 1024"),
     "inverted range"),
    ("missing source", FACT.replace('source = "NVIDIA H100 datasheet"\n', ""),
     "missing 'source'"),
    ("collides with a built-in id", FACT.replace("u.fact", "hw.h100_sxm.bf16_dense"),
     "duplicate id"),
]


def test_builtin_bank_passes() -> None:
    report = check_content()
    assert report.errors == []
    assert report.facts >= 30 and report.problems >= 5


def test_a_good_user_deck_passes(tmp_path: Path) -> None:
    write_deck(tmp_path, FACT + PROBLEM)
    report = check_content([tmp_path])
    assert report.errors == []
    assert (report.decks, report.facts, report.problems, report.open) == (1, 1, 1, 0)


@pytest.mark.parametrize(("case", "body", "message"), BROKEN, ids=[c[0] for c in BROKEN])
def test_each_broken_deck_has_its_own_clear_error(tmp_path: Path, case: str, body: str,
                                                  message: str) -> None:
    deck = write_deck(tmp_path, body)
    report = check_content([tmp_path], seeds=5)
    assert len(report.errors) == 1, report.errors
    error = report.errors[0]
    assert error.file == str(deck)
    assert message in error.message
    if case != "bad toml":
        assert error.item is not None
    assert error.line is not None


def test_cli_json_and_exit_code(tmp_path: Path) -> None:
    write_deck(tmp_path, PROBLEM.replace("kv_cache", "kv_cash"))
    done = subprocess.run([sys.executable, "-m", "tui", "content", "check", str(tmp_path),
                           "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert set(data) == {"decks", "facts", "problems", "open", "katas", "cases", "errors"}
    [error] = data["errors"]
    assert set(error) == {"file", "item", "line", "message"}
    assert error["item"] == "u.problem"


def test_cli_passes_on_the_builtin_bank() -> None:
    done = subprocess.run([sys.executable, "-m", "tui", "content", "check", "--seeds", "20"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("ok")
