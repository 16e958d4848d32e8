"""An open answer's follow-up probes in a loop's timed round, headless at 80×24 on a fake
clock with a real store (issue 14 item 4 in the loop): asked after the self-check as in the
drill, not skippable (Esc means "leave the loop", ``?`` gives one up), cut off by the round's
end with what was answered and typed recorded, and counted as the round's graded part.

The round's score is checked against 2/3 · mean(graded) + 1/3 · mean(written), worked here
from the stored rows: each probe's credit (exact 1, revealed 0) and the self-checked score.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Input, Static, TextArea

from content.cases import Case
from content.loader import OpenQuestion
from engine.bank import ContentBank, load_content
from engine.clock import FakeClock
from engine.loop.debrief import loop_debrief
from tests.cases.probe_helpers import GOOD
from tui.app import TpmDrillApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.loop import LoopScreen, RoundIntroScreen

PROBED_ID = "t.open.budget"
ROUND_MINUTES = 10
#: Covers both key points ("6ND", "MFU").
ESSAY = ("Compute is 6ND for the whole run. Time is compute over the achieved throughput, "
         "peak times MFU, so MFU decides the budget.")


def _bank(tmp_path: Path) -> ContentBank:
    """The built-in bank without cases and without program design's own open questions,
    plus the test deck's probed question (program design): the first round asks it."""
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "t.toml").write_text(GOOD, encoding="utf-8")
    builtin = load_content(())
    deck = load_content([tmp_path / "decks"], include_builtin=False)
    assert deck.errors == []
    items = {k: v for k, v in builtin.items.items() if not isinstance(v, Case) and not (
        isinstance(v, OpenQuestion) and "program_design" in v.rounds)}
    items[PROBED_ID] = deck.items[PROBED_ID]
    return ContentBank(items=items, catalog=builtin.catalog)


def _app(tmp_path: Path, clock: FakeClock) -> TpmDrillApp:
    return TpmDrillApp(tmp_path / "p.db", clock=clock, start="loop", bank=_bank(tmp_path),
                       seed=2, loop_options={"level": "L5", "round_minutes": ROUND_MINUTES,
                                             "with_screen": False})


def _plain(app: TpmDrillApp, selector: str) -> str:
    return Content.from_markup(str(app.screen.query_one(selector, Static).content)).plain


async def _to_the_probes(app: TpmDrillApp, pilot, self_check: bool = True) -> LoopScreen:
    """Start program design, give up on its numbers ("?") until the probed open question,
    write it and (``self_check``) confirm the self-check: the first probe is asked."""
    await pilot.pause()
    assert isinstance(app.screen, RoundIntroScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, LoopScreen) and screen.loop.current.plan.name == "program_design"
    assert PROBED_ID in screen.loop.current.plan.item_ids
    while (question := screen.session.question) is not None and question.item_id != PROBED_ID:
        assert question.kind != "open"
        screen.query_one("#drill-answer", Input).value = "?"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    screen.query_one("#drill-essay", TextArea).text = ESSAY
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert screen.checking
    if self_check:
        await pilot.press("ctrl+s")
        await pilot.pause()
    return screen


def _round_oracle(app: TpmDrillApp, screen: LoopScreen) -> float:
    """Program design's score from the stored rows: the probed question's written part (its
    self-checked score) and graded part (its probes' mean credit, 0 when none was stored),
    every other planned item a number (its band's credit, 0 unanswered)."""
    state = screen.loop.run.rounds[0]
    reviews = {r["card_id"]: r for r in app.store.reviews()}
    graded: list[float] = []
    written: list[float] = []
    for item_id in state.plan.item_ids:
        review = reviews.get(item_id)
        if item_id == PROBED_ID:
            assert review is not None
            written.append(review["self_score"])
            credits = [{"exact": 1.0, "revealed": 0.0}[s["status"]]
                       for s in app.store.graded_steps(review_id=review["id"])]
            graded.append(sum(credits) / len(credits) if credits else 0.0)
        else:
            graded.append({"exact": 1.0, "close": 0.5}.get(review["band"], 0.0)
                          if review else 0.0)
    return 2 / 3 * sum(graded) / len(graded) + 1 / 3 * sum(written) / len(written)


async def test_probes_are_asked_in_the_round_and_cannot_be_skipped(
        tmp_path: Path, clock: FakeClock) -> None:
    app = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _to_the_probes(app, pilot)
        assert screen.probing is not None
        assert "The interviewer follows up (1 of 2)" in _plain(app, "#drill-prompt")
        hint = _plain(app, "#feedback-tail")
        assert "reveals (counts 0)" in hint and "Esc" not in hint
        box = screen.query_one("#drill-answer", Input)
        assert "esc" not in box.placeholder and box.has_focus
        # Esc asks to leave the loop; staying keeps the probe, the box focused.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.probing is not None and box.has_focus
        assert app.store.graded_steps() == []
        # Both answered right: stored, counted as the round's graded part.
        for typed in ("6.3e24 FLOP", "45 days"):
            box.value = typed
            await pilot.press("enter")
            await pilot.pause()
        assert screen.probing is None
        assert [r["status"] for r in app.store.graded_steps()] == ["exact", "exact"]
        parts = screen.loop.current.parts[PROBED_ID]
        assert parts.graded == 1.0
        assert parts.written == pytest.approx(screen.session.feedback.self_score)
        assert screen.loop.current.score() == pytest.approx(_round_oracle(app, screen))
        await pilot.press("enter")  # accept: the round goes on
        await pilot.pause()
        assert app.screen is screen and screen.session.question is not None
        assert screen.session.question.item_id != PROBED_ID


async def test_time_running_out_mid_probes_records_them_as_they_stand(
        tmp_path: Path, clock: FakeClock) -> None:
    """Follow-up 1 answered, 45 days typed in the box but not sent: both are recorded (the
    typed one graded as it stands), and the loop goes on to the next round."""
    app = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _to_the_probes(app, pilot)
        box = screen.query_one("#drill-answer", Input)
        box.value = "6.3e24 FLOP"
        await pilot.press("enter")
        await pilot.pause()
        box.value = "45 days"
        clock.advance(ROUND_MINUTES * 60 + 1)
        screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)  # the next round's intro
        assert screen.loop.current.plan.name == "technical_depth"
        assert [r["status"] for r in app.store.graded_steps()] == ["exact", "exact"]
        first = screen.loop.run.rounds[0]
        assert first.status == "timed_out"
        assert first.parts[PROBED_ID].graded == 1.0
        assert first.score() == pytest.approx(_round_oracle(app, screen))
        [saved] = [r for r in app.store.loop_rounds(screen.loop.session_id)
                   if r["round"] == "program_design"]
        assert saved["score"] == pytest.approx(first.score())
        # The debrief shows each follow-up: what was typed, the reference, the status.
        body = loop_debrief(app.store, app.bank, screen.loop.session_id)
        assert "*Follow-ups:* 2 of 2 right — 100%" in body
        assert "1. It trains on 15T tokens. What is the training compute in FLOP? — yours " \
            "6.3e24 FLOP · reference 6.3e+24 FLOP · exact" in body
        assert "yours 45 days · reference 45 days · exact" in body


async def test_ending_the_round_mid_probes_counts_the_rest_as_not_answered(
        tmp_path: Path, clock: FakeClock) -> None:
    """F3 during follow-up 1 with an unreadable word in the box: both are stored revealed
    (credit 0) and the round's graded part for the question is 0."""
    app = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _to_the_probes(app, pilot)
        screen.query_one("#drill-answer", Input).value = "banana"
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        assert [r["status"] for r in app.store.graded_steps()] == ["revealed", "revealed"]
        first = screen.loop.run.rounds[0]
        assert first.status == "finished" and first.parts[PROBED_ID].graded == 0.0
        assert first.score() == pytest.approx(_round_oracle(app, screen))


async def test_no_probes_once_time_ran_out_during_the_self_check(
        tmp_path: Path, clock: FakeClock) -> None:
    """The clock ran out while the key points were being ticked: the interviewer has moved
    on; the written answer counts, its follow-ups 0, and Enter goes to the next round."""
    app = _app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _to_the_probes(app, pilot, self_check=False)
        clock.advance(ROUND_MINUTES * 60 + 1)
        screen.tick()
        await pilot.pause()
        assert app.screen is screen and screen.checking
        await pilot.press("ctrl+s")  # the self-check, confirmed after time ran out
        await pilot.pause()
        assert screen.probing is None and app.store.graded_steps() == []
        first = screen.loop.run.rounds[0]
        assert first.parts[PROBED_ID].graded == 0.0
        assert first.score() == pytest.approx(_round_oracle(app, screen))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RoundIntroScreen)
        body = loop_debrief(app.store, app.bank, screen.loop.session_id)
        assert "*Follow-ups:* not reached — they count 0 toward the round." in body
