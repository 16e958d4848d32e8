"""Reading cases the way the loader does: a deck's TOML, the item's line, the loader's reader.

Tests read case tables through ``content.cases.read_case`` (registered in
``content.loader._READERS``) with the loader's own reader class and id-line index, so every
error of a case is seen on its own and located exactly as the loader locates it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from content import loader
from content.cases import Case, ItemReader, read_case
from content.loader import ContentError, DeckError, Item

CORE_FILE = Path(str(resources.files("content").joinpath("decks", "cases_core.toml")))


def read_table(text: str, table: str, read: Callable[[ItemReader, str], Item],
               file: str = "decks/t.toml") -> list[Any]:
    """Each ``[[table]]`` of ``text`` read by ``read`` (the loader's reader for that table,
    e.g. ``read_case``), or the located error it gives."""
    data = tomllib.loads(text)
    lines = loader._id_lines(text)
    found: list[Any] = []
    for index, raw in enumerate(data.get(table, [])):
        raw_id = raw.get("id")
        label = raw_id if isinstance(raw_id, str) else f"{table}[{index}] (no id)"
        line = (lines.get(raw_id) if isinstance(raw_id, str) else None) or \
            loader._header_line(text, table, index)
        try:
            found.append(read(ItemReader(raw, file, label, line), "t"))
        except DeckError as error:
            found.append(error.error)
    return found


def read_cases(text: str, file: str = "decks/t.toml") -> list[Case | ContentError]:
    """Each ``[[cases]]`` table of ``text`` as a ``Case``, or the located error it gives."""
    return read_table(text, "cases", read_case, file)


def read_one(text: str) -> Case:
    """The one case in ``text``; fails the test with the error if it does not read."""
    [case] = read_cases(text)
    assert isinstance(case, Case), case
    return case


def core_case(case_id: str = "case.train_budget") -> Case:
    """A case of the built-in ``cases_core`` deck."""
    for case in read_cases(CORE_FILE.read_text(encoding="utf-8"), str(CORE_FILE)):
        assert isinstance(case, Case), case
        if case.id == case_id:
            return case
    raise AssertionError(f"no case {case_id}")
