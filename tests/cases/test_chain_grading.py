"""Chain grading with errors carried forward (issue 14 item 2), as a table.

Every row plays the contract case at seed 1, worked by hand in test_contract_case.py:
(1) 2.652e24 FLOP, (2) 89.106 days, (3) 2,189,879 GPU-hours, (4) $9,525,975; from a step 1
twice too big, the player's own chain gives (2) 178.21 days, (3) 4,379,758 GPU-hours,
(4) $19,051,950. Steps 2-4 are graded within rel:10%,25%, step 1 within rel:5%,15%.
"""

from __future__ import annotations

import json

import pytest

from content.catalog import builtin_catalog
from engine.cases import CaseAnswerError, ChainGrade, PosedCase, grade_chain, pose_case
from grading.rating import AGAIN, EASY, GOOD, HARD
from tests.cases.helpers import core_case, read_one


@pytest.fixture(scope="module")
def posed() -> PosedCase:
    return pose_case(core_case(), builtin_catalog(), seed=1)


ROWS = {
    "all right": (
        ["2.652e24 FLOP", "89.1 days", "2.19M GPU-hours", "$9.53M"],
        ["exact", "exact", "exact", "exact"], [1, 1, 1, 1], EASY, None, None),
    "first step 2x off, the rest consistent with it": (
        ["5.304e24", "178.2 days", "4.38e6", "1.905e7"],
        ["off", "consistent", "consistent", "consistent"], [0, 0.8, 0.8, 0.8], HARD, 0,
        None),
    "a slip in the middle only": (
        ["2.652e24", "89.1", "2.19e9", "9.53e6"],
        ["exact", "exact", "off", "exact"], [1, 1, 0, 1], HARD, 2,
        "a prefix slip (a factor of 1000)"),
    "a middle step 2x off, the rest consistent with it": (
        ["2.652e24", "178.2", "4.38e6", "1.905e7"],
        ["exact", "off", "consistent", "consistent"], [1, 0, 0.8, 0.8], HARD, 1, None),
    "everything wrong": (
        ["1e20", "3 days", "10", "7"],
        ["off", "off", "off", "off"], [0, 0, 0, 0], AGAIN, 0, None),
    "? on a step: revealed, the chain goes on from the reference": (
        ["2.652e24", "?", "2.19e6", "9.53e6"],
        ["exact", "revealed", "exact", "exact"], [1, 0, 1, 1], HARD, 1, None),
    "? after a wrong step still hands on the reference": (
        ["5.304e24", None, "2.19e6", "9.53e6"],
        ["off", "revealed", "exact", "exact"], [0, 0, 1, 1], HARD, 0, None),
    "close on step 1, then right against the reference": (
        ["2.9e24", "89.1", "2.19e6", "9.53e6"],
        ["close", "exact", "exact", "exact"], [0.5, 1, 1, 1], GOOD, 0, None),
    "consistent but only close on the player's own chain": (
        # own (2) 178.21 days: 205 is 15 % high, close; own (3) from 205 days is 5,038,080:
        # 4.38e6 is 13 % low, close; own (4) 4.38e6 · 4.35 = 1.905e7, exact.
        ["5.304e24", "205 days", "4.38e6", "1.905e7"],
        ["off", "consistent", "consistent", "consistent"], [0, 0.4, 0.4, 0.8], AGAIN, 0,
        None),
}


@pytest.mark.parametrize("row", list(ROWS), ids=list(ROWS))
def test_carried_forward_table(posed: PosedCase, row: str) -> None:
    answers, statuses, credits, rating, broke_at, slip = ROWS[row]
    grade = grade_chain(posed, answers)
    assert [s.status for s in grade.steps] == statuses
    assert [s.credit for s in grade.steps] == pytest.approx(credits)
    assert grade.score == pytest.approx(sum(credits) / 4)
    assert grade.rating == rating
    assert grade.broke_at == broke_at
    assert grade.slip == slip
    assert grade.complete
    assert all(s.consistent == (s.status == "consistent") for s in grade.steps)
    json.dumps(grade.to_dict())  # the CLI prints it


def test_the_verdict_names_where_the_chain_broke_and_what_followed(posed: PosedCase) -> None:
    grade = grade_chain(posed, ROWS["first step 2x off, the rest consistent with it"][0])
    assert grade.message == ("Your chain broke at step 1 (compute): off by 2.0× (you were "
                             "high). Steps 2 (days), 3 (gpu_hours) and 4 (cost) followed "
                             "from your own numbers (consistent).")
    days = grade.steps[1]
    assert days.band == "off" and days.own_band == "exact"
    assert days.carried_from == (0,)
    assert days.reference == pytest.approx(89.106, rel=1e-4)
    assert days.reference_from_your_answers == pytest.approx(178.21, rel=1e-4)
    assert "your numbers give 178 days" in days.message
    assert "The reference chain gives 89.1 days; 80% credit." in days.message


def test_a_named_slip_is_said_in_the_verdict(posed: PosedCase) -> None:
    grade = grade_chain(posed, ROWS["a slip in the middle only"][0])
    assert grade.message.startswith("Your chain broke at step 3 (gpu_hours): off by 1.0e+03×")
    assert "a prefix slip (a factor of 1000)" in grade.message
    gpu_hours = grade.steps[2]
    assert gpu_hours.slip == "a prefix slip (a factor of 1000)"
    cost = grade.steps[3]  # right against the reference, so not blamed on step 3
    assert cost.status == "exact" and cost.own_band == "off" and cost.carried_from == (2,)


def test_a_revealed_step_shows_its_reference(posed: PosedCase) -> None:
    grade = grade_chain(posed, ["2.652e24", "?"])
    assert grade.steps[1].message == ("Revealed: the reference is 89.1 days. The chain goes "
                                      "on from it.")
    assert grade.steps[1].answer is None and grade.steps[1].band is None


def test_a_partial_chain_is_graded_so_far(posed: PosedCase) -> None:
    """A screen grades after each step: the score counts unanswered steps as 0."""
    grade = grade_chain(posed, ["2.652e24", "89.1"])
    assert not grade.complete and len(grade.steps) == 2
    assert grade.score == pytest.approx(0.5)
    assert grade.message == "So far the chain holds: every step right."
    assert grade_chain(posed, []).message == "Nothing answered yet."


def test_answers_in_other_units_are_carried_in_si(posed: PosedCase) -> None:
    """Step 2 typed in seconds still carries 178 days forward to step 3."""
    grade = grade_chain(posed, ["5.304e24", "1.54e7 s", "4.38e6", "1.905e7"])
    assert [s.status for s in grade.steps] == ["off", "consistent", "consistent",
                                               "consistent"]


def test_an_answer_the_references_refuse_is_graded_against_the_reference_only(
        posed: PosedCase) -> None:
    """A zero compute makes the player's own step 2 undefined: graded on the reference."""
    grade = grade_chain(posed, ["0", "89.1", "2.19e6", "9.53e6"])
    assert [s.status for s in grade.steps] == ["off", "exact", "exact", "exact"]
    assert grade.steps[1].reference_from_your_answers is None
    assert grade.steps[1].own_band is None


@pytest.mark.parametrize(("answers", "step", "fragment"), [
    (["lots"], 0, "step 1 (compute): "),
    (["2.652e24", "89 GB"], 1, "step 2 (days): "),
    (["2.652e24", "   "], 1, "step 2 (days): type an answer, or ? to see the reference"),
])
def test_unreadable_answers_are_not_graded(posed: PosedCase, answers: list[str], step: int,
                                           fragment: str) -> None:
    with pytest.raises(CaseAnswerError) as caught:
        grade_chain(posed, answers)
    assert caught.value.step_index == step
    assert str(caught.value).startswith(fragment)


def test_more_answers_than_steps_is_an_error(posed: PosedCase) -> None:
    with pytest.raises(ValueError, match="has 4 steps, not 5 answers"):
        grade_chain(posed, ["1"] * 5)


DEADLINE = """
[[cases]]
id = "t.deadline"
topic = "training.compute"
level = "L5"
rounds = ["program_design"]
scenario = "{params:count} params, {tokens:count} tokens, {gpus:int} GPUs, {deadline_days} days."
explanation = "Compare the run's days with the deadline."
[cases.params]
params = 70e9
tokens = 15e12
gpus = { choices = [1024, 2048, 4096] }
peak_flops = 989e12
mfu = 0.4
deadline_days = 60
[cases.param_units]
peak_flops = "FLOP/s"
deadline_days = "day"
[[cases.steps]]
id = "compute"
prompt = "Compute?"
unit = "FLOP"
reference = "train_flops"
inputs = { params = "param:params", tokens = "param:tokens" }
[[cases.steps]]
id = "days"
prompt = "Days?"
unit = "day"
tolerance = "rel:10%,25%"
reference = "training_seconds_from_compute"
[cases.steps.inputs]
compute_flops = "step:compute"
gpus = "param:gpus"
peak_flops = "param:peak_flops"
mfu = "param:mfu"
[[cases.steps]]
id = "fits"
kind = "decision"
prompt = "Does it make the deadline?"
options = ["Yes, it fits", "No, it misses"]
rule = "at_most"
inputs = { value = "step:days", limit = "param:deadline_days" }
[cases.justify]
prompt = "Why?"
model_answer = "Because."
[[cases.justify.key_points]]
point = "days vs deadline"
phrasings = ["deadline"]
"""


def _deadline(gpus: int) -> PosedCase:
    """The deadline case posed with ``gpus`` GPUs: 6.3e24 FLOP at 4.05e17 FLOP/s per 1,024
    GPUs is 180 days on 1,024, 90 on 2,048 and 45 on 4,096, against 60 days."""
    case = read_one(DEADLINE)
    for seed in range(50):
        posed = pose_case(case, builtin_catalog(), seed)
        if posed.params["gpus"] == gpus:
            return posed
    raise AssertionError(f"no seed draws {gpus} GPUs")


def test_the_right_option_follows_the_scenario() -> None:
    """The limit (days) is converted to the unit of the value (s) before comparing."""
    assert _deadline(4096).steps[2].right_option == 0
    assert _deadline(4096).steps[1].reference_display == pytest.approx(45.0, rel=1e-3)
    assert _deadline(2048).steps[2].right_option == 1
    assert _deadline(1024).steps[2].right_option == 1


DECISIONS = {
    "right pick on right numbers": (["6.3e24", "45", "1"], "exact", 1.0),
    "right pick by its text": (["6.3e24", "45", " yes,  IT fits "], "exact", 1.0),
    "wrong pick on right numbers: inconsistent": (["6.3e24", "45", "2"], "off", 0.0),
    "pick that follows the player's wrong numbers: consistent": (
        ["1.26e25", "90", "2"], "consistent", 0.8),
    "right pick despite the player's wrong numbers": (["1.26e25", "90", "1"], "exact", 1.0),
    "? on a decision": (["6.3e24", "45", "?"], "revealed", 0.0),
}


@pytest.mark.parametrize("row", list(DECISIONS), ids=list(DECISIONS))
def test_decision_steps(row: str) -> None:
    answers, status, credit = DECISIONS[row]
    grade = grade_chain(_deadline(4096), answers)
    fits = grade.steps[2]
    assert (fits.status, fits.credit) == (status, credit)
    assert fits.right_option == 0
    shown = grade.to_dict()["steps"][2]
    assert shown["reference"] == "Yes, it fits"
    json.dumps(grade.to_dict())


def test_a_consistent_pick_is_explained() -> None:
    grade = grade_chain(_deadline(4096), ["1.26e25", "90", "b"])
    fits = grade.steps[2]
    assert fits.right_option_from_your_answers == 1 and fits.picked == 1
    assert fits.message == ("Consistent: 'No, it misses' follows from your own step 2 "
                            "(days), but the reference numbers point to 'Yes, it fits'. "
                            "80% credit.")
    assert isinstance(grade, ChainGrade) and grade.broke_at == 0


def test_a_pick_that_names_no_option_is_not_graded() -> None:
    with pytest.raises(CaseAnswerError, match=r"step 3 \(fits\): pick an option by its "
                                              r"number or text: 1 'Yes, it fits', 2"):
        grade_chain(_deadline(4096), ["6.3e24", "45", "3"])


LOWEST = """
[[cases]]
id = "t.cheapest"
topic = "inference.cost"
level = "L5"
rounds = ["system_tradeoffs"]
scenario = "Plan A: {hours_a:count} GPU-hours at ${price_a}; plan B: {hours_b:count} at ${price_b}."
explanation = "Price each plan."
[cases.params]
hours_a = { min = 1e5, max = 1e6, scale = "log", sig = 2 }
hours_b = { min = 1e5, max = 1e6, scale = "log", sig = 2 }
price_a = 2.0
price_b = 3.0
[cases.param_units]
hours_a = "hour"
hours_b = "hour"
price_a = "USD/hour"
price_b = "USD/hour"
[[cases.steps]]
id = "cost_a"
prompt = "Plan A's cost?"
unit = "USD"
reference = "cost_from_gpu_hours"
inputs = { gpu_hours = "param:hours_a", usd_per_gpu_hour = "param:price_a" }
[[cases.steps]]
id = "cost_b"
prompt = "Plan B's cost?"
unit = "USD"
reference = "cost_from_gpu_hours"
inputs = { gpu_hours = "param:hours_b", usd_per_gpu_hour = "param:price_b" }
[[cases.steps]]
id = "pick"
kind = "decision"
prompt = "Which plan is cheaper?"
options = ["Plan A", "Plan B"]
rule = "lowest"
inputs = { a = "step:cost_a", b = "step:cost_b" }
[cases.justify]
prompt = "Why?"
model_answer = "Cheaper."
[[cases.justify.key_points]]
point = "cost"
phrasings = ["cost"]
"""


def test_lowest_swings_with_the_scenario_and_grades_both_chains() -> None:
    case = read_one(LOWEST)
    picks = {pose_case(case, builtin_catalog(), seed).steps[2].right_option
             for seed in range(40)}
    assert picks == {0, 1}
    posed = next(p for p in (pose_case(case, builtin_catalog(), s) for s in range(40))
                 if p.steps[2].right_option == 0)
    a, b = (posed.steps[i].reference_display for i in (0, 1))
    assert a is not None and b is not None and a < b
    # The player prices plan A at three times its cost, above plan B: picking B follows.
    grade = grade_chain(posed, [f"{3 * a:.6g}", f"{b:.6g}", "2"])
    assert [s.status for s in grade.steps] == (
        ["off", "exact", "consistent"] if 3 * a > b else ["off", "exact", "off"])


def test_an_option_is_read_by_its_full_text_even_when_it_ends_in_a_bracket() -> None:
    """A list-style "2." or "b)" picks by number or letter; an option's own text is read
    as written, its closing ")" included (case.finetune_fit_and_time has such options)."""
    from engine.cases.grade import read_pick

    options = ("Yes: it fits (check activations next)", "No: shard the states (ZeRO-3)")
    assert read_pick("Yes: it fits (check activations next)", options) == 0
    assert read_pick("no: shard the states (zero-3).", options) == 1
    assert read_pick("2.", options) == 1 and read_pick("b)", options) == 1
    assert read_pick("Yes: it fits (check activations next", options) is None
    assert read_pick("3", options) is None
