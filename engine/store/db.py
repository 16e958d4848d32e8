"""Progress storage: one SQLite file through sqlite-utils, migrated in code.

There is one writer path: every review goes in with its card's new FSRS state in a single
``BEGIN IMMEDIATE`` transaction, before the player sees feedback, so a crash never loses an
answer the player saw graded. Timestamps are UTC ISO-8601 strings with microseconds, which
sort as text; ``study_day`` is the player's local day after the rollover hour.

The schema is written for what comes next too: ``sessions`` carries loop verdicts and levels,
``reviews`` carries the numbers that weak-area ranking, bias and calibration need.

Files the store must not touch are refused *before* anything is written to them: a file that is
not SQLite or is damaged, another program's SQLite database, one from a newer tpm-drill, a
read-only one. Every SQLite failure after that (a full disk, a lock held too long, a page found
damaged mid-drill) surfaces as a ``StoreError`` whose message names the file and what to do, and
whose ``kind`` lets a screen decide how to show it. On the first open of each study day the
store makes a checked backup (see ``engine.store.backup``) before migrating or writing anything.

Damage can also happen after that first open (a disk going bad, a sync tool writing half a
file), so every open runs a cheap check too (``PRAGMA quick_check``, bounded on big files: see
``Store._check_pages``), and every read and write goes through ``Store.guard``: an SQLite
failure anywhere becomes the same ``StoreError``, and once the file is known to be damaged the
store refuses every further write with that message.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    import sqlite_utils

    from engine.clock import Clock

SCHEMA_VERSION = 8
#: How long a writer waits for another instance's transaction before giving up (ms).
BUSY_TIMEOUT_MS = 10_000
#: A writer waits in steps this long, calling ``Store.on_wait`` between them (ms), so a screen
#: can say it is waiting instead of freezing for the whole busy timeout.
BUSY_WAIT_STEP_MS = 200
#: Files up to this size (database plus WAL) get a full ``PRAGMA quick_check`` on every open.
#: It reads every page, ~1.7 ms per MB (measured on an idle machine: 15 ms for 8.6 MB, 440 ms
#: for a five-year, 280 MB history of 500,000 reviews), so 4 MB costs ~7 ms, about what the
#: bounded check costs on five years. Bigger files check every table but ``reviews``: the cards,
#: sessions and running totals, bounded by cards and days, not answers (5 ms on five years,
#: 10-16 ms with the machine loaded). ``reviews`` is checked with the daily backup, and damage
#: met in it before then is caught by ``Store.guard`` when it is read.
FULL_QUICK_CHECK_MAX_BYTES = 4 * 1024 * 1024
#: Free space (bytes) under which an I/O error is reported as a full disk: SQLite needs a few
#: pages for the WAL and 32 KiB for the shared-memory file, so below this nothing fits.
FULL_DISK_FREE_BYTES = 1024 * 1024
#: While opening (checks, WAL switch, migration) a shorter wait, then a retry: see Store.
OPEN_BUSY_TIMEOUT_MS = 2000
OPEN_ATTEMPTS = 4
#: Drafts untouched for longer than this are deleted when the store opens (``prune_drafts``).
DRAFT_KEEP_DAYS = 90

_P = ParamSpec("_P")
_R = TypeVar("_R")


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message names the file and what to do.

    ``kind`` says what went wrong, so a screen can choose how to show it: ``corrupt`` (not
    SQLite, or damaged), ``foreign`` (another program's database, or not a file at all: a
    folder, a device), ``newer`` (a newer tpm-drill's schema), ``readonly``, ``full`` (disk
    full), ``busy`` (locked by another program for longer than the busy timeout), ``io`` (the
    disk failed) or ``other``.
    """

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


class UndoError(RuntimeError):
    """An answer cannot be taken back: there is none, or its card was answered again since
    (by another window on the same file), so undoing it would throw that answer away."""


def _lost(doing: str, verb: str = "was not saved") -> str:
    """ "your answer was not saved", or "nothing was changed" when nothing was being saved."""
    return "nothing was changed" if doing == "nothing" else f"{doing} {verb}"


def _shown(path: Path) -> str:
    """A path as it goes into a message: control characters stripped (a file name is data)."""
    from content.untrusted import clean_text

    return clean_text(str(path))


def _writable(path: Path) -> bool:
    """Whether this process may write ``path`` (a missing file counts as writable)."""
    return not path.exists() or os.access(path, os.W_OK)


def read_only_advice(path: Path) -> str:
    """What to do about a database SQLite will not write, naming exactly what is read-only.

    SQLite writes the file, its ``-wal`` and ``-shm`` companions, and creates those two in the
    folder, so any of the four can be the one that refuses; a ``-shm`` left read-only keeps
    refusing after the file itself is made writable. A file system mounted read-only is said
    as such (no chmod helps there).
    """
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return (f"The disk holding {_shown(folder)} is mounted read-only: copy the file to "
                    "a writable folder and pass it with --db.")
    except (OSError, AttributeError):  # no statvfs (Windows) or the folder is gone
        pass
    stuck = [candidate for candidate in (path, path.with_name(path.name + "-wal"),
                                         path.with_name(path.name + "-shm"))
             if not _writable(candidate)]
    if not os.access(folder, os.W_OK | os.X_OK):
        stuck.append(folder)
    if not stuck:
        # Nothing this process can see is read-only (another user's lock, a sandbox, a
        # read-only connection): name the usual suspects.
        return (f"Make sure you can write it and its folder (chmod u+w '{_shown(path)}' "
                f"'{_shown(folder)}'), or pass another file with --db.")
    names = " ".join(f"'{_shown(item)}'" for item in stuck)
    why = (" (SQLite creates its -wal and -shm files there)" if folder in stuck else "")
    return (f"Not writable: {', '.join(_shown(item) for item in stuck)}{why}. Make "
            f"{'it' if len(stuck) == 1 else 'them'} writable (chmod u+w {names}), or pass "
            "another file with --db.")


def _disk_full(path: Path) -> bool:
    """Whether the disk holding ``path`` has (nearly) no free space left for this process."""
    try:
        return shutil.disk_usage(path.parent).free < FULL_DISK_FREE_BYTES
    except OSError:
        return False


def _full_message(path: Path, doing: str) -> str:
    return (f"{_shown(path)}: the disk is full, so {_lost(doing)}. Free some space on "
            f"{_shown(path.parent)} and try again; everything saved before is intact.")


def classify_error(path: Path, error: sqlite3.Error, doing: str = "the change") -> StoreError:
    """Turn an SQLite failure on ``path`` into a ``StoreError`` a person can act on.

    ``doing`` names what could not be saved ("your answer"; "nothing" for a read), so the
    message says what was lost and what was not.
    """
    text = str(error)
    lowered = text.lower()
    backups = path.parent / "backups"
    shown = _shown(path)
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return StoreError(_full_message(path, doing), "full")
    if "readonly" in lowered or "read-only" in lowered:
        lost = ("nothing was changed" if doing == "nothing"
                else f"{doing} was not saved")
        return StoreError(f"{shown} is read-only, so {lost}. {read_only_advice(path)}",
                          "readonly")
    if "locked" in lowered or "busy" in lowered:
        return StoreError(
            f"{shown} is busy: another program kept it locked for over "
            f"{BUSY_TIMEOUT_MS // 1000} s, so {_lost(doing)}. Close other tpm-drill "
            "windows (or the program holding it) and try again.", "busy")
    if ("malformed" in lowered or "not a database" in lowered or "corrupt" in lowered
            or "could not decode" in lowered):
        return StoreError(
            f"{shown} is not a tpm-drill database or it is damaged ({_shown(text)}); the "
            f"file was left as it is. If it is your progress, restore a daily backup from "
            f"{_shown(backups)}: `tpm-drill backup --list`, then `tpm-drill backup --restore "
            "DATE`. Otherwise pass another file with --db.", "corrupt")
    if "disk i/o" in lowered or "unable to open" in lowered:
        if _disk_full(path):  # SQLite says "disk I/O error" when the disk fills at open
            return StoreError(_full_message(path, doing), "full")
        return StoreError(
            f"{shown}: the disk reported an error ({_shown(text)}), so {_lost(doing)}. Check "
            "the disk and the folder's permissions, then try again.", "io")
    return StoreError(f"{shown}: database error ({_shown(text)}); {_lost(doing)}.", "other")


def _damaged_row(path: Path, what: str, error: Exception) -> StoreError:
    """A stored value that does not read back (a date that is not a date, JSON that is not
    JSON): the file was damaged or edited by hand."""
    return StoreError(
        f"{_shown(path)}: {what} does not read back ({_shown(error)}); the file is damaged "
        f"or was edited by hand and was left as it is. Restore a daily backup from "
        f"{_shown(path.parent / 'backups')}: `tpm-drill backup --list`, then `tpm-drill "
        "backup --restore DATE`.", "corrupt")


#: Errors raised while decoding a stored row into Python values.
_DECODE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


def _guarded(doing: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Run a ``Store`` method inside ``Store.guard(doing)``: SQLite's failures become
    ``StoreError``, and a write (``doing`` is not "nothing") is refused on a damaged file.

    Constraint and programming errors (``IntegrityError``, ``ProgrammingError``) are bugs,
    not conditions of the file, so they pass through unchanged.
    """

    def wrap(method: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(method)
        def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            store = args[0]
            assert isinstance(store, Store)
            with store.guard(doing):
                return method(*args, **kwargs)

        return guarded

    return wrap


def _connect(path: Path | str) -> sqlite3.Connection:
    """Open the SQLite connection the store uses (tests replace this to simulate failures).

    ``check_same_thread=False``: a screen may record an answer on a worker thread (so it can
    show that it waits for a lock) while the store was opened on the UI thread. The store is
    still used by one thread at a time; it is not a pool.
    """
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)


def iso(moment: datetime) -> str:
    """A tz-aware datetime as the UTC text form the store sorts and compares on."""
    if moment.tzinfo is None:
        raise ValueError("store timestamps must be tz-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class CardRow:
    """A card's FSRS state as stored: one row per item the player has seen."""

    id: str
    fsrs_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, kept with each review so an override can redo the scheduling."""
        data = asdict(self)
        data["due"] = iso(self.due)
        data["last_review"] = iso(self.last_review) if self.last_review else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CardRow:
        last = data.get("last_review")
        return cls(
            id=data["id"], fsrs_id=data["fsrs_id"], state=data["state"], step=data["step"],
            stability=data["stability"], difficulty=data["difficulty"],
            due=from_iso(data["due"]), last_review=from_iso(last) if last else None,
            reps=data["reps"], lapses=data["lapses"],
        )


@dataclass(slots=True)
class ReviewRecord:
    """Everything recorded about one answer; ``None`` fields are simply not known."""

    card_id: str
    reviewed_at: datetime
    study_day: date
    rating: int
    mode: str
    kind: str
    topic: str
    session_id: int | None = None
    answer_text: str = ""
    parsed_value: float | None = None
    reference_value: float | None = None
    display_unit: str = ""
    band: str | None = None
    rel_error: float | None = None
    log10_error: float | None = None
    interval_lo: float | None = None
    interval_hi: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    duration_ms: int | None = None
    suggested_rating: int | None = None
    override: bool = False
    was_new: bool = False
    card_before: Mapping[str, Any] | None = None
    auto_score: float | None = None
    self_score: float | None = None
    loop_round: str | None = None
    #: The slip the grade named ("bits vs bytes"), kept out of the bias figure.
    slip: str | None = None
    #: The answer was what had been typed when a loop round's time ran out.
    cut_off: bool = False


@dataclass(frozen=True, slots=True)
class KataAttemptRecord:
    """What a kata's review keeps beside the review row (see ``engine.katas.attempts``):
    the code checked, every case result as JSON, the counts, the run's error (kind and
    message, ``None`` when it ran cleanly), the seconds the player took (``None`` when not
    known, e.g. a check from the command line) and the check took, and the draws' seed."""

    kata_id: str
    code: str
    cases_json: str
    passed: int
    failed: int
    error_kind: str | None = None
    error_message: str | None = None
    seconds: float | None = None
    check_seconds: float | None = None
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class GradedStepRecord:
    """One graded step kept beside its review (schema 8): a step of a case's chain, or a
    numeric follow-up probe asked after an open answer (``kind == "probe"``).

    ``position`` orders the steps within the review (0-based); ``topic`` is the item's topic,
    so stats and weak areas count steps by topic. Numbers are SI (``unit`` is the display unit
    the step asked in): ``value`` the player's, ``reference`` the reference chain's,
    ``reference_from_answers`` the reference recomputed from the player's own earlier answers
    (errors carried forward). Decisions keep option texts instead (``picked``,
    ``right_option``, ``right_option_from_answers``). ``status`` is ``exact``, ``consistent``,
    ``close``, ``off`` or ``revealed``; ``credit`` in [0, 1]."""

    item_id: str
    position: int
    step_id: str
    kind: str
    topic: str
    status: str
    credit: float
    prompt: str = ""
    answer_text: str | None = None
    value: float | None = None
    reference: float | None = None
    reference_from_answers: float | None = None
    picked: str | None = None
    right_option: str | None = None
    right_option_from_answers: str | None = None
    unit: str = ""
    band: str | None = None
    consistent: bool = False
    slip: str | None = None
    message: str = ""


_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS cards (
        id TEXT PRIMARY KEY,
        fsrs_id INTEGER NOT NULL UNIQUE,
        state INTEGER NOT NULL,
        step INTEGER,
        stability REAL,
        difficulty REAL,
        due TEXT NOT NULL,
        last_review TEXT,
        reps INTEGER NOT NULL DEFAULT 0,
        lapses INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        suspended INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS cards_due ON cards (due);
    CREATE TABLE IF NOT EXISTS sessions (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL DEFAULT 'active',
        level TEXT,
        verdict TEXT,
        paused_seconds REAL NOT NULL DEFAULT 0,
        config_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE IF NOT EXISTS reviews (
        id INTEGER PRIMARY KEY,
        card_id TEXT NOT NULL REFERENCES cards (id),
        session_id INTEGER REFERENCES sessions (id),
        reviewed_at TEXT NOT NULL,
        study_day TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        mode TEXT NOT NULL,
        kind TEXT NOT NULL,
        topic TEXT NOT NULL,
        answer_text TEXT NOT NULL DEFAULT '',
        parsed_value REAL,
        reference_value REAL,
        display_unit TEXT NOT NULL DEFAULT '',
        band TEXT,
        rel_error REAL,
        log10_error REAL,
        interval_lo REAL,
        interval_hi REAL,
        params_json TEXT NOT NULL DEFAULT '{}',
        seed INTEGER,
        duration_ms INTEGER,
        suggested_rating INTEGER,
        override INTEGER NOT NULL DEFAULT 0,
        was_new INTEGER NOT NULL DEFAULT 0,
        card_before_json TEXT
    );
    CREATE INDEX IF NOT EXISTS reviews_card ON reviews (card_id, reviewed_at);
    CREATE INDEX IF NOT EXISTS reviews_day ON reviews (study_day);
    CREATE INDEX IF NOT EXISTS reviews_session ON reviews (session_id);
    """,
    # 2: open answers (automatic and self-checked rubric scores), the onsite loop's rounds,
    # and the career ladder's promotions.
    2: """
    ALTER TABLE reviews ADD COLUMN auto_score REAL;
    ALTER TABLE reviews ADD COLUMN self_score REAL;
    ALTER TABLE reviews ADD COLUMN loop_round TEXT;
    CREATE TABLE IF NOT EXISTS loop_rounds (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id),
        position INTEGER NOT NULL,
        round TEXT NOT NULL,
        seconds_planned REAL NOT NULL,
        seconds_used REAL,
        score REAL,
        rating TEXT,
        status TEXT NOT NULL,
        UNIQUE (session_id, position)
    );
    CREATE TABLE IF NOT EXISTS promotions (
        id INTEGER PRIMARY KEY,
        level TEXT NOT NULL,
        promoted_at TEXT NOT NULL,
        session_id INTEGER REFERENCES sessions (id)
    );
    """,
    # 3: the daily counts ("reviews since the day began") filter on reviewed_at; without an
    # index each is a full scan, ~40 ms apiece on five years (500,000 reviews).
    3: """
    CREATE INDEX IF NOT EXISTS reviews_time ON reviews (reviewed_at);
    """,
    # 4: the card's FSRS state before each review as a column, so true retention and lapse
    # rates need not parse every review's JSON snapshot (1.2 s on a five-year history).
    4: """
    ALTER TABLE reviews ADD COLUMN state_before INTEGER;
    UPDATE reviews SET state_before = json_extract(card_before_json, '$.state')
        WHERE card_before_json IS NOT NULL;
    """,
}


# -- running totals (schema 5, rebuilt in 6) --------------------------------------------------
#
# Stats and weak areas used to aggregate every review on every open: 1.1 s on five years
# (500,000 reviews). Schema 5 keeps the sums up to date instead, in tables maintained by
# triggers inside the very transaction that writes the review, so they can never disagree
# with ``reviews`` (any writer, any path: an answer, an override, a self-check, an undo).
# Reading them costs topics × buckets rows, not history. Schema 6 rebuilds them with two more
# sums (graded answers and how far they missed the band, for weak areas) and a second set of
# error buckets without the answers whose grade named a slip (the bias figure).

#: What one review adds to each running total in schema 5: (column, SQL on the row ``{r}``).
#: ``state_before = 2``: the card was in review state (the base of true retention).
_TOTAL_TERMS_V5: tuple[tuple[str, str], ...] = (
    ("answers", "1"),
    ("review_answers", "IFNULL({r}.state_before = 2, 0)"),
    ("review_passed", "IFNULL({r}.state_before = 2 AND {r}.rating > 1, 0)"),
    ("fails", "IFNULL({r}.rating = 1, 0)"),
    ("numeric_answers", "{r}.log10_error IS NOT NULL"),
    ("log10_error_sum", "IFNULL({r}.log10_error, 0.0)"),
    ("abs_log10_error_sum", "IFNULL(ABS({r}.log10_error), 0.0)"),
    ("open_answers", "COALESCE({r}.self_score, {r}.auto_score) IS NOT NULL"),
    ("open_score_sum", "IFNULL(COALESCE({r}.self_score, {r}.auto_score), 0.0)"),
    ("gap_answers", "{r}.self_score IS NOT NULL AND {r}.auto_score IS NOT NULL"),
    ("gap_sum", "IFNULL({r}.self_score - {r}.auto_score, 0.0)"),
)
#: What a graded answer's band says about it: 0 inside the exact band, 0.5 in the close band,
#: 1 outside (off), unanswered (don't know) or unreadable when time ran out. Open answers
#: ("scored") are not band-graded and are left out.
BAND_MISS = {"exact": 0.0, "close": 0.5, "off": 1.0, "dont_know": 1.0, "unreadable": 1.0}
_BAND_LIST = ", ".join(f"'{band}'" for band in BAND_MISS)
_MISS_CASE = "CASE {r}.band " + " ".join(
    f"WHEN '{band}' THEN {miss}" for band, miss in BAND_MISS.items()) + " ELSE 0.0 END"
#: The running totals of schema 6: schema 5's, plus the band-graded answers and the sum of
#: their misses (see ``BAND_MISS``).
TOTAL_TERMS: tuple[tuple[str, str], ...] = (
    *_TOTAL_TERMS_V5,
    ("graded_answers", f"IFNULL({{r}}.band IN ({_BAND_LIST}), 0)"),
    ("miss_sum", _MISS_CASE),
)
#: The per-day totals: answers (the heatmap, the streak) and true-retention counts.
DAY_TERMS = TOTAL_TERMS[:3]
#: A numeric answer's signed log10 error floored to 0.01 decade, as an integer bucket.
#: SQLite has no FLOOR without its optional math functions and CAST truncates toward zero,
#: so the value is shifted positive first (no answer is 1000 decades off).
BUCKET_SQL = "CAST(({r}.log10_error + 1000.0) * 100.0 AS INTEGER) - 100000"
#: Which numeric answers count toward the bias (schema 6's ``bias_buckets``): a slip the
#: grader named (bits for bytes, a fraction for a percent) is a slip, not a lean.
BIAS_WHERE = "{r}.log10_error IS NOT NULL AND {r}.slip IS NULL"


def _total_columns(terms: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{name} {'REAL' if name.endswith('_sum') else 'INTEGER'} NOT NULL"
                     for name, _ in terms)


def _upsert(table: str, keys: tuple[tuple[str, str], ...],
            terms: tuple[tuple[str, str], ...], row: str, sign: str,
            labels: tuple[tuple[str, str], ...] = ()) -> str:
    """One row's contribution (``sign`` "" adds, "-" takes away) upserted into ``table``:
    ``keys`` identify the row, ``terms`` are summed, ``labels`` are overwritten (a card's
    topic follows its latest answer). Each is (column, SQL on the row ``{r}``)."""
    columns = (*keys, *labels, *terms)
    names = ", ".join(name for name, _ in columns)
    values = [expr.format(r=row) for _, expr in (*keys, *labels)] + \
        [f"{sign}({expr.format(r=row)})" for _, expr in terms]
    updates = [f"{name} = {name} + excluded.{name}" for name, _ in terms] + \
        [f"{name} = excluded.{name}" for name, _ in labels]
    return (f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} WHERE true "
            f"ON CONFLICT ({', '.join(name for name, _ in keys)}) "
            f"DO UPDATE SET {', '.join(updates)};")


def _bucket_upsert(table: str, row: str, sign: str, where: str) -> str:
    bucket = BUCKET_SQL.format(r=row)
    return (f"INSERT INTO {table} (topic, bucket, answers) SELECT {row}.topic, {bucket}, "
            f"{sign}1 WHERE {where.format(r=row)} "
            f"ON CONFLICT (topic, bucket) DO UPDATE SET answers = answers + excluded.answers;")


def _contribution(row: str, sign: str, terms: tuple[tuple[str, str], ...],
                  bias: bool) -> str:
    """Every running total's change for one review row (``NEW`` or ``OLD``)."""
    day_terms = terms[:3]
    parts = [
        _upsert("day_totals", (("study_day", "{r}.study_day"),), day_terms, row, sign),
        _upsert("topic_totals", (("topic", "{r}.topic"),), terms, row, sign),
        _upsert("card_totals", (("card_id", "{r}.card_id"),), terms, row, sign,
                labels=(("topic", "{r}.topic"),)),
        _bucket_upsert("error_buckets", row, sign, "{r}.log10_error IS NOT NULL"),
    ]
    if bias:
        parts.append(_bucket_upsert("bias_buckets", row, sign, BIAS_WHERE))
    return "\n".join(parts)


def _backfill(table: str, keys: tuple[str, ...], terms: tuple[tuple[str, str], ...],
              group: str) -> str:
    sums = ", ".join(f"{'TOTAL' if name.endswith('_sum') else 'SUM'}({expr.format(r='reviews')})"
                     for name, expr in terms)
    names = ", ".join((*keys, *(name for name, _ in terms)))
    return f"INSERT INTO {table} ({names}) SELECT {group}, {sums} FROM reviews GROUP BY 1"


def _triggers(terms: tuple[tuple[str, str], ...], bias: bool, watched: str) -> str:
    """The triggers that keep the running totals: each review inserted, deleted, or updated
    in one of the ``watched`` columns adds or takes back its contribution."""
    return f"""
CREATE TRIGGER IF NOT EXISTS reviews_totals_insert AFTER INSERT ON reviews BEGIN
{_contribution("NEW", "", terms, bias)}
END;
CREATE TRIGGER IF NOT EXISTS reviews_totals_delete AFTER DELETE ON reviews BEGIN
{_contribution("OLD", "-", terms, bias)}
END;
CREATE TRIGGER IF NOT EXISTS reviews_totals_update AFTER UPDATE OF {watched} ON reviews BEGIN
{_contribution("OLD", "-", terms, bias)}
{_contribution("NEW", "", terms, bias)}
END;
"""


def _totals_script(terms: tuple[tuple[str, str], ...], bias: bool,
                   watched: str) -> str:
    """Create the running-totals tables and their triggers, and fill them from ``reviews``.

    ``watched`` are the review columns whose update re-counts the row."""
    day_terms = terms[:3]
    bias_table = ("CREATE TABLE IF NOT EXISTS bias_buckets (topic TEXT NOT NULL, bucket "
                  "INTEGER NOT NULL, answers INTEGER NOT NULL, PRIMARY KEY (topic, bucket));"
                  if bias else "")
    bias_fill = (f"INSERT INTO bias_buckets (topic, bucket, answers) SELECT topic, "
                 f"{BUCKET_SQL.format(r='reviews')}, COUNT(*) FROM reviews "
                 f"WHERE {BIAS_WHERE.format(r='reviews')} GROUP BY 1, 2;" if bias else "")
    return f"""
CREATE TABLE IF NOT EXISTS day_totals (study_day TEXT PRIMARY KEY, {_total_columns(day_terms)});
CREATE TABLE IF NOT EXISTS topic_totals (topic TEXT PRIMARY KEY, {_total_columns(terms)});
CREATE TABLE IF NOT EXISTS card_totals (card_id TEXT PRIMARY KEY, topic TEXT NOT NULL,
    {_total_columns(terms)});
CREATE TABLE IF NOT EXISTS error_buckets (topic TEXT NOT NULL, bucket INTEGER NOT NULL,
    answers INTEGER NOT NULL, PRIMARY KEY (topic, bucket));
{bias_table}
{_triggers(terms, bias, watched)}
{_backfill("day_totals", ("study_day",), day_terms, "study_day")};
{_backfill("topic_totals", ("topic",), terms, "topic")};
{_backfill("card_totals", ("card_id", "topic"), terms, "card_id, MAX(topic)")};
INSERT INTO error_buckets (topic, bucket, answers)
    SELECT topic, {BUCKET_SQL.format(r="reviews")}, COUNT(*) FROM reviews
    WHERE log10_error IS NOT NULL GROUP BY 1, 2;
{bias_fill}
"""


_MIGRATIONS[5] = _totals_script(
    _TOTAL_TERMS_V5, bias=False,
    watched="card_id, study_day, topic, rating, state_before, log10_error, auto_score, "
            "self_score") + \
    "CREATE INDEX IF NOT EXISTS reviews_intervals ON reviews (topic) " \
    "WHERE interval_lo IS NOT NULL;\n"

# 6 (issue #12): drafts of unsent answers; undone answers kept (nothing typed is lost); the
# slip a grade named and whether an answer was cut off by a loop's clock; the running totals
# gain the band-graded answers and their misses, and the bias buckets (numeric answers whose
# grade named no slip). No answer recorded before had its slip kept, so the bias buckets
# start as a copy of the error buckets; the two new sums come from one pass over ``reviews``
# grouped by card and topic (2.4 s on five years, 500,000 reviews, instead of 6.1 s for
# rebuilding every total), and the triggers are made again with the new terms.
_GRADED, _MISS = (dict(TOTAL_TERMS)[name] for name in ("graded_answers", "miss_sum"))
_MIGRATIONS[6] = f"""
CREATE TABLE IF NOT EXISTS drafts (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS undone_reviews (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL,
    card_id TEXT NOT NULL,
    session_id INTEGER,
    mode TEXT NOT NULL,
    study_day TEXT NOT NULL,
    undone_at TEXT NOT NULL,
    review_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS undone_reviews_session ON undone_reviews (session_id);
ALTER TABLE reviews ADD COLUMN slip TEXT;
ALTER TABLE reviews ADD COLUMN cut_off INTEGER NOT NULL DEFAULT 0;
DROP TRIGGER IF EXISTS reviews_totals_insert;
DROP TRIGGER IF EXISTS reviews_totals_delete;
DROP TRIGGER IF EXISTS reviews_totals_update;
ALTER TABLE topic_totals ADD COLUMN graded_answers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE topic_totals ADD COLUMN miss_sum REAL NOT NULL DEFAULT 0.0;
ALTER TABLE card_totals ADD COLUMN graded_answers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE card_totals ADD COLUMN miss_sum REAL NOT NULL DEFAULT 0.0;
CREATE TEMP TABLE migrate6_sums AS SELECT card_id, topic, SUM({_GRADED.format(r="reviews")})
    AS graded, TOTAL({_MISS.format(r="reviews")}) AS miss FROM reviews GROUP BY card_id, topic;
CREATE TEMP TABLE migrate6_topics (topic TEXT PRIMARY KEY, graded INTEGER, miss REAL);
INSERT INTO migrate6_topics SELECT topic, SUM(graded), TOTAL(miss) FROM migrate6_sums
    GROUP BY topic;
CREATE TEMP TABLE migrate6_cards (card_id TEXT PRIMARY KEY, graded INTEGER, miss REAL);
INSERT INTO migrate6_cards SELECT card_id, SUM(graded), TOTAL(miss) FROM migrate6_sums
    GROUP BY card_id;
UPDATE topic_totals SET
    graded_answers = IFNULL((SELECT graded FROM migrate6_topics AS m
                             WHERE m.topic = topic_totals.topic), 0),
    miss_sum = IFNULL((SELECT miss FROM migrate6_topics AS m
                       WHERE m.topic = topic_totals.topic), 0.0);
UPDATE card_totals SET
    graded_answers = IFNULL((SELECT graded FROM migrate6_cards AS m
                             WHERE m.card_id = card_totals.card_id), 0),
    miss_sum = IFNULL((SELECT miss FROM migrate6_cards AS m
                       WHERE m.card_id = card_totals.card_id), 0.0);
DROP TABLE migrate6_sums;
DROP TABLE migrate6_topics;
DROP TABLE migrate6_cards;
CREATE TABLE IF NOT EXISTS bias_buckets (topic TEXT NOT NULL, bucket INTEGER NOT NULL,
    answers INTEGER NOT NULL, PRIMARY KEY (topic, bucket));
INSERT INTO bias_buckets (topic, bucket, answers)
    SELECT topic, bucket, answers FROM error_buckets;
""" + _triggers(
    TOTAL_TERMS, bias=True,
    watched="card_id, study_day, topic, rating, state_before, log10_error, auto_score, "
            "self_score, band, slip")

# 7 (issue #13): a kata's attempts. A kata is reviewed like any card (its review holds the
# code as the answer text and the band of its pass rate); the attempt keeps the rest: every
# case result, the counts, the error, the time. One row per review, deleted with it (an
# undone kata answer takes its attempt along; the code stays in ``undone_reviews``).
_MIGRATIONS[7] = """
CREATE TABLE IF NOT EXISTS kata_attempts (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL UNIQUE REFERENCES reviews (id) ON DELETE CASCADE,
    kata_id TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    code TEXT NOT NULL,
    cases_json TEXT NOT NULL,
    passed INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    error_kind TEXT,
    error_message TEXT,
    seconds REAL,
    check_seconds REAL,
    seed INTEGER
);
CREATE INDEX IF NOT EXISTS kata_attempts_kata ON kata_attempts (kata_id, id);
"""

# 8 (issues #14 and #15): graded steps — each step of a case's chain and each follow-up
# probe of an open answer, one row per step under its review (deleted with it: an undone
# answer takes its steps along) — and the player's own stories, versioned: a story row per
# story, a version row per saved text, so an edit never loses the earlier text.
_MIGRATIONS[8] = """
CREATE TABLE IF NOT EXISTS graded_steps (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    step_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    prompt TEXT NOT NULL DEFAULT '',
    answer_text TEXT,
    value REAL,
    reference REAL,
    reference_from_answers REAL,
    picked TEXT,
    right_option TEXT,
    right_option_from_answers TEXT,
    unit TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    band TEXT,
    consistent INTEGER NOT NULL DEFAULT 0,
    credit REAL NOT NULL,
    slip TEXT,
    message TEXT NOT NULL DEFAULT '',
    UNIQUE (review_id, position)
);
CREATE INDEX IF NOT EXISTS graded_steps_item ON graded_steps (item_id, id);
CREATE INDEX IF NOT EXISTS graded_steps_topic ON graded_steps (topic);
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE TABLE IF NOT EXISTS story_versions (
    id INTEGER PRIMARY KEY,
    story_id INTEGER NOT NULL REFERENCES stories (id),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    UNIQUE (story_id, version)
);
"""

#: The tables each schema version adds: a file at version N must have all of those up to N.
_TABLES_SINCE: dict[int, tuple[str, ...]] = {
    1: ("meta", "cards", "sessions", "reviews"),
    2: ("loop_rounds", "promotions"),
    5: ("day_totals", "topic_totals", "card_totals", "error_buckets"),
    6: ("drafts", "undone_reviews", "bias_buckets"),
    7: ("kata_attempts",),
    8: ("graded_steps", "stories", "story_versions"),
}


def streak_days(studied: Container[date], today: date) -> int:
    """Consecutive study days with reviews, ending today (or yesterday if not yet today)."""
    cursor = today if today in studied else today - timedelta(days=1)
    streak = 0
    while cursor in studied:
        streak += 1
        cursor -= timedelta(days=1)
    return streak


class Store:
    """The progress database. Make one per thread: SQLite connections do not cross threads.

    ``clock`` and ``rollover_hour`` say which study day it is, for the daily backup made on
    the first open of each day (``auto_backup=False`` skips it, e.g. for a scratch copy).

    After opening, ``backup_made`` is the backup made by this open (or ``None``) and
    ``backup_warning`` says why today's backup could not be made (say the disk is full), for a
    screen to show; the store still works without it. ``damage`` is the ``StoreError`` of
    the damage found so far (``None`` while the file looks sound): once set, every write is
    refused with it. ``on_wait``, when set, is called with the seconds waited so far each time
    a write is still waiting for another program's lock (see ``transaction``).
    """

    def __init__(self, path: Path | str, clock: Clock | None = None, rollover_hour: int = 4,
                 *, auto_backup: bool = True) -> None:
        self.path = Path(path)
        self.clock = clock
        self._db: sqlite_utils.Database | None = None
        self.backup_made: Path | None = None
        self.backup_warning: str | None = None
        self.damage: StoreError | None = None
        self.on_wait: Callable[[float], None] | None = None
        self._conn: sqlite3.Connection | None = None
        self._busy_timeout_ms = OPEN_BUSY_TIMEOUT_MS
        for attempt in range(OPEN_ATTEMPTS):
            try:
                self._open(path, clock, rollover_hour, auto_backup)
                break
            except StoreError as error:
                # Two instances upgrading an old rollback-journal file can each hold a lock the
                # other waits for; closing (done by _open) releases ours, so retry after a
                # short random pause and let the other finish.
                if error.kind != "busy" or attempt == OPEN_ATTEMPTS - 1:
                    raise
                import random

                time.sleep(random.uniform(0.05, 0.3))
        self._set_busy_timeout(BUSY_TIMEOUT_MS)

    def _open(self, path: Path | str, clock: Clock | None, rollover_hour: int,
              auto_backup: bool) -> None:
        """Connect, check, switch to WAL, back up, migrate; on failure close and raise."""
        memory = str(path) == ":memory:"
        if not memory:
            self._refuse_non_file()
        existed = not memory and self.path.is_file() and self.path.stat().st_size > 0
        try:
            if not memory:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = conn = _connect(path)
            self._set_busy_timeout(OPEN_BUSY_TIMEOUT_MS)
            # Everything up to the WAL switch only reads, so a file refused here is untouched.
            current = self._check_identity()
            if current:
                self._check_pages()
                self._check_writable()
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if not memory and str(mode).lower() != "wal":
                raise StoreError(f"{_shown(self.path)}: could not switch the database to WAL "
                                 f"mode (it stays in {mode} mode); pass another file with "
                                 "--db.")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            if existed and auto_backup and current:
                self._daily_backup(clock, rollover_hour)
            self._migrate()
            if auto_backup:  # the app's (or a command's) own open: see prune_drafts
                self._prune_drafts_quietly()
        except StoreError:
            self._close_quietly()
            raise
        except sqlite3.DatabaseError as error:
            self._close_quietly()
            raise classify_error(self.path, error, "nothing") from None
        except OSError as error:
            self._close_quietly()
            if _disk_full(self.path):
                raise StoreError(_full_message(self.path, "nothing"), "full") from None
            raise StoreError(f"{_shown(self.path)}: cannot open ({_shown(error)}). Check the "
                             "folder exists and is writable, or pass another file with --db.",
                             "io") from None

    def _refuse_non_file(self) -> None:
        """Refuse a path that exists but is not a regular file (a folder, a device such as
        ``/dev/null``, a pipe), before SQLite opens it or creates companions next to it."""
        if not self.path.exists() or self.path.is_file():
            return
        what = "a folder" if self.path.is_dir() else "not a regular file (a device or a pipe)"
        raise StoreError(f"{_shown(self.path)} is {what}, not a tpm-drill database; nothing "
                         "was changed. Pass the path of a database file with --db (a new "
                         "one is created if it does not exist).", "foreign")

    def _set_busy_timeout(self, milliseconds: int) -> None:
        self._busy_timeout_ms = milliseconds
        self.conn.execute(f"PRAGMA busy_timeout = {milliseconds}")

    @property
    def conn(self) -> sqlite3.Connection:
        """The store's one SQLite connection (autocommit; writes go through ``transaction``).

        Code outside the store that queries it directly wraps the queries in ``guard``."""
        assert self._conn is not None
        return self._conn

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection as a sqlite-utils ``Database``, built on first use.

        Importing sqlite-utils costs ~0.1 s beyond numpy, which the store's own queries do
        not need, so it is not paid on the way to the first question.
        """
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def close(self) -> None:
        self.conn.close()

    def _close_quietly(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass

    # -- every read and write -------------------------------------------------------------

    @contextmanager
    def guard(self, doing: str = "nothing") -> Iterator[sqlite3.Connection]:
        """Run database work whose SQLite failures must reach the player as a ``StoreError``.

        ``doing`` names what the work saves ("your answer", "the export"), or is "nothing"
        for reads; the message says it was not saved. Use it around any query made on
        ``store.conn`` outside the store (stats, weak areas, export), including the loop that
        iterates the cursor: "database disk image is malformed" can come at any row::

            with store.guard() as conn:
                for row in conn.execute("SELECT ..."):
                    ...

        Damage found (kind ``corrupt``) is remembered in ``damage``; from then on a write
        (``doing`` other than "nothing", and every ``transaction``) is refused at once with
        the same message, so nothing more is written to a damaged file. Constraint and
        programming errors (``IntegrityError``, ``ProgrammingError``) are bugs, not conditions
        of the file, and pass through unchanged. Guards nest; the innermost converts.
        """
        if doing != "nothing":
            self._refuse_if_damaged()
        try:
            yield self.conn
        except StoreError as error:  # raised inside (a row that does not decode): note it
            self._failure(error)
            raise
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise
        except sqlite3.DatabaseError as error:
            raise self._failure(classify_error(self.path, error, doing)) from error

    def _failure(self, error: StoreError) -> StoreError:
        """Note damage (so later writes are refused) and hand the error back to raise."""
        if error.kind == "corrupt" and self.damage is None:
            self.damage = error
        return error

    def _refuse_if_damaged(self) -> None:
        if self.damage is not None:
            raise StoreError(str(self.damage), self.damage.kind)

    # -- opening --------------------------------------------------------------------------

    def _table_names(self) -> set[str]:
        return {row[0] for row in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}

    def _check_identity(self) -> int:
        """The file's schema version (0 when new), refusing foreign and newer databases.

        Only reads: reading ``sqlite_master`` is also what fails on a file that is not SQLite.
        The version is read before the tables: another instance may be migrating the file
        (each step commits its tables with its version), and tables read first could be a
        step older than the version read after them — a sound file taken for a damaged one.
        """
        read_version = self.schema_version()
        tables = self._table_names()
        if tables and "meta" not in tables:
            raise StoreError(
                f"{_shown(self.path)}: this SQLite file is not a tpm-drill database "
                f"(it has tables {_shown(', '.join(sorted(tables)))}); the file was left "
                "untouched. Pass another path with --db.", "foreign"
            )
        current = read_version if tables else 0
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{_shown(self.path)}: made by a newer tpm-drill (schema {current}, this one "
                f"knows {SCHEMA_VERSION}). Upgrade tpm-drill; the file was left untouched.",
                "newer"
            )
        missing = sorted(name for version, names in _TABLES_SINCE.items()
                         if version <= current for name in names if name not in tables)
        if missing:
            raise self._failure(StoreError(
                f"{_shown(self.path)}: tables {', '.join(missing)} are missing from this "
                f"tpm-drill database (schema {current}): it is damaged or was edited by hand, "
                "and was left untouched. Restore a daily backup from "
                f"{_shown(self.path.parent / 'backups')} (`tpm-drill backup --list`, then "
                "`tpm-drill backup --restore DATE`), or pass another file with --db.",
                "corrupt"))
        return current

    def _check_pages(self) -> None:
        """Refuse a damaged file on every open, cheaply, before anything is written.

        A file up to ``FULL_QUICK_CHECK_MAX_BYTES`` (with its WAL) gets a full
        ``PRAGMA quick_check``; a bigger one gets ``quick_check`` of every table except
        ``reviews`` (whose cost grows with the history: 410 of the 440 ms on five years);
        the rest is what home, picking and stats read. The daily backup checks everything.
        """
        size = self.path.stat().st_size
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists():
            size += wal.stat().st_size
        if size <= FULL_QUICK_CHECK_MAX_BYTES:
            pragmas = ["quick_check"]
        else:
            pragmas = [f"quick_check('{name}')" for name in sorted(self._table_names())
                       if name != "reviews" and "'" not in name]
        for pragma in pragmas:
            rows = [str(row[0]) for row in self.conn.execute(f"PRAGMA {pragma}")]
            if rows != ["ok"]:
                raise sqlite3.DatabaseError(
                    f"database disk image is malformed: {'; '.join(rows[:3])}")

    def _check_writable(self) -> None:
        """Fail now, with a clear message, if the file can be read but not written.

        A no-op update inside a transaction that is rolled back: SQLite refuses it on a
        read-only file (or connection) and otherwise nothing reaches the file.
        """
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
        except sqlite3.OperationalError as error:
            refused = classify_error(self.path, error, "nothing")
            if refused.kind == "readonly":
                refused = StoreError(
                    f"{_shown(self.path)} is read-only: tpm-drill can read it but could not "
                    "save your answers, so it was not opened (nothing was changed). "
                    f"{read_only_advice(self.path)}", "readonly")
            raise refused from None
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def _daily_backup(self, clock: Clock | None, rollover_hour: int) -> None:
        """The first open of a study day backs the file up (and checks it) before any write."""
        from engine.clock import SystemClock
        from engine.store.backup import BackupError, daily_backup, study_day_of

        clock = clock or SystemClock()
        day = study_day_of(clock.now(), clock.local_tz(), rollover_hour)
        try:
            self.backup_made = daily_backup(self.conn, self.path, day)
        except BackupError as error:
            if error.kind == "corrupt":
                raise
            # A backup that cannot be written (say the disk is full) must not stop the drill,
            # but the player should know: the screens show ``backup_warning``. The next open
            # tries again.
            self.backup_made = None
            self.backup_warning = (f"Today's backup was not made: {error} Your answers are "
                                   "still saved as usual; the next start tries again.")

    # -- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The schema version in ``meta`` (0 for a file with no tables yet).

        A value tpm-drill never writes (not a whole number, below 1, missing while other
        tables exist) means the file is damaged or was edited by hand: ``StoreError``
        ``corrupt``, with the value shown. A whole number above ``SCHEMA_VERSION`` is returned
        as is: the file is from a newer tpm-drill.
        """
        with self.guard():
            tables = self._table_names()
            if "meta" not in tables:
                return 0
            try:
                row = self.conn.execute(
                    "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            except sqlite3.OperationalError as error:
                if "no such column" not in str(error):
                    raise
                raise StoreError(
                    f"{_shown(self.path)}: this SQLite file is not a tpm-drill database (its "
                    "meta table has no key and value columns); the file was left untouched. "
                    "Pass another path with --db.", "foreign") from None
        if row is None:
            if tables == {"meta"}:
                return 0
            raise self._failure(self._odd_version("missing"))
        value = row[0]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,18}", value) and int(value) >= 1:
            return int(value)
        raise self._failure(self._odd_version(repr(value)[:60]))

    def _odd_version(self, shown_value: str) -> StoreError:
        return StoreError(
            f"{_shown(self.path)}: its meta table's schema_version is {_shown(shown_value)}, "
            f"not a version tpm-drill writes (a whole number, {SCHEMA_VERSION} for this one); "
            "the file is damaged or was edited by hand and was left untouched. Restore a daily "
            f"backup from {_shown(self.path.parent / 'backups')} (`tpm-drill backup --list`, "
            "then `tpm-drill backup --restore DATE`), or pass another file with --db.",
            "corrupt")

    def _migrate(self) -> None:
        """Bring the schema up to ``SCHEMA_VERSION``, one version per transaction.

        The version is re-read inside each transaction: two instances opening an old (or
        new) file at once both try, and the second finds the step already done.
        """
        for version in range(self.schema_version() + 1, SCHEMA_VERSION + 1):
            with self.transaction() as conn:
                if self.schema_version() >= version:
                    continue
                for statement in _split_sql(_MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(version),),
                )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken ``IMMEDIATE`` so two instances queue instead of failing.

        While another program holds the write lock, the wait goes in steps of
        ``BUSY_WAIT_STEP_MS``, calling ``on_wait(seconds_waited)`` (when set) between them, so
        a screen can say it is waiting; after the busy timeout (``BUSY_TIMEOUT_MS``; shorter
        while opening) it gives up with SQLite's "database is locked" (a ``busy``
        ``StoreError`` through ``guard``). ``on_wait`` runs on the thread doing the write and
        may raise to stop waiting. A damaged file (``damage``) is refused before anything.

        A failed COMMIT (say the disk filled up) is rolled back too, so the connection is never
        left inside a half-done transaction; SQLite may already have rolled back by itself.
        """
        self._refuse_if_damaged()
        conn = self.conn
        self._begin_immediate(conn)
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise

    def _begin_immediate(self, conn: sqlite3.Connection) -> None:
        """``BEGIN IMMEDIATE``, waiting for the write lock in observable steps."""
        total_ms = self._busy_timeout_ms
        step_ms = min(BUSY_WAIT_STEP_MS, total_ms)
        started = time.monotonic()
        conn.execute(f"PRAGMA busy_timeout = {step_ms}")
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    lowered = str(error).lower()
                    if "locked" not in lowered and "busy" not in lowered:
                        raise
                    waited_seconds = time.monotonic() - started
                    if waited_seconds * 1000 >= total_ms:
                        raise
                    if self.on_wait is not None:
                        self.on_wait(waited_seconds)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {total_ms}")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Reads that must agree with each other, taken in one read transaction.

        In WAL mode a read transaction sees the database as of its first read, so a second
        instance committing between two queries cannot make them disagree (say, today's new
        cards already used up while the learning cards they became are not yet visible).
        Nested inside another transaction it simply joins it. The reads are guarded (see
        ``guard``): damage met in them is a ``StoreError``.
        """
        conn = self.conn
        if conn.in_transaction:
            with self.guard():
                yield conn
            return
        with self.guard():
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    try:
                        conn.execute("COMMIT")
                    except sqlite3.Error:
                        pass

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name (what sqlite-utils' ``query`` returns)."""
        cursor = self.conn.execute(sql, args)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # -- cards ----------------------------------------------------------------------------

    @_guarded("nothing")
    def card(self, card_id: str) -> CardRow | None:
        return _read_card(self.path, self.conn, card_id)

    @_guarded("nothing")
    def cards(self, due_before: datetime | None = None) -> dict[str, CardRow]:
        """Cards by id; with ``due_before``, only those due earlier (read on the due index,
        so picking the next card does not parse a whole five-year history)."""
        sql = ("SELECT id, fsrs_id, state, step, stability, difficulty, due, last_review, "
               "reps, lapses FROM cards WHERE suspended = 0")
        args: tuple[Any, ...] = ()
        if due_before is not None:
            sql += " AND due < ?"
            args = (iso(due_before),)
        rows = self.conn.execute(sql, args).fetchall()
        return {row[0]: _decoded_card(self.path, row) for row in rows}

    @_guarded("nothing")
    def next_due(self, among: Container[str]) -> datetime | None:
        """The earliest due date of a card in ``among`` (the items still in the bank)."""
        for card_id, due in self.conn.execute(
                "SELECT id, due FROM cards WHERE suspended = 0 ORDER BY due"):
            if card_id in among:
                try:
                    return from_iso(due)
                except _DECODE_ERRORS as error:
                    raise _damaged_row(self.path, f"card {card_id!r}", error) from None
        return None

    @_guarded("nothing")
    def due_brief(self, before: datetime) -> list[tuple[str, int, str]]:
        """(id, FSRS state, due as stored UTC ISO text) of unsuspended cards due before
        ``before``: what picking the next card needs, without building card objects (the
        text compares in time order with ``iso(moment)``)."""
        return self.conn.execute(
            "SELECT id, state, due FROM cards WHERE suspended = 0 AND due < ?",
            (iso(before),)).fetchall()

    @_guarded("nothing")
    def unseen_among(self, ids_json: str, limit: int = -1) -> list[str]:
        """Of the ids in the JSON array ``ids_json``, those with no card yet, in array order
        (at most ``limit``; -1 for all). One index probe per id: the cost follows the bank,
        not the history."""
        return [row[0] for row in self.conn.execute(
            "SELECT j.value FROM json_each(?) AS j WHERE NOT EXISTS "
            "(SELECT 1 FROM cards AS c WHERE c.id = j.value) ORDER BY j.key LIMIT ?",
            (ids_json, limit))]

    @_guarded("nothing")
    def count_unseen(self, ids_json: str) -> int:
        """How many ids in the JSON array ``ids_json`` have no card yet."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM json_each(?) AS j WHERE NOT EXISTS "
            "(SELECT 1 FROM cards AS c WHERE c.id = j.value)", (ids_json,)).fetchone()[0])

    @_guarded("nothing")
    def next_fsrs_id(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(fsrs_id), 0) + 1 FROM cards").fetchone()
        return int(row[0])

    # -- the one writer path --------------------------------------------------------------

    @_guarded("your answer")
    def record_review(self, review: ReviewRecord,
                      card_after: CardRow | Callable[[CardRow | None], tuple[CardRow, CardRow]],
                      draft_key: str | None = None,
                      kata_attempt: KataAttemptRecord | None = None,
                      graded_steps: Sequence[GradedStepRecord] = ()) -> int:
        """Insert the review and upsert its card's new state atomically; return the review id.

        ``card_after`` is the card's new state, or, to serialise the read-modify-write with
        other instances answering the same card, a function given the card as stored *inside*
        this transaction (``None`` if the card is new) that returns ``(card_before,
        card_after)``: the state the review starts from (a fresh card for a new one) and its
        scheduled result. The review's ``card_before``, ``was_new`` and ``state_before`` are
        then taken from what was read, not from what the caller saw earlier, so two
        instances answering within milliseconds each build on the other's update instead of
        one overwriting it (the write lock is held from the read to the commit).

        ``draft_key`` names the draft of this answer (see ``save_draft``): it is deleted in the
        same transaction, so a draft outlives its answer only if the answer was not saved.
        ``kata_attempt`` (a kata's review) and ``graded_steps`` (a case's steps, an open
        answer's probes) are stored in that transaction too, under the new review's id.
        """
        with self.transaction() as conn:
            if callable(card_after):
                stored = _read_card(self.path, conn, review.card_id)
                card_before, new_state = card_after(stored)
                review = replace(review, card_before=card_before.to_dict(),
                                 was_new=stored is None)
            else:
                new_state = card_after
            _upsert_card(conn, new_state, review.reviewed_at)
            cursor = conn.execute(
                "INSERT INTO reviews (card_id, session_id, reviewed_at, study_day, rating, mode, "
                "kind, topic, answer_text, parsed_value, reference_value, display_unit, band, "
                "rel_error, log10_error, interval_lo, interval_hi, params_json, seed, "
                "duration_ms, suggested_rating, override, was_new, card_before_json, "
                "auto_score, self_score, loop_round, state_before, slip, cut_off) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?)",
                (
                    review.card_id, review.session_id, iso(review.reviewed_at),
                    review.study_day.isoformat(), review.rating, review.mode, review.kind,
                    review.topic, review.answer_text, review.parsed_value,
                    review.reference_value, review.display_unit, review.band, review.rel_error,
                    review.log10_error, review.interval_lo, review.interval_hi,
                    json.dumps(dict(review.params), default=str), review.seed,
                    review.duration_ms, review.suggested_rating, int(review.override),
                    int(review.was_new),
                    json.dumps(review.card_before) if review.card_before is not None else None,
                    review.auto_score, review.self_score, review.loop_round,
                    review.card_before.get("state") if review.card_before else None,
                    review.slip, int(review.cut_off),
                ),
            )
            review_id = int(cursor.lastrowid or 0)
            if kata_attempt is not None:
                _insert_kata_attempt(conn, review_id, review.reviewed_at, kata_attempt)
            for step in graded_steps:
                _insert_graded_step(conn, review_id, step)
            if draft_key is not None:
                conn.execute("DELETE FROM drafts WHERE key = ?", (draft_key,))
            return review_id

    @_guarded("the follow-up answers")
    def add_graded_steps(self, review_id: int, steps: Sequence[GradedStepRecord]) -> None:
        """Add graded steps under an already recorded review, in one transaction: an open
        answer's follow-up probes, answered after the written answer was stored.

        Refused with a ``StoreError`` (nothing written) when the review is not in the
        history (undone meanwhile) or already has steps of a kind being added (probes are
        answered once). The rows go with the review on an undo (``ON DELETE CASCADE``)."""
        if not steps:
            return
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM reviews WHERE id = ?", (review_id,)).fetchone() \
                    is None:
                raise StoreError(f"{_shown(self.path)}: review {review_id} not found to add "
                                 f"its graded steps to (taken back?)")
            kinds = sorted({step.kind for step in steps})
            marks = ", ".join("?" for _ in kinds)
            if conn.execute(f"SELECT 1 FROM graded_steps WHERE review_id = ? AND kind IN "
                            f"({marks}) LIMIT 1", (review_id, *kinds)).fetchone() is not None:
                raise StoreError(f"{_shown(self.path)}: review {review_id} already has its "
                                 f"{', '.join(kinds)} steps")
            for step in steps:
                _insert_graded_step(conn, review_id, step)

    @_guarded("nothing")
    def review_before(self, review_id: int) -> tuple[CardRow, datetime]:
        """A recorded review's card state before it and its time: what a re-rating redoes."""
        return _review_before(self.path, self.conn, review_id)

    @_guarded("the new rating")
    def override_rating(self, review_id: int, rating: int,
                        card_after: CardRow | Callable[[CardRow, datetime], CardRow],
                        self_score: float | None = None, is_override: bool | None = None) -> None:
        """Change a just-recorded review's rating and its card's state, in one transaction.

        ``is_override`` defaults to "differs from the suggested rating"; a self-check that
        re-derives the rating from the player's ticks passes ``False`` with its ``self_score``.

        ``card_after`` is the card's new state, or a function given the review's card state
        before it and its time, both read inside this transaction, that returns the new
        state. With a function, a card answered again since this review (by another
        instance) keeps that later answer's schedule: only this review's rating changes,
        since redoing the card from before this review would throw the later answer away.
        """
        with self.transaction() as conn:
            new_state: CardRow | None
            if callable(card_after):
                card_before, reviewed_at = _review_before(self.path, conn, review_id)
                answered_since = conn.execute(
                    "SELECT 1 FROM reviews WHERE card_id = ? AND id > ? LIMIT 1",
                    (card_before.id, review_id)).fetchone() is not None
                new_state = None if answered_since else card_after(card_before, reviewed_at)
                card_id = card_before.id
            else:
                new_state, card_id = card_after, card_after.id
            updated = conn.execute(
                "UPDATE reviews SET rating = ?, override = COALESCE(?, ? IS NOT suggested_rating), "
                "self_score = COALESCE(?, self_score) WHERE id = ? AND card_id = ?",
                (rating, None if is_override is None else int(is_override), rating, self_score,
                 review_id, card_id),
            ).rowcount
            if updated != 1:
                raise StoreError(
                    f"{_shown(self.path)}: review {review_id} not found to re-rate")
            if new_state is not None:
                _upsert_card(conn, new_state, None)

    @_guarded("the undo")
    def undo_review(self, review_id: int, undone_at: datetime,
                    draft_key: str | None = None) -> dict[str, Any]:
        """Take back review ``review_id``, in one transaction, and return its row as it was.

        The card gets back its state from before the answer (``card_before``; a card met for
        the first time by this answer is removed, so it is new again and today's new-card
        count drops); the review leaves ``reviews`` (the running totals follow through their
        triggers) and is kept whole, as JSON, in ``undone_reviews`` with ``undone_at``, so
        nothing typed is lost and stats can count undos. With ``draft_key`` the answer's
        text becomes that draft again (not for "don't know"), for the box to show it.

        Raises ``UndoError`` when the review is not in the history (already undone) or its
        card was answered again since (by another instance): redoing the card from before
        this review would throw that later answer away.
        """
        with self.transaction() as conn:
            rows = self._rows("SELECT * FROM reviews WHERE id = ?", (review_id,))
            if not rows:
                raise UndoError(f"answer {review_id} is not in the history (already undone?)")
            row = rows[0]
            card_id = row["card_id"]
            later = conn.execute("SELECT id FROM reviews WHERE card_id = ? AND id > ? LIMIT 1",
                                 (card_id, review_id)).fetchone()
            if later is not None:
                raise UndoError(f"{card_id} was answered again since (answer {later[0]}, "
                                "perhaps in another window): that answer is kept and this "
                                "one can no longer be taken back")
            if row["card_before_json"] is None:
                raise UndoError(f"answer {review_id} has no record of the card before it, "
                                "so it cannot be taken back")
            try:
                card_before = CardRow.from_dict(json.loads(row["card_before_json"]))
            except _DECODE_ERRORS as error:
                raise _damaged_row(self.path, f"review {review_id}", error) from None
            earlier = conn.execute("SELECT 1 FROM reviews WHERE card_id = ? AND id < ? LIMIT 1",
                                   (card_id, review_id)).fetchone()
            conn.execute(
                "INSERT INTO undone_reviews (review_id, card_id, session_id, mode, study_day, "
                "undone_at, review_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (review_id, card_id, row["session_id"], row["mode"], row["study_day"],
                 iso(undone_at), json.dumps(row, default=str)))
            conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if row["was_new"] and earlier is None:
                conn.execute("DELETE FROM cards WHERE id = ?", (card_id,))
            else:
                _upsert_card(conn, card_before, None)
            if draft_key is not None and row["band"] != "dont_know" and \
                    str(row["answer_text"] or "").strip():
                _put_draft(conn, draft_key, row["answer_text"], undone_at)
            return row

    @_guarded("nothing")
    def undo_count(self, session_id: int | None = None, since_day: date | None = None) -> int:
        """How many answers were taken back (in one session, or on or after a study day)."""
        sql, args = "SELECT COUNT(*) FROM undone_reviews WHERE 1 = 1", []
        if session_id is not None:
            sql += " AND session_id = ?"
            args.append(session_id)
        if since_day is not None:
            sql += " AND study_day >= ?"
            args.append(since_day.isoformat())
        return int(self.conn.execute(sql, args).fetchone()[0])

    # -- kata attempts --------------------------------------------------------------------

    @_guarded("nothing")
    def kata_attempts(self, kata_id: str) -> list[dict[str, Any]]:
        """The attempts at ``kata_id``, newest first: each ``kata_attempts`` row with its
        ``cases`` decoded from JSON and its review's ``rating``, ``reviewed_at``, ``mode`` and
        ``session_id``. A row whose JSON does not read back is damage (``StoreError``)."""
        rows = self._rows(
            "SELECT a.*, r.rating, r.reviewed_at, r.mode, r.session_id FROM kata_attempts AS a "
            "JOIN reviews AS r ON r.id = a.review_id WHERE a.kata_id = ? ORDER BY a.id DESC",
            (kata_id,))
        for row in rows:
            try:
                cases = json.loads(row.pop("cases_json"))
                if not isinstance(cases, list):
                    raise ValueError("the cases are not a list")
            except _DECODE_ERRORS as error:
                raise _damaged_row(self.path, f"kata attempt {row['id']}", error) from None
            row["cases"] = cases
        return rows

    # -- graded steps (cases, probes) ---------------------------------------------------------

    @_guarded("nothing")
    def graded_steps(self, *, review_id: int | None = None, item_id: str | None = None,
                     session_id: int | None = None) -> list[dict[str, Any]]:
        """Graded steps, oldest review first and in step order within a review: each
        ``graded_steps`` row (``consistent`` as a bool) with its review's ``rating``,
        ``reviewed_at``, ``mode``, ``session_id`` and ``loop_round``; filtered by any of
        ``review_id``, ``item_id``, ``session_id``."""
        where, args = [], []
        for column, value in (("g.review_id", review_id), ("g.item_id", item_id),
                              ("r.session_id", session_id)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        rows = self._rows(
            "SELECT g.*, r.rating, r.reviewed_at, r.mode, r.session_id, r.loop_round "
            "FROM graded_steps AS g JOIN reviews AS r ON r.id = g.review_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY g.review_id, g.position", tuple(args))
        for row in rows:
            row["consistent"] = bool(row["consistent"])
        return rows

    @_guarded("nothing")
    def step_totals_by_topic(self, since_day: date | None = None) -> dict[str, dict[str, Any]]:
        """Per topic: how many graded steps (cases and probes), how many of each status, and
        the mean credit — what stats and weak areas count steps by."""
        rows = self._rows(
            "SELECT g.topic, g.status, COUNT(*) AS steps, SUM(g.credit) AS credit "
            "FROM graded_steps AS g JOIN reviews AS r ON r.id = g.review_id"
            + (" WHERE r.study_day >= ?" if since_day else "")
            + " GROUP BY g.topic, g.status ORDER BY g.topic, g.status",
            (since_day.isoformat(),) if since_day else ())
        totals: dict[str, dict[str, Any]] = {}
        for row in rows:
            topic = totals.setdefault(row["topic"], {"steps": 0, "credit": 0.0, "statuses": {}})
            topic["steps"] += row["steps"]
            topic["credit"] += row["credit"] or 0.0
            topic["statuses"][row["status"]] = row["steps"]
        for topic in totals.values():
            topic["mean_credit"] = topic["credit"] / topic["steps"] if topic["steps"] else None
        return totals

    # -- stories (the player's own, versioned) ----------------------------------------------

    @_guarded("your story")
    def save_story(self, story_id: int | None, title: str, body: str,
                   saved_at: datetime) -> tuple[int, int]:
        """Keep a new version of story ``story_id`` (``None``: a new story) and return
        ``(story_id, version)``. Earlier versions are never changed or removed; saving the
        same title and body as the latest version adds nothing and returns that version."""
        with self.transaction() as conn:
            if story_id is None:
                story_id = int(conn.execute("INSERT INTO stories (created_at) VALUES (?)",
                                            (iso(saved_at),)).lastrowid or 0)
            elif conn.execute("SELECT 1 FROM stories WHERE id = ?",
                              (story_id,)).fetchone() is None:
                raise StoreError(f"{_shown(self.path)}: no story {story_id} to save into",
                                 "other")
            latest = conn.execute(
                "SELECT version, title, body FROM story_versions WHERE story_id = ? "
                "ORDER BY version DESC LIMIT 1", (story_id,)).fetchone()
            if latest is not None and (latest[1], latest[2]) == (title, body):
                return story_id, int(latest[0])
            version = int(latest[0]) + 1 if latest is not None else 1
            conn.execute(
                "INSERT INTO story_versions (story_id, version, title, body, saved_at) "
                "VALUES (?, ?, ?, ?, ?)", (story_id, version, title, body, iso(saved_at)))
            return story_id, version

    @_guarded("nothing")
    def stories(self, include_archived: bool = False) -> list[dict[str, Any]]:
        """Each story's latest version (``id``, ``version``, ``title``, ``body``,
        ``saved_at``, ``created_at``, ``archived_at``, ``versions``), oldest story first."""
        return self._rows(
            "SELECT s.id, v.version, v.title, v.body, v.saved_at, s.created_at, s.archived_at, "
            "(SELECT COUNT(*) FROM story_versions WHERE story_id = s.id) AS versions "
            "FROM stories AS s JOIN story_versions AS v ON v.story_id = s.id AND v.version = "
            "(SELECT MAX(version) FROM story_versions WHERE story_id = s.id)"
            + ("" if include_archived else " WHERE s.archived_at IS NULL")
            + " ORDER BY s.id", ())

    @_guarded("nothing")
    def story_versions(self, story_id: int) -> list[dict[str, Any]]:
        """Every saved version of story ``story_id``, oldest first."""
        return self._rows("SELECT version, title, body, saved_at FROM story_versions "
                          "WHERE story_id = ? ORDER BY version", (story_id,))

    @_guarded("the change to your story")
    def archive_story(self, story_id: int, archived_at: datetime | None) -> None:
        """Hide story ``story_id`` from the list (``None`` brings it back); its versions
        stay in the file."""
        with self.transaction() as conn:
            conn.execute("UPDATE stories SET archived_at = ? WHERE id = ?",
                         (iso(archived_at) if archived_at else None, story_id))

    # -- drafts ---------------------------------------------------------------------------

    @_guarded("your draft")
    def save_draft(self, key: str, text: str, saved_at: datetime | None = None) -> None:
        """Keep ``text`` as the draft ``key`` (``card:<item id>``, ``loop:<session>:<item>``;
        see ``engine.study.session.draft_key``); blank text deletes it.

        One upsert of one small row, cheap enough to call every few keystrokes (~0.1 ms on
        a five-year file: the drafts table is tiny whatever the history). ``saved_at``
        defaults to the store's clock.
        """
        with self.transaction() as conn:
            if text.strip():
                _put_draft(conn, key, text, saved_at or self._now())
            else:
                conn.execute("DELETE FROM drafts WHERE key = ?", (key,))

    @_guarded("nothing")
    def draft(self, key: str) -> str | None:
        """The draft kept under ``key``, or ``None``."""
        row = self.conn.execute("SELECT text FROM drafts WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @_guarded("the draft's removal")
    def clear_draft(self, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM drafts WHERE key = ?", (key,))

    @_guarded("removing old drafts")
    def prune_drafts(self, now: datetime | None = None) -> int:
        """Delete the drafts untouched for more than ``DRAFT_KEEP_DAYS`` days before ``now``
        (default: the store's clock); returns how many went. A draft exactly that old stays.

        Drafts were never deleted but by their answer, so a card left half-answered and
        never met again kept its draft for ever. The opening of the store calls this: one
        read to see whether anything is that old, and only then one ``DELETE`` in a write
        transaction, so an ordinary open takes no write lock for it. Only opens that keep the
        file (``auto_backup``, the app's and the commands') prune: a thread worker's second
        connection has no clock of its own (a test's fake clock is the app's), and a scratch
        copy is not written to.

        Age alone decides. A draft whose card is in no deck loaded today is kept like any
        other (the store does not know the bank): a deck folder may be missing today (an
        unmounted disk, a ``deck_dirs`` entry renamed) and back tomorrow with the card, and
        what was typed for it must still be there.
        """
        cutoff = iso((now or self._now()) - timedelta(days=DRAFT_KEEP_DAYS))
        if self.conn.execute("SELECT 1 FROM drafts WHERE updated_at < ? LIMIT 1",
                             (cutoff,)).fetchone() is None:
            return 0
        with self.transaction() as conn:
            return conn.execute("DELETE FROM drafts WHERE updated_at < ?", (cutoff,)).rowcount

    def _prune_drafts_quietly(self) -> None:
        """``prune_drafts`` at open; another program holding the write lock only postpones it
        to the next open (it is housekeeping, not a reason to refuse the file)."""
        try:
            self.prune_drafts()
        except StoreError as error:
            if error.kind != "busy":
                raise

    def _now(self) -> datetime:
        from engine.clock import SystemClock

        return (self.clock or SystemClock()).now()

    # -- sessions -------------------------------------------------------------------------

    @_guarded("the new session")
    def start_session(self, mode: str, started_at: datetime, config: Mapping[str, Any],
                      level: str | None = None) -> int:
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (mode, started_at, status, level, config_json) "
                "VALUES (?, ?, 'active', ?, ?)",
                (mode, iso(started_at), level, json.dumps(dict(config), default=str)),
            )
            return int(cursor.lastrowid or 0)

    @_guarded("the session's end")
    def end_session(self, session_id: int, ended_at: datetime, status: str = "finished",
                    verdict: str | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sessions SET ended_at = ?, status = ?, verdict = COALESCE(?, verdict) "
                "WHERE id = ?",
                (iso(ended_at), status, verdict, session_id),
            )

    @_guarded("the loop round")
    def record_loop_round(self, session_id: int, position: int, round_name: str,
                          seconds_planned: float, seconds_used: float | None,
                          score: float | None, rating: str | None, status: str) -> None:
        """Insert or update one round of a loop (one row per session and position)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO loop_rounds (session_id, position, round, seconds_planned, "
                "seconds_used, score, rating, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id, position) DO UPDATE SET "
                "seconds_used = excluded.seconds_used, score = excluded.score, "
                "rating = excluded.rating, status = excluded.status",
                (session_id, position, round_name, seconds_planned, seconds_used, score,
                 rating, status),
            )

    @_guarded("nothing")
    def loop_rounds(self, session_id: int) -> list[dict[str, Any]]:
        return list(self._rows(
            "SELECT * FROM loop_rounds WHERE session_id = ? ORDER BY position", (session_id,)))

    @_guarded("the promotion")
    def add_promotion(self, level: str, promoted_at: datetime, session_id: int | None) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO promotions (level, promoted_at, session_id) "
                         "VALUES (?, ?, ?)", (level, iso(promoted_at), session_id))

    @_guarded("nothing")
    def promotions(self) -> list[dict[str, Any]]:
        return list(self._rows("SELECT * FROM promotions ORDER BY promoted_at, id"))

    @_guarded("nothing")
    def session(self, session_id: int) -> dict[str, Any] | None:
        rows = list(self._rows("SELECT * FROM sessions WHERE id = ?", (session_id,)))
        return rows[0] if rows else None

    @_guarded("nothing")
    def sessions(self, mode: str | None = None) -> list[dict[str, Any]]:
        if mode is None:
            return list(self._rows("SELECT * FROM sessions ORDER BY id"))
        return list(self._rows("SELECT * FROM sessions WHERE mode = ? ORDER BY id", (mode,)))

    @_guarded("the session change")
    def update_session(self, session_id: int, **fields: Any) -> None:
        """Set some of a session's columns (level, verdict, paused_seconds, config_json)."""
        allowed = {"level", "verdict", "paused_seconds", "config_json", "status", "ended_at"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update session column(s) {', '.join(sorted(unknown))}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.transaction() as conn:
            conn.execute(f"UPDATE sessions SET {assignments} WHERE id = ?",
                         (*fields.values(), session_id))

    @_guarded("closing old sessions")
    def abandon_stale_sessions(self, now: datetime, idle_hours: float = 6.0) -> int:
        """Mark sessions left 'active' by a killed app as abandoned once idle that long.

        Another instance may be mid-session on the same file, so only sessions with no answer
        and no start in the last ``idle_hours`` are closed. Loops also get verdict
        'abandoned'. Returns how many were closed.
        """
        from datetime import timedelta

        cutoff = iso(now - timedelta(hours=idle_hours))
        with self.transaction() as conn:
            stale = [row[0] for row in conn.execute(
                "SELECT s.id FROM sessions s WHERE s.status = 'active' AND s.started_at < ? "
                "AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.session_id = s.id "
                "AND r.reviewed_at >= ?)", (cutoff, cutoff))]
            for session_id in stale:
                conn.execute(
                    "UPDATE sessions SET status = 'abandoned', ended_at = COALESCE(("
                    "SELECT MAX(reviewed_at) FROM reviews WHERE session_id = ?), started_at), "
                    "verdict = CASE WHEN mode = 'loop' THEN 'abandoned' ELSE verdict END "
                    "WHERE id = ?", (session_id, session_id))
        return len(stale)

    # -- queries --------------------------------------------------------------------------

    @_guarded("nothing")
    def count_reviews(self, since: datetime | None = None, mode: str | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM reviews WHERE 1 = 1", []
        if since is not None:
            sql += " AND reviewed_at >= ?"
            args.append(iso(since))
        if mode is not None:
            sql += " AND mode = ?"
            args.append(mode)
        return int(self.conn.execute(sql, args).fetchone()[0])

    @_guarded("nothing")
    def new_cards_since(self, since: datetime, mode: str = "drill") -> int:
        """Cards first met in ``mode`` at or after ``since``: the daily new-card budget is the
        drill's, so a loop or a weak-area session does not spend it. A custom-study session
        spends it only when asked (``spend_new`` in its config; see ``engine.study.custom``)."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM reviews WHERE reviewed_at >= ? AND was_new = 1 AND (mode = ? "
            "OR (? = 'drill' AND mode = 'custom' AND session_id IN (SELECT id FROM sessions "
            "WHERE mode = 'custom' AND json_extract(config_json, '$.spend_new') = 1)))",
            (iso(since), mode, mode),
        ).fetchone()[0])

    @_guarded("nothing")
    def cards_answered_since(self, since: datetime) -> set[str]:
        """Ids of the cards answered (in any mode) at or after ``since``: today's, for
        burying their siblings. Read on the time index: the cost follows today's answers
        (INDEXED BY: left alone, SQLite walks the whole (card_id, reviewed_at) index to avoid
        sorting for DISTINCT, 60 ms on five years instead of well under 1 ms)."""
        return {row[0] for row in self.conn.execute(
            "SELECT DISTINCT card_id FROM reviews INDEXED BY reviews_time "
            "WHERE reviewed_at >= ?", (iso(since),))}

    @_guarded("nothing")
    def review_cards_reviewed_since(self, since: datetime, mode: str = "drill") -> int:
        """Reviews in ``mode`` since ``since`` of cards that were not new when reviewed."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM reviews WHERE reviewed_at >= ? AND was_new = 0 AND mode = ?",
            (iso(since), mode),
        ).fetchone()[0])

    @_guarded("nothing")
    def streak_days(self, today: date) -> int:
        """The streak (see ``streak_days``) from the per-day totals: the newest study day up
        to today, then the start of its run of consecutive days (found by scanning back from
        it to the first day whose eve was not studied; SQLite does the scan, ~1 ms for a
        five-year streak)."""
        row = self.conn.execute(
            "SELECT MAX(study_day) FROM day_totals WHERE answers > 0 AND study_day <= ?",
            (today.isoformat(),)).fetchone()
        if row[0] is None:
            return 0
        latest = _stored_day(self.path, row[0])
        if latest < today - timedelta(days=1):
            return 0
        first = self.conn.execute(
            "SELECT study_day FROM day_totals AS d WHERE answers > 0 AND study_day <= ? "
            "AND NOT EXISTS (SELECT 1 FROM day_totals AS eve WHERE eve.answers > 0 "
            "AND eve.study_day = date(d.study_day, '-1 day')) "
            "ORDER BY study_day DESC LIMIT 1", (latest.isoformat(),)).fetchone()
        return (latest - _stored_day(self.path, first[0])).days + 1

    @_guarded("nothing")
    def study_days(self) -> list[date]:
        """Distinct local study days with at least one review, newest first."""
        rows = self.conn.execute(
            "SELECT study_day FROM day_totals WHERE answers > 0 ORDER BY study_day DESC"
        ).fetchall()
        return [_stored_day(self.path, row[0]) for row in rows]

    @_guarded("nothing")
    def reviews(self, session_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM reviews"
        args: tuple[Any, ...] = ()
        if session_id is not None:
            sql += " WHERE session_id = ?"
            args = (session_id,)
        return list(self._rows(sql + " ORDER BY id", args))


def _split_sql(script: str) -> list[str]:
    """A migration script's statements; a trigger's body (``BEGIN ...; ...; END``) stays one
    statement, since a piece counts only once SQLite calls it complete."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip())
    return statements


def _stored_day(path: Path, text: Any) -> date:
    """A stored study day (``YYYY-MM-DD``); anything else is damage."""
    try:
        return date.fromisoformat(text)
    except _DECODE_ERRORS as error:
        raise _damaged_row(path, f"study day {text!r}", error) from None


def _card_row(row: tuple[Any, ...]) -> CardRow:
    return CardRow(
        id=row[0], fsrs_id=row[1], state=row[2], step=row[3], stability=row[4],
        difficulty=row[5], due=from_iso(row[6]),
        last_review=from_iso(row[7]) if row[7] else None, reps=row[8], lapses=row[9],
    )


_CARD_COLUMNS = ("id, fsrs_id, state, step, stability, difficulty, due, last_review, reps, "
                 "lapses")


def _decoded_card(path: Path, row: tuple[Any, ...]) -> CardRow:
    """A stored card row as a ``CardRow``; a row that does not decode is damage."""
    try:
        return _card_row(row)
    except _DECODE_ERRORS as error:
        raise _damaged_row(path, f"card {row[0]!r}", error) from None


def _read_card(path: Path, conn: sqlite3.Connection, card_id: str) -> CardRow | None:
    row = conn.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE id = ?",
                       (card_id,)).fetchone()
    return _decoded_card(path, row) if row else None


def _review_before(path: Path, conn: sqlite3.Connection,
                   review_id: int) -> tuple[CardRow, datetime]:
    row = conn.execute("SELECT card_before_json, reviewed_at FROM reviews WHERE id = ?",
                       (review_id,)).fetchone()
    if row is None or row[0] is None:
        raise StoreError(f"{_shown(path)}: review {review_id} not found to re-rate", "other")
    try:
        return CardRow.from_dict(json.loads(row[0])), from_iso(row[1])
    except _DECODE_ERRORS as error:  # json.JSONDecodeError is a ValueError
        raise _damaged_row(path, f"review {review_id}", error) from None


def _insert_kata_attempt(conn: sqlite3.Connection, review_id: int, attempted_at: datetime,
                         attempt: KataAttemptRecord) -> None:
    conn.execute(
        "INSERT INTO kata_attempts (review_id, kata_id, attempted_at, code, cases_json, passed, "
        "failed, error_kind, error_message, seconds, check_seconds, seed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (review_id, attempt.kata_id, iso(attempted_at), attempt.code, attempt.cases_json,
         attempt.passed, attempt.failed, attempt.error_kind, attempt.error_message,
         attempt.seconds, attempt.check_seconds, attempt.seed))


def _insert_graded_step(conn: sqlite3.Connection, review_id: int, step: GradedStepRecord) -> None:
    conn.execute(
        "INSERT INTO graded_steps (review_id, item_id, position, step_id, kind, topic, prompt, "
        "answer_text, value, reference, reference_from_answers, picked, right_option, "
        "right_option_from_answers, unit, status, band, consistent, credit, slip, message) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (review_id, step.item_id, step.position, step.step_id, step.kind, step.topic,
         step.prompt, step.answer_text, _finite_or_none(step.value),
         _finite_or_none(step.reference), _finite_or_none(step.reference_from_answers),
         step.picked, step.right_option, step.right_option_from_answers, step.unit,
         step.status, step.band, int(step.consistent), float(step.credit), step.slip,
         step.message))


def _finite_or_none(value: float | None) -> float | None:
    """SQLite stores inf and NaN poorly (NaN becomes NULL, inf reads back as a float that
    JSON refuses): a step's number that is not finite is kept as no number."""
    import math

    return value if value is not None and math.isfinite(value) else None


def _put_draft(conn: sqlite3.Connection, key: str, text: str, saved_at: datetime) -> None:
    conn.execute("INSERT INTO drafts (key, text, updated_at) VALUES (?, ?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET text = excluded.text, "
                 "updated_at = excluded.updated_at", (key, text, iso(saved_at)))


def _upsert_card(conn: sqlite3.Connection, card: CardRow, created_at: datetime | None) -> None:
    """Write a card's state inside the caller's transaction.

    A card already stored keeps its ``fsrs_id``. A new card's ``fsrs_id`` was read outside
    this transaction (``next_fsrs_id``), so another instance on the same file may have taken
    it meanwhile; then the next free id is used instead of failing the answer.
    """
    values = asdict(card)
    stored = conn.execute("SELECT fsrs_id FROM cards WHERE id = ?", (card.id,)).fetchone()
    if stored is not None:
        conn.execute(
            "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
            "last_review = ?, reps = ?, lapses = ? WHERE id = ?",
            (values["state"], values["step"], values["stability"], values["difficulty"],
             iso(card.due), iso(card.last_review) if card.last_review else None,
             values["reps"], values["lapses"], card.id),
        )
        return
    fsrs_id = values["fsrs_id"]
    if conn.execute("SELECT 1 FROM cards WHERE fsrs_id = ?", (fsrs_id,)).fetchone():
        fsrs_id = conn.execute("SELECT COALESCE(MAX(fsrs_id), 0) + 1 FROM cards").fetchone()[0]
    conn.execute(
        "INSERT INTO cards (id, fsrs_id, state, step, stability, difficulty, due, last_review, "
        "reps, lapses, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            values["id"], fsrs_id, values["state"], values["step"],
            values["stability"], values["difficulty"], iso(card.due),
            iso(card.last_review) if card.last_review else None, values["reps"],
            values["lapses"], iso(created_at or card.due),
        ),
    )
