"""The one cleaning step for untrusted text: nothing a terminal would act on survives it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.untrusted import clean_text

CASES = [
    ("plain text stays", "HBM3: 3.35 TB/s", "HBM3: 3.35 TB/s"),
    ("OSC 0 (window title) removed whole", "\x1b]0;pwned\x07next", "next"),
    ("OSC ended by ST removed whole", "\x1b]0;pwned\x1b\\next", "next"),
    ("CSI clear screen removed whole", "a\x1b[2Jb", "ab"),
    ("SGR colour removed whole", "\x1b[31mred\x1b[0m", "red"),
    ("8-bit CSI removed", "a\x9b2Jb", "ab"),
    ("DCS string removed", "\x1bPpayload\x1b\\z", "z"),
    ("a lone ESC at the end", "x\x1b", "x"),
    ("bell and backspace", "a\x07b\x08c", "abc"),
    ("CR becomes a newline", "over\rwrite", "over\nwrite"),
    ("CRLF becomes one newline", "a\r\nb", "a\nb"),
    ("tab and newline kept", "a\tb\nc", "a\tb\nc"),
    ("bidi override removed", "abc\u202edcba", "abcdcba"),
    ("markup is not this function's job", "[@click=app.quit]", "[@click=app.quit]"),
    ("a number is shown, not raised on", 3.5, "3.5"),
]


@pytest.mark.parametrize(("why", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_clean_text(why: str, raw: object, expected: str) -> None:
    assert clean_text(raw) == expected, why


@given(st.text())
def test_no_control_character_survives(raw: str) -> None:
    cleaned = clean_text(raw)
    assert not any(ord(ch) < 0x20 and ch not in "\t\n" for ch in cleaned)
    assert not any(0x7F <= ord(ch) <= 0x9F for ch in cleaned)
