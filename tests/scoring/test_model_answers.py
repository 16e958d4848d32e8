"""Every open question's own model answer passes its own key points (issue #15's content pass):
at least 0.7, with no contradiction, no wrong number and no red flag. A misconception or a
figure that catches the model answer would catch a strong player too."""

from __future__ import annotations

import pytest

from content.loader import OpenQuestion, load_bank
from grading.rubric import score_open

ITEMS = [item for item in load_bank().open_questions()]


@pytest.mark.parametrize("item", ITEMS, ids=[item.id for item in ITEMS])
def test_the_model_answer_passes_its_own_key_points(item: OpenQuestion) -> None:
    result = score_open(item.model_answer, item.key_points, item.red_flags, figures=item.figures)
    assert result.contradictions == ()
    assert result.wrong_numbers == ()
    assert result.red_flags == ()
    assert result.auto_score >= 0.7, [(p.point, p.covered) for p in result.key_points]
