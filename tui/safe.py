"""The one way untrusted text (decks, config, the database) reaches a Textual widget.

``safe(text)`` strips terminal control characters (``content.untrusted.clean_text``) and
escapes Textual markup, so a deck's ``[@click=app.quit]`` is shown as those characters and a
``ESC[2J`` never reaches the terminal. Use it for every string that did not come from our own
code; our own markup goes around it: ``f"[b]{safe(item.prompt)}[/b]"``.
"""

from __future__ import annotations

from rich.text import Text
from textual.markup import escape

from content.untrusted import clean_text


def safe(text: object) -> str:
    """``text`` cleaned of control characters and escaped for Textual markup."""
    return escape(clean_text(text))


def plain(text: object) -> Text:
    """``text`` cleaned of control characters as a Rich ``Text`` (never parsed as markup),
    for widgets that take a renderable label: option lists, checkboxes, selection lists."""
    return Text(clean_text(text))
