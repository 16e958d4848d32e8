"""Grading a case's chain: every step against the reference chain and against the chain
recomputed from the player's own earlier answers (errors carried forward).

A fair examiner marks a worked problem this way: a wrong number early on costs that step,
and each later step that is right *given* the wrong number earns most of its credit. Here a
numeric step is graded with ``grading.numeric`` twice — against its reference, and against
its reference recomputed with the player's earlier numbers in place of the reference's — and
a decision's pick is checked against the option the reference numbers point to and the one
the player's numbers point to. Per step:

==============  ===============================================  ==========================
status          when                                             credit
==============  ===============================================  ==========================
``exact``       within the exact band of the reference           1.0
``consistent``  right only on the player's own chain             0.8 (0.4 if only close)
``close``       within the close band of the reference           0.5
``off``         neither                                          0
``revealed``    ``?`` (or no answer): the reference is shown     0
                and the chain continues from it
==============  ===============================================  ==========================

The case's score is the mean credit over its steps, in [0, 1], and its suggested rating maps
it as an open answer's score is mapped (``grading.rating.rating_for_open``: ≥ 0.95 Easy,
≥ 0.8 Good, ≥ 0.5 Hard, else Again). The chain *breaks* at each step the player got wrong on
their own numbers (close, off or revealed); the verdict names the first break and the slip
made there (``grading``'s named slips: bits vs bytes, a prefix, per node vs per GPU ...).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.cases.pose import PosedCase, PosedStep, decide_step, evaluate_step, format_in_unit
from engine.models.base import ModelError
from grading.quantity import AnswerError

#: Typed answers that mean "show me": the step is revealed and scores nothing.
DONT_KNOW = frozenset({"?", "idk", "dont know", "don't know", "i don't know", "no idea"})
#: Credit of each band against the reference chain.
BAND_CREDIT: dict[str, float] = {"exact": 1.0, "close": 0.5, "off": 0.0}
#: Share of a band's credit a step earns when it is right only on the player's own chain.
CONSISTENT_CREDIT = 0.8
#: Statuses at which the chain breaks: the player's own error at that step.
BREAKING = ("close", "off", "revealed")
_SAME = 1e-12


class CaseAnswerError(AnswerError):
    """A typed answer to one step that is not an answer to grade (unreadable, the wrong
    dimension, no such option); ``step_index`` says which step, so a screen asks again
    there and a CLI names it. Never a grade."""

    def __init__(self, step_index: int, step_id: str, band: Any, message: str) -> None:
        super().__init__(band, f"step {step_index + 1} ({step_id}): {message}")
        self.step_index = step_index
        self.step_id = step_id


@dataclass(frozen=True, slots=True)
class StepGrade:
    """The verdict on one step.

    ``band`` is against the reference chain (``None`` when revealed) and ``own_band``
    against the player's own chain (``None`` when no earlier answer of theirs changes this
    step's reference). Numbers are in the step's unit: ``value`` typed, ``reference`` the
    reference chain's, ``reference_from_your_answers`` the step recomputed from the player's
    earlier numbers (equal to ``reference`` when none differs; ``None`` when the reference
    refuses them, e.g. a zero). Decisions: ``picked``, ``right_option`` and
    ``right_option_from_your_answers`` index ``options``. ``carried_from`` lists the earlier
    steps whose (differing) numbers the player's chain used here."""

    index: int
    step_id: str
    kind: str
    status: str
    credit: float
    consistent: bool
    answer: str | None
    message: str
    band: str | None = None
    own_band: str | None = None
    slip: str | None = None
    unit: str = ""
    value: float | None = None
    reference: float | None = None
    reference_from_your_answers: float | None = None
    options: tuple[str, ...] = ()
    picked: int | None = None
    right_option: int | None = None
    right_option_from_your_answers: int | None = None
    carried_from: tuple[int, ...] = ()

    @property
    def breaks_chain(self) -> bool:
        return self.status in BREAKING

    def to_dict(self) -> dict[str, Any]:
        """The shape ``tpm-drill case grade --json`` prints for a step: ``{"band",
        "consistent", "reference", "reference_from_your_answers", "message", ...}``
        (decisions give option texts for the two references)."""
        shown: dict[str, Any] = {
            "id": self.step_id, "kind": self.kind, "status": self.status,
            "band": self.band, "own_band": self.own_band, "consistent": self.consistent,
            "credit": self.credit, "answer": self.answer, "slip": self.slip,
            "message": self.message, "unit": self.unit,
        }
        if self.kind == "decision":
            shown.update(
                picked=self.options[self.picked] if self.picked is not None else None,
                reference=_option(self.options, self.right_option),
                reference_from_your_answers=_option(self.options,
                                                    self.right_option_from_your_answers),
            )
        else:
            shown.update(value=self.value, reference=self.reference,
                         reference_from_your_answers=self.reference_from_your_answers)
        return shown


def _option(options: tuple[str, ...], index: int | None) -> str | None:
    return options[index] if index is not None else None


@dataclass(frozen=True, slots=True)
class ChainGrade:
    """The verdict on a case's chain (or on its first ``len(steps)`` steps while it is being
    played: ``complete`` is False until every step is answered).

    ``score`` is the mean credit over all the case's steps (unanswered ones count 0), in
    [0, 1]; ``rating`` the suggested FSRS rating for it (1–4). ``breaks`` are the steps the
    player got wrong on their own numbers; ``broke_at`` the first of them (``None``: the
    chain held) and ``slip`` the named slip made there, if any. ``message`` says it in a
    sentence or two."""

    item_id: str
    seed: int
    steps: tuple[StepGrade, ...]
    score: float
    rating: int
    complete: bool
    broke_at: int | None
    breaks: tuple[int, ...]
    slip: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "seed", "steps": [...], "score", ...}``, as ``case grade --json``."""
        return {"id": self.item_id, "seed": self.seed,
                "steps": [step.to_dict() for step in self.steps], "score": self.score,
                "rating": self.rating, "complete": self.complete,
                "broke_at": self.broke_at, "slip": self.slip, "message": self.message}


def is_reveal(answer: str | None) -> bool:
    """Whether ``answer`` asks for the reference (``None``, ``?``, "don't know")."""
    return answer is None or answer.strip().casefold() in DONT_KNOW


def grade_chain(posed: PosedCase, answers: Sequence[str | None]) -> ChainGrade:
    """Grade the answers to ``posed``'s first ``len(answers)`` steps, in order.

    ``answers[i]`` is what the player typed at step ``i``: a number with or without a unit
    (read in the step's unit) for a numeric step, an option's number (1, 2, ...) or its text
    for a decision, or ``None``/``?`` to reveal the reference (the chain then goes on from
    it). An answer that cannot be graded raises ``CaseAnswerError`` naming the step — the
    player re-enters it; nothing is graded. More answers than steps is a ``ValueError``."""
    from grading.rating import rating_for_open

    if len(answers) > len(posed.steps):
        raise ValueError(f"{posed.item_id} has {len(posed.steps)} steps, not "
                         f"{len(answers)} answers")
    carried: list[float | None] = []  # each step's number on the player's chain, SI
    graded: list[StepGrade] = []
    for step, answer in zip(posed.steps, answers, strict=False):
        if step.kind == "decision":
            grade = _grade_decision(posed, step, answer, carried)
            carried.append(None)
        else:
            grade, own_number = _grade_number(posed, step, answer, carried)
            carried.append(own_number)
        graded.append(grade)
    score = round(sum(g.credit for g in graded) / len(posed.steps), 9)
    breaks = tuple(g.index for g in graded if g.breaks_chain)
    broke_at = breaks[0] if breaks else None
    slip = graded[broke_at].slip if broke_at is not None else None
    return ChainGrade(
        item_id=posed.item_id, seed=posed.seed, steps=tuple(graded), score=score,
        rating=rating_for_open(min(max(score, 0.0), 1.0)),
        complete=len(answers) == len(posed.steps), broke_at=broke_at, breaks=breaks,
        slip=slip, message=_summary(posed, graded, breaks),
    )


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or abs(a - b) <= _SAME * max(abs(a), abs(b))


def _carried_from(step: PosedStep, posed: PosedCase, carried: Sequence[float | None]
                  ) -> tuple[int, ...]:
    """Earlier steps feeding ``step`` whose number on the player's chain is not the
    reference's."""
    found = []
    for posed_input in step.inputs:
        index = posed_input.step_index
        if index is not None and index not in found and \
                not _same(carried[index], posed.steps[index].reference_value):
            found.append(index)
    return tuple(sorted(found))


def _grade_number(posed: PosedCase, step: PosedStep, answer: str | None,
                  carried: Sequence[float | None]) -> tuple[StepGrade, float | None]:
    """One numeric step's grade and its number on the player's chain (SI)."""
    from grading.numeric import Tolerance, grade_numeric

    assert step.reference_value is not None and step.reference_display is not None
    feeding = _carried_from(step, posed, carried)
    own_si: float | None = step.reference_value
    if feeding:
        try:
            own_si, _unit, _steps = evaluate_step(step, carried, posed.accelerators)
        except ModelError:
            own_si = None
        if own_si is not None and not (math.isfinite(own_si) and own_si > 0):
            own_si = None
    own_shown = own_si / step.display_scale if own_si is not None else None
    common = {"index": step.index, "step_id": step.id, "kind": "number", "unit": step.unit,
              "reference": step.reference_display, "carried_from": feeding,
              "reference_from_your_answers": own_shown}
    if is_reveal(answer):
        message = (f"Revealed: the reference is {step.reference_text()}. The chain goes on "
                   f"from it.")
        return StepGrade(status="revealed", credit=0.0, consistent=False, answer=None,
                         message=message, **common), step.reference_value
    assert answer is not None
    if not answer.strip():
        raise CaseAnswerError(step.index, step.id, "unparsed",
                              "type an answer, or ? to see the reference")
    tolerance = Tolerance.parse(step.tolerance)
    try:
        grade = grade_numeric(answer, step.reference_value, step.reference_unit, step.unit,
                              tolerance, prompt=step.prompt)
        own = None
        if feeding and own_si is not None:
            own = grade_numeric(answer, own_si, step.reference_unit, step.unit, tolerance,
                                prompt=step.prompt)
    except AnswerError as error:
        raise CaseAnswerError(step.index, step.id, error.band, str(error)) from None
    typed_si = grade.value * step.display_scale
    credit = BAND_CREDIT[grade.band]
    own_credit = CONSISTENT_CREDIT * BAND_CREDIT[own.band] if own is not None else 0.0
    consistent = own is not None and own_credit > credit
    if consistent:
        assert own is not None and own_shown is not None
        status, credit, slip = "consistent", own_credit, None
        match = "matches it" if own.band == "exact" else "is close to it"
        message = (f"Consistent with your {_step_list(posed, feeding)}: your numbers give "
                   f"{format_in_unit(own_shown, step.unit)} and your answer {match}. The "
                   f"reference chain gives {step.reference_text()}; "
                   f"{round(own_credit * 100)}% credit.")
    else:
        status = grade.band
        mine = own if own is not None else grade
        slip = mine.slip if status != "exact" else None
        message = grade.message
        if own is not None and status != "exact":
            assert own_shown is not None
            message = (f"{grade.message} From your own {_step_list(posed, feeding)} this "
                       f"step is {format_in_unit(own_shown, step.unit)}: "
                       f"{own.message[0].lower()}{own.message[1:]}")
            if own.slip and own.slip not in message:
                message += f" Looks like {own.slip}."
    return StepGrade(status=status, credit=credit, consistent=consistent, answer=answer,
                     message=message, band=grade.band,
                     own_band=own.band if own is not None else None, slip=slip,
                     value=grade.value, **common), typed_si


def _step_list(posed: PosedCase, indexes: Sequence[int]) -> str:
    """"step 1 (compute)" / "steps 1 (compute) and 2 (days)"."""
    named = [f"{i + 1} ({posed.steps[i].id})" for i in indexes]
    if len(named) == 1:
        return f"step {named[0]}"
    return f"steps {', '.join(named[:-1])} and {named[-1]}"


def read_pick(answer: str, options: Sequence[str]) -> int | None:
    """The option ``answer`` picks: its number (``2``), its letter (``b``) or its text
    (case and spacing ignored); ``None`` when it names none."""
    spaced = " ".join(answer.split()).casefold()
    typed = spaced.rstrip(".)")  # "2." or "b)" as a list is written
    if typed.isdigit() and 1 <= int(typed) <= len(options):
        return int(typed) - 1
    if len(typed) == 1 and "a" <= typed <= "z" and ord(typed) - ord("a") < len(options):
        return ord(typed) - ord("a")
    folded = [" ".join(option.split()).casefold() for option in options]
    for text in (spaced, spaced.rstrip("."), typed):  # an option may end in ")" itself
        if text in folded:
            return folded.index(text)
    return None


def _grade_decision(posed: PosedCase, step: PosedStep, answer: str | None,
                    carried: Sequence[float | None]) -> StepGrade:
    assert step.right_option is not None
    feeding = _carried_from(step, posed, carried)
    own_right: int | None = step.right_option
    if feeding:
        try:
            own_right = decide_step(step.rule, step.inputs, carried)
        except (ValueError, TypeError):
            own_right = None
    common = {"index": step.index, "step_id": step.id, "kind": "decision",
              "options": step.options, "right_option": step.right_option,
              "right_option_from_your_answers": own_right, "carried_from": feeding}
    right_text = step.options[step.right_option]
    if is_reveal(answer):
        return StepGrade(status="revealed", credit=0.0, consistent=False, answer=None,
                         message=f"Revealed: the numbers point to {right_text!r}.", **common)
    assert answer is not None
    picked = read_pick(answer, step.options)
    if picked is None:
        numbers = ", ".join(f"{i + 1} {o!r}" for i, o in enumerate(step.options))
        raise CaseAnswerError(step.index, step.id, "unparsed",
                              f"pick an option by its number or text: {numbers}")
    own_band = None if not feeding or own_right is None else \
        ("exact" if picked == own_right else "off")
    if picked == step.right_option:
        status, credit, message = "exact", 1.0, f"Right: {right_text!r}."
    elif own_right is not None and picked == own_right:
        status, credit = "consistent", CONSISTENT_CREDIT
        message = (f"Consistent: {step.options[picked]!r} follows from your own "
                   f"{_step_list(posed, feeding)}, but the reference numbers point to "
                   f"{right_text!r}. {round(credit * 100)}% credit.")
    else:
        status, credit = "off", 0.0
        message = f"Not this one: the numbers point to {right_text!r}."
        if own_right is not None and own_right != step.right_option:
            message += f" Even your own numbers point to {step.options[own_right]!r}."
    return StepGrade(status=status, credit=credit, consistent=status == "consistent",
                     answer=answer, message=message,
                     band="exact" if picked == step.right_option else "off",
                     own_band=own_band, picked=picked, **common)


def _summary(posed: PosedCase, graded: Sequence[StepGrade], breaks: Sequence[int]) -> str:
    """The verdict in a sentence or two: where the chain broke, the slip, what followed."""
    if not graded:
        return "Nothing answered yet."
    if not breaks:
        held = "The whole chain holds" if len(graded) == len(posed.steps) else "So far the " \
            "chain holds"
        consistent = [g.index for g in graded if g.consistent]
        if consistent:
            return f"{held}, with {_step_list(posed, consistent)} right from your own numbers."
        return f"{held}: every step right."
    first = graded[breaks[0]]
    if first.status == "revealed":
        what = "you asked for the reference"
    else:
        sentence = first.message.split(". ")[0].rstrip(".")
        what = sentence[0].lower() + sentence[1:]
    text = f"Your chain broke at {_step_list(posed, [first.index])}: {what}"
    text += f" — looks like {first.slip}." if first.slip and first.slip not in what else "."
    consistent = [g.index for g in graded if g.consistent]
    if consistent:
        text += f" {_step_list(posed, consistent).capitalize()} followed from your own " \
                f"numbers (consistent)."
    later = [i for i in breaks[1:]]
    if later:
        text += f" Also wrong on your own numbers: {_step_list(posed, later)}."
    return text
