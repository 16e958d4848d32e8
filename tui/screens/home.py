"""The home screen: today's counts, the streak, and the menu of modes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from engine import counted
from engine.config import ConfigError
from engine.loop_session import next_level, player_level
from engine.session import TodayCounts, today_counts
from engine.store import StoreError
from tui.safe import safe
from tui.timefmt import describe_due

if TYPE_CHECKING:
    from tui.app import TpmDrillApp


class HomeScreen(Screen[None]):
    """Where every session starts."""

    BINDINGS = [
        Binding("d", "open('drill')", "Drill", id="home.drill",
                tooltip="Today's due and new cards"),
        Binding("l", "open('loop')", "Loop", id="home.loop", tooltip="Timed onsite loop"),
        Binding("w", "open('weak')", "Weak", id="home.weak", tooltip="Review weak areas"),
        Binding("s", "open('stats')", "Stats", id="home.stats", tooltip="Progress"),
        Binding("i", "interview_date", "Interview date", id="home.interview",
                tooltip="Set the date the plan works back from"),
        Binding("q", "app.quit", "Quit", id="home.quit", tooltip="Leave tpm-drill"),
    ]

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="home-stats")
        yield OptionList(
            Option("d  Drill — today's due and new cards", id="drill"),
            Option("l  Loop — timed onsite-loop simulation", id="loop"),
            Option("w  Weak — review weak areas", id="weak"),
            Option("s  Stats — progress", id="stats"),
            id="home-menu",
        )
        yield Static("", id="home-note", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "home"
        self.refresh_counts()

    def on_screen_resume(self) -> None:
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Re-read today's counts from the store and show them."""
        app = self.drill_app
        try:
            counts = today_counts(app.store, app.bank, app.scheduler, app.clock)
            shown = self.render_counts(counts)
        except StoreError as error:  # damaged, or locked too long, since the app opened it
            shown = ("[b $error]Your progress cannot be read right now.[/]\n"
                     f"{safe(error)}\n\nNothing more will be written. Press q to leave.")
            self.notify(safe(error), title="Progress database", severity="error", timeout=10)
        self.query_one("#home-stats", Static).update(shown)
        note = f"{len(app.bank.items)} cards in the bank · progress in {safe(app.db_path)}"
        self.query_one("#home-note", Static).update(note)

    def render_counts(self, counts: TodayCounts) -> str:
        app = self.drill_app
        streak = counted(counts.streak_days, "day")
        lines = [
            f"[b]Due today:[/b] {counts.due_total}"
            f"  (learning {counts.due_learning}, review {counts.due_review})",
            f"[b]New today:[/b] {counts.new_available}"
            f"  (limit {app.config_data.new_per_day}/day)",
            f"[b]Answered today:[/b] {counts.reviews_done}",
            f"[b]Streak:[/b] {streak}",
            self.render_ladder(),
            self.render_interview(counts),
        ]
        if counts.due_total == 0 and counts.new_available == 0 and counts.next_due:
            lines.append(f"Next card due {describe_due(counts.next_due, app.clock)}.")
        return "\n".join(lines)

    def render_interview(self, counts: TodayCounts) -> str:
        """The countdown to the interview, or how to set one."""
        app = self.drill_app
        when = app.config_data.interview_date
        if when is None:
            return "[b]Interview:[/b] no date set — press i to plan toward one"
        today = app.scheduler.window(app.clock.now(), app.clock.local_tz()).day
        days = (when - today).days
        if days < 0:
            return f"[b]Interview:[/b] {when.isoformat()} has passed — press i to set the next"
        line = f"[b]Interview:[/b] {when.isoformat()} — {days} day{'s' if days != 1 else ''} left"
        plan = counts.plan
        if plan is not None:
            style = "$success" if plan.fits else "$warning"
            line += f"\n  [{style}]{safe(plan.message)}[/]"
        return line

    def action_interview_date(self) -> None:
        from tui.screens.interview import InterviewDateScreen

        app = self.drill_app
        today = app.scheduler.window(app.clock.now(), app.clock.local_tz()).day

        def chosen(result: object) -> None:
            if result is False:
                return
            try:
                app.set_interview_date(result if isinstance(result, date) else None)
            except ConfigError as error:
                self.notify(safe(error), title="Could not save", severity="error", timeout=8)
                return
            self.refresh_counts()

        app.push_screen(InterviewDateScreen(app.config_data.interview_date, today), chosen)

    def render_ladder(self) -> str:
        """The career ladder: the level held, when each promotion came, the next loop's bar."""
        store = self.drill_app.store
        level = player_level(store)
        promotions = store.promotions()
        dates = ", ".join(f"{safe(p['level'])} on {safe(str(p['promoted_at'])[:10])}"
                          for p in promotions)  # rows of a file that may be hand-edited
        upcoming = next_level(level)
        line = f"[b]Level:[/b] {safe(level)}" + (f"  (promoted: {dates})" if dates else "")
        if upcoming:
            line += f"  ·  next loop is at {safe(upcoming)}"
        return line

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_open(event.option.id)

    def action_open(self, mode: str) -> None:
        """Open a mode: drill, loop, weak areas or stats."""
        if mode == "drill":
            self.drill_app.start_drill()
            return
        if mode == "loop":
            self.drill_app.start_loop()
            return
        if mode == "weak":
            from tui.screens.weak import WeakScreen

            self.app.push_screen(WeakScreen())
            return
        if mode == "stats":
            from tui.screens.stats import StatsScreen

            self.app.push_screen(StatsScreen())
            return
        self.notify(f"Unknown mode '{safe(mode)}'.", severity="error")
