"""The onsite loop on screen: a round intro, questions against a countdown, the debrief.

The countdown lives in the engine (``LoopSession`` on the app's clock); the screen's one-second
timer only calls ``tick()`` and repaints, so tests advance a fake clock and call ``tick``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Markdown, Static

from content.untrusted import clean_text
from engine import counted
from engine.loop.debrief import export_command, loop_debrief
from engine.loop.rules import ROUND_TITLES, LoopRun
from engine.loop.session import LoopOutcome, LoopSession, loop_number
from engine.questions import Question
from engine.store.db import Store, StoreError
from engine.study.session import Feedback, Retry
from tui.safe import safe
from tui.screens.confirm import ConfirmScreen
from tui.screens.drill import DrillScreen

if TYPE_CHECKING:
    from tui.app import TpmDrillApp

URGENCY_STYLES = {"normal": "$text", "warning": "$warning", "error": "$error"}
ROUND_BRIEFS = {
    "technical_screen": "Live modelling: put numbers on a system, out loud, with units.",
    "program_design": "Design the program: decompose, sequence, quantify risk and buffers.",
    "technical_depth": "Mechanisms and hardware facts, cold. Numbers with units.",
    "behavioral": "Stories with data: the metric, the mechanism, the outcome. Not process.",
    "system_tradeoffs": "Two options, a cost model, a recommendation with its break-even.",
}


def clock_text(seconds: float) -> str:
    """mm:ss, rounded up so the clock shows 00:00 only when time is really up."""
    whole = max(0, math.ceil(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


class RoundIntroScreen(ModalScreen[bool]):
    """Names the next round and waits for Enter."""

    BINDINGS = [
        Binding("enter", "start", "Start the round", id="intro.start"),
        Binding("escape", "quit_loop", "Quit the loop", id="intro.quit"),
    ]

    def __init__(self, loop: LoopSession, loop_name: str = "") -> None:
        super().__init__()
        self.loop = loop
        #: "Onsite loop 2 · " (see ``loop_title``), or "" when it could not be read.
        self.title_prefix = f"{loop_name} · " if loop_name else ""

    def compose(self) -> ComposeResult:
        plan = self.loop.current.plan
        position = self.loop.run.index + 1
        total = len(self.loop.run.rounds)
        open_count = sum(1 for i in plan.item_ids if self.loop.study.bank.is_open(i))
        minutes = plan.seconds / 60
        cases = f", {counted(len(plan.cases), 'case')} worked step by step" \
            if plan.cases else ""
        body = (
            f"[b]{safe(self.title_prefix)}Round {position} of {total}: "
            f"{safe(plan.title)}[/b]\n\n"
            f"{safe(ROUND_BRIEFS.get(plan.name, ''))}\n\n"
            f"{minutes:g} minute{'' if minutes == 1 else 's'} · "
            f"{counted(len(plan.item_ids), 'question')} "
            f"({open_count} to answer in writing{cases}) · "
            f"bar: level {safe(self.loop.level)}\n\n"
            "Unanswered questions count as not covered when time runs out.\n"
            "F2 pauses (it is recorded). Enter starts the clock."
        )
        yield Static(body, id="intro-body")

    def action_start(self) -> None:
        self.dismiss(True)

    def action_quit_loop(self) -> None:
        self.dismiss(False)


class PauseScreen(ModalScreen[None]):
    """The loop is paused: the question is hidden until the player resumes."""

    BINDINGS = [
        Binding("f2", "resume", "Resume", id="pause.resume"),
        Binding("enter", "resume", "Resume", id="pause.enter", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("[b]Paused[/b]\n\nThe clock is stopped and the pause is recorded in the "
                     "debrief.\nF2 or Enter resumes.", id="pause-body")

    def action_resume(self) -> None:
        self.dismiss(None)


def leave_question(answers: int) -> str:
    """What leaving the loop costs, said before it happens."""
    kept = f"Your {counted(answers, 'answer')} {'is' if answers == 1 else 'are'} kept" \
        if answers else "Nothing is answered yet"
    return f"[b]Leave the loop?[/b]\n\n{kept} and the loop is marked abandoned."


def number_of_loop(store: Store, session_id: int) -> int | None:
    """The player's count of loop ``session_id`` (``engine.loop.session.loop_number``: 1 for
    the first loop, whatever its session id), or None when the database cannot say (the
    screen goes on without it)."""
    try:
        return loop_number(store, session_id)
    except (LookupError, StoreError):
        return None


def loop_title(store: Store, session_id: int) -> str:
    """"Onsite loop 3" for the player's third loop; "" when its number cannot be read."""
    number = number_of_loop(store, session_id)
    return "" if number is None else f"Onsite loop {number}"


END_ROUND_QUESTION = ("[b]End this round now?[/b]\n\nQuestions not answered yet count as "
                      "not covered, and the round is rated on what you gave.")


class LoopScreen(DrillScreen):
    """The drill screen, timed and scored as an interview round."""

    BINDINGS = [
        *DrillScreen.BINDINGS,
        Binding("f2", "pause", "Pause", id="loop.pause", priority=True),
        Binding("f3", "finish_round", "End round", id="loop.finish", priority=True,
                tooltip="Finish this round early; unanswered questions count as not covered"),
    ]

    def __init__(self, loop: LoopSession) -> None:
        super().__init__(loop.study)
        self.loop = loop
        #: The yes/no question on screen now, if any (time running out closes it).
        self.confirm: ConfirmScreen | None = None
        #: "Onsite loop 2": the player's loop count, not the session id (read in ``start``).
        self.loop_name = ""

    @property
    def run(self) -> LoopRun:
        return self.loop.run

    def start(self) -> None:
        self.loop_name = loop_title(self.loop.store, self.loop.session_id)
        # (Plain text: the level is from the database.)
        self.sub_title = f"{self.loop_name or 'Onsite loop'} · {clean_text(self.loop.level)}"
        cast("TpmDrillApp", self.app).active_loop = self.loop
        self.set_interval(1.0, self.tick)
        self.intro()

    # -- rounds ---------------------------------------------------------------------------

    def intro(self) -> None:
        def started(go: bool | None) -> None:
            if not go:  # Esc at the intro: ask, and show the intro again to stay
                question = ConfirmScreen(leave_question(self.session.answered), "leave",
                                         "stay", enter_is_yes=False)
                self.ask(question, lambda leave: self.leave() if leave else self.intro())
                return
            self.loop.start_round()
            self.advance()

        self.app.push_screen(RoundIntroScreen(self.loop, self.loop_name), started)

    def advance(self) -> None:
        if self.loop.round_over:
            self.round_end()
            return
        try:
            question = self.session.next_question()
        except StoreError as error:
            self.cannot_go_on(error)
            return
        if question is None:
            self.loop.finish_round()
            self.round_end()
            return
        self.show_question(question)
        self.tick()

    def round_end(self) -> None:
        if self.loop.next_round():
            self.intro()
        else:
            self.finished()

    def finished(self) -> None:
        outcome = self.loop.complete()
        cast("TpmDrillApp", self.app).active_loop = None
        self.app.switch_screen(DebriefScreen(self.loop.session_id, outcome))

    def after_answer(self) -> None:
        self.advance()

    # -- the clock ------------------------------------------------------------------------

    def tick(self) -> None:
        """Repaint the countdown; end the round when the engine says time is up."""
        if self.loop.outcome is not None or self.run.current.started_at is None or self.saving:
            return  # (while an answer waits for the database, the round waits for it too)
        ended = self.loop.tick()
        self.query_one("#drill-status", Static).update(self.countdown_line())
        if ended and self.confirm is not None:  # "leave?" / "end the round?" is moot now
            confirm, self.confirm = self.confirm, None
            confirm.dismiss(None)
        if ended and self.probing is not None and self.app.screen is self:
            self.probes_cut_off()  # the follow-ups as they stand, then the next round
            return
        own_screen = self.app.screen
        if ended and self.answering and own_screen is not self and \
                callable(getattr(own_screen, "time_up", None)):
            # A kata or a case on its own screen: the kata's code as it stands is checked,
            # the case's steps and justification as typed are graded, and either is
            # recorded as cut off (``submit_kata`` / ``submit_case(..., cut_off=True)``);
            # the screen then closes and the loop goes on to the next round, the answer
            # counted toward the round that ended (``kata_answered`` / ``case_answered``).
            own_screen.time_up()
            return
        if ended and self.answering:
            typed = self.text_in_progress()
            try:  # what was written when time ran out is graded, marked as cut off
                graded = self.loop.time_up(typed)
            except StoreError as error:
                self.notify(safe(error), title="Could not save the answer in progress",
                            severity="error", timeout=10)
                graded = None
            self.notify("Time is up: your answer in progress was graded as it stood (cut off)."
                        if graded is not None else
                        "Time is up: the question was not answered.",
                        severity="warning", timeout=4)
            self.round_end()

    def kata_answered(self, feedback: Feedback) -> None:
        self.loop.answered(feedback)  # the technical screen's score: the checks' pass rate

    def kata_countdown(self) -> Callable[[], str] | None:
        return self.countdown_line

    def offers_probes(self) -> bool:
        """An open answer's follow-up probes in a timed round, as the loop plans them
        (``engine.loop.session.ASKS_PROBES``: a probed question's probes are a graded part
        of its round, 0 when not answered) — unless the round's time ran out during the
        self-check: the interviewer has moved on, and the probes count 0."""
        from engine.loop.session import ASKS_PROBES

        return ASKS_PROBES and not self.loop.round_over

    def probes_skippable(self) -> bool:
        """In a loop Esc means "leave the loop", and an interviewer's follow-up is not
        optional: ``?`` gives one up (it counts 0); the clock cuts off the rest."""
        return False

    def probes_cut_off(self) -> None:
        """The round ended (time, or F3) during the follow-ups: record them as they stand —
        the answered ones as graded, the one in the box if it reads, the rest revealed
        (counted 0) — re-count the open answer with them, then end the round
        (``probes_recorded``). If the write fails, Enter tries it again."""
        run = self.probing
        assert run is not None
        answers: list[str | None] = list(run.answers)
        total = len(run.posed.steps)
        typed = self.query_one("#drill-answer", Input).value.strip()
        if len(answers) < total and typed and typed != "?":
            tried = self.session.grade_probes([*answers, typed])
            answers.append(None if isinstance(tried, Retry) else typed)
        run.answers = answers + [None] * (total - len(answers))
        run.cut_off = True
        self.record_probes()

    def probes_recorded(self, outcome: Feedback | Retry) -> None:
        """The follow-ups are stored (and re-counted by ``show_feedback``); cut off by the
        round's end, the loop goes on to the next round."""
        run = self.probing
        super().probes_recorded(outcome)
        if run is not None and run.cut_off and self.probing is None:
            self.notify("Round over: the follow-ups not answered count 0.",
                        severity="warning", timeout=4)
            self.round_end()

    def case_answered(self, feedback: Feedback) -> None:
        """A case recorded on its screen counts toward the round: its chain as the round's
        graded part, its justification as a written part (``LoopSession.answered``); one
        cut off by the clock toward the round that just ended."""
        self.loop.answered(feedback)

    def case_countdown(self) -> Callable[[], str] | None:
        """The round's countdown, shown on the case screen over the scenario."""
        return self.countdown_line

    def text_in_progress(self) -> str:
        """What the answer box (or the essay box) holds right now."""
        if self.long_form and (widgets := self.mounted_long_form_widgets()) is not None:
            return widgets[0].text
        return self.query_one("#drill-answer", Input).value

    def countdown_line(self) -> str:
        state = self.run.current
        left = clock_text(self.loop.remaining())
        style = URGENCY_STYLES[self.loop.urgency()]
        answered = len(state.scores)
        # While an answer's verdict is on screen it is still that question, not the next.
        showing = answered if self.session.feedback is not None else answered + 1
        total = len(state.plan.item_ids)
        paused = " · [b]PAUSED[/b]" if self.run.paused else ""
        return (f"[b]{safe(state.plan.title)}[/b] · question "
                f"{min(max(showing, 1), total)}/{total} · "
                f"[b {style}]{left} left[/]{paused}")

    def status_line(self, question: Question) -> str:
        return ""  # the countdown line replaces the drill's status

    def show_feedback(self, feedback: Feedback) -> None:
        self.loop.answered(feedback)  # scored as soon as it is recorded
        super().show_feedback(feedback)
        self.tick()

    # -- actions --------------------------------------------------------------------------

    def ask(self, confirm: ConfirmScreen, then: Callable[[bool], None]) -> None:
        """Show a yes/no question; ``then(answer)`` unless time ran out while it was open
        (the round has ended by itself then, and the question no longer applies)."""
        self.confirm = confirm

        def answered(answer: bool | None) -> None:
            if self.confirm is confirm:
                self.confirm = None
            if answer is not None:
                then(answer)

        self.app.push_screen(confirm, answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.saving:
            return action == "back"
        if action in {"pause", "finish_round"}:
            return self.run.current.status == "running"
        return super().check_action(action, parameters)

    def action_pause(self) -> None:
        self.loop.pause()
        self.tick()

        def resumed(_: None) -> None:
            self.loop.resume()
            self.tick()

        self.app.push_screen(PauseScreen(), resumed)

    def action_finish_round(self) -> None:
        """F3: ask, then end the round; unanswered questions count as not covered."""

        def end(yes: bool) -> None:
            self.tick()  # the clock went on while the question was open: time may be up
            if not yes or self.loop.round_over:  # kept going, or time ended it meanwhile
                return
            self.loop.finish_round()
            self.notify("Round ended early.", timeout=2)
            if self.probing is not None:  # the follow-ups as they stand count
                self.probes_cut_off()
            elif not self.checking:
                self.round_end()

        self.ask(ConfirmScreen(END_ROUND_QUESTION, "end the round", "keep going",
                               enter_is_yes=False), end)

    def action_back(self) -> None:
        """Esc or q mid-loop: ask first; leaving keeps every answer given and marks the
        loop abandoned."""
        if self.saving:
            super().action_back()  # Esc while waiting for the database stops waiting
            return

        def leave_or_stay(leave: bool) -> None:
            if leave:
                self.leave()
                return
            answer = self.query_one("#drill-answer", Input)
            if answer.value.strip() == "q":  # the q typed to leave is not an answer
                answer.value = ""
            self._refocus()
            self.tick()  # the clock went on while the question was open: time may be up

        self.ask(ConfirmScreen(leave_question(self.session.answered), "leave", "stay",
                               enter_is_yes=False), leave_or_stay)

    def leave(self) -> None:
        """Abandon the loop: every answer given is kept; the loop is marked abandoned."""
        answers = self.session.answered
        self.loop.abandon()
        cast("TpmDrillApp", self.app).active_loop = None
        kept = f"Your {counted(answers, 'answer')} {'is' if answers == 1 else 'are'} saved." \
            if answers else "Nothing was answered."
        self.notify(f"Loop abandoned. {kept}", timeout=4)
        cast("TpmDrillApp", self.app).back_home()


class DebriefScreen(Screen[None]):
    """The debrief after the last round: verdict, ratings, every answer, the model answers."""

    BINDINGS = [
        Binding("enter", "home", "Home", id="debrief.home"),
        Binding("q", "home", "Home", id="debrief.q", show=False),
        Binding("escape", "home", "Home", id="debrief.escape", show=False),
    ]

    def __init__(self, session_id: int, outcome: LoopOutcome | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="debrief-scroll"):
            yield Static("", id="debrief-verdict")
            # Deck links are not followed: a shared deck's [x](file:///...) stays text to read.
            yield Markdown("", id="debrief-body", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        app = cast("TpmDrillApp", self.app)
        number = number_of_loop(app.store, self.session_id)
        self.sub_title = "debrief" if number is None else f"debrief · Onsite loop {number}"
        lines = []
        if self.outcome is not None:
            verdict = self.outcome.verdict
            style = "$success" if verdict.advance else "$error"
            word = "Advance" if verdict.advance else "No hire"
            lines.append(f"[b {style}]{word}[/] — {safe(verdict.reason)}")
            if verdict.evidence:  # each onsite round's rating and the steps it rests on
                lines += [f"• {safe(line)}" for line in verdict.evidence]
            else:
                ratings = " · ".join(f"{ROUND_TITLES.get(n, n)}: {r}"
                                     for n, r in self.outcome.ratings.items())
                lines.append(safe(ratings))
            if self.outcome.promoted_to:
                lines.append(f"[b $success]Promoted to {safe(self.outcome.promoted_to)}![/]")
        if number is not None:
            command = export_command(number, app.db_path, app.config_path)
            # (Escaped: a path may hold "[".)
            lines.append(f"[dim]Export: {safe(command)} > debrief.md[/dim]")
        self.query_one("#debrief-verdict", Static).update("\n".join(lines))
        # Markdown is rendered without Textual markup; the terminal still must not see the
        # control characters a deck or the stored answers may hold.
        # The verdict is above (with what each round rests on) when the loop just ended.
        markdown = clean_text(loop_debrief(app.store, app.bank, self.session_id,
                                           with_verdict=self.outcome is None))
        self.query_one("#debrief-body", Markdown).update(markdown)
        self.query_one("#debrief-scroll").focus()

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """A link in the debrief comes from a deck: say where it points, never open it."""
        event.stop()
        self.notify(safe(event.href), title="Link (not opened)", timeout=6)

    def action_home(self) -> None:
        cast("TpmDrillApp", self.app).back_home()
