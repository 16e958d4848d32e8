"""Scheduling on py-fsrs (FSRS-6), with the study-day rules py-fsrs leaves to the app.

py-fsrs schedules in UTC with whole 24-hour days; a player thinks in local days that start at
the rollover hour (04:00 by default, as in Anki), so "due today" means due before the next
local rollover. Daily limits on new cards and reviews are counted per study day.

Long-form items (open interview questions, and katas and cases to come) take 3-10 minutes
each, so asking one again a minute after its model answer was read tests reading, not recall:
they learn and relearn in the config's ``long_form_learning_steps_minutes`` /
``long_form_relearning_steps_minutes`` (a day each by default), while numbers and facts keep
its ``learning_steps_minutes`` / ``relearning_steps_minutes`` (minutes). One FSRS model (the
same weights) serves both; only the same-day steps differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from engine.config import Config
from engine.store.db import CardRow, Store

#: FSRS states as py-fsrs numbers them.
LEARNING, REVIEW, RELEARNING = 1, 2, 3
#: ``meta`` key holding the player's accepted FSRS weights (``tpm-drill optimize`` writes them).
SAVED_PARAMETERS_KEY = "fsrs_parameters"
STATE_NAMES = {LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}

#: Question kinds answered at length, which learn in day steps rather than minutes.
LONG_FORM_KINDS = frozenset({"open", "kata", "case"})
#: Their default learning and relearning steps (a day each): the config's defaults, which
#: ``long_form_learning_steps_minutes`` / ``long_form_relearning_steps_minutes`` change.
LONG_FORM_LEARNING_STEPS_MINUTES: tuple[float, ...] = Config.long_form_learning_steps_minutes
LONG_FORM_RELEARNING_STEPS_MINUTES: tuple[float, ...] = \
    Config.long_form_relearning_steps_minutes


def study_day(moment: datetime, tz: tzinfo, rollover_hour: int) -> date:
    """The local study day ``moment`` falls in: before the rollover hour it is still yesterday."""
    local = moment.astimezone(tz)
    return (local - timedelta(hours=rollover_hour)).date()


def day_start(day: date, tz: tzinfo, rollover_hour: int) -> datetime:
    """The UTC instant study day ``day`` begins (its local rollover hour)."""
    local = datetime.combine(day, time(hour=rollover_hour), tzinfo=tz)
    return local.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class DayWindow:
    """The current study day and the UTC instants it starts and ends."""

    day: date
    start: datetime
    end: datetime


class Scheduler:
    """FSRS through py-fsrs, configured from the player's ``Config``."""

    def __init__(self, config: Config, parameters: Sequence[float] | None = None,
                 long_form_learning_steps_minutes: Sequence[float] | None = None,
                 long_form_relearning_steps_minutes: Sequence[float] | None = None) -> None:
        """``parameters`` are the player's fitted FSRS weights (``tpm-drill optimize``), if any.

        Long-form items' steps come from the arguments when given, else from the config's
        ``long_form_learning_steps_minutes`` / ``long_form_relearning_steps_minutes`` (a day
        each unless the player set them). An empty list is kept as written: no same-day
        step, the card graduates at once (as an empty ``learning_steps_minutes`` does).
        """
        import fsrs

        self.config = config
        self._fsrs = fsrs
        weights = {"parameters": tuple(parameters)} if parameters else {}

        def minutes(values: Sequence[float]) -> tuple[timedelta, ...]:
            return tuple(timedelta(minutes=m) for m in values)

        self._scheduler = fsrs.Scheduler(
            desired_retention=config.desired_retention,
            learning_steps=minutes(config.learning_steps_minutes),
            relearning_steps=minutes(config.relearning_steps_minutes),
            enable_fuzzing=True, **weights,
        )
        self.long_form_learning_steps_minutes = tuple(
            config.long_form_learning_steps_minutes if long_form_learning_steps_minutes is None
            else long_form_learning_steps_minutes)
        self.long_form_relearning_steps_minutes = tuple(
            config.long_form_relearning_steps_minutes
            if long_form_relearning_steps_minutes is None
            else long_form_relearning_steps_minutes)
        self._long_form = fsrs.Scheduler(
            desired_retention=config.desired_retention,
            learning_steps=minutes(self.long_form_learning_steps_minutes),
            relearning_steps=minutes(self.long_form_relearning_steps_minutes),
            enable_fuzzing=True, **weights,
        )
        self.parameters = tuple(self._scheduler.parameters)

    def window(self, now: datetime, tz: tzinfo) -> DayWindow:
        """Today's study-day window in UTC."""
        hour = self.config.day_rollover_hour
        today = study_day(now, tz, hour)
        return DayWindow(today, day_start(today, tz, hour),
                         day_start(today + timedelta(days=1), tz, hour))

    def new_card(self, card_id: str, fsrs_id: int, now: datetime) -> CardRow:
        """A card never reviewed: learning, step 0, due now."""
        return CardRow(card_id, fsrs_id, LEARNING, 0, None, None, now, None, 0, 0)

    def review(self, card: CardRow, rating: int, now: datetime,
               duration_ms: int | None = None, tz: tzinfo = UTC,
               long_form: bool = False) -> CardRow:
        """The card's state after answering with ``rating`` (1 Again … 4 Easy) at ``now``.

        ``long_form`` (an open question, a kata, a case: see ``LONG_FORM_KINDS``) uses the
        day-long learning steps instead of the config's minutes. With an interview date set,
        the desired retention is the planner's for that study day (raised in the final days
        so every card is fresh on the day).
        """
        from engine.study.planner import retention_for_day  # the planner imports this module

        scheduler = self._long_form if long_form else self._scheduler
        scheduler.desired_retention = retention_for_day(
            self.config, study_day(now, tz, self.config.day_rollover_hour), self.parameters)
        fsrs_card = self._to_fsrs(card)
        updated, _log = scheduler.review_card(
            fsrs_card, self._fsrs.Rating(rating), review_datetime=now.astimezone(UTC),
            review_duration=duration_ms,
        )
        lapsed = card.state == REVIEW and rating == 1
        return CardRow(
            id=card.id, fsrs_id=card.fsrs_id, state=int(updated.state), step=updated.step,
            stability=updated.stability, difficulty=updated.difficulty,
            due=updated.due.astimezone(UTC),
            last_review=updated.last_review.astimezone(UTC) if updated.last_review else None,
            reps=card.reps + 1, lapses=card.lapses + int(lapsed),
        )

    def retrievability(self, card: CardRow, now: datetime) -> float:
        """Probability of recall at ``now``, FSRS-6's forgetting curve over the time since
        the card's last review (1.0 for a card never reviewed).

        R(t) = (1 + F·t/S)^(−w20), F = 0.9^(−1/w20) − 1, with ``t`` in fractional days.
        py-fsrs's ``get_card_retrievability`` counts whole days (``timedelta.days``), so every
        card reviewed in the last 24 hours reads 100 %: issue #12 saw "recall now 100 %" for
        every topic after a week. A card of stability 2.3 days reviewed 12 hours ago is
        ~97 % here.
        """
        if card.stability is None or card.last_review is None or card.stability <= 0:
            return 1.0
        elapsed_days = max(0.0, (now - card.last_review).total_seconds() / 86_400.0)
        decay = -float(self.parameters[20])
        factor = 0.9 ** (1.0 / decay) - 1.0
        return float((1.0 + factor * elapsed_days / card.stability) ** decay)

    def _to_fsrs(self, card: CardRow) -> Any:
        return self._fsrs.Card(
            card_id=card.fsrs_id, state=self._fsrs.State(card.state), step=card.step,
            stability=card.stability, difficulty=card.difficulty, due=card.due,
            last_review=card.last_review,
        )


def saved_parameters(store: Store) -> list[float] | None:
    """The player's accepted weights from ``meta``, or ``None`` (use the defaults).

    Anything unreadable — wrong length, not numbers, outside py-fsrs's bounds — is ignored
    rather than allowed to stop the scheduler from starting. (Here rather than in
    engine.study.optimize, which fits them: the app reads them at every start.)
    """
    import json
    import math

    row = store.conn.execute("SELECT value FROM meta WHERE key = ?",
                             (SAVED_PARAMETERS_KEY,)).fetchone()
    if row is None:
        return None
    try:
        values = json.loads(row[0])
    except (TypeError, ValueError):
        return None
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    lower, upper = LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
    if not isinstance(values, list) or len(values) != len(lower):
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
               and lo <= v <= hi for v, lo, hi in zip(values, lower, upper, strict=True)):
        return None
    return [float(v) for v in values]
