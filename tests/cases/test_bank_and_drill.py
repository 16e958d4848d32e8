"""Cases in the bank: checked like every item, loaded from the built-in decks, and served by
the daily drill as long-form cards (the case screen plays them); the loop's planning of cases
is tested with the loop."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from content.catalog import builtin_catalog
from engine.bank import ContentBank, check_item
from engine.clock import FakeClock
from engine.config import Config
from engine.loop.session import plan_loop
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import StudySession
from tests.cases.helpers import core_case

CASE = core_case("case.train_budget")


def test_the_contract_case_is_in_the_built_in_bank(bank: ContentBank) -> None:
    assert bank.items["case.train_budget"].kind == "case"
    assert bank.is_case("case.train_budget") and not bank.is_case("nope")
    assert not [e for e in bank.errors if "case" in e.file]


def test_an_unservable_case_is_reported_by_the_item_check() -> None:
    catalog = builtin_catalog()
    assert check_item(CASE, catalog) is None
    broken = replace(CASE, catalog_params={"peak_flops": "gpu.no_such_field"})
    problem = check_item(broken, catalog)
    assert problem is not None and "no_such_field" in problem


def test_new_cards_include_cases_as_long_form(bank: ContentBank) -> None:
    """Cases are long-form cards like open questions and katas: in the new-card order, one
    long-form item for every ``OPEN_EVERY`` short ones."""
    from engine.bank import OPEN_EVERY

    order = bank.new_order()
    assert bank.is_long_form("case.train_budget")
    assert "case.train_budget" in order
    assert len(order) == len(bank.items)  # everything is introduced, cases too
    fact = next(i for i in bank.items.values() if i.kind == "fact")
    small = ContentBank({CASE.id: CASE, **{f"{fact.id}.{n}": replace(fact, id=f"{fact.id}.{n}")
                                          for n in range(OPEN_EVERY)}}, builtin_catalog())
    assert small.new_order()[-1] == CASE.id  # after OPEN_EVERY short ones
    assert small.new_order().index(CASE.id) == OPEN_EVERY


def test_a_drill_poses_a_case(bank: ContentBank, store: Store, clock: FakeClock,
                              tmp_path: Path) -> None:
    """A bank of the case and one fact: the drill serves both, the case posed as a case
    question; alone (on a fresh file), the case is served too."""
    fact = next(item for item in bank.items.values() if item.kind == "fact")
    small = ContentBank({CASE.id: CASE, fact.id: fact}, builtin_catalog())
    session = StudySession(store, small, Scheduler(Config()), clock, seed=1)
    served = []
    for _ in range(8):
        question = session.next_question()
        if question is None:
            break
        served.append((question.item_id, question.kind))
        if question.kind == "case":
            session.submit_case(["?"] * len(question.case.steps), "")
        else:
            session.submit("?")
    assert (CASE.id, "case") in served and (fact.id, "fact") in served
    assert session.pose_errors == [] and CASE.id not in session.unservable
    only_case = ContentBank({CASE.id: CASE}, builtin_catalog())
    fresh = Store(tmp_path / "alone.db")
    try:
        alone = StudySession(fresh, only_case, Scheduler(Config()), clock, seed=2)
        question = alone.next_question()
        assert question is not None and question.kind == "case" and alone.pose_errors == []
    finally:
        fresh.close()


def test_the_loop_never_plans_a_case(bank: ContentBank, store: Store,
                                     clock: FakeClock) -> None:
    for level in ("L4", "L5", "L8"):
        for with_screen in (False, True):
            plans = plan_loop(bank, store, Scheduler(Config()), clock, level,
                              with_screen=with_screen, seed=3)
            planned = [item_id for plan in plans for item_id in plan.item_ids]
            assert planned and not [i for i in planned if bank.items[i].kind == "case"]


def test_the_bank_cache_is_keyed_on_the_case_code() -> None:
    """Editing a case composition or the case check must rebuild the cached bank."""
    from engine.bank import _code_fingerprint

    files = {path.replace("\\", "/") for path, _mtime, _size in _code_fingerprint()}
    for name in ("check.py", "references.py", "pose.py"):
        assert any(path.endswith(f"engine/cases/{name}") for path in files)


def test_a_case_survives_the_bank_cache() -> None:
    """The kept bank rebuilds a case exactly (its steps and inputs are content.cases
    dataclasses): a start from the cache serves the same case as a fresh load."""
    from engine.bank import _decode, _encode, _loader_classes

    assert _decode(_encode(CASE), _loader_classes()) == CASE


def test_custom_study_of_a_round_serves_the_case(bank: ContentBank, store: Store,
                                                  clock: FakeClock) -> None:
    """Custom study (``c`` on home, ``--round``/``--topic``) follows the same order: a
    round the case belongs to serves it, posed as a case."""
    from engine.study.custom import CustomPicker

    fact = next(item for item in bank.items.values() if item.kind == "fact")
    small = ContentBank({CASE.id: CASE, fact.id: fact}, builtin_catalog())
    picker = CustomPicker(round="program_design")
    session = StudySession(store, small, Scheduler(Config()), clock, seed=3, picker=picker)
    question = session.next_question()
    assert question is not None and (question.item_id, question.kind) == (CASE.id, "case")
