"""grade_text: short answers against accepted phrasings — separators, typos, versions, negation."""

from __future__ import annotations

import pytest

from grading.rating import AGAIN, GOOD, suggest_rating
from grading.text import MAX_TEXT_CHARS, TextGrade, grade_text

# (typed, accepted, matched phrasing)
MATCHES = [
    # Case, spaces, hyphens, underscores and dots never matter.
    ("HBM2e", ["HBM2e"], "HBM2e"),
    ("hbm 2e", ["HBM2e"], "HBM2e"),
    ("hbm-2e", ["HBM2e"], "HBM2e"),
    ("HBM_2E", ["HBM2e"], "HBM2e"),
    ("hbm.2e", ["HBM2e"], "HBM2e"),
    ("HBM2e", ["hbm 2e"], "hbm 2e"),
    ("ring all-reduce", ["ring all-reduce"], "ring all-reduce"),
    ("ring allreduce", ["ring all-reduce"], "ring all-reduce"),
    ("Ring All Reduce", ["ring all-reduce"], "ring all-reduce"),
    ("RING_ALL_REDUCE", ["ring all-reduce"], "ring all-reduce"),
    ("zero 3", ["ZeRO-3"], "ZeRO-3"),
    ("ZeRO stage 3", ["ZeRO-3", "zero stage 3"], "zero stage 3"),  # only because it is listed
    ("PCIe 4.0", ["PCIe 4.0"], "PCIe 4.0"),
    ("pcie4.0", ["PCIe 4.0"], "PCIe 4.0"),
    # Inside a sentence, and next to other words.
    ("it's HBM3e, I think", ["HBM3e"], "HBM3e"),
    ("an HBM3-based stack", ["HBM3"], "HBM3"),
    # Typos in long letter runs are forgiven.
    ("all-redcue", ["all-reduce"], "all-reduce"),
    ("ring all redcue", ["ring all-reduce"], "ring all-reduce"),
    ("NVLnk", ["NVLink"], "NVLink"),
    ("tensor paralelism", ["tensor parallelism"], "tensor parallelism"),
    ("Infiniband", ["InfiniBand"], "InfiniBand"),
    ("infinibnad", ["InfiniBand"], "InfiniBand"),
    # A comma ends the clause: "no, HBM3e" answers HBM3e; "but" too.
    ("no, HBM3e", ["HBM3e"], "HBM3e"),
    ("not sure, but HBM3", ["HBM3"], "HBM3"),
    ("not HBM2e but HBM3", ["HBM3"], "HBM3"),
    ("not HBM2e. HBM3", ["HBM3"], "HBM3"),
    # An exact listing wins over a fuzzy neighbour listed first.
    ("fsdp", ["fsdp2", "FSDP"], "FSDP"),
]


@pytest.mark.parametrize(("typed", "accepted", "matched"), MATCHES)
def test_accepted_phrasings_match(typed: str, accepted: list[str], matched: str) -> None:
    grade = grade_text(typed, accepted)
    assert grade.band == "exact"
    assert grade.matched == matched
    assert matched in grade.message


# (typed, accepted) — never a match
MISSES = [
    # Digits and version suffixes must match exactly.
    ("HBM3", ["HBM3e"]),
    ("HBM3", ["HBM2e"]),
    ("HBM3e", ["HBM3"]),
    ("HBM2e", ["HBM3e"]),
    ("hbm 3", ["HBM3e"]),
    ("H10O", ["H100"]),
    ("A100", ["H100"]),
    ("PCIe 5.0", ["PCIe 4.0"]),
    ("FP8", ["FP16"]),
    ("BF16", ["FP16"]),
    ("zero 2", ["ZeRO-3"]),
    ("zero stage 3", ["ZeRO-3"]),  # a true synonym, but not listed
    # Short words are not fuzzed: "bring" is not "ring".
    ("bring", ["ring"]),
    ("SXN", ["SXM"]),
    # Negation within three words before, in the same clause, cancels the match.
    ("not HBM3", ["HBM3"]),
    ("isn't HBM3", ["HBM3"]),
    ("isn’t HBM3", ["HBM3"]),
    ("it is not really HBM3", ["HBM3"]),
    ("no HBM3e", ["HBM3e"]),
    ("never ring all-reduce", ["ring all-reduce"]),
    ("without all-redcue", ["all-reduce"]),
    ("not memory-bound", ["memory-bound"]),  # the typo path must not swallow the "not"
    ("no memorybound", ["memory-bound"]),
    ("not all-redcue", ["all-reduce"]),
    # Just wrong.
    ("tree all-reduce", ["ring all-reduce"]),
    ("GDDR6", ["HBM3"]),
]


@pytest.mark.parametrize(("typed", "accepted"), MISSES)
def test_near_misses_and_negations_are_off(typed: str, accepted: list[str]) -> None:
    grade = grade_text(typed, accepted)
    assert grade == TextGrade("off", None, grade.message)
    assert grade.message.startswith("Off")


def test_negation_reaches_back_three_words_only() -> None:
    assert grade_text("it was not quite HBM3", ["HBM3"]).band == "off"  # 3rd word back
    assert grade_text("not that it was HBM3", ["HBM3"]).band == "exact"  # 4th word back
    assert grade_text("not one: HBM3", ["HBM3"]).band == "exact"  # ":" ends the clause


def test_negated_answer_is_told_so() -> None:
    assert grade_text("not HBM3", ["HBM3"]).message == "Off — the answer names it only to deny it."
    assert grade_text("GDDR6", ["HBM3"]).message == "Off — not one of the accepted answers."


def test_a_negated_mention_does_not_hide_a_plain_one() -> None:
    assert grade_text("not HBM2e; HBM3", ["HBM3", "HBM2e"]).matched == "HBM3"
    assert grade_text("HBM3, not HBM2e", ["HBM2e"]).band == "off"


def test_typo_message_names_what_was_typed() -> None:
    grade = grade_text("all-redcue", ["all-reduce"])
    assert grade.message == "Right — 'all-reduce' (forgiving the spelling 'all-redcue')."
    assert grade_text("All-Reduce", ["all-reduce"]).message == "Right — 'all-reduce'."


@pytest.mark.parametrize("typed", ["", "   ", "\n\t"])
def test_empty_answer_is_off_with_a_message(typed: str) -> None:
    assert grade_text(typed, ["HBM3"]) == TextGrade("off", None, "Off — no answer typed.")


@pytest.mark.parametrize("typed", ["???", "—", "🙂"])
def test_answer_without_words_is_off(typed: str) -> None:
    grade = grade_text(typed, ["HBM3"])
    assert grade.band == "off"
    assert "no words" in grade.message


def test_overlong_answer_is_off_not_an_error() -> None:
    grade = grade_text("HBM3 " * (MAX_TEXT_CHARS // 4), ["HBM3"])
    assert grade.band == "off"
    assert "too long" in grade.message


def test_no_accepted_phrasings_is_off_and_a_bare_string_is_one_phrasing() -> None:
    assert grade_text("HBM3", []).band == "off"
    assert grade_text("HBM3", ["", "—"]).band == "off"
    assert grade_text("HBM3", "HBM3").matched == "HBM3"


def test_text_bands_take_the_numeric_rating() -> None:
    assert suggest_rating(grade_text("HBM3", ["HBM3"]).band) == GOOD
    assert suggest_rating(grade_text("HBM2e", ["HBM3"]).band) == AGAIN
