"""Run the player's kata code in a sandboxed child process and check it against the reference.

``check_code(kata, code)`` is what a screen's "run checks" and ``tpm-drill kata check`` call.
The player's code is the only code ever executed, and only in a child process:

* the same interpreter in isolated mode (``sys.executable -I``: no ``PYTHON*`` variables, no
  user site, no script folder on the path), running ``engine/katas/_child.py``, which imports
  nothing from tpm-drill;
* a temporary working folder (removed afterwards) holding the code as ``solution.py``, so
  tracebacks carry the player's own line numbers;
* a scrubbed environment: ``PATH``, ``LANG``, ``HOME`` and ``TMPDIR`` (the temporary folder),
  one thread for OpenBLAS/OpenMP/MKL, nothing else inherited (no tokens, no keys);
* ``setrlimit`` in the child before it starts: CPU seconds, address space, file size;
* its own process group, killed whole on a timeout, a cancel or when done; a wall-clock limit
  kept by the parent (time spent waiting for the child, not the parent's own work).

The parent sends inputs and reads results as JSON lines on a pipe of their own; whatever the
player prints goes to a file, capped, and comes back as ``CheckReport.printed``. One child
runs every case (starting a process per case would cost more than the checks): it loads the
code while the parent computes the reference values, then answers a batch of cases, then
stays up for the shrinking of a failure.

Cases: ``Kata.cases`` draws over each parameter's domain (log-uniform for ``scale = "log"``,
integers rounded), seeded from the kata id so a run is reproducible; each parameter's edges
with the other parameters at a typical value; and each property (pairs of inputs for
monotonicity, the range of every result for ``probability``/``positive``/``nonnegative``).
A case passes when ``|got − expected| ≤ max(rel_tolerance·|expected|, abs_tolerance,
4·stderr)``: ``stderr`` is the reference's Monte Carlo standard error at the trial count the
kata asks for, so a correct simulation passes and a wrong formula fails.

The first failing case is shrunk with hypothesis (imported only then) to a small, readable
counterexample: each parameter may take simpler values (the domain's ends, round numbers),
hypothesis looks for a combination that fails the same way and shrinks it toward the simplest.
"""

from __future__ import annotations

import json
import math
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from content.loader import Kata, KataParam, KataProperty
from engine.katas.references import ReferenceValue, reference_value
from grading.rating import AGAIN, EASY, GOOD, HARD

#: The child harness, run by path (``-I`` puts no folder of ours on its ``sys.path``).
CHILD_SCRIPT = Path(__file__).with_name("_child.py")
#: Error kinds, each with its own plain message. ``cancelled``: the caller stopped the run.
ERROR_KINDS = ("syntax", "exception", "missing_function", "wrong_type", "timeout", "memory",
               "exit", "cancelled")
#: Errors that stop the run: nothing more can be learnt from the child after these.
FATAL_KINDS = frozenset({"syntax", "missing_function", "timeout", "memory", "exit",
                         "cancelled"})
#: Monte Carlo noise allowed: this many standard errors either way.
STDERR_FACTOR = 4.0
#: Float round-off allowed on top of every tolerance (relative, and absolute in SI units):
#: a model that computes 2(p−1)/p·S/B in another order must not fail on the last bit.
FLOAT_REL_SLACK = 1e-9
FLOAT_ABS_SLACK = 1e-12
#: Fewest drawn cases a check makes, whatever the kata asks (``Kata.cases`` may ask more).
MIN_DRAWS = 50
#: Pairs of inputs checked for each monotonicity property (plus one at the domain's ends).
PAIRS_PER_PROPERTY = 6
#: Draws are rounded to this many significant figures, so the table reads 3.2e+09, not
#: 3187364922.77, and what the table shows is the value checked.
DRAW_SIG = 3
#: Hypothesis examples tried when looking for a simpler failure, and the time allowed for the
#: whole shrink (after it, the simplest failure found so far is kept).
SHRINK_EXAMPLES = 150
SHRINK_SECONDS = 5.0
#: The child may write at most this much to files (its output file included): an endless
#: ``print`` loop or a file-writing loop cannot fill the disk.
FILE_SIZE_LIMIT_BYTES = 64 * 2**20
#: How often the parent looks at the cancel event while it waits for the child.
POLL_SECONDS = 0.05
#: Longest line the child may send (a result is a few dozen bytes).
MAX_MESSAGE_BYTES = 1 << 20
#: The pass rate from which a kata with failures is rated Hard rather than Again.
HARD_PASS_RATE = 0.8


@dataclass(frozen=True, slots=True)
class Limits:
    """What one check may use: CPU seconds and wall seconds (waiting for the child), the
    child's address space in bytes, and the characters of printed output kept."""

    cpu_seconds: float = 20.0
    wall_seconds: float = 30.0
    memory_bytes: int = 2 * 2**30
    output_chars: int = 20_000


@dataclass(frozen=True, slots=True)
class RunError:
    """Why the player's code could not be run, or failed while running: ``kind`` is one of
    ``ERROR_KINDS``, ``message`` a plain sentence, ``line`` a line of the player's file."""

    kind: str
    message: str
    line: int | None = None

    @property
    def fatal(self) -> bool:
        """Whether the run stopped here (a syntax error, a timeout…) rather than one case
        failing (an exception or a wrong type for some inputs)."""
        return self.kind in FATAL_KINDS

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{self.message}{where}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "line": self.line}


#: What a case's function returned: a number, ``(estimate, low, high)`` for a bounds kata.
Got = float | tuple[float, float, float] | None


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One checked case: the inputs (SI), the reference's value, what the player's function
    returned (``None`` when it raised), the signed relative error (``None`` when the reference
    is 0 or nothing came back), whether it passed, where the case came from (``draw``,
    ``edge``, ``property``, ``shrunk``) and a note saying why it failed.

    ``tolerance`` is the allowed absolute difference; ``interval_score`` the bounds' score
    (bounds katas, see ``grading.calibration``); ``paired_with`` the other inputs of a
    monotonicity pair (``inputs`` are the larger-parameter side).
    """

    inputs: dict[str, float]
    expected: float
    got: Got
    rel_error: float | None
    ok: bool
    source: str
    note: str = ""
    tolerance: float = 0.0
    interval_score: float | None = None
    paired_with: dict[str, float] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "inputs": dict(self.inputs), "expected": self.expected, "got": _json_got(self.got),
            "rel_error": self.rel_error, "ok": self.ok, "source": self.source,
            "note": self.note, "tolerance": self.tolerance,
        }
        if self.interval_score is not None:
            data["interval_score"] = self.interval_score
        if self.paired_with is not None:
            data["paired_with"] = dict(self.paired_with)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CaseResult:
        """A case as ``to_json`` wrote it (an attempt read back from the database)."""
        got = data.get("got")
        if isinstance(got, list):
            got = tuple(_float_back(v) for v in got)
        elif got is not None:
            got = _float_back(got)
        return cls(
            inputs=dict(data.get("inputs") or {}), expected=float(data.get("expected", 0.0)),
            got=got, rel_error=data.get("rel_error"), ok=bool(data.get("ok")),
            source=str(data.get("source", "draw")), note=str(data.get("note", "")),
            tolerance=float(data.get("tolerance", 0.0)),
            interval_score=data.get("interval_score"), paired_with=data.get("paired_with"),
        )


def _json_got(got: Got) -> Any:
    """``got`` for JSON: infinities as the strings "inf"/"-inf" (JSON has no infinity)."""
    if got is None:
        return None
    if isinstance(got, tuple):
        return [_json_float(v) for v in got]
    return _json_float(got)


def _json_float(value: float) -> float | str:
    return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")


def _float_back(value: Any) -> float:
    return float(value)  # float("inf") reads the strings _json_float writes


@dataclass
class CheckReport:
    """Every case checked for one run of the player's code, the run's error if any, the
    shrunk ``counterexample`` (also first in ``cases``), what the code printed (capped), the
    seconds the check took and the seed the draws came from.

    ``passed`` and ``failed`` count the checked cases; the counterexample restates a failure
    with simpler inputs and is not counted again.
    """

    kata_id: str
    cases: list[CaseResult] = field(default_factory=list)
    error: RunError | None = None
    counterexample: CaseResult | None = None
    printed: str = ""
    seconds: float = 0.0
    seed: int = 0
    #: Inputs the reference itself refused (a kata whose domain is wider than its model's):
    #: left out of the check and named here.
    reference_errors: list[str] = field(default_factory=list)

    @property
    def counted(self) -> list[CaseResult]:
        return [case for case in self.cases if case.source != "shrunk"]

    @property
    def passed(self) -> int:
        return sum(1 for case in self.counted if case.ok)

    @property
    def failed(self) -> int:
        return sum(1 for case in self.counted if not case.ok)

    @property
    def pass_rate(self) -> float:
        """Share of checked cases that passed; 0 when none could be checked."""
        total = len(self.counted)
        return self.passed / total if total else 0.0

    @property
    def all_passed(self) -> bool:
        return self.error is None and self.failed == 0 and self.passed > 0

    @property
    def could_not_run(self) -> bool:
        """The code did not get as far as answering the cases: a syntax error, a missing
        function, a timeout, the memory limit, an exit, a cancel (the CLI exits 2)."""
        return self.error is not None and (self.error.fatal or not self.counted)

    @property
    def band(self) -> str:
        """The review's band (what weak areas and the summary count): all pass "exact", at
        least ``HARD_PASS_RATE`` "close", else "off"."""
        if self.all_passed:
            return "exact"
        if not self.could_not_run and self.pass_rate >= HARD_PASS_RATE:
            return "close"
        return "off"

    @property
    def mean_interval_score(self) -> float | None:
        scores = [c.interval_score for c in self.counted if c.interval_score is not None]
        return sum(scores) / len(scores) if scores else None

    def to_json(self) -> dict[str, Any]:
        """``{"kata", "passed", "failed", "error", "cases": [{"inputs", "expected", "got",
        "rel_error", "ok", …}], "counterexample"}`` plus the printed output and timings."""
        return {
            "kata": self.kata_id,
            "passed": self.passed,
            "failed": self.failed,
            "error": self.error.to_json() if self.error else None,
            "cases": [case.to_json() for case in self.cases],
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "all_passed": self.all_passed,
            "pass_rate": self.pass_rate,
            "mean_interval_score": self.mean_interval_score,
            "printed": self.printed,
            "seconds": self.seconds,
            "seed": self.seed,
            "reference_errors": list(self.reference_errors),
        }


def kata_rating(report: CheckReport, elapsed_seconds: float | None,
                target_minutes: float | None) -> int:
    """The FSRS rating of a submitted kata: every case passing is Good, Easy when also done
    in less than the target time; at least 80 % passing is Hard; anything less (or code that
    could not be run) is Again. With no time or no target, all passing is Good."""
    if report.all_passed:
        if (elapsed_seconds is not None and target_minutes is not None
                and elapsed_seconds < target_minutes * 60.0):
            return EASY
        return GOOD
    if not report.could_not_run and report.pass_rate >= HARD_PASS_RATE:
        return HARD
    return AGAIN


# -- planning the cases ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Planned:
    """A case to run: its inputs, where it came from, and for a monotonicity pair the
    property and the other side's inputs (run too)."""

    inputs: dict[str, float]
    source: str
    prop: KataProperty | None = None
    lower: dict[str, float] | None = None


def kata_seed(kata: Kata) -> int:
    """The seed a kata's draws come from unless one is given: stable across runs and
    machines (not Python's salted ``hash``)."""
    return zlib.crc32(kata.id.encode("utf-8"))


def _round_sig(value: float, digits: int = DRAW_SIG) -> float:
    return float(f"{value:.{digits}g}") if value else 0.0


def _fit(param: KataParam, value: float) -> float:
    """``value`` inside the parameter's domain, a whole number for an integer parameter."""
    value = min(max(value, param.minimum), param.maximum)
    if param.integer:
        whole = round(value)
        if whole < param.minimum:
            whole = math.ceil(param.minimum)
        if whole > param.maximum:
            whole = math.floor(param.maximum)
        return float(whole)
    return value


def _log_domain(param: KataParam) -> bool:
    return param.scale == "log" and param.minimum > 0


def draw_value(param: KataParam, rng: random.Random) -> float:
    """One value from the parameter's domain: log-uniform for ``scale = "log"`` (a domain
    spanning decades), uniform otherwise; rounded to ``DRAW_SIG`` figures, integers whole."""
    if param.maximum <= param.minimum:
        return _fit(param, param.minimum)
    if _log_domain(param):
        low, high = math.log(param.minimum), math.log(param.maximum)
        if param.integer:  # whole numbers near the bottom of a log domain are few: spread
            low, high = math.log(max(param.minimum, 0.5)), math.log(param.maximum + 0.5)
        value = math.exp(rng.uniform(low, high))
    else:
        value = rng.uniform(param.minimum, param.maximum)
    return _fit(param, _round_sig(value))


def typical_value(param: KataParam) -> float:
    """The middle of the domain (geometric for a log domain): the other parameters' value
    while one parameter sits on an edge."""
    if _log_domain(param):
        middle = math.sqrt(param.minimum * param.maximum)
    else:
        middle = (param.minimum + param.maximum) / 2.0
    return _fit(param, _round_sig(middle, 2))


def _edges(param: KataParam) -> tuple[float, ...]:
    return tuple(param.edges) if param.edges else (param.minimum, param.maximum)


def plan_cases(kata: Kata, seed: int) -> list[_Planned]:
    """Every case of a check, in the order they are shown: edges, draws (``Kata.cases``, at
    least ``MIN_DRAWS``, distinct), property pairs."""
    rng = random.Random(seed)
    planned: list[_Planned] = []
    seen: set[tuple[float, ...]] = set()

    def add(inputs: dict[str, float], source: str) -> None:
        key = tuple(inputs[p.name] for p in kata.params)
        if key not in seen:
            seen.add(key)
            planned.append(_Planned(inputs, source))

    typical = {p.name: typical_value(p) for p in kata.params}
    for param in kata.params:
        for edge in _edges(param):
            add({**typical, param.name: _fit(param, float(edge))}, "edge")
    draws: list[dict[str, float]] = []
    wanted = max(kata.cases, MIN_DRAWS)
    for _ in range(wanted * 3):  # small integer domains repeat: draw on
        inputs = {p.name: draw_value(p, rng) for p in kata.params}
        before = len(planned)
        add(inputs, "draw")
        if len(planned) > before:
            draws.append(inputs)
        if len(draws) >= wanted:
            break
    for prop in kata.properties:
        if prop.kind not in ("nondecreasing", "nonincreasing") or prop.param is None:
            continue
        param = next((p for p in kata.params if p.name == prop.param), None)
        if param is None or param.maximum <= param.minimum:
            continue
        bases = [typical] + [draws[(k * 7) % len(draws)] for k in range(PAIRS_PER_PROPERTY)
                             if draws]
        for index, base in enumerate(bases):
            if index == 0:
                low, high = _fit(param, param.minimum), _fit(param, param.maximum)
            else:
                low, high = sorted((draw_value(param, rng), draw_value(param, rng)))
                if low == high:
                    low, high = _fit(param, param.minimum), _fit(param, param.maximum)
            if low == high:
                continue
            planned.append(_Planned({**base, param.name: high}, "property", prop,
                                    {**base, param.name: low}))
    return planned


# -- the child process ------------------------------------------------------------------------


class _Stopped(Exception):
    """The run cannot go on: the child timed out, ran out of memory, exited, or the caller
    cancelled. Carries the ``RunError`` to report."""

    def __init__(self, error: RunError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What the child said about one case: a value, or an error (for an exception, the
    exception's class name in ``error_type``)."""

    value: Got = None
    error: RunError | None = None
    error_type: str = ""


def child_environment(folder: Path) -> dict[str, str]:
    """The child's whole environment: a path to find programs, the language, a home and a
    temporary folder that are the run's own folder, and one BLAS/OpenMP thread (checks run
    many small cases; a thread pool per process only costs start-up). Nothing else is
    inherited: no tokens, keys or ``PYTHON*`` settings reach the player's code."""
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "HOME": str(folder),
        "TMPDIR": str(folder),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _limit_child(limits: Limits) -> Callable[[], None]:
    """The ``preexec_fn`` that sets the child's resource limits between fork and exec.

    Only ``setrlimit`` calls on a module imported beforehand: nothing that could take a lock
    another thread of the parent held at fork time. The CPU limit's soft value sends
    SIGXCPU (reported as a timeout); the hard value, a second later, kills outright."""
    import resource

    cpu = max(1, math.ceil(limits.cpu_seconds))
    memory = int(limits.memory_bytes)

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT_BYTES,
                                                   FILE_SIZE_LIMIT_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


class _Child:
    """One child process running the player's code, and the parent's end of its pipes."""

    def __init__(self, kata: Kata, code: str, limits: Limits,
                 cancel: threading.Event | None) -> None:
        self.kata = kata
        self.limits = limits
        self.cancel = cancel
        self.waited_seconds = 0.0
        self.folder = Path(tempfile.mkdtemp(prefix="tpm-drill-kata-"))
        self.code_path = self.folder / "solution.py"
        self.code_path.write_text(code, encoding="utf-8")
        self.output_path = self.folder / "output.txt"
        self.process: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._closed = False
        request_read, self._request_write = os.pipe()
        self._response_read, response_write = os.pipe()
        try:
            with open(self.output_path, "wb") as output:
                self.process = subprocess.Popen(
                    [sys.executable, "-I", str(CHILD_SCRIPT), str(request_read),
                     str(response_write), str(self.code_path), kata.function,
                     str(len(kata.params)), "1" if kata.bounds else "0",
                     str(limits.output_chars)],
                    stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                    cwd=self.folder, env=child_environment(self.folder),
                    pass_fds=(request_read, response_write), start_new_session=True,
                    preexec_fn=_limit_child(limits), close_fds=True)
        except BaseException:
            os.close(self._request_write)
            os.close(self._response_read)
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            os.close(request_read)
            os.close(response_write)

    # -- talking ----------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode("utf-8")
        try:
            while data:
                written = os.write(self._request_write, data)
                data = data[written:]
        except (BrokenPipeError, OSError):
            raise _Stopped(self._death("while receiving its inputs")) from None

    def _receive(self, doing: str) -> dict[str, Any]:
        """The child's next message, waiting at most what is left of the wall-clock limit and
        giving up at once when cancelled."""
        while b"\n" not in self._buffer:
            if self.cancel is not None and self.cancel.is_set():
                raise _Stopped(RunError("cancelled", "the check was stopped"))
            left = self.limits.wall_seconds - self.waited_seconds
            if left <= 0:
                raise _Stopped(RunError(
                    "timeout", f"stopped after {self.limits.wall_seconds:g} s {doing}: an "
                    "endless loop, or far too much work? (wall-clock limit)"))
            started = time.monotonic()
            ready, _, _ = select.select([self._response_read], [], [], min(POLL_SECONDS, left))
            self.waited_seconds += time.monotonic() - started
            if not ready:
                continue
            chunk = os.read(self._response_read, 65536)
            if not chunk:
                raise _Stopped(self._death(doing))
            self._buffer += chunk
            if len(self._buffer) > MAX_MESSAGE_BYTES and b"\n" not in self._buffer:
                raise _Stopped(RunError("exit", "the code's results could not be read (the "
                                        "channel was written to by the code?)"))
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            raise _Stopped(RunError("exit", "the code's results could not be read (the "
                                    "channel was written to by the code?)"))
        return message

    def _death(self, doing: str) -> RunError:
        """Why the child ended without answering: its exit status, read as a person would."""
        assert self.process is not None
        try:
            code = self.process.wait(timeout=2.0)
        except subprocess.TimeoutExpired:  # it closed the pipe but lives on: stop it
            self.kill()
            code = self.process.wait()
        cpu = f"{self.limits.cpu_seconds:g}"
        if code == -signal.SIGXCPU or (code == -signal.SIGKILL and self._cpu_spent()):
            return RunError("timeout", f"stopped after {cpu} s of CPU time {doing}: an endless "
                            "loop, or far too much work? (CPU limit)")
        if code == -signal.SIGKILL:
            return RunError("memory", f"the process was killed {doing}, most likely for "
                            f"using too much memory (the limit is "
                            f"{_gib(self.limits.memory_bytes)})")
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            return RunError("exit", f"the process crashed with signal {name} {doing}")
        return RunError("exit", f"the process exited (status {code}) {doing}: os._exit() or "
                        "exit() in your code? A kata's function must return its value")

    def _cpu_spent(self) -> bool:
        """Whether the child was killed at the CPU limit's hard value (a SIGXCPU it ignored
        is followed by SIGKILL), judged from the wall time it was given."""
        return self.waited_seconds >= self.limits.cpu_seconds

    # -- the run ----------------------------------------------------------------------------

    def loaded(self) -> RunError | None:
        """Wait for the code to load: ``None`` when the function is ready, else why not."""
        try:
            message = self._receive("while loading your code")
        except _Stopped as stopped:
            return stopped.error
        if message.get("loaded") is True:
            return None
        error = _error_of(message) or RunError("exit", "the code could not be loaded")
        if error.kind == "memory":
            error = replace(error, message=f"{error.message} while loading your code (the "
                            f"limit is {_gib(self.limits.memory_bytes)})")
        return error

    def call(self, cases: Sequence[Sequence[float]], describe: Callable[[int], str]
             ) -> list[_Outcome]:
        """Run the function on each case (argument lists, in parameter order); stops with
        ``_Stopped`` on a fatal error, whose message names the case that was running."""
        self._send({"op": "call", "cases": [list(args) for args in cases]})
        outcomes: list[_Outcome] = []
        for index in range(len(cases)):
            message = self._receive(f"while computing {describe(index)}")
            error = _error_of(message)
            if error is not None:
                limit = (f" (the limit is {_gib(self.limits.memory_bytes)})"
                         if error.kind == "memory" else "")
                error = replace(error, message=f"{describe(index)}: {error.message}{limit}")
                if error.fatal:
                    raise _Stopped(error)
                raw = message.get("error")
                name = raw.get("type") if isinstance(raw, dict) else None
                outcomes.append(_Outcome(error=error,
                                         error_type=name if isinstance(name, str) else ""))
                continue
            outcomes.append(_Outcome(value=_value_of(message.get("value"), self.kata.bounds)))
        return outcomes

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def close(self) -> str:
        """End the child (its whole process group), remove the folder; what it printed."""
        if self._closed:
            return ""
        self._closed = True
        try:
            os.close(self._request_write)
        except OSError:
            pass
        assert self.process is not None
        try:
            self.process.wait(timeout=0.5)  # closing its input ends its loop
        except subprocess.TimeoutExpired:
            pass
        # Always kill the group: a process the code started must not outlive the run.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        os.close(self._response_read)
        printed = _read_printed(self.output_path, self.limits.output_chars)
        shutil.rmtree(self.folder, ignore_errors=True)
        return printed


def _gib(size_bytes: int) -> str:
    return f"{size_bytes / 2**30:g} GiB"


def _read_printed(path: Path, limit: int) -> str:
    """The first ``limit`` characters the code printed, with a note when there was more."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit * 4 + 4)
    except OSError:
        return ""
    text = data.decode("utf-8", "replace")
    if len(text) > limit or len(data) == limit * 4 + 4:
        return text[:limit] + f"\n… (output cut at {limit:,} characters)"
    return text


def _error_of(message: Mapping[str, Any]) -> RunError | None:
    raw = message.get("error")
    if not isinstance(raw, dict):
        return None
    kind = raw.get("kind") if raw.get("kind") in ERROR_KINDS else "exception"
    line = raw.get("line")
    return RunError(str(kind), str(raw.get("message", ""))[:600],
                    line if isinstance(line, int) and not isinstance(line, bool) else None)


def _value_of(raw: Any, bounds: bool) -> Got:
    try:
        if bounds:
            estimate, low, high = (float(v) for v in raw)
            return (estimate, low, high)
        return float(raw)
    except (TypeError, ValueError):
        return None


# -- grading one case -----------------------------------------------------------------------


def _call_text(kata: Kata, inputs: Mapping[str, float]) -> str:
    """``allreduce_seconds(bytes=1e+09, ranks=8, …)`` for messages."""
    shown = ", ".join(f"{p.name}={_short(inputs[p.name], p.integer)}" for p in kata.params)
    return f"{kata.function}({shown})"


def _short(value: float, integer: bool = False) -> str:
    if integer and float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.6g}"


def _args(kata: Kata, inputs: Mapping[str, float]) -> list[float | int]:
    """Arguments in parameter order; integer parameters as ``int`` (``range(n)`` works)."""
    return [int(inputs[p.name]) if p.integer else float(inputs[p.name]) for p in kata.params]


def case_tolerance(kata: Kata, reference: ReferenceValue) -> float:
    """The absolute difference a case allows: the kata's relative and absolute tolerances,
    widened to ``STDERR_FACTOR`` standard errors of a Monte Carlo answer."""
    return max(kata.rel_tolerance * abs(reference.value), kata.abs_tolerance,
               STDERR_FACTOR * reference.stderr)


def _within(got: float, expected: float, tolerance: float) -> bool:
    slack = FLOAT_REL_SLACK * max(abs(got), abs(expected)) + FLOAT_ABS_SLACK
    return abs(got - expected) <= tolerance + slack


def _range_problem(kata: Kata, value: float) -> str | None:
    """The first range property ``value`` breaks, as a note, or ``None``."""
    for prop in kata.properties:
        broken = ((prop.kind == "probability" and not 0.0 <= value <= 1.0)
                  or (prop.kind == "positive" and not value > 0.0)
                  or (prop.kind == "nonnegative" and not value >= 0.0))
        if broken:
            what = {"probability": "a probability in [0, 1]", "positive": "positive",
                    "nonnegative": "non-negative"}[prop.kind]
            return f"returned {value:.6g}, not {what}: {prop.why}"
    return None


def grade_case(kata: Kata, inputs: dict[str, float], reference: ReferenceValue,
               outcome: _Outcome, source: str) -> CaseResult:
    """One case's verdict: the value (and a bounds kata's interval) against the reference,
    and the range properties; an error is a failed case with the error as its note."""
    expected = reference.value
    tolerance = case_tolerance(kata, reference)
    if outcome.error is not None or outcome.value is None:
        note = str(outcome.error) if outcome.error else "returned nothing readable"
        return CaseResult(inputs, expected, None, None, False, source, note, tolerance)
    got = outcome.value
    estimate = got[0] if isinstance(got, tuple) else got
    rel_error = ((estimate - expected) / abs(expected)
                 if expected != 0 and math.isfinite(estimate) else None)
    notes: list[str] = []
    ok = math.isfinite(estimate) and _within(estimate, expected, tolerance)
    if not ok:
        notes.append(_difference(estimate, expected, tolerance))
    score = None
    if isinstance(got, tuple):
        _, low, high = got
        if not low <= expected <= high:
            ok = False
            notes.append(f"the bounds [{low:.4g}, {high:.4g}] do not hold the reference "
                         f"{expected:.4g}")
        elif not low <= estimate <= high:
            ok = False
            notes.append(f"the estimate {estimate:.4g} is outside its own bounds")
        score = _interval_score(low, high, expected)
    problem = _range_problem(kata, estimate) if math.isfinite(estimate) else None
    if problem is not None:
        ok = False
        notes.append(problem)
    return CaseResult(inputs, expected, got, rel_error, ok, source, "; ".join(notes),
                      tolerance, score)


def _difference(got: float, expected: float, tolerance: float) -> str:
    """How far off a value is and what was allowed: "off by +100% (allowed ±1%)"."""
    if not math.isfinite(got):
        return f"returned {got}"
    if expected:
        return (f"off by {(got - expected) / abs(expected) * 100:+.3g}% (allowed "
                f"±{tolerance / abs(expected) * 100:.3g}%)")
    return f"off by {got - expected:+.3g} (allowed ±{tolerance:.3g})"


def _interval_score(low: float, high: float, truth: float) -> float | None:
    """The interval score of the bounds (``grading.calibration``), when it is defined: all
    three positive and finite, ``low ≤ high``."""
    from grading.calibration import interval_score

    try:
        return interval_score(low, high, truth)
    except ValueError:
        return None


def _pair_case(kata: Kata, planned: _Planned, reference: ReferenceValue,
               lower_reference: ReferenceValue, outcome: _Outcome,
               lower_outcome: _Outcome) -> CaseResult:
    """A monotonicity pair: the function must not go down (nondecreasing) or up
    (nonincreasing) from the lower parameter value to the higher, beyond Monte Carlo noise."""
    prop = planned.prop
    assert prop is not None and planned.lower is not None
    base = grade_case(kata, planned.inputs, reference, outcome, "property")
    if outcome.error is not None or lower_outcome.error is not None:
        error = outcome.error or lower_outcome.error
        return replace(base, ok=False, note=str(error), paired_with=planned.lower)
    if outcome.value is None or lower_outcome.value is None:
        return replace(base, ok=False, note="returned nothing readable",
                       paired_with=planned.lower)
    high_value = _estimate(outcome.value)
    low_value = _estimate(lower_outcome.value)
    noise = (STDERR_FACTOR * max(reference.stderr, lower_reference.stderr)
             + FLOAT_REL_SLACK * max(abs(high_value), abs(low_value)) + FLOAT_ABS_SLACK)
    if prop.kind == "nondecreasing":
        ok = high_value >= low_value - noise
    else:
        ok = high_value <= low_value + noise
    param = prop.param or ""
    low_at, high_at = planned.lower[param], planned.inputs[param]
    if ok:
        note = ""
    else:
        direction = "less" if prop.kind == "nondecreasing" else "more"
        note = (f"{param}={_short(high_at)} gives {high_value:.6g}, {direction} than "
                f"{low_value:.6g} at {param}={_short(low_at)}: {prop.why}")
    return replace(base, ok=ok, note=note, paired_with=planned.lower)


def _estimate(got: Got) -> float:
    assert got is not None
    return got[0] if isinstance(got, tuple) else got


# -- the check --------------------------------------------------------------------------------


def check_code(kata: Kata, code: str, *, seed: int | None = None, limits: Limits = Limits(),
               cancel: threading.Event | None = None) -> CheckReport:
    """Run ``code`` (the player's Python) in a sandboxed child and check ``kata.function``
    against the reference on every planned case; shrink the first failure.

    Never raises for anything the code does: syntax errors, exceptions, wrong types, endless
    loops, memory hogs and exits come back as ``CheckReport.error`` (see ``RunError``).
    ``cancel`` set from another thread stops the run at once (error kind ``cancelled``).
    Raises ``OSError`` only when no child can be started at all (no temporary folder, no
    process). Meant for a worker thread: it blocks for the whole check."""
    started = time.perf_counter()
    seed = kata_seed(kata) if seed is None else seed
    report = CheckReport(kata.id, seed=seed)
    if cancel is not None and cancel.is_set():
        report.error = RunError("cancelled", "the check was stopped")
        return report
    planned = plan_cases(kata, seed)
    child = _Child(kata, code, limits, cancel)
    try:
        references = _References(kata)
        for case in planned:  # while the child starts and loads the code
            references.get(case.inputs)
            if case.lower is not None:
                references.get(case.lower)
        report.error = child.loaded()
        if report.error is None:
            _run_cases(kata, child, planned, references, report)
    finally:
        report.printed = child.close()
        report.seconds = time.perf_counter() - started
    return report


class _References:
    """Reference values by inputs, computed once each; inputs the reference refuses are
    remembered with its message."""

    def __init__(self, kata: Kata) -> None:
        self.kata = kata
        self.values: dict[tuple[float, ...], ReferenceValue | None] = {}
        self.errors: dict[tuple[float, ...], str] = {}

    def get(self, inputs: Mapping[str, float]) -> ReferenceValue | None:
        from engine.models.base import ModelError

        key = tuple(inputs[p.name] for p in self.kata.params)
        if key not in self.values:
            try:
                value: ReferenceValue | None = reference_value(self.kata, inputs)
            except ModelError as error:
                value = None
                self.errors[key] = f"{_call_text(self.kata, inputs)}: {error}"
            self.values[key] = value
        return self.values[key]


def _run_cases(kata: Kata, child: _Child, planned: list[_Planned], references: _References,
               report: CheckReport) -> None:
    """Send every case in one batch, grade the answers, then shrink the first failure."""
    runnable = [case for case in planned if references.get(case.inputs) is not None
                and (case.lower is None or references.get(case.lower) is not None)]
    report.reference_errors = sorted(set(references.errors.values()))
    calls: list[dict[str, float]] = []
    for case in runnable:
        calls.append(case.inputs)
        if case.lower is not None:
            calls.append(case.lower)
    try:
        outcomes = child.call([_args(kata, inputs) for inputs in calls],
                              lambda index: _call_text(kata, calls[index]))
    except _Stopped as stopped:
        report.error = stopped.error
        return
    results: list[CaseResult] = []
    kinds: list[str] = []
    at = 0
    for case in runnable:
        reference = references.get(case.inputs)
        assert reference is not None
        outcome = outcomes[at]
        at += 1
        if case.lower is None:
            result = grade_case(kata, case.inputs, reference, outcome, case.source)
        else:
            lower_reference = references.get(case.lower)
            assert lower_reference is not None
            lower_outcome = outcomes[at]
            at += 1
            result = _pair_case(kata, case, reference, lower_reference, outcome,
                                lower_outcome)
            if outcome.error is None:
                outcome = lower_outcome
        results.append(result)
        kinds.append(_failure_kind(result, outcome))
    report.cases = results
    case_errors = [o.error for o in outcomes if o.error is not None]
    if case_errors:
        report.error = case_errors[0]
    first = next((i for i, result in enumerate(results) if not result.ok), None)
    if first is None:
        return
    failing = results[first]
    shrunk = _shrink(kata, child, runnable[first], failing, kinds[first], references)
    if shrunk is None or (shrunk.inputs == failing.inputs
                          and shrunk.paired_with == failing.paired_with):
        report.counterexample = failing
        report.cases = [failing, *results[:first], *results[first + 1:]]
    else:
        report.counterexample = shrunk
        report.cases = [shrunk, *results]


# -- shrinking ----------------------------------------------------------------------------------

#: Round values a counterexample may take, when they are inside a parameter's domain.
ROUND_VALUES = (0.0, 1.0, 2.0, 8.0, 10.0, 100.0, 1e3, 1e6, 1e9, 1e12, 1e15)


def shrink_candidates(param: KataParam, failing: float) -> list[float]:
    """Simpler values for one parameter, simplest (smallest) first: the domain's ends and
    edges, round numbers and powers of ten inside the domain (every decade of a log domain,
    the top three of a linear one), then the failing value to one and two figures. The
    failing value itself is left out: ``_toward_simpler`` adds it."""
    values: list[float] = [param.minimum, param.maximum, *_edges(param)]
    values += [v for v in ROUND_VALUES if param.minimum <= v <= param.maximum]
    if param.maximum > 0:
        top = math.floor(math.log10(param.maximum))
        bottom = (math.ceil(math.log10(param.minimum)) if _log_domain(param) else top - 2)
        values += [10.0 ** k for k in range(max(bottom, top - 30), top + 1)
                   if param.minimum <= 10.0 ** k <= param.maximum]
    ordered = sorted({_fit(param, float(value)) for value in values})
    for rounded in (_round_sig(failing, 1), _round_sig(failing, 2)):
        fitted = _fit(param, rounded)
        if fitted not in ordered:
            ordered.append(fitted)
    return [value for value in ordered if value != failing]


def _failure_kind(result: CaseResult, outcome: _Outcome) -> str:
    """How a case failed (``""`` when it passed), so a simpler case counts only if it fails
    the same way: the same exception class, a wrong type, a value, a property pair."""
    if result.ok:
        return ""
    if outcome.error is not None:
        if outcome.error.kind == "exception":
            return f"exception:{outcome.error_type}"
        return outcome.error.kind
    if result.paired_with is not None:
        return "property"
    return "value"


def _shrink(kata: Kata, child: _Child, planned: _Planned, failing: CaseResult, target: str,
            references: _References) -> CaseResult | None:
    """A simpler case failing like ``failing`` (as ``target`` says), found by hypothesis, or
    ``None``.

    Each parameter's strategy is ``sampled_from(simpler values) | just(failing value)``:
    hypothesis finds a failing combination among them and shrinks every parameter toward the
    simplest (the first branch, the first value). The child answers each try (it stays up);
    ``SHRINK_SECONDS`` bounds the whole search, after which no try counts as failing, so the
    shrinker stops with the simplest failure found so far. A fatal error while shrinking (a
    timeout on simpler inputs) ends it; the run's results stand."""
    try:
        from hypothesis import HealthCheck, Phase, find, settings
        from hypothesis import strategies as st
    except ImportError:  # the game runs without it; the failing case is shown as it is
        return None
    prop = planned.prop
    strategies: dict[str, Any] = {}
    for param in kata.params:
        value = failing.inputs[param.name]
        strategies[param.name] = _toward_simpler(st, shrink_candidates(param, value), value)
    if prop is not None and prop.param is not None and planned.lower is not None:
        param = next(p for p in kata.params if p.name == prop.param)
        low = planned.lower[prop.param]
        strategies[_LOWER] = _toward_simpler(st, shrink_candidates(param, low), low)
    deadline = time.monotonic() + SHRINK_SECONDS
    tried: dict[tuple[Any, ...], tuple[CaseResult, str] | None] = {}
    stopped: list[RunError] = []

    def evaluate(example: dict[str, float]) -> tuple[CaseResult, str] | None:
        key = tuple(sorted(example.items()))
        if key not in tried:
            inputs = {p.name: example[p.name] for p in kata.params}
            found: tuple[CaseResult, str] | None = None
            if prop is not None and prop.param is not None:
                lower = {**inputs, prop.param: example[_LOWER]}
                if lower[prop.param] < inputs[prop.param]:
                    found = _evaluate_pair(kata, child, prop, inputs, lower, references)
            else:
                found = _evaluate_one(kata, child, inputs, references)
            tried[key] = found
        return tried[key]

    def fails(example: dict[str, float]) -> bool:
        if stopped or time.monotonic() > deadline or (
                child.cancel is not None and child.cancel.is_set()):
            return False
        try:
            found = evaluate(example)
        except _Stopped as error:
            stopped.append(error.error)
            return False
        return found is not None and found[1] == target

    try:
        example = find(st.fixed_dictionaries(strategies), fails, settings=settings(
            database=None, derandomize=True, max_examples=SHRINK_EXAMPLES, deadline=None,
            suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink],
            report_multiple_bugs=False))
    except Exception:  # no simpler failure found (NoSuchExample), or a flaky function
        return None
    found = tried.get(tuple(sorted(example.items())))
    if found is None:
        return None
    return replace(found[0], source="shrunk")


def _toward_simpler(st: Any, simpler: list[float], failing: float) -> Any:
    """One parameter's values for the search: the simpler values in order, then the failing
    value as often as all of them together, so half of the random tries keep it (the failing
    combination is found again among a few parameters) while shrinking, which lowers the
    index, walks through the simpler values one by one."""
    return st.sampled_from([*simpler, *[failing] * max(1, len(simpler))])


#: The strategy key of a monotonicity pair's lower parameter value.
_LOWER = "\x00lower"


def _evaluate_one(kata: Kata, child: _Child, inputs: dict[str, float],
                  references: _References) -> tuple[CaseResult, str] | None:
    reference = references.get(inputs)
    if reference is None:
        return None
    outcome = child.call([_args(kata, inputs)], lambda _: _call_text(kata, inputs))[0]
    result = grade_case(kata, inputs, reference, outcome, "shrunk")
    return result, _failure_kind(result, outcome)


def _evaluate_pair(kata: Kata, child: _Child, prop: KataProperty, inputs: dict[str, float],
                   lower: dict[str, float], references: _References
                   ) -> tuple[CaseResult, str] | None:
    reference, lower_reference = references.get(inputs), references.get(lower)
    if reference is None or lower_reference is None:
        return None
    calls = [inputs, lower]
    outcome, lower_outcome = child.call([_args(kata, c) for c in calls],
                                        lambda index: _call_text(kata, calls[index]))
    planned = _Planned(inputs, "property", prop, lower)
    result = _pair_case(kata, planned, reference, lower_reference, outcome, lower_outcome)
    error = outcome.error or lower_outcome.error
    return result, _failure_kind(result, _Outcome(value=outcome.value, error=error))


# -- follow-up questions ------------------------------------------------------------------------


def call_function(kata: Kata, code: str, inputs_list: Sequence[Mapping[str, float]],
                  limits: Limits = Limits(), cancel: threading.Event | None = None
                  ) -> list[Got] | RunError:
    """What the player's own function gives for each of ``inputs_list`` (the loop's
    follow-up questions: "what does your model give for 1,024 GPUs?"), run in the same
    sandbox as the checks; a ``RunError`` when it could not be run or raised for one of
    them."""
    for inputs in inputs_list:
        missing = [p.name for p in kata.params if p.name not in inputs]
        if missing:
            raise ValueError(f"{kata.id}: inputs lack {', '.join(missing)}")
    child = _Child(kata, code, limits, cancel)
    try:
        error = child.loaded()
        if error is not None:
            return error
        calls = [dict(inputs) for inputs in inputs_list]
        try:
            outcomes = child.call(
                [_args(kata, inputs) for inputs in calls],
                lambda index: _call_text(kata, calls[index]))
        except _Stopped as stopped:
            return stopped.error
        for outcome in outcomes:
            if outcome.error is not None:
                return outcome.error
        return [outcome.value for outcome in outcomes]
    finally:
        child.close()
