"""Issue #15's own reproductions, as a table, against the real bank: a bare term list, a
confidently wrong answer in the right terms, strong answers in other words, "50%" inside
"$2.50", and short common words that used to match any answer."""

from __future__ import annotations

import pytest

from content.loader import COMMON_WORDS, OpenQuestion, load_bank
from grading._evidence import parse_phrasing
from grading._phrases import analyse, find_phrase
from grading.rubric import RubricResult, score_open


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def _score(bank, item_id: str, answer: str) -> RubricResult:
    item = bank.items[item_id]
    assert isinstance(item, OpenQuestion)
    return score_open(answer, item.key_points, item.red_flags, figures=item.figures)


TERM_LIST = ("Memory bound, score matrix, HBM traffic. Tiling, SRAM, online softmax. "
             "Recompute, backward pass, more FLOPs fewer bytes. Linear memory, quadratic FLOPs, "
             "134 MB per head, 8.6 GB per layer.")

WRONG_FLASH = ("FlashAttention is faster because it is not memory bound at all: it does fewer "
               "FLOPs than standard attention. It tiles the work into SRAM and the online softmax "
               "approximates the normaliser, so in the backward pass it stores the score matrix "
               "instead of recomputing it.")

WRONG_GOODPUT = ("Async saves are risky, so keep them synchronous and checkpoint every four "
                 "hours instead of every 15 minutes. A watchdog is unnecessary because hangs are "
                 "rare, and restart time is set by the scheduler anyway.")


# (case, item, answer, highest score allowed, what must be named)
CASES = [
    ("bare term list", "open.depth.flash_attention", TERM_LIST, 0.35, ()),
    ("not memory bound at all, fewer FLOPs", "open.depth.flash_attention", WRONG_FLASH, 0.5,
     ("memory bound", "fewer flops")),
    ("keep saves synchronous, no watchdog", "open.design.goodput_program_16k", WRONG_GOODPUT, 0.5,
     ("keep them synchronous", "unnecessary")),
]


@pytest.mark.parametrize(("case", "item_id", "answer", "ceiling", "named"), CASES,
                         ids=[c[0] for c in CASES])
def test_the_issues_weak_answers_stay_low(bank, case: str, item_id: str, answer: str,
                                          ceiling: float, named: tuple[str, ...]) -> None:
    result = _score(bank, item_id, answer)
    assert result.auto_score <= ceiling, (case, result.auto_score)
    said = " | ".join(f"{c.claim} / {c.found}" for c in result.contradictions).casefold()
    flags = " | ".join(f.found for f in result.red_flags).casefold()
    for words in named:
        assert words in said or words in flags, (words, said, flags)


def test_the_term_list_earns_no_key_point(bank) -> None:
    result = _score(bank, "open.depth.flash_attention", TERM_LIST)
    assert not any(point.covered for point in result.key_points)
    assert result.auto_score == 0.0


def test_a_strong_answer_in_its_own_words_passes(bank) -> None:
    """'utilisation' for MFU, 'input phase' for prefill: the issue's narrow-phrasing cases, in
    answers written for this test (not from the labelled set)."""
    mfu = ("It is the share of the chips' arithmetic ceiling the model's own math uses: six "
           "floating-point operations per parameter per token, times 2.2 million tokens a "
           "second, over 256 chips × 989 TFLOP/s dense BF16 — 1.06e17 of 2.53e17, about 42%. "
           "Good large runs sit between 35% and 45%. Recomputed activations are left out, so "
           "hardware utilisation is always at least as high. The rest is lost because softmax "
           "and norms wait on memory, exchanges that can't hide behind compute leave the tensor "
           "cores idle, and pipeline stages sit waiting at the start and end of each step.")
    result = _score(bank, "open.recruiter.mfu_explain", mfu)
    assert result.auto_score >= 0.7, (result.auto_score, result.key_points)
    assert result.contradictions == () and result.wrong_numbers == ()


def test_50_percent_is_not_inside_2_dollars_50() -> None:
    points = [("cuts the cost in half", ("50%",))]
    priced = score_open("We rent the extra GPUs at $2.50 per GPU-hour from the provider.", points)
    assert not priced.key_points[0].covered
    halved = score_open("The change cuts our serving cost by 50% at the same latency.", points)
    assert halved.key_points[0].covered
    assert find_phrase(analyse("$2.50 per GPU-hour"), "50%") is None


@pytest.mark.parametrize("word", ["took", "peer", "power", "months"])
def test_short_common_words_are_no_phrasing_any_more(bank, word: str) -> None:
    """The issue's examples matched almost any answer; no key point lists one alone now, and
    the loader refuses a deck that does."""
    assert word in COMMON_WORDS
    for item in bank.open_questions():
        for point in item.key_points:
            for phrasing in point.phrasings:
                parts = parse_phrasing(phrasing)
                assert not (len(parts) == 1 and word in
                            {alt.strip().casefold() for alt in parts[0].alternatives}), \
                    (item.id, phrasing)


def test_a_common_word_story_earns_nothing(bank) -> None:
    """The sentence that used to collect key points on four questions."""
    story = "It took three months, a lot of power and peer pressure to land it, but we did it."
    for item_id in ("open.behavioral.estimate_wrong", "open.design.bringup_16k_cluster",
                    "open.design.goodput_program_16k", "open.tradeoffs.build_vs_buy_datacenter"):
        result = _score(bank, item_id, story)
        assert not any(point.covered for point in result.key_points), item_id


@pytest.mark.parametrize("said", ["38-43%", "38–43%", "38 to 43%"])
def test_a_typical_mfu_range_is_heard_however_it_is_joined(bank, said: str) -> None:
    """Played at 80×24 on 2026-12-05: "Large runs reach 38-43%" missed the typical-values
    point, which listed only "38 to 43"."""
    result = _score(bank, "open.recruiter.mfu_explain",
                    f"Large runs reach {said} on H100s because of exposed communication.")
    typical = next(p for p in result.key_points if p.point.startswith("Typical good values"))
    assert typical.covered
