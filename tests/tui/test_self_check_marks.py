"""Self-check boxes read ticked or not without colour: "[x]" and "[ ]", one box per key point
however many lines the point wraps to."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import SelectionList, TextArea

from engine.bank import load_content
from engine.clock import FakeClock
from tui.app import TpmDrillApp
from tui.screens.drill import DrillScreen
from tui.widgets.checklist import TICKED, UNTICKED

LONG_POINT = ("Checkpoint write time delta, measured on the real storage tier under the load of "
              "every other job that writes at the same moment")
DECK = f'''
[deck]
id = "t-marks"

[[open]]
id = "t.open.marks"
topic = "training.reliability"
level = "L6"
rounds = ["system_tradeoffs"]
prompt = "A 16k-GPU job: how often should it checkpoint?"
explanation = "Listen for the job MTBF and Young's interval."
model_answer = "Job MTBF is 50,000 h / 16,384 = 3 h, so with a 60 s write Young gives 19 min."
[[open.key_points]]
point = "Job MTBF shrinks with GPU count"
phrasings = ["job mtbf"]
[[open.key_points]]
point = "{LONG_POINT}"
phrasings = ["write time"]
[[open.key_points]]
point = "Young's interval sqrt(2 delta M)"
phrasings = ["young"]
'''


def _rows(checklist: SelectionList) -> list[str]:
    """The list's lines as drawn (no colour: the text alone)."""
    return [checklist.render_line(y).text for y in range(checklist.content_region.height)]


async def test_ticked_and_unticked_boxes_differ_in_text(tmp_path: Path, clock: FakeClock) -> None:
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "marks.toml").write_text(DECK)
    bank = load_content([tmp_path / "decks"], include_builtin=False)
    assert bank.errors == []
    app = TpmDrillApp(tmp_path / "p.db", clock=clock, bank=bank, start="drill")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        screen.query_one("#drill-essay", TextArea).text = (
            "The job MTBF falls as GPUs grow, so checkpoint often.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        checklist = screen.query_one("#self-check", SelectionList)
        assert screen.checking and sorted(checklist.selected) == [0]
        rows = _rows(checklist)
        boxed = [row for row in rows if row.lstrip().startswith(("[x]", "[ ]"))]
        assert [row.lstrip()[:3] for row in boxed] == [TICKED, UNTICKED, UNTICKED], rows
        assert TICKED != UNTICKED
        assert "Job MTBF shrinks" in boxed[0] and "Young's interval" in boxed[2]
        # The long point wraps, all of it in view: its other lines have no box of their own.
        assert len(rows) >= 4 and not rows[2].lstrip().startswith("["), rows
        assert checklist.size.height == len(checklist._lines) == len(rows)
        assert "every other job" in " ".join(rows)
        await pilot.press("down", "space")  # tick the long point
        await pilot.pause()
        boxed = [row.lstrip()[:3] for row in _rows(checklist)
                 if row.lstrip().startswith(("[x]", "[ ]"))]
        assert boxed == [TICKED, TICKED, UNTICKED]
        assert sorted(checklist.selected) == [0, 1]
