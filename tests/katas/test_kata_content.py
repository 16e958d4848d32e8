"""The built-in katas: enough of them, the five contract katas exactly as issue #13 states
them, every kata complete (scenario, starter, solution, hints, assumptions, source), the
scenarios the interview guide names all covered, and hardware figures equal to the catalog's.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from content.catalog import builtin_catalog
from content.loader import ROUNDS, Kata
from engine.bank import ContentBank
from engine.content_check import check_content
from engine.katas.references import reference_value

#: Issue #13, "Contract for these five katas": id -> (function, parameters in order).
CONTRACT = {
    "kata.jitter_step_time": ("step_time", ["n_gpus", "step_mean_s", "jitter_sd_s"]),
    "kata.ring_allreduce": ("allreduce_seconds", ["bytes", "ranks", "bandwidth", "latency"]),
    "kata.fail_before_checkpoint": ("p_fail", ["n_gpus", "mtbf_gpu_hours", "interval_s"]),
    "kata.young_interval": ("checkpoint_interval", ["checkpoint_s", "mtbf_job_s"]),
    "kata.kv_max_batch": ("max_batch", ["free_bytes", "layers", "kv_heads", "head_dim",
                                        "context_tokens", "bytes_per_value"]),
}

#: The scenarios issue #13 asks the katas to cover, and the katas that do.
COVERAGE = {
    "jitter on 128 A100s": ["kata.jitter_step_time", "kata.jitter_convergence_bounds"],
    "throughput with accumulation, bubbles and checkpoints": ["kata.effective_throughput"],
    "job failure before the next checkpoint, by Monte Carlo": ["kata.fail_before_checkpoint"],
    "Young/Daly interval": ["kata.young_interval", "kata.daly_interval"],
    "GPU-allocation queue": ["kata.gpu_queue_wait"],
    "over-provisioning vs queue wait": ["kata.overprovision"],
    "cost per inference with egress and swap": ["kata.cost_per_request"],
    "energy of a 48B model across GPUs": ["kata.energy_48b"],
    "KV cache and max batch": ["kata.kv_max_batch"],
    "ring vs tree all-reduce": ["kata.ring_vs_tree", "kata.ring_allreduce"],
    "ZeRO memory ledger": ["kata.zero_memory"],
    "roofline step time": ["kata.roofline_matmul"],
    "MFU from tokens/s": ["kata.mfu_h100"],
    "batch size vs memory-bandwidth saturation": ["kata.decode_batch_saturation"],
    "data-loader prefetch throughput": ["kata.dataloader_prefetch"],
    "pipeline bubble": ["kata.pipeline_bubble"],
}

#: Hardware constants a kata's code or hints may quote, and the catalog field each must equal.
FIGURES = {
    "989.4e12": "h100_sxm.bf16_dense_flops",
    "3.35e12": "h100_sxm.memory_bandwidth",
    "312e12": "a100_80gb.bf16_dense_flops",
    "2.039e12": "a100_80gb.memory_bandwidth",
    "1978.9e12": "h100_sxm.bf16_sparse_flops",
}


@pytest.fixture(scope="module")
def katas(bank: ContentBank) -> dict[str, Kata]:
    return {item.id: item for item in bank.items.values() if isinstance(item, Kata)}


def test_at_least_24_katas_load_and_are_served(bank: ContentBank,
                                               katas: dict[str, Kata]) -> None:
    assert len(katas) >= 24
    assert [str(e) for e in bank.errors if (e.item or "").startswith("kata.")] == []
    assert all(bank.is_long_form(kata_id) for kata_id in katas)


@pytest.mark.parametrize("kata_id", sorted(CONTRACT))
def test_the_contract_katas_are_exactly_as_issue_13_states(katas: dict[str, Kata],
                                                           kata_id: str) -> None:
    function, params = CONTRACT[kata_id]
    kata = katas[kata_id]
    assert kata.function == function
    assert [param.name for param in kata.params] == params
    for code in (kata.starter, kata.solution):
        [defined] = [node for node in ast.parse(code).body
                     if isinstance(node, ast.FunctionDef) and node.name == function]
        assert [a.arg for a in defined.args.args] == params


def test_the_contract_units_and_domains(katas: dict[str, Kata]) -> None:
    jitter = katas["kata.jitter_step_time"]
    assert (jitter.params[0].minimum, jitter.params[0].maximum) == (1, 100_000)
    assert jitter.params[0].integer and 1 in jitter.params[0].edges
    assert jitter.return_unit == "s"
    assert katas["kata.ring_allreduce"].return_unit == "s"
    assert katas["kata.fail_before_checkpoint"].return_unit == ""
    assert katas["kata.fail_before_checkpoint"].monte_carlo_trials
    assert katas["kata.young_interval"].return_unit == "s"
    assert katas["kata.kv_max_batch"].return_unit == ""


@pytest.mark.parametrize("scenario", sorted(COVERAGE))
def test_every_scenario_of_the_guide_has_a_kata(katas: dict[str, Kata], scenario: str) -> None:
    missing = [kata_id for kata_id in COVERAGE[scenario] if kata_id not in katas]
    assert missing == [], scenario


def test_every_kata_is_complete(katas: dict[str, Kata]) -> None:
    for kata in katas.values():
        where = kata.id
        assert 2 <= len(kata.hints) <= 4, where
        assert kata.assumptions, where
        assert kata.target_minutes and kata.target_minutes <= 60, where
        assert kata.source and kata.explanation and kata.returns, where
        assert "technical_screen" in kata.rounds and set(kata.rounds) <= set(ROUNDS), where
        assert kata.function in kata.prompt, f"{where}: the prompt names the function"
        starter = ast.parse(kata.starter)
        [defined] = [node for node in starter.body if isinstance(node, ast.FunctionDef)
                     and node.name == kata.function]
        assert ast.get_docstring(defined), f"{where}: the starter's docstring gives the units"
        assert "NotImplementedError" in kata.starter, where
        assert "NotImplementedError" not in kata.solution, where
        for param in kata.params:
            assert param.name in kata.starter, f"{where}: {param.name} in the starter"


def test_the_mix_of_katas(katas: dict[str, Kata]) -> None:
    bounded = [k for k in katas.values() if k.bounds]
    simulated = [k for k in katas.values() if k.monte_carlo_trials]
    followed = [k for k in katas.values() if k.follow_ups]
    assert len(bounded) >= 3
    assert len(simulated) >= 2
    assert len(followed) >= 10
    for kata in bounded:
        assert "(estimate, low, high)" in kata.prompt, kata.id
    for kata in simulated:  # their reference gives a standard error at the trial count
        point = {p.name: p.edges[-1] for p in kata.params}
        assert reference_value(kata, point).stderr > 0, kata.id
        assert f"{kata.monte_carlo_trials:,}" in kata.prompt, kata.id


def test_hardware_figures_are_the_catalogs(katas: dict[str, Kata]) -> None:
    catalog = builtin_catalog()
    for kata in katas.values():
        text = "\n".join((kata.solution, *kata.hints))
        for figure in re.findall(r"\b\d+(?:\.\d+)?e12\b", text):
            assert figure in FIGURES, f"{kata.id}: {figure} is not a catalog figure we know"
            assert float(figure) == catalog.lookup(FIGURES[figure]).value, kata.id
    # The energy kata's follow-ups put real GPUs in: each pair is the catalog's.
    parts = {"a100_80gb", "h100_sxm", "mi300x", "b200"}
    pairs = {(catalog.lookup(f"{part}.bf16_dense_flops").value,
              catalog.lookup(f"{part}.tdp_watts").value) for part in parts}
    asked = {(f.inputs["peak_flops"], f.inputs["power_w"])
             for f in katas["kata.energy_48b"].follow_ups}
    assert asked == pairs


def test_no_prompt_quotes_a_sparse_figure_as_a_peak(katas: dict[str, Kata]) -> None:
    for kata in katas.values():
        for sparse in ("1,979", "1979", "624 TFLOP", "3,958"):
            for text in (kata.prompt, kata.solution):
                if sparse in text:
                    around = text[max(0, text.index(sparse) - 80):text.index(sparse) + 80]
                    assert "sparsity" in around or "sparse" in around, (kata.id, around)


def test_built_in_katas_pass_content_check() -> None:
    report = check_content(seeds=3)
    kata_errors = [str(e) for e in report.errors if Path(e.file).name.startswith("katas")]
    assert kata_errors == []
    assert report.katas >= 24


def test_new_players_meet_katas_among_the_long_form_items(bank: ContentBank,
                                                          katas: dict[str, Kata]) -> None:
    order = bank.new_order()
    assert set(katas) <= set(order)
    first_kata = min(order.index(kata_id) for kata_id in katas)
    short_before = [i for i in order[:first_kata] if not bank.is_long_form(i)]
    assert len(short_before) >= 4  # a kata comes after some short items, not first


def test_the_bank_cache_tracks_the_kata_code() -> None:
    import engine.bank

    tracked = {Path(path).name for path, _mtime, _size in engine.bank._code_fingerprint()}
    assert {"references.py", "compositions.py"} <= tracked
