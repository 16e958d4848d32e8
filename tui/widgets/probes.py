"""How an open answer's follow-up probes are drawn: the interviewer's question, each probe's
verdict against its reference, and the rating the probes and the writing give together.

Plain functions returning Textual markup, used by the drill screen's probe flow
(``tui.screens.drill.DrillScreen.start_probes``). A small renderer of its own, kept apart
from the case screen's step rendering (``tui/screens/case.py`` had not landed when this was
written): a probe is a case step without a scenario. Every string from the deck, the grader
(which quotes the player's answer) or the store goes through ``tui.safe.safe``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tui.safe import safe

if TYPE_CHECKING:
    from engine.cases.grade import ChainGrade, StepGrade
    from engine.cases.pose import PosedCase, PosedStep
    from engine.study.session import Feedback

#: How each status of a graded probe is marked and coloured.
STATUS_MARKS = {"exact": ("✓", "$success"), "consistent": ("≈", "$warning"),
                "close": ("≈", "$warning"), "off": ("✗", "$error"),
                "revealed": ("?", "$error")}
STATUS_WORDS = {"exact": "Right", "consistent": "Consistent with your earlier number",
                "close": "Close", "off": "Off", "revealed": "Revealed"}


#: "step 1 (compute)" / "steps 1 (a) and 2 (b)" in the case grader's messages.
_STEP_WORDS = re.compile(r"\b([Ss])tep(s?) (?=\d)")


def probe_words(message: str) -> str:
    """The case grader's message as said of follow-ups: "your step 1 (compute)" becomes
    "your follow-up 1 (compute)"."""
    return _STEP_WORDS.sub(
        lambda m: ("F" if m.group(1) == "S" else "f") + f"ollow-up{m.group(2)} ", message)


def _shown(value: float | None, unit: str) -> str:
    from engine.cases.pose import format_in_unit

    return format_in_unit(value, unit) if value is not None else "—"


def render_probe_prompt(question_prompt: str, posed: PosedCase, index: int) -> str:
    """The prompt box while probe ``index`` is asked: the question (dimmed), then "The
    interviewer follows up (1 of 2): …" and the unit the answer is read in."""
    from grading.units import pretty_unit

    step = posed.steps[index]
    unit = f" [dim](answer in {safe(pretty_unit(step.unit))})[/dim]" if step.unit else ""
    return (f"[dim]{safe(question_prompt)}[/dim]\n\n"
            f"[b]The interviewer follows up ({index + 1} of {len(posed.steps)}):[/b] "
            f"{safe(step.prompt)}{unit}")


def render_probe_grade(step: PosedStep, grade: StepGrade, number: int, total: int) -> str:
    """One graded probe: its mark and verdict, the player's number against the reference
    (and the reference from their own earlier numbers when it differs), the explanation."""
    mark, style = STATUS_MARKS.get(grade.status, ("•", "$accent"))
    lines = [f"[b {style}]{mark} Follow-up {number} of {total}[/] — "
             f"{safe(probe_words(grade.message))}"]
    reference = f"Reference: [b]{safe(step.reference_text())}[/b]"
    if grade.status == "revealed":
        lines.append(reference)
    else:
        lines.append(f"You: [b]{safe(_shown(grade.value, step.unit))}[/b]   {reference}")
    own = grade.reference_from_your_answers
    if grade.carried_from and own is not None and grade.reference is not None and \
            abs(own - grade.reference) > 1e-9 * abs(grade.reference):
        lines.append(f"[dim]From your own earlier numbers: {safe(_shown(own, step.unit))}"
                     f"[/dim]")
    if step.explanation.strip():
        lines.append(f"[dim]{safe(step.explanation.strip())}[/dim]")
    return "\n".join(lines)


def render_probe_head(step: PosedStep, grade: StepGrade, number: int, total: int) -> str:
    """One line that stays in view under the next follow-up: the last probe's mark, verdict
    and reference (the whole verdict scrolls below)."""
    mark, style = STATUS_MARKS.get(grade.status, ("•", "$accent"))
    word = STATUS_WORDS.get(grade.status, grade.status)
    return (f"[b {style}]{mark} Follow-up {number} of {total}: {word}[/] · reference "
            f"[b]{safe(step.reference_text())}[/b]")


def render_probe_chain(posed: PosedCase, chain: ChainGrade) -> str:
    """Every graded probe so far, in order, then the chain's verdict in a sentence."""
    parts = [render_probe_grade(posed.steps[g.index], g, g.index + 1, len(posed.steps))
             for g in chain.steps]
    if chain.complete and len(posed.steps) > 1:
        parts.append(f"[b]Follow-ups {chain.score:.0%}[/b] — "
                     f"{safe(probe_words(chain.message))}")
    return "\n\n".join(parts)


def render_probe_hint(index: int, total: int) -> str:
    """The line under a probe: what the keys do."""
    left = "it" if total - index == 1 else f"the {total - index} left"
    return f"[b]Enter[/b] grades · [b]?[/b] reveals · [b]Esc[/b] skips {left}"


def render_probe_rating_line(feedback: Feedback) -> str:
    """The rating line once the probes are in: what the writing and the follow-ups scored,
    and the rating they give together (``engine.cases.probes.probed_score``)."""
    from engine.cases.probes import PROBE_SHARE
    from tui.screens.drill import RATING_NAMES

    probes = feedback.probes
    assert probes is not None
    written = feedback.self_score if feedback.self_score is not None else \
        getattr(feedback.grade, "auto_score", 0.0)
    return (f"Written {written:.0%} · follow-ups {probes.score:.0%} "
            f"(weighed {1 - PROBE_SHARE:.0%}/{PROBE_SHARE:.0%}) → "
            f"[b]Enter: {RATING_NAMES[feedback.rating]}[/b] · 1–4 to change")
