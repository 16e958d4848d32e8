"""Weak areas: the ranking first (with each topic's bias in words), then a session from it."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from engine import counted
from engine.session import StudySession
from engine.weak import TopicWeakness, WeakPicker, rank_topics
from tui.safe import safe

if TYPE_CHECKING:
    from tui.app import TpmDrillApp


class WeakScreen(Screen[None]):
    """Shows the weakest topics, then Enter starts a weak-area session over them."""

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
        self.ranking = ranking
        body = self.query_one("#weak-body", Static)
        if not ranking:
            body.update("No weak areas yet: weakness is measured from your answers.\n"
                        "Do a few drills first (d on the home screen). Esc goes back.")
            return
        lines = ["[b]Your weakest topics[/b] (score 0–1, higher is weaker)", ""]
        for topic in ranking[:8]:
            retention = "–" if topic.retention is None else f"{topic.retention:.0%}"
            answers = counted(topic.answers, "answer")
            lines.append(f"[b]{safe(topic.topic)}[/b]  {topic.score:.2f} · "
                         f"{answers} · recall now {retention}")
            lines.append(f"   {safe(topic.bias)}")
        lines += ["", "Enter: a session of up to 20 cards from these, due dates ignored "
                      "(recorded as weak-area reviews). Esc: back."]
        body.update("\n".join(lines))

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
