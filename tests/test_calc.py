"""``tpm-drill calc``: units converted, the catalog read, JSON shaped, every mistake exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.calc import calculate, parse_assignments
from engine.models.base import ModelError

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", "calc", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


@pytest.mark.parametrize(
    ("assignment", "name", "expected"),
    [
        ("bandwidth=450GB/s", "bandwidth", 450e9),
        ("bandwidth=400Gbps", "bandwidth", 50e9),  # gigabits: 400/8 GB/s
        ("bandwidth=450e9", "bandwidth", 450e9),  # a plain number is SI
        ("bytes=140GB", "bytes", 140e9),
        ("bytes=1GiB", "bytes", 1024**3),
        ("latency=8us", "latency", 8e-6),
    ],
)
def test_values_with_units_are_converted_to_si(assignment: str, name: str,
                                               expected: float) -> None:
    values = parse_assignments("allreduce_time", [assignment])
    assert values[name] == pytest.approx(expected)


def test_counts_durations_and_percentages() -> None:
    values = parse_assignments("train_time", ["params=70B", "tokens=15T", "mfu=40%"])
    assert values == pytest.approx({"params": 70e9, "tokens": 15e12, "mfu": 0.4})
    assert parse_assignments("job_failure_prob", ["hours=2weeks"])["hours"] == pytest.approx(336)


def test_gpu_reads_the_catalog() -> None:
    # H100 SXM: 989.4 TFLOP/s dense BF16 over 3.35 TB/s = 295 FLOP/byte (scaling book: ~295).
    result = calculate("ridge_point", ["gpu=h100_sxm"])
    assert result.value == pytest.approx(989.4e12 / 3.35e12)


def test_json_shape() -> None:
    done = _cli("allreduce_time", "bytes=1GB", "ranks=8", "bandwidth=100GB/s", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"model", "value", "unit", "outputs", "steps"}
    assert data["model"] == "allreduce_time" and data["unit"] == "s"
    # Ring all-reduce: 2·(8−1)/8 · 1 GB / 100 GB/s = 17.5 ms (Patarasuk & Yuan 2009).
    assert data["value"] == pytest.approx(0.0175)
    assert all(set(step) == {"label", "value", "unit"} for step in data["steps"])


def test_human_output_shows_steps() -> None:
    done = _cli("train_flops", "params=175B", "tokens=300B")
    assert done.returncode == 0
    assert "3.15e+23 FLOP" in done.stdout  # GPT-3: 6·175e9·300e9 (Brown et al. 2020)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("train_flopz",), "valid models: activation_memory"),
        (("train_flops", "parms=7B", "tokens=1T"), "valid parameters: params, tokens"),
        (("train_flops", "params=-5", "tokens=1T"), "below the minimum"),
        (("train_flops", "params=7B"), "missing parameter 'tokens'"),
        (("ridge_point", "gpu=h1000"), "unknown gpu 'h1000'"),
        (("allreduce_time", "bytes=3s", "ranks=8", "bandwidth=1e9"), "bytes='3s'"),
        (("train_flops", "params"), "expected key=value"),
    ],
)
def test_mistakes_exit_2_with_a_message(args: tuple[str, ...], message: str) -> None:
    done = _cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_list_shows_every_model_with_formula() -> None:
    done = _cli("--list")
    assert done.returncode == 0
    from engine.models.registry import models

    for name, spec in models().items():
        assert name in done.stdout and spec.formula in done.stdout


def test_parse_errors_are_model_errors() -> None:
    with pytest.raises(ModelError, match="given twice"):
        parse_assignments("train_flops", ["params=1", "params=2"])


@pytest.mark.parametrize(("typed", "tokens"), [
    ("32k", 32_768), ("8K", 8_192), ("128k", 131_072), ("1k", 1_024),
    ("100k", 100_000),  # not a power of two: a plain thousand
    ("32000", 32_000), ("32768", 32_768),
])
def test_a_context_length_in_k_counts_1024s(typed: str, tokens: int) -> None:
    """Issue #12: `calc kv_cache seq_len=32k` used 32,000; in this field a 32k context is 2^15
    tokens. Llama 3 70B (80 layers, 8 KV heads of 128, BF16) at 32,768 tokens holds
    2 · 80 · 8 · 128 · 2 B = 327,680 B per token × 32,768 = 10,737,418,240 B."""
    result = calculate("kv_cache", ["layers=80", "kv_heads=8", "head_dim=128",
                                    f"seq_len={typed}"])
    assert result.value == 327_680 * tokens
