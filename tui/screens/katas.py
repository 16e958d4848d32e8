"""The kata list: every kata with the player's record at it; Enter practises the one chosen.

Reached with ``k`` from home. A kata practised from here is recorded like one the drill
serves (a review of the kata's card, with its attempt), in a session of its own that serves
just that kata (``engine.katas.attempts.SingleKataPicker``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from engine import counted
from engine.katas.attempts import KataOverview, SingleKataPicker, kata_overview
from engine.store.db import StoreError
from engine.study.session import StudySession
from tui.safe import safe

if TYPE_CHECKING:
    from tui.app import TpmDrillApp


def overview_line(row: KataOverview) -> str:
    """One kata in the list: its id, topic, level and target, then the player's record."""
    target = f" · {row.target_minutes:g} min" if row.target_minutes else ""
    if row.attempts == 0:
        record = "not tried"
    else:
        last = f"last {row.last_pass_rate:.0%}" if row.last_pass_rate is not None else ""
        solved = "solved" if row.ever_passed else f"best {row.best_pass_rate:.0%}"
        record = f"{counted(row.attempts, 'attempt')}, {last}, {solved}"
    return f"{row.kata_id}  ·  {row.topic} · {row.level}{target}\n    {record}"


class KataListScreen(Screen[None]):
    """Every kata; Enter opens the highlighted one in the kata screen."""

    BINDINGS = [Binding("escape", "back", "Back", id="katas.back")]
    DEFAULT_CSS = """
    KataListScreen #katas-intro { height: auto; padding: 0 1; }
    KataListScreen #katas-list { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="katas-intro")
        yield OptionList(id="katas-list")
        yield Footer()

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    def on_mount(self) -> None:
        self.sub_title = "katas"
        self.refresh_list()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        app = self.drill_app
        katas = [item for item in app.bank.items.values() if item.kind == "kata"]
        listing = self.query_one("#katas-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        try:
            rows = kata_overview(app.store, katas)
        except StoreError as error:
            self.query_one("#katas-intro", Static).update(
                f"[b $error]Your attempts cannot be read:[/] {safe(error)}")
            return
        intro = ("Write a small Python model; it runs on many inputs against the reference. "
                 f"{counted(len(rows), 'kata')}. Enter opens one · Esc back.") if rows else \
            "No katas in the bank (a deck folder may be missing)."
        self.query_one("#katas-intro", Static).update(intro)
        listing.add_options([Option(safe(overview_line(row)), id=row.kata_id) for row in rows])
        if rows:
            listing.highlighted = min(highlighted or 0, len(rows) - 1)
            listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Open the chosen kata in a session that serves only it; back here when done."""
        from content.loader import Kata
        from tui.screens.kata import KataScreen

        app = self.drill_app
        kata = app.bank.items.get(event.option.id or "")
        if not isinstance(kata, Kata):
            return
        try:
            session = StudySession(app.store, app.bank, app.scheduler, app.clock,
                                   mode="kata", picker=SingleKataPicker(kata.id),
                                   seed=app.seed)
            question = session.next_question()
        except StoreError as error:
            self.notify(safe(error), title="Cannot open the kata", severity="error")
            return
        if question is None:
            self.notify(safe(f"{kata.id} cannot be posed (see tpm-drill content check)"),
                        severity="error")
            return

        def done(feedback: object) -> None:
            try:
                session.finish("finished" if feedback is not None else "abandoned")
            except StoreError as error:
                self.notify(safe(error), severity="error", timeout=10)
            self.refresh_list()

        self.app.push_screen(KataScreen(session, kata), done)

    def action_back(self) -> None:
        self.dismiss(None)
