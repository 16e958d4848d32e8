"""An answer that works nothing out (issue #15, sixth session): fewer than two numbers of its
own — values the question did not give and that are not a datasheet figure recited with its
unit — caps the score at the term-list bar. Found by round-4 term-list probes written as plans,
restatements, definitions and citations, which read as claims: first scored, 33 of 60 were
above 0.35; with the cap, 14 (7 of the 30 held back for validation)."""

from __future__ import annotations

import pytest

from content.loader import KeyPoint
from grading.rubric import MIN_OWN_NUMBERS, NO_OWN_NUMBERS_CAP, own_numbers, score_open

PROMPT = ("A 30-day run on 2,048 H100s; per-GPU MTBF 50,000 hours. How many interruptions "
          "should you plan for, and what do they cost?")
POINTS = [
    KeyPoint("Job MTBF = per-GPU MTBF / N", ("job mtbf", "mtbf & gpus"), 1.0),
    KeyPoint("Cost per failure = restart + half the interval",
             ("cost per failure|each failure costs & restart",), 1.0),
    KeyPoint("Total as a share of the run", ("share of the run|% of the run",), 1.0),
]


@pytest.mark.parametrize(("answer", "own"), [
    # The question's numbers said back are not the answer's own.
    ("The run is 30 days on 2,048 H100s with a 50,000-hour MTBF.", 0),
    # Datasheet figures recited with their unit are known cold, not worked out.
    ("An H100 gives 989 TFLOP/s of dense BF16 from HBM3 at 3.35 TB/s.", 0),
    # Numbers that are part of a name are no values.
    ("Llama 3, ZeRO-3, PCIe Gen5 and step 2 of the plan.", 0),
    # Worked results are.
    ("Job MTBF is 50,000 / 2,048 ≈ 24 h, so about 29.5 interruptions.", 2),
    ("Each costs 15 min of restart plus 20 min of lost work, 35 min.", 3),
    # A value the question gives is not the answer's own, whatever unit it is said in.
    ("Each costs 15 min of restart plus 30 min of lost work.", 1),
    # A quantity in words counts once.
    ("It takes two to three days to burn in a rack.", 1),
    # A format's width or a rank names something; it is no value worked out (definitions).
    ("FP8 is an 8-bit format; 4-bit weights use 4 bits each; p99 is the 99th percentile.", 0),
    ("The 1st and 2nd stages idle at the 3rd step.", 0),
    # A formula's, topology's, schedule's or citation's number is a name too (eleventh
    # session): "8ND instead of 6ND" recites two formulas; the 1.3 s is worked out.
    ("Full recompute does 8ND instead of 6ND, so a step takes 1.3 s longer.", 1),
    ("A 3D torus, 1F1B and 2:4 structured sparsity (Chen et al. 2016; Dao et al. (2022)).", 0),
    ("XID 79 fired and 14 nodes drained in 3d.", 2),      # the code is a name; 14 and 3 are not
    ("A global batch (4096) of 8k sequences.", 2),         # 4096 is no year in brackets
    # A datasheet value said beside its part is recited; beside another part it is worked out.
    ("The H200 is 4.8 TB/s with 141 GB; an MI300X holds 140 GB of weights.", 1),
])
def test_own_numbers_counts_what_the_answer_works_out(answer: str, own: int) -> None:
    assert own_numbers(answer, PROMPT) == own


PLAN = ("Step one: take the per-GPU MTBF of 50,000 hours and the 2,048 GPUs and get a job "
        "MTBF. Step two: count interruptions over the 30 days. Step four: each failure costs "
        "restart time plus lost work depending on the checkpoint interval. Then total it as a "
        "share of the run and explain how the job MTBF drives everything.")
WORKED = ("Job MTBF is 50,000 h / 2,048 GPUs ≈ 24 h, so plan for about 30 interruptions. Each "
          "failure costs 15 min of restart plus half a 1 h checkpoint interval, 45 min, so "
          "22 h in all, about 3% of the run.")


def test_a_plan_with_no_number_of_its_own_is_capped_only_with_the_prompt() -> None:
    capped = score_open(PLAN, POINTS, process_flags=(), prompt=PROMPT)
    uncapped = score_open(PLAN, POINTS, process_flags=())
    assert capped.own_numbers is not None and capped.own_numbers < MIN_OWN_NUMBERS
    assert capped.worked_nothing_out
    assert uncapped.auto_score > NO_OWN_NUMBERS_CAP  # the plan's sentences read as claims
    assert capped.auto_score == NO_OWN_NUMBERS_CAP
    assert uncapped.own_numbers is None and not uncapped.worked_nothing_out


def test_a_worked_answer_is_not_capped() -> None:
    result = score_open(WORKED, POINTS, process_flags=(), prompt=PROMPT)
    assert result.own_numbers is not None and result.own_numbers >= MIN_OWN_NUMBERS
    assert not result.worked_nothing_out
    assert result.auto_score > NO_OWN_NUMBERS_CAP


@pytest.mark.parametrize(("extra", "capped"), [
    ("", True),                          # 0 own numbers
    (" It took 3 weeks.", True),         # 1: just short of the edge
    (" It took 3 weeks and 40 GPUs.", False),  # 2: at the edge
])
def test_the_cap_edge_is_two_own_numbers(extra: str, capped: bool) -> None:
    result = score_open(PLAN + extra, POINTS, process_flags=(), prompt=PROMPT)
    assert result.worked_nothing_out is capped
