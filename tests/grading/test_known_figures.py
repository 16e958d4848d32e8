"""grading/known_figures.toml holds the catalog's numbers (content/hardware.toml), each as the
catalog has it, so a slip the scorer names is a slip against the source the game teaches."""

from __future__ import annotations

import pytest

from content.catalog import builtin_catalog
from grading.figures import known_figures
from grading.units import convert
from tests.grading.figure_cases import wrong_against

# figure name (a prefix) -> the catalog reference that must hold the same value
SOURCES = {
    "H100 BF16 dense peak": "h100_sxm.bf16_dense_flops",
    "H100 FP8 dense peak": "h100_sxm.fp8_dense_flops",
    "H100 FP8 with 2:4 sparsity": "h100_sxm.fp8_sparse_flops",
    "A100 BF16 dense peak": "a100_80gb.bf16_dense_flops",
    "H100 PCIe BF16 dense peak": "h100_pcie.bf16_dense_flops",
    "B200 BF16 dense peak": "b200.bf16_dense_flops",
    "MI300X BF16 dense peak": "mi300x.bf16_dense_flops",
    "TPU v5p BF16 peak": "tpu_v5p.bf16_dense_flops",
    "MI300X HBM3 bandwidth": "mi300x.memory_bandwidth",
    "TPU v5p HBM bandwidth": "tpu_v5p.memory_bandwidth",
    "H100 HBM3 bandwidth": "h100_sxm.memory_bandwidth",
    "H100 PCIe HBM2e bandwidth": "h100_pcie.memory_bandwidth",
    "H200 HBM3e bandwidth": "h200.memory_bandwidth",
    "H100 NVLink bandwidth per direction": "nvlink4.bandwidth_per_direction",
    "PCIe Gen4 x16 per direction": "pcie4_x16.bandwidth_per_direction",
    "PCIe Gen5 x16 per direction": "pcie5_x16.bandwidth_per_direction",
}


@pytest.mark.parametrize(("name", "reference"), sorted(SOURCES.items()))
def test_each_known_figure_is_the_catalogs(name: str, reference: str) -> None:
    (figure,) = [f for f in known_figures() if f.name.startswith(name)]
    found = builtin_catalog().lookup(reference)
    assert convert(figure.value, figure.unit, found.unit) == pytest.approx(found.value, rel=1e-3)


def test_the_both_directions_figure_is_twice_the_per_direction_one() -> None:
    (per_direction,) = [f for f in known_figures()
                        if f.name.startswith("H100 NVLink bandwidth per direction")]
    (both,) = [f for f in known_figures() if f.name.startswith("H100 NVLink bandwidth, both")]
    assert both.value == 2 * per_direction.value


def test_every_known_figure_is_sourced_or_a_rule_of_thumb() -> None:
    """Every figure is either the catalog's (above) or MFU, the one rule of thumb."""
    names = {f.name for f in known_figures()}
    sourced = {n for n in names if any(n.startswith(prefix) for prefix in SOURCES)}
    assert names - sourced == {n for n in names if n.startswith(("MFU", "H100 NVLink "
                                                                 "bandwidth, both"))}


@pytest.mark.parametrize(("answer", "wrong"), [
    # Right: the sparse headline named as such, though "FP8" is the nearer cue.
    ("The H100 does 3,958 TFLOP/s of FP8, but only with 2:4 structured sparsity, so plan on "
     "1,979 dense.", []),
    ("H100's FP8 peak is 3,958 TFLOP/s with sparsity and 1,979 TFLOP/s dense.", []),
    ("An H100 is 1,979 TFLOP/s at FP8 dense; the 3,958 TFLOP/s headline assumes sparsity.", []),
    # Wrong: the sparse figure taken for dense, with no sparsity said in the sentence.
    ("The H100 delivers 3,958 TFLOP/s of dense FP8.", ["3,958 TFLOP/s"]),
    ("The H100 delivers 1,979 TFLOP/s of BF16, so 2,048 of them give 4 EFLOP/s.",
     ["1,979 TFLOP/s"]),
])
def test_a_figure_the_sentence_names_in_full_is_right_beyond_the_cue_window(
        answer: str, wrong: list[str]) -> None:
    """A number agrees with any figure whose cue the same sentence says in full, not only
    with the nearest cue's: a strong answer that teaches the sparse trap is not flagged by it
    (a helper found "3,958 … with sparsity" flagged when the cue was more than four words
    away)."""
    from content.loader import KeyPoint
    from grading.rubric import score_open

    result = score_open(answer, [KeyPoint("peak", ("h100",), 1.0)], process_flags=())
    assert [number.typed for number in result.wrong_numbers] == wrong


@pytest.mark.parametrize(("answer", "wrong"), [
    # A quoted figure is mentioned, not stated: the trap named to correct it.
    ('"PCIe Gen4 x16 is 64 GB/s." That is both directions; per direction it is 31.5.', []),
    ("PCIe Gen4 x16 is 64 GB/s per direction.", ["64 GB/s"]),
    # The figure said right in the same sentence: the number its cue bound is another
    # quantity (round-3 strong probes, sixth session).
    ("A 400 Gb/s NIC is 50 GB/s, but a PCIe Gen4 x16 slot moves about 31.5 GB/s each way.", []),
    ("A 400 Gb/s NIC is 50 GB/s, but a PCIe Gen4 x16 slot moves about 50 GB/s each way.",
     ["50 GB/s"]),
])
def test_a_quoted_figure_is_mentioned_not_stated(answer: str, wrong: list[str]) -> None:
    from content.loader import KeyPoint
    from grading.rubric import score_open

    result = score_open(answer, [KeyPoint("x", ("pcie",), 1.0)], process_flags=())
    assert [number.typed for number in result.wrong_numbers] == wrong


def test_the_questions_own_figures_do_not_excuse_a_known_figures_slip() -> None:
    """A question that knows 1,979 TFLOP/s as the sparse headline does not make "dense BF16
    is 1,979" right: the known dense figure's cue bound the number (a probe wrong answer had
    scored 0.88 with it)."""
    from content.loader import Figure as ContentFigure
    from content.loader import KeyPoint
    from grading.rubric import score_open

    headline = ContentFigure("H100 BF16 with sparsity", 1979.0, "TFLOP/s", "rel:5%",
                             ("sparse|sparsity|headline",))
    point = KeyPoint("the headline is sparse", ("sparse",), 1.0, figures=(headline,))
    result = score_open("For the H100 SXM, dense BF16 is about 1,979 TFLOP/s.", [point],
                        process_flags=())
    assert [number.typed for number in result.wrong_numbers] == ["1,979 TFLOP/s"]


def test_another_figure_of_the_question_excuses_nothing_unless_its_cue_is_said() -> None:
    """The KV question knows 0.33 MB per token (GQA) and 2.6 MB (without GQA): "2.6 MB per
    token" for the GQA model is wrong; said with "64 KV heads" it is the other figure."""
    from content.loader import Figure as ContentFigure
    from content.loader import KeyPoint
    from grading.rubric import score_open

    gqa = ContentFigure("KV per token (8 KV heads)", 0.33, "MB", "rel:15%",
                        ("per token & kv|cache",))
    full = ContentFigure("KV per token (64 KV heads)", 2.6, "MB", "rel:15%", ("64 kv heads",))
    point = KeyPoint("kv per token", ("kv",), 1.0, figures=(gqa, full))
    wrong = score_open("The KV cache is about 2.6 MB per token for this model.", [point],
                       process_flags=())
    named = score_open("With 64 KV heads the KV cache would be 2.6 MB per token.", [point],
                       process_flags=())
    assert [number.typed for number in wrong.wrong_numbers] == ["2.6 MB"]
    assert named.wrong_numbers == ()


@pytest.mark.parametrize(("gap_words", "named"), [(7, True), (8, False)])
def test_a_cue_binds_within_its_window_counted_from_the_quantitys_last_word(
        gap_words: int, named: bool) -> None:
    """CUE_WINDOW (8) words from the quantity's own last word: "5 GB" ends at "GB", not at the
    word after it (which had made every cue after a quantity one word nearer)."""
    from grading.figures import CUE_WINDOW, Figure

    assert CUE_WINDOW == 8
    figure = Figure("widget size", 1.0, "GB", "rel:10%", ("widget",))
    filler = " ".join(["very"] * gap_words)
    text = f"It is 5 GB {filler} widget."
    assert bool(wrong_against(figure, text)) is named, text


@pytest.mark.parametrize(("text", "named"), [
    ("ZeRO-3 traffic is 3 × 14 GB = 42 GB per GPU per step.", []),  # "3 ×" multiplies
    ("ZeRO-3 traffic is 8 x 400 Gb/s over the NICs.", []),
    ("ZeRO-3 traffic is 3x that of plain DP.", ["3x"]),  # a factor claimed
    ("ZeRO-3 traffic is 1.5× that of plain DP.", []),
])
def test_a_count_that_multiplies_a_number_is_no_factor(text: str, named: list[str]) -> None:
    """Found by the figure review: "3 × 14 GB" was read as the factor "3 ×" beside a
    "traffic" cue and named against a 1.5x figure."""
    from grading.figures import Figure

    figure = Figure("ZeRO-3 traffic over plain DP", 1.5, "x", "rel:10%", ("traffic",))
    assert wrong_against(figure, text) == named


@pytest.mark.parametrize(("text", "named"), [
    # the ideal named beside a share below it (found by the figure review)
    ("At 100% MFU the run would need 11.2M GPU-hours, which nobody achieves.", []),
    ("A large run sustains 40% MFU, never 100% MFU.", []),
    # a value claimed for the share is judged; so is 100% said as an increase
    ("MFU is 90% on a large run.", ["90%"]),
    ("Full recompute costs 100% more MFU points.", ["100%"]),
])
def test_100_percent_beside_a_share_is_the_ideal(text: str, named: list[str]) -> None:
    from grading.figures import Figure

    figure = Figure("MFU of a large run", 40, "%", "log:1.5", ("mfu",))
    assert wrong_against(figure, text) == named


@pytest.mark.parametrize(("text", "named"), [
    ("The bubble is 3% here.", ["3%"]),
    ("Interleaving with v = 2 halves the bubble to 11%.", []),  # the "!" part is said
    ("The bubble is 20%.", []),
])
def test_a_cue_part_marked_with_a_bang_must_not_be_in_the_sentence(
        text: str, named: list[str]) -> None:
    """Figure helpers found "!" parts read as required ones, so no cue could leave out a
    neighbouring quantity's sentence; "bubble & !interleav*" skips the interleaved schedule."""
    from grading.figures import Figure

    figure = Figure("bubble at p=8, m=32", 20, "%", "rel:12%", ("bubble & !interleav*",))
    assert wrong_against(figure, text) == named


@pytest.mark.parametrize(("answer", "wrong"), [
    # A blind strong answer to a held-out question (tenth session): B200's NVLink 5 is 900 GB/s
    # each way, said in a sentence naming no accelerator in an answer naming two.
    ("B200 doubles compute over H100. NVLink doubles to 900 GB/s each way.", []),
    # The H100 said in the sentence, or the only accelerator of the answer: still checked.
    ("On H100, NVLink gives 900 GB/s each way, B200 twice that.", ["900 GB/s"]),
    ("Our H100 nodes are busy. NVLink is 900 GB/s each way.", ["900 GB/s"]),
    # A reviewer's (tenth session): a generation or a link named is an accelerator named.
    ("B200 beats H100. Our Hopper fleet's NVLink is 900 GB/s each way.", ["900 GB/s"]),
    ("B200 beats H100. NVLink 4 gives 900 GB/s each way.", ["900 GB/s"]),
])
def test_a_sentence_naming_no_accelerator_is_not_one_of_several(answer: str,
                                                                wrong: list[str]) -> None:
    from content.loader import KeyPoint
    from grading.rubric import score_open

    result = score_open(answer, [KeyPoint("x", ("nvlink",), 1.0)], process_flags=())
    assert [number.typed for number in result.wrong_numbers] == wrong


def named_by_known_figures(text: str) -> list[str]:
    """The numbers ``text`` is named wrong for by the known hardware figures alone (no key point
    worth hearing, no question figure, no process flag)."""
    from grading.rubric import score_open

    result = score_open(text, [("p", ("zzz",))], process_flags=())
    return [number.typed for number in result.wrong_numbers]


@pytest.mark.parametrize(("text", "named"), [
    # A rate said as achieved, below the datasheet's peak, is no slip (eleventh session's
    # held-out probes: "pull back over PCIe Gen5 at a realistic 50 GB/s").
    ("The KV comes back over PCIe Gen5 at a realistic 50 GB/s per direction.", []),
    ("We measured 52 GB/s per direction on PCIe Gen5.", []),
    # The peak said low, or a measured rate above the peak, still is; so is "actually" (an
    # emphasis, not an achievement) and a rate far below any real one (found by review).
    ("PCIe Gen5 x16 is 50 GB/s per direction.", ["50 GB/s"]),
    ("We measured 128 GB/s per direction on PCIe Gen5.", ["128 GB/s"]),
    ("PCIe Gen5 x16 is actually 50 GB/s per direction.", ["50 GB/s"]),
    ("The KV comes back over PCIe Gen5 at a realistic 8 GB/s per direction.", ["8 GB/s"]),
    # half of the 63 GB/s peak is the edge
    ("The KV comes back over PCIe Gen5 at a realistic 31.6 GB/s per direction.", []),
    ("The KV comes back over PCIe Gen5 at a realistic 31 GB/s per direction.", ["31 GB/s"]),
])
def test_an_achieved_rate_below_the_peak_is_no_slip(text: str, named: list[str]) -> None:
    assert named_by_known_figures(text) == named


@pytest.mark.parametrize(("text", "named"), [
    # Arithmetic written out to a result: a value derived from the figure, not the figure
    # (eleventh session's typed-fast probes: "989 TF dense * 40% mfu = ~3.96e14 flop/s").
    ("h100 989 TF dense * 40% mfu = ~3.96e14 flop/s/gpu of BF16.", []),
    ("8 x 989 = 7.9 PFLOP/s of H100 BF16 dense.", []),
    # The figure restated is still judged, and a lane count is no operator.
    ("The H100 BF16 dense peak = 1,979 TFLOP/s.", ["1,979 TFLOP/s"]),
    ("PCIe Gen5 x16 -> 32 GB/s per direction.", ["32 GB/s"]),
    # ...and so is a chain that opens by naming the figure (found by review).
    ("H100 FP8 dense = 2 × 1,979 = 3,958 TFLOP/s.", ["3,958 TFLOP/s"]),
    # A swing or a shift is a change, not a level ("MFU swings duration ~15%"); "shifts to"
    # or "varies around" a value is a level (found by review).
    ("Its inputs (MFU, goodput) swing the duration ~15%.", []),
    ("MFU is 15% on this run.", ["15%"]),
    ("MFU shifts to 15% on this run.", ["15%"]),
    ("MFU varies around 15% on this run.", ["15%"]),
])
def test_a_derived_value_or_a_change_is_not_the_figure(text: str, named: list[str]) -> None:
    assert named_by_known_figures(text) == named


def test_a_question_s_hardware_figure_is_a_peak_its_result_figures_are_not() -> None:
    """Found playing at 80×24 after the session's sealed set was scored: a question's own
    figure for the H100 peak named "989 TF dense * 40% mfu = ~3.96e14 flop/s" wrong, though
    the known figure no longer did. A question's figure whose value is a datasheet value is a
    peak like the known ones; a result the question works out (90 days) still judges a result
    worked out wrong."""
    from grading.figures import Figure

    peak = Figure("H100 BF16 dense peak", 989, "TFLOP/s", "rel:5%", ("dense",))
    days = Figure("days for 15T tokens", 90, "day", "rel:30%", ("days",))
    assert wrong_against(peak, "989 TF dense * 40% mfu = ~3.96e14 FLOP/s per GPU.") == []
    assert wrong_against(peak, "The dense peak is 1,979 TFLOP/s.") == ["1,979 TFLOP/s"]
    assert wrong_against(days, "6.3e24 / 2.4e18 = 30 days.") == ["30 days"]



@pytest.mark.parametrize(("answer", "wrong"), [
    # The accelerator named last before a number is whose it is (twelfth session's trap
    # battery: a right B200 sentence was named against the H100's sparse figure; a probe's
    # L40S 362 TFLOP/s against the H100's dense one).
    ("B200 is 2.25 PFLOP/s dense BF16; the 4.5 PFLOP/s is the 2:4 sparse headline, so it is "
     "about 2.3x an H100.", []),
    ("The L40S gives 362 TFLOP/s dense BF16, roughly a third of an H100's compute.", []),
    ("Compared with the B200, the H100 gives 1,979 TFLOP/s dense BF16.", ["1,979 TFLOP/s"]),
    ("B200 vs H100: the H100 does 1,979 TFLOP/s dense BF16.", ["1,979 TFLOP/s"]),
    # An achieved rate said after its number, at least a quarter of the peak, is no slip.
    ("MFU goes against the dense peak, so 378 TFLOP/s achieved on an H100 is 378 over 989, "
     "roughly 38%.", []),
    # the floor is a quarter of 989.4: 247.35 TFLOP/s
    ("An H100 does 248 TFLOP/s achieved at BF16 dense.", []),
    ("An H100 does 247 TFLOP/s achieved at BF16 dense.", ["247 TFLOP/s"]),
    ("An H100 does 1,979 TFLOP/s sustained at BF16 dense.", ["1,979 TFLOP/s"]),
    # FLOP rates in words are rates: "teraflops", "petaflops".
    ("The MI300X does 2.6 petaflops of dense BF16.", ["2.6 petaflops"]),
    ("An H100 does 989 teraflops dense BF16.", []),
])
def test_whose_figure_and_achieved_rates(answer: str, wrong: list[str]) -> None:
    from grading.rubric import score_open

    result = score_open(answer, (), process_flags=())
    assert [number.typed for number in result.wrong_numbers] == wrong
