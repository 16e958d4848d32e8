"""Every built-in follow-up probe poses to a finite positive reference, passes the checks
the bank and ``content check`` make (constants written in the prompt), and the probes
spread over the interview rounds (issue 14 item 4: at least 12 open questions)."""

from __future__ import annotations

import math

import pytest

from content.catalog import builtin_catalog
from content.loader import OpenQuestion, load_bank
from engine.cases.grade import grade_chain
from engine.cases.probes import pose_probes, probe_problem

BANK = load_bank()
PROBED = [item for item in BANK.open_questions() if item.probes]


def test_at_least_twelve_open_questions_carry_probes_across_the_rounds() -> None:
    assert len(PROBED) >= 12
    rounds = {r for item in PROBED for r in item.rounds}
    assert {"program_design", "technical_depth", "system_tradeoffs", "technical_screen",
            "recruiter_screen", "behavioral"} <= rounds
    assert all(1 <= len(item.probes) <= 3 for item in PROBED)


@pytest.mark.parametrize("question", PROBED, ids=lambda q: q.id)
def test_every_built_in_probe_poses_to_a_finite_positive_reference(
        question: OpenQuestion) -> None:
    catalog = builtin_catalog()
    assert probe_problem(question, catalog) is None
    posed = pose_probes(question, catalog)
    assert posed is not None and len(posed.steps) == len(question.probes)
    for step in posed.steps:
        assert step.reference_value is not None and step.reference_display is not None
        assert math.isfinite(step.reference_value) and step.reference_value > 0
        assert step.explanation.strip(), f"{question.id} {step.id}: no explanation"
    # Typing every reference back as shown is exact all along the chain.
    typed = [f"{step.reference_display:.6g} {step.unit}".strip() for step in posed.steps]
    chain = grade_chain(posed, typed)
    assert [g.status for g in chain.steps] == ["exact"] * len(posed.steps), chain.message


def test_the_bank_serves_every_probed_question() -> None:
    from engine.bank import check_item

    catalog = builtin_catalog()
    assert [q.id for q in PROBED if check_item(q, catalog) is not None] == []


@pytest.mark.parametrize(("item_id", "expected"), [
    # 6 × 70e9 × 15e12 = 6.3e24 FLOP; / (2,048 × 989.4e12 × 0.4) = 7.77e6 s = 90 days
    ("open.screen.train_70b_2k_h100", [6.3e24, 89.96]),
    # 6 × 405e9 × 15.6e12 = 3.79e25; / (16,384 × 989.4e12 × 0.4) = 67.7 days; 2.66e7 GPU-h
    ("open.design.pretrain_405b_plan", [3.7908e25, 67.67, 2.661e7]),
    # 989.4e12 / 3.35e12 = 295 FLOP/byte
    ("open.screen.decode_roofline_batch", [295.3]),
    # (p − 1)/m = 7/32 = 21.9 %; (p − 1)/(m + p − 1) = 7/39 = 17.9 %
    ("open.screen.pipeline_bubble", [21.875, 17.95]),
    # 2 × 80 × 8 × 128 × 2 B × 131,072 = 42.9 GB; × 4,096 = 1.34 GB
    ("open.tradeoffs.long_context_pricing", [42.95, 1.342]),
    # 1,024 × 72 h = 73,728 GPU-hours; × $2.50 = $184,320
    ("open.behavioral.mistake_cost_compute", [73_728, 184_320]),
])
def test_worked_references(item_id: str, expected: list[float]) -> None:
    question = BANK.items[item_id]
    assert isinstance(question, OpenQuestion)
    posed = pose_probes(question, builtin_catalog())
    assert posed is not None
    assert [s.reference_display for s in posed.steps] == pytest.approx(expected, rel=1e-3)
