"""What the figure tables (``tests/grading/test_figures_*.py``) share: an open question of the
bank by id, and the wrong numbers the scorer names when one sentence answers it."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def open_question(item_id: str) -> Any:
    """The bank's open question ``item_id`` (the bank is loaded once per test run)."""
    from content.loader import load_bank

    return next(item for item in load_bank().open_questions() if item.id == item_id)


def wrong_numbers(item_id: str, text: str) -> tuple[Any, ...]:
    """The :class:`grading.figures.WrongNumber` list the scorer names when ``text`` answers
    ``item_id`` with the question's own figures (and the known hardware figures)."""
    from grading.rubric import score_open

    item = open_question(item_id)
    return score_open(text, item.key_points, item.red_flags, figures=item.figures).wrong_numbers


def wrong_typed(item_id: str, text: str) -> list[str]:
    """The wrong numbers as the sentence typed them."""
    return [number.typed for number in wrong_numbers(item_id, text)]


def wrong_against(figure: Any, text: str) -> list[str]:
    """The numbers ``text`` is named wrong for against ``figure`` alone (no key point worth
    hearing, no known hardware figure, no process flag): one mechanism of the figure check
    tried on a made-up figure."""
    from grading.rubric import score_open

    result = score_open(text, [("p", ("zzz",))], figures=[figure], known=(), process_flags=())
    return [number.typed for number in result.wrong_numbers]
