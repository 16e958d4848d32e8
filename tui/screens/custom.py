"""Custom study: pick a topic, a level, a deck or an interview round (or study ahead) from what
the bank has, each with how many cards it holds, and drill it now (``c`` on home).

Two lists side by side: what to choose by (topic, level, deck, round, study ahead) on the
left, its choices with their counts on the right. Enter on the left moves to the right;
Enter on the right starts a custom session (``engine.study.custom``) on the drill screen.
``a`` adds studying ahead to any choice. A choice with nothing to ask now says why and stays.
Every count comes from the engine (``custom_counts``: one read of the cards for all of them,
with and without studying ahead);
every name comes from decks, so it reaches the screen through ``tui.safe``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from engine.store.db import StoreError
from engine.study.custom import (
    DEFAULT_LIMIT,
    CustomCount,
    CustomPicker,
    CustomStudyError,
    custom_choices,
    custom_count,
    custom_counts,
    custom_session,
    describe,
    nothing_to_drill,
)
from tui.safe import plain, safe

if TYPE_CHECKING:
    from tui.app import TpmDrillApp

#: What a choice filters on, in the order the left list shows them; "ahead" is every card,
#: studied ahead.
KINDS = (("topic", "Topic"), ("level", "Level"), ("deck", "Deck"), ("round", "Round"),
         ("ahead", "Study ahead"))
#: Width of a choice's name in the right list (longer names end in "…"), and of each count.
NAME_WIDTH = 30
COUNT_WIDTH = 6
#: The counts beside each choice: cards it holds, due today, never met, met but not yet due.
COUNT_NAMES = ("cards", "due", "new", "ahead")


@dataclass(frozen=True, slots=True)
class Choice:
    """One row of the right list: what it filters on, the value, and the engine's counts
    without and with studying ahead (``a`` switches between them)."""

    kind: str
    value: str | None
    count: CustomCount
    ahead_count: CustomCount

    def picker(self, ahead: bool) -> CustomPicker:
        """The picker a session over this choice uses (``ahead``: also the cards not due)."""
        return make_picker(self.kind, self.value, ahead)


def make_picker(kind: str, value: str | None, ahead: bool) -> CustomPicker:
    """A custom-study picker over one topic, level, deck or round; kind "ahead" is every
    card, studied ahead."""
    if kind == "ahead":
        return CustomPicker(ahead=True)
    return CustomPicker(**{kind: value}, ahead=ahead)


def choice_row(name: str, count: CustomCount) -> str:
    """A choice as the right list shows it: its name, then its counts in columns."""
    if len(name) > NAME_WIDTH:
        name = name[:NAME_WIDTH - 1] + "…"
    figures = (count.items, count.due, count.new, count.later)
    return name.ljust(NAME_WIDTH) + "".join(str(f).rjust(COUNT_WIDTH) for f in figures)


def header_row() -> str:
    return "".ljust(NAME_WIDTH) + "".join(name.rjust(COUNT_WIDTH) for name in COUNT_NAMES)


class CustomStudyScreen(Screen[None]):
    """Choose what to drill, then Enter starts it; Esc goes back home."""

    DEFAULT_CSS = """
    #custom-intro {
        height: auto;
        padding: 0 1;
    }
    #custom-lists {
        height: 1fr;
    }
    #custom-kinds {
        width: 20;
        height: 100%;
    }
    #custom-right {
        width: 1fr;
    }
    #custom-header {
        height: 1;
        padding: 0 2;
        color: $text-muted;
    }
    #custom-values {
        height: 1fr;
    }
    #custom-detail {
        height: auto;
        min-height: 2;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("a", "toggle_ahead", "Study ahead", id="custom.ahead",
                tooltip="Also drill the cards not due yet, soonest first"),
        # Priority: an option list takes ←/→ to scroll sideways, which these lists never need.
        Binding("left", "focus_kinds", "Choose by", id="custom.kinds", show=False, priority=True),
        Binding("right", "focus_values", "Choices", id="custom.values", show=False,
                priority=True),
        Binding("escape", "back", "Back", id="custom.back", tooltip="Back to home"),
        Binding("q", "back", "Back", id="custom.q", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ahead = False
        self.kind = KINDS[0][0]
        #: Each kind's choices with their counts, read on mount (``load``).
        self.choices: dict[str, list[Choice]] = {}

    @property
    def drill_app(self) -> TpmDrillApp:
        return cast("TpmDrillApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Drill what you choose, now: due cards first, then new ones (they do "
                     f"not use today's new-card limit), up to {DEFAULT_LIMIT}.",
                     id="custom-intro", classes="muted")
        with Horizontal(id="custom-lists"):
            yield OptionList(id="custom-kinds")
            with Vertical(id="custom-right"):
                yield Static(plain(header_row()), id="custom-header")
                yield OptionList(id="custom-values")
        yield Static("", id="custom-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "custom study"
        self.load()

    def load(self) -> None:
        """Read every choice's counts (one read of the cards) and fill the lists."""
        from engine.stories import with_retell_cards

        app = self.drill_app
        bank_choices = custom_choices(with_retell_cards(app.bank, app.store))
        wanted: list[tuple[str, str | None]] = [
            *(("topic", t) for t in bank_choices.topics),
            *(("level", v) for v in bank_choices.levels),
            *(("deck", d) for d in bank_choices.decks),
            *(("round", r) for r in bank_choices.rounds),
            ("ahead", None),
        ]
        pickers = [make_picker(kind, value, ahead) for ahead in (False, True)
                   for kind, value in wanted]
        try:
            counts = custom_counts(app.store, app.bank, app.scheduler, app.clock, pickers)
        except StoreError as error:
            self.say(f"[b $error]Your progress cannot be read right now.[/]\n{safe(error)}")
            return
        self.choices = {kind: [] for kind, _label in KINDS}
        for (kind, value), count, ahead_count in zip(wanted, counts[:len(wanted)],
                                                     counts[len(wanted):], strict=True):
            self.choices[kind].append(Choice(kind, value, count, ahead_count))
        kinds = self.query_one("#custom-kinds", OptionList)
        kinds.clear_options()
        kinds.add_options(
            Option(plain(f"{label} ({len(self.choices[kind])})" if kind != "ahead" else label),
                   id=kind) for kind, label in KINDS)
        kinds.highlighted = 0
        self.show_kind(self.kind)
        kinds.focus()

    def show_kind(self, kind: str) -> None:
        """Fill the right list with ``kind``'s choices and their counts."""
        self.kind = kind
        values = self.query_one("#custom-values", OptionList)
        values.clear_options()
        for index, choice in enumerate(self.choices.get(kind, [])):
            name = "every card, soonest due first" if choice.kind == "ahead" else \
                str(choice.value)
            values.add_option(Option(plain(choice_row(name, choice.count)),
                                     id=f"{kind}:{index}"))
        if values.option_count:
            values.highlighted = 0
        self.show_detail()

    # -- what the highlighted choice would do ------------------------------------------------

    def current(self) -> Choice | None:
        """The choice highlighted in the right list (its first one while the left list has
        the focus), or ``None`` when the kind has none."""
        values = self.query_one("#custom-values", OptionList)
        choices = self.choices.get(self.kind, [])
        index = values.highlighted if values.highlighted is not None else 0
        return choices[index] if 0 <= index < len(choices) else None

    def show_detail(self) -> None:
        """Under the lists: what Enter would drill, or why it has nothing to ask."""
        choice = self.current()
        if choice is None:
            self.say("No cards to choose from here.")
            return
        picker = choice.picker(self.ahead)
        count = choice.ahead_count if self.ahead else choice.count
        ahead = "on" if picker.ahead else "off"
        empty = nothing_to_drill(picker, count)
        if empty is None:
            parts = [f"{count.due} due", f"{count.new_allowed} new"]
            if picker.ahead:
                parts.append(f"{count.later} ahead")
            line = (f"Enter: drill [b]{safe(describe(picker))}[/b] — {count.session} of "
                    f"{count.available} now ({', '.join(parts)}).")
        else:
            line = f"[$warning]{safe(empty)}.[/]"
            if count.later and not picker.ahead:
                line += " Press a to study them ahead."
        self.say(f"{line}\nStudy ahead: {ahead} (a)  ·  ←/→ or Tab: switch lists")

    def say(self, text: str) -> None:
        self.query_one("#custom-detail", Static).update(text)

    # -- events and actions ------------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "custom-kinds" and event.option.id:
            if event.option.id != self.kind:
                self.show_kind(event.option.id)
        else:
            self.show_detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "custom-kinds":
            if event.option.id == "ahead":
                self.start()
            else:
                self.action_focus_values()
            return
        self.start()

    def action_focus_kinds(self) -> None:
        self.query_one("#custom-kinds", OptionList).focus()

    def action_focus_values(self) -> None:
        self.query_one("#custom-values", OptionList).focus()

    def action_toggle_ahead(self) -> None:
        self.ahead = not self.ahead
        self.show_detail()

    def action_back(self) -> None:
        self.drill_app.back_home()

    def start(self) -> None:
        """Start a custom session over the highlighted choice on the drill screen, or say
        why there is nothing to ask (and stay)."""
        from tui.screens.drill import DrillScreen

        choice = self.current()
        if choice is None:
            return
        app = self.drill_app
        try:
            picker = choice.picker(self.ahead)
            count = custom_count(app.store, app.bank, app.scheduler, app.clock, picker)
            empty = nothing_to_drill(picker, count)
            if empty is not None:
                hint = " Press a to study them ahead." if count.later and not picker.ahead \
                    else ""
                self.notify(f"{safe(empty)}.{hint}", title="Nothing to drill",
                            severity="warning", timeout=6)
                return
            session = custom_session(app.store, app.bank, app.scheduler, app.clock, picker,
                                     seed=app.seed)
        except (StoreError, CustomStudyError) as error:
            self.notify(safe(error), title="Cannot start custom study", severity="error",
                        timeout=10)
            return
        app.switch_screen(DrillScreen(session))
