"""A review shown as graded survives the app being killed at once (SIGKILL, no cleanup)."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui._pty import game_env, read_some, read_until, screen_text, spawn_game, stop

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def test_answer_survives_sigkill_right_after_feedback(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.db"
    process, main_fd = spawn_game(db_path, game_env(tmp_path))
    try:
        deadline = time.monotonic() + 60
        read_until(main_fd, b"don't know", deadline)  # the answer box's placeholder
        os.write(main_fd, b"?")
        read_until(main_fd, b"Reference", deadline)  # feedback is on screen
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        stop(process, main_fd)
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT card_id, rating, mode, band FROM reviews").fetchall()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert len(rows) == 1
    _card_id, rating, mode, band = rows[0]
    assert (rating, mode, band) == (1, "drill", "dont_know")


# -- many kills at random moments -----------------------------------------------------------

#: Processes started (one SIGKILL each) and how many run at once on the shared database.
KILLS = 52
PARALLEL = 4
#: Where a process dies: while starting up, or after some answers at one of these points.
PHASES = ("startup", "typing", "enter", "feedback", "next")
#: The answer box's placeholder ("... ? don't know ..."), or an essay's status line (its own
#: placeholder says "a lone ? then ctrl+s: don't know", which does not match the first).
QUESTION_READY = (b"? don't know", b"interview question")
#: The verdict panel's first lines (its tail may be scrolled out of a small terminal).
FEEDBACK_SHOWN = (b"Reference: ", b"Answer: ", b"automatic score")


class _Terminal:
    """The real app on a pseudo-terminal: send keys, wait for text to appear, kill it."""

    def __init__(self, db_path: Path, env: dict[str, str]) -> None:
        self.started = time.monotonic()
        self.process, self.fd = spawn_game(db_path, env, size=(30, 100))
        self.output = b""
        self.position = 0  # output before this was matched already

    def wait_for(self, markers: tuple[bytes, ...], deadline: float) -> bytes:
        """Read until one of ``markers`` appears after ``position``; return it."""
        while True:
            tail = self.output[self.position:]
            hits = [(tail.find(m), m) for m in markers if m in tail]
            if hits:
                index, marker = min(hits)
                self.position += index + len(marker)
                return marker
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None:
                raise AssertionError(f"none of {markers} appeared (exit "
                                     f"{self.process.poll()}); the screen's last text: "
                                     f"{screen_text(self.output)}")
            self.output += read_some(self.fd, min(remaining, 0.2)) or b""

    def settle(self, deadline: float, quiet: float = 0.15) -> None:
        """Read until nothing is drawn for ``quiet`` seconds: focus has landed, keys will count.

        (A pty test may poll its output with a deadline; this is that poll.)
        """
        while time.monotonic() < deadline:
            drawn = read_some(self.fd, quiet)
            if not drawn:  # quiet for that long, or the game has ended
                return
            self.output += drawn

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)
        self.position = len(self.output)  # only what is drawn after the keys counts now

    def kill(self) -> None:
        stop(self.process, self.fd)  # SIGKILL: no cleanup


def _drive(terminal: _Terminal, plan: tuple[int, str, float], tokens: Iterator[int],
           submitted: set[int], shown: set[int], lock: threading.Lock) -> None:
    """Answer ``plan[0]`` cards, then die at ``plan[1]`` (``plan[2]``: a delay in seconds)."""
    answers, phase, delay = plan
    deadline = time.monotonic() + 60
    if phase == "startup":
        while time.monotonic() < terminal.started + delay and terminal.process.poll() is None:
            drawn = read_some(terminal.fd, 0.05)
            if drawn is None:  # the terminal's other end closed, i.e. the game ended
                break
            terminal.output += drawn
        code = terminal.process.wait(timeout=5) if terminal.process.poll() is not None else None
        if code is not None:  # nothing killed it yet: a start that ends by itself is a bug
            raise AssertionError(f"the game ended by itself during start-up (exit {code}): "
                                 f"{screen_text(terminal.output)}")
        return
    for number in range(answers + 1):
        terminal.wait_for(QUESTION_READY, deadline)
        terminal.settle(deadline)
        drawn = terminal.output[max(0, terminal.position - 40):]
        ready = max(QUESTION_READY, key=drawn.rfind)  # the one drawn last is on screen
        with lock:
            token = next(tokens)
        essay = ready == b"interview question"
        text = f"we need {token} gpus" if essay else str(token)
        submit = b"\x13" if essay else b"\r"  # ctrl+s submits an essay
        # An essay's draft kept from the run killed mid-typing is back in the box, the
        # cursor after it: ctrl+u clears it (to the start of the essay's one line).
        terminal.send(b"\x15")
        terminal.settle(deadline)  # a key binding runs after keys typed with it: let it land
        last = number == answers
        if last and phase == "typing":
            half = text[: len(text) // 2]
            terminal.send(half.encode())
            try:  # die with the half-typed answer on screen, not before it is drawn
                terminal.wait_for((half.encode(),), min(deadline, time.monotonic() + 5))
            except AssertionError:
                if terminal.process.poll() is not None:
                    raise
            return
        with lock:
            submitted.add(token)
        terminal.send(text.encode())
        try:  # drawn, so the box holds it
            terminal.wait_for((str(token).encode(),), min(deadline, time.monotonic() + 5))
        except AssertionError:
            if terminal.process.poll() is not None:
                raise
            return  # the keys fell between two widgets: this process dies mid-answer
        terminal.send(submit)
        if last and phase == "enter":
            return
        for _attempt in range(3):  # a key can land while focus moves: resend the submit
            try:
                terminal.wait_for(FEEDBACK_SHOWN, min(deadline, time.monotonic() + 4))
                break
            except AssertionError:
                if terminal.process.poll() is not None:
                    raise
                terminal.send(submit)
        else:
            return  # never graded on screen: this process dies mid-answer instead
        with lock:
            shown.add(token)  # on screen, so it must already be stored
        if last and phase == "feedback":
            if delay >= 0.015:  # half the time once the verdict is fully drawn, else at once
                terminal.settle(deadline)
            return
        if essay:  # confirm the self-check, then accept
            terminal.send(b"\x13")
            terminal.wait_for((b"Next",), deadline)  # the footer offers Enter again
        terminal.send(b"\r")
        if last and phase == "next":
            return


def _check(db_path: Path, submitted: set[int], shown: set[int], lock: threading.Lock) -> None:
    """The file is sound; every answer shown as graded is stored once; nothing else is."""
    import re

    conn = sqlite3.connect(db_path, timeout=30)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        texts = [row[0] for row in conn.execute("SELECT answer_text FROM reviews")] \
            if "reviews" in tables else []  # killed before the schema was written
    finally:
        conn.close()
    stored = [int(m.group(0)) for t in texts if (m := re.search(r"\d{5,}", t))]
    with lock:
        missing = shown - set(stored)
        phantom = set(stored) - submitted
    assert not missing, f"answers shown as graded but not stored: {sorted(missing)}"
    assert not phantom, f"stored answers never submitted: {sorted(phantom)}"
    assert len(stored) == len(set(stored)) == len(texts), "an answer was stored twice"


def test_random_sigkills_lose_no_graded_answer(tmp_path: Path) -> None:
    """KILLS processes on one database, PARALLEL at a time, each killed at a random moment."""
    import itertools
    import random
    from concurrent.futures import ThreadPoolExecutor

    db_path = tmp_path / "crash.db"
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30",
           "TPM_DRILL_CONFIG": str(tmp_path / "none.toml")}
    env.pop("NO_COLOR", None)
    rng = random.Random(20260105)
    plans = [(rng.choice([0, 0, 1, 1, 2, 3]), rng.choice(PHASES), rng.uniform(0.0, 0.03))
             for _ in range(KILLS)]
    for index, (answers, phase, _delay) in enumerate(plans):
        if phase == "startup":  # somewhere between the interpreter starting and the question
            plans[index] = (answers, phase, rng.uniform(0.1, 1.4))
    tokens = itertools.count(10_000)
    submitted: set[int] = set()
    shown: set[int] = set()
    lock = threading.Lock()

    def one(plan: tuple[int, str, float]) -> str:
        terminal = _Terminal(db_path, env)
        try:
            _drive(terminal, plan, tokens, submitted, shown, lock)
        finally:
            terminal.kill()
        _check(db_path, submitted, shown, lock)
        return plan[1]

    with ThreadPoolExecutor(PARALLEL) as pool:
        phases = list(pool.map(one, plans))
    assert len(phases) == KILLS and set(phases) == set(PHASES)
    from engine.store.db import Store
    from tests.engine.test_running_totals import assert_totals_match

    store = Store(db_path, auto_backup=False)
    try:  # no kill left the running totals out of step with the reviews they sum
        assert_totals_match(store)
    finally:
        store.close()
    assert len(shown) >= KILLS // 2, "too few answers reached the screen to mean anything"
