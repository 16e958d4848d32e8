"""Erlang C against the closed form and the M/M/1 limit."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.models.queueing import erlang_c


def closed_form(load: float, servers: int) -> float:
    """Erlang C by factorials (Kleinrock 1975 §3.5), for comparison at small c."""
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    return top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)


def test_three_servers_two_erlangs() -> None:
    # A = 2, c = 3: [8/6 · 3] / [1 + 2 + 2 + 4] = 4/9.
    result = erlang_c(arrival_rate=2.0, service_rate=1.0, servers=3)
    assert result.value == pytest.approx(4 / 9)
    assert result.outputs["utilisation"] == pytest.approx(2 / 3)
    assert result.outputs["mean_wait_s"] == pytest.approx((4 / 9) / (3 - 2))


def test_mm1_limit() -> None:
    # M/M/1 (Kleinrock 1975 §3.2): P(wait) = ρ, W_q = ρ/(μ − λ).
    result = erlang_c(arrival_rate=0.5, service_rate=1.0, servers=1)
    assert result.value == pytest.approx(0.5)
    assert result.outputs["mean_wait_s"] == pytest.approx(1.0)
    assert result.outputs["mean_response_s"] == pytest.approx(2.0)


@given(servers=st.integers(1, 60), rho=st.floats(0.01, 0.99))
def test_recursion_matches_closed_form(servers: int, rho: float) -> None:
    load = rho * servers
    assert erlang_c(load, 1.0, servers).value == pytest.approx(closed_form(load, servers))


def test_large_c_is_stable() -> None:
    # Factorials overflow floats past c ≈ 170; the Erlang-B recursion does not.
    result = erlang_c(arrival_rate=9500.0, service_rate=1.0, servers=10_000)
    assert 0.0 < result.value < 1.0
    assert math.isfinite(result.outputs["mean_wait_s"])


def test_more_servers_less_waiting() -> None:
    waits = [erlang_c(40.0, 1.0, c).value for c in range(41, 60)]
    assert waits == sorted(waits, reverse=True)


def test_unstable_queue() -> None:
    with pytest.raises(ValueError, match="unstable"):
        erlang_c(3.0, 1.0, 3)
