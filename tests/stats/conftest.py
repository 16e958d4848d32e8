"""A year of answers by a scripted learner, written through the real engine.

The learner drills a slice of the built-in bank every day for 365 days (skipping one day, to
test the streak), answering from each question's reference value converted to its display
unit with ``grading.units.convert``: every ``comms.collectives`` answer is 0.4× the truth
(wrong and biased low, a 2.5× underestimate), other numeric answers are right, some are typed
as intervals (half of them missing the truth), every ninth answer is "?", text facts get their
answer, open questions their model answer with a self-check every other time. Everything it
writes is tallied in ``Year`` so tests compare the stats with what was really done.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from content.loader import Fact, OpenQuestion, Problem
from engine.bank import ContentBank, load_content
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, StudySession
from grading.units import convert

BIASED_TOPIC = "comms.collectives"
#: Seed of the global ``random`` that py-fsrs's interval fuzz draws from: the year replays
#: exactly.
SEED = 2025
BIAS_FACTOR = 0.4
DAYS = 365
SKIPPED_DAY = 300
ANSWERS_PER_DAY = 25
#: The learner stops for the day rather than answer one item a third time.
MAX_SAME_ITEM_PER_DAY = 2
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


@dataclass
class Year:
    """The learner's history and what it wrote, for tests to check the stats against."""

    path: Path
    bank: ContentBank
    config: Config
    clock: FakeClock
    answers: int = 0
    per_day: Counter[date] = field(default_factory=Counter)
    interval_hits: int = 0
    interval_misses: int = 0
    numeric_by_topic: Counter[str] = field(default_factory=Counter)

    def scheduler(self) -> Scheduler:
        return Scheduler(self.config)


def slice_of_bank() -> ContentBank:
    """The biased topic's problems, a dozen L4/L5 numeric facts, a few text facts and open
    questions: small enough that a year revisits every item many times."""
    bank = load_content()
    chosen = {}
    numeric_facts = text_facts = opens = 0
    for item in bank.items.values():
        if item.topic == BIASED_TOPIC and isinstance(item, Problem):
            chosen[item.id] = item
        elif isinstance(item, Fact) and item.level in ("L4", "L5"):
            if bank.numeric(item.id) and numeric_facts < 12 and item.topic != BIASED_TOPIC:
                chosen[item.id] = item
                numeric_facts += 1
            elif not bank.numeric(item.id) and text_facts < 3:
                chosen[item.id] = item
                text_facts += 1
        elif isinstance(item, OpenQuestion) and item.level == "L4" and opens < 3:
            chosen[item.id] = item
            opens += 1
    return ContentBank(chosen, bank.catalog)


def _answer(session: StudySession, year: Year, counter: int) -> Feedback:
    question = session.question
    assert question is not None
    if counter % 9 == 0:
        outcome = session.submit("?")
    elif question.kind == "open":
        text = question.model_answer or " ".join(p.text for p in question.key_points)
        outcome = session.submit(text)
        assert isinstance(outcome, Feedback), outcome
        if counter % 2 == 0:
            outcome = session.self_check([True] * len(outcome.grade.key_points))
    elif question.kind == "text" or not question.numeric:
        outcome = session.submit(question.answers[0])
    else:
        truth = convert(question.reference_value, question.reference_unit,
                        question.display_unit)
        if question.topic == BIASED_TOPIC:
            outcome = session.submit(f"{truth * BIAS_FACTOR:.6g}")
        elif counter % 4 == 1:
            hit = counter % 8 == 1
            lo, hi = (truth / 1.5, truth * 1.5) if hit else (truth * 1.3, truth * 1.6)
            outcome = session.submit(f"{lo:.6g}..{hi:.6g}")
            year.interval_hits += hit
            year.interval_misses += not hit
        else:
            outcome = session.submit(f"{truth:.6g}")
        if isinstance(outcome, Feedback) and outcome.grade is not None:
            year.numeric_by_topic[question.topic] += 1
    assert isinstance(outcome, Feedback), f"{question.item_id}: {outcome}"
    return outcome


def play_year(path: Path) -> Year:
    """Drill at 09:00 every day but ``SKIPPED_DAY`` for ``DAYS`` days, up to
    ``ANSWERS_PER_DAY`` answers a day and no item more than twice a day (a failed card's
    relearning step would otherwise be served again and again, Anki-style learn-ahead)."""
    import random

    random.seed(SEED)  # py-fsrs fuzzes intervals with the global random module
    config = Config(new_per_day=2)
    year = Year(path, slice_of_bank(), config, FakeClock(START))
    store = Store(path)
    scheduler = Scheduler(config)
    counter = 0
    for day in range(DAYS):
        year.clock.advance((START + timedelta(days=day) - year.clock.now()).total_seconds())
        if day != SKIPPED_DAY:
            session = StudySession(store, year.bank, scheduler, year.clock, seed=day)
            today: Counter[str] = Counter()
            for _ in range(ANSWERS_PER_DAY):
                question = session.next_question()
                if question is None or today[question.item_id] >= MAX_SAME_ITEM_PER_DAY:
                    break
                today[question.item_id] += 1
                year.clock.advance(5)
                counter += 1
                _answer(session, year, counter)
                year.answers += 1
                year.per_day[year.clock.now().date()] += 1
            session.finish()
    evening = START + timedelta(days=DAYS - 1, hours=12)  # 21:00 of the last day played
    year.clock.advance((evening - year.clock.now()).total_seconds())
    store.close()
    return year


@pytest.fixture(scope="package")
def year_db(tmp_path_factory: pytest.TempPathFactory) -> Year:
    """The played year, once per test run (tests copy the file before writing to it)."""
    return play_year(tmp_path_factory.mktemp("year") / "progress.db")


@pytest.fixture
def year_store(year_db: Year, tmp_path: Path):
    """A private copy of the year's database (WAL included), opened."""
    source = Store(year_db.path)
    copy = tmp_path / "copy.db"
    source.conn.execute("VACUUM INTO ?", (str(copy),))
    source.close()
    opened = Store(copy)
    yield opened
    opened.close()


def last_day(year: Year) -> date:
    """The last study day of the year (the clock sits on its evening)."""
    return (year.clock.now() - timedelta(hours=4)).date()
