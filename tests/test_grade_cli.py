"""``tpm-drill grade``: one answer graded from the shell, every band reachable, JSON shaped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _grade(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "tui", "grade", *args, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("answer", "expected", "band"),
    [
        ("3.3 TB/s", "3.35 TB/s", "exact"),
        ("3.0 TB/s", "3.35 TB/s", "close"),
        ("900 GB/s", "450 GB/s", "off"),  # NVLink 4: 900 is both directions added
        ("3.35 TB", "3.35 TB/s", "unit_mismatch"),
        ("lots", "3.35 TB/s", "unparsed"),
        ("400 Gbps", "50 GB/s", "exact"),  # IB NDR: 400 Gb/s = 50 GB/s
    ],
)
def test_bands(answer: str, expected: str, band: str) -> None:
    data = _grade(answer, "--expected", expected)
    assert set(data) == {"band", "value", "unit", "rel_error", "log10_error", "rating",
                         "message", "interval"}
    assert data["band"] == band
    assert data["message"]
    if band in {"unit_mismatch", "unparsed"}:
        assert data["value"] is None and data["rating"] is None
    else:
        assert data["rating"] in {1, 2, 3, 4}


def test_value_is_in_the_expected_unit_and_intervals_are_recorded() -> None:
    data = _grade("32-50 days", "--expected", "40 day", "--tolerance", "log:1.25,2")
    assert data["unit"] == "day"
    assert data["value"] == pytest.approx((32 * 50) ** 0.5)
    assert data["interval"] == [32, 50]
    assert data["band"] == "exact"
    wide = _grade("30-50 days", "--expected", "40 day", "--tolerance", "log:1.25,2")
    assert wide["band"] == "close" and wide["interval"] == [30, 50]  # 1.67× > 1.5625×


def test_bad_expected_or_tolerance_exit_2() -> None:
    for args in (("1", "--expected", "fast"), ("1", "--expected", "1 GB", "--tolerance", "5%")):
        done = subprocess.run([sys.executable, "-m", "tui", "grade", *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr and done.stderr.startswith("tpm-drill:")


# -- grade --item: any item of the bank (issue #15, item 5) ---------------------------------

FLASH_WRONG = ("FlashAttention is faster because it does fewer FLOPs. Standard attention "
               "isn't memory bound at all: it is compute-bound on the s x s score matrix.")
FLASH_STRONG = (
    "Standard attention is memory-bound: at 8k tokens the score matrix is 8192² × 2 bytes, "
    "about 134 MB per head, and it is written to HBM and read back for the softmax. "
    "FlashAttention tiles Q, K and V into SRAM and uses an online softmax with a running max "
    "and sum, so the score matrix never touches HBM. In the backward pass it recomputes the "
    "tiles, which costs more FLOPs but far fewer bytes, so it is faster.")

OPEN_KEYS = {"item", "kind", "auto_score", "rating", "key_points", "contradictions",
             "wrong_numbers", "red_flags", "numbers", "mechanisms", "tradeoffs", "own_numbers"}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def _item_json(*args: str) -> dict:
    done = _run("grade", *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_open_item_gives_the_rubric_verdict_key_by_key() -> None:
    strong = _item_json("--item", "open.depth.flash_attention", FLASH_STRONG)
    assert set(strong) == OPEN_KEYS
    assert strong["item"] == "open.depth.flash_attention" and strong["kind"] == "open"
    from grading.rating import rating_for_open

    assert 0.7 <= strong["auto_score"] <= 1
    assert strong["rating"] == rating_for_open(strong["auto_score"])
    assert all(set(point) == {"point", "covered", "evidence", "contradicted", "named_in"}
               for point in strong["key_points"])
    assert all(point["named_in"] is None for point in strong["key_points"] if point["covered"])
    covered = [point for point in strong["key_points"] if point["covered"]]
    assert covered and all(point["evidence"] in FLASH_STRONG for point in covered)
    assert strong["contradictions"] == [] and strong["wrong_numbers"] == []
    assert "134 MB" in strong["numbers"]
    assert strong["own_numbers"] >= 2  # it works numbers out, so it is not capped
    assert all(isinstance(sentence, str) for sentence in strong["mechanisms"])
    assert isinstance(strong["tradeoffs"], list)

    wrong = _item_json("--item", "open.depth.flash_attention", FLASH_WRONG)
    assert wrong["auto_score"] < 0.2 and wrong["rating"] == 1
    assert {c["kind"] for c in wrong["contradictions"]} <= {"misconception", "denial",
                                                            "inversion"}
    assert all(set(c) == {"point", "claim", "found", "sentence", "kind"}
               for c in wrong["contradictions"])
    assert len(wrong["contradictions"]) >= 2
    assert any(point["contradicted"] for point in wrong["key_points"])


def test_open_item_names_a_wrong_number_and_a_red_flag() -> None:
    data = _item_json("--item", "open.depth.flash_attention",
                      "The H100 BF16 dense peak is 1,979 TFLOP/s, so attention runs far below "
                      "its ridge point. We aligned stakeholders on the plan.")
    assert [w["figure"] for w in data["wrong_numbers"]] == ["H100 BF16 dense peak"]
    assert set(data["wrong_numbers"][0]) == {"typed", "figure", "expected", "sentence"}
    assert data["red_flags"] and set(data["red_flags"][0]) == {"phrase", "found", "why",
                                                               "source"}
    assert data["red_flags"][0]["source"] == "process"


def test_numeric_items_are_posed_with_the_seed() -> None:
    fact = _item_json("--item", "hw.h100_sxm.bf16_dense", "989 TFLOP/s")
    assert set(fact) == {"item", "kind", "seed", "prompt", "band", "value", "unit",
                         "reference", "reference_text", "rel_error", "rating", "message"}
    assert fact["kind"] == "fact" and fact["band"] == "exact" and fact["seed"] == 0
    assert fact["unit"] == "TFLOP/s" and fact["reference"] == pytest.approx(989.4, rel=1e-3)
    assert fact["rating"] in {3, 4} and fact["message"]
    sparse = _item_json("--item", "hw.h100_sxm.bf16_dense", "1979 TFLOP/s")
    assert sparse["band"] == "off" and sparse["rel_error"] == pytest.approx(1.0, abs=0.01)

    seed0 = _item_json("--item", "comms.nccl.busbw", "1 GB/s")
    seed3 = _item_json("--item", "comms.nccl.busbw", "1 GB/s", "--seed", "3")
    assert seed0["kind"] == "problem" and seed3["seed"] == 3
    assert seed0["prompt"] != seed3["prompt"]  # another draw of the parameters
    right = _item_json("--item", "comms.nccl.busbw", f"{seed3['reference']} GB/s",
                       "--seed", "3")
    assert right["band"] == "exact"
    unread = _item_json("--item", "comms.nccl.busbw", "lots")
    assert unread["band"] == "unparsed" and unread["value"] is None
    assert unread["rating"] is None


def test_text_fact() -> None:
    data = _item_json("--item", "hw.text.h100_pcie_hbm", "HBM2e")
    assert set(data) == {"item", "kind", "band", "matched", "rating", "message"}
    assert data["kind"] == "text" and data["band"] == "exact" and data["matched"]


@pytest.mark.parametrize(("item", "pointer"), [
    ("case.train_budget", "tpm-drill case grade case.train_budget"),
    ("kata.ring_allreduce", "tpm-drill kata check kata.ring_allreduce"),
])
def test_case_or_kata_points_at_its_own_command(item: str, pointer: str) -> None:
    done = _run("grade", "--item", item, "whatever", "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert pointer in done.stderr and "Traceback" not in done.stderr


def test_unknown_item_offers_near_matches() -> None:
    done = _run("grade", "--item", "open.depth.flash_atention", "x")
    assert done.returncode == 2
    assert "open.depth.flash_attention" in done.stderr
    assert done.stderr.startswith("tpm-drill: no item 'open.depth.flash_atention'")


def test_grade_needs_exactly_one_of_expected_and_item() -> None:
    assert _run("grade", "1 GB").returncode == 2
    both = _run("grade", "1 GB", "--expected", "1 GB", "--item", "hw.h100_sxm.bf16_dense")
    assert both.returncode == 2 and "not allowed with" in both.stderr
    assert _run("grade", "--item", "hw.h100_sxm.bf16_dense", "1 GB", "--seed",
                "-1").returncode == 2


def test_grade_item_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    done = _run("grade", "--item", "open.depth.flash_attention", FLASH_STRONG,
                "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert not db.exists()
    assert "heard:" in done.stdout and "score" in done.stdout.splitlines()[0]


def test_open_item_says_where_a_term_was_named_without_a_claim() -> None:
    term_list = "Memory bound, score matrix, HBM traffic. Tiling, SRAM, online softmax."
    verdict = _item_json("--item", "open.depth.flash_attention", term_list)
    named = [point["named_in"] for point in verdict["key_points"] if point["named_in"]]
    assert named and all(sentence in term_list for sentence in named)
    assert not any(point["covered"] for point in verdict["key_points"])
    done = _run("grade", "--item", "open.depth.flash_attention", term_list)
    assert done.returncode == 0 and "named, not claimed:" in done.stdout
