"""Benchmarks, reported as ratios measured in one run (these machines are noisy).

Not part of the default test run. Usage:

    .venv/bin/python tests/perf/bench.py            # a table
    .venv/bin/python tests/perf/bench.py --json     # the figures, machine-readable
    .venv/bin/python tests/perf/bench.py montecarlo grading   # only some

Each benchmark times the thing and its baseline back to back, best of a few repeats, and
reports both and their ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def best_of(function: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` wall-clock timings of ``function()``, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def bench_montecarlo() -> dict[str, float]:
    """1e6 failure-simulation trials vectorised (numpy) vs the same model as a Python loop.

    The loop runs 1e4 trials and is scaled to 1e6 per trial (1e6 loop trials take minutes);
    both simulate a 1,024-GPU, 7-day job with 30-minute checkpoints.
    """
    from engine.models.reliability import failure_loop_reference, failure_montecarlo

    job = {"gpus": 1024, "hours": 168.0, "mtbf_hours": 50_000.0,
           "checkpoint_interval_s": 1800.0, "checkpoint_s": 60.0, "restart_s": 600.0}
    trials, loop_trials = 1_000_000, 10_000
    vectorised_s = best_of(lambda: failure_montecarlo(**job, trials=trials, seed=1), 3)
    loop_s = best_of(lambda: failure_loop_reference(**job, trials=loop_trials, seed=1), 2)
    loop_scaled_s = loop_s * trials / loop_trials
    return {"vectorised_s_per_1e6": vectorised_s, "loop_s_per_1e6": loop_scaled_s,
            "speedup": loop_scaled_s / vectorised_s}


def bench_straggler() -> dict[str, float]:
    """1e6 straggler trials (exact max sampling) vs drawing all n normals per trial in a loop."""
    import random

    from engine.models.reliability import straggler_step

    workers, trials, loop_trials = 128, 1_000_000, 2_000

    def loop() -> float:
        rng = random.Random(1)
        return sum(max(rng.gauss(1.0, 0.05) for _ in range(workers))
                   for _ in range(loop_trials)) / loop_trials

    vectorised_s = best_of(lambda: straggler_step(1.0, 0.05, workers, trials=trials), 3)
    loop_scaled_s = best_of(loop, 2) * trials / loop_trials
    return {"vectorised_s_per_1e6": vectorised_s, "loop_s_per_1e6": loop_scaled_s,
            "speedup": loop_scaled_s / vectorised_s}


def bench_grading() -> dict[str, float]:
    """One graded answer once pint is loaded, against pint alone parsing and converting it.

    The target (issue 5) is well under a millisecond per answer.
    """
    from grading.numeric import Tolerance, grade_numeric
    from grading.units import registry

    tolerance = Tolerance.parse("rel:5%,15%")
    answers = ["3.35 TB/s", "3350 GB/s", "3.2e12 B/s", "3.1 TB/s", "3000 GB/s"] * 200
    grade_numeric("1 TB/s", 3.35e12, "byte/s", "TB/s", tolerance)  # load pint first
    ureg = registry()

    def grade_all() -> None:
        for answer in answers:
            grade_numeric(answer, 3.35e12, "byte/s", "TB/s", tolerance)

    def pint_all() -> None:
        for answer in answers:
            ureg.Quantity(answer).to("TB/s")

    graded_s = best_of(grade_all, 5) / len(answers)
    pint_s = best_of(pint_all, 5) / len(answers)
    return {"grade_us": graded_s * 1e6, "pint_parse_convert_us": pint_s * 1e6,
            "ratio_to_pint": graded_s / pint_s}


BENCHMARKS: dict[str, Callable[[], dict[str, float]]] = {
    "montecarlo": bench_montecarlo,
    "straggler": bench_straggler,
    "grading": bench_grading,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], metavar="NAME",
                        help=f"benchmarks to run (default all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results = {name: BENCHMARKS[name]() for name in (args.names or BENCHMARKS)}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name, figures in results.items():
        print(name)
        for key, value in figures.items():
            print(f"  {key:<24} {value:>14.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
