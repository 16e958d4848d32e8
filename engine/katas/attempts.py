"""A kata's attempts: what a submitted check keeps beside its review, and reading them back.

A kata is an FSRS card like any item: ``StudySession.submit_kata`` records its review (the
code as the answer text, the band of the pass rate, the rating from ``kata_rating``) and, in
the same transaction, an attempt row with every case result. ``kata_attempts`` lists them,
newest first, for the screen's "earlier attempts" and for stats.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.store.db import KataAttemptRecord, Store, StoreError, from_iso

if TYPE_CHECKING:
    from engine.katas.runner import CaseResult, CheckReport


def attempt_record(code: str, report: CheckReport,
                   elapsed_seconds: float | None) -> KataAttemptRecord:
    """What the store keeps of a submitted check: the code, every case as JSON (the
    counterexample first, as shown), the counts, the error, the player's and the check's
    seconds, the draws' seed."""
    return KataAttemptRecord(
        kata_id=report.kata_id, code=code,
        cases_json=json.dumps([case.to_json() for case in report.cases]),
        passed=report.passed, failed=report.failed,
        error_kind=report.error.kind if report.error else None,
        error_message=str(report.error) if report.error else None,
        seconds=elapsed_seconds, check_seconds=report.seconds, seed=report.seed)


@dataclass(frozen=True, slots=True)
class KataAttempt:
    """One recorded attempt at a kata, as read back: its review (id, rating, when, mode,
    session), the code, every case, the counts, the error and the seconds."""

    review_id: int
    kata_id: str
    attempted_at: datetime
    code: str
    cases: tuple[CaseResult, ...]
    passed: int
    failed: int
    error_kind: str | None
    error_message: str | None
    seconds: float | None
    check_seconds: float | None
    seed: int | None
    rating: int
    mode: str
    session_id: int | None

    @property
    def all_passed(self) -> bool:
        return self.error_kind is None and self.failed == 0 and self.passed > 0

    @property
    def pass_rate(self) -> float:
        total = self.passed + self.failed
        return self.passed / total if total else 0.0


def kata_attempts(store: Store, kata_id: str) -> list[KataAttempt]:
    """Every recorded attempt at ``kata_id``, newest first (an undone answer's attempt is
    gone with it)."""
    from engine.katas.runner import CaseResult

    attempts = []
    for row in store.kata_attempts(kata_id):
        try:
            attempts.append(_attempt(row, CaseResult))
        except (ValueError, TypeError, KeyError) as error:
            from content.untrusted import clean_text

            raise StoreError(
                f"{clean_text(store.path)}: kata attempt {row.get('id')} does not read back "
                f"({clean_text(error)}); the file is damaged or was edited by hand and was "
                "left as it is.", "corrupt") from None
    return attempts


def _attempt(row: Mapping[str, Any], case_type: type[CaseResult]) -> KataAttempt:
    """One row of ``Store.kata_attempts`` as a ``KataAttempt`` (raises on a bad value)."""
    return KataAttempt(
        review_id=int(row["review_id"]), kata_id=str(row["kata_id"]),
        attempted_at=from_iso(row["attempted_at"]), code=str(row["code"]),
        cases=tuple(case_type.from_json(case) for case in row["cases"]
                    if isinstance(case, dict)),
        passed=int(row["passed"]), failed=int(row["failed"]),
        error_kind=row["error_kind"], error_message=row["error_message"],
        seconds=row["seconds"], check_seconds=row["check_seconds"], seed=row["seed"],
        rating=int(row["rating"]), mode=str(row["mode"]), session_id=row["session_id"])


class SingleKataPicker:
    """Serves one kata, once: the session a command-line check records its attempt in
    (``tpm-drill kata check --record``), or a screen that opens one kata."""

    def __init__(self, kata_id: str) -> None:
        self.kata_id = kata_id
        self.served = False

    @property
    def session_config(self) -> dict[str, Any]:
        return {"kata": self.kata_id}

    def pick(self, session: Any) -> str | None:
        if self.served or self.kata_id in session.unservable:
            return None
        self.served = True
        return self.kata_id


@dataclass(frozen=True, slots=True)
class KataOverview:
    """One kata as the kata list shows it: the item's id, topic, level and target, and the
    player's record at it (attempts, the best and the last pass rate, whether any passed)."""

    kata_id: str
    topic: str
    level: str
    function: str
    target_minutes: float | None
    attempts: int
    last_pass_rate: float | None
    best_pass_rate: float | None
    ever_passed: bool


def kata_overview(store: Store, katas: list[Any]) -> list[KataOverview]:
    """Each of ``katas`` (``content.loader.Kata`` items) with the player's record, by topic
    then level then id — one query per kata, over an index (a few dozen katas)."""
    rows = []
    for kata in sorted(katas, key=lambda k: (k.topic, k.level, k.id)):
        attempts = kata_attempts(store, kata.id)
        rates = [attempt.pass_rate for attempt in attempts]
        rows.append(KataOverview(
            kata_id=kata.id, topic=kata.topic, level=kata.level, function=kata.function,
            target_minutes=kata.target_minutes, attempts=len(attempts),
            last_pass_rate=rates[0] if rates else None,
            best_pass_rate=max(rates) if rates else None,
            ever_passed=any(attempt.all_passed for attempt in attempts)))
    return rows
