"""Start-up as a player meets it: the shell command to the first question on an 80×24 screen.

Not part of the default test run. Usage:

    .venv/bin/python tests/perf/pty_startup.py              # 15 interleaved runs of each
    .venv/bin/python tests/perf/pty_startup.py --runs 5 --json

Each run opens a pseudo-terminal of 80 columns by 24 rows, forks, makes the pty the child's
controlling terminal and ``exec``s the command there, as a shell does:

* **tpm-drill**: the installed ``tpm-drill`` script (next to this interpreter, e.g.
  ``.venv/bin/tpm-drill``) as ``tpm-drill --db TMP/progress.db drill``, with a config file
  of its own (``TPM_DRILL_CONFIG``) and the XDG data/cache/config folders in the same
  temporary folder;
* **bare**: a one-Input Textual app written to a temporary file, run by the same interpreter.

The clock starts just before the fork and stops when the bytes that complete the wanted frame
arrive on the pty's master side: for tpm-drill, the first question's status line (``#1 · ``),
a non-blank prompt below it and the answer box's placeholder; for the bare app, its Input's
placeholder. What is "on screen" is decided by a terminal emulator (``pyte``), fed the
same bytes; the emulator runs only once a cheap byte-level trigger has seen the marker, and
the time taken is that of the chunk's arrival, so parsing does not count against either side.
Without ``pyte`` installed, the escape sequences are stripped from the stream and the markers
are looked for in what remains (``--no-pyte`` forces this).

The first run of each is a warm-up, not timed: it makes the database (and the day's
backup), fills the deck cache and the bytecode caches, as on a machine where the game has been
played before. Then the two run alternately (A, B, A, B, ...), so a noisy neighbour slows
both alike; the report gives medians, their ratio, and the spreads (quartiles, min-max).
After each timed frame the app is asked to quit with ctrl+q (killed if it does not within
10 s); that teardown is not timed.
"""

from __future__ import annotations

import argparse
import codecs
import fcntl
import json
import os
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

COLUMNS, ROWS = 80, 24
#: The bare app's placeholder, also the first words of tpm-drill's numeric answer box.
BARE_PLACEHOLDER = "a number with its unit"
BARE_APP = f'''"""A bare Textual app with one Input: the baseline for start-up time."""
from textual.app import App
from textual.widgets import Input


class Bare(App):
    def compose(self):
        yield Input(placeholder={BARE_PLACEHOLDER!r})


if __name__ == "__main__":
    Bare().run()
'''

#: The drill screen's answer-box placeholders (numeric, short text, interview question):
#: one of them is drawn with the first question. Their first letter is under the cursor
#: (styled apart), so the match starts at the second word.
DRILL_PLACEHOLDERS = ("number with its unit", "short answer", "as in the room")
DRILL_STATUS = "#1 · "
QUIT_KEY = b"\x11"  # ctrl+q
TEARDOWN_S = 10.0
#: Parse the output once the app has written nothing for this long after the trigger...
QUIET_S = 0.05
#: ... or this long after the trigger at the latest (an app that never stops writing).
PARSE_AFTER_S = 0.5

# CSI, OSC (BEL or ST terminated), other two-byte ESC sequences, and C0 controls but \n.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|"
                      r"\x1b[PX^_][^\x1b]*\x1b\\|\x1b[ -/]*[0-~]|[\x00-\x09\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Target:
    """A program to start and how to tell that its first screen is up."""

    name: str
    argv: list[str]
    #: Bytes that appear in the raw stream when the frame may be complete (cheap trigger).
    trigger: bytes
    #: Given the screen's lines (emulated) or the stripped stream's lines: is the frame up?
    on_screen: Callable[[list[str]], bool]


def drill_question_on_screen(lines: list[str]) -> bool:
    """The first question is drawn: its status line, a non-blank prompt line below it, and
    the answer box's placeholder below that."""
    status = next((i for i, line in enumerate(lines) if DRILL_STATUS in line), None)
    if status is None:
        return False
    box = next((i for i, line in enumerate(lines) if i > status
                and any(words in line for words in DRILL_PLACEHOLDERS)), None)
    if box is None:
        return False
    return any(line.strip(" ▔▁▊▎│┃") for line in lines[status + 1:box])


def bare_input_on_screen(lines: list[str]) -> bool:
    """The bare app's Input is drawn with its placeholder."""
    return any(BARE_PLACEHOLDER[1:] in line for line in lines)


class Screen:
    """What a terminal shows after the bytes fed so far: ``pyte`` when it is installed,
    otherwise the stream with its escape sequences stripped (lines of text in write order)."""

    def __init__(self, use_pyte: bool) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pyte_stream = None
        if use_pyte:
            import pyte

            self._pyte_screen = pyte.Screen(COLUMNS, ROWS)
            self._pyte_stream = pyte.Stream(self._pyte_screen)
        self._text: list[str] = []

    def feed(self, data: bytes) -> None:
        text = self._decoder.decode(data)
        if self._pyte_stream is not None:
            self._pyte_stream.feed(text)
        else:
            self._text.append(text)

    def lines(self) -> list[str]:
        if self._pyte_stream is not None:
            return list(self._pyte_screen.display)
        return _ESCAPES.sub("", "".join(self._text)).split("\n")


def pyte_available() -> bool:
    try:
        import pyte  # noqa: F401
    except ImportError:
        return False
    return True


def _spawn(argv: list[str], env: dict[str, str], cwd: str) -> tuple[int, int]:
    """Fork a child on a new 80×24 pty (its controlling terminal) and exec ``argv`` there.

    Returns (child pid, master fd)."""
    master_fd, slave_fd = os.openpty()
    fcntl.ioctl(slave_fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    pid = os.fork()
    if pid == 0:  # the child: become the session leader on the pty, then exec
        try:
            os.close(master_fd)
            os.login_tty(slave_fd)
            os.chdir(cwd)
            os.execve(argv[0], argv, env)
        except BaseException as error:  # nothing may return from a fork child
            os.write(2, f"pty_startup: cannot exec {argv[0]}: {error}\n".encode())
        os._exit(127)
    os.close(slave_fd)
    return pid, master_fd


def _read(master_fd: int, timeout_s: float) -> bytes | None:
    """Up to 64 KiB from the master, b"" on timeout, None once the child side is closed."""
    ready, _, _ = select.select([master_fd], [], [], max(0.0, timeout_s))
    if not ready:
        return b""
    try:
        data = os.read(master_fd, 65536)
    except OSError:  # EIO: every slave fd is closed (the child exited)
        return None
    return data or None


def _finish(pid: int, master_fd: int) -> int:
    """Ask the app to quit (ctrl+q), drain its output so it never blocks, reap it; kill it
    after ``TEARDOWN_S``. Returns its wait status."""
    deadline = time.monotonic() + TEARDOWN_S
    try:
        os.write(master_fd, QUIT_KEY)
    except OSError:
        pass
    while time.monotonic() < deadline:
        waited, status = os.waitpid(pid, os.WNOHANG)
        if waited:
            break
        if _read(master_fd, 0.05) is None:
            waited, status = os.waitpid(pid, 0)
            break
    else:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    os.close(master_fd)
    return status


def time_first_screen(target: Target, env: dict[str, str], cwd: str, use_pyte: bool,
                      timeout_s: float = 60.0) -> float:
    """Seconds from just before the fork to the arrival of the bytes that complete the first
    screen of ``target`` in an 80×24 pty. Raises RuntimeError (with the screen) on timeout or
    if the program exits first.

    The emulator is slow (pure Python, tens of ms for a frame), and while it parses, nobody
    reads the pty: the app's write of the rest of its frame would block on the full pty
    buffer and the wait would count against the app. So the output is only read (and
    time-stamped) while it flows; it is parsed when the trigger has been seen and the app has
    been quiet for ``QUIET_S`` (or ``PARSE_AFTER_S`` after the trigger at the latest).
    """
    start = time.perf_counter()
    pid, master_fd = _spawn(target.argv, env, cwd)
    chunks: list[tuple[float, bytes]] = []
    screen = Screen(use_pyte)
    fed = 0  # chunks already fed to the screen
    tail = b""
    triggered_at: float | None = None
    try:
        while True:
            now = time.perf_counter()
            remaining_s = timeout_s - (now - start)
            if remaining_s <= 0:
                raise RuntimeError(f"{target.name}: no first screen within {timeout_s:.0f} s")
            if triggered_at is None:
                wait_s = remaining_s
            else:
                wait_s = min(QUIET_S, remaining_s, triggered_at + PARSE_AFTER_S - now)
            data = _read(master_fd, wait_s)
            arrived = time.perf_counter()
            if data:
                chunks.append((arrived, data))
                if triggered_at is None and target.trigger in tail + data:
                    triggered_at = arrived
                tail = data[-len(target.trigger):]
                if triggered_at is None or arrived - triggered_at < PARSE_AFTER_S:
                    continue
            if triggered_at is not None or data is None:  # quiet, late, or the app has exited
                for arrived_at, chunk in chunks[fed:]:
                    screen.feed(chunk)
                    fed += 1
                    if target.on_screen(screen.lines()):
                        return arrived_at - start
            if data is None:
                raise RuntimeError(f"{target.name} exited before its first screen")
    except RuntimeError as error:
        for _, chunk in chunks[fed:]:
            screen.feed(chunk)
        shown = "\n".join(line.rstrip() for line in screen.lines()).strip()
        raise RuntimeError(f"{error}; the screen shows:\n{shown[-2000:]}") from None
    finally:
        _finish(pid, master_fd)


def _environment(folder: Path) -> dict[str, str]:
    """The player's environment, in a terminal like tmux's, with tpm-drill's files in
    ``folder`` (config, data, cache) and nothing that changes how Textual runs."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEXTUAL", "TPM_DRILL", "PYTHONDONTWRITEBYTECODE"))}
    config = folder / "config.toml"
    config.write_text("# pty_startup.py: every key at its default\n", encoding="utf-8")
    env.update(TERM="xterm-256color", COLORTERM="truecolor", COLUMNS=str(COLUMNS),
               LINES=str(ROWS), TPM_DRILL_CONFIG=str(config),
               XDG_CONFIG_HOME=str(folder / "xdg-config"), XDG_DATA_HOME=str(folder / "xdg-data"),
               XDG_CACHE_HOME=str(folder / "xdg-cache"))
    env.setdefault("LANG", "C.UTF-8")
    return env


def _spread(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    quartiles = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else ordered * 3
    return {"median_ms": statistics.median(ordered) * 1e3, "p25_ms": quartiles[0] * 1e3,
            "p75_ms": quartiles[2] * 1e3, "min_ms": ordered[0] * 1e3,
            "max_ms": ordered[-1] * 1e3}


def find_tpm_drill() -> str:
    """The ``tpm-drill`` script beside this interpreter (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "tpm-drill"
    if beside.exists():
        return str(beside)
    found = shutil.which("tpm-drill")
    if found is None:
        raise SystemExit("pty_startup: no tpm-drill script beside this interpreter nor on "
                         "PATH; install the project first (pip install -e '.[test]')")
    return found


def measure(runs: int, warmup: int = 1, use_pyte: bool | None = None,
            tpm_drill: str | None = None) -> dict[str, object]:
    """``runs`` interleaved timed starts of tpm-drill and the bare app (after ``warmup``
    untimed ones each); medians, their ratio and the spreads."""
    use_pyte = pyte_available() if use_pyte is None else use_pyte
    root = str(Path(__file__).resolve().parents[2])
    with tempfile.TemporaryDirectory(prefix="pty-startup-") as name:
        folder = Path(name)
        env = _environment(folder)
        bare_path = folder / "bare_app.py"
        bare_path.write_text(BARE_APP, encoding="utf-8")
        app = Target("tpm-drill", [tpm_drill or find_tpm_drill(), "--db",
                                   str(folder / "progress.db"), "drill"],
                     DRILL_STATUS.encode(), drill_question_on_screen)
        bare = Target("bare", [sys.executable, str(bare_path)],
                      BARE_PLACEHOLDER[1:].encode(), bare_input_on_screen)
        for _ in range(warmup):
            time_first_screen(app, env, root, use_pyte)
            time_first_screen(bare, env, root, use_pyte)
        app_s: list[float] = []
        bare_s: list[float] = []
        for _ in range(runs):
            app_s.append(time_first_screen(app, env, root, use_pyte))
            bare_s.append(time_first_screen(bare, env, root, use_pyte))
    app_spread, bare_spread = _spread(app_s), _spread(bare_s)
    return {
        "runs": runs, "terminal": f"{COLUMNS}x{ROWS} pty",
        "screen_model": "pyte" if use_pyte else "escape-stripped stream",
        "cpus": os.cpu_count(), "python": sys.version.split()[0],
        "tpm_drill": app_spread, "bare": bare_spread,
        "ratio_of_medians": app_spread["median_ms"] / bare_spread["median_ms"],
        "ratio_of_minimums": app_spread["min_ms"] / bare_spread["min_ms"],
        "target_ratio": 1.5,
        "tpm_drill_ms": [round(s * 1e3, 1) for s in app_s],
        "bare_ms": [round(s * 1e3, 1) for s in bare_s],
    }


def _table(figures: dict[str, object]) -> str:
    rows = [f"start-up to the first screen, {figures['terminal']}, {figures['runs']} "
            f"interleaved runs each ({figures['screen_model']}; {figures['cpus']} CPUs)",
            f"{'':10} {'median':>8} {'p25-p75':>15} {'min-max':>15}  (ms)"]
    for name in ("tpm_drill", "bare"):
        spread = figures[name]
        assert isinstance(spread, dict)
        rows.append(f"{name:10} {spread['median_ms']:8.0f} "
                    f"{spread['p25_ms']:7.0f}-{spread['p75_ms']:<7.0f} "
                    f"{spread['min_ms']:7.0f}-{spread['max_ms']:<7.0f}")
    rows.append(f"ratio of medians {figures['ratio_of_medians']:.2f}x (minimums "
                f"{figures['ratio_of_minimums']:.2f}x); target <= {figures['target_ratio']}x")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each (default 15)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs of each first")
    parser.add_argument("--no-pyte", action="store_true",
                        help="strip escape sequences instead of emulating the terminal")
    parser.add_argument("--tpm-drill", help="the tpm-drill script (default: the venv's)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    try:
        figures = measure(args.runs, args.warmup, False if args.no_pyte else None,
                          args.tpm_drill)
    except RuntimeError as error:
        print(f"pty_startup: {error}", file=sys.stderr)
        return 1
    print(json.dumps(figures, indent=2) if args.json else _table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
