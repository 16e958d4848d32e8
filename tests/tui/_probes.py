"""Answering an open answer's follow-up probes through the screen, for the tests that play
whole loops or drills (``tests/tui/test_loop_*.py``): each probe typed as its reference (or
revealed with ``?``) and sent with Enter, as a player would."""

from __future__ import annotations

from textual.widgets import Input

from tui.screens.drill import DrillScreen


async def answer_probes(pilot, screen: DrillScreen, right: bool = True) -> int:
    """Answer every follow-up the screen is asking (none when it asks none): each with its
    reference in its unit when ``right``, else revealed with ``?``. Returns how many were
    asked."""
    asked = 0
    while (run := screen.probing) is not None:
        step = run.posed.steps[len(run.answers)]
        box = screen.query_one("#drill-answer", Input)
        if right:
            box.value = f"{step.reference_display:.6g} {step.unit}".strip()
            await pilot.press("enter")
        else:
            await pilot.press("?")  # a lone "?" reveals the probe
        await pilot.pause()
        asked += 1
        assert asked <= len(run.posed.steps), "a follow-up was not taken"
    return asked
