"""Before an onsite loop: the level of the bar, the rounds' length, and whether the technical
screen comes first. ``l`` on home asks; Enter on "Start" takes the defaults."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from engine.loop.options import MAX_ROUND_MINUTES, parse_round_minutes
from engine.loop.rules import LEVELS
from tui.safe import safe
from tui.widgets.checklist import TickBox


@dataclass(frozen=True, slots=True)
class LoopChoice:
    """What ``TpmDrillApp.start_loop`` is called with."""

    level: str
    with_screen: bool
    round_minutes: float | None


class LoopOptionsScreen(ModalScreen[LoopChoice | None]):
    """Dismisses with the player's ``LoopChoice``, or ``None`` when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start", id="loop_options.start", priority=True,
                tooltip="Start the loop with these options"),
        Binding("escape", "cancel", "Cancel", id="loop_options.cancel"),
    ]

    def __init__(self, player_level: str, default_level: str) -> None:
        super().__init__()
        self.player_level = player_level
        self.default_level = default_level

    def compose(self) -> ComposeResult:
        levels = [(level + (" (yours)" if level == self.player_level else "")
                   + (" (next)" if level == self.default_level
                      and level != self.player_level else ""), level) for level in LEVELS]
        with Vertical(id="loop-options-box"):
            yield Static("[b]Onsite loop[/b] — four rounds judged by the hiring-committee "
                         f"rule at a level's bar. You are {safe(self.player_level)}.",
                         id="loop-options-intro")
            with Horizontal(classes="setting-row"):
                yield Static("Level", classes="setting-label")
                yield Select(levels, value=self.default_level, allow_blank=False,
                             compact=True, id="loop-level")
            with Horizontal(classes="setting-row"):
                yield Static("Round length", classes="setting-label")
                yield Input(placeholder="45", compact=True, id="loop-minutes",
                            classes="setting-input")
                yield Static(f"minutes (up to {MAX_ROUND_MINUTES:g}); empty: 45, the "
                             "screen 60", classes="setting-hint muted")
            yield TickBox("Start with the 60-minute technical screen", value=False,
                           compact=True, id="loop-screen")
            yield Static("", id="loop-options-message")
            with Horizontal(classes="setting-row"):
                yield Button("Start the loop", id="loop-start", compact=True,
                             variant="primary")
                yield Static("  Enter starts · Esc cancels", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#loop-options-message").display = False
        self.query_one("#loop-start", Button).focus()  # l, Enter: a loop at the defaults

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        typed = self.query_one("#loop-minutes", Input).value.strip()
        minutes: float | None = None
        if typed:
            try:
                minutes = parse_round_minutes(typed)
            except ValueError as error:
                message = self.query_one("#loop-options-message", Static)
                message.update(f"[$error]{safe(error)}[/]")
                message.display = True
                self.query_one("#loop-minutes", Input).focus()
                return
        level = self.query_one("#loop-level", Select).value
        self.dismiss(LoopChoice(str(level), self.query_one("#loop-screen", TickBox).value,
                                minutes))

    def action_cancel(self) -> None:
        self.dismiss(None)
