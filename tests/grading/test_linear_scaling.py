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
