"""Reliability at scale: checkpoint interval, job failure probability, straggler step time.

Sources:
- Young 1974, "A first order approximation to the optimum checkpoint interval"
  (CACM 17(9)): τ = √(2·δ·M).
- [DALY] Daly 2006, "A higher order estimate of the optimum checkpoint interval for restart
  dumps" (FGCS 22(3)), eq. 37: τ = √(2δM)·[1 + ⅓√(δ/2M) + (1/9)(δ/2M)] − δ for δ < 2M,
  else τ = M.
- Independent exponential failures: P(no failure in T) = exp(−N·T/MTBF), M_job = MTBF/N
  (series system; e.g. Llama 3 paper [L3] §3.3.4 reports 419 unexpected interruptions in a
  54-day snapshot on 16,384 H100s).
- Expected maximum of n iid normals: E[max] = ∫ x·n·φ(x)·Φ(x)^{n−1} dx (Tippett 1925;
  tabulated by Harter 1961); a synchronous step waits for its slowest rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.models.base import ModelSpec, ParamSpec, Result, Step, check_work

if TYPE_CHECKING:
    import numpy as np

#: Trials whose failure counts (or straggler maxima) are drawn at once, and failures whose
#: lost time is drawn at once: every temporary array is at most this long, so a call's
#: memory is its per-trial results plus a few of these (see ``MonteCarloPlan``).
TRIAL_CHUNK = 1 << 20
FAILURE_BLOCK = 1 << 20
#: A straggler trial costs a uniform draw, a power and an inverse normal CDF: about three
#: times a failure sample, so it counts as three units of ``WORK_BUDGET``.
STRAGGLER_UNITS_PER_TRIAL = 3.0
#: Bytes of temporaries per trial of a chunk (failures, segment wall, failures × R, the
#: cumulative ends, one bincount) and per failure of a block (uniforms, two temporaries,
#: lost time, indices, owners): 8 B each.
_BYTES_PER_CHUNK_TRIAL = 5 * 8
_BYTES_PER_BLOCK_FAILURE = 6 * 8


def checkpoint_interval(
    checkpoint_s: float,
    mtbf_s: float,
    restart_s: float = 0.0,
    method: str = "young",
) -> Result:
    """Optimum compute time between checkpoints τ (s), Young 1974 or Daly 2006.

    - young: τ = √(2·δ·M)
    - daly:  τ = √(2δM)·[1 + ⅓·√(δ/(2M)) + (1/9)·δ/(2M)] − δ  for δ < 2M, else τ = M

    Variables: δ = ``checkpoint_s`` (time to write one checkpoint), M = ``mtbf_s`` (mean time
    between failures of the whole job), R = ``restart_s`` (time to restart and reload). The
    restart time does not move the optimum; it enters the first-order waste fraction
    W = δ/τ + (τ/2 + R)/M (output ``waste``; ``goodput`` = 1 − W).
    """
    if checkpoint_s <= 0 or mtbf_s <= 0 or restart_s < 0:
        raise ValueError("checkpoint_s and mtbf_s must be positive, restart_s non-negative")
    if method not in ("young", "daly"):
        raise ValueError(f"method must be young or daly, not {method!r}")
    young = math.sqrt(2.0 * checkpoint_s * mtbf_s)
    steps = [Step("Young τ = √(2·δ·M)", young, "s")]
    if method == "young":
        tau = young
    elif checkpoint_s < 2.0 * mtbf_s:
        ratio = checkpoint_s / (2.0 * mtbf_s)
        tau = young * (1.0 + math.sqrt(ratio) / 3.0 + ratio / 9.0) - checkpoint_s
        steps.append(Step("Daly τ = √(2δM)·[1 + ⅓√(δ/2M) + δ/18M] − δ", tau, "s"))
    else:
        tau = mtbf_s
        steps.append(Step("Daly: δ ≥ 2M, so τ = M", tau, "s"))
    waste = checkpoint_s / tau + (tau / 2.0 + restart_s) / mtbf_s
    steps.append(Step("Waste ≈ δ/τ + (τ/2 + R)/M", waste, ""))
    steps.append(Step("= hours between checkpoints", tau / 3600.0, "hour"))
    return Result(
        tau,
        "s",
        tuple(steps),
        {"waste": waste, "goodput": max(0.0, 1.0 - waste), "hours": tau / 3600.0},
        {"hours": "hour"},
    )


def job_failure_prob(gpus: float, hours: float, mtbf_hours: float) -> Result:
    """P(at least one failure) = 1 − exp(−N·T/MTBF), exponential independent failures.

    Variables: N = ``gpus``, T = ``hours`` (job length), MTBF = ``mtbf_hours`` per GPU (or
    per whatever unit ``gpus`` counts). Output ``job_mtbf_hours`` = MTBF/N, the mean time
    between failures of the whole job, and ``expected_failures`` = N·T/MTBF.
    """
    if gpus < 1 or hours < 0 or mtbf_hours <= 0:
        raise ValueError("gpus ≥ 1, hours ≥ 0 and mtbf_hours > 0 are required")
    job_mtbf = mtbf_hours / gpus
    expected = hours / job_mtbf
    probability = -math.expm1(-expected)
    return Result(
        probability,
        "",
        (
            Step("Job MTBF = MTBF per GPU / gpus", job_mtbf, "hour"),
            Step("Expected failures = T / job MTBF", expected, ""),
            Step("P(≥1 failure) = 1 − e^(−expected)", probability, ""),
        ),
        {"job_mtbf_hours": job_mtbf, "expected_failures": expected},
        {"job_mtbf_hours": "hour"},
    )


def expected_max_normal(workers: int) -> float:
    """E[max of n iid N(0,1)] by Gauss–Legendre quadrature of the exact integral.

    E[max] = ∫₀^∞ (1 − Φ(x)ⁿ) dx − ∫_{−∞}^0 Φ(x)ⁿ dx, integrated on [−12, 12] in 0.05-wide
    panels of 16 nodes each, with log Φ from ``scipy.special.log_ndtr`` so Φⁿ stays exact
    for large n. Accurate to ~1e-12 for n up to 10⁹.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if workers == 1:
        return 0.0
    import numpy as np
    from scipy.special import log_ndtr  # lazy: scipy.special costs ~0.25 s to import

    nodes, weights = np.polynomial.legendre.leggauss(16)
    edges = np.linspace(-12.0, 12.0, 481)
    half = np.diff(edges) / 2.0
    mid = (edges[:-1] + edges[1:]) / 2.0
    x = (mid[:, None] + half[:, None] * nodes[None, :]).ravel()
    w = (half[:, None] * weights[None, :]).ravel()
    log_cdf_n = workers * log_ndtr(x)
    integrand = np.where(x >= 0.0, -np.expm1(log_cdf_n), -np.exp(log_cdf_n))
    return float(np.dot(w, integrand))


def straggler_step(mean_s: float, std_s: float, workers: float, trials: float | None = None,
                   seed: float = 0) -> Result:
    """Synchronous step time E[step] = μ + σ·E[max of n iid N(0,1)].

    Variables: μ = ``mean_s`` and σ = ``std_s`` (s) of one worker's step time, assumed
    normal and independent across workers; n = ``workers``. The step ends when the slowest
    worker does. E[max] is computed exactly by quadrature (:func:`expected_max_normal`);
    output ``blom`` is Blom's approximation Φ⁻¹((n − 0.375)/(n + 0.25)) for comparison.
    Known values: E[max] = 1/√π ≈ 0.564 for n = 2, 1.539 for 10, 2.508 for 100.

    With ``trials``, a Monte Carlo check is added (output ``montecarlo_s``): the maximum of n
    iid normals is sampled exactly as Φ⁻¹(U^{1/n}), so the cost does not grow with n.
    """
    if mean_s <= 0 or std_s < 0:
        raise ValueError("mean_s must be positive and std_s non-negative")
    n = int(workers)
    if n != workers or n < 1:
        raise ValueError("workers must be a whole number ≥ 1")
    if trials is not None:
        check_work("straggler_step", "trials", float(trials),
                   "use fewer trials (the exact value needs none; 1e5 gives ~3 digits)",
                   units_each=STRAGGLER_UNITS_PER_TRIAL)
    z = expected_max_normal(n)
    seconds = mean_s + std_s * z
    if n > 1:
        from scipy.special import ndtri  # lazy, see expected_max_normal

        blom = float(ndtri((n - 0.375) / (n + 0.25)))
    else:
        blom = 0.0
    steps = [
        Step("E[max of n standard normals]", z, ""),
        Step("Step = μ + σ·E[max]", seconds, "s"),
        Step("Slowdown = step / μ", seconds / mean_s, ""),
    ]
    outputs: dict[str, float | str] = {"expected_max_z": z, "slowdown": seconds / mean_s,
                                       "blom": blom}
    if trials is not None:
        import numpy as np
        from scipy.special import ndtri

        rng = np.random.default_rng(int(seed))
        trials_n = int(trials)
        maxima_sum = 0.0
        for start in range(0, trials_n, TRIAL_CHUNK):  # chunks bound memory, not the draws
            uniforms = rng.random(min(TRIAL_CHUNK, trials_n - start))
            maxima_sum += float(ndtri(uniforms ** (1.0 / n)).sum())
        sampled = float(mean_s + std_s * (maxima_sum / trials_n))
        outputs["montecarlo_s"] = sampled
        steps.append(Step(f"Monte Carlo check ({int(trials):,} trials)", sampled, "s"))
    units = {"montecarlo_s": "s"} if "montecarlo_s" in outputs else {}
    return Result(seconds, "s", tuple(steps), outputs, units)


def _segment_plan(
    work_s: float, interval_s: float, checkpoint_s: float
) -> tuple[int, float, float]:
    """Split ``work_s`` of compute into full segments of ``interval_s`` (+ a checkpoint write
    each) and a remainder: (full segments, full attempt length, last attempt length)."""
    full = int(work_s // interval_s)
    remainder = work_s - full * interval_s
    if remainder < 1e-9 * work_s:
        remainder = 0.0
    return full, interval_s + checkpoint_s, (remainder + checkpoint_s) if remainder else 0.0


def expected_segment_seconds(attempt_s: float, failure_rate: float, restart_s: float) -> float:
    """Expected wall time to finish one attempt of length L: (e^{λL} − 1)·(1/λ + R).

    Failures arrive at rate λ while running; each loses the attempt so far and costs R to
    restart. With K ~ Geometric(e^{−λL}) failures, E[K] = e^{λL} − 1 and
    E[time lost | failure] = 1/λ − L/(e^{λL} − 1), which sums to the formula above.
    """
    if failure_rate == 0:
        return attempt_s
    return math.expm1(failure_rate * attempt_s) * (1.0 / failure_rate + restart_s)


@dataclass(frozen=True, slots=True)
class MonteCarloPlan:
    """What one ``failure_montecarlo`` call will sample, worked out before any sampling.

    ``segments`` holds (count, attempt seconds) for the identical full segments and the
    shorter last one; ``work`` = trials × (segment kinds + expected failures per trial), the
    random draws the call makes; ``peak_bytes`` bounds the arrays it holds at once: the
    per-trial wall times (8 B each) plus one chunk of trials and one block of failures.
    """

    trials: int
    work_s: float
    rate: float
    interval_s: float
    segments: tuple[tuple[int, float], ...]
    expected_failures: float
    work: float
    peak_bytes: int


def plan_failure_montecarlo(
    gpus: float,
    hours: float,
    mtbf_hours: float,
    checkpoint_interval_s: float | None = None,
    checkpoint_s: float = 0.0,
    restart_s: float = 0.0,
    trials: float = 20_000,
) -> MonteCarloPlan:
    """Validate ``failure_montecarlo``'s inputs and plan its work, or raise.

    Raises ``ValueError`` for inputs that make no sense and ``ModelError`` when the work
    (trials × expected failures) exceeds ``WORK_BUDGET``: the check costs nothing, where
    the sampling it prevents would take hours and terabytes."""
    if gpus < 1 or hours <= 0 or mtbf_hours <= 0:
        raise ValueError("gpus ≥ 1, hours > 0 and mtbf_hours > 0 are required")
    if checkpoint_s < 0 or restart_s < 0:
        raise ValueError("checkpoint_s and restart_s cannot be negative")
    trials_n = int(trials)
    if trials_n < 2:
        raise ValueError("trials must be at least 2")
    work_s = hours * 3600.0
    rate = gpus / (mtbf_hours * 3600.0)
    job_mtbf_s = 1.0 / rate
    interval = checkpoint_interval_s
    if interval is None:
        if checkpoint_s <= 0:
            raise ValueError("give checkpoint_interval_s, or checkpoint_s for Young's interval")
        interval = math.sqrt(2.0 * checkpoint_s * job_mtbf_s)
    if interval <= 0:
        raise ValueError("checkpoint_interval_s must be positive")
    interval = min(interval, work_s)
    full, attempt_s, last_s = _segment_plan(work_s, interval, checkpoint_s)
    if rate * attempt_s > 40:
        raise ValueError(
            f"each {attempt_s / 3600:.3g} h segment would be retried ~e^{rate * attempt_s:.0f} "
            f"times (job MTBF {job_mtbf_s / 3600:.3g} h): checkpoint more often"
        )
    segments = tuple((count, length) for count, length in ((full, attempt_s), (1, last_s))
                     if count and length)
    # E[failures] of one attempt of length L is e^{λL} − 1 (Geometric), summed over segments.
    expected = sum(count * math.expm1(rate * length) for count, length in segments)
    work = trials_n * (len(segments) + expected)
    check_work("failure_montecarlo", "trials × expected failures", work,
               "use fewer trials or a shorter job")
    chunk = min(trials_n, TRIAL_CHUNK)
    block = FAILURE_BLOCK if expected > 0 else 0
    peak = 8 * trials_n + _BYTES_PER_CHUNK_TRIAL * chunk + _BYTES_PER_BLOCK_FAILURE * block
    return MonteCarloPlan(trials_n, work_s, rate, interval, segments, expected, work, peak)


def _sample_segments(rng: Any, count: int, attempt_s: float, rate: float, restart_s: float,
                     wall: np.ndarray) -> int:
    """Add the wall seconds of ``count`` identical attempts to each trial's ``wall`` (in
    place); return the failures sampled.

    Failures before each success are Geometric, so over ``count`` attempts they are Negative
    Binomial; the time lost to each failure is Exp(λ) truncated to [0, L), by inverse
    transform. Trials go ``TRIAL_CHUNK`` at a time and their failures ``FAILURE_BLOCK`` at a
    time, so memory stays bounded however many failures a trial has; the random stream is
    the same as drawing everything at once while the trials fit in one chunk."""
    import numpy as np

    success = math.exp(-rate * attempt_s)
    lost_cap = -math.expm1(-rate * attempt_s)
    total = 0
    for start in range(0, len(wall), TRIAL_CHUNK):
        view = wall[start:start + TRIAL_CHUNK]
        failures = rng.negative_binomial(count, success, size=len(view))
        segment_wall = np.full(len(view), float(count) * attempt_s) + failures * restart_s
        chunk_failures = int(failures.sum())
        if chunk_failures:
            ends = np.cumsum(failures)
            for first in range(0, chunk_failures, FAILURE_BLOCK):
                size = min(FAILURE_BLOCK, chunk_failures - first)
                lost = -np.log1p(-rng.random(size) * lost_cap) / rate
                owner = np.searchsorted(ends, np.arange(first, first + size), side="right")
                segment_wall += np.bincount(owner, weights=lost, minlength=len(view))
        view += segment_wall
        total += chunk_failures
    return total


def failure_montecarlo(
    gpus: float,
    hours: float,
    mtbf_hours: float,
    checkpoint_interval_s: float | None = None,
    checkpoint_s: float = 0.0,
    restart_s: float = 0.0,
    trials: float = 20_000,
    seed: float = 0,
) -> Result:
    """Wall-clock time of a job that loses work at each failure, by vectorised Monte Carlo.

    The job needs T = ``hours`` of failure-free compute on N = ``gpus`` GPUs, each failing
    independently at rate 1/``mtbf_hours``, so the job fails at λ = N/MTBF (series system,
    as in the Llama 3 paper's 16k-GPU interruption count [L3 §3.3.4]). Work is checkpointed
    every τ = ``checkpoint_interval_s`` of compute, each write taking δ = ``checkpoint_s``
    (default τ: Young's √(2δM)); a failure loses the work since the last checkpoint and costs
    R = ``restart_s``. Per segment the expected wall time is (e^{λ(τ+δ)} − 1)(1/λ + R)
    (Daly 2006, eq. 4 without failures during restart): the closed form is an output, and the
    Monte Carlo mean should sit within a few standard errors of it.

    Sampling is exact and vectorised: failures per trial are Negative Binomial across the
    identical segments, each failure's lost time a truncated exponential. Outputs: goodput
    (T / E[wall]), p50_s, p95_s, mean_failures, p_fail_before_checkpoint = 1 − e^{−λ(τ+δ)},
    closed_form_s, standard_error_s.

    Budget: trials × expected failures must stay within ``WORK_BUDGET`` (a ``ModelError``
    says so before any sampling), and arrays are chunked to stay under
    ``MEMORY_BUDGET_BYTES`` (see :class:`MonteCarloPlan`).
    """
    import numpy as np

    plan = plan_failure_montecarlo(gpus, hours, mtbf_hours, checkpoint_interval_s,
                                   checkpoint_s, restart_s, trials)
    trials_n, work_s, rate, interval = plan.trials, plan.work_s, plan.rate, plan.interval_s
    job_mtbf_s = 1.0 / rate
    attempt_s = plan.segments[0][1]
    rng = np.random.default_rng(int(seed))
    wall = np.zeros(trials_n)
    failures = 0
    for count, length in plan.segments:
        failures += _sample_segments(rng, count, length, rate, restart_s, wall)
    closed_form = sum(count * expected_segment_seconds(length, rate, restart_s)
                      for count, length in plan.segments)
    mean_wall = float(wall.mean())
    squares = sum(float(np.square(wall[i:i + TRIAL_CHUNK] - mean_wall).sum())
                  for i in range(0, trials_n, TRIAL_CHUNK))
    stderr = math.sqrt(squares / (trials_n - 1)) / math.sqrt(trials_n)
    # In place: wall is not needed after this, and a copy would double the peak memory.
    p50, p95 = (float(v) for v in np.percentile(wall, [50, 95], overwrite_input=True))
    p_fail = -math.expm1(-rate * attempt_s)
    return Result(
        mean_wall,
        "s",
        (
            Step("Job failure rate λ = N / MTBF per GPU", rate * 3600.0, "1/hour"),
            Step("Job MTBF = 1/λ", job_mtbf_s, "s"),
            Step("Checkpoint interval τ", interval, "s"),
            Step("P(fail before next checkpoint) = 1 − e^(−λ(τ+δ))", p_fail, ""),
            Step("Closed form Σ (e^(λL) − 1)(1/λ + R)", closed_form, "s"),
            Step(f"Monte Carlo mean wall-clock ({trials_n:,} trials)", mean_wall, "s"),
            Step("Goodput = failure-free time / wall-clock", work_s / mean_wall, ""),
        ),
        {
            "goodput": work_s / mean_wall,
            "p50_s": p50,
            "p95_s": p95,
            "mean_failures": failures / trials_n,
            "p_fail_before_checkpoint": p_fail,
            "closed_form_s": closed_form,
            "standard_error_s": stderr,
            "days": mean_wall / 86400.0,
        },
        {"p50_s": "s", "p95_s": "s", "closed_form_s": "s", "standard_error_s": "s",
         "days": "day"},
    )


def failure_loop_reference(gpus: float, hours: float, mtbf_hours: float,
                           checkpoint_interval_s: float, checkpoint_s: float, restart_s: float,
                           trials: int, seed: int = 0) -> float:
    """The same simulation as :func:`failure_montecarlo` written as a plain Python loop.

    Kept as the baseline the vectorised version is benchmarked against (tests/perf) and
    cross-checked with; not registered as a model.
    """
    import random

    rng = random.Random(seed)
    rate = gpus / (mtbf_hours * 3600.0)
    full, attempt_s, last_s = _segment_plan(hours * 3600.0, min(checkpoint_interval_s,
                                                                 hours * 3600.0), checkpoint_s)
    lengths = [attempt_s] * full + ([last_s] if last_s else [])
    total = 0.0
    for _ in range(trials):
        for length in lengths:
            while True:
                failure_at = rng.expovariate(rate)
                if failure_at >= length:
                    total += length
                    break
                total += failure_at + restart_s
    return total / trials


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="checkpoint_interval",
        function=checkpoint_interval,
        params=(
            ParamSpec(
                "checkpoint_s",
                "float",
                "s",
                minimum=1e-3,
                maximum=1e7,
                help="time to write one checkpoint δ",
            ),
            ParamSpec(
                "mtbf_s",
                "float",
                "s",
                minimum=1.0,
                maximum=1e12,
                help="job mean time between failures M",
            ),
            ParamSpec(
                "restart_s",
                "float",
                "s",
                required=False,
                default=0.0,
                minimum=0,
                maximum=1e7,
                help="restart + reload time R",
            ),
            ParamSpec(
                "method",
                "choice",
                required=False,
                default="young",
                choices=("young", "daly"),
                help="Young 1974 or Daly 2006",
            ),
        ),
        unit="s",
        formula="τ = √(2δM) (Young); Daly adds [1 + ⅓√(δ/2M) + δ/18M] − δ",
        summary="Optimum time between checkpoints",
    ),
    ModelSpec(
        name="job_failure_prob",
        function=job_failure_prob,
        params=(
            ParamSpec("gpus", "int", "", minimum=1, maximum=1e8, help="GPUs in the job"),
            ParamSpec("hours", "float", "hour", minimum=0, maximum=1e6, help="job length"),
            ParamSpec(
                "mtbf_hours",
                "float",
                "hour",
                minimum=1e-3,
                maximum=1e12,
                help="mean time between failures of one GPU",
            ),
        ),
        unit="",
        formula="P = 1 − exp(−N·T/MTBF); job MTBF = MTBF/N",
        summary="Probability a job sees at least one failure",
    ),
    ModelSpec(
        name="straggler_step",
        function=straggler_step,
        params=(
            ParamSpec(
                "mean_s",
                "float",
                "s",
                minimum=1e-9,
                maximum=1e6,
                help="mean per-worker step time μ",
            ),
            ParamSpec(
                "std_s",
                "float",
                "s",
                minimum=0,
                maximum=1e6,
                help="standard deviation of per-worker step time σ",
            ),
            ParamSpec(
                "workers",
                "int",
                "",
                minimum=1,
                maximum=1e9,
                help="workers that synchronise each step",
            ),
            ParamSpec("trials", "int", "", required=False, minimum=2, maximum=1e8,
                      help="add a Monte Carlo check with this many trials"),
            ParamSpec("seed", "int", "", required=False, default=0, minimum=0,
                      maximum=2**32 - 1, help="random seed for the check"),
        ),
        unit="s",
        formula="E[step] = μ + σ·E[max of n iid N(0,1)]",
        summary="Expected synchronous step time with normal jitter",
    ),
    ModelSpec(
        name="failure_montecarlo",
        function=failure_montecarlo,
        params=(
            ParamSpec("gpus", "int", "", minimum=1, maximum=1e7, help="GPUs in the job"),
            ParamSpec("hours", "float", "hour", minimum=1e-3, maximum=1e6,
                      help="failure-free compute time the job needs"),
            ParamSpec("mtbf_hours", "float", "hour", minimum=1e-3, maximum=1e12,
                      help="mean time between failures of one GPU"),
            ParamSpec("checkpoint_interval_s", "float", "s", required=False, minimum=1,
                      maximum=1e9, help="compute time between checkpoints τ (default Young)"),
            ParamSpec("checkpoint_s", "float", "s", required=False, default=0.0, minimum=0,
                      maximum=1e6, help="time to write one checkpoint δ"),
            ParamSpec("restart_s", "float", "s", required=False, default=0.0, minimum=0,
                      maximum=1e6, help="time to restart and reload R"),
            ParamSpec("trials", "int", "", required=False, default=20_000, minimum=2,
                      maximum=1e7, help="Monte Carlo trials"),
            ParamSpec("seed", "int", "", required=False, default=0, minimum=0,
                      maximum=2**32 - 1, help="random seed"),
        ),
        unit="s",
        formula="E[wall] = Σ_segments (e^{λ(τ+δ)} − 1)(1/λ + R), λ = N/MTBF; sampled",
        summary="Wall-clock, goodput and tail of a failing job (vectorised Monte Carlo)",
    ),
)
