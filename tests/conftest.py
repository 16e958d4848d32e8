"""Shared fixtures: a fake clock, a throwaway database, the built-in content bank."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.bank import ContentBank, load_content
from engine.clock import FakeClock
from engine.config import Config
from engine.scheduler import Scheduler
from engine.store import Store


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
