"""A kata is a card: posed, drafted, submitted with its checks, rated from the pass rate and
the time, recorded with every case in the review's own transaction, listed newest first,
taken back by undo; and the schema that keeps the attempts is reached from every old one."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from content.catalog import builtin_catalog
from engine.bank import ContentBank, check_item
from engine.clock import FakeClock
from engine.config import Config
from engine.katas import attempts as attempts_module
from engine.katas.attempts import SingleKataPicker, kata_attempts
from engine.katas.runner import CaseResult, CheckReport, RunError, check_code, kata_rating
from engine.questions import pose
from engine.store import db as store_module
from engine.store.db import _MIGRATIONS, SCHEMA_VERSION, Store, StoreError, _split_sql
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, Retry, StudySession
from grading.rating import AGAIN, EASY, GOOD, HARD
from tests.katas.conftest import RING, RING_FACTOR_TWO, RING_RIGHT

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1.db"
MORNING = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


# -- the rating, pinned at its edges -------------------------------------------------------------


def _report(passed: int, failed: int, error: RunError | None = None,
            shrunk: bool = False) -> CheckReport:
    def case(ok: bool, source: str = "draw") -> CaseResult:
        return CaseResult({"x": 1.0}, 1.0, 1.0 if ok else 2.0, 0.0, ok, source)

    cases = [case(True)] * passed + [case(False)] * failed
    if shrunk:
        cases.insert(0, case(False, "shrunk"))
    return CheckReport("kata.test.ring", cases, error)


def test_all_passing_is_good_and_easy_only_under_the_target() -> None:
    report = _report(60, 0)
    assert kata_rating(report, 15 * 60 - 1, 15) == EASY
    assert kata_rating(report, 15 * 60, 15) == GOOD  # at the target is not under it
    assert kata_rating(report, 10, None) == GOOD
    assert kata_rating(report, None, 15) == GOOD


def test_eighty_percent_is_hard_and_just_below_is_again() -> None:
    assert kata_rating(_report(80, 20), 1, 15) == HARD
    assert kata_rating(_report(79, 21), 1, 15) == AGAIN
    assert kata_rating(_report(99, 1), 1, 15) == HARD  # one failure is never Good
    assert kata_rating(_report(0, 60), 1, 15) == AGAIN


def test_the_counterexample_is_not_counted_twice() -> None:
    report = _report(8, 2, shrunk=True)
    assert (report.passed, report.failed, report.pass_rate) == (8, 2, 0.8)
    assert kata_rating(report, 1, 15) == HARD


def test_code_that_could_not_be_run_is_again() -> None:
    timeout = RunError("timeout", "stopped")
    assert kata_rating(_report(59, 0, timeout), 1, 15) == AGAIN  # fatal, whatever passed
    assert kata_rating(_report(0, 0), 1, 15) == AGAIN  # nothing checked
    raised = RunError("exception", "ZeroDivisionError")  # one case raised: a failure
    assert kata_rating(_report(59, 1, raised), 1, 15) == HARD
    assert not _report(60, 0, raised).all_passed


# -- a kata as a card ------------------------------------------------------------------------------


@pytest.fixture
def kata_bank() -> ContentBank:
    return ContentBank({RING.id: RING}, builtin_catalog())


@pytest.fixture
def session(store: Store, kata_bank: ContentBank) -> StudySession:
    return StudySession(store, kata_bank, Scheduler(Config()), FakeClock(MORNING), seed=1)


def test_a_kata_is_posed_as_a_question_of_kind_kata() -> None:
    question = pose(RING, None, builtin_catalog(), seed=3)
    assert question.kind == "kata" and not question.numeric
    assert question.prompt == RING.prompt and question.item_id == RING.id
    assert question.target_seconds == 15 * 60 and question.rounds == RING.rounds


def test_the_bank_serves_a_kata_whose_reference_exists() -> None:
    catalog = builtin_catalog()
    assert check_item(RING, catalog) is None
    unknown = check_item(replace(RING, reference="no_such_model"), catalog)
    assert unknown is not None and "no_such_model" in unknown


def test_the_daily_drill_serves_a_kata_and_keeps_its_code_draft(
        session: StudySession, store: Store) -> None:
    question = session.next_question()
    assert question is not None and question.kind == "kata"
    draft = RING_RIGHT + "\n# still thinking about the latency term\n    \n"
    session.save_draft(draft)
    assert session.draft() == draft  # every character, indentation and blank lines kept
    assert store.draft(f"card:{RING.id}") == draft


def test_submitting_a_kata_records_the_review_and_every_case(
        session: StudySession, store: Store) -> None:
    session.next_question()
    session.save_draft(RING_RIGHT)
    report = check_code(RING, RING_RIGHT)
    feedback = session.submit_kata(RING_RIGHT, report, 5 * 60)
    assert isinstance(feedback, Feedback)
    assert feedback.rating == EASY and feedback.verdict == "exact" and feedback.score == 1.0
    review = store.reviews()[-1]
    assert (review["kind"], review["band"], review["answer_text"]) == ("kata", "exact",
                                                                       RING_RIGHT)
    assert review["duration_ms"] == 300_000 and review["seed"] == report.seed
    assert store.draft(f"card:{RING.id}") is None  # the draft went with the answer
    [attempt] = kata_attempts(store, RING.id)
    assert attempt.review_id == feedback.review_id and attempt.code == RING_RIGHT
    assert (attempt.passed, attempt.failed, attempt.error_kind) == (report.passed, 0, None)
    assert attempt.cases == tuple(report.cases)
    assert attempt.seconds == 300 and attempt.rating == EASY and attempt.mode == "drill"
    assert attempt.all_passed and attempt.pass_rate == 1.0


def test_attempts_are_listed_newest_first_with_their_failures(
        store: Store, kata_bank: ContentBank) -> None:
    clock = FakeClock(MORNING)
    first = StudySession(store, kata_bank, Scheduler(Config()), clock, seed=1)
    first.next_question()
    wrong = check_code(RING, RING_FACTOR_TWO)
    assert first.submit_kata(RING_FACTOR_TWO, wrong, 30 * 60).rating == AGAIN
    clock.advance(days=1)
    second = StudySession(store, kata_bank, Scheduler(Config()), clock, seed=2)
    assert second.next_question() is not None  # the Again brought it back
    right = check_code(RING, RING_RIGHT)
    second.submit_kata(RING_RIGHT, right, 20 * 60)
    newest, oldest = kata_attempts(store, RING.id)
    assert newest.code == RING_RIGHT and newest.rating == GOOD  # over the target
    assert oldest.code == RING_FACTOR_TWO and oldest.failed == wrong.failed
    assert oldest.cases[0].source == "shrunk" and not oldest.cases[0].ok
    assert oldest.cases[0].inputs == wrong.counterexample.inputs
    assert kata_attempts(store, "kata.other") == []


def test_a_kata_with_no_known_time_is_never_easy(session: StudySession) -> None:
    session.next_question()
    feedback = session.submit_kata(RING_RIGHT, check_code(RING, RING_RIGHT), None)
    assert feedback.rating == GOOD


def test_undo_takes_the_attempt_back_and_restores_the_code(
        session: StudySession, store: Store) -> None:
    session.next_question()
    session.submit_kata(RING_RIGHT, check_code(RING, RING_RIGHT), 60)
    undone = session.undo()
    assert undone.answer_text == RING_RIGHT
    assert kata_attempts(store, RING.id) == []
    assert session.draft() == RING_RIGHT  # the code is the draft again


def test_the_attempt_is_recorded_in_the_reviews_transaction(
        session: StudySession, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    session.next_question()
    session.save_draft(RING_RIGHT)

    def refuse(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_module, "_insert_kata_attempt", refuse)
    with pytest.raises(StoreError):
        session.submit_kata(RING_RIGHT, check_code(RING, RING_RIGHT), 60)
    assert store.reviews() == [] and store.card(RING.id) is None
    assert store.draft(f"card:{RING.id}") == RING_RIGHT  # nothing typed is lost


def test_a_kata_is_not_answered_with_typed_text(session: StudySession) -> None:
    session.next_question()
    assert isinstance(session.submit("42 ms"), Retry)
    other = replace(check_code(RING, RING_RIGHT), kata_id="kata.other")
    with pytest.raises(ValueError, match=r"kata\.other"):
        session.submit_kata(RING_RIGHT, other, 60)


def test_submit_kata_refuses_a_question_that_is_not_a_kata(
        store: Store, bank: ContentBank) -> None:
    session = StudySession(store, bank, Scheduler(Config()), FakeClock(MORNING), seed=1)
    question = session.next_question()
    assert question is not None and question.kind != "kata"
    with pytest.raises(RuntimeError, match="not a kata"):
        session.submit_kata("", CheckReport(question.item_id), 1)


def test_the_single_kata_picker_serves_once(store: Store, kata_bank: ContentBank) -> None:
    session = StudySession(store, kata_bank, Scheduler(Config()), FakeClock(MORNING),
                           picker=SingleKataPicker(RING.id))
    assert session.next_question().item_id == RING.id
    session.submit_kata(RING_RIGHT, check_code(RING, RING_RIGHT), 60)
    assert session.next_question() is None
    assert store.session(session.session_id)["config_json"].find(RING.id) > 0


def test_a_damaged_attempt_is_reported_not_raised_raw(
        session: StudySession, store: Store) -> None:
    session.next_question()
    session.submit_kata(RING_RIGHT, check_code(RING, RING_RIGHT), 60)
    store.conn.execute("UPDATE kata_attempts SET cases_json = '{not json'")
    with pytest.raises(StoreError, match="kata attempt"):
        kata_attempts(store, RING.id)
    store.conn.execute("UPDATE kata_attempts SET cases_json = '[{\"expected\": \"x\"}]'")
    with pytest.raises(StoreError, match="kata attempt"):
        attempts_module.kata_attempts(store, RING.id)


# -- the schema, from every old version ------------------------------------------------------------


def _database_at(path: Path, version: int) -> None:
    """A file as schema ``version`` left it: its migrations, one review of each era."""
    conn = sqlite3.connect(path)
    for step in range(1, version + 1):
        for statement in _split_sql(_MIGRATIONS[step]):
            conn.execute(statement)
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))
    conn.execute("INSERT INTO cards (id, fsrs_id, state, due, created_at) VALUES "
                 "('hw.x', 1, 2, '2026-01-06T09:00:00.000000+00:00', "
                 "'2026-01-01T09:00:00.000000+00:00')")
    conn.execute("INSERT INTO reviews (card_id, reviewed_at, study_day, rating, mode, kind, "
                 "topic) VALUES ('hw.x', '2026-01-01T09:00:00.000000+00:00', '2026-01-01', 3, "
                 "'drill', 'fact', 'hardware.memory')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_every_old_schema_reaches_the_kata_attempts(tmp_path: Path, version: int,
                                                    kata_bank: ContentBank) -> None:
    path = tmp_path / f"v{version}.db"
    _database_at(path, version)
    store = Store(path, auto_backup=False)
    try:
        assert store.schema_version() == SCHEMA_VERSION >= 7
        assert "kata_attempts" in store.db.table_names()
        assert len(store.reviews()) == 1  # the old review is kept
        session = StudySession(store, kata_bank, Scheduler(Config()), FakeClock(MORNING),
                               picker=SingleKataPicker(RING.id))
        session.next_question()
        session.submit_kata(RING_RIGHT, check_code(RING, RING_RIGHT), 60)
        assert len(kata_attempts(store, RING.id)) == 1
    finally:
        store.close()


def test_the_first_schema_fixture_reaches_the_kata_attempts(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    store = Store(path, auto_backup=False)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.kata_attempts(RING.id) == []
        assert {"review_id", "kata_id", "code", "cases_json", "passed", "failed",
                "error_kind", "seconds"} <= set(store.db["kata_attempts"].columns_dict)
    finally:
        store.close()
