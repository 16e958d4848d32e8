"""Collective times and NCCL bus bandwidth."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.models.communication import allgather_time, allreduce_time, busbw


@pytest.mark.parametrize(
    "collective, factor",
    [
        # NVIDIA nccl-tests doc/PERFORMANCE.md, "Summary", for n = 8 ranks:
        ("allreduce", 2 * 7 / 8),
        ("reducescatter", 7 / 8),
        ("allgather", 7 / 8),
        ("alltoall", 7 / 8),
        ("broadcast", 1.0),
        ("reduce", 1.0),
    ],
)
def test_busbw_factors(collective: str, factor: float) -> None:
    result = busbw(algbw=100e9, ranks=8, collective=collective)
    assert result.value == pytest.approx(100e9 * factor)
    assert result.unit == "byte/s"


def test_busbw_two_rank_allreduce_equals_algbw() -> None:
    # 2(n−1)/n = 1 at n = 2 (nccl-tests PERFORMANCE.md).
    assert busbw(123e9, 2).value == pytest.approx(123e9)


def test_busbw_unknown_collective() -> None:
    with pytest.raises(ValueError, match="allreduce"):
        busbw(1e9, 8, "gossip")


def test_ring_allreduce_is_nccl_bound() -> None:
    # nccl-tests PERFORMANCE.md: t = (S/B)·2(n−1)/n. 1 GB over 8 H100s at 450 GB/s per
    # direction (NVLink4) -> 1e9/450e9 · 1.75 ≈ 3.89 ms.
    result = allreduce_time(bytes=1e9, ranks=8, bandwidth=450e9)
    assert result.value == pytest.approx(1e9 / 450e9 * 1.75)
    # busbw of that run equals the link bandwidth.
    assert busbw(result.outputs["algbw"], 8).value == pytest.approx(450e9)


def test_ring_allreduce_latency_term() -> None:
    # Ring all-reduce: 2(p−1)·α + 2(p−1)/p·n·β (Patarasuk & Yuan 2009; MPICH cost model).
    result = allreduce_time(bytes=0, ranks=16, bandwidth=1e9, latency=5e-6)
    assert result.value == pytest.approx(2 * 15 * 5e-6)


def test_tree_allreduce_log_latency() -> None:
    # Double binary tree (NCCL 2.4): 2·log2(p) latency terms instead of 2(p−1).
    tree = allreduce_time(0, 1024, 1e9, latency=5e-6, algorithm="tree")
    ring = allreduce_time(0, 1024, 1e9, latency=5e-6)
    assert tree.value == pytest.approx(2 * 10 * 5e-6)
    assert ring.value == pytest.approx(2 * 1023 * 5e-6)
    # For large messages the two converge: 2·S/B vs 2(p−1)/p·S/B.
    big_tree = allreduce_time(1e10, 1024, 1e11, algorithm="tree").value
    big_ring = allreduce_time(1e10, 1024, 1e11).value
    assert big_tree == pytest.approx(big_ring, rel=1e-3)


def test_one_rank_is_free() -> None:
    assert allreduce_time(1e9, 1, 1e9, latency=1e-5).value == 0.0
    assert allreduce_time(1e9, 1, 1e9, algorithm="tree").value == 0.0
    assert allgather_time(1e9, 1, 1e9, latency=1e-5).value == 0.0


def test_allgather_is_half_an_allreduce() -> None:
    # nccl-tests PERFORMANCE.md: all-gather moves (n−1)/n of S per rank, all-reduce 2(n−1)/n.
    for ranks in (2, 8, 64):
        gather = allgather_time(4e9, ranks, 50e9).value
        assert gather == pytest.approx(4e9 / 50e9 * (ranks - 1) / ranks)
        assert allreduce_time(4e9, ranks, 50e9).value == pytest.approx(2 * gather)


@given(
    size=st.floats(1.0, 1e12),
    ranks=st.integers(2, 4096),
    latency=st.floats(0.0, 1e-4),
)
def test_allreduce_monotonic(size: float, ranks: int, latency: float) -> None:
    base = allreduce_time(size, ranks, 1e11, latency).value
    assert allreduce_time(size * 2, ranks, 1e11, latency).value > base
    assert allreduce_time(size, ranks + 1, 1e11, latency).value >= base
    assert allreduce_time(size, ranks, 2e11, latency).value < base
    # never below the bandwidth lower bound (S/B)·2(n−1)/n
    assert base >= size / 1e11 * 2 * (ranks - 1) / ranks * (1 - 1e-12)
    assert math.isfinite(base)
