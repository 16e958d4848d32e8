"""Memory: training model states per GPU under ZeRO, and the inference KV cache.

Sources:
- [ZERO] Rajbhandari et al. 2019, "ZeRO: Memory Optimizations Toward Training Trillion
  Parameter Models" (arXiv 1910.02054), §3 and Figure 1: mixed-precision Adam holds
  (2 + 2 + K)·Ψ bytes, K = 12; ZeRO stages P_os, P_os+g, P_os+g+p partition across N_d.
- [TM101] EleutherAI, "Transformer Math 101": the same 16 B/param accounting.
- [KIP] kipply, "Transformer Inference Arithmetic"; [SB] "How to Scale Your Model",
  inference chapter: KV cache = 2 · L · n_kv · d_head · bytes · context · batch.
"""

from __future__ import annotations

from engine.models.base import ModelSpec, ParamSpec, Result, Step


def train_memory(
    params: float,
    zero_stage: int,
    dp: float,
    weight_bytes: float = 2.0,
    grad_bytes: float = 2.0,
    optimizer_bytes: float = 12.0,
) -> Result:
    """Model-state bytes per GPU under ZeRO stage 0–3 [ZERO §3, Fig. 1].

    With Ψ = ``params``, N_d = ``dp`` (data-parallel degree), w/g/K = bytes per parameter of
    weights, gradients and optimizer state (defaults 2/2/12: bf16 weights and grads, fp32
    master copy + Adam m and v):

    - stage 0 (plain DP): (w + g + K)·Ψ
    - stage 1 (P_os):     w·Ψ + g·Ψ + K·Ψ/N_d
    - stage 2 (P_os+g):   w·Ψ + (g + K)·Ψ/N_d
    - stage 3 (P_os+g+p): (w + g + K)·Ψ/N_d  (plus transiently gathered live parameters)

    Activations, buffers and fragmentation are not included. Worked example [ZERO Fig. 1]:
    Ψ = 7.5B, N_d = 64, K = 12 → 120 GB, 31.4 GB, 16.6 GB, 1.9 GB.
    """
    if params <= 0 or dp < 1:
        raise ValueError("params must be positive and dp at least 1")
    if zero_stage not in (0, 1, 2, 3):
        raise ValueError(f"zero_stage must be 0, 1, 2 or 3, not {zero_stage}")
    if min(weight_bytes, grad_bytes, optimizer_bytes) < 0:
        raise ValueError("bytes per parameter cannot be negative")
    weights = weight_bytes * params
    grads = grad_bytes * params
    optimizer = optimizer_bytes * params
    if zero_stage >= 1:
        optimizer /= dp
    if zero_stage >= 2:
        grads /= dp
    if zero_stage >= 3:
        weights /= dp
    total = weights + grads + optimizer
    names = {
        0: "Plain DP: (w+g+K)·Ψ",
        1: "ZeRO-1 (P_os): w·Ψ + g·Ψ + K·Ψ/N_d",
        2: "ZeRO-2 (P_os+g): w·Ψ + (g+K)·Ψ/N_d",
        3: "ZeRO-3 (P_os+g+p): (w+g+K)·Ψ/N_d",
    }
    shard = " / N_d" if zero_stage else ""
    steps = (
        Step(
            "Unsharded model states (w+g+K)·Ψ",
            (weight_bytes + grad_bytes + optimizer_bytes) * params,
            "byte",
        ),
        Step(f"Weights w·Ψ{' / N_d' if zero_stage >= 3 else ''}", weights, "byte"),
        Step(f"Gradients g·Ψ{' / N_d' if zero_stage >= 2 else ''}", grads, "byte"),
        Step(f"Optimizer K·Ψ{shard}", optimizer, "byte"),
        Step(names[zero_stage], total, "byte"),
    )
    return Result(
        total,
        "byte",
        steps,
        {"weights_bytes": weights, "grads_bytes": grads, "optimizer_bytes": optimizer},
        {"weights_bytes": "byte", "grads_bytes": "byte", "optimizer_bytes": "byte"},
    )


def kv_cache(
    layers: float,
    kv_heads: float,
    head_dim: float,
    seq_len: float,
    batch: float = 1.0,
    bytes_per_elem: float = 2.0,
) -> Result:
    """KV-cache bytes = 2 · L · n_kv · d_head · bytes_per_elem · seq_len · batch [SB; KIP].

    Variables: L = ``layers``, n_kv = ``kv_heads`` (equal to the query heads for MHA, fewer
    with GQA, 1 with MQA), d_head = ``head_dim``, ``bytes_per_elem`` (2 for bf16, 1 for fp8),
    ``seq_len`` tokens of context per sequence, ``batch`` sequences. The leading 2 is one K
    and one V vector per head. Worked example: Llama 2/3 70B (L=80, n_kv=8, d_head=128, bf16)
    → 327,680 bytes = 320 KiB per token.
    """
    if min(layers, kv_heads, head_dim, seq_len, batch, bytes_per_elem) <= 0:
        raise ValueError("all KV-cache dimensions must be positive")
    per_token = 2.0 * layers * kv_heads * head_dim * bytes_per_elem
    per_sequence = per_token * seq_len
    total = per_sequence * batch
    return Result(
        total,
        "byte",
        (
            Step("Per token = 2·L·n_kv·d_head·bytes", per_token, "byte"),
            Step("Per sequence = per token × seq_len", per_sequence, "byte"),
            Step("Total = per sequence × batch", total, "byte"),
        ),
        {"bytes_per_token": per_token, "bytes_per_sequence": per_sequence},
        {"bytes_per_token": "byte", "bytes_per_sequence": "byte"},
    )


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="train_memory",
        function=train_memory,
        params=(
            ParamSpec(
                "params", "float", "parameter", minimum=1.0, maximum=1e15, help="model parameters Ψ"
            ),
            ParamSpec(
                "zero_stage",
                "int",
                "",
                minimum=0,
                maximum=3,
                help="ZeRO stage: 0 none, 1 optimizer, 2 +gradients, 3 +parameters",
            ),
            ParamSpec(
                "dp",
                "int",
                "",
                minimum=1,
                maximum=1e7,
                help="data-parallel degree N_d (ranks the states are sharded over)",
            ),
            ParamSpec(
                "weight_bytes",
                "float",
                "byte",
                required=False,
                default=2.0,
                minimum=0,
                maximum=16,
                help="bytes per parameter for weights",
            ),
            ParamSpec(
                "grad_bytes",
                "float",
                "byte",
                required=False,
                default=2.0,
                minimum=0,
                maximum=16,
                help="bytes per parameter for gradients",
            ),
            ParamSpec(
                "optimizer_bytes",
                "float",
                "byte",
                required=False,
                default=12.0,
                minimum=0,
                maximum=64,
                help="optimizer bytes per parameter K (Adam: fp32 master + m + v = 12)",
            ),
        ),
        unit="byte",
        formula="ZeRO-0..3: (w+g+K)Ψ, wΨ+gΨ+KΨ/N_d, wΨ+(g+K)Ψ/N_d, (w+g+K)Ψ/N_d",
        summary="Model-state memory per GPU (weights, gradients, optimizer) under ZeRO",
    ),
    ModelSpec(
        name="kv_cache",
        function=kv_cache,
        params=(
            ParamSpec("layers", "int", "", minimum=1, maximum=1e4, help="transformer layers L"),
            ParamSpec(
                "kv_heads",
                "int",
                "",
                minimum=1,
                maximum=1e5,
                help="key/value heads (GQA groups; = heads for MHA)",
            ),
            ParamSpec("head_dim", "int", "", minimum=1, maximum=1e5, help="head dimension"),
            ParamSpec(
                "seq_len", "float", "", minimum=1, maximum=1e9, help="context tokens per sequence"
            ),
            ParamSpec(
                "batch",
                "float",
                "",
                required=False,
                default=1.0,
                minimum=1,
                maximum=1e7,
                help="concurrent sequences",
            ),
            ParamSpec(
                "bytes_per_elem",
                "float",
                "byte",
                required=False,
                default=2.0,
                minimum=0.125,
                maximum=8,
                help="bytes per cached element (bf16 = 2)",
            ),
        ),
        unit="byte",
        formula="KV = 2 · L · n_kv · d_head · bytes · seq_len · batch",
        summary="Inference KV-cache size",
    ),
)
