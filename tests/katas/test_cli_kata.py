"""``tpm-drill kata list | show | check`` through the CLI's entry point, on katas built in
code (served in place of the deck bank)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from content.catalog import builtin_catalog
from engine.bank import ContentBank
from engine.katas.attempts import kata_attempts
from engine.store.db import Store
from tests.katas.conftest import (
    JITTER,
    RING,
    RING_BOUNDS,
    RING_BOUNDS_ABOVE,
    RING_FACTOR_TWO,
    RING_RIGHT,
)
from tui import cli_kata
from tui.__main__ import main

HOSTILE = replace(JITTER, id="kata.test.hostile",
                  prompt="Step time\x1b[2J on 128 A100s\x1b]0;pwned\x07.",
                  starter="def step_time(n_gpus, step_mean_s, jitter_sd_s):\x1b[31m\n"
                          "    return 0.0\n")


@pytest.fixture(autouse=True)
def _katas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bank = ContentBank({k.id: k for k in (RING, JITTER, HOSTILE, RING_BOUNDS)},
                       builtin_catalog())
    monkeypatch.setattr(cli_kata, "load_bank", lambda args: bank)
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _file(tmp_path: Path, text: str | bytes, name: str = "mine.py") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def test_list_names_every_kata(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "kata", "list")
    assert code == 0
    for kata in (RING, JITTER):
        assert kata.id in out and kata.function in out
    code, out, _ = _run(capsys, "kata", "list", "--json")
    listed = {entry["id"]: entry for entry in json.loads(out)}
    assert listed[RING.id]["function"] == "allreduce_seconds"
    assert [p["name"] for p in listed[RING.id]["params"]] == ["bytes", "ranks", "bandwidth",
                                                               "latency"]
    assert listed[RING.id]["hints"] == 2 and listed[RING.id]["target_minutes"] == 15


def test_show_prints_the_scenario_and_writes_nothing(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    code, out, _ = _run(capsys, "--db", str(db), "kata", "show", RING.id)
    assert code == 0
    assert RING.prompt in out
    assert "def allreduce_seconds(bytes, ranks, bandwidth, latency):" in out
    assert "[byte/s]" in out and "1 GB/s … 1 TB/s" in out  # units and domains
    assert "(whole, log scale)" in out
    assert "Target: 15 minutes.  Hints: 2." in out
    assert not db.exists()


def test_show_starter_prints_only_the_starter_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "kata", "show", RING.id, "--starter")
    assert code == 0 and out == RING.starter


def test_deck_text_is_printed_without_terminal_controls(
        capsys: pytest.CaptureFixture[str]) -> None:
    for args in (("kata", "show", HOSTILE.id), ("kata", "show", HOSTILE.id, "--starter"),
                 ("kata", "list")):
        code, out, _ = _run(capsys, *args)
        assert code == 0 and "\x1b" not in out and "\x07" not in out
    _, out, _ = _run(capsys, "kata", "show", HOSTILE.id)
    assert "Step time on 128 A100s." in out


def test_an_unknown_kata_is_exit_two(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "kata", "show", "kata.nope")
    assert code == 2 and "no kata 'kata.nope'" in err and "kata list" in err
    code, _, err = _run(capsys, "kata", "check", "kata.nope", _file(tmp_path, RING_RIGHT))
    assert code == 2 and "no kata" in err


def test_check_a_right_solution_exits_zero(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    code, out, _ = _run(capsys, "--db", str(db), "kata", "check", RING.id,
                        _file(tmp_path, RING_RIGHT))
    assert code == 0
    assert "All " in out and " cases pass" in out
    assert not db.exists()  # without --record nothing is written


def test_check_a_wrong_solution_exits_one_counterexample_first(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    solution = RING_FACTOR_TWO.replace("    return", "    print('trying', ranks)\n    return")
    code, out, _ = _run(capsys, "kata", "check", RING.id, _file(tmp_path, solution))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["case", "expected"]
    assert lines[1].startswith("XX shrunk")
    assert "off by" in lines[2]
    printed_at = lines.index("Your code printed:")
    assert lines[printed_at + 1].startswith("trying ")
    assert lines[-1].endswith("cases fail.")


def test_check_json_has_the_contract_keys(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "kata", "check", RING.id, _file(tmp_path, RING_FACTOR_TWO),
                        "--json")
    assert code == 1
    data = json.loads(out)
    assert {"kata", "passed", "failed", "error", "cases", "counterexample"} <= data.keys()
    assert data["kata"] == RING.id and data["failed"] > 0 and data["error"] is None
    assert data["cases"][0] == data["counterexample"]
    assert {"inputs", "expected", "got", "rel_error", "ok"} <= data["cases"][0].keys()


@pytest.mark.parametrize(("text", "message"), [
    ("def allreduce_seconds(bytes, ranks, bandwidth, latency)\n    return 1\n", "Syntax error"),
    ("def other(bytes, ranks, bandwidth, latency):\n    return 1\n", "Function missing"),
])
def test_check_code_that_cannot_run_exits_two(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path, text: str, message: str) -> None:
    code, out, _ = _run(capsys, "kata", "check", RING.id, _file(tmp_path, text))
    assert code == 2 and message in out
    code, out, _ = _run(capsys, "kata", "check", RING.id, _file(tmp_path, text), "--json")
    assert code == 2 and json.loads(out)["error"]["kind"] in {"syntax", "missing_function"}


def test_check_a_missing_or_unreadable_file_exits_two(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    code, _, err = _run(capsys, "kata", "check", RING.id, str(tmp_path / "nowhere.py"))
    assert code == 2 and "no file" in err
    code, _, err = _run(capsys, "kata", "check", RING.id, str(tmp_path))
    assert code == 2 and "not a file" in err
    code, _, err = _run(capsys, "kata", "check", RING.id,
                        _file(tmp_path, b"def f():\n    return '\xff'\n"))
    assert code == 2 and "not UTF-8" in err


def test_check_record_records_the_attempt_like_the_screen(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    code, out, _ = _run(capsys, "--db", str(db), "kata", "check", RING.id,
                        _file(tmp_path, RING_FACTOR_TWO), "--record", "--json")
    assert code == 1
    recorded = json.loads(out)["recorded"]
    assert recorded["rating"] == 1 and recorded["rating_name"] == "Again"
    code, out, _ = _run(capsys, "--db", str(db), "kata", "check", RING.id,
                        _file(tmp_path, RING_RIGHT), "--record")
    assert code == 0 and "rated Good" in out  # no time is known: never Easy
    store = Store(db, auto_backup=False)
    try:
        newest, oldest = kata_attempts(store, RING.id)
        assert newest.code == RING_RIGHT and newest.all_passed and newest.seconds is None
        assert oldest.code == RING_FACTOR_TWO and oldest.rating == 1
        reviews = store.reviews()
        assert [r["kind"] for r in reviews] == ["kata", "kata"]
        assert reviews[-1]["id"] == newest.review_id
    finally:
        store.close()


def test_the_table_fits_an_80_column_terminal(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    """A column per parameter when they fit; a bounds kata's wider answers put the inputs
    on a line of their own. Every input is shown as it was checked (three figures)."""
    code, out, _ = _run(capsys, "kata", "check", RING.id, _file(tmp_path, RING_FACTOR_TWO))
    table = out.split("\n\n")[0].splitlines()
    assert table[0].split()[-4:] == ["bytes", "ranks", "bandwidth", "latency"]
    assert max(len(line) for line in table) <= 80
    code, out, _ = _run(capsys, "kata", "check", RING_BOUNDS.id,
                        _file(tmp_path, RING_BOUNDS_ABOVE))
    assert code == 1
    table = out.split("\n\n")[0].splitlines()
    assert max(len(line) for line in table) <= 80
    assert table[2].lstrip().startswith("bytes=") and "latency=" in table[2]
    assert "do not hold the reference" in out
    assert "Mean interval score of your bounds" in out
