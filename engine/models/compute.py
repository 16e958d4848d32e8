"""Training compute: total FLOPs, time to train, and model FLOPs utilisation (MFU).

Sources:
- [TM101] EleutherAI, "Transformer Math 101": C ≈ 6·N·D (forward 2ND + backward 4ND).
- [SB] jax-ml "How to Scale Your Model", transformers chapter: full activation recomputation
  adds one forward pass, "from 6ND to roughly 8ND"; applied-training chapter:
  t = C / (chips · peak · MFU).
- [MEG21] Narayanan et al. 2021 (arXiv 2104.04473) eq. 4: end-to-end time ≈ 8·T·P / (n·X)
  with recomputation, X the achieved FLOP/s per GPU.
- [PALM] Chowdhery et al. 2022, §4.1 and Appendix B: MFU = model FLOPs per token ×
  tokens/s / (chips × peak), model FLOPs per token = 6N + 12·L·H·Q·T.
"""

from __future__ import annotations

from engine.models.base import ModelSpec, ParamSpec, Result, Step

SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0

# Extra FLOPs per token for full activation recomputation: one more forward pass (2N).
_FLOPS_PER_PARAM_TOKEN = {False: 6.0, True: 8.0}


def _flops_multiplier(recompute: bool) -> float:
    return _FLOPS_PER_PARAM_TOKEN[bool(recompute)]


def train_flops(params: float, tokens: float, recompute: bool = False) -> Result:
    """Total training compute C = 6·N·D FLOP (8·N·D with full activation recomputation).

    Variables: N = ``params`` (parameters; active parameters for MoE), D = ``tokens``
    (training tokens). The forward pass costs 2·N FLOP per token and the backward pass 4·N;
    recomputing activations adds a second forward pass, 2·N more [TM101; SB transformers].

    Worked example: GPT-3 175B on 300B tokens → 6·1.75e11·3e11 = 3.15e23 FLOP
    (Brown et al. 2020, Table D.1 lists 3.14e23).
    """
    if params <= 0 or tokens <= 0:
        raise ValueError("params and tokens must be positive")
    factor = _flops_multiplier(recompute)
    flops = factor * params * tokens
    label = (
        "Training compute C = 8·N·D (6ND + a recompute forward 2ND)"
        if recompute
        else "Training compute C = 6·N·D"
    )
    return Result(
        value=flops,
        unit="FLOP",
        steps=(
            Step("Parameters N", params, "parameter"),
            Step("Tokens D", tokens, ""),
            Step(label, flops, "FLOP"),
        ),
        outputs={"flops_per_token": factor * params},
        output_units={"flops_per_token": "FLOP"},
    )


def train_time(
    params: float,
    tokens: float,
    gpus: float,
    peak_flops: float | None = None,
    mfu: float | None = None,
    achieved_flops: float | None = None,
    recompute: bool = False,
) -> Result:
    """Wall-clock training time t = C / (n · X) with C = 6·N·D (8·N·D with recompute).

    Variables: N = ``params`` (parameters), D = ``tokens``, n = ``gpus``, X = achieved FLOP/s
    per GPU, either given directly as ``achieved_flops`` or as ``peak_flops`` (dense FLOP/s per
    GPU) × ``mfu`` (fraction). Result in s; outputs ``days`` and ``gpu_hours``
    (= n · t / 3600). Sources: [SB applied-training] t = C/(chips·peak·MFU);
    [MEG21 eq. 4] t ≈ 8·T·P/(n·X) with recomputation.

    Worked example [MEG21 §5.1]: GPT-3 175B, 300B tokens, 1024 A100s at 140 TFLOP/s,
    with recompute → 8·3e11·1.75e11 / (1024·1.4e14) ≈ 2.9e6 s ≈ 34 days.
    """
    if params <= 0 or tokens <= 0:
        raise ValueError("params and tokens must be positive")
    if gpus <= 0:
        raise ValueError("gpus must be positive")
    steps: list[Step] = []
    flops = _flops_multiplier(recompute) * params * tokens
    steps.append(
        Step(
            "Training compute C = 8·N·D" if recompute else "Training compute C = 6·N·D",
            flops,
            "FLOP",
        )
    )
    outputs: dict[str, float | str] = {}
    output_units: dict[str, str] = {}
    if achieved_flops is not None:
        if mfu is not None:
            raise ValueError("give either achieved_flops or mfu (with gpu/peak_flops), not both")
        if achieved_flops <= 0:
            raise ValueError("achieved_flops must be positive")
        achieved = achieved_flops
        steps.append(Step("Achieved per GPU X (given)", achieved, "FLOP/s"))
        if peak_flops:
            outputs["mfu"] = achieved / peak_flops
    else:
        if peak_flops is None:
            raise ValueError(
                "need the per-GPU peak: give gpu=<catalog id> or peak_flops, "
                "or give achieved_flops instead"
            )
        if mfu is None:
            raise ValueError("need mfu (fraction of peak) with gpu/peak_flops, or achieved_flops")
        if peak_flops <= 0 or not 0 < mfu <= 1:
            raise ValueError("peak_flops must be positive and mfu in (0, 1]")
        achieved = peak_flops * mfu
        outputs["mfu"] = mfu
        steps.append(Step("Achieved per GPU = peak × MFU", achieved, "FLOP/s"))
    seconds = flops / (gpus * achieved)
    days = seconds / SECONDS_PER_DAY
    gpu_hours = gpus * seconds / SECONDS_PER_HOUR
    steps.append(Step("Time = C / (gpus × achieved)", seconds, "s"))
    steps.append(Step("= days", days, "day"))
    steps.append(Step("GPU-hours = gpus × time / 3600", gpu_hours, "hour"))
    outputs.update(
        {"days": days, "gpu_hours": gpu_hours, "flops": flops, "achieved_flops": achieved}
    )
    output_units.update(
        {"days": "day", "gpu_hours": "hour", "flops": "FLOP", "achieved_flops": "FLOP/s"}
    )
    return Result(seconds, "s", tuple(steps), outputs, output_units)


def mfu(
    tokens_per_s: float,
    params: float,
    gpus: float,
    peak_flops: float | None = None,
    layers: float | None = None,
    heads: float | None = None,
    head_dim: float | None = None,
    seq_len: float | None = None,
) -> Result:
    """Model FLOPs utilisation MFU = (F_token · tokens/s) / (n · peak).

    F_token = 6·N FLOP per token, plus 12·L·H·Q·T attention FLOP when the shape is given
    [PALM App. B]. Variables: N = ``params``, tokens/s = ``tokens_per_s`` (whole job),
    n = ``gpus``, peak = ``peak_flops`` (dense FLOP/s per GPU), L = ``layers``, H = ``heads``,
    Q = ``head_dim``, T = ``seq_len``. Model FLOPs exclude rematerialisation, so MFU ≤ HFU.

    Worked example [PALM §4.1, App. B]: 540B (L=118, H=48, Q=256, T=2048) at 238.3K tokens/s
    on 6144 TPU v4 chips of 275 TFLOP/s → 46.2 %.
    """
    if tokens_per_s <= 0 or params <= 0 or gpus <= 0:
        raise ValueError("tokens_per_s, params and gpus must be positive")
    if peak_flops is None:
        raise ValueError("need the per-GPU peak: give gpu=<catalog id> or peak_flops")
    if peak_flops <= 0:
        raise ValueError("peak_flops must be positive")
    shape = {"layers": layers, "heads": heads, "head_dim": head_dim, "seq_len": seq_len}
    given = [name for name, value in shape.items() if value is not None]
    steps = [Step("Dense model FLOPs per token = 6·N", 6.0 * params, "FLOP")]
    per_token = 6.0 * params
    attention = 0.0
    if given:
        if len(given) != len(shape):
            missing = [name for name in shape if name not in given]
            raise ValueError(
                "attention FLOPs need layers, heads, head_dim and seq_len together; "
                f"missing {', '.join(missing)}"
            )
        assert layers is not None and heads is not None
        assert head_dim is not None and seq_len is not None
        attention = 12.0 * layers * heads * head_dim * seq_len
        per_token += attention
        steps.append(Step("Attention FLOPs per token = 12·L·H·Q·T", attention, "FLOP"))
        steps.append(Step("Model FLOPs per token = 6N + 12·L·H·Q·T", per_token, "FLOP"))
    model_flops = per_token * tokens_per_s
    cluster_peak = gpus * peak_flops
    value = model_flops / cluster_peak
    steps.extend(
        (
            Step("Model FLOP/s = per token × tokens/s", model_flops, "FLOP/s"),
            Step("Cluster peak = gpus × peak", cluster_peak, "FLOP/s"),
            Step("MFU = model FLOP/s / cluster peak", value, ""),
        )
    )
    return Result(
        value,
        "",
        tuple(steps),
        {
            "flops_per_token": per_token,
            "achieved_flops_per_gpu": model_flops / gpus,
            "attention_flops_per_token": attention,
        },
        {
            "flops_per_token": "FLOP",
            "achieved_flops_per_gpu": "FLOP/s",
            "attention_flops_per_token": "FLOP",
        },
    )


_PARAMS = ParamSpec(
    "params",
    "float",
    "parameter",
    minimum=1.0,
    maximum=1e15,
    help="model parameters N (active parameters for MoE)",
)
_TOKENS = ParamSpec("tokens", "float", "", minimum=1.0, maximum=1e17, help="training tokens D")
_RECOMPUTE = ParamSpec(
    "recompute",
    "bool",
    required=False,
    default=False,
    help="full activation recomputation: 8·N·D instead of 6·N·D",
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
_GPUS = ParamSpec("gpus", "int", "", minimum=1, maximum=1e7, help="number of GPUs/chips")

SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="train_flops",
        function=train_flops,
        params=(_PARAMS, _TOKENS, _RECOMPUTE),
        unit="FLOP",
        formula="C = 6·N·D (8·N·D with full recompute)",
        summary="Total training compute of a dense transformer",
    ),
    ModelSpec(
        name="train_time",
        function=train_time,
        params=(
            _PARAMS,
            _TOKENS,
            _GPUS,
            _GPU,
            _PEAK,
            ParamSpec(
                "mfu",
                "float",
                "",
                required=False,
                minimum=1e-4,
                maximum=1.0,
                help="model FLOPs utilisation (fraction of peak)",
            ),
            ParamSpec(
                "achieved_flops",
                "float",
                "FLOP/s",
                required=False,
                minimum=1e9,
                maximum=1e18,
                help="achieved FLOP/s per GPU (instead of gpu/peak and mfu)",
            ),
            _RECOMPUTE,
        ),
        unit="s",
        formula="t = C / (gpus · peak · MFU), C = 6·N·D",
        summary="Wall-clock time to train N parameters on D tokens",
        gpu_fields={"peak_flops": "bf16_dense_flops"},
    ),
    ModelSpec(
        name="mfu",
        function=mfu,
        params=(
            ParamSpec(
                "tokens_per_s",
                "float",
                "token/s",
                minimum=1e-6,
                maximum=1e12,
                help="observed training throughput of the whole job",
            ),
            _PARAMS,
            _GPUS,
            _GPU,
            _PEAK,
            ParamSpec(
                "layers",
                "int",
                "",
                required=False,
                minimum=1,
                maximum=1e4,
                help="transformer layers L (for attention FLOPs)",
            ),
            ParamSpec(
                "heads", "int", "", required=False, minimum=1, maximum=1e5, help="attention heads H"
            ),
            ParamSpec(
                "head_dim",
                "int",
                "",
                required=False,
                minimum=1,
                maximum=1e5,
                help="head dimension Q",
            ),
            ParamSpec(
                "seq_len",
                "int",
                "",
                required=False,
                minimum=1,
                maximum=1e8,
                help="training sequence length T",
            ),
        ),
        unit="",
        formula="MFU = (6N + 12·L·H·Q·T) · tokens/s / (gpus · peak)",
        summary="Model FLOPs utilisation from observed throughput",
        gpu_fields={"peak_flops": "bf16_dense_flops"},
    ),
)
