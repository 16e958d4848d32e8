"""Progress: activity heatmap, streak, true retention, due forecast, topics, errors,
calibration, loop history. Computed in a worker thread on its own connection (the figures
take about a second on a five-year history), then drawn."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Sparkline, Static

from content.untrusted import clean_text
from engine import counted
from engine.progress.stats import TOPIC_RETENTION_MIN_REVIEWS, Stats, compute_stats
from tui.safe import plain, safe

if TYPE_CHECKING:
    from tui.app import TpmDrillApp

HEAT_LEVELS = ("$panel", "$success 30%", "$success 55%", "$success 80%", "$success")
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
#: The weekday labels' column: every row of the heatmap starts its weeks after it.
LABEL_WIDTH = 4
#: A day with answers, and one without: told apart by the mark, not by colour alone.
DAY_MARK, EMPTY_MARK = "■", "·"


def heatmap_markup(days: list[tuple[date, int]]) -> str:
    """A calendar heatmap as markup: one row per weekday (Monday first), one column of one
    cell per week, month names over the week holding each month's first day.

    The grid starts on the first Monday of ``days`` (a partial week before it is left out,
    so every row starts in the same column); days after the last one are blank.
    """
    if not days:
        return "[dim]No reviews yet.[/dim]"
    first, last = days[0][0], days[-1][0]
    start = first + timedelta(days=-first.weekday() % 7)  # the first Monday
    if start > last:
        start = first - timedelta(days=first.weekday())
    counts = {day: count for day, count in days if day >= start}  # the days drawn
    most = max(counts.values())
    busiest = most or 1
    weeks = (last - start).days // 7 + 1
    rows = []
    for weekday in range(7):
        cells = []
        for week in range(weeks):
            day = start + timedelta(days=7 * week + weekday)
            if day > last or day not in counts:
                cells.append(" ")
                continue
            count = counts[day]
            if count == 0:
                cells.append(f"[{HEAT_LEVELS[0]}]{EMPTY_MARK}[/]")
                continue
            level = 1 + min(3, int(4 * count / (busiest + 1)))
            cells.append(f"[{HEAT_LEVELS[level]}]{DAY_MARK}[/]")
        rows.append(WEEKDAYS[weekday].ljust(LABEL_WIDTH) + "".join(cells))
    legend = f"busiest day: {counted(most, 'answer')}" if most \
        else "no answers in these six months"
    return "\n".join([month_labels(start, last), *rows, f"[dim]{legend}[/dim]"])


def month_labels(start: date, last: date) -> str:
    """The months line over a heatmap whose first week starts on ``start``: each month's
    three-letter name starts over the week that holds its first day; the month the grid
    opens in is named over the first week when its name fits before the next one."""
    weeks = (last - start).days // 7 + 1
    marks: list[tuple[int, str]] = []
    for week in range(weeks):
        monday = start + timedelta(days=7 * week)
        for offset in range(7):
            day = monday + timedelta(days=offset)
            if day.day == 1 and day <= last:
                marks.append((week, day.strftime("%b")))
    if not marks or marks[0][0] >= 4:
        marks.insert(0, (0, start.strftime("%b")))
    line = ""
    for week, name in marks:
        column = LABEL_WIDTH + week
        if len(line) > column - 1 and line:  # no room: the names would run together
            continue
        line = line.ljust(column) + name
    return line


#: Forecast columns: each day's bar, count and name right-aligned in this many cells.
FORECAST_COLUMN = 5
FORECAST_ROWS = 4
_EIGHTHS = " ▁▂▃▄▅▆▇█"


def forecast_lines(counts: list[int], today: date) -> list[str]:
    """The due forecast as plain text: bars ``FORECAST_ROWS`` high, then the counts, then
    the days ("today", then weekday names), each day in a column ``FORECAST_COLUMN`` wide
    with its bar, its count and its name ending in the same cell."""
    most = max(counts, default=0)
    eighths = [0 if not most or not n else max(1, math.ceil(8 * FORECAST_ROWS * n / most))
               for n in counts]
    lines = []
    for row in range(FORECAST_ROWS):
        floor = 8 * (FORECAST_ROWS - 1 - row)
        bars = (_EIGHTHS[max(0, min(8, e - floor))] * 3 for e in eighths)
        lines.append("".join(bar.rjust(FORECAST_COLUMN) for bar in bars).rstrip())
    lines.append("".join(_short_count(n).rjust(FORECAST_COLUMN) for n in counts))
    names = ["today"] + [(today + timedelta(days=k)).strftime("%a")
                         for k in range(1, len(counts))]
    lines.append("".join(name.rjust(FORECAST_COLUMN) for name in names))
    return lines


def _short_count(count: int) -> str:
    """A count in at most four characters, so neighbouring columns never touch."""
    if count < 10_000:
        return str(count)
    if count < 1_000_000:
        return f"{count // 1000}k"
    return "1M+"


#: The topics table's figure columns (name, width); the topic column fits the longest name
#: up to ``TOPIC_WIDTH_MAX`` cells.
TOPIC_FIGURES = (("answers", 9), ("retention", 11), ("median error", 14))
TOPIC_WIDTH_MAX = 40


def topic_header(topic_width: int) -> str:
    return "topic".ljust(topic_width) + "".join(name.rjust(width)
                                                 for name, width in TOPIC_FIGURES)


#: A figure the topics table has none of yet: no numeric answers for a median error, fewer
#: than ``Stats.topic_retention_min_reviews`` review-state answers for a retention.
NO_FIGURE = "—"


def topic_figures(topic: dict[str, object], topic_width: int) -> str:
    """One topic's figures in the table's columns (plain text: the topic is from the
    database, so the caller shows it without markup)."""
    name = clean_text(topic["topic"])
    if len(name) > topic_width:
        name = name[:topic_width - 1] + "…"
    error = topic.get("median_log10_error")
    retention = topic.get("retention")
    figures = (str(topic["reviews"]),
               NO_FIGURE if retention is None else percent(retention),  # type: ignore[arg-type]
               NO_FIGURE if error is None else f"{10 ** abs(error):.2f}×")  # type: ignore[operator]
    return name.ljust(topic_width) + "".join(
        figure.rjust(width) for figure, (_, width) in zip(figures, TOPIC_FIGURES, strict=True))


def topic_width(topics: list[dict[str, object]]) -> int:
    longest = max((len(clean_text(t["topic"])) for t in topics), default=0)
    return min(TOPIC_WIDTH_MAX, max(len("topic"), longest))


def loop_line(loop: dict[str, Any]) -> str:
    """One past loop (``engine.loop.session.loop_summaries``) as markup: "Onsite loop 2 ·
    2026-01-05 · L5: advance (Strong Yes, Yes, …)", numbered as the player counts loops
    (``number``, 1 for the first), not by session id. Its values come from the database:
    escaped."""
    ratings = ", ".join(f"{r}" for r in loop.get("ratings", {}).values() if r)
    rated = f" ({safe(ratings)})" if ratings else ""
    promoted = f" → promoted to {safe(loop['promoted_to'])}" if loop.get("promoted_to") else ""
    return (f"Onsite loop {safe(loop['number'])} · {safe(str(loop['started_at'])[:10])} · "
            f"{safe(loop['level'])}: {safe(loop['verdict'])}{rated}{promoted}")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def retention_words(stats: Stats) -> str:
    """True retention over 30 days as markup: "[b]90%[/b] of 12 reviews · target 90%", or
    "needs 10 reviews (3 so far) · target 90%" below the engine's minimum (``retention_30d``
    is None then: on day one "0 % of 1 reviews" alarmed, issue #12)."""
    target = f"target {stats.desired_retention:.0%}"
    if stats.retention_30d is None:
        return (f"needs {counted(stats.retention_min_reviews, 'review')} "
                f"({stats.retention_30d_reviews} so far) · {target}")
    return (f"[b]{percent(stats.retention_30d)}[/b] of "
            f"{counted(stats.retention_30d_reviews, 'review')} · {target}")


class StatsScreen(Screen[None]):
    """The player's progress, drawn in the terminal."""

    DEFAULT_CSS = """
    #stats-topics {
        height: auto;
    }
    #stats-topics Static {
        width: 100%;
    }
    #stats-topics .topic-bias {
        padding-left: 2;
        color: $text-muted;
    }
    """

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
            yield Static("[b]Due in the next 14 days[/b] (cards per day; today's count "
                         "includes overdue cards)", id="stats-forecast-title")
            yield Static("", id="stats-forecast")
            yield Static("[b]Topics[/b] (most answered first; each topic's bias under its "
                         "figures)", id="stats-topics-title")
            yield Vertical(id="stats-topics")
            yield Static("", id="stats-errors")
            yield Sparkline([], id="stats-error-spark")
            yield Static("", id="stats-calibration")
            yield Static("", id="stats-katas")
            yield Static("", id="stats-steps")
            yield Static("", id="stats-loops")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "stats"
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
        streak = counted(stats.streak_days, "day")
        self.query_one("#stats-summary", Static).update(
            f"[b]{stats.reviews_total:,}[/b] answer{'' if stats.reviews_total == 1 else 's'} "
            "in all · "
            f"[b]{stats.reviews_today}[/b] today · streak [b]{streak}[/b]\n"
            f"True retention, last 30 days: {retention_words(stats)}")
        self.query_one("#stats-heatmap", Static).update(
            "[b]Answers per day, last six months[/b]\n" + heatmap_markup(stats.heatmap))
        self.query_one("#stats-forecast", Static).update(
            "\n".join(forecast_lines(stats.due_forecast, stats.day)))
        self.show_topics(stats.topics, stats.topic_retention_min_reviews)
        histogram = stats.error_distribution
        total = sum(histogram.counts) + histogram.underflow + histogram.overflow
        top = histogram.lo_log10 + histogram.bin_log10 * len(histogram.counts)
        self.query_one("#stats-errors", Static).update(
            f"[b]Numeric errors[/b] ({counted(total, 'answer')}): signed log10(you / reference), "
            f"{histogram.lo_log10:+g} … {top:+g}"
            f"  (too low {histogram.underflow}, too high {histogram.overflow})")
        self.query_one("#stats-error-spark", Sparkline).data = [float(c) for c in
                                                                 histogram.counts]
        calibration = stats.calibration
        lines = ["[b]Calibration[/b] (ranges you typed, e.g. 30-50 days)"]
        if calibration.count:
            lines.append(f"{counted(calibration.count, 'range')} held the answer "
                         f"{percent(calibration.hit_rate)} of the time (an honest 90% range: "
                         f"~90%); interval score {calibration.mean_interval_score:.2f} "
                         "decades (lower is better)")
            by_topic = sorted(((topic, figure) for topic, figure in
                               stats.calibration_by_topic.items() if figure.count >= 3),
                              key=lambda pair: pair[1].hit_rate or 0.0)
            for topic, figure in by_topic[:5]:
                lines.append(f"  {safe(topic)}: {percent(figure.hit_rate)} of "
                             f"{counted(figure.count, 'range')} held the answer")
        else:
            lines.append("[dim]No ranges yet: answer with a range when unsure.[/dim]")
        if stats.open_gap is not None:
            lines.append(f"Open answers: your self-check is {stats.open_gap:+.0%} vs what the "
                         f"grader heard ({counted(stats.open_gap_answers, 'answer')})")
        self.query_one("#stats-calibration", Static).update("\n".join(lines))
        self.query_one("#stats-katas", Static).update("\n".join(kata_lines(stats.katas)))
        self.query_one("#stats-steps", Static).update(
            "\n".join(step_lines(stats.graded_steps)))
        loop_lines = ["[b]Loops[/b]"]
        loop_lines += [loop_line(loop) for loop in stats.loops[:10]]
        if len(loop_lines) == 1:
            loop_lines.append("[dim]No loops yet: press l on the home screen.[/dim]")
        self.query_one("#stats-loops", Static).update("\n".join(loop_lines))

    def show_topics(self, topics: list[dict[str, object]],
                    retention_min_reviews: int = TOPIC_RETENTION_MIN_REVIEWS) -> None:
        """The topics table: a line of figures per topic in fixed columns, and under it
        the engine's bias sentence in full, wrapped at the screen's width with a hanging
        indent (never cut, at 80 columns or 120)."""
        table = self.query_one("#stats-topics", Vertical)
        table.remove_children()
        if not topics:
            table.mount(Static("[dim]No answers yet.[/dim]"))
            return
        width = topic_width(topics)
        rows: list[Static] = [Static(f"[b]{topic_header(width)}[/b]", classes="topic-head")]
        for topic in topics:
            # Topics and bias sentences come from the database: shown as text, never markup.
            rows.append(Static(plain(topic_figures(topic, width)), classes="topic-figures"))
            rows.append(Static(plain(topic.get("bias") or ""), classes="topic-bias"))
        if any(topic.get("retention") is None for topic in topics):
            rows.append(Static(f"[dim]Retention {NO_FIGURE}: needs "
                               f"{counted(retention_min_reviews, 'review')} of the topic's "
                               "learned cards.[/dim]", classes="topic-note"))
        table.mount_all(rows)

    def action_back(self) -> None:
        cast("TpmDrillApp", self.app).back_home()


def kata_lines(katas: list[dict[str, Any]]) -> list[str]:
    """The katas section: per topic, attempts, pass rate, solved and the median time."""
    lines = ["[b]Katas[/b] (cases passed over cases checked; time as the screen timed it)"]
    for row in katas:
        rate = percent(row["pass_rate"]) if row["pass_rate"] is not None else "—"
        minutes = f"{row['median_minutes']:.1f} min" if row["median_minutes"] is not None \
            else "—"
        lines.append(f"  {safe(row['topic'])}: {counted(row['attempts'], 'attempt')} at "
                     f"{counted(row['katas'], 'kata')}, {rate} of cases pass, "
                     f"{row['solved']} solved, median {minutes}")
    if len(lines) == 1:
        lines.append("[dim]No katas yet: press k on the home screen.[/dim]")
    return lines


def step_lines(steps: list[dict[str, Any]]) -> list[str]:
    """The graded-steps section: per topic, the steps of cases (and probes) graded, their
    mean credit, how many were right, consistent with an earlier slip, or broke the chain."""
    lines = ["[b]Case steps[/b] (graded one by one; consistent: right on your own earlier "
             "numbers)"]
    for row in steps:
        credit = percent(row["mean_credit"]) if row["mean_credit"] is not None else "—"
        lines.append(f"  {safe(row['topic'])}: {counted(row['steps'], 'step')}, "
                     f"{credit} credit — {row['exact']} right, {row['consistent']} "
                     f"consistent, {row['broke']} broke")
    if len(lines) == 1:
        lines.append("[dim]No case steps yet: cases come up in the loop's rounds.[/dim]")
    return lines
