"""Every built-in kata's ``solution`` passes the runner's checks, and a classic slip fails them.

For each kata the reference, written out as a player would (its ``solution`` field), must pass
every case ``engine.katas.runner.check_code`` draws; and at least one plausible wrong solution
per kata — ring factor 2 instead of 2(p−1)/p, the mean instead of the max, sparse FLOP/s,
forgetting the bubble, hours for seconds — must fail with a counterexample. A wrong solution
that passed would mean the kata's checks cannot tell a right model from a wrong one.

The runner is run for real: the player's code in a child process, the reference in this one.
"""

from __future__ import annotations

import pytest

from content.loader import Kata
from engine.bank import ContentBank

#: Plausible wrong solutions, by kata id: (the slip, the code). Each must fail the checks.
WRONG: dict[str, list[tuple[str, str]]] = {
    "kata.jitter_step_time": [
        ("the mean rank instead of the slowest", '''
def step_time(n_gpus, step_mean_s, jitter_sd_s):
    return step_mean_s
'''),
        ("the sqrt(2 ln n) bound used as the mean", '''
import math

def step_time(n_gpus, step_mean_s, jitter_sd_s):
    return step_mean_s + jitter_sd_s * math.sqrt(2 * math.log(n_gpus))
'''),
    ],
    "kata.fail_before_checkpoint": [
        ("hours taken for seconds", '''
import math

def p_fail(n_gpus, mtbf_gpu_hours, interval_s):
    return -math.expm1(-n_gpus * interval_s / mtbf_gpu_hours)
'''),
        ("the expected count used as a probability", '''
def p_fail(n_gpus, mtbf_gpu_hours, interval_s):
    return n_gpus * interval_s / (mtbf_gpu_hours * 3600.0)
'''),
    ],
    "kata.young_interval": [
        ("the factor 2 forgotten", '''
import math

def checkpoint_interval(checkpoint_s, mtbf_job_s):
    return math.sqrt(checkpoint_s * mtbf_job_s)
'''),
    ],
    "kata.segment_wall_clock": [
        ("each failure loses the whole segment", '''
import math

def segment_wall_clock(n_gpus, mtbf_gpu_hours, segment_s, restart_s):
    rate = n_gpus / (mtbf_gpu_hours * 3600.0)
    return segment_s + math.expm1(rate * segment_s) * (segment_s + restart_s)
'''),
        ("restarts forgotten", '''
import math

def segment_wall_clock(n_gpus, mtbf_gpu_hours, segment_s, restart_s):
    rate = n_gpus / (mtbf_gpu_hours * 3600.0)
    return math.expm1(rate * segment_s) / rate
'''),
    ],
    "kata.checkpoint_goodput": [
        ("restarts forgotten", '''
import math

def goodput(checkpoint_s, mtbf_job_s, restart_s):
    tau = math.sqrt(2 * checkpoint_s * mtbf_job_s)
    return 1 - checkpoint_s / tau - tau / (2 * mtbf_job_s)
'''),
        ("a whole interval lost per failure", '''
import math

def goodput(checkpoint_s, mtbf_job_s, restart_s):
    tau = math.sqrt(2 * checkpoint_s * mtbf_job_s)
    return 1 - checkpoint_s / tau - (tau + restart_s) / mtbf_job_s
'''),
    ],
    "kata.daly_interval": [
        ("Young's first-order interval", '''
import math

def daly_interval(checkpoint_s, mtbf_job_s):
    return math.sqrt(2 * checkpoint_s * mtbf_job_s)
'''),
    ],
    "kata.straggler_tail": [
        ("one rank's quantile instead of the slowest's", '''
from statistics import NormalDist

def step_time_quantile(n_gpus, step_mean_s, jitter_sd_s, quantile):
    return step_mean_s + jitter_sd_s * NormalDist().inv_cdf(quantile)
'''),
    ],
    "kata.jitter_convergence_bounds": [
        ("the mean rank instead of the slowest", '''
def convergence_time(steps, n_gpus, step_mean_s, jitter_sd_s):
    estimate = steps * step_mean_s
    return estimate, 0.9 * estimate, 1.1 * estimate
'''),
        ("bounds from one rank's spread (plus or minus 2 sigma)", '''
from statistics import NormalDist

def convergence_time(steps, n_gpus, step_mean_s, jitter_sd_s):
    n = int(n_gpus)
    z = NormalDist().inv_cdf((n - 0.375) / (n + 0.25)) if n > 1 else 0.0
    estimate = steps * (step_mean_s + jitter_sd_s * z)
    return (estimate, steps * (step_mean_s - 2 * jitter_sd_s),
            steps * (step_mean_s + 2 * jitter_sd_s))
'''),
    ],
    "kata.ring_allreduce": [
        ("ring factor 2 instead of 2(p-1)/p", '''
def allreduce_seconds(bytes, ranks, bandwidth, latency):
    return 2 * (ranks - 1) * latency + 2 * bytes / bandwidth
'''),
        ("latency paid (p-1) times, not 2(p-1)", '''
def allreduce_seconds(bytes, ranks, bandwidth, latency):
    return (ranks - 1) * latency + 2 * (ranks - 1) / ranks * bytes / bandwidth
'''),
    ],
    "kata.ring_vs_tree": [
        ("log2 p without the ceiling", '''
import math

def tree_wins_below_bytes(ranks, bandwidth, latency):
    return max(0.0, ranks * bandwidth * latency * (ranks - 1 - math.log2(ranks)))
'''),
    ],
    "kata.zero3_comm": [
        ("the backward re-gather forgotten (two collectives)", '''
def zero3_step_comm_s(params, ranks, bandwidth):
    return 2 * (ranks - 1) / ranks * 2.0 * params / bandwidth
'''),
        ("each collective costed as an all-reduce", '''
def zero3_step_comm_s(params, ranks, bandwidth):
    return 3 * 2 * (ranks - 1) / ranks * 2.0 * params / bandwidth
'''),
    ],
    "kata.effective_throughput": [
        ("the pipeline bubble forgotten", '''
def effective_tokens_per_s(tokens_per_step, ideal_step_s, stages, microbatches,
                           allreduce_exposed_s, checkpoint_s, checkpoint_interval_s,
                           mtbf_s, restart_s):
    step_s = ideal_step_s + allreduce_exposed_s
    waste = (checkpoint_s / checkpoint_interval_s
             + (checkpoint_interval_s / 2 + restart_s) / mtbf_s)
    return (1 - waste) * tokens_per_step / step_s
'''),
        ("checkpoints and failures forgotten", '''
def effective_tokens_per_s(tokens_per_step, ideal_step_s, stages, microbatches,
                           allreduce_exposed_s, checkpoint_s, checkpoint_interval_s,
                           mtbf_s, restart_s):
    step_s = ideal_step_s * (1 + (stages - 1) / microbatches) + allreduce_exposed_s
    return tokens_per_step / step_s
'''),
    ],
    "kata.pipeline_bubble": [
        ("bubble over ideal time, not over the whole step", '''
def bubble_fraction(stages, microbatches, interleave):
    return (stages - 1) / (interleave * microbatches)
'''),
        ("interleaving forgotten", '''
def bubble_fraction(stages, microbatches, interleave):
    return (stages - 1) / (microbatches + stages - 1)
'''),
    ],
    "kata.grad_accum": [
        ("an all-reduce after every microbatch", '''
def tokens_per_s(microbatch_tokens, microbatch_s, accum_steps, dp, allreduce_exposed_s):
    return dp * microbatch_tokens / (microbatch_s + allreduce_exposed_s)
'''),
    ],
    "kata.zero_memory": [
        ("ZeRO-2 also sharding the weights", '''
def model_state_bytes(params, zero_stage, dp):
    weights, grads, optimizer = 2.0 * params, 2.0 * params, 12.0 * params
    if zero_stage >= 1:
        optimizer /= dp
    if zero_stage >= 2:
        grads /= dp
        weights /= dp
    return weights + grads + optimizer
'''),
        ("optimizer state without the fp32 master copy (8 bytes)", '''
def model_state_bytes(params, zero_stage, dp):
    weights, grads, optimizer = 2.0 * params, 2.0 * params, 8.0 * params
    if zero_stage >= 1:
        optimizer /= dp
    if zero_stage >= 2:
        grads /= dp
    if zero_stage >= 3:
        weights /= dp
    return weights + grads + optimizer
'''),
    ],
    "kata.activation_memory": [
        ("the attention-score term forgotten", '''
def activation_bytes(seq_len, micro_batch, hidden, heads, layers, tp):
    return seq_len * micro_batch * hidden * (10 + 24 / tp) * layers
'''),
        ("tensor parallelism dividing all of it", '''
def activation_bytes(seq_len, micro_batch, hidden, heads, layers, tp):
    sbh = seq_len * micro_batch * hidden
    return sbh * (34 + 5 * heads * seq_len / hidden) / tp * layers
'''),
    ],
    "kata.mfu_h100": [
        ("the sparse FLOP/s headline", '''
def mfu(tokens_per_s, params, gpus):
    return 6 * params * tokens_per_s / (gpus * 1978.9e12)
'''),
        ("2N FLOPs per token (forward only)", '''
def mfu(tokens_per_s, params, gpus):
    return 2 * params * tokens_per_s / (gpus * 989.4e12)
'''),
    ],
    "kata.train_time_bounds": [
        ("the sparse FLOP/s headline", '''
def train_seconds(params, tokens, gpus, mfu):
    t = 6 * params * tokens / (gpus * 1978.9e12 * mfu)
    return t, 0.8 * t, 1.25 * t
'''),
        ("MFU forgotten (the time at peak)", '''
def train_seconds(params, tokens, gpus, mfu):
    t = 6 * params * tokens / (gpus * 989.4e12)
    return t, 0.8 * t, 1.25 * t
'''),
    ],
    "kata.energy_48b": [
        ("PUE forgotten", '''
def train_energy_j(tokens, peak_flops, power_w, mfu, pue):
    return 6 * 48e9 * tokens / (peak_flops * mfu) * power_w
'''),
        ("2ND (forward only)", '''
def train_energy_j(tokens, peak_flops, power_w, mfu, pue):
    return 2 * 48e9 * tokens / (peak_flops * mfu) * power_w * pue
'''),
    ],
    "kata.kv_max_batch": [
        ("K and V counted once (no factor 2)", '''
def max_batch(free_bytes, layers, kv_heads, head_dim, context_tokens, bytes_per_value):
    return int(free_bytes // (layers * kv_heads * head_dim * bytes_per_value * context_tokens))
'''),
        ("rounded instead of floored", '''
def max_batch(free_bytes, layers, kv_heads, head_dim, context_tokens, bytes_per_value):
    per_sequence = 2 * layers * kv_heads * head_dim * bytes_per_value * context_tokens
    return round(free_bytes / per_sequence)
'''),
    ],
    "kata.roofline_matmul": [
        ("the sparse FLOP/s headline", '''
def matmul_seconds(m, k, n):
    return max(2.0 * m * k * n / 1978.9e12, 2.0 * (m * k + k * n + m * n) / 3.35e12)
'''),
        ("compute and memory added instead of overlapped", '''
def matmul_seconds(m, k, n):
    return 2.0 * m * k * n / 989.4e12 + 2.0 * (m * k + k * n + m * n) / 3.35e12
'''),
    ],
    "kata.decode_batch_saturation": [
        ("the sparse FLOP/s headline", '''
def decode_tokens_per_s(params, batch, kv_bytes_per_seq):
    step = batch * kv_bytes_per_seq / 2.039e12 + max(2.0 * params / 2.039e12,
                                                     2.0 * batch * params / 624e12)
    return batch / step
'''),
        ("the KV-cache read forgotten", '''
def decode_tokens_per_s(params, batch, kv_bytes_per_seq):
    step = max(2.0 * params / 2.039e12, 2.0 * batch * params / 312e12)
    return batch / step
'''),
    ],
    "kata.cost_per_request": [
        ("paying for the mean load only", '''
def usd_per_request(peak_rps, peak_to_mean, gpu_s_per_request, usd_per_gpu_hour,
                    swap_fraction, swap_penalty_s, response_bytes, usd_per_egress_gb):
    gpu_s = gpu_s_per_request + swap_fraction * swap_penalty_s
    return gpu_s * usd_per_gpu_hour / 3600.0 + response_bytes / 1e9 * usd_per_egress_gb
'''),
        ("egress billed per GiB", '''
import math

def usd_per_request(peak_rps, peak_to_mean, gpu_s_per_request, usd_per_gpu_hour,
                    swap_fraction, swap_penalty_s, response_bytes, usd_per_egress_gb):
    gpus = math.ceil(peak_rps * (gpu_s_per_request + swap_fraction * swap_penalty_s))
    compute = gpus * usd_per_gpu_hour / 3600.0 / (peak_rps / peak_to_mean)
    return compute + response_bytes / 2**30 * usd_per_egress_gb
'''),
    ],
    "kata.dataloader_prefetch": [
        ("workers split the load but nothing overlaps", '''
def samples_per_s(batch_size, compute_s, load_s, workers):
    return batch_size / (compute_s + load_s / max(workers, 1))
'''),
    ],
    "kata.gpu_queue_wait": [
        ("c separate M/M/1 queues (per-team quotas)", '''
def mean_wait_s(servers, utilisation, mean_job_s):
    return utilisation / (1 - utilisation) * mean_job_s
'''),
    ],
    "kata.overprovision": [
        ("sized for 80 % utilisation", '''
import math

def min_servers(arrival_rate, mean_job_s, max_wait_s):
    return math.ceil(arrival_rate * mean_job_s / 0.8)
'''),
    ],
    "kata.queue_wait_bounds": [
        ("c separate M/M/1 queues (per-team quotas)", '''
def mean_wait_bounds(servers, utilisation, mean_job_s):
    def wait(rho):
        return rho / (1 - rho) * mean_job_s
    return wait(utilisation), wait(0.8 * utilisation), wait(1.2 * utilisation)
'''),
    ],
}


def _katas(bank: ContentBank) -> list[Kata]:
    return sorted((item for item in bank.items.values() if isinstance(item, Kata)),
                  key=lambda kata: kata.id)


def test_every_built_in_kata_has_a_wrong_solution(bank: ContentBank) -> None:
    ids = {kata.id for kata in _katas(bank)}
    assert ids - set(WRONG) == set(), "katas with no wrong solution to fail"
    assert set(WRONG) - ids == set(), "wrong solutions for katas that do not exist"
    assert all(WRONG[kata_id] for kata_id in ids)


def _builtin_kata(bank: ContentBank, kata_id: str) -> Kata:
    kata = bank.items[kata_id]
    assert isinstance(kata, Kata)
    return kata


@pytest.mark.parametrize("kata_id", sorted(WRONG))
def test_the_solution_passes_every_case(bank: ContentBank, kata_id: str) -> None:
    from engine.katas.runner import check_code

    kata = _builtin_kata(bank, kata_id)
    report = check_code(kata, kata.solution)
    assert report.error is None, report.error
    assert report.all_passed, report.counterexample
    assert len(report.cases) >= 50


@pytest.mark.parametrize(("kata_id", "slip", "code"),
                         [(kata_id, slip, code) for kata_id, wrongs in sorted(WRONG.items())
                          for slip, code in wrongs],
                         ids=[f"{kata_id}: {slip}" for kata_id, wrongs in sorted(WRONG.items())
                              for slip, _code in wrongs])
def test_a_classic_slip_fails_with_a_counterexample(bank: ContentBank, kata_id: str,
                                                    slip: str, code: str) -> None:
    from engine.katas.runner import check_code

    kata = _builtin_kata(bank, kata_id)
    report = check_code(kata, code)
    assert report.error is None, f"{slip}: the code should run, not fail: {report.error}"
    assert not report.all_passed, f"{slip}: passed every check"
    assert report.counterexample is not None, slip
