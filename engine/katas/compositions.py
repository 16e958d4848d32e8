"""The built-in katas' references: compositions of the registered models, SI in, Result out.

Each function is registered with ``@composition(name)`` and takes exactly the SI parameters
of the kata(s) that name it (``reference = name``), so a deck needs no ``mapping``. Each
reuses the model functions of ``engine.models`` (converting units where a model takes hours)
and records the derivation as ``Step``\\s: the player sees them beside their own code after a
submit. Monte Carlo katas put the one-trial standard deviation of the simulated quantity in
``outputs["stderr_per_sqrt_trial"]`` (closed form), from which ``reference_value`` derives the
standard error at the kata's trial count, and the jump one rare failure makes to a trial in
``outputs["stderr_event_size"]`` (see ``references.monte_carlo_stderr``).

Katas that fix a GPU ("on H100 SXM…") read its figures from the hardware catalog, so the
reference and the catalog cannot disagree; the prompts quote the same numbers (a test
checks them).

Imported by ``engine.katas.references.compositions()`` on first use, never at start-up.
"""

from __future__ import annotations

import math
from functools import cache

from engine.katas.references import composition
from engine.models.base import Result, Step
from engine.models.communication import allgather_time, allreduce_time
from engine.models.compute import mfu as model_mfu
from engine.models.compute import train_time
from engine.models.energy import energy, inference_cost
from engine.models.inference import decode_step_time, roofline_time
from engine.models.memory import kv_cache
from engine.models.parallelism import effective_throughput
from engine.models.queueing import erlang_b, erlang_c
from engine.models.reliability import (
    checkpoint_interval,
    expected_segment_seconds,
    job_failure_prob,
    straggler_step,
)

SECONDS_PER_HOUR = 3600.0
#: Bytes of one bf16 value (weights, gradients, activations in the katas that say bf16).
BF16_BYTES = 2.0
#: The 48B model of the energy kata (the interview guide's example).
ENERGY_KATA_PARAMS = 48e9
#: Most servers the over-provisioning search will try: the kata's domain needs ~4,000.
MAX_SERVERS_SEARCHED = 1_000_000


@cache
def catalog_figure(reference: str) -> float:
    """A figure from the built-in hardware catalog, e.g. ``"h100_sxm.bf16_dense_flops"``."""
    from content.catalog import builtin_catalog

    return builtin_catalog().lookup(reference).value


def _with(result: Result, *, value: float | None = None, unit: str | None = None,
          before: tuple[Step, ...] = (), after: tuple[Step, ...] = (),
          outputs: dict[str, float | str] | None = None) -> Result:
    """``result`` with steps added around its own and, optionally, a new value and outputs."""
    merged = dict(result.outputs)
    merged.update(outputs or {})
    return Result(result.value if value is None else value, result.unit if unit is None
                  else unit, before + tuple(result.steps) + after, merged,
                  dict(result.output_units))


# -- reliability ----------------------------------------------------------------------------


@composition("fail_before_checkpoint")
def fail_before_checkpoint(n_gpus: float, mtbf_gpu_hours: float, interval_s: float) -> Result:
    """P(at least one of n independent exponential failures lands within the interval).

    p = 1 − exp(−n·T/MTBF) with T = ``interval_s`` / 3600 in hours (``job_failure_prob``): the
    first of n failures is itself exponential with rate n/MTBF. A simulation counts trials
    whose first failure comes before T: a Bernoulli(p) per trial, whose standard deviation
    √(p(1−p)) is the one-trial spread (``stderr_per_sqrt_trial``).
    """
    hours = interval_s / SECONDS_PER_HOUR
    result = job_failure_prob(n_gpus, hours, mtbf_gpu_hours)
    p = result.value
    spread = math.sqrt(max(p * (1.0 - p), 0.0))
    return _with(result, before=(Step("Interval in hours = interval_s / 3600", hours,
                                      "hour"),),
                 after=(Step("One trial's standard deviation √(p(1−p))", spread, ""),),
                 outputs={"stderr_per_sqrt_trial": spread, "stderr_event_size": 1.0})


def _truncated_exponential_moments(rate: float, length: float) -> tuple[float, float]:
    """E[T] and E[T²] of T ~ Exp(rate) conditioned on T < length (Gauss–Legendre, 32 nodes:
    exact to ~1e-15 for rate·length ≤ 50, with no cancellation when rate·length is tiny)."""
    import numpy as np

    nodes, weights = np.polynomial.legendre.leggauss(32)
    t = (nodes + 1.0) * length / 2.0
    w = weights * length / 2.0
    density = rate * np.exp(-rate * t) / -math.expm1(-rate * length)
    return float(np.dot(w, t * density)), float(np.dot(w, t * t * density))


@composition("segment_wall_clock")
def segment_wall_clock(n_gpus: float, mtbf_gpu_hours: float, segment_s: float,
                       restart_s: float) -> Result:
    """Expected wall time to get one checkpoint segment of L seconds done when the job fails
    at rate λ = n/MTBF and each failure loses the work since the segment began plus R.

    E[S] = (e^{λL} − 1)(1/λ + R) (Daly 2006 eq. 4; ``expected_segment_seconds``). For the
    simulation's standard error: S = L + Σ_{i≤K}(T_i + R), K ~ Geometric (failures before a
    clean run, q = e^{−λL}), T_i ~ Exp(λ) truncated to [0, L), so
    Var S = E[K]·Var T + Var K·(E[T] + R)², E[K] = (1−q)/q, Var K = (1−q)/q².
    """
    if n_gpus < 1 or mtbf_gpu_hours <= 0 or segment_s <= 0 or restart_s < 0:
        raise ValueError("n_gpus ≥ 1, mtbf_gpu_hours > 0, segment_s > 0, restart_s ≥ 0")
    rate = n_gpus / (mtbf_gpu_hours * SECONDS_PER_HOUR)
    exponent = rate * segment_s
    if exponent > 40:
        raise ValueError(f"λL = {exponent:.3g}: the segment would be retried ~e^{exponent:.0f} "
                         "times")
    mean = expected_segment_seconds(segment_s, rate, restart_s)
    fail = -math.expm1(-exponent)  # 1 − q
    q = 1.0 - fail
    failures_mean = math.expm1(exponent)  # (1 − q)/q
    failures_var = failures_mean / q
    lost_mean, lost_square = _truncated_exponential_moments(rate, segment_s)
    lost_var = max(lost_square - lost_mean**2, 0.0)
    variance = failures_mean * lost_var + failures_var * (lost_mean + restart_s) ** 2
    spread = math.sqrt(variance)
    return Result(
        mean,
        "s",
        (
            Step("Job failure rate λ = n / (MTBF per GPU · 3600)", rate, "1/s"),
            Step("λ·L (expected failures per attempt of the segment)", exponent, ""),
            Step("Expected failures before a clean run E[K] = e^{λL} − 1", failures_mean, ""),
            Step("Work lost per failure E[T | T < L] = 1/λ − L/(e^{λL} − 1)", lost_mean, "s"),
            Step("E[wall] = L + E[K]·(E[T|T<L] + R) = (e^{λL} − 1)(1/λ + R)", mean, "s"),
            Step("One trial's standard deviation √(E[K]·Var T + Var K·(E[T] + R)²)", spread,
                 "s"),
        ),
        {"stderr_per_sqrt_trial": spread, "stderr_event_size": lost_mean + restart_s,
         "expected_failures": failures_mean, "lost_per_failure_s": lost_mean},
        {"stderr_per_sqrt_trial": "s", "stderr_event_size": "s", "lost_per_failure_s": "s"},
    )


@composition("daly_interval")
def daly_interval(checkpoint_s: float, mtbf_job_s: float) -> Result:
    """Daly's higher-order optimum checkpoint interval (``checkpoint_interval``, method
    daly): τ = √(2δM)·[1 + ⅓√(δ/2M) + (1/9)(δ/2M)] − δ for δ < 2M, else τ = M."""
    return checkpoint_interval(checkpoint_s, mtbf_job_s, method="daly")


@composition("jitter_convergence_time")
def jitter_convergence_time(steps: float, n_gpus: float, step_mean_s: float,
                            jitter_sd_s: float) -> Result:
    """Time to converge = steps × E[synchronous step], E[step] = μ + σ·E[max of n N(0,1)]
    (``straggler_step``): every step waits for its slowest rank."""
    step = straggler_step(step_mean_s, jitter_sd_s, n_gpus)
    total = steps * step.value
    no_jitter = steps * step_mean_s
    return _with(step, value=total,
                 after=(Step("Time to converge = steps × E[step]", total, "s"),
                        Step("Without jitter = steps × μ", no_jitter, "s"),
                        Step("Jitter costs", total - no_jitter, "s")),
                 outputs={"step_s": step.value})


@composition("straggler_tail")
def straggler_tail(n_gpus: float, step_mean_s: float, jitter_sd_s: float,
                   quantile: float) -> Result:
    """The ``quantile`` of a synchronous step time: P(max ≤ t) = Φ((t − μ)/σ)ⁿ, so
    t_q = μ + σ·Φ⁻¹(q^{1/n}) (order statistics, e.g. David & Nagaraja, "Order Statistics",
    §2.1). The maximum's CDF is the n-th power of one rank's."""
    from scipy.special import ndtri  # lazy: scipy.special costs ~0.25 s to import

    n = int(n_gpus)
    if n != n_gpus or n < 1:
        raise ValueError("n_gpus must be a whole number ≥ 1")
    if not 0.0 < quantile < 1.0 or jitter_sd_s < 0:
        raise ValueError("quantile must be in (0, 1) and jitter_sd_s ≥ 0")
    per_rank = -math.expm1(math.log(quantile) / n)  # 1 − q^{1/n}, without cancellation
    z = float(-ndtri(per_rank))  # Φ⁻¹(q^{1/n}) = −Φ⁻¹(1 − q^{1/n})
    seconds = step_mean_s + jitter_sd_s * z
    return Result(
        seconds,
        "s",
        (
            Step("Each rank must be below t with probability q^{1/n}", 1.0 - per_rank, ""),
            Step("z = Φ⁻¹(q^{1/n})", z, ""),
            Step("t_q = μ + σ·z", seconds, "s"),
        ),
        {"z": z},
    )


# -- communication --------------------------------------------------------------------------


@composition("allreduce_crossover_bytes")
def allreduce_crossover_bytes(ranks: float, bandwidth: float, latency: float) -> Result:
    """Message size below which a (double binary) tree all-reduce beats a ring.

    From ``allreduce_time``: ring = 2(p−1)α + 2(p−1)/p·S/B, tree = 2⌈log₂p⌉α + 2S/B. The tree
    pays 2S/(pB) more per byte and saves 2α(p−1−⌈log₂p⌉) of latency, so it wins while
    S < p·B·α·(p − 1 − ⌈log₂p⌉); 0 when it never wins (p ≤ 3).
    """
    if ranks < 2:
        raise ValueError("ranks must be at least 2 (one rank does not communicate)")
    ring_latency = allreduce_time(0.0, ranks, bandwidth, latency, "ring").outputs["latency_s"]
    tree_latency = allreduce_time(0.0, ranks, bandwidth, latency, "tree").outputs["latency_s"]
    ring_per_byte = allreduce_time(1.0, ranks, bandwidth, 0.0, "ring").value
    tree_per_byte = allreduce_time(1.0, ranks, bandwidth, 0.0, "tree").value
    assert isinstance(ring_latency, float) and isinstance(tree_latency, float)
    saved = ring_latency - tree_latency
    extra_per_byte = tree_per_byte - ring_per_byte
    crossover = max(saved / extra_per_byte, 0.0) if saved > 0 else 0.0
    return Result(
        crossover,
        "byte",
        (
            Step("Ring latency 2(p−1)·α", ring_latency, "s"),
            Step("Tree latency 2·⌈log₂p⌉·α", tree_latency, "s"),
            Step("Latency the tree saves", saved, "s"),
            Step("Extra tree time per byte 2/B − 2(p−1)/(pB) = 2/(pB)", extra_per_byte, "s"),
            Step("Crossover S* = saved / extra per byte (0 if the tree never wins)", crossover,
                 "byte"),
        ),
    )


@composition("zero3_step_comm")
def zero3_step_comm(params: float, ranks: float, bandwidth: float) -> Result:
    """Communication time of one ZeRO-3 (FSDP) step, bf16, ring collectives, no overlap.

    Parameters are all-gathered before the forward pass and again before the backward
    pass, and gradients reduce-scattered after it: three collectives each moving
    (p−1)/p·S with S = 2Ψ bytes (``allgather_time``; reduce-scatter costs the same), i.e.
    3Ψ-equivalent volume against plain data parallelism's 2Ψ all-reduce [ZeRO §7.2.2].
    """
    payload = BF16_BYTES * params
    gather = allgather_time(payload, ranks, bandwidth, 0.0)
    total = 3.0 * gather.value
    dp_allreduce = allreduce_time(payload, ranks, bandwidth, 0.0).value
    return _with(gather, value=total,
                 before=(Step("bf16 parameters S = 2·Ψ", payload, "byte"),),
                 after=(Step("3 collectives: all-gather (fwd), all-gather (bwd), "
                             "reduce-scatter (grads)", total, "s"),
                        Step("Plain DP all-reduce of the same gradients, for comparison",
                             dp_allreduce, "s")),
                 outputs={"dp_allreduce_s": dp_allreduce})


# -- memory and compute ---------------------------------------------------------------------


@composition("kv_max_batch")
def kv_max_batch(free_bytes: float, layers: float, kv_heads: float, head_dim: float,
                 context_tokens: float, bytes_per_value: float) -> Result:
    """Sequences whose KV cache fits in ``free_bytes``: ⌊free / (2·L·n_kv·d·b·T)⌋
    (``kv_cache`` per sequence; the 2 is one K and one V per head)."""
    if free_bytes < 0:
        raise ValueError("free_bytes cannot be negative")
    cache = kv_cache(layers, kv_heads, head_dim, context_tokens, 1.0, bytes_per_value)
    per_sequence = cache.value
    sequences = float(math.floor(free_bytes / per_sequence))
    return _with(cache, value=sequences, unit="",
                 after=(Step("Free memory", free_bytes, "byte"),
                        Step("Max batch = ⌊free / per sequence⌋", sequences, "")),
                 outputs={"bytes_per_sequence": per_sequence})


@composition("h100_matmul_time")
def h100_matmul_time(m: float, k: float, n: float) -> Result:
    """Roofline time of a bf16 (m×k)·(k×n) matmul on one H100 SXM: FLOPs = 2·m·k·n, bytes =
    2·(mk + kn + mn) (read both inputs, write the output once), t = max(FLOPs/peak,
    bytes/BW) with the catalog's dense BF16 peak and HBM bandwidth (``roofline_time``)."""
    flops = 2.0 * m * k * n
    moved = BF16_BYTES * (m * k + k * n + m * n)
    result = roofline_time(flops, moved, catalog_figure("h100_sxm.bf16_dense_flops"),
                           catalog_figure("h100_sxm.memory_bandwidth"))
    return _with(result, before=(Step("FLOPs = 2·m·k·n", flops, "FLOP"),
                                 Step("Bytes = 2·(mk + kn + mn)", moved, "byte")))


@composition("a100_decode_throughput")
def a100_decode_throughput(params: float, batch: float, kv_bytes_per_seq: float) -> Result:
    """Decode tokens/s of a bf16 model on one A100 80 GB: step = B·KV/BW + max(2·B·N/peak,
    2·N/BW) (``decode_step_time`` with the catalog's dense BF16 peak and HBM bandwidth);
    tokens/s = B / step. Memory-bound (weights re-read every step) until
    B ≈ peak/BW, then compute-bound."""
    peak = catalog_figure("a100_80gb.bf16_dense_flops")
    bandwidth = catalog_figure("a100_80gb.memory_bandwidth")
    step = decode_step_time(params, 1.0, batch, peak, bandwidth, BF16_BYTES, kv_bytes_per_seq)
    rate = step.outputs["tokens_per_s"]
    assert isinstance(rate, float)
    saturation = peak / bandwidth
    return _with(step, value=rate, unit="token/s",
                 after=(Step("Batch where compute catches up with the weight read "
                             "= peak / BW (bf16)", saturation, ""),),
                 outputs={"step_s": step.value, "saturation_batch": saturation})


@composition("h100_mfu")
def h100_mfu(tokens_per_s: float, params: float, gpus: float) -> Result:
    """MFU = 6·N·tokens/s / (gpus × dense BF16 peak of an H100 SXM) (``mfu``; PaLM App. B
    without the attention term). The dense peak, not the 2:4-sparse datasheet headline."""
    return model_mfu(tokens_per_s, params, gpus, catalog_figure("h100_sxm.bf16_dense_flops"))


@composition("h100_train_time")
def h100_train_time(params: float, tokens: float, gpus: float, mfu: float) -> Result:
    """Time to train = 6·N·D / (gpus × dense BF16 peak of an H100 SXM × MFU) (``train_time``)."""
    return train_time(params, tokens, gpus, catalog_figure("h100_sxm.bf16_dense_flops"), mfu)


@composition("train_energy_48b")
def train_energy_48b(tokens: float, peak_flops: float, power_w: float, mfu: float,
                     pue: float) -> Result:
    """Facility energy to train a 48B dense model: GPU-seconds = 6·N·D / (peak·MFU)
    (``train_time`` on one GPU: the GPU count cancels), energy = GPU-seconds × P × PUE
    (``energy``, which takes hours)."""
    time = train_time(ENERGY_KATA_PARAMS, tokens, 1.0, peak_flops, mfu)
    gpu_hours = time.value / SECONDS_PER_HOUR
    joules = energy(power_w, gpu_hours, 1.0, pue)
    return _with(joules,
                 before=(Step("Parameters N", ENERGY_KATA_PARAMS, "parameter"),
                         *time.steps[:2],
                         Step("GPU-seconds = 6·N·D / (peak × MFU)", time.value, "s"),
                         Step("GPU-hours (the GPU count cancels)", gpu_hours, "hour")),
                 outputs={"gpu_hours": gpu_hours})


@composition("grad_accum_throughput")
def grad_accum_throughput(microbatch_tokens: float, microbatch_s: float, accum_steps: float,
                          dp: float, allreduce_exposed_s: float) -> Result:
    """Global tokens/s with gradient accumulation: a step runs m microbatches, then one
    data-parallel all-reduce: tokens/s = dp·m·tokens_mb / (m·t_mb + t_AR)
    (``effective_throughput`` with one pipeline stage, so no bubble, and no failures)."""
    tokens_per_step = microbatch_tokens * accum_steps * dp
    result = effective_throughput(tokens_per_step, accum_steps * microbatch_s, 1.0,
                                  accum_steps, allreduce_exposed_s)
    return _with(result, before=(Step("Tokens per step = dp × m × tokens per microbatch",
                                      tokens_per_step, "token"),
                                 Step("Compute per step = m × t_mb",
                                      accum_steps * microbatch_s, "s")))


# -- serving, data, queues ------------------------------------------------------------------


@composition("cost_per_request")
def cost_per_request(peak_rps: float, peak_to_mean: float, gpu_s_per_request: float,
                     usd_per_gpu_hour: float, swap_fraction: float, swap_penalty_s: float,
                     response_bytes: float, usd_per_egress_gb: float) -> Result:
    """USD per request of a fleet sized for its peak and paid for around the clock.

    GPU-seconds per request g = g₀ + f_swap·t_swap (a swapped KV cache costs t_swap more);
    GPUs = ⌈peak_rps·g⌉; compute cost per request = GPUs × price / (3600 × mean rps) with
    mean rps = peak / (peak-to-mean) (``inference_cost`` counting requests for tokens);
    egress per request = bytes / 1e9 × USD per GB (decimal GB, as clouds bill it).
    """
    if min(peak_rps, peak_to_mean, gpu_s_per_request) <= 0 or peak_to_mean < 1:
        raise ValueError("peak_rps and gpu_s_per_request must be positive, peak_to_mean ≥ 1")
    gpu_seconds = gpu_s_per_request + swap_fraction * swap_penalty_s
    gpus = float(math.ceil(peak_rps * gpu_seconds))
    mean_rps = peak_rps / peak_to_mean
    compute = inference_cost(mean_rps, usd_per_gpu_hour, gpus, 1.0)
    compute_per_request = compute.value / 1e6
    egress = response_bytes / 1e9 * usd_per_egress_gb
    total = compute_per_request + egress
    return Result(
        total,
        "USD",
        (
            Step("GPU-seconds per request = g₀ + swap fraction × swap penalty", gpu_seconds,
                 "s"),
            Step("GPUs for the peak = ⌈peak rps × GPU-seconds⌉", gpus, ""),
            Step("Mean rps = peak / peak-to-mean", mean_rps, "1/s"),
            *compute.steps,
            Step("Compute per request = USD per 1M / 1e6", compute_per_request, "USD"),
            Step("Egress per request = bytes / 1e9 × USD per GB", egress, "USD"),
            Step("Cost per request", total, "USD"),
        ),
        {"gpus": gpus, "compute_usd": compute_per_request, "egress_usd": egress},
        {"compute_usd": "USD", "egress_usd": "USD"},
    )


@composition("loader_throughput")
def loader_throughput(batch_size: float, compute_s: float, load_s: float,
                      workers: float) -> Result:
    """Samples/s of a training loop fed by a data loader.

    ``workers = 0``: the loop loads each batch itself, then computes: batch / (load + compute).
    ``workers ≥ 1``: each worker prepares whole batches in the background (prefetching), so
    the two stages overlap and the slower sets the pace: batch × min(1/compute,
    workers/load) — a pipeline's throughput is its bottleneck's.
    """
    if workers < 0 or compute_s <= 0 or load_s <= 0 or batch_size <= 0:
        raise ValueError("workers ≥ 0; batch_size, compute_s and load_s positive")
    gpu_rate = 1.0 / compute_s
    if workers == 0:
        step = load_s + compute_s
        rate = batch_size / step
        steps = (Step("No workers: step = load + compute (no overlap)", step, "s"),
                 Step("Samples/s = batch / step", rate, "1/s"))
        loader_rate = 1.0 / load_s
    else:
        loader_rate = workers / load_s
        batches = min(gpu_rate, loader_rate)
        rate = batch_size * batches
        steps = (Step("GPU consumes batches/s = 1 / compute", gpu_rate, "1/s"),
                 Step("Workers produce batches/s = workers / load", loader_rate, "1/s"),
                 Step("Pipeline runs at the slower: min(…)", batches, "1/s"),
                 Step("Samples/s = batch × batches/s", rate, "1/s"))
    bound = "loader" if loader_rate < gpu_rate else "gpu"
    return Result(rate, "1/s", steps, {"bound": bound,
                                       "workers_to_saturate": float(math.ceil(load_s / compute_s))})


def _queue(servers: float, utilisation: float, mean_job_s: float) -> Result:
    if mean_job_s <= 0:
        raise ValueError("mean_job_s must be positive")
    arrival_rate = utilisation * servers / mean_job_s
    return erlang_c(arrival_rate, 1.0 / mean_job_s, servers)


@composition("gpu_queue_wait")
def gpu_queue_wait(servers: float, utilisation: float, mean_job_s: float) -> Result:
    """Mean wait for a GPU allocation in an M/M/c queue at utilisation ρ: λ = ρ·c/S,
    μ = 1/S, W_q = C(c, A)/(cμ − λ) (``erlang_c``: Erlang C through the Erlang-B
    recursion)."""
    queue = _queue(servers, utilisation, mean_job_s)
    wait = queue.outputs["mean_wait_s"]
    assert isinstance(wait, float)
    return _with(queue, value=wait, unit="s",
                 before=(Step("Arrival rate λ = ρ·c / S", utilisation * servers / mean_job_s,
                              "1/s"),),
                 outputs={"p_wait": queue.value})


@composition("min_servers_for_wait")
def min_servers_for_wait(arrival_rate: float, mean_job_s: float, max_wait_s: float) -> Result:
    """Fewest servers (GPU nodes) whose M/M/c mean wait is at most ``max_wait_s``.

    Start at the first stable size c = ⌊A⌋ + 1 (A = λ·S Erlangs), step c up with the Erlang-B
    recursion B_c = A·B_{c−1}/(c + A·B_{c−1}) until W_q = C/(cμ − λ) ≤ target, C = c·B/(c −
    A(1 − B)); the last size is re-run through ``erlang_c`` for its steps. W_q falls as c
    grows, so the first size that meets the target is the answer.
    """
    if arrival_rate <= 0 or mean_job_s <= 0 or max_wait_s <= 0:
        raise ValueError("arrival_rate, mean_job_s and max_wait_s must be positive")
    load = arrival_rate * mean_job_s
    service_rate = 1.0 / mean_job_s
    servers = math.floor(load) + 1
    blocking = erlang_b(load, servers)
    while True:
        wait_probability = servers * blocking / (servers - load * (1.0 - blocking))
        wait = wait_probability / (servers * service_rate - arrival_rate)
        if wait <= max_wait_s:
            break
        servers += 1
        if servers > MAX_SERVERS_SEARCHED:
            raise ValueError("no cluster of up to 1e6 servers meets the wait target")
        blocking = load * blocking / (servers + load * blocking)
    queue = erlang_c(arrival_rate, service_rate, servers)
    return _with(queue, value=float(servers), unit="",
                 before=(Step("Offered load A = λ·S (busy servers on average)", load, ""),
                         Step("Smallest stable size ⌊A⌋ + 1", math.floor(load) + 1.0, "")),
                 after=(Step("Fewest servers with W_q ≤ target", float(servers), ""),
                        Step("Over-provisioning c − A", servers - load, "")))
