"""User configuration: ``config.toml`` in the platform's config dir, every key defaulted.

A bad key or value is a ``ConfigError`` whose message names the file and the key, so the CLI
can print it and stop instead of showing a traceback.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
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


#: Sane ranges for the numeric keys (inclusive). Beyond them a value is a typo, and some would
#: break the scheduler: a step of 1e308 minutes overflows ``timedelta``.
RETENTION_RANGE = (0.7, 0.99)
MAX_NEW_PER_DAY = 1_000
MAX_REVIEWS_PER_DAY = 10_000
#: A learning step longer than a week is an interval, not a step.
MAX_STEP_MINUTES = 7 * 24 * 60
MAX_STEPS = 20
#: Interview dates outside these years are typos (and dates near year 9999 overflow the
#: planner's date arithmetic).
INTERVIEW_YEARS = (2000, 2100)


def _short(value: Any) -> str:
    """``value``'s repr, bounded in length and depth (the repr of a list nested 5,000 deep
    would recurse) and with control characters stripped, for an error message."""
    import reprlib

    from content.untrusted import clean_text

    shortener = reprlib.Repr()
    shortener.maxlevel, shortener.maxstring, shortener.maxother = 3, 60, 60
    shortener.maxlist = shortener.maxdict = shortener.maxtuple = 6
    return clean_text(shortener.repr(value))


def _is_number(value: Any) -> bool:
    """An int or float that is finite (TOML allows ``inf`` and ``nan``); ``True`` is not."""
    import math

    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def _is_whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _steps(value: Any) -> tuple[float, ...] | None:
    """Learning steps as minutes, or ``None`` when any is not a finite number in range."""
    if not isinstance(value, list) or len(value) > MAX_STEPS:
        return None
    if not all(_is_number(v) and 0 < v <= MAX_STEP_MINUTES for v in value):
        return None
    return tuple(float(v) for v in value)


def _check(data: dict[str, Any], path: str) -> Config:
    """Validate parsed TOML into a ``Config``; the first bad key raises ``ConfigError`` naming
    the file, the key, the value and what is allowed."""
    known = {f.name for f in fields(Config)}
    config = Config()
    for key, value in data.items():
        if key not in known:
            valid = ", ".join(sorted(known))
            raise ConfigError(f"{path}: unknown key {_short(key)}; valid keys: {valid}")

        def bad(expected: str, key: str = key, value: Any = value) -> ConfigError:
            return ConfigError(f"{path}: {key} = {_short(value)} — expected {expected}")

        if key == "desired_retention":
            low, high = RETENTION_RANGE
            if not _is_number(value) or not low <= value <= high:
                raise bad(f"a number from {low} to {high}, e.g. 0.9")
            value = float(value)
        elif key == "new_per_day":
            if not _is_whole(value, 0, MAX_NEW_PER_DAY):
                raise bad(f"a whole number from 0 to {MAX_NEW_PER_DAY}, e.g. 15")
        elif key == "reviews_per_day":
            if not _is_whole(value, 0, MAX_REVIEWS_PER_DAY):
                raise bad(f"a whole number from 0 to {MAX_REVIEWS_PER_DAY}, e.g. 200")
        elif key == "day_rollover_hour":
            if not _is_whole(value, 0, 23):
                raise bad("a whole hour from 0 to 23, e.g. 4")
        elif key == "interview_date":
            value = _interview_date(value, bad)
        elif key == "theme":
            if not isinstance(value, str) or not value.strip():
                raise bad("a Textual theme name such as 'textual-dark'")
        elif key == "deck_dirs":
            if not isinstance(value, list) or not all(
                    isinstance(v, str) and v and "\x00" not in v for v in value):
                raise bad('a list of folder paths, e.g. ["~/decks"]')
            value = tuple(os.path.expanduser(v) for v in value)
        elif key in {"learning_steps_minutes", "relearning_steps_minutes"}:
            steps = _steps(value)
            if steps is None:
                raise bad(f"a list of at most {MAX_STEPS} minutes, each above 0 and at most "
                          f"{MAX_STEP_MINUTES} (a week), e.g. [1, 10]")
            value = steps
        elif key == "keymap":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip()
                for k, v in value.items()
            ):
                raise bad('a table of binding id = "key", e.g. [keymap] "drill.dont_know" = "f1"')
            value = tuple(sorted((k, v.replace(" ", "")) for k, v in value.items()))
        config = replace(config, **{key: value})
    return config


def _interview_date(value: Any, bad: Any) -> date:
    """The interview date from a TOML date, a TOML datetime or a "YYYY-MM-DD" string.

    A TOML datetime (``2026-12-15T10:00:00``) is accepted as its date part: the planner works
    in study days, so the hour does not change the plan, and the player plainly meant that
    day. (Kept as a datetime it would later fail comparing against the study day's date.)
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip()).date()
        except ValueError:
            raise bad("a date like 2026-12-15") from None
    elif isinstance(value, datetime):
        value = value.date()
    elif not isinstance(value, date):
        raise bad("a date like 2026-12-15")
    low, high = INTERVIEW_YEARS
    if not low <= value.year <= high:
        raise bad(f"a date in the years {low} to {high}, like 2026-12-15")
    return value


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
        text = _read_text(path)
    except FileNotFoundError:
        return Config()
    return _check(_parse(text, path), str(path))


def _read_text(path: Path) -> str:
    """The file's text; ``FileNotFoundError`` passes through, anything else unreadable is a
    ``ConfigError`` saying what to do."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except UnicodeDecodeError as error:
        line = error.object.count(b"\n", 0, error.start) + 1
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} on line {line}); "
            "save it as UTF-8 or fix that character") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None


def _parse(text: str, path: Path, verb: str = "not") -> dict[str, Any]:
    """Parse TOML text, turning every way it can fail into a ``ConfigError``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {verb} valid TOML: {error}") from None
    except RecursionError:  # tomllib recurses once per nesting level of arrays and tables
        raise ConfigError(f"{path}: {verb} readable, nested too deeply; a tpm-drill config "
                          "needs at most one level of tables ([keymap])") from None


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
        text = _read_text(path)
    except FileNotFoundError:
        text = ""
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
    config = _check(_parse(new_text, path, "would not be"), str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_text, encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot write: {error}") from None
    return config
