"""Text from decks, config files and the database is untrusted: this is how it is made safe.

Decks are shared as files and the database and config are edited by hand, so any string from
them may carry terminal control sequences (``ESC[2J`` wipes the screen, OSC 0 sets the window
title) or Rich/Textual markup (``[@click=app.quit]`` runs an app action when clicked). One
function here strips what a terminal would act on; ``tui.safe`` adds markup escaping on top of
it for the screens. Standard library only, so the CLI and every layer can use it.
"""

from __future__ import annotations

import re

#: What a terminal (or a bidi-aware renderer) acts on rather than prints: C0 controls except
#: tab and newline, DEL, the C1 controls (0x80-0x9f, where CSI and OSC also live), and the
#: Unicode bidi overrides and isolates that can make displayed text read unlike its bytes.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Whole escape sequences, removed first so their printable tail ("[2J", "]0;title") does not
#: linger as litter: CSI (ESC [ ... final byte), OSC/DCS/APC/PM/SOS strings up to BEL or ST,
#: and two-byte ESC sequences.
_SEQUENCE = re.compile(
    "\x1b\\[[0-?]*[ -/]*[@-~]?"
    "|\x1b[\\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\\\)?"
    "|\x1b[ -~]?"
    "|\x9b[0-?]*[ -/]*[@-~]?"
)


def clean_text(text: object) -> str:
    """``text`` as a string with every terminal control character removed.

    Tabs and newlines stay (decks use them in explanations); a carriage return becomes a
    newline, since a lone CR moves the cursor back over what was printed. Non-strings are
    converted with ``str`` first, so a number or ``None`` from a hand-edited file is shown,
    not raised on.
    """
    as_text = text if isinstance(text, str) else str(text)
    if "\r" in as_text:
        as_text = as_text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in as_text or "\x9b" in as_text:
        as_text = _SEQUENCE.sub("", as_text)
    return _CONTROL.sub("", as_text)
