"""The linear-scaling trap heard by its shape (grading/_scaling.py): the same factor on the
hardware and on what it delivers, or its inverse on the time, in any wording — and not when the
factors differ, the claim is negated, hedged as an ideal, supposed or put in someone's mouth.

The verdict answers it with the known claim's ``why`` ("doubling-gpus-halves-time" in
grading/known_misconceptions.toml: 2× the GPUs is ~1.4–1.8× the speed)."""

from __future__ import annotations

import pytest

from content.loader import KeyPoint
from grading import rubric
from grading._scaling import linear_scaling_spans
from grading.rubric import ERROR_CAPS, score_open

DECODE = KeyPoint("decode is memory-bound", ("decode & memory bound|memory-bound",), 1.0)
CLAIM = next(c for c in rubric.known_misconceptions() if c.id == rubric.LINEAR_SCALING_CLAIM_ID)


@pytest.mark.parametrize("answer", [
    # Wordings no listed phrasing holds (read in tune-split wrong probes, 2026-12-05).
    "Borrow 2,048 more: twice the GPUs gives twice the throughput, so training drops to 26 days.",
    "With 8× the GPUs you get 8× the throughput at the same MFU, so 9.1e17 FLOP/s.",
    "Fifty percent more GPUs is fifty percent more throughput, so 40 days fit into about 27.",
    "We added 50% more GPUs, and 50% more GPUs means 50% more throughput.",
    "On 1,024 it needs two weeks: throughput scales with GPU count.",
    "Throughput grows linearly with the number of GPUs, so 16k is 8x the 2k run.",
    "Data parallelism scales linearly, so the 4,096-GPU run takes half as long.",
    "Doubling the nodes doubles the tokens per second.",
    "Three times the accelerators buys three times the speed.",
    "Double the GPUs and you halve the training time.",
    "Tripling the cluster gives 3x the throughput.",
    # The reviewer's: a measured efficiency is no excuse when it is said to stay at 100%, and
    # a training job's replicas are not independent work.
    "Twice the GPUs gives twice the throughput, so scaling efficiency stays at 100%.",
    "For training, twice the data-parallel replicas gives twice the throughput.",
    # and the reviewer's wordings the first version missed.
    "Doubling the cluster doubles our tokens/s.",
    "8× the GPUs will get us there in an eighth of the time.",
    "Throughput is linear in GPU count, so plan on 8x at 16k.",
    "With twice as many GPUs the job runs twice as fast.",
])
def test_a_proportional_scaling_claim_is_the_known_trap(answer: str) -> None:
    result = score_open(answer, [DECODE], process_flags=())
    [contradiction] = result.contradictions
    assert contradiction.kind == "known" and contradiction.point == CLAIM.why
    assert result.auto_score <= ERROR_CAPS[1]


@pytest.mark.parametrize("answer", [
    "2x the GPUs for 1.8x the throughput is 90% scaling efficiency.",  # factors differ
    "Twice the GPUs won't give twice the throughput: we measured 1.7x.",  # negated
    "Twice the machines rarely means twice the speed.",  # hedged between the halves
    "Twice the GPUs gives roughly twice the throughput at 64 GPUs.",  # approximate
    "Ideally twice the GPUs gives twice the throughput; we measured 1.7x.",  # an ideal
    "At perfect efficiency twice the GPUs gives twice the throughput.",  # an ideal
    "If twice the GPUs gave twice the throughput we'd finish in 15 days.",  # supposed
    "People assume twice the GPUs gives twice the throughput.",  # someone else's claim
    "Twice the GPUs gives twice the throughput is a myth.",  # called a myth
    "Failures grow linearly with the GPU count: one a day at 2,048, eight at 16,384.",
    "Activations scale linearly with sequence length, so 16x at 128k.",
    "Twice the batch gives twice the throughput until the FLOP ridge.",  # not hardware
    "Doubling the GPUs halves the job MTBF.",  # right: failures scale with count
    "Throughput goes up with the number of GPUs until the critical batch.",  # monotone only
    "8× the GPUs finish in a quarter of the time.",  # an eighth would be the trap
    "With twice as many GPUs the job runs 1.7 times as fast.",
    # An independent reviewer's right sentences (2026-12-05) that the first version cancelled:
    # work whose units share nothing scales in proportion,
    "A hyperparameter sweep is embarrassingly parallel: twice the GPUs gives twice the "
    "throughput, because the 64 trials share nothing.",
    "For stateless inference, 8× the servers gives 8× the tokens per second, since requests "
    "are independent.",
    "With 40 independent runs, 2× the nodes gives 2× the throughput.",
    "Doubling the workers halves the time of the tokenization job.",
    # a condition bounds the claim,
    "Throughput scales with GPU count until the all-reduce dominates, then it flattens.",
    "Twice the GPUs gives twice the throughput only if the all-reduce is fully overlapped, "
    "which it never is at 16k.",
    "Data parallelism scales linearly in memory: every replica holds a full copy of the state.",
    "Data parallelism scales perfectly for the forward and backward compute; it's the "
    "all-reduce that doesn't.",
    "Throughput scales with the number of GPUs times the scaling efficiency, about 0.85 here.",
    # peak capacity is linear by definition,
    "Twice the GPUs gives twice the FLOP/s of peak capacity, which is why MFU is the metric.",
    # it is called wrong,
    "Double the GPUs, double the speed, is wrong.",
    "The recruiter's intuition, double the GPUs and double the speed, is wrong for synchronous "
    "training.",
    # the time of a part, not of the job.
    "Doubling the GPUs halves the time between failures, so we checkpoint twice as often.",
    "Doubling the GPUs halves the time each GPU spends on compute per step, but the all-reduce "
    "time stays flat.",
    "Doubling the GPUs halves the time-to-first-checkpoint-loss window.",
])
def test_other_claims_are_not_the_trap(answer: str) -> None:
    assert [c for c in score_open(answer, [DECODE], process_flags=()).contradictions
            if c.point == CLAIM.why] == []


def test_the_shape_is_heard_for_the_factor_it_names() -> None:
    """Only equal factors make the claim; the shape finder yields the words as typed."""
    assert list(linear_scaling_spans("8× the GPUs gives 8× the throughput.")) == [
        "8× the GPUs gives 8× the throughput"]
    assert list(linear_scaling_spans("8× the GPUs gives 7× the throughput.")) == []
    assert list(linear_scaling_spans("25% more GPUs, 25% more throughput.")) == [
        "25% more GPUs, 25% more throughput"]
    assert list(linear_scaling_spans("25% more GPUs, 20% more throughput.")) == []
    # Halving is the inverse of doubling only: "triple the GPUs halves the time" is no claim
    # of proportion (it undersells 3×), so it is not read as the trap.
    assert list(linear_scaling_spans("Triple the GPUs halves the time.")) == []


def test_the_switch_turns_the_shape_off(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = "Twice the GPUs gives twice the throughput, so 26 days."
    assert score_open(answer, [DECODE], process_flags=()).contradictions
    monkeypatch.setattr(rubric, "LINEAR_SCALING_SHAPE", False)
    assert score_open(answer, [DECODE], process_flags=()).contradictions == ()
