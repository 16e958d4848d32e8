"""The screens when the database fails after the app opened it (issue #11): damage met
between questions is said where the question would be, Esc goes home and home says it too —
no traceback, nothing more written; a skipped backup is told; any other StoreError that
reaches the app ends it with the store's one line and exit code 2, not a crash log."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Static

import engine.store.db as store_module
from engine.clock import FakeClock
from engine.store import backup as backup_module
from engine.store.db import Store, StoreError
from tests.reliability.helpers import NOW, filled_database, overwrite_page, table_pages
from tui.app import build_app
from tui.screens.drill import DrillScreen
from tui.screens.home import HomeScreen


def _plain(app, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


def _damaged_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Today's backup made at a first open, then every page of ``reviews`` damaged: a big
    file's open check leaves the history to the backup, so the app opens and meets the
    damage on its first read of the reviews."""
    path = filled_database(tmp_path / "progress.db")
    Store(path, FakeClock(NOW)).close()
    for page in table_pages(path, "reviews"):
        overwrite_page(path, page)
    monkeypatch.setattr(store_module, "FULL_QUICK_CHECK_MAX_BYTES", 0)
    return path


async def test_damage_met_in_a_drill_is_said_and_esc_goes_home(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _damaged_history(tmp_path, monkeypatch)
    wal = path.with_name(path.name + "-wal")
    app = build_app(path, clock=FakeClock(NOW), start="drill", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        prompt = _plain(app, "#drill-prompt")
        assert "The next card cannot be read" in prompt and "damaged" in prompt
        found = (path.read_bytes(), wal.read_bytes())  # once the damage is known...
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        home = _plain(app, "#home-stats")
        assert "cannot be read right now" in home and "backup --restore" in home
        await pilot.press("d")  # a new drill is refused with a notice, the app stays up
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.is_running
        assert (path.read_bytes(), wal.read_bytes()) == found  # ...nothing more is written
    assert app.return_code in (0, None) and app.crash_line is None


async def test_a_backup_skipped_for_a_full_disk_is_told(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = filled_database(tmp_path / "progress.db", reviews=5)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_module, "_fsync", no_space)
    app = build_app(path, clock=FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = [(n.title, n.message) for n in app._notifications]
        assert any(title == "No backup today" and "disk is full" in message
                   for title, message in shown), shown


async def test_an_unhandled_store_error_exits_2_with_its_message(tmp_path: Path) -> None:
    app = build_app(tmp_path / "progress.db", clock=FakeClock(NOW))
    with pytest.raises(StoreError):  # run_test re-raises what ended the app
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.call_later(_raise, StoreError(f"{tmp_path}/progress.db is read-only",
                                              "readonly"))
            await pilot.pause()
    assert app.return_code == 2
    assert app.crash_line == f"tpm-drill: {tmp_path}/progress.db is read-only"
    assert not list(tmp_path.glob("crash-*.log"))  # a condition of the file, not a bug


def _raise(error: Exception) -> None:
    raise error
