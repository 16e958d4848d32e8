"""The weak-areas list at 80x24, as a person reads it: the engine's figures in columns,
"recall now" as the engine gives it, each bias sentence whole under its topic, and the
Enter/Esc hint on the first screen. The expected lines are written out by hand."""

from __future__ import annotations

from pathlib import Path

from engine.clock import FakeClock
from engine.progress.weak import TopicWeakness
from tests.tui._layout import children_lines, loaded, screen_lines
from tui.app import build_app
from tui.screens.weak import WeakScreen

LONG = "inference.serving.speculative_decoding"  # 38 characters


def _topic(name: str, score: float, answers: int, retention: float | None,
           bias: str) -> TopicWeakness:
    return TopicWeakness(topic=name, score=score, answers=answers, bias=bias,
                         retention=retention, lapse_rate=None, median_abs_log10_error=None,
                         open_coverage=None, trend=0.0)


RANKING = [
    _topic(LONG, 0.61, 11, 0.42,
           f"you underestimate {LONG} by 1.8× on average (14 answers)"),
    _topic("hardware.memory", 0.35, 1, None, "no numeric answers yet"),
    _topic("comms.collectives", 0.3, 14, 1.0, "no consistent bias (14 answers)"),
]


async def test_weak_list_at_80x24_reads_in_columns(db_path: Path, clock: FakeClock) -> None:
    app = build_app(db_path, clock=clock, start="weak")
    async with loaded(app) as pilot:
        screen = app.screen
        assert isinstance(screen, WeakScreen)
        screen.show_ranking(RANKING)
        await pilot.pause()
        await pilot.pause()
        shown = children_lines(screen.query_one("#weak-topics"))
        # topic (38, the longest) · weakness (10) · answers (9) · recall now (12); the bias
        # line is indented 2 and wraps at 80 (78 cells of text: "(14" would make 79) with
        # the same indent.
        assert shown == [
            "topic                                   weakness  answers  recall now",
            "inference.serving.speculative_decoding      0.61       11         42%",
            "  you underestimate inference.serving.speculative_decoding by 1.8× on average",
            "  (14 answers)",
            "hardware.memory                             0.35        1           –",
            "  no numeric answers yet",
            "comms.collectives                           0.30       14        100%",
            "  no consistent bias (14 answers)",
        ]
        assert any(line.startswith("Enter: a session of up to 20 cards") for line in
                   screen_lines(screen))  # the hint is on the first screen, not below the fold


async def test_eight_topics_fit_on_one_screen(db_path: Path, clock: FakeClock) -> None:
    ranking = [_topic(f"topic.number{i}", 0.9 - i / 20, 10 + i, 0.5, "no consistent bias "
                      f"({10 + i} answers)") for i in range(12)]
    app = build_app(db_path, clock=clock, start="weak")
    async with loaded(app) as pilot:
        app.screen.show_ranking(ranking)
        await pilot.pause()
        await pilot.pause()
        text = "\n".join(screen_lines(app.screen))
        assert "topic.number7 " in text and "topic.number8 " not in text  # the weakest 8
        assert "(17 answers)" in text
        assert "Esc: back." in text
