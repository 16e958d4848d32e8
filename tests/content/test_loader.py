"""Deck loading: every malformed deck gives its own clear error naming file, item and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.loader import Bank, Fact, Problem, load_bank
from engine.bank import load_content
from tests.content._decks import load_body, write_deck

GOOD_FACT = """
[[facts]]
id = "t.fact"
topic = "hardware.memory"
level = "L4"
prompt = "Bytes per parameter for mixed-precision Adam?"
value = 16
unit = "byte"
tolerance = "rel:5%,15%"
explanation = "2 + 2 + 12."
source = "ZeRO paper"
"""

GOOD_PROBLEM = """
[[problems]]
id = "t.problem"
topic = "training.compute"
level = "L5"
model = "train_flops"
prompt = "FLOPs to train {params:count} parameters on {tokens:count} tokens?"
unit = "FLOP"
explanation = "6ND."
[problems.params]
params = { choices = [7e9, 70e9] }
tokens = { min = 1e12, max = 2e12 }
"""


def _load(body: str) -> Bank:
    return load_body(body, "t", "decks/t.toml")


def test_good_items_load_typed() -> None:
    bank = _load(GOOD_FACT + GOOD_PROBLEM)
    assert bank.errors == []
    fact, problem = bank.items["t.fact"], bank.items["t.problem"]
    assert isinstance(fact, Fact) and fact.value == 16.0 and fact.value_unit == "byte"
    assert isinstance(problem, Problem) and [d.name for d in problem.params] == ["params", "tokens"]
    assert problem.line == 16  # the line of its id


@pytest.mark.parametrize(
    ("body", "item", "message"),
    [
        ("[[facts]\nid = ", None, "not valid TOML"),
        (GOOD_FACT.replace('id = "t.fact"\n', ""), "facts[0] (no id)", "missing 'id'"),
        (GOOD_FACT + GOOD_FACT, "t.fact", "duplicate id"),
        (GOOD_FACT.replace('source = "ZeRO paper"\n', ""), "t.fact", "missing 'source'"),
        (GOOD_FACT.replace('level = "L4"', 'level = "L9"'), "t.fact", "level 'L9'"),
        (GOOD_FACT.replace("rel:5%,15%", "5%"), "t.fact", "tolerance '5%'"),
        (GOOD_FACT.replace("value = 16", 'value = "16"'), "t.fact", "'value' must be a number"),
        (GOOD_PROBLEM.replace("{tokens:count}", "{tokenz:count}"), "t.problem",
         "placeholder {tokenz} names no parameter"),
        (GOOD_PROBLEM.replace("min = 1e12, max = 2e12", "min = 2e12, max = 1e12"), "t.problem",
         "inverted range"),
        (GOOD_PROBLEM.replace('unit = "FLOP"\n', ""), "t.problem", "missing 'unit'"),
        (GOOD_PROBLEM.replace("prompt =", "promt ="), "t.problem", "unknown key(s) promt"),
    ],
)
def test_malformed_items_give_located_errors(body: str, item: str | None, message: str) -> None:
    bank = _load(body)
    assert len(bank.errors) == 1, bank.errors
    error = bank.errors[0]
    assert error.file == "decks/t.toml"
    assert error.item == item
    assert message in error.message
    assert error.line is not None


def test_unknown_model_and_parameter_are_caught_by_the_engine(tmp_path: Path) -> None:
    write_deck(tmp_path, GOOD_PROBLEM.replace("train_flops", "train_flopz")
               + GOOD_PROBLEM.replace("t.problem", "t.p2").replace("tokens =", "tokenz =")
               .replace("{tokens:count}", "{tokenz:count}"), "u", "user.toml")
    bank = load_content([tmp_path], include_builtin=False)
    assert bank.items == {}
    messages = {e.item: e.message for e in bank.errors}
    assert "unknown model 'train_flopz'" in messages["t.problem"]
    assert "train_flops" in messages["t.problem"]  # lists the valid names
    assert "no parameter 'tokenz'" in messages["t.p2"]


def test_broken_user_deck_is_skipped_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("this is = = not toml")
    write_deck(tmp_path, GOOD_FACT, "fine")
    bank = load_content([tmp_path])
    assert "t.fact" in bank.items
    assert "hw.h100_sxm.bf16_dense" in bank.items
    assert any(e.file.endswith("broken.toml") for e in bank.errors)


def test_missing_deck_folder_is_reported() -> None:
    bank = load_bank([Path("/nonexistent/decks")], include_builtin=False)
    assert bank.errors and "not found" in bank.errors[0].message


def test_parse_cache_is_reused_and_never_stale(tmp_path: Path) -> None:
    """A cached parse speeds up the next start; an edited deck is parsed again; a broken
    cache file is ignored."""
    decks, cache = tmp_path / "decks", tmp_path / "cache"
    decks.mkdir()
    write_deck(decks, GOOD_FACT)
    first = load_bank([decks], include_builtin=False, cache_dir=cache)
    assert first.items["t.fact"].prompt == "Bytes per parameter for mixed-precision Adam?"
    [cached] = list(cache.glob("*.marshal"))
    write_deck(decks, GOOD_FACT.replace("Adam?", "AdamW?"))
    edited = load_bank([decks], include_builtin=False, cache_dir=cache)
    assert edited.items["t.fact"].prompt.endswith("AdamW?")
    for stale in cache.glob("*.marshal"):
        stale.write_bytes(b"not marshal data")
    again = load_bank([decks], include_builtin=False, cache_dir=cache)
    assert again.items["t.fact"].prompt.endswith("AdamW?") and again.errors == []
    assert cached.exists()
