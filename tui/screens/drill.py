"""The drill screen: a prompt, an answer box, then the verdict with the derivation.

The screen calls one engine method per user action (``submit``, ``dont_know``, ``override``,
``next_question``) and renders what comes back. The answer is stored by ``submit`` before the
feedback panel is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from engine.session import Feedback, Retry, StudySession
from grading.rating import AGAIN, EASY, GOOD, HARD
from grading.units import format_value, humanize, pretty_unit

if TYPE_CHECKING:
    from tui.app import TpmDrillApp

RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
BAND_STYLES = {"exact": "$success", "close": "$warning", "off": "$error", "don't know": "$error"}
BAND_WORDS = {"exact": "Right", "close": "Close", "off": "Off", "don't know": "Don't know"}
BAND_MARKS = {"exact": "✓", "close": "≈", "off": "✗", "don't know": "✗"}


class DrillScreen(Screen[None]):
    """One question at a time from a ``StudySession``."""

    BINDINGS = [
        Binding("enter", "accept", "Next", id="drill.accept", tooltip="Accept the rating"),
        Binding("1", "rate(1)", "Again", id="drill.again"),
        Binding("2", "rate(2)", "Hard", id="drill.hard"),
        Binding("3", "rate(3)", "Good", id="drill.good"),
        Binding("4", "rate(4)", "Easy", id="drill.easy"),
        Binding("question_mark", "dont_know", "Don't know", id="drill.dont_know",
                tooltip="Show the answer; rated Again"),
        Binding("q", "back", "Back", id="drill.back", show=False),
        Binding("escape", "back", "Back", id="drill.escape", tooltip="Back to home"),
    ]

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="drill-status")
        yield Static("", id="drill-prompt")
        yield Input(placeholder="a number with its unit  ·  ? don't know  ·  q back",
                    id="drill-answer")
        yield Static("", id="drill-message")
        with VerticalScroll(id="drill-feedback"):
            yield Static("", id="feedback-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "drill"
        self.advance()

    # -- state ----------------------------------------------------------------------------

    @property
    def answering(self) -> bool:
        return self.session.question is not None and self.session.feedback is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Rating keys only once there is a verdict; "don't know" only while answering."""
        if action in {"rate", "accept"}:
            return self.session.feedback is not None
        if action == "dont_know":
            return self.answering
        return True

    def advance(self) -> None:
        """Ask the next question, or hand over to the done screen."""
        question = self.session.next_question()
        if question is None:
            from tui.screens.done import DoneScreen

            self.app.switch_screen(DoneScreen(self.session))
            return
        status = (f"#{self.session.answered + 1} · {question.topic} · {question.level} · "
                  f"answer in {pretty_unit(question.display_unit) or 'a plain number'}")
        self.query_one("#drill-status", Static).update(escape(status))
        self.query_one("#drill-prompt", Static).update(escape(question.prompt))
        self.query_one("#drill-message", Static).update("")
        self.query_one("#feedback-body", Static).update("")
        answer = self.query_one("#drill-answer", Input)
        answer.value = ""
        answer.disabled = False
        answer.focus()
        self.refresh_bindings()

    # -- events and actions ---------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        """A lone "?" in the answer box means don't know; a lone "q" goes back."""
        typed = event.value.strip()
        if typed == "?" and self.answering:
            self.action_dont_know()
        elif typed == "q":
            self.action_back()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.answering:
            return
        if not event.value.strip():
            self.query_one("#drill-message", Static).update(
                "Type an answer (a number with its unit), or ? if you don't know.")
            return
        outcome = self.session.submit(event.value)
        if isinstance(outcome, Retry):
            self.query_one("#drill-message", Static).update(escape(outcome.message))
            return
        self.show_feedback(outcome)

    def action_dont_know(self) -> None:
        if self.answering:
            self.show_feedback(self.session.dont_know())

    def action_rate(self, rating: int) -> None:
        """Override the suggested rating, then move on."""
        if self.session.feedback is None:
            return
        feedback = self.session.override(rating)
        if feedback.overridden:
            self.notify(f"Rated {RATING_NAMES[rating]} (your override).", timeout=2)
        self.advance()

    def action_accept(self) -> None:
        if self.session.feedback is not None:
            self.advance()

    def action_back(self) -> None:
        self.session.finish("finished" if self.session.answered else "abandoned")
        self.app.pop_screen()

    # -- rendering ------------------------------------------------------------------------

    def show_feedback(self, feedback: Feedback) -> None:
        """Draw the verdict panel for an answer that is already stored."""
        answer = self.query_one("#drill-answer", Input)
        answer.disabled = True
        self.query_one("#drill-message", Static).update("")
        self.query_one("#feedback-body", Static).update(render_feedback(feedback))
        scroller = self.query_one("#drill-feedback", VerticalScroll)
        scroller.scroll_home(animate=False)
        scroller.focus()
        self.refresh_bindings()


def render_feedback(feedback: Feedback) -> str:
    """The verdict panel as Textual markup (everything from content is escaped)."""
    question, grade = feedback.question, feedback.grade
    style = BAND_STYLES[feedback.verdict]
    unit = question.display_unit
    headline = escape(grade.message) if grade else BAND_WORDS[feedback.verdict]
    lines = [f"[b {style}]{BAND_MARKS[feedback.verdict]} {headline}[/]"]
    reference_shown = grade.reference if grade else _reference_in_display(feedback)
    if grade:
        lines.append(f"You: [b]{escape(format_value(grade.value, unit))}[/b]"
                     f"   Reference: [b]{escape(format_value(reference_shown, unit))}[/b]")
        if grade.interval:
            low, high = grade.interval
            lines.append(f"Your range: {escape(format_value(low, unit))} – "
                         f"{escape(format_value(high, unit))} (graded on its geometric middle)")
    else:
        lines.append(f"Reference: [b]{escape(format_value(reference_shown, unit))}[/b]")
    if question.steps:
        lines.append("")
        lines.append("[b]Show work[/b]")
        for step in question.steps:
            lines.append(f"  {escape(step.label)} = {escape(humanize(step.value, step.unit))}")
    lines.append("")
    lines.append(escape(question.explanation.strip()))
    if question.source:
        lines.append(f"[dim]Source: {escape(question.source)}[/dim]")
    lines.append("")
    lines.append(f"Suggested rating: [b]{RATING_NAMES[feedback.suggested_rating]}[/b]"
                 "  —  Enter accepts · 1 Again · 2 Hard · 3 Good · 4 Easy")
    return "\n".join(lines)


def _reference_in_display(feedback: Feedback) -> float:
    from grading.units import convert

    question = feedback.question
    return convert(question.reference_value, question.reference_unit, question.display_unit)
