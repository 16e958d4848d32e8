"""A parse cache for the TOML files read at every start (the decks and the hardware catalog).

Parsing them with ``tomllib`` costs tens of milliseconds of startup, every start, for files
that change only when the package or a deck is updated. The parse is kept with ``marshal``
(plain data only: marshal cannot hold code objects that would run, and nothing read back is
ever evaluated) in one file per source path, together with the exact text it was parsed
from: a cached parse is used only when that text equals the file's text now, so an edited
file is always parsed again, without trusting a hash or a timestamp. A cache that cannot be
read or written is simply not used.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

_Parsed = TypeVar("_Parsed")

#: Bump when the shape of any cached parse changes, so old cache files are ignored.
CACHE_FORMAT = 2


def cached_parse(text: str, path: str | Path | None, cache_dir: Path | None,
                 parse: Callable[[str], _Parsed]) -> _Parsed:
    """``parse(text)``, reusing an earlier parse of the same text from the same path.

    ``parse`` must return plain data (dicts, lists, tuples, strings, numbers); its errors
    propagate and nothing is cached for that text.
    """
    if cache_dir is None or path is None:
        return parse(text)
    key = f"{CACHE_FORMAT}|{getattr(parse, '__qualname__', 'parse')}|{path}"
    cached = cache_dir / f"{zlib.crc32(key.encode()):08x}.marshal"
    try:
        payload = marshal.loads(cached.read_bytes())
        if (isinstance(payload, tuple) and len(payload) == 3 and payload[0] == key
                and payload[1] == text):
            return payload[2]
    except Exception:  # any damaged or foreign cache file is a cache miss
        pass
    parsed = parse(text)
    try:
        data = marshal.dumps((key, text, parsed))
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_name(f"{cached.stem}.{id(data)}.tmp")
        temporary.write_bytes(data)
        temporary.replace(cached)
    except Exception:  # caching is an optimisation; never fail a parse on it
        pass  # e.g. a TOML date (not marshalable), data nested too deeply, a read-only folder
    return parsed
