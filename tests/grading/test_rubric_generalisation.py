"""The scorer's general mechanisms (issue #15, closing the held-out gap): inverted key-point
claims contradict, errors cap the score, the field's synonyms are heard for every key point,
and absolutes or denied dependencies are red flags."""

from __future__ import annotations

import pytest

from content.loader import KeyPoint
from grading import rubric
from grading._inversion import inverted_phrasings
from grading._synonyms import expand_phrasing
from grading.rubric import ERROR_CAPS, score_open

DECODE = KeyPoint("decode is memory-bound", ("decode & memory bound|memory-bound",), 1.0)
STEPS = KeyPoint("a bigger batch needs fewer steps", ("batch & fewer steps",), 1.0)


def test_inversions_swap_the_polar_part_and_keep_the_subject() -> None:
    # A whole bound is swapped for every way an answer says the other side.
    assert inverted_phrasings(["decode & memory bound|memory-bound"]) == (
        "compute bound|flops bound|math bound|compute limited|compute-bound|flops-bound|"
        "math-bound|compute-limited & decode",)
    assert inverted_phrasings(["prefill & compute bound"]) == (
        "memory bound|bandwidth bound|memory bandwidth bound|io bound & prefill",)
    assert inverted_phrasings(["gathers & on the critical path"]) == (
        "off the critical path & gathers",)
    assert inverted_phrasings(["batch & fewer steps"]) == ("more steps & batch",)
    # Every part polar: no part is left to pin the subject, so nothing is inverted.
    assert inverted_phrasings(["bigger batch & fewer steps"]) == ()
    # A lone phrase is not inverted (it has no subject to pin it); nor is a part that lists
    # both sides, a prefix, or a negated part.
    assert inverted_phrasings(["memory bound"]) == ()
    assert inverted_phrasings(["faster|slower & step"]) == ()
    assert inverted_phrasings(["fast* & step", "!sync & step"]) == ()


def test_an_inverted_claim_contradicts_the_point() -> None:
    wrong = score_open("Decode is compute-bound because every token multiplies the weights.",
                       [DECODE], process_flags=())
    assert [c.kind for c in wrong.contradictions] == ["inversion"]
    assert wrong.key_points[0].contradicted and not wrong.key_points[0].covered
    right = score_open("Decode is memory-bound: each token reads all the weights from HBM.",
                       [DECODE], process_flags=())
    assert right.contradictions == () and right.key_points[0].covered
    wrong = score_open("Prefill is memory-bandwidth-bound: it streams the weights once.",
                       [KeyPoint("prefill is compute-bound", ("prefill & compute bound",))],
                       process_flags=())
    assert [c.kind for c in wrong.contradictions] == ["inversion"]
    # The inverted words in another clause do not contradict: prefill is compute-bound.
    both = score_open("Prefill is compute-bound, while decode is memory-bound at batch 1.",
                      [DECODE], process_flags=())
    assert both.contradictions == ()


def test_inversions_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rubric, "INVERSIONS_CONTRADICT", False)
    monkeypatch.setattr(rubric, "KNOWN_MISCONCEPTIONS_CONTRADICT", False)  # it is a trap too
    result = score_open("Decode is compute-bound because every token multiplies the weights.",
                        [DECODE], process_flags=())
    assert result.contradictions == ()


@pytest.mark.parametrize(("errors", "cap"), [(0, 1.0), (1, 0.5), (2, 0.35), (3, 0.2), (7, 0.2)])
def test_errors_cap_the_score_at_and_past_each_count(errors: int, cap: float) -> None:
    assert ERROR_CAPS[min(errors, len(ERROR_CAPS) - 1)] == cap
    # Full evidence, no penalty: the cap alone decides.
    assert rubric._combine(1.0, 1.0, 0, 0, 0) == 1.0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rubric, "CONTRADICTION_PENALTY", 0.0)
        patch.setattr(rubric, "WRONG_NUMBER_PENALTY", 0.0)
        assert rubric._combine(1.0, 1.0, 0, errors, 0) == cap
        assert rubric._combine(1.0, 1.0, 0, 0, errors) == cap
        assert rubric._combine(0.2, 0.2, 0, errors, 0) == pytest.approx(
                min(cap, rubric.calibrate(0.2)))


def test_a_contradiction_costs_more_than_a_matched_point_earns() -> None:
    points = [DECODE, STEPS]
    one = score_open("Decode is memory-bound: every token reads all 140 GB of weights.",
                     points, process_flags=())
    both = score_open("Decode is memory-bound: every token reads all 140 GB of weights. "
                      "A bigger batch needs more steps to reach the same loss.",
                      points, process_flags=())
    assert both.auto_score < one.auto_score


def test_synonyms_expand_every_alternative_but_not_prefixes_or_negations() -> None:
    expanded = expand_phrasing("mfu & goodput")
    assert "model flops utilization" in expanded.split("&")[0]
    assert "useful training time" in expanded.split("&")[1]
    assert expand_phrasing("straggler*") == "straggler*"
    assert expand_phrasing("!mfu & step") .startswith("!mfu & ")
    assert expand_phrasing("nothing to expand here") == "nothing to expand here"


def test_a_point_is_heard_in_the_fields_other_names(monkeypatch: pytest.MonkeyPatch) -> None:
    point = KeyPoint("prefill is compute-bound", ("prefill & compute bound",), 1.0)
    answer = "The input phase is limited by compute, since all prompt tokens go at once."
    heard = score_open(answer, [point], process_flags=())
    assert heard.key_points[0].covered
    assert heard.key_points[0].matched == "prefill & compute bound"  # as content lists it
    monkeypatch.setattr(rubric, "SYNONYMS_COUNT", False)
    assert not score_open(answer, [point], process_flags=()).key_points[0].covered


@pytest.mark.parametrize(("answer", "flag"), [
    ("The ring always wins for gradients of 2 GB.", "always wins"),
    ("Data parallel gives perfect scaling on 4,096 GPUs.", "perfect scaling"),
    ("Failure rates don't depend on how new the cluster is.", "don't depend on"),
    ("So we didn't need a control population for the test.", "didn't need"),
    ("ECC errors are corrected automatically by the hardware.", "corrected automatically"),
])
def test_absolutes_dismissals_and_denied_dependencies_are_flags(answer: str,
                                                                 flag: str) -> None:
    result = score_open(answer, [DECODE])
    assert [hit.phrase for hit in result.red_flags] == [flag]


@pytest.mark.parametrize("answer", [
    "If communication is fully overlapped, the gain is about 0.",
    "Sparsity doubles the figure: dense is exactly half of the 2:4 sparse peak.",
    "The bubble shrinks as (p-1)/m, and it depends on the micro-batch count.",
])
def test_conditions_and_correct_exact_ratios_are_not_flagged(answer: str) -> None:
    assert score_open(answer, [DECODE]).red_flags == ()


def test_overclaims_cost_more_than_process_talk_and_all_flags_are_capped() -> None:
    process = score_open("We aligned stakeholders on the plan.", [])
    overclaim = score_open("The ring always wins for every gradient.", [])
    assert [h.penalty for h in process.red_flags] == [0.1]
    assert [h.penalty for h in overclaim.red_flags] == [0.15]
    assert overclaim.penalty == pytest.approx(0.15)
    many = score_open("We aligned stakeholders and socialized it with a RACI. The ring always "
                      "wins. Failures don't depend on scale. Spares are unnecessary.", [])
    assert len(many.red_flags) >= 5 and many.penalty == pytest.approx(0.3)


def test_a_flag_penalty_outside_its_range_is_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.resources

    bad = '[[flags]]\nid = "x"\nphrasings = ["synergy"]\nwhy = "w"\npenalty = 0.5\n'

    class Fake:
        def joinpath(self, _name: str) -> Fake:
            return self

        def read_text(self, _encoding: str) -> str:
            return bad

    rubric.default_process_flags.cache_clear()
    monkeypatch.setattr(importlib.resources, "files", lambda _package: Fake())
    try:
        with pytest.raises(ValueError, match="penalty"):
            rubric.default_process_flags()
    finally:
        rubric.default_process_flags.cache_clear()


SPARES = KeyPoint("size the spares to a Poisson percentile",
                  ("poisson & percentile|99th",), 1.0)
GOODPUT = KeyPoint("goodput is lowered by failures", ("goodput",), 1.0)


@pytest.mark.parametrize(("answer", "found"), [
    # A dismissal, an absolute, a free lunch in the very sentence that earns the point.
    ("A Poisson percentile isn't needed, because failures are evenly spaced.",
     "isn't needed"),
    ("Goodput will be essentially 100% with checkpoints, since no work is lost.",
     "essentially 100"),
    ("Goodput losses are handled automatically by the scheduler.", "handled automatically"),
    # A number in the sentence but 11 words from the dismissal does not excuse it.
    ("At a failure rate of 8 per day across the whole fleet of nodes, a Poisson percentile "
     "isn't needed.", "isn't needed"),
])
def test_an_overclaim_in_the_sentence_that_earns_a_point_contradicts_it(
        answer: str, found: str) -> None:
    result = score_open(answer, [SPARES, GOODPUT])
    [contradiction] = result.contradictions
    assert contradiction.kind == "overclaim" and contradiction.found.startswith(found)
    assert not any(point.covered for point in result.key_points)
    assert result.auto_score <= ERROR_CAPS[1]
    rubric.OVERCLAIMS_CONTRADICT = False
    try:
        assert score_open(answer, [SPARES, GOODPUT]).contradictions == ()
    finally:
        rubric.OVERCLAIMS_CONTRADICT = True


@pytest.mark.parametrize("answer", [
    # Hedged: a claim with its limit.
    "Goodput stays almost negligible to lose at 2k GPUs, until failures pile up at 16k.",
    # Quantified within ten words: a judgement, not an overclaim.
    "Goodput loss is 2% of the run at this scale, so it doesn't matter here.",
    # The overclaim is in another sentence than the point's evidence.
    "Size the spares to the 99th Poisson percentile: 21 nodes. A burn-in is unnecessary.",
])
def test_a_hedged_quantified_or_separate_overclaim_does_not_contradict(answer: str) -> None:
    result = score_open(answer, [SPARES, GOODPUT])
    assert result.contradictions == ()
    assert any(point.covered for point in result.key_points)


@pytest.mark.parametrize(("answer", "slip"), [
    ("Each node has a 400 Gb/s NIC, which gives 400 GB/s per node.", "400 GB/s"),
    ("A 200 Gbps link moves 200 GB/s of checkpoints.", "200 GB/s"),
])
def test_a_rate_in_bits_said_again_in_bytes_is_a_wrong_number(answer: str, slip: str) -> None:
    [wrong] = score_open(answer, [], process_flags=()).wrong_numbers
    assert wrong.typed == slip and wrong.expected == f"{int(slip.split()[0]) // 8} GB/s"


@pytest.mark.parametrize("answer", [
    "A 400 Gb/s NIC is 50 GB/s, so the node's eight give 400 GB/s.",  # converted right
    "The 400 Gb/s NIC feeds a node. Its 400 GB/s of NVLink is another link.",  # apart
])
def test_a_rate_converted_or_in_another_sentence_is_not_a_slip(answer: str) -> None:
    assert score_open(answer, [], process_flags=()).wrong_numbers == ()


H100_PEAK = KeyPoint("peak is the dense figure", ("dense peak",), 1.0)


def test_the_answers_only_gpu_is_the_figures_subject_in_every_sentence() -> None:
    """"On H100 …" then "8 × 1,979 TFLOP/s of BF16": the sparse figure quoted as BF16 is
    caught though the sentence does not name the GPU; with two GPUs named it is not bound."""
    one = score_open("We serve on H100. The node has 8 × 1,979 TFLOP/s of BF16 for decode.",
                     [H100_PEAK], process_flags=())
    assert [w.typed for w in one.wrong_numbers] == ["1,979 TFLOP/s"]
    two = score_open("We serve on H100 and A100. The node has 8 × 1,979 TFLOP/s of BF16.",
                     [H100_PEAK], process_flags=())
    assert two.wrong_numbers == ()
    right = score_open("We serve on H100. The node has 8 × 989 TFLOP/s of BF16 for decode.",
                       [H100_PEAK], process_flags=())
    assert right.wrong_numbers == ()


@pytest.mark.parametrize(("answer", "claim_id"), [
    ("We moved to BF16, but BF16 has a smaller exponent range than FP16, so it overflowed.",
     "bf16-range"),
    ("Like all inference, prefill is memory-bandwidth-bound on the weights.",
     "prefill-memory-bound"),
    ("An MoE is cheap to host because only the active experts need to be in memory.",
     "moe-active-in-memory"),
    ("ZeRO-1 shards the parameters, so stage 1 saves the most.", "zero1-shards-parameters"),
    # Read in tune-split and probe answers on 2026-12-05 (fourth session).
    ("Borrow 512 GPUs: 50% more GPUs is 50% less time, so 39 days becomes 20.",
     "more-gpus-same-percent-less-time"),
    ("A 34B model is Chinchilla-optimal at 700B tokens, so past that the loss is essentially "
     "flat.", "tokens-past-chinchilla-wasted"),
    ("When failures are this frequent you should checkpoint less often and write less.",
     "checkpoint-less-when-failures-frequent"),
    ("Doubling it to 1,024 GPUs halves the time, two weeks instead of four.",
     "doubling-gpus-halves-time"),
    ("We went from 8 to 32 micro-batches, and the bubble grows with m.",
     "microbatches-grow-bubble"),
    ("Failure rates are lowest when the hardware is new, so start the flagship run at once.",
     "new-hardware-most-reliable"),
    ("At 1,024 GPUs the tree wins on both terms.", "ring-bandwidth-grows-with-p"),
    ("Once the batch is large, the KV reads are shared across the batch.",
     "kv-reads-shared-across-batch"),
    ("With FlashAttention, activation memory no longer grows with sequence length.",
     "flash-activation-memory-flat"),
    ("Paging means the higher concurrency lowers throughput per GPU.",
     "concurrency-lowers-throughput"),
    ("Batch 64 on 8 H100s is compute-bound, so size it by FLOPs.",
     "small-batch-decode-compute-bound"),
    ("On communication, ZeRO lowers traffic at each stage.", "zero-lowers-traffic"),
    ("Per-token latency also improves with batch, since the GPU is busier.",
     "batch-improves-latency"),
    ("One point of MFU is 1% of throughput, so it is worth $3.6M.", "mfu-point-one-percent"),
    # Read in probe round 8 (tenth session): the sparse figure as the peak of BF16 work.
    ("H100 peak is 1,979 TFLOP/s, so at 40% MFU the cluster delivers 1.6e18 FLOP/s.",
     "sparse-peak-as-dense"),
    ("MFU is 6N × tokens/s divided by GPUs × 1979 TFLOPS.", "sparse-peak-as-dense"),
])
def test_a_known_trap_is_a_contradiction_on_any_question(answer: str, claim_id: str) -> None:
    """The field's traps (grading/known_misconceptions.toml) count as errors whatever the
    question's own key points: the verdict says what is true."""
    claim = next(c for c in rubric.known_misconceptions() if c.id == claim_id)
    result = score_open(answer, [DECODE], process_flags=())
    [contradiction] = result.contradictions
    assert contradiction.kind == "known" and contradiction.point == claim.why
    assert result.auto_score <= ERROR_CAPS[1]


@pytest.mark.parametrize("answer", [
    "FP16 has a smaller exponent range than BF16, so FP16 needs loss scaling.",  # the right way
    "Prefill is compute-bound; decode is memory-bandwidth-bound.",
    "A common myth is that only the active experts need to be in memory.",  # refuted
    "It is not true that ZeRO-1 shards the parameters: it shards the optimizer state.",
    "Ideally doubling the GPUs halves the time; at 80% efficiency it is 1.6x.",  # its regime
    "Checkpoint more often when failures are frequent: Young's interval is sqrt(2δM).",
    # Read in the ninth session's right sentences: 1% of peak is what a point is.
    "One point of MFU is 1% of peak FLOPs but 2.5% of throughput at a 40% baseline.",
    # 1,979 TFLOP/s said for what it is, or in an answer about 8-bit work, where it is the
    # H100's FP8 dense peak.
    "The datasheet's 1,979 TFLOP/s is with sparsity; dense BF16 is 989 TFLOP/s.",
    "In FP8 the H100 peaks at 1,979 TFLOP/s.",
    "Each H100 gives 1,979 TFLOP/s. We train in FP8 end to end.",
    "Don't use 1,979 TFLOP/s as the peak.",
    "H100 peak is 1,979 TFLOP/s, which assumes half the weights are zero.",
    # NVLink 5 is 900 GB/s each way: right in a sentence about Blackwell or the doubling.
    "B200 doubles compute over H100, and NVLink doubles to 900 GB/s each way.",
    "On Blackwell, NVLink 5 is 900 GB/s each way.",
])
def test_the_right_claim_or_a_refuted_trap_is_not_held_against_the_answer(answer: str) -> None:
    assert score_open(answer, [DECODE], process_flags=()).contradictions == ()


def test_every_known_trap_names_its_truth_and_no_model_answer_states_one() -> None:
    from content.loader import load_bank

    claims = rubric.known_misconceptions()
    assert len({c.id for c in claims}) == len(claims) >= 10
    for item in load_bank().open_questions():
        said = [c for c in score_open(item.model_answer, [], process_flags=()).contradictions
                if c.kind == "known"]
        assert said == [], (item.id, said)


def test_a_trap_said_as_a_number_the_figure_check_names_is_one_error() -> None:
    """"H100 peak is 1,979 TFLOP/s" is the sparse-peak trap and a wrong number against the
    dense figure: one error (the cap for one), named once as the wrong number."""
    answer = "Decode is memory-bound. H100 BF16 peak is 1,979 TFLOP/s, so MFU is about 34%."
    result = score_open(answer, [DECODE], process_flags=())
    assert [wrong.typed for wrong in result.wrong_numbers] == ["1,979 TFLOP/s"]
    assert result.contradictions == ()
    # Said without a figure's cue, the trap alone is the one error.
    alone = score_open("Decode is memory-bound. Our peak is 1,979 TFLOP/s per GPU.", [DECODE],
                       process_flags=())
    assert (len(alone.contradictions), len(alone.wrong_numbers)) == (1, 0)
