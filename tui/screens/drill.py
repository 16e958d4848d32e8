"""The drill screen: a prompt, an answer box, then the verdict with the derivation.

Numbers and short names are typed in one line; interview questions are answered in a text
area, scored on key points, then self-checked: the player ticks what they really covered.
The screen calls one engine method per user action (``submit``, ``dont_know``,
``self_check``, ``override``, ``next_question``) and renders what comes back. The answer is
stored by ``submit`` before the feedback panel is drawn.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from content.untrusted import clean_text
from engine import counted
from engine.questions import Question
from engine.store.db import StoreError
from engine.study.session import Feedback, Retry, StudySession
from grading.rating import AGAIN, EASY, GOOD, HARD
from grading.units import format_number, format_value, humanize, pretty_unit
from tui.safe import plain, safe

# The graders (grading.numeric, .rubric, .text: ~15 ms of imports) are imported where the
# feedback is drawn: an answer has been graded by then, so they are already loaded.

if TYPE_CHECKING:
    from textual.widgets import SelectionList, TextArea

    from engine.cases.grade import ChainGrade
    from engine.cases.pose import PosedCase
    from tui.app import TpmDrillApp

_T = TypeVar("_T")

RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
BAND_STYLES = {"exact": "$success", "close": "$warning", "off": "$error", "don't know": "$error",
               "unreadable": "$error", "scored": "$accent"}
BAND_WORDS = {"exact": "Right", "close": "Close", "off": "Off", "don't know": "Don't know",
              "unreadable": "Unreadable (cut off)", "scored": "Scored"}
BAND_MARKS = {"exact": "✓", "close": "≈", "off": "✗", "don't know": "✗", "unreadable": "✗",
              "scored": "•"}
#: The longest kept draft shown whole on the line under the answer box (80 columns).
KEPT_SHOWN_MAX = 40


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
        Binding("u", "undo", "Undo", id="drill.undo",
                tooltip="Take back the last answer and its rating; the card is asked again"),
        Binding("ctrl+y", "restore_draft", "Put back the kept answer", id="drill.restore_draft",
                show=False, tooltip="Fill the answer box with what you typed here last time"),
        Binding("q", "back", "Back", id="drill.back", show=False),
        Binding("escape", "back", "Back", id="drill.escape", tooltip="Back to home"),
    ]

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session
        self.checking = False  # an open answer awaits the player's self-check
        self.asked_at = 0.0  # the clock's monotonic reading when the question was shown
        self.saving = False  # a write waits for another program's lock (see ``write``)
        self._value_shown = ""  # what show_question put in the answer box (not an edit)
        #: A one-line answer's draft from an earlier visit, offered by ``show_kept_draft``.
        self.kept_draft = ""
        self._stop_waiting = threading.Event()
        #: The open answer's follow-up probes being asked (see ``start_probes``), or None.
        self.probing: ProbeRun | None = None

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="drill-status")
        with _PromptBox(id="drill-prompt-box"):
            yield Static("", id="drill-prompt")
        yield Input(placeholder="a number with its unit  ·  ? don't know  ·  q back",
                    id="drill-answer")
        yield Static("", id="drill-kept")  # a kept one-line draft, and how to put it back
        # The essay area (#drill-essay) and the self-check list (#self-check, first in the
        # scroller below) are mounted with the first interview question: see
        # ``long_form_widgets``.
        yield Static("", id="drill-timer")
        yield Static("", id="drill-message")
        # What Enter will do sits above the fold, whatever the kind of question: the verdict
        # and the rating it gives (or the self-check's). The long parts scroll below it.
        with Vertical(id="drill-verdict"):
            yield Static("", id="verdict-head")
            yield Static("", id="feedback-tail")
        with VerticalScroll(id="drill-feedback"):
            yield Static("", id="feedback-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#drill-verdict").display = False
        self.query_one("#drill-kept").display = False
        # The answer timer repaints once a second from the app's clock (``show_timer``, not
        # ``tick``: a loop's ``tick`` is its countdown).
        self.set_interval(1.0, self.show_timer)
        self.start()

    def long_form_widgets(self) -> tuple[TextArea, SelectionList[int]]:
        """The essay area and the self-check list, mounted the first time an interview
        question is shown: a TextArea and a SelectionList cost ~20 ms of imports, CSS and
        mounting that a drill of numbers never needs before its first question is drawn
        (tests/perf/pty_startup.py)."""
        from textual.widgets import SelectionList, TextArea

        from tui.widgets.checklist import CheckList

        if not self.query("#drill-essay"):
            essay = TextArea(id="drill-essay", soft_wrap=True, show_line_numbers=False,
                             placeholder="Answer as in the room: numbers with units, cause → "
                                         "effect, tradeoffs.  ctrl+s submits · a lone ? then "
                                         "ctrl+s: don't know · esc back")
            self.mount(essay, after="#drill-answer")
            checklist = CheckList(id="self-check")
            checklist.display = False
            self.mount(checklist, before="#feedback-body")
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
        if self.session.mode == "custom":  # say what is being drilled
            from engine.study.custom import CustomPicker, describe

            if isinstance(self.session.picker, CustomPicker):
                self.sub_title = safe(f"custom · {describe(self.session.picker)}")
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
        if self.probing is not None:
            return self.probe_check_action(action)
        if action == "undo":
            # Only while the verdict of the answer it takes back is on screen: a "u" typed
            # before the next question's box has focus ("… gpus") must not undo anything.
            return self.session.feedback is not None and self.session.can_undo \
                and not self.checking
        if action in {"rate", "accept"}:
            return self.session.feedback is not None and not self.checking
        if action == "dont_know":
            return self.answering
        if action == "submit_long":
            return (self.answering and self.long_form) or self.checking
        if action == "restore_draft":
            return self.answering and not self.long_form and bool(self.kept_draft)
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
        if question.kind == "kata":
            self.show_kata(question)
            return
        if question.kind == "case":
            self.show_case(question)
            return
        self.checking = False
        self.probing = None
        self.asked_at = self.session.clock.monotonic()
        self.query_one("#drill-status", Static).update(safe(self.status_line(question)))
        self.query_one("#drill-prompt", Static).update(safe(question.prompt))
        self.query_one("#drill-prompt-box", VerticalScroll).scroll_home(animate=False)
        self.say("")
        self.query_one("#verdict-head", Static).update("")
        self.query_one("#feedback-body", Static).update("")
        self.query_one("#feedback-tail", Static).update("")
        self.query_one("#drill-verdict").display = False
        self.show_timer()
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
        draft = self._draft() if self.long_form else ""
        if essay is not None and self.long_form:
            essay.text = draft
            essay.move_cursor(essay.document.end)  # a draft goes on where it stopped
            essay.read_only = False
            essay.styles.height = 8
            essay.focus()
        else:
            # A one-line answer's draft stays in the file but not in the box: its placeholder
            # (how to answer) is the cue a question is up, and a number is quick to retype.
            # The line under the box offers it back (ctrl+y).
            answer.value = self._value_shown = ""
            answer.disabled = False
            answer.placeholder = ("a short answer  ·  ? don't know  ·  q back"
                                  if question.kind == "text" else
                                  "a number with its unit  ·  ? don't know  ·  q back")
            answer.focus()
        self.show_kept_draft(self._draft() if not self.long_form else "")
        self.refresh_bindings()

    def show_kata(self, question: Question) -> None:
        """A kata has its own screen (an editor, the checks): pushed over the drill, which
        goes on to the next card once the attempt is recorded, or leaves if Esc left it
        unsubmitted (the code is kept as the kata's draft)."""
        from content.loader import Kata
        from tui.screens.kata import KataScreen

        kata = self.session.bank.items.get(question.item_id)
        if not isinstance(kata, Kata):  # the bank changed under the session: skip it
            self.advance()
            return
        self.query_one("#drill-status", Static).update(safe(self.status_line(question)))
        self.query_one("#drill-prompt", Static).update(safe(question.prompt))

        screen = KataScreen(self.session, kata, countdown=self.kata_countdown())

        def done(feedback: Feedback | None) -> None:
            if feedback is not None:
                self.kata_answered(feedback)
                self.after_answer()
            elif screen.cut_off:  # time ran out and nothing could be recorded: go on
                self.after_answer()
            else:  # Esc before a submit: leave, the code kept as the kata's draft
                self.action_back()

        self.app.push_screen(screen, done)

    def kata_answered(self, feedback: Feedback) -> None:
        """A kata's attempt was recorded on its screen (the drill has nothing to add; a loop
        counts it toward the round)."""

    def kata_countdown(self) -> Callable[[], str] | None:
        """What the kata screen shows of a countdown: none in a drill (a loop's round)."""
        return None

    def show_case(self, question: Question) -> None:
        """A case has its own screen (the scenario, one step at a time, the justification):
        pushed over the drill, which goes on to the next card once the case is recorded, or
        leaves if Esc left it unsubmitted (what was typed is kept as the case's draft)."""
        from tui.screens.case import CaseScreen

        if question.case is None:  # not posed as a case: nothing to play
            self.advance()
            return
        self.query_one("#drill-status", Static).update(safe(self.status_line(question)))
        self.query_one("#drill-prompt", Static).update(safe(question.prompt))

        screen = CaseScreen(self.session, countdown=self.case_countdown())

        def done(feedback: Feedback | None) -> None:
            if feedback is not None:
                self.case_answered(feedback)
                self.after_answer()
            elif screen.cut_off:  # time ran out and nothing could be recorded: go on
                self.after_answer()
            else:  # Esc before a submit: leave, what was typed kept as the case's draft
                self.action_back()

        self.app.push_screen(screen, done)

    def case_answered(self, feedback: Feedback) -> None:
        """A case was recorded on its screen (the drill has nothing to add; a loop counts
        it toward the round)."""

    def case_countdown(self) -> Callable[[], str] | None:
        """What the case screen shows of a countdown: none in a drill (a loop's round)."""
        return None

    def cannot_go_on(self, error: StoreError) -> None:
        """The database failed between questions (damaged, locked too long): say so where the
        question would be; every answer given is saved and nothing more is written."""
        self.session.question = None
        self.query_one("#drill-prompt", Static).update(
            f"[b $error]The next card cannot be read.[/]\n{safe(error)}\n\n"
            "Your answers so far are saved. Esc: back home.")
        self.query_one("#drill-answer", Input).disabled = True
        self._essay_read_only(True)
        self.show_kept_draft("")
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
        if question.kind == "kata":
            return head + "kata: write a model in Python"
        if question.kind == "case":
            return head + "case: a chain of steps, then justify it"
        return head + f"answer in {pretty_unit(question.display_unit) or 'a plain number'}"

    # -- the answer timer -----------------------------------------------------------------

    def tick(self) -> None:
        """The screen's clock tick: repaint the answer timer (a loop's tick is its countdown,
        and the timer still repaints through ``show_timer``)."""
        self.show_timer()

    def show_timer(self) -> None:
        """Repaint the answer timer from the app's clock; it stops once the answer is graded
        (then it shows the time the grade was given for)."""
        self.query_one("#drill-timer", Static).update(self.timer_line())

    def timer_line(self) -> str:
        """'Time 0:12 / target 0:20 · exact within 5%, close within 15%' while answering;
        'Took 0:14 / target 0:20' once graded. Speed decides Easy vs Good, so it shows."""
        question = self.session.question
        if question is None:
            return ""
        feedback = self.session.feedback
        if feedback is None:
            seconds = max(0.0, self.session.clock.monotonic() - self.asked_at)
            line = f"Time [b]{answer_clock(seconds)}[/b]"
        else:
            seconds = feedback.duration_seconds
            line = f"Took [b]{answer_clock(seconds)}[/b]"
        target = question.target_seconds
        if target:
            line += f" / target {answer_clock(target)}"
            if seconds >= target:
                line += " (over)"
        # The band in words needs the grader's tolerance reader, which loads after the first
        # screen is drawn (the app's warm-up, or the first answer): until then the next tick
        # shows it, rather than the first question waiting ~10 ms for the import
        # (tests/test_startup.py).
        if feedback is None and question.numeric and "grading.numeric" in sys.modules:
            from engine.study.bands import band_words

            words = band_words(question.tolerance)
            if words:
                line += f"  ·  {safe(words)}"
        return line

    # -- events and actions ---------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        """A lone "?" in the answer box means don't know; a lone "q" goes back. Control
        characters (a paste can carry ``ESC[2J``) are dropped before the box draws them."""
        cleaned = clean_text(event.value)
        if cleaned != event.value:
            event.input.value = cleaned
            event.input.cursor_position = len(cleaned)
            return  # the clean value posts its own Changed
        if self.probing is not None:
            self.probe_input_changed(event)
            return
        typed = event.value.strip()
        if typed == "?" and self.answering:
            self.action_dont_know()
        elif typed == "q":
            self.action_back()
        elif self.answering and not self.saving and event.value != self._value_shown:
            # (Only the player's edits: the box emptied for a new question must not wipe the
            # draft kept for it.)
            self.keep_draft(event.value)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """An essay keeps no control characters either: the text area draws what it holds."""
        area = event.text_area
        cleaned = clean_text(area.text)
        if cleaned != area.text:
            area.text = cleaned
            area.move_cursor(area.document.end)
            return
        if self.answering and self.long_form and not self.saving and not area.read_only:
            self.keep_draft(area.text)

    # -- drafts: nothing typed is lost ----------------------------------------------------

    def keep_draft(self, text: str) -> None:
        """Save what is typed as the question's draft, so Esc, a closed terminal or a crash
        loses nothing; the box gets it back when the card (or the loop's question) returns.

        Best effort and never a wait: with another program holding the write lock, or the
        file failing, this keystroke's draft is skipped (the next one tries again); the
        answer itself is saved, or refused with a message, when it is submitted.
        """
        save_draft_without_waiting(self.session, text)

    def _draft(self) -> str:
        """The question's draft from an earlier visit (cleaned: the file may be edited)."""
        try:
            return clean_text(self.session.draft() or "")
        except StoreError:
            return ""

    def show_kept_draft(self, kept: str) -> None:
        """Offer a one-line answer's kept draft under the empty box: "Kept from last time:
        3.35 TB/s — ctrl+y puts it back" (the key as bound now). Nothing for a blank draft, or
        for a lone "?" or "q", which the box would take as don't know or back."""
        kept = " ".join(kept.split())  # one line, whatever a hand-edited file holds
        self.kept_draft = "" if kept in {"", "?", "q"} else kept
        line = self.query_one("#drill-kept", Static)
        line.display = bool(self.kept_draft)
        if self.kept_draft:
            shown = kept if len(kept) <= KEPT_SHOWN_MAX else kept[:KEPT_SHOWN_MAX - 1] + "…"
            line.update(f"Kept from last time: [b]{safe(shown)}[/b] — "
                        f"{safe(self.key_for('drill.restore_draft'))} puts it back")

    def key_for(self, binding_id: str) -> str:
        """The key bound to ``binding_id`` as it is typed ("ctrl+y"), after config.toml's
        ``[keymap]`` (Textual applies the app's keymap to a copy of the screen's bindings
        when it looks keys up, so the same is done here)."""
        bindings = self._bindings.copy()
        if self.app._keymap:
            bindings.apply_keymap(self.app._keymap)
        for key, bound in bindings.key_to_bindings.items():
            if any(binding.id == binding_id for binding in bound):
                return key
        return "?"

    def action_restore_draft(self) -> None:
        """ctrl+y: fill the answer box with the kept draft, the cursor at its end."""
        if not self.kept_draft or not self.answering or self.long_form:
            return
        answer = self.query_one("#drill-answer", Input)
        answer.value = self.kept_draft
        answer.cursor_position = len(answer.value)
        answer.focus()
        self.show_kept_draft("")
        self.refresh_bindings()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        """While self-checking, the rating line says what the ticks will give."""
        if self.checking and self.session.feedback is not None:
            ticked = set(event.selection_list.selected)
            self.query_one("#feedback-tail", Static).update(
                render_self_check_line(self.session.feedback, ticked))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.probing is not None:
            self.probe_submitted(event.value)
            return
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
        elif self.probing is not None:  # the follow-ups' answers can be sent again
            self.query_one("#drill-answer", Input).disabled = False
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
        if self.probing is not None:
            self.query_one("#drill-answer", Input).focus()
            return
        if self.answering:
            widget = self.query_one("#drill-essay" if self.long_form else "#drill-answer")
            widget.focus()

    def say(self, message: str) -> None:
        """A line under the answer (why it cannot be graded, waiting for the database);
        it takes no room when there is nothing to say."""
        line = self.query_one("#drill-message", Static)
        line.update(safe(message))
        line.display = bool(message)

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
                self.after_self_check(feedback)

            self.write(self.session.self_check, [i in ticked for i in range(count)],
                       then=checked, failed="Rating not changed")
            return
        if self.answering and self.long_form:
            # ctrl+s is a priority binding: it runs as soon as it is read, while keys typed
            # (or pasted without bracketed paste) just before it may still wait in the essay's
            # queue. Read the essay once that queue has drained, so none of them is lost.
            self.long_form_widgets()[0].call_later(self.submit_essay)

    def submit_essay(self) -> None:
        """Submit the essay as it stands now (see ``action_submit_long``)."""
        if not (self.answering and self.long_form) or self.saving:
            return
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

    def action_undo(self) -> None:
        """Take back the last answer (Anki's undo): its review leaves the history (kept in
        the file as undone), the card's schedule is restored, and it is asked again with
        the answer as it was typed."""
        from engine.study.session import UndoError

        try:
            undone = self.session.undo()
        except (UndoError, StoreError) as error:
            self.notify(safe(error), title="Nothing undone", severity="warning", timeout=6)
            return
        self.show_question(undone.question)
        self.notify(f"Took back your answer ({RATING_NAMES.get(undone.rating, '?')}); the "
                    "card's schedule is as it was.", timeout=4)

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
        if self.probing is not None:  # Esc during the follow-ups: skip them, stay here
            self.skip_probes()
            return
        if self.session.answered and self.session.store.damage is None:
            # Leaving with q after some answers: what the session did, as when the queue
            # empties (the summary screen closes the session and goes home on Enter).
            from tui.screens.done import DoneScreen

            self.app.switch_screen(DoneScreen(self.session, left_early=True))
            return
        try:
            self.session.finish("finished" if self.session.answered else "abandoned")
        except StoreError as error:  # leaving must work even when the file cannot be written
            self.notify(safe(error), severity="error", timeout=10)
        cast("TpmDrillApp", self.app).back_home()

    # -- an open answer's follow-up probes -------------------------------------------------

    def offers_probes(self) -> bool:
        """Whether the interviewer follows up an open answer with its numeric probes: in
        the drill, not (yet) in a loop's timed rounds."""
        return self.session.mode != "loop"

    def probes_skippable(self) -> bool:
        """Whether Esc skips the follow-ups (the drill: the written rating stands)."""
        return True

    def after_self_check(self, feedback: Feedback) -> None:
        """The self-check is in: draw the verdict with its rating, then ask the question's
        follow-up probes if it has any (the rating keys wait until they are answered or
        skipped)."""
        self.show_feedback(feedback)
        posed = self.session.answer_probes() if self.offers_probes() else None
        if posed is not None:
            self.start_probes(posed)

    def start_probes(self, posed: PosedCase) -> None:
        """Ask the probes one at a time in the one-line answer box, under the question."""
        self.probing = ProbeRun(posed)
        long_form = self.mounted_long_form_widgets()
        if long_form is not None:
            long_form[0].display = False  # the essay makes room; it is back afterwards
            long_form[1].display = False
        self.show_probe(0)

    def show_probe(self, index: int) -> None:
        """Put probe ``index`` in the prompt box and an empty answer box under it."""
        from tui.widgets.probes import render_probe_hint, render_probe_prompt

        run = self.probing
        assert run is not None and self.session.feedback is not None
        question = self.session.feedback.question
        self.query_one("#drill-prompt", Static).update(
            render_probe_prompt(question.prompt, run.posed, index))
        self.query_one("#drill-prompt-box", VerticalScroll).scroll_home(animate=False)
        answer = self.query_one("#drill-answer", Input)
        answer.display = True
        answer.disabled = False
        answer.value = ""
        skippable = self.probes_skippable()
        answer.placeholder = "a number with its unit  ·  ? reveals" + \
            ("  ·  esc skips" if skippable else "")
        answer.focus()
        self.query_one("#feedback-tail", Static).update(
            render_probe_hint(index, len(run.posed.steps), skippable))
        if index == 0:
            self.query_one("#verdict-head", Static).update(
                "[b]The interviewer has follow-up questions.[/b]")
        self.refresh_bindings()

    def probe_check_action(self, action: str) -> bool:
        """While the probes are asked: Enter and ? belong to the answer box, Esc skips;
        no rating, undo or submit keys until they are answered."""
        return action not in {"rate", "accept", "undo", "dont_know", "submit_long",
                              "restore_draft"}

    def probe_input_changed(self, event: Input.Changed) -> None:
        """A lone "?" in the box reveals the probe's reference (the chain goes on from it)."""
        if event.value.strip() == "?":
            event.input.value = ""
            self.answer_probe(None)

    def probe_submitted(self, text: str) -> None:
        """Enter on a probe: grade it (an empty box asks for a number)."""
        run = self.probing
        assert run is not None
        if len(run.answers) == len(run.posed.steps):  # all in; the save failed: try again
            self.record_probes()
            return
        if not text.strip():
            self.say("Type a number with its unit, or ? to see the reference.")
            return
        self.answer_probe(text)

    def answer_probe(self, answer: str | None) -> None:
        """Grade the probes answered so far plus ``answer`` (``None``: revealed); an answer
        that cannot be graded stays in the box with the reason. After the last probe the
        whole chain is recorded."""
        from engine.study.session import Retry
        from tui.widgets.probes import render_probe_chain, render_probe_head

        run = self.probing
        assert run is not None and self.session.feedback is not None
        if len(run.answers) == len(run.posed.steps):
            return
        answers = [*run.answers, answer]
        outcome = self.session.grade_probes(answers)
        if isinstance(outcome, Retry):
            self.say(outcome.message)
            return
        self.say("")
        run.answers, run.chain = answers, outcome
        graded = outcome.steps[-1]
        total = len(run.posed.steps)
        self.query_one("#verdict-head", Static).update(render_probe_head(
            run.posed.steps[graded.index], graded, graded.index + 1, total))
        self.query_one("#feedback-body", Static).update(
            render_probe_chain(run.posed, outcome) + "\n\n"
            + render_feedback(self.session.feedback))
        self.query_one("#drill-feedback", VerticalScroll).scroll_home(animate=False)
        if len(answers) < total:
            self.show_probe(len(answers))
        else:
            self.record_probes()

    def record_probes(self) -> None:
        """Store the graded probes and the rating they give with the writing."""
        run = self.probing
        assert run is not None
        self.write(self.session.submit_probes, list(run.answers), then=self.probes_recorded,
                   failed="Follow-up answers not saved")

    def probes_recorded(self, outcome: Feedback | Retry) -> None:
        """The probes are stored: the verdict with every probe and the new rating line."""
        from engine.study.session import Retry
        from tui.widgets.probes import render_probe_chain, render_probe_rating_line

        run = self.probing
        assert run is not None
        if isinstance(outcome, Retry):  # cannot happen once each answer was graded
            self.say(outcome.message)
            return
        self.end_probes()
        self.show_feedback(outcome)
        assert outcome.probes is not None
        self.query_one("#feedback-body", Static).update(
            render_probe_chain(run.posed, outcome.probes) + "\n\n"
            + render_feedback(outcome))
        self.query_one("#feedback-tail", Static).update(render_probe_rating_line(outcome))

    def skip_probes(self) -> None:
        """Esc during the probes: none is recorded and the written answer's rating stands."""
        self.end_probes()
        feedback = self.session.feedback
        if feedback is not None:
            self.show_feedback(feedback)
        self.notify("Follow-ups skipped: the written answer's rating stands.", timeout=3)

    def end_probes(self) -> None:
        """Leave the probe flow: the question back in the prompt box, the essay below."""
        self.probing = None
        self.say("")
        feedback = self.session.feedback
        if feedback is not None:
            self.query_one("#drill-prompt", Static).update(safe(feedback.question.prompt))
        answer = self.query_one("#drill-answer", Input)
        answer.value = ""
        answer.display = False
        answer.disabled = True
        long_form = self.mounted_long_form_widgets()
        if long_form is not None:
            long_form[0].display = True
        self.refresh_bindings()

    # -- rendering ------------------------------------------------------------------------

    def show_feedback(self, feedback: Feedback) -> None:
        """Draw the verdict panel for an answer that is already stored: the verdict and the
        rating Enter gives on top, the work, explanation and model answer scrolling below."""
        from grading.rubric import RubricResult

        self.query_one("#drill-answer", Input).disabled = True
        self.show_kept_draft("")  # answered: nothing left to put back
        long_form = self.mounted_long_form_widgets()
        if long_form is not None:
            essay = long_form[0]
            essay.read_only = True
            essay.styles.height = 4  # the verdict needs the room; the answer stays visible
        self.say("")
        self.show_timer()
        self.query_one("#verdict-head", Static).update(render_verdict(feedback))
        self.query_one("#drill-verdict").display = True
        from tui.screens.stories import telling_note  # the player's stories, if any

        self.query_one("#feedback-body", Static).update(
            telling_note(self.session.store, feedback) + render_feedback(feedback))
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
            tail.update(render_self_check_line(
                feedback, {i for i, point in enumerate(grade.key_points) if point.covered}))
            scroller.scroll_home(animate=False)
            checklist.focus()
        else:
            if long_form is not None:
                long_form[1].display = False
            tail.update(render_rating_line(feedback))
            scroller.scroll_home(animate=False)
            scroller.focus()
        self.refresh_bindings()


def save_draft_without_waiting(session: StudySession, text: str) -> None:
    """Keep ``text`` as the question's draft, best effort and never a wait: with another
    program holding the write lock, or the file failing, this keystroke's draft is skipped
    (the next one tries again). Shared by every screen that keeps drafts per keystroke."""
    store = session.store

    def no_wait(_seconds: float) -> None:
        raise _LockHeld

    store.on_wait = no_wait
    try:
        session.save_draft(text)
    except (_LockHeld, StoreError):
        pass
    finally:
        store.on_wait = None


class ProbeRun:
    """The follow-up probes being asked after an open answer: the posed chain, what was
    typed at each probe so far (``None``: revealed) and their grade."""

    def __init__(self, posed: PosedCase) -> None:
        self.posed = posed
        self.answers: list[str | None] = []
        self.chain: ChainGrade | None = None
        #: Cut off by the end of a loop's round: the rest revealed, the round ends once
        #: they are stored (``LoopScreen.probes_cut_off``).
        self.cut_off = False


class _PromptBox(VerticalScroll, can_focus=False):
    """The prompt, scrolled by the mouse when a deck's prompt is taller than its share of
    the screen (so the verdict below it stays in view)."""


def answer_clock(seconds: float) -> str:
    """m:ss of a running answer, whole seconds gone by: 0:00, 0:12, 12:05."""
    whole = int(min(max(0.0, seconds), 10.0**7))
    return f"{whole // 60}:{whole % 60:02d}"


class _LockHeld(Exception):
    """Another program holds the write lock: move the write off the UI thread."""


class _StoppedWaiting(Exception):
    """The player pressed Esc while a write waited for the database."""


def render_rating_line(feedback: Feedback) -> str:
    """What Enter gives now, and how to change it."""
    from grading.rubric import RubricResult

    change = "1–4 to change"
    if isinstance(feedback.grade, RubricResult) and feedback.self_score is not None:
        heard = feedback.grade.auto_score
        return (f"Self-check {feedback.self_score:.0%} (heard {heard:.0%}) → "
                f"[b]Enter: {RATING_NAMES[feedback.rating]}[/b] · {change}")
    rating = RATING_NAMES[feedback.rating]
    return f"[b]Enter: {rating}[/b] · {change}"


def render_self_check_line(feedback: Feedback, ticked: set[int]) -> str:
    """While self-checking: what the ticks give, and how to confirm."""
    from engine.study.session import self_check_rating
    from grading.rubric import RubricResult, self_score

    grade = feedback.grade
    assert isinstance(grade, RubricResult)
    points = grade.key_points
    score = self_score([i in ticked for i in range(len(points))],
                       [point.weight for point in points], len(grade.red_flags))
    rating = RATING_NAMES[self_check_rating(feedback.question.item_id, score)]
    return (f"Tick what you really covered (space) → [b]{rating}[/b] ({score:.0%}); "
            "[b]ctrl+s[/b] confirms")


def render_verdict(feedback: Feedback) -> str:
    """The verdict lines that stay in view: the band and its message, your answer against the
    reference, and after a miss what exact and close needed. Deck and answer text through
    ``tui.safe.safe``."""
    from grading.numeric import Grade
    from grading.rubric import RubricResult
    from grading.text import TextGrade

    question, grade = feedback.question, feedback.grade
    if isinstance(grade, RubricResult):
        heard = sum(1 for p in grade.key_points if p.covered)
        total = counted(len(grade.key_points), "key point")
        return (f"[b $accent]• Heard {heard} of {total} — automatic score "
                f"{grade.auto_score:.0%}[/]")
    style = BAND_STYLES[feedback.verdict]
    lines: list[str] = []
    if grade is None:
        lines.append(f"[b {style}]✗ Don't know[/]")
        if question.kind == "text":
            lines.append(f"Answer: [b]{safe(question.answers[0])}[/b]")
        elif question.kind != "open":
            shown = format_value(_reference_in_display(question), question.display_unit)
            lines.append(f"Reference: [b]{safe(shown)}[/b]")
        return "\n".join(lines)
    lines.append(f"[b {style}]{BAND_MARKS[feedback.verdict]} {safe(grade.message)}[/]")
    if isinstance(grade, TextGrade):
        lines.append(f"Answer: [b]{safe(question.answers[0])}[/b]")
        if len(question.answers) > 1:
            lines.append(f"[dim]Also accepted: {safe(', '.join(question.answers[1:]))}[/dim]")
    elif isinstance(grade, Grade):
        unit = question.display_unit
        lines.append(f"You: [b]{safe(format_value(grade.value, unit))}[/b]"
                     f"   Reference: [b]{safe(format_value(grade.reference, unit))}[/b]")
        if grade.interval:
            low, high = grade.interval
            lines.append(f"Your range: {safe(format_value(low, unit))} – "
                         f"{safe(format_value(high, unit))} "
                         + ("(your stated point was graded)" if grade.stated_point
                            else "(graded on its geometric middle)"))
        if grade.band != "exact":
            needed = _bands_needed(grade.reference, question.tolerance, unit,
                                   ("exact",) if grade.band == "close" else ("exact", "close"))
            if needed:
                lines.append(f"[dim]{safe(needed)}[/dim]")
    return "\n".join(lines)


def _bands_needed(reference: float, tolerance: str, unit: str, bands: tuple[str, ...]) -> str:
    """'Exact needed 3.18–3.52 TB/s; close 2.85–3.85 TB/s.' (the ranges from
    ``engine.study.bands``), or '' when the bands have no range to give."""
    from engine.study.bands import band_range

    parts = []
    for band in bands:
        span = band_range(reference, tolerance, band)
        if span is None:
            return ""
        low, high = span
        parts.append(f"{format_number(low)}–{format_value(high, unit)}")
    if not parts:
        return ""
    text = f"Exact needed {parts[0]}"
    if len(parts) > 1:
        text += f"; close {parts[1]}"
    return text + "."


def render_feedback(feedback: Feedback) -> str:
    """What scrolls below the verdict, as Textual markup: the show-work steps, the
    explanation and the source (an open answer: what was heard, the model answer). Every
    string from the deck, the grader (which quotes the player's answer) or the store goes
    through ``tui.safe.safe``."""
    from grading.rubric import RubricResult

    question, grade = feedback.question, feedback.grade
    if isinstance(grade, RubricResult) or (grade is None and question.kind == "open"):
        return _render_open(feedback)
    lines: list[str] = []
    if question.steps:
        lines += ["[b]Show work[/b]"]
        for step in question.steps:
            lines.append(f"  {safe(step.label)} = {safe(humanize(step.value, step.unit))}")
        lines.append("")
    lines.append(safe(question.explanation.strip()))
    if question.source:
        lines.append(f"[dim]Source: {safe(question.source)}[/dim]")
    return "\n".join(lines)


def _clip(sentence: str | None, width: int = 90) -> str:
    """A sentence of the answer shortened for the verdict (the whole answer is on screen)."""
    text = " ".join((sentence or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _render_open(feedback: Feedback) -> str:
    from grading.rubric import NO_OWN_NUMBERS_CAP, RubricResult

    question, result = feedback.question, feedback.grade
    lines: list[str] = []
    if isinstance(result, RubricResult):
        lines.append("[b]What the grader heard[/b]")
        for point in result.key_points:
            mark = "[$success]✓[/]" if point.covered else "[$error]✗[/]"
            said = f' [dim]— "{safe(_clip(point.evidence))}"[/dim]' \
                if point.covered and point.evidence else ""
            if point.contradicted:
                said = " [$error](contradicted, below)[/]"
            elif not point.covered and point.named_in:
                said = f' [dim]— named, not claimed: "{safe(_clip(point.named_in))}"[/dim]'
            lines.append(f" {mark} {safe(point.point)}{said}")
        if any(not p.covered and not p.contradicted and p.named_in for p in result.key_points):
            lines.append("[dim]Named, not claimed: a term in a list, a formula with nothing "
                         "plugged in, or \"X is key\" earns nothing — say what it does here, "
                         "with a verb and a number.[/dim]")
        for wrong in result.contradictions:
            lines.append(f'[$error]✗ "{safe(wrong.found)}"[/] contradicts: {safe(wrong.point)} '
                         f'[dim]— "{safe(_clip(wrong.sentence))}"[/dim]')
        for number in result.wrong_numbers:
            lines.append(f'[$error]✗ {safe(number.typed)}[/] — {safe(number.name)} is '
                         f'{safe(number.expected)}')
        numbers = ", ".join(result.numbers[:8]) or "none — put numbers with units on it"
        lines.append(f"Numbers you used: {safe(numbers)}")
        if result.worked_nothing_out:
            lines.append(f"[$warning]Capped at {NO_OWN_NUMBERS_CAP:.0%}: no number of your "
                         "own[/] — only the question's numbers and datasheet figures; a "
                         "modelling loop wants them worked through to a result (GB, hours, "
                         "$, %).")
        lines.append(f"Mechanisms (cause → effect): {len(result.mechanisms)} · "
                     f"quantified tradeoffs: {len(result.tradeoffs)}")
        for flag in result.red_flags:
            lines.append(f"[$error]⚑ \"{safe(flag.found)}\"[/] — {safe(flag.why)}")
    else:
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
