"""``tpm-drill content show ID``: an item as the bank holds it, text cleaned for the
terminal, JSON key by key; unknown ids answered with near matches (issue #15, item 5)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from content.loader import Bank, load_deck_text
from engine.bank import ContentBank
from tui import cli_grade
from tui.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", "content", "show", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_open_question_json_key_by_key() -> None:
    done = _run("open.depth.flash_attention", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["id"] == "open.depth.flash_attention" and data["kind"] == "open"
    for key in ("topic", "level", "rounds", "prompt", "model_answer", "source",
                "explanation", "key_points", "red_flags", "figures", "target_minutes"):
        assert key in data, key
    assert data["rounds"] == ["technical_depth"]
    first = data["key_points"][0]
    assert set(first) == {"point", "phrasings", "weight", "misconceptions", "figures"}
    assert "memory bound" in first["phrasings"] and first["misconceptions"]


def test_open_question_text_lists_points_phrasings_and_misconceptions() -> None:
    done = _run("open.depth.flash_attention")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("open.depth.flash_attention  (open, kernels.attention, L6)")
    assert "key point 1 (weight 1.5): Standard attention is memory-bound" in out
    assert "    phrasing: memory bound" in out and "    misconception: " in out
    assert "model answer:" in out and "source:" in out and "rounds: technical_depth" in out


def test_problem_case_and_kata() -> None:
    problem = json.loads(_run("comms.nccl.busbw", "--json").stdout)
    assert problem["kind"] == "problem" and problem["unit"] == "GB/s"
    assert problem["tolerance"] == "rel:5%,15%" and problem["model"] == "busbw"
    assert {draw["name"] for draw in problem["params"]} >= {"algbw", "ranks"}

    case = _run("case.train_budget")
    assert case.returncode == 0 and "step 1 (compute)" in case.stdout
    case_json = json.loads(_run("case.train_budget", "--json").stdout)
    assert [step["id"] for step in case_json["steps"]][:2] == ["compute", "days"]

    kata = json.loads(_run("kata.ring_allreduce", "--json").stdout)
    assert kata["function"] == "allreduce_seconds" and "solution" not in kata
    kata_text = _run("kata.ring_allreduce").stdout
    assert "function: allreduce_seconds(bytes, ranks, bandwidth, latency)" in kata_text


def test_unknown_id_exits_2_with_near_matches() -> None:
    done = _run("open.depth.flash")
    assert done.returncode == 2 and done.stdout == ""
    assert "did you mean" in done.stderr and "open.depth.flash_attention" in done.stderr


_HOSTILE = """
[deck]
id = "hostile"
title = "Hostile"

[[open]]
id = "open.hostile.escape"
topic = "behavioral.influence"
level = "L5"
rounds = ["behavioral"]
prompt = "Tell me \\u001b[2Jabout a time\\u001b]0;pwned\\u0007 you changed a plan."
model_answer = "We cut the step time from 10 s to 8 s because the data said so."
explanation = "x"
source = "y"
[[open.key_points]]
point = "A number moved \\u001b[31mred"
phrasings = ["step time & #"]
"""


def test_deck_text_is_cleaned_for_the_terminal(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str],
                                               bank: ContentBank) -> None:
    deck = Bank()
    load_deck_text(_HOSTILE, "hostile.toml", deck)
    assert deck.errors == []
    items = dict(bank.items)
    items.update(deck.items)
    hostile = ContentBank(items=items, catalog=bank.catalog)

    def fake_bank(_args: argparse.Namespace) -> ContentBank:
        return hostile

    monkeypatch.setattr(cli_grade, "load_bank", fake_bank)
    assert main(["content", "show", "open.hostile.escape"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "about a time" in out
    assert main(["grade", "--item", "open.hostile.escape",
                 "We cut the step time from 10 s to 8 s by fixing the loader."]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "A number moved" in out
