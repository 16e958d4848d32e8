"""The ninth session's blind misconception pass (issue #15), pinned sentence by sentence.

Six helpers, one per open deck, each listed the confident wrong beliefs candidates state on
each question, without sight of any wrong answer in the labelled set, the sealed sets, the
paraphrases or the probes. For every misconception they wrote a wrong sentence that states it
(``W``) and a right sentence near it in words (``R``): ``misconception_pairs.txt`` keeps them,
one per line, as ``W|R ITEM | sentence``. Each ``W`` must cost its answer a contradiction and
each ``R`` none, scored as a drill session scores an open answer — so a later change to the
decks or to the reader that silently stops hearing a listed error, or starts hearing one in a
right sentence, fails here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from content.loader import OpenQuestion

PAIRS = Path(__file__).with_name("misconception_pairs.txt")


def _pairs() -> list[tuple[str, str, str]]:
    """(W or R, item id, sentence) for every line of the pairs file."""
    rows = []
    for line in PAIRS.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        head, sentence = line.split(" | ", 1)
        kind, item = head.split()
        rows.append((kind, item, sentence))
    return rows


@cache
def _open_questions() -> dict[str, OpenQuestion]:
    from content.loader import load_bank

    return {item.id: item for item in load_bank().open_questions()}


def _contradictions(item_id: str, sentence: str) -> tuple[str, ...]:
    """The kinds of contradiction the scorer reads in ``sentence`` answering ``item_id``."""
    from tests.scoring.report import session_result

    result = session_result(_open_questions()[item_id], sentence)
    return tuple(c.kind for c in result.contradictions)


def test_the_pairs_cover_every_open_deck() -> None:
    rows = _pairs()
    decks = {item.split(".")[1] for _kind, item, _sentence in rows}
    assert decks == {"behavioral", "design", "recruiter", "tradeoffs", "depth", "screen"}
    assert sum(kind == "W" for kind, _i, _s in rows) >= 700
    assert sum(kind == "R" for kind, _i, _s in rows) >= 700


@pytest.mark.parametrize("deck", ["behavioral", "design", "recruiter", "tradeoffs", "depth",
                                  "screen"])
def test_each_wrong_sentence_is_a_contradiction_and_each_right_one_is_not(deck: str) -> None:
    missed, heard = [], []
    for kind, item, sentence in _pairs():
        if item.split(".")[1] != deck:
            continue
        said = _contradictions(item, sentence)
        if kind == "W" and not said:
            missed.append((item, sentence))
        if kind == "R" and said:
            heard.append((item, sentence, said))
    assert missed == [] and heard == []
