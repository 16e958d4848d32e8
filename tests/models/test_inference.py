"""Ridge point, roofline and decode step time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.models.inference import decode_step_time, ridge_point, roofline_time


def test_ridge_h100() -> None:
    # H100 SXM: 989 TFLOP/s dense bf16 / 3.35 TB/s HBM3 ≈ 295 FLOP/byte
    # (NVIDIA H100 datasheet; scaling book GPU chapter quotes ≈ 295-298).
    result = ridge_point(peak_flops=989e12, bandwidth=3.35e12)
    assert result.value == pytest.approx(295.2, abs=0.1)
    assert result.unit == "FLOP/byte"


def test_ridge_a100_kipply() -> None:
    # kipply, "Transformer Inference Arithmetic": A100 312 TFLOP/s / 1.5 TB/s = 208.
    assert ridge_point(peak_flops=312e12, bandwidth=1.5e12).value == pytest.approx(208)


def test_ridge_needs_hardware() -> None:
    with pytest.raises(ValueError, match="bandwidth"):
        ridge_point(peak_flops=1e15)
    with pytest.raises(ValueError, match="peak_flops and bandwidth"):
        ridge_point()


def test_roofline_memory_and_compute_bound() -> None:
    # A bf16 vector add of 1e9 elements: 1e9 FLOP, 6e9 bytes -> memory-bound (intensity 1/6).
    memory = roofline_time(flops=1e9, bytes=6e9, peak_flops=989e12, bandwidth=3.35e12)
    assert memory.outputs["bound"] == "memory"
    assert memory.value == pytest.approx(6e9 / 3.35e12)
    # A square bf16 matmul, 8192³: 2·8192³ FLOP over 3·2·8192² bytes -> intensity 2731.
    n = 8192
    compute = roofline_time(2 * n**3, 6 * n**2, peak_flops=989e12, bandwidth=3.35e12)
    assert compute.outputs["bound"] == "compute"
    assert compute.value == pytest.approx(2 * n**3 / 989e12)
    assert compute.outputs["intensity"] == pytest.approx(n / 3)
    assert compute.outputs["upper_bound_s"] > compute.value


@given(
    flops=st.floats(1.0, 1e20),
    data=st.floats(1.0, 1e15),
)
def test_roofline_bound_matches_ridge(flops: float, data: float) -> None:
    result = roofline_time(flops, data, peak_flops=989e12, bandwidth=3.35e12)
    assert result.value >= max(flops / 989e12, data / 3.35e12) * (1 - 1e-12)
    expected = "compute" if flops / data >= 989e12 / 3.35e12 else "memory"
    assert result.outputs["bound"] == expected


def test_decode_batch1_is_weight_read() -> None:
    # kipply: at batch 1 decode is bound by reading 2·N bytes; the 52B model on one A100
    # (1.5 TB/s) takes 2·52e9/1.5e12 ≈ 69 ms per token.
    result = decode_step_time(params=52e9, gpus=1, batch=1, peak_flops=312e12, bandwidth=1.5e12)
    assert result.value == pytest.approx(104e9 / 1.5e12)
    assert result.outputs["bound"] == "memory"
    assert result.outputs["tokens_per_s"] == pytest.approx(1.5e12 / 104e9)


def test_decode_crossover_is_ridge() -> None:
    # Scaling book, roofline chapter: a bf16 matmul with small batch B has intensity ≈ B, so
    # decode turns compute-bound when B > peak/BW; int8 weights halve the threshold.
    peak, bw = 989e12, 3.35e12
    ridge = peak / bw
    below = decode_step_time(70e9, 8, int(ridge) - 5, peak_flops=peak, bandwidth=bw)
    above = decode_step_time(70e9, 8, int(ridge) + 5, peak_flops=peak, bandwidth=bw)
    assert below.outputs["bound"] == "memory"
    assert above.outputs["bound"] == "compute"
    int8 = decode_step_time(
        70e9, 8, int(ridge / 2) + 5, peak_flops=peak, bandwidth=bw, bytes_per_param=1
    )
    assert int8.outputs["bound"] == "compute"


def test_decode_kv_read_adds_time() -> None:
    base = decode_step_time(70e9, 8, 32, peak_flops=989e12, bandwidth=3.35e12)
    with_kv = decode_step_time(
        70e9, 8, 32, peak_flops=989e12, bandwidth=3.35e12, kv_bytes_per_seq=1.34e9
    )
    assert with_kv.value - base.value == pytest.approx(32 * 1.34e9 / (8 * 3.35e12))
    assert with_kv.outputs["tokens_per_s"] == pytest.approx(32 / with_kv.value)


@given(batch=st.integers(1, 4096))
def test_decode_throughput_grows_with_batch(batch: int) -> None:
    small = decode_step_time(70e9, 8, batch, peak_flops=989e12, bandwidth=3.35e12)
    large = decode_step_time(70e9, 8, batch + 1, peak_flops=989e12, bandwidth=3.35e12)
    assert large.value >= small.value
    assert large.outputs["tokens_per_s"] >= small.outputs["tokens_per_s"] * (1 - 1e-12)
