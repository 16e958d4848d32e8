"""Every model has a budget on its inputs (issue 11).

``failure_montecarlo`` within its documented limits used to take 8.6 GB to pose one question,
and ``tpm-drill calc failure_montecarlo gpus=16384 hours=1e6 mtbf_hours=50000 trials=1e7
checkpoint_s=60`` died with "Unable to allocate 26.5 TiB". Now Monte Carlo work is planned
before any sampling and refused past ``WORK_BUDGET`` with a message saying what to change,
and what runs is sampled in chunks so memory stays under ``MEMORY_BUDGET_BYTES``. The tests
assert on the planned work and on memory traced by ``tracemalloc`` (numpy reports its
arrays to it), never on wall time.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from engine.calc import calculate
from engine.models import reliability
from engine.models.base import MEMORY_BUDGET_BYTES, WORK_BUDGET, ModelError, ParamSpec
from engine.models.registry import models, run
from engine.models.reliability import (
    STRAGGLER_UNITS_PER_TRIAL,
    failure_montecarlo,
    plan_failure_montecarlo,
    straggler_step,
)

ROOT = Path(__file__).resolve().parents[2]
REPRODUCTION = ["gpus=16384", "hours=1e6", "mtbf_hours=50000", "trials=1e7", "checkpoint_s=60"]


def test_the_26_tib_reproduction_is_refused_before_any_sampling() -> None:
    with pytest.raises(ModelError):  # first call: imports and the catalog, not traced
        calculate("failure_montecarlo", REPRODUCTION)
    tracemalloc.start()
    try:
        with pytest.raises(ModelError) as caught:
            calculate("failure_montecarlo", REPRODUCTION)
        _current, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert message == ("failure_montecarlo: trials × expected failures = 3.6e12 exceeds the "
                       "budget of 5e7; use fewer trials or a shorter job")
    assert peak_bytes < 1_000_000  # nothing was sampled


def test_cli_reproduction_exits_2_with_one_line() -> None:
    done = subprocess.run([sys.executable, "-m", "tui", "calc", "failure_montecarlo",
                           *REPRODUCTION], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("tpm-drill: failure_montecarlo: trials × expected failures")
    assert "Traceback" not in done.stderr


def _largest_trials_within_budget(**job: Any) -> int:
    """The most trials ``job`` may run: WORK_BUDGET / (segment kinds + expected failures)."""
    per_trial = plan_failure_montecarlo(**job, trials=2).work / 2
    return math.floor(WORK_BUDGET / per_trial)


JOB = {"gpus": 16384, "hours": 720, "mtbf_hours": 50_000, "checkpoint_s": 60}


def test_the_budget_edge_is_pinned() -> None:
    """Exactly at the budget plans; one trial past it is refused."""
    most = _largest_trials_within_budget(**JOB)
    plan = plan_failure_montecarlo(**JOB, trials=most)
    assert plan.work <= WORK_BUDGET
    with pytest.raises(ModelError, match="exceeds the budget of 5e7"):
        plan_failure_montecarlo(**JOB, trials=most + 1)


def test_the_worst_case_within_the_schema_stays_within_memory() -> None:
    """The most trials the schema allows, on a job with almost no failures (so the work
    budget allows them all): the planned peak stays under the memory budget."""
    trials_max = models()["failure_montecarlo"].param("trials").maximum
    plan = plan_failure_montecarlo(gpus=1, hours=1, mtbf_hours=1e12,
                                   checkpoint_interval_s=1, trials=trials_max)
    assert plan.trials == 10_000_000
    assert plan.work <= WORK_BUDGET
    assert plan.peak_bytes <= MEMORY_BUDGET_BYTES
    # And the heaviest failure load the work budget allows plans no more memory.
    heavy = plan_failure_montecarlo(**JOB, trials=_largest_trials_within_budget(**JOB))
    assert heavy.peak_bytes <= MEMORY_BUDGET_BYTES


def _traced_peak(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = function(*args, **kwargs)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_chunked_sampling_is_the_same_simulation_within_its_planned_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With chunks far smaller than the job, the result is the same distribution as in one
    piece (the same random stream while trials fit one chunk), and the traced peak stays
    under the plan's figure for those chunk sizes."""
    job = {**JOB, "hours": 240, "restart_s": 600, "trials": 4_000, "seed": 7}
    whole, _ = _traced_peak(failure_montecarlo, **job)
    monkeypatch.setattr(reliability, "FAILURE_BLOCK", 1_000)
    blocked, _ = _traced_peak(failure_montecarlo, **job)
    # Same draws, summed in blocks: equal up to rounding.
    assert blocked.value == pytest.approx(whole.value, rel=1e-12)
    assert blocked.outputs["mean_failures"] == whole.outputs["mean_failures"]
    monkeypatch.setattr(reliability, "TRIAL_CHUNK", 512)
    chunked, peak = _traced_peak(failure_montecarlo, **job)
    plan = plan_failure_montecarlo(**{k: v for k, v in job.items() if k != "seed"})
    assert peak <= plan.peak_bytes + 1_000_000  # + the interpreter's own small objects
    # A different stream order, the same simulation: within a few standard errors.
    spread = 4 * math.hypot(whole.outputs["standard_error_s"],
                            chunked.outputs["standard_error_s"])
    assert abs(chunked.value - whole.value) < spread
    assert chunked.outputs["closed_form_s"] == whole.outputs["closed_form_s"]


def test_a_large_run_stays_bounded_where_it_used_to_grow_with_failures(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """2e6 failures used to need ~5 arrays of 2e6 elements at once (80 MB); in blocks of
    1e5 the traced peak is a few MB."""
    monkeypatch.setattr(reliability, "FAILURE_BLOCK", 100_000)
    job = {**JOB, "hours": 720, "trials": 8_000}
    plan = plan_failure_montecarlo(**job)
    assert plan.trials * plan.expected_failures > 1.5e6
    _result, peak = _traced_peak(failure_montecarlo, **job)
    assert peak <= plan.peak_bytes + 1_000_000
    assert peak < 20_000_000


def test_straggler_trials_are_budgeted_and_chunked(monkeypatch: pytest.MonkeyPatch) -> None:
    most = math.floor(WORK_BUDGET / STRAGGLER_UNITS_PER_TRIAL)
    with pytest.raises(ModelError, match=r"straggler_step: trials = 1e8 exceeds the budget"):
        run("straggler_step", {"mean_s": 1, "std_s": 0.1, "workers": 10, "trials": 1e8})
    with pytest.raises(ModelError, match="exceeds the budget"):
        straggler_step(1.0, 0.1, 10, trials=most + 1)
    whole, _ = _traced_peak(straggler_step, 1.0, 0.1, 1000, trials=50_000, seed=3)
    monkeypatch.setattr(reliability, "TRIAL_CHUNK", 1_000)
    chunked, peak = _traced_peak(straggler_step, 1.0, 0.1, 1000, trials=50_000, seed=3)
    # The same uniforms in the same order, summed per chunk.
    assert chunked.outputs["montecarlo_s"] == pytest.approx(whole.outputs["montecarlo_s"],
                                                            rel=1e-12)
    assert peak < 1_000_000  # 50,000 trials would be 400 kB per array in one piece


def test_erlang_servers_are_within_budget_at_the_schema_maximum() -> None:
    from engine.models.queueing import ERLANG_UNITS_PER_SERVER

    servers_max = models()["erlang_c"].param("servers").maximum
    assert servers_max * ERLANG_UNITS_PER_SERVER <= WORK_BUDGET


# -- every registered model, at the corners of its schema ---------------------------------


def _corner(spec_param: ParamSpec, high: bool) -> Any:
    if spec_param.kind == "bool":
        return high
    if spec_param.kind == "choice":
        return spec_param.choices[-1 if high else 0]
    if spec_param.kind == "gpu":
        return None
    bound = spec_param.maximum if high else spec_param.minimum
    assert bound is not None, f"{spec_param.name} has no bound: every number needs one"
    return bound


def _corners(name: str) -> list[dict[str, Any]]:
    """All parameters low, all high, and each one alone high (a count that drives a loop or
    an array is largest there, with nothing else to make the call fail early)."""
    params = [p for p in models()[name].params if p.kind != "gpu"]
    cases = [{p.name: _corner(p, high) for p in params} for high in (False, True)]
    for alone in params:
        cases.append({p.name: _corner(p, p is alone) for p in params})
    return cases


@pytest.mark.parametrize("name", sorted(models()))
def test_every_model_at_its_schema_corners_answers_or_refuses_within_budget(
        name: str) -> None:
    """Every number a model takes is bounded, and at every corner of those bounds the model
    returns or raises ModelError — never another exception, never more memory than the
    budget. (Corners that are over the work budget are refused before any work.)"""
    for values in _corners(name):
        tracemalloc.start()
        try:
            try:
                run(name, values)
            except ModelError:
                pass
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak <= MEMORY_BUDGET_BYTES, (name, values, peak)
