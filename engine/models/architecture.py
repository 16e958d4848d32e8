"""Parameter counts of today's decoder-only transformers: GQA, gated MLPs, MoE.

``megatron_params`` (parallelism) counts a GPT of 2020: full multi-head attention, a 4h MLP
of two matrices, learned positions and biases. Current models differ on each point, so this
model counts them from their shape:

- attention with N query heads and K key/value heads of H dimensions each (grouped-query;
  K = N is multi-head, K = 1 multi-query): W_Q and W_O are D×N·H, W_K and W_V D×K·H, so
  2·D·H·(N + K) per layer;
- an MLP of three matrices when gated (SwiGLU: gate, up, down, 3·D·F) or two (2·D·F);
- a mixture of E experts per layer (each an MLP of hidden size F) with a router of D·E,
  of which k experts run per token: total counts E experts, active counts k;
- an embedding table V×D, shared with the output projection (tied) or not (untied: 2·V·D);
- RMSNorm weights, D per norm: two per layer and a final one (no biases).

Sources:
- [SB] jax-ml "How to Scale Your Model", inference chapter, Worked Problems, Question 1:
  L·D·(3F + 2H·(N + K)) + D·V = 18.4e9 for L 64, D 4,096, F 16,384, N 32, K 8, H 256,
  V 32,128, tied embeddings (norms not counted).
- [L3] Meta, Llama 3 ``llama/model.py`` (RMSNorm per attention and MLP, a final norm, an
  untied output layer) and MODEL_CARD.md (8B, 70B); "The Llama 3 Herd of Models" Table 3.
- [MIX] Jiang et al. 2024, "Mixtral of Experts" (arXiv 2401.04088) Table 1, and Mistral AI,
  "Mixtral of experts" (2023-12-11): 46.7B total, 12.9B per token.
"""

from __future__ import annotations

from engine.models.base import ModelSpec, ParamSpec, Result, Step


def transformer_params(
    layers: int,
    d_model: int,
    d_ff: int,
    heads: int,
    vocab: int,
    kv_heads: int | None = None,
    head_dim: int | None = None,
    gated_mlp: bool = True,
    tied_embeddings: bool = False,
    experts: int = 1,
    active_experts: int = 1,
    norms: bool = True,
) -> Result:
    """Parameters of a decoder-only transformer, total and active per token.

    P = L·(2·D·H·(N + K) + E·m·D·F + R + 2·D) + e·V·D + D, with L = ``layers``,
    D = ``d_model``, F = ``d_ff`` (the hidden size of one MLP or expert), N = ``heads``,
    K = ``kv_heads`` (N when not given), H = ``head_dim`` (D/N when not given), V =
    ``vocab``, m = 3 for a gated MLP (``gated_mlp``) else 2, E = ``experts``, R = D·E the
    router (MoE only), e = 1 with ``tied_embeddings`` else 2; the 2·D per layer and the
    final D are RMSNorm weights (``norms``). Active parameters replace E by k =
    ``active_experts`` (everything else, embeddings included, is used by every token).

    Worked example [SB inference, Q1]: L 64, D 4,096, F 16,384, N 32, K 8, H 256,
    V 32,128, tied, no norms → 64·4096·(3·16384 + 2·256·40) + 4096·32128 = 18.4e9.
    """
    kv = heads if kv_heads is None else kv_heads
    if head_dim is None:
        if d_model % heads:
            raise ValueError(f"d_model {d_model} is not a multiple of heads {heads}: give "
                             f"head_dim")
        head_dim = d_model // heads
    if kv > heads or heads % kv:
        raise ValueError(f"kv_heads {kv} must divide heads {heads} (grouped-query attention "
                         f"shares each key/value head among heads/kv_heads query heads)")
    if active_experts > experts:
        raise ValueError(f"active_experts {active_experts} cannot exceed experts {experts}")
    # Counted in floats: exact for whole numbers below 2^53 ≈ 9e15 parameters, far above
    # any real model's count (the published counts below are matched to the parameter).
    attention = 2.0 * d_model * head_dim * (heads + kv)
    matrices = 3 if gated_mlp else 2
    mlp = float(matrices * d_model * d_ff)
    router = float(d_model * experts) if experts > 1 else 0.0
    layer_norms = 2.0 * d_model if norms else 0.0
    per_layer = attention + experts * mlp + router + layer_norms
    active_per_layer = attention + active_experts * mlp + router + layer_norms
    embeddings = float((1 if tied_embeddings else 2) * vocab * d_model)
    final_norm = float(d_model) if norms else 0.0
    total = layers * per_layer + embeddings + final_norm
    active = layers * active_per_layer + embeddings + final_norm
    mlp_label = "3·D·F (gate, up, down)" if gated_mlp else "2·D·F (up, down)"
    steps = [
        Step("Attention per layer 2·D·H·(N + K) (Q, O: D·N·H; K, V: D·K·H)", attention,
             "parameter"),
        Step(f"MLP per {'expert' if experts > 1 else 'layer'} {mlp_label}", mlp, "parameter"),
    ]
    if experts > 1:
        steps.append(Step(f"Router per layer D·E (E = {experts})", router, "parameter"))
    if norms:
        steps.append(Step("RMSNorm per layer 2·D", layer_norms, "parameter"))
    embedding_label = ("Embeddings V·D (tied with the output layer)" if tied_embeddings
                       else "Embeddings 2·V·D (input and output, untied)")
    steps += [
        Step("Per layer (all experts)" if experts > 1 else "Per layer", per_layer,
             "parameter"),
        Step(embedding_label, embeddings, "parameter"),
        Step("Total = L · per layer + embeddings" + (" + final norm D" if norms else ""),
             total, "parameter"),
    ]
    if experts > 1:
        steps.append(Step(f"Active per token ({active_experts} of {experts} experts)",
                          active, "parameter"))
    return Result(
        total, "parameter", tuple(steps),
        {"active_params": active, "attention_params": layers * attention,
         "mlp_params": layers * experts * mlp, "embedding_params": embeddings,
         "per_layer_params": per_layer},
        {"active_params": "parameter", "attention_params": "parameter",
         "mlp_params": "parameter", "embedding_params": "parameter",
         "per_layer_params": "parameter"},
    )


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="transformer_params",
        function=transformer_params,
        params=(
            ParamSpec("layers", "int", "", minimum=1, maximum=1e4, help="transformer layers L"),
            ParamSpec("d_model", "int", "", minimum=1, maximum=1e6, help="model width D"),
            ParamSpec("d_ff", "int", "", minimum=1, maximum=1e7,
                      help="MLP hidden size F (of one expert for MoE)"),
            ParamSpec("heads", "int", "", minimum=1, maximum=1e5, help="query heads N"),
            ParamSpec("vocab", "int", "", minimum=1, maximum=1e8, help="vocabulary size V"),
            ParamSpec("kv_heads", "int", "", required=False, minimum=1, maximum=1e5,
                      help="key/value heads K (N for MHA, fewer for GQA, 1 for MQA)"),
            ParamSpec("head_dim", "int", "", required=False, minimum=1, maximum=1e5,
                      help="dimension per head H (D/N when not given)"),
            ParamSpec("gated_mlp", "bool", required=False, default=True,
                      help="gated MLP (SwiGLU) of three matrices; false: two"),
            ParamSpec("tied_embeddings", "bool", required=False, default=False,
                      help="output layer shares the embedding table"),
            ParamSpec("experts", "int", "", required=False, default=1, minimum=1,
                      maximum=1e5, help="MLP experts per layer E (1 for a dense model)"),
            ParamSpec("active_experts", "int", "", required=False, default=1, minimum=1,
                      maximum=1e5, help="experts each token runs through k (top-k)"),
            ParamSpec("norms", "bool", required=False, default=True,
                      help="count RMSNorm weights (2·D per layer and a final D)"),
        ),
        unit="parameter",
        formula="P = L·(2DH(N+K) + E·mDF + DE + 2D) + (1|2)·VD + D, m = 3 gated; active: k of E",
        summary="Parameters of a modern decoder: GQA, gated MLP, MoE total and active",
    ),
)
