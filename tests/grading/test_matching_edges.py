"""Edges of matching found on the third labelled batch's tune split (issue #15): a separator
never glues an article onto a word ("a synchronous" is not "asynchronous"), a typo never adds a
negating prefix, an inversion said beside the point's own claim is about another subject, a
dismissal bound to a regime is not a wave-away, and process talk beyond alignment is flagged."""

from __future__ import annotations

import pytest

from content.loader import KeyPoint
from grading._phrases import analyse, find_phrase
from grading._prose import _is_list, has_verb, sentences
from grading.rubric import ProcessFlag, default_process_flags, known_misconceptions, score_open
from grading.rubric import _word_quantities as rubric_word_quantities


@pytest.mark.parametrize(("text", "phrasing", "found"), [
    ("in a synchronous run one GPU halts", "asynchronous", None),
    ("an asynchronous save", "asynchronous", "asynchronous"),
    ("we use all reduce here", "allreduce", "all reduce"),
    ("an async save", "an async", "an async"),
    ("the job is in flight", "inflight", None),
    ("the in flight batch", "in flight", "in flight"),
])
def test_a_separator_never_glues_an_article_or_preposition_on(text: str, phrasing: str,
                                                              found: str | None) -> None:
    match = find_phrase(analyse(text), phrasing)
    assert (match.typed if match else None) == found


@pytest.mark.parametrize(("typed", "phrasing", "heard"), [
    ("a synchronous save", "asynchronous", False),
    ("an unbounded queue", "bounded", False),
    ("an asynchronus save", "asynchronous", True),  # a real typo is still forgiven
])
def test_a_typo_never_adds_or_drops_a_negating_prefix(typed: str, phrasing: str,
                                                      heard: bool) -> None:
    assert (find_phrase(analyse(typed), phrasing) is not None) is heard


SPLIT = KeyPoint("prefill is compute-bound, decode bandwidth-bound",
                 ("prefill & compute bound|compute-bound",), 1.0)


def test_an_inversion_beside_the_points_own_claim_is_about_another_subject() -> None:
    both = score_open("Split the fleet, because prefill is compute-bound and decode is "
                      "bandwidth-bound.", [SPLIT], process_flags=())
    assert both.contradictions == ()
    assert both.key_points[0].covered
    wrong = score_open("Split the fleet, because prefill is bandwidth-bound like decode.",
                       [SPLIT], process_flags=())
    assert [c.kind for c in wrong.contradictions] == ["inversion"]


@pytest.mark.parametrize(("answer", "flagged"), [
    ("Activations are negligible while the batch is much smaller than the hidden size.", False),
    ("The bubble doesn't matter until the pipeline is deeper than eight stages.", False),
    ("Activations are negligible here, unless the context is long.", False),
    ("Activations are negligible.", True),
    ("The bubble doesn't matter for this plan at all.", True),
])
def test_a_dismissal_bound_to_a_regime_is_not_a_wave_away(answer: str, flagged: bool) -> None:
    result = score_open(answer, [SPLIT])
    assert any(hit.phrase in ("negligible", "doesn't matter") for hit in result.red_flags) \
        is flagged


@pytest.mark.parametrize(("answer", "flag"), [
    ("Once we reached consensus I would document it.", "consensus"),
    ("I'd take it to a steering committee with engineering leadership.", "meetings"),
    ("First I'd gather requirements from the research teams.", "requirements-gathering"),
    ("Then I'd communicate it broadly and set up milestones.", "communication-plan"),
])
def test_process_talk_beyond_alignment_is_flagged(answer: str, flag: str) -> None:
    phrasings = {f.id: f.phrasings for f in default_process_flags()}
    hits = score_open(answer, [SPLIT]).red_flags
    assert any(hit.phrase in phrasings[flag] for hit in hits), hits


def test_process_talk_with_a_number_in_its_sentence_is_not_flagged() -> None:
    hits = score_open("We reached consensus once the replay showed 5 points of utilisation "
                      "were worth $4.5M a year.", [SPLIT]).red_flags
    assert hits == ()


@pytest.mark.parametrize(("answer", "claim_id"), [
    ("For decode speed, what matters is compute, so the H200 gives nothing.",
     "decode-compute-bound"),
    ("Decode is compute-bound, so buy the chip with the most FLOPs.", "decode-compute-bound"),
    ("At batch 64 decode is compute-bound, so buy FLOPs.", "decode-compute-bound"),
    ("I'd pull nvidia-smi GPU utilisation from every node — that's effectively the MFU.",
     "gpu-util-is-mfu"),
    ("Inside a node expect about 900 GB/s of busbw, NVLink 4's rated speed.",
     "nvlink-900-per-direction"),
])
def test_the_third_batchs_field_traps_are_known(answer: str, claim_id: str) -> None:
    [contradiction] = score_open(answer, [SPLIT], process_flags=()).contradictions
    claim = next(c for c in known_misconceptions() if c.id == claim_id)
    assert contradiction.kind == "known" and contradiction.point == claim.why


@pytest.mark.parametrize("answer", [
    "Decode is compute-bound above a batch of about 300 sequences.",
    "Decode is compute-bound once the batch passes 300 sequences.",
    "Decode is not compute-bound at batch 1: it streams the weights.",
    "At batch 512 decode is compute-bound, so the 4-bit gain shrinks.",
    "With a large batch, decode is compute-bound and FLOPs matter again.",
    "NVLink 4 is 900 GB/s in total, 450 GB/s per direction.",
    "MFU is tokens/s × 6N over the dense peak, not the utilisation nvidia-smi shows.",
])
def test_a_trap_bound_to_its_regime_or_denied_is_not_held_against_the_answer(
        answer: str) -> None:
    assert score_open(answer, [SPLIT], process_flags=()).contradictions == ()


@pytest.mark.parametrize(("answer", "slips"), [
    ("Each GPU has one 400G NIC, so 400 GB/s of scale-out bandwidth today.", ["400 GB/s"]),
    ("Moving to 800G ports gives each GPU 800 GB/s.", ["800 GB/s"]),
    ("Each GPU has one 400G NIC, so 50 GB/s of scale-out bandwidth.", []),
    ("A 400G NIC gives 50 GB/s, not 400 GB/s.", []),  # the conversion is said
    # Eight links of 400 Gb/s carry 400 GB/s together (found by the figure pass's helpers).
    ("Eight 400 Gb/s NICs give each node 400 GB/s of egress.", []),
    ("The node has 8 NICs at 400 Gb/s, so 400 GB/s out of the node.", []),
    ("Four 400 Gb/s NICs give each node 400 GB/s of egress.", ["400 GB/s"]),
    # ...but not one GPU's share of them, nor the eight links' total read as bytes.
    ("Each H100 node has eight 400 Gb/s NICs, so a GPU gets 400 GB/s to the network.",
     ["400 GB/s"]),
    ("Each node has 8 × 400 Gb/s = 3.2 Tb/s of NICs, so the inter-node all-reduce moves "
     "14 GB at 3.2 TB/s.", ["3.2 TB/s"]),
])
def test_a_link_named_by_its_gigabits_is_in_bits(answer: str, slips: list[str]) -> None:
    result = score_open(answer, [SPLIT], process_flags=())
    assert [wrong.typed for wrong in result.wrong_numbers] == slips


@pytest.mark.parametrize(("text", "said"), [
    ("I would soak every server for two to three days.", ["two to three days"]),
    ("It needs four engineers for a year and a half.", ["four engineers"]),
    ("A restart takes twenty-four hours.", ["twenty-four hours"]),
    ("We bought a hundred GPUs.", ["a hundred GPUs"]),
    ("One of the teams asked again.", []),  # a number word with no counted noun
    ("It is a two-part plan.", []),
])
def test_quantities_in_words_are_read(text: str, said: list[str]) -> None:
    assert [typed for _start, _end, typed in rubric_word_quantities(text)] == said


def test_a_quantity_in_words_counts_as_stated_but_is_never_checked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """"Two to three days" is a number the answer states (substance), and "eighty gigabytes"
    is never read as a wrong figure for the H100's 80 GB (only written numbers are)."""
    from grading import rubric

    answer = ("A burn-in soaks every server for two to three days, and a node that logs one "
              "uncorrectable error in that time is drained; we'd onboard four racks a week.")
    with_words = score_open(answer, [SPLIT], process_flags=())
    monkeypatch.setattr(rubric, "WORD_QUANTITIES_COUNT", False)
    without = score_open(answer, [SPLIT], process_flags=())
    assert with_words.auto_score > without.auto_score
    monkeypatch.setattr(rubric, "WORD_QUANTITIES_COUNT", True)
    checked = score_open("The H100 has eighty gigabytes of HBM, so the model fits.", [SPLIT],
                         process_flags=())
    assert checked.wrong_numbers == ()


@pytest.mark.parametrize(("answer", "wrong"), [
    ("Good runs sit at 35–45% MFU, not 90%.", []),
    ("The H100's dense BF16 peak is 989 TFLOP/s rather than 1,979 TFLOP/s.", []),
    ("Good runs sit at 90% MFU.", ["90%"]),
])
def test_a_value_named_to_be_refused_is_not_the_answers_figure(answer: str,
                                                               wrong: list[str]) -> None:
    from content.loader import load_bank

    item = next(q for q in load_bank().open_questions() if q.id == "open.recruiter.mfu_explain")
    result = score_open(answer, item.key_points, item.red_flags, figures=item.figures)
    assert [number.typed for number in result.wrong_numbers] == wrong


def test_a_question_asks_and_claims_nothing() -> None:
    from grading._prose import sentences

    assert [s.claim for s in sentences("Is BF16 faster than FP16? No, it has the same rate.")] \
        == [False, True]


def test_while_starts_a_clause_so_an_inversion_does_not_reach_across_it() -> None:
    point = KeyPoint("attention memory is linear in s", ("memory & linear",), 1.0)
    both = score_open("With FlashAttention, memory becomes linear in s while FLOPs stay "
                      "quadratic.", [point], process_flags=())
    assert both.contradictions == ()
    assert both.key_points[0].covered


@pytest.mark.parametrize(("typed", "heard"), [
    ("It takes 68 × 0.9 = 61 days.", True),
    ("It takes 68 / 0.9 = 75 days.", False),  # another claim with the same figures
    ("Good runs sit at 35–45% MFU.", True),   # a dash is a range, not an operator
])
def test_arithmetic_operators_in_a_phrasing_must_be_the_typed_ones(typed: str,
                                                                   heard: bool) -> None:
    phrasing = "35-45%" if "MFU" in typed else "68 × 0.9"
    assert (find_phrase(analyse(typed), phrasing) is not None) is heard


@pytest.mark.parametrize(("answer", "wrong"), [
    ("We compared H100 and MI300X: MI300X 1,307 TFLOP/s dense BF16 against H100 989.", []),
    ("On MI300X the dense BF16 peak is 2,615 TFLOP/s, double the H100.", ["2,615 TFLOP/s"]),
    ("TPU v5p gives 459 TFLOP/s of BF16 per chip and 2.77 TB/s of HBM.", []),
])
def test_other_vendors_figures_are_their_own(answer: str, wrong: list[str]) -> None:
    result = score_open(answer, [SPLIT], process_flags=())
    assert [number.typed for number in result.wrong_numbers] == wrong


@pytest.mark.parametrize(("typed", "phrasing", "heard"), [
    ("I'd document the decision in the wiki.", "the decision hinges", False),
    ("The decision hinjes on the failure rate.", "the decision hinges", True),
    ("We use a ring all-reduse here.", "ring all-reduce", True),
])
def test_a_typo_never_turns_one_short_word_into_another(typed: str, phrasing: str,
                                                        heard: bool) -> None:
    assert (find_phrase(analyse(typed), phrasing) is not None) is heard


@pytest.mark.parametrize(("answer", "wrong"), [
    ("On H100: an 8×H100 node has about 7.9 PFLOP/s of dense BF16.", []),
    ("On H100: 8 GPUs give 7.9 PFLOP/s of dense BF16.", []),
    ("Eight H100s give 7.9 PFLOP/s dense BF16.", []),  # the count in words
    ("Two H100s give 7.9 PFLOP/s dense BF16.", ["7.9 PFLOP/s"]),
    ("On H100: the node has 7.9 PFLOP/s of dense BF16 per GPU.", ["7.9 PFLOP/s"]),
    ("On H100 the dense BF16 peak is 1,979 TFLOP/s.", ["1,979 TFLOP/s"]),
])
def test_a_figure_summed_over_a_counted_node_is_not_a_slip(answer: str,
                                                           wrong: list[str]) -> None:
    result = score_open(answer, [SPLIT], process_flags=())
    assert [number.typed for number in result.wrong_numbers] == wrong


def test_a_sentence_of_pasted_phrasing_words_earns_nothing() -> None:
    point = KeyPoint("accepted blocks go to smaller jobs early",
                     ("smaller job* & accepted|finished|block*",), 1.0)
    pasted = score_open("Hand finished blocks smaller job.", [point], process_flags=())
    said = score_open("We hand each finished block to the smaller jobs at once.", [point],
                      process_flags=())
    assert not pasted.key_points[0].covered
    assert said.key_points[0].covered


# Found on the fourth labelled batch's tune split (2026-12-05).
MTBF = KeyPoint("Job MTBF = per-GPU MTBF / N ~ 3 h at 16k GPUs", ("job mtbf & hours|h",), 1.0,
                misconceptions=("job mtbf is 50,000",))


@pytest.mark.parametrize(("answer", "contradicted"), [
    ("The job MTBF is 50,000 / 16,384 ≈ 3 hours at this scale.", False),
    ("The job MTBF is 50,000 × 1 / 16,384 hours, about 3.", False),
    ("The job MTBF is 50,000 hours, so failures are rare.", True),
    ("The job MTBF is 50,000 and that is why it never fails.", True),
])
def test_a_misconceptions_figure_used_as_an_operand_is_not_the_claim(
        answer: str, contradicted: bool) -> None:
    result = score_open(answer, [MTBF], process_flags=())
    assert bool(result.contradictions) is contradicted


@pytest.mark.parametrize(("text", "is_list"), [
    ("16,384 H100s and 2 bytes per parameter and 140 GB per step.", True),
    ("DiLoCo and convergence risk and fibre cut.", True),
    ("Tensor and pipeline parallelism stay inside each site and DP crosses it.", False),
    ("We shard weights and gradients and optimizer state across 64 GPUs.", False),
    ("Local SGD and compression.", False),  # two terms: too short to call a list
])
def test_terms_strung_on_and_are_a_list_not_a_claim(text: str, is_list: bool) -> None:
    assert _is_list(text) is is_list
    if is_list:
        assert not sentences(text)[0].claim


@pytest.mark.parametrize(("text", "verb"), [
    ("speed of light in fibre", False),
    ("a hundred of them", False),
    ("we agreed to the date", True),
    ("throttled by power", True),
])
def test_a_noun_ending_in_ed_is_no_past_tense(text: str, verb: bool) -> None:
    assert has_verb(text, weak=False) is verb


DECODE = KeyPoint("decode is memory-bound", ("decode & memory-bound|bandwidth-bound",), 1.0,
                  misconceptions=("decode is compute-bound",))


@pytest.mark.parametrize(("answer", "contradicted"), [
    # A misconception put in someone else's mouth, or called wrong, is taught, not claimed.
    ("Some say decode is compute-bound. That's wrong: at batch 1 decode is memory-bound.", False),
    ("You might think decode is compute-bound, yet at batch 1 decode is memory-bound.", False),
    ("The intuition that decode is compute-bound is backwards; decode is memory-bound.", False),
    ("Decode is compute-bound, which is wrong; decode is memory-bound.", False),
    # Anyone who says it (eleventh session's held-out probes: "anyone saying bf16 is cheaper
    # is wrong").
    ("Anyone saying decode is compute-bound is wrong; at batch 1 it is memory-bound.", False),
    ("Whoever claims decode is compute-bound is mistaken.", False),
    # Some of a named group says it (twelfth session's third review: "some candidates say
    # decode is compute-bound" was held against the answer that rejects it).
    ("Some candidates say decode is compute-bound, but that is wrong.", False),
    ("Some engineers think decode is compute-bound; at batch 1 it is memory-bound.", False),
    ("Some teams claim decode is compute-bound.", False),
    # ...only when the sentence ends rejecting it (found by review): an endorsement, a claim
    # after "otherwise", or a belief merely mentioned is still the answer's own.
    ("Anyone who says decode is compute-bound is right, because decode is compute-bound.",
     True),
    ("Anyone who says otherwise is wrong, decode is compute-bound.", True),
    ("Vendors quote 989 TFLOP/s, and decode is compute-bound.", True),
    # Claimed: the next sentence goes on with it, it does not refute it.
    ("Decode is compute-bound. It isn't memory that limits it.", True),
    ("Decode is compute-bound. We should buy more FLOP/s.", True),
])
def test_a_misconception_taught_as_wrong_is_not_claimed(answer: str,
                                                        contradicted: bool) -> None:
    result = score_open(answer, [DECODE], process_flags=())
    assert bool(result.contradictions) is contradicted


@pytest.mark.parametrize(("answer", "contradicted"), [
    ("Decode is compute-bound only at batch sizes above ~300, and below that it is "
     "limited by HBM.", False),
    ("Decode is compute-bound when the batch passes ~300, not before.", False),
    ("Decode is compute-bound, only a little memory traffic matters.", True),
])
def test_an_inversion_bound_to_its_regime_is_no_contradiction(answer: str,
                                                              contradicted: bool) -> None:
    point = KeyPoint("decode is memory-bound", ("decode & memory-bound|bandwidth-bound",), 1.0)
    result = score_open(answer, [point], process_flags=())
    assert bool(result.contradictions) is contradicted


# Found by 120 probe strong answers on the tune questions (2026-12-05): each had capped a
# right answer at 0.5 or below.
@pytest.mark.parametrize(("text", "phrasing", "found"), [
    ("For an ablation, no.\n\nRisk is low either way.", "no risk", None),
    ("For an ablation, no. Risk is low either way.", "no risk", None),
    ("There is no risk here.", "no risk", "no risk"),
    ("Tiles stay on chip, e.g. tiling keeps them in SRAM.", "e.g. tiling", "e.g. tiling"),
])
def test_a_phrase_is_said_inside_one_sentence(text: str, phrasing: str,
                                              found: str | None) -> None:
    match = find_phrase(analyse(text), phrasing)
    assert (match.typed if match else None) == found


@pytest.mark.parametrize(("answer", "contradicted"), [
    ('"Decode is compute-bound." No: at batch 1 decode is memory-bound.', False),
    ("Second trap: 'decode is compute-bound.' At batch 1 decode is memory-bound.", False),
    ("Some people write decode is compute-bound; at batch 1 decode is memory-bound.", False),
    ("The idea that decode is compute-bound is backwards: decode is memory-bound.", False),
    ("Someone on my team then said decode is compute-bound, and the profile showed "
     "decode is memory-bound.", False),
    ("Decode is compute-bound, as the 'roofline' shows.", True),
    # Someone's wish or proposal turned down (round-3 strong probes, sixth session).
    ("I overruled the tech lead's wish to say decode is compute-bound; at batch 1 it is "
     "memory-bound.", False),
    ("We resisted the temptation to claim decode is compute-bound at batch 1.", False),
    ("The tech lead wished decode is compute-bound at batch 1, and it is.", True),
])
def test_a_quoted_or_reported_misconception_is_not_claimed(answer: str,
                                                           contradicted: bool) -> None:
    result = score_open(answer, [DECODE], process_flags=())
    assert bool(result.contradictions) is contradicted


@pytest.mark.parametrize(("answer", "contradicted"), [
    ("Job MTBF is 50,000/N, about 3 hours at 16,384 GPUs.", False),
    ("Job MTBF is 50,000 hours at any scale.", True),
])
def test_a_figure_divided_by_a_variable_is_an_operand(answer: str, contradicted: bool) -> None:
    assert bool(score_open(answer, [MTBF], process_flags=()).contradictions) is contradicted


@pytest.mark.parametrize(("answer", "flagged"), [
    ("Matmul FLOPs per token don't depend on context, but attention FLOPs per token grow "
     "linearly with T.", False),
    ("The all-reduce time doesn't depend on the number of GPUs.", True),
    ("Step time doesn't depend on N, but it's fine.", True),  # the contrast names no dependence
])
def test_a_denied_dependence_beside_the_one_that_holds_is_no_overclaim(answer: str,
                                                                       flagged: bool) -> None:
    point = KeyPoint("attention grows with context", ("context",), 1.0)
    result = score_open(answer, [point], process_flags=default_process_flags())
    assert any(hit.found.startswith(("don't depend", "doesn't depend"))
               for hit in result.red_flags) is flagged


@pytest.mark.parametrize(("answer", "wrong"), [
    ("So a team that gains two MFU points, 5% throughput, is worth ~$18M a year.", []),
    ("MFU rose 5% after the fix.", []),
    ("Our MFU is 5% on this job.", ["5%"]),
])
def test_a_change_in_mfu_is_not_an_mfu(answer: str, wrong: list[str]) -> None:
    result = score_open(answer, [KeyPoint("x", ("mfu",), 1.0)], process_flags=())
    assert [number.typed for number in result.wrong_numbers] == wrong


def test_a_sentence_naming_the_cue_without_its_gpu_rescues_the_right_figure() -> None:
    answer = ("On the H100 the dense BF16 peak is 989 TFLOP/s. The 1,979 TFLOP/s headline is "
              "BF16 with 2:4 sparsity; plan on the dense one.")
    result = score_open(answer, [KeyPoint("x", ("h100",), 1.0)], process_flags=())
    assert result.wrong_numbers == ()


# Found by the second probe round's strong answers (2026-12-05).
def test_a_misconception_inside_an_if_clause_is_supposed_not_claimed() -> None:
    idle = KeyPoint("hot spares pay for themselves", ("spares",), 1.0,
                    misconceptions=("sit idle",))
    supposed = score_open("The spares cost about $3.7M a year if they sit idle.", [idle],
                          process_flags=())
    claimed = score_open("The spares sit idle and cost about $3.7M a year.", [idle],
                         process_flags=())
    assert supposed.contradictions == ()
    assert len(claimed.contradictions) == 1


def test_a_negation_after_assuming_states_an_assumption_not_a_dismissal() -> None:
    caching = KeyPoint("prefix caching cuts prefill", ("prefix caching",), 1.0)
    assumed = score_open("The prefill figure assumes no prefix caching, so it is an upper "
                         "bound.", [caching], process_flags=())
    dismissed = score_open("We need no prefix caching at all for this launch.", [caching],
                           process_flags=())
    assert assumed.contradictions == ()
    assert [c.kind for c in dismissed.contradictions] == ["denial"]


@pytest.mark.parametrize(("answer", "flagged"), [
    ("Busbw must be at least the old version's at every size before the rollout.", False),
    ("The new version wins at every size, so roll it out.", True),
])
def test_an_absolute_as_a_requirement_is_a_gate_not_a_claim(answer: str, flagged: bool) -> None:
    result = score_open(answer, [KeyPoint("x", ("busbw",), 1.0)],
                        process_flags=default_process_flags())
    assert any(hit.found == "at every size" for hit in result.red_flags) is flagged


@pytest.mark.parametrize(("answer", "flagged"), [
    # Found by the round-5 strong probes (eighth session): a policy the answer sets.
    ("Run preemptible evals on the spares, killed instantly when a spare is claimed.", False),
    ("Evals on the spares are preempted instantly when the job needs a node.", False),
    ("We kill eval jobs instantly when a spare is claimed.", False),
    ("Evals on the spares are instantly killed once one is claimed.", False),
    ("After a failure the job restarts instantly from the last checkpoint.", True),
    ("The spare is swapped in instantly, so nothing is lost.", True),
    # The eighth session's review: a claim about the system, not a policy it sets.
    ("A hung rank is killed instantly by the NCCL watchdog.", True),
    ("A failed node is drained instantly and the job resumes.", True),
    ("The run is stopped instantly when a GPU fails.", True),
])
def test_an_absolute_right_after_a_deliberate_action_is_a_policy(answer: str,
                                                                  flagged: bool) -> None:
    result = score_open(answer, [KeyPoint("x", ("spare*",), 1.0)],
                        process_flags=default_process_flags())
    assert any(hit.found == "instantly" for hit in result.red_flags) is flagged


@pytest.mark.parametrize("answer", [
    "Low-priority jobs are evicted without any cost to the run.",
    "The job can be killed at no cost when a spare is claimed.",
])
def test_only_instantly_can_be_a_policy(answer: str) -> None:
    result = score_open(answer, [KeyPoint("x", ("job*",), 1.0)],
                        process_flags=default_process_flags())
    assert result.red_flags


# Found in the final play (2026-12-05): a wrong claim that is its whole sentence had escaped,
# because the rule that evidence says more than its phrase was applied to misconceptions too.
STAGES = KeyPoint("more stages grow the bubble", ("bubble & stages",), 1.0,
                  misconceptions=("adding stages shrinks the bubble",))


@pytest.mark.parametrize(("answer", "contradicted"), [
    ("Full recompute costs 8ND, 33% more. Adding stages shrinks the bubble.", True),
    ("Full recompute costs 8ND, 33% more. Adding stages shrinks the bubble anyway.", True),
    ("The common slip: adding stages shrinks the bubble. It grows as (p-1)/m.", False),
])
def test_a_misconception_said_bare_is_still_claimed(answer: str, contradicted: bool) -> None:
    assert bool(score_open(answer, [STAGES], process_flags=()).contradictions) is contradicted


@pytest.mark.parametrize(("answer", "contradicted"), [
    ("Job MTBF is 50,000 h ÷ 16,384 ≈ 3.05 h.", False),
    ("Job MTBF is 50,000 h at any scale.", True),
])
def test_a_figure_with_its_unit_before_the_operator_is_an_operand(answer: str,
                                                                  contradicted: bool) -> None:
    assert bool(score_open(answer, [MTBF], process_flags=()).contradictions) is contradicted


@pytest.mark.parametrize(("text", "typed"), [
    ("The H100's ridge point is about 295 FLOP/byte.", "295 FLOP/byte"),
    ("Decode runs at about 2 FLOPs/B of intensity.", "2 FLOPs/B"),
    ("It streams 50 GB/s per NIC.", "50 GB/s"),
])
def test_an_arithmetic_intensity_is_read_with_its_per_byte(text: str, typed: str) -> None:
    """A figure-pass helper found "295 FLOP/byte" read as "295 FLOP", so no FLOP/byte figure
    could ever be judged."""
    from grading.rubric import find_numbers

    assert typed in find_numbers(text)


#: Sentences found by the tenth session's blind probes and its reviewers, with whether each is
#: a claim: the verb and list rules at their edges.
@pytest.mark.parametrize(("text", "claim"), [
    # Held-out strong probes (tenth session): an adverb between a subject and its verb, and a
    # bracketed gloss, made a dense claim read as a list of terms.
    ("B200 rack density (60 kW+) effectively requires direct-to-chip liquid cooling, so the "
     "facility retrofit lands on the critical path.", True),
    ("Rack density effectively requires liquid cooling at 60 kW.", True),
    ("Flag ranks whose local gradient norm repeatedly sits far outside their peers'.", True),
    # Lists stay lists, glossed or not; a claim in brackets is still read.
    ("Memory (HBM), bandwidth (3.35 TB/s), compute (989 TFLOP/s).", False),
    ("Weekly checkpoints, hourly evals, daily reviews.", False),
    ("Risks: kernels (MFU < 30%), throttling, infant mortality pulling goodput under 85%.",
     True),
    # Held-out term-list probes (tenth session): a figures dump behind a filing introduction,
    # a singular noun phrase read as a verb ("a ridge point around 295").
    ("Numbers I'd bring to this: sequence length 8k, the s-squared score matrix, 2 bytes per "
     "element, roughly 134 MB per head, 64 heads, gigabytes per layer.", False),
    ("H100 HBM at 3.35 TB/s, 989 TFLOPS BF16 dense, a ridge point around 295 FLOP per byte.",
     False),
    # Claims stay claims: an introduction that states a figure, an imperative fix, plurals.
    ("So the extra 512 were about 30% efficient: 97,000 GPU-hours, four sweep runs.", True),
    ("Fix: normalise queries and keys, or cap scores with a tanh.", True),
    ("Then try the cheap path: a quarter spent configuring Slurm with backfill.", True),
    # A reviewer's (tenth session): an introduction that claims, a past tense spelled as its
    # base form, "this" before a verb.
    ("The numbers come out as: 62k H100s, 44k B200s, 1.6x per MW.", True),
    ("Each flap hit 512 GPUs for about ten minutes.", True),
    ("This mistake cost us about 6,000 GPU-hours.", True),
    ("Inside a node expect about 900 GB/s of busbw.", True),  # "a node" after a preposition
    ("MFU at 40% typically sits below peak because of communication.", True),
    ("Kernels (fused) matter, memory (HBM), comms (NCCL), power (watts).", False),
    # Held-out term-list probes, round 12 (tenth session): a formula with its legend names
    # symbols and claims nothing; a participle in the quantity's name is part of the name.
    ("Delivered compute = G x peak x MFU x goodput, where G is the GPU count.", False),
    ("Work lost per failure = R + tau/2, with R the restart time and tau the checkpoint "
     "interval.", False),
    ("Goodput = 1 - [delta/tau + (tau/2 + R) / job MTBF], delta being the checkpoint stall.",
     False),
    # A formula that goes on to reason, or has a figure plugged in, stays a claim.
    ("MFU = 6ND / (G x peak), where G is the GPU count, so at 40% we need 8,000 GPUs.", True),
    ("The bubble = (p-1)/m, where m is the micro-batch count, and it shrinks with m.", True),
    ("Job MTBF = 50,000 h / G, where G is 16,384, so about 3 h.", True),
    # A reviewer's (tenth session): a "legend" that makes a claim is no legend.
    ("Bubble = (p-1)/m, where m is the micro-batches and more stages reduce the bubble.", True),
])
def test_claims_at_the_edges_of_the_verb_and_list_rules(text: str, claim: bool) -> None:
    [sentence] = sentences(text)
    assert sentence.claim is claim


def test_a_point_that_says_its_subject_is_cheap_is_not_denied_by_calling_it_trivial() -> None:
    """A blind strong answer to a held-out question: "PP … sends one b·s·h activation
    (~67 MB) per stage boundary — trivial" agrees with "PP: cheap point-to-point"; the same
    phrasings on a point that claims no smallness are denied by it."""
    from content.loader import load_bank

    item = load_bank().items["open.tradeoffs.tp_vs_pp"]
    [cheap] = [point for point in item.key_points if point.point.startswith("PP: cheap")]
    answer = ("PP instead sends one b·s·h activation (~67 MB) point-to-point per stage "
              "boundary per micro-batch — trivial.")
    assert score_open(answer, [cheap], process_flags=()).contradictions == ()
    other = KeyPoint("PP sends activations at each stage boundary", cheap.phrasings, 1.0)
    assert [c.kind for c in score_open(answer, [other], process_flags=()).contradictions] \
        == ["denial"]


def test_a_figure_said_after_instead_of_is_compared_not_denied() -> None:
    """Held-out strong probes, round 12: "4.2 MB per head instead of ~134 MB" compares with the
    134 MB the point asks for, it does not deny it ("50 GB/s NICs instead of 450 GB/s NVLink"
    likewise)."""
    point = KeyPoint("Quantifies the score tensor (~134 MB per head at 8k)", ("134 mb",), 1.0)
    answer = ("Traffic becomes Q, K, V in and the output out: about 4.2 MB per head instead of "
              "~134 MB of score-matrix traffic.")
    assert score_open(answer, [point], process_flags=()).contradictions == ()
    # A reviewer's (tenth session): the right figure rejected outright is still a denial.
    assert [c.kind for c in score_open("The score matrix is not 134 MB per head; it is 8 MB.",
                                       [point], process_flags=()).contradictions] == ["denial"]
    word = KeyPoint("Knows the ring", ("tree",), 1.0)  # a term, not a figure, is still denied
    assert [c.kind for c in score_open("We use the ring instead of a tree.", [word],
                                       process_flags=()).contradictions] == ["denial"]


BF16_RANGE = KeyPoint("BF16 has FP32's range: no loss scaling needed",
                      ("fp32's range|same range as fp32",), 1.0)
DISMISSAL = ProcessFlag("dismissal", ("doesn't need", "isn't needed", "no need"),
                        "waved away", unless_number=True)


@pytest.mark.parametrize(("answer", "flagged"), [
    # What the key point itself calls unneeded, said unneeded, is the point (eleventh
    # session's held-out probes), named or pointed back to from the next sentence.
    ("BF16 has FP32's range, so loss scaling isn't needed anymore.", False),
    ("FP16 needed dynamic loss scaling. BF16 simply doesn't need it.", False),
    ("With BF16 there is no need for dynamic loss scaling.", False),
    ("BF16 doesn't need loss scaling because its exponent matches FP32.", False),
    ("Loss scaling isn't needed in BF16, but you keep FP32 master weights.", False),
    ("FP16 needs loss scaling. With BF16 that isn't needed.", False),
    ("Loss scaling: BF16 doesn't need it.", False),
    ("BF16 removes loss scaling. We don't need it, but we keep FP32 accumulation.", False),
    # Anything else waved away still is a dismissal (found by review: the thing must close the
    # dismissal's clause, a pronoun be singular and end the sentence).
    ("BF16 doesn't need FP32 master weights.", True),
    ("Loss scaling is fine. BF16 doesn't need master weights.", True),
    ("FP16 needed dynamic loss scaling. That was fragile. BF16 doesn't need it.", True),
    # a pronoun two sentences from the thing may mean another (found by review)
    ("With BF16 you skip loss scaling. Mixed precision with an FP32 master copy? That isn't "
     "needed anymore.", True),
    ("BF16 doesn't need loss scaling, FP32 master weights or FP32 accumulation.", True),
    ("BF16 doesn't need loss scaling, and FP32 accumulation is unnecessary too.", True),
    ("FP16 needed loss scaling and an FP32 master copy. BF16 doesn't need them.", True),
    ("FP16 needed loss scaling. FP32 accumulation isn't needed with it.", True),
    ("Loss scaling isn't needed with BF16, and so is keeping optimizer state in FP32.", True),
    ("BF16 doesn't need loss scaling and doesn't need FP32 master weights either.", True),
])
def test_a_dismissal_of_what_a_point_calls_unneeded_is_the_point(answer: str,
                                                                 flagged: bool) -> None:
    result = score_open(answer, [BF16_RANGE], process_flags=(DISMISSAL,))
    assert bool(result.red_flags) is flagged
    assert not result.contradictions or flagged


@pytest.mark.parametrize(("typed", "words"), [
    # Shorthand typed fast in a terminal is read as the word (eleventh session's probes).
    ("5 wks late b/c teh ckpt", ["5", "weeks", "late", "because", "the", "checkpoint"]),
    ("overlap w/ backward, w/o spares", ["overlap", "with", "backward", "without", "spares"]),
    ("bw-bound, 3 hrs, tput up", ["bandwidth", "bound", "3", "hours", "throughput", "up"]),
    # "W" is watts and "min" a minute or a minimum: left as typed.
    ("700 W, 30 min, w / x", ["700", "w", "30", "min", "w", "x"]),
])
def test_abbreviations_are_read_as_their_words(typed: str, words: list[str]) -> None:
    assert [word.norm for word in analyse(typed).words] == words


@pytest.mark.parametrize("answer", [
    "W/o question decode is compute-bound.",
    "Without a doubt decode is compute-bound.",
    "Without fail, decode is compute-bound.",
])
def test_without_a_doubt_asserts(answer: str) -> None:
    """"Without (a) doubt / question / fail" negates nothing (found by review: "w/o", read as
    "without", had started to hide the claim after it)."""
    result = score_open(answer, [DECODE], process_flags=())
    assert result.contradictions


def test_a_key_point_is_heard_in_shorthand() -> None:
    point = KeyPoint("Quantified slip", ("weeks late",), 1.0)
    result = score_open("We shipped 5 wks late on a 12-week plan.", [point], process_flags=())
    assert result.key_points[0].covered


@pytest.mark.parametrize(("text", "verb"), [
    # A premise stated before its figure is a claim (found playing at 80×24: "assume 15T
    # tokens." was "named, not claimed")...
    ("assume 15T tokens.", True),
    ("Assume 2,048 GPUs at 40% MFU.", True),
    # ...where a noun before its figure is none.
    ("batch 64 and step 3.", False),
])
def test_an_assumption_before_its_figure_is_a_verb(text: str, verb: bool) -> None:
    assert has_verb(text) is verb


def test_a_wrong_premise_stated_as_an_assumption_is_judged() -> None:
    result = score_open("Assume 1,979 TFLOP/s dense per H100.", [("p", ("zzz",))],
                        process_flags=())
    assert [number.typed for number in result.wrong_numbers] == ["1,979 TFLOP/s"]

