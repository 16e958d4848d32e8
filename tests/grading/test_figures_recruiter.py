"""The figures of the recruiter-screen deck (content/decks/open_recruiter.toml) catch the classic
slip of each quantity and let a strong answer's own reasonable assumption through.

Each row is one sentence a candidate might say to one question, and the numbers the scorer must
name as wrong for it (none for a right one). The right rows sit at the far edge of what a strong
answer assumes (PUE 1.0 or 1.3, a GB200 instead of a B200, 40 GB/s of NCCL busbw at scale); the
wrong rows are the slip each figure exists for (GPU TDP taken for the power at the meter, the
per-chip speed-up taken for FLOP/s per watt, gigabits read as gigabytes, both directions added).
"""

from __future__ import annotations

import pytest

from tests.grading.figure_cases import open_question, wrong_typed

BINDING = "open.recruiter.binding_constraint_industry"
HEALTH = "open.recruiter.cluster_health_30_days"
BRINGUP = "open.recruiter.bringup_risk"
SPARSE = "open.recruiter.dense_vs_sparse_flops"


_wrong = wrong_typed


@pytest.mark.parametrize(("item_id", "text", "wrong"), [
    # --- binding_constraint_industry: power per GPU all-in (1.7 kW, log:1.5) ---
    (BINDING, "Add a PUE of 1.2 for cooling and a GPU costs about 1.5 kW at the meter.", []),
    (BINDING, "At the node level each GPU is about 1.28 kW before any cooling.", []),
    (BINDING, "With a PUE of 1.3 a B200 is about 2.3 kW per GPU at the wall.", []),
    (BINDING, "With PUE 1.4 each B200 costs about 2.5 kW at the wall.", []),
    # The slip: GPU TDP taken for the power at the meter.
    (BINDING, "Each GPU is 700 W at the wall, so 100,000 GPUs are 70 MW.", ["700 W"]),
    (BINDING, "A B200 is 1,000 W per GPU at the meter.", ["1,000 W"]),
    # A node's power at the wall is a node's, not a GPU's: not judged.
    (BINDING, "A DGX H100 node is 10.2 kW, about 12 kW at the wall.", []),
    # Found on a tune strong answer: a node-level figure in a sentence naming a B200.
    (BINDING, "A B200 is 1,000 W for 2.25 PFLOP/s, about 1.6x better perf per watt, and a "
              "DGX B200 at 14.3 kW gives the same ratio at node level.", []),
    # A range binds its cue as its middle, so the cue does not reach past it for another
    # number (found on a tune strong answer: the NVLink bus bandwidth beside it).
    (HEALTH, "Inside an H100 node I expect ~370 GB/s, and each 400G NIC should carry "
             "46–48 GB/s.", []),
    (HEALTH, "Each 400G NIC should carry 380-400 GB/s.", ["380-400 GB/s"]),
    # A range is right when an end or its middle is: a change "from X to Y" holds X.
    (SPARSE, "Dense peak goes from 989 to 1,979 TFLOP/s with sparsity on H100.", []),
    (SPARSE, "The dense BF16 peak is 950–1,000 TFLOP/s on H100.", []),
    (SPARSE, "The dense BF16 peak is 1,800–2,000 TFLOP/s on H100.", ["1,800–2,000 TFLOP/s"]),
    # --- H100 TDP (700 W, rel:10%) and B200 TDP (1,000 W, rel:20%) ---
    (BINDING, "The H100 TDP is 700 W and the B200 TDP is 1,000 W.", []),
    (BINDING, "A B200 in a GB200 rack has a TDP of up to 1,200 W.", []),
    (BINDING, "An H100 is rated at 700 W but draws about 1.5 kW once you add the host and "
              "cooling.", []),
    (BINDING, "The H100 PCIe TDP is 350 W, half the SXM's 700 W.", []),
    (BINDING, "The H100 TDP is 400 W, like the A100.", ["400 W"]),
    (BINDING, "The H100 TDP is 350 W.", ["350 W"]),
    (BINDING, "The B200 TDP is 2,700 W.", ["2,700 W"]),
    # Another Blackwell part's TDP, said beside the B200 (independent review).
    (BINDING, "B300's TDP is about 1,400 W, up from B200s.", []),
    (BINDING, "A B200 has a TDP of 2,700 W.", ["2,700 W"]),
    # --- B200 vs H100 FLOP/s per watt (1.59x, rel:25%) ---
    (BINDING, "The B200 gives about 1.6x the FLOPs per watt of an H100.", []),
    (BINDING, "A GB200 at 1,200 W is only about 1.5x better in FLOPs per watt than an H100.", []),
    (BINDING, "B200 is 2.3x the FLOPs of an H100 per chip but only 1.6x per watt.", []),
    # Another precision's ratio is not the BF16 one (independent review).
    (BINDING, "Per watt, FP4 on a B200 is about 3.2x FP8 on an H100.", []),
    # FP4 over FP8 per watt is a figure of its own (3.18x), with its own slip (sparse FP4).
    (BINDING, "Per watt, FP4 on a B200 is about 6.4x FP8 on an H100.", ["6.4x"]),
    # The slip: the per-chip speed-up (2.25 PF / 989 TF) taken for the per-watt gain.
    (BINDING, "The B200 gives about 2.3x the FLOPs per watt of an H100.", ["2.3x"]),
    # --- cluster_health_30_days: an NDR NIC (47 GB/s, rel:20%) ---
    (HEALTH, "Each NDR NIC should carry 46-48 GB/s in nccl-tests.", []),
    (HEALTH, "At scale an NDR NIC should still carry about 40 GB/s of busbw.", []),
    (HEALTH, "At 400 Gb/s line rate a NIC is 50 GB/s.", []),
    (HEALTH, "An H100 node with 8 NDR NICs should show about 370 GB/s of busbw.", []),
    (HEALTH, "Each NDR NIC should deliver 400 GB/s of bus bandwidth.", ["400 GB/s"]),
    # "400 GB/s" names the 400 Gb/s part itself (cues match without case): caught unnamed.
    (HEALTH, "Each NIC should carry 400 GB/s.", ["400 GB/s"]),
    (HEALTH, "An NDR NIC should show about 100 GB/s, both directions added.", ["100 GB/s"]),
    # A degraded node's reading is the candidate's own, not the NIC's rate: not judged.
    (HEALTH, "A node whose NDR NICs show 30 GB/s in nccl-tests gets drained.", []),
    (HEALTH, "Any NDR NIC below 35 GB/s busbw should be drained.", []),
    (HEALTH, "An NDR NIC should be about 400 GB/s.", ["400 GB/s"]),
    # Another link generation, said beside NDR, is its own figure, not an NDR slip.
    (HEALTH, "An HDR NIC should carry about 23 GB/s.", []),
    (HEALTH, "An XDR NIC at 800 Gb/s should carry 100 GB/s, twice an NDR NIC.", []),
    (HEALTH, "An NDR NIC should carry 50 GB/s, twice an HDR NIC's 25 GB/s.", []),
    (HEALTH, "An HDR NIC should carry 50 GB/s.", ["50 GB/s"]),
    # --- bringup_risk: the same NDR NIC ---
    (BRINGUP, "With one 400 Gb/s NIC per GPU, each link should run at 50 GB/s.", []),
    (BRINGUP, "Each NDR NIC is expected to reach 42 GB/s in the all-reduce test.", []),
    (BRINGUP, "A marginal NDR link retrains and runs at 25 GB/s.", []),
    (BRINGUP, "Each NDR link is 400 GB/s, so 16,384 of them.", ["400 GB/s"]),
    (BRINGUP, "Each NDR NIC should run at about 25 GB/s per direction.", ["25 GB/s"]),
])
def test_recruiter_figures(item_id: str, text: str, wrong: list[str]) -> None:
    assert _wrong(item_id, text) == wrong


@pytest.mark.parametrize("item_id", [BINDING, HEALTH, BRINGUP])
def test_model_answer_states_no_wrong_number(item_id: str) -> None:
    """The question's own model answer passes its figures."""
    item = open_question(item_id)
    assert _wrong(item_id, item.model_answer) == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(("item_id", "text"), [
    (HEALTH, "Each NIC should carry 400 Gb/s, about 47 GB/s in practice, so I run nccl-tests."),
    (SPARSE, "A 400 Gb/s NIC gives 400 Gb/s, which is 50 GB/s per GPU."),
])
def test_a_right_line_rate_in_bits_is_no_misconception(item_id: str, text: str) -> None:
    """Phrasings are matched without case, so a misconception written "400 gb/s per nic" also
    heard the right "400 Gb/s per NIC": the bytes slip is left to the NIC figure's unit."""
    from grading.rubric import score_open

    item = open_question(item_id)
    result = score_open(text, item.key_points, item.red_flags,  # type: ignore[attr-defined]
                        figures=item.figures)  # type: ignore[attr-defined]
    assert result.contradictions == () and result.wrong_numbers == ()
