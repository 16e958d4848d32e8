"""``tpm-drill content check`` tells every mistake of an item, not only the first, and shows
its progress on a terminal (never in ``--json`` output, never in a pipe)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from engine.content_check import check_content, terminal_progress
from tests.content._decks import FACT, PROBLEM, write_deck


def _check(tmp_path: Path, body: str, seeds: int = 5):
    write_deck(tmp_path, body)
    return check_content([tmp_path], seeds=seeds)


def _messages(report) -> list[str]:
    return [e.message for e in report.errors]


def test_a_problem_with_three_bad_fields_gets_three_errors(tmp_path: Path) -> None:
    body = (PROBLEM.replace('level = "L5"', 'level = "L9"')
            .replace('unit = "GB"', 'unit = "GB"\ntolerance = "rel:50%,5%"')
            .replace("min = 1024, max = 8192", "min = 8192, max = 1024"))
    report = _check(tmp_path, body)
    messages = _messages(report)
    assert len(messages) == 3, messages
    assert any("level 'L9'" in m for m in messages)
    assert any("tolerance 'rel:50%,5%'" in m for m in messages)
    assert any("inverted range" in m for m in messages)
    assert {e.item for e in report.errors} == {"u.problem"}
    assert len({e.line for e in report.errors}) == 1  # each names the item's line


def test_a_fact_with_three_bad_fields_gets_three_errors(tmp_path: Path) -> None:
    body = (FACT.replace('topic = "hardware.memory"', 'topic = "Hardware Memory"')
            .replace('source = "NVIDIA H100 datasheet"\n', 'target_seconds = -5\n'))
    messages = _messages(_check(tmp_path, body))
    assert len(messages) == 3, messages
    assert any("topic 'Hardware Memory'" in m for m in messages)
    assert any("target_seconds must be positive" in m for m in messages)
    assert any("missing 'source'" in m for m in messages)


def test_unknown_parameters_and_a_bad_unit_are_each_told(tmp_path: Path) -> None:
    body = (PROBLEM.replace("head_dim = 128", "head_dims = 128\nlayerz = 2")
            .replace('unit = "GB"', 'unit = "GBz"'))
    messages = _messages(_check(tmp_path, body))
    assert len(messages) == 3, messages
    assert any("no parameter 'head_dims'" in m for m in messages)
    assert any("no parameter 'layerz'" in m for m in messages)
    assert any("GBz" in m for m in messages)


def test_each_kind_of_seed_failure_is_told_once(tmp_path: Path) -> None:
    # Some seeds draw seq_len below 1, some draw more than 10,000 layers: two kinds of
    # failure over 40 seeds, each told once with how many seeds fail that way.
    body = (PROBLEM.replace("layers = 80", "layers = { min = 1, max = 20000, integer = true }")
            .replace("min = 1024, max = 8192, step = 1024", "min = -8192, max = 8192, "
                                                             "step = 1024"))
    messages = _messages(_check(tmp_path, body, seeds=40))
    assert len(messages) == 2, messages
    below = [m for m in messages if "seq_len" in m and "below the minimum" in m]
    above = [m for m in messages if "layers" in m and "above the maximum" in m]
    assert len(below) == 1 and len(above) == 1, messages
    for message in messages:
        assert re.match(r"seed \d+: ", message)
        count = re.search(r"\((\d+) of 40 seeds fail this way\)", message)
        assert count and int(count.group(1)) > 1, message


def test_one_mistake_is_still_one_error(tmp_path: Path) -> None:
    messages = _messages(_check(tmp_path, PROBLEM.replace('level = "L5"', 'level = "L9"')))
    assert len(messages) == 1 and "level 'L9'" in messages[0]
    assert _messages(_check(tmp_path, FACT + PROBLEM)) == []


class FakeTerminal(io.StringIO):
    """stderr as a terminal has it: ``isatty()`` is true."""

    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_and_not_in_json_stdout(tmp_path: Path, monkeypatch,
                                                       capsys) -> None:
    from tui.__main__ import main

    write_deck(tmp_path, FACT + PROBLEM + PROBLEM.replace("u.problem", "u.problem2"))
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["content", "check", str(tmp_path), "--json", "--seeds", "3"]) == 0
    data = json.loads(capsys.readouterr().out)  # stdout is the JSON and nothing else
    assert data["problems"] == 2
    shown = terminal.getvalue()
    updates = shown.split("\r\033[K")
    assert "checking facts: 1/1" in updates
    assert ["checking problems: 1/2", "checking problems: 2/2"] == [
        u for u in updates if u.startswith("checking problems") and " · " not in u]
    assert shown.endswith("\r\033[K")  # the line is cleared when done
    assert "\n" not in shown  # one line, updated in place


def test_no_progress_into_a_pipe_or_a_file(tmp_path: Path, capsys) -> None:
    from tui.__main__ import main

    assert terminal_progress(io.StringIO()) is None
    write_deck(tmp_path, PROBLEM)
    assert main(["content", "check", str(tmp_path), "--seeds", "3"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.strip().endswith("ok")


def test_a_slow_item_shows_its_seeds_at_most_five_times_a_second(monkeypatch) -> None:
    from engine.content_check import TerminalProgress

    now = [100.0]
    monkeypatch.setattr("time.monotonic", lambda: now[0])
    monkeypatch.setenv("COLUMNS", "60")
    terminal = FakeTerminal()
    progress = TerminalProgress(terminal)
    progress("problems", 23, 58)
    for seed in range(1, 5):  # 4 seeds within 0.15 s: one detail drawn
        progress("problems", 23, 58, f"reliability.mc: seed {seed}/200")
        now[0] += 0.05
    now[0] += 0.2
    progress("problems", 23, 58, "reliability.mc: seed 9/200")
    progress("problems", 23, 58, "\x1b[2Jhostile.id." + "x" * 80 + ": seed 1/200")
    now[0] += 0.3
    progress("problems", 23, 58, "\x1b[2Jhostile.id." + "x" * 80 + ": seed 2/200")
    progress("problems", 24, 58)
    progress.close()
    updates = terminal.getvalue().split("\r\033[K")
    assert updates == ["", "checking problems: 23/58",
                       "checking problems: 23/58 · reliability.mc: seed 1/200",
                       "checking problems: 23/58 · reliability.mc: seed 9/200",
                       # cleaned of the escape sequence, cut to the terminal's 60 columns
                       "checking problems: 23/58 · hostile.id.xxxxxxxxxxxxxxxxxxxxx"[:59],
                       "checking problems: 24/58", ""]
