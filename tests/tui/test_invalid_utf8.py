"""Bytes that are not UTF-8, typed into the real game in a pseudo-terminal, do not kill it.

Textual's own driver decodes the terminal's input strictly: ``b"\\xff\\xfe"`` raised
``UnicodeDecodeError`` in its input thread and the game exited with a traceback.
``tui.driver.RobustLinuxDriver`` reads such bytes as U+FFFD and carries on.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import sys
import time
from pathlib import Path

import pytest

from tests.tui._pty import game_env, read_until, spawn_game, stop

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

#: sha256 of Textual 8.2.8's ``LinuxDriver.run_input_thread`` source, which tui/driver.py
#: copies with one change (the decoder's ``errors="replace"``).
UPSTREAM_INPUT_LOOP = "d796af6d69db337d6fa6bd463984f7d17188d991dbb22f60efb92a8a9619507c"


def test_invalid_utf8_then_keys_still_answer(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    process, main_fd = spawn_game(db_path, game_env(tmp_path))
    try:
        deadline = time.monotonic() + 60
        read_until(main_fd, b"don't know", deadline)  # the answer box is up
        # A lone invalid byte, an invalid pair, and a truncated 3-byte sequence before ASCII.
        for garbage in (b"\xff", b"\xff\xfe", b"\xe2\x82", b"\xc3("):
            os.write(main_fd, garbage)
        os.write(main_fd, b"731975")
        read_until(main_fd, b"731975", deadline)  # keys after the garbage still arrive
        assert process.poll() is None, "the game died on invalid UTF-8"
        os.write(main_fd, b"\r")  # submitted: not a number, said so, nothing recorded
        read_until(main_fd, b"could not read", deadline)
        os.write(main_fd, b"\x7f" * 20)  # emptied with backspace: the placeholder is back
        read_until(main_fd, b"? don't know", deadline)
        os.write(main_fd, b"?")  # don't know: graded and shown
        read_until(main_fd, b"Reference", deadline)
        os.write(main_fd, b"\x11")  # ctrl+q
        assert process.wait(timeout=30) == 0
    finally:
        stop(process, main_fd)
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT band FROM reviews").fetchall() == [("dont_know",)]
    finally:
        conn.close()


def test_the_copied_input_loop_matches_textuals() -> None:
    """tui/driver.py copies Textual's input loop; a Textual upgrade must re-copy it."""
    from textual.drivers.linux_driver import LinuxDriver

    source = inspect.getsource(LinuxDriver.run_input_thread)
    assert hashlib.sha256(source.encode()).hexdigest() == UPSTREAM_INPUT_LOOP, \
        "Textual's LinuxDriver.run_input_thread changed: update tui/driver.py to match it"


def test_the_app_uses_the_robust_driver(tmp_path: Path) -> None:
    from tui.app import build_app
    from tui.driver import RobustLinuxDriver

    app = build_app(tmp_path / "p.db")
    assert app.driver_class is RobustLinuxDriver
    app.store.close()
