"""Every built-in case poses for 200 seeds (issue 14): finite, positive references at every
numeric step, and decision steps whose right option changes across seeds unless the deck
marks the decision ``swings = false`` (a decision meant to hold for every draw)."""

from __future__ import annotations

import math

import pytest

from engine.bank import ContentBank
from engine.cases import pose_case

SEEDS = range(200)


def _cases(bank: ContentBank) -> list[str]:
    return sorted(item_id for item_id in bank.items if bank.is_case(item_id))


def test_the_built_in_decks_hold_cases_of_three_to_seven_steps(bank: ContentBank) -> None:
    case_ids = _cases(bank)
    assert "case.train_budget" in case_ids
    for case_id in case_ids:
        assert 3 <= len(bank.items[case_id].steps) <= 7, case_id


@pytest.mark.parametrize("seed_block", range(4))
def test_every_case_poses_for_200_seeds(bank: ContentBank, seed_block: int) -> None:
    """Seeds split in four blocks so a failure names fewer seeds; the swing check below
    takes all 200 at once."""
    for case_id in _cases(bank):
        case = bank.items[case_id]
        for seed in SEEDS[seed_block * 50:(seed_block + 1) * 50]:
            posed = pose_case(case, bank.catalog, seed)
            for step in posed.steps:
                if step.kind == "decision":
                    assert step.right_option in range(len(step.options)), (case_id, seed)
                    continue
                value = step.reference_value
                assert value is not None and math.isfinite(value) and value > 0, \
                    (case_id, seed, step.id, value)
                assert math.isfinite(step.reference_display or math.nan), (case_id, step.id)


def test_decisions_swing_with_the_scenario(bank: ContentBank) -> None:
    still: list[str] = []
    for case_id in _cases(bank):
        case = bank.items[case_id]
        picks: dict[str, set[int]] = {}
        for seed in SEEDS:
            for step in pose_case(case, bank.catalog, seed).steps:
                if step.kind == "decision":
                    picks.setdefault(step.id, set()).add(step.right_option)
        for step in case.steps:
            if step.kind == "decision" and step.swings and len(picks[step.id]) < 2:
                still.append(f"{case_id}:{step.id} always picks option {picks[step.id]}")
    assert not still, "decisions that never swing (mark them swings = false if meant):\n" \
        + "\n".join(still)


def test_swings_false_is_read_and_anything_else_refused() -> None:
    from tests.cases.helpers import read_cases

    deck = '''
[[cases]]
id = "case.t"
topic = "training.compute"
level = "L5"
rounds = ["program_design"]
scenario = "Train {params:count} parameters."
explanation = "x"
source = "test"
[cases.params]
params = { min = 1e9, max = 1e10, scale = "log", sig = 2 }
[cases.param_units]
params = "parameter"
[[cases.steps]]
id = "compute"
prompt = "Compute?"
unit = "FLOP"
reference = "train_flops"
inputs = { params = "param:params", tokens = 1e12 }
[[cases.steps]]
id = "again"
prompt = "Compute again?"
unit = "FLOP"
reference = "train_flops"
inputs = { params = "param:params", tokens = 2e12 }
[[cases.steps]]
id = "pick"
kind = "decision"
prompt = "Which?"
options = ["small", "big"]
rule = "at_most"
inputs = { value = "step:compute", limit = 1e30 }
swings = SWINGS
[cases.justify]
prompt = "Why?"
model_answer = "Because."
[[cases.justify.key_points]]
point = "a reason"
phrasings = ["reason"]
'''
    [held] = read_cases(deck.replace("SWINGS", "false"))
    assert held.steps[2].swings is False
    [refused] = read_cases(deck.replace("SWINGS", '"no"'))
    assert "swings must be true or false" in str(refused)
