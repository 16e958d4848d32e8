"""The headless core of tpm-drill: models, questions, scheduling, storage, sessions.

Never imports Textual: screens call into this package and render what it returns.
"""

import math
from typing import Any

__version__ = "0.1.0"


def counted(count: int, noun: str) -> str:
    """``count`` with ``noun`` in the number it takes: "1 answer", "3 answers", "0 days"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def finite_or_none(value: Any) -> Any:
    """A non-finite float (NaN, ±inf) as ``None``; anything else unchanged.

    JSON has no NaN or infinity, and SQLite columns read better as NULL than as inf.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
