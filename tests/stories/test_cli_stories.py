"""``tpm-drill stories`` through the CLI's entry point on a real SQLite file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from engine.store.db import Store
from tests.stories._stories import HEARTBEAT, STRONG, STRONG_TITLE
from tui.__main__ import main


def run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "stories", *args])
    out, err = capsys.readouterr()
    return code, out, err


def add(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], title: str,
        body: str) -> int:
    source = tmp_path / f"story{abs(hash(title))}.txt"
    source.write_text(body, encoding="utf-8")
    code, out, _err = run(db, capsys, "add", "--title", title, "--file", str(source),
                          "--json")
    assert code == 0, out
    return int(json.loads(out)["id"])


def test_add_list_show_critique_versions(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "p.db"
    code, out, _ = run(db, capsys, "list")
    assert code == 0 and "No stories yet" in out
    story_id = add(db, tmp_path, capsys, STRONG_TITLE, STRONG)
    code, out, _ = run(db, capsys, "list", "--json")
    listed = json.loads(out)
    assert code == 0 and listed[0]["id"] == story_id and listed[0]["versions"] == 1
    assert listed[0]["key_numbers"][:2] == ["1,024-GPU", "40 s"]
    code, out, _ = run(db, capsys, "show", str(story_id))
    assert code == 0 and "version 1 of 1" in out and "Monte" in out and "Carlo" in out
    code, out, _ = run(db, capsys, "critique", str(story_id))
    assert code == 0
    assert "fits two minutes" in out and "✓ overrode" in out and "Numbers with units" in out
    code, out, _ = run(db, capsys, "critique", str(story_id), "--json")
    data = json.loads(out)
    assert data["fits_two_minutes"] is True and data["id"] == story_id
    assert {a["kind"] for a in data["authority"]} >= {"modelled", "overrode"}


def test_edit_keeps_every_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "p.db"
    story_id = add(db, tmp_path, capsys, "Heartbeats", HEARTBEAT)
    new = tmp_path / "new.txt"
    new.write_text(HEARTBEAT.replace("18 %", "21 %"), encoding="utf-8")
    code, out, _ = run(db, capsys, "edit", str(story_id), "--file", str(new), "--json")
    assert code == 0 and json.loads(out) == {"id": story_id, "version": 2}
    code, out, _ = run(db, capsys, "edit", str(story_id), "--file", str(new))
    assert code == 0 and "version 2" in out  # the same text adds nothing
    code, out, _ = run(db, capsys, "versions", str(story_id), "--json")
    versions = json.loads(out)["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert "18 %" in versions[0]["body"] and "21 %" in versions[1]["body"]


def test_add_from_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "p.db"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(HEARTBEAT.encode())))
    code, out, _ = run(db, capsys, "add", "--title", "Heartbeats", "-")
    assert code == 0 and "kept as version 1" in out
    store = Store(db)
    assert store.stories()[0]["body"] == HEARTBEAT
    store.close()


@pytest.mark.parametrize("args", [
    ("show", "9"), ("critique", "x"), ("versions", "-1"), ("edit", "9", "--file", "F"),
    ("add", "--title", "  ", "--file", "F"), ("add", "--title", "t"),
    ("add", "--title", "t", "--file", "EMPTY"), ("add", "--title", "t", "--file", "BAD"),
    ("add", "--title", "t", "--file", "MISSING"), ("archive", "3"),
])
def test_bad_input_exits_2_and_saves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             args: tuple[str, ...]) -> None:
    db = tmp_path / "p.db"
    add(db, tmp_path, capsys, "one", HEARTBEAT)
    files = {"F": tmp_path / "f.txt", "EMPTY": tmp_path / "empty.txt",
             "BAD": tmp_path / "bad.txt", "MISSING": tmp_path / "missing.txt"}
    files["F"].write_text("some text 4 GPUs", encoding="utf-8")
    files["EMPTY"].write_text("  \n", encoding="utf-8")
    files["BAD"].write_bytes(b"caf\xe9 story")
    argv = [str(files[a]) if a in files else a for a in args]
    code, _out, err = run(db, capsys, *argv)
    assert code == 2, err
    assert err.startswith("tpm-drill: ") and len(err.strip().splitlines()) == 1
    store = Store(db)
    assert [(s["id"], s["versions"]) for s in store.stories(include_archived=True)] == [(1, 1)]
    store.close()


def test_archive_hides_and_undo_brings_back(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "p.db"
    story_id = add(db, tmp_path, capsys, "one", HEARTBEAT)
    assert run(db, capsys, "archive", str(story_id))[0] == 0
    assert json.loads(run(db, capsys, "list", "--json")[1]) == []
    assert run(db, capsys, "show", str(story_id))[0] == 0  # still readable by id
    assert run(db, capsys, "archive", str(story_id), "--undo")[0] == 0
    assert len(json.loads(run(db, capsys, "list", "--json")[1])) == 1


def test_stored_text_is_printed_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "p.db"
    store = Store(db)
    from engine.clock import SystemClock

    store.save_story(None, "t\x1b[2Jitle", "body \x1b]0;pwned\x07 with 4 GPUs",
                     SystemClock().now())
    store.close()
    for args in (("list",), ("show", "1"), ("critique", "1"), ("versions", "1"),
                 ("show", "1", "--json")):
        code, out, _ = run(db, capsys, *args)
        assert code == 0 and "\x1b" not in out and "\x07" not in out
