"""Injected time: the engine never calls ``datetime.now`` or ``time.monotonic`` directly.

Tests pass a ``FakeClock`` and advance it, so countdowns, day rollovers and due dates are
exercised without sleeping.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Wall time (tz-aware UTC), a monotonic counter in seconds, and the local time zone."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def local_tz(self) -> tzinfo: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def local_tz(self) -> tzinfo:
        tz = datetime.now().astimezone().tzinfo
        return tz if tz is not None else UTC


class FakeClock:
    """A clock that moves only when told to; ``local`` is its local time zone (UTC default)."""

    def __init__(self, start: datetime | None = None, local: tzinfo = UTC) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs a tz-aware start time")
        self._monotonic = 1000.0
        self._local = local

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    def local_tz(self) -> tzinfo:
        return self._local

    def advance(self, seconds: float = 0.0, **kwargs: float) -> None:
        """Move both clocks forward: ``advance(30)`` or ``advance(days=2)``."""
        delta = timedelta(seconds=seconds, **kwargs)
        self._now += delta
        self._monotonic += delta.total_seconds()
