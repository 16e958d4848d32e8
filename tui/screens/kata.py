"""The kata screen: a scenario, a Python editor, the checks, and the reference after a submit.

The player writes the function the kata asks for. ``ctrl+r`` runs the checks without recording
(``engine.katas.runner.check_code`` in a thread worker: the player's code runs in a sandboxed
child process, and the screen keeps taking keys); ``ctrl+s`` submits: the checks run again if
the code changed, the attempt is recorded as a review (``StudySession.submit_kata``), and the
reference solution with its derivation and assumptions is shown under the player's code.
``ctrl+e`` opens the code in ``$EDITOR`` (the app suspends and resumes). The code is kept as a
draft as it is typed, so Esc, a closed terminal or a crash loses at most the last keystroke.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TextArea

from content.loader import Kata
from content.untrusted import clean_text
from engine import counted
from engine.store.db import StoreError
from engine.study.session import Feedback, StudySession
from tui.safe import safe
from tui.screens.drill import save_draft_without_waiting

if TYPE_CHECKING:
    from engine.katas.attempts import KataAttempt
    from engine.katas.runner import CaseResult, CheckReport
    from tui.app import TpmDrillApp

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
#: A run error's kind (``engine.katas.runner.RunError.kind``) as the results say it.
ERROR_WORDS = {"syntax": "Syntax error", "exception": "Your code raised",
               "missing_function": "Function not found", "wrong_type": "Wrong return type",
               "timeout": "Time limit", "memory": "Memory limit", "exit": "Your code exited",
               "cancelled": "Cancelled"}
#: Rows of the results table drawn at most (the counterexample first, then failures first).
SHOWN_CASES = 12


class KataScreen(Screen[Feedback | None]):
    """One kata from a ``StudySession``: dismissed with the recorded ``Feedback`` once the
    player moves on after a submit, or ``None`` when they leave before submitting."""

    BINDINGS = [
        Binding("ctrl+r", "run_checks", "Run checks", id="kata.run", priority=True,
                tooltip="Run your function on every case without recording"),
        Binding("ctrl+s", "submit", "Submit", id="kata.submit", priority=True,
                tooltip="Run the checks and record the attempt"),
        Binding("ctrl+e", "external_editor", "$EDITOR", id="kata.editor", priority=True,
                tooltip="Edit the code in your own editor; the game resumes when it closes"),
        Binding("f2", "hint", "Hint", id="kata.hint", tooltip="Show the next hint"),
        Binding("f3", "attempts", "Attempts", id="kata.attempts",
                tooltip="Your earlier attempts at this kata"),
        Binding("f4", "toggle_panel", "Scenario/results", id="kata.panel",
                tooltip="Show the scenario or the last check's results in the top panel"),
        # Not priority: until a submit, Enter and digits belong to the editor.
        Binding("enter", "accept", "Next", id="kata.accept", show=False),
        Binding("1", "rate(1)", "Again", id="kata.again", show=False),
        Binding("2", "rate(2)", "Hard", id="kata.hard", show=False),
        Binding("3", "rate(3)", "Good", id="kata.good", show=False),
        Binding("4", "rate(4)", "Easy", id="kata.easy", show=False),
        # Priority: the code editor would take Esc to leave its own focus.
        Binding("escape", "back", "Back", id="kata.back", priority=True,
                tooltip="Leave the kata; the code is kept as a draft"),
    ]

    DEFAULT_CSS = """
    KataScreen #kata-scenario { height: 8; border-bottom: solid $primary-darken-2; }
    KataScreen #kata-editor { height: 1fr; min-height: 5; }
    KataScreen #kata-results { height: 8; display: none; border-bottom: solid $primary-darken-2; }
    KataScreen.-results #kata-scenario { display: none; }
    KataScreen.-results #kata-results { display: block; }
    KataScreen.-submitted #kata-editor { height: 5; }
    KataScreen.-submitted #kata-results { height: 1fr; }
    KataScreen #kata-status, KataScreen #kata-message { height: 1; }
    """

    def __init__(self, session: StudySession, kata: Kata,
                 countdown: Callable[[], str] | None = None) -> None:
        super().__init__()
        self.session = session
        self.kata = kata
        self.countdown = countdown  # a loop round's countdown line (markup), shown on top
        self.cut_off = False  # the round's time ran out: the code is checked as it stands
        self.started_at = session.clock.monotonic()
        self.report: CheckReport | None = None
        self.report_code: str | None = None  # the code ``report`` was taken on
        self.running = False
        self.submit_after_run = False
        self.hints_shown = 0
        self.feedback: Feedback | None = None
        self.submitted_text = ""  # the verdict and reference drawn after a submit
        self._cancel = threading.Event()
        self._code_shown = ""  # what the screen itself put in the editor (not an edit)

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="kata-status")
        # The scenario and the results share the top panel (f4 switches): at 80×24 the
        # editor keeps about ten lines of code.
        with VerticalScroll(id="kata-scenario"):
            yield Static("", id="kata-prompt")
        with VerticalScroll(id="kata-results"):
            yield Static("", id="kata-report")
        yield TextArea.code_editor("", language="python", id="kata-editor", soft_wrap=False)
        yield Static("", id="kata-message")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"kata · {self.kata.id}"
        self.query_one("#kata-prompt", Static).update(safe(self.scenario_text()))
        editor = self.query_one("#kata-editor", TextArea)
        code = self._draft() or clean_text(self.kata.starter)
        self._set_code(code)
        editor.focus()
        self.set_interval(1.0, self.show_status)
        self.show_status()

    def scenario_text(self) -> str:
        """The prompt, then the function to write: its parameters with units and domains."""
        lines = [self.kata.prompt, "", f"Write {self.signature()}"]
        for param in self.kata.params:
            scale = " (log scale)" if param.scale == "log" else ""
            kind = "integer " if param.integer else ""
            lines.append(f"  {param.name}: {param.description} [{param.unit or 'no unit'}], "
                         f"{kind}{param.minimum:g} to {param.maximum:g}{scale}")
        returned = "(estimate, low, high)" if self.kata.bounds else "a number"
        lines.append(f"  returns {returned}: {self.kata.returns} "
                     f"[{self.kata.return_unit or 'no unit'}]")
        if self.kata.assumptions:
            lines += ["", "Assume:"] + [f"  · {a}" for a in self.kata.assumptions]
        return "\n".join(lines)

    def signature(self) -> str:
        return f"{self.kata.function}({', '.join(p.name for p in self.kata.params)})"

    def _set_code(self, code: str) -> None:
        editor = self.query_one("#kata-editor", TextArea)
        self._code_shown = code
        editor.text = code
        editor.move_cursor(editor.document.end)

    @property
    def code(self) -> str:
        return self.query_one("#kata-editor", TextArea).text

    # -- the status line and its timer ----------------------------------------------------

    def elapsed_seconds(self) -> float:
        return max(0.0, self.session.clock.monotonic() - self.started_at)

    def show_status(self) -> None:
        self.query_one("#kata-status", Static).update(self.status_line())

    def status_line(self) -> str:
        elapsed = int(self.elapsed_seconds())
        clock = f"{elapsed // 60}:{elapsed % 60:02d}"
        target = self.kata.target_minutes
        if target:
            over = elapsed > target * 60
            clock = f"[{'$warning' if over else '$text'}]{clock}[/] / {target:g} min"
        head = safe(f"{self.kata.topic} · {self.kata.level} · ")
        if self.countdown is not None:
            head = self.countdown() + " · "
        if self.feedback is not None:
            return head + "submitted · Enter next · 1-4 change the rating"
        state = "running checks…" if self.running else "ctrl+r check · ctrl+s submit"
        return head + f"{clock} · {state}"

    def say(self, message: str) -> None:
        """One line under the editor; ``message`` is markup the screen wrote (escape deck
        text with ``safe`` before it gets here)."""
        self.query_one("#kata-message", Static).update(message)

    # -- drafts ---------------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Control characters (a paste can carry ``ESC[2J``) are dropped; every edit is kept
        as the kata's draft so nothing typed is lost."""
        area = event.text_area
        cleaned = clean_text(area.text)
        if cleaned != area.text:
            area.text = cleaned
            return
        if self.feedback is None and area.text != self._code_shown:
            self._code_shown = ""
            self.keep_draft(area.text)

    def keep_draft(self, code: str) -> None:
        """Best effort, never a wait: a keystroke whose draft cannot be written (another
        program holds the lock) is kept by the next one."""
        save_draft_without_waiting(self.session, code)

    def _draft(self) -> str:
        try:
            return clean_text(self.session.draft() or "")
        except StoreError:
            return ""

    # -- checks ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"accept", "rate"}:
            return self.feedback is not None
        if action in {"run_checks", "submit", "external_editor"}:
            return self.feedback is None
        return True

    def action_run_checks(self) -> None:
        self.submit_after_run = False
        self.start_checks()

    def start_checks(self) -> None:
        if self.running:
            self.say("The checks are still running…")
            return
        self.running = True
        self._cancel = threading.Event()
        self.say("Running your function on every case (in its own process)…")
        self.show_status()
        self.run_checks(self.code)

    @work(thread=True, exclusive=True, exit_on_error=False, group="kata-checks")
    def run_checks(self, code: str) -> None:
        """The player's code runs in a child process with CPU, memory and wall limits; this
        thread only waits for it, so the screen keeps drawing and taking keys."""
        from engine.katas.runner import check_code

        try:
            report = check_code(self.kata, code, cancel=self._cancel)
        except Exception as error:  # a bug of ours, not the player's: say it, keep the code
            self.app.call_from_thread(self._checks_failed, error)
            return
        self.app.call_from_thread(self._checks_done, code, report)

    def _checks_failed(self, error: Exception) -> None:
        self.running = False
        self.submit_after_run = False
        self.say(f"[$error]The checks could not run:[/] {safe(error)}")
        self.show_status()
        if self.cut_off:  # the round is over: nothing more can be done here
            self.dismiss(None)

    def _checks_done(self, code: str, report: CheckReport) -> None:
        self.running = False
        if self._cancel.is_set():
            return
        self.report, self.report_code = report, code
        self.show_report(report)
        if self.submit_after_run:
            self.submit_after_run = False
            self.record(code, report)
        self.show_status()

    def action_toggle_panel(self) -> None:
        if self.report is None and self.feedback is None:
            self.say("No results yet: ctrl+r runs the checks.")
            return
        self.toggle_class("-results")

    def show_report(self, report: CheckReport) -> None:
        results = self.query_one("#kata-results", VerticalScroll)
        self.add_class("-results")
        self.query_one("#kata-report", Static).update(render_report(report))
        results.scroll_home(animate=False)
        if report.error is not None:
            self.say(f"[$error]{safe(report.error.message)}[/]")
        elif report.all_passed:
            self.say(f"[$success]All {report.passed} cases pass.[/] ctrl+s submits.")
        else:
            self.say(f"[$warning]{report.failed} of {report.passed + report.failed} cases "
                     "fail.[/] The first one, shrunk, is at the top.")

    # -- submitting -----------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.report is not None and self.report_code == self.code and not self.running:
            self.record(self.code, self.report)
            return
        self.submit_after_run = True
        self.start_checks()

    def record(self, code: str, report: CheckReport) -> None:
        """Record the attempt (a review rated from the pass rate and the time) and show the
        reference under the player's code."""
        try:
            feedback = self.session.submit_kata(code, report, self.elapsed_seconds(),
                                                cut_off=self.cut_off)
        except StoreError as error:
            self.say(f"[$error]Not recorded:[/] {safe(error)} — your code is kept as a draft.")
            if self.cut_off:
                self.dismiss(None)
            return
        self.feedback = feedback
        if self.cut_off:  # the round is over: the debrief shows the reference
            self.dismiss(feedback)
            return
        self.add_class("-submitted")
        editor = self.query_one("#kata-editor", TextArea)
        editor.read_only = True
        self.submitted_text = render_submitted(self.kata, report, feedback,
                                               self.elapsed_seconds())
        self.query_one("#kata-report", Static).update(self.submitted_text)
        if self.kata.follow_ups and report.error is None:
            self.ask_follow_ups(code)
        results = self.query_one("#kata-results", VerticalScroll)
        self.add_class("-results")
        results.scroll_home(animate=False)
        results.focus()
        self.say(render_rating_line(feedback))
        self.show_status()
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="kata-follow-ups")
    def ask_follow_ups(self, code: str) -> None:
        """The interviewer's follow-ups ("what does your model give for 1,024 GPUs?"),
        asked of the player's own function in the same sandbox, beside the reference."""
        from engine.katas.references import reference_value
        from engine.katas.runner import call_function, typical_value
        from engine.models.base import ModelError

        inputs_list = []
        for follow_up in self.kata.follow_ups:
            inputs = {param.name: typical_value(param) for param in self.kata.params}
            inputs.update(follow_up.inputs)
            inputs_list.append(inputs)
        try:
            got = call_function(self.kata, code, inputs_list, cancel=self._cancel)
            expected = []
            for inputs in inputs_list:
                try:
                    expected.append(reference_value(self.kata, inputs).value)
                except ModelError:
                    expected.append(None)
        except Exception as error:  # ours, not the player's: say it, keep the screen
            self.app.call_from_thread(self._follow_ups_done, f"[$error]The follow-ups "
                                      f"could not run:[/] {safe(error)}")
            return
        self.app.call_from_thread(self._follow_ups_done,
                                  render_follow_ups(self.kata, got, expected))

    def _follow_ups_done(self, text: str) -> None:
        if self._cancel.is_set() or not self.is_attached:
            return
        self.query_one("#kata-report", Static).update(self.submitted_text + "\n\n" + text)

    def time_up(self) -> None:
        """A loop round's time ran out: the code as it stands is checked and recorded as cut
        off, then the screen closes (the loop goes on). Typing stops here."""
        if self.feedback is not None:
            self.dismiss(self.feedback)
            return
        self.cut_off = True
        self.query_one("#kata-editor", TextArea).read_only = True
        self.say("[$warning]Time is up:[/] your code is checked and recorded as it stands.")
        self.submit_after_run = True
        if not self.running:
            self.start_checks()

    def action_rate(self, rating: int) -> None:
        if self.feedback is None:
            return
        try:
            self.feedback = self.session.override(rating)
        except StoreError as error:
            self.say(f"[$error]{safe(error)}[/]")
            return
        self.say(render_rating_line(self.feedback))

    def action_accept(self) -> None:
        if self.feedback is not None:
            self.dismiss(self.feedback)

    def action_back(self) -> None:
        """Leave: a run in progress is stopped; the code stays as the kata's draft."""
        self._cancel.set()
        if self.feedback is not None:
            self.dismiss(self.feedback)
            return
        self.dismiss(None)

    # -- hints, attempts, the player's own editor -----------------------------------------

    def action_hint(self) -> None:
        hints = self.kata.hints
        if not hints:
            self.say("This kata has no hints.")
            return
        if self.hints_shown < len(hints):
            self.hints_shown += 1
        shown = hints[: self.hints_shown]
        text = "\n".join(f"Hint {i}: {h}" for i, h in enumerate(shown, start=1))
        self.query_one("#kata-prompt", Static).update(
            safe(self.scenario_text() + "\n\n" + text))
        self.query_one("#kata-scenario", VerticalScroll).scroll_end(animate=False)
        self.say(safe(f"Hint {self.hints_shown} of {len(hints)}: {hints[self.hints_shown - 1]}"))

    def action_attempts(self) -> None:
        from engine.katas.attempts import kata_attempts

        try:
            attempts = kata_attempts(self.session.store, self.kata.id)
        except StoreError as error:
            self.say(f"[$error]{safe(error)}[/]")
            return
        self.app.push_screen(AttemptsScreen(self.kata, attempts))

    def action_external_editor(self) -> None:
        """Write the code to a file, run ``$EDITOR`` on it with the app suspended, read it
        back. A missing editor or a terminal that cannot suspend is said, not fatal."""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.TemporaryDirectory(prefix="tpm-drill-kata-") as folder:
            path = Path(folder) / f"{self.kata.function or 'kata'}.py"
            path.write_text(self.code, encoding="utf-8")
            try:
                with self.app.suspend():
                    completed = subprocess.run([*shlex.split(editor), str(path)], check=False)
            except Exception as error:  # SuspendNotSupported, a missing editor, a bad $EDITOR
                self.say(f"[$error]Cannot open {safe(editor)}:[/] {safe(error)}")
                return
            try:
                code = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                self.say(f"[$error]Cannot read the edited file back:[/] {safe(error)}")
                return
        self.refresh()
        if completed.returncode != 0:
            self.say(safe(f"{editor} exited with {completed.returncode}; the code is as it "
                          f"left the file."))
        code = clean_text(code)
        self._set_code(code)
        self._code_shown = ""
        self.keep_draft(code)


class AttemptsScreen(Screen[None]):
    """Earlier attempts at a kata, newest first, with the code of each."""

    BINDINGS = [Binding("escape", "dismiss_screen", "Back", id="attempts.back")]

    def __init__(self, kata: Kata, attempts: list[KataAttempt]) -> None:
        super().__init__()
        self.kata = kata
        self.attempts = attempts

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="attempts"):
            yield Static(render_attempts(self.kata, self.attempts), id="attempts-body")
        yield Footer()

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)


# -- rendering (pure functions: tested without an app) -----------------------------------


def _number(value: object) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return "(" + ", ".join(_number(v) for v in value) + ")"
    return "—" if value is None else str(value)


def _inputs(inputs: dict[str, float]) -> str:
    return ", ".join(f"{name}={_number(value)}" for name, value in inputs.items())


def case_line(case: CaseResult) -> str:
    mark = "[$success]✓[/]" if case.ok else "[$error]✗[/]"
    error = f"{case.rel_error:.2%}" if case.rel_error is not None else "—"
    line = (f"{mark} {safe(_inputs(case.inputs))}\n    expected {_number(case.expected)}  "
            f"got {safe(_number(case.got))}  error {error}")
    if case.note and not case.ok:
        line += f"\n    {safe(case.note)}"
    return line


def render_report(report: CheckReport) -> str:
    """The results: the run error if any, the counterexample first, failures before
    passes, then what the code printed."""
    lines: list[str] = []
    total = report.passed + report.failed
    if report.error is not None:
        where = f" (line {report.error.line})" if report.error.line else ""
        kind = ERROR_WORDS.get(report.error.kind, report.error.kind.replace("_", " "))
        lines.append(f"[b $error]{safe(kind)}{where}[/]: {safe(report.error.message)}")
    else:
        lines.append(f"[b]{report.passed} of {total} cases pass[/] "
                     f"({report.seconds:.1f} s)")
    if report.counterexample is not None:
        lines += ["", "[b]Smallest failing case:[/]", case_line(report.counterexample)]
    ordered = sorted(report.cases, key=lambda case: case.ok)
    shown = [case for case in ordered if case is not report.counterexample][:SHOWN_CASES]
    if shown:
        lines += ["", "[b]Cases[/] (failures first):"] + [case_line(case) for case in shown]
        hidden = len(report.cases) - len(shown) - (report.counterexample is not None)
        if hidden > 0:
            lines.append(f"  … and {counted(hidden, 'more case')}")
    if report.printed.strip():
        lines += ["", "[b]Your code printed:[/]", safe(report.printed.rstrip())]
    return "\n".join(lines)


def render_rating_line(feedback: Feedback) -> str:
    name = RATING_NAMES.get(feedback.rating, str(feedback.rating))
    changed = " (changed)" if feedback.overridden else ""
    return f"Rated [b]{name}[/]{changed} · Enter: next · 1-4 change it"


def render_submitted(kata: Kata, report: CheckReport, feedback: Feedback,
                     elapsed_seconds: float) -> str:
    """After a submit: the verdict, the reference solution, its derivation for the first
    case, the assumptions and the explanation — the player's code stays above."""
    from engine.katas.references import reference_value
    from engine.models.base import ModelError

    total = report.passed + report.failed
    minutes = elapsed_seconds / 60
    target = f" (target {kata.target_minutes:g} min)" if kata.target_minutes else ""
    lines = [f"[b]{report.passed} of {total} cases pass[/] in {minutes:.1f} min{target}",
             render_rating_line(feedback), "", "[b]Reference solution[/]",
             safe(clean_text(kata.solution).rstrip() or "(this kata gives none)")]
    if report.cases:
        first = report.cases[0]
        try:
            reference = reference_value(kata, first.inputs)
        except ModelError:
            reference = None
        if reference is not None and reference.steps:
            lines += ["", f"[b]Derivation[/] for {safe(_inputs(first.inputs))}:"]
            lines += [f"  {safe(step.label)} = {_number(step.value)} {safe(step.unit)}"
                      for step in reference.steps]
    if kata.assumptions:
        lines += ["", "[b]Assumptions[/]"] + [f"  · {safe(a)}" for a in kata.assumptions]
    if kata.explanation:
        lines += ["", safe(kata.explanation)]
    if kata.source:
        lines += ["", f"[dim]Source: {safe(kata.source)}[/]"]
    return "\n".join(lines)


def render_follow_ups(kata: Kata, got: object, expected: list[float | None]) -> str:
    """Each follow-up with what the player's model gives and what the reference gives."""
    lines = ["[b]Asked of your model[/]"]
    if not isinstance(got, list):  # a RunError: the code raised for one of them
        return "\n".join([*lines, f"  [$error]{safe(got)}[/]"])
    for follow_up, value, reference in zip(kata.follow_ups, got, expected, strict=False):
        lines.append(f"  {safe(follow_up.prompt)}")
        line = f"    your model: {safe(_number(value))}"
        if reference is not None:
            line += f"  ·  the reference: {_number(reference)}"
            if isinstance(value, int | float) and reference:
                error = abs(float(value) - reference) / abs(reference)
                mark = "[$success]✓[/]" if error <= kata.rel_tolerance else "[$error]✗[/]"
                line += f"  {mark} {error:.1%} apart"
        lines.append(line)
    return "\n".join(lines)


def render_attempts(kata: Kata, attempts: list[KataAttempt]) -> str:
    """Each attempt, newest first: when (local time), cases passed, any error, the rating,
    the time taken, and the code as it was submitted."""
    if not attempts:
        return safe(f"No attempts at {kata.id} yet.")
    lines = [safe(f"{counted(len(attempts), 'attempt')} at {kata.id}, newest first"), ""]
    for attempt in attempts:
        total = attempt.passed + attempt.failed
        when = attempt.attempted_at.astimezone().strftime("%Y-%m-%d %H:%M")
        error = f" · {attempt.error_kind.replace('_', ' ')}" if attempt.error_kind else ""
        took = f" · {attempt.seconds / 60:.1f} min" if attempt.seconds is not None else ""
        rating = RATING_NAMES.get(attempt.rating, str(attempt.rating))
        lines.append(f"[b]{when}[/] · {attempt.passed}/{total} pass{safe(error)} · "
                     f"{rating}{took}")
        lines.append(safe(clean_text(attempt.code).rstrip()))
        lines.append("")
    return "\n".join(lines)
