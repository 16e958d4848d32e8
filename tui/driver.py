"""The terminal driver: Textual's Linux/macOS driver, but bytes that are not UTF-8 never kill it.

Textual 8.2.8 decodes what the terminal sends with a strict incremental UTF-8 decoder in its
input thread (``LinuxDriver.run_input_thread``); one invalid byte (``b"\\xff"``: a paste
from a Latin-1 file, a terminal set to another encoding, line noise on a serial console)
raises ``UnicodeDecodeError`` there, and the driver turns that into ``App.panic``: the game
exits with a traceback. ``RobustLinuxDriver`` is the same loop with ``errors="replace"``:
an invalid byte becomes U+FFFD (shown as "�" if it lands in an answer box) and every key
after it works.

The loop below is Textual's own, copied: the decoder is a local of that method, with no hook
to swap it. Textual is pinned exactly (pyproject.toml); ``tests/tui/test_invalid_utf8.py``
fails if the upstream method changes, so an upgrade re-copies it on purpose.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class RobustLinuxDriver(LinuxDriver):
    """``LinuxDriver`` whose input decoder replaces invalid UTF-8 instead of raising."""

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual 8.2.8's loop, decoding with
        ``errors="replace"``)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)

        fileno = self.fileno
        event_read = selectors.EVENT_READ

        parser = XTermParser(self._debug)
        feed = parser.feed
        tick = parser.tick

        decode = getincrementaldecoder("utf-8")(errors="replace").decode
        read = os.read

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]],
            final: bool = False,
        ) -> None:
            for last, (_selector_key, mask) in loop_last(selector_events):
                if mask & event_read:
                    unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        # This can occur if the stdin is piped
                        break
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)

        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
