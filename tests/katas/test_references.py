"""Each kata's reference against published worked examples from its primary source.

The references are the engine's compositions (``engine.katas.compositions``) and registered
models, reached through the built-in katas exactly as the runner reaches them
(``reference_value(kata, inputs)``), so a kata whose mapping or output points at the wrong
thing fails here too. Every figure below is cited where it is checked.
"""

from __future__ import annotations

import inspect
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from content.catalog import builtin_catalog
from content.loader import Kata
from engine.bank import ContentBank
from engine.katas.compositions import ENERGY_KATA_PARAMS
from engine.katas.references import (
    RARE_EVENTS_ALLOWED,
    compositions,
    monte_carlo_stderr,
    reference_problem,
    reference_value,
)
from engine.models.base import ModelError, Result
from engine.models.communication import allreduce_time
from engine.models.queueing import erlang_c
from engine.models.reliability import failure_montecarlo

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3600.0
DAY = 86400.0


@pytest.fixture(scope="module")
def katas(bank: ContentBank) -> dict[str, Kata]:
    return {item.id: item for item in bank.items.values() if isinstance(item, Kata)}


def ref(katas: dict[str, Kata], kata_id: str, **inputs: float) -> float:
    return reference_value(katas[kata_id], inputs).value


# -- stragglers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "expected_max"), [
    # Tippett 1925; Harter 1961 (Biometrika 48) tables of E[max of n N(0,1)]:
    (2, 1 / math.sqrt(math.pi)),  # 0.5642, exact
    (10, 1.53875),
    (100, 2.50759),
])
def test_jitter_step_time_is_mean_plus_sigma_times_the_expected_maximum(
        katas: dict[str, Kata], n: int, expected_max: float) -> None:
    got = ref(katas, "kata.jitter_step_time", n_gpus=n, step_mean_s=1.0, jitter_sd_s=1.0)
    assert got == pytest.approx(1.0 + expected_max, abs=1e-5)
    assert ref(katas, "kata.jitter_step_time", n_gpus=1, step_mean_s=0.7,
               jitter_sd_s=0.05) == 0.7  # one rank waits for nobody


def test_convergence_time_is_steps_times_the_synchronous_step(katas: dict[str, Kata]) -> None:
    # The interview guide's example: 128 A100s. Harter: E[max of 128] = 2.5946.
    got = ref(katas, "kata.jitter_convergence_bounds", steps=100_000, n_gpus=128,
              step_mean_s=1.0, jitter_sd_s=0.05)
    assert got == pytest.approx(100_000 * (1.0 + 0.05 * 2.5946), rel=1e-5)
    # The kata's bounds hold the reference: 0 ≤ E[max] ≤ √(2 ln n) (e.g. Boucheron,
    # Lugosi & Massart 2013, §2.5).
    assert 100_000 * 1.0 <= got <= 100_000 * (1.0 + 0.05 * math.sqrt(2 * math.log(128)))


@pytest.mark.parametrize("n", [1, 2, 128, 100_000])
@pytest.mark.parametrize("quantile", [0.5, 0.99, 0.999])
def test_straggler_tail_solves_the_maximums_cdf(katas: dict[str, Kata], n: int,
                                               quantile: float) -> None:
    """David & Nagaraja, 'Order Statistics' §2.1: P(max ≤ t) = Φ((t − μ)/σ)ⁿ; at t_q it is q."""
    from scipy.special import ndtr

    t = ref(katas, "kata.straggler_tail", n_gpus=n, step_mean_s=1.0, jitter_sd_s=0.05,
            quantile=quantile)
    assert ndtr((t - 1.0) / 0.05) ** n == pytest.approx(quantile, rel=1e-9)


def test_one_ranks_p99_is_the_normal_quantile(katas: dict[str, Kata]) -> None:
    assert ref(katas, "kata.straggler_tail", n_gpus=1, step_mean_s=0.0, jitter_sd_s=1.0,
               quantile=0.99) == pytest.approx(2.326348, abs=1e-6)


# -- failures and checkpoints ---------------------------------------------------------------


def test_fail_before_checkpoint_at_the_llama3_failure_rate(katas: dict[str, Kata]) -> None:
    """Llama 3 paper §3.3.4: 419 unexpected interruptions in 54 days on 16,384 GPUs. At the
    per-GPU MTBF that implies, the expected failures over those 54 days are 419 again, and
    the chance of a failure within one day is 1 − e^(−419/54)."""
    mtbf_gpu_hours = 16_384 * 54 * 24 / 419
    kata = katas["kata.fail_before_checkpoint"]
    whole = reference_value(kata, {"n_gpus": 16_384, "mtbf_gpu_hours": mtbf_gpu_hours,
                                   "interval_s": 54 * DAY})
    assert any(step.value == pytest.approx(419) for step in whole.steps)
    one_day = ref(katas, "kata.fail_before_checkpoint", n_gpus=16_384,
                  mtbf_gpu_hours=mtbf_gpu_hours, interval_s=DAY)
    assert one_day == pytest.approx(1 - math.exp(-419 / 54), rel=1e-12)


def test_a_bernoulli_simulations_standard_error(katas: dict[str, Kata]) -> None:
    """√(p(1−p)/N) for a proportion over N trials, with the rare-event floor of
    ``monte_carlo_stderr``: √(p(1−p)/N + 2/N²)."""
    kata = katas["kata.fail_before_checkpoint"]
    trials = kata.monte_carlo_trials
    assert trials == 100_000
    found = reference_value(kata, {"n_gpus": 16_384, "mtbf_gpu_hours": 50_000,
                                   "interval_s": 1800})
    p = found.value
    assert found.stderr == pytest.approx(
        math.sqrt(p * (1 - p) / trials + RARE_EVENTS_ALLOWED / trials**2), rel=1e-12)
    assert monte_carlo_stderr(0.5, 100) == 0.05  # no event size: spread/√N alone
    assert monte_carlo_stderr(0.0, 100, 1.0) == pytest.approx(math.sqrt(2) / 100)


def test_young_interval(katas: dict[str, Kata]) -> None:
    """Young 1974 (CACM 17(9)): τ = √(2δM)."""
    assert ref(katas, "kata.young_interval", checkpoint_s=60, mtbf_job_s=10_800) == \
        pytest.approx(math.sqrt(2 * 60 * 10_800), rel=1e-12)  # 1,138 s


def test_daly_interval_eq_37_and_its_large_checkpoint_case(katas: dict[str, Kata]) -> None:
    """Daly 2006 (FGCS 22(3)) eq. 37, worked by hand for δ = 300 s, M = 3 h:
    √(2·300·10,800) = 2,545.58; δ/2M = 0.0138889; τ = 2,545.58 × (1 + 0.039284 + 0.0015432)
    − 300 = 2,349.51 s. For δ ≥ 2M Daly takes τ = M."""
    assert ref(katas, "kata.daly_interval", checkpoint_s=300, mtbf_job_s=10_800) == \
        pytest.approx(2349.51, abs=0.01)
    assert ref(katas, "kata.daly_interval", checkpoint_s=1200, mtbf_job_s=600) == 600
    assert ref(katas, "kata.daly_interval", checkpoint_s=1199.999, mtbf_job_s=600) < 600


def test_goodput_at_youngs_interval(katas: dict[str, Kata]) -> None:
    """First-order waste δ/τ + (τ/2 + R)/M (Young 1974; Daly 2006); at τ = √(2δM) it is
    √(2δ/M) + R/M."""
    got = ref(katas, "kata.checkpoint_goodput", checkpoint_s=60, mtbf_job_s=36_000,
              restart_s=600)
    assert got == pytest.approx(1 - math.sqrt(2 * 60 / 36_000) - 600 / 36_000, rel=1e-12)


def test_segment_wall_clock_is_dalys_segment_time(katas: dict[str, Kata]) -> None:
    """Daly 2006 §3: one segment takes (e^{λL} − 1)(1/λ + R) on average, the same closed
    form the engine's failure Monte Carlo carries for a one-segment job."""
    n, mtbf_hours, segment_s, restart_s = 16_384, 50_000.0, 1860.0, 600.0
    rate = n / (mtbf_hours * HOUR)
    got = ref(katas, "kata.segment_wall_clock", n_gpus=n, mtbf_gpu_hours=mtbf_hours,
              segment_s=segment_s, restart_s=restart_s)
    assert got == pytest.approx(math.expm1(rate * segment_s) * (1 / rate + restart_s),
                                rel=1e-12)
    engine_run = failure_montecarlo(n, segment_s / HOUR, mtbf_hours, segment_s, 0.0,
                                    restart_s, trials=2)
    assert engine_run.outputs["closed_form_s"] == pytest.approx(got, rel=1e-12)


@pytest.mark.parametrize(("n", "mtbf_hours", "segment_s", "restart_s"), [
    (16_384, 20_000.0, 7200.0, 1800.0),  # λL ≈ 1.6: several retries
    (100, 100_000.0, 3600.0, 0.0),  # λL = 0.001: a failure is rare
])
def test_segment_spread_matches_a_large_simulation(katas: dict[str, Kata], n: int,
                                                   mtbf_hours: float, segment_s: float,
                                                   restart_s: float) -> None:
    """The closed-form one-trial standard deviation (compound geometric: E[K]·Var T +
    Var K·(E[T] + R)²) against 400,000 simulated segments (seeded)."""
    kata = katas["kata.segment_wall_clock"]
    comp = compositions()[kata.reference](n_gpus=n, mtbf_gpu_hours=mtbf_hours,
                                          segment_s=segment_s, restart_s=restart_s)
    rng = np.random.default_rng(7)
    rate = n / (mtbf_hours * HOUR)
    wall = np.zeros(400_000)
    running = np.arange(wall.size)
    while running.size:
        failure_at = rng.exponential(1 / rate, running.size)
        done = failure_at >= segment_s
        wall[running[done]] += segment_s
        wall[running[~done]] += failure_at[~done] + restart_s
        running = running[~done]
    assert wall.mean() == pytest.approx(comp.value, rel=0.005)
    assert wall.std() == pytest.approx(comp.outputs["stderr_per_sqrt_trial"], rel=0.03)


# -- collectives ----------------------------------------------------------------------------


@pytest.mark.parametrize("ranks", [2, 8, 1024])
def test_ring_allreduce_bus_bandwidth_is_the_link_bandwidth(katas: dict[str, Kata],
                                                            ranks: int) -> None:
    """nccl-tests doc/PERFORMANCE.md: busbw = algbw × 2(n−1)/n, "comparable to the hardware
    peak bandwidth": with no latency a bandwidth-optimal ring reaches exactly B."""
    size, bandwidth = 1e9, 50e9
    seconds = ref(katas, "kata.ring_allreduce", bytes=size, ranks=ranks, bandwidth=bandwidth,
                  latency=0.0)
    assert size / seconds * 2 * (ranks - 1) / ranks == pytest.approx(bandwidth, rel=1e-12)
    # Patarasuk & Yuan 2009: 2(p−1) steps, each paying the latency once.
    with_latency = ref(katas, "kata.ring_allreduce", bytes=size, ranks=ranks,
                       bandwidth=bandwidth, latency=5e-6)
    assert with_latency - seconds == pytest.approx(2 * (ranks - 1) * 5e-6, rel=1e-9)
    assert ref(katas, "kata.ring_allreduce", bytes=size, ranks=1, bandwidth=bandwidth,
               latency=5e-6) == 0.0


@pytest.mark.parametrize("ranks", [4, 5, 8, 1000, 65536])
def test_ring_and_tree_take_the_same_time_at_the_crossover(katas: dict[str, Kata],
                                                           ranks: int) -> None:
    """At S*, the α-β costs of a ring and of NCCL's double binary tree (NCCL 2.4 blog) are
    equal; below it the tree is faster, above it the ring."""
    bandwidth, latency = 50e9, 5e-6
    crossover = ref(katas, "kata.ring_vs_tree", ranks=ranks, bandwidth=bandwidth,
                    latency=latency)
    assert crossover > 0

    def gap(size: float) -> float:  # ring − tree
        return (allreduce_time(size, ranks, bandwidth, latency, "ring").value
                - allreduce_time(size, ranks, bandwidth, latency, "tree").value)

    assert gap(crossover) == pytest.approx(0.0, abs=1e-9 * latency * ranks)
    assert gap(crossover * 0.99) > 0 > gap(crossover * 1.01)


@pytest.mark.parametrize("ranks", [2, 3])
def test_the_tree_never_wins_on_three_ranks_or_fewer(katas: dict[str, Kata],
                                                     ranks: int) -> None:
    assert ref(katas, "kata.ring_vs_tree", ranks=ranks, bandwidth=50e9, latency=5e-6) == 0.0


def test_zero3_moves_one_and_a_half_times_a_data_parallel_all_reduce(
        katas: dict[str, Kata]) -> None:
    """ZeRO (arXiv 1910.02054) §7.2.2: P_os+g+p communicates 3Ψ against baseline data
    parallelism's 2Ψ: 1.5×."""
    kata = katas["kata.zero3_comm"]
    comp = compositions()[kata.reference](params=70e9, ranks=1024, bandwidth=50e9)
    assert comp.value / comp.outputs["dp_allreduce_s"] == pytest.approx(1.5, rel=1e-12)
    assert comp.value == pytest.approx(3 * (1023 / 1024) * 140e9 / 50e9, rel=1e-12)


# -- memory ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("stage", "gigabytes"), [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)])
def test_zero_memory_matches_the_zero_papers_figure_1(katas: dict[str, Kata], stage: int,
                                                      gigabytes: float) -> None:
    """ZeRO Figure 1: Ψ = 7.5B, N_d = 64, K = 12 → 120 GB, 31.4 GB, 16.6 GB, 1.9 GB."""
    got = ref(katas, "kata.zero_memory", params=7.5e9, zero_stage=stage, dp=64)
    assert got / 1e9 == pytest.approx(gigabytes, abs=0.05)


def test_kv_cache_per_token_of_llama_70b(katas: dict[str, Kata]) -> None:
    """kipply, 'Transformer Inference Arithmetic', and the scaling book: 2·L·n_kv·d·bytes per
    token; Llama 2/3 70B (80 layers, 8 KV heads of 128, bf16) caches 327,680 B = 320 KiB."""
    kata = katas["kata.kv_max_batch"]
    comp = compositions()[kata.reference](free_bytes=40e9, layers=80, kv_heads=8,
                                          head_dim=128, context_tokens=8192,
                                          bytes_per_value=2)
    assert comp.outputs["bytes_per_token"] == 327_680
    assert comp.value == math.floor(40e9 / (327_680 * 8192)) == 14
    exact = 327_680 * 8192 * 3
    assert ref(katas, "kata.kv_max_batch", free_bytes=exact, layers=80, kv_heads=8,
               head_dim=128, context_tokens=8192, bytes_per_value=2) == 3
    assert ref(katas, "kata.kv_max_batch", free_bytes=exact - 1, layers=80, kv_heads=8,
               head_dim=128, context_tokens=8192, bytes_per_value=2) == 2


def test_activation_memory_is_korthikantis_table_2(katas: dict[str, Kata]) -> None:
    """Korthikanti et al. 2022 (arXiv 2205.05198) Table 2: with t = 1 the per-layer count is
    s·b·h·(34 + 5as/h); with tensor parallelism s·b·h·(10 + 24/t + 5as/(ht))."""
    s, b, h, a, layers = 2048, 1, 12_288, 96, 96
    for tp, coefficient in ((1, 34 + 5 * a * s / h), (8, 10 + 24 / 8 + 5 * a * s / (h * 8))):
        got = ref(katas, "kata.activation_memory", seq_len=s, micro_batch=b, hidden=h,
                  heads=a, layers=layers, tp=tp)
        assert got == pytest.approx(s * b * h * coefficient * layers, rel=1e-12)


# -- compute, roofline, energy --------------------------------------------------------------


def _h100(field: str) -> float:
    return builtin_catalog().lookup(f"h100_sxm.{field}").value


def test_the_h100_matmul_sits_on_the_scaling_books_roofline(katas: dict[str, Kata]) -> None:
    """jax-ml 'How to Scale Your Model', roofline chapter: H100 ridge ≈ 295 FLOP/byte (dense
    BF16 989.4 TFLOP/s over 3.35 TB/s); a square 8,192³ bf16 matmul is compute-bound, one
    token (m = 1) is memory-bound."""
    kata = katas["kata.roofline_matmul"]
    big = compositions()[kata.reference](m=8192, k=8192, n=8192)
    assert big.outputs["ridge"] == pytest.approx(295.3, abs=0.1)
    assert big.outputs["bound"] == "compute"
    assert big.value == pytest.approx(2 * 8192**3 / 989.4e12, rel=1e-12)
    one = compositions()[kata.reference](m=1, k=8192, n=8192)
    assert one.outputs["bound"] == "memory"
    assert one.value == pytest.approx(2 * (8192 + 8192**2 + 8192) / 3.35e12, rel=1e-12)


def test_a100_decode_is_weight_bound_until_peak_over_bandwidth(katas: dict[str, Kata]) -> None:
    """kipply: at small batch a decode step is bound by reading 2N bytes of bf16 weights;
    the matmuls catch up at batch ≈ peak/BW (312 TFLOP/s / 2,039 GB/s ≈ 153 on an A100 80 GB)."""
    kata = katas["kata.decode_batch_saturation"]
    one = compositions()[kata.reference](params=13e9, batch=1, kv_bytes_per_seq=0)
    assert one.value == pytest.approx(2.039e12 / 26e9, rel=1e-12)  # 78 tokens/s
    assert one.outputs["saturation_batch"] == pytest.approx(312e12 / 2.039e12, rel=1e-12)
    compute_bound = 312e12 / (2 * 13e9)  # past the knee: peak / 2N tokens/s, 12,000
    assert ref(katas, "kata.decode_batch_saturation", params=13e9, batch=1024,
               kv_bytes_per_seq=0) == pytest.approx(compute_bound, rel=1e-12)
    assert ref(katas, "kata.decode_batch_saturation", params=13e9, batch=153,
               kv_bytes_per_seq=0) == pytest.approx(153 * 2.039e12 / 26e9, rel=1e-12)


def test_mfu_uses_the_dense_h100_peak(katas: dict[str, Kata]) -> None:
    """PaLM §4.1 and App. B: MFU = 6N·tokens/s / (chips × peak), peak the dense figure;
    the H100 datasheet's 1,979 TFLOP/s BF16 is with 2:4 sparsity, twice the 989.4 dense."""
    assert _h100("bf16_dense_flops") == 989.4e12
    got = ref(katas, "kata.mfu_h100", tokens_per_s=3.2e6, params=70e9, gpus=4096)
    assert got == pytest.approx(6 * 70e9 * 3.2e6 / (4096 * 989.4e12), rel=1e-12)
    assert got == pytest.approx(0.3316, abs=1e-4)


def test_train_time_recovers_llama3_405bs_compute(katas: dict[str, Kata]) -> None:
    """Llama 3 paper §3.2.1: the 405B flagship was pre-trained with 3.8 × 10²⁵ FLOPs on
    15.6T tokens, and 6·N·D gives exactly that: time × GPUs × peak × MFU is 6ND."""
    seconds = ref(katas, "kata.train_time_bounds", params=405e9, tokens=15.6e12,
                  gpus=16_384, mfu=0.4)
    assert seconds * 16_384 * 989.4e12 * 0.4 == pytest.approx(3.8e25, rel=0.01)


def test_energy_reproduces_pattersons_gpt3_figure(katas: dict[str, Kata]) -> None:
    """Patterson et al. 2021 (arXiv 2104.10350) Table 4: GPT-3 on 10,000 V100s at 330 W for
    14.8 days, PUE 1.1 → 1,287 MWh. The 48B kata's model, given the same GPU-seconds (its
    FLOPs over peak × MFU), must give the same energy."""
    gpu_seconds = 10_000 * 14.8 * DAY
    peak, mfu = 125e12, 0.2
    tokens = gpu_seconds * peak * mfu / (6 * ENERGY_KATA_PARAMS)
    joules = ref(katas, "kata.energy_48b", tokens=tokens, peak_flops=peak, power_w=330,
                 mfu=mfu, pue=1.1)
    assert joules / 3.6e9 == pytest.approx(1287, rel=0.005)


# -- pipelines and throughput ---------------------------------------------------------------


def test_pipeline_bubble_follows_megatron(katas: dict[str, Kata]) -> None:
    """Narayanan et al. 2021 §2.2: the 1F1B bubble is (p−1)/m of the ideal time, (1/v) of
    that interleaved; as a share of the step, (p−1)/(v·m + p − 1)."""
    assert ref(katas, "kata.pipeline_bubble", stages=8, microbatches=32, interleave=1) == \
        pytest.approx(7 / 39, rel=1e-12)
    assert ref(katas, "kata.pipeline_bubble", stages=8, microbatches=32, interleave=4) == \
        pytest.approx(7 / (4 * 32 + 7), rel=1e-12)
    assert ref(katas, "kata.pipeline_bubble", stages=1, microbatches=1, interleave=1) == 0


def test_effective_throughput_composes_bubble_comms_and_goodput(
        katas: dict[str, Kata]) -> None:
    """Megatron's (p−1)/m bubble, one exposed all-reduce per step, and Young/Daly's
    first-order goodput 1 − [δ/τ + (τ/2 + R)/M]."""
    got = ref(katas, "kata.effective_throughput", tokens_per_step=4e6, ideal_step_s=10,
              stages=8, microbatches=32, allreduce_exposed_s=0.5, checkpoint_s=60,
              checkpoint_interval_s=1800, mtbf_s=36_000, restart_s=600)
    step = 10 * (1 + 7 / 32) + 0.5
    goodput = 1 - (60 / 1800 + (900 + 600) / 36_000)
    assert got == pytest.approx(goodput * 4e6 / step, rel=1e-12)


def test_gradient_accumulation_pays_the_all_reduce_once_per_step(
        katas: dict[str, Kata]) -> None:
    got = ref(katas, "kata.grad_accum", microbatch_tokens=8192, microbatch_s=0.5,
              accum_steps=16, dp=256, allreduce_exposed_s=2.0)
    assert got == pytest.approx(256 * 16 * 8192 / (16 * 0.5 + 2.0), rel=1e-12)


def test_data_loader_runs_at_its_slowest_stage(katas: dict[str, Kata]) -> None:
    """No workers: load then compute. Workers prefetching: a two-stage pipeline at the pace of
    its slower stage (PyTorch DataLoader's num_workers, prefetch_factor)."""
    inline = ref(katas, "kata.dataloader_prefetch", batch_size=256, compute_s=0.3,
                 load_s=1.2, workers=0)
    assert inline == pytest.approx(256 / 1.5, rel=1e-12)
    assert ref(katas, "kata.dataloader_prefetch", batch_size=256, compute_s=0.3, load_s=1.2,
               workers=2) == pytest.approx(256 * 2 / 1.2, rel=1e-12)
    assert ref(katas, "kata.dataloader_prefetch", batch_size=256, compute_s=0.3, load_s=1.2,
               workers=64) == pytest.approx(256 / 0.3, rel=1e-12)


def test_cost_per_request_pays_for_the_peak(katas: dict[str, Kata]) -> None:
    """⌈100 × (0.503 + 0.1 × 2)⌉ = 71 whole GPUs at $4/h serve a mean of 33.3 rps; 20 kB
    out at $0.09/GB."""
    got = ref(katas, "kata.cost_per_request", peak_rps=100, peak_to_mean=3,
              gpu_s_per_request=0.503, usd_per_gpu_hour=4, swap_fraction=0.1,
              swap_penalty_s=2, response_bytes=20_000, usd_per_egress_gb=0.09)
    assert got == pytest.approx(71 * 4 / 3600 / (100 / 3) + 20_000 / 1e9 * 0.09, rel=1e-12)


# -- queues ---------------------------------------------------------------------------------


def test_queue_wait_reduces_to_mm1_and_mm2(katas: dict[str, Kata]) -> None:
    """Kleinrock 1975 §3.2–3.5: M/M/1 waits W_q = ρ/(μ − λ) = ρ·S/(1 − ρ); M/M/2 has
    P(wait) = 2ρ²/(1 + ρ), so W_q = P(wait)·S/(2(1 − ρ))."""
    rho, job_s = 0.8, 3600.0
    assert ref(katas, "kata.gpu_queue_wait", servers=1, utilisation=rho,
               mean_job_s=job_s) == pytest.approx(rho * job_s / (1 - rho), rel=1e-12)
    p_wait = 2 * rho**2 / (1 + rho)
    assert ref(katas, "kata.gpu_queue_wait", servers=2, utilisation=rho,
               mean_job_s=job_s) == pytest.approx(p_wait * job_s / (2 * (1 - rho)), rel=1e-12)
    assert ref(katas, "kata.queue_wait_bounds", servers=2, utilisation=rho,
               mean_job_s=job_s) == pytest.approx(p_wait * job_s / (2 * (1 - rho)), rel=1e-12)


@pytest.mark.parametrize(("arrival_rate", "job_s", "target_s"),
                         [(0.05, 3600, 60), (0.001, 60, 1), (0.5, 7200, 3600), (0.2, 100, 5)])
def test_min_servers_is_the_first_size_meeting_the_target(
        katas: dict[str, Kata], arrival_rate: float, job_s: float, target_s: float) -> None:
    """Checked against Erlang C (``erlang_c``) size by size: the answer meets the target and
    one node fewer does not (or is unstable)."""
    servers = int(ref(katas, "kata.overprovision", arrival_rate=arrival_rate,
                      mean_job_s=job_s, max_wait_s=target_s))

    def wait(c: int) -> float:
        return erlang_c(arrival_rate, 1 / job_s, c).outputs["mean_wait_s"]  # type: ignore

    assert wait(servers) <= target_s
    if servers - 1 > arrival_rate * job_s:
        assert wait(servers - 1) > target_s
    if (arrival_rate, job_s, target_s) == (0.05, 3600, 60):
        assert servers == 194


# -- the machinery --------------------------------------------------------------------------


def test_importing_references_is_cheap() -> None:
    """``engine.katas.references`` loads no compositions, models, numpy or scipy until a
    reference is asked for."""
    code = ("import sys, engine.katas.references\n"
            "print(sorted(m for m in ('numpy', 'scipy', 'engine.katas.compositions', "
            "'engine.models.registry', 'engine.models.reliability') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_composition_takes_si_numbers_and_shows_its_work() -> None:
    built_in = {name: function for name, function in compositions().items()
                if function.__module__ == "engine.katas.compositions"}
    assert len(built_in) >= 18
    for name, function in built_in.items():
        signature = inspect.signature(function)
        assert signature.parameters, name
        assert all(p.annotation in ("float", float) for p in signature.parameters.values()), name
        assert function.__doc__ and len(function.__doc__) > 80, name


def test_every_built_in_kata_names_a_usable_reference(katas: dict[str, Kata]) -> None:
    for kata in katas.values():
        assert reference_problem(kata) is None, kata.id


def test_reference_problems_are_told_plainly(katas: dict[str, Kata]) -> None:
    from dataclasses import replace

    kata = katas["kata.ring_allreduce"]
    assert "unknown reference 'ring'" in str(reference_problem(replace(kata, reference="ring")))
    crossover = replace(kata, reference="allreduce_crossover_bytes")
    assert "has no parameter 'bytes'" in str(reference_problem(crossover))
    few = replace(katas["kata.ring_vs_tree"], params=katas["kata.ring_vs_tree"].params[:2])
    assert "needs parameter(s) latency" in str(reference_problem(few))
    queue = replace(kata, reference="erlang_c", mapping={"bytes": "arrival_rate",
                                                         "bandwidth": "service_rate",
                                                         "ranks": "servers"})
    assert "has no parameter 'latency'" in str(reference_problem(queue))


def test_a_reference_refusing_its_inputs_raises_model_error_only(
        katas: dict[str, Kata]) -> None:
    from dataclasses import replace

    with pytest.raises(ModelError, match="unstable queue"):
        reference_value(katas["kata.gpu_queue_wait"],
                        {"servers": 4, "utilisation": 1.5, "mean_job_s": 60})
    with pytest.raises(ModelError, match="no numeric output 'nothing'"):
        reference_value(replace(katas["kata.young_interval"], output="nothing"),
                        {"checkpoint_s": 60, "mtbf_job_s": 3600})
    with pytest.raises(ModelError):
        reference_value(katas["kata.ring_vs_tree"], {"ranks": 1, "bandwidth": 1e9,
                                                     "latency": 1e-6})


def test_a_non_finite_reference_is_refused(monkeypatch: pytest.MonkeyPatch,
                                           katas: dict[str, Kata]) -> None:
    import engine.katas.references as references

    compositions()  # loaded first, so the stand-in below is not replaced
    monkeypatch.setitem(references.COMPOSITIONS, "zero3_step_comm",
                        lambda **_: Result(float("inf"), "s"))
    with pytest.raises(ModelError, match="non-finite"):
        reference_value(katas["kata.zero3_comm"], {"params": 1e9, "ranks": 8,
                                                   "bandwidth": 1e10})
