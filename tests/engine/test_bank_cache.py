"""The checked content bank is kept between runs, and used only while nothing it came from
changed: the decks' text (added, edited, removed), the catalog, the checking code."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine.bank
from content.catalog import builtin_catalog, builtin_catalog_path
from content.loader import builtin_deck_dir
from engine.bank import load_content

DECK = """
[deck]
id = "t-cache"

[[facts]]
id = "t.cache.bf16"
topic = "hardware.memory"
level = "L4"
prompt = "How many bytes does one BF16 parameter take?"
value = {value}
value_unit = "byte"
unit = "byte"
tolerance = "rel:5%,15%"
explanation = "16 bits."
source = "Test deck"

[[problems]]
id = "t.cache.broken"
topic = "compute.flops"
level = "L5"
prompt = "Nothing computes this."
model = "no_such_model"
unit = "s"
explanation = "A model that does not exist."
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TPM_DRILL_CACHE", str(folder))
    return folder


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "mine.toml").write_text(DECK.format(value=2), encoding="utf-8")
    return folder


def _no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, loading the decks for real fails the test: only the cache may answer."""
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the decks were loaded again")

    monkeypatch.setattr(engine.bank, "load_bank", refuse)


def test_a_second_load_reads_the_same_bank_back(cache_dir: Path, decks: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = load_content([decks])
    assert list(cache_dir.glob("bank-*.marshal"))
    _no_loading(monkeypatch)
    kept = load_content([decks])
    assert list(kept.items) == list(fresh.items)  # the same items in the same order
    assert kept.items == fresh.items
    assert kept.errors == fresh.errors
    assert [str(e) for e in kept.errors if e.item == "t.cache.broken"]  # errors kept too
    assert type(kept.items["t.cache.bf16"]) is type(fresh.items["t.cache.bf16"])
    assert kept.catalog == fresh.catalog  # the catalog is kept with the bank
    assert kept.catalog.lookup("h100_sxm.memory_bandwidth") == \
        fresh.catalog.lookup("h100_sxm.memory_bandwidth")
    assert kept.new_order() == fresh.new_order()


def test_an_edited_added_or_removed_deck_is_loaded_again(cache_dir: Path, decks: Path) -> None:
    assert load_content([decks]).items["t.cache.bf16"].value == 2  # type: ignore[union-attr]
    (decks / "mine.toml").write_text(DECK.format(value=3), encoding="utf-8")
    assert load_content([decks]).items["t.cache.bf16"].value == 3  # type: ignore[union-attr]
    (decks / "more.toml").write_text(
        DECK.format(value=4).replace("t-cache", "t-more").replace("t.cache.", "t.more."),
        encoding="utf-8")
    assert "t.more.bf16" in load_content([decks]).items
    (decks / "more.toml").unlink()
    assert "t.more.bf16" not in load_content([decks]).items
    decks_gone = load_content([decks / "missing"])
    assert any("deck folder not found" in str(e) for e in decks_gone.errors)


def test_changed_checking_code_loads_again(cache_dir: Path, decks: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    load_content([decks])
    calls: list[object] = []
    real_load_bank = engine.bank.load_bank

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real_load_bank(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.bank, "load_bank", counting)
    load_content([decks])
    assert calls == []
    fingerprint = engine.bank._code_fingerprint()
    monkeypatch.setattr(engine.bank, "_code_fingerprint",
                        lambda: (*fingerprint, ("engine/models/new.py", 1, 1)))
    load_content([decks])
    assert len(calls) == 1


def test_a_damaged_or_foreign_cache_file_is_ignored_and_replaced(
        cache_dir: Path, decks: Path) -> None:
    fresh = load_content([decks])
    [kept] = cache_dir.glob("bank-*.marshal")
    kept.write_bytes(b"\x00not marshal")
    assert load_content([decks]).items == fresh.items
    import marshal

    sources = marshal.loads(kept.read_bytes())[0]
    # A file that names a class outside content.loader is refused, not acted on.
    kept.write_bytes(marshal.dumps((sources, ("d", {"x": ("c", "Path", ("/etc",))}), [])))
    assert load_content([decks]).items == fresh.items


def test_content_check_and_no_cache_never_read_a_kept_bank(cache_dir: Path, decks: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    load_content([decks])
    monkeypatch.setattr(engine.bank, "_cached_bank", lambda *_: pytest.fail("cache read"))
    load_content([decks], catalog=builtin_catalog())  # what `content check` does
    monkeypatch.setenv("TPM_DRILL_CACHE", "off")
    assert "t.cache.bf16" in load_content([decks]).items


def test_the_cache_finds_the_built_in_files_where_the_loaders_do() -> None:
    """The cache names the built-in decks and catalog without importlib.resources (which
    imports zipfile on first use); it must name the files the loaders read."""
    assert engine.bank._builtin_paths() == (builtin_deck_dir(), builtin_catalog_path())
