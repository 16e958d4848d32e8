"""The debrief says which answers the clock cut off ("cut off when time ran out" with the
grade) and calls a cut-off number that does not read "unreadable", not a miss and not "not
answered" (issue #12): in the Markdown of ``loop --export`` and on the debrief screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.loop.debrief import loop_debrief
from engine.loop.session import LoopSession
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from grading.units import convert
from tests.tui._layout import screen_lines
from tui.app import build_app
from tui.screens.loop import DebriefScreen

ROUND_SECONDS = 60.0
CUT_OFF = "(cut off when time ran out)"


def _skip_to(loop: LoopSession, numeric: bool) -> str:
    """Answer "?" (not cut off) until the round asks a numeric (or an open) question."""
    while (question := loop.study.next_question()) is not None:
        if (question.kind in {"fact", "problem"}) == numeric:
            return question.item_id
        loop.answered(loop.study.submit("?"))
    raise AssertionError(f"round {loop.current.plan.name} has no such question")


def _played(store: Store, bank: ContentBank, scheduler: Scheduler,
            clock: FakeClock) -> tuple[int, dict[str, str]]:
    """A loop whose rounds all run out of time: in the first on an open answer, in the
    second on an exact number, in the third on nothing typed, in the last on a number that
    does not read. Its session id, and the item ids of the three cut-off answers."""
    loop = LoopSession(store, bank, scheduler, clock, "L5", round_minutes=ROUND_SECONDS / 60,
                       seed=11)
    cut: dict[str, str] = {}
    for position in range(len(loop.run.rounds)):
        loop.start_round()
        typed = ""
        if position == 0:
            cut["open"] = _skip_to(loop, numeric=False)
            typed = "we would overlap the all-reduce with the backward pass"
        elif position == 1:
            cut["exact"] = _skip_to(loop, numeric=True)
            question = loop.study.question
            assert question is not None
            value = convert(question.reference_value, question.reference_unit,
                            question.display_unit)
            typed = f"{value:.6g} {question.display_unit}"
        elif position == 3:
            cut["unreadable"] = _skip_to(loop, numeric=True)
            typed = "about a lot of"
        else:
            loop.study.next_question()
        clock.advance(ROUND_SECONDS + 1)
        assert loop.tick() is True
        loop.time_up(typed)
        if not loop.next_round():
            break
    loop.complete()
    bands = {r["card_id"]: (r["band"], r["cut_off"]) for r in store.reviews(loop.session_id)}
    assert bands[cut["open"]] == ("scored", 1)
    assert bands[cut["exact"]] == ("exact", 1)
    assert bands[cut["unreadable"]] == ("unreadable", 1)
    return loop.session_id, cut


def _section(markdown: str, item_id: str, bank: ContentBank, store: Store,
             session_id: int) -> str:
    """The debrief's block for the answer to ``item_id``: from its heading to the next."""
    from engine.loop.debrief import _review_lines

    [review] = [r for r in store.reviews(session_id) if r["card_id"] == item_id]
    heading = _review_lines(review, bank)[0]
    start = markdown.index(heading + "\n")
    following = re.search(r"^#{2,4} ", markdown[start + len(heading):], re.MULTILINE)
    end = start + len(heading) + following.start() if following else len(markdown)
    return markdown[start:end]


@pytest.fixture
def played(store: Store, bank: ContentBank, scheduler: Scheduler,
           clock: FakeClock) -> tuple[int, dict[str, str]]:
    return _played(store, bank, scheduler, clock)


def test_markdown_marks_cut_off_answers_beside_their_grade(
        store: Store, bank: ContentBank, played: tuple[int, dict[str, str]]) -> None:
    session_id, cut = played
    markdown = loop_debrief(store, bank, session_id)
    assert markdown.count(CUT_OFF) == 3
    open_block = _section(markdown, cut["open"], bank, store, session_id)
    assert re.search(r"^\*Score \(cut off when time ran out\):\* \d+% \(heard "
                     r"automatically: \d+%\)$", open_block, re.MULTILINE), open_block
    exact = _section(markdown, cut["exact"], bank, store, session_id)
    assert re.search(r"^\*Result \(cut off when time ran out\):\* exact: \S+ \S+ vs "
                     r"reference ", exact, re.MULTILINE), exact
    # Answers sent before time ran out carry no note.
    assert markdown.count("*Answer:* don't know") >= 2


def test_an_unreadable_cut_off_number_reads_unreadable(
        store: Store, bank: ContentBank, played: tuple[int, dict[str, str]]) -> None:
    session_id, cut = played
    markdown = loop_debrief(store, bank, session_id)
    block = _section(markdown, cut["unreadable"], bank, store, session_id)
    assert "> about a lot of" in block  # what was typed, kept
    assert ("*Result (cut off when time ran out):* unreadable — what was typed does not "
            "read as a number with a unit\n\n") in block
    assert "Not answered" not in block
    assert not re.search(r"\*Result.*\* (exact|close|off)", block)
    # The reference, posed again from the answer's stored seed: a number with its unit.
    assert re.search(r"^\*Reference:\* \d[\d.]*(e[+-]\d+)? [A-Za-z/]+$", block,
                     re.MULTILINE), block


async def test_debrief_screen_shows_cut_off_and_unreadable(
        db_path: Path, store: Store, clock: FakeClock,
        played: tuple[int, dict[str, str]]) -> None:
    session_id, _cut = played
    app = build_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(DebriefScreen(session_id))
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        scroll = debrief.query_one("#debrief-scroll")
        seen: list[str] = []
        for _ in range(300):  # read the whole debrief, a screen at a time
            await pilot.pause()
            seen += screen_lines(debrief)
            if scroll.scroll_y >= scroll.max_scroll_y:
                break
            scroll.scroll_page_down(animate=False)
        shown = " ".join(" ".join(seen).split())  # wrapped lines joined
        assert shown.count("cut off when time ran out") >= 3
        assert "Result (cut off when time ran out): unreadable — what was typed does not " \
            "read as a number" in shown


def test_a_numeric_dont_know_gets_its_reference_back(store: Store, bank: ContentBank,
                                                     scheduler: Scheduler,
                                                     clock: FakeClock) -> None:
    """Nothing graded means no reference stored with the answer; the debrief poses the
    question again from the stored seed, so it can still say what the answer was."""
    loop = LoopSession(store, bank, scheduler, clock, "L5", round_minutes=1, seed=11)
    loop.start_round()
    item_id = _skip_to(loop, numeric=True)
    question = loop.study.question
    assert question is not None
    loop.answered(loop.study.submit("?"))
    loop.abandon()
    markdown = loop_debrief(store, bank, loop.session_id)
    block = _section(markdown, item_id, bank, store, loop.session_id)
    value = convert(question.reference_value, question.reference_unit, question.display_unit)
    assert f"*Reference:* {value:.4g} {question.display_unit}\n" in block, block
