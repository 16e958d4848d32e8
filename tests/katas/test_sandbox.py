"""Nothing the player writes can crash or freeze the game: each way code can go wrong comes
back as its own plain message (with the player's own line numbers), within the limits, and
the child process runs isolated, scrubbed and is gone afterwards.

The limit tests wait for the limit they test (one CPU second, one wall second): that wait is
the behaviour under test, kept as short as the limits allow."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from engine.katas import runner
from engine.katas.runner import Limits, RunError, call_function, check_code
from tests.katas.conftest import RING, RING_RIGHT

SIGNATURE = "def allreduce_seconds(bytes, ranks, bandwidth, latency):\n"


def _error(code: str, limits: Limits | None = None) -> RunError:
    report = check_code(RING, code, limits=limits or Limits())
    assert report.error is not None, "the code was expected to fail"
    assert not report.all_passed
    return report.error


def test_a_syntax_error_names_its_line() -> None:
    error = _error("import math\n\ndef allreduce_seconds(bytes, ranks, bandwidth, latency)\n"
                   "    return 1.0\n")
    assert error.kind == "syntax" and error.line == 3 and error.fatal
    assert "line 3" in str(error)


def test_an_exception_names_the_players_line_and_the_inputs() -> None:
    code = SIGNATURE + ("    steps = 2 * (ranks - 1)\n"
                        "    per_step = bytes / (ranks - 1)\n"  # line 3: ranks = 1 divides by 0
                        "    return steps * per_step / bandwidth\n")
    report = check_code(RING, code)
    assert report.error is not None and report.error.kind == "exception"
    assert report.error.line == 3 and not report.error.fatal
    assert "ZeroDivisionError" in report.error.message and "ranks=1" in report.error.message
    # The other cases still ran; the raising ones failed with the message as their note.
    assert report.counted and not report.could_not_run
    raising = [case for case in report.counted if case.got is None]
    assert raising and all("ZeroDivisionError" in case.note for case in raising)


def test_an_exception_while_loading_is_reported_as_such() -> None:
    error = _error("import math\nraise ValueError('no model yet')\n")
    assert error.kind == "exception" and error.line == 2
    assert "ValueError: no model yet" in error.message


def test_a_missing_function_names_what_the_code_defines() -> None:
    error = _error("def allreduce(bytes, ranks, bandwidth, latency):\n    return 1.0\n")
    assert error.kind == "missing_function" and error.fatal
    assert "allreduce_seconds" in error.message and "allreduce" in error.message


def test_a_function_taking_the_wrong_arguments_is_named() -> None:
    error = _error("def allreduce_seconds(bytes, ranks):\n    return 1.0\n")
    assert error.kind == "missing_function"
    assert "(bytes, ranks)" in error.message and "4 arguments" in error.message


@pytest.mark.parametrize(("returned", "shown"), [
    ("None", "None (NoneType)"),
    ("'1.5'", "'1.5' (str)"),
    ("float('nan')", "nan (float)"),
    ("(1.0, 2.0)", "(1.0, 2.0) (tuple)"),
    ("[1.0]", "[1.0] (list)"),
    ("True", "True (bool)"),
])
def test_a_wrong_return_type_names_what_came_back(returned: str, shown: str) -> None:
    report = check_code(RING, SIGNATURE + f"    return {returned}\n")
    assert report.error is not None and report.error.kind == "wrong_type"
    assert shown in report.error.message
    assert report.passed == 0


def test_numpy_scalars_and_zero_dimensional_arrays_are_numbers() -> None:
    body = ("    import numpy as np\n    steps = 2 * (ranks - 1)\n"
            "    return np.array(steps * latency + steps / ranks * bytes / bandwidth)\n")
    assert check_code(RING, SIGNATURE + body).all_passed
    assert check_code(RING, RING_RIGHT).all_passed  # returns np.float64


def test_an_endless_loop_stops_at_the_cpu_limit() -> None:
    error = _error(SIGNATURE + "    while True:\n        pass\n",
                   Limits(cpu_seconds=1, wall_seconds=60))
    assert error.kind == "timeout" and error.fatal
    assert "CPU" in error.message and "allreduce_seconds(" in error.message


def test_a_sleeping_function_stops_at_the_wall_clock_limit() -> None:
    # The one wall-time wait here, and it cannot be a fake clock: what is tested is the
    # sandbox's real wall-clock limit on a child process (1 s), not the engine's time.
    error = _error("import time\n" + SIGNATURE + "    time.sleep(3600)\n",
                   Limits(cpu_seconds=20, wall_seconds=1))
    assert error.kind == "timeout" and "wall-clock" in error.message


def test_a_50_gb_array_hits_the_memory_limit() -> None:
    report = check_code(RING, "import numpy as np\n" + SIGNATURE +
                        "    print('allocating')\n"
                        "    grid = np.ones(50 * 10**9 // 8)\n    return float(grid.sum())\n")
    error = report.error
    assert error is not None and error.kind == "memory" and error.fatal and error.line == 4
    assert "memory" in error.message and "the limit is 2 GiB" in error.message
    assert report.printed == "allocating\n"  # the run stopped at the first case


def test_memory_grown_a_piece_at_a_time_hits_the_limit() -> None:
    code = SIGNATURE + ("    pieces = []\n    while True:\n"
                        "        pieces.append(bytearray(50 * 2**20))\n")
    error = _error(code, Limits(memory_bytes=512 * 2**20))
    assert error.kind == "memory" and error.line == 4


def test_sys_exit_is_its_own_message() -> None:
    error = _error("import sys\n" + SIGNATURE + "    sys.exit(3)\n")
    assert error.kind == "exit" and error.line == 3 and "exit(3)" in error.message


def test_os_exit_is_caught_by_the_parent() -> None:
    error = _error("import os\n" + SIGNATURE + "    os._exit(0)\n")
    assert error.kind == "exit" and "os._exit()" in error.message


def test_exit_while_loading() -> None:
    error = _error("import sys\nsys.exit('bye')\n")
    assert error.kind == "exit" and error.line == 2


def test_printed_output_is_kept_capped_and_cannot_corrupt_results() -> None:
    code = RING_RIGHT.replace(
        "    steps = 2 * (ranks - 1)\n",
        "    steps = 2 * (ranks - 1)\n"
        "    print('{\"value\": 0}')\n"
        "    import sys, os\n"
        "    sys.stderr.write('{\"loaded\": true}\\n')\n"
        "    os.write(1, b'{\"error\": {\"kind\": \"syntax\"}}\\n')\n")
    report = check_code(RING, code, limits=Limits(output_chars=1000))
    assert report.all_passed, report.error
    assert report.printed.startswith('{"value": 0}\n{"loaded": true}\n')
    assert "output cut at 1,000 characters" in report.printed
    assert len(report.printed) < 1100


def test_output_printed_before_an_endless_loop_is_kept() -> None:
    code = SIGNATURE + "    print('about to loop')\n    while True:\n        pass\n"
    report = check_code(RING, code, limits=Limits(cpu_seconds=1, wall_seconds=60))
    assert report.error is not None and report.error.kind == "timeout"
    assert "about to loop" in report.printed


def test_the_child_runs_isolated_in_a_scrubbed_temporary_folder() -> None:
    code = RING_RIGHT + (
        "\nimport json, os, sys\n"
        "print(json.dumps({'env': dict(os.environ), 'cwd': os.getcwd(), 'flags': "
        "[sys.flags.isolated, sys.flags.ignore_environment, sys.flags.no_user_site], "
        "'path0': sys.path[0]}))\n")
    report = check_code(RING, code)
    assert report.all_passed
    seen = json.loads(report.printed.splitlines()[0])
    assert "TPM_TEST_SECRET_TOKEN" not in seen["env"]
    assert os.environ["TPM_TEST_SECRET_TOKEN"] == "hunter2"  # the parent has it
    assert set(seen["env"]) <= {"PATH", "LANG", "HOME", "TMPDIR", "OPENBLAS_NUM_THREADS",
                                "OMP_NUM_THREADS", "MKL_NUM_THREADS", "LC_CTYPE"}
    assert seen["env"]["HOME"] == seen["cwd"] and seen["env"]["OMP_NUM_THREADS"] == "1"
    assert seen["flags"] == [1, 1, 1]
    assert Path(seen["path0"]) != Path(runner.__file__).parent  # no folder of ours to import
    assert not Path(seen["cwd"]).exists()  # the temporary folder is gone


def test_processes_the_code_starts_are_killed_with_it() -> None:
    code = RING_RIGHT + ("\nimport subprocess\n"
                         "child = subprocess.Popen(['sleep', '600'])\n"
                         "print(child.pid)\n")
    report = check_code(RING, code)
    assert report.all_passed
    pid = int(report.printed.split()[0])
    assert _dead_or_dying(pid)


def _dead_or_dying(pid: int) -> bool:
    """Gone, a zombie, or with SIGKILL pending (it may still be in an uninterruptible
    sleep, e.g. loading its binary, when the group is killed: it dies on leaving it)."""
    try:
        fields = dict(line.split(":\t", 1) for line in
                      Path(f"/proc/{pid}/status").read_text().splitlines() if ":\t" in line)
    except FileNotFoundError:
        return True
    pending = int(fields.get("ShdPnd", "0"), 16) | int(fields.get("SigPnd", "0"), 16)
    return fields.get("State", "").startswith("Z") or bool(pending & (1 << (9 - 1)))


def test_cancel_stops_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A check running an endless loop in a worker thread stops as soon as the caller sets
    the event (the CPU limit of 20 s is never reached)."""
    cancel = threading.Event()
    started = threading.Event()
    folders: list[Path] = []
    loaded = runner._Child.loaded

    def loaded_then_signal(child: runner._Child) -> RunError | None:
        folders.append(child.folder)
        result = loaded(child)
        started.set()  # the code is loaded: its cases are about to run
        return result

    monkeypatch.setattr(runner._Child, "loaded", loaded_then_signal)
    reports: list[runner.CheckReport] = []
    worker = threading.Thread(target=lambda: reports.append(check_code(
        RING, SIGNATURE + "    while True:\n        pass\n", cancel=cancel)))
    worker.start()
    started.wait()
    cancel.set()
    worker.join()
    report = reports[0]
    assert report.error is not None and report.error.kind == "cancelled"
    assert not folders[0].exists()


def test_a_cancel_set_before_the_run_runs_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    report = check_code(RING, RING_RIGHT, cancel=cancel)
    assert report.error is not None and report.error.kind == "cancelled"
    assert report.cases == [] and report.could_not_run


def test_call_function_answers_follow_up_questions() -> None:
    values = call_function(RING, RING_RIGHT, [
        {"bytes": 1e9, "ranks": 1024, "bandwidth": 50e9, "latency": 5e-6},
        {"bytes": 1e9, "ranks": 1, "bandwidth": 50e9, "latency": 5e-6}])
    assert values == [pytest.approx(2 * 1023 / 1024 * 1e9 / 50e9 + 2 * 1023 * 5e-6), 0.0]


def test_call_function_gives_the_error_of_code_that_fails() -> None:
    raised = call_function(RING, SIGNATURE + "    return 1 / 0\n",
                           [{"bytes": 1, "ranks": 2, "bandwidth": 1e9, "latency": 0}])
    assert isinstance(raised, RunError) and raised.kind == "exception" and raised.line == 2
    broken = call_function(RING, "def oops(:\n", [{"bytes": 1, "ranks": 2,
                                                   "bandwidth": 1e9, "latency": 0}])
    assert isinstance(broken, RunError) and broken.kind == "syntax"
    with pytest.raises(ValueError, match="lack"):
        call_function(RING, RING_RIGHT, [{"bytes": 1}])
