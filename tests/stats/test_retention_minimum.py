"""True retention needs a minimum of review-state answers before it is shown (issue #12: on
day one "True retention, last 30 days: 0 % of 1 reviews" alarms), over 30 days and per topic;
pinned at 9 and 10, in the figures, in --json and on the stats screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Static

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.progress.stats import (
    RETENTION_MIN_REVIEWS,
    TOPIC_RETENTION_MIN_REVIEWS,
    compute_stats,
)
from engine.store.db import CardRow, ReviewRecord, Store
from engine.study.scheduler import Scheduler
from tests.tui._layout import children_lines, loaded, static_text
from tui.app import build_app
from tui.screens.stats import StatsScreen

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
    # The topic's own retention (over all its answers, here the same ones) needs as many;
    # below that it is null in --json, with its count beside it.
    assert TOPIC_RETENTION_MIN_REVIEWS == 10
    [topic] = stats.topics
    assert (topic["retention"], topic["retention_reviews"]) == (shown, in_review)
    assert data["topic_retention_min_reviews"] == 10
    assert data["topics"][0]["retention"] == shown
    assert data["topics"][0]["retention_reviews"] == in_review


async def _stats_screen(db_path: Path) -> tuple[str, list[str]]:
    """The stats screen at 80x24 at ``NOW``: its summary and its topics table, as text."""
    app = build_app(db_path, clock=FakeClock(NOW), start="stats")
    async with loaded(app) as _pilot:
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        return (static_text(screen.query_one("#stats-summary", Static)),
                children_lines(screen.query_one("#stats-topics")))


@pytest.mark.parametrize(("in_review", "retention", "summary"), [
    (0, "—", "True retention, last 30 days: needs 10 reviews (0 so far) · target 90%"),
    (9, "—", "True retention, last 30 days: needs 10 reviews (9 so far) · target 90%"),
    (10, "90%", "True retention, last 30 days: 90% of 10 reviews · target 90%"),
])
async def test_the_screen_says_how_many_reviews_retention_needs(
        db_path: Path, store: Store, in_review: int, retention: str, summary: str) -> None:
    _answers(store, in_review, failed=1 if in_review else 0)
    shown, table = await _stats_screen(db_path)
    assert shown.split("\n")[1] == summary
    # hardware.memory: every answer (learning ones too), then retention, then no numbers.
    assert table[1] == "hardware.memory".ljust(15) + f"{in_review + 3:>9}{retention:>11}" \
        + f"{'—':>14}"
    note = "Retention —: needs 10 reviews of the topic's learned cards."
    assert (note in table) == (retention == "—")
