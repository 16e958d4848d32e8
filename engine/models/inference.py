"""Inference and the roofline: ridge point, roofline time, memory-bound decode step.

Sources:
- [SB] jax-ml "How to Scale Your Model", roofline chapter: T_math = FLOPs / peak,
  T_comm = bytes / BW, lower bound max(T_math, T_comm); arithmetic intensity = FLOPs / bytes;
  ridge (critical intensity) = peak / BW. Applied-inference chapter: decode step time.
- [KIP] kipply, "Transformer Inference Arithmetic": decode at small batch is bound by reading
  the weights, 2·N bytes / (n·BW) in bf16; A100 ratio 312e12 / 1.5e12 = 208.
"""

from __future__ import annotations

from engine.models.base import ModelSpec, ParamSpec, Result, Step


def _hardware(peak_flops: float | None, bandwidth: float | None) -> tuple[float, float]:
    """Return (peak_flops, bandwidth) or raise a message that says how to supply them."""
    missing = [
        name
        for name, value in (("peak_flops", peak_flops), ("bandwidth", bandwidth))
        if value is None
    ]
    if missing:
        raise ValueError(
            f"need {' and '.join(missing)}: give gpu=<catalog id> or the value(s) directly"
        )
    assert peak_flops is not None and bandwidth is not None
    if peak_flops <= 0 or bandwidth <= 0:
        raise ValueError("peak_flops and bandwidth must be positive")
    return peak_flops, bandwidth


def ridge_point(peak_flops: float | None = None, bandwidth: float | None = None) -> Result:
    """Ridge point (critical arithmetic intensity) I* = peak / BW in FLOP/byte [SB roofline].

    Variables: peak = ``peak_flops`` (dense FLOP/s), BW = ``bandwidth`` (memory B/s). A kernel
    with intensity below I* is memory-bound. Worked examples: H100 SXM 989e12 / 3.35e12
    ≈ 295 FLOP/byte; A100 312e12 / 1.5e12 = 208 [KIP].
    """
    peak, bw = _hardware(peak_flops, bandwidth)
    ridge = peak / bw
    return Result(
        ridge,
        "FLOP/byte",
        (
            Step("Peak compute", peak, "FLOP/s"),
            Step("Memory bandwidth", bw, "byte/s"),
            Step("Ridge = peak / bandwidth", ridge, "FLOP/byte"),
        ),
    )


def roofline_time(
    flops: float,
    bytes: float,  # the contract names it so; shadows the builtin only here
    peak_flops: float | None = None,
    bandwidth: float | None = None,
) -> Result:
    """Roofline lower bound t = max(FLOPs / peak, bytes / BW) [SB roofline].

    Variables: ``flops`` (FLOP), ``bytes`` moved to/from memory (byte), peak = ``peak_flops``
    (FLOP/s), BW = ``bandwidth`` (B/s). Output ``bound`` is "compute" when intensity
    FLOPs/bytes ≥ peak/BW, else "memory"; the sum T_math + T_comm is the no-overlap upper
    bound (output ``upper_bound_s``).
    """
    peak, bw = _hardware(peak_flops, bandwidth)
    if flops < 0 or bytes < 0 or flops + bytes == 0:
        raise ValueError("flops and bytes must be non-negative and not both zero")
    t_math = flops / peak
    t_memory = bytes / bw
    seconds = max(t_math, t_memory)
    ridge = peak / bw
    intensity = flops / bytes if bytes else float("inf")
    bound = "compute" if t_math >= t_memory else "memory"
    steps = (
        Step("T_math = FLOPs / peak", t_math, "s"),
        Step("T_mem = bytes / bandwidth", t_memory, "s"),
        Step("Intensity = FLOPs / bytes", intensity, "FLOP/byte"),
        Step("Ridge = peak / bandwidth", ridge, "FLOP/byte"),
        Step(f"Time = max(T_math, T_mem) ({bound}-bound)", seconds, "s"),
    )
    return Result(
        seconds,
        "s",
        steps,
        {
            "bound": bound,
            "compute_s": t_math,
            "memory_s": t_memory,
            "upper_bound_s": t_math + t_memory,
            "intensity": intensity,
            "ridge": ridge,
        },
        {
            "compute_s": "s",
            "memory_s": "s",
            "upper_bound_s": "s",
            "intensity": "FLOP/byte",
            "ridge": "FLOP/byte",
        },
    )


def decode_step_time(
    params: float,
    gpus: float,
    batch: float,
    peak_flops: float | None = None,
    bandwidth: float | None = None,
    bytes_per_param: float = 2.0,
    kv_bytes_per_seq: float = 0.0,
) -> Result:
    """One decode step t = B·KV/(n·BW) + max(2·B·N/(n·peak), N·b/(n·BW)) [SB; KIP].

    Variables: N = ``params``, n = ``gpus`` (weights and KV sharded evenly, communication
    ignored), B = ``batch`` (sequences decoded together, one token each), b =
    ``bytes_per_param`` (2 for bf16, 1 for int8/fp8), KV = ``kv_bytes_per_seq`` (cache bytes
    read per sequence per step), peak = ``peak_flops`` (FLOP/s per GPU), BW = ``bandwidth``
    (B/s per GPU). Output ``tokens_per_s`` = B / t. At B = 1 the floor is N·b/(n·BW).
    """
    peak, bw = _hardware(peak_flops, bandwidth)
    if params <= 0 or gpus < 1 or batch < 1:
        raise ValueError("params must be positive, gpus and batch at least 1")
    if bytes_per_param <= 0 or kv_bytes_per_seq < 0:
        raise ValueError("bytes_per_param must be positive and kv_bytes_per_seq non-negative")
    weight_bytes = params * bytes_per_param
    t_weights = weight_bytes / (gpus * bw)
    t_compute = 2.0 * batch * params / (gpus * peak)
    t_kv = batch * kv_bytes_per_seq / (gpus * bw)
    t_matmul = max(t_weights, t_compute)
    seconds = t_kv + t_matmul
    tokens_per_s = batch / seconds
    bound = "compute" if t_compute > t_weights else "memory"
    steps = [
        Step("Weight bytes = N × bytes/param", weight_bytes, "byte"),
        Step("Weight load = N·b / (gpus × BW)", t_weights, "s"),
        Step("Matmul compute = 2·B·N / (gpus × peak)", t_compute, "s"),
    ]
    if kv_bytes_per_seq:
        steps.append(Step("KV read = B·KV / (gpus × BW)", t_kv, "s"))
    steps.extend(
        (
            Step(f"Step time = KV + max(load, compute) ({bound}-bound)", seconds, "s"),
            Step("Throughput = B / step time", tokens_per_s, "token/s"),
        )
    )
    return Result(
        seconds,
        "s",
        tuple(steps),
        {
            "tokens_per_s": tokens_per_s,
            "tokens_per_s_per_sequence": 1.0 / seconds,
            "bound": bound,
            "weights_s": t_weights,
            "compute_s": t_compute,
            "kv_s": t_kv,
        },
        {
            "tokens_per_s": "token/s",
            "tokens_per_s_per_sequence": "token/s",
            "weights_s": "s",
            "compute_s": "s",
            "kv_s": "s",
        },
    )


_GPU = ParamSpec("gpu", "gpu", required=False, help="hardware-catalog accelerator id")
_PEAK = ParamSpec(
    "peak_flops",
    "float",
    "FLOP/s",
    required=False,
    minimum=1e9,
    maximum=1e18,
    help="dense peak FLOP/s per GPU (filled from gpu)",
)
_BANDWIDTH = ParamSpec(
    "bandwidth",
    "float",
    "byte/s",
    required=False,
    minimum=1e6,
    maximum=1e15,
    help="memory bandwidth per GPU (filled from gpu)",
)
_GPU_FIELDS = {"peak_flops": "bf16_dense_flops", "bandwidth": "memory_bandwidth"}

SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="ridge_point",
        function=ridge_point,
        params=(_GPU, _PEAK, _BANDWIDTH),
        unit="FLOP/byte",
        formula="I* = peak / bandwidth",
        summary="Arithmetic intensity above which a kernel is compute-bound",
        gpu_fields=_GPU_FIELDS,
    ),
    ModelSpec(
        name="roofline_time",
        function=roofline_time,
        params=(
            ParamSpec(
                "flops",
                "float",
                "FLOP",
                minimum=0,
                maximum=1e30,
                help="floating-point operations of the kernel",
            ),
            ParamSpec(
                "bytes",
                "float",
                "byte",
                minimum=0,
                maximum=1e20,
                help="bytes moved between memory and the chip",
            ),
            _GPU,
            _PEAK,
            _BANDWIDTH,
        ),
        unit="s",
        formula="t = max(FLOPs / peak, bytes / bandwidth)",
        summary="Roofline lower bound on a kernel's time, and what bounds it",
        gpu_fields=_GPU_FIELDS,
    ),
    ModelSpec(
        name="decode_step_time",
        function=decode_step_time,
        params=(
            ParamSpec(
                "params",
                "float",
                "parameter",
                minimum=1.0,
                maximum=1e15,
                help="model parameters N (active for MoE)",
            ),
            ParamSpec(
                "gpus", "int", "", minimum=1, maximum=1e5, help="GPUs the model is sharded over"
            ),
            _GPU,
            _PEAK,
            _BANDWIDTH,
            ParamSpec(
                "batch", "int", "", minimum=1, maximum=1e7, help="sequences decoded per step"
            ),
            ParamSpec(
                "bytes_per_param",
                "float",
                "byte",
                required=False,
                default=2.0,
                minimum=0.125,
                maximum=8,
                help="bytes per weight (bf16 = 2)",
            ),
            ParamSpec(
                "kv_bytes_per_seq",
                "float",
                "byte",
                required=False,
                default=0.0,
                minimum=0,
                maximum=1e13,
                help="KV-cache bytes read per sequence",
            ),
        ),
        unit="s",
        formula="t = B·KV/(n·BW) + max(2·B·N/(n·peak), N·bytes/(n·BW))",
        summary="Time of one autoregressive decode step and the tokens/s it gives",
        gpu_fields=_GPU_FIELDS,
    ),
)
