"""Katas built in code for the runner's tests (the deck loader for ``[[katas]]`` is another
piece of work): a ring all-reduce on the registered model ``allreduce_time``, a jitter step
time on ``straggler_step``, a failure probability on ``job_failure_prob``, its Monte Carlo
twin on a test composition that reports the standard error, and solutions written as a player
would, right and wrong."""

from __future__ import annotations

import math
from typing import Any

import pytest

from content.loader import Kata, KataParam, KataProperty
from engine.katas.references import COMPOSITIONS, composition
from engine.models.base import Result
from engine.models.reliability import job_failure_prob

#: The Monte Carlo kata's reference: ``job_failure_prob`` plus the one-trial standard
#: deviation of a Bernoulli(p) estimate, √(p(1−p)), so the runner widens the tolerance by
#: the standard error at the kata's trial count.
MC_REFERENCE = "test.p_fail_mc"

if MC_REFERENCE not in COMPOSITIONS:
    @composition(MC_REFERENCE)
    def _p_fail_mc(n_gpus: float, hours: float, mtbf_hours: float) -> Result:
        result = job_failure_prob(n_gpus, hours, mtbf_hours)
        p = result.value
        return Result(p, "", result.steps,
                      {"stderr_per_sqrt_trial": math.sqrt(p * (1.0 - p))})


def kata(**fields: Any) -> Kata:
    """A kata with the item fields filled in; ``fields`` give the rest."""
    base: dict[str, Any] = dict(
        kind="kata", topic="test.katas", level="L5", prompt="Model it.",
        explanation="The reference.", source="test", deck="test", file="test.toml",
        line=None, target_seconds=None)
    base.update(fields)
    return Kata(**base)


RING = kata(
    id="kata.test.ring", topic="comms.collectives", function="allreduce_seconds",
    prompt="Ring all-reduce time in the α-β model.",
    params=(KataParam("bytes", "byte", "buffer per rank", 1.0, 1e10, "log"),
            KataParam("ranks", "", "ranks in the ring", 1.0, 1024.0, "log", integer=True),
            KataParam("bandwidth", "byte/s", "per rank per direction", 1e9, 1e12, "log"),
            KataParam("latency", "s", "per hop", 0.0, 1e-4)),
    returns="seconds", return_unit="s", reference="allreduce_time",
    properties=(KataProperty("nondecreasing", "more bytes never take less time", "bytes"),
                KataProperty("nondecreasing", "more ranks never make it faster", "ranks"),
                KataProperty("nonnegative", "a time is never negative")),
    starter="def allreduce_seconds(bytes, ranks, bandwidth, latency):\n    return 0.0\n",
    target_minutes=15.0, hints=("Count the steps of reduce-scatter and all-gather.",
                                "Each step moves S/p bytes."),
    cases=60)

RING_RIGHT = """\
import numpy as np


def allreduce_seconds(bytes, ranks, bandwidth, latency):
    steps = 2 * (ranks - 1)
    return np.float64(steps * latency + steps / ranks * bytes / bandwidth)
"""
#: The classic slip: every rank sends the whole buffer twice (factor 2, not 2(p−1)/p).
RING_FACTOR_TWO = """\
def allreduce_seconds(bytes, ranks, bandwidth, latency):
    return 2 * (ranks - 1) * latency + 2 * bytes / bandwidth
"""

JITTER = kata(
    id="kata.test.jitter", topic="training.stragglers", function="step_time",
    prompt="Expected synchronous step time with per-rank normal jitter.",
    params=(KataParam("n_gpus", "", "ranks", 1.0, 100_000.0, "log", integer=True),
            KataParam("step_mean_s", "s", "mean step of one rank", 0.1, 10.0, "log"),
            KataParam("jitter_sd_s", "s", "standard deviation of one rank's step", 0.0,
                      0.01)),
    returns="seconds", return_unit="s", reference="straggler_step",
    mapping={"n_gpus": "workers", "step_mean_s": "mean_s", "jitter_sd_s": "std_s"},
    properties=(KataProperty("nondecreasing", "more GPUs never make the expected step "
                             "shorter", "n_gpus"),),
    target_minutes=20.0, cases=50)

#: E[max of n normals] by quadrature of n·x·φ(x)·Φ(x)^(n−1).
JITTER_RIGHT = """\
import numpy as np
from scipy.special import ndtr

GRID = np.linspace(-12.0, 12.0, 48_001)
DENSITY = np.exp(-GRID * GRID / 2) / np.sqrt(2 * np.pi)
CDF = ndtr(GRID)


def step_time(n_gpus, step_mean_s, jitter_sd_s):
    if n_gpus == 1:
        return step_mean_s
    expected_max = np.sum(GRID * n_gpus * DENSITY * CDF ** (n_gpus - 1)) * (GRID[1] - GRID[0])
    return step_mean_s + jitter_sd_s * float(expected_max)
"""
#: The classic slip: the mean rank, not the slowest one, sets the step.
JITTER_MEAN = """\
def step_time(n_gpus, step_mean_s, jitter_sd_s):
    return step_mean_s
"""
#: Within 0.6 % of the reference everywhere (inside the 1 % tolerance), but shaved by
#: 5e-4·ln n: with little jitter more GPUs give a *shorter* step, which the property catches.
JITTER_NOT_MONOTONE = JITTER_RIGHT.replace(
    "    return step_mean_s + jitter_sd_s * float(expected_max)",
    "    return (step_mean_s + jitter_sd_s * float(expected_max)) * "
    "(1 - 5e-4 * np.log(n_gpus))")

P_FAIL = kata(
    id="kata.test.p_fail", topic="reliability.failures", function="p_fail",
    prompt="Probability that at least one GPU fails during the job.",
    params=(KataParam("n_gpus", "", "GPUs", 1.0, 100_000.0, "log", integer=True),
            KataParam("hours", "hour", "job length", 0.1, 1000.0, "log"),
            KataParam("mtbf_hours", "hour", "MTBF of one GPU", 1e3, 1e7, "log")),
    returns="probability", return_unit="", reference="job_failure_prob",
    mapping={"n_gpus": "gpus"},
    properties=(KataProperty("probability", "a probability lies in [0, 1]"),
                KataProperty("nondecreasing", "more GPUs never fail less", "n_gpus")),
    cases=50)

P_FAIL_RIGHT = """\
import math


def p_fail(n_gpus, hours, mtbf_hours):
    return -math.expm1(-n_gpus * hours / mtbf_hours)
"""
#: The linear approximation N·T/MTBF: right for rare failures, wrong (and above 1) for common.
P_FAIL_LINEAR = """\
def p_fail(n_gpus, hours, mtbf_hours):
    return n_gpus * hours / mtbf_hours
"""

P_FAIL_MC = kata(
    id="kata.test.p_fail_mc", topic="reliability.failures", function="p_fail",
    prompt="Simulate it: 20,000 trials.", params=P_FAIL.params, returns="probability",
    return_unit="", reference=MC_REFERENCE, monte_carlo_trials=20_000,
    properties=P_FAIL.properties, cases=50)

#: A simulation with the asked trial count: the job's first failure is exponential with
#: mean MTBF/N (the minimum of N exponentials). Common random numbers keep it monotone.
P_FAIL_SIMULATED = """\
import numpy as np


def p_fail(n_gpus, hours, mtbf_hours):
    rng = np.random.default_rng(20260105)
    first_failure_hours = rng.exponential(mtbf_hours / n_gpus, size=20_000)
    return float(np.mean(first_failure_hours < hours))
"""
#: A wrong formula, simulated just as carefully: failures of one GPU only.
P_FAIL_SIMULATED_ONE_GPU = P_FAIL_SIMULATED.replace("mtbf_hours / n_gpus", "mtbf_hours")

#: A bounds kata: the ring's time with an interval that must hold the reference.
RING_BOUNDS = kata(
    id="kata.test.ring_bounds", topic="comms.collectives", function="allreduce_seconds",
    params=RING.params, returns="seconds with bounds", return_unit="s",
    reference="allreduce_time", bounds=True, rel_tolerance=0.25, cases=50)

RING_BOUNDS_RIGHT = """\
def allreduce_seconds(bytes, ranks, bandwidth, latency):
    steps = 2 * (ranks - 1)
    estimate = steps * latency + steps / ranks * bytes / bandwidth
    return estimate, estimate * 0.8, estimate * 1.25
"""
#: The right estimate, but bounds that sit above it: they never hold the reference.
RING_BOUNDS_ABOVE = RING_BOUNDS_RIGHT.replace("estimate * 0.8, estimate * 1.25",
                                              "estimate * 1.01 + 1e-12, estimate * 1.5 + 1e-12")


@pytest.fixture(autouse=True)
def _no_secrets_in_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A variable no child may see (the sandbox test looks for it)."""
    monkeypatch.setenv("TPM_TEST_SECRET_TOKEN", "hunter2")
