"""Progress: activity heatmap, streak, true retention, due forecast, topics, errors,
calibration, loop history. Computed in a worker thread on its own connection (the figures
take about a second on a five-year history), then drawn."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Sparkline, Static

from engine import counted
from engine.stats import Stats, compute_stats
from tui.safe import plain, safe

if TYPE_CHECKING:
    from tui.app import TpmDrillApp

HEAT_LEVELS = ("$panel", "$success 30%", "$success 55%", "$success 80%", "$success")
WEEKDAYS = ("Mon", "   ", "Wed", "   ", "Fri", "   ", "Sun")


def heatmap_markup(days: list[tuple[date, int]]) -> str:
    """A calendar heatmap, one column per week and one row per weekday, as markup."""
    if not days:
        return "[dim]No reviews yet.[/dim]"
    counts = dict(days)
    first, last = days[0][0], days[-1][0]
    start = first - timedelta(days=first.weekday())
    most = max(counts.values())
    busiest = most or 1
    weeks = (last - start).days // 7 + 1
    rows = []
    for weekday in range(7):
        cells = []
        for week in range(weeks):
            day = start + timedelta(days=7 * week + weekday)
            if day < first or day > last:
                cells.append(" ")
                continue
            count = counts.get(day, 0)
            level = 0 if count == 0 else 1 + min(3, int(4 * count / (busiest + 1)))
            cells.append(f"[{HEAT_LEVELS[level]}]■[/]")
        rows.append(f"{WEEKDAYS[weekday]} " + "".join(cells))
    months = "    " + "".join(
        (start + timedelta(days=7 * w)).strftime("%b")[0]
        if (start + timedelta(days=7 * w)).day <= 7 else " " for w in range(weeks))
    legend = f"busiest day: {counted(most, 'answer')}" if most \
        else "no answers in these six months"
    return "\n".join([months, *rows, f"[dim]{legend}[/dim]"])


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


class StatsScreen(Screen[None]):
    """The player's progress, drawn in the terminal."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="stats.back"),
        Binding("q", "back", "Back", id="stats.q", show=False),
        Binding("r", "reload", "Reload", id="stats.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-scroll"):
            yield Static("Counting…", id="stats-summary")
            yield Static("", id="stats-heatmap")
            yield Static("[b]Due in the next 14 days[/b]", id="stats-forecast-title")
            yield Sparkline([], id="stats-forecast")
            yield Static("", id="stats-forecast-labels")
            yield Static("[b]Topics[/b] (weakest first in tpm-drill weak)", id="stats-topics-title")
            yield DataTable(id="stats-topics", zebra_stripes=True, cursor_type="row")
            yield Static("", id="stats-errors")
            yield Sparkline([], id="stats-error-spark")
            yield Static("", id="stats-calibration")
            yield Static("", id="stats-loops")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "stats"
        table = self.query_one("#stats-topics", DataTable)
        table.add_columns("topic", "answers", "retention", "median error", "bias")
        self.action_reload()

    def action_reload(self) -> None:
        self.load_stats()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_stats(self) -> None:
        """Compute in a thread on a connection of its own, then draw on the UI thread."""
        app = cast("TpmDrillApp", self.app)
        store = app.worker_store()
        try:
            stats = compute_stats(store, app.bank, app.scheduler, app.clock.now(),
                                  app.clock.local_tz())
        finally:
            store.close()
        self.app.call_from_thread(self.show_stats, stats)

    def show_stats(self, stats: Stats) -> None:
        retention = percent(stats.retention_30d)
        streak = counted(stats.streak_days, "day")
        self.query_one("#stats-summary", Static).update(
            f"[b]{stats.reviews_total:,}[/b] answer{'' if stats.reviews_total == 1 else 's'} "
            "in all · "
            f"[b]{stats.reviews_today}[/b] today · streak [b]{streak}[/b]\n"
            f"True retention, last 30 days: [b]{retention}[/b] of "
            f"{stats.retention_30d_reviews} reviews (target {stats.desired_retention:.0%})")
        self.query_one("#stats-heatmap", Static).update(
            "[b]Answers per day, last six months[/b]\n" + heatmap_markup(stats.heatmap))
        forecast = self.query_one("#stats-forecast", Sparkline)
        forecast.data = [float(n) for n in stats.due_forecast]
        self.query_one("#stats-forecast-labels", Static).update(
            "today " + " ".join(str(n) for n in stats.due_forecast) + " (cards per day)")
        table = self.query_one("#stats-topics", DataTable)
        table.clear()
        for topic in stats.topics:
            error = topic.get("median_log10_error")
            # DataTable reads a str cell as markup: topics and biases come from the database.
            table.add_row(
                plain(topic["topic"]), plain(topic["reviews"]), percent(topic.get("retention")),
                "–" if error is None else f"{10 ** abs(error):.2f}×",
                plain(topic.get("bias") or ""))
        histogram = stats.error_distribution
        total = sum(histogram.counts) + histogram.underflow + histogram.overflow
        top = histogram.lo_log10 + histogram.bin_log10 * len(histogram.counts)
        self.query_one("#stats-errors", Static).update(
            f"[b]Numeric errors[/b] ({total} answers): signed log10(you / reference), "
            f"{histogram.lo_log10:+g} … {top:+g}"
            f"  (too low {histogram.underflow}, too high {histogram.overflow})")
        self.query_one("#stats-error-spark", Sparkline).data = [float(c) for c in
                                                                 histogram.counts]
        calibration = stats.calibration
        lines = ["[b]Calibration[/b] (ranges you typed, e.g. 30-50 days)"]
        if calibration.count:
            lines.append(f"{calibration.count} ranges held the answer "
                         f"{percent(calibration.hit_rate)} of the time (an honest 90% range: "
                         f"~90%); interval score {calibration.mean_interval_score:.2f} "
                         "decades (lower is better)")
            by_topic = sorted(((topic, figure) for topic, figure in
                               stats.calibration_by_topic.items() if figure.count >= 3),
                              key=lambda pair: pair[1].hit_rate or 0.0)
            for topic, figure in by_topic[:5]:
                lines.append(f"  {safe(topic)}: {percent(figure.hit_rate)} of "
                             f"{figure.count} ranges held the answer")
        else:
            lines.append("[dim]No ranges yet: answer with a range when unsure.[/dim]")
        if stats.open_gap is not None:
            lines.append(f"Open answers: your self-check is {stats.open_gap:+.0%} vs what the "
                         f"grader heard ({stats.open_gap_answers} answers)")
        self.query_one("#stats-calibration", Static).update("\n".join(lines))
        loop_lines = ["[b]Loops[/b]"]
        for loop in stats.loops[:10]:
            ratings = ", ".join(f"{r}" for r in loop.get("ratings", {}).values() if r)
            promoted = (f" → promoted to {safe(loop['promoted_to'])}"
                        if loop.get("promoted_to") else "")
            loop_lines.append(f"#{safe(loop['id'])} {safe(str(loop['started_at'])[:10])} "
                              f"{safe(loop['level'])}: {safe(loop['verdict'])} "
                              f"({safe(ratings)}){promoted}")
        if len(loop_lines) == 1:
            loop_lines.append("[dim]No loops yet: press l on the home screen.[/dim]")
        self.query_one("#stats-loops", Static).update("\n".join(loop_lines))

    def action_back(self) -> None:
        cast("TpmDrillApp", self.app).back_home()
