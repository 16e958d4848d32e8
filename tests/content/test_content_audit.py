"""Audits of the built-in content itself (issue #12): what players are shown must hold up.

- A source says what was read, never how it was looked for (no authoring or search notes).
- An estimate ("roughly", "order of magnitude", "about how many") is graded on a log band.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from content.catalog import builtin_catalog
from content.loader import Fact, Problem
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


# ------------------------------------------------------------------------------------------
# "Roughly" and order-of-magnitude prompts are graded on a log band
# ------------------------------------------------------------------------------------------

#: A prompt asking for an estimate, not a figure to quote.
_ESTIMATE_PROMPT = re.compile(
    r"\broughly\b|\border of magnitude\b|\bballpark\b|\babout how (?:many|much|long)\b"
    r"|\bapproximately how\b",
    re.IGNORECASE,
)

#: Items whose prompt says "roughly" but whose answer is a published figure precise enough for
#: a relative band, with the reason.
LOG_BAND_EXEMPT: dict[str, str] = {
    "hw.rule.llama3_405b_mfu": "a published range (38-43 % BF16 MFU, Llama 3 Table 4) graded "
                               "around 40 %: rel:10% spans exactly that range",
}


def _numeric_items(bank: ContentBank) -> list[Fact | Problem]:
    return [item for item in bank.items.values()
            if isinstance(item, Problem) or (isinstance(item, Fact) and not item.answers)]


def test_estimate_prompts_use_a_log_band(bank: ContentBank) -> None:
    wrong = []
    for item in _numeric_items(bank):
        if not _ESTIMATE_PROMPT.search(item.prompt) or item.id in LOG_BAND_EXEMPT:
            continue
        if not item.tolerance.startswith("log:"):
            wrong.append(f"{item.id}: {item.tolerance} for {item.prompt[:80]!r}")
    assert not wrong, "an estimate ('roughly', 'order of magnitude', 'about how many') is " \
        "graded on a log band, or exempted with a reason:\n" + "\n".join(wrong)


def test_log_band_exemptions_are_live(bank: ContentBank) -> None:
    for item_id in LOG_BAND_EXEMPT:
        item = bank.get(item_id)
        assert item is not None and _ESTIMATE_PROMPT.search(item.prompt), \
            f"{item_id} no longer needs its exemption"
