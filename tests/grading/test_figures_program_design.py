"""The figures of the program-design deck's open questions catch the classic slip of each
number the question determines and leave a strong answer's reasonable choices alone.

Each row is a sentence a candidate might say to one question, the figure (by name prefix) it
is about, and the numbers the scorer must name as wrong: none for a strong answer at the far
edge of a reasonable assumption, the typed number for the slip (bits for bytes, 6N for a
forward pass, the all-reduce's gain taken for the job's, vacuum light for fibre …).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.grading.figure_cases import open_question, wrong_numbers

LAUNCH = "open.design.launch_capacity_plan"
GOODPUT = "open.design.goodput_program_16k"
MULTI_DC = "open.design.multi_dc_training"
HALVE = "open.design.halve_inference_cost"
ROLLOUT = "open.design.fleet_software_rollout"
CAPACITY = "open.design.capacity_plan_year"
STORAGE = "open.design.storage_for_training"

# (question, figure name prefix, sentence, the typed numbers that must be named wrong)
CASES: list[tuple[str, str, str, list[str]]] = [
    # Launch: demand from the prompt's givens, prefill at 2N FLOPs per prompt token.
    (LAUNCH, "output tokens per second", "At peak, 2,000 req/s × 400 tokens = 800k output "
     "tokens/s.", []),
    (LAUNCH, "output tokens per second", "At peak, 2,000 req/s × 400 tokens = 80k output "
     "tokens/s.", ["80k"]),
    (LAUNCH, "output tokens per second", "Peak demand is 2,000 req/s, so we generate 3.8M "
     "output tokens/s.", ["3.8M"]),
    (LAUNCH, "output tokens/s", "At 2,000 req/s we must generate 800,000 tokens/s of output "
     "tokens.", []),
    # Headroom over the demand is the candidate's plan, not a slip.
    (LAUNCH, "output tokens per second", "With N+1 across two regions we plan for 1.6M output "
     "tokens/s at peak.", []),
    (LAUNCH, "output tokens/s", "At 2,000 req/s we must generate 80,000 tokens/s of output "
     "tokens.", ["80,000 tokens/s"]),
    (LAUNCH, "prompt tokens per second", "2,000 req/s × 1,500 = 3M prompt tokens/s.", []),
    (LAUNCH, "prompt tokens per second", "2,000 req/s × 1,500 = 300k prompt tokens/s.",
     ["300k"]),
    (LAUNCH, "prompt tokens/s", "At 2,000 req/s we must prefill 3,000,000 tokens/s of "
     "prompt tokens.", []),
    (LAUNCH, "prompt tokens/s", "At 2,000 req/s we must prefill 300,000 tokens/s of "
     "prompt tokens.", ["300,000 tokens/s"]),
    (LAUNCH, "prefill compute", "Prefill at 3M prompt tokens/s × 2 × 70e9 FLOPs is 4.2e17 "
     "FLOP/s.", []),
    (LAUNCH, "prefill compute", "Prefill is 3 million prompt tokens a second at 2N, about "
     "4e17 FLOP/s.", []),
    (LAUNCH, "prefill compute", "Prefill at 3M prompt tokens/s × 6 × 70e9 FLOPs is 1.26e18 "
     "FLOP/s.", ["1.26e18 FLOP/s"]),
    (LAUNCH, "prefill compute", "Prefill: 3M prompt tokens/s × 6 × 70e9 = 1.26e18 FLOPS.",
     ["1.26e18 FLOPS"]),
    (LAUNCH, "prefill compute", "Prefill at 3M prompt tokens/s × 70e9 is 2.1e17 FLOP/s.",
     ["2.1e17 FLOP/s"]),
    (LAUNCH, "prefill compute", "With 30% headroom prefill must sustain 5.5e17 FLOP/s for "
     "3M prompt tokens/s.", []),
    # A strong answer's own prefix-caching assumption is not judged.
    (LAUNCH, "prefill compute", "If 1,000 of the 1,500 tokens are a shared prefix, prefill "
     "drops to 1.4e17 FLOP/s.", []),
    # Goodput: job MTBF at 16k GPUs and the value of 10 points.
    (GOODPUT, "job MTBF", "At 16k GPUs the job MTBF is about 3 hours.", []),
    (GOODPUT, "job MTBF", "With a failure every 2 hours on 16k GPUs, lost work dominates.",
     []),
    (GOODPUT, "job MTBF", "Job MTBF at 16k GPUs is about 30 hours, so failures are rare.",
     ["30 hours"]),
    # MTBF at another GPU count, burn-in's failure rate and the hang interval are other
    # quantities (independent review).
    (GOODPUT, "job MTBF", "Halving the job to 4,096 GPUs would stretch the job MTBF to about 12 "
     "hours, so this is a 16k problem.", []),
    (GOODPUT, "job MTBF", "During the first weeks of a new cluster expect a failure every 60 "
     "minutes, three times the steady rate.", []),
    (GOODPUT, "job MTBF", "NCCL hangs are the other big bucket: roughly a crash every 12 hours "
     "that the watchdog takes 30 minutes to notice.", []),
    # The job MTBF at 8,192 and 4,096 GPUs are figures of their own, with their own slips.
    (GOODPUT, "job MTBF", "At 8,192 GPUs the job MTBF would be about 6 hours.", []),
    (GOODPUT, "job MTBF", "At 4,096 GPUs the job MTBF is about 50 hours.", ["50 hours"]),
    (GOODPUT, "GPU-equivalents", "Ten points at 16k GPUs is about 1,600 GPUs' worth of "
     "capacity.", []),
    (GOODPUT, "GPU-equivalents", "Ten points is worth 1,640 GPU-equivalents out of 16,384 "
     "GPUs.", []),
    (GOODPUT, "GPU-equivalents", "At 85% we would have to buy 16,384 × (95/85 − 1) ≈ 1,930 "
     "GPUs' worth to match it.", []),
    (GOODPUT, "GPU-equivalents", "Ten points at 16k GPUs is about 2,450 GPU-equivalents.",
     ["2,450 GPU"]),
    # Valuing one point, one component or today's whole loss in GPU-equivalents is the key
    # point's own advice, not the 10-point figure (independent review).
    (GOODPUT, "GPU-equivalents", "Each goodput point is worth about 164 GPU-equivalents, "
     "roughly 3 million dollars a year.", []),
    (GOODPUT, "GPU-equivalents", "The lost-work term of 6 points alone is worth 980 "
     "GPU-equivalents, so fund it first.", []),
    (GOODPUT, "GPU-equivalents", "Today's 15-point loss is about 2,458 GPU-equivalents "
     "sitting idle.", []),
    # Two sites 500 km apart: light in fibre, and BF16 gradients of 70B.
    (MULTI_DC, "one-way latency", "Light in fibre covers ~200 km/ms, so 500 km is 2.5 ms "
     "one way.", []),
    (MULTI_DC, "one-way latency", "Over the real fibre route it is closer to 3.2 ms one way.",
     []),
    (MULTI_DC, "one-way latency", "500 km at the speed of light is 1.7 ms one way.",
     ["1.7 ms"]),
    (MULTI_DC, "one-way latency", "500 km is only 0.5 ms one way.", ["0.5 ms"]),
    # The rule of thumb per 1,000 km and another distance are not the 500 km figure
    # (independent review).
    (MULTI_DC, "one-way latency", "Light in fibre takes about 5 ms per 1,000 km.", []),
    (MULTI_DC, "one-way latency", "Even at 2,000 km the sites would be only 10 ms apart one "
     "way.", []),
    (MULTI_DC, "round-trip latency", "The round trip is about 6.5 ms once the route is longer "
     "than the straight line.", []),
    (MULTI_DC, "round-trip latency", "The round trip over 500 km is about 3.3 ms.",
     ["3.3 ms"]),
    (MULTI_DC, "BF16 gradients", "Gradients in BF16 for a 70B model: 140 GB per step.", []),
    (MULTI_DC, "BF16 gradients", "A 70B model has 70 GB of BF16 gradients per step.",
     ["70 GB"]),
    # Half the gradients, each site's share, is not the whole (independent review).
    (MULTI_DC, "BF16 gradients", "For the 70B, with DP split across the two sites, each site "
     "sends half the BF16 gradients, 70 GB, each way per step.", []),
    (MULTI_DC, "BF16 gradients", "Each site sends half the BF16 gradients of the 70B, 35 GB.",
     ["35 GB"]),
    # Fleet rollout: 8% faster all-reduce is 8% × the exposed-communication fraction.
    (ROLLOUT, "job throughput gain", "8% faster all-reduce is not 8% faster training: a job "
     "with 15% exposed communication gains about 1.2% end to end.", []),
    (ROLLOUT, "job throughput gain", "An 8% faster all-reduce is not 8% faster training.",
     []),
    (ROLLOUT, "job throughput gain", "A job that overlaps its communication fully gains 0% "
     "end to end.", []),
    (ROLLOUT, "job throughput gain", "The driver makes all-reduce 8% faster, which means 8% "
     "faster training across the fleet.", ["8%"]),
    # A busbw gate "end to end" (across the collective) is not the job's gain (independent
    # review).
    (ROLLOUT, "job throughput gain", "Gate 1: nccl-tests busbw must show the promised 8% end "
     "to end at 512 and 4,096 GPUs.", []),
    (ROLLOUT, "job throughput gain", "With the new driver every training job gets 8% end to "
     "end.", ["8%"]),
    # Halve the cost: H200's bandwidth over H100's.
    (HALVE, "H200/H100 HBM bandwidth ratio", "H200 has 4.8 TB/s vs 3.35, about 1.4x the "
     "bandwidth.", []),
    (HALVE, "H200/H100 HBM bandwidth ratio", "H200 has 1.76× the bandwidth of an H100.",
     ["1.76×"]),
    (HALVE, "H200/H100 HBM bandwidth ratio", "H200 doubles it: 2x the bandwidth of H100.",
     ["2x"]),
    # B200's ratio, and a replica's realised gain, are other quantities (independent review).
    (HALVE, "H200/H100 HBM bandwidth ratio", "B200 has 8 TB/s, 2.4x the bandwidth of an H100, "
     "while H200 sits between them.", []),
    (HALVE, "H200/H100 HBM bandwidth ratio", "H200's 4.8 TB/s bandwidth lets a replica serve "
     "about 1.7x the tokens of an H100 replica, because its 141 GB also fits a bigger batch.",
     []),
    (HALVE, "B200/H100 HBM bandwidth ratio", "B200 has 2.4x the bandwidth of an H100.", []),
    (HALVE, "B200/H100 HBM bandwidth ratio", "B200 has 4x the bandwidth of an H100.", ["4x"]),
    # A realised gain in an answer that names only the H200 is another quantity (found on a
    # tune strong answer): the ratio is judged where the sentence names both GPUs.
    (HALVE, "H200/H100 HBM bandwidth ratio", "Moving decode to H200 helps. Big for latency, "
     "but at large batch decode is less bandwidth-bound, so I'd bank about 1.15x "
     "throughput.", []),
    # Capacity plan: GPU-hours of a 4e25-FLOP run on H100.
    (CAPACITY, "H100 GPU-hours", "4e25 FLOPs on H100 at 35% MFU and 85% goodput comes to "
     "38M GPU-hours.", []),
    (CAPACITY, "H100 GPU-hours", "4e25 FLOPs on H100 at 50% MFU with no goodput loss is "
     "22.5M GPU-hours.", []),
    (CAPACITY, "H100 GPU-hours", "For 4 × 10^25 FLOPs on H100s we need about 11 million "
     "GPU-hours.", ["11 million GPU-hours"]),
    # Another accelerator is the candidate's choice: not judged.
    (CAPACITY, "H100 GPU-hours", "4e25 FLOPs on B200 at 40% MFU is about 12M GPU-hours.", []),
    # An FP8 plan is the candidate's choice, not the BF16 figure (independent review).
    (CAPACITY, "H100 GPU-hours", "In FP8 on H100s the 4e25 run needs only about 18M "
     "GPU-hours.", []),
    (CAPACITY, "H100 GPU-hours", "In FP8 on H100s the 4e25 run needs about 5M GPU-hours.",
     ["5M GPU-hours"]),
    # Storage: the 405B checkpoint, its BF16 weights, and the tokens/s the data feeds.
    (STORAGE, "405B checkpoint", "At 16 bytes per parameter the 405B checkpoint is 6.5 TB.",
     []),
    (STORAGE, "405B checkpoint", "The 405B checkpoint is about 810 GB.", ["810 GB"]),
    (STORAGE, "405B checkpoint", "A checkpoint of the 405B model is 3.2 TB, at 8 bytes per "
     "parameter.", ["3.2 TB"]),
    # Retention (several checkpoints) and the 10 B/param convention are not slips
    # (independent review).
    (STORAGE, "405B checkpoint", "Retaining 5 checkpoints of the 405B needs about 28 TB.", []),
    (STORAGE, "405B checkpoint", "With the scaling book's 10 bytes per parameter, the 405B "
     "checkpoint is about 4 TB.", []),
    (STORAGE, "405B weights alone", "405B weights alone in BF16 are 810 GB; the full "
     "checkpoint is 5.7 TB.", []),
    (STORAGE, "405B weights alone", "405B BF16 weights are 405 GB.", ["405 GB"]),
    # FP8 weights are another quantity (independent review).
    (STORAGE, "405B weights alone", "An inference copy of just the weights of 405B in FP8 is "
     "405 GB.", []),
    (STORAGE, "training tokens/s", "For 405B on 16,384 H100s at 35% MFU, throughput is about "
     "2,300,000 tokens/s.", []),
    (STORAGE, "training tokens/s", "405B on 16,384 H100s at 40% MFU: throughput is 6.5e18 / "
     "(2 × 405e9) = 8M tokens/s.", ["8M tokens/s"]),
    (STORAGE, "training tokens per second", "For 405B on 16,384 H100s at 50% MFU, "
     "throughput is about 3.3M training tokens/s.", []),
    (STORAGE, "training tokens per second", "For 405B on 16,384 H100s, throughput is about "
     "8M training tokens/s.", ["8M"]),
]


def _figures(question: Any) -> list[Any]:
    """Every figure the question knows: its own and its key points'."""
    return [*question.figures, *(f for point in question.key_points for f in point.figures)]


def _wrong(question_id: str, text: str) -> list[Any]:
    return list(wrong_numbers(question_id, text))


@pytest.mark.parametrize(("question_id", "figure", "text", "wrong"), CASES,
                         ids=[f"{q.rsplit('.', 1)[1]}-{i}" for i, (q, *_r) in enumerate(CASES)])
def test_a_figure_names_the_slip_and_spares_a_reasonable_value(
        question_id: str, figure: str, text: str, wrong: list[str]) -> None:
    found = _wrong(question_id, text)
    assert [number.typed for number in found] == wrong
    assert all(number.name.startswith(figure) for number in found)


@pytest.mark.parametrize("question_id", sorted({case[0] for case in CASES}))
def test_every_figure_has_a_right_and_a_wrong_case(question_id: str) -> None:
    """Each figure of these questions is tried with a sentence it must spare and one whose
    number it must name."""
    names = [figure.name for figure in _figures(open_question(question_id))]
    assert names
    for name in names:
        rows = [case for case in CASES if case[0] == question_id and name.startswith(case[1])]
        assert any(not case[3] for case in rows), f"no right-value case for {name!r}"
        assert any(case[3] for case in rows), f"no wrong-value case for {name!r}"


@pytest.mark.parametrize("question_id", sorted({case[0] for case in CASES}))
def test_the_model_answer_states_no_wrong_number(question_id: str) -> None:
    question = open_question(question_id)
    assert _wrong(question_id, question.model_answer) == []
