"""Terms dressed as short sentences (issue #15, round-5 term-list probes): "Prefill is
compute-bound. Decode is memory-bound. 989 TFLOP/s dense. MFU is 50%. So it's 100 ms-ish."
Each claim may be true; strung together with no step worked and no "because", they recite the
vocabulary. `grading._prose.clipped_assertions` finds them, and `score_open` caps them at the
term-list bar. Every bound is pinned at its edge and one past it; word counts come from the
oracle below, not from the code under test."""

from __future__ import annotations

import re

import pytest

from content.loader import KeyPoint
from grading._prose import (
    CLIPPED_MAX_REASONED,
    CLIPPED_MAX_WORKED,
    CLIPPED_MEDIAN_WORDS,
    clipped_assertions,
    sentences,
)
from grading.rubric import CLIPPED_CAP, score_open

#: Short claims of exactly six words each (counted by :func:`_words`).
SIX_WORDS = (
    "Decode reads every weight per token.",
    "Prefill keeps the tensor cores busy.",
    "The bubble grows with pipeline stages.",
    "Stragglers slow every rank each step.",
    "Failures cost the job its progress.",
)
#: The same claims one word longer.
SEVEN_WORDS = (
    "Decode reads every weight once per token.",
    "The bubble grows with the pipeline stages.",
    "Stragglers slow down every rank each step.",
    "Failures cost the whole job its progress.",
    "Prefill keeps all the tensor cores busy.",
)
#: Six-word claims with one worked step each ("=", "×").
WORKED = (
    "Weights are 70 x 2 bytes.",
    "That gives 140 GB = 42 ms.",
    "Eight GPUs = 26.8 TB/s read.",
    "Per token is 2 x 70e9 FLOPs.",
)
#: Six-word claims that reason ("so", "because").
REASONED = (
    "Decode reads weights, so it stalls.",
    "Prefill is fast because batches fill.",
    "The bubble shrinks, so steps quicken.",
    "Decode stalls since weights dominate traffic.",
)


def _words(text: str) -> int:
    """Words of letters, the oracle's count: "140 GB" is one word, "tensor-core" two."""
    return len(re.findall(r"[A-Za-z]+", text))


def test_the_fixtures_are_what_their_names_say() -> None:
    assert all(_words(text) <= CLIPPED_MEDIAN_WORDS for text in WORKED)
    assert {_words(text) for text in SIX_WORDS} == {CLIPPED_MEDIAN_WORDS}
    assert {_words(text) for text in SEVEN_WORDS} == {CLIPPED_MEDIAN_WORDS + 1}
    assert {_words(text) for text in REASONED} == {CLIPPED_MEDIAN_WORDS}
    for text in SIX_WORDS + SEVEN_WORDS + WORKED + REASONED:
        (sentence,) = sentences(text)
        assert sentence.claim, text


def _clipped(*claims: str) -> bool:
    return clipped_assertions(sentences(" ".join(claims)))


def test_claims_of_the_median_length_are_clipped_and_one_word_longer_are_not() -> None:
    assert _clipped(*SIX_WORDS[:4])
    assert not _clipped(*SEVEN_WORDS[:4])
    # The median, not the mean: two long claims among three short ones leave it short.
    assert _clipped(*SIX_WORDS[:3], *SEVEN_WORDS[:2])
    assert not _clipped(*SIX_WORDS[:2], *SEVEN_WORDS[:3])


def test_three_short_claims_are_a_short_answer_and_four_are_a_list() -> None:
    assert not _clipped(*SIX_WORDS[:3])
    assert _clipped(*SIX_WORDS[:4])


def test_worked_steps_up_to_the_bound_leave_it_clipped_and_one_more_does_not() -> None:
    assert CLIPPED_MAX_WORKED == 2
    assert _clipped(*SIX_WORDS[:3], *WORKED[:2])
    assert not _clipped(*SIX_WORDS[:3], *WORKED[:3])


def test_reasoning_claims_up_to_the_bound_leave_it_clipped_and_one_more_does_not() -> None:
    assert CLIPPED_MAX_REASONED == 3
    assert _clipped(*SIX_WORDS, *REASONED[:3])
    assert not _clipped(*SIX_WORDS, *REASONED[:4])


def test_sentences_that_make_no_claim_do_not_count() -> None:
    # Fragments ("Roofline.", "HBM3e, 4.8 TB/s.") are not claims: three claims stay too few.
    assert not _clipped("Roofline.", "HBM3e, 4.8 TB/s.", "KV cache.", *SIX_WORDS[:3])


DECODE = KeyPoint("Decode is memory-bound: every token reads all the weights",
                  ("decode & weight*", "memory-bound"), 1.0)
PREFILL = KeyPoint("Prefill is compute-bound", ("prefill",), 1.0)
PROMPT = "How long does one decode step of a 70B model take on one H100?"


def test_a_clipped_answer_is_capped_and_the_same_facts_reasoned_are_not() -> None:
    clipped = ("Decode reads every weight per token. Prefill keeps the tensor cores busy. "
               "It is 140 GB of weights. The H100 gives 3.35 TB/s. So it is 42 ms. "
               "Batching amortises the weight reads.")
    reasoned = ("Decode reads every weight once per token, so a 70B model in BF16 moves "
                "140 GB per step. At 3.35 TB/s that is 140 / 3,350 = 42 ms per token, "
                "because the weights, not the FLOPs, set the pace. Prefill keeps the tensor "
                "cores busy since a 2,000-token prompt reuses each weight 2,000 times.")
    capped = score_open(clipped, (DECODE, PREFILL), (), prompt=PROMPT)
    free = score_open(reasoned, (DECODE, PREFILL), (), prompt=PROMPT)
    assert capped.clipped and capped.auto_score <= CLIPPED_CAP
    assert not free.clipped and free.auto_score > CLIPPED_CAP


@pytest.mark.parametrize("text", [
    # Bullet-line stories: the bullets are not claims, the claims between them are long.
    "Measured before agreeing: profiler traces on 16 ranks, step split into phases.\n"
    "- Step: 2.40 s\n- Compute: 1.55 s\n- Exposed communication: 0.15 s\n"
    "Even a perfect network removes only the 0.15 s of exposed communication, 6% of the step. "
    "The network wasn't the main cost. Prefetch depth was 1, so nothing hid the gap.",
    # Terse worked lines.
    "Per token: 2 × 80 × 8 × 128 × 2 B = 327,680 B ≈ 0.33 MB. At 4k context that makes "
    "1.34 GB per request. Node: 640 GB − 140 GB weights − 60 GB reserve = 440 GB. "
    "That is ~330 requests. FP8 KV doubles it.",
])
def test_terse_strong_answers_are_not_clipped(text: str) -> None:
    assert not clipped_assertions(sentences(text))
