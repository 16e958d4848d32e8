"""``tpm-drill case list | show | grade`` through the CLI's entry point, on the contract case
of the built-in ``cases_core`` deck (served in place of the whole bank)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from content.catalog import builtin_catalog
from engine.bank import ContentBank
from tests.cases.helpers import core_case
from tui import cli_case
from tui.__main__ import main

CASE = core_case("case.train_budget")
HOSTILE = replace(CASE, id="case.test.hostile",
                  prompt=CASE.prompt.replace("Finance", "Fin\x1b[2Jance\x1b]0;pwned\x07"))
SEED = 7

# Seed 7 draws the preset "a 405B model on 16,384 GPUs", 11T tokens, B200s (2,250 TFLOP/s
# dense BF16), 49% MFU, $2.20 per GPU-hour. The contract's chain, by hand:
#   (1) C = 6 · N · D = 6 · 405e9 · 11e12 = 6 · 4.455e24 = 2.673e25 FLOP
#   (2) fleet rate = gpus · peak · MFU = 16,384 · 2.25e15 · 0.49 = 1.806336e19 FLOP/s;
#       t = 2.673e25 / 1.806336e19 = 1.479791e6 s; / 86,400 = 17.1272 days
#   (3) GPU-hours = gpus · days · 24 = 16,384 · 17.1272 · 24 = 6.73469e6 GPU·h
#   (4) cost = GPU-hours · price = 6.73469e6 · 2.2 = 1.48163e7 USD
#       (check: C / (peak · MFU) / 3600 · price = 2.673e25 / 1.1025e15 / 3600 · 2.2, the same)
COMPUTE_FLOPS = 6 * 405e9 * 11e12
DAYS = COMPUTE_FLOPS / (16_384 * 2.25e15 * 0.49) / 86_400
GPU_HOURS = 16_384 * DAYS * 24
COST_USD = GPU_HOURS * 2.2
RIGHT = ["2.673e25 FLOP", "17.13 days", "6.735e6", "1.4816e7 USD"]
# The first step 2× high and every later step worked correctly from it: 5.346e25 FLOP,
# 34.254 days, 1.34694e7 GPU·h, 2.96326e7 USD.
TWICE_THEN_CONSISTENT = ["5.346e25 FLOP", "34.25 days", "1.347e7", "2.963e7"]


@pytest.fixture(autouse=True)
def _cases(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bank = ContentBank({c.id: c for c in (CASE, HOSTILE)}, builtin_catalog())
    monkeypatch.setattr(cli_case, "load_bank", lambda args: bank)
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_hand_worked_figures() -> None:
    assert COMPUTE_FLOPS == pytest.approx(2.673e25)
    assert DAYS == pytest.approx(17.1272, rel=1e-5)
    assert GPU_HOURS == pytest.approx(6.73469e6, rel=1e-5)
    assert COST_USD == pytest.approx(1.48163e7, rel=1e-5)


def test_list_names_the_contract_case(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "case", "list")
    assert code == 0
    assert "case.train_budget" in out and "4 steps" in out and "8 min" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    code, out, _ = _run(capsys, "case", "list", "--json")
    listed = {entry["id"]: entry for entry in json.loads(out)}
    assert listed["case.train_budget"] == {
        "id": "case.train_budget", "topic": "training.compute", "level": "L5",
        "rounds": ["technical_screen", "program_design"], "steps": 4, "target_minutes": 8}


def test_show_json_has_the_contract_shape_and_the_hand_worked_chain(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    code, out, _ = _run(capsys, "--db", str(db), "case", "show", "case.train_budget",
                        "--seed", str(SEED), "--json")
    assert code == 0
    shown = json.loads(out)
    assert set(shown) == {"id", "seed", "scenario", "params", "steps"}
    assert (shown["id"], shown["seed"]) == ("case.train_budget", SEED)
    assert "405B parameters" in shown["scenario"] and "16,384" in shown["scenario"]
    assert shown["params"] == {"params": 405e9, "tokens": 11e12, "gpus": 16_384,
                               "gpu": "b200", "peak_flops": 2.25e15, "mfu": 0.49,
                               "usd_per_gpu_hour": 2.2}
    for step in shown["steps"]:
        assert {"prompt", "unit", "reference"} <= set(step)
    assert [s["unit"] for s in shown["steps"]] == ["FLOP", "day", "GPU*hour", "USD"]
    references = [s["reference"] for s in shown["steps"]]
    assert references == pytest.approx([COMPUTE_FLOPS, DAYS, GPU_HOURS, COST_USD],
                                       rel=1e-9)
    assert not db.exists()  # show records nothing


def test_show_text_fits_80_columns_and_hides_references_unless_asked(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "case", "show", "case.train_budget", "--seed", str(SEED))
    assert code == 0
    assert "seed 7" in out and "1. Total training compute" in out and "[FLOP]" in out
    assert "2.67e+25" not in out
    assert f"case grade case.train_budget --seed {SEED} --answers A1 A2 A3 A4" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    _, revealed, _ = _run(capsys, "case", "show", "case.train_budget", "--seed", str(SEED),
                          "--reveal")
    assert "reference: 2.67e+25 FLOP" in revealed and "reference: 17.1 days" in revealed


def test_show_without_a_seed_prints_the_seed_it_drew(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    code, out, _ = _run(capsys, "case", "show", "case.train_budget", "--json")
    assert code == 0
    seed = json.loads(out)["seed"]
    _, again, _ = _run(capsys, "case", "show", "case.train_budget", "--seed", str(seed),
                       "--json")
    assert json.loads(again) == json.loads(out)


def test_grading_the_right_chain_exits_0(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    code, out, err = _run(capsys, "--db", str(db), "case", "grade", "case.train_budget",
                          "--seed", str(SEED), "--answers", *RIGHT)
    assert (code, err) == (0, "")
    assert [line.split()[2] for line in out.splitlines()[1:5]] == ["right"] * 4
    assert "every step right" in out and "Score: 100%" in out and "nothing recorded" in out
    assert "<- broke" not in out
    assert not db.exists()


def test_the_first_step_twice_off_carries_forward(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "case", "grade", "case.train_budget", "--seed", str(SEED),
                        "--answers", *TWICE_THEN_CONSISTENT)
    assert code == 1  # step 1 is off
    lines = out.splitlines()
    steps = [line for line in lines if line[:3].strip().isdigit()]
    assert [line.split()[2] for line in steps] == ["off", "consistent", "consistent",
                                                    "consistent"]
    assert steps[0].endswith("<- broke") and not any(s.endswith("<- broke") for s in steps[1:])
    assert "ref 17.1 days; yours 34.3 days" in steps[1]
    assert "Your chain broke at step 1 (compute)" in out
    assert all(len(line) <= 80 for line in lines)
    code, out, _ = _run(capsys, "case", "grade", "case.train_budget", "--seed", str(SEED),
                        "--answers", *TWICE_THEN_CONSISTENT, "--json")
    graded = json.loads(out)
    assert code == 1
    assert {"id", "seed", "steps", "score"} <= set(graded)
    assert (graded["id"], graded["seed"]) == ("case.train_budget", SEED)
    for step in graded["steps"]:
        assert {"band", "consistent", "reference", "reference_from_your_answers",
                "message"} <= set(step)
    assert [s["band"] for s in graded["steps"]] == ["off"] * 4
    assert [s["consistent"] for s in graded["steps"]] == [False, True, True, True]
    assert graded["steps"][1]["reference"] == pytest.approx(DAYS)
    assert graded["steps"][1]["reference_from_your_answers"] == pytest.approx(
        5.346e25 / (16_384 * 2.25e15 * 0.49) / 86_400)  # from the player's own step 1
    assert graded["score"] == pytest.approx((0 + 0.8 * 3) / 4)


def test_a_revealed_step_is_not_off(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "case", "grade", "case.train_budget", "--seed", str(SEED),
                        "--answers", RIGHT[0], "?", RIGHT[2], RIGHT[3])
    assert code == 0
    assert "revealed" in out and "Score: 75%" in out


def test_unknown_case_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "case", "grade", "case.nope", "--seed", "1", "--answers",
                          "1")
    assert (code, out) == (2, "")
    assert "no case 'case.nope'" in err and "tpm-drill case list" in err
    code, _, err = _run(capsys, "case", "show", "case.nope")
    assert code == 2 and "no case 'case.nope'" in err


def test_an_unreadable_answer_exits_2_naming_the_step(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    code, out, err = _run(capsys, "case", "grade", "case.train_budget", "--seed", str(SEED),
                          "--answers", RIGHT[0], "17 GB", RIGHT[2], RIGHT[3])
    assert (code, out) == (2, "")
    assert "step 2 (days)" in err and "nothing was graded" in err
    code, _, err = _run(capsys, "case", "grade", "case.train_budget", "--seed", str(SEED),
                        "--answers", RIGHT[0], "lots", RIGHT[2], RIGHT[3], "--json")
    assert code == 2 and "step 2 (days)" in err


def test_the_wrong_number_of_answers_or_a_bad_seed_exits_2(capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    code, _, err = _run(capsys, "case", "grade", "case.train_budget", "--seed", str(SEED),
                        "--answers", *RIGHT[:3])
    assert code == 2 and "has 4 steps: give 4 answers" in err and "not 3" in err
    code, _, err = _run(capsys, "case", "show", "case.train_budget", "--seed", "-1")
    assert code == 2 and "--seed must be a whole number from 0" in err


def test_deck_text_is_cleaned(capsys: pytest.CaptureFixture[str]) -> None:
    for extra in ((), ("--json",)):
        code, out, _ = _run(capsys, "case", "show", HOSTILE.id, "--seed", str(SEED), *extra)
        assert code == 0
        assert "\x1b" not in out and "\x07" not in out
