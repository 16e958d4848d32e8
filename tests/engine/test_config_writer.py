"""Writing settings into config.toml keeps the player's file: comments, other keys, tables,
line endings, a symlink; a bad value writes nothing and names the key."""

from __future__ import annotations

import os
import stat
import tomllib
from datetime import date
from pathlib import Path

import pytest

from engine.config import (
    ConfigError,
    load_config,
    parse_setting,
    set_config_value,
    set_config_values,
)

PLAYER_FILE = """\
# tpm-drill, my settings
new_per_day = 15   # my pace; raise before the loop
"desired_retention" = 0.9

theme = "textual-dark"

# my keys (f1 for don't know)
[keymap]
"drill.dont_know" = "f1"
new_per_day = "f5"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_change_keeps_comments_quoted_keys_and_tables(tmp_path: Path) -> None:
    path = _write(tmp_path, PLAYER_FILE)
    config = set_config_values(path, {"new_per_day": 38, "desired_retention": 0.95,
                                      "theme": "nord"})
    assert path.read_text() == PLAYER_FILE.replace(
        "new_per_day = 15 ", "new_per_day = 38 ").replace(
        '"desired_retention" = 0.9', '"desired_retention" = 0.95').replace(
        'theme = "textual-dark"', 'theme = "nord"')
    assert (config.new_per_day, config.desired_retention, config.theme) == (38, 0.95, "nord")
    # The [keymap] table's own "new_per_day" is a binding id, not the setting: untouched.
    assert dict(config.keymap) == {"drill.dont_know": "f1", "new_per_day": "f5"}
    assert load_config(path) == config


def test_a_new_key_goes_after_the_last_setting_not_into_the_table(tmp_path: Path) -> None:
    path = _write(tmp_path, PLAYER_FILE)
    set_config_value(path, "day_rollover_hour", 6)
    lines = path.read_text().splitlines()
    assert lines[lines.index('theme = "textual-dark"') + 1] == "day_rollover_hour = 6"
    assert lines[-4:] == ["# my keys (f1 for don't know)", "[keymap]",
                          '"drill.dont_know" = "f1"', 'new_per_day = "f5"']
    assert tomllib.loads(path.read_text())["day_rollover_hour"] == 6


def test_a_file_of_only_a_table_gets_the_key_above_the_table_and_its_comment(
        tmp_path: Path) -> None:
    path = _write(tmp_path, '# header\n\n# keys\n[keymap]\n"drill.dont_know" = "f1"\n')
    set_config_value(path, "new_per_day", 3)
    assert path.read_text() == ('# header\n\nnew_per_day = 3\n\n# keys\n[keymap]\n'
                                '"drill.dont_know" = "f1"\n')


def test_no_file_yet_and_a_file_without_a_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    set_config_value(path, "reviews_per_day", 300)
    assert path.read_text() == "reviews_per_day = 300\n"
    path.write_text("theme = \"nord\"")
    set_config_value(path, "reviews_per_day", 250)
    assert path.read_text() == 'theme = "nord"\nreviews_per_day = 250\n'


def test_none_removes_a_key_and_nothing_else(tmp_path: Path) -> None:
    path = _write(tmp_path, "interview_date = 2027-01-15  # the onsite\nnew_per_day = 5\n")
    set_config_value(path, "interview_date", None)
    assert path.read_text() == "new_per_day = 5\n"
    set_config_value(path, "interview_date", date(2027, 2, 1))
    assert load_config(path).interview_date == date(2027, 2, 1)


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("new_per_day", 1.5, "whole number"),
    ("new_per_day", -1, "0 to 1000"),
    ("reviews_per_day", "lots", "whole number"),
    ("desired_retention", 0.5, "0.7 to 0.99"),
    ("desired_retention", True, "0.7 to 0.99"),
    ("day_rollover_hour", 24, "0 to 23"),
    ("theme", " ", "theme name"),
])
def test_a_bad_value_names_the_key_and_writes_nothing(tmp_path: Path, key: str, value: object,
                                                      expected: str) -> None:
    path = _write(tmp_path, PLAYER_FILE)
    with pytest.raises(ConfigError, match=expected) as raised:
        set_config_values(path, {"new_per_day": 20, key: value})  # type: ignore[dict-item]
    assert raised.value.key == key
    assert raised.value.detail.startswith(f"{key} = ")
    assert str(path) not in raised.value.detail and str(path) in str(raised.value)
    assert path.read_text() == PLAYER_FILE
    assert not [p for p in tmp_path.iterdir() if p.name != "config.toml"]  # no temp file left


def test_an_unknown_key_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, PLAYER_FILE)
    with pytest.raises(ConfigError, match="unknown key"):
        set_config_values(path, {"new_per_week": 5})  # type: ignore[dict-item]
    assert path.read_text() == PLAYER_FILE


def test_an_edit_that_would_disturb_a_multi_line_value_writes_nothing(tmp_path: Path) -> None:
    """A line inside a multi-line string looks like a key: the read-back catches it."""
    text = 'theme = """\nnew_per_day = 3\n"""\n'
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match="by hand"):
        set_config_value(path, "new_per_day", 9)
    assert path.read_text() == text


def test_windows_line_endings_stay(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"# mine\r\nnew_per_day = 5\r\n[keymap]\r\n\"drill.again\" = \"a\"\r\n")
    set_config_values(path, {"new_per_day": 6, "reviews_per_day": 100})
    assert path.read_bytes() == (b"# mine\r\nnew_per_day = 6\r\nreviews_per_day = 100\r\n"
                                 b"[keymap]\r\n\"drill.again\" = \"a\"\r\n")


def test_a_symlinked_config_stays_a_symlink_with_its_permissions(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "tpm-drill.toml"
    real.write_text("new_per_day = 5\n")
    os.chmod(real, 0o600)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    set_config_value(link, "new_per_day", 7)
    assert link.is_symlink() and real.read_text() == "new_per_day = 7\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_strings_are_written_as_toml_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    for theme in ['a"b', "back\\slash", "tab\there", "ünïcode ✓", "bell\x07"]:
        set_config_value(path, "theme", theme)
        assert tomllib.loads(path.read_text())["theme"] == theme


@pytest.mark.parametrize(("typed", "value"), [
    ("15", 15), (" 38 ", 38), ("-1", -1), ("0.9", 0.9), ("90%", 0.9), ("1e3", 1000.0),
    ("1.5", 1.5), ("lots", "lots"), ("", ""), ("nord", "nord"),
])
def test_typed_settings_are_read_as_numbers_where_they_are(typed: str, value: object) -> None:
    assert parse_setting(typed) == value
    assert type(parse_setting(typed)) is type(value)
