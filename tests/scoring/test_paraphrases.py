"""A regression guard for issue #15's content pass: its tuning examples still grade as tuned.

``tests/scoring/paraphrases/<deck file stem>.toml`` holds, per open question the pass widened,
answers written by the pass itself while widening the key points' phrasings: ``strong`` ones in
another good candidate's words (synonyms, plain-English paraphrases of the jargon, a different
valid story or framing, a terse numeric version), a confidently ``wrong`` one that uses the
right terms, and a bare ``term_list``. These are the content pass's tuning examples, NOT a
measure of the scorer: the phrasings were widened until they passed, so they say nothing about
answers nobody has seen. The held-out measure is the labelled set (tests/scoring/labelled/),
which the content pass never reads.

What the guard catches: a phrasing narrowed again (a strong paraphrase drops below 0.7), or
widened so far that a wrong claim or a pasted term list earns points (above 0.5 / 0.35).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from content.loader import OpenQuestion, load_bank
from grading.rubric import score_open

PARAPHRASES = Path(__file__).parent / "paraphrases"
#: Bounds per kind, as issue #15 sets them for the labelled set: (floor, ceiling).
BOUNDS: dict[str, tuple[float, float]] = {
    "strong": (0.7, 1.0),
    "wrong": (0.0, 0.5),
    "term_list": (0.0, 0.35),
}


@dataclass(frozen=True)
class Paraphrase:
    """One tuning answer: the deck file it belongs to, the item, its kind and text."""

    deck_stem: str
    item: str
    kind: str
    text: str
    position: int  # its place among that item's answers of that kind (for test ids)

    @property
    def id(self) -> str:
        return f"{self.item}-{self.kind}{self.position}"


@cache
def _paraphrases() -> tuple[Paraphrase, ...]:
    found: list[Paraphrase] = []
    for path in sorted(PARAPHRASES.glob("*.toml")):
        counts: dict[tuple[str, str], int] = {}
        for raw in tomllib.loads(path.read_text(encoding="utf-8"))["answer"]:
            key = (raw["item"], raw["kind"])
            counts[key] = counts.get(key, 0) + 1
            found.append(Paraphrase(path.stem, raw["item"], raw["kind"], raw["text"],
                                    counts[key]))
    return tuple(found)


@cache
def _items() -> dict[str, OpenQuestion]:
    return {item.id: item for item in load_bank().open_questions()}


def test_every_paraphrase_names_an_open_question_of_its_deck_and_a_known_kind() -> None:
    assert _paraphrases(), "no paraphrase files found"
    problems = []
    for answer in _paraphrases():
        item = _items().get(answer.item)
        if item is None:
            problems.append(f"{answer.id}: no open question {answer.item!r}")
            continue
        deck_file = Path(str(item.file)).stem
        if deck_file != answer.deck_stem:
            problems.append(f"{answer.id}: filed under {answer.deck_stem}, item is in {deck_file}")
        if answer.kind not in BOUNDS:
            problems.append(f"{answer.id}: unknown kind {answer.kind!r}")
        if not answer.text.strip():
            problems.append(f"{answer.id}: empty text")
    assert not problems, problems


def test_every_covered_question_has_two_strong_one_wrong_and_one_term_list() -> None:
    kinds: dict[str, list[str]] = {}
    for answer in _paraphrases():
        kinds.setdefault(answer.item, []).append(answer.kind)
    short = {item: sorted(found) for item, found in kinds.items()
             if found.count("strong") < 2 or "wrong" not in found or "term_list" not in found}
    assert not short, short


@pytest.mark.parametrize("answer", _paraphrases(), ids=lambda answer: answer.id)
def test_the_paraphrase_scores_within_its_kinds_bounds(answer: Paraphrase) -> None:
    item = _items()[answer.item]
    result = score_open(answer.text, item.key_points, item.red_flags, figures=item.figures)
    floor, ceiling = BOUNDS[answer.kind]
    detail = [(point.point, point.covered, point.found) for point in result.key_points]
    assert floor <= result.auto_score <= ceiling, (answer.kind, result.auto_score, detail,
                                                   result.contradictions)
