"""Boxes that read ticked or not without colour: ``[x]`` and ``[ ]``.

Textual's ``SelectionList`` and ``Checkbox`` draw every box as an "X", ticked or not, told
apart by colour alone; the list also cuts a long option off at the edge. Here the box is text
that differs, with the colours kept as a second cue, and a long option wraps with its box on
its first line only; a click on the box or the text toggles it, as before.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED, UNTICKED = "[x]", "[ ]"


class CheckList(SelectionList[Any]):
    """A ``SelectionList`` with ``[x]`` / ``[ ]`` boxes; long options wrap (a key point cut
    off at the edge cannot be judged)."""

    DEFAULT_CSS = """
    CheckList {
        text-wrap: wrap;
        text-overflow: fold;

        & > .selection-list--button, & > .selection-list--button-highlighted {
            color: $text-muted;
            background: transparent;
        }

        & > .selection-list--button-selected,
        & > .selection-list--button-selected-highlighted {
            color: $text-success;
            background: transparent;
            text-style: bold;
        }
    }
    """

    def _get_left_gutter_width(self) -> int:
        return len(TICKED) + 1

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The options' height at the width they wrap to, beside the boxes (``OptionList``
        measures them at the full width, so a wrapped last option fell out of view)."""
        return super().get_content_height(container, viewport,
                                          width - self._get_left_gutter_width())

    def render_line(self, y: int) -> Strip:
        # OptionList's own line (the prompt, wrapped), then the box in front of it.
        line = super(SelectionList, self).render_line(y)
        try:
            index, line_offset = self._lines[self.scroll_offset.y + y]
            selection = self.get_option_at_index(index)
        except (IndexError, OptionDoesNotExist):
            return line
        base = next(iter(line)).style if line.cell_length else None
        underlying = base or self.rich_style
        if line_offset:  # the rest of a wrapped option: no second box
            return Strip([Segment(" " * self._get_left_gutter_width(), underlying), *line])
        ticked = selection.value in self._selected
        component = "selection-list--button" + ("-selected" if ticked else "")
        if self.highlighted == index:
            component += "-highlighted"
        box_style = self.get_component_rich_style(component) + Style(meta={"option": index})
        return Strip([Segment(TICKED if ticked else UNTICKED, box_style),
                      Segment(" ", underlying + Style(meta={"option": index})), *line])


class TickBox(Checkbox):
    """A ``Checkbox`` whose box reads ``[x]`` or ``[ ]`` (Textual's shows an "X" either way,
    told apart by colour alone)."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble((TICKED if self.value else UNTICKED, style))
