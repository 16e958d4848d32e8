"""The hardware catalog: accelerators, interconnects, memory generations, systems.

``content/hardware.toml`` holds one table per part in SI units with a source per entry. Facts
in the decks read their numbers from here (``catalog = "h100_sxm.bf16_dense_flops"``), so a
figure is typed once and corrected once.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from content._toml_cache import cached_parse

#: Catalog tables, in display order, and what each holds.
KINDS: dict[str, str] = {
    "accelerators": "accelerator",
    "interconnects": "interconnect",
    "memory": "memory generation",
    "systems": "system",
}

#: Largest figure a catalog field may hold (the same bound decks have: far above any real
#: part's figure in SI, far below float overflow).
MAX_FIGURE = 1e30

#: SI unit of each numeric field, by exact name; see ``field_unit`` for the suffix rules.
_FIELD_UNITS: dict[str, str] = {
    "memory_bytes": "byte",
    "memory_bandwidth": "byte/s",
    "pin_rate_gbps": "Gbit/s",
    "per_stack_bandwidth": "byte/s",
    "bus_width_bits": "bit",
    "tdp_watts": "W",
    "scaleup_bandwidth_per_direction": "byte/s",
    "bandwidth_per_direction": "byte/s",
}


def field_unit(field_name: str) -> str:
    """The unit a catalog field's number is written in (SI, except ``*_gbps`` in Gbit/s).

    Exact names first, then suffixes: ``*_flops`` FLOP/s, ``*_bytes`` byte, ``*bandwidth*``
    byte/s, ``*_watts`` W, ``*_gbps`` Gbit/s, ``*_seconds`` s; anything else is a plain count.
    """
    if field_name in _FIELD_UNITS:
        return _FIELD_UNITS[field_name]
    if field_name.endswith("_flops"):
        return "FLOP/s"
    if field_name.endswith("_bytes"):
        return "byte"
    if "bandwidth" in field_name:
        return "byte/s"
    if field_name.endswith("_watts"):
        return "W"
    if field_name.endswith("_gbps"):
        return "Gbit/s"
    if field_name.endswith("_seconds"):
        return "s"
    return ""


class CatalogError(ValueError):
    """The catalog file is missing, malformed, or a reference into it names nothing."""


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One part: its id, which table it sits in, and its fields exactly as the file has them."""

    id: str
    kind: str
    fields: Mapping[str, Any]

    @property
    def name(self) -> str:
        return str(self.fields.get("name", self.id))

    @property
    def source(self) -> str:
        return str(self.fields.get("source", ""))

    def source_for(self, field_name: str) -> str:
        """The source of one field: its own ``field_sources`` entry, else the entry's source."""
        per_field = self.fields.get("field_sources", {})
        return str(per_field.get(field_name, self.source))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": KINDS[self.kind], **self.fields}


@dataclass(frozen=True, slots=True)
class CatalogValue:
    """A number read from the catalog, with its unit and source, for a fact to quote."""

    value: float
    unit: str
    source: str
    entry: CatalogEntry
    field: str


@dataclass(frozen=True)
class Catalog:
    """All catalog entries by id (ids are unique across tables)."""

    entries: Mapping[str, CatalogEntry] = field(default_factory=dict)
    path: str = ""

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries.values())

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.entries

    def get(self, entry_id: str) -> CatalogEntry:
        """The entry ``entry_id``, or a ``CatalogError`` listing the ids there are."""
        try:
            return self.entries[entry_id]
        except KeyError:
            raise CatalogError(
                f"unknown hardware id {entry_id!r}; known ids: {', '.join(self.entries)}"
            ) from None

    def of_kind(self, kind: str) -> list[CatalogEntry]:
        return [entry for entry in self.entries.values() if entry.kind == kind]

    def accelerators(self) -> dict[str, dict[str, Any]]:
        """Accelerator id -> fields: the shape the model registry takes for ``gpu=<id>``."""
        return {e.id: dict(e.fields) for e in self.of_kind("accelerators")}

    def lookup(self, reference: str) -> CatalogValue:
        """Resolve ``"<entry id>.<field>"`` to its number, unit and source."""
        entry_id, _, field_name = reference.partition(".")
        if not field_name:
            raise CatalogError(
                f"catalog reference {reference!r} must look like 'h100_sxm.tdp_watts'"
            )
        entry = self.get(entry_id)
        if field_name not in entry.fields:
            numeric = [k for k, v in entry.fields.items() if _is_number(v)]
            raise CatalogError(
                f"{entry_id} has no field {field_name!r}; its numeric fields: {', '.join(numeric)}"
            )
        raw = entry.fields[field_name]
        if not _is_number(raw):
            raise CatalogError(f"{reference} is {raw!r}, not a number")
        return CatalogValue(float(raw), field_unit(field_name), entry.source_for(field_name),
                            entry, field_name)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_catalog(text: str, path: str = "hardware.toml",
                  cache_dir: Path | None = None) -> Catalog:
    """Parse catalog TOML, checking every entry has a name and a source and ids are unique.

    ``cache_dir`` reuses an earlier parse of the same text (see ``content._toml_cache``)."""
    try:
        data = cached_parse(text, path, cache_dir, tomllib.loads)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:
        raise CatalogError(f"{path}: not readable TOML: nested too deeply") from None
    entries: dict[str, CatalogEntry] = {}
    for kind, table in data.items():
        if kind not in KINDS:
            raise CatalogError(f"{path}: unknown table [{kind}]; tables: {', '.join(KINDS)}")
        if not isinstance(table, dict):
            raise CatalogError(f"{path}: [{kind}] must be a table of entries")
        for entry_id, fields in table.items():
            if not isinstance(fields, dict):
                raise CatalogError(f"{path}: {kind}.{entry_id} must be a table")
            if entry_id in entries:
                raise CatalogError(f"{path}: id {entry_id!r} appears twice")
            for required in ("name", "source"):
                if not str(fields.get(required, "")).strip():
                    raise CatalogError(f"{path}, entry {entry_id}: missing {required!r}")
            for field_name, raw in fields.items():
                if _is_number(raw) and not (math.isfinite(raw) and 0 < raw <= MAX_FIGURE):
                    raise CatalogError(
                        f"{path}, entry {entry_id}: {field_name} = {raw!r} must be a finite "
                        f"positive number (at most {MAX_FIGURE:g}); leave a figure out "
                        f"rather than write 0"
                    )
            entries[entry_id] = CatalogEntry(entry_id, kind, fields)
    return Catalog(entries, path)


def builtin_catalog_path() -> Path:
    return Path(str(resources.files("content").joinpath("hardware.toml")))


@lru_cache(maxsize=2)
def builtin_catalog(cache_dir: Path | None = None) -> Catalog:
    """The catalog shipped with the package, parsed once per process (and, with
    ``cache_dir``, reused between runs)."""
    path = builtin_catalog_path()
    return parse_catalog(path.read_text(encoding="utf-8"), str(path), cache_dir)
