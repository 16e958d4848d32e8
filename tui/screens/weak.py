"""Weak areas: the ranking first (with each topic's bias in words), then a session from it."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from content.untrusted import clean_text
from engine.progress.weak import TopicWeakness, WeakPicker, rank_topics
from engine.study.session import StudySession
from tui.safe import plain

#: How many of the weakest topics are listed (and drilled).
SHOWN_TOPICS = 8
#: The figure columns after the topic (name, width), right-aligned.
WEAK_FIGURES = (("weakness", 10), ("answers", 9), ("recall now", 12))
TOPIC_WIDTH_MAX = 40


def ranking_header(topic_width: int) -> str:
    return "topic".ljust(topic_width) + "".join(name.rjust(width)
                                                 for name, width in WEAK_FIGURES)


def ranking_figures(topic: TopicWeakness, topic_width: int) -> str:
    """One topic's figures as the engine gives them, in the list's columns (plain text)."""
    name = clean_text(topic.topic)
    if len(name) > topic_width:
        name = name[:topic_width - 1] + "…"
    recall = "–" if topic.retention is None else f"{topic.retention:.0%}"
    figures = (f"{topic.score:.2f}", str(topic.answers), recall)
    return name.ljust(topic_width) + "".join(
        figure.rjust(width) for figure, (_, width) in zip(figures, WEAK_FIGURES, strict=True))

if TYPE_CHECKING:
    from tui.app import TpmDrillApp


class WeakScreen(Screen[None]):
    """Shows the weakest topics, then Enter starts a weak-area session over them."""

    DEFAULT_CSS = """
    #weak-topics {
        height: auto;
    }
    #weak-topics .weak-bias {
        padding-left: 2;
        color: $text-muted;
    }
    #weak-hint {
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("enter", "start", "Start", id="weak.start"),
        Binding("escape", "back", "Back", id="weak.back"),
        Binding("q", "back", "Back", id="weak.q", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ranking: list[TopicWeakness] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="weak-scroll"):
            yield Static("Ranking your topics…", id="weak-body")
            yield Vertical(id="weak-topics")
            yield Static("", id="weak-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "weak areas"
        self.rank()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def rank(self) -> None:
        app = cast("TpmDrillApp", self.app)
        store = app.worker_store()
        try:
            ranking = rank_topics(store, app.bank, app.scheduler, app.clock.now())
        finally:
            store.close()
        self.app.call_from_thread(self.show_ranking, ranking)

    def show_ranking(self, ranking: list[TopicWeakness]) -> None:
        """The weakest topics in columns (weakness, answers, recall now, as the engine
        gives them), each with the engine's bias sentence whole under it, wrapped with a
        hanging indent."""
        self.ranking = ranking
        body = self.query_one("#weak-body", Static)
        table = self.query_one("#weak-topics", Vertical)
        table.remove_children()
        if not ranking:
            body.update("No weak areas yet: weakness is measured from your answers.\n"
                        "Do a few drills first (d on the home screen). Esc goes back.")
            self.query_one("#weak-hint", Static).update("")
            return
        shown = ranking[:SHOWN_TOPICS]
        body.update("[b]Your weakest topics[/b], weakest first (weakness 0–1: higher is "
                    "weaker)")
        width = min(TOPIC_WIDTH_MAX, max(len("topic"),
                                         *(len(clean_text(t.topic)) for t in shown)))
        rows: list[Static] = [Static(f"[b]{ranking_header(width)}[/b]", classes="weak-head")]
        for topic in shown:  # topics and sentences come from the database: never markup
            rows.append(Static(plain(ranking_figures(topic, width)), classes="weak-figures"))
            said = topic.bias + (f"; {topic.steps_sentence()}" if topic.graded_steps else "")
            rows.append(Static(plain(said), classes="weak-bias"))
        table.mount_all(rows)
        self.query_one("#weak-hint", Static).update(
            "Enter: a session of up to 20 cards from these, due dates ignored (recorded as "
            "weak-area reviews). Esc: back.")

    def action_start(self) -> None:
        if not self.ranking:
            return
        from tui.screens.drill import DrillScreen

        app = cast("TpmDrillApp", self.app)
        session = StudySession(app.store, app.bank, app.scheduler, app.clock, mode="weak",
                               picker=WeakPicker(ranking=self.ranking), seed=app.seed)
        self.app.switch_screen(DrillScreen(session))

    def action_back(self) -> None:
        cast("TpmDrillApp", self.app).back_home()
