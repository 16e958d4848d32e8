"""User configuration: ``config.toml`` in the platform's config dir, every key defaulted.

A bad key or value is a ``ConfigError`` whose message names the file and the key, so the CLI
can print it and stop instead of showing a traceback.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

APP_NAME = "tpm-drill"


class ConfigError(ValueError):
    """The config file cannot be used as written."""


@dataclass(frozen=True)
class Config:
    """Every setting the player can change, with the defaults a new player gets."""

    desired_retention: float = 0.9
    new_per_day: int = 15
    reviews_per_day: int = 200
    day_rollover_hour: int = 4
    interview_date: date | None = None
    theme: str = "textual-dark"
    deck_dirs: tuple[str, ...] = field(default_factory=tuple)
    learning_steps_minutes: tuple[float, ...] = (1.0, 10.0)
    relearning_steps_minutes: tuple[float, ...] = (10.0,)
    #: ``[keymap]``: binding id -> key(s), e.g. "drill.dont_know" = "f1" (Textual key names,
    #: several separated by commas); the app checks the ids against its screens.
    keymap: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["interview_date"] = self.interview_date.isoformat() if self.interview_date else None
        out["deck_dirs"] = list(self.deck_dirs)
        out["learning_steps_minutes"] = list(self.learning_steps_minutes)
        out["relearning_steps_minutes"] = list(self.relearning_steps_minutes)
        out["keymap"] = dict(self.keymap)
        return out


def _check(data: dict[str, Any], path: str) -> Config:
    known = {f.name for f in fields(Config)}
    config = Config()
    for key, value in data.items():
        if key not in known:
            valid = ", ".join(sorted(known))
            raise ConfigError(f"{path}: unknown key {key!r}; valid keys: {valid}")

        def bad(expected: str, key: str = key, value: Any = value) -> ConfigError:
            return ConfigError(f"{path}: {key} = {value!r} — expected {expected}")

        if key == "desired_retention":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise bad("a number between 0.7 and 0.99")
            if not 0.7 <= value <= 0.99:
                raise bad("a number between 0.7 and 0.99")
            value = float(value)
        elif key in {"new_per_day", "reviews_per_day"}:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise bad("a whole number >= 0")
        elif key == "day_rollover_hour":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 23:
                raise bad("a whole hour from 0 to 23")
        elif key == "interview_date":
            if isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    raise bad("a date like 2026-12-15") from None
            elif not isinstance(value, date):
                raise bad("a date like 2026-12-15")
        elif key == "theme":
            if not isinstance(value, str):
                raise bad("a Textual theme name such as 'textual-dark'")
        elif key == "deck_dirs":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad("a list of folder paths")
            value = tuple(os.path.expanduser(v) for v in value)
        elif key in {"learning_steps_minutes", "relearning_steps_minutes"}:
            if not isinstance(value, list) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in value
            ):
                raise bad("a list of positive minutes, e.g. [1, 10]")
            value = tuple(float(v) for v in value)
        elif key == "keymap":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip()
                for k, v in value.items()
            ):
                raise bad('a table of binding id = "key", e.g. [keymap] "drill.dont_know" = "f1"')
            value = tuple(sorted((k, v.replace(" ", "")) for k, v in value.items()))
        config = replace(config, **{key: value})
    return config


#: The XDG base directories platformdirs uses on Linux: (environment variable, default).
_XDG = {"cache": ("XDG_CACHE_HOME", "~/.cache"), "config": ("XDG_CONFIG_HOME", "~/.config"),
        "data": ("XDG_DATA_HOME", "~/.local/share")}


def user_dir(kind: str) -> Path:
    """tpm-drill's per-user ``cache``, ``config`` or ``data`` folder, as platformdirs names it.

    On Linux this is the XDG rule, read straight from the environment: importing
    platformdirs costs ~5 ms of every start, and the rule is two lines (a test checks the
    two agree). Elsewhere (macOS, Windows, Android) platformdirs decides.
    """
    variable, default = _XDG[kind]
    if sys.platform == "linux" and "ANDROID_DATA" not in os.environ:
        base = os.environ.get(variable, "")
        if base.startswith("/"):  # platformdirs ignores a relative XDG value
            return Path(base) / APP_NAME
        if os.environ.get("HOME", "").startswith("/"):  # the unusual cases: platformdirs
            return Path(os.path.expanduser(default)) / APP_NAME
    import platformdirs

    finder = {"cache": platformdirs.user_cache_dir, "config": platformdirs.user_config_dir,
              "data": platformdirs.user_data_dir}[kind]
    return Path(finder(APP_NAME))


def default_config_path() -> Path:
    """``$TPM_DRILL_CONFIG`` if set, else ``config.toml`` in the platform's config dir."""
    override = os.environ.get("TPM_DRILL_CONFIG")
    if override:
        return Path(override).expanduser()
    return user_dir("config") / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config; a missing file means all defaults."""
    path = path or default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return _check(data, str(path))


def default_db_path() -> Path:
    """``$TPM_DRILL_DB`` if set, else ``progress.db`` in the platform's user data dir."""
    override = os.environ.get("TPM_DRILL_DB")
    if override:
        return Path(override).expanduser()
    return user_dir("data") / "progress.db"


def set_config_value(path: Path, key: str, value: date | int | float | str | None) -> Config:
    """Write one key into config.toml, keeping the rest of the file as the player wrote it.

    ``None`` removes the key. The result is re-read and validated before it is written, so a
    bad value raises ``ConfigError`` and leaves the file untouched.
    """
    import re

    if key not in {f.name for f in fields(Config)}:
        raise ConfigError(f"{path}: unknown key {key!r}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    if value is None:
        literal = None
    elif isinstance(value, date):
        literal = value.isoformat()
    elif isinstance(value, str):
        literal = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        literal = repr(value)
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=.*$", re.MULTILINE)
    if literal is None:
        new_text = pattern.sub("", text)
    elif pattern.search(text):
        new_text = pattern.sub(f"{key} = {literal}", text, count=1)
    else:  # a new top-level key goes before the first [table], or it would land inside it
        table = re.search(r"^\s*\[", text, re.MULTILINE)
        at = table.start() if table else len(text)
        head = text[:at]
        new_text = head + ("" if not head or head.endswith("\n") else "\n") + \
            f"{key} = {literal}\n" + text[at:]
    try:
        config = _check(tomllib.loads(new_text), str(path))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: would not be valid TOML: {error}") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_text, encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot write: {error}") from None
    return config
