"""Human phrasing of times for the screens ("in 3 h, at 14:05")."""

from __future__ import annotations

from datetime import datetime

from engine.clock import Clock


def describe_due(due: datetime, clock: Clock) -> str:
    """When ``due`` is, relative to now and in local time: "now", "in 12 min (09:41)"..."""
    now = clock.now()
    seconds = (due - now).total_seconds()
    local = due.astimezone(clock.local_tz())
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))} min ({local:%H:%M})"
    if seconds < 86400:
        return f"in {seconds / 3600:.0f} h ({local:%H:%M})"
    days = seconds / 86400
    return f"in {days:.0f} day{'s' if round(days) != 1 else ''} ({local:%a %d %b})"
