""""Decode is compute-bound" heard in any wording of its shape (grading._regimes). Source of
the fact: a decode step reads every weight for one token per sequence, ~1 FLOP per byte in
BF16 against the H100's ridge of 989 TFLOP/s ÷ 3.35 TB/s ≈ 295 FLOP/byte (NVIDIA H100
datasheet; the roofline model, Williams et al. 2009), so small-batch decode is bound by HBM
bandwidth."""

from __future__ import annotations

import pytest

from grading._regimes import decode_compute_spans
from grading.rubric import score_open


def said_wrong(sentence: str) -> bool:
    return any(c.kind == "known" and "decode" in c.point.lower()
               for c in score_open(sentence, (), process_flags=()).contradictions)


@pytest.mark.parametrize("sentence", [
    "Small-batch token generation is compute-limited; the tensor cores are the bottleneck.",
    "Batch-1 decode on an 8B model is compute-bound, so a B200 doubles the tokens per second.",
    "Decode speed is set by the FLOP/s of the card, so I'd pick the highest TFLOPS GPU.",
    "Decoding is bottlenecked on the tensor cores at batch 1.",
    "For our chatbot, autoregressive generation is limited by compute.",
])
def test_decode_said_to_be_limited_by_compute_is_a_known_contradiction(sentence: str) -> None:
    assert said_wrong(sentence)


@pytest.mark.parametrize("sentence", [
    "Decode at batch 1 is memory-bound; only past batch ~300 does it become compute-bound.",
    "Prefill is compute-bound while decode is limited by HBM bandwidth.",
    "Decode becomes compute-bound once the batch reaches a few hundred sequences.",
    "For decode, speed is set by memory bandwidth, not by FLOP/s.",
    "Decode is not compute-bound at batch 1: it streams the weights.",
    "Speculative decoding helps when decode is bandwidth-bound and hurts when the GPU is "
    "already compute-bound.",
    "Disaggregating prefill and decode lets the compute-bound prefill run apart from the "
    "bandwidth-bound decode.",
    "Decoding with a huge batch of 512 is compute-bound on an H100.",
    "Calling batch-1 decode compute-bound is wrong: the tensor cores sit idle waiting on HBM.",
    "Some candidates say decode is compute-bound, but that is wrong.",
])
def test_a_regime_a_contrast_a_negation_or_a_rejected_label_is_not(sentence: str) -> None:
    assert not said_wrong(sentence)


def test_the_span_stops_at_a_clause_break_and_at_another_phase() -> None:
    assert list(decode_compute_spans("Decode, unlike prefill, is compute-bound.")) == []
    assert list(decode_compute_spans("Decode is fast; training is compute-bound.")) == []
    assert list(decode_compute_spans("Decode is compute-bound.")) == ["Decode is compute-bound"]
