"""Stories as retell cards: added to the bank at session start (never by the content layer),
served and scheduled by FSRS like any card, graded by check_telling with the retell bands,
and no longer served once archived. Real SQLite, real FSRS."""

from __future__ import annotations

import pytest

from content.catalog import builtin_catalog
from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession
from grading.rubric import RubricResult
from tests.stories._stories import HEARTBEAT

#: Told with 3 of its 4 numbers (6 hours left out).
THREE_OF_FOUR = "On the 2,048 GPU job, heartbeats every 15 s cut uncaught stalls by 18 %."


def _bank() -> ContentBank:
    return ContentBank(items={}, catalog=builtin_catalog())


def _session(store: Store, bank: ContentBank, scheduler: Scheduler,
             clock: FakeClock) -> StudySession:
    return StudySession(store, bank, scheduler, clock, seed=1)


def test_a_story_is_served_graded_and_scheduled(store: Store, scheduler: Scheduler,
                                                clock: FakeClock) -> None:
    story_id, _version = store.save_story(None, "Heartbeats", HEARTBEAT, clock.now())
    bank = _bank()
    session = _session(store, bank, scheduler, clock)
    assert f"story.{story_id}" in bank
    question = session.next_question()
    assert question is not None and question.item_id == f"story.{story_id}"
    assert question.kind == "open"
    assert question.prompt == "retell: Heartbeats — tell it again in two minutes"
    assert question.model_answer == HEARTBEAT  # shown after answering
    feedback = session.submit(THREE_OF_FOUR)
    assert isinstance(feedback.grade, RubricResult)
    assert feedback.grade.auto_score == 0.75
    assert [p.covered for p in feedback.grade.key_points] == [True, False, True, True]
    assert feedback.rating == 2  # 0.75: Hard
    card = store.cards()[f"story.{story_id}"]
    assert card.due > clock.now()  # scheduled by FSRS like any card


@pytest.mark.parametrize(("telling", "rating"), [
    ("The 2,048 GPU job hung 6 hours; heartbeats every 15 s cut stalls by 18 %.", 3),
    (THREE_OF_FOUR, 2),
    ("The 2,048 GPU job hung for 6 hours until we added heartbeats.", 2),  # 0.5: Hard
    ("The 2,048 GPU job hung until we added heartbeats.", 1),  # 0.25: Again
])
def test_retell_ratings(store: Store, scheduler: Scheduler, clock: FakeClock, telling: str,
                        rating: int) -> None:
    store.save_story(None, "Heartbeats", HEARTBEAT, clock.now())
    session = _session(store, _bank(), scheduler, clock)
    session.next_question()
    assert session.submit(telling).rating == rating


def test_self_check_of_a_retell_uses_the_retell_bands(store: Store, scheduler: Scheduler,
                                                      clock: FakeClock) -> None:
    store.save_story(None, "Heartbeats", HEARTBEAT, clock.now())
    session = _session(store, _bank(), scheduler, clock)
    session.next_question()
    session.submit(THREE_OF_FOUR)
    # Every number ticked: 1.0 is Good on the retell bands (an open answer's would be Easy).
    assert session.self_check([True, True, True, True]).rating == 3


def test_an_archived_story_is_no_longer_served(store: Store, scheduler: Scheduler,
                                               clock: FakeClock) -> None:
    story_id, _ = store.save_story(None, "Heartbeats", HEARTBEAT, clock.now())
    bank = _bank()
    session = _session(store, bank, scheduler, clock)
    session.next_question()
    session.submit(THREE_OF_FOUR)
    session.finish()
    store.archive_story(story_id, clock.now())
    clock.advance(days=60)  # the card is due by now
    later = _session(store, bank, scheduler, clock)
    assert f"story.{story_id}" not in bank
    assert later.next_question() is None
    store.archive_story(story_id, None)  # back: served again
    again = _session(store, bank, scheduler, clock)
    question = again.next_question()
    assert question is not None and question.item_id == f"story.{story_id}"


def test_an_edit_is_what_the_next_session_checks(store: Store, scheduler: Scheduler,
                                                 clock: FakeClock) -> None:
    story_id, _ = store.save_story(None, "Heartbeats", HEARTBEAT, clock.now())
    store.save_story(story_id, "Heartbeats", HEARTBEAT.replace("18 %", "21 %"), clock.now())
    bank = _bank()
    session = _session(store, bank, scheduler, clock)
    item = bank.get(f"story.{story_id}")
    assert item is not None and "21 %" in item.model_answer
    session.next_question()
    feedback = session.submit(THREE_OF_FOUR)
    assert isinstance(feedback.grade, RubricResult)
    assert [c.found for c in feedback.grade.contradictions] == ["18 %"]  # 21 % now


def test_a_story_without_numbers_makes_no_card(store: Store, scheduler: Scheduler,
                                               clock: FakeClock) -> None:
    store.save_story(None, "Vague", "We fixed it and everyone was happy.", clock.now())
    bank = _bank()
    _session(store, bank, scheduler, clock)
    assert list(bank.items) == []


def test_the_loop_adds_no_retell_cards(store: Store, scheduler: Scheduler,
                                       clock: FakeClock) -> None:
    store.save_story(None, "Heartbeats", HEARTBEAT, clock.now())
    bank = _bank()
    StudySession(store, bank, scheduler, clock, mode="loop", seed=1)
    assert list(bank.items) == []


@pytest.mark.parametrize(("ticks", "rating"), [
    ([True, True, True, True], "Good"),   # 1.0
    ([True, False, True, True], "Hard"),  # 0.75: Good on an open answer's bands
    ([True, False, False, False], "Again"),
])
def test_the_drill_preview_while_ticking_is_the_rating_confirmed(
        store: Store, scheduler: Scheduler, clock: FakeClock, ticks: list[bool],
        rating: str) -> None:
    """The line shown while ticking named an open answer's rating ("→ Good (88%)") where
    confirming gave the retell bands' Hard (found playing at 80×24): both now ask
    engine.study.session.self_check_rating."""
    from tui.screens.drill import RATING_NAMES, render_self_check_line

    store.save_story(None, "Heartbeats", HEARTBEAT, clock.now())
    session = _session(store, _bank(), scheduler, clock)
    session.next_question()
    feedback = session.submit(THREE_OF_FOUR)
    preview = render_self_check_line(feedback, {i for i, tick in enumerate(ticks) if tick})
    assert f"→ [b]{rating}[/b]" in preview
    assert RATING_NAMES[session.self_check(ticks).rating] == rating
