"""The registry: schema consistency, validation, gpu resolution, error messages, imports."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from engine.models import registry
from engine.models.base import ModelError, Result

EXPECTED = {
    # priority 1
    "train_flops",
    "train_time",
    "mfu",
    "train_memory",
    "kv_cache",
    "ridge_point",
    "roofline_time",
    "decode_step_time",
    "allreduce_time",
    "allgather_time",
    "busbw",
    # priority 2
    "megatron_flops",
    "megatron_params",
    "activation_memory",
    "pipeline_bubble",
    "checkpoint_interval",
    "job_failure_prob",
    "erlang_c",
    "straggler_step",
    "energy",
    "inference_cost",
    "effective_throughput",
    "failure_montecarlo",
    # issue 14
    "transformer_params",
}
UNITS = {
    "FLOP",
    "FLOP/s",
    "byte",
    "byte/s",
    "s",
    "day",
    "hour",
    "W",
    "J",
    "USD",
    "FLOP/byte",
    "parameter",
    "token/s",
    "token",
    "1/hour",
    "",
}
KINDS = {"float", "int", "bool", "choice", "gpu"}
CATALOG_FIELDS = {
    "bf16_dense_flops",
    "fp8_dense_flops",
    "tf32_dense_flops",
    "memory_bandwidth",
    "memory_bytes",
    "tdp_watts",
    "scaleup_bandwidth_per_direction",
}


def test_all_models_registered() -> None:
    assert set(registry.models()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_spec_matches_function(name: str) -> None:
    spec = registry.get(name)
    assert spec.name == name
    assert spec.unit in UNITS
    assert spec.formula and "\n" not in spec.formula
    doc = inspect.getdoc(spec.function) or ""
    assert len(doc) > 80, "docstring must name the formula, variables and source"
    signature = inspect.signature(spec.function)
    names = [p.name for p in spec.params]
    assert len(names) == len(set(names))
    expected = [n for n in names if n != "gpu"]
    assert sorted(signature.parameters) == sorted(expected)
    for param in spec.params:
        assert param.kind in KINDS
        assert param.help
        if param.kind == "choice":
            assert param.choices and (param.default is None or param.default in param.choices)
        if param.name == "gpu":
            assert not param.required
            continue
        has_default = signature.parameters[param.name].default is not inspect.Parameter.empty
        assert param.required == (not has_default), param.name
        if param.default is not None:
            assert param.default == signature.parameters[param.name].default
        if param.minimum is not None and param.maximum is not None:
            assert param.minimum <= param.maximum
    if spec.gpu_fields:
        assert spec.param("gpu") is not None
        for param_name, field in spec.gpu_fields.items():
            assert field in CATALOG_FIELDS
            assert spec.param(param_name) is not None
            assert not spec.param(param_name).required


def test_gpu_resolution(catalog: dict[str, dict[str, float]]) -> None:
    result = registry.run("ridge_point", {"gpu": "h100-sxm"}, catalog)
    assert result.value == pytest.approx(989 / 3.35)
    timed = registry.run(
        "train_time",
        {"params": 70e9, "tokens": 1.5e12, "gpus": 1024, "gpu": "h100-sxm", "mfu": 0.4},
        catalog,
    )
    assert timed.steps[1].value == pytest.approx(989e12 * 0.4)
    decode = registry.run(
        "decode_step_time", {"params": 70e9, "gpus": 8, "gpu": "a100-40gb", "batch": 1}, catalog
    )
    assert decode.value == pytest.approx(140e9 / (8 * 1.555e12))


def test_explicit_value_beats_catalog(catalog: dict[str, dict[str, float]]) -> None:
    result = registry.run("ridge_point", {"gpu": "h100-sxm", "bandwidth": 1e12}, catalog)
    assert result.value == pytest.approx(989)
    # a missing catalog field is fine when the caller supplies it
    filled = registry.run("ridge_point", {"gpu": "no-bandwidth", "bandwidth": 1e12}, catalog)
    assert filled.value == pytest.approx(100)


def test_string_values_are_coerced() -> None:
    result = registry.run(
        "train_flops", {"params": "175e9", "tokens": "300e9", "recompute": "true"}
    )
    assert result.value == pytest.approx(8 * 175e9 * 300e9)
    assert registry.run("busbw", {"algbw": 1e9, "ranks": "8.0"}).value == pytest.approx(1.75e9)


def test_defaults_applied() -> None:
    result = registry.run("kv_cache", {"layers": 80, "kv_heads": 8, "head_dim": 128, "seq_len": 1})
    assert result.value == 327_680


def test_unknown_model_lists_names() -> None:
    with pytest.raises(ModelError, match=r"valid models: .*train_time"):
        registry.get("train_tme")
    with pytest.raises(ModelError, match="unknown model"):
        registry.run("nope", {})


def test_unknown_parameter_lists_names() -> None:
    with pytest.raises(
        ModelError,
        match=r"unknown parameter 'token'.*valid parameters: "
        r"params, tokens, recompute",
    ):
        registry.run("train_flops", {"params": 1e9, "token": 1e9})


def test_out_of_range() -> None:
    with pytest.raises(ModelError, match="zero_stage = 4 is above the maximum 3"):
        registry.run("train_memory", {"params": 1e9, "zero_stage": 4, "dp": 8})
    with pytest.raises(ModelError, match="below the minimum"):
        registry.run("train_memory", {"params": 1e9, "zero_stage": 1, "dp": 0})
    with pytest.raises(ModelError, match="whole number"):
        registry.run("train_memory", {"params": 1e9, "zero_stage": 1.5, "dp": 8})
    with pytest.raises(ModelError, match="must be one of ring, tree"):
        registry.run(
            "allreduce_time", {"bytes": 1, "ranks": 2, "bandwidth": 1e9, "algorithm": "butterfly"}
        )
    with pytest.raises(ModelError, match="must be a number"):
        registry.run("busbw", {"algbw": "fast", "ranks": 8})


def test_missing_required() -> None:
    with pytest.raises(ModelError, match="missing parameter 'tokens'"):
        registry.run("train_flops", {"params": 1e9})


def test_function_value_errors_become_model_errors(
    catalog: dict[str, dict[str, float]],
) -> None:
    with pytest.raises(ModelError, match="train_time: need the per-GPU peak"):
        registry.run("train_time", {"params": 1e9, "tokens": 1e9, "gpus": 8, "mfu": 0.4})
    with pytest.raises(ModelError, match="ridge_point: need bandwidth"):
        registry.run("ridge_point", {"peak_flops": 1e15})
    with pytest.raises(ModelError, match="erlang_c: unstable"):
        registry.run("erlang_c", {"arrival_rate": 5, "service_rate": 1, "servers": 2})


def test_gpu_errors(catalog: dict[str, dict[str, float]]) -> None:
    with pytest.raises(ModelError, match=r"unknown gpu 'tpu-v9'.*a100-40gb, h100-sxm"):
        registry.run("ridge_point", {"gpu": "tpu-v9"}, catalog)
    with pytest.raises(ModelError, match="no memory_bandwidth"):
        registry.run("ridge_point", {"gpu": "no-bandwidth"}, catalog)
    with pytest.raises(ModelError, match="no hardware catalog"):
        registry.run("ridge_point", {"gpu": "h100-sxm"})


def test_every_model_runs_and_returns_a_result(catalog: dict[str, dict[str, float]]) -> None:
    samples = {
        "train_flops": {"params": 7e9, "tokens": 2e12},
        "train_time": {"params": 7e9, "tokens": 2e12, "gpus": 64, "gpu": "h100-sxm", "mfu": 0.4},
        "mfu": {"tokens_per_s": 1e6, "params": 7e9, "gpus": 64, "gpu": "h100-sxm"},
        "train_memory": {"params": 7e9, "zero_stage": 3, "dp": 64},
        "kv_cache": {"layers": 32, "kv_heads": 8, "head_dim": 128, "seq_len": 8192},
        "ridge_point": {"gpu": "a100-40gb"},
        "roofline_time": {"flops": 1e12, "bytes": 1e9, "gpu": "h100-sxm"},
        "decode_step_time": {"params": 7e9, "gpus": 1, "gpu": "h100-sxm", "batch": 8},
        "allreduce_time": {"bytes": 1e9, "ranks": 8, "bandwidth": 450e9},
        "allgather_time": {"bytes": 1e9, "ranks": 8, "bandwidth": 450e9},
        "busbw": {"algbw": 100e9, "ranks": 8, "collective": "allgather"},
        "megatron_flops": {
            "batch": 512,
            "seq_len": 2048,
            "layers": 24,
            "hidden": 2048,
            "vocab": 51200,
        },
        "megatron_params": {"layers": 24, "hidden": 2048, "vocab": 51200, "seq_len": 2048},
        "activation_memory": {
            "seq_len": 2048,
            "micro_batch": 1,
            "hidden": 4096,
            "heads": 32,
            "layers": 32,
            "tp": 4,
            "sp": "true",
            "recompute": "selective",
        },
        "pipeline_bubble": {"stages": 4, "microbatches": 16},
        "checkpoint_interval": {"checkpoint_s": 60, "mtbf_s": 3600 * 3, "method": "daly"},
        "job_failure_prob": {"gpus": 1024, "hours": 24, "mtbf_hours": 5e4},
        "erlang_c": {"arrival_rate": 9, "service_rate": 1, "servers": 10},
        "straggler_step": {"mean_s": 1, "std_s": 0.1, "workers": 1024},
        "energy": {"power_w": 700, "hours": 24, "chips": 8, "pue": 1.3, "usd_per_kwh": 0.1},
        "inference_cost": {"tokens_per_s": 2000, "usd_per_gpu_hour": 2.5, "gpus": 2},
        "effective_throughput": {"tokens_per_step": 4e6, "ideal_step_s": 10, "stages": 8,
                                 "microbatches": 32, "checkpoint_s": 60, "mtbf_s": 10800},
        "failure_montecarlo": {"gpus": 1024, "hours": 24, "mtbf_hours": 5e4,
                               "checkpoint_s": 60, "trials": 200},
        "transformer_params": {"layers": 32, "d_model": 4096, "d_ff": 14336, "heads": 32,
                               "kv_heads": 8, "vocab": 128256, "experts": 8,
                               "active_experts": 2},
    }
    assert set(samples) == EXPECTED
    for name, params in samples.items():
        result = registry.run(name, params, catalog)
        assert isinstance(result, Result)
        assert result.unit == registry.get(name).unit
        assert result.value == result.value and result.value >= 0  # not NaN, not negative
        assert result.steps, name
        for step in result.steps:
            assert step.unit in UNITS | {"kWh"}, (name, step)
        for key, unit in result.output_units.items():
            assert key in result.outputs
            assert unit in UNITS | {"kWh"}
        result.to_dict()


def test_engine_models_imports_nothing_heavy() -> None:
    # engine.models imports only engine.models.base from the project, never textual, and
    # defers numpy/scipy until a model that needs them runs.
    code = (
        "import sys\n"
        "from engine.models import registry\n"
        "registry.models()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'content', 'grading', 'scipy', 'numpy', 'tui'})\n"
        "print(','.join(bad))\n"
    )
    root = Path(__file__).resolve().parents[2]
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == ""
