"""The content bank the engine serves from: decks + catalog, cross-checked against the models.

``content.loader`` checks each item's shape; here each problem's model and parameter names
are checked against the registry and each fact's catalog reference against the catalog. An
item that fails is reported (file, item, line) and left out — a broken user deck never stops
the app and never touches progress.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path

from content.catalog import Catalog, CatalogError, builtin_catalog
from content.loader import ContentError, Fact, Item, Kata, OpenQuestion, Problem, load_bank

# engine.models (the registry, its specs and the area modules) is imported where an item is
# checked: a bank read back from the cache does not need it before the first question.

_LEVEL_ORDER = {"L4": 0, "L5": 1, "L6": 2, "L7": 3, "L8": 4}
#: New open questions come one per this many new short items in the daily drill.
OPEN_EVERY = 5
#: An id family bigger than this is a collection (``hw.rule.*``: 27 unrelated rules of
#: thumb; ``open.design.*``: 14 interview questions), not the facets of one thing
#: (``run.llama3_405b.*``: 11), so its members are not siblings by family alone. A family is
#: also more than a first segment: ``units.ndr`` and ``units.adam`` are two facts of a
#: player's deck ``units``, not facets of one thing (their ids have one dot).
SIBLING_FAMILY_MAX = 12


@dataclass
class ContentBank:
    """Servable items by id, in the order new cards are introduced, plus load errors."""

    items: dict[str, Item]
    catalog: Catalog
    errors: list[ContentError] = field(default_factory=list)
    _new_order: list[str] | None = field(default=None, init=False, repr=False)
    _new_order_json: str | None = field(default=None, init=False, repr=False)
    _siblings: dict[str, frozenset[str]] | None = field(default=None, init=False, repr=False)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.items

    def get(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    def numeric(self, item_id: str) -> bool:
        """Whether the item is answered with a number (a numeric fact or a problem)."""
        item = self.items.get(item_id)
        return isinstance(item, Problem) or (isinstance(item, Fact) and not item.answers)

    def is_open(self, item_id: str) -> bool:
        return isinstance(self.items.get(item_id), OpenQuestion)

    def is_kata(self, item_id: str) -> bool:
        return isinstance(self.items.get(item_id), Kata)

    def is_case(self, item_id: str) -> bool:
        """Whether the item is a chained case (played on the case screen, or from
        ``tpm-drill case``)."""
        item = self.items.get(item_id)
        return item is not None and item.kind == "case"

    def is_long_form(self, item_id: str) -> bool:
        """Whether the item takes minutes, not seconds: an open question, a kata or a
        case."""
        return isinstance(self.items.get(item_id), OpenQuestion | Kata) or \
            self.is_case(item_id)

    def new_order(self) -> list[str]:
        """Ids in the order a new player meets them: easier levels first, topics mixed.

        Within a level the order is a stable hash of the id, so facts and problems interleave
        and the order survives edits to a deck's layout. Open interview questions, katas and
        cases take minutes, so they come in one for every ``OPEN_EVERY`` short items (custom
        study and the weak-area queue follow this order too).
        """
        if self._new_order is not None:
            return list(self._new_order)
        short = sorted((i for i in self.items if not self.is_long_form(i)), key=self._order_key)
        long = sorted((i for i in self.items if self.is_long_form(i)), key=self._order_key)
        merged: list[str] = []
        for index, item_id in enumerate(short, 1):
            merged.append(item_id)
            if index % OPEN_EVERY == 0 and long:
                merged.append(long.pop(0))
        self._new_order = merged + long
        return list(self._new_order)

    def new_order_json(self) -> str:
        """``new_order()`` as a JSON array, made once: the store looks up which of these the
        player has never met in one query (``json_each``), without reading every card id."""
        if self._new_order_json is None:
            import json

            self._new_order_json = json.dumps(self.new_order())
        return self._new_order_json

    def siblings(self, item_id: str) -> frozenset[str]:
        """The items that give ``item_id`` away or are given away by it, as Anki's sibling
        cards of one note: the same id family (the id up to its last dot, in ids of three
        segments or more: ``run.llama3_405b.gpu_hours`` and ``run.llama3_405b.tokens``) when
        the family has at most ``SIBLING_FAMILY_MAX`` items, facts read from the same catalog part
        (``catalog = "h100_sxm.…"``), and the ``related`` lists, both ways (an item naming
        another is its sibling, and the other is the item's). Only items in the bank; never
        the item itself."""
        if self._siblings is None:
            self._siblings = self._sibling_index()
        return self._siblings.get(item_id, frozenset())

    def siblings_of(self, item_ids: Iterable[str]) -> frozenset[str]:
        """Every sibling of any of ``item_ids`` (see ``siblings``)."""
        found: set[str] = set()
        for item_id in item_ids:
            found |= self.siblings(item_id)
        return frozenset(found)

    def _sibling_index(self) -> dict[str, frozenset[str]]:
        groups: dict[str, set[str]] = {}
        for item_id, item in self.items.items():
            if item_id.count(".") >= 2:
                groups.setdefault("family:" + item_id.rsplit(".", 1)[0], set()).add(item_id)
            if isinstance(item, Fact) and item.catalog:
                groups.setdefault("catalog:" + item.catalog.split(".", 1)[0],
                                  set()).add(item_id)
        linked: dict[str, set[str]] = {item_id: set() for item_id in self.items}
        for name, members in groups.items():
            if name.startswith("family:") and len(members) > SIBLING_FAMILY_MAX:
                continue
            for item_id in members:
                linked[item_id] |= members
        for item_id, item in self.items.items():
            for other in item.related:
                if other in self.items:
                    linked[item_id].add(other)
                    linked[other].add(item_id)
        return {item_id: frozenset(others - {item_id}) for item_id, others in linked.items()
                if others - {item_id}}

    def _order_key(self, item_id: str) -> tuple[int, int]:
        return (_LEVEL_ORDER.get(self.items[item_id].level, 9), zlib.crc32(item_id.encode()))


def check_item(item: Item, catalog: Catalog) -> str | None:
    """Why ``item`` cannot be served, or ``None`` when it can. ``engine.content_check``
    reports this verdict too, so it never tells less than the bank refuses."""
    if isinstance(item, Fact):
        if item.catalog:
            try:
                catalog.lookup(item.catalog)
            except CatalogError as error:
                return str(error)
        return None
    if isinstance(item, Problem):
        from engine.models.base import ModelError
        from engine.models.registry import get as get_model

        try:
            spec = get_model(item.model)
        except ModelError as error:
            return str(error)
        preset_keys = {key for preset in item.presets for key in preset if key != "label"}
        for name in [d.name for d in item.params] + sorted(preset_keys):
            if spec.param(name) is None:
                valid = ", ".join(p.name for p in spec.params)
                return f"model {item.model} has no parameter {name!r}; its parameters: {valid}"
            param = spec.param(name)
            if param is not None and param.kind == "gpu":
                draws = [d for d in item.params if d.name == name]
                choices = list(draws[0].choices) if draws and draws[0].choices else (
                    [draws[0].fixed] if draws else [])
                unknown = [c for c in choices if c not in catalog]
                if unknown:
                    return f"gpu {unknown[0]!r} is not in the hardware catalog"
        return None
    if isinstance(item, OpenQuestion):
        return None
    if isinstance(item, Kata):
        from engine.katas.references import reference_problem

        return reference_problem(item)
    if item.kind == "case":
        from content.cases import Case
        from engine.cases import case_problem

        if isinstance(item, Case):
            return case_problem(item, catalog)
    return f"items of kind {item.kind!r} cannot be served"


def parse_cache_dir() -> Path | None:
    """Where parsed decks are kept between runs: ``$TPM_DRILL_CACHE`` (``off`` disables it),
    else the platform's user cache folder."""
    import os

    override = os.environ.get("TPM_DRILL_CACHE")
    if override:
        return None if override == "off" else Path(override).expanduser()
    from engine.config import user_dir

    return user_dir("cache") / "decks"


def load_content(extra_dirs: Iterable[Path | str] = (), catalog: Catalog | None = None,
                 include_builtin: bool = True) -> ContentBank:
    """Load the built-in decks and the player's deck folders, keeping only servable items.

    With the built-in catalog, the checked bank is kept in the cache folder and reused while
    every deck's text, the catalog's text and the code that checks them are unchanged (see
    ``_cached_bank``); ``tpm-drill content check`` passes its catalog and always checks."""
    cache_dir = parse_cache_dir()
    dirs = [Path(d) for d in extra_dirs]
    sources = None
    if catalog is None and cache_dir is not None:
        sources = _bank_sources(dirs, include_builtin)
        cached = _cached_bank(cache_dir, sources) if sources is not None else None
        if cached is not None:
            return cached
    bank = _checked_bank(dirs, catalog or builtin_catalog(cache_dir), include_builtin,
                         cache_dir)
    if sources is not None and cache_dir is not None:
        _store_bank(cache_dir, sources, bank)
    return bank


def _checked_bank(dirs: list[Path], catalog: Catalog, include_builtin: bool,
                  cache_dir: Path | None) -> ContentBank:
    """The decks loaded and each item checked against the models and the catalog."""
    raw = load_bank(dirs, include_builtin=include_builtin, cache_dir=cache_dir)
    errors = list(raw.errors)
    items: dict[str, Item] = {}
    for item in raw.items.values():
        try:
            problem = check_item(item, catalog)
        except Exception as error:  # a shape the checks did not foresee: skip the item
            problem = f"cannot be checked ({type(error).__name__}: {error})"
        if problem is None:
            items[item.id] = item
        else:
            errors.append(ContentError(item.file, item.id, item.line, problem))
    return ContentBank(items, catalog, errors)


# -- the checked bank, kept between runs --------------------------------------------------------
#
# Loading checks ~400 items (shapes, placeholders, models, catalog references): ~100 M
# instructions, 7 % of the start-up to the first question, for a result that changes only
# when a deck, the catalog or this code changes. The result is kept with ``marshal`` (plain
# data only: items and the catalog are written as their dataclass's name in content.loader
# or content.catalog plus its field values, and rebuilt by calling that class; nothing read
# back is evaluated), together with everything it was made from: the exact bytes of every
# deck file and of the catalog, and the size and modification time of every source file of
# ``content`` and ``engine.models`` and of this module. A cached bank is used only when all
# of them are equal now.

#: Bump when the layout of the cached bank changes, so old cache files are ignored.
BANK_CACHE_FORMAT = 2


def _bank_sources(dirs: list[Path], include_builtin: bool) -> tuple[object, ...] | None:
    """Everything a bank is made from, as plain data (see above; files as bytes, compared
    without decoding them), or None when a file cannot be read (the uncached load reports
    it)."""
    from content.loader import deck_files

    deck_dir, catalog_path = _builtin_paths()
    try:
        catalog_bytes = catalog_path.read_bytes()
    except OSError:
        return None
    folders: list[tuple[str, bool, tuple[tuple[str, bytes], ...]]] = []
    for directory in ([deck_dir] if include_builtin else []) + dirs:
        if not directory.is_dir():
            folders.append((str(directory), False, ()))
            continue
        try:
            contents = tuple((str(path), path.read_bytes()) for path in deck_files(directory))
        except OSError:
            return None
        folders.append((str(directory), True, contents))
    return (BANK_CACHE_FORMAT, _code_fingerprint(), catalog_bytes, tuple(folders))


def _builtin_paths() -> tuple[Path, Path]:
    """The built-in deck folder and catalog file, as ``content.loader.builtin_deck_dir`` and
    ``content.catalog.builtin_catalog_path`` name them (a test keeps them equal), found next
    to the package: ``importlib.resources.files`` imports zipfile and its readers (~13 M
    instructions) on first use, which a start from the cache otherwise never needs."""
    import content

    folder = Path(str(content.__file__)).parent
    return folder / "decks", folder / "hardware.toml"


def _code_fingerprint() -> tuple[tuple[str, int, int], ...]:
    """(file, modification time, size) of the code that decides what a bank holds: every
    module of ``content``, ``engine.models``, ``engine.katas`` (which references a kata
    may name), ``engine.cases`` (a case's compositions and its check), and this one."""
    import content

    folders = (Path(str(content.__file__)).parent, Path(__file__).parent / "models",
               Path(__file__).parent / "katas", Path(__file__).parent / "cases")
    paths = [path for folder in folders for path in sorted(folder.glob("*.py"))]
    paths.append(Path(__file__))
    return tuple((str(path), stat.st_mtime_ns, stat.st_size)
                 for path in paths for stat in [path.stat()])


def _bank_cache_file(cache_dir: Path, sources: tuple[object, ...]) -> Path:
    folders = sources[3]
    assert isinstance(folders, tuple)
    key = "|".join(folder[0] for folder in folders)
    return cache_dir / f"bank-{zlib.crc32(key.encode()):08x}.marshal"


def _plain(value: object) -> bool:
    """Whether marshal keeps ``value`` as it is: scalars, and lists and dicts of them."""
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    return value is None or isinstance(value, str | int | float)


def _encode(value: object) -> object:
    """``value`` as marshal-able data in which every tuple is a tag: ``("c", class name,
    fields)`` for a dataclass, ``("T", tuple)`` for a tuple of plain data, ``("t", items)``,
    ``("l", items)``, ``("d", items)`` for containers holding either. Plain data is kept as it
    is, so rebuilding touches little more than the dataclasses."""
    if is_dataclass(value) and not isinstance(value, type):
        return ("c", type(value).__name__,
                tuple(_encode(getattr(value, f.name)) for f in fields(value) if f.init))
    if isinstance(value, tuple):
        if all(_plain(v) for v in value):
            return ("T", value)
        return ("t", tuple(_encode(v) for v in value))
    if _plain(value):
        return value
    if isinstance(value, list):
        return ("l", [_encode(v) for v in value])
    if isinstance(value, dict):
        return ("d", {k: _encode(v) for k, v in value.items()})
    raise ValueError(f"cannot keep a {type(value).__name__}")


def _decode(value: object, classes: dict[str, type]) -> object:
    if type(value) is not tuple:
        return value
    tag = value[0]
    if tag == "c":
        return classes[value[1]](*[_decode(v, classes) if type(v) is tuple else v
                                   for v in value[2]])
    if tag == "T":
        return value[1]
    if tag == "t":
        return tuple(_decode(v, classes) for v in value[1])
    if tag == "l":
        return [_decode(v, classes) for v in value[1]]
    if tag == "d":
        return {k: _decode(v, classes) for k, v in value[1].items()}
    raise ValueError(f"unknown tag {tag!r}")


def _loader_classes() -> dict[str, type]:
    """The only classes a cached bank may name: content.loader's, content.cases's and
    content.catalog's dataclasses (``content.cases`` is standard-library only and small)."""
    import content.cases
    import content.catalog
    import content.loader

    return {name: cls for module in (content.loader, content.cases, content.catalog)
            for name, cls in vars(module).items()
            if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == module.__name__}


def _cached_bank(cache_dir: Path, sources: tuple[object, ...]) -> ContentBank | None:
    """The bank kept for exactly these ``sources``, or None (missing, stale, unreadable)."""
    import marshal

    try:
        payload = marshal.loads(_bank_cache_file(cache_dir, sources).read_bytes())
        if not (isinstance(payload, tuple) and len(payload) == 4 and payload[0] == sources):
            return None
        classes = _loader_classes()
        items = _decode(payload[1], classes)
        errors = _decode(payload[2], classes)
        catalog = _decode(payload[3], classes)
    except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError):
        return None
    if not (isinstance(items, dict) and isinstance(errors, list)
            and isinstance(catalog, Catalog)):
        return None
    return ContentBank(items, catalog, errors)


def _store_bank(cache_dir: Path, sources: tuple[object, ...], bank: ContentBank) -> None:
    """Keep ``bank`` for ``sources``; a bank that cannot be kept (a TOML date in a deck is not
    plain data, a read-only folder) is simply not kept."""
    import marshal

    target = _bank_cache_file(cache_dir, sources)
    try:
        data = marshal.dumps((sources, _encode(bank.items), _encode(bank.errors),
                              _encode(bank.catalog)))
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f"{target.stem}.{id(data)}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
    except (OSError, ValueError):
        pass
