"""The drill screen: a prompt, an answer box, then the verdict with the derivation.

Numbers and short names are typed in one line; interview questions are answered in a text
area, scored on key points, then self-checked: the player ticks what they really covered.
The screen calls one engine method per user action (``submit``, ``dont_know``,
``self_check``, ``override``, ``next_question``) and renders what comes back. The answer is
stored by ``submit`` before the feedback panel is drawn.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from content.untrusted import clean_text
from engine.questions import Question
from engine.session import Feedback, Retry, StudySession
from engine.store import StoreError
from grading.rating import AGAIN, EASY, GOOD, HARD
from grading.units import format_value, humanize, pretty_unit
from tui.safe import plain, safe

# The graders (grading.numeric, .rubric, .text: ~15 ms of imports) are imported where the
# feedback is drawn: an answer has been graded by then, so they are already loaded.

if TYPE_CHECKING:
    from textual.widgets import SelectionList, TextArea

    from tui.app import TpmDrillApp

_T = TypeVar("_T")

RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
BAND_STYLES = {"exact": "$success", "close": "$warning", "off": "$error", "don't know": "$error",
               "scored": "$accent"}
BAND_WORDS = {"exact": "Right", "close": "Close", "off": "Off", "don't know": "Don't know",
              "scored": "Scored"}
BAND_MARKS = {"exact": "✓", "close": "≈", "off": "✗", "don't know": "✗", "scored": "•"}


class DrillScreen(Screen[None]):
    """One question at a time from a ``StudySession``."""

    BINDINGS = [
        Binding("enter", "accept", "Next", id="drill.accept", tooltip="Accept the rating"),
        Binding("1", "rate(1)", "Again", id="drill.again"),
        Binding("2", "rate(2)", "Hard", id="drill.hard"),
        Binding("3", "rate(3)", "Good", id="drill.good"),
        Binding("4", "rate(4)", "Easy", id="drill.easy"),
        Binding("ctrl+s", "submit_long", "Submit", id="drill.submit", priority=True,
                tooltip="Submit the answer, or confirm the self-check"),
        Binding("question_mark", "dont_know", "Don't know", id="drill.dont_know",
                tooltip="Show the answer; rated Again"),
        Binding("q", "back", "Back", id="drill.back", show=False),
        Binding("escape", "back", "Back", id="drill.escape", tooltip="Back to home"),
    ]

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session
        self.checking = False  # an open answer awaits the player's self-check
        self.saving = False  # a write waits for another program's lock (see ``write``)
        self._stop_waiting = threading.Event()

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="drill-status")
        yield Static("", id="drill-prompt")
        yield Input(placeholder="a number with its unit  ·  ? don't know  ·  q back",
                    id="drill-answer")
        # The essay area (#drill-essay) and the self-check list (#self-check) are mounted
        # with the first interview question: see ``long_form_widgets``.
        yield Static("", id="drill-message")
        with VerticalScroll(id="drill-feedback"):
            yield Static("", id="feedback-body")
            yield Static("", id="feedback-tail")
        yield Footer()

    def on_mount(self) -> None:
        self.start()

    def long_form_widgets(self) -> tuple[TextArea, SelectionList[int]]:
        """The essay area and the self-check list, mounted the first time an interview
        question is shown: a TextArea and a SelectionList cost ~20 ms of imports, CSS and
        mounting that a drill of numbers never needs before its first question is drawn
        (tests/perf/pty_startup.py)."""
        from textual.widgets import SelectionList, TextArea

        if not self.query("#drill-essay"):
            essay = TextArea(id="drill-essay", soft_wrap=True, show_line_numbers=False,
                             placeholder="Answer as in the room: numbers with units, cause → "
                                         "effect, tradeoffs.  ctrl+s submits · a lone ? then "
                                         "ctrl+s: don't know · esc back")
            self.mount(essay, after="#drill-answer")
            checklist = SelectionList[int](id="self-check")
            checklist.display = False
            self.mount(checklist, before="#feedback-tail")
        return (self.query_one("#drill-essay", TextArea),
                self.query_one("#self-check", SelectionList))

    def mounted_long_form_widgets(self) -> tuple[TextArea, SelectionList[int]] | None:
        """``long_form_widgets`` if an interview question has mounted them, else None."""
        return self.long_form_widgets() if self.query("#drill-essay") else None

    def _essay_read_only(self, read_only: bool) -> None:
        """Lock or unlock the essay box, if an interview question has mounted it."""
        if (widgets := self.mounted_long_form_widgets()) is not None:
            widgets[0].read_only = read_only

    def start(self) -> None:
        """First thing after mounting: ask the first question (a loop shows its intro)."""
        self.sub_title = self.session.mode
        self.advance()

    # -- state ----------------------------------------------------------------------------

    @property
    def answering(self) -> bool:
        return self.session.question is not None and self.session.feedback is None

    @property
    def long_form(self) -> bool:
        question = self.session.question
        return question is not None and question.kind == "open"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Rating keys only once there is a final verdict; submit only for long answers;
        while a write waits for the database, only Esc (stop waiting)."""
        if self.saving:
            return action == "back"
        if action in {"rate", "accept"}:
            return self.session.feedback is not None and not self.checking
        if action == "dont_know":
            return self.answering
        if action == "submit_long":
            return (self.answering and self.long_form) or self.checking
        return True

    def advance(self) -> None:
        """Ask the next question, or hand over to the done screen."""
        try:
            question = self.session.next_question()
        except StoreError as error:
            self.cannot_go_on(error)
            return
        if question is None:
            self.finished()
            return
        self.show_question(question)

    def finished(self) -> None:
        """Nothing left to ask: the done-for-today screen."""
        from tui.screens.done import DoneScreen

        self.app.switch_screen(DoneScreen(self.session))

    def show_question(self, question: Question) -> None:
        self.checking = False
        self.query_one("#drill-status", Static).update(safe(self.status_line(question)))
        self.query_one("#drill-prompt", Static).update(safe(question.prompt))
        self.query_one("#drill-message", Static).update("")
        self.query_one("#feedback-body", Static).update("")
        self.query_one("#feedback-tail", Static).update("")
        essay: TextArea | None = None
        long_form = self.long_form_widgets() if self.long_form else \
            self.mounted_long_form_widgets()
        if long_form is not None:
            essay, checklist = long_form
            checklist.clear_options()
            checklist.display = False
            essay.display = self.long_form
        answer = self.query_one("#drill-answer", Input)
        answer.display = not self.long_form
        if essay is not None and self.long_form:
            essay.text = ""
            essay.read_only = False
            essay.styles.height = 8
            essay.focus()
        else:
            answer.value = ""
            answer.disabled = False
            answer.placeholder = ("a short answer  ·  ? don't know  ·  q back"
                                  if question.kind == "text" else
                                  "a number with its unit  ·  ? don't know  ·  q back")
            answer.focus()
        self.refresh_bindings()

    def cannot_go_on(self, error: StoreError) -> None:
        """The database failed between questions (damaged, locked too long): say so where the
        question would be; every answer given is saved and nothing more is written."""
        self.session.question = None
        self.query_one("#drill-prompt", Static).update(
            f"[b $error]The next card cannot be read.[/]\n{safe(error)}\n\n"
            "Your answers so far are saved. Esc: back home.")
        self.query_one("#drill-answer", Input).disabled = True
        self._essay_read_only(True)
        self.notify(safe(error), title="Progress database", severity="error", timeout=10)
        self.refresh_bindings()

    def status_line(self, question: Question) -> str:
        head = f"#{self.session.answered + 1} · {question.topic} · {question.level} · "
        if question.kind == "open":
            minutes = f" (~{question.target_seconds / 60:.0f} min)" \
                if question.target_seconds else ""
            return head + f"interview question{minutes} · ctrl+s submits"
        if question.kind == "text":
            return head + "answer in a word or two"
        return head + f"answer in {pretty_unit(question.display_unit) or 'a plain number'}"

    # -- events and actions ---------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        """A lone "?" in the answer box means don't know; a lone "q" goes back. Control
        characters (a paste can carry ``ESC[2J``) are dropped before the box draws them."""
        cleaned = clean_text(event.value)
        if cleaned != event.value:
            event.input.value = cleaned
            event.input.cursor_position = len(cleaned)
            return  # the clean value posts its own Changed
        typed = event.value.strip()
        if typed == "?" and self.answering:
            self.action_dont_know()
        elif typed == "q":
            self.action_back()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """An essay keeps no control characters either: the text area draws what it holds."""
        area = event.text_area
        cleaned = clean_text(area.text)
        if cleaned != area.text:
            area.text = cleaned
            area.move_cursor(area.document.end)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.answering:
            return
        if not event.value.strip():
            self.say("Type an answer, or ? if you don't know.")
            return
        self.submit(event.value)

    def submit(self, text: str) -> None:
        self.write(self.session.submit, text, then=self._answered,
                   failed="Could not save your answer")

    def _answered(self, outcome: Feedback | Retry) -> None:
        if isinstance(outcome, Retry):
            self.say(outcome.message)
            return
        self.show_feedback(outcome)

    # -- writing, and waiting for the database ------------------------------------------

    def write(self, call: Callable[..., _T], *args: object, then: Callable[[_T], None],
              failed: str) -> None:
        """Run one engine write (an answer, a rating) and hand its result to ``then``.

        The write is tried on the UI thread, as always. If another program holds the
        database's write lock, the first wait step (0.2 s) stops it, nothing written, and it
        is retried on a worker thread while the screen says it is waiting: the screen stays
        live, Esc stops waiting (the answer stays in the box), and keys typed meanwhile go
        nowhere — not into the next answer, not to the rating keys. A ``StoreError`` (busy
        for 10 s, read-only, full, damaged) is said on screen; nothing was recorded.
        """
        store = self.session.store

        def first_wait(_seconds: float) -> None:
            raise _LockHeld

        store.on_wait = first_wait
        try:
            result = call(*args)
        except _LockHeld:
            self._write_in_background(call, args, then, failed)
            return
        except StoreError as error:
            self._write_failed(error, failed)
            return
        finally:
            store.on_wait = None
        then(result)

    def _write_in_background(self, call: Callable[..., _T], args: tuple[object, ...],
                             then: Callable[[_T], None], failed: str) -> None:
        self.saving = True
        self._stop_waiting.clear()
        self.query_one("#drill-answer", Input).disabled = True
        self._essay_read_only(True)
        self.say("Waiting for the database: another program is writing to it. "
                 "Esc stops waiting (your answer stays here).")
        self.refresh_bindings()

        def work() -> None:
            store = self.session.store

            def waiting(seconds: float) -> None:
                if self._stop_waiting.is_set():
                    raise _StoppedWaiting
                self.app.call_from_thread(self._show_wait, seconds)

            store.on_wait = waiting
            try:
                outcome: object = call(*args)
            except (StoreError, _StoppedWaiting) as error:
                outcome = error
            finally:
                store.on_wait = None
            self.app.call_from_thread(self._written, outcome, then, failed)

        self.run_worker(work, thread=True, exclusive=True, group="write", exit_on_error=False)

    def _show_wait(self, seconds: float) -> None:
        if self.saving:
            self.say(f"Waiting for the database: another program is writing to it "
                     f"({seconds:.0f} s of 10). Esc stops waiting (your answer stays here).")

    def _written(self, outcome: object, then: Callable[[Any], None], failed: str) -> None:
        self.saving = False
        if self.answering:
            self.query_one("#drill-answer", Input).disabled = False
            self._essay_read_only(False)
        self.refresh_bindings()
        if isinstance(outcome, _StoppedWaiting):
            self.say("Not saved — you stopped waiting for the database. Your answer is still "
                     "here: submit it again when the other program is done.")
            self._refocus()
            return
        if isinstance(outcome, StoreError):
            self._write_failed(outcome, failed)
            return
        self.say("")
        then(outcome)

    def _write_failed(self, error: StoreError, failed: str) -> None:
        """Nothing was recorded: keep what was typed, say why."""
        self.say(f"Not saved — {error}")
        self.notify(safe(error), title=failed, severity="error", timeout=10)
        self._refocus()

    def _refocus(self) -> None:
        if self.answering:
            widget = self.query_one("#drill-essay" if self.long_form else "#drill-answer")
            widget.focus()

    def say(self, message: str) -> None:
        self.query_one("#drill-message", Static).update(safe(message))

    def action_submit_long(self) -> None:
        """ctrl+s: submit the written answer, or confirm the ticked key points."""
        from grading.rubric import RubricResult

        if self.checking:
            ticked = set(self.long_form_widgets()[1].selected)
            feedback = self.session.feedback
            assert feedback is not None and isinstance(feedback.grade, RubricResult)
            count = len(feedback.grade.key_points)

            def checked(feedback: Feedback) -> None:
                self.checking = False
                self.show_feedback(feedback)

            self.write(self.session.self_check, [i in ticked for i in range(count)],
                       then=checked, failed="Rating not changed")
            return
        if self.answering and self.long_form:
            text = self.long_form_widgets()[0].text
            if not text.strip():
                self.say("Write your answer first, or press ? for don't know.")
                return
            self.submit(text)

    def action_dont_know(self) -> None:
        if self.answering and not self.saving:
            self.write(self.session.dont_know, then=self.show_feedback,
                       failed="Could not save your answer")

    def action_rate(self, rating: int) -> None:
        """Override the suggested rating, then move on."""
        if self.session.feedback is None or self.checking:
            return

        def rated(feedback: Feedback) -> None:
            if feedback.overridden:
                self.notify(f"Rated {RATING_NAMES[rating]} (your override).", timeout=2)
            self.after_answer()

        self.write(self.session.override, rating, then=rated, failed="Rating not changed")

    def action_accept(self) -> None:
        if self.session.feedback is not None and not self.checking:
            self.after_answer()

    def after_answer(self) -> None:
        """What follows a rated answer: the next question (a loop adds its own rules)."""
        self.advance()

    def action_back(self) -> None:
        if self.saving:  # Esc while waiting for the database: stop waiting, stay here
            self._stop_waiting.set()
            return
        try:
            self.session.finish("finished" if self.session.answered else "abandoned")
        except StoreError as error:  # leaving must work even when the file cannot be written
            self.notify(safe(error), severity="error", timeout=10)
        cast("TpmDrillApp", self.app).back_home()

    # -- rendering ------------------------------------------------------------------------

    def show_feedback(self, feedback: Feedback) -> None:
        """Draw the verdict panel for an answer that is already stored."""
        from grading.rubric import RubricResult

        self.query_one("#drill-answer", Input).disabled = True
        long_form = self.mounted_long_form_widgets()
        if long_form is not None:
            essay = long_form[0]
            essay.read_only = True
            essay.styles.height = 4  # the verdict needs the room; the answer stays visible
        self.say("")
        self.query_one("#feedback-body", Static).update(render_feedback(feedback))
        tail = self.query_one("#feedback-tail", Static)
        scroller = self.query_one("#drill-feedback", VerticalScroll)
        grade = feedback.grade
        if isinstance(grade, RubricResult) and feedback.self_score is None:
            checklist = self.long_form_widgets()[1]
            self.checking = True
            checklist.clear_options()
            checklist.add_options([(plain(point.point), index, point.covered)
                                   for index, point in enumerate(grade.key_points)])
            checklist.display = True
            checklist.highlighted = 0
            tail.update("Tick what you really covered (space), then [b]ctrl+s[/b] to confirm.")
            scroller.scroll_home(animate=False)
            checklist.focus()
        else:
            if long_form is not None:
                long_form[1].display = False
            tail.update(render_rating_line(feedback))
            scroller.scroll_home(animate=False)
            scroller.focus()
        self.refresh_bindings()


class _LockHeld(Exception):
    """Another program holds the write lock: move the write off the UI thread."""


class _StoppedWaiting(Exception):
    """The player pressed Esc while a write waited for the database."""


def render_rating_line(feedback: Feedback) -> str:
    from grading.rubric import RubricResult

    if isinstance(feedback.grade, RubricResult) and feedback.self_score is not None:
        heard = feedback.grade.auto_score
        return (f"Self-check: [b]{feedback.self_score:.0%}[/b] (heard {heard:.0%})"
                f" → [b]{RATING_NAMES[feedback.rating]}[/b]  —  Enter next · 1–4 override")
    return (f"Suggested rating: [b]{RATING_NAMES[feedback.suggested_rating]}[/b]"
            "  —  Enter accepts · 1 Again · 2 Hard · 3 Good · 4 Easy")


def render_feedback(feedback: Feedback) -> str:
    """The verdict panel as Textual markup: every string from the deck, the grader (which
    quotes the player's answer) or the store goes through ``tui.safe.safe``."""
    from grading.numeric import Grade
    from grading.rubric import RubricResult
    from grading.text import TextGrade

    question, grade = feedback.question, feedback.grade
    if isinstance(grade, RubricResult) or (grade is None and question.kind == "open"):
        return _render_open(feedback)
    style = BAND_STYLES[feedback.verdict]
    lines: list[str] = []
    if isinstance(grade, TextGrade):
        lines.append(f"[b {style}]{BAND_MARKS[feedback.verdict]} {safe(grade.message)}[/]")
        lines.append(f"Answer: [b]{safe(question.answers[0])}[/b]")
        if len(question.answers) > 1:
            lines.append(f"[dim]Also accepted: {safe(', '.join(question.answers[1:]))}[/dim]")
    elif isinstance(grade, Grade):
        unit = question.display_unit
        lines.append(f"[b {style}]{BAND_MARKS[feedback.verdict]} {safe(grade.message)}[/]")
        lines.append(f"You: [b]{safe(format_value(grade.value, unit))}[/b]"
                     f"   Reference: [b]{safe(format_value(grade.reference, unit))}[/b]")
        if grade.interval:
            low, high = grade.interval
            lines.append(f"Your range: {safe(format_value(low, unit))} – "
                         f"{safe(format_value(high, unit))} "
                         + ("(your stated point was graded)" if grade.stated_point
                            else "(graded on its geometric middle)"))
    else:
        lines.append(f"[b {style}]✗ Don't know[/]")
        if question.kind == "text":
            lines.append(f"Answer: [b]{safe(question.answers[0])}[/b]")
        else:
            shown = format_value(_reference_in_display(question), question.display_unit)
            lines.append(f"Reference: [b]{safe(shown)}[/b]")
    if question.steps:
        lines += ["", "[b]Show work[/b]"]
        for step in question.steps:
            lines.append(f"  {safe(step.label)} = {safe(humanize(step.value, step.unit))}")
    lines += ["", safe(question.explanation.strip())]
    if question.source:
        lines.append(f"[dim]Source: {safe(question.source)}[/dim]")
    return "\n".join(lines)


def _render_open(feedback: Feedback) -> str:
    from grading.rubric import RubricResult

    question, result = feedback.question, feedback.grade
    lines: list[str] = []
    if isinstance(result, RubricResult):
        heard = sum(1 for p in result.key_points if p.covered)
        lines.append(f"[b $accent]• Heard {heard} of {len(result.key_points)} key points — "
                     f"automatic score {result.auto_score:.0%}[/]")
        for point in result.key_points:
            mark = "[$success]✓[/]" if point.covered else "[$error]✗[/]"
            found = f' [dim]("{safe(point.found or point.matched or "")}")[/dim]' \
                if point.covered else ""
            lines.append(f" {mark} {safe(point.point)}{found}")
        numbers = ", ".join(result.numbers[:8]) or "none — put numbers with units on it"
        lines.append(f"Numbers you used: {safe(numbers)}")
        lines.append(f"Mechanisms (cause → effect): {len(result.mechanisms)} · "
                     f"quantified tradeoffs: {len(result.tradeoffs)}")
        for flag in result.red_flags:
            lines.append(f"[$error]⚑ \"{safe(flag.found)}\"[/] — {safe(flag.why)}")
    else:
        lines.append("[b $error]✗ Don't know[/]")
        lines.append("Key points a strong answer covers:")
        lines += [f" • {safe(point.point)}" for point in question.key_points]
    lines += ["", "[b]Model answer[/b]", safe(question.model_answer.strip()), "",
              f"[dim]{safe(question.explanation.strip())}[/dim]"]
    if question.source:
        lines.append(f"[dim]Source: {safe(question.source)}[/dim]")
    return "\n".join(lines)


def _reference_in_display(question: Question) -> float:
    from grading.units import convert

    return convert(question.reference_value, question.reference_unit, question.display_unit)
