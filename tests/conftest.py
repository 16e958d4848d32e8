"""Shared fixtures: a fake clock, a throwaway database, the built-in content bank."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.bank import ContentBank, load_content
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.scheduler import Scheduler


@pytest.fixture
def clock() -> FakeClock:
    """Monday 2026-01-05 09:00 UTC, local time zone UTC."""
    return FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "progress.db"


@pytest.fixture
def store(db_path: Path):
    opened = Store(db_path)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def bank() -> ContentBank:
    return load_content()


@pytest.fixture
def config() -> Config:
    return Config()


@pytest.fixture
def scheduler(config: Config) -> Scheduler:
    return Scheduler(config)


@pytest.fixture(autouse=True, scope="session")
def _isolated_parse_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the deck-parse cache of test runs (and their subprocesses) out of the user's."""
    import os

    previous = os.environ.get("TPM_DRILL_CACHE")
    os.environ["TPM_DRILL_CACHE"] = str(tmp_path_factory.mktemp("parse-cache"))
    yield
    if previous is None:
        os.environ.pop("TPM_DRILL_CACHE", None)
    else:
        os.environ["TPM_DRILL_CACHE"] = previous


@pytest.fixture(autouse=True)
def _replayable_fsrs_fuzz() -> None:
    """py-fsrs fuzzes intervals with the global ``random`` module: seed it for every test so a
    failure replays exactly."""
    import random

    random.seed(20261129)
