"""Export the player's history: every review, session, loop round and promotion.

Two formats, both streamed row by row from SQLite (no table is held in memory):

- **CSV** — one sheet a spreadsheet opens directly. The first column, ``record``, says what a
  row is (``review``, ``session``, ``loop_round``, ``promotion``); the other columns are the
  union of the tables' columns, in table order, each row filling its own table's columns and
  leaving the rest empty. Filter on ``record`` to get one table. Columns that mean the same
  thing share one column (``id`` is the row's id within its table, ``session_id`` the session
  it belongs to); ``rating`` is 1–4 on a review and a hire rating on a loop round.
- **JSON** — ``{"reviews": [...], "sessions": [...], "loop_rounds": [...], "promotions":
  [...]}``, one object per row with the table's column names, except that the columns stored as
  JSON text (``params_json``, ``card_before_json``, ``config_json``) are decoded into objects
  under their names without ``_json`` (``params``, ``card_before``, ``config``).

Columns are read from the schema at export time, so columns added by later migrations are
exported without changes here.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from typing import Any, Literal, TextIO

from engine import finite_or_none
from engine.store.db import Store

#: Tables exported, with their record name (CSV) and key (JSON), in this order.
TABLES: tuple[tuple[str, str, str], ...] = (
    ("reviews", "review", "reviews"),
    ("sessions", "session", "sessions"),
    ("loop_rounds", "loop_round", "loop_rounds"),
    ("promotions", "promotion", "promotions"),
)
#: Columns holding JSON text, decoded in the JSON export.
JSON_COLUMNS = {"params_json", "card_before_json", "config_json"}


def export_reviews(store: Store, fmt: Literal["csv", "json"], out: TextIO) -> dict[str, int]:
    """Write the whole history to ``out`` as ``"csv"`` or ``"json"``; return rows per table.

    Reads in one transaction-free pass per table (SQLite's WAL gives each statement a
    consistent snapshot); a concurrent writer is not blocked.
    """
    if fmt == "csv":
        return _export_csv(store, out)
    if fmt == "json":
        return _export_json(store, out)
    raise ValueError(f"unknown export format {fmt!r}: use 'csv' or 'json'")


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    """The table's rows in id order, fetched lazily from the cursor."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    yield from conn.execute(f"SELECT {quoted} FROM {table} ORDER BY id")


def _export_csv(store: Store, out: TextIO) -> dict[str, int]:
    conn = store.conn
    table_columns = {table: _columns(conn, table) for table, _, _ in TABLES}
    header: list[str] = ["record"]
    for table, _, _ in TABLES:
        header.extend(c for c in table_columns[table] if c not in header)
    position = {name: index for index, name in enumerate(header)}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    counts: dict[str, int] = {}
    for table, record, key in TABLES:
        columns = table_columns[table]
        slots = [position[c] for c in columns]
        count = 0
        for row in _rows(conn, table, columns):
            line: list[Any] = [""] * len(header)
            line[0] = record
            for slot, value in zip(slots, row, strict=True):
                line[slot] = "" if value is None else value
            writer.writerow(line)
            count += 1
        counts[key] = count
    return counts


def _export_json(store: Store, out: TextIO) -> dict[str, int]:
    conn = store.conn
    counts: dict[str, int] = {}
    out.write("{")
    for index, (table, _, key) in enumerate(TABLES):
        columns = _columns(conn, table)
        names = [c.removesuffix("_json") if c in JSON_COLUMNS else c for c in columns]
        decode = [c in JSON_COLUMNS for c in columns]
        out.write(("" if index == 0 else ", ") + json.dumps(key) + ": [")
        count = 0
        for row in _rows(conn, table, columns):
            obj = {name: (_decode(value) if is_json else finite_or_none(value))
                   for name, value, is_json in zip(names, row, decode, strict=True)}
            out.write(("\n  " if count == 0 else ",\n  ") + json.dumps(obj, allow_nan=False))
            count += 1
        out.write("\n]" if count else "]")
        counts[key] = count
    out.write("}\n")
    return counts



def _decode(text: str | None) -> Any:
    """A stored JSON column as an object; text that is not JSON is kept as it is."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
