"""Megatron FLOP/parameter counts, Korthikanti activation memory, pipeline bubble."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.models.parallelism import (
    activation_memory,
    megatron_flops,
    megatron_params,
    pipeline_bubble,
)

GPT3 = {"layers": 96, "hidden": 12288, "vocab": 51200, "seq_len": 2048}


def test_megatron_params_gpt3() -> None:
    # Narayanan et al. 2021, Table 1 / eq. 2: l = 96, h = 12288, V = 51200, s = 2048 -> 175B.
    assert megatron_params(**GPT3).value == pytest.approx(175e9, rel=0.005)


def test_megatron_params_1t() -> None:
    # Narayanan et al. 2021, Table 1: l = 128, h = 25600 -> 1008B ("1 trillion").
    result = megatron_params(layers=128, hidden=25600, vocab=51200, seq_len=2048)
    assert result.value == pytest.approx(1008e9, rel=0.001)


def test_megatron_flops_formula_and_8tp() -> None:
    # Eq. 3: F = 96·B·s·l·h²·(1 + s/6h + V/16lh). For GPT-3 shape at batch 1536 this is within
    # 4 % of 8·tokens·P, which is how eq. 4 (end-to-end time 8TP/nX) is derived from it.
    batch = 1536
    flops = megatron_flops(batch=batch, **GPT3).value
    b, s, n_layers, h, v = batch, 2048, 96, 12288, 51200
    assert flops == pytest.approx(
        96 * b * s * n_layers * h**2 * (1 + s / (6 * h) + v / (16 * n_layers * h))
    )
    eight_tp = 8 * b * s * megatron_params(**GPT3).value
    assert flops == pytest.approx(eight_tp, rel=0.04)


def test_megatron_flops_without_recompute_is_72() -> None:
    # Korthikanti et al. 2022 App. A: model FLOPs 72·B·s·l·h²·(…) = 3/4 of the 96 version.
    result = megatron_flops(8, 2048, 24, 2048, 50257)
    assert result.outputs["flops_no_recompute"] == pytest.approx(0.75 * result.value)


def test_activation_table2_identities() -> None:
    # Korthikanti et al. 2022 Table 2, per layer: t = 1 gives s·b·h·(34 + 5as/h); full
    # recompute stores 2·s·b·h.
    s, b, h, a = 2048, 1, 12288, 96
    sbh = s * b * h
    none = activation_memory(s, b, h, a, layers=1)
    assert none.value == pytest.approx(sbh * (34 + 5 * a * s / h))
    assert activation_memory(s, b, h, a, 1, sp=True).value == pytest.approx(none.value)
    assert activation_memory(s, b, h, a, 1, recompute="full").value == pytest.approx(2 * sbh)
    tp8 = activation_memory(s, b, h, a, 1, tp=8).value
    assert tp8 == pytest.approx(sbh * (10 + 24 / 8 + 5 * a * s / (h * 8)))
    sp8 = activation_memory(s, b, h, a, 1, tp=8, sp=True).value
    assert sp8 == pytest.approx(sbh * (34 / 8 + 5 * a * s / (h * 8)))
    sel8 = activation_memory(s, b, h, a, 1, tp=8, recompute="selective").value
    assert sel8 == pytest.approx(sbh * (10 + 24 / 8))
    both = activation_memory(s, b, h, a, 96, tp=8, sp=True, recompute="selective")
    assert both.value == pytest.approx(96 * 34 * sbh / 8)
    assert both.outputs["per_layer"] == pytest.approx(34 * sbh / 8)


@pytest.mark.parametrize(
    "heads, hidden, layers",
    [
        # Korthikanti et al. 2022 Table 3 model configurations (t = 8, s = 2048):
        (96, 12288, 96),  # 175B
        (128, 20480, 105),  # 530B
        (160, 25600, 128),  # 1T
    ],
)
def test_sp_plus_selective_is_about_5x(heads: int, hidden: int, layers: int) -> None:
    # Korthikanti et al. 2022, abstract: sequence parallelism + selective recomputation
    # "reduce activation memory by 5x" against tensor parallelism alone.
    baseline = activation_memory(2048, 1, hidden, heads, layers, tp=8).value
    reduced = activation_memory(
        2048, 1, hidden, heads, layers, tp=8, sp=True, recompute="selective"
    ).value
    assert 4.5 < baseline / reduced < 6.0


def test_pipeline_bubble_values() -> None:
    # Narayanan et al. 2021 §2.2.1: bubble/ideal = (p−1)/m; §2.2.2: interleaving divides by v.
    result = pipeline_bubble(stages=8, microbatches=32)
    assert result.outputs["overhead"] == pytest.approx(7 / 32)
    assert result.value == pytest.approx(7 / (32 + 7))  # GPipe's (K−1)/(M+K−1)
    assert pipeline_bubble(8, 32, interleave=2).outputs["overhead"] == pytest.approx(7 / 64)
    assert pipeline_bubble(1, 4).value == 0.0


@given(stages=st.integers(2, 128), microbatches=st.integers(1, 10_000))
def test_bubble_shrinks_with_microbatches(stages: int, microbatches: int) -> None:
    now = pipeline_bubble(stages, microbatches).value
    assert pipeline_bubble(stages, microbatches + 1).value < now
    assert pipeline_bubble(stages + 1, microbatches).value > now
    assert pipeline_bubble(stages, microbatches, interleave=2).value < now
    assert 0.0 < now < 1.0


def test_bubble_limit() -> None:
    assert pipeline_bubble(64, 10**9).value < 1e-7
