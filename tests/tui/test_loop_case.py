"""A whole onsite loop with cases in three rounds, played through the LoopScreen and the case
screen at 80×24 on a fake clock (issue 14 item 5): each round's open question and numbers
first, then its case, played under the round's countdown; the last case is cut off by the
clock mid-case and recorded as typed; the rounds' scores follow 2/3 · graded + 1/3 · written
(worked from the recorded answers); the debrief shows every chain and the verdict cites the
graded steps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, Static, TextArea

from content.cases import Case
from engine.bank import ContentBank, load_content
from engine.clock import FakeClock
from tests.cases.helpers import core_case
from tests.tui._layout import static_text
from tests.tui._probes import answer_probes
from tui.app import TpmDrillApp
from tui.screens.case import CaseScreen
from tui.screens.loop import DebriefScreen, LoopScreen, RoundIntroScreen

CASE = core_case("case.train_budget")
THREE = ("program_design", "technical_depth", "system_tradeoffs")
JUSTIFY = ("MFU is the assumption to benchmark first: the bill scales with 1/MFU. More GPUs "
           "buy calendar time, not a cheaper run. Restarts and checkpoint stalls cost "
           "goodput, so I add a contingency buffer.")
ROUND_MINUTES = 10
#: How many follow-up probes each open question asked on screen (filled as the loop plays).
PROBES_ASKED: dict[str, int] = {}


def _bank() -> ContentBank:
    """The built-in bank without its own cases, plus the contract case once per round."""
    builtin = load_content(())
    items = {k: v for k, v in builtin.items.items() if not isinstance(v, Case)}
    for name in THREE:
        items[f"case.{name}"] = replace(CASE, id=f"case.{name}", rounds=(name,))
    return ContentBank(items=items, catalog=builtin.catalog)


def _app(db_path: Path, clock: FakeClock) -> TpmDrillApp:
    return TpmDrillApp(db_path, clock=clock, start="loop", bank=_bank(), seed=5,
                       loop_options={"level": "L5", "round_minutes": ROUND_MINUTES,
                                     "with_screen": False})


def _typed(screen: CaseScreen, index: int, factor: float = 1.0) -> str:
    step = screen.posed.steps[index]
    assert step.reference_display is not None
    return f"{step.reference_display * factor:.5g}"


async def _answer(pilot, screen: CaseScreen, text: str) -> None:
    screen.query_one("#case-answer", Input).focus()
    await pilot.press(*text, "enter")
    await pilot.pause()


async def _answer_question(pilot, screen: LoopScreen) -> None:
    """An open question with its model answer (the self-check as detected) and its
    follow-ups, if any, right in technical depth and revealed ("?") elsewhere; a number with
    "?"; then Enter moves on."""
    question = screen.session.question
    assert question is not None
    if question.kind == "open":
        screen.query_one("#drill-essay", TextArea).text = question.model_answer
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        PROBES_ASKED[question.item_id] = await answer_probes(
            pilot, screen, right=screen.loop.current.plan.name == "technical_depth")
    else:
        screen.query_one("#drill-answer", Input).value = "?"
        await pilot.press("enter")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def _start_round(app: TpmDrillApp, pilot, name: str) -> tuple[LoopScreen, CaseScreen]:
    """Enter at the round's intro, answer the round's open question and numbers; the round
    ends on its case, played under the round's countdown."""
    assert isinstance(app.screen, RoundIntroScreen)
    intro = static_text(app.screen.query_one("#intro-body", Static))
    assert "1 case worked step by step" in intro
    await pilot.press("enter")
    await pilot.pause()
    loop_screen = next(s for s in app.screen_stack if isinstance(s, LoopScreen))
    assert loop_screen.loop.current.plan.name == name
    while app.screen is loop_screen:
        await _answer_question(pilot, loop_screen)
    case_screen = app.screen
    assert isinstance(case_screen, CaseScreen)
    assert case_screen.question.item_id == f"case.{name}"
    assert loop_screen.loop.current.plan.title in case_screen.status_line()  # the countdown
    return loop_screen, case_screen


async def _play_and_submit(pilot, screen: CaseScreen, factor: float) -> None:
    for index in range(len(screen.posed.steps)):
        await _answer(pilot, screen, _typed(screen, index, factor))
    screen.query_one("#case-justify", TextArea).insert(JUSTIFY)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert screen.feedback is not None
    await pilot.press("enter")  # accept the verdict: the round's last question
    await pilot.pause()


async def _end_round_early(app: TpmDrillApp, pilot) -> None:
    await pilot.press("f3")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


def _oracle(state, bank: ContentBank, reviews: dict[str, dict]) -> float:
    """2/3 · mean(graded) + 1/3 · mean(written), unanswered parts 0: a case's chain score
    is its steps' mean credit, its justification the rest of its weighed score."""
    from engine.loop.evidence import justify_share

    graded, written = [], []
    for item_id in state.plan.item_ids:
        review = reviews.get(item_id)
        kind = bank.items[item_id].kind
        if kind == "case":
            chain = review["chain"] if review else 0.0
            graded.append(chain)
            written.append(justify_share(review["auto_score"], chain) if review else 0.0)
        elif kind == "open":  # the self-checked score once given, as Feedback.score
            written.append((review["self_score"] if review["self_score"] is not None
                            else review["auto_score"]) if review else 0.0)
            if bank.items[item_id].probes:  # its follow-ups' mean credit, 0 unanswered
                graded.append(review["chain"] if review else 0.0)
        else:
            graded.append({"exact": 1.0, "close": 0.5}.get(review["band"], 0.0)
                          if review else 0.0)
    if graded and written:
        return 2 / 3 * sum(graded) / len(graded) + 1 / 3 * sum(written) / len(written)
    parts = graded or written
    return sum(parts) / len(parts)


async def test_a_loop_with_cases_in_three_rounds_through_the_screens(
        db_path: Path, clock: FakeClock) -> None:
    app = _app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Program design: the chain right outright, then the round ended early.
        loop_screen, case_screen = await _start_round(app, pilot, "program_design")
        await _play_and_submit(pilot, case_screen, 1.0)
        assert loop_screen.loop.run.rounds[0].parts["case.program_design"].graded == 1.0
        # Technical depth: every step 10× low — step 1 off, the rest consistent.
        loop_screen, case_screen = await _start_round(app, pilot, "technical_depth")
        await _play_and_submit(pilot, case_screen, 0.1)
        assert loop_screen.loop.run.rounds[1].parts["case.technical_depth"].graded == \
            pytest.approx(0.6)  # (0 + 3 · 0.8) / 4
        # Behavioral: written answers only; ended at once.
        assert isinstance(app.screen, RoundIntroScreen)
        await pilot.press("enter")
        await pilot.pause()
        await _end_round_early(app, pilot)
        # System tradeoffs: two steps typed, then the round's clock runs out mid-case.
        loop_screen, case_screen = await _start_round(app, pilot, "system_tradeoffs")
        await _answer(pilot, case_screen, _typed(case_screen, 0))
        await _answer(pilot, case_screen, _typed(case_screen, 1))
        clock.advance(ROUND_MINUTES * 60 + 1)
        loop_screen.tick()
        await pilot.pause()
        assert case_screen.cut_off and case_screen not in app.screen_stack
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        verdict_text = static_text(debrief.query_one("#debrief-verdict", Static))
        body = debrief.query_one("#debrief-body", Markdown).source
        states = loop_screen.loop.run.rounds
        await pilot.pause()  # let the debrief's header settle before the app closes

    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("SELECT * FROM reviews")]
        steps = [dict(r) for r in conn.execute(
            "SELECT review_id, status, credit FROM graded_steps ORDER BY review_id, position")]
        saved = {r["round"]: r["score"] for r in conn.execute("SELECT * FROM loop_rounds")}
    # Follow-ups were asked (seed 5: in technical depth), answered right.
    by_id = {r["id"]: r["card_id"] for r in rows}
    probe_rows = [(by_id[s["review_id"]], s["status"]) for s in steps
                  if by_id[s["review_id"]].startswith("open.")]
    assert sum(PROBES_ASKED.values()) == len(probe_rows) > 0
    assert {status for _, status in probe_rows} == {"exact"}, probe_rows
    cut = [r for r in rows if r["card_id"] == "case.system_tradeoffs"]
    assert len(cut) == 1 and cut[0]["cut_off"] == 1
    assert [s["status"] for s in steps if s["review_id"] == cut[0]["id"]] == \
        ["exact", "exact", "revealed", "revealed"]
    reviews: dict[str, dict] = {}
    for row in rows:
        credits = [s["credit"] for s in steps if s["review_id"] == row["id"]]
        reviews[row["card_id"]] = {**row, "chain": sum(credits) / len(credits)
                                   if credits else 0.0}
    bank = _bank()
    for state in states:
        expected = _oracle(state, bank, reviews)
        assert state.score() == pytest.approx(expected), state.plan.name
        assert saved[state.plan.name] == pytest.approx(expected), state.plan.name
    # The verdict cites the graded steps; the debrief shows the chains.
    assert "Program design:" in verdict_text
    assert "case.program_design: 4 of 4 steps right; chain held" in verdict_text
    assert "case.technical_depth: 0 of 4 steps right, 3 consistent; broke at step 1 " \
        "(compute): off" in verdict_text
    assert "cut off when time ran out" in verdict_text
    assert body.count("1. **compute** — yours") == 3
    assert "**the chain broke here**" in body and "from your numbers" in body
    assert "*Chain (cut off when time ran out):*" in body
    assert body.count(f"> {JUSTIFY}") == 2  # the cut-off case had no justification yet
