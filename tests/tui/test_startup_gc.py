"""``tui.startup_gc``: the collector is off while the app starts and always on afterwards."""

from __future__ import annotations

import gc

import pytest

from tui import startup_gc


def test_collector_off_inside_on_after_and_startup_objects_frozen() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    try:
        with startup_gc():
            assert not gc.isenabled()
            kept = [[index] for index in range(1000)]  # long-lived startup objects
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()  # leave the test process as it was


def test_collector_back_on_when_startup_fails() -> None:
    try:
        with pytest.raises(RuntimeError), startup_gc():
            raise RuntimeError("the database cannot be opened")
        assert gc.isenabled()
    finally:
        gc.unfreeze()
