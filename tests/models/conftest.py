"""Shared fixtures for the reference-model tests."""

from __future__ import annotations

import pytest

# A small inline hardware catalog in the content layer's field names (SI units).
# H100 SXM and A100 40GB figures: NVIDIA datasheets as collected in
# /work/shared/reference/models.md §B1.
CATALOG = {
    "h100-sxm": {
        "bf16_dense_flops": 989e12,
        "fp8_dense_flops": 1979e12,
        "memory_bandwidth": 3.35e12,
        "memory_bytes": 80e9,
        "tdp_watts": 700.0,
        "scaleup_bandwidth_per_direction": 450e9,
    },
    "a100-40gb": {
        "bf16_dense_flops": 312e12,
        "memory_bandwidth": 1.555e12,
        "memory_bytes": 40e9,
        "tdp_watts": 400.0,
    },
    "no-bandwidth": {"bf16_dense_flops": 100e12},
}


@pytest.fixture
def catalog() -> dict[str, dict[str, float]]:
    return CATALOG
