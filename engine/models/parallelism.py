"""Model parallelism: Megatron FLOP and parameter counts, activation memory, pipeline bubble.

Sources:
- [MEG21] Narayanan et al. 2021, "Efficient Large-Scale Language Model Training on GPU
  Clusters Using Megatron-LM" (arXiv 2104.04473): eq. 2 (parameters), eq. 3 (FLOPs per
  iteration, counting full recomputation), §2.2 (pipeline bubble, interleaved schedule).
- [KOR22] Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer
  Models" (arXiv 2205.05198), §4 and Table 2: activation bytes per layer, 16-bit.
"""

from __future__ import annotations

from engine.models.base import ModelSpec, ParamSpec, Result, Step


def megatron_flops(
    batch: float, seq_len: float, layers: float, hidden: float, vocab: float
) -> Result:
    """FLOPs per training iteration F = 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)) [MEG21 eq. 3].

    Variables: B = ``batch`` (global batch in sequences), s = ``seq_len``, l = ``layers``,
    h = ``hidden`` (d_model), V = ``vocab``. The 96 counts forward (24), backward (48) and
    the recompute forward (24) of each layer's 24·B·s·h² matmul FLOPs; s/(6h) is the
    attention-score term and V/(16·l·h) the logit layer. Without recomputation scale by 3/4
    (72·… as in [KOR22 App. A]).
    """
    if min(batch, seq_len, layers, hidden, vocab) <= 0:
        raise ValueError("batch, seq_len, layers, hidden and vocab must be positive")
    base = 96.0 * batch * seq_len * layers * hidden**2
    attention = seq_len / (6.0 * hidden)
    logits = vocab / (16.0 * layers * hidden)
    flops = base * (1.0 + attention + logits)
    tokens = batch * seq_len
    return Result(
        flops,
        "FLOP",
        (
            Step("Matmul FLOPs 96·B·s·l·h²", base, "FLOP"),
            Step("Attention term s/(6h)", attention, ""),
            Step("Logit term V/(16·l·h)", logits, ""),
            Step("F = 96·B·s·l·h²·(1 + s/6h + V/16lh)", flops, "FLOP"),
        ),
        {"flops_per_token": flops / tokens, "flops_no_recompute": flops * 0.75},
        {"flops_per_token": "FLOP", "flops_no_recompute": "FLOP"},
    )


def megatron_params(layers: float, hidden: float, vocab: float, seq_len: float) -> Result:
    """Parameters P = 12·l·h²·(1 + 13/(12h) + (V + s)/(12·l·h)) [MEG21 eq. 2].

    Variables: l = ``layers``, h = ``hidden``, V = ``vocab`` (token embedding), s =
    ``seq_len`` (learned position embedding). 12·h² per layer is QKV + output (4h²) and a
    4h MLP (8h²); 13h covers biases and LayerNorms. Worked example [MEG21 Table 1]: l = 96,
    h = 12288, V = 51200, s = 2048 → 175B (GPT-3).
    """
    if min(layers, hidden, vocab, seq_len) <= 0:
        raise ValueError("layers, hidden, vocab and seq_len must be positive")
    per_layers = 12.0 * layers * hidden**2
    params = per_layers * (
        1.0 + 13.0 / (12.0 * hidden) + (vocab + seq_len) / (12.0 * layers * hidden)
    )
    return Result(
        params,
        "parameter",
        (
            Step("Transformer layers 12·l·h²", per_layers, "parameter"),
            Step("Biases and LayerNorms 13·l·h", 13.0 * layers * hidden, "parameter"),
            Step("Embeddings (V + s)·h", (vocab + seq_len) * hidden, "parameter"),
            Step("P = 12·l·h²·(1 + 13/12h + (V+s)/12lh)", params, "parameter"),
        ),
    )


def activation_memory(
    seq_len: float,
    micro_batch: float,
    hidden: float,
    heads: float,
    layers: float,
    tp: float = 1.0,
    sp: bool = False,
    recompute: str = "none",
) -> Result:
    """Activation bytes per GPU, Korthikanti Table 2, × L layers [KOR22 §4, Table 2].

    Per layer, in bytes, 16-bit activations, s = ``seq_len``, b = ``micro_batch``,
    h = ``hidden``, a = ``heads``, t = ``tp`` (tensor-parallel degree):

    - no recompute, TP:        s·b·h·(10 + 24/t + 5·a·s/(h·t))
    - no recompute, TP + SP:   s·b·h·(34/t + 5·a·s/(h·t))
    - selective recompute:     s·b·h·(10 + 24/t), with SP 34·s·b·h/t
    - full recompute:          2·s·b·h (only each layer's input is kept)

    t = 1 gives the unparallelised s·b·h·(34 + 5·a·s/h). The total uses L = ``layers``:
    with 1F1B pipelining the first stage holds L layers' worth whatever the pipeline size
    [KOR22 eq. 5], so the result is the first pipeline stage's activation memory.
    """
    if min(seq_len, micro_batch, hidden, heads, layers, tp) <= 0:
        raise ValueError("all dimensions must be positive")
    if recompute not in ("none", "selective", "full"):
        raise ValueError(f"recompute must be none, selective or full, not {recompute!r}")
    sbh = seq_len * micro_batch * hidden
    score = 5.0 * heads * seq_len / (hidden * tp)
    if recompute == "full":
        coefficient, label = 2.0, "full recompute: 2"
    elif recompute == "selective":
        if sp:
            coefficient, label = 34.0 / tp, "TP+SP+selective: 34/t"
        else:
            coefficient, label = 10.0 + 24.0 / tp, "TP+selective: 10 + 24/t"
    elif sp:
        coefficient, label = 34.0 / tp + score, "TP+SP: 34/t + 5as/(ht)"
    else:
        coefficient, label = 10.0 + 24.0 / tp + score, "TP: 10 + 24/t + 5as/(ht)"
    per_layer = sbh * coefficient
    total = per_layer * layers
    return Result(
        total,
        "byte",
        (
            Step("s·b·h", sbh, ""),
            Step(f"Bytes per s·b·h ({label})", coefficient, ""),
            Step("Per layer = s·b·h × coefficient", per_layer, "byte"),
            Step("Total = per layer × L", total, "byte"),
        ),
        {"per_layer": per_layer, "coefficient": coefficient},
        {"per_layer": "byte"},
    )


def pipeline_bubble(stages: float, microbatches: float, interleave: float = 1.0) -> Result:
    """Pipeline bubble as a fraction of step time: (p−1)/(v·m + p − 1) [MEG21 §2.2].

    Variables: p = ``stages`` (pipeline depth), m = ``microbatches`` per pipeline per step,
    v = ``interleave`` (model chunks per device; 1 = plain GPipe/1F1B). The bubble costs
    (p−1)/v microbatch-times against m of useful work, so output ``overhead`` =
    bubble/ideal = (p−1)/(v·m) [MEG21 §2.2.1–2.2.2]; the value is bubble/(ideal + bubble).
    """
    if stages < 1 or microbatches < 1 or interleave < 1:
        raise ValueError("stages, microbatches and interleave must be at least 1")
    overhead = (stages - 1) / (interleave * microbatches)
    fraction = overhead / (1.0 + overhead)
    return Result(
        fraction,
        "",
        (
            Step("Bubble / ideal = (p−1)/(v·m)", overhead, ""),
            Step("Idle fraction = overhead / (1 + overhead)", fraction, ""),
        ),
        {"overhead": overhead},
    )


def effective_throughput(
    tokens_per_step: float,
    ideal_step_s: float,
    stages: float,
    microbatches: float,
    allreduce_exposed_s: float = 0.0,
    checkpoint_s: float = 0.0,
    checkpoint_interval_s: float | None = None,
    mtbf_s: float | None = None,
    restart_s: float = 0.0,
) -> Result:
    """Tokens/s a training job really delivers after bubbles, exposed comms and failures.

    step = t_ideal·(1 + (p−1)/m) + t_AR  [MEG21 §2.2: the 1F1B bubble adds (p−1)/m of the
    ideal compute time; gradient accumulation over m microbatches amortises the once-per-step
    data-parallel all-reduce, of which only the exposed part t_AR counts]
    f = 1 − [δ/τ + (τ/2 + R)/M]  [first-order checkpoint/failure waste, Young 1974; Daly 2006]
    effective tokens/s = f · tokens_per_step / step

    Variables: ``tokens_per_step`` (global batch in tokens = micro-batch × seq × m × DP),
    t_ideal = ``ideal_step_s`` (the step's compute time with no bubble, m·t_microbatch), p =
    ``stages``, m = ``microbatches`` per step, t_AR = ``allreduce_exposed_s``, δ =
    ``checkpoint_s`` (write time), τ = ``checkpoint_interval_s`` (compute time between
    checkpoints; defaults to Young's √(2δM) when δ and M are given), M = ``mtbf_s`` (the whole
    job's mean time between failures), R = ``restart_s``.
    """
    if tokens_per_step <= 0 or ideal_step_s <= 0:
        raise ValueError("tokens_per_step and ideal_step_s must be positive")
    if stages < 1 or microbatches < 1:
        raise ValueError("stages and microbatches must be at least 1")
    if min(allreduce_exposed_s, checkpoint_s, restart_s) < 0:
        raise ValueError("allreduce_exposed_s, checkpoint_s and restart_s cannot be negative")
    if mtbf_s is not None and mtbf_s <= 0:
        raise ValueError("mtbf_s must be positive")
    bubble_overhead = (stages - 1.0) / microbatches
    compute_s = ideal_step_s * (1.0 + bubble_overhead)
    step_s = compute_s + allreduce_exposed_s
    steps = [
        Step("Bubble overhead (p−1)/m", bubble_overhead, ""),
        Step("Step = t_ideal·(1 + (p−1)/m) + exposed all-reduce", step_s, "s"),
    ]
    interval = checkpoint_interval_s
    if interval is None and checkpoint_s > 0 and mtbf_s is not None:
        interval = (2.0 * checkpoint_s * mtbf_s) ** 0.5
        steps.append(Step("Checkpoint interval τ = √(2δM) (Young)", interval, "s"))
    if interval is not None and interval <= 0:
        raise ValueError("checkpoint_interval_s must be positive")
    checkpoint_waste = checkpoint_s / interval if interval and checkpoint_s > 0 else 0.0
    failure_waste = 0.0
    if mtbf_s is not None:
        failure_waste = ((interval or 0.0) / 2.0 + restart_s) / mtbf_s
    goodput = max(0.0, 1.0 - checkpoint_waste - failure_waste)
    if checkpoint_waste or failure_waste:
        steps.append(Step("Goodput f = 1 − [δ/τ + (τ/2 + R)/M]", goodput, ""))
    ideal_rate = tokens_per_step / ideal_step_s
    effective = goodput * tokens_per_step / step_s
    steps.append(Step("Ideal tokens/s = tokens per step / t_ideal", ideal_rate, "token/s"))
    steps.append(Step("Effective tokens/s = f · tokens per step / step", effective, "token/s"))
    outputs: dict[str, float | str] = {
        "step_s": step_s,
        "bubble_fraction": (compute_s - ideal_step_s) / step_s,
        "goodput": goodput,
        "ideal_tokens_per_s": ideal_rate,
        "efficiency": effective / ideal_rate,
    }
    if interval is not None:
        outputs["checkpoint_interval_s"] = interval
    return Result(
        effective,
        "token/s",
        tuple(steps),
        outputs,
        {k: u for k, u in (("step_s", "s"), ("ideal_tokens_per_s", "token/s"),
                           ("checkpoint_interval_s", "s")) if k in outputs},
    )


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="megatron_flops",
        function=megatron_flops,
        params=(
            ParamSpec("batch", "int", "", minimum=1, maximum=1e8, help="global batch in sequences"),
            ParamSpec("seq_len", "int", "", minimum=1, maximum=1e8, help="sequence length"),
            ParamSpec("layers", "int", "", minimum=1, maximum=1e4, help="transformer layers"),
            ParamSpec("hidden", "int", "", minimum=1, maximum=1e6, help="hidden size h"),
            ParamSpec("vocab", "int", "", minimum=1, maximum=1e8, help="vocabulary size V"),
        ),
        unit="FLOP",
        formula="F = 96·B·s·l·h²·(1 + s/6h + V/16lh)",
        summary="FLOPs per training iteration with full recompute (Megatron eq. 3)",
    ),
    ModelSpec(
        name="megatron_params",
        function=megatron_params,
        params=(
            ParamSpec("layers", "int", "", minimum=1, maximum=1e4, help="transformer layers"),
            ParamSpec("hidden", "int", "", minimum=1, maximum=1e6, help="hidden size h"),
            ParamSpec("vocab", "int", "", minimum=1, maximum=1e8, help="vocabulary size V"),
            ParamSpec(
                "seq_len",
                "int",
                "",
                minimum=1,
                maximum=1e8,
                help="sequence length (position embeddings)",
            ),
        ),
        unit="parameter",
        formula="P = 12·l·h²·(1 + 13/12h + (V+s)/12lh)",
        summary="GPT parameter count from its shape (Megatron eq. 2)",
    ),
    ModelSpec(
        name="activation_memory",
        function=activation_memory,
        params=(
            ParamSpec("seq_len", "int", "", minimum=1, maximum=1e8, help="sequence length s"),
            ParamSpec("micro_batch", "int", "", minimum=1, maximum=1e6, help="micro-batch b"),
            ParamSpec("hidden", "int", "", minimum=1, maximum=1e6, help="hidden size h"),
            ParamSpec("heads", "int", "", minimum=1, maximum=1e5, help="attention heads a"),
            ParamSpec("layers", "int", "", minimum=1, maximum=1e4, help="transformer layers L"),
            ParamSpec(
                "tp",
                "int",
                "",
                required=False,
                default=1,
                minimum=1,
                maximum=1024,
                help="tensor-parallel degree t",
            ),
            ParamSpec("sp", "bool", required=False, default=False, help="sequence parallelism on"),
            ParamSpec(
                "recompute",
                "choice",
                required=False,
                default="none",
                choices=("none", "selective", "full"),
                help="activation recomputation",
            ),
        ),
        unit="byte",
        formula="L·s·b·h·(10 + 24/t + 5as/(ht)), SP 34/t, selective drops 5as/(ht), full 2",
        summary="Activation memory per GPU (Korthikanti Table 2)",
    ),
    ModelSpec(
        name="pipeline_bubble",
        function=pipeline_bubble,
        params=(
            ParamSpec("stages", "int", "", minimum=1, maximum=1e4, help="pipeline stages p"),
            ParamSpec(
                "microbatches",
                "int",
                "",
                minimum=1,
                maximum=1e7,
                help="microbatches per pipeline per step m",
            ),
            ParamSpec(
                "interleave",
                "int",
                "",
                required=False,
                default=1,
                minimum=1,
                maximum=1e3,
                help="model chunks per device v",
            ),
        ),
        unit="",
        formula="idle = (p−1)/(v·m + p − 1); overhead = (p−1)/(v·m)",
        summary="Fraction of a pipeline step spent idle in the bubble",
    ),
    ModelSpec(
        name="effective_throughput",
        function=effective_throughput,
        params=(
            ParamSpec("tokens_per_step", "float", "token", minimum=1, maximum=1e12,
                      help="global batch in tokens per optimizer step"),
            ParamSpec("ideal_step_s", "float", "s", minimum=1e-6, maximum=1e6,
                      help="compute time of one step with no pipeline bubble"),
            ParamSpec("stages", "int", "", minimum=1, maximum=1024, help="pipeline stages p"),
            ParamSpec("microbatches", "int", "", minimum=1, maximum=1e6,
                      help="microbatches per step m (gradient accumulation)"),
            ParamSpec("allreduce_exposed_s", "float", "s", required=False, default=0.0,
                      minimum=0, maximum=1e6, help="data-parallel all-reduce not overlapped"),
            ParamSpec("checkpoint_s", "float", "s", required=False, default=0.0, minimum=0,
                      maximum=1e6, help="time to write one checkpoint δ"),
            ParamSpec("checkpoint_interval_s", "float", "s", required=False, minimum=1,
                      maximum=1e9, help="compute time between checkpoints τ (default Young)"),
            ParamSpec("mtbf_s", "float", "s", required=False, minimum=1, maximum=1e12,
                      help="mean time between failures of the whole job M"),
            ParamSpec("restart_s", "float", "s", required=False, default=0.0, minimum=0,
                      maximum=1e6, help="time to restart and reload after a failure R"),
        ),
        unit="token/s",
        formula="tokens/s = [1 − δ/τ − (τ/2 + R)/M] · tokens / (t·(1 + (p−1)/m) + t_AR)",
        summary="Delivered training throughput after bubbles, comms, checkpoints, failures",
    ),
)
