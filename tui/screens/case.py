"""The case screen: a scenario, its steps one at a time, each graded as soon as it is answered,
then the justification and the verdict of the whole chain.

The drill hands a ``case`` question to this screen (``DrillScreen.show_case``). The scenario
sits on top; under it the steps answered so far, each with its verdict, and the step being
asked — all in one scroller that keeps the current step in view at 80×24, with the answer box
under it. Every verdict is the engine's: after each step the screen calls
``engine.cases.grade_chain(posed, answers_so_far)`` and renders the last step's grade (errors
carried forward: "consistent with your step 1"). An answer that cannot be graded
(``CaseAnswerError``: unreadable, the wrong dimension, no such option) is said under the box
and stays there to fix. ``?`` reveals a step's reference (the chain goes on from it; it scores
nothing). After the last step the "justify it" text box; ctrl+s records everything through
``StudySession.submit_case`` and the verdict is shown: the chain, where it broke, the
justification's key points (the drill's open-answer renderer), the score and rating, and the
show-work derivation of every step. 1–4 change the rating, Enter goes on, u takes it back.

Nothing typed is lost: the step answers, the box being typed in and the justification are the
case's draft (JSON, ``StudySession.save_draft``) as the player goes, and they come back when
the case is met again — at the scenario (seed) they were typed for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static, TextArea

from content.untrusted import clean_text
from engine.store.db import StoreError
from engine.study.session import Feedback, Retry, StudySession
from tui.safe import safe
from tui.screens.drill import answer_clock, save_draft_without_waiting

if TYPE_CHECKING:
    from engine.cases.grade import ChainGrade, StepGrade
    from engine.cases.pose import PosedCase, PosedStep
    from engine.cases.verdict import CaseVerdict
    from engine.questions import Question
    from tui.app import TpmDrillApp

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
#: A step's status as the player reads it: the mark, the word, the colour.
STATUS_SHOWN: dict[str, tuple[str, str, str]] = {
    "exact": ("✓", "Right", "$success"),
    "consistent": ("↪", "Consistent", "$success"),
    "close": ("≈", "Close", "$warning"),
    "off": ("✗", "Off", "$error"),
    "revealed": ("?", "Revealed", "$warning"),
}
#: Typed as a whole justification, these mean "nothing to add" (scored 0 on its share).
NO_JUSTIFICATION = frozenset({"", "?"})
#: One line of an answer text as ``engine.cases.verdict.case_answer_text`` writes it.
_ANSWER_LINE = re.compile(r"^(\d+)\. (.*)$")


class CaseScreen(Screen[Feedback | None]):
    """One case from a ``StudySession``: dismissed with the recorded ``Feedback`` once the
    player moves on from the verdict, or ``None`` when they leave before submitting (what
    was typed is kept as the case's draft)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", id="case.submit", priority=True,
                tooltip="Submit the justification and record the case"),
        # Not priority: while a step is asked, Enter and digits belong to the answer box.
        Binding("enter", "accept", "Next", id="case.accept"),
        Binding("1", "rate(1)", "Again", id="case.again", show=False),
        Binding("2", "rate(2)", "Hard", id="case.hard", show=False),
        Binding("3", "rate(3)", "Good", id="case.good", show=False),
        Binding("4", "rate(4)", "Easy", id="case.easy", show=False),
        Binding("u", "undo", "Undo", id="case.undo",
                tooltip="Take back the case and its rating; it is asked again"),
        # Priority: the justification box would take Esc to leave its own focus.
        Binding("escape", "back", "Back", id="case.back", priority=True,
                tooltip="Leave the case; what you typed is kept as a draft"),
    ]

    def __init__(self, session: StudySession,
                 countdown: Callable[[], str] | None = None) -> None:
        super().__init__()
        self.session = session
        self.countdown = countdown  # a loop round's countdown line (markup), shown on top
        self.cut_off = False  # the round's time ran out: recorded as it stands
        self.answers: list[str] = []  # what was typed at each step answered ("?": revealed)
        self.chain: ChainGrade | None = None  # the grade of ``answers``
        #: Answers from an answer taken back (undo), offered in each step's box in turn.
        self.kept: list[str] = []
        self.kept_justify = ""
        self.feedback: Feedback | None = None
        self.started_at = session.clock.monotonic()
        self._shown_value = ""  # what the screen itself put in the answer box (not an edit)
        self._shown_text = ""  # ... and in the justification box

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    @property
    def question(self) -> Question:
        question = self.session.question
        assert question is not None and question.case is not None
        return question

    @property
    def posed(self) -> PosedCase:
        return cast("PosedCase", self.question.case)

    @property
    def justifying(self) -> bool:
        """Every step is answered: the justification is being written."""
        return self.feedback is None and len(self.answers) == len(self.posed.steps)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="case-status")
        yield Static("", id="case-verdict")  # after the submit: the score and what Enter gives
        with VerticalScroll(id="case-scroll"):
            yield Static("", id="case-scenario")
            # One Static per answered step is mounted here (``.case-step``), then:
            yield Static("", id="case-current")
            yield Static("", id="case-result")
        yield Input(placeholder="", id="case-answer")
        yield TextArea(id="case-justify", soft_wrap=True, show_line_numbers=False,
                       placeholder="Justify it as in the room: what the numbers say, what "
                                   "they hinge on, what you would do.  ctrl+s submits · "
                                   "a lone ? (or nothing): skip")
        yield Static("", id="case-message")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = safe(f"case · {self.question.item_id}")
        self.query_one("#case-verdict").display = False
        self.query_one("#case-justify").display = False
        self.query_one("#case-result").display = False
        self.say("")
        self.restore_draft()
        self.set_interval(1.0, self.show_status)

    def begin(self) -> None:
        """Draw the scenario and the steps answered so far, then ask the next one."""
        self.query_one("#case-scenario", Static).update(render_scenario(self.posed))
        for widget in self.query(".case-step"):
            widget.remove()
        self.chain = None
        if self.answers:
            from engine.cases.grade import grade_chain

            self.chain = grade_chain(self.posed, self.answers)
            scroll = self.query_one("#case-scroll", VerticalScroll)
            for grade in self.chain.steps:
                scroll.mount(self._step_widget(grade), before="#case-current")
        self.ask()

    def _step_widget(self, grade: StepGrade) -> Vertical:
        """A step answered: its prompt, and under it (indented, wrapping under itself) the
        verdict, your answer and the reference, what your numbers give, the slip."""
        step = self.posed.steps[grade.index]
        head, body = render_step_verdict(self.posed, step, grade)
        return Vertical(Static(head, classes="case-step-head"),
                        Static(body, classes="case-step-body"),
                        classes=f"case-step -{grade.status}")

    def ask(self, typed: str = "") -> None:
        """Show the step to answer (or the justification) under those answered, in view."""
        current = self.query_one("#case-current", Static)
        answer = self.query_one("#case-answer", Input)
        justify = self.query_one("#case-justify", TextArea)
        index = len(self.answers)
        if index < len(self.posed.steps):
            step = self.posed.steps[index]
            current.update(render_step_prompt(self.posed, step))
            answer.display, justify.display = True, False
            answer.placeholder = ("the option's number or text  ·  ? reveal  ·  esc back"
                                  if step.kind == "decision" else
                                  f"{unit_words(step.unit)}  ·  ? reveal  ·  esc back")
            typed = typed or (self.kept[index] if index < len(self.kept) else "")
            self._shown_value = typed
            answer.value = typed
            answer.cursor_position = len(typed)
            answer.focus()
        else:
            current.update(render_justify_prompt(self.posed))
            answer.display, justify.display = False, True
            text = typed or self.kept_justify
            self._shown_text = text
            justify.text = text
            justify.move_cursor(justify.document.end)
            justify.read_only = False
            justify.focus()
        self.call_after_refresh(self._scroll_to_current)
        self.show_status()
        self.refresh_bindings()

    def _scroll_to_current(self) -> None:
        """The step being asked in view: its prompt at the bottom of the scroller, with as
        much of the scenario and the earlier verdicts above it as fits."""
        scroll = self.query_one("#case-scroll", VerticalScroll)
        scroll.scroll_end(animate=False)

    # -- the status line and its timer ----------------------------------------------------

    def elapsed_seconds(self) -> float:
        return max(0.0, self.session.clock.monotonic() - self.started_at)

    def show_status(self) -> None:
        self.query_one("#case-status", Static).update(self.status_line())

    def status_line(self) -> str:
        """'training.compute · L5 · step 2 of 4 · 1:05 / 8:00' (markup): where the player is
        and the time against the case's target; a loop's countdown in front."""
        posed = self.posed
        head = safe(f"{posed.topic} · {posed.level} · ")
        if self.countdown is not None:
            head = self.countdown() + " · "
        if self.feedback is not None:
            return head + f"recorded · {len(posed.steps)} steps and the justification"
        seconds = self.elapsed_seconds()
        clock = f"[b]{answer_clock(seconds)}[/b]"
        target = posed.target_seconds
        if target:
            over = seconds >= target
            clock = f"[{'$warning' if over else '$text'}]{clock}[/] / {answer_clock(target)}"
        total = len(posed.steps)
        where = "justify it · ctrl+s submits" if self.justifying else \
            f"step {len(self.answers) + 1} of {total}"
        return head + f"{where} · {clock}"

    def say(self, message: str) -> None:
        """One line under the box (markup the screen wrote: deck text through ``safe``)."""
        line = self.query_one("#case-message", Static)
        line.update(message)
        line.display = bool(message)

    # -- drafts ---------------------------------------------------------------------------

    def restore_draft(self) -> None:
        """Put back what was typed at this case last time, then ask the next step.

        A JSON draft (Esc, a closed terminal, a kill) gives the steps answered — graded again
        at the scenario they were typed for: a draft from another seed re-poses the case at
        that seed — the box being typed in, the justification, and after an undo the
        answers still to be offered (``offered``). An answer taken back
        (undo) left the review's text (``1. …`` lines, then the justification): its answers
        are offered in each step's box in turn, to keep with Enter or change."""
        try:
            raw = clean_text(self.session.draft() or "")
        except StoreError:
            raw = ""
        draft = read_case_draft(raw)
        typed = ""
        if draft is not None:
            seed = draft.get("seed")
            if isinstance(seed, int) and seed != self.posed.seed:
                self._repose(seed)
            answers = [a for a in draft.get("answers", []) if isinstance(a, str)]
            typed = draft.get("current") if isinstance(draft.get("current"), str) else ""
            self.kept_justify = draft.get("justify") \
                if isinstance(draft.get("justify"), str) else ""
            self.answers = self._gradable_prefix(answers[:len(self.posed.steps)])
            offered = draft.get("offered")
            if isinstance(offered, list):
                self.kept = [a for a in offered if isinstance(a, str)]
            if len(self.answers) < len(answers) and not typed:
                typed = answers[len(self.answers)]  # the one that no longer reads: to fix
        elif raw.strip():
            self.kept, self.kept_justify = read_answer_text(raw)
        self.begin()
        if typed:
            self.ask(typed)

    def _repose(self, seed: int) -> None:
        """Pose the case again at the draft's seed, so its answers meet their numbers."""
        from engine.questions import PoseError, pose

        item = self.session.bank.get(self.question.item_id)
        if item is None:
            return
        try:
            question = pose(item, None, self.session.bank.catalog, seed)
        except (PoseError, ValueError):
            return
        self.session.question = question

    def _gradable_prefix(self, answers: Sequence[str]) -> list[str]:
        """The longest first part of ``answers`` that grades (a hand-edited file may hold
        an answer that does not read: it goes back in the box to fix)."""
        from engine.cases.grade import CaseAnswerError, grade_chain

        answers = list(answers)
        try:
            grade_chain(self.posed, answers)
        except CaseAnswerError as error:
            return answers[:error.step_index]
        return answers

    def keep_draft(self) -> None:
        """Save the answers given, the box and the justification as the case's draft (best
        effort, never a wait: a keystroke whose draft cannot be written is kept by the
        next one)."""
        if self.feedback is not None:
            return
        current = "" if self.justifying else self.query_one("#case-answer", Input).value
        justify = self.query_one("#case-justify", TextArea).text if self.justifying \
            else self.kept_justify
        if not self.answers and not current.strip() and not justify.strip() \
                and not self.kept:
            text = ""  # nothing typed: no draft
        else:
            draft: dict[str, Any] = {"seed": self.posed.seed, "answers": self.answers,
                                     "current": current, "justify": justify}
            if len(self.kept) > len(self.answers) + 1:  # an undone case's later answers
                draft["offered"] = self.kept
            text = json.dumps(draft)
        save_draft_without_waiting(self.session, text)

    # -- answering ------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        """A lone ``?`` reveals the step; control characters (a paste can carry them) are
        dropped; every edit is kept in the draft."""
        event.stop()
        cleaned = clean_text(event.value)
        if cleaned != event.value:
            event.input.value = cleaned
            event.input.cursor_position = len(cleaned)
            return
        if self.feedback is not None or self.justifying or event.value == self._shown_value:
            return  # (what the screen put in the box is not the player's edit)
        self._shown_value = ""
        if event.value.strip() == "?":
            self.answer("?")
            return
        self.keep_draft()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        area = event.text_area
        cleaned = clean_text(area.text)
        if cleaned != area.text:
            area.text = cleaned
            area.move_cursor(area.document.end)
            return
        if self.justifying and not area.read_only and area.text != self._shown_text:
            self._shown_text = ""
            self.keep_draft()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.feedback is not None or self.justifying:
            return
        typed = event.value.strip()
        if not typed:
            self.say("Type an answer, or ? to see the reference.")
            return
        self.answer(typed)

    def answer(self, typed: str) -> None:
        """Grade the chain with ``typed`` as the current step's answer and show its verdict;
        an answer that cannot be graded is said under the box and stays there."""
        from engine.cases.grade import CaseAnswerError, grade_chain

        try:
            chain = grade_chain(self.posed, [*self.answers, typed])
        except CaseAnswerError as error:
            self.say(f"[$error]Not graded[/] — {safe(error)}. Fix it and press Enter.")
            return
        self.say("")
        self.answers.append(typed)
        self.chain = chain
        scroll = self.query_one("#case-scroll", VerticalScroll)
        scroll.mount(self._step_widget(chain.steps[-1]), before="#case-current")
        self.ask()
        self.keep_draft()

    def action_submit(self) -> None:
        """ctrl+s: with every step answered, record the case (steps and justification)."""
        if self.feedback is not None:
            return
        if not self.justifying:
            self.say("Answer every step first (? reveals one); then justify it and ctrl+s.")
            return
        # ctrl+s is a priority binding: read the justification once the keys typed just
        # before it have reached the text box (see DrillScreen.action_submit_long).
        self.query_one("#case-justify", TextArea).call_later(self.record_justification)

    def record_justification(self) -> None:
        """Record the case with the justification as it stands now."""
        if self.feedback is None and self.justifying:
            self.record(self.query_one("#case-justify", TextArea).text)

    def record(self, justify_text: str) -> None:
        """``submit_case`` records the review and one row per step; then the verdict."""
        justify = "" if justify_text.strip() in NO_JUSTIFICATION else justify_text
        try:
            outcome = self.session.submit_case(self.answers, justify, cut_off=self.cut_off)
        except StoreError as error:
            self.say(f"[$error]Not recorded:[/] {safe(error)} — what you typed is kept as a "
                     "draft.")
            if self.cut_off:
                self.dismiss(None)
            return
        if isinstance(outcome, Retry):  # the chain graded step by step: should not happen
            self.say(f"[$error]Not recorded:[/] {safe(outcome.message)}")
            return
        self.feedback = outcome
        if self.cut_off:  # the round is over: the debrief shows the chain
            self.dismiss(outcome)
            return
        self.show_verdict(outcome)

    def time_up(self) -> None:
        """A loop round's time ran out: the case is recorded as it stands (steps not
        answered, or not readable, revealed; the justification as typed), then the screen
        closes and the loop goes on."""
        if self.feedback is not None:
            self.dismiss(self.feedback)
            return
        self.cut_off = True
        justify = self.query_one("#case-justify", TextArea)
        justify.read_only = True
        self.query_one("#case-answer", Input).disabled = True
        answers = list(self.answers)
        text = ""
        if self.justifying:
            text = justify.text
        else:
            typed = self.query_one("#case-answer", Input).value.strip()
            if typed:
                answers.append(typed)
        self.answers = answers
        self.record(text)

    # -- the verdict ----------------------------------------------------------------------

    def show_verdict(self, feedback: Feedback) -> None:
        verdict = cast("CaseVerdict", feedback.grade)
        justify = self.query_one("#case-justify", TextArea)
        justify.read_only = True
        justify.display = False
        self.query_one("#case-answer", Input).display = False
        self.query_one("#case-current", Static).display = False
        self.query_one("#case-scenario", Static).display = False
        for widget in self.query(".case-step"):
            widget.display = False
        head = self.query_one("#case-verdict", Static)
        head.update(render_verdict_head(feedback))
        head.display = True
        result = self.query_one("#case-result", Static)
        result.update(render_case_verdict(feedback, verdict))
        result.display = True
        self.say("")
        scroll = self.query_one("#case-scroll", VerticalScroll)
        scroll.scroll_home(animate=False)
        scroll.focus()
        self.show_status()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"accept", "rate"}:
            return self.feedback is not None
        if action == "undo":
            return self.feedback is not None and self.session.can_undo
        if action == "submit":
            return self.justifying
        return True

    def action_rate(self, rating: int) -> None:
        if self.feedback is None:
            return
        try:
            self.feedback = self.session.override(rating)
        except StoreError as error:
            self.say(f"[$error]{safe(error)}[/]")
            return
        self.query_one("#case-verdict", Static).update(render_verdict_head(self.feedback))

    def action_accept(self) -> None:
        if self.feedback is not None:
            self.dismiss(self.feedback)

    def action_undo(self) -> None:
        """Take back the recorded case (its review and every step's row): it is asked
        again from step 1, each step's box offering what was typed there."""
        from engine.study.session import UndoError

        if self.feedback is None:
            return
        try:
            undone = self.session.undo()
        except (UndoError, StoreError) as error:
            self.notify(safe(error), title="Nothing undone", severity="warning", timeout=6)
            return
        self.feedback = None
        self.answers = []
        self.kept, self.kept_justify = read_answer_text(undone.answer_text)
        self.started_at = self.session.clock.monotonic()
        self.query_one("#case-verdict").display = False
        self.query_one("#case-result").display = False
        self.query_one("#case-scenario").display = True
        self.query_one("#case-current").display = True
        self.query_one("#case-answer", Input).disabled = False
        self.begin()
        self.notify(f"Took back your case ({RATING_NAMES.get(undone.rating, '?')}); Enter "
                    "keeps each answer, or change it.", timeout=4)

    def action_back(self) -> None:
        """Leave: what was typed stays as the case's draft (after a submit: go on)."""
        if self.feedback is not None:
            self.dismiss(self.feedback)
            return
        self.keep_draft()
        self.dismiss(None)


# -- drafts (pure functions) ------------------------------------------------------------


def read_case_draft(raw: str) -> dict[str, Any] | None:
    """A case's JSON draft (``{"seed", "answers", "current", "justify"}``), or ``None``
    when ``raw`` is not one (empty, an answer text left by undo, a hand-edited file)."""
    if not raw.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("answers", []), list):
        return None
    return data


def read_answer_text(text: str) -> tuple[list[str], str]:
    """The step answers and the justification of a review's answer text (``1. 45 days``
    lines, a blank line, the justification: ``engine.cases.verdict.case_answer_text``)."""
    answers: list[str] = []
    lines = text.splitlines()
    rest = 0
    for rest, line in enumerate(lines):  # noqa: B007  (``rest`` is read after the loop)
        match = _ANSWER_LINE.match(line)
        if match is None or int(match.group(1)) != len(answers) + 1:
            break
        answers.append(match.group(2))
    else:
        rest = len(lines)
    return answers, "\n".join(lines[rest:]).strip()


# -- rendering (pure functions: tested without an app) ------------------------------------


def _shown(value: float | None, unit: str) -> str:
    from engine.cases.pose import format_in_unit

    return "—" if value is None else format_in_unit(value, unit)


def render_scenario(posed: PosedCase) -> str:
    """The scenario, the case's id and target time under it."""
    target = f" · about {posed.target_seconds / 60:.0f} min" if posed.target_seconds else ""
    return (f"{safe(posed.scenario)}\n[dim]{len(posed.steps)} steps, then justify it"
            f"{target}[/dim]")


def render_step_prompt(posed: PosedCase, step: PosedStep) -> str:
    """The step being asked: its number, prompt, and the unit or the numbered options."""
    lines = [f"[b]Step {step.index + 1} of {len(posed.steps)}[/b] · {safe(step.prompt)}"]
    if step.kind == "decision":
        lines += [f"  [b]{number}[/b]. {safe(option)}"
                  for number, option in enumerate(step.options, start=1)]
    else:
        lines.append(f"[dim]Answer {safe(unit_words(step.unit))} (or any unit of the same kind)"
                     "[/dim]")
    return "\n".join(lines)


def unit_words(unit: str) -> str:
    """'in GPUs·h' (the unit as the game prints it), 'a plain number' for none."""
    from grading.units import pretty_unit

    shown = pretty_unit(unit) if unit else ""
    return f"in {shown}" if shown else "a plain number"


def render_justify_prompt(posed: PosedCase) -> str:
    return (f"[b]Justify it[/b] · {safe(posed.justify_prompt)}\n"
            "[dim]A third of the score; ctrl+s submits (a lone ? or nothing: 0 on it).[/dim]")


def _you_and_reference(step: PosedStep, grade: StepGrade) -> str:
    """'You: 90 days · Reference: 45 days' (a decision: the options picked)."""
    if grade.kind == "decision":
        picked = step.options[grade.picked] if grade.picked is not None else "—"
        you = "—" if grade.status == "revealed" else f"{(grade.picked or 0) + 1}. {picked}"
        return f"You: [b]{safe(you)}[/b] · Reference: [b]{safe(step.reference_text())}[/b]"
    you = "—" if grade.status == "revealed" else _shown(grade.value, step.unit)
    return (f"You: [b]{safe(you)}[/b] · Reference: "
            f"[b]{safe(_shown(grade.reference, step.unit))}[/b]")


def _carried(posed: PosedCase, step: PosedStep, grade: StepGrade) -> str:
    """'consistent with your step 1 (compute): your numbers give 90 days' and the like."""
    if not grade.carried_from:
        return ""
    steps = " and ".join(f"{i + 1} ({posed.steps[i].id})" for i in grade.carried_from)
    word = "steps" if len(grade.carried_from) > 1 else "step"
    if grade.kind == "decision":
        own = grade.right_option_from_your_answers
        gives = step.options[own] if own is not None else "no option (they do not compute)"
        same = own == grade.right_option
    else:
        gives = _shown(grade.reference_from_your_answers, step.unit)
        same = gives == _shown(grade.reference, step.unit)
    if same and not grade.consistent:  # your earlier numbers round to the reference's
        return ""
    lead = "consistent with" if grade.consistent else "from"
    return f"{lead} your {word} {steps}: your numbers give {gives}"


def render_step_verdict(posed: PosedCase, step: PosedStep,
                        grade: StepGrade) -> tuple[str, str]:
    """A step answered, as it stays on screen: the prompt (the head), then the verdict,
    your answer and the reference, what your own earlier numbers give, the slip and what
    the grader said of a miss (the body)."""
    mark, word, style = STATUS_SHOWN.get(grade.status, ("•", grade.status, "$text"))
    head = f"[b]{step.index + 1}.[/b] {safe(step.prompt)}"
    lines = [f"[b {style}]{mark} {word}[/] · {_you_and_reference(step, grade)}"]
    carried = _carried(posed, step, grade)
    if carried:
        lines.append(f"[dim]{safe(carried)}[/dim]")
    said = grade.message if grade.status in {"close", "off"} else ""
    if grade.slip and grade.slip not in said:
        lines.append(f"[$warning]slip: {safe(grade.slip)}[/]")
    if said:
        lines.append(f"[dim]{safe(said)}[/dim]")
    return head, "\n".join(lines)


def render_verdict_head(feedback: Feedback) -> str:
    """The lines that stay in view: the score, its parts, the rating Enter gives."""
    from engine.cases.verdict import STEP_SHARE

    verdict = cast("CaseVerdict", feedback.grade)
    steps = f"steps {verdict.chain.score:.0%}"
    said = f"justification {verdict.justify_score:.0%}" if verdict.justify is not None \
        else "no justification"
    rating = RATING_NAMES.get(feedback.rating, str(feedback.rating))
    changed = " (your override)" if feedback.overridden else ""
    return (f"[b $accent]• Score {verdict.score:.0%}[/] — {steps} (weighs "
            f"{STEP_SHARE:.0%}), {said}\n[b]Enter: {rating}[/b]{changed} · 1–4 to change · "
            "u undo")


def render_chain(posed: PosedCase, chain: ChainGrade) -> str:
    """Every step of the chain: the verdict, your answer against the reference, whether
    it follows from your own numbers, where it broke and the slip."""
    lines = ["[b]Your chain[/b]", safe(chain.message), ""]
    for grade in chain.steps:
        step = posed.steps[grade.index]
        mark, word, style = STATUS_SHOWN.get(grade.status, ("•", grade.status, "$text"))
        broke = " [$error]← broke here[/]" if chain.broke_at == grade.index else ""
        lines.append(f"[b {style}]{mark} {step.index + 1}. {word}[/]{broke} · "
                     f"{safe(step.prompt)}")
        lines.append(f"    {_you_and_reference(step, grade)}")
        carried = _carried(posed, step, grade)
        if carried:
            lines.append(f"    [dim]{safe(carried)}[/dim]")
        if grade.slip:
            lines.append(f"    [$warning]slip: {safe(grade.slip)}[/]")
    return "\n".join(lines)


def render_show_work(posed: PosedCase) -> str:
    """The reference chain worked through: each step's derivation and explanation."""
    from grading.units import humanize

    lines = ["[b]Show work[/b]"]
    for step in posed.steps:
        lines.append(f"[b]{step.index + 1}. {safe(step.id)}[/b] → "
                     f"{safe(step.reference_text())}")
        for worked in step.derivation:
            lines.append(f"    {safe(worked.label)} = {safe(humanize(worked.value, worked.unit))}")
        if step.kind == "decision" and step.rule:
            lines.append(f"    [dim]rule: {safe(step.rule)}[/dim]")
        if step.explanation.strip():
            lines.append(f"    [dim]{safe(step.explanation.strip())}[/dim]")
    return "\n".join(lines)


def render_case_verdict(feedback: Feedback, verdict: CaseVerdict) -> str:
    """What scrolls under the score: the chain, the justification's key points with the
    sentence that earned each (the drill's open-answer renderer), then the show work."""
    from tui.screens.drill import _render_open

    posed = verdict.posed
    lines = [render_chain(posed, verdict.chain), "", "[b]Your justification[/b]"]
    if verdict.justify is None:
        lines.append("[dim](none written: 0 on its share)[/dim]")
    lines.append(_render_open(replace(feedback, grade=verdict.justify)))
    lines += ["", render_show_work(posed)]
    return "\n".join(lines)
