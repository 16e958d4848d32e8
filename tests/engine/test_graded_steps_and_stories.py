"""Schema 8: graded steps kept beside their review (cases, probes), counted by topic against
a hand count; stories kept in versions that an edit never overwrites."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from engine.store.db import CardRow, GradedStepRecord, ReviewRecord, Store, StoreError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _card(card_id: str) -> CardRow:
    return CardRow(card_id, 1, 2, None, 3.2, 5.1, NOW, NOW, 1, 0)


def _review(card_id: str, topic: str, day: date = date(2026, 3, 2)) -> ReviewRecord:
    return ReviewRecord(card_id=card_id, reviewed_at=NOW, study_day=day, rating=3,
                        mode="drill", kind="case", topic=topic, answer_text="1 | 2 | 3",
                        card_before=_card(card_id).to_dict())


def _step(item: str, position: int, topic: str, status: str, credit: float,
          **more: object) -> GradedStepRecord:
    return GradedStepRecord(item_id=item, position=position, step_id=f"s{position}",
                            kind="number", topic=topic, status=status, credit=credit, **more)


def test_steps_are_written_with_their_review_and_read_back_in_order(store: Store) -> None:
    steps = [_step("case.a", 1, "training", "consistent", 0.8, value=2.0, reference=4.0,
                   reference_from_answers=2.0, consistent=True, unit="day"),
             _step("case.a", 0, "training", "off", 0.0, value=1.0, reference=2.0,
                   slip="bits vs bytes", answer_text="1 day"),
             GradedStepRecord(item_id="case.a", position=2, step_id="pick", kind="decision",
                              topic="training", status="exact", credit=1.0, picked="A",
                              right_option="A", right_option_from_answers="A",
                              value=math.inf)]
    review_id = store.record_review(_review("case.a", "training"), _card("case.a"),
                                    graded_steps=steps)
    rows = store.graded_steps(review_id=review_id)
    assert [r["position"] for r in rows] == [0, 1, 2]
    assert rows[0]["slip"] == "bits vs bytes" and rows[0]["answer_text"] == "1 day"
    assert rows[1]["consistent"] is True and rows[1]["reference_from_answers"] == 2.0
    assert rows[2]["value"] is None  # not finite: kept as no number
    assert rows[2]["right_option"] == "A" and rows[2]["rating"] == 3
    assert store.graded_steps(item_id="case.b") == []


def test_a_failed_review_write_leaves_no_steps(store: Store) -> None:
    bad = ReviewRecord(card_id="case.a", reviewed_at=NOW, study_day=date(2026, 3, 2),
                       rating=9, mode="drill", kind="case", topic="t")
    with pytest.raises(Exception):  # noqa: B017 — the CHECK constraint's IntegrityError
        store.record_review(bad, _card("case.a"),
                            graded_steps=[_step("case.a", 0, "t", "exact", 1.0)])
    assert store.conn.execute("SELECT COUNT(*) FROM graded_steps").fetchone()[0] == 0


def test_undo_takes_the_steps_along(store: Store) -> None:
    review_id = store.record_review(_review("case.a", "t"), _card("case.a"),
                                    graded_steps=[_step("case.a", 0, "t", "exact", 1.0)])
    store.undo_review(review_id, NOW + timedelta(seconds=5))
    assert store.graded_steps() == []


def test_step_totals_by_topic_match_a_hand_count(store: Store) -> None:
    # Hand count: training has 3 steps (exact 1.0, consistent 0.8, off 0.0): mean 0.6;
    # serving has 2 (close 0.5, revealed 0.0): mean 0.25. The old review (Feb) is left out
    # by since_day.
    store.record_review(_review("case.a", "training"), _card("case.a"), graded_steps=[
        _step("case.a", 0, "training", "exact", 1.0),
        _step("case.a", 1, "training", "consistent", 0.8),
        _step("case.a", 2, "training", "off", 0.0)])
    store.record_review(_review("case.b", "serving"), _card("case.b"), graded_steps=[
        _step("case.b", 0, "serving", "close", 0.5),
        _step("case.b", 1, "serving", "revealed", 0.0)])
    store.record_review(_review("case.c", "serving", date(2026, 2, 1)), _card("case.c"),
                        graded_steps=[_step("case.c", 0, "serving", "exact", 1.0)])
    totals = store.step_totals_by_topic(since_day=date(2026, 3, 1))
    assert set(totals) == {"training", "serving"}
    assert totals["training"]["steps"] == 3
    assert totals["training"]["mean_credit"] == pytest.approx(0.6)
    assert totals["training"]["statuses"] == {"exact": 1, "consistent": 1, "off": 1}
    assert totals["serving"]["mean_credit"] == pytest.approx(0.25)
    assert store.step_totals_by_topic()["serving"]["steps"] == 3


def test_an_edit_keeps_every_earlier_version(store: Store) -> None:
    story_id, first = store.save_story(None, "Capped the batch", "At batch 256 we hit 92 %.",
                                       NOW)
    assert first == 1
    same = store.save_story(story_id, "Capped the batch", "At batch 256 we hit 92 %.",
                            NOW + timedelta(minutes=1))
    assert same == (story_id, 1)  # nothing changed: no new version
    _, second = store.save_story(story_id, "Capped the batch", "At batch 256 MFU fell 18 %.",
                                 NOW + timedelta(minutes=2))
    assert second == 2
    versions = store.story_versions(story_id)
    assert [v["body"] for v in versions] == ["At batch 256 we hit 92 %.",
                                             "At batch 256 MFU fell 18 %."]
    [listed] = store.stories()
    assert (listed["id"], listed["version"], listed["versions"]) == (story_id, 2, 2)
    assert listed["body"] == "At batch 256 MFU fell 18 %."


def test_archived_stories_leave_the_list_but_not_the_file(store: Store) -> None:
    kept, _ = store.save_story(None, "One", "a", NOW)
    hidden, _ = store.save_story(None, "Two", "b", NOW)
    store.archive_story(hidden, NOW)
    assert [s["id"] for s in store.stories()] == [kept]
    assert [s["id"] for s in store.stories(include_archived=True)] == [kept, hidden]
    store.archive_story(hidden, None)
    assert [s["id"] for s in store.stories()] == [kept, hidden]


def test_saving_into_a_missing_story_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="no story 7"):
        store.save_story(7, "x", "y", NOW)
    assert store.stories(include_archived=True) == []
