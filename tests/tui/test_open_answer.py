"""An interview question end to end: write, see what was heard, self-check, rating recorded."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import SelectionList, Static, TextArea

from engine.bank import load_content
from engine.clock import FakeClock
from tui.app import TpmDrillApp
from tui.screens.drill import DrillScreen

DECK = '''
[deck]
id = "t-open"

[[open]]
id = "t.open.mtbf"
topic = "training.reliability"
level = "L6"
rounds = ["system_tradeoffs"]
prompt = "A 16k-GPU job: how often should it checkpoint?"
explanation = "Listen for the job MTBF and Young's interval."
model_answer = "Job MTBF is 50,000 h / 16,384 = 3 h, so with a 60 s write Young gives 19 min."
[[open.key_points]]
point = "Job MTBF shrinks with GPU count"
phrasings = ["job mtbf", "mean time between failures"]
[[open.key_points]]
point = "Young's interval sqrt(2 delta M)"
phrasings = ["young", "square root"]
[[open.key_points]]
point = "Checkpoint write time delta"
phrasings = ["write time", "checkpoint takes"]
'''


def _plain(app, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


def _drill_on_the_open_deck(tmp_path: Path, clock: FakeClock) -> TpmDrillApp:
    """A drill over DECK alone (one interview question), progress in ``tmp_path``."""
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "open.toml").write_text(DECK)
    bank = load_content([tmp_path / "decks"], include_builtin=False)
    assert bank.errors == []
    return TpmDrillApp(tmp_path / "p.db", clock=clock, bank=bank, start="drill")


async def test_write_self_check_and_record(tmp_path: Path, clock: FakeClock) -> None:
    app = _drill_on_the_open_deck(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen) and screen.long_form
        essay = screen.query_one("#drill-essay", TextArea)
        assert essay.has_focus
        essay.text = ("The job MTBF is about 3 h at 16k GPUs, so by Young's formula the "
                      "interval is the square root of 2 x 60 s x 3 h, about 19 min. We aligned "
                      "stakeholders on it.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Heard 2 of 3 key points" in _plain(app, "#verdict-head")  # in view
        body = _plain(app, "#feedback-body")
        assert "aligned stakeholders" in body.lower()  # the red flag and why it hurts
        assert "Model answer" in body
        checklist = screen.query_one("#self-check", SelectionList)
        assert checklist.display and checklist.has_focus
        assert sorted(checklist.selected) == [0, 1]  # what was heard comes pre-ticked
        [row] = app.store.reviews()  # recorded before the feedback was shown
        assert row["band"] == "scored" and row["auto_score"] > 0
        assert row["self_score"] is None
        assert checklist.highlighted == 0
        await pilot.press("down", "down", "space")  # the player also claims the third point
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.checking
        [row] = app.store.reviews()
        assert row["self_score"] > row["auto_score"]
        assert row["override"] == 0
        assert "Self-check" in _plain(app, "#feedback-tail")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.session.answered == 1


async def test_dont_know_on_an_interview_question(tmp_path: Path, clock: FakeClock) -> None:
    """The essay box says how to pass; a lone ? submitted is recorded as don't know."""
    app = _drill_on_the_open_deck(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen) and screen.long_form
        essay = screen.query_one("#drill-essay", TextArea)
        assert "don't know" in str(essay.placeholder)
        await pilot.press("question_mark")
        await pilot.press("ctrl+s")
        await pilot.pause()
        feedback = screen.session.feedback
        assert feedback is not None and feedback.grade is None and feedback.rating == 1
        assert "Key points a strong answer covers" in _plain(app, "#feedback-body")
        assert [r["band"] for r in app.store.reviews()] == ["dont_know"]
