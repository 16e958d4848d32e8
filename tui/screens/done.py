"""Done for today: what was answered, and when the next card is due."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from engine import counted
from engine.store.db import StoreError
from engine.study.session import StudySession, today_counts
from tui.safe import safe
from tui.timefmt import describe_due

if TYPE_CHECKING:
    from tui.app import TpmDrillApp


class DoneScreen(Screen[None]):
    """Shown when the drill has nothing left for today."""

    BINDINGS = [
        Binding("enter", "home", "Home", id="done.home"),
        Binding("q", "home", "Home", id="done.back", show=False),
        Binding("escape", "home", "Home", id="done.escape", show=False),
    ]

    def __init__(self, session: StudySession, left_early: bool = False) -> None:
        super().__init__()
        self.session = session
        #: The player left with q before the queue emptied: a summary, not "done for today".
        self.left_early = left_early

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="done-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "session summary" if self.left_early else "done for today"
        app = cast("TpmDrillApp", self.app)
        try:
            self.session.finish()
            counts = today_counts(app.store, app.bank, app.scheduler, app.clock)
            with app.store.guard() as conn:
                bands = conn.execute(
                    "SELECT band, COUNT(*) FROM reviews WHERE session_id = ? GROUP BY band",
                    (self.session.session_id,),
                ).fetchall()
                cases = conn.execute(
                    "SELECT COUNT(*) FROM reviews WHERE session_id = ? AND kind = 'case'",
                    (self.session.session_id,),
                ).fetchone()[0]
        except StoreError as error:  # the answers given are saved; the summary cannot be read
            self.query_one("#done-body", Static).update(
                f"[b $error]Your answers are saved, but the summary cannot be read.[/]\n"
                f"{safe(error)}\n\nEnter: back home")
            return
        by_band = dict(bands)
        title = {"weak": "Weak-area session done.",
                 "custom": "Custom study done."}.get(self.session.mode, "Done for today.")
        if self.left_early:
            title = "Session summary — the rest of today's cards wait for you."
        lines = [
            f"[b $success]{title}[/]",
            "",
            f"This session: {self.session.answered} answered — "
            f"{by_band.get('exact', 0)} right, {by_band.get('close', 0)} close, "
            f"{by_band.get('off', 0)} off, {by_band.get('dont_know', 0)} don't know"
            + (f", {counted(cases, 'case')} (scored step by step)." if cases else "."),
            f"Today: {counted(counts.reviews_done, 'answer')}, "
            f"{counted(counts.new_done, 'new card')}.",
            f"Streak: {counted(counts.streak_days, 'day')}.",
        ]
        if counts.next_due is not None:
            lines.append(f"Next card due {describe_due(counts.next_due, app.clock)}.")
        if self.session.pose_errors:
            skipped = len(self.session.pose_errors)
            lines.append(f"[$warning]{counted(skipped, 'card')} could not be posed and "
                         f"{'was' if skipped == 1 else 'were'} skipped.[/]")
        lines += ["", "Enter: back home"]
        self.query_one("#done-body", Static).update("\n".join(lines))

    def action_home(self) -> None:
        cast("TpmDrillApp", self.app).back_home()
