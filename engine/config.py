"""User configuration: ``config.toml`` in the platform's config dir, every key defaulted.

A bad key or value is a ``ConfigError`` whose message names the file and the key, so the CLI
can print it and stop instead of showing a traceback.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

APP_NAME = "tpm-drill"


class ConfigError(ValueError):
    """The config file cannot be used as written.

    ``key`` names the setting at fault when there is one, and ``detail`` says what is wrong
    with it without the file's path ("new_per_day = 1.5 — expected a whole number ..."), for a
    screen that shows the error next to the setting.
    """

    def __init__(self, message: str, key: str | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.detail = detail or message


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
    #: Same-day steps of long-form items (open questions, katas, cases: 3-10 minutes each),
    #: which asked again a minute after their model answer test reading, not recall: a day.
    long_form_learning_steps_minutes: tuple[float, ...] = (1440.0,)
    long_form_relearning_steps_minutes: tuple[float, ...] = (1440.0,)
    #: ``[keymap]``: binding id -> key(s), e.g. "drill.dont_know" = "f1" (Textual key names,
    #: several separated by commas); the app checks the ids against its screens.
    keymap: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["interview_date"] = self.interview_date.isoformat() if self.interview_date else None
        out["deck_dirs"] = list(self.deck_dirs)
        out["learning_steps_minutes"] = list(self.learning_steps_minutes)
        out["relearning_steps_minutes"] = list(self.relearning_steps_minutes)
        out["long_form_learning_steps_minutes"] = list(self.long_form_learning_steps_minutes)
        out["long_form_relearning_steps_minutes"] = list(
            self.long_form_relearning_steps_minutes)
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
            detail = f"{key} = {_short(value)} — expected {expected}"
            return ConfigError(f"{path}: {detail}", key=key, detail=detail)

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
        elif key in {"long_form_learning_steps_minutes", "long_form_relearning_steps_minutes"}:
            steps = _steps(value)
            if steps is None:
                raise bad(f"a list of at most {MAX_STEPS} minutes, each above 0 and at most "
                          f"{MAX_STEP_MINUTES} (a week), e.g. [1440] for a day")
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


def _read_text(path: Path, keep_newlines: bool = False) -> str:
    """The file's text; ``FileNotFoundError`` passes through, anything else unreadable is a
    ``ConfigError`` saying what to do. ``keep_newlines`` keeps ``\r\n`` as written (for
    rewriting the file in its own line endings)."""
    try:
        with open(path, encoding="utf-8", newline="" if keep_newlines else None) as file:
            return file.read()
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


#: The settings the app's settings screen changes, in the order it shows them.
SETTINGS = ("new_per_day", "reviews_per_day", "desired_retention", "day_rollover_hour", "theme")

SettingValue = date | bool | int | float | str | None

_INT_TEXT = re.compile(r"[+-]?\d+")


def parse_setting(text: str) -> int | float | str:
    """A value typed into a settings field, for ``set_config_values`` to check: a whole number
    as an int, any other number as a float, "90%" as 0.9, anything else as the text itself
    (which the key's rule then refuses by name)."""
    typed = text.strip()
    if _INT_TEXT.fullmatch(typed):
        return int(typed)
    percent = typed.endswith("%")
    try:
        number = float(typed[:-1] if percent else typed)
    except ValueError:
        return typed
    return number / 100 if percent else number


def set_config_value(path: Path, key: str, value: SettingValue) -> Config:
    """Write one key into config.toml, keeping the rest of the file as the player wrote it
    (see ``set_config_values``)."""
    return set_config_values(path, {key: value})


def set_config_values(path: Path, values: Mapping[str, SettingValue]) -> Config:
    """Write top-level keys into config.toml, keeping the rest of the file as the player
    wrote it: comments (also one after a changed value), blank lines, the order of the keys,
    quoted key names, other keys, tables such as ``[keymap]``, and the line endings.

    ``None`` removes a key. A key already set is changed on its own line; a new one goes after
    the last top-level key (above the first ``[table]``, where it would otherwise land). The
    result is validated with the rules ``load_config`` applies, and read back to make sure
    nothing but these keys changed, before anything is written, so a bad value raises
    ``ConfigError`` (naming the key) and leaves the file untouched. The file is replaced in
    one step (a crash never leaves half of it), through a symlink to its target.
    """
    known = {f.name for f in fields(Config)}
    for key in values:
        if key not in known:
            raise ConfigError(f"{path}: unknown key {_short(key)}", key=key)
    try:
        text = _read_text(path, keep_newlines=True)
    except FileNotFoundError:
        text = ""
    before = _parse(text, path)
    new_text = _edit_top_level(text, {key: _toml_literal(value) if value is not None else None
                                      for key, value in values.items()})
    after = _parse(new_text, path, "would not be")
    config = _check(after, str(path))
    expected = dict(before)
    for key, value in values.items():
        if value is None:
            expected.pop(key, None)
        else:
            expected[key] = tomllib.loads(f"v = {_toml_literal(value)}")["v"]
    if after != expected:
        names = ", ".join(values)
        raise ConfigError(f"{path}: could not change {names} without disturbing the rest of "
                          "the file (a multi-line value?); change it there by hand")
    _replace_file(path, new_text)
    return config


def _toml_literal(value: SettingValue) -> str:
    """``value`` as a TOML literal: a date, a boolean, a number or a basic string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):  # (a datetime is a date too: TOML writes it the same way)
        return value.isoformat()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = []
        for char in value:
            if char in {'"', "\\"}:
                escaped.append("\\" + char)
            elif ord(char) < 0x20 or ord(char) == 0x7F:
                escaped.append(f"\\u{ord(char):04x}")
            else:
                escaped.append(char)
        return '"' + "".join(escaped) + '"'
    raise TypeError(f"cannot write {type(value).__name__} to config.toml")


_TABLE_LINE = re.compile(r"[ \t]*\[")
_COMMENT_OR_BLANK = re.compile(r"[ \t]*(#.*)?")
#: ``key = value  # comment`` on one line: the key bare or quoted, a one-line value.
_KEY_VALUE_LINE = re.compile(
    r"""(?P<key>[A-Za-z0-9_-]+|"[^"\\\n]*"|'[^'\n]*')[ \t]*=[ \t]*"""
    r"""(?P<value>"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s#]+)(?P<rest>[ \t]*(?:#.*)?)""")
_KEY_START = re.compile(r"""[ \t]*(?P<key>[A-Za-z0-9_-]+|"[^"\\\n]*"|'[^'\n]*')[ \t]*=""")


def _edit_top_level(text: str, literals: Mapping[str, str | None]) -> str:
    """``text`` with each top-level key set to its TOML literal (``None``: removed), every
    other line as it was."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    end = next((i for i, line in enumerate(lines) if _TABLE_LINE.match(line)), len(lines))
    for key, literal in literals.items():
        at = next((i for i in range(end) if _line_key(lines[i]) == key), None)
        if at is not None:
            if literal is None:
                del lines[at]
                end -= 1
                continue
            line = lines[at]
            body = line.rstrip("\r\n")
            indent = body[:len(body) - len(body.lstrip(" \t"))]
            match = _KEY_VALUE_LINE.fullmatch(body.strip(" \t"))
            rest = match.group("rest") if match else ""
            written_key = match.group("key") if match else key
            lines[at] = f"{indent}{written_key} = {literal}{rest}{line[len(body):]}"
            continue
        if literal is None:
            continue
        statements = [i for i in range(end) if not _COMMENT_OR_BLANK.fullmatch(
            lines[i].rstrip("\r\n"))]
        if statements:
            at = statements[-1] + 1
            new_lines = [f"{key} = {literal}{newline}"]
        else:  # above the comments that belong to the first table, if any
            at = end
            while at > 0 and lines[at - 1].lstrip(" \t").startswith("#"):
                at -= 1
            new_lines = [f"{key} = {literal}{newline}"]
            if at < len(lines) and lines[at].strip():
                new_lines.append(newline)  # a blank line between it and the table
        lines[at:at] = new_lines
        end += len(new_lines)
    return "".join(lines)


def _line_key(line: str) -> str | None:
    """The key a ``key = ...`` line sets (unquoted), or ``None`` for any other line."""
    match = _KEY_START.match(line)
    if not match:
        return None
    key = match.group("key")
    return key[1:-1] if key[0] in "\"'" else key


def _replace_file(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``'s target and move it into place,
    keeping the file's permissions; a symlink (dotfiles kept elsewhere) stays a symlink."""
    import stat
    import tempfile

    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = None
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            if mode is not None:
                os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as error:
        raise ConfigError(f"{path}: cannot write: {error.strerror or error}") from None
