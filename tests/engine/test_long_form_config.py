"""Long-form items' learning steps come from config.toml (issue #12): the keys
``long_form_learning_steps_minutes`` and ``long_form_relearning_steps_minutes`` (a day each by
default) are checked like the other step lists and are what the scheduler uses for essays and
katas, while facts keep ``learning_steps_minutes``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.clock import FakeClock
from engine.config import MAX_STEP_MINUTES, Config, ConfigError, load_config
from engine.store.db import Store
from engine.study.scheduler import LEARNING, LONG_FORM_KINDS, RELEARNING, REVIEW, Scheduler
from engine.study.session import Feedback, StudySession
from tests.engine.conftest import deck_bank, fact, open_question

MORNING = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
KEYS = ("long_form_learning_steps_minutes", "long_form_relearning_steps_minutes")


def _load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_the_defaults_are_a_day_each() -> None:
    config = Config()
    assert config.long_form_learning_steps_minutes == (1440.0,)
    assert config.long_form_relearning_steps_minutes == (1440.0,)
    assert config.to_dict()["long_form_learning_steps_minutes"] == [1440.0]


def test_katas_and_essays_are_long_form() -> None:
    assert {"open", "kata"} <= LONG_FORM_KINDS
    assert not {"fact", "problem", "text"} & LONG_FORM_KINDS


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize(("literal", "value"), [
    ("[1440]", (1440.0,)),
    ("[720, 2880]", (720.0, 2880.0)),
    (f"[0.01, {MAX_STEP_MINUTES}]", (0.01, float(MAX_STEP_MINUTES))),  # the edges
    ("[]", ()),
    ("[" + ", ".join(["60"] * 20) + "]", (60.0,) * 20),  # 20 steps: the most allowed
])
def test_values_at_the_edges_are_read(tmp_path: Path, key: str, literal: str,
                                      value: tuple[float, ...]) -> None:
    assert getattr(_load(tmp_path, f"{key} = {literal}\n"), key) == value


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize(("literal", "allowed"), [
    ("[0]", "above 0"),
    ("[-1440]", "above 0"),
    (f"[{MAX_STEP_MINUTES + 0.01}]", "a week"),  # just past the longest step
    ("[inf]", "a week"),
    ("[nan]", "above 0"),
    ("1440", "e.g. [1440]"),
    ('["1 day"]', "e.g. [1440]"),
    ("[true]", "above 0"),
    ("[" + ", ".join(["60"] * 21) + "]", "at most 20"),  # one step too many
])
def test_bad_values_name_the_key_and_what_is_allowed(tmp_path: Path, key: str, literal: str,
                                                     allowed: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, f"{key} = {literal}\n")
    error = caught.value
    assert str(tmp_path / "config.toml") in str(error)
    assert error.key == key and f"{key} = " in error.detail and allowed in str(error)


def _due_after(scheduler: Scheduler, rating: int, long_form: bool) -> tuple[int, timedelta]:
    card = scheduler.review(scheduler.new_card("open.x", 1, MORNING), rating, MORNING,
                            long_form=long_form)
    return card.state, card.due - MORNING


def test_the_scheduler_uses_the_configured_long_form_steps(tmp_path: Path) -> None:
    config = _load(tmp_path, "long_form_learning_steps_minutes = [120, 2880]\n"
                             "long_form_relearning_steps_minutes = [360]\n")
    scheduler = Scheduler(config)
    assert _due_after(scheduler, 1, long_form=True) == (LEARNING, timedelta(hours=2))
    # Good moves to the next step: two days.
    assert _due_after(scheduler, 3, long_form=True) == (LEARNING, timedelta(days=2))
    # A lapse relearns in the configured six hours.
    graduated = scheduler.review(scheduler.new_card("open.x", 1, MORNING), 4, MORNING,
                                 long_form=True)
    assert graduated.state == REVIEW
    lapse = scheduler.review(graduated, 1, graduated.due, long_form=True)
    assert (lapse.state, lapse.due - graduated.due) == (RELEARNING, timedelta(hours=6))
    # Facts keep the ordinary steps.
    assert _due_after(scheduler, 1, long_form=False) == (LEARNING, timedelta(minutes=1))


def test_an_empty_list_means_no_same_day_step() -> None:
    """An empty list is not "unset": it graduates the card at once, as an empty
    ``learning_steps_minutes`` does (a falsy check once fell back to the default day)."""
    scheduler = Scheduler(Config(long_form_learning_steps_minutes=()))
    state, _delay = _due_after(scheduler, 1, long_form=True)
    assert state == REVIEW
    assert _due_after(scheduler, 1, long_form=False)[0] == LEARNING


def test_arguments_still_override_the_config() -> None:
    scheduler = Scheduler(Config(long_form_learning_steps_minutes=(120.0,)),
                          long_form_learning_steps_minutes=(30.0,))
    assert _due_after(scheduler, 1, long_form=True)[1] == timedelta(minutes=30)


def test_an_essay_in_a_session_comes_back_after_the_configured_step(
        tmp_path: Path, db_path: Path) -> None:
    """End to end: config.toml -> scheduler -> session -> the card stored in the file."""
    bank = deck_bank(tmp_path, fact("t.fact", 16), open_question("t.essay"))
    config = _load(tmp_path, "long_form_learning_steps_minutes = [180]\n")
    clock = FakeClock(MORNING)
    store = Store(db_path, clock=clock)
    try:
        session = StudySession(store, bank, Scheduler(config), clock, seed=1)
        seen: dict[str, Any] = {}
        while (question := session.next_question()) is not None and len(seen) < 2:
            if question.kind == "open":
                outcome = session.submit("The bandwidth bounds the step; overlap it.")
                assert isinstance(outcome, Feedback)
                session.override(1)  # Again
            else:
                session.submit("16 bytes")
            seen[question.item_id] = clock.now()
        essay = store.card("t.essay")
        assert essay is not None and essay.due - seen["t.essay"] == timedelta(hours=3)
    finally:
        store.close()
