"""Small decks written for one engine test each: ``deck_bank(tmp_path, facts=..., ...)``."""

from __future__ import annotations

from pathlib import Path

from engine.bank import ContentBank, load_content

FACT = """
[[facts]]
id = "{id}"
topic = "{topic}"
level = "{level}"
prompt = "Fact {id}: how many bytes?"
value = {value}
value_unit = "byte"
unit = "byte"
tolerance = "rel:5%,15%"
explanation = "Because."
source = "Test deck"
{extra}
"""

OPEN = """
[[open]]
id = "{id}"
topic = "{topic}"
level = "{level}"
rounds = ["technical_depth"]
prompt = "Explain {id}."
explanation = "Because."
model_answer = "The bandwidth bounds the step time, so overlap the all-reduce with compute."
{extra}
[[open.key_points]]
point = "bandwidth bounds the step"
phrasings = ["bandwidth"]
[[open.key_points]]
point = "overlap communication"
phrasings = ["overlap"]
"""


def fact(item_id: str, value: float = 10.0, topic: str = "hardware.memory",
         level: str = "L4", extra: str = "") -> str:
    return FACT.format(id=item_id, value=value, topic=topic, level=level, extra=extra)


def open_question(item_id: str, topic: str = "training.parallelism", level: str = "L5",
                  extra: str = "") -> str:
    return OPEN.format(id=item_id, topic=topic, level=level, extra=extra)


def deck_bank(tmp_path: Path, *items: str, deck_id: str = "tiny") -> ContentBank:
    """A bank of only ``items`` (TOML snippets), loaded as a player's deck would be."""
    folder = tmp_path / f"decks-{deck_id}"
    folder.mkdir(exist_ok=True)
    (folder / f"{deck_id}.toml").write_text(f'[deck]\nid = "{deck_id}"\n' + "".join(items))
    bank = load_content([folder], include_builtin=False)
    assert bank.errors == [], bank.errors
    return bank
