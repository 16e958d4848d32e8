"""The session grades with the question's prompt: a plain-number card takes the unit its
prompt names, and a conversion fact refuses its given figure typed back (issue #12)."""

from __future__ import annotations

from pathlib import Path

from engine.bank import load_content
from engine.clock import FakeClock
from engine.config import Config
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, Retry, StudySession

DECK = """
[deck]
id = "units"

[[facts]]
id = "units.ndr"
topic = "hardware.network"
level = "L4"
prompt = "One InfiniBand NDR port (400 Gb/s): bandwidth per direction in GB/s?"
value = 50
value_unit = "GB/s"
unit = "GB/s"
explanation = "400 / 8."
source = "Test deck"

[[facts]]
id = "units.adam"
topic = "training.memory"
level = "L4"
prompt = "Mixed-precision Adam: bytes of model state per parameter?"
value = 16
unit = ""
explanation = "2 + 2 + 12."
source = "Test deck"
"""


def _answer(tmp_path: Path, item_id: str, typed: str) -> Feedback | Retry:
    decks = tmp_path / "decks"
    decks.mkdir(exist_ok=True)
    (decks / "units.toml").write_text(DECK)
    bank = load_content([decks], include_builtin=False)
    assert bank.errors == []
    store = Store(tmp_path / f"{item_id}.db", auto_backup=False)
    try:
        session = StudySession(store, bank, Scheduler(Config()), FakeClock(), seed=1)
        while (question := session.next_question()) is not None and question.item_id != item_id:
            session.dont_know()
        assert question is not None
        return session.submit(typed)
    finally:
        store.close()


def test_a_conversion_fact_refuses_its_given_figure(tmp_path: Path) -> None:
    outcome = _answer(tmp_path, "units.ndr", "400 Gbps")
    assert isinstance(outcome, Retry)
    assert "convert 400 Gb/s into GB/s" in outcome.message
    assert isinstance(_answer(tmp_path, "units.ndr", "50 GB/s"), Feedback)


def test_a_plain_number_card_takes_the_unit_its_prompt_names(tmp_path: Path) -> None:
    outcome = _answer(tmp_path, "units.adam", "16 bytes")
    assert isinstance(outcome, Feedback)
    assert outcome.verdict == "exact"
