"""``--db`` and ``--config`` work before or after the subcommand (``tpm-drill drill --db X``
was refused as "unrecognized arguments"), and ``loop --export`` reads the ``--config`` given."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.__main__ import _parser, main

#: Subcommands with the arguments they need, nested ``content check`` included.
SUBCOMMANDS = [
    ["drill"], ["loop"], ["loop", "--export", "3"], ["weak", "--json"], ["stats", "--json"],
    ["optimize"], ["export", "--format", "json"], ["backup", "--list"], ["hw"],
    ["calc", "--list"], ["grade", "3", "--expected", "3 GB"], ["content", "check"],
]


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("position", ["before", "after"])
def test_global_options_parse_in_either_position(command: list[str], position: str) -> None:
    options = ["--db", "x.db", "--config", "c.toml"]
    argv = options + command if position == "before" else command + options
    args = _parser().parse_args(argv)
    assert args.db == Path("x.db") and args.config == Path("c.toml")


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=lambda c: " ".join(c))
def test_an_option_before_the_subcommand_is_not_reset_by_it(command: list[str]) -> None:
    """The subcommand's copy of the option defaults to SUPPRESS, not None."""
    args = _parser().parse_args(["--db", "x.db", *command])
    assert args.db == Path("x.db") and args.config is None
    args = _parser().parse_args(command)
    assert args.db is None and args.config is None


def test_mixed_positions_and_the_later_one_wins() -> None:
    args = _parser().parse_args(["--db", "a.db", "stats", "--json", "--config", "c.toml"])
    assert (args.db, args.config) == (Path("a.db"), Path("c.toml"))
    args = _parser().parse_args(["--db", "a.db", "stats", "--db", "b.db"])
    assert args.db == Path("b.db")


def _bad_config(tmp_path: Path) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text("new_per_dya = 20\n")
    return path


@pytest.mark.parametrize("command", [["drill"], ["stats", "--json"], ["weak", "--json"],
                                     ["optimize"], ["loop", "--export", "1"]],
                         ids=lambda c: " ".join(c))
def test_config_after_the_subcommand_is_used(tmp_path: Path, command: list[str],
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The bad config is read (and refused) whichever side of the subcommand it is on."""
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(tmp_path / "none.toml"))
    bad = _bad_config(tmp_path)
    db = tmp_path / "p.db"
    assert main([*command, "--db", str(db), "--config", str(bad)]) == 2
    assert "unknown key 'new_per_dya'" in capsys.readouterr().err


def test_loop_export_reads_the_config_given(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``loop --export`` called ``load_config()`` with no path: ``--config`` was ignored and
    the default config (here a broken one) was read instead."""
    monkeypatch.setenv("TPM_DRILL_CONFIG", str(_bad_config(tmp_path)))
    good = tmp_path / "good.toml"
    good.write_text("new_per_day = 5\n")
    db = tmp_path / "p.db"
    assert main(["--config", str(good), "--db", str(db), "loop", "--export", "7"]) == 2
    err = capsys.readouterr().err
    assert "no loop number 7" in err and "new_per_dya" not in err
    assert main(["--db", str(db), "loop", "--export", "7"]) == 2  # the default: refused
    assert "unknown key 'new_per_dya'" in capsys.readouterr().err
