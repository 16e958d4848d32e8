"""The case screen played headless at 80×24 from the drill, on a real database, real FSRS and
the real graders (issue 14): each step's verdict as soon as it is answered (errors carried
forward), ``?`` reveals, an unreadable answer said under the box and re-entered, a decision
picked by its number, the justification, the verdict with where the chain broke, every step
in ``reviews`` and ``graded_steps``, the draft kept through Esc and restored, undo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from textual.widgets import Input, Static, TextArea

from content.cases import Case
from content.catalog import builtin_catalog
from engine.bank import ContentBank
from engine.clock import FakeClock
from tests.cases.helpers import core_case, read_one
from tui.app import TpmDrillApp
from tui.screens.case import CaseScreen, read_answer_text, read_case_draft
from tui.screens.done import DoneScreen

BUDGET = core_case("case.train_budget")
JUSTIFY = ("MFU is the assumption to benchmark first: the bill scales with 1/MFU. More GPUs "
           "buy calendar time, not a cheaper run. Restarts and checkpoint stalls cost "
           "goodput, so I add a contingency buffer.")

#: A small case with a decision (as tests/cases/test_chain_grading.py's): 6·70e9·15e12 =
#: 6.3e24 FLOP at 1,024 × 989e12 × 0.4 = 4.05e17 FLOP/s is 180 days on 1,024 GPUs, 90 on
#: 2,048 and 45 on 4,096, against a 60-day deadline.
DEADLINE = """
[[cases]]
id = "t.deadline"
topic = "training.compute"
level = "L5"
rounds = ["program_design"]
scenario = "{params:count} params, {tokens:count} tokens, {gpus:int} GPUs, {deadline_days} days."
explanation = "Compare the run's days with the deadline."
[cases.params]
params = 70e9
tokens = 15e12
gpus = { choices = [1024, 2048, 4096] }
peak_flops = 989e12
mfu = 0.4
deadline_days = 60
[cases.param_units]
peak_flops = "FLOP/s"
deadline_days = "day"
[[cases.steps]]
id = "compute"
prompt = "Compute?"
unit = "FLOP"
reference = "train_flops"
inputs = { params = "param:params", tokens = "param:tokens" }
[[cases.steps]]
id = "days"
prompt = "Days?"
unit = "day"
tolerance = "rel:10%,25%"
reference = "training_seconds_from_compute"
[cases.steps.inputs]
compute_flops = "step:compute"
gpus = "param:gpus"
peak_flops = "param:peak_flops"
mfu = "param:mfu"
[[cases.steps]]
id = "fits"
kind = "decision"
prompt = "Does it make the deadline?"
options = ["Yes, it fits", "No, it misses"]
rule = "at_most"
inputs = { value = "step:days", limit = "param:deadline_days" }
[cases.justify]
prompt = "Why?"
model_answer = "Because the run's days are under the deadline."
[[cases.justify.key_points]]
point = "days vs deadline"
phrasings = ["deadline"]
"""


def _app(db_path: Path, clock: FakeClock, *cases: Case, seed: int = 1) -> TpmDrillApp:
    bank = ContentBank({case.id: case for case in cases or (BUDGET,)}, builtin_catalog())
    return TpmDrillApp(db_path, clock=clock, start="drill", bank=bank, seed=seed)


def _rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def _text(screen: CaseScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _steps_text(screen: CaseScreen) -> list[str]:
    """The verdicts of the steps answered, as drawn above the current step."""
    return ["\n".join(str(part.render()) for part in step.query(Static))
            for step in screen.query(".case-step")]


def _typed(screen: CaseScreen, index: int, factor: float = 1.0) -> str:
    """The reference of step ``index`` (times ``factor``) as a player would type it: a bare
    number, read in the step's unit."""
    step = screen.posed.steps[index]
    assert step.reference_display is not None
    return f"{step.reference_display * factor:.5g}"


async def _answer(pilot, screen: CaseScreen, text: str) -> None:
    """Type ``text`` into the step's box, key by key, and press Enter."""
    screen.query_one("#case-answer", Input).focus()
    await pilot.press(*text, "enter")
    await pilot.pause()


async def _case_screen(app: TpmDrillApp, pilot) -> CaseScreen:
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CaseScreen)
    return screen


async def test_a_right_chain_is_recorded_step_by_step(db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        assert screen.posed.scenario in _text(screen, "#case-scenario")
        assert "Step 1 of 4" in _text(screen, "#case-current")
        assert screen.query_one("#case-answer", Input).has_focus
        for index in range(4):
            await _answer(pilot, screen, _typed(screen, index))
            shown = _steps_text(screen)[index]
            assert "✓ Right" in shown and "Reference:" in shown  # graded at once
            assert _rows(db_path, "SELECT COUNT(*) FROM reviews") == [(0,)]  # not yet recorded
        assert "Justify it" in _text(screen, "#case-current")
        justify = screen.query_one("#case-justify", TextArea)
        assert justify.display and justify.has_focus
        justify.insert(JUSTIFY)
        clock.advance(300)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.feedback is not None
        head = _text(screen, "#case-verdict")
        assert "Score" in head and "Enter:" in head
        result = _text(screen, "#case-result")
        assert "every step right" in result and "What the grader heard" in result
        assert "Show work" in result and "Training compute C = 6·N·D" in result
        reviews = _rows(db_path, "SELECT card_id, kind, band, answer_text FROM reviews")
        assert len(reviews) == 1 and reviews[0][:3] == (BUDGET.id, "case", "scored")
        assert reviews[0][3].startswith("1. ") and JUSTIFY in reviews[0][3]
        steps = _rows(db_path, "SELECT position, step_id, status FROM graded_steps "
                               "ORDER BY position")
        assert steps == [(0, "compute", "exact"), (1, "days", "exact"),
                         (2, "gpu_hours", "exact"), (3, "cost", "exact")]
        assert _rows(db_path, "SELECT COUNT(*) FROM drafts") == [(0,)]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)  # the only card: done, the case counted
        assert "1 case (scored step by step)" in str(
            app.screen.query_one("#done-body", Static).render())


async def test_first_step_off_by_two_then_consistent(db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        for index in range(4):  # every step doubled: step 1 is off, the rest follow from it
            await _answer(pilot, screen, _typed(screen, index, 2.0))
        shown = _steps_text(screen)
        assert "✗ Off" in shown[0] and "Off by 2.0×" in shown[0]
        for later in shown[1:]:
            assert "↪ Consistent" in later and "consistent with your step" in later
        assert "consistent with your step 1 (compute)" in shown[1]
        await pilot.press("ctrl+s")  # no justification: allowed, 0 on its share
        await pilot.pause()
        assert screen.feedback is not None
        result = _text(screen, "#case-result")
        assert "Your chain broke at step 1 (compute)" in result
        assert "← broke here" in result and "none written" in result
        steps = _rows(db_path, "SELECT status, consistent FROM graded_steps ORDER BY position")
        assert steps == [("off", 0), ("consistent", 1), ("consistent", 1), ("consistent", 1)]
        # Chain (0 + 0.8 · 3) / 4 = 0.6, two thirds of the score: 0.4 → Again
        assert "Score 40%" in _text(screen, "#case-verdict")
        assert _rows(db_path, "SELECT rating, auto_score FROM reviews") == [(1, 0.4)]
        await pilot.press("3")  # the rating can be changed, as in the drill
        assert screen.feedback.rating == 3 and screen.feedback.overridden
        assert "Good (your override)" in _text(screen, "#case-verdict")
        assert _rows(db_path, "SELECT rating FROM reviews") == [(3,)]


async def test_question_mark_reveals_and_the_chain_goes_on(db_path: Path,
                                                           clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        await _answer(pilot, screen, _typed(screen, 0))
        screen.query_one("#case-answer", Input).focus()
        await pilot.press("?")  # a lone ? reveals at once, no Enter
        await pilot.pause()
        revealed = _steps_text(screen)[1]
        reference = screen.posed.steps[1].reference_text()
        assert "? Revealed" in revealed and f"Reference: {reference}" in revealed
        assert screen.answers == [_typed(screen, 0), "?"]
        assert screen.query_one("#case-answer", Input).value == ""
        await _answer(pilot, screen, _typed(screen, 2))  # right from the revealed reference
        assert "✓ Right" in _steps_text(screen)[2]
        await _answer(pilot, screen, _typed(screen, 3))
        screen.query_one("#case-justify", TextArea).insert("?")
        await pilot.press("ctrl+s")
        await pilot.pause()
        steps = _rows(db_path, "SELECT status, credit FROM graded_steps ORDER BY position")
        assert steps == [("exact", 1.0), ("revealed", 0.0), ("exact", 1.0), ("exact", 1.0)]
        assert "you asked for the reference" in _text(screen, "#case-result")


async def test_an_unreadable_step_is_said_and_re_entered(db_path: Path,
                                                         clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        await _answer(pilot, screen, _typed(screen, 0))
        await _answer(pilot, screen, "about a month")
        message = _text(screen, "#case-message")
        assert "Not graded" in message and "step 2 (days)" in message
        assert "about a month" in message
        box = screen.query_one("#case-answer", Input)
        assert box.value == "about a month"  # nothing lost: fix it in place
        assert screen.answers == [_typed(screen, 0)] and len(_steps_text(screen)) == 1
        await _answer(pilot, screen, "5 kg")  # the wrong dimension: not graded either
        assert "Not graded" in _text(screen, "#case-message")
        assert len(screen.answers) == 1
        await pilot.press("ctrl+u")
        await _answer(pilot, screen, _typed(screen, 1) + " days")
        assert len(screen.answers) == 2 and "✓ Right" in _steps_text(screen)[1]
        assert not screen.query_one("#case-message", Static).display
        assert _rows(db_path, "SELECT COUNT(*) FROM reviews") == [(0,)]


async def test_a_decision_is_picked_by_its_number(db_path: Path, clock: FakeClock) -> None:
    case = read_one(DEADLINE)
    app = _app(db_path, clock, case)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        await _answer(pilot, screen, _typed(screen, 0))
        await _answer(pilot, screen, _typed(screen, 1))
        prompt = _text(screen, "#case-current")
        assert "1. Yes, it fits" in prompt and "2. No, it misses" in prompt
        right = screen.posed.steps[2].right_option
        assert right is not None
        await _answer(pilot, screen, "3")  # no such option: said, re-entered
        assert "pick an option by its number or text" in _text(screen, "#case-message")
        await pilot.press("ctrl+u")
        await _answer(pilot, screen, str(right + 1))
        shown = _steps_text(screen)[2]
        option = screen.posed.steps[2].options[right]
        assert "✓ Right" in shown and f"You: {right + 1}. {option}" in shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        rows = _rows(db_path, "SELECT status, picked, right_option FROM graded_steps "
                              "WHERE step_id = 'fits'")
        assert rows == [("exact", option, option)]


async def test_a_decision_is_picked_by_its_text(db_path: Path, clock: FakeClock) -> None:
    case = read_one(DEADLINE)
    app = _app(db_path, clock, case)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        await _answer(pilot, screen, _typed(screen, 0))
        await _answer(pilot, screen, _typed(screen, 1))
        step = screen.posed.steps[2]
        assert step.right_option is not None
        wrong = step.options[1 - step.right_option]
        await _answer(pilot, screen, wrong.lower())
        assert "✗ Off" in _steps_text(screen)[2] and screen.justifying


async def test_esc_keeps_the_draft_and_the_case_comes_back(db_path: Path,
                                                           clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        first, second = _typed(screen, 0, 2.0), _typed(screen, 1, 2.0)
        seed = screen.posed.seed
        await _answer(pilot, screen, first)
        await _answer(pilot, screen, second)
        screen.query_one("#case-answer", Input).focus()
        await pilot.press(*"123")  # typed in the third box, not entered
        await pilot.pause()
        [(key, text)] = _rows(db_path, "SELECT key, text FROM drafts")  # on disk as typed
        assert key == f"card:{BUDGET.id}"
        assert json.loads(text) == {"seed": seed, "answers": [first, second],
                                    "current": "123", "justify": ""}
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CaseScreen)
    assert _rows(db_path, "SELECT COUNT(*) FROM reviews") == [(0,)]

    # Met again in another session with another seed: posed again at the draft's seed, the
    # two steps graded as before, the third box as it was left.
    again = _app(db_path, clock, seed=99)
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(again, pilot)
        assert screen.posed.seed == seed
        assert screen.answers == [first, second]
        shown = _steps_text(screen)
        assert len(shown) == 2 and "✗ Off" in shown[0] and "↪ Consistent" in shown[1]
        assert screen.query_one("#case-answer", Input).value == "123"
        assert "Step 3 of 4" in _text(screen, "#case-current")
        await pilot.press("ctrl+u")
        await _answer(pilot, screen, _typed(screen, 2, 2.0))
        await _answer(pilot, screen, _typed(screen, 3, 2.0))
        screen.query_one("#case-justify", TextArea).insert("MFU first")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [(seed_recorded,)] = _rows(db_path, "SELECT seed FROM reviews")
    assert seed_recorded == seed
    statuses = _rows(db_path, "SELECT status FROM graded_steps ORDER BY position")
    assert statuses == [("off",), ("consistent",), ("consistent",), ("consistent",)]
    assert _rows(db_path, "SELECT COUNT(*) FROM drafts") == [(0,)]


async def test_the_justification_is_kept_as_typed(db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        for index in range(4):
            await _answer(pilot, screen, _typed(screen, index))
        await pilot.press(*"MFU")
        await pilot.pause()
        [(text,)] = _rows(db_path, "SELECT text FROM drafts")
        assert json.loads(text)["justify"] == "MFU" and len(json.loads(text)["answers"]) == 4
        await pilot.press("escape")
        await pilot.pause()
    again = _app(db_path, clock, seed=7)
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(again, pilot)
        assert screen.justifying
        assert screen.query_one("#case-justify", TextArea).text == "MFU"


async def test_undo_takes_the_case_back_and_offers_the_answers(db_path: Path,
                                                               clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        typed = [_typed(screen, index, 2.0 if index == 0 else 1.0) for index in range(4)]
        for text in typed:
            await _answer(pilot, screen, text)
        screen.query_one("#case-justify", TextArea).insert("MFU first")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert _rows(db_path, "SELECT COUNT(*) FROM graded_steps") == [(4,)]
        await pilot.press("u")
        await pilot.pause()
        assert screen.feedback is None and screen.answers == []
        assert _rows(db_path, "SELECT COUNT(*) FROM reviews") == [(0,)]
        assert _rows(db_path, "SELECT COUNT(*) FROM graded_steps") == [(0,)]
        box = screen.query_one("#case-answer", Input)
        assert box.display and box.value == typed[0]  # what was typed, offered again
        assert "Step 1 of 4" in _text(screen, "#case-current")
        await pilot.press("ctrl+u")
        await _answer(pilot, screen, _typed(screen, 0))  # fixed this time
        for index in range(1, 4):
            assert screen.query_one("#case-answer", Input).value == typed[index]
            await pilot.press("enter")  # kept as it was
            await pilot.pause()
        assert screen.query_one("#case-justify", TextArea).text == "MFU first"
        await pilot.press("ctrl+s")
        await pilot.pause()
        statuses = _rows(db_path, "SELECT status FROM graded_steps ORDER BY position")
        assert statuses == [("exact",)] * 4


def test_drafts_and_answer_texts_read_back() -> None:
    assert read_case_draft("") is None and read_case_draft("1. 45 days") is None
    assert read_case_draft("{not json") is None and read_case_draft('{"answers": 3}') is None
    assert read_case_draft('{"seed": 3, "answers": ["1"]}') == {"seed": 3, "answers": ["1"]}
    assert read_answer_text("1. 6e24\n2. ?\n3. 45 days\n\nMFU first.\nThen price.") == \
        (["6e24", "?", "45 days"], "MFU first.\nThen price.")
    assert read_answer_text("1. 6e24\n2. 45") == (["6e24", "45"], "")
    assert read_answer_text("just words") == ([], "just words")


async def test_the_timer_runs_against_the_target(db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        screen.show_status()
        assert "step 1 of 4" in _text(screen, "#case-status")
        assert "0:00" in _text(screen, "#case-status") and "8:00" in _text(screen, "#case-status")
        clock.advance(8 * 60 - 1)  # a second under the 8-minute target
        screen.show_status()
        assert "7:59" in _text(screen, "#case-status")
        assert "$warning" not in screen.status_line()
        clock.advance(1)  # at the target: shown as over
        assert "$warning" in screen.status_line()


async def test_time_up_records_the_case_as_it_stands(db_path: Path, clock: FakeClock) -> None:
    """What a loop round calls when its time runs out: the steps answered are graded, the
    box's text too if it reads, the rest revealed; the screen closes and the drill goes on."""
    app = _app(db_path, clock)
    answered: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _case_screen(app, pilot)
        drill = app.screen_stack[-2]
        drill.case_answered = answered.append  # the hook a loop overrides
        await _answer(pilot, screen, _typed(screen, 0))
        screen.query_one("#case-answer", Input).focus()
        await pilot.press(*_typed(screen, 1))  # typed, not entered
        screen.time_up()
        await pilot.pause()
        assert not isinstance(app.screen, CaseScreen)
    assert len(answered) == 1 and answered[0].cut_off
    statuses = _rows(db_path, "SELECT status FROM graded_steps ORDER BY position")
    assert statuses == [("exact",), ("exact",), ("revealed",), ("revealed",)]
    assert _rows(db_path, "SELECT cut_off FROM reviews") == [(1,)]
