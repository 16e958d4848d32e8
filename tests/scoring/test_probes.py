"""A regression guard from the probe answers (``tests/scoring/paraphrases/probes/``, see its
README): strong answers in styles a naive scorer punishes, term lists in disguises, and
confidently wrong answers, all written for the labelled set's tune questions.

These were tuned on after one measurement each (the README gives the first figures), so they
measure nothing now; they hold what the fixes reached. Every strong probe stays at or above
:data:`STRONG_FLOOR`; every term list at or below :data:`TERM_LIST_CEILING` except the formula
dumps in :data:`TERM_LIST_MISSES`, which must not rise (and must leave the list once they pass);
the wrong probes above :data:`WRONG_CEILING` must not grow in number (:data:`WRONG_ABOVE`).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest

from content.loader import load_bank

PROBES = Path(__file__).parent / "paraphrases" / "probes"
STRONG_FLOOR = 0.7
TERM_LIST_CEILING = 0.35
WRONG_CEILING = 0.5
#: (file stem, index) -> the score a formula-dump term list has now, above the ceiling: its
#: formulas carry the question's constants ("BW per stack = pin rate x 1,024 bits / 8",
#: "70B x 2 bytes = 140 GB"), so they read as worked steps.
TERM_LIST_MISSES = {
    ("term_lists_2", 5): 0.36,
}
#: Round-4 term lists (plans, restatements, definitions, citations), round-5 ones (terms
#: dressed as short sentences, written blind to the phrasings) and round-6 ones (most of them
#: right results stated without their working: see the probes README) above
#: TERM_LIST_CEILING now: their sentences are true claims, so only the caps hold most of them;
#: the number may fall, never rise.
TERM_LIST_ABOVE = {"term_lists_4a": 5, "term_lists_4b": 5, "term_lists_5": 9,
                   "term_lists_6a": 18, "term_lists_6b": 14}
#: Wrong probes per file scoring above WRONG_CEILING now: the number may fall, never rise.
WRONG_ABOVE = {"wrong": 21, "wrong_2": 32, "wrong_3a": 17, "wrong_3b": 15,
               "wrong_7a": 16, "wrong_7b": 12, "wrong_8a": 14, "wrong_8b": 13}


def _stems(prefix: str) -> list[str]:
    """The probe files whose name starts with ``prefix``, as their stems."""
    return sorted(path.stem for path in PROBES.glob(f"{prefix}*.toml"))


@cache
def _scored() -> dict[str, list[tuple[dict, float]]]:
    """Each probe file's answers with their automatic score, as a drill session records it."""
    from tests.scoring.report import session_scorer

    bank = {item.id: item for item in load_bank().open_questions()}
    scored: dict[str, list[tuple[dict, float]]] = {}
    for path in sorted(PROBES.glob("*.toml")):
        with path.open("rb") as handle:
            answers = tomllib.load(handle)["answer"]
        scored[path.stem] = [(answer, session_scorer(bank[answer["item"]], answer["text"]))
                             for answer in answers]
    return scored


def test_the_probe_files_are_whole() -> None:
    """Twenty-nine files, every answer of a known kind on a tune question of the labelled set."""
    from tests.scoring.labelled import load_labelled

    tune = {q.item.id for q in load_labelled().split_questions("tune")}
    scored = _scored()
    assert sorted(scored) == ["strong_2", "strong_3a", "strong_3b", "strong_4a", "strong_4b",
                              "strong_5", "strong_6a", "strong_6b", "strong_a", "strong_b",
                              "strong_typed_a", "strong_typed_b", "term_lists",
                              "term_lists_2", "term_lists_3a", "term_lists_3b",
                              "term_lists_4a", "term_lists_4b", "term_lists_5",
                              "term_lists_6a", "term_lists_6b", "wrong",
                              "wrong_2", "wrong_3a", "wrong_3b", "wrong_7a", "wrong_7b",
                              "wrong_8a", "wrong_8b"]
    for stem, rows in scored.items():
        kind = "strong" if stem.startswith("strong") else \
            "term_list" if stem.startswith("term") else "wrong"
        assert {answer["kind"] for answer, _score in rows} == {kind}, stem
        assert {answer["item"] for answer, _score in rows} <= tune, stem


#: (file stem, index) -> the score of a strong probe still below the bar (see the README):
#: "rollback is cheap insurance" after pricing it (the question's misconception, which a
#: narrower wording let wrong answers through), terse action lists read as verbless
#: ("backfill short jobs into holes …; reclaim interactive allocs after 2 h …"), a Gen4 x8
#: link's ~16 GB/s checked against the x16 figure, and a worked line of values read as a
#: list ("say 6 slots, 3-day jobs, m/m/c -> mean wait ~6 h at 60% occupancy, ~31 h at 80%").
STRONG_MISSES = {
    ("strong_typed_a", 6): 0.50,
    ("strong_typed_a", 14): 0.41,
    ("strong_typed_a", 19): 0.50,
    ("strong_typed_a", 21): 0.61,
}


@pytest.mark.parametrize("stem", _stems("strong"))
def test_every_strong_probe_reaches_the_bar(stem: str) -> None:
    low = [(index, answer["item"], answer["style"], round(score, 2))
           for index, (answer, score) in enumerate(_scored()[stem])
           if score < STRONG_FLOOR and not (
               (stem, index) in STRONG_MISSES and score >= STRONG_MISSES[stem, index] - 0.005)]
    assert low == []


@pytest.mark.parametrize("stem", [stem for stem in _stems("term_lists")
                                  if stem not in TERM_LIST_ABOVE])
def test_term_lists_stay_low_and_the_known_misses_do_not_rise(stem: str) -> None:
    for index, (answer, score) in enumerate(_scored()[stem]):
        known = TERM_LIST_MISSES.get((stem, index))
        if known is None:
            assert score <= TERM_LIST_CEILING, (index, answer["item"], answer["style"], score)
        else:
            assert TERM_LIST_CEILING < score <= known + 0.005, (index, answer["item"], score)


@pytest.mark.parametrize("stem", sorted(TERM_LIST_ABOVE))
def test_round_4_term_lists_above_the_ceiling_do_not_grow(stem: str) -> None:
    above = sum(score > TERM_LIST_CEILING for _answer, score in _scored()[stem])
    assert above <= TERM_LIST_ABOVE[stem], (stem, above)


@pytest.mark.parametrize("stem", _stems("wrong"))
def test_wrong_probes_above_the_ceiling_do_not_grow(stem: str) -> None:
    above = sum(score > WRONG_CEILING for _answer, score in _scored()[stem])
    assert above <= WRONG_ABOVE[stem], (stem, above)
