"""Audits of the built-in content itself (issue #12): what players are shown must hold up.

- A source says what was read, never how it was looked for (no authoring or search notes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from content.catalog import builtin_catalog
from engine.bank import ContentBank

# ------------------------------------------------------------------------------------------
# Sources: what was read, not how it was searched for
# ------------------------------------------------------------------------------------------

#: Phrases that describe the authoring process rather than the document read. "research" (as
#: in "Google Research") is fine; "searched" and "not reachable" are not.
_AUTHORING_NOTES = re.compile(
    r"\bsearch(?:ed|ing|es)?\b"
    r"|\breach(?:ed|able)\b|\bnot in reach\b|\bout of reach\b"
    r"|\b(?:were|was) not found\b|\bcould not be found\b|\bnot located\b"
    r"|\bcorp(?:us|ora)\b|\bthis pass\b|\bresearch tools\b|\blook(?:ed)? for\b",
    re.IGNORECASE,
)


def _shown_source_texts(bank: ContentBank) -> Iterator[tuple[str, str]]:
    """(where, text) for every source a player can be shown, and the catalog's notes."""
    for item in bank.items.values():
        if item.source:
            yield f"item {item.id} source", item.source
    for entry in builtin_catalog():
        fields = entry.fields
        if isinstance(fields.get("source"), str):
            yield f"catalog {entry.id} source", fields["source"]
        if isinstance(fields.get("notes"), str):
            yield f"catalog {entry.id} notes", fields["notes"]
        for name, text in (fields.get("field_sources") or {}).items():
            yield f"catalog {entry.id} field_sources.{name}", text


def test_sources_carry_no_authoring_or_search_notes(bank: ContentBank) -> None:
    found = [
        f"{where}: ...{text[max(0, m.start() - 60):m.end() + 60]}..."
        for where, text in _shown_source_texts(bank)
        for m in [_AUTHORING_NOTES.search(text)]
        if m
    ]
    assert not found, "sources must say what was read, not how it was looked for:\n" + \
        "\n".join(found)


@pytest.mark.parametrize("text", [
    "The PDFs were searched for again (docs, pages and code corpora) and were not in reach.",
    "jedec.org itself was not reachable.",
    "the sections were searched for and not reached",
])
def test_the_authoring_note_pattern_catches_the_old_wording(text: str) -> None:
    assert _AUTHORING_NOTES.search(text)


@pytest.mark.parametrize("text", [
    "Google Research blog, 'Pathways Language Model (PaLM)'",
    "SECONDARY: figures read in the transcription named, not in NVIDIA's own datasheet.",
    "a verbatim reprint, not the page on jedec.org.",
])
def test_the_authoring_note_pattern_spares_honest_wording(text: str) -> None:
    assert not _AUTHORING_NOTES.search(text)
