"""The figures of the technical-depth deck (content/decks/open_technical_depth.toml) catch the
classic slip for each number a question determines, and spare a strong answer that says the
same quantity in other words or at the far edge of a reasonable assumption (FP32 gradients,
FP8 dispatch, 10 % for 9.1 %).

Each row is (question, sentence, the numbers that must be named wrong). A right row lists no
numbers; a slip row lists the slip. Rows that must stay silent because a cue sits beside some
other quantity (a formula's "6 ×", hybrid sharding's 14 GB, the ring's 250× against its own
bandwidth time) pin the cues' reach.
"""

from __future__ import annotations

import pytest

from tests.grading.figure_cases import open_question, wrong_typed

ZERO = "open.depth.zero_stages_comm"
MOE = "open.depth.moe_all_to_all"
RECOMPUTE = "open.depth.selective_recompute"
FLASH = "open.depth.flash_attention"
RING = "open.depth.ring_vs_tree"
STRAGGLER = "open.depth.straggler_diagnosis"
LONG = "open.depth.long_context_training"


_item = open_question
_wrong = wrong_typed


CASES = [
    # ZeRO, 7B on 64 GPUs. Plain DP: 16 B/param = 112 GB (18 B with FP32 grads = 126 GB).
    (ZERO, "Plain DP needs about 126 GB per GPU with FP32 gradients.", []),
    (ZERO, "Plain DP needs only 28 GB per GPU for 7B, so it fits.", ["28 GB"]),
    # Adam state for 7B: 12 B/param = 84 GB (56 GB counting only m and v); 28 GB is 4 B/param.
    (ZERO, "Without ZeRO, the optimizer state alone is 84 GB per GPU.", []),
    (ZERO, "Counting only the FP32 moments, the optimizer state is 56 GB.", []),
    (ZERO, "ZeRO-1 shards the optimizer state: 29 GB per GPU.", []),
    (ZERO, "The Adam state for 7B is only 28 GB, so sharding it barely matters.", ["28 GB"]),
    # ZeRO-1: 28 + 12 x 7/64 = 29.3 GB (43 GB with FP32 gradients).
    (ZERO, "ZeRO-1 (shard optimizer state over N = 64): 2Ψ + 2Ψ + 12Ψ/64 = 14 + 14 + 1.3 ≈ "
           "29 GB.", []),
    (ZERO, "With ZeRO-1 and FP32 gradients each GPU holds about 43 GB.", []),
    (ZERO, "With ZeRO-1, each GPU keeps the 14 GB of BF16 weights and 14 GB of gradients. The "
           "optimizer shard is only 1.3 GB.", []),
    (ZERO, "ZeRO-1 still needs 112 GB per GPU.", ["112 GB"]),
    # ZeRO-2: 14 + 14 x 7/64 = 15.5 GB; the ZeRO-1 total said for it is a slip.
    (ZERO, "ZeRO-2 also shards the gradients, about 15.75 GB per GPU with FP32 gradients.", []),
    (ZERO, "ZeRO-2 needs about 29 GB per GPU.", ["29 GB"]),
    # ZeRO-3 over 64: 16 x 7/64 = 1.75 GB; only weights and gradients sharded is 0.44 GB.
    (ZERO, "ZeRO-3 across all 64 GPUs leaves about 3 GB per GPU including prefetch "
           "buffers.", []),
    (ZERO, "ZeRO-3 shards everything 64 ways, so only 0.44 GB per GPU.", ["0.44 GB"]),
    (ZERO, "Hybrid sharding runs ZeRO-3 inside each 8-GPU node, which leaves 14 GB per GPU.", []),
    (ZERO, "For a 70B model, ZeRO-3 over 64 GPUs gives 17.5 GB per GPU.", []),
    (ZERO, "For a 70B model, ZeRO-3 over 64 GPUs gives 8.75 GB per GPU.", ["8.75 GB"]),
    # A 70B aside is ten times the 7B figures: not a slip of them.
    (ZERO, "For 70B, plain DP would need 1.12 TB per GPU.", []),
    (ZERO, "ZeRO-1 for 70B still needs about 293 GB per GPU.", []),
    (ZERO, "At 70B the BF16 weights alone are 140 GB, so ZeRO-3 is the only option.", []),
    # Bytes through the collectives: 14 GB a pass, ~28 GB all-reduce, ~42 GB ZeRO-3.
    (ZERO, "ZeRO-3 all-gathers the 14 GB of parameters twice and reduce-scatters 14 GB of "
           "gradients.", []),
    (ZERO, "DP's all-reduce sends and receives about 56 GB per GPU per step.", []),
    (ZERO, "Each step the all-reduce moves 112 GB per GPU.", ["112 GB"]),
    # ZeRO-3 traffic: 3 x 2Ψ against DP's 2 x 2Ψ = 1.5x.
    (ZERO, "ZeRO-3 cuts memory 8.9× versus ZeRO-2 but costs 1.5× the communication.", []),
    (ZERO, "FSDP moves about 1.5x the bytes of plain DP per step.", []),
    (ZERO, "ZeRO-3 costs 3× the communication of plain DP.", ["3×"]),
    (ZERO, "FSDP doubles the traffic: 2x the bytes of DP.", ["2x"]),
    # MoE dispatch, DeepSeek-V3-like: 7,168 x 2 B x 8 = 115 kB a token; 57 kB in FP8.
    (MOE, "For DeepSeek-V3, dispatch in FP8 is about 57 kB per token per layer.", []),
    (MOE, "With 7,168 hidden and top-8, dispatch plus combine is 230 kB per token.", []),
    (MOE, "For DeepSeek-V3 the dispatch is 7,168 × 2 bytes ≈ 14 kB per token.", ["14 kB"]),
    # A 400 Gb/s NDR NIC is 50 GB/s.
    (MOE, "Each InfiniBand NIC delivers about 46 GB/s in practice.", []),
    (MOE, "Each InfiniBand NIC gives 400 GB/s, so cross-node is fine.", ["400 GB/s"]),
    (MOE, "A node has 8 IB NICs, 400 GB/s of egress against 3.6 TB/s of NVLink.", []),
    # Full recompute: one more forward pass, 8ND/6ND = +33% (20-45% passes); 50% is
    # forward = backward.
    (RECOMPUTE, "Full recompute reruns the forward pass: about 40% more compute in practice.",
     []),
    (RECOMPUTE, "Full recompute cuts activation memory by 90% but costs about 25% more compute "
                "as a share of the step.", []),
    (RECOMPUTE, "With communication exposed, full recompute ends up about 20% slower.", []),
    (RECOMPUTE, "Full recompute costs 50% more compute.", ["50%"]),
    # Selective recompute: about s/(6h) more FLOPs, 1.6% (530B) to 14% (s = h).
    (RECOMPUTE, "Selective recompute has only about 1.6% overhead.", []),
    (RECOMPUTE, "At s = h = 8,192, selective recompute's overhead is about 14%.", []),
    (RECOMPUTE, "Selective recompute costs 20% more compute.", ["20%"]),
    # Score matrix at 8k: 8,192² x 2 B = 134 MB a head; in bits, 17 MB is the slip.
    (FLASH, "At 8k context the FP32 scores are about 268 MB per head.", []),
    (FLASH, "At 8k context the score matrix is about 17 MB per head.", ["17 MB"]),
    # SRAM per SM: 192 KB on A100, 228-256 KB on H100.
    (FLASH, "Hopper has 228 KB of shared memory per SM.", []),
    (FLASH, "Each SM has about 1 MB of SRAM.", ["1 MB"]),
    # Ring vs tree latency at 1,024 GPUs: 2,046 steps against 20, ~100x (~200x vs log2 p).
    (RING, "The ring's latency is about 200× the tree's at 1,024 GPUs.", []),
    (RING, "At 1,024 GPUs ring latency is roughly 100x that of a tree.", []),
    (RING, "So for a 1 MB message the ring is ~250× worse than its own bandwidth time — "
           "latency-dominated — and the tree wins.", []),
    (RING, "At 1,024 GPUs the ring has 1,000× more latency than the tree.", ["1,000×"]),
    # Straggler: step +10% is throughput -9.1% (91% left), 1,489 GPUs of 16,384, 35.7k
    # GPU-hours a day.
    (STRAGGLER, "Step time up 10% is a 10% throughput loss, 9.1% exactly.", []),
    (STRAGGLER, "Step time up 10% means throughput falls to 1/1.1 = 91% of baseline.", []),
    (STRAGGLER, "Step time up 10% is a 20% throughput loss.", ["20%"]),
    (STRAGGLER, "Step time up 10% leaves throughput at only 80% of what it was.", ["80%"]),
    (STRAGGLER, "Throughput varied about 2% by time of day in Llama 3, so check whether the step "
                "time tracks temperature.", []),
    (STRAGGLER, "That is about 1,600 GPUs' worth of work.", []),
    (STRAGGLER, "That is about 160 GPUs' worth of work.", ["160 GPUs"]),
    (STRAGGLER, "The drift costs about 39k GPU-hours per day.", []),
    (STRAGGLER, "The drift costs about 3,900 GPU-hours per day.", ["3,900 GPU-hours"]),
    # Long context, 8k to 128k: linear quantities grow 16x.
    (LONG, "From 8k to 128k, activation memory per sequence is 16x larger.", []),
    (LONG, "At 128k with a fixed 16M-token batch, sequences per step are 16× fewer.", []),
    (LONG, "Going from 8k to 128k, attention FLOPs per token are 8× higher.", ["8×"]),
    (LONG, "Compute: matmul FLOPs per token are fixed (6 × parameters in training), but "
           "attention FLOPs per token grow with T.", []),
    (LONG, "At 128k, attention is 2× the rest of the model, and per token training costs "
           "~2.7× what it costs at 8k.", []),
    # Correct sentences an independent review found named (each its own row).
    (LONG, "At 128k, attention per token costs about 2x the matmul FLOPs for a model with "
           "D = 8,192.", []),
    (LONG, "At 128k, per-token attention makes each token cost about 2.7x what it did at 8k.",
     []),
    (ZERO, "ZeRO-3 communication is 3 × 14 GB = 42 GB per GPU per step.", []),
    (ZERO, "ZeRO-3 communication is 3 x 14 GB = 42 GB per GPU per step.", []),
    (STRAGGLER, "Llama 3 saw a diurnal 1-2% throughput variation, so a 10% drift is far beyond "
                "that noise.", []),
    (STRAGGLER, "The loss is more than a whole 1,024-GPU cluster's worth of compute.", []),
    (STRAGGLER, "A 5% slowdown would already be about 780 GPUs' worth.", []),
    (STRAGGLER, "Since the drift began a week ago it has cost about 250,000 GPU-hours, at "
                "roughly 36k a day.", []),
    (ZERO, "With plain DP, a 7B model doesn't fit on an 80 GB GPU.", []),
    (ZERO, "With hybrid sharding inside an 8-GPU node, the optimizer state is 10.5 GB per "
           "GPU.", []),
    (ZERO, "A 70B model sharded over 64 GPUs has 2.2 GB of BF16 weights per GPU.", []),
    (MOE, "Bidirectionally the NIC carries 100 GB/s.", []),
    (RECOMPUTE, "With full recompute the backward pass does 50% more work, because it reruns "
                "the forward.", []),
    (RECOMPUTE, "Selective recompute keeps only about 20% of activation memory with little "
                "extra compute.", []),
    (RING, "With a hierarchical ring over 128 nodes, the ring needs 254 latency steps, about 18x "
           "more than the tree's 14.", []),
    # The narrowed cues still name the slips they were written for.
    (LONG, "From 8k to 128k, attention per token is 8x larger.", ["8x"]),
    (ZERO, "ZeRO-3 communication is 3x that of plain DP.", ["3x"]),
    (ZERO, "ZeRO-3 communication is 3 × 14 GB = 42 GB per GPU, against 2 × 14 GB = 28 GB for "
           "plain DP.", []),
    (STRAGGLER, "At 16,384 GPUs, that is about 150 GPU-equivalents lost.", ["150 GPU"]),
    (STRAGGLER, "The drift costs about 3,900 GPU-hours a day.", ["3,900 GPU-hours"]),
    (ZERO, "At 16 bytes per parameter, 7B is 28 GB.", ["28 GB"]),
    (ZERO, "Without ZeRO, the optimizer state is 8.4 GB per GPU.", ["8.4 GB"]),
    (ZERO, "A 70B model under FSDP over 64 GPUs holds 8.75 GB per GPU.", ["8.75 GB"]),
    (RING, "At 1,024 GPUs the ring's latency is 18x the tree's.", ["18x"]),
    # Both directions of an NDR NIC, and the backward pass under full recompute, have figures
    # of their own: right when said, a slip when wrong.
    (MOE, "Each NDR NIC carries 50 GB/s per direction, 100 GB/s bidirectional.", []),
    (MOE, "Bidirectionally the NIC carries 800 GB/s.", ["800 GB/s"]),
    (RECOMPUTE, "With full recompute the backward pass does 100% more work.", ["100%"]),
]


@pytest.mark.parametrize(("question", "answer", "wrong"), CASES)
def test_a_depth_figure_names_the_slip_and_spares_the_strong_answer(
        question: str, answer: str, wrong: list[str]) -> None:
    assert _wrong(question, answer) == wrong


FIGURES = {
    ZERO: 9, MOE: 3, RECOMPUTE: 3, FLASH: 2, RING: 1, STRAGGLER: 4, LONG: 1,
}


@pytest.mark.parametrize(("question", "count"), sorted(FIGURES.items()))
def test_each_determined_number_carries_a_figure(question: str, count: int) -> None:
    """The questions whose givens determine numbers keep their figures (a deck edit that
    drops one fails here, not silently in the scorer)."""
    item = _item(question)
    figures = [f for point in item.key_points for f in point.figures]
    assert len(figures) == count


@pytest.mark.parametrize("question", [
    "open.depth.silent_data_corruption", "open.depth.speculative_decoding",
    "open.depth.loss_spike_debug", "open.depth.paged_kv_cache",
])
def test_questions_whose_numbers_are_the_candidates_carry_none(question: str) -> None:
    """Defect rates, acceptance rates, cluster size and request lengths are the candidate's
    to assume: no figure judges them."""
    item = _item(question)
    assert [f for point in item.key_points for f in point.figures] == []


def test_figure_names_carry_no_tolerance_notes() -> None:
    """A figure's name is shown to players beside a wrong number: notes on how its tolerance
    was chosen belong in the question's source line, not there."""
    for question in FIGURES:
        for point in _item(question).key_points:
            for figure in point.figures:
                assert "log:" not in figure.name and "rel:" not in figure.name, figure.name
                assert "spares" not in figure.name and "not slips" not in figure.name, figure.name
