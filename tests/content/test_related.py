"""The optional ``related = ["id", ...]`` list of facts, problems and open questions: ids in
the id format, checked by the loader; unknown ids reported by ``content check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.loader import MAX_RELATED, Fact, OpenQuestion, Problem
from engine.content_check import check_content
from tests.content._decks import FACT, PROBLEM, load_body, write_deck

OPEN = """
[[open]]
id = "u.open"
topic = "training.parallelism"
level = "L5"
rounds = ["technical_depth"]
prompt = "Why overlap the all-reduce?"
explanation = "Hides the communication."
model_answer = "The all-reduce can run while the backward pass computes."
{related}
[[open.key_points]]
point = "overlap"
phrasings = ["overlap"]
"""


def _with(snippet: str, related: str) -> str:
    return snippet.replace('topic = ', f"{related}\ntopic = ", 1)


def test_facts_problems_and_open_questions_take_a_related_list() -> None:
    bank = load_body(_with(FACT, 'related = ["u.problem", "u.open"]')
                 + _with(PROBLEM, 'related = ["u.fact"]')
                 + OPEN.format(related='related = ["hw.h100_sxm.hbm_stacks"]'))
    assert bank.errors == []
    fact, problem, question = bank.items["u.fact"], bank.items["u.problem"], \
        bank.items["u.open"]
    assert isinstance(fact, Fact) and fact.related == ("u.problem", "u.open")
    assert isinstance(problem, Problem) and problem.related == ("u.fact",)
    assert isinstance(question, OpenQuestion) and question.related == \
        ("hw.h100_sxm.hbm_stacks",)


def test_without_a_list_nothing_is_related() -> None:
    bank = load_body(FACT)
    assert bank.items["u.fact"].related == ()


@pytest.mark.parametrize(("related", "message"), [
    ('related = "u.problem"', "related must be a list of item ids"),
    ("related = [1, 2]", "related must be a list of item ids"),
    ('related = ["U.Problem"]', "related id 'U.Problem' must be lower-case"),
    ('related = ["has space"]', "must be lower-case"),
    ('related = ["u.fact"]', "related names the item itself"),
    ('related = ["u.x", "u.x"]', "related names 'u.x' twice"),
    ("related = [" + ", ".join(f'"u.x{n}"' for n in range(MAX_RELATED + 1)) + "]",
     f"at most {MAX_RELATED}"),
])
def test_a_bad_related_list_is_a_located_error(related: str, message: str) -> None:
    bank = load_body(_with(FACT, related))
    [error] = bank.errors
    assert (error.file, error.item) == ("mine.toml", "u.fact") and error.line is not None
    assert message in error.message


def test_at_the_limit_a_related_list_loads() -> None:
    related = "related = [" + ", ".join(f'"u.x{n}"' for n in range(MAX_RELATED)) + "]"
    assert load_body(_with(FACT, related)).errors == []


def test_content_check_reports_unknown_related_ids(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, _with(FACT, 'related = ["hw.h100_sxm.hbm_stacks", "u.nowhere"]'))
    report = check_content([tmp_path], seeds=2)
    [error] = report.errors
    assert (error.file, error.item) == (str(deck), "u.fact")
    assert "unknown item(s) u.nowhere" in error.message  # a built-in id is known


def test_related_ids_of_the_builtin_bank_all_exist(bank) -> None:
    unknown = [(item_id, other) for item_id, item in bank.items.items()
               for other in item.related if other not in bank.items]
    assert unknown == []
    assert sum(1 for item in bank.items.values() if item.related) >= 6
