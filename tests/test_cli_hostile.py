"""The reproductions of issue #11 against the CLI, in real processes: each gives its exit code
and a message a person can act on, and never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Config files by name: (file name, bytes).
CONFIGS = {
    "inf_step": b"learning_steps_minutes = [inf]\n",
    "huge_step": b"learning_steps_minutes = [1e308]\n",
    "nan_retention": b"desired_retention = nan\n",
    "datetime_date": b"interview_date = 2026-12-15T10:00:00\n",
    "nested": b"theme = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "latin1": b"theme = \"caf\xe9\"\n",
    "not_toml": b"new_per_day = = 3\n",
    "wrong_type": b"new_per_day = \"fifteen\"\n",
    "typo": b"new_per_dya = 20\n",
}

#: (argv with {cfg:NAME} / {db} / {tmp} placeholders, exit code, phrase in stderr).
CASES = [
    (["loop", "--round-minutes", "nan"], 2, "'nan' is not a round length"),
    (["loop", "--round-minutes", "inf"], 2, "'inf' is not a round length"),
    (["loop", "--round-minutes", "0"], 2, "above 0 and at most 600"),
    (["loop", "--round-minutes", "600.5"], 2, "above 0 and at most 600"),
    (["loop", "--round-minutes", "1e400"], 2, "is not a round length"),
    (["backup", "--restore", "2026-13-45"], 2, "2026-13-45: not a real date (month must be"),
    (["backup", "--restore", "2026-02-30"], 2, "2026-02-30: not a real date (day is out of"),
    (["backup", "--restore", "2026-02-28"], 2, "no backup called '2026-02-28'"),
    (["--config", "{cfg:inf_step}", "stats", "--json"], 2, "learning_steps_minutes = [inf]"),
    (["stats", "--json", "--config", "{cfg:huge_step}"], 2, "learning_steps_minutes = [1e+308]"),
    (["weak", "--json", "--config", "{cfg:nan_retention}"], 2, "desired_retention = nan"),
    (["stats", "--json", "--config", "{cfg:datetime_date}"], 0, ""),
    (["drill", "--config", "{cfg:nested}"], 2, "nested too deeply"),
    (["drill", "--config", "{cfg:latin1}"], 2, "not UTF-8 text (byte 0xe9 on line 1)"),
    (["loop", "--config", "{cfg:not_toml}"], 2, "not valid TOML"),
    (["optimize", "--config", "{cfg:wrong_type}"], 2, "new_per_day = 'fifteen'"),
    (["loop", "--export", "1", "--config", "{cfg:typo}"], 2, "unknown key 'new_per_dya'"),
    (["drill", "--db", "{tmp}/not-a-db.db"], 2, "is not a tpm-drill database"),
    (["export", "-o", "{tmp}/missing/out.csv"], 2, "cannot write"),
    (["export", "--format", "json", "-o", "{tmp}"], 2, "cannot write"),
    (["grade", "3", "--expected", "3 GB", "--tolerance", "rel:nan%,inf%"], None, ""),
]


def _fill(arg: str, tmp_path: Path) -> str:
    if arg.startswith("{cfg:"):
        name = arg[5:-1]
        path = tmp_path / f"{name}.toml"
        path.write_bytes(CONFIGS[name])
        return str(path)
    return arg.replace("{tmp}", str(tmp_path))


@pytest.mark.parametrize(("argv", "code", "phrase"), CASES, ids=lambda v: str(v)[:40])
def test_hostile_input(tmp_path: Path, argv: list[str], code: int | None,
                       phrase: str) -> None:
    (tmp_path / "not-a-db.db").write_bytes(b"hello, not SQLite at all" * 100)
    env = {**os.environ, "TPM_DRILL_CONFIG": str(tmp_path / "none.toml"),
           "TPM_DRILL_DB": str(tmp_path / "progress.db")}
    result = subprocess.run([sys.executable, "-m", "tui", *(_fill(a, tmp_path) for a in argv)],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert "unexpected error" not in result.stderr, result.stderr
    if code is None:  # only "no crash" is promised
        assert result.returncode in {0, 1, 2}
        return
    assert result.returncode == code, result.stderr
    assert phrase in result.stderr
    if "--round-minutes" in argv:  # refused by argparse: its usage line, then the message
        assert result.stderr.startswith("usage: tpm-drill loop")
    elif code == 2:
        assert result.stderr.startswith("tpm-drill: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(("text", "minutes"), [("600", 600.0), ("0.01", 0.01), ("45", 45.0)])
def test_round_minutes_at_the_edges_are_accepted(text: str, minutes: float) -> None:
    from tui.__main__ import _parser

    assert _parser().parse_args(["loop", "--round-minutes", text]).round_minutes == minutes


@pytest.mark.parametrize("text", ["600.001", "0", "-0.0", "-5", "nan", "-inf", "x"])
def test_round_minutes_past_the_edges_are_refused(text: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from tui.__main__ import _parser

    with pytest.raises(SystemExit) as exited:
        _parser().parse_args(["loop", f"--round-minutes={text}"])
    assert exited.value.code == 2
    assert f"{text!r} is not a round length" in capsys.readouterr().err
