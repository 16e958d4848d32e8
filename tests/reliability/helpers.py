"""Helpers shared by the reliability tests: a tpm-drill database with some history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from engine.store.db import CardRow, ReviewRecord, Store

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def card(card_id: str, fsrs_id: int = 1) -> CardRow:
    """A card in review state, due in three days."""
    return CardRow(card_id, fsrs_id, 2, None, 3.2, 5.1, NOW + timedelta(days=3), NOW, 1, 0)


def review(card_id: str, answer: str = "989 TFLOP/s", rating: int = 3) -> ReviewRecord:
    """A graded numeric answer to ``card_id``."""
    return ReviewRecord(card_id=card_id, reviewed_at=NOW, study_day=date(2026, 1, 5),
                        rating=rating, mode="drill", kind="fact", topic="hardware.compute",
                        answer_text=answer, parsed_value=989.0, reference_value=989.4,
                        display_unit="TFLOP/s", band="exact", suggested_rating=rating,
                        was_new=True, card_before=card(card_id).to_dict())


def filled_database(path: Path, reviews: int = 400) -> Path:
    """A closed tpm-drill database with ``reviews`` answers over 40 cards (tens of pages)."""
    store = Store(path, auto_backup=False)
    for index in range(reviews):
        card_id = f"hw.card{index % 40}"
        store.record_review(review(card_id, answer=f"answer number {index} " + "x" * 80),
                            card(card_id, fsrs_id=index % 40 + 1))
    store.close()
    return path


def table_pages(path: Path, table: str) -> list[int]:
    """The page numbers (1-based) of ``table``'s leaf pages, from SQLite's ``dbstat`` (the
    table itself, not its indexes)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,))]
    finally:
        conn.close()


def overwrite_page(path: Path, page_number: int, filler: bytes | None = None) -> None:
    """Overwrite page ``page_number`` (1-based) of the closed database at ``path`` with
    ``filler`` (default: every byte inverted), as a failing disk or a sync tool would."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    start = (page_number - 1) * page_size
    page = data[start:start + page_size]
    data[start:start + page_size] = (filler * page_size)[:page_size] if filler is not None \
        else bytes(b ^ 0xFF for b in page)
    path.write_bytes(bytes(data))
