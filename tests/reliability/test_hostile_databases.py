"""Hostile and damaged databases: every open or later read is a ``StoreError``, never another
exception (issue #11's fuzz list: truncated files, pages overwritten mid-file, odd meta values,
a foreign SQLite file, a zero-byte file, a folder or a device in place of the file).

Each case opens the file and, if it opens, reads everything the game reads (the store's reads,
home's counts, stats, weak areas) and then tries one answer: each step either works or raises
``StoreError`` with a kind from the list below.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import engine.store.db as store_module
from engine.clock import FakeClock
from engine.store.db import Store, StoreError
from tests.reliability.helpers import card, filled_database, overwrite_page, review

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
#: What damage may be reported as; "other"/"io" would mean an unclassified failure.
SENSIBLE = {"corrupt", "foreign", "newer"}


def _everything(store: Store, bank: Any, scheduler: Any) -> list[Callable[[], Any]]:
    from engine.progress.stats import compute_stats
    from engine.progress.weak import weak_json
    from engine.study.session import today_counts

    clock = FakeClock(NOW)
    return [
        store.reviews, store.cards, store.sessions, store.promotions, store.study_days,
        lambda: store.streak_days(NOW.date()),
        lambda: store.count_reviews(),
        lambda: store.card("hw.card1"),
        lambda: today_counts(store, bank, scheduler, clock),
        lambda: compute_stats(store, bank, scheduler, NOW, UTC),
        lambda: weak_json(store, bank, scheduler, NOW),
        lambda: store.record_review(review("hw.fuzz"), card("hw.fuzz", 999)),
    ]


def _open_and_use(path: Path, bank: Any, scheduler: Any) -> list[str]:
    """Open ``path`` and use it all; the kinds of the StoreErrors met (none if it all worked).
    Any other exception fails the test."""
    try:
        store = Store(path, auto_backup=False)
    except StoreError as error:
        assert str(path) in str(error)
        return [error.kind]
    kinds = []
    try:
        for step in _everything(store, bank, scheduler):
            try:
                step()
            except StoreError as error:
                kinds.append(error.kind)
    finally:
        store.close()
    return kinds


@pytest.mark.parametrize("keep", [0.5, 0.1, 0.9])
def test_a_truncated_file(tmp_path: Path, keep: float, bank, scheduler) -> None:
    path = filled_database(tmp_path / "progress.db")
    data = path.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    path.write_bytes(data[:int(len(data) * keep) // page_size * page_size + 100])
    kinds = _open_and_use(path, bank, scheduler)
    assert kinds and set(kinds) <= SENSIBLE and kinds[0] == "corrupt"


@pytest.mark.parametrize("seed", range(12))
def test_pages_overwritten_mid_file(tmp_path: Path, seed: int, bank, scheduler,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One to three pages overwritten with random bytes (any page, the header included), on
    the full open check and on the bounded one that leaves ``reviews`` to later reads."""
    rng = random.Random(seed)
    path = filled_database(tmp_path / "progress.db")
    pages = path.stat().st_size // int.from_bytes(path.read_bytes()[16:18], "big")
    for _ in range(rng.randint(1, 3)):
        overwrite_page(path, rng.randint(1, pages), rng.randbytes(64))
    if seed % 2:
        monkeypatch.setattr(store_module, "FULL_QUICK_CHECK_MAX_BYTES", 0)
    kinds = _open_and_use(path, bank, scheduler)
    assert set(kinds) <= SENSIBLE, kinds


def test_a_wal_full_of_garbage_is_ignored_and_nothing_is_lost(tmp_path: Path, bank,
                                                               scheduler) -> None:
    """SQLite checks each WAL frame's checksum: a -wal of random bytes adds nothing."""
    path = filled_database(tmp_path / "progress.db", reviews=20)
    path.with_name("progress.db-wal").write_bytes(random.Random(3).randbytes(70_000))
    assert _open_and_use(path, bank, scheduler) == []
    store = Store(path, auto_backup=False)
    assert len(store.reviews()) == 21  # the 20, and the fuzz answer
    store.close()


def test_a_zero_byte_file_becomes_a_new_database(tmp_path: Path, bank, scheduler) -> None:
    """An empty file is an empty SQLite database (``sqlite3`` leaves one after a mistyped
    command): it is used as a new one, which is what it is."""
    path = tmp_path / "progress.db"
    path.write_bytes(b"")
    assert _open_and_use(path, bank, scheduler) == []


def test_a_folder_in_place_of_the_file(tmp_path: Path, bank, scheduler) -> None:
    path = tmp_path / "progress.db"
    path.mkdir()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.kind == "foreign" and "is a folder" in str(caught.value)
    assert list(path.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == \
        ["progress.db"]


def test_a_symlink_to_a_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--db`` pointing at /dev/null: refused before SQLite opens it, so no ``-wal`` is ever
    created next to the device (``_connect`` fails the test if it is reached)."""
    path = tmp_path / "progress.db"
    path.symlink_to("/dev/null")

    def must_not_connect(target: Path | str) -> sqlite3.Connection:
        raise AssertionError(f"SQLite was asked to open {target}")

    monkeypatch.setattr(store_module, "_connect", must_not_connect)
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.kind == "foreign" and "not a regular file" in str(caught.value)


def test_a_symlink_to_a_real_database_is_followed(tmp_path: Path, bank, scheduler) -> None:
    real = filled_database(tmp_path / "real.db", reviews=5)
    link = tmp_path / "progress.db"
    link.symlink_to(real)
    assert _open_and_use(link, bank, scheduler) == []


def test_another_programs_database_in_wal_mode(tmp_path: Path, bank, scheduler) -> None:
    path = tmp_path / "progress.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE meta (k, v)")  # a meta table that is not ours
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    assert _open_and_use(path, bank, scheduler) == ["foreign"]


@pytest.mark.parametrize("edit", [
    "UPDATE cards SET due = 'next tuesday'",
    "UPDATE cards SET last_review = 42",
    "UPDATE reviews SET card_before_json = '{not json'",
    "UPDATE day_totals SET study_day = 'yesterday'",
])
def test_values_edited_by_hand_are_damage(tmp_path: Path, edit: str, bank,
                                          scheduler) -> None:
    """Rows SQLite reads fine but that do not decode (a date that is not a date) are reported
    as damage by the reads that decode them, not as a ``ValueError``."""
    path = filled_database(tmp_path / "progress.db", reviews=20)
    conn = sqlite3.connect(path)
    conn.execute(edit)
    conn.commit()
    conn.close()
    kinds = _open_and_use(path, bank, scheduler)
    assert set(kinds) <= SENSIBLE, kinds


def test_a_card_that_does_not_decode_is_reported_by_its_id(store: Store) -> None:
    store.record_review(review("hw.a"), card("hw.a", 1))
    store.conn.execute("UPDATE cards SET due = 'soon' WHERE id = 'hw.a'")
    with pytest.raises(StoreError) as caught:
        store.card("hw.a")
    assert caught.value.kind == "corrupt" and "card 'hw.a'" in str(caught.value)
    assert store.damage is caught.value
