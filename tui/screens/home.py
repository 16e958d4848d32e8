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
from engine.loop.session import next_level, player_level
from engine.store.db import StoreError
from engine.study.session import TodayCounts, today_counts
from tui.safe import safe
from tui.timefmt import describe_due

if TYPE_CHECKING:
    from tui.app import TpmDrillApp


def describe_advice(advice: tuple[tuple[str, int], ...]) -> str:
    """"set new_per_day to 38 and reviews_per_day to 240" (the keys as config.toml has them,
    as the plan's message names them)."""
    return "set " + " and ".join(f"{key} to {value}" for key, value in advice)


def buried_line(buried: int) -> str:
    """"3 cards buried until tomorrow (related to cards answered today)": the siblings the
    daily drill holds back (``TodayCounts.buried``), said so the counts above add up."""
    return f"{counted(buried, 'card')} buried until tomorrow (related to cards answered today)"


class HomeScreen(Screen[None]):
    """Where every session starts."""

    advice: tuple[tuple[str, int], ...] = ()  # the settings today's interview plan asks for

    BINDINGS = [
        # The menu shows the keys of the modes and settings; the footer the rest.
        Binding("d", "open('drill')", "Drill", id="home.drill", show=False,
                tooltip="Today's due and new cards"),
        Binding("l", "open('loop')", "Loop", id="home.loop", show=False,
                tooltip="Timed onsite loop: level, round length, technical screen"),
        Binding("w", "open('weak')", "Weak", id="home.weak", show=False,
                tooltip="Review weak areas"),
        Binding("s", "open('stats')", "Stats", id="home.stats", show=False, tooltip="Progress"),
        Binding("k", "open('katas')", "Katas", id="home.katas", show=False,
                tooltip="Modelling katas: write the model in Python, checked against ours"),
        Binding("y", "open('stories')", "Stories", id="home.stories", show=False,
                tooltip="Your own stories: write, critique, keep every version"),
        Binding("c", "open('custom')", "Custom study", id="home.custom", show=False,
                tooltip="Drill a topic, level, deck or round now, or study ahead"),
        Binding("i", "interview_date", "Interview date", id="home.interview",
                tooltip="Set the date the plan works back from"),
        Binding("o", "open('settings')", "Settings", id="home.settings", show=False,
                tooltip="New cards and reviews per day, retention, rollover hour, theme"),
        Binding("r", "follow_plan", "Raise limits", id="home.follow_plan",
                tooltip="Set the daily limits the interview plan asks for"),
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
            Option("k  Katas — write a model in Python, checked case by case", id="katas"),
            Option("y  Stories — yours, critiqued and versioned", id="stories"),
            Option("s  Stats — progress", id="stats"),
            Option("c  Custom study — a topic, level, deck or round; study ahead",
                   id="custom"),
            Option("o  Settings — cards per day, retention, theme", id="settings"),
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
        self.advice = ()
        try:
            counts = today_counts(app.store, app.bank, app.scheduler, app.clock)
            shown = self.render_counts(counts)
        except StoreError as error:  # damaged, or locked too long, since the app opened it
            shown = ("[b $error]Your progress cannot be read right now.[/]\n"
                     f"{safe(error)}\n\nNothing more will be written. Press q to leave.")
            self.notify(safe(error), title="Progress database", severity="error", timeout=10)
        self.query_one("#home-stats", Static).update(shown)
        note = f"{counted(len(app.bank.items), 'card')} in the bank · progress in " \
            f"{safe(app.db_path)}"
        self.query_one("#home-note", Static).update(note)
        self.refresh_bindings()

    def render_counts(self, counts: TodayCounts) -> str:
        app = self.drill_app
        streak = counted(counts.streak_days, "day")
        lines = [
            f"[b]Due today:[/b] {counts.due_total}"
            f"  (learning {counts.due_learning}, review {counts.due_review})",
            f"[b]New today:[/b] {counts.new_available}"
            f"  (limit {app.config_data.new_per_day}/day)",
            *([f"  {buried_line(counts.buried)}"] if counts.buried else []),
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
        line = f"[b]Interview:[/b] {when.isoformat()} — {counted(days, 'day')} left"
        plan = counts.plan
        if plan is not None:
            style = "$success" if plan.fits else "$warning"
            line += f"\n  [{style}]{safe(plan.message)}[/]"
            self.advice = plan.advice
            if plan.advice:
                line += f"\n  Press [b]r[/b] to {safe(describe_advice(plan.advice))}."
        return line

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """"Raise limits" only while the plan asks for it."""
        if action == "follow_plan":
            return bool(self.advice)
        return True

    def action_follow_plan(self) -> None:
        """Set the daily limits the interview plan asks for, once the player says yes."""
        from tui.screens.confirm import ConfirmScreen

        advice = dict(self.advice)
        if not advice:
            return
        app = self.drill_app
        current = ", ".join(f"{safe(key)} is {getattr(app.config_data, key)}" for key in advice)
        question = (f"[b]{safe(describe_advice(self.advice)).capitalize()}?[/b]\n\n"
                    f"Now {current}. The interview plan needs it to fit; config.toml is "
                    "changed and the rest of it kept.")

        done = " and ".join(f"{key} set to {value}" for key, value in self.advice)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                app.save_settings(advice)
            except ConfigError as error:
                self.notify(safe(error), title="Could not save", severity="error", timeout=8)
                return
            self.notify(f"{safe(done).capitalize()}.", title="Settings", timeout=3)
            self.refresh_counts()

        app.push_screen(ConfirmScreen(question), answered)

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

    def ask_loop_options(self) -> None:
        """The loop's level, round length and technical screen, then the loop."""
        from tui.screens.loop_options import LoopChoice, LoopOptionsScreen

        app = self.drill_app
        try:
            level = player_level(app.store)
        except StoreError as error:
            self.notify(safe(error), title="Cannot start a loop", severity="error", timeout=10)
            return

        def chosen(choice: LoopChoice | None) -> None:
            if choice is not None:
                app.start_loop(choice.level, choice.with_screen, choice.round_minutes)

        app.push_screen(LoopOptionsScreen(level, next_level(level) or level), chosen)

    def action_open(self, mode: str) -> None:
        """Open a mode: drill, loop, weak areas, katas, stats, custom study or settings."""
        if mode == "drill":
            self.drill_app.start_drill()
            return
        if mode == "loop":
            self.ask_loop_options()
            return
        if mode == "settings":
            from tui.screens.settings import SettingsScreen

            self.app.push_screen(SettingsScreen())
            return
        if mode == "weak":
            from tui.screens.weak import WeakScreen

            self.app.push_screen(WeakScreen())
            return
        if mode == "stats":
            from tui.screens.stats import StatsScreen

            self.app.push_screen(StatsScreen())
            return
        if mode == "custom":
            from tui.screens.custom import CustomStudyScreen

            self.app.push_screen(CustomStudyScreen())
            return
        if mode == "stories":
            from tui.screens.stories import StoriesScreen

            self.app.push_screen(StoriesScreen())
            return
        if mode == "katas":
            from tui.screens.katas import KataListScreen

            self.app.push_screen(KataListScreen())
            return
        self.notify(f"Unknown mode '{safe(mode)}'.", severity="error")
