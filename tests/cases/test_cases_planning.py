"""The planning cases (issue 14: program design and system tradeoffs) and their compositions.

Each composition of ``engine.cases.compositions_planning`` is checked against a published
worked example where one exists (cited in the test), else against the worked number in its
docstring; then several cases' chains are worked by hand for one seed, with the arithmetic
in the test's docstring, as ``test_contract_case.py`` does for ``case.train_budget``.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path

import pytest

from content.cases import Case, CaseStep, DecisionStep
from content.catalog import builtin_catalog
from engine.cases import PosedCase, case_problem, pose_case
from engine.cases.references import COMPOSITIONS, run_reference
from engine.models.base import ModelError
from tests.cases.helpers import read_cases

DECKS = ("cases_program_design", "cases_system_tradeoffs")


def _deck_cases(deck: str) -> list[Case]:
    path = Path(str(resources.files("content").joinpath("decks", f"{deck}.toml")))
    found = read_cases(path.read_text(encoding="utf-8"), str(path))
    for case in found:
        assert isinstance(case, Case), case
    return found  # type: ignore[return-value]


def _case(case_id: str) -> Case:
    for deck in DECKS:
        for case in _deck_cases(deck):
            if case.id == case_id:
                return case
    raise AssertionError(f"no case {case_id}")


def _value(name: str, **inputs: float) -> float:
    return float(run_reference(name, inputs).value)


# ------------------------------------------------------------------ compositions


def test_bytes_for_params_matches_the_scaling_book_30b_int8_example() -> None:
    """jax-ml/scaling-book, inference.md pop quiz: "in int8, our parameters will use 30e9
    bytes" for a 30B model; and 300B in BF16 is 600 GB."""
    assert _value("bytes_for_params", params=30e9, bytes_per_param=1) == pytest.approx(30e9)
    assert _value("bytes_for_params", params=300e9, bytes_per_param=2) == pytest.approx(600e9)


def test_transfer_seconds_matches_esnet_one_terabyte_over_one_gigabit() -> None:
    """ESnet fasterdata, 'Network Requirements and Expectations': 1 TB over a 1 Gbps network
    takes 3 hours. Line rate alone is 8e12 bit / 1e9 bit/s = 8,000 s (2.22 h); the table's
    3 h is 8,000 / 10,800 = 74 % of line rate. 1 Gbit/s = 1.25e8 B/s."""
    assert _value("transfer_seconds", payload_bytes=1e12, bandwidth=1.25e8,
                  efficiency=1.0) == pytest.approx(8_000)
    three_hours = _value("transfer_seconds", payload_bytes=1e12, bandwidth=1.25e8,
                         efficiency=8_000 / 10_800)
    assert three_hours == pytest.approx(3 * 3600)


def test_gpus_per_site_surviving_a_site_loss_and_its_rounding_edge() -> None:
    """The open question open.design.rollout_300b_three_dc works 300,000 token/s of peak at
    3,000 token/s per 8-GPU replica over 3 sites: 50 replicas = 400 GPUs per site, 1,200 in
    all, 1.5x the 800 of one pool. One token/s more needs a 51st replica per site."""
    result = run_reference("gpus_per_site_surviving_site_loss",
                           {"peak_load": 300_000, "per_replica_load": 3_000,
                            "gpus_per_replica": 8, "sites": 3})
    assert result.value == 400
    assert result.outputs["fleet_gpus"] == 1_200
    assert result.outputs["premium"] == pytest.approx(1.5)
    assert _value("gpus_per_site_surviving_site_loss", peak_load=300_001,
                  per_replica_load=3_000, gpus_per_replica=8, sites=3) == 408
    with pytest.raises(ModelError, match="sites"):
        _value("gpus_per_site_surviving_site_loss", peak_load=1e5, per_replica_load=1e3,
               gpus_per_replica=8, sites=1)


def test_checkpoint_waste_at_youngs_interval_is_the_square_root_law() -> None:
    """Young 1974: the first-order waste δ/τ + τ/(2M) is least at τ = √(2δM), where it equals
    √(2δ/M) (models.md A12). δ = 30 s, M = 3 h: τ = √(2·30·10,800) = 805 s and the waste
    √(60/10,800) = 7.45 %; at τ = 30 min it is 30/1,800 + 900/10,800 = 1.67 % + 8.33 % = 10 %.
    A restart R adds R/M."""
    tau = math.sqrt(2 * 30 * 10_800)
    assert tau == pytest.approx(805, abs=0.5)
    assert _value("checkpoint_waste_fraction", checkpoint_s=30, interval_s=tau,
                  mtbf_s=10_800, restart_s=0) == pytest.approx(math.sqrt(60 / 10_800))
    assert _value("checkpoint_waste_fraction", checkpoint_s=30, interval_s=1_800,
                  mtbf_s=10_800, restart_s=0) == pytest.approx(0.1)
    assert _value("checkpoint_waste_fraction", checkpoint_s=30, interval_s=1_800,
                  mtbf_s=10_800, restart_s=540) == pytest.approx(0.15)
    with pytest.raises(ModelError, match="never finishes"):
        _value("checkpoint_waste_fraction", checkpoint_s=30, interval_s=30_000,
               mtbf_s=10_800, restart_s=0)


def test_padding_waste_and_its_savings_match_krell_et_al() -> None:
    """Krell et al. 2021 (arXiv 2107.02027), abstract: at sequence length 512 padding is
    over 50 % of BERT's Wikipedia tokens, and removing it gives a 2x speed-up. Real 256 of
    512 slots: waste 0.5, speed-up 1/(1 − 0.5) = 2, half the GPU-hours saved."""
    result = run_reference("shortfall_fraction", {"achieved": 256, "planned": 512})
    assert result.value == pytest.approx(0.5)
    assert result.outputs["speedup"] == pytest.approx(2.0)
    assert _value("share_saved_by_less_waste", waste_before=0.5,
                  waste_after=0.0) == pytest.approx(0.5)
    assert _value("gpu_hours_saved_by_less_waste", gpu_hours=1_000, waste_before=0.5,
                  waste_after=0.0) == pytest.approx(500)
    with pytest.raises(ModelError, match="below planned"):
        _value("shortfall_fraction", achieved=512, planned=512)
    with pytest.raises(ModelError, match="below waste_before"):
        _value("share_saved_by_less_waste", waste_before=0.2, waste_after=0.2)


def test_energy_per_token_matches_clune_per_token_energy_table() -> None:
    """clune.org, 'Another look at per token energy costs': a 4xH100 node bracketed at
    1.5 kW and 3.0 kW; at batch 1, 41.8 token/s → 36 J and 72 J per token; at batch 8,
    156 token/s → 9.6 J and 19 J. kWh per million tokens = J × 1e6 / 3.6e6 (10 – 20 kWh)."""
    assert _value("energy_per_token", power_w=1_500, gpus=1, tokens_per_s=41.8,
                  pue=1.0) == pytest.approx(36, abs=0.5)
    assert _value("energy_per_token", power_w=750, gpus=4, tokens_per_s=41.8,
                  pue=1.0) == pytest.approx(72, abs=0.5)
    assert _value("energy_per_token", power_w=1_500, gpus=1, tokens_per_s=156,
                  pue=1.0) == pytest.approx(9.6, abs=0.05)
    result = run_reference("energy_per_token", {"power_w": 1_500, "gpus": 1,
                                                "tokens_per_s": 41.8, "pue": 1.0})
    assert result.outputs["kwh_per_million_tokens"] == pytest.approx(10, abs=0.1)


def test_cost_compositions_on_their_worked_numbers() -> None:
    """The docstrings' worked numbers, by hand:
    fleet waste: 16,384 GPUs · 24 h · $2 · 0.10 = $78,643.2 a day (Llama 3 §3.3.4 counts
    > 90 % effective training time on 16,384 GPUs);
    wall-clock: 45 days at 10 % waste = 45 / 0.9 = 50 days;
    swap: 2 · 0.05 s · 8 GPUs · $3 / 3600 = $6.667e-4 per swap, × 0.2 · 1e6 / 500 = 400
    swaps per 1M tokens = $0.2667;
    egress: 250 B · 1e6 = 0.25 GB · $0.09 = $0.0225;
    queue: 10 nodes · 8 · 24 · $2 = $3,840 + 40 jobs a day · 0.5 h · $100 = $2,000."""
    assert _value("fleet_waste_usd_per_day", gpus=16_384, usd_per_gpu_hour=2,
                  waste_fraction=0.1) == pytest.approx(78_643.2)
    assert _value("seconds_with_waste", seconds=45 * 86_400,
                  waste_fraction=0.1) == pytest.approx(50 * 86_400)
    assert _value("swap_usd_per_million_tokens", swap_one_way_s=0.05, swapped_fraction=0.2,
                  tokens_per_request=500, gpus=8, usd_per_gpu_hour=3) == \
        pytest.approx(0.26667, rel=1e-4)
    assert _value("egress_usd_per_million_tokens", bytes_per_token=250,
                  usd_per_gb=0.09) == pytest.approx(0.0225)
    assert _value("sum_usd", first=1.85, second=0.27, third=0.02) == pytest.approx(2.14)
    assert _value("queue_cost_usd_per_day", servers=10, gpus_per_server=8,
                  usd_per_gpu_hour=2, arrival_rate=40 / 86_400, mean_wait_s=1_800,
                  usd_per_wait_hour=100) == pytest.approx(5_840)


def test_gpus_within_power_matches_the_dgx_h100_power_budget() -> None:
    """NVIDIA DGX H100 datasheet: ~10.2 kW maximum for 8 GPUs (catalog
    systems.dgx_h100.system_power_watts), i.e. 1,275 W per GPU all-in: 700 W of TDP and
    575 W of host, NIC and switch share. A 20 MW site at PUE 1.25 has 16 MW of IT power:
    ⌊16e6 / 1,275⌋ = 12,549 GPUs; one watt less per site loses no GPU, 1,275 · 1.25 W less
    loses one."""
    catalog = builtin_catalog()
    per_gpu = catalog.lookup("dgx_h100.system_power_watts").value / 8
    overhead = per_gpu - catalog.lookup("h100_sxm.tdp_watts").value
    assert overhead == pytest.approx(575)
    gpus = _value("gpus_within_power", site_power_w=20e6, gpu_power_w=700,
                  overhead_w_per_gpu=overhead, pue=1.25)
    assert gpus == 12_549
    assert _value("gpus_within_power", site_power_w=12_549 * 1_275 * 1.25, gpu_power_w=700,
                  overhead_w_per_gpu=575, pue=1.25) == 12_549
    assert _value("gpus_within_power", site_power_w=12_549 * 1_275 * 1.25 - 1,
                  gpu_power_w=700, overhead_w_per_gpu=575, pue=1.25) == 12_548


def test_finish_after_lead_is_the_scaling_book_training_time_plus_the_lead() -> None:
    """jax-ml/scaling-book applied-training: t = C / (chips · peak · MFU). 6.3e24 FLOP on
    4,096 GPUs of 989 TFLOP/s at 40 % MFU: 6.3e24 / 1.6204e18 = 3.888e6 s = 45.0 days; with
    a 30-day lead time the run ends on day 75.0."""
    seconds = _value("finish_seconds_after_lead", compute_flops=6.3e24, gpus=4_096,
                     peak_flops=989e12, mfu=0.4, lead_s=30 * 86_400)
    assert seconds / 86_400 == pytest.approx(75.0, abs=0.01)


def test_every_planning_composition_has_a_test_above_and_a_sourced_docstring() -> None:
    planning = {name for name, found in COMPOSITIONS.items()
                if found.function.__module__ == "engine.cases.compositions_planning"}
    tested = {"bytes_for_params", "transfer_seconds", "gpus_per_site_surviving_site_loss",
              "checkpoint_waste_fraction", "share_saved_by_less_waste",
              "fleet_waste_usd_per_day", "seconds_with_waste", "shortfall_fraction",
              "gpu_hours_saved_by_less_waste", "energy_per_token",
              "swap_usd_per_million_tokens", "egress_usd_per_million_tokens", "sum_usd",
              "queue_cost_usd_per_day", "gpus_within_power", "finish_seconds_after_lead"}
    assert planning == tested
    for name in planning:
        doc = " ".join((COMPOSITIONS[name].function.__doc__ or "").split()).casefold()
        assert "worked example" in doc and "source" in doc, name


# ------------------------------------------------------------------ the decks


def test_the_planning_decks_hold_fifteen_cases_shaped_as_the_brief_asks() -> None:
    program = _deck_cases("cases_program_design")
    tradeoffs = _deck_cases("cases_system_tradeoffs")
    cases = program + tradeoffs
    assert (len(program), len(tradeoffs)) == (7, 8)
    assert all("program_design" in c.rounds for c in program)
    assert all("system_tradeoffs" in c.rounds for c in tradeoffs)
    assert len({c.id for c in cases}) == len(cases)
    assert {c.level for c in cases} == {"L4", "L5", "L6", "L7", "L8"}
    with_decision = [c for c in cases if any(isinstance(s, DecisionStep) for s in c.steps)]
    assert 3 * len(with_decision) >= len(cases)
    for case in cases:
        assert 3 <= len(case.steps) <= 7, case.id
        assert case.target_minutes and case.source and case.explanation, case.id
        assert 4 <= len(case.key_points) <= 6, case.id
        assert case_problem(case, builtin_catalog()) is None, case.id
        # a later step takes an earlier step's number: the case chains
        assert any(i.source == "step" for s in case.steps for i in s.inputs), case.id


def test_justify_phrasings_are_not_lone_common_words() -> None:
    """A key point's phrasing must not be a word almost any answer says (the brief: no
    behavioural or process words; multi-word where one word would match anything)."""
    from content.loader import COMMON_WORDS

    process = {"stakeholder", "stakeholders", "align", "alignment", "communicate",
               "collaborate", "sync", "raci", "escalate", "agile", "sprint"}
    for deck in DECKS:
        for case in _deck_cases(deck):
            for point in case.key_points:
                for phrasing in point.phrasings:
                    words = phrasing.casefold().split()
                    assert not (len(words) == 1 and words[0] in COMMON_WORDS), \
                        (case.id, phrasing)
                    assert not set(words) & process, (case.id, phrasing)


# ------------------------------------------------------------------ chains worked by hand


def _posed(case_id: str, seed: int) -> PosedCase:
    return pose_case(_case(case_id), builtin_catalog(), seed)


def test_rollout_300b_chain_by_hand() -> None:
    """Seed 3: BF16 (2 B/param), 2,300 token/s per replica, peak 420,000 token/s, a 10 Gbit/s
    WAN at 75 %, site MTBF 4,380 h, a 192-h window, a 2-minute recovery objective.

    (1) 300e9 · 2                                   = 600 GB
    (2) 10 Gbit/s = 1.25e9 B/s · 0.75 = 9.375e8 B/s; 600e9 / 9.375e8 = 640 s = 10.67 min
    (3) 420,000 / 2 = 210,000 per site / 2,300 = 91.3 → 92 replicas · 8 = 736 GPUs
    (4) 1 − exp(−3 · 192 / 4,380) = 1 − exp(−0.13151)  = 0.12323
    (5) 10.67 min > 2 min: keep a staged copy at every site (option 2)
    """
    posed = _posed("case.rollout_300b_three_sites", 3)
    p = posed.params
    assert (p["bytes_per_param"], p["per_replica_load"], p["peak_load"], p["wan_gbps"],
            p["efficiency"], p["site_mtbf_hours"], p["window_hours"], p["rto_minutes"]) == \
        (2, 2300, 420_000, 10, pytest.approx(0.75), 4380, 192, 2)
    weights, copy, gpus, loss, staging = posed.steps
    assert weights.reference_display == pytest.approx(600)
    assert copy.reference_value == pytest.approx(640) and copy.reference_display == \
        pytest.approx(10.667, rel=1e-4)
    assert gpus.reference_value == 736
    assert loss.reference_value == pytest.approx(0.12323, rel=1e-4)
    assert staging.right_option == 1


def test_checkpoint_storage_chain_by_hand() -> None:
    """Seed 3: 34B on 2,048 GPUs, 50 GB/s at 60 %, GPU MTBF 61,000 h, restart 660 s,
    budget 5 %.

    (1) 34e9 · 14 B                                  = 4.76e11 B = 0.476 TB
    (2) 4.76e11 / (50e9 · 0.6 = 3e10)                = 15.867 s
    (3) 61,000 / 2,048                               = 29.785 h = 107,227 s
    (4) √(2 · 15.867 · 107,227) = √3,402,700         = 1,844.6 s = 30.74 min
    (5) 15.867/1,844.6 + (922.3 + 660)/107,227 = 0.00860 + 0.01476 = 0.02336
    (6) 2.3 % ≤ 5 %: synchronous checkpoints fit (option 1)
    """
    posed = _posed("case.checkpoint_storage_budget", 3)
    assert posed.preset == "a 34B model on 2,048 GPUs"
    size, write, mtbf, interval, waste, decision = posed.steps
    assert size.reference_display == pytest.approx(0.476)
    assert write.reference_value == pytest.approx(15.867, rel=1e-4)
    assert mtbf.reference_display == pytest.approx(29.785, rel=1e-4)
    assert interval.reference_display == pytest.approx(30.74, rel=1e-3)
    assert waste.reference_value == pytest.approx(0.02336, rel=1e-3)
    assert decision.right_option == 0


def test_dynamic_batch_scheduler_chain_by_hand() -> None:
    """Seed 3: padded to 4,096, 600 real tokens, 1,900 after bucketing, 7,600 GPU-hours a
    day at $1.75.

    (1) 1 − 600/4,096                                = 0.85352
    (2) 1 − 600/1,900                                = 0.68421
    (3) useful = 7,600 · 0.14648 = 1,113.3; needed = 1,113.3 / 0.31579 = 3,525.4;
        saved = 7,600 − 3,525.4                      = 4,074.6 GPU-hours
    (4) 4,074.6 · 1.75                               = $7,130.6 a day
    """
    before, after, saved, usd = _posed("case.dynamic_batch_scheduler", 3).steps
    assert before.reference_value == pytest.approx(0.85352, rel=1e-4)
    assert after.reference_value == pytest.approx(0.68421, rel=1e-4)
    assert saved.reference_display == pytest.approx(4_074.6, rel=1e-4)
    assert usd.reference_display == pytest.approx(7_130.6, rel=1e-4)


def test_fault_injection_chain_by_hand() -> None:
    """Seed 3: H100 SXM (989.4 TFLOP/s, 3.35 TB/s), 70B FP8 on 4 GPUs, batch 48, 1 GB of KV
    per sequence; measured 2,800 token/s per replica; 512 GPUs at $3.25; headroom 33 %.

    (1) weights 70e9 / (4 · 3.35e12) = 5.2239 ms; compute 2·48·70e9 / (4 · 989.4e12) =
        1.6980 ms (below the weight load: memory-bound); KV 48 · 1e9 / (4 · 3.35e12) =
        3.5821 ms; step = 8.8060 ms; 48 / 8.8060 ms    = 5,450.8 token/s
    (2) 1 − 2,800 / 5,450.8                          = 0.48632
    (3) 512 · 24 · 3.25 · 0.48632                    = $19,421.6 a day
    (4) 0.486 > 0.33: beyond the headroom (option 2)
    """
    planned, idle, cost, decision = _posed("case.fault_injection_idle_capacity", 3).steps
    assert planned.reference_value == pytest.approx(5_450.8, rel=1e-4)
    assert idle.reference_value == pytest.approx(0.48632, rel=1e-4)
    assert cost.reference_value == pytest.approx(19_421.6, rel=1e-4)
    assert decision.right_option == 1


def test_batch_vs_checkpoint_chain_by_hand() -> None:
    """Seed 2: 16,384 GPUs, checkpoints every 30 min, δ = 60 s, R = 780 s, GPU MTBF
    33,000 h, $3.25 per GPU-hour, the batch change saves 6 %.

    (1) 33,000 / 16,384                              = 2.01416 h = 7,251.0 s
    (2) √(2 · 60 · 7,251.0) = √870,117               = 932.80 s = 15.547 min
    (3) 60/1,800 + (900 + 780)/7,251.0 = 0.03333 + 0.23169 = 0.26503
    (4) 60/932.80 + (466.40 + 780)/7,251.0 = 0.06432 + 0.17189 = 0.23622
    (5) 1 − (1 − 0.26503)/(1 − 0.23622) = 1 − 0.73497/0.76378 = 0.03772
    (6) 16,384 · 24 · 3.25 · 0.03772                 = $48,204 a day
    (7) 3.8 % < 6 %: the batch (option 2)
    """
    steps = _posed("case.batch_vs_checkpoint_cost", 2).steps
    mtbf, young, now, at_young, share, usd, choice = steps
    assert mtbf.reference_value == pytest.approx(2.01416, rel=1e-5)
    assert young.reference_value == pytest.approx(932.80, rel=1e-4)
    assert now.reference_value == pytest.approx(0.26503, rel=1e-4)
    assert at_young.reference_value == pytest.approx(0.23622, rel=1e-4)
    assert share.reference_value == pytest.approx(0.03772, rel=1e-3)
    assert usd.reference_value == pytest.approx(48_204, rel=1e-3)
    assert choice.right_option == 1


def test_energy_48b_chain_by_hand() -> None:
    """Seed 5: A = H200 (4.8 TB/s, 989.4 TFLOP/s, 700 W), B = B200 (7.7 TB/s, 2,250
    TFLOP/s, 1,000 W), batch 1, 2,560 tokens of context, PUE 1.3.

    (1) 2 · 56 · 8 · 128 · 2 B · 2,560               = 587,202,560 B = 0.5872 GB
    (2) A: weights 48e9/4.8e12 = 10.000 ms; KV 0.5872e9/4.8e12 = 0.1223 ms; compute
        2·48e9/989.4e12 = 0.097 ms < weights; step = 10.1223 ms → 98.79 token/s
    (3) 700 · 1.3 / 98.79                            = 9.211 J
    (4) B: 48e9/7.7e12 = 6.2338 ms + 0.5872e9/7.7e12 = 0.0763 ms → 6.3100 ms → 158.48 token/s
    (5) 1,000 · 1.3 / 158.48                         = 8.203 J
    (6) B is lower (option 2)
    """
    kv, tps_a, jpt_a, tps_b, jpt_b, cheaper = _posed("case.energy_48b_across_gpus", 5).steps
    assert kv.reference_value == 587_202_560
    assert tps_a.reference_value == pytest.approx(98.79, rel=1e-4)
    assert jpt_a.reference_value == pytest.approx(9.211, rel=1e-3)
    assert tps_b.reference_value == pytest.approx(158.48, rel=1e-4)
    assert jpt_b.reference_value == pytest.approx(8.203, rel=1e-3)
    assert cheaper.right_option == 1


def test_overprovision_chain_against_the_factorial_erlang_c() -> None:
    """Seed 5: 24 nodes (28 with 4 more), λ = 11.4 jobs/h, μ = 0.5/h (2-h jobs), $3.5 per
    GPU-hour, $67 per job-hour waited. Erlang C by the textbook factorial formula
    (Kleinrock §3.5), independent of the engine's Erlang-B recursion:
    A = 22.8, ρ = 0.95; W_q = C/(cμ − λ) = C / 0.6 h.
    cost = 24 · 8 · 24 · 3.5 = $16,128 + 11.4 · 24 · W_q · 67."""

    def erlang_c(load: float, servers: int) -> float:
        top = load ** servers / math.factorial(servers) * servers / (servers - load)
        return top / (sum(load ** k / math.factorial(k) for k in range(servers)) + top)

    steps = _posed("case.overprovision_vs_queue_wait", 5).steps
    rho, wait_now, cost_now, wait_more, cost_more, add = steps
    assert rho.reference_value == pytest.approx(0.95)
    wq_now_h = erlang_c(22.8, 24) / (24 * 0.5 - 11.4)
    wq_more_h = erlang_c(22.8, 28) / (28 * 0.5 - 11.4)
    assert wait_now.reference_display == pytest.approx(wq_now_h, rel=1e-9)
    assert wait_more.reference_display == pytest.approx(wq_more_h, rel=1e-9)
    assert cost_now.reference_value == pytest.approx(16_128 + 11.4 * 24 * wq_now_h * 67)
    assert cost_more.reference_value == pytest.approx(28 * 8 * 24 * 3.5
                                                     + 11.4 * 24 * wq_more_h * 67)
    assert add.right_option == 1


def test_cross_site_chain_by_hand() -> None:
    """Seed 5: 405B on 16,384 B200 (2,250 TFLOP/s) at 47 % MFU, 8M tokens per step, a
    1,600 Gbit/s WAN at 70 %.

    (1) 6 · 405e9 · 8e6                              = 1.944e19 FLOP
    (2) 1.944e19 / (16,384 · 2.25e15 · 0.47 = 1.7326e19) = 1.1220 s
    (3) 405e9 · 2                                    = 810 GB
    (4) 1,600 Gbit/s = 2e11 B/s · 0.7 = 1.4e11; 8.1e11 / 1.4e11 = 5.786 s
    (5) 5.79 s > 1.12 s: WAN-bound (option 2)
    """
    flops, step_s, grads, wan_s, sync = _posed("case.cross_site_data_parallel", 5).steps
    assert flops.reference_value == pytest.approx(1.944e19)
    assert step_s.reference_value == pytest.approx(1.1220, rel=1e-4)
    assert grads.reference_display == pytest.approx(810)
    assert wan_s.reference_value == pytest.approx(5.786, rel=1e-3)
    assert sync.right_option == 1


def test_a_step_carries_the_players_own_number_forward() -> None:
    """In the rollout case, a player who forgets the factor 8 (bits vs bytes) in the copy
    still gets the decision graded against their own copy time."""
    from engine.cases import grade_chain

    posed = _posed("case.rollout_300b_three_sites", 3)
    graded = grade_chain(posed, ["600 GB", "1.33 min", "736", "0.123", "1"])
    copy, decision = graded.steps[1], graded.steps[4]
    assert copy.band == "off"
    assert decision.status == "consistent"  # 1.33 min ≤ 2 min: option 1 from their number


def test_numeric_steps_name_a_unit_or_say_they_are_fractions() -> None:
    """A step whose reference is a fraction (unit "") says so in its prompt, so a player
    does not type 12 for 12 %."""
    for deck in DECKS:
        for case in _deck_cases(deck):
            for step in case.steps:
                if isinstance(step, CaseStep) and step.unit == "" and \
                        step.reference not in ("gpus_per_site_surviving_site_loss",
                                               "gpus_within_power"):
                    assert "fraction" in step.prompt, (case.id, step.id)


def test_power_capped_site_chain_by_hand() -> None:
    """Seed 7: a 20 MW site at PUE 1.3, 625 W of overhead per GPU, a 1T-parameter model on
    19T tokens; H100 (700 W, 989.4 TFLOP/s) in 28 days at 38 % MFU, B200 (1,000 W,
    2,250 TFLOP/s) in 250 days at 42 % MFU.

    (1) 6 · 1e12 · 19e12                             = 1.14e26 FLOP
    (2) 20e6 / 1.3 = 15.385e6 W / (700 + 625)        = 11,611.6 → 11,611 H100s
    (3) 1.14e26 / (11,611 · 989.4e12 · 0.38 = 4.3655e18) = 2.6114e7 s = 302.25 days;
        + 28                                         = 330.25 days
    (4) 15.385e6 / 1,625                             = 9,467.5 → 9,467 B200s
    (5) 1.14e26 / (9,467 · 2.25e15 · 0.42 = 8.9463e18) = 1.2743e7 s = 147.48 days;
        + 250                                        = 397.48 days
    (6) 330 < 397: the GPUs available now (option 1)
    """
    posed = _posed("case.power_capped_site_now_or_later", 7)
    p = posed.params
    assert (p["site_mw"], p["pue"], p["overhead_w"], p["params"], p["tokens"]) == \
        (20, pytest.approx(1.3), 625, 1e12, 19e12)
    compute, gpus_now, finish_now, gpus_later, finish_later, pick = posed.steps
    assert compute.reference_value == pytest.approx(1.14e26)
    assert gpus_now.reference_value == 11_611
    assert finish_now.reference_display == pytest.approx(330.25, rel=1e-4)
    assert gpus_later.reference_value == 9_467
    assert finish_later.reference_display == pytest.approx(397.48, rel=1e-4)
    assert pick.right_option == 0


def test_each_model_answer_covers_its_key_points_and_process_talk_covers_none() -> None:
    """The key points are scored as open answers are (grading.rubric.score_open): the
    case's own model answer must cover at least four fifths of them with no red flag, and
    an answer made of process words must cover none — a list of terms cannot beat them."""
    from grading.rubric import score_open

    process_talk = ("We would align the stakeholders, communicate the plan early, track the "
                    "risks in a RACI, escalate blockers and run two-week sprints to deliver "
                    "on time with a clear process and regular status updates.")
    for deck in DECKS:
        for case in _deck_cases(deck):
            model = score_open(case.model_answer, case.key_points)
            missed = [p.point for p in model.key_points if not p.covered]
            assert model.coverage >= 0.8, (case.id, missed)
            assert not model.red_flags, (case.id, model.red_flags)
            assert score_open(process_talk, case.key_points).coverage == 0, case.id
