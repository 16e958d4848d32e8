"""How an open answer's follow-up probes are drawn: the interviewer's question, each probe's
verdict against its reference, and the rating the probes and the writing give together.

Plain functions returning Textual markup, used by the drill screen's probe flow
(``tui.screens.drill.DrillScreen.start_probes``). A graded probe is drawn with the case
screen's step rendering (``tui.screens.case.render_step_verdict``: a probe is a case step
without a scenario), its words said of follow-ups; the prompt, the one-line head, the hint
and the rating line are the probes' own. Every string from the deck, the grader (which
quotes the player's answer) or the store goes through ``tui.safe.safe``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tui.safe import safe

if TYPE_CHECKING:
    from engine.cases.grade import ChainGrade, StepGrade
    from engine.cases.pose import PosedCase, PosedStep
    from engine.study.session import Feedback

#: "step 1 (compute)" / "steps 1 (a) and 2 (b)" in the case grader's messages.
_STEP_WORDS = re.compile(r"\b([Ss])tep(s?) (?=\d)")


def probe_words(message: str) -> str:
    """The case grader's message as said of follow-ups: "your step 1 (compute)" becomes
    "your follow-up 1 (compute)"."""
    return _STEP_WORDS.sub(
        lambda m: ("F" if m.group(1) == "S" else "f") + f"ollow-up{m.group(2)} ", message)


def render_probe_prompt(question_prompt: str, posed: PosedCase, index: int) -> str:
    """The prompt box while probe ``index`` is asked: the question (dimmed), then "The
    interviewer follows up (1 of 2): …" and the unit the answer is read in."""
    from grading.units import pretty_unit

    step = posed.steps[index]
    unit = f" [dim](answer in {safe(pretty_unit(step.unit))})[/dim]" if step.unit else ""
    return (f"[dim]{safe(question_prompt)}[/dim]\n\n"
            f"[b]The interviewer follows up ({index + 1} of {len(posed.steps)}):[/b] "
            f"{safe(step.prompt)}{unit}")


def render_probe_grade(posed: PosedCase, step: PosedStep, grade: StepGrade) -> str:
    """One graded probe as the case screen draws a graded step
    (``tui.screens.case.render_step_verdict``: the verdict, your number against the
    reference, what your own earlier numbers give, the slip), said of follow-ups, with
    the probe's explanation under it."""
    from tui.screens.case import render_step_verdict

    _head, body = render_step_verdict(posed, step, grade)
    lines = [f"[b]Follow-up {step.index + 1} of {len(posed.steps)}[/b] · "
             f"{safe(step.prompt)}", probe_words(body)]
    if step.explanation.strip():
        lines.append(f"[dim]{safe(step.explanation.strip())}[/dim]")
    return "\n".join(lines)


def render_probe_head(step: PosedStep, grade: StepGrade, number: int, total: int) -> str:
    """One line that stays in view under the next follow-up: the last probe's mark, verdict
    and reference (the whole verdict scrolls below)."""
    from tui.screens.case import STATUS_SHOWN

    mark, word, style = STATUS_SHOWN.get(grade.status, ("•", grade.status, "$text"))
    return (f"[b {style}]{mark} Follow-up {number} of {total}: {word}[/] · reference "
            f"[b]{safe(step.reference_text())}[/b]")


def render_probe_chain(posed: PosedCase, chain: ChainGrade) -> str:
    """Every graded probe so far, in order, then the chain's verdict in a sentence."""
    parts = [render_probe_grade(posed, posed.steps[g.index], g) for g in chain.steps]
    if chain.complete and len(posed.steps) > 1:
        parts.append(f"[b]Follow-ups {chain.score:.0%}[/b] — "
                     f"{safe(probe_words(chain.message))}")
    return "\n\n".join(parts)


def render_probe_hint(index: int, total: int, skippable: bool = True) -> str:
    """The line under a probe: what the keys do. In the drill Esc skips the follow-ups
    (the written answer's rating stands); in a loop's timed round they cannot be skipped —
    Esc there means "leave the loop" — and a revealed one counts as not answered, as an
    interviewer would count "I don't know"."""
    if not skippable:
        return ("[b]Enter[/b] grades · [b]?[/b] reveals (counts 0) · "
                "unanswered follow-ups count 0 when time runs out")
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
