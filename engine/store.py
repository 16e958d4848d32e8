"""Progress storage: one SQLite file through sqlite-utils, migrated in code.

There is one writer path: every review goes in with its card's new FSRS state in a single
``BEGIN IMMEDIATE`` transaction, before the player sees feedback, so a crash never loses an
answer the player saw graded. Timestamps are UTC ISO-8601 strings with microseconds, which
sort as text; ``study_day`` is the player's local day after the rollover hour.

The schema is written for what comes next too: ``sessions`` carries loop verdicts and levels,
``reviews`` carries the numbers that weak-area ranking, bias and calibration need.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message names the file and what to do."""


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
}


class Store:
    """The progress database. Make one per thread: SQLite connections do not cross threads."""

    def __init__(self, path: Path | str) -> None:
        import sqlite_utils

        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=10.0, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(path) != ":memory:" and str(mode).lower() != "wal":
                raise StoreError(f"{self.path}: could not switch the database to WAL mode")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"{self.path}: cannot open the progress database ({error}). "
                "If it is not a tpm-drill database, pass another file with --db; "
                "the file was left untouched."
            ) from None
        except OSError as error:
            raise StoreError(f"{self.path}: cannot open ({error}).") from None

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.conn.close()

    # -- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        if not self.db["meta"].exists():
            return 0
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        tables = set(self.db.table_names())
        if tables and "meta" not in tables:
            raise StoreError(
                f"{self.path}: this SQLite file is not a tpm-drill database "
                f"(it has tables {', '.join(sorted(tables))}); the file was left untouched. "
                "Pass another path with --db."
            )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer tpm-drill (schema {current}, this one knows "
                f"{SCHEMA_VERSION}). Upgrade tpm-drill; the file was left untouched."
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction() as conn:
                for statement in _split_sql(_MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(version),),
                )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken ``IMMEDIATE`` so two instances queue instead of failing."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- cards ----------------------------------------------------------------------------

    def card(self, card_id: str) -> CardRow | None:
        row = self.conn.execute(
            "SELECT id, fsrs_id, state, step, stability, difficulty, due, last_review, reps, "
            "lapses FROM cards WHERE id = ?",
            (card_id,),
        ).fetchone()
        return _card_row(row) if row else None

    def cards(self) -> dict[str, CardRow]:
        rows = self.conn.execute(
            "SELECT id, fsrs_id, state, step, stability, difficulty, due, last_review, reps, "
            "lapses FROM cards WHERE suspended = 0"
        ).fetchall()
        return {row[0]: _card_row(row) for row in rows}

    def seen_card_ids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT id FROM cards")}

    def next_fsrs_id(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(fsrs_id), 0) + 1 FROM cards").fetchone()
        return int(row[0])

    # -- the one writer path --------------------------------------------------------------

    def record_review(self, review: ReviewRecord, card_after: CardRow) -> int:
        """Insert the review and upsert its card's new state atomically; return the review id."""
        with self.transaction() as conn:
            _upsert_card(conn, card_after, review.reviewed_at)
            cursor = conn.execute(
                "INSERT INTO reviews (card_id, session_id, reviewed_at, study_day, rating, mode, "
                "kind, topic, answer_text, parsed_value, reference_value, display_unit, band, "
                "rel_error, log10_error, interval_lo, interval_hi, params_json, seed, "
                "duration_ms, suggested_rating, override, was_new, card_before_json, "
                "auto_score, self_score, loop_round) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?)",
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
                ),
            )
            return int(cursor.lastrowid or 0)

    def override_rating(self, review_id: int, rating: int, card_after: CardRow,
                        self_score: float | None = None, is_override: bool | None = None) -> None:
        """Change a just-recorded review's rating and its card's state, in one transaction.

        ``is_override`` defaults to "differs from the suggested rating"; a self-check that
        re-derives the rating from the player's ticks passes ``False`` with its ``self_score``.
        """
        with self.transaction() as conn:
            updated = conn.execute(
                "UPDATE reviews SET rating = ?, override = COALESCE(?, ? IS NOT suggested_rating), "
                "self_score = COALESCE(?, self_score) WHERE id = ? AND card_id = ?",
                (rating, None if is_override is None else int(is_override), rating, self_score,
                 review_id, card_after.id),
            ).rowcount
            if updated != 1:
                raise StoreError(f"{self.path}: review {review_id} not found to re-rate")
            _upsert_card(conn, card_after, None)

    # -- sessions -------------------------------------------------------------------------

    def start_session(self, mode: str, started_at: datetime, config: Mapping[str, Any],
                      level: str | None = None) -> int:
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (mode, started_at, status, level, config_json) "
                "VALUES (?, ?, 'active', ?, ?)",
                (mode, iso(started_at), level, json.dumps(dict(config), default=str)),
            )
            return int(cursor.lastrowid or 0)

    def end_session(self, session_id: int, ended_at: datetime, status: str = "finished",
                    verdict: str | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sessions SET ended_at = ?, status = ?, verdict = COALESCE(?, verdict) "
                "WHERE id = ?",
                (iso(ended_at), status, verdict, session_id),
            )

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

    def loop_rounds(self, session_id: int) -> list[dict[str, Any]]:
        return list(self.db.query(
            "SELECT * FROM loop_rounds WHERE session_id = ? ORDER BY position", (session_id,)))

    def add_promotion(self, level: str, promoted_at: datetime, session_id: int | None) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO promotions (level, promoted_at, session_id) "
                         "VALUES (?, ?, ?)", (level, iso(promoted_at), session_id))

    def promotions(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM promotions ORDER BY promoted_at, id"))

    def session(self, session_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM sessions WHERE id = ?", (session_id,)))
        return rows[0] if rows else None

    def sessions(self, mode: str | None = None) -> list[dict[str, Any]]:
        if mode is None:
            return list(self.db.query("SELECT * FROM sessions ORDER BY id"))
        return list(self.db.query("SELECT * FROM sessions WHERE mode = ? ORDER BY id", (mode,)))

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

    def count_reviews(self, since: datetime | None = None, mode: str | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM reviews WHERE 1 = 1", []
        if since is not None:
            sql += " AND reviewed_at >= ?"
            args.append(iso(since))
        if mode is not None:
            sql += " AND mode = ?"
            args.append(mode)
        return int(self.conn.execute(sql, args).fetchone()[0])

    def new_cards_since(self, since: datetime, mode: str = "drill") -> int:
        """Cards first met in ``mode`` at or after ``since``: the daily new-card budget is the
        drill's, so a loop or a weak-area session does not spend it."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM reviews WHERE reviewed_at >= ? AND was_new = 1 AND mode = ?",
            (iso(since), mode),
        ).fetchone()[0])

    def review_cards_reviewed_since(self, since: datetime, mode: str = "drill") -> int:
        """Reviews in ``mode`` since ``since`` of cards that were not new when reviewed."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM reviews WHERE reviewed_at >= ? AND was_new = 0 AND mode = ?",
            (iso(since), mode),
        ).fetchone()[0])

    def study_days(self) -> list[date]:
        """Distinct local study days with at least one review, newest first."""
        rows = self.conn.execute(
            "SELECT DISTINCT study_day FROM reviews ORDER BY study_day DESC"
        ).fetchall()
        return [date.fromisoformat(row[0]) for row in rows]

    def reviews(self, session_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM reviews"
        args: tuple[Any, ...] = ()
        if session_id is not None:
            sql += " WHERE session_id = ?"
            args = (session_id,)
        return list(self.db.query(sql + " ORDER BY id", args))


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _card_row(row: tuple[Any, ...]) -> CardRow:
    return CardRow(
        id=row[0], fsrs_id=row[1], state=row[2], step=row[3], stability=row[4],
        difficulty=row[5], due=from_iso(row[6]),
        last_review=from_iso(row[7]) if row[7] else None, reps=row[8], lapses=row[9],
    )


def _upsert_card(conn: sqlite3.Connection, card: CardRow, created_at: datetime | None) -> None:
    values = asdict(card)
    conn.execute(
        "INSERT INTO cards (id, fsrs_id, state, step, stability, difficulty, due, last_review, "
        "reps, lapses, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET state = excluded.state, step = excluded.step, "
        "stability = excluded.stability, difficulty = excluded.difficulty, due = excluded.due, "
        "last_review = excluded.last_review, reps = excluded.reps, lapses = excluded.lapses",
        (
            values["id"], values["fsrs_id"], values["state"], values["step"],
            values["stability"], values["difficulty"], iso(card.due),
            iso(card.last_review) if card.last_review else None, values["reps"],
            values["lapses"], iso(created_at or card.due),
        ),
    )
