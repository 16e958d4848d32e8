"""The startup parse cache: used only for the very text it was parsed from."""

from __future__ import annotations

import marshal
import tomllib
from pathlib import Path

import pytest

from content._toml_cache import cached_parse
from content.catalog import builtin_catalog_path, parse_catalog

CATALOG = """
[accelerators.x1]
name = "X1"
source = "X1 datasheet"
bf16_dense_flops = 1.0e15
"""


def counting_parse() -> tuple[list[str], object]:
    calls: list[str] = []

    def parse(text: str) -> dict[str, object]:
        calls.append(text)
        return tomllib.loads(text)

    return calls, parse


def test_second_parse_comes_from_the_cache(tmp_path: Path) -> None:
    calls, parse = counting_parse()
    first = cached_parse('a = 1\n', "deck.toml", tmp_path, parse)
    second = cached_parse('a = 1\n', "deck.toml", tmp_path, parse)
    assert first == second == {"a": 1} and len(calls) == 1


def test_edited_text_is_parsed_again(tmp_path: Path) -> None:
    calls, parse = counting_parse()
    cached_parse('a = 1\n', "deck.toml", tmp_path, parse)
    assert cached_parse('a = 2\n', "deck.toml", tmp_path, parse) == {"a": 2}
    assert cached_parse('a = 1\n', "deck.toml", tmp_path, parse) == {"a": 1}
    assert len(calls) == 3


def test_other_path_same_text_is_not_confused(tmp_path: Path) -> None:
    calls, parse = counting_parse()
    cached_parse('a = 1\n', "one.toml", tmp_path, parse)
    cached_parse('a = 1\n', "two.toml", tmp_path, parse)
    assert len(calls) == 2


@pytest.mark.parametrize("garbage", [b"", b"not marshal", marshal.dumps({"a": 1}),
                                     marshal.dumps(("key", "text", {"a": 9}))])
def test_a_damaged_or_foreign_cache_file_is_ignored(tmp_path: Path, garbage: bytes) -> None:
    calls, parse = counting_parse()
    cached_parse('a = 1\n', "deck.toml", tmp_path, parse)
    [cache_file] = list(tmp_path.glob("*.marshal"))
    cache_file.write_bytes(garbage)
    assert cached_parse('a = 1\n', "deck.toml", tmp_path, parse) == {"a": 1}
    assert len(calls) == 2


def test_errors_are_raised_and_not_cached(tmp_path: Path) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        cached_parse('a = \n', "deck.toml", tmp_path, tomllib.loads)
    assert list(tmp_path.glob("*.marshal")) == []


def test_unwritable_cache_folder_still_parses(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    assert cached_parse('a = 1\n', "deck.toml", blocker / "cache", tomllib.loads) == {"a": 1}


def test_catalog_uses_the_cache_and_sees_edits(tmp_path: Path) -> None:
    first = parse_catalog(CATALOG, "hw.toml", tmp_path)
    assert first.entries["x1"].fields["bf16_dense_flops"] == 1.0e15
    assert len(list(tmp_path.glob("*.marshal"))) == 1
    again = parse_catalog(CATALOG, "hw.toml", tmp_path)
    assert again.entries["x1"].fields == first.entries["x1"].fields
    edited = parse_catalog(CATALOG.replace("1.0e15", "2.0e15"), "hw.toml", tmp_path)
    assert edited.entries["x1"].fields["bf16_dense_flops"] == 2.0e15


def test_builtin_catalog_same_with_and_without_cache(tmp_path: Path) -> None:
    text = builtin_catalog_path().read_text(encoding="utf-8")
    plain = parse_catalog(text, "hardware.toml")
    parse_catalog(text, "hardware.toml", tmp_path)
    cached = parse_catalog(text, "hardware.toml", tmp_path)
    assert {k: e.fields for k, e in plain.entries.items()} == \
        {k: e.fields for k, e in cached.entries.items()}
