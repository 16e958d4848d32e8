"""A yes/no question before an action that changes something (a setting, leaving a loop)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool | None]):
    """Dismisses with ``True`` for yes (y, and Enter when ``enter_is_yes``), ``False`` for no
    (n, Esc), or ``None`` when its owner closes it (a loop whose time ran out meanwhile).

    ``question`` is markup written by our code: untrusted parts go through ``tui.safe``.
    ``yes``/``no`` name what each answer does ("leave", "stay"). Where Enter was just used
    to answer a question (in a loop), ``enter_is_yes=False`` keeps a stray Enter from
    leaving.
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("enter", "enter", "Yes", id="confirm.enter", show=False),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", id="confirm.escape", show=False),
    ]

    def __init__(self, question: str, yes: str = "yes", no: str = "no",
                 enter_is_yes: bool = True) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no
        self.enter_is_yes = enter_is_yes

    def compose(self) -> ComposeResult:
        keys = (f"[b]y[/b] or [b]Enter[/b]: {self.yes} · [b]n[/b] or [b]Esc[/b]: {self.no}"
                if self.enter_is_yes else f"[b]y[/b] {self.yes} · [b]n[/b] {self.no}")
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question")
            yield Static(keys, id="confirm-keys")

    def action_enter(self) -> None:
        if self.enter_is_yes:
            self.dismiss(True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
