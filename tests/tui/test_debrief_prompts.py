"""A loop's debrief shows every problem as it reads to a person, never its template
(``{preset} has {layers:int} layers…``): on screen, in ``loop --export``, answered or not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from content.cases import Case
from content.loader import Problem
from engine.bank import ContentBank
from engine.clock import FakeClock
from engine.loop.debrief import loop_debrief
from engine.loop.session import LoopSession
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from grading.units import convert
from tui.app import build_app
from tui.screens.loop import DebriefScreen

#: A template's placeholder, written out here independently of the code under test.
TEMPLATE = re.compile(r"\{[a-z_][a-z0-9_]*(:[^{}]*)?\}", re.IGNORECASE)


def _is_template(bank: ContentBank, item_id: str) -> bool:
    """A problem's prompt or a case's scenario with placeholders in it."""
    item = bank.get(item_id)
    return isinstance(item, Problem | Case) and bool(TEMPLATE.search(item.prompt))


def _abandoned_loop(store: Store, bank: ContentBank, scheduler: Scheduler, clock: FakeClock,
                    seed: int | None) -> tuple[LoopSession, str]:
    """A loop whose first problem is answered and everything else left unanswered."""
    loop = LoopSession(store, bank, scheduler, clock, "L6", round_minutes=10, seed=seed)
    loop.start_round()
    asked = ""
    while (question := loop.study.next_question()) is not None:
        if question.kind == "problem":
            value = convert(question.reference_value, question.reference_unit,
                            question.display_unit)
            feedback = loop.study.submit(f"{value:.6g} {question.display_unit}")
            loop.answered(feedback)
            asked = question.prompt
            break
        loop.answered(loop.study.dont_know())
    loop.abandon()
    return loop, asked


@pytest.mark.parametrize("seed", [7, None], ids=["seeded loop", "loop without a seed"])
def test_no_placeholder_survives_in_the_debrief(store: Store, bank: ContentBank,
                                                scheduler: Scheduler, clock: FakeClock,
                                                seed: int | None) -> None:
    loop, asked = _abandoned_loop(store, bank, scheduler, clock, seed)
    planned = [i for r in loop.run.rounds for i in r.plan.item_ids]
    answered = {r["card_id"] for r in store.reviews(loop.session_id)}
    unanswered_templates = [i for i in planned if i not in answered and _is_template(bank, i)]
    assert len(unanswered_templates) >= 2  # the case the debrief got wrong
    assert asked  # and one problem answered, with its drawn numbers
    markdown = loop_debrief(store, bank, loop.session_id)
    assert TEMPLATE.search(markdown) is None, TEMPLATE.search(markdown)
    assert f"#### {asked}\n" in markdown  # the answered problem as it was asked
    headings = [line[5:] for line in markdown.splitlines() if line.startswith("#### ")]
    described = [h for h in headings if h.startswith("A parametric problem on ")]
    if seed is None:  # no seed to pose with: described by its parameters' names
        problems = [i for i in unanswered_templates if isinstance(bank.get(i), Problem)]
        assert len(described) == len(problems)
        assert all(re.search(r"\*[a-z0-9 ]+\*", h) for h in described), described
        cases = [h for h in headings if h.startswith("A case on ")]  # by topic and id
        assert len(cases) == len(unanswered_templates) - len(problems)
    else:  # posed with the loop's seed: the same numbers on every export
        assert described == []
        assert loop_debrief(store, bank, loop.session_id) == markdown


def test_described_problem_names_its_parameters(bank: ContentBank) -> None:
    from engine.loop.debrief import describe_problem

    kv = next(i for i in bank.items.values() if isinstance(i, Problem)
              and i.prompt.startswith("{preset} has {layers:int} layers"))
    text = describe_problem(kv)
    assert text.startswith(f"A parametric problem on {kv.topic}: *preset* has *layers* "
                           "layers and uses grouped-query attention with *kv heads* KV heads "
                           "of dimension *head dim*.")


async def test_debrief_screen_and_export_show_no_template(db_path: Path, clock: FakeClock,
                                                          capsys, monkeypatch,
                                                          tmp_path: Path) -> None:
    app = build_app(db_path, clock=clock, start="loop", seed=None,
                    loop_options={"level": "L6", "round_minutes": 5})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # start round 1; every round then runs out of time
        await pilot.pause()
        screen = app.screen
        for _ in screen.run.rounds:
            clock.advance(5 * 60 + 1)
            screen.tick()
            await pilot.pause()
            if not isinstance(app.screen, DebriefScreen):
                await pilot.press("enter")
                await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        debrief = app.screen
        scroll = debrief.query_one("#debrief-scroll")
        seen: list[str] = []
        for _ in range(200):  # read the whole debrief, a screen at a time
            await pilot.pause()
            seen += [strip.text for strip in debrief._compositor.render_strips()]
            if scroll.scroll_y >= scroll.max_scroll_y:
                break
            scroll.scroll_page_down(animate=False)
        shown = "\n".join(seen)
        assert "A parametric problem on" in shown
        assert "Not answered" in shown
        assert TEMPLATE.search(shown) is None, TEMPLATE.search(shown)
    from tui.__main__ import main

    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))
    assert main(["--db", str(db_path), "loop", "--export", "1"]) == 0  # the first loop
    exported = capsys.readouterr().out
    assert "A parametric problem on" in exported
    assert TEMPLATE.search(exported) is None, TEMPLATE.search(exported)
