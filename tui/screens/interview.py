"""Asking for the interview date: the planner works back from it."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.safe import safe


class InterviewDateScreen(ModalScreen[date | None | bool]):
    """A date (YYYY-MM-DD), empty to clear it, Esc to leave it as it is.

    Dismisses with the date, ``None`` to clear, or ``False`` when cancelled.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="interview.cancel")]

    def __init__(self, current: date | None, today: date) -> None:
        super().__init__()
        self.current = current
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="interview-box"):
            yield Static("[b]When is your interview?[/b]\n\nThe plan works back from it: "
                         "new cards spread to fit, retention raised as the day nears, and "
                         "every learned card reviewed in the last days.\n"
                         "YYYY-MM-DD · empty clears it · Esc cancels")
            yield Input(value=self.current.isoformat() if self.current else "",
                        placeholder="2027-01-15", id="interview-date")
            yield Static("", id="interview-message")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.dismiss(None)
            return
        try:
            when = date.fromisoformat(text)
        except ValueError:
            self.query_one("#interview-message", Static).update(
                f"'{safe(text)}' is not a date like 2027-01-15.")
            return
        if when <= self.today:
            self.query_one("#interview-message", Static).update(
                "That is not in the future: give the day of the interview.")
            return
        self.dismiss(when)

    def action_cancel(self) -> None:
        self.dismiss(False)
