"""Player decks for the content tests: a valid fact and a valid parametric problem as TOML
snippets (each test breaks one on purpose), the ``[deck]`` header that makes a body a deck
file, and the two ways the tests use one: loaded from text, or written into a folder for
``content check`` and the loaders that read folders."""

from __future__ import annotations

from pathlib import Path

from content.loader import Bank, load_deck_text

_FACT = """
[[facts]]
id = "{id}"
topic = "hardware.memory"
level = "L4"
prompt = "HBM per H100?"
value = 80
value_unit = "GB"
unit = "GB"
explanation = "Five stacks of 16 GB."
source = "NVIDIA H100 datasheet"
"""

_PROBLEM = """
[[problems]]
id = "{id}"
topic = "inference.memory"
level = "L5"
model = "kv_cache"
prompt = "KV cache for {{seq_len:int}} tokens of a {{layers:int}}-layer model?"
unit = "GB"
explanation = "2·L·kv·d·bytes·tokens."
[problems.params]
layers = 80
kv_heads = 8
head_dim = 128
seq_len = {{ min = 1024, max = 8192, step = 1024 }}
"""


def fact(item_id: str = "u.fact") -> str:
    """A fact that loads and checks clean: the HBM of an H100, 80 GB."""
    return _FACT.format(id=item_id)


def problem(item_id: str = "u.problem") -> str:
    """A parametric problem that loads and checks clean: a KV cache over drawn ``seq_len``
    (1024–8192 in steps of 1024), 80 layers, 8 KV heads of 128."""
    return _PROBLEM.format(id=item_id)


FACT = fact()
PROBLEM = problem()


def deck_text(body: str, deck_id: str = "mine") -> str:
    """``body`` (item tables) as a whole deck file, under a ``[deck]`` header."""
    return f'[deck]\nid = "{deck_id}"\n' + body


def write_deck(folder: Path, body: str, deck_id: str = "mine",
               name: str | None = None) -> Path:
    """Write ``body`` as the deck file ``folder/NAME`` (default ``<deck_id>.toml``); its
    path."""
    path = folder / (name or f"{deck_id}.toml")
    path.write_text(deck_text(body, deck_id))
    return path


def load_body(body: str, deck_id: str = "mine", file: str = "mine.toml") -> Bank:
    """A bank of just ``body``, loaded from text as the deck file named ``file`` (errors
    name that file)."""
    bank = Bank()
    load_deck_text(deck_text(body, deck_id), file, bank)
    return bank
