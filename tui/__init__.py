"""The Textual front end: screens render what the engine returns, one call per user action."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def startup_gc() -> Iterator[None]:
    """No garbage collection while the app is imported and built, then freeze what exists.

    Starting allocates a few hundred thousand long-lived objects (Textual, the content bank)
    and almost no garbage, yet the cyclic collector keeps walking them: a full collection in
    the middle of mounting the first screen cost ~30 ms. Imports and setup run with the
    collector off; afterwards ``gc.freeze()`` moves everything alive into the permanent
    generation, so later collections skip it (measured: first question on screen ~10 %
    sooner; ``tests/perf/bench.py coldstart``). The collector is on again for the session.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
