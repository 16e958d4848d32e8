"""What tpm-drill loads before its first question is on screen (start-up as a player meets it).

Every module left out of the path to the first question is start-up time saved on every run
(``tests/perf/pty_startup.py`` measures it in a real terminal). The path is exercised in a
fresh interpreter, as the ``tpm-drill drill`` command takes it: the CLI's collector setting,
``build_app``, the real app headless at 80×24, until the first prompt is drawn.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Loaded later (the first answer, the warm-up after the first screen, an open question, a
#: review), never before the first question is drawn; what each costs is measured in the
#: commit that deferred it.
NOT_BEFORE_FIRST_QUESTION = (
    "pint",  # the unit registry (~0.3 s): the first answer or the warm-up
    "numpy",
    "scipy",
    "rapidfuzz",
    "grading._syntax",  # the answer cutter's regular expressions (~8 ms)
)

_FIRST_QUESTION = """
import asyncio, json, sys
from pathlib import Path
from tui import startup_gc
import tui.app
tui.app._warm_grading = lambda: None  # the warm-up thread loads graders after the first screen
with startup_gc():
    app = tui.app.build_app(Path(sys.argv[1]), start="drill")
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        from textual.widgets import Static
        while not (app.screen.query("#drill-prompt")
                   and str(app.screen.query_one("#drill-prompt", Static).content)):
            await pilot.pause()
        loaded = sorted(sys.modules)
        print(json.dumps({"prompt": str(app.screen.query_one("#drill-prompt", Static).content),
                          "loaded": loaded}))
asyncio.run(main())
"""


def _first_question(db_path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _FIRST_QUESTION, str(db_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_the_first_question_is_drawn_without_the_deferred_modules(tmp_path: Path) -> None:
    db_path = tmp_path / "progress.db"
    _first_question(db_path)  # the first open makes the file; players meet the second
    shown = _first_question(db_path)
    assert shown["prompt"]
    loaded = set(shown["loaded"])  # type: ignore[arg-type]
    early = [name for name in NOT_BEFORE_FIRST_QUESTION if name in loaded]
    assert early == [], f"loaded before the first question: {early}"
