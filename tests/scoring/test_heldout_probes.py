"""A regression guard from the blind strong answers to the held-out questions
(``tests/scoring/paraphrases/heldout_probes/``, see its README): tuned on after one
measurement, so they measure nothing now; every one stays at or above the strong bar."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from content.loader import load_bank

FOLDER = Path(__file__).parent / "paraphrases" / "heldout_probes"
STRONG_FLOOR = 0.7


def _answers() -> list[tuple[str, int, dict]]:
    rows = []
    for path in sorted(FOLDER.glob("*.toml")):
        with path.open("rb") as handle:
            rows += [(path.stem, index, answer)
                     for index, answer in enumerate(tomllib.load(handle)["answer"])]
    return rows


def test_the_files_answer_every_held_out_question_twice() -> None:
    from collections import Counter

    from tests.scoring.labelled import load_labelled

    heldout = {q.item.id for q in load_labelled().split_questions("heldout")}
    counts = Counter(answer["item"] for _stem, _index, answer in _answers())
    assert set(counts) == heldout
    assert set(counts.values()) == {2}
    assert {answer["kind"] for _stem, _index, answer in _answers()} == {"strong"}


@pytest.mark.parametrize(("stem", "index", "answer"), _answers(),
                         ids=lambda value: value if isinstance(value, str | int) else "")
def test_every_blind_strong_answer_reaches_the_bar(stem: str, index: int, answer: dict) -> None:
    from tests.scoring.report import session_scorer

    item = {q.id: q for q in load_bank().open_questions()}[answer["item"]]
    assert session_scorer(item, answer["text"]) >= STRONG_FLOOR, (stem, index, answer["style"])
