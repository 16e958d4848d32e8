"""Training compute, time to train and MFU against published worked examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.models.base import Result
from engine.models.compute import mfu, train_flops, train_time

DAY = 86400.0


def test_train_flops_gpt3() -> None:
    # Brown et al. 2020 (GPT-3), Table D.1: 175B params, 300B tokens, 3.14e23 total train FLOPs.
    result = train_flops(params=175e9, tokens=300e9)
    assert result.value == pytest.approx(3.15e23)
    assert result.value == pytest.approx(3.14e23, rel=0.01)
    assert result.unit == "FLOP"
    assert result.steps[-1].label == "Training compute C = 6·N·D"


def test_train_flops_chinchilla() -> None:
    # Hoffmann et al. 2022 (Chinchilla): 70B params on 1.4T tokens; 6ND = 5.88e23. The paper
    # trains it on the Gopher budget, 5.76e23 FLOPs (Table 3), 2 % below the 6ND figure.
    result = train_flops(params=70e9, tokens=1.4e12)
    assert result.value == pytest.approx(5.88e23)
    assert result.value == pytest.approx(5.76e23, rel=0.03)


def test_train_flops_recompute_is_8nd() -> None:
    # Scaling book, transformers chapter: full recompute takes 6ND "to roughly 8ND".
    assert train_flops(1e9, 1e9, recompute=True).value == pytest.approx(8e18)
    assert train_flops(1e9, 1e9).outputs["flops_per_token"] == pytest.approx(6e9)


def test_train_time_megatron_gpt3_34_days() -> None:
    # Narayanan et al. 2021 (Megatron-LM) §5.1, eq. 4 (8TP/nX): GPT-3 175B on 300B tokens,
    # 1024 A100s at 140 TFLOP/s achieved per GPU -> about 34 days.
    result = train_time(
        params=175e9, tokens=300e9, gpus=1024, achieved_flops=140e12, recompute=True
    )
    assert result.unit == "s"
    assert result.outputs["days"] == pytest.approx(34, rel=0.01)
    assert result.value == pytest.approx(34 * DAY, rel=0.01)
    assert result.output_units["days"] == "day"


def test_train_time_megatron_1t_84_days() -> None:
    # Narayanan et al. 2021 §5.1: the 1T-parameter model on 3072 A100s at 163 TFLOP/s per GPU
    # for 450B tokens -> about 84 days (Table 1 lists it as 1008B parameters).
    result = train_time(params=1e12, tokens=450e9, gpus=3072, achieved_flops=163e12, recompute=True)
    assert result.outputs["days"] == pytest.approx(84, rel=0.015)
    exact = train_time(
        params=1.008e12, tokens=450e9, gpus=3072, achieved_flops=163e12, recompute=True
    )
    assert exact.outputs["days"] == pytest.approx(84, rel=0.005)


def test_train_time_peak_times_mfu_and_steps() -> None:
    # The contract's example derivation: H100 989 TFLOP/s dense bf16 at 40 % MFU -> 3.96e14.
    result = train_time(params=70e9, tokens=1.5e12, gpus=1024, peak_flops=989e12, mfu=0.4)
    labels = [step.label for step in result.steps]
    assert labels[:4] == [
        "Training compute C = 6·N·D",
        "Achieved per GPU = peak × MFU",
        "Time = C / (gpus × achieved)",
        "= days",
    ]
    assert result.steps[0].value == pytest.approx(6.3e23)
    assert result.steps[1].value == pytest.approx(3.956e14)
    seconds = 6.3e23 / (1024 * 3.956e14)
    assert result.value == pytest.approx(seconds)
    assert result.outputs["days"] == pytest.approx(seconds / DAY)
    assert result.outputs["gpu_hours"] == pytest.approx(1024 * seconds / 3600)
    assert result.output_units["gpu_hours"] == "hour"


def test_train_time_reports_implied_mfu() -> None:
    result = train_time(1e9, 1e9, 8, peak_flops=1e15, achieved_flops=4e14)
    assert result.outputs["mfu"] == pytest.approx(0.4)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"mfu": 0.4}, "peak_flops"),
        ({"peak_flops": 1e15}, "mfu"),
        ({"achieved_flops": 1e14, "mfu": 0.4}, "not both"),
    ],
)
def test_train_time_needs_a_throughput(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        train_time(params=1e9, tokens=1e9, gpus=8, **kwargs)


def test_mfu_palm_540b() -> None:
    # Chowdhery et al. 2022 (PaLM) §4.1 and Appendix B: 540B, L=118, H=48, Q=256, T=2048,
    # 238.3K tokens/s on 6144 TPU v4 chips (275 TFLOP/s bf16 peak) -> MFU 46.2 %.
    result = mfu(
        tokens_per_s=238.3e3,
        params=540e9,
        gpus=6144,
        peak_flops=275e12,
        layers=118,
        heads=48,
        head_dim=256,
        seq_len=2048,
    )
    assert result.value == pytest.approx(0.462, abs=0.001)
    assert result.unit == ""
    assert result.outputs["attention_flops_per_token"] == pytest.approx(12 * 118 * 48 * 256 * 2048)


def test_mfu_without_attention_is_6n() -> None:
    result = mfu(tokens_per_s=1000, params=1e9, gpus=2, peak_flops=1e13)
    assert result.value == pytest.approx(6e9 * 1000 / 2e13)


def test_mfu_partial_shape_is_an_error() -> None:
    with pytest.raises(ValueError, match="missing head_dim, seq_len"):
        mfu(tokens_per_s=1000, params=1e9, gpus=2, peak_flops=1e13, layers=2, heads=4)
    with pytest.raises(ValueError, match="gpu=<catalog id> or peak_flops"):
        mfu(tokens_per_s=1000, params=1e9, gpus=2)


def test_mfu_round_trips_train_time() -> None:
    # tokens/s implied by a train_time run gives back the MFU it was run at.
    run = train_time(params=7e9, tokens=2e12, gpus=512, peak_flops=989e12, mfu=0.37)
    tokens_per_s = 2e12 / run.value
    assert mfu(tokens_per_s, 7e9, 512, peak_flops=989e12).value == pytest.approx(0.37)


@given(
    params=st.floats(1e6, 1e13),
    tokens=st.floats(1e6, 1e14),
    gpus=st.integers(1, 100_000),
    utilisation=st.floats(0.05, 1.0),
)
def test_train_time_monotonic(params: float, tokens: float, gpus: int, utilisation: float) -> None:
    base = train_time(params, tokens, gpus, peak_flops=1e15, mfu=utilisation).value
    assert train_time(params * 2, tokens, gpus, peak_flops=1e15, mfu=utilisation).value > base
    assert train_time(params, tokens * 2, gpus, peak_flops=1e15, mfu=utilisation).value > base
    assert train_time(params, tokens, gpus * 2, peak_flops=1e15, mfu=utilisation).value < base
    assert train_time(params, tokens, gpus, peak_flops=1e15, mfu=utilisation / 2).value > base


def test_results_are_results() -> None:
    assert isinstance(train_flops(1.0, 1.0), Result)
