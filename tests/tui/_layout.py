"""Reading a Textual screen as a person at the terminal reads it, for the layout tests: a
widget's markup as plain text, the lines a widget or a container draws at its width, the
whole screen's lines, and a screen opened with its first worker's figures drawn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.content import Content
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static


def plain(markup: str) -> str:
    """Markup as the text it shows (styles dropped, escapes undone)."""
    return Content.from_markup(markup).plain


def static_text(widget: Static) -> str:
    """What a ``Static`` shows, as plain text."""
    return plain(str(widget.content))


def widget_lines(widget: Widget) -> list[str]:
    """The lines ``widget`` draws at its size on screen (padding included), right-trimmed:
    wrapping and indents as they appear at the terminal's width."""
    width, height = widget.outer_size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


def children_lines(container: Widget) -> list[str]:
    """``widget_lines`` of each of ``container``'s children, in order (a table of rows)."""
    return [line for child in container.children for line in widget_lines(child)]


def screen_lines(screen: Screen[Any]) -> list[str]:
    """Every line of the terminal as ``screen`` is drawn now, full width."""
    return [strip.text for strip in screen._compositor.render_strips()]


@asynccontextmanager
async def loaded(app: Any, size: tuple[int, int] = (80, 24)) -> AsyncIterator[Pilot[Any]]:
    """Run ``app`` at ``size`` until its first screen's workers are done and drawn (the
    stats and weak screens compute in a thread), then hand over the pilot."""
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        yield pilot
