"""``tui.safe``: untrusted text inside our markup is shown as it is, never as markup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from textual.content import Content

from content.untrusted import clean_text
from tui.safe import plain, safe

#: How the screens put untrusted text into their own markup (drill, loop, stats, home).
TEMPLATES = [
    "{}",
    "[b]{}[/b]",
    "[dim]Source: {}[/dim]",
    "[b $error]✗ {}[/]",
    ' [dim]("{}")[/dim]',
    "[b]{}[/b] · [b $warning]01:00 left[/]",
    "{}[dim]tail[/dim]",
]
OUR_STYLES = {"b", "dim", "b $error", "b $warning"}


def _render(template: str, text: str) -> Content:
    return Content.from_markup(template.format(safe(text)))


def _expected_plain(template: str, text: str) -> str:
    return Content.from_markup(template.format("\x00")).plain.replace("\x00", clean_text(text))


def _assert_shown_as_text(template: str, text: str) -> None:
    content = _render(template, text)
    assert content.plain.replace("\u200b", "") == _expected_plain(template, text)
    styles = {str(span.style) for span in content.spans}
    assert styles <= OUR_STYLES, styles  # no @click, no [b] of the text's own


HOSTILE = [
    "[@click=app.quit]",
    "[@click=app.screenshot('victim.txt','/tmp')]",
    "x [@click=app.quit",  # unclosed: textual's escape leaves it, our "]" would close it
    "[b]bold[/b]",
    "[/]",
    "[/b]",
    "\\[not a tag]",
    "\\\\[b]two backslashes[/b]",
    "ends with a backslash \\",
    "ends with two \\\\",
    "[link='https://example.com']x[/link]",
    "[$error]variable[/]",
    "\x1b]0;pwned\x07 \x1b[2J \x07 bell",
    "a ] b [ c",
]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_as_text(template: str, text: str) -> None:
    _assert_shown_as_text(template, text)


@given(st.text(alphabet="[]\\/@=$b ax'\x1b\x07", max_size=30),
       st.sampled_from(TEMPLATES))
def test_any_text_is_shown_as_text(text: str, template: str) -> None:
    _assert_shown_as_text(template, text)


def test_plain_is_cleaned_text_never_markup() -> None:
    label = plain("[@click=app.quit] \x1b[2Jpoint")
    assert isinstance(label, Text)
    assert label.plain == "[@click=app.quit] point"
    assert not label.spans
