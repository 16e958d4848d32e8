"""The built-in bank: the catalog contract holds and every item poses cleanly."""

from __future__ import annotations

import pytest

from content.catalog import builtin_catalog, field_unit
from content.loader import Fact, Problem
from engine.bank import ContentBank

REQUIRED_ACCELERATORS = ["a100_40gb", "a100_80gb", "h100_sxm", "h100_pcie", "h200", "b200",
                         "mi300x", "l40s", "tpu_v5e", "tpu_v5p"]
ACCELERATOR_FIELDS = ["name", "vendor", "memory_type", "memory_bytes", "memory_bandwidth",
                      "bf16_dense_flops", "scaleup_link", "scaleup_bandwidth_per_direction",
                      "source"]
REQUIRED_LINKS = ["pcie3_x16", "pcie4_x16", "pcie5_x16", "nvlink3", "nvlink4", "nvlink5",
                  "ib_hdr", "ib_ndr"]


def test_catalog_contract() -> None:
    catalog = builtin_catalog()
    for entry_id in REQUIRED_ACCELERATORS:
        fields = catalog.get(entry_id).fields
        missing = [f for f in ACCELERATOR_FIELDS if f not in fields]
        assert not missing, f"{entry_id} lacks {missing}"
    for entry_id in REQUIRED_LINKS:
        entry = catalog.get(entry_id)
        assert entry.fields["bandwidth_per_direction"] > 0 and entry.source
    for entry_id in ["hbm2", "hbm2e", "hbm3", "hbm3e"]:
        fields = catalog.get(entry_id).fields
        # Per-stack bandwidth = pin rate x 1024-bit bus / 8 (JEDEC JESD235/JESD238).
        assert fields["per_stack_bandwidth"] == pytest.approx(
            fields["pin_rate_gbps"] * 1e9 * 1024 / 8, rel=0.01)
    assert "fp8_dense_flops" not in catalog.get("a100_80gb").fields  # Ampere has no FP8


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        # NVIDIA H100 datasheet: 1,979 TFLOPS BF16 "with sparsity" = 2 x 989 dense.
        ("h100_sxm.bf16_dense_flops", 989.4e12),
        # NVLink 4: 18 links x 25 GB/s each way; "900 GB/s" adds both directions.
        ("nvlink4.bandwidth_per_direction", 450e9),
        # PCIe 4.0 x16: 16 GT/s x 16 lanes x 128/130 / 8 = 31.5 GB/s each way.
        ("pcie4_x16.bandwidth_per_direction", 31.5e9),
        # InfiniBand NDR: 400 Gb/s = 50 GB/s per port per direction.
        ("ib_ndr.bandwidth_per_direction", 50e9),
        ("a100_80gb.memory_bandwidth", 2.039e12),
        ("mi300x.memory_bytes", 192e9),
    ],
)
def test_catalog_traps(reference: str, expected: float) -> None:
    assert builtin_catalog().lookup(reference).value == pytest.approx(expected, rel=0.005)


def test_every_catalog_number_has_a_known_unit() -> None:
    for entry in builtin_catalog():
        for name, value in entry.fields.items():
            if isinstance(value, float) and "bandwidth" in name:
                assert field_unit(name) == "byte/s"


def test_bank_loads_clean_with_enough_items(bank: ContentBank) -> None:
    assert bank.errors == []
    facts = [i for i in bank.items.values() if isinstance(i, Fact)]
    problems = [i for i in bank.items.values() if isinstance(i, Problem)]
    assert sum(1 for f in facts if f.catalog) >= 30
    assert len(problems) >= 5
    assert all(f.source or f.catalog for f in facts)
