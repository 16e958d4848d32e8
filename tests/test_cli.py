"""The command line: --version, --help, and the hardware catalog printer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_version_and_help() -> None:
    version = _cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("tpm-drill ")
    usage = _cli("--help")
    assert usage.returncode == 0
    for word in ("drill", "hw", "--db", "TPM_DRILL_DB"):
        assert word in usage.stdout


def test_hw_json_is_the_catalog_entry_in_si_units() -> None:
    result = _cli("hw", "h100_sxm", "--json")
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout)
    assert entry["id"] == "h100_sxm"
    assert entry["kind"] == "accelerator"
    # NVIDIA H100 datasheet: 3.35 TB/s HBM3, NVLink 900 GB/s total = 450 GB/s each way.
    assert entry["memory_bandwidth"] == 3.35e12
    assert entry["scaleup_bandwidth_per_direction"] == 450e9
    assert entry["source"]


def test_hw_lists_and_shows_with_units() -> None:
    listing = _cli("hw")
    assert listing.returncode == 0
    for entry_id in ("a100_40gb", "h100_sxm", "mi300x", "tpu_v5p", "nvlink4", "hbm3e"):
        assert entry_id in listing.stdout
    shown = _cli("hw", "h100_sxm")
    assert shown.returncode == 0
    assert "Source:" in shown.stdout
    # Figures as a person says them (NVIDIA H100 datasheet, SXM column), not SI floats.
    fields = dict(line.split(None, 1) for line in shown.stdout.splitlines()
                  if line.startswith("  ") and len(line.split(None, 1)) == 2)
    assert fields["memory_bytes"] == "80 GB"
    assert fields["memory_bandwidth"] == "3.35 TB/s"
    assert fields["bf16_dense_flops"] == "989 TFLOP/s"
    assert fields["bf16_sparse_flops"] == "1.98 PFLOP/s"
    assert fields["tdp_watts"] == "700 W"


def test_hw_unknown_id_is_a_clear_error() -> None:
    result = _cli("hw", "h1000")
    assert result.returncode == 2
    assert "unknown hardware id 'h1000'" in result.stderr
    assert "h100_sxm" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("new_per_dya = 20\n")
    result = _cli("--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "unknown key 'new_per_dya'" in result.stderr
    assert "Traceback" not in result.stderr
