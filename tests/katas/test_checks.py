"""The checks a kata run makes: draws, edges and properties against the reference, the
tolerance (Monte Carlo standard error included), bounds, and the shrunk counterexample."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from content.loader import KataParam
from engine.katas.references import ReferenceValue
from engine.katas.runner import (
    CaseResult,
    _Outcome,
    check_code,
    draw_value,
    grade_case,
    kata_seed,
    plan_cases,
)
from tests.katas.conftest import (
    JITTER,
    JITTER_MEAN,
    JITTER_NOT_MONOTONE,
    JITTER_RIGHT,
    P_FAIL,
    P_FAIL_LINEAR,
    P_FAIL_MC,
    P_FAIL_RIGHT,
    P_FAIL_SIMULATED,
    P_FAIL_SIMULATED_ONE_GPU,
    RING,
    RING_BOUNDS,
    RING_BOUNDS_ABOVE,
    RING_BOUNDS_RIGHT,
    RING_FACTOR_TWO,
    RING_RIGHT,
)

REQUIRED_JSON = {"kata", "passed", "failed", "error", "cases", "counterexample"}
CASE_JSON = {"inputs", "expected", "got", "rel_error", "ok"}


# -- planning -------------------------------------------------------------------------------


def test_cases_cover_draws_edges_and_properties() -> None:
    planned = plan_cases(RING, kata_seed(RING))
    sources = [case.source for case in planned]
    assert sources.count("draw") == RING.cases
    assert {"edge", "property"} <= set(sources)
    edges = [case.inputs for case in planned if case.source == "edge"]
    for param in RING.params:  # each parameter's ends, the others at a typical value
        assert {param.minimum, param.maximum} <= {edge[param.name] for edge in edges}
    assert any(edge["ranks"] == 1 and edge["latency"] == 50e-6 for edge in edges)
    assert any(edge["latency"] == 0.0 for edge in edges)  # zero latency
    pairs = [case for case in planned if case.source == "property"]
    for case in pairs:
        name = case.prop.param
        assert case.lower[name] < case.inputs[name]
        assert {k: v for k, v in case.lower.items() if k != name} == \
            {k: v for k, v in case.inputs.items() if k != name}


def test_at_least_fifty_draws_whatever_the_kata_asks() -> None:
    def draws(kata: object) -> int:
        return sum(1 for case in plan_cases(kata, 1) if case.source == "draw")

    assert draws(replace(RING, cases=10)) == 50
    assert draws(replace(RING, cases=50)) == 50
    assert draws(replace(RING, cases=51)) == 51


def test_declared_edges_replace_the_domain_ends() -> None:
    ranks = replace(RING.params[1], edges=(1.0, 2.0, 1024.0))
    kata = replace(RING, params=(RING.params[0], ranks, *RING.params[2:]))
    edges = {case.inputs["ranks"] for case in plan_cases(kata, 1) if case.source == "edge"
             and case.inputs["bytes"] == 1e5}
    assert {1.0, 2.0, 1024.0} <= edges


def test_draws_are_reproducible_from_the_kata_id() -> None:
    first = [c.inputs for c in plan_cases(RING, kata_seed(RING))]
    assert first == [c.inputs for c in plan_cases(RING, kata_seed(RING))]
    assert first != [c.inputs for c in plan_cases(RING, kata_seed(RING) + 1)]
    assert kata_seed(RING) == kata_seed(replace(RING, prompt="other words"))
    assert kata_seed(RING) != kata_seed(JITTER)


def test_log_draws_spread_over_the_decades_and_integers_are_whole() -> None:
    rng = random.Random(7)
    bytes_param, ranks_param = RING.params[0], RING.params[1]
    values = [draw_value(bytes_param, rng) for _ in range(2000)]
    assert all(1.0 <= v <= 1e10 for v in values)
    # Log-uniform over ten decades: about a tenth per decade (uniform would put 90 % in
    # the top one).
    below_1e5 = sum(1 for v in values if v < 1e5) / len(values)
    assert 0.4 < below_1e5 < 0.6
    top_decade = sum(1 for v in values if v >= 1e9) / len(values)
    assert 0.05 < top_decade < 0.15
    ranks = [draw_value(ranks_param, rng) for _ in range(500)]
    assert all(r == int(r) and 1 <= r <= 1024 for r in ranks)
    linear = [draw_value(RING.params[3], rng) for _ in range(2000)]
    assert 0.4 < sum(1 for v in linear if v < 50e-6) / len(linear) < 0.6


# -- right and wrong solutions ---------------------------------------------------------------


def test_the_ring_reference_written_as_a_player_passes_every_case() -> None:
    report = check_code(RING, RING_RIGHT)
    assert report.error is None, report.error
    assert report.all_passed and report.failed == 0
    assert report.passed >= 50
    assert report.counterexample is None
    assert {case.source for case in report.cases} == {"draw", "edge", "property"}
    data = report.to_json()
    assert REQUIRED_JSON <= data.keys()
    assert data["kata"] == RING.id and data["counterexample"] is None
    assert all(CASE_JSON <= case.keys() for case in data["cases"])


def test_the_ring_factor_two_fails_with_a_small_counterexample() -> None:
    report = check_code(RING, RING_FACTOR_TWO)
    assert report.error is None
    assert report.failed > 0 and not report.all_passed
    counterexample = report.counterexample
    assert counterexample is not None and report.cases[0] is counterexample
    assert counterexample.source == "shrunk" and not counterexample.ok
    # Readable: few ranks (where 2 and 2(p−1)/p differ most), round numbers.
    assert counterexample.inputs["ranks"] <= 8
    assert counterexample.inputs["bandwidth"] in {1e9, 1e10, 1e11, 1e12}
    assert counterexample.inputs["latency"] == 0.0
    assert "off by" in counterexample.note
    data = report.to_json()
    assert data["counterexample"]["inputs"] == counterexample.inputs
    assert data["cases"][0] == data["counterexample"]
    # The shrunk case restates a failure: it is not counted again.
    assert report.passed + report.failed == len(report.cases) - 1


def test_shrinking_is_reproducible() -> None:
    first = check_code(RING, RING_FACTOR_TWO).counterexample
    again = check_code(RING, RING_FACTOR_TWO).counterexample
    assert first is not None and again is not None and first.inputs == again.inputs


def test_the_jitter_reference_passes_and_mean_instead_of_max_fails() -> None:
    right = check_code(JITTER, JITTER_RIGHT)
    assert right.all_passed, [c for c in right.cases if not c.ok][:3]
    wrong = check_code(JITTER, JITTER_MEAN)
    assert not wrong.all_passed and wrong.error is None
    counterexample = wrong.counterexample
    assert counterexample is not None
    # The slip shows only with more than one GPU and some jitter.
    assert counterexample.inputs["n_gpus"] > 1 and counterexample.inputs["jitter_sd_s"] > 0
    assert counterexample.got == counterexample.inputs["step_mean_s"]


def test_properties_catch_a_function_that_is_not_monotone() -> None:
    report = check_code(JITTER, JITTER_NOT_MONOTONE)
    valued = [case for case in report.counted if case.source in ("draw", "edge")]
    assert all(case.ok for case in valued), "every value is within the tolerance"
    broken = [case for case in report.counted if not case.ok]
    assert broken and all(case.source == "property" for case in broken)
    counterexample = report.counterexample
    assert counterexample is not None and counterexample.paired_with is not None
    assert counterexample.paired_with["n_gpus"] < counterexample.inputs["n_gpus"]
    assert "more GPUs never make the expected step shorter" in counterexample.note


def test_a_range_property_fails_a_value_outside_it() -> None:
    report = check_code(P_FAIL, P_FAIL_LINEAR)
    assert not report.all_passed
    notes = [case.note for case in report.counted if not case.ok]
    assert any("not a probability in [0, 1]" in note for note in notes)
    assert check_code(P_FAIL, P_FAIL_RIGHT).all_passed


# -- Monte Carlo ----------------------------------------------------------------------------


def test_a_simulation_with_the_asked_trials_passes_and_a_wrong_formula_fails() -> None:
    simulated = check_code(P_FAIL_MC, P_FAIL_SIMULATED)
    assert simulated.all_passed, [c.note for c in simulated.cases if not c.ok][:3]
    wrong = check_code(P_FAIL_MC, P_FAIL_SIMULATED_ONE_GPU)
    assert not wrong.all_passed and wrong.counterexample is not None
    assert wrong.counterexample.inputs["n_gpus"] > 1


def test_without_the_standard_error_the_same_simulation_would_fail() -> None:
    """The tolerance's 4·stderr term is what lets a correct simulation through: with the
    trial count taken away (stderr 0), its sampling noise exceeds the 1 % tolerance."""
    exact = replace(P_FAIL_MC, monte_carlo_trials=None)
    assert not check_code(exact, P_FAIL_SIMULATED).all_passed


# -- the tolerance, pinned at its edges --------------------------------------------------------


def _grade(got: float, expected: float = 2.0, stderr: float = 0.0, **kata_fields: float
           ) -> CaseResult:
    kata = replace(RING, properties=(), **kata_fields)
    return grade_case(kata, {"bytes": 1, "ranks": 2, "bandwidth": 1e9, "latency": 0},
                      ReferenceValue(expected, (), stderr), _Outcome(value=got), "draw")


def test_relative_tolerance_edges() -> None:
    assert _grade(2.0 * 1.01).ok and _grade(2.0 * 0.99).ok
    assert not _grade(2.0 * 1.0101).ok and not _grade(2.0 * 0.9899).ok
    assert _grade(2.0 * 1.01, rel_tolerance=0.0101).ok


def test_absolute_tolerance_edges() -> None:
    assert _grade(0.5, expected=0.0, abs_tolerance=0.5).ok
    assert not _grade(0.5001, expected=0.0, abs_tolerance=0.5).ok
    assert not _grade(1e-9, expected=0.0).ok  # a zero reference wants zero
    assert _grade(1e-13, expected=0.0).ok  # round-off is not a failure


def test_the_tolerance_widens_to_four_standard_errors() -> None:
    # rel 1 % of 2 is 0.02; stderr 0.01 allows 0.04.
    assert _grade(2.04, stderr=0.01).ok
    assert not _grade(2.0401, stderr=0.01).ok
    assert not _grade(2.03, stderr=0.0).ok


def test_a_rel_error_is_signed_and_absent_for_a_zero_reference() -> None:
    assert _grade(3.0).rel_error == pytest.approx(0.5)
    assert _grade(1.0).rel_error == pytest.approx(-0.5)
    assert _grade(1.0, expected=0.0).rel_error is None


def test_an_infinite_value_fails_the_case_and_serialises() -> None:
    case = _grade(math.inf)
    assert not case.ok and case.to_json()["got"] == "inf"
    assert CaseResult.from_json(case.to_json()).got == math.inf


# -- bounds ---------------------------------------------------------------------------------


def test_bounds_that_hold_the_reference_pass_with_an_interval_score() -> None:
    report = check_code(RING_BOUNDS, RING_BOUNDS_RIGHT)
    assert report.all_passed, [c.note for c in report.cases if not c.ok][:3]
    scores = [c.interval_score for c in report.counted if c.interval_score is not None]
    # The estimate is the reference, the bounds ×0.8 and ×1.25: a width of log10(1.5625).
    assert scores and all(s == pytest.approx(math.log10(1.25 / 0.8)) for s in scores)
    assert report.mean_interval_score == pytest.approx(math.log10(1.25 / 0.8))
    assert isinstance(report.cases[0].got, tuple) and len(report.cases[0].got) == 3


def test_bounds_that_miss_the_reference_fail_even_with_the_right_estimate() -> None:
    report = check_code(RING_BOUNDS, RING_BOUNDS_ABOVE)
    assert not report.all_passed and report.error is None
    failing = [c for c in report.counted if not c.ok]
    assert failing and all("do not hold the reference" in c.note for c in failing)
    # A miss scores worse than the hit's width: 2/α per decade outside.
    assert all(c.interval_score > math.log10(1.5 / 1.01) for c in failing
               if c.interval_score is not None)


def test_a_bounds_kata_wants_three_numbers() -> None:
    report = check_code(RING_BOUNDS, RING_RIGHT)
    assert report.error is not None and report.error.kind == "wrong_type"
    assert "(estimate, low, high)" in report.error.message


def test_a_param_edge_outside_nothing_breaks_a_one_value_domain() -> None:
    """A parameter fixed to one value (minimum = maximum) is drawn as that value."""
    fixed = KataParam("latency", "s", "per hop", 0.0, 0.0)
    kata = replace(RING, params=(*RING.params[:3], fixed), properties=())
    report = check_code(kata, RING_RIGHT)
    assert report.all_passed
    assert {case.inputs["latency"] for case in report.cases} == {0.0}
