"""A transaction interrupted by Ctrl+C (KeyboardInterrupt, a BaseException) is rolled back.

Issue #12's planted-bug check narrowed ``Store.transaction``'s ``except BaseException`` to
``except Exception`` unnoticed: Ctrl+C mid-write then left the connection inside an open
transaction holding the write lock, with half a change pending.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.store.db import Store


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit, ValueError])
def test_an_interrupted_transaction_is_rolled_back(tmp_path: Path,
                                                   interrupt: type[BaseException]) -> None:
    path = tmp_path / "rollback.db"
    store = Store(path, auto_backup=False)
    try:
        with pytest.raises(interrupt), store.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('half', 'written')")
            raise interrupt()
        assert not store.conn.in_transaction
        assert store.conn.execute("SELECT 1 FROM meta WHERE key = 'half'").fetchone() is None
        other = Store(path, auto_backup=False)  # and the write lock was released
        try:
            with other.transaction() as conn:
                conn.execute("INSERT INTO meta (key, value) VALUES ('next', 'fine')")
        finally:
            other.close()
    finally:
        store.close()
