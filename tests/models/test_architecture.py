"""transformer_params: today's architectures counted from their shape (issue 14 item 7).

Each worked example is a published count, cited where it is tested. ``megatron_params``
(a 4h MLP, full multi-head attention) cannot reproduce any of them.
"""

from __future__ import annotations

import pytest

from engine.models.architecture import transformer_params
from engine.models.base import ModelError
from engine.models.registry import run

# Llama 3 shapes: "The Llama 3 Herd of Models" (arXiv 2407.21783) Table 3 and Meta's
# params.json (vocab 128,256); the FFN size is llama/model.py's rule
# 1024 · ceil(1.3 · int(2 · 4D / 3) / 1024) = 14,336 for D = 4,096, and 28,672 for 8,192.
LLAMA3_8B = {"layers": 32, "d_model": 4096, "d_ff": 14336, "heads": 32, "kv_heads": 8,
             "vocab": 128256}
LLAMA3_70B = {"layers": 80, "d_model": 8192, "d_ff": 28672, "heads": 64, "kv_heads": 8,
              "vocab": 128256}
# Mixtral 8x7B: Jiang et al. 2024, "Mixtral of Experts" (arXiv 2401.04088) Table 1.
MIXTRAL_8X7B = {"layers": 32, "d_model": 4096, "d_ff": 14336, "heads": 32, "kv_heads": 8,
                "head_dim": 128, "vocab": 32000, "experts": 8, "active_experts": 2}


def test_scaling_book_worked_inference_problem() -> None:
    """jax-ml/scaling-book, inference.md, "Worked Problems", Question 1 (commit 0819a7d):
    L 64, D 4,096, F 16,384, N 32, K 8, H 256, V 32,128, shared input and output
    projections. "64 * 4096 * (3*16384 + 2 * 256 * (32 + 8)) + 4096 * 32128 = 18.4e9"
    — its formula L·D·(3F + 2H·(N + K)) + D·V counts no norms."""
    result = transformer_params(layers=64, d_model=4096, d_ff=16384, heads=32, kv_heads=8,
                                head_dim=256, vocab=32128, tied_embeddings=True, norms=False)
    assert result.value == 64 * 4096 * (3 * 16384 + 2 * 256 * (32 + 8)) + 4096 * 32128
    assert result.value == 18_385_207_296
    assert result.value == pytest.approx(18.4e9, rel=0.003)
    assert result.unit == "parameter"
    assert result.steps[-1].value == result.value
    assert result.outputs["active_params"] == result.value  # dense: every weight is active


def test_head_dim_need_not_be_d_model_over_heads() -> None:
    """The book's model has N·H = 8,192 > D = 4,096: counting with D/N would give far less."""
    narrow = transformer_params(layers=64, d_model=4096, d_ff=16384, heads=32, kv_heads=8,
                                vocab=32128, tied_embeddings=True, norms=False)
    assert narrow.value == 64 * 4096 * (3 * 16384 + 2 * 128 * 40) + 4096 * 32128


def test_llama3_8b() -> None:
    """Meta's Llama 3 model card (meta-llama/llama3 MODEL_CARD.md): "8B"; the released
    checkpoint holds 8,030,261,248 parameters (Hugging Face meta-llama/Meta-Llama-3-8B,
    safetensors: 8.03B), RMSNorms and the untied output layer included (llama/model.py)."""
    result = run("transformer_params", LLAMA3_8B)
    assert result.value == 8_030_261_248
    assert result.value == pytest.approx(8e9, rel=0.005)


def test_llama3_70b() -> None:
    """Meta's Llama 3 model card: "70B"; the checkpoint holds 70,553,706,496 parameters
    (Hugging Face meta-llama/Meta-Llama-3-70B, safetensors: 70.6B)."""
    result = run("transformer_params", LLAMA3_70B)
    assert result.value == 70_553_706_496
    assert result.value == pytest.approx(70e9, rel=0.01)


def test_mixtral_total_and_active() -> None:
    """Mistral AI, "Mixtral of experts" (mistral.ai/news/mixtral-of-experts, 2023-12-11):
    "46.7B total parameters but only uses 12.9B parameters per token"; the paper
    (arXiv 2401.04088 §2) rounds these to 47B and 13B. Active counts two of the eight
    experts and everything every token uses: attention, router, norms, embeddings."""
    result = run("transformer_params", MIXTRAL_8X7B)
    assert result.value == 46_702_792_704
    assert result.value == pytest.approx(46.7e9, rel=0.001)
    active = result.outputs["active_params"]
    assert active == 12_879_925_248
    assert active == pytest.approx(12.9e9, rel=0.002)
    assert result.output_units["active_params"] == "parameter"


def test_parts_add_up_and_untied_doubles_the_embeddings() -> None:
    tied = transformer_params(**LLAMA3_8B, tied_embeddings=True)  # type: ignore[arg-type]
    untied = transformer_params(**LLAMA3_8B)  # type: ignore[arg-type]
    assert untied.value - tied.value == 128256 * 4096
    parts = untied.outputs
    norms = 32 * 2 * 4096 + 4096
    assert parts["attention_params"] + parts["mlp_params"] + parts["embedding_params"] \
        + norms == untied.value


def test_ungated_mlp_and_multi_head_attention() -> None:
    """Two MLP matrices and K = N, D = N·H: a GPT block of 4D² + 2·D·F per layer."""
    result = transformer_params(layers=2, d_model=8, d_ff=32, heads=2, vocab=10,
                                gated_mlp=False, norms=False, tied_embeddings=True)
    assert result.value == 2 * (4 * 8 * 8 + 2 * 8 * 32) + 10 * 8


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kv_heads": 3}, "kv_heads 3 must divide heads 32"),
        ({"kv_heads": 64}, "kv_heads 64 must divide heads 32"),
        ({"active_experts": 2}, "active_experts 2 cannot exceed experts 1"),
        ({"heads": 3}, "not a multiple of heads 3"),
    ],
)
def test_inconsistent_shapes_are_refused(changes: dict[str, int], message: str) -> None:
    with pytest.raises(ModelError, match=message):
        run("transformer_params", {**LLAMA3_8B, **changes})


def test_input_budget_edges() -> None:
    """Every input is bounded like the other models': the edge passes, one past it fails."""
    at_edge = {"layers": 10_000, "d_model": 1, "d_ff": 1, "heads": 1, "vocab": 1}
    assert run("transformer_params", at_edge).value > 0
    with pytest.raises(ModelError, match="layers = 10001 is above the maximum 10000"):
        run("transformer_params", {**at_edge, "layers": 10_001})
    with pytest.raises(ModelError, match="experts = 0 is below the minimum 1"):
        run("transformer_params", {**at_edge, "experts": 0})
    with pytest.raises(ModelError, match="vocab = 1e\\+08 is above the maximum 1e\\+08"):
        run("transformer_params", {**at_edge, "vocab": 100_000_001})
