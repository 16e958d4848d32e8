"""The parts of the substance scorer (issue #15): numbers matched whole, claims told from lists,
compound phrasings, misconceptions said in one clause, dismissals, figures bound to their cues."""

from __future__ import annotations

import pytest

from grading._evidence import Reader, parse_phrasing, phrasing_problem
from grading._phrases import analyse, find_phrase
from grading._prose import (
    MAX_CLAIM_PIECES,
    MAX_CLAIM_WORDS,
    RUN_ON_WORDS,
    has_verb,
    sentences,
)
from grading.figures import (
    MAX_SLIP_FACTOR,
    Figure,
    check_figures,
    parse_tolerance,
    tolerance_problem,
    within,
)
from grading.rubric import _quantities

# -- numbers are matched whole -------------------------------------------------------------

# (answer, phrasing, matched?)
NUMBERS = [
    ("$2.50 per GPU-hour", "50%", False),  # the case: "50%" inside "$2.50"
    ("we cut it by 50%", "50%", True),
    ("we cut it by 50 percent", "50%", True),
    ("50 GPUs", "50%", False),  # a phrasing's % needs a % after the number
    ("$2 per hour", "$2", True),
    ("2 per hour", "$2", False),  # and its leading $ a $ before it
    ("18.6 GB", "8.6 gb", False),
    ("86 GB", "8.6 gb", False),
    ("8.6 GB", "8.6 gb", True),
    ("65504", "65,504", True),
    ("1,024 GPUs", "1024", True),
    ("13x", "1.3x", False),
    ("1.3x", "1.3x", True),
    ("pcie4.0", "PCIe 4.0", True),
]


@pytest.mark.parametrize(("answer", "phrasing", "matched"), NUMBERS)
def test_numbers_match_whole(answer: str, phrasing: str, matched: bool) -> None:
    assert (find_phrase(analyse(answer), phrasing) is not None) is matched


def test_a_trailing_star_is_a_prefix_and_never_a_typo() -> None:
    assert find_phrase(analyse("it recomputes each block"), "recomput*") is not None
    assert find_phrase(analyse("a recomputation"), "recomput*") is not None
    assert find_phrase(analyse("it recompiles"), "recomput*") is None
    assert find_phrase(analyse("the re"), "re*") is None  # too short a prefix to mean much


# -- claims and lists ------------------------------------------------------------------------

# (sentence, is a claim)
CLAIMS = [
    ("Standard attention is memory-bound.", True),
    ("It streams chunks of queries through on-chip memory.", True),
    ("We got 1,500 tokens a second.", True),
    ("I assumed 95%.", True),
    ("16 × 7e9 = 112 GB.", True),  # a worked step
    ("Real prompts averaged 6,000 tokens.", True),  # a past tense not in the lexicon
    ("Memory bound, score matrix, HBM traffic.", False),  # the term list
    ("Tiling, SRAM, online softmax.", False),
    ("Impact: crashes per day, failed requests, replica capacity.", False),
    ("Cost of delay: forgone savings, dollars per week, $70k.", False),  # nouns before "of"
    ("KV cache reads, large-batch gains, 1.3x, 2.3x.", False),
    ("Two weeks of engineering.", False),  # no verb
    ("The job MTBF falls as GPUs grow, so checkpoint often.", True),  # "falls as"
    ("Crashes per day, hangs at scale, costs of delay.", False),  # nouns before prepositions
    ("The weight read goes from 5 ms to 1.3 ms.", True),  # "go" takes -es
    ("Each replica downloads the weights from the store.", True),
    ("The draft model accelerates decode.", True),
]


@pytest.mark.parametrize(("sentence", "claim"), CLAIMS)
def test_claims_are_told_from_lists(sentence: str, claim: bool) -> None:
    (found,) = sentences(sentence)
    assert found.claim is claim


def test_a_run_on_list_is_not_a_claim_however_it_is_joined() -> None:
    terms = [f"it is term{n}" for n in range(MAX_CLAIM_PIECES)]
    assert not sentences(", ".join(terms) + ".")[0].claim
    assert sentences(", ".join(terms[: MAX_CLAIM_PIECES - 9]) + ".")[0].claim
    words = "the memory is bound " * (MAX_CLAIM_WORDS // 4 + 1)
    assert not sentences(words.strip() + ".")[0].claim
    assert not sentences(" and ".join(terms) + ".")[0].claim


def test_a_long_sentence_without_inner_punctuation_is_a_run_on() -> None:
    assert RUN_ON_WORDS == 35
    words = "we batch more kv per stack at the same compute".split()
    run = " ".join((words * 5)[: RUN_ON_WORDS - 1])
    assert sentences(run + ".")[0].claim  # 34 words: still a sentence
    longer = " ".join((words * 5)[:RUN_ON_WORDS])
    assert not sentences(longer + ".")[0].claim  # 35: a run-on
    assert sentences(longer.replace("stack at", "stack, at", 1) + ".")[0].claim


def test_verbs_need_a_subject_or_an_object() -> None:
    assert has_verb("the kernel writes the grid")
    assert has_verb("it streams chunks")
    assert not has_verb("half an interval lost")
    assert not has_verb("cost of delay")


# -- phrasings with parts ------------------------------------------------------------------


def test_phrasing_syntax() -> None:
    assert [(p.alternatives, p.negated) for p in parse_phrasing("ab cd & ef|gh & !ij kl")] == [
        (("ab cd",), False), (("ef", "gh"), False), (("ij kl",), True)]
    assert phrasing_problem("score & # ") is None  # any quantity
    assert "one-letter" in (phrasing_problem("e^-") or "")
    assert "word or a number" in (phrasing_problem("ab & |cd") or "")
    assert "un-negated" in (phrasing_problem("!ab & !cd") or "")


def test_parts_must_share_a_claim_sentence() -> None:
    reader = Reader("The ring is slow at scale. The tree wins for small messages.")
    assert reader.find("tree & small messages", fuzzy=False, refuted_ok=True) is not None
    assert reader.find("ring & small messages", fuzzy=False, refuted_ok=True) is None


def test_a_phrase_alone_in_its_sentence_is_not_evidence() -> None:
    assert Reader("Memory bound.").first(["memory bound"]) is None
    assert Reader("It is memory bound.").first(["memory bound"]) is not None


def test_quantity_wildcards() -> None:
    reader = Reader("The score matrix is 134 MB per head. It costs $2.5M a year at 40% use.",
                    _quantities("The score matrix is 134 MB per head. It costs $2.5M a year "
                                "at 40% use."))
    assert reader.find("score matrix & #", fuzzy=False, refuted_ok=True) is not None
    assert reader.find("score matrix & %", fuzzy=False, refuted_ok=True) is None
    assert reader.find("costs & $ & %", fuzzy=False, refuted_ok=True) is not None


def test_a_misconception_is_said_in_one_clause() -> None:
    wrong = "standard attention is compute-bound|attention & compute-bound"
    right = Reader("Standard attention is memory-bound, while FlashAttention is compute-bound.")
    assert right.misconception([wrong.split("|")[1]]) is None  # two clauses
    said = Reader("Standard attention is compute-bound on the score matrix.")
    assert said.misconception([wrong]) is not None


def test_a_refuted_misconception_is_not_held_against_the_answer() -> None:
    reader = Reader("A common myth is that BF16 is faster than FP16 on the same GPU.")
    assert reader.misconception(["bf16 is faster"]) is None


@pytest.mark.parametrize(("answer", "dismissed"), [
    ("Stragglers are not really a factor at this scale.", True),
    ("A pilot isn't necessary before the run.", True),
    ("We don't need a pilot for this run.", True),
    ("There is no need for a pilot here.", True),
    ("I never borrow a pilot's MFU for another config.", False),  # the negation is about borrowing
    ("The pilot isn't slow at all, it takes one day.", False),  # "slow" is no dismissal
    ("We ran a pilot and it measured 38% MFU.", False),
])
def test_dismissals(answer: str, dismissed: bool) -> None:
    assert (Reader(answer).denial(["pilot", "stragglers"]) is not None) is dismissed


# -- figures ---------------------------------------------------------------------------------


def test_tolerances() -> None:
    assert parse_tolerance("rel:15%") == ("rel", 0.15)
    assert parse_tolerance("log:2") == ("log", 2.0)
    assert tolerance_problem("rel:15") is not None and tolerance_problem("log:0.5") is not None
    assert within(115, 100, "rel:15%") and not within(115.1, 100, "rel:15%")
    assert within(200, 100, "log:2") and not within(201, 100, "log:2")
    assert within(50, 100, "log:2") and not within(49.9, 100, "log:2")


FIGURES = [
    Figure("H100 BF16 dense peak", 989, "TFLOP/s", "rel:5%", ("bf16", "dense")),
    Figure("NIC", 50, "GB/s", "rel:10%", ("nic",)),
]


def _wrong(text: str, figures=FIGURES) -> list[str]:
    reader = Reader(text)
    return [w.typed for w in check_figures(reader.analysed, reader.sentences, _quantities(text),
                                           figures, 6)]


@pytest.mark.parametrize(("answer", "wrong"), [
    ("The H100 does 1,979 TFLOP/s in BF16 for training.", ["1,979 TFLOP/s"]),
    ("The H100 does 989 TFLOP/s in BF16 for training.", []),
    # The cue binds the nearest number of its kind: the cluster total is another quantity.
    ("So 2,048 × 989 TFLOP/s dense is 2.0e18 FLOP/s in total.", []),
    ("Each NIC gives 400 GB/s of bandwidth to the node.", ["400 GB/s"]),  # bits read as bytes
    ("Each NIC gives 400 Gb/s, which is 50 GB/s.", []),
    ("The NIC story is 3 weeks of delay.", []),  # another kind of number is not checked
    ("A story of our own: the job ran at 30% MFU.", []),  # no figure's cue nearby
])
def test_figures_bind_the_nearest_number_of_their_kind(answer: str, wrong: list[str]) -> None:
    assert _wrong(answer) == wrong


def test_a_number_beyond_the_slip_factor_is_another_quantity() -> None:
    assert MAX_SLIP_FACTOR == 10.0
    assert _wrong("Each NIC gives 500 GB/s of bandwidth to the node.") == ["500 GB/s"]  # 10×
    assert _wrong("Each NIC gives 501 GB/s of bandwidth to the node.") == []  # just past it


def test_a_figure_cue_with_parts_needs_them_in_one_sentence() -> None:
    nvlink = [Figure("NVLink per direction", 450, "GB/s", "rel:10%", ("each way & nvlink",))]
    assert _wrong("NVLink moves 900 GB/s each way between GPUs.", nvlink) == ["900 GB/s"]
    assert _wrong("It moves 900 GB/s each way between hosts.", nvlink) == []
