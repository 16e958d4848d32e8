"""The debrief's export command names the database and config the loop ran with, quoted for
the shell ("tpm-drill loop --export 1" dropped them, so it read another database)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from engine.loop.debrief import export_command
from tui.__main__ import _parser


@pytest.fixture(autouse=True)
def _defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPM_DRILL_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "default.toml"))


def test_defaults_are_left_out(tmp_path: Path) -> None:
    assert export_command(4) == "tpm-drill loop --export 4"
    assert export_command(4, tmp_path / "default.db", tmp_path / "default.toml") == \
        "tpm-drill loop --export 4"


def test_other_paths_are_included_quoted_and_absolute(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "it's my $HOME" / "progress [2].db"
    command = export_command(12, db, Path("conf; rm -rf x.toml"))
    argv = shlex.split(command)
    assert argv[0] == "tpm-drill"
    args = _parser().parse_args(argv[1:])
    assert args.db == db
    assert args.config == tmp_path / "conf; rm -rf x.toml"
    assert (args.command, args.export) == ("loop", 12)


def test_only_the_non_default_one_is_included(tmp_path: Path) -> None:
    command = export_command(2, tmp_path / "default.db", tmp_path / "other.toml")
    assert command == f"tpm-drill --config {tmp_path / 'other.toml'} loop --export 2"
