"""Case compositions for the depth cases (see ``engine.cases.references`` for the contract).

Each function is registered with ``@composition``; a case step names it as its reference.
Imported once, at the end of ``engine.cases.references``, so registering never depends on
which case is posed first.
"""

from __future__ import annotations

from engine.cases.references import composition  # noqa: F401 — used by the compositions below
