"""Case compositions for the depth cases (see ``engine.cases.references`` for the contract).

Each function is registered with ``@composition``; a case step names it as its reference.
Imported once, at the end of ``engine.cases.references``, so registering never depends on
which case is posed first.

These are the links the technical-depth and technical-screen cases chain through: the range
and scale of an FP8 format, a step made faster on part of its time (Amdahl), the largest
micro-batch that fits and the accumulation that keeps the global batch, a data loader that
overlaps or not, the slowest-of-N step from E[max], and goodput from checkpoint waste. Each
takes an earlier step's number as an input (that is why they exist: a registered model takes
parameters, not a player's figure), states its formula, its source and a worked number, and
returns its derivation as show-work steps.
"""

from __future__ import annotations

import math

from engine.cases.references import SECONDS_PER_HOUR, composition
from engine.models.base import Result, Step


def _positive(**values: float) -> None:
    for key, value in values.items():
        if not value > 0:
            raise ValueError(f"{key} must be positive, not {value:g}")


def _fraction(name: str, value: float, *, allow_zero: bool = True,
              allow_one: bool = True) -> None:
    low_ok = value >= 0 if allow_zero else value > 0
    high_ok = value <= 1 if allow_one else value < 1
    if not (low_ok and high_ok):
        raise ValueError(f"{name} must be a fraction in [0, 1], not {value:g}")


# -- number formats ---------------------------------------------------------------------------


def _fp8_limits(exponent_bits: float, mantissa_bits: float,
                reclaims_specials: float) -> tuple[float, float, float, float]:
    """(max normal, min normal, min subnormal, bias) of a binary float format."""
    e, m = int(exponent_bits), int(mantissa_bits)
    if e != exponent_bits or m != mantissa_bits or not 2 <= e <= 11 or not 1 <= m <= 52:
        raise ValueError("exponent_bits (2–11) and mantissa_bits (1–52) must be whole numbers")
    if reclaims_specials not in (0.0, 1.0):
        raise ValueError("reclaims_specials must be 1 (E4M3-style) or 0 (IEEE-style)")
    bias = 2 ** (e - 1) - 1
    if reclaims_specials:
        # No infinities; only the all-ones exponent with all-ones mantissa is NaN, so the top
        # exponent holds normal numbers and the largest mantissa is one step below all-ones.
        max_normal = 2.0 ** (2 ** e - 1 - bias) * (2.0 - 2.0 ** (1 - m))
    else:
        # IEEE 754: the all-ones exponent is Inf/NaN, so the largest exponent is one below.
        max_normal = 2.0 ** (2 ** e - 2 - bias) * (2.0 - 2.0 ** (-m))
    min_normal = 2.0 ** (1 - bias)
    min_subnormal = 2.0 ** (1 - bias - m)
    return max_normal, min_normal, min_subnormal, float(bias)


@composition("fp8_format_range",
             {"exponent_bits": "", "mantissa_bits": "", "reclaims_specials": ""}, "",
             "binades = log2(max normal / min normal)")
def fp8_format_range(exponent_bits: float, mantissa_bits: float,
                     reclaims_specials: float) -> Result:
    """Dynamic range of a binary float format in binades: log2(max normal / min normal).

    bias = 2^(e−1) − 1; min normal = 2^(1 − bias); min subnormal = 2^(1 − bias − m). The
    largest normal is 2^(2^e − 2 − bias)·(2 − 2^−m) for an IEEE-style format (the top
    exponent is Inf/NaN), and 2^(2^e − 1 − bias)·(2 − 2^(1−m)) for E4M3, which has no
    infinities and keeps only S.1111.111 for NaN (``reclaims_specials`` = 1). Variables:
    e = ``exponent_bits``, m = ``mantissa_bits``. Outputs ``max_normal``, ``min_normal``,
    ``min_subnormal`` (plain numbers).

    Source: Micikevicius et al. 2022, "FP8 Formats for Deep Learning" (arXiv 2209.05433),
    Table 1, and the OCP 8-bit Floating Point Specification (OFP8) rev. 1.0, Tables 1–2.
    Worked numbers: E4M3 max 448 = 1.75·2^8, min normal 2^−6, min subnormal 2^−9, so
    log2(448 / 2^−6) = 14.81 binades; E5M2 max 57,344 = 1.75·2^15, min normal 2^−14,
    min subnormal 2^−16, 29.81 binades.
    """
    max_normal, min_normal, min_subnormal, bias = _fp8_limits(exponent_bits, mantissa_bits,
                                                              reclaims_specials)
    binades = math.log2(max_normal / min_normal)
    return Result(binades, "", (
        Step("Exponent bias = 2^(e−1) − 1", bias, ""),
        Step("Largest normal", max_normal, ""),
        Step("Smallest normal = 2^(1 − bias)", min_normal, ""),
        Step("Smallest subnormal = 2^(1 − bias − m)", min_subnormal, ""),
        Step("Normal range = log2(max / min normal), in binades", binades, ""),
    ), {"max_normal": max_normal, "min_normal": min_normal, "min_subnormal": min_subnormal})


@composition("fp8_scale_factor", {"max_normal": "", "amax": "", "margin_binades": ""}, "",
             "scale = max_normal / amax / 2^margin")
def fp8_scale_factor(max_normal: float, amax: float, margin_binades: float) -> Result:
    """Per-tensor scale that maps a tensor's largest magnitude to just under the format's top.

    scale = F_max / amax / 2^margin, so scale·amax = 2^−margin·F_max: the scaled tensor uses
    the top of the FP8 range and its small values move up out of the subnormals and zero (the
    job loss scaling did for FP16). Variables: F_max = ``max_normal`` (448 for E4M3, 57,344
    for E5M2), ``amax`` (the largest |x| seen, from the amax history), margin =
    ``margin_binades`` (headroom in powers of two). The tensor is multiplied by the scale
    before the cast and the matmul output divided by it.

    Source: NVIDIA Transformer Engine, ``DelayedScaling`` recipe and
    ``nvte_delayed_scaling_recipe_amax_and_scale_update``: "the scaling factor is estimated
    so the FP8 tensor's maximum absolute value is 2^−margin · max_fp8_dtype". Worked
    number: an E5M2 gradient with amax 0.5 and margin 0 → 57,344 / 0.5 = 114,688; with
    margin 1 → 57,344.
    """
    _positive(max_normal=max_normal, amax=amax)
    if margin_binades < 0:
        raise ValueError(f"margin_binades must be non-negative, not {margin_binades:g}")
    target = max_normal / 2.0 ** margin_binades
    scale = target / amax
    return Result(scale, "", (
        Step("Target amax after scaling = F_max / 2^margin", target, ""),
        Step("Scale = target / amax", scale, ""),
        Step("Binades the tensor moves up = log2(scale)", math.log2(scale), ""),
    ))


@composition("weight_bytes", {"params": "parameter", "bytes_per_param": "byte"}, "byte",
             "bytes = N · bytes per parameter")
def weight_bytes(params: float, bytes_per_param: float) -> Result:
    """Bytes of a model's weights: N · b.

    Variables: N = ``params``, b = ``bytes_per_param`` (4 fp32, 2 bf16/fp16, 1 fp8/int8,
    0.5 int4). Source: jax-ml "How to Scale Your Model", inference chapter: "in int8, our
    parameters will use 30e9 bytes" for a 30B model; kipply, "Transformer Inference
    Arithmetic": 2·N bytes in bf16. Worked number: the book's 18.4e9-parameter model in
    bf16 is 36.8e9 bytes, in int8 18.4e9 bytes.
    """
    _positive(params=params, bytes_per_param=bytes_per_param)
    total = params * bytes_per_param
    return Result(total, "byte", (Step("Weight bytes = N × bytes per parameter", total,
                                       "byte"),))


# -- time and its sums ------------------------------------------------------------------------


@composition("faster_math_step_seconds",
             {"step_s": "s", "math_fraction": "", "old_flops": "FLOP/s",
              "new_flops": "FLOP/s"}, "s",
             "t' = t·((1 − f) + f·old/new)")
def faster_math_step_seconds(step_s: float, math_fraction: float, old_flops: float,
                             new_flops: float) -> Result:
    """Step time after the matmuls move to a faster number format (Amdahl's law).

    t' = t·((1 − f) + f / k), k = new peak / old peak. Only the fraction f of the step that
    runs at the tensor-core peak speeds up; the rest (communication, normalisation,
    optimizer, data) does not. Variables: t = ``step_s``, f = ``math_fraction``,
    ``old_flops``/``new_flops`` the dense peaks before and after (e.g. BF16 and FP8 of one
    GPU). Output ``speedup`` = t / t'.

    Source: Amdahl's law as stated in Bryant & O'Hallaron, "Computer Systems: A Programmer's
    Perspective", §1.9.1: S = 1 / ((1 − α) + α/k); their example α = 0.6, k = 3 gives
    1/(0.4 + 0.2) = 1.67×. Worked number: a 10 s step, 70 % in matmuls, BF16 989.4 →
    FP8 1,978.9 TFLOP/s (k = 2.0001) → 10·(0.3 + 0.35) = 6.50 s.
    """
    _positive(step_s=step_s, old_flops=old_flops, new_flops=new_flops)
    _fraction("math_fraction", math_fraction)
    k = new_flops / old_flops
    seconds = step_s * ((1.0 - math_fraction) + math_fraction / k)
    return Result(seconds, "s", (
        Step("Peak ratio k = new / old", k, ""),
        Step("Part that speeds up = t·f / k", step_s * math_fraction / k, "s"),
        Step("Part that does not = t·(1 − f)", step_s * (1.0 - math_fraction), "s"),
        Step("New step = sum", seconds, "s"),
        Step("Speedup = t / t'", step_s / seconds, ""),
    ), {"speedup": step_s / seconds})


@composition("repeated_seconds", {"repeats": "", "each_s": "s"}, "s",
             "total = repeats · each")
def repeated_seconds(repeats: float, each_s: float) -> Result:
    """Total time of ``repeats`` identical steps of ``each_s`` seconds: T = n·t.

    Source: models.md A14 (convergence time = steps × E[step]); jax-ml "How to Scale Your
    Model", applied-training chapter (time = steps × step time). Worked number: 30,000 steps
    of 1.2 s = 36,000 s = 10 hours.
    """
    _positive(repeats=repeats, each_s=each_s)
    total = repeats * each_s
    return Result(total, "s", (
        Step("Total = repeats × time each", total, "s"),
        Step("= hours (÷ 3600)", total / SECONDS_PER_HOUR, "hour"),
    ), {"hours": total / SECONDS_PER_HOUR}, {"hours": "hour"})


@composition("gpu_hours_saved",
             {"before_s": "s", "after_s": "s", "repeats": "", "gpus": ""}, "hour",
             "GPU-hours = (before − after) · repeats · gpus / 3600")
def gpu_hours_saved(before_s: float, after_s: float, repeats: float, gpus: float) -> Result:
    """GPU-hours a change saves (or a fault costs): (t_before − t_after) · n · G / 3600.

    Every GPU of a synchronous job waits out the slower time, so a saving of Δt per
    repetition is Δt·G GPU-seconds. Variables: ``before_s`` and ``after_s`` (time of one
    repetition — a step, an epoch — before and after), n = ``repeats``, G = ``gpus``. Worked
    number: an epoch cut from 3.0 h to 2.0 h (the guide's "cut epoch time 33 %"), 10 epochs
    on 64 GPUs → 1 h · 10 · 64 = 640 GPU-hours.
    """
    _positive(before_s=before_s, after_s=after_s, repeats=repeats, gpus=gpus)
    if after_s >= before_s:
        raise ValueError(f"after_s ({after_s:g} s) must be shorter than before_s "
                         f"({before_s:g} s): nothing is saved")
    delta = before_s - after_s
    hours = delta * repeats * gpus / SECONDS_PER_HOUR
    return Result(hours, "hour", (
        Step("Saved per repetition = before − after", delta, "s"),
        Step("Fraction saved = Δ / before", delta / before_s, ""),
        Step("GPU-hours = Δ × repeats × gpus / 3600", hours, "hour"),
    ), {"fraction_saved": delta / before_s})


@composition("loader_step_seconds", {"load_s": "s", "compute_s": "s", "workers": ""}, "s",
             "no workers: load + compute; workers w: max(load / w, compute)")
def loader_step_seconds(load_s: float, compute_s: float, workers: float) -> Result:
    """Training step time as set by its data loader.

    With ``workers`` = 0 the loop loads each batch itself and then computes: t = load +
    compute. With w ≥ 1 background workers prefetching whole batches, loading overlaps
    compute and the slower stage sets the pace: t = max(load / w, compute). Output
    ``loader_bound`` is 1 when loading still sets the pace. Variables: ``load_s`` (time to
    read, decode and augment one batch on one worker), ``compute_s`` (the GPU's time for the
    batch). Source: PyTorch ``DataLoader`` (``num_workers``, ``prefetch_factor``): workers
    prepare batches in parallel with the main loop; a pipeline's throughput is its slowest
    stage's. Worked number: load 0.9 s, compute 0.6 s: serial 1.5 s; 2 workers → max(0.45,
    0.6) = 0.6 s (compute-bound, 60 % faster); 1 worker → 0.9 s (loader-bound).
    """
    _positive(load_s=load_s, compute_s=compute_s)
    if workers < 0 or workers != int(workers):
        raise ValueError(f"workers must be a whole number ≥ 0, not {workers:g}")
    if workers == 0:
        seconds = load_s + compute_s
        return Result(seconds, "s", (
            Step("No prefetch: step = load + compute (nothing overlaps)", seconds, "s"),
        ), {"loader_bound": 1.0})
    per_batch = load_s / workers
    seconds = max(per_batch, compute_s)
    bound = per_batch > compute_s
    return Result(seconds, "s", (
        Step("Loader time per batch with w workers = load / w", per_batch, "s"),
        Step("GPU time per batch", compute_s, "s"),
        Step(f"Step = max(…) ({'loader' if bound else 'compute'}-bound)", seconds, "s"),
    ), {"loader_bound": 1.0 if bound else 0.0})


# -- memory and batch -------------------------------------------------------------------------


@composition("max_micro_batch",
             {"memory_bytes": "byte", "usable_fraction": "", "reserved_bytes": "byte",
              "bytes_per_sequence": "byte"}, "",
             "b = floor((HBM · usable − reserved) / bytes per sequence)")
def max_micro_batch(memory_bytes: float, usable_fraction: float, reserved_bytes: float,
                    bytes_per_sequence: float) -> Result:
    """Largest micro-batch (sequences per GPU per forward/backward) whose activations fit.

    b = ⌊(M·u − R) / a⌋, with M = ``memory_bytes`` (HBM per GPU), u = ``usable_fraction``
    (what is left after the CUDA context, NCCL buffers and fragmentation), R =
    ``reserved_bytes`` (model states: weights, gradients, optimizer shards), a =
    ``bytes_per_sequence`` (activation bytes one sequence keeps for the backward pass).
    Source: models.md A5–A6 (ZeRO model states [ZERO]; activations per layer, Korthikanti
    et al. 2022, Table 2). Worked number: 80e9 B at 90 % usable, 40e9 B of states, 5e9 B per
    sequence → ⌊(72e9 − 40e9) / 5e9⌋ = 6 sequences.
    """
    _positive(memory_bytes=memory_bytes, bytes_per_sequence=bytes_per_sequence)
    _fraction("usable_fraction", usable_fraction, allow_zero=False)
    if reserved_bytes < 0:
        raise ValueError("reserved_bytes cannot be negative")
    free = memory_bytes * usable_fraction - reserved_bytes
    fits = math.floor(free / bytes_per_sequence) if free > 0 else 0
    if fits < 1:
        raise ValueError(f"not even one sequence fits: {free / 1e9:.1f} GB free for "
                         f"{bytes_per_sequence / 1e9:.1f} GB per sequence")
    return Result(float(fits), "", (
        Step("Usable HBM = M × u", memory_bytes * usable_fraction, "byte"),
        Step("Free for activations = usable − model states", free, "byte"),
        Step("Micro-batch = ⌊free / bytes per sequence⌋", float(fits), ""),
    ))


@composition("accumulation_steps", {"global_batch": "", "micro_batch": "", "dp": ""}, "",
             "m = ceil(global batch / (micro-batch · DP))")
def accumulation_steps(global_batch: float, micro_batch: float, dp: float) -> Result:
    """Gradient-accumulation steps that keep the global batch: m = ⌈B / (b · d)⌉.

    Each optimizer step runs m micro-batches of b sequences on each of d data-parallel
    ranks, so B = b·m·d. Variables: B = ``global_batch`` (sequences), b = ``micro_batch``,
    d = ``dp``. Source: Narayanan et al. 2021 (Megatron-LM, arXiv 2104.04473) §2.2: the
    number of microbatches per pipeline m = B / (b·d). Worked number: global batch 1,536
    sequences, micro-batch 2, d = 64 → ⌈1,536 / 128⌉ = 12.
    """
    _positive(global_batch=global_batch, micro_batch=micro_batch, dp=dp)
    per_pass = micro_batch * dp
    steps = float(math.ceil(global_batch / per_pass - 1e-9))
    return Result(steps, "", (
        Step("Sequences per accumulation pass = micro-batch × DP", per_pass, ""),
        Step("Accumulation steps = ⌈global / per pass⌉", steps, ""),
        Step("Global batch actually run = steps × per pass", steps * per_pass, ""),
    ))


@composition("accumulated_step_seconds",
             {"accum_steps": "", "micro_batch": "", "seq_len": "", "params": "parameter",
              "peak_flops": "FLOP/s", "mfu": "", "allreduce_s": "s"}, "s",
             "t = m · 6·N·b·s / (peak · MFU) + t_allreduce")
def accumulated_step_seconds(accum_steps: float, micro_batch: float, seq_len: float,
                             params: float, peak_flops: float, mfu: float,
                             allreduce_s: float) -> Result:
    """Optimizer-step time with gradient accumulation on one data-parallel rank.

    t = m · t_mb + t_AR, t_mb = 6·N·b·s / (peak · MFU): each of the m micro-batches runs
    forward and backward over b·s tokens (6·N FLOP per token), and the gradient all-reduce
    runs once per optimizer step, after the last micro-batch — accumulation amortises it.
    Variables: m = ``accum_steps``, b = ``micro_batch`` (sequences), s = ``seq_len``, N =
    ``params``, ``peak_flops`` (dense, per GPU), ``mfu`` (of the micro-batch compute),
    t_AR = ``allreduce_s`` (exposed all-reduce). Source: models.md A11 (T_step = m·t_mb +
    T_AR; "gradient accumulation amortises the once-per-step DP all-reduce"); 6ND from
    EleutherAI Transformer Math 101. Worked number: m 8, b 4, s 4,096, 7e9 parameters on a
    989.4 TFLOP/s GPU at 40 % MFU, 0.5 s all-reduce → t_mb = 6·7e9·16,384 / 3.9576e14 =
    1.739 s, t = 8·1.739 + 0.5 = 14.41 s.
    """
    _positive(accum_steps=accum_steps, micro_batch=micro_batch, seq_len=seq_len,
              params=params, peak_flops=peak_flops)
    _fraction("mfu", mfu, allow_zero=False)
    if allreduce_s < 0:
        raise ValueError("allreduce_s cannot be negative")
    tokens = micro_batch * seq_len
    microbatch_s = 6.0 * params * tokens / (peak_flops * mfu)
    seconds = accum_steps * microbatch_s + allreduce_s
    return Result(seconds, "s", (
        Step("Tokens per micro-batch = b × s", tokens, "token"),
        Step("Micro-batch time = 6·N·tokens / (peak × MFU)", microbatch_s, "s"),
        Step("Step = m × micro-batch time + all-reduce", seconds, "s"),
    ), {"microbatch_s": microbatch_s}, {"microbatch_s": "s"})


# -- stragglers, pipelines, goodput -----------------------------------------------------------


@composition("straggler_step_from_z", {"mean_s": "s", "std_s": "s", "expected_max_z": ""},
             "s", "E[step] = μ + σ · E[max of n]")
def straggler_step_from_z(mean_s: float, std_s: float, expected_max_z: float) -> Result:
    """Expected synchronous step time when the slowest of n ranks sets it: μ + σ·E[Z_(n)].

    Variables: μ = ``mean_s`` and σ = ``std_s`` of one rank's step time (normal,
    independent across ranks), E[Z_(n)] = ``expected_max_z`` (expected maximum of n
    standard normals: 2.508 for n = 100, 2.595 for 128). Source: models.md A14; the
    expected largest of n normals is tabulated by Tippett (1925, Biometrika 17: 364–387):
    1.5388 for n = 10, 2.5076 for n = 100. Worked number: μ 1.0 s, σ 0.05 s, n = 100 →
    1.0 + 0.05·2.5076 = 1.1254 s.
    """
    _positive(mean_s=mean_s)
    if std_s < 0 or expected_max_z < 0:
        raise ValueError("std_s and expected_max_z cannot be negative")
    seconds = mean_s + std_s * expected_max_z
    return Result(seconds, "s", (
        Step("Wait for the slowest = σ × E[max]", std_s * expected_max_z, "s"),
        Step("E[step] = μ + σ × E[max]", seconds, "s"),
        Step("Slowdown = E[step] / μ", seconds / mean_s, ""),
    ), {"slowdown": seconds / mean_s})


@composition("tokens_per_step",
             {"micro_batch": "", "seq_len": "", "microbatches": "", "dp": ""}, "token",
             "tokens/step = b · s · m · DP")
def tokens_per_step(micro_batch: float, seq_len: float, microbatches: float,
                    dp: float) -> Result:
    """Tokens in one optimizer step: b · s · m · d.

    Variables: b = ``micro_batch`` (sequences), s = ``seq_len``, m = ``microbatches`` per
    pipeline per step (= gradient-accumulation steps), d = ``dp``. Source: models.md A11;
    Narayanan et al. 2021 (Megatron-LM) §2.2 (B = b·m·d sequences). Worked number: a
    GPT-3-style global batch of 1,536 sequences (b 1, m 24, d 64) of 2,048 tokens =
    3,145,728 tokens.
    """
    _positive(micro_batch=micro_batch, seq_len=seq_len, microbatches=microbatches, dp=dp)
    sequences = micro_batch * microbatches * dp
    tokens = sequences * seq_len
    return Result(tokens, "token", (
        Step("Sequences per step = b × m × DP", sequences, ""),
        Step("Tokens per step = sequences × s", tokens, "token"),
    ))


@composition("pipelined_step_seconds",
             {"microbatch_s": "s", "microbatches": "", "bubble_fraction": "",
              "allreduce_exposed_s": "s"}, "s",
             "t = m · t_mb / (1 − bubble) + exposed all-reduce")
def pipelined_step_seconds(microbatch_s: float, microbatches: float, bubble_fraction: float,
                           allreduce_exposed_s: float) -> Result:
    """Step time of a pipelined, accumulated step: t = m·t_mb / (1 − β) + t_AR.

    The m micro-batches do m·t_mb of useful work and the pipeline bubble is the fraction β
    of the compute time spent idle, β = (p − 1)/(m + p − 1) for 1F1B, so the compute part
    lasts m·t_mb / (1 − β) = (m + p − 1)·t_mb; the data-parallel all-reduce runs once per
    step. Variables: t_mb = ``microbatch_s`` (forward + backward of one micro-batch on one
    stage), m = ``microbatches``, β = ``bubble_fraction``, t_AR = ``allreduce_exposed_s``.
    Source: Narayanan et al. 2021 (Megatron-LM) §2.2 (bubble (p − 1)·t_mb against m·t_mb of
    work); models.md A10–A11. Worked number: p 8, m 32 → β = 7/39 = 0.1795; t_mb 0.25 s →
    32·0.25 / 0.8205 = 9.75 s (= 39·0.25), plus 0.4 s all-reduce = 10.15 s.
    """
    _positive(microbatch_s=microbatch_s, microbatches=microbatches)
    _fraction("bubble_fraction", bubble_fraction, allow_one=False)
    if allreduce_exposed_s < 0:
        raise ValueError("allreduce_exposed_s cannot be negative")
    useful = microbatches * microbatch_s
    compute = useful / (1.0 - bubble_fraction)
    seconds = compute + allreduce_exposed_s
    return Result(seconds, "s", (
        Step("Useful compute = m × t_mb", useful, "s"),
        Step("With the bubble = useful / (1 − β)", compute, "s"),
        Step("Step = compute + exposed all-reduce", seconds, "s"),
    ))


@composition("checkpoint_waste",
             {"checkpoint_s": "s", "interval_s": "s", "mtbf_s": "s", "restart_s": "s"}, "",
             "waste = δ/τ + (τ/2 + R)/M")
def checkpoint_waste(checkpoint_s: float, interval_s: float, mtbf_s: float,
                     restart_s: float) -> Result:
    """Fraction of wall time lost to checkpoints and failures (first order).

    W = δ/τ + (τ/2 + R)/M: writing a checkpoint every τ costs δ/τ; each failure (every M on
    average) loses half an interval of work plus the restart R. Goodput = 1 − W (output).
    Variables: δ = ``checkpoint_s``, τ = ``interval_s``, M = ``mtbf_s`` (the whole job's),
    R = ``restart_s``. Source: Young 1974 (τ_opt = √(2δM), waste at the optimum ≈ √(2δ/M));
    Daly 2006; models.md A11–A12. Worked number: δ 60 s, M 4 h = 14,400 s → Young τ =
    √(2·60·14,400) = 1,314.5 s; W = 60/1,314.5 + 657.3/14,400 = 0.0913 with R = 0 (=
    √(2δ/M)), + 600/14,400 = 0.1330 with a 10-minute restart.
    """
    _positive(checkpoint_s=checkpoint_s, interval_s=interval_s, mtbf_s=mtbf_s)
    if restart_s < 0:
        raise ValueError("restart_s cannot be negative")
    writing = checkpoint_s / interval_s
    failures = (interval_s / 2.0 + restart_s) / mtbf_s
    waste = writing + failures
    if waste >= 1:
        raise ValueError(f"waste {waste:.2f} ≥ 1: the job makes no progress")
    return Result(waste, "", (
        Step("Checkpoint writing δ/τ", writing, ""),
        Step("Lost work and restarts (τ/2 + R)/M", failures, ""),
        Step("Waste W = sum", waste, ""),
        Step("Goodput = 1 − W", 1.0 - waste, ""),
    ), {"goodput": 1.0 - waste})


@composition("effective_tokens_per_s",
             {"tokens_per_step": "token", "step_s": "s", "waste": ""}, "token/s",
             "effective = (1 − waste) · tokens per step / step time")
def effective_tokens_per_s(tokens_per_step: float, step_s: float, waste: float) -> Result:
    """Tokens/s the job really delivers: (1 − W) · tokens per step / step time.

    Variables: ``tokens_per_step``, ``step_s`` (with the bubble and exposed all-reduce), W =
    ``waste`` (checkpoint and failure waste as a fraction of wall time). Source: models.md
    A11 (effective tokens/s = f · tokens/step / T_step); ``effective_throughput`` in
    ``engine.models.parallelism`` computes the same in one call. Worked number: 4,194,304
    tokens per 10.15 s step with 9.13 % waste → 0.9087 · 413,232 = 375,500 tokens/s.
    """
    _positive(tokens_per_step=tokens_per_step, step_s=step_s)
    _fraction("waste", waste, allow_one=False)
    ideal = tokens_per_step / step_s
    effective = (1.0 - waste) * ideal
    return Result(effective, "token/s", (
        Step("Tokens/s while running = tokens per step / step", ideal, "token/s"),
        Step("Effective = (1 − W) × that", effective, "token/s"),
    ))


@composition("serving_bytes_per_gpu",
             {"weight_bytes": "byte", "kv_bytes_per_sequence": "byte", "batch": "",
              "gpus": ""}, "byte",
             "per GPU = (weights + batch · KV per sequence) / gpus")
def serving_bytes_per_gpu(weight_bytes: float, kv_bytes_per_sequence: float, batch: float,
                          gpus: float) -> Result:
    """HBM each GPU needs to serve a batch: (W + B·KV_seq) / n, weights and caches sharded.

    Variables: W = ``weight_bytes``, KV_seq = ``kv_bytes_per_sequence`` (cache of one full
    context, e.g. from ``kv_bytes_for_context``), B = ``batch`` (sequences in flight),
    n = ``gpus`` (tensor-parallel shards; activations and buffers ignored).
    Source: jax-ml "How to Scale Your Model",
    inference chapter, pop quiz on a 30B int8 model on a TPU v5e 4x4: the bytes a decode
    step reads are "(4 * 819e6 + 30e9)" over 16 chips; applied-inference chapter (the HBM
    left after the weights bounds the batch). Worked number: (30e9 + 4 · 819.2e6) / 16 =
    2.080e9 B per chip (÷ 8.1e11 B/s = the book's 2.5 ms lower bound).
    """
    _positive(weight_bytes=weight_bytes, kv_bytes_per_sequence=kv_bytes_per_sequence,
              batch=batch, gpus=gpus)
    kv_total = batch * kv_bytes_per_sequence
    per_gpu = (weight_bytes + kv_total) / gpus
    return Result(per_gpu, "byte", (
        Step("KV caches = batch × KV per sequence", kv_total, "byte"),
        Step("Weights + KV caches", weight_bytes + kv_total, "byte"),
        Step("Per GPU = total / gpus", per_gpu, "byte"),
    ), {"kv_bytes": kv_total}, {"kv_bytes": "byte"})


@composition("kv_bytes_for_context", {"kv_bytes_per_token": "byte", "context_tokens": ""},
             "byte", "KV per sequence = KV per token · context")
def kv_bytes_for_context(kv_bytes_per_token: float, context_tokens: float) -> Result:
    """KV-cache bytes of one sequence: bytes per token · tokens of context.

    Variables: ``kv_bytes_per_token`` (2·L·K·H·bytes per element), ``context_tokens`` (prompt
    plus generated tokens held in the cache). Source: jax-ml "How to Scale Your Model",
    inference chapter: KV cache size = 2 · bytes per float · H · K · L · T, and its pop quiz
    on a 30B model: "100 kB / token KV caches" at 8,192 context → "our KV caches will use
    100e3 * 8192 = 819MB each". Worked number: that 819.2e6 B.
    """
    _positive(kv_bytes_per_token=kv_bytes_per_token, context_tokens=context_tokens)
    total = kv_bytes_per_token * context_tokens
    return Result(total, "byte", (Step("KV per sequence = per token × context", total,
                                       "byte"),))


@composition("backward_seconds",
             {"params": "parameter", "tokens": "", "peak_flops": "FLOP/s", "mfu": ""}, "s",
             "t_bwd = 4·N·T / (peak · MFU)")
def backward_seconds(params: float, tokens: float, peak_flops: float, mfu: float) -> Result:
    """Time of one rank's backward pass: 4·N·T FLOP at peak · MFU.

    The backward pass costs ≈ 4·N FLOP per token (twice the forward's 2·N), so t = 4·N·T /
    (peak·MFU). Variables: N = ``params``, T = ``tokens`` processed by the rank in the step,
    ``peak_flops`` (dense, per GPU), ``mfu``. Source: EleutherAI, Transformer Math 101 and
    models.md A1 (C ≈ 6·N·D = 2·N·D forward + 4·N·D backward). Worked number: 7e9
    parameters, 16,384 tokens, 989.4 TFLOP/s at 40 % → 4.587e14 / 3.9576e14 = 1.159 s.
    """
    _positive(params=params, tokens=tokens, peak_flops=peak_flops)
    _fraction("mfu", mfu, allow_zero=False)
    flops = 4.0 * params * tokens
    seconds = flops / (peak_flops * mfu)
    return Result(seconds, "s", (
        Step("Backward FLOP = 4·N·T", flops, "FLOP"),
        Step("Achieved FLOP/s = peak × MFU", peak_flops * mfu, "FLOP/s"),
        Step("Backward time = FLOP / achieved", seconds, "s"),
    ))


@composition("overlapped_step_seconds", {"backward_s": "s", "allreduce_s": "s"}, "s",
             "t = t_bwd/2 + max(t_bwd, t_allreduce)")
def overlapped_step_seconds(backward_s: float, allreduce_s: float) -> Result:
    """Data-parallel step time when the gradient all-reduce overlaps the backward pass.

    t = t_fwd + max(t_bwd, t_AR), t_fwd = t_bwd / 2 (2·N vs 4·N FLOP per token): buckets
    of gradients are reduced while the backward pass goes on, so the slower of the two sets
    the pace (the roofline's lower bound, max of compute and communication). Variables:
    t_bwd = ``backward_s``, t_AR = ``allreduce_s``. Source: models.md A1 and A8 (lower bound
    max(T_math, T_comm)); PyTorch DDP's gradient bucketing overlaps all-reduce with backward
    (Li et al. 2020, "PyTorch Distributed", VLDB). Worked number: t_bwd 1.159 s, t_AR 0.56 s
    → 0.580 + 1.159 = 1.739 s (hidden); t_AR 2.0 s → 0.580 + 2.0 = 2.580 s (exposed 0.84 s).
    """
    _positive(backward_s=backward_s, allreduce_s=allreduce_s)
    forward = backward_s / 2.0
    seconds = forward + max(backward_s, allreduce_s)
    exposed = max(0.0, allreduce_s - backward_s)
    return Result(seconds, "s", (
        Step("Forward = backward / 2", forward, "s"),
        Step("Exposed all-reduce = max(0, t_AR − t_bwd)", exposed, "s"),
        Step("Step = forward + max(backward, all-reduce)", seconds, "s"),
    ), {"exposed_s": exposed}, {"exposed_s": "s"})


@composition("wasted_gpu_hours", {"waste": "", "wall_hours": "hour", "gpus": ""}, "hour",
             "GPU-hours lost = waste · wall hours · gpus")
def wasted_gpu_hours(waste: float, wall_hours: float, gpus: float) -> Result:
    """GPU-hours lost to checkpoints and failures: W · T · G.

    Variables: W = ``waste`` (fraction of wall time not spent on new work), T =
    ``wall_hours`` (the job's wall-clock time), G = ``gpus`` (every GPU of a synchronous job
    stalls together). Source: models.md A11–A12 (goodput f = 1 − W). Worked number: Llama 3's
    pre-training logged 419 unexpected interruptions in 54 days on 16,384 GPUs ("The Llama 3
    Herd of Models" §3.3.4); at 9 % waste over 54 days that is 0.09 · 1,296 h · 16,384 =
    1.91e6 GPU-hours.
    """
    _fraction("waste", waste, allow_zero=False, allow_one=False)
    _positive(wall_hours=wall_hours, gpus=gpus)
    hours = waste * wall_hours * gpus
    return Result(hours, "hour", (
        Step("GPU-hours of the job = wall hours × gpus", wall_hours * gpus, "hour"),
        Step("Lost = waste × that", hours, "hour"),
    ))


@composition("forward_flops", {"params": "parameter", "tokens": ""}, "FLOP",
             "FLOP = 2 · N · tokens")
def forward_flops(params: float, tokens: float) -> Result:
    """FLOP of a forward pass over ``tokens`` tokens: 2·N per token (one multiply and one add
    per weight), attention over the context not counted.

    Source: kipply, "Transformer Inference Arithmetic" (≈ 2·N FLOP per token forward);
    jax-ml "How to Scale Your Model", inference chapter (prefill of T tokens costs 2·N·T
    FLOP and is compute-bound). Worked number: a 30B model prefilling 8,192 tokens →
    2 · 30e9 · 8,192 = 4.915e14 FLOP.
    """
    _positive(params=params, tokens=tokens)
    flops = 2.0 * params * tokens
    return Result(flops, "FLOP", (Step("Forward FLOP = 2 · N · tokens", flops, "FLOP"),))


@composition("request_latency_seconds",
             {"first_token_s": "s", "per_token_s": "s", "output_tokens": ""}, "s",
             "latency = TTFT + output tokens · TPOT")
def request_latency_seconds(first_token_s: float, per_token_s: float,
                            output_tokens: float) -> Result:
    """End-to-end latency of one request: time to first token + G · time per output token.

    The prefill produces the first token; each further token costs one decode step (the
    first of the G tokens comes with the prefill, so G − 1 decode steps follow; with G in
    the hundreds the difference is one step — this model counts G for a round upper bound).
    Variables: TTFT = ``first_token_s``, TPOT = ``per_token_s``, G = ``output_tokens``.
    Source: jax-ml "How to Scale Your Model", applied-inference chapter ("Assuming our
    generations have a median length of 512 tokens, that is about 9s for each decode" at
    19 ms per step: 512 · 0.019 = 9.7 s). Worked number: TTFT 0.2 s, 512 tokens at 19 ms →
    0.2 + 9.728 = 9.928 s.
    """
    _positive(first_token_s=first_token_s, per_token_s=per_token_s,
              output_tokens=output_tokens)
    decode = output_tokens * per_token_s
    total = first_token_s + decode
    return Result(total, "s", (
        Step("Decode time = output tokens × time per token", decode, "s"),
        Step("Latency = time to first token + decode time", total, "s"),
        Step("Share spent decoding", decode / total, ""),
    ))



@composition("attention_flops_ratio",
             {"seq_len": "", "d_model": "", "d_ff": "", "heads": "", "kv_heads": "",
              "head_dim": "", "mlp_matrices": ""}, "",
             "r = 2·T·N·H / (2·D·H·(N + K) + m·D·F)")
def attention_flops_ratio(seq_len: float, d_model: float, d_ff: float, heads: float,
                          kv_heads: float, head_dim: float, mlp_matrices: float) -> Result:
    """Dot-product attention FLOPs over the layer's matmul FLOPs, per token in training.

    Per layer and token, training (forward + backward = 3 × forward) does 12·T·N·H FLOP in
    QKᵀ and AV over a context of T, and 6 × its weights in the matmuls: 6·(2·D·H·(N + K) +
    m·D·F). So r = 2·T·N·H / (2·D·H·(N + K) + m·D·F). Variables: T = ``seq_len``, D =
    ``d_model``, F = ``d_ff``, N = ``heads``, K = ``kv_heads``, H = ``head_dim``, m =
    ``mlp_matrices`` (3 gated, 2 plain). Causal masking, which halves the work in practice,
    is not applied (as in the source).

    Source: jax-ml "How to Scale Your Model", transformers chapter: attention/matmul FLOPs =
    12BT²NH / (18BTDF + 24BTDNH) = T/(8D) for F = 4D and D = N·H, "dot-product attention
    FLOPs only become dominant during training once T > 8D. For D ~ 8k, this would be ~64K
    tokens"; PaLM App. B (6N + 12·L·H·Q·T per token). Worked number: D 8,192, F 32,768,
    N = K = 64, H 128, T 65,536 → r = 1.0.
    """
    _positive(seq_len=seq_len, d_model=d_model, d_ff=d_ff, heads=heads, kv_heads=kv_heads,
              head_dim=head_dim)
    if mlp_matrices not in (2.0, 3.0):
        raise ValueError("mlp_matrices must be 2 (up, down) or 3 (gated: gate, up, down)")
    attention = 2.0 * seq_len * heads * head_dim
    matmul = 2.0 * d_model * head_dim * (heads + kv_heads) + mlp_matrices * d_model * d_ff
    ratio = attention / matmul
    return Result(ratio, "", (
        Step("Attention weights per layer 2·D·H·(N + K) + MLP m·D·F", matmul, "parameter"),
        Step("Attention FLOP per token per layer / 6 = 2·T·N·H", attention, "FLOP"),
        Step("Ratio = 2·T·N·H / weights per layer", ratio, ""),
    ))


@composition("train_flops_with_attention",
             {"params": "parameter", "tokens": "", "attention_ratio": ""}, "FLOP",
             "C = 6·N·D·(1 + r)")
def train_flops_with_attention(params: float, tokens: float, attention_ratio: float) -> Result:
    """Training FLOPs with the dot-product attention term: C = 6·N·D·(1 + r).

    6·N·D counts the matmuls; r = attention FLOPs / matmul FLOPs adds the quadratic part
    (see ``attention_flops_ratio``; 6·N stands in for the matmul FLOPs per token, the
    embedding lookup being free). Variables: N = ``params``, D = ``tokens``, r =
    ``attention_ratio``. Source: Chowdhery et al. 2022 (PaLM) App. B: 6N + 12·L·H·Q·T FLOP
    per token. Worked number [PaLM §4.1]: 540B, L 118, H 48, Q 256, T 2,048 → r =
    12·118·48·256·2,048 / (6·540e9) = 0.0110, per token 3.2756e12 FLOP; at 238.3k tokens/s on
    6,144 TPU v4 chips of 275 TFLOP/s that is 46.2 % MFU.
    """
    _positive(params=params, tokens=tokens)
    if attention_ratio < 0:
        raise ValueError("attention_ratio cannot be negative")
    matmul = 6.0 * params * tokens
    total = matmul * (1.0 + attention_ratio)
    return Result(total, "FLOP", (
        Step("Matmul FLOP = 6·N·D", matmul, "FLOP"),
        Step("Attention FLOP = r × that", matmul * attention_ratio, "FLOP"),
        Step("Total C = 6·N·D·(1 + r)", total, "FLOP"),
    ))
