"""score_open and self_score: key points, numbers, mechanisms, tradeoffs, red flags, the score."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from grading.rubric import (
    CALIBRATION_KNOT,
    COVERAGE_SHARE,
    DEFAULT_PROCESS_FLAGS,
    MAX_POINTS_PER_SENTENCE,
    SUBSTANCE_SATURATION,
    SUBSTANCE_WEIGHTS,
    KeyPointCoverage,
    ProcessFlag,
    RedFlagHit,
    calibrate,
    default_process_flags,
    find_mechanisms,
    find_numbers,
    find_tradeoffs,
    score_open,
    self_score,
)


@dataclass(frozen=True)
class KeyPoint:
    """The shape of content.loader.KeyPoint (grading must not import content)."""

    point: str
    phrasings: tuple[str, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class RedFlag:
    """The shape of content.loader.RedFlag."""

    phrasings: tuple[str, ...]
    why: str


def _expected(coverage: float, numbers: int = 0, mechanisms: int = 0, tradeoffs: int = 0,
              penalty: float = 0.0) -> float:
    """The documented formula: calibrate(share × coverage + (1 − share) × substance) − penalty,
    substance summing each kind's weight × min(1, count / saturation)."""
    substance = sum(weight * min(1.0, count / saturation) for weight, count, saturation in zip(
        SUBSTANCE_WEIGHTS, (numbers, mechanisms, tradeoffs), SUBSTANCE_SATURATION, strict=True))
    return max(0.0, calibrate(COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * substance)
               - penalty)


KEY_POINTS = (
    KeyPoint("decode is memory-bound", ("memory-bound", "bandwidth-bound", "memory bound"), 2.0),
    KeyPoint("weights read once per token", ("once per token", "every token reads"), 1.0),
    KeyPoint("batching amortises the weight reads", ("batching", "larger batch"), 1.0),
)


def test_key_point_coverage_with_weights_typed_text_and_evidence() -> None:
    answer = "Decode is Memory Bound at batch 1; larger batches amortise it."
    result = score_open(answer, KEY_POINTS, process_flags=())
    assert result.key_points == (
        KeyPointCoverage("decode is memory-bound", True, "memory-bound", 2.0, "Memory Bound",
                         "Decode is Memory Bound at batch 1;"),
        KeyPointCoverage("weights read once per token", False, None, 1.0, None),
        KeyPointCoverage(
            "batching amortises the weight reads", True, "larger batch", 1.0, "larger batches",
            "larger batches amortise it."),
    )
    assert result.coverage == pytest.approx(3 / 4)
    assert result.mechanisms == ("Decode is Memory Bound at batch 1;",)  # "memory-bound"
    assert result.auto_score == pytest.approx(_expected(3 / 4, mechanisms=1))


def test_key_points_as_tuples_and_without_phrasings_or_weight() -> None:
    points = [("ring all-reduce", ("ring all-reduce", "ring allreduce"), 3), ("NVLink", ())]
    result = score_open("We use a Ring All Redcue over nvlink.", points, process_flags=())
    assert [p.covered for p in result.key_points] == [True, True]
    assert result.key_points[0].matched == "ring all-reduce"
    assert result.key_points[1].matched == "NVLink"  # the point's own text
    assert result.key_points[1].weight == 1.0


def test_negated_key_point_is_not_covered() -> None:
    result = score_open("It is not memory-bound at batch one; batching does help here.",
                        KEY_POINTS, (), ())
    assert [p.covered for p in result.key_points] == [False, False, True]


def test_versions_never_fuzz_in_key_points() -> None:
    points = [KeyPoint("HBM3e on H200", ("HBM3e",))]
    assert not score_open("The H200 uses HBM3 for its memory.", points, (), ()) \
        .key_points[0].covered
    assert score_open("The H200 uses hbm-3e for its memory.", points, (), ()) \
        .key_points[0].covered


# (text, numbers found)
NUMBERS = [
    ("H100 HBM3 gives 3.35 TB/s per GPU.", ("3.35 TB/s",)),
    ("We scaled to 16k GPUs in 2 weeks.", ("16k GPUs", "2 weeks")),
    ("MFU went from 38% to 52 %.", ("38%", "52 %")),
    ("400 Gbps NDR, 50 GB/s, 900GB/s NVLink", ("400 Gbps", "50 GB/s", "900GB/s")),
    ("$2.5M budget, $300k/month", ("$2.5M", "$300k")),
    ("a 70B model on 128 A100s", ("70B", "128 A100s")),
    ("6e23 FLOP at 989 TFLOPS, 1.2x faster", ("6e23 FLOP", "989 TFLOPS", "1.2x")),
    ("30-50 days, 700 W, 12 ms p99", ("30-50 days", "700 W", "12 ms")),
    ("1,000,000 tokens/s and 5,000 GPUs", ("1,000,000 tokens/s", "5,000 GPUs")),
    ("a 2-week sprint", ("2-week",)),
    # GPU-time is one unit, not a count of GPUs ("40,000 GPU-hours" was read "40,000 GPU").
    ("40,000 GPU-hours, 1,200 GPU·h, 3 GPU-days, 12 GPU hours, 5 node-hours",
     ("40,000 GPU-hours", "1,200 GPU·h", "3 GPU-days", "12 GPU hours", "5 node-hours")),
    ("4 GPU home labs", ("4 GPU",)),
    # Not quantities: bare numbers, digits inside names, percentiles.
    ("In 2023 the H100 and MI300X shipped; p99 matters.", ()),
    ("We had 3 options.", ()),
]


@pytest.mark.parametrize(("text", "numbers"), NUMBERS)
def test_find_numbers(text: str, numbers: tuple[str, ...]) -> None:
    assert find_numbers(text) == numbers


# (text, is a mechanism)
MECHANISMS = [
    ("Decode is slow because every token reads all weights.", True),
    ("The all-reduce is bound by the slowest link.", True),
    ("Throughput is limited by PCIe 4.0 at 32 GB/s.", True),
    ("The NIC saturates at 400 Gbps.", True),
    ("The bottleneck is HBM bandwidth.", True),
    ("Batch 1 decode is memory-bound.", True),
    ("Bigger batches, so fewer weight reads per token.", True),
    ("Jitter on one node -> every rank waits.", True),
    ("Jitter → stragglers → lower MFU.", True),
    ("Sharding optimizer state, which means 8x less memory.", True),
    ("Loss spikes lead to restarts.", True),
    ("We met weekly and so on.", False),
    ("It took a week or so.", False),
    ("We shipped it on time.", False),
]


@pytest.mark.parametrize(("sentence", "is_mechanism"), MECHANISMS)
def test_find_mechanisms(sentence: str, is_mechanism: bool) -> None:
    assert find_mechanisms(sentence) == ((sentence,) if is_mechanism else ())


def test_mechanisms_are_returned_per_sentence() -> None:
    text = "We shipped. It is memory-bound because of HBM. Decimal 3.35 TB/s stays whole."
    assert find_mechanisms(text) == ("It is memory-bound because of HBM.",)


# (text, is a quantified tradeoff)
TRADEOFFS = [
    ("FSDP vs DDP: 1.3x the step time for 8x less memory.", True),
    ("Tensor parallel versus pipeline: 15% bubble at 8 stages.", True),
    ("Recompute activations at the cost of 33% more FLOPs.", True),
    ("We gave up 2 weeks in exchange for a 20% cheaper cluster.", True),
    ("Use FP8 instead of BF16 to halve memory, 2x throughput.", True),
    ("The tradeoff is 40 ms of latency.", True),
    ("H100 vs MI300X is a hard call.", False),  # digits in names are not numbers
    ("FSDP vs DDP is a tradeoff.", False),  # no number
    ("We ran 128 GPUs.", False),  # a number, no tradeoff
]


@pytest.mark.parametrize(("sentence", "is_tradeoff"), TRADEOFFS)
def test_find_tradeoffs(sentence: str, is_tradeoff: bool) -> None:
    assert find_tradeoffs(sentence) == ((sentence,) if is_tradeoff else ())


def test_result_carries_numbers_mechanisms_and_tradeoffs() -> None:
    answer = (
        "Decode is memory-bound because each token reads 140 GB of weights. "
        "Batching 32 requests vs 1 costs 2x latency for 25x throughput."
    )
    result = score_open(answer, KEY_POINTS)
    assert result.numbers == ("140 GB", "32 requests", "2x", "25x")
    assert result.mechanisms == (
        "Decode is memory-bound because each token reads 140 GB of weights.",
    )
    assert result.tradeoffs == ("Batching 32 requests vs 1 costs 2x latency for 25x throughput.",)
    assert result.red_flags == ()


# (answer, id of the default flag it raises)
PROCESS_TALK = [
    ("I aligned stakeholders on the plan.", "stakeholder-alignment"),
    ("Stakeholder alignment was the key.", "stakeholder-alignment"),
    ("I facilitated the design review.", "facilitated"),
    ("I drove alignment across teams.", "drove-alignment"),
    ("We socialized the proposal.", "socialized"),
    ("We socialised the proposal.", "socialized"),
    ("I built a RACI for the launch.", "raci"),
    ("Our risk plan was a clear escalation path.", "escalation-path"),
    ("We migrated to Jira to track it.", "tool-migration"),
    ("My impact: I moved the team to Asana.", "tool-migration"),
    ("We ran two-week sprints.", "sprint-without-number"),
    ("There was real synergy between teams.", "synergy"),
    ("We followed best practices.", "best-practices"),
    ("I'll circle back with the numbers.", "circle-back"),
    ("That really moved the needle.", "moved-the-needle"),
]


@pytest.mark.parametrize(("answer", "flag_id"), PROCESS_TALK)
def test_default_process_flags(answer: str, flag_id: str) -> None:
    flag = {f.id: f for f in default_process_flags()}[flag_id]
    result = score_open(answer, ())
    assert len(result.red_flags) == 1
    hit = result.red_flags[0]
    assert hit.source == "process"
    assert hit.phrase in flag.phrasings
    assert hit.why == flag.why


@pytest.mark.parametrize(
    "answer",
    [
        "Each 2-week sprint cut step time by 12%.",  # a sprint with a number: evidence
        "Sprint 3 moved the needle: MFU 38% to 52%.",  # both excused by numbers
        "Escalation path: page on-call if loss spikes 3x for 10 min.",
        "I didn't just socialize it; I modelled it.",  # negated
        "NVSwitch facilitates all-to-all.",  # red flags do not fuzz: not "facilitated"
    ],
)
def test_process_talk_excused_by_numbers_negation_or_spelling(answer: str) -> None:
    assert score_open(answer, ()).red_flags == ()


def test_unless_number_looks_at_the_flags_own_sentence() -> None:
    result = score_open("We ran sprints. Step time fell 30%.", ())
    assert [hit.phrase for hit in result.red_flags] == ["sprints"]
    # A later, numbered sprint sentence does not excuse an earlier bare one.
    result = score_open("We ran 2-week sprints. We did sprints.", ())
    assert [hit.found for hit in result.red_flags] == ["sprints"]
    assert len(result.red_flags) == 1


def test_item_red_flags_and_no_double_count_with_defaults() -> None:
    item_flags = [
        RedFlag(("RACI",), "An ownership chart is not a failure model."),
        (("PCIe is fine",), "PCIe 4.0 x16 is 32 GB/s per direction: it limits multi-node."),
    ]
    result = score_open("PCIe is fine; I wrote a RACI.", (), item_flags)
    assert result.red_flags == (
        RedFlagHit("RACI", "RACI", "An ownership chart is not a failure model.", "item"),
        RedFlagHit(
            "PCIe is fine",
            "PCIe is fine",
            "PCIe 4.0 x16 is 32 GB/s per direction: it limits multi-node.",
            "item",
        ),
    )
    assert result.penalty == pytest.approx(0.2)


def test_repeated_flag_counts_once() -> None:
    result = score_open("RACI here, RACI there, RACI everywhere.", ())
    assert len(result.red_flags) == 1
    # Listed by the item and by the defaults, said twice: still one flag, the item's.
    item_flags = [(("RACI",), "item why"), (("raci",), "duplicate entry")]
    result = score_open("RACI here, RACI there.", (), item_flags)
    assert [(hit.why, hit.source) for hit in result.red_flags] == [("item why", "item")]


def test_process_flags_can_be_replaced_or_disabled() -> None:
    assert score_open("I aligned stakeholders.", (), process_flags=()).red_flags == ()
    custom = [ProcessFlag("jargon", ("north star",), "Say the metric.")]
    result = score_open("Our north star was clear; we aligned stakeholders.", (), (), custom)
    assert [hit.phrase for hit in result.red_flags] == ["north star"]


CLAIMS = ("Decode is memory-bound at batch one, and every token reads the weights once per "
          "token. Batching spreads those reads over many users.")


# (answer, red flags found) against KEY_POINTS (weights 2, 1, 1): every point said in claims,
# one of them a mechanism ("memory-bound"), no quantity or tradeoff; the flags come off the
# calibrated score, 0.1 each and at most 0.3.
@pytest.mark.parametrize(
    ("answer", "flags"),
    [
        (CLAIMS, 0),
        (CLAIMS + " I aligned stakeholders.", 1),
        (CLAIMS + " RACI, synergy.", 2),
        (CLAIMS + " RACI, synergy, best practices.", 3),
        (CLAIMS + " RACI, synergy, best practices; circle back", 4),
    ],
)
def test_auto_score_is_calibrated_evidence_minus_capped_penalty(answer: str, flags: int) -> None:
    result = score_open(answer, KEY_POINTS)
    assert len(result.red_flags) == flags
    assert result.coverage == 1.0
    assert result.auto_score == pytest.approx(
        _expected(1.0, mechanisms=1, penalty=min(0.1 * flags, 0.3)))


def test_a_sentence_earns_at_most_two_key_points() -> None:
    assert MAX_POINTS_PER_SENTENCE == 2
    one = ("Decode is memory-bound at batch one, every token reads the weights once per token, "
           "and batching spreads those reads over many users.")
    assert [p.covered for p in score_open(one, KEY_POINTS).key_points] == [True, True, False]
    assert all(p.covered for p in score_open(CLAIMS, KEY_POINTS).key_points)


def test_a_bare_list_of_the_key_points_scores_nothing() -> None:
    """The old scorer gave this 1.0: it matched phrasings anywhere."""
    result = score_open("memory-bound, once per token, batching", KEY_POINTS)
    assert [p.covered for p in result.key_points] == [False, False, False]
    assert result.auto_score == 0.0


@pytest.mark.parametrize(("evidence", "score"), [
    (0.0, 0.0), (0.25, 0.35), (0.5, 0.7), (0.75, 0.85), (1.0, 1.0), (-0.1, 0.0), (1.2, 1.0)])
def test_calibration_is_linear_through_its_knot(evidence: float, score: float) -> None:
    assert CALIBRATION_KNOT == (0.5, 0.7)  # the table is written for this knot
    assert calibrate(evidence) == pytest.approx(score)


def test_no_key_points_scores_zero() -> None:
    assert score_open("memory-bound", ()).auto_score == 0.0


# (ticked, weights, red flags, score)
SELF_SCORES = [
    ([True, True, True], [2.0, 1.0, 1.0], 0, 1.0),
    ([True, False, False], [2.0, 1.0, 1.0], 0, 0.5),
    ([False, True, True], [2.0, 1.0, 1.0], 1, 0.4),
    ([True, True, True], [1.0, 1.0, 1.0], 2, 0.8),
    ([True, True, True], [1.0, 1.0, 1.0], 5, 0.7),  # the penalty is capped at 0.3
    ([False, False], [1.0, 1.0], 1, 0.0),  # floored at 0
    ([], [], 0, 0.0),
    ([True, False], [0.0, 0.0], 0, 0.0),  # no weight at all
]


@pytest.mark.parametrize(("ticked", "weights", "red_flags", "score"), SELF_SCORES)
def test_self_score(ticked: list[bool], weights: list[float], red_flags: int, score: float) -> None:
    assert self_score(ticked, weights, red_flags) == pytest.approx(score)


@pytest.mark.parametrize(
    ("ticked", "weights", "red_flags"),
    [
        ([True], [1.0, 1.0], 0),
        ([True], [-1.0], 0),
        ([True], [float("nan")], 0),
        ([True], [1.0], -1),
    ],
)
def test_self_score_rejects_bad_input(
    ticked: list[bool], weights: list[float], red_flags: int
) -> None:
    with pytest.raises(ValueError):
        self_score(ticked, weights, red_flags)


def test_self_score_is_the_ticked_coverage_not_the_calibrated_auto_score() -> None:
    """The player's ticks stand for what they know they said: coverage minus the flags they
    own up to. The automatic score also weighs substance and is calibrated, so they differ."""
    answer = ("Decode is memory-bound at batch one, and batching spreads the reads over "
              "users; we socialized it.")
    result = score_open(answer, KEY_POINTS)
    ticked = [point.covered for point in result.key_points]
    weights = [point.weight for point in result.key_points]
    assert ticked == [True, False, True]
    assert self_score(ticked, weights, len(result.red_flags)) == pytest.approx(0.75 - 0.1)
    assert result.auto_score == pytest.approx(_expected(0.75, mechanisms=1, penalty=0.1))


def test_process_flags_toml_is_well_formed() -> None:
    flags = default_process_flags()
    assert len(flags) >= 12
    assert len({flag.id for flag in flags}) == len(flags)
    for flag in flags:
        assert flag.phrasings and all(p.strip() for p in flag.phrasings)
        assert len(flag.why) > 40  # says why, in a sentence
    assert default_process_flags() is flags  # read once
    assert list(DEFAULT_PROCESS_FLAGS) == list(flags)
    assert len(DEFAULT_PROCESS_FLAGS) == len(flags) and DEFAULT_PROCESS_FLAGS[0] == flags[0]


def test_negative_weight_is_a_content_error() -> None:
    with pytest.raises(ValueError, match="weight"):
        score_open("x", [KeyPoint("p", ("p",), -1.0)])
