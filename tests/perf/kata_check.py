"""Benchmark: checking a kata's cases against a bare ``python -c "import numpy"`` process.

Not part of the default test run. Usage:

    .venv/bin/python tests/perf/kata_check.py            # a table
    .venv/bin/python tests/perf/kata_check.py --json     # the figures, machine-readable
    .venv/bin/python tests/perf/kata_check.py --runs 15

The target (issue 13): a check of 50+ cases takes at most 2× the time of a fresh interpreter
importing numpy. Both sides are timed in this process, interleaved, after one warm-up each (a
noisy neighbour slows both alike), as medians of ``--runs`` runs. The check is
``engine.katas.runner.check_code`` whole: the temporary folder, the sandboxed child (which
imports numpy for the player's code), the reference values, every case, the clean-up. The
baseline is ``sys.executable -I -c "import numpy"`` started the same way (``subprocess``
from this process), so the cost of starting a process counts on both sides; it is timed with
this process's environment and with the child's (one BLAS thread), and the ratio is taken
against the faster of the two.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from content.loader import Kata, KataParam, KataProperty

#: The ring all-reduce kata (reference: the registered model ``allreduce_time``).
RING = Kata(
    id="kata.bench.ring", kind="kata", topic="comms.collectives", level="L5",
    prompt="Ring all-reduce time in the α-β model.", explanation="", source="bench",
    deck="bench", file="bench", line=None, target_seconds=None,
    function="allreduce_seconds",
    params=(KataParam("bytes", "byte", "buffer per rank", 1.0, 1e10, "log"),
            KataParam("ranks", "", "ranks", 1.0, 1024.0, "log", integer=True),
            KataParam("bandwidth", "byte/s", "per rank per direction", 1e9, 1e12, "log"),
            KataParam("latency", "s", "per hop", 0.0, 1e-4)),
    returns="seconds", return_unit="s", reference="allreduce_time",
    properties=(KataProperty("nondecreasing", "more bytes never take less time", "bytes"),
                KataProperty("nondecreasing", "more ranks never make it faster", "ranks"),
                KataProperty("nonnegative", "a time is never negative")),
    cases=60)

#: A correct solution that uses numpy, as a player would write it.
SOLUTION = """\
import numpy as np


def allreduce_seconds(bytes, ranks, bandwidth, latency):
    steps = 2 * (ranks - 1)
    latency_s = steps * np.float64(latency)
    bandwidth_s = np.float64(steps) / ranks * bytes / bandwidth
    return latency_s + bandwidth_s
"""


def bare_numpy_seconds(env: dict[str, str] | None = None) -> float:
    """A fresh isolated interpreter importing numpy, start to exit; ``env`` replaces this
    process's environment (the check's child gets one BLAS thread, which starts faster)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", "import numpy"], check=True, env=env)
    return time.perf_counter() - started


def bench_kata_check(runs: int = 9) -> dict[str, float]:
    """Median seconds of a whole check and of the bare numpy process, and their ratio."""
    from engine.katas.runner import check_code

    def check_seconds() -> float:
        started = time.perf_counter()
        report = check_code(RING, SOLUTION)
        seconds = time.perf_counter() - started
        if not report.all_passed:
            raise SystemExit(f"the benchmark's solution failed: {report.error} "
                             f"{[c.note for c in report.cases if not c.ok][:3]}")
        check_seconds.cases = len(report.cases)  # type: ignore[attr-defined]
        return seconds

    from engine.katas.runner import child_environment

    scrubbed = child_environment(Path.cwd())
    check_seconds()  # warm-up: this process's imports (models, registry), the file cache
    bare_numpy_seconds()
    checks, bares, bares_scrubbed = [], [], []
    for _ in range(runs):
        checks.append(check_seconds())
        bares.append(bare_numpy_seconds())
        bares_scrubbed.append(bare_numpy_seconds(scrubbed))
    check_s = statistics.median(checks)
    bare_s, scrubbed_s = statistics.median(bares), statistics.median(bares_scrubbed)
    # The ratio is taken against the faster baseline: the stricter reading of the target.
    baseline_s = min(bare_s, scrubbed_s)
    return {"cases": float(check_seconds.cases),  # type: ignore[attr-defined]
            "check_s": check_s, "bare_numpy_s": bare_s,
            "bare_numpy_one_thread_s": scrubbed_s, "ratio": check_s / baseline_s,
            "target_ratio": 2.0, "runs": float(runs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each (median)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = bench_kata_check(args.runs)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print("kata check vs bare `python -I -c 'import numpy'`")
    for key, value in figures.items():
        print(f"  {key:<24} {value:>10.4g}")
    verdict = "within" if figures["ratio"] <= figures["target_ratio"] else "OVER"
    print(f"  {verdict} the target of {figures['target_ratio']:g}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
