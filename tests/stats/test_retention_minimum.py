"""True retention needs a minimum of review-state answers before it is shown (issue #12: on
day one "True retention, last 30 days: 0 % of 1 reviews" alarms); pinned at 9 and 10."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.bank import ContentBank
from engine.progress.stats import RETENTION_MIN_REVIEWS, compute_stats
from engine.store.db import CardRow, ReviewRecord, Store
from engine.study.scheduler import Scheduler

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _answers(store: Store, in_review: int, failed: int, learning: int = 3) -> None:
    """``in_review`` answers to cards in review state (``failed`` of them Again), plus
    ``learning`` answers to new cards, which do not count toward true retention."""
    for index in range(in_review + learning):
        at = NOW - timedelta(hours=index + 1)
        review_state = index < in_review
        rating = 1 if index < failed else 3
        card_id = f"hw.c{index}"
        before = CardRow(card_id, index + 1, 2 if review_state else 1, None, 5.0, 5.0, at,
                         at - timedelta(days=5), 3, 0)
        store.record_review(
            ReviewRecord(card_id=card_id, reviewed_at=at, study_day=(at - timedelta(hours=4))
                         .date(), rating=rating, mode="drill", kind="fact",
                         topic="hardware.memory", card_before=before.to_dict()),
            before)


@pytest.mark.parametrize(("in_review", "failed", "shown"), [
    (0, 0, None),
    (1, 1, None),                                      # the "0 % of 1 reviews"
    (RETENTION_MIN_REVIEWS - 1, 1, None),              # 9: still too few
    (RETENTION_MIN_REVIEWS, 1, 0.9),                   # 10: 9 of 10 passed
    (RETENTION_MIN_REVIEWS + 1, 0, 1.0),               # 11
])
def test_retention_is_shown_from_ten_review_state_answers(
        store: Store, bank: ContentBank, scheduler: Scheduler, in_review: int, failed: int,
        shown: float | None) -> None:
    assert RETENTION_MIN_REVIEWS == 10
    _answers(store, in_review, failed)
    stats = compute_stats(store, bank, scheduler, NOW, UTC)
    assert stats.retention_30d == shown
    assert stats.retention_30d_reviews == in_review  # said even while too few
    data = stats.to_json()
    assert data["retention_min_reviews"] == 10
    assert data["retention_30d"] == shown and data["retention_30d_reviews"] == in_review
