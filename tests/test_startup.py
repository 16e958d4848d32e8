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

from textual.widgets import Input, SelectionList, TextArea

from engine.bank import load_content
from engine.clock import FakeClock
from tui.app import TpmDrillApp
from tui.screens.drill import DrillScreen

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
    "textual.widgets._text_area",  # the essay area: mounted with the first interview question
    "textual.widgets._selection_list",  # the self-check list: likewise
    "engine.study.optimize",  # fitting FSRS weights; the scheduler reads the saved ones
    # A start from the kept bank (engine.bank) checks no model and opens no package resource:
    "engine.models.compute",  # the model area modules load when a problem is checked or posed
    "zipfile",  # importlib.resources.files imports it on first use
    "engine.stories",  # the player's stories (~10 ms): only when there are any
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


NUMBER_THEN_INTERVIEW = """
[deck]
id = "t-mixed"

[[facts]]
id = "t.fact.bf16"
topic = "hardware.memory"
level = "L4"
prompt = "How many bytes does one BF16 parameter take?"
value = 2
value_unit = "byte"
unit = "byte"
tolerance = "rel:5%,15%"
explanation = "16 bits."
source = "Test deck"

[[open]]
id = "t.open.ckpt"
topic = "training.reliability"
level = "L6"
rounds = ["system_tradeoffs"]
prompt = "A 16k-GPU job: how often should it checkpoint?"
explanation = "Listen for the job MTBF and Young's interval."
model_answer = "Job MTBF is 50,000 h / 16,384 = 3 h; with a 60 s write Young gives 19 min."
[[open.key_points]]
point = "Job MTBF shrinks with GPU count"
phrasings = ["job mtbf"]
[[open.key_points]]
point = "Young's interval"
phrasings = ["young"]
"""


async def test_the_essay_and_self_check_are_mounted_with_the_first_interview_question(
        tmp_path: Path, clock: FakeClock) -> None:
    """A number first (no essay area, no self-check list: they are not built for it), then an
    interview question on the same screen: both appear in their places and work."""
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "mixed.toml").write_text(NUMBER_THEN_INTERVIEW, encoding="utf-8")
    bank = load_content([tmp_path / "decks"], include_builtin=False)
    assert bank.errors == []
    app = TpmDrillApp(tmp_path / "p.db", clock=clock, bank=bank, start="drill")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen) and not screen.long_form
        assert not screen.query("#drill-essay") and not screen.query("#self-check")
        await pilot.press("2", "enter")  # right, then accept the feedback
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.long_form and screen.session.answered == 1
        essay = screen.query_one("#drill-essay", TextArea)
        assert essay.display and essay.has_focus and not essay.read_only
        assert not screen.query_one("#drill-answer", Input).display
        order = [child.id for child in screen.children]
        assert order.index("drill-answer") + 1 == order.index("drill-essay")
        feedback_ids = [child.id for child in screen.query_one("#drill-feedback").children]
        assert feedback_ids == ["self-check", "feedback-body"]  # the rating line is above
        essay.text = "The job MTBF is ~3 h, so checkpoint by Young's interval."
        await pilot.press("ctrl+s")
        await pilot.pause()
        checklist = screen.query_one("#self-check", SelectionList)
        assert checklist.display and checklist.has_focus and screen.checking
        assert sorted(checklist.selected) == [0, 1]
        assert essay.read_only
        await pilot.press("ctrl+s", "enter")
        await pilot.pause()
        assert [row["card_id"] for row in app.store.reviews()] == ["t.fact.bf16", "t.open.ckpt"]


async def test_the_start_screen_is_the_base_of_the_stack_and_leaving_it_works(
        tmp_path: Path, clock: FakeClock) -> None:
    """``tpm-drill drill`` draws the drill as the first screen (not over an empty default
    one); back goes home, which replaces it."""
    from tui.screens.home import HomeScreen

    app = TpmDrillApp(tmp_path / "p.db", clock=clock, start="drill", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(app.screen_stack) == 1 and isinstance(app.screen, DrillScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and isinstance(app.screen, HomeScreen)
    home = TpmDrillApp(tmp_path / "p.db", clock=clock, start="home")
    async with home.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(home.screen_stack) == 1 and isinstance(home.screen, HomeScreen)


async def test_a_drill_that_cannot_start_says_why_and_goes_home(
        tmp_path: Path, clock: FakeClock, monkeypatch) -> None:
    from engine.store.db import StoreError
    from tui.screens.home import HomeScreen

    def locked(self: TpmDrillApp, mode: str = "drill") -> None:
        raise StoreError("progress.db is locked by another program; close it and try again")

    monkeypatch.setattr(TpmDrillApp, "new_session", locked)
    app = TpmDrillApp(tmp_path / "p.db", clock=clock, start="drill")
    said: list[tuple[str, str]] = []
    real_notify = app.notify
    monkeypatch.setattr(app, "notify", lambda message, **kw: (
        said.append((kw.get("title", ""), message)), real_notify(message, **kw))[-1])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert said == [("Cannot start a drill",
                         "progress.db is locked by another program; close it and try again")]
