"""The one way untrusted text (decks, config, the database) reaches a Textual widget.

``safe(text)`` strips terminal control characters (``content.untrusted.clean_text``) and
escapes Textual markup, so a deck's ``[@click=app.quit]`` is shown as those characters and a
``ESC[2J`` never reaches the terminal. Use it for every string that did not come from our own
code; our own markup goes around it: ``f"[b]{safe(item.prompt)}[/b]"``.

``plain(text)`` is for widgets that take a renderable instead of markup (option and selection
lists, data-table cells): a Rich ``Text`` is never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from content.untrusted import clean_text

#: Put after a trailing backslash: invisible, zero cells wide, and not a backslash, so the
#: ``[`` of the markup that follows (``[/b]``) still opens a tag.
_ZERO_WIDTH_SPACE = "\u200b"


def safe(text: object) -> str:
    """``text`` cleaned of control characters and escaped for Textual markup.

    Every ``[`` is escaped, not only those that look like a tag as ``textual.markup.escape``
    does: that one leaves an unclosed ``[@click=app.quit`` alone, and the ``]`` of the
    caller's own markup that follows (``...[@click=app.quit[/dim]``) would close it into a
    working action. Textual's markup reads ``\\[`` as a literal ``[`` and removes only that
    one backslash, so any backslashes already before a bracket survive as they were. The one
    thing no escape can express is a backslash right before the caller's next tag; a
    trailing backslash is therefore followed by a zero-width space.
    """
    escaped = clean_text(text).replace("[", "\\[")
    if escaped.endswith("\\"):
        escaped += _ZERO_WIDTH_SPACE
    return escaped


def plain(text: object) -> Text:
    """``text`` cleaned of control characters as a Rich ``Text`` (never parsed as markup),
    for widgets that take a renderable label: option lists, checkboxes, selection lists,
    data-table cells (a ``str`` cell *is* read as markup)."""
    return Text(clean_text(text))
