"""engine.stories.check_telling: recalled, changed, missed; closest story; retell ratings."""

from __future__ import annotations

import pytest

from engine.stories import (
    check_telling,
    closest_story,
    grade_retell,
    retell_item,
    retell_rating,
    telling_line,
)
from tests.stories._stories import HEARTBEAT, STRONG, STRONG_TITLE

STORY = {"id": 7, "title": "Heartbeats", "body": HEARTBEAT}


def test_story_key_numbers() -> None:
    check = check_telling("", STORY)
    assert [n.typed for n in check.numbers] == ["2,048 GPU", "6 hours", "15 s", "18 %"]


def test_all_recalled_in_other_units_and_words() -> None:
    telling = ("On 2048 GPUs the job hung for 360 minutes; a heartbeat each 15 seconds cut "
               "stalls 18 percent.")
    check = check_telling(telling, STORY)
    assert len(check.recalled) == 4 and check.missed == () and check.changed == ()
    assert check.score == 1.0
    assert check.summary() == "numbers recalled 4 of 4"


def test_one_changed_one_missed() -> None:
    telling = "The 2,048 GPU job hung for 6 hours; heartbeats cut uncaught stalls by 30 %."
    check = check_telling(telling, STORY)
    assert [n.typed for n, _ in check.recalled] == ["2,048 GPU", "6 hours"]
    assert [(n.typed, said) for n, said in check.changed] == [("18 %", "30 %")]
    assert [n.typed for n in check.missed] == ["15 s"]
    assert check.score == 0.5
    assert check.summary() == ("numbers recalled 2 of 4 (missed: 15 s; changed: 18 % → "
                               "30 %)")


def test_none_recalled() -> None:
    check = check_telling("We fixed hangs with heartbeats and everyone was happy.", STORY)
    assert check.recalled == () and check.changed == () and len(check.missed) == 4
    assert check.score == 0.0


@pytest.mark.parametrize(("said", "recalled"), [("18.9 %", True), ("19 %", False),
                                                ("17.1 %", True), ("17 %", False)])
def test_recall_tolerance_edges(said: str, recalled: bool) -> None:
    # 18 % ± 5 %: 17.1 and 18.9 are within, 17 and 19 are not.
    check = check_telling(f"Heartbeats cut uncaught stalls by {said}.", STORY)
    assert (len(check.recalled) == 1) is recalled


def test_a_duration_is_not_a_percentage() -> None:
    check = check_telling("It took 18 s.", STORY)
    assert check.recalled == ()


def test_closest_story_and_line() -> None:
    strong = {"id": 1, "title": STRONG_TITLE, "body": STRONG}
    telling = "Heartbeats every 15 s cut stalls 18 % on the 2,048 GPU job."
    check = closest_story(telling, [strong, STORY])
    assert check is not None and check.story_id == 7
    assert telling_line(telling, [strong, STORY]) == (
        "closest story: Heartbeats — numbers recalled 3 of 4 (missed: 6 hours)")
    assert telling_line(telling, []) == ""


@pytest.mark.parametrize(("share", "rating"), [
    (1.0, 3), (0.9, 3), (0.8999, 2), (0.5, 2), (0.4999, 1), (0.0, 1)])
def test_retell_bands_at_their_edges(share: float, rating: int) -> None:
    assert retell_rating(share) == rating


def test_retell_item_and_grade() -> None:
    item = retell_item(STORY)
    assert item is not None and item.id == "story.7"
    assert item.prompt == "retell: Heartbeats — tell it again in two minutes"
    assert item.model_answer == HEARTBEAT and item.key_points == ()
    result = grade_retell("The 2,048 GPU job hung 6 hours; heartbeats every 15 s cut stalls "
                          "by 30 %.", item.model_answer)
    assert [p.point for p in result.key_points] == ["2,048 GPU", "6 hours", "15 s", "18 %"]
    assert result.auto_score == 0.75
    assert [p.covered for p in result.key_points] == [True, True, True, False]
    assert result.key_points[3].contradicted
    assert result.contradictions[0].found == "30 %"
    assert retell_item({"id": 3, "title": "no numbers", "body": "We fixed it."}) is None
