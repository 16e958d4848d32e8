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


# ------------------------------------------------------------------------------------------
# Memory sizes: the printed 'GB' is binary, so '80 GB' and '80 GiB' are both right
# ------------------------------------------------------------------------------------------

#: Catalog fields holding a printed memory size (the vendor's number x 1e9, see the catalog
#: header). ``memory_visible_bytes`` is a measured byte count and is graded tightly instead.
_PRINTED_SIZE_FIELDS = ("memory_bytes", "gpu_memory_bytes", "max_stack_capacity_bytes")


def _printed_size_facts(bank: ContentBank) -> list[Fact]:
    return [item for item in bank.items.values()
            if isinstance(item, Fact) and item.catalog
            and item.catalog.split(".", 1)[1] in _PRINTED_SIZE_FIELDS]


def test_memory_size_cards_take_the_printed_number_in_gb_or_gib(bank: ContentBank) -> None:
    """One rule, graded the same on every part: an '80GB' A100 is 5 x 16 GiB = 80 GiB
    (nvidia-smi: 81,920 MiB), so '80 GiB' is not a GiB-vs-GB slip there."""
    from engine.questions import pose
    from grading import units
    from grading.numeric import Tolerance, grade_numeric

    facts = _printed_size_facts(bank)
    assert len(facts) >= 15  # every accelerator, TPU, node and HBM-stack capacity card
    for fact in facts:
        question = pose(fact, None, bank.catalog, 0)
        printed = units.convert(question.reference_value, question.reference_unit,
                                question.display_unit)
        unit = question.display_unit
        assert unit in ("GB", "TB"), f"{fact.id}: a printed size is asked in GB or TB"
        binary = {"GB": "GiB", "TB": "TiB"}[unit]
        for answer in (f"{printed:g} {unit}", f"{printed:g} {binary}"):
            grade = grade_numeric(answer, question.reference_value, question.reference_unit,
                                  unit, Tolerance.parse(question.tolerance))
            assert grade.band == "exact" and not grade.slip, \
                f"{fact.id}: {answer!r} is graded {grade.band} ({grade.message})"


# ------------------------------------------------------------------------------------------
# Prompts that contain their own answer
# ------------------------------------------------------------------------------------------

#: A number, optionally followed by a unit written against it or after one space.
_QUANTITY = re.compile(
    r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?:\s?([A-Za-zµ%][A-Za-z/%µ]*))?")

#: Items whose prompt may show a number equal to the answer, with the reason.
SELF_ANSWER_EXEMPT: dict[str, str] = {
    "comms.nccl.busbw": "for all-gather or reduce-scatter across 512 ranks busbw = algbw x "
                        "511/512, within 0.2 % of the algbw the prompt gives: seeing that the "
                        "factor is ~1 there is the lesson",
}


def _same_unit(unit: str, display_unit: str) -> bool:
    from grading import units

    try:
        return abs(units.convert(1.0, unit, display_unit) - 1.0) < 1e-9
    except Exception:  # not a unit, or another dimension
        return False


def answer_in_prompt(prompt: str, reference: float, display_unit: str) -> list[str]:
    """The quantities in ``prompt`` written in the answer's own unit (a bare number for a
    unitless answer) whose number is the answer, within 0.5 %: "80GB" for 80 GB."""
    hits = []
    for match in _QUANTITY.finditer(prompt):
        number = float(match.group(1).replace(",", ""))
        unit = match.group(2) or ""
        if display_unit == "" and unit == "":
            pass
        elif not (unit and display_unit and _same_unit(unit, display_unit)):
            continue
        if reference and abs(number - reference) <= 0.005 * abs(reference):
            hits.append(match.group(0))
    return hits


@pytest.mark.parametrize(("prompt", "reference", "unit", "hit"), [
    ("HBM capacity of an A100 80GB SXM?", 80.0, "GB", True),
    ("HBM capacity of an A100 80 GB SXM?", 80.0, "GB", True),
    ("One InfiniBand NDR port (400 Gb/s): bandwidth per direction in GB/s?", 50.0, "GB/s", False),
    ("1 GiB expressed in GB (decimal)?", 1.0737, "GB", False),
    ("How many 80GB A100 GPUs trained Meta's OPT-175B?", 992.0, "", False),
    ("How many NVSwitch chips are in one 8-GPU DGX/HGX H100 node?", 8.0, "", True),
])
def test_answer_in_prompt_finds_the_answer_with_its_unit(
        prompt: str, reference: float, unit: str, hit: bool) -> None:
    assert bool(answer_in_prompt(prompt, reference, unit)) is hit


def test_no_prompt_contains_its_own_answer(bank: ContentBank) -> None:
    from engine.questions import pose
    from grading import units

    found = []
    for item in _numeric_items(bank):
        if item.id in SELF_ANSWER_EXEMPT:
            continue
        for seed in range(12 if isinstance(item, Problem) else 1):
            question = pose(item, None, bank.catalog, seed)
            reference = question.reference_value
            if question.display_unit:
                reference = units.convert(reference, question.reference_unit,
                                          question.display_unit)
            hits = answer_in_prompt(question.prompt, reference, question.display_unit)
            if hits:
                found.append(f"{item.id} (seed {seed}): {hits} in {question.prompt[:90]!r}")
                break
    assert not found, "a prompt must not contain its own answer:\n" + "\n".join(found)


def test_self_answer_exemptions_are_live(bank: ContentBank) -> None:
    for item_id in SELF_ANSWER_EXEMPT:
        assert bank.get(item_id) is not None, f"{item_id} no longer exists"


# ------------------------------------------------------------------------------------------
# The pipeline bubble has two conventions; every bubble problem names the one it grades
# ------------------------------------------------------------------------------------------

def test_bubble_problems_name_their_convention(bank: ContentBank) -> None:
    """(p−1)/m is the bubble against the ideal time (Megatron); (p−1)/(m+p−1) its share of the
    whole step. 37.5 % vs 27 % for 4 stages and 8 microbatches: the prompt must say which."""
    problems = [item for item in bank.items.values()
                if isinstance(item, Problem) and item.model == "pipeline_bubble"]
    assert problems
    for problem in problems:
        prompt = problem.prompt.lower()
        if problem.output == "overhead":
            assert "ideal" in prompt, f"{problem.id}: say 'relative to the ideal time'"
        else:
            assert "whole step" in prompt or "total" in prompt, \
                f"{problem.id}: say 'share of the whole step'"
        explanation = problem.explanation.lower()
        assert "ideal" in explanation and ("total" in explanation or "whole step" in explanation), \
            f"{problem.id}: the explanation gives both conventions"
