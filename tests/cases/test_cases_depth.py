"""The depth and screen cases (issue 14): each composition against a published worked
example, and six cases' chains worked by hand for one seed (arithmetic in the docstrings)."""

from __future__ import annotations

import math

import pytest

from engine.bank import ContentBank
from engine.cases import pose_case
from engine.cases.pose import PosedCase, PosedStep
from engine.cases.references import run_reference
from engine.models.base import ModelError

DEPTH_DECKS = ("cases_technical_depth", "cases_technical_screen")


def ref(name: str, **inputs: float) -> float:
    return float(run_reference(name, inputs).value)


# -- compositions against published examples --------------------------------------------------


def test_fp8_format_range_matches_the_fp8_formats_paper() -> None:
    """Micikevicius et al. 2022, "FP8 Formats for Deep Learning" (arXiv 2209.05433) Table 1,
    and the OCP OFP8 spec: E4M3 max 448, min normal 2^-6, min subnormal 2^-9; E5M2 max
    57,344, min normal 2^-14, min subnormal 2^-16. IEEE 754 binary16 (same rule as E5M2):
    max 65,504, min normal 2^-14."""
    e4m3 = run_reference("fp8_format_range",
                         {"exponent_bits": 4, "mantissa_bits": 3, "reclaims_specials": 1})
    assert e4m3.outputs["max_normal"] == 448.0
    assert e4m3.outputs["min_normal"] == 2.0 ** -6
    assert e4m3.outputs["min_subnormal"] == 2.0 ** -9
    assert e4m3.value == pytest.approx(math.log2(448 * 64))  # 14.807 binades
    e5m2 = run_reference("fp8_format_range",
                         {"exponent_bits": 5, "mantissa_bits": 2, "reclaims_specials": 0})
    assert e5m2.outputs["max_normal"] == 57344.0
    assert e5m2.outputs["min_normal"] == 2.0 ** -14
    assert e5m2.outputs["min_subnormal"] == 2.0 ** -16
    assert e5m2.value == pytest.approx(29.807, abs=1e-3)
    fp16 = run_reference("fp8_format_range",
                         {"exponent_bits": 5, "mantissa_bits": 10, "reclaims_specials": 0})
    assert fp16.outputs["max_normal"] == 65504.0
    # Without E4M3's reclaimed encodings the top would be 240 (the burn docs' contrast).
    ieee_e4m3 = run_reference("fp8_format_range",
                              {"exponent_bits": 4, "mantissa_bits": 3, "reclaims_specials": 0})
    assert ieee_e4m3.outputs["max_normal"] == 240.0
    with pytest.raises(ModelError):
        run_reference("fp8_format_range",
                      {"exponent_bits": 4.5, "mantissa_bits": 3, "reclaims_specials": 1})


def test_fp8_scale_maps_amax_to_two_to_minus_margin_of_the_top() -> None:
    """NVIDIA Transformer Engine, delayed scaling: "the scaling factor is estimated so the
    FP8 tensor's maximum absolute value is 2^-margin · max_fp8_dtype"."""
    assert ref("fp8_scale_factor", max_normal=57344, amax=0.5, margin_binades=0) == 114688.0
    assert ref("fp8_scale_factor", max_normal=57344, amax=0.5, margin_binades=1) == 57344.0
    for amax in (1e-4, 0.0019, 3.0):
        for margin in (0, 1, 2):
            scale = ref("fp8_scale_factor", max_normal=448, amax=amax, margin_binades=margin)
            assert scale * amax == pytest.approx(448 * 2.0 ** -margin)


def test_weights_kv_and_serving_bytes_match_the_scaling_books_pop_quiz() -> None:
    """jax-ml "How to Scale Your Model", inference chapter pop quiz: a 30B model in int8 on a
    TPU v5e 4x4 (16 chips, 8.1e11 B/s each), 8,192 context at 100 kB per token, batch 4:
    "our parameters will use 30e9 bytes", "our KV caches will use 100e3 * 8192 = 819MB
    each", step time at least "(4 * 819e6 + 30e9) / (16 * 8.1e11) = 2.5 ms"."""
    weights = ref("weight_bytes", params=30e9, bytes_per_param=1)
    assert weights == 30e9
    kv_seq = ref("kv_bytes_for_context", kv_bytes_per_token=100e3, context_tokens=8192)
    assert kv_seq == pytest.approx(819.2e6)
    per_chip = ref("serving_bytes_per_gpu", weight_bytes=weights,
                   kv_bytes_per_sequence=kv_seq, batch=4, gpus=16)
    assert per_chip == pytest.approx((30e9 + 4 * 819.2e6) / 16)
    assert per_chip / 8.1e11 == pytest.approx(2.5e-3, rel=0.05)  # the book's "2.5 ms"
    # kipply: 2 bytes per parameter in bf16.
    assert ref("weight_bytes", params=18.4e9, bytes_per_param=2) == pytest.approx(36.8e9)


def test_faster_math_follows_amdahls_law_as_in_csapp() -> None:
    """Bryant & O'Hallaron, CS:APP §1.9.1: α = 0.6 sped up k = 3 → S = 1/(0.4 + 0.2) =
    1.67×. Edges: f = 0 changes nothing; f = 1 gives the full k."""
    result = run_reference("faster_math_step_seconds",
                           {"step_s": 1.0, "math_fraction": 0.6, "old_flops": 1e15,
                            "new_flops": 3e15})
    assert result.value == pytest.approx(0.6)
    assert result.outputs["speedup"] == pytest.approx(1 / 0.6)
    assert ref("faster_math_step_seconds", step_s=10, math_fraction=0.0, old_flops=1,
               new_flops=2) == 10
    assert ref("faster_math_step_seconds", step_s=10, math_fraction=1.0, old_flops=1,
               new_flops=2) == 5
    with pytest.raises(ModelError):
        ref("faster_math_step_seconds", step_s=10, math_fraction=1.01, old_flops=1,
            new_flops=2)


def test_straggler_step_uses_the_tabulated_expected_maximum() -> None:
    """Tippett (1925) tables the expected largest of n standard normals: 2.5076 for n = 100
    (1.5388 for 10). μ 1.0 s, σ 0.05 s, n = 100 → 1.0 + 0.05 · 2.5076 = 1.1254 s; the same
    as the registered straggler_step model, whose E[max] comes from quadrature."""
    assert ref("straggler_step_from_z", mean_s=1.0, std_s=0.05,
               expected_max_z=2.5076) == pytest.approx(1.12538)
    model = run_reference("straggler_step", {"mean_s": 1.0, "std_s": 0.05, "workers": 100})
    assert model.outputs["expected_max_z"] == pytest.approx(2.5076, abs=1e-4)
    assert ref("straggler_step_from_z", mean_s=1.0, std_s=0.05,
               expected_max_z=model.outputs["expected_max_z"]) == pytest.approx(model.value)


@pytest.mark.parametrize(("stages", "microbatches"), [(1, 8), (4, 16), (8, 32), (16, 8)])
def test_pipeline_chain_agrees_with_megatrons_bubble_and_the_goodput_model(
        stages: int, microbatches: int) -> None:
    """Narayanan et al. 2021 §2.2: the 1F1B bubble is (p − 1)/m of the ideal time, so the
    step is (m + p − 1)·t_mb; the chained compositions (bubble fraction → step → waste →
    tokens/s) agree with the one-call effective_throughput model on the same inputs."""
    microbatch_s, allreduce_s = 0.25, 0.4
    bubble = run_reference("pipeline_bubble", {"stages": stages,
                                               "microbatches": microbatches}).value
    step = ref("pipelined_step_seconds", microbatch_s=microbatch_s,
               microbatches=microbatches, bubble_fraction=bubble,
               allreduce_exposed_s=allreduce_s)
    assert step == pytest.approx((microbatches + stages - 1) * microbatch_s + allreduce_s)
    tokens = ref("tokens_per_step", micro_batch=2, seq_len=4096, microbatches=microbatches,
                 dp=16)
    interval = math.sqrt(2 * 60 * 14_400)
    waste = ref("checkpoint_waste", checkpoint_s=60, interval_s=interval, mtbf_s=14_400,
                restart_s=600)
    effective = ref("effective_tokens_per_s", tokens_per_step=tokens, step_s=step,
                    waste=waste)
    model = run_reference("effective_throughput", {
        "tokens_per_step": tokens, "ideal_step_s": microbatches * microbatch_s,
        "stages": stages, "microbatches": microbatches, "allreduce_exposed_s": allreduce_s,
        "checkpoint_s": 60, "checkpoint_interval_s": interval, "mtbf_s": 14_400,
        "restart_s": 600})
    assert effective == pytest.approx(model.value)
    assert step == pytest.approx(model.outputs["step_s"])


def test_checkpoint_waste_at_youngs_interval_is_root_two_delta_over_m() -> None:
    """Young 1974: at τ = √(2δM) the waste δ/τ + τ/(2M) is exactly √(2δ/M). δ 60 s,
    M 4 h: τ = 1,314.5 s, W = 0.0913; a 10-minute restart adds 600/14,400 = 0.0417. The
    registered checkpoint_interval model gives the same waste."""
    tau = math.sqrt(2 * 60 * 14_400)
    assert tau == pytest.approx(1314.53, abs=0.01)
    assert ref("checkpoint_waste", checkpoint_s=60, interval_s=tau, mtbf_s=14_400,
               restart_s=0) == pytest.approx(math.sqrt(2 * 60 / 14_400))
    with_restart = ref("checkpoint_waste", checkpoint_s=60, interval_s=tau, mtbf_s=14_400,
                       restart_s=600)
    assert with_restart == pytest.approx(0.09129 + 0.041667, abs=1e-4)
    model = run_reference("checkpoint_interval", {"checkpoint_s": 60, "mtbf_s": 14_400,
                                                  "restart_s": 600})
    assert with_restart == pytest.approx(model.outputs["waste"])
    with pytest.raises(ModelError):  # no progress at all is refused, not graded
        ref("checkpoint_waste", checkpoint_s=600, interval_s=600, mtbf_s=600, restart_s=0)


def test_lost_gpu_hours_at_llama_3_scale() -> None:
    """Llama 3 (arXiv 2407.21783 §3.3.4): 54 days on 16,384 GPUs. At 9 % waste:
    0.09 · 1,296 h · 16,384 = 1,911,029.76 GPU-hours."""
    assert ref("wasted_gpu_hours", waste=0.09, wall_hours=54 * 24,
               gpus=16_384) == pytest.approx(1_911_029.76)


def test_micro_batch_and_accumulation_at_their_edges() -> None:
    """floor((M·u − R)/a) and ceil(B/(b·d)), each pinned at and just past its edge.
    Worked (docstring): 80e9 B at 90 %, 40e9 B of states, 5e9 B per sequence → 6;
    global 1,536, micro-batch 2, d 64 → 12 (Megatron-LM §2.2, m = B/(b·d))."""
    assert ref("max_micro_batch", memory_bytes=80e9, usable_fraction=0.9,
               reserved_bytes=40e9, bytes_per_sequence=5e9) == 6
    assert ref("max_micro_batch", memory_bytes=80e9, usable_fraction=0.9,
               reserved_bytes=42e9, bytes_per_sequence=5e9) == 6  # 30e9 / 5e9 exactly
    assert ref("max_micro_batch", memory_bytes=80e9, usable_fraction=0.9,
               reserved_bytes=42.001e9, bytes_per_sequence=5e9) == 5
    with pytest.raises(ModelError, match="not even one sequence fits"):
        ref("max_micro_batch", memory_bytes=80e9, usable_fraction=0.9,
            reserved_bytes=68e9, bytes_per_sequence=5e9)
    assert ref("accumulation_steps", global_batch=1536, micro_batch=2, dp=64) == 12
    assert ref("accumulation_steps", global_batch=1537, micro_batch=2, dp=64) == 13
    assert ref("accumulation_steps", global_batch=100, micro_batch=8, dp=64) == 1
    assert ref("tokens_per_step", micro_batch=1, seq_len=2048, microbatches=24,
               dp=64) == 3_145_728  # 1,536 sequences of 2,048 tokens


def test_accumulated_step_time_worked_number() -> None:
    """m 8, b 4, s 4,096, N 7e9, 989.4 TFLOP/s at 40 %, 0.5 s all-reduce:
    t_mb = 6 · 7e9 · 16,384 / 3.9576e14 = 1.7388 s; t = 8 · 1.7388 + 0.5 = 14.410 s."""
    assert ref("accumulated_step_seconds", accum_steps=8, micro_batch=4, seq_len=4096,
               params=7e9, peak_flops=989.4e12, mfu=0.4,
               allreduce_s=0.5) == pytest.approx(14.410, abs=1e-3)


def test_loader_overlap_and_its_edge() -> None:
    """Serial load + compute; with w workers max(load/w, compute). Load 0.9, compute 0.6:
    1.5 s serial, 0.6 s with 2 workers, 0.9 s with 1. At load/w = compute exactly the step
    is compute-bound (the decision's at_most edge)."""
    assert ref("loader_step_seconds", load_s=0.9, compute_s=0.6, workers=0) == 1.5
    assert ref("loader_step_seconds", load_s=0.9, compute_s=0.6, workers=2) == 0.6
    assert ref("loader_step_seconds", load_s=0.9, compute_s=0.6, workers=1) == 0.9
    edge = run_reference("loader_step_seconds", {"load_s": 1.2, "compute_s": 0.6,
                                                 "workers": 2})
    assert edge.value == 0.6 and edge.outputs["loader_bound"] == 0.0
    past = run_reference("loader_step_seconds", {"load_s": 1.21, "compute_s": 0.6,
                                                 "workers": 2})
    assert past.value == pytest.approx(0.605) and past.outputs["loader_bound"] == 1.0


def test_saved_gpu_hours_and_repeated_time() -> None:
    """An epoch cut from 3 h to 2 h (the guide's "cut epoch time 33 %"), 10 epochs on 64
    GPUs → 640 GPU-hours; 30,000 steps of 1.2 s = 10 h. No saving is refused."""
    saved = run_reference("gpu_hours_saved", {"before_s": 3 * 3600, "after_s": 2 * 3600,
                                              "repeats": 10, "gpus": 64})
    assert saved.value == pytest.approx(640)
    assert saved.outputs["fraction_saved"] == pytest.approx(1 / 3)
    assert ref("repeated_seconds", repeats=30_000, each_s=1.2) == pytest.approx(36_000)
    with pytest.raises(ModelError, match="nothing is saved"):
        ref("gpu_hours_saved", before_s=10, after_s=10, repeats=1, gpus=1)


def test_backward_and_overlap_worked_numbers() -> None:
    """Backward ≈ 4·N·T FLOP (Transformer Math 101): 7e9 · 16,384 tokens at 989.4 TFLOP/s
    and 40 % → 1.159 s. Overlap: 0.580 + max(1.159, 0.56) = 1.739 s (hidden); with a 2.0 s
    all-reduce 0.580 + 2.0 = 2.580 s (0.841 s exposed). Edge: t_AR = t_bwd is hidden."""
    backward = ref("backward_seconds", params=7e9, tokens=16_384, peak_flops=989.4e12,
                   mfu=0.4)
    assert backward == pytest.approx(1.1591, abs=1e-4)
    assert ref("overlapped_step_seconds", backward_s=backward,
               allreduce_s=0.56) == pytest.approx(1.5 * backward)
    exposed = run_reference("overlapped_step_seconds", {"backward_s": backward,
                                                        "allreduce_s": 2.0})
    assert exposed.value == pytest.approx(backward / 2 + 2.0)
    assert exposed.outputs["exposed_s"] == pytest.approx(2.0 - backward)
    assert run_reference("overlapped_step_seconds", {"backward_s": 1.0, "allreduce_s": 1.0}
                         ).outputs["exposed_s"] == 0.0


# -- the decks --------------------------------------------------------------------------------


def test_the_depth_decks_hold_cases_with_decisions_and_rounds(bank: ContentBank) -> None:
    """Each case is in technical_depth or technical_screen, has a level, target minutes, a
    source and 4–6 key points; at least a third have a decision step."""
    ids = sorted(i for i in bank.items if bank.is_case(i)
                 and bank.items[i].deck in DEPTH_DECKS)
    assert len(ids) >= 9
    with_decision = 0
    for case_id in ids:
        case = bank.items[case_id]
        assert {"technical_depth", "technical_screen"} & set(case.rounds), case_id
        assert case.level in ("L4", "L5", "L6", "L7", "L8") and case.target_minutes
        assert case.source and 4 <= len(case.key_points) <= 6, case_id
        for point in case.key_points:
            assert all(len(p) >= 3 for p in point.phrasings), (case_id, point.point)
        with_decision += any(step.kind == "decision" for step in case.steps)
    assert with_decision * 3 >= len(ids)


def _posed(bank: ContentBank, case_id: str, seed: int) -> PosedCase:
    return pose_case(bank.items[case_id], bank.catalog, seed)


def _by_id(posed: PosedCase) -> dict[str, PosedStep]:
    return {step.id: step for step in posed.steps}


def test_fp8_case_worked_by_hand(bank: ContentBank) -> None:
    """Seed 1: 23B on 2,048 MI300X (BF16 1,307.4, FP8 2,614.9 TFLOP/s), BF16 step 6.5 s,
    85 % matmuls, 41,000 steps, gradient amax 0.0019 over 21 binades, margin 0.

    (1) E4M3: log2(448 / 2^-6) = log2(28,672)              = 14.807 binades
    (2) 21 > 14.807                                         → E5M2 (option 2)
    (3) E5M2 max = 1.75 · 2^15                              = 57,344
    (4) scale = 57,344 / 0.0019 / 2^0                       = 30,181,052.6
    (5) FP8 weights = 23e9 · 1 B                            = 23 GB
    (6) k = 2,614.9 / 1,307.4 = 2.000076; t' = 6.5 · (0.15 + 0.85 / 2.000076)
                                                            = 3.7374 s
    (7) (6.5 − 3.7374) · 41,000 · 2,048 / 3,600             = 64,436 GPU-hours
    """
    posed = _posed(bank, "case.fp8_vs_bf16", 1)
    p = posed.params
    assert (p["params"], p["gpu"], p["gpus"], p["bf16_step_s"], p["steps"]) == \
        (23e9, "mi300x", 2048, 6.5, 41_000)
    assert (p["grad_amax"], p["grad_spread_binades"], p["margin_binades"]) == (0.0019, 21, 0)
    s = _by_id(posed)
    assert s["e4m3_range"].reference_value == pytest.approx(14.807, abs=1e-3)
    assert s["grad_format"].right_option == 1
    assert s["e5m2_max"].reference_value == 57344
    assert s["grad_scale"].reference_value == pytest.approx(30_181_052.6, rel=1e-8)
    assert s["fp8_weights"].reference_display == pytest.approx(23.0)
    assert s["fp8_step"].reference_value == pytest.approx(3.7374, abs=1e-4)
    assert s["gpu_hours_saved"].reference_display == pytest.approx(64_436, rel=1e-4)


def test_dataloader_case_worked_by_hand(bank: ContentBank) -> None:
    """Seed 1: 64 GPUs, load 1.9 s, compute 0.45 s, 42,000 steps per epoch, 10 epochs, 2
    workers.

    (1) 1.9 + 0.45                                   = 2.35 s
    (2) 42,000 · 2.35 = 98,700 s                     = 27.417 h
    (3) max(1.9 / 2, 0.45)                           = 0.95 s
    (4) 0.95 > 0.45                                  → still loader-bound (option 2)
    (5) 42,000 · 0.95 = 39,900 s                     = 11.083 h
    (6) (98,700 − 39,900) · 10 · 64 / 3,600          = 10,453.3 GPU-hours
    """
    posed = _posed(bank, "case.dataloader_rewrite", 1)
    s = _by_id(posed)
    assert s["step_before"].reference_value == pytest.approx(2.35)
    assert s["epoch_before"].reference_display == pytest.approx(27.4167, abs=1e-4)
    assert s["step_after"].reference_value == pytest.approx(0.95)
    assert s["bound"].right_option == 1
    assert s["epoch_after"].reference_display == pytest.approx(11.0833, abs=1e-4)
    assert s["saved"].reference_display == pytest.approx(10_453.33, abs=0.01)


def test_effective_throughput_case_worked_by_hand(bank: ContentBank) -> None:
    """Seed 1: p 8, DP 32, b 4, s 8,192, m 8, t_mb 0.55 s, all-reduce 1.1 s, δ 63 s,
    M 20 h = 72,000 s, R 540 s.

    (1) 4 · 8,192 · 8 · 32                                 = 8,388,608 tokens
    (2) 7 / (8 + 7)                                        = 0.46667
    (3) 8 · 0.55 / (1 − 0.46667) + 1.1 = 8.25 + 1.1        = 9.35 s
    (4) √(2 · 63 · 72,000) = 3,011.98 s                    = 50.20 min
    (5) 63 / 3,011.98 + (1,505.99 + 540) / 72,000
        = 0.020917 + 0.028417                              = 0.049333
    (6) bubble 0.467 > waste 0.049                         → the bubble (option 1)
    (7) (1 − 0.049333) · 8,388,608 / 9.35                  = 852,917 tokens/s
    """
    s = _by_id(_posed(bank, "case.effective_throughput_chain", 1))
    assert s["tokens"].reference_value == 8_388_608
    assert s["bubble"].reference_value == pytest.approx(7 / 15)
    assert s["step_time"].reference_value == pytest.approx(9.35)
    assert s["interval"].reference_display == pytest.approx(50.1996, abs=1e-3)
    assert s["waste"].reference_value == pytest.approx(0.049333, abs=1e-6)
    assert s["attack"].right_option == 0
    assert s["effective"].reference_value == pytest.approx(852_917, rel=1e-5)


def test_scaling_book_case_worked_by_hand(bank: ContentBank) -> None:
    """Seed 1: 4 × H200 (141 GB, 4.8 TB/s, 989.4 TFLOP/s), batch 64, context 32,768, 1-byte
    weights and KV.

    (1) 64 · 4,096 · (3 · 16,384 + 2 · 256 · 40) + 4,096 · 32,128
        = 18,253,611,008 + 131,596,288                      = 18,385,207,296 (the book's 18.4e9)
    (2) · 1 B                                               = 18.385 GB
    (3) 2 · 64 · 8 · 256 · 1                                = 262,144 B = 262.1 kB
    (4) 262,144 · 32,768                                    = 8,589,934,592 B
    (5) (18,385,207,296 + 64 · 8,589,934,592) / 4           = 142,035,255,296 B = 142.0 GB
    (6) 142.04 GB > 141 GB                                  → does not fit (option 2)
    (7) KV 549.756e9 / 19.2e12 = 28.633 ms; weights 18.385e9 / 19.2e12 = 0.9576 ms >
        compute 2 · 64 · 18.385e9 / 3.9576e15 = 0.5946 ms   → 28.633 + 0.958 = 29.591 ms
    """
    s = _by_id(_posed(bank, "case.scaling_book_decode", 1))
    assert s["params"].reference_value == 18_385_207_296
    assert s["weights"].reference_display == pytest.approx(18.385207296)
    assert s["kv_token"].reference_value == 262_144
    assert s["kv_seq"].reference_value == 8_589_934_592
    assert s["per_gpu"].reference_value == 142_035_255_296
    assert s["fits"].right_option == 1
    assert s["decode_step"].reference_display == pytest.approx(29.5907, abs=1e-3)


def test_jitter_case_worked_by_hand(bank: ContentBank) -> None:
    """Seed 1: 128 A100s, μ 1.9 s, σ 0.38 s, 15,000 steps, fix worth 17,000 GPU-hours.

    (1) E[max of 128 standard normals]                     = 2.5946
    (2) 1.9 + 0.38 · 2.5946 = 1.9 + 0.98595                = 2.88595 s
    (3) 15,000 · 2.88595 = 43,289 s                        = 12.025 h
    (4) 0.98595 · 15,000 · 128 / 3,600                     = 525.84 GPU-hours
    (5) 525.84 ≤ 17,000                                    → live with it (option 1)
    """
    s = _by_id(_posed(bank, "case.jitter_128_a100", 1))
    assert s["z"].reference_value == pytest.approx(2.5946, abs=1e-4)
    assert s["step"].reference_value == pytest.approx(2.88595, abs=1e-5)
    assert s["converge"].reference_display == pytest.approx(12.0248, abs=1e-4)
    assert s["lost"].reference_display == pytest.approx(525.84, abs=0.01)
    assert s["fix"].right_option == 0


def test_allreduce_overlap_case_worked_by_hand(bank: ContentBank) -> None:
    """Seed 1: 5.7B, 1,024 ranks of H200 (989.4 TFLOP/s) on HDR (25 GB/s per direction),
    4,096 tokens per GPU at 49 % MFU.

    (1) 2 B · 5.7e9                                        = 11.4 GB
    (2) 2 · 1,023 / 1,024 · 11.4e9 / 25e9                  = 0.91111 s
    (3) 4 · 5.7e9 · 4,096 / (989.4e12 · 0.49)
        = 9.33888e13 / 4.84806e14                          = 0.19263 s
    (4) 0.911 > 0.193                                      → exposed (option 2)
    (5) 0.19263 / 2 + 0.91111                              = 1.00743 s
    """
    s = _by_id(_posed(bank, "case.dp_allreduce_overlap", 1))
    assert s["grad_bytes"].reference_display == pytest.approx(11.4)
    assert s["allreduce"].reference_value == pytest.approx(0.911109, abs=1e-6)
    assert s["backward"].reference_value == pytest.approx(0.192631, abs=1e-6)
    assert s["hidden"].right_option == 1
    assert s["step"].reference_value == pytest.approx(1.007425, abs=1e-6)


def test_each_model_answer_covers_its_key_points_and_no_process_talk(bank: ContentBank) -> None:
    """The model answer is the standard the player is scored against: it must cover every
    key point (phrasings as the rubric matches them) and raise no red flag."""
    from grading.rubric import score_open

    for case_id in sorted(i for i in bank.items if bank.is_case(i)
                          and bank.items[i].deck in DEPTH_DECKS):
        case = bank.items[case_id]
        result = score_open(case.model_answer, case.key_points, case.red_flags)
        assert result.coverage == pytest.approx(1.0) and not result.red_flags, (case_id, result)


def test_a_process_answer_covers_no_key_point(bank: ContentBank) -> None:
    """Behavioural/"process" words never count as a key point."""
    from grading.rubric import score_open

    process = ("I would align the stakeholders, run a kickoff, set OKRs, track it in Jira "
               "with two-week sprints, escalate risks through the RACI and communicate "
               "status weekly to leadership so everyone is on the same page.")
    for case_id in sorted(i for i in bank.items if bank.is_case(i)
                          and bank.items[i].deck in DEPTH_DECKS):
        result = score_open(process, bank.items[case_id].key_points)
        assert result.coverage == 0.0, (case_id, result)


def test_forward_flops_and_request_latency_match_the_scaling_book() -> None:
    """How to Scale Your Model, inference pop quiz: 256 tokens through a 30B model is
    "2 * 256 * 30e9" FLOP, over 16 chips of 1.97e14 FLOP/s ≈ 4.9 ms of math. Applied
    inference: 19 ms per step and "a median length of 512 tokens, that is about 9s for each
    decode" (512 · 0.019 = 9.73 s)."""
    flops = ref("forward_flops", params=30e9, tokens=256)
    assert flops == 2 * 256 * 30e9
    assert flops / (16 * 1.97e14) == pytest.approx(4.87e-3, rel=1e-3)
    latency = run_reference("request_latency_seconds",
                            {"first_token_s": 0.2, "per_token_s": 0.019,
                             "output_tokens": 512})
    assert latency.value == pytest.approx(0.2 + 9.728)
    assert 512 * 0.019 == pytest.approx(9.7, abs=0.1)


def test_moe_case_counts_mixtral(bank: ContentBank) -> None:
    """With the Mixtral 8x7B preset the chain starts from the published counts (Mistral AI:
    46.7B total, 12.9B per token) and memory follows the total: 2 · 46.7e9 = 93.4 GB, which
    fits no 80 GB H100 but fits a 141 GB H200."""
    case = bank.items["case.moe_total_vs_active"]
    seen = set()
    for seed in range(200):
        posed = pose_case(case, bank.catalog, seed)
        if posed.preset != "Mixtral 8x7B":
            continue
        s = _by_id(posed)
        assert s["total"].reference_value == 46_702_792_704
        assert s["active"].reference_value == 12_879_925_248
        assert s["compute"].reference_value == pytest.approx(
            6 * 12_879_925_248 * posed.params["tokens"])
        assert s["weights"].reference_display == pytest.approx(93.405585408)
        fits = s["one_gpu"].right_option == 0
        assert fits == (posed.params["gpu"] in ("h200", "b200", "mi300x")), posed.params["gpu"]
        seen.add(posed.params["gpu"])
    assert "h100_sxm" in seen and len(seen) >= 3


def test_attention_ratio_is_t_over_8d_for_the_books_shape() -> None:
    """How to Scale Your Model, transformers chapter: attention / matmul FLOPs =
    12BT²NH / (18BTDF + 24BTDNH) = T/(8D) for F = 4D, D = N·H; "dominant during training
    once T > 8D. For D ~ 8k, this would be ~64K tokens". Pinned at and just past T = 8D."""
    shape = {"d_model": 8192, "d_ff": 32768, "heads": 64, "kv_heads": 64, "head_dim": 128,
             "mlp_matrices": 3}
    assert ref("attention_flops_ratio", seq_len=65_536, **shape) == pytest.approx(1.0)
    assert ref("attention_flops_ratio", seq_len=65_537, **shape) > 1.0
    for seq_len in (2048, 8192, 131_072):
        assert ref("attention_flops_ratio", seq_len=seq_len, **shape) == \
            pytest.approx(seq_len / (8 * 8192))
    # Grouped-query attention shrinks the projections, so attention dominates sooner.
    gqa = dict(shape, kv_heads=8)
    assert ref("attention_flops_ratio", seq_len=65_536, **gqa) > 1.0


def test_train_flops_with_attention_reproduces_palms_mfu() -> None:
    """PaLM (Chowdhery et al. 2022) §4.1 and App. B: 540B, L 118, H 48, Q 256, T 2,048,
    per-token FLOP 6N + 12·L·H·Q·T; 238.3k tokens/s on 6,144 TPU v4 (275 TFLOP/s) is
    46.2 % MFU. With r = 12·L·H·Q·T / 6N, 6·N·(1 + r) per token gives the same."""
    attention_per_token = 12 * 118 * 48 * 256 * 2048
    ratio = attention_per_token / (6 * 540e9)
    per_token = ref("train_flops_with_attention", params=540e9, tokens=1,
                    attention_ratio=ratio)
    assert per_token == pytest.approx(6 * 540e9 + attention_per_token)
    assert per_token * 238.3e3 / (6144 * 275e12) == pytest.approx(0.462, abs=5e-4)


def test_batch_cap_case_worked_by_hand(bank: ContentBank) -> None:
    """Seed 1: 2.7B (32 layers, h 2,560), ZeRO-1 over 128 H200s (141 GB), s 8,192,
    selective recomputation, global batch 256, 54 % MFU, 0.8 s exposed all-reduce.

    (1) 2·2.7e9 + 2·2.7e9 + 12·2.7e9 / 128 = 10.8e9 + 0.253e9     = 11.053 GB
    (2) 34 · 8,192 · 2,560 · 32 (Korthikanti, t = 1, selective)   = 22.817 GB
    (3) ⌊(0.9 · 141e9 − 11.053e9) / 22.817e9⌋ = ⌊5.077⌋            = 5
    (4) ⌈256 / (5 · 128)⌉ = ⌈0.4⌉                                  = 1
    (5) 1 ≤ 1                                                      → no accumulation
    (6) 6 · 2.7e9 · 5 · 8,192 / (989.4e12 · 0.54) + 0.8
        = 6.6355e14 / 5.3428e14 + 0.8 = 1.2420 + 0.8               = 2.0420 s
    """
    posed = _posed(bank, "case.batch_cap_accumulate", 1)
    assert posed.preset and posed.preset.startswith("2.7B")
    s = _by_id(posed)
    assert s["states"].reference_value == pytest.approx(11.053125e9)
    assert s["act_per_seq"].reference_value == 34 * 8192 * 2560 * 32
    assert s["micro_fit"].reference_value == 5
    assert s["accum"].reference_value == 1
    assert s["need_accum"].right_option == 0
    assert s["step_time"].reference_value == pytest.approx(2.04196, abs=1e-5)


@pytest.mark.parametrize(("case_id", "answer"), [
    ("case.mfu_from_logs",
     "The 6N count leaves out the attention FLOPs at long sequence length, and "
     "recomputation counts toward HFU not MFU. I used the dense peak, not the sparse "
     "datasheet figure. The logs must be steady-state: warm-up and checkpoint stalls go "
     "into goodput. As a cross-check the days equal tokens divided by tokens per second."),
    ("case.pcie_vs_nvlink_dp",
     "Over PCIe the all-reduce cannot hide: it is longer than the backward pass, so the "
     "step is communication-bound."),
    ("case.long_context_roadmap",
     "FlashAttention does not remove the attention FLOPs; it only avoids storing the T² "
     "score matrix."),
    ("case.prefill_vs_decode",
     "A 128-token prefill is not compute-bound: the prompt is below the ridge point, so "
     "it reads the weights like a decode step."),
    ("case.pcie_vs_nvlink_dp",
     "Tensor parallelism is not an option: it is impractical over PCIe with an all-reduce "
     "per layer."),
])
def test_a_right_answer_that_rejects_the_wrong_idea_is_no_contradiction(
        bank: ContentBank, case_id: str, answer: str) -> None:
    """Phrasings name what a right answer affirms: rejecting the sparse peak, or saying the
    all-reduce cannot hide, must not read as denying a key point (played at 80×24: the
    first wording of the MFU case's key point cost a right answer its score)."""
    from grading.rubric import score_open

    result = score_open(answer, bank.items[case_id].key_points)
    assert not result.contradictions, result.contradictions
    assert any(point.covered for point in result.key_points)


def test_the_mixtral_8x22b_preset_gives_the_published_totals() -> None:
    """Mistral AI, "Cheaper, Better, Faster, Stronger" (Mixtral 8x22B announcement, April
    2024): 141B parameters in all, 39B active per token. The preset's shape is the model's
    config.json (56 layers, D 6,144, F 16,384, 48 heads, 8 KV heads of 128, vocabulary
    32,768, 8 experts, top-2)."""
    from engine.bank import load_content
    from engine.cases import pose_case

    bank = load_content()
    case = bank.items["case.moe_total_vs_active"]
    posed = next(p for p in (pose_case(case, bank.catalog, seed) for seed in range(200))
                 if p.preset == "Mixtral 8x22B")
    total, active = posed.steps[0].reference_value, posed.steps[1].reference_value
    assert total == pytest.approx(141e9, rel=0.005)
    assert active == pytest.approx(39e9, rel=0.005)
