"""Term lists dressed as sentences (issue #15): a hollow frame — talking about a topic ("we
would look at"), rating its importance ("is key", "plays a role"), a bare passive ("is run"),
a vague effect ("drives the result") — makes no claim, so the key point it names is not heard.
A frame followed by content ("matters because the score matrix never leaves SRAM") still is."""

from __future__ import annotations

import pytest

from content.loader import KeyPoint
from grading._prose import sentences
from grading.rubric import score_open


def _claim(text: str) -> bool:
    (sentence,) = sentences(text)
    return sentence.claim


@pytest.mark.parametrize("text", [
    "Tiling is key.",
    "Online softmax is really important here.",
    "The bubble is one of the main factors.",
    "Recompute is a big consideration too.",
    "We would look at tiling, SRAM and recompute.",
    "I'd consider stragglers, jitter and the ring.",
    "Consider the bubble, the microbatches and the stages.",
    "NCCL is run.",
    "Goodput is tracked closely.",
    "Stragglers matter here.",
    "Checkpointing plays a big role.",
    "Tail latency affects performance.",
    "Tiling matters because it drives the result.",
    # A list joined with "and" holds no claim even when one of its nouns is also a verb form.
    "Wall time and goodput and restarts and hot spares.",
    # A noun that is also a verb, before its figure, is a list item: "batch 64", "TP 8".
    "800k output tokens per second, 5,300 tokens/s per replica, TP 8, batch 64, 150 replicas.",
    # Plural nouns between two words ("utility queues lead", "lead times in") are no verbs
    # inside a comma list.
    "Substations, grid interconnects, utility queues, lead times in years.",
    # Found by the term-list probes on the tune questions (2026-12-05, fourth session).
    "Continuous batching is a really important technique.",
    "The block table is a key concept, and virtual memory is worth thinking about here.",
    "Throughput per GPU and weight amortisation are things we'd consider.",
    "Latency at high batch is something to keep in mind.",
    "Retention policy factors in.",
    "Preemption and swapping to host memory come into it.",
    "Scaling efficiency is the number I'd want them to remember.",
    "Measurement before action is a principle I believe in.",
    "Slurm and Kubernetes are relevant options.",
    "It's 405B and 15.6T tokens and 16k H100s and 6ND and 989 TFLOP/s and MFU.",
    "There was the 2,048-GPU cluster and the 10-week commitment and the 14-week delivery.",
    "It was the tokenizer mismatch and the ablation sweep and the 1,024 GPUs and the 74,000 "
    "GPU-hours and the three-day delay.",
    # Found by the round-3 term-list probes ("buzzword prose") on the tune questions
    # (2026-12-05, sixth session).
    "The 8% all-reduce improvement is definitely something to look at.",
    "Exposed communication is an important part of the picture.",
    "Correlated failure is a key risk area, and hangs are something we'd want to keep an eye on.",
    "Benchmarks, soak testing, workload canaries and loss-curve checks all play a role.",
    "Progressive waves and automatic rollback are essential elements of any good rollout.",
    "Statistics mattered: sample size, confidence bounds and crash rates were all things we "
    "looked at.",
    "De-risking is critical: load testing, prefix caching and admission control should all be "
    "looked at.",
    "Goodput is a key metric, as are the interruption rate and its root-cause mix.",
    "The blast radius was an important consideration, and so was the cost of delay.",
    "Engineering cost and operational risk deserve serious consideration.",
    "Availability and network topology also belong in the discussion.",
    "Bringing these together gives a solid capacity number.",
    "Sizing a launch like this is really about understanding the workload.",
    "GPU-equivalents and dollars are the lens to keep in mind.",
    "Activation memory matters a lot here.",
    "~21 MW of IT load.",
    # Round-4 term-list probes (plans, restatements; sixth session).
    "Step two: get the number of interruptions over the run.",
    "Fifth, compare it with goodput as another lever.",
    "The mechanism involves a draft model, a target model, drafted tokens and verification.",
    "So the areas involved are prefill and decode, tokens per second and headroom.",
    "On the impact side it means MTBF, restarts and the share of wall time lost.",
    "To answer it properly you'd go through the tokens, the compute and the goodput.",
    "There's goodput, so failures and checkpoints.",
    "There's the compute formula, 6ND.",
    # Name-dropping (round-4 term-list probes, eighth session): where a term is written down,
    # not what it says.
    "2:4 structured sparsity is in the NVIDIA Ampere and Hopper whitepapers.",
    "The 6N-per-token rule comes from the Kaplan scaling-laws paper.",
    "The formula sbh(34 + 5as/h) is the one everyone cites.",
    "6ND and 8ND are the figures that come up, as do MFU and HFU, which the PaLM paper defined.",
    "nvidia-smi utilisation is something else people bring up.",
    "FlashAttention is also relevant to this discussion.",
    "The JEDEC specs are the reference for the pin rates.",
    "Chen et al.'s gradient checkpointing paper is the original on recomputation.",
    "The Chinchilla paper and 6ND were central to how I framed it.",
    "Selective recompute was introduced in the Megatron-LM paper.",
    "MFU shows up again in the Megatron-LM paper and the Llama 3 paper.",
])
def test_a_hollow_frame_makes_no_claim(text: str) -> None:
    assert not _claim(text)


@pytest.mark.parametrize("text", [
    "Decode is memory-bound.",
    "Tiling matters because the score matrix never leaves SRAM.",
    "We consider the bubble fraction, which shrinks as microbatches grow.",
    "I would look at per-rank step times to find the slow node.",
    "Async checkpointing is used to hide the save.",
    "FlashAttention is critical for long context because it avoids writing the score matrix.",
    "The bubble is the key factor: (p-1)/m = 3/32.",
    "Goodput is tracked per job and falls to 85% when restarts take an hour.",
    "We batch 64 requests per replica.",
    "We need to batch 64 requests.",
    "The bubble and the exposed all-reduce both shrink as microbatches grow.",
    "FP8 is the technique we used to double throughput.",
    "The KV cache is the number that decides the batch.",
    "It is a good option because it halves the memory.",
    "It's 17.5 GB per GPU.",
    "It was the tokenizer mismatch that cost 74,000 GPU-hours.",
    # A cause strung on two "and"s is a claim; four pieces on three are the list above.
    "It was a flaky optic and a 30-minute watchdog and no per-port counters.",
    "It was 40 minutes to detect and 2 hours to restart and 9 hours of lost work.",
    "It was memory-bound and latency-bound and never compute-bound.",
    "Selective recompute was introduced by Korthikanti et al. and cuts activation memory 5x.",
    "There are 8 GPUs per node, 4 NICs and 2 CPUs.",
    "MFU > 40% on this job.",
    "Use the tree for <1 MB messages and the ring above.",
    # Near the round-3 frames: "about" a figure, a real predicate repeated with "so is", "it's"
    # with its apostrophe, "IT" the pronoun.
    "The bubble is about 5% at m = 64.",
    "It's about three hours between failures at this scale.",
    "The ring is bandwidth-optimal, and so is the tree at this size.",
    "Goodput is a key metric, and it's the rate that falls first.",
    "IT load is 41 MW and it loads the grid evenly.",
    "Fabric health matters because one bad link slows every all-reduce.",
    # A plan step with its result, and presentatives that state a counted fact.
    "First, compute the job MTBF: 50,000 / 2,048 ≈ 24 h.",
    "Step two: get the interruptions, 720 h / 24 h = 30.",
    "There are tens of thousands of cables and optical transceivers.",
    "There is a 10% chance of a failure-free run.",
    "That means the bubble is 8.6% of the step.",
    # Near the name-dropping frames: a source with its figure, a cause that names no document.
    "The speedup comes from fewer HBM bytes, not fewer FLOPs.",
    "Most of the saving comes from the smaller KV cache.",
    "PaLM reported 46% MFU on 6,144 TPU v4 chips.",
    "The Llama 3 paper reports 419 interruptions in 54 days.",
    "The bubble formula (p-1)/m is in the GPipe paper, and with m = 4p it is 25%.",
    "Selective recompute is described in Korthikanti et al.: it keeps the cheap activations "
    "and recomputes the attention scores.",
    "The waste is in the pipeline bubble, which is 3/19 of the step.",
    "Half the gap is from exposed all-reduce time, measured in the profiler.",
    # Found by the eighth session's review: a figure, or a place that is no document.
    "The MTBF came from the vendor's reliability report, 50k hours per GPU.",
    "MFU comes from the PaLM paper: 46% on 6,144 chips.",
    "The 20 tokens per parameter figure comes from the Chinchilla paper.",
    "The fix was in the NCCL work, a 2x busbw gain.",
    "The extra hour comes from the checkpoint work, not the restart.",
    "Prefill throughput is on the dashboard slides, about 40k tokens/s per node.",
    "Our 38% MFU is in the quarterly report, which the CFO reads.",
    "Stragglers are the main source of jitter at 128 GPUs.",
    "HBM bandwidth is the key spec for decode.",
    "The H100 is the standard example of a memory-bound decode target.",
])
def test_a_frame_with_something_said_after_it_is_still_a_claim(text: str) -> None:
    assert _claim(text)


TILING = KeyPoint("tiling keeps the score matrix in SRAM", ("tiling & sram", "tiling"), 1.0)
SOFTMAX = KeyPoint("online softmax rescales as blocks arrive", ("online softmax",), 1.0)
RECOMPUTE = KeyPoint("recompute instead of storing the matrix", ("recompute*",), 1.0)


def test_a_list_dressed_as_sentences_earns_no_point_that_prose_does() -> None:
    points = [TILING, SOFTMAX, RECOMPUTE]
    dressed = ("Tiling is key. SRAM is important. Online softmax matters here. "
               "Recomputation plays a big role. We would look at tiling, SRAM and recompute.")
    prose = ("Tiling keeps each block of the score matrix in SRAM, so it is never written to "
             "HBM. Online softmax rescales the running sum as each block arrives. The "
             "backward pass recomputes the blocks instead of reading a stored matrix.")
    dressed_result = score_open(dressed, points, process_flags=())
    prose_result = score_open(prose, points, process_flags=())
    assert [point.covered for point in dressed_result.key_points] == [False, False, False]
    assert dressed_result.auto_score <= 0.35
    assert [point.covered for point in prose_result.key_points] == [True, True, True]
    assert prose_result.auto_score > dressed_result.auto_score
    # The verdict says where each point was named without a claim, so the player sees why.
    # (the first phrasing said in full: "tiling & sram" before "tiling").
    assert [point.named_in for point in dressed_result.key_points] == [
        "We would look at tiling, SRAM and recompute.", "Online softmax matters here.",
        "We would look at tiling, SRAM and recompute."]
    assert [point.named_in for point in prose_result.key_points] == [None, None, None]


def test_a_point_never_named_or_contradicted_has_no_named_sentence() -> None:
    result = score_open("Tiling is key. Online softmax is an approximation, so it is not "
                        "exact.", [TILING, RECOMPUTE,
                                   KeyPoint("online softmax is exact", ("online softmax",),
                                            1.0, misconceptions=("online softmax is an "
                                                                 "approximation",))],
                        process_flags=())
    assert [point.named_in for point in result.key_points] == ["Tiling is key.", None, None]
    assert [point.contradicted for point in result.key_points] == [False, False, True]


# A formula with nothing plugged in names a model without saying what it gives here (found by
# the formula-dump term-list probes on the tune questions, 2026-12-05, sixth session).
@pytest.mark.parametrize("text", [
    "P(no failure) = exp(−N·T/MTBF).",
    "Cost per failure = R + τ/2.",
    "τ = √(2δM).",
    "t(B) = W/BW + B·KV/BW.",
    "Per-user tokens/s = 1 / t(B).",
    "Bubble ≈ (p − 1)/m.",
])
def test_a_bare_formula_makes_no_claim(text: str) -> None:
    assert not _claim(text)


@pytest.mark.parametrize("text", [
    # Figures plugged in: a worked step, or a figure with its unit on one side.
    "M_job = 50,000 h / 2,048.",
    "Bubble = 3/64 ≈ 4.7%.",
    "P(no failure) = exp(−29.5), effectively zero.",
    "KV ≈ 0.17 GB per GPU per request.",
    # Reasoning from the formula, or a word verb beside it.
    "Decode GEMM: 2·B FLOPs per 2-byte weight, so intensity ≈ B.",
    "The bubble fraction is (p − 1)/m, so more micro-batches shrink it.",
    # An arrow maps and a comparison compares: neither is a formula.
    "Preemptible queue with checkpoint on SIGTERM → (b), (c).",
    "Prefill intensity > decode intensity.",
])
def test_a_formula_with_figures_or_reasoning_is_still_a_claim(text: str) -> None:
    assert _claim(text)
