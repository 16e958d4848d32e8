"""Queueing: GPU allocation or request serving as an M/M/c queue (Erlang C).

Sources: Erlang 1917; Kleinrock 1975, "Queueing Systems Vol. 1", §3.5 (M/M/m):
P_wait = [A^c/c! · c/(c−A)] / [Σ_{k<c} A^k/k! + A^c/c! · c/(c−A)], W_q = P_wait/(cμ − λ).
Computed through the numerically stable Erlang-B recursion
B_0 = 1, B_k = A·B_{k−1}/(k + A·B_{k−1}), then C = c·B_c/(c − A·(1 − B_c)).
"""

from __future__ import annotations

from engine.models.base import ModelSpec, ParamSpec, Result, Step, check_work

#: The Erlang-B recursion is a Python loop over the servers: one step costs about ten units
#: of ``WORK_BUDGET`` (a vectorised draw each), so the schema's 1e6 servers stay within it.
ERLANG_UNITS_PER_SERVER = 10.0


def erlang_b(offered_load: float, servers: int) -> float:
    """Erlang-B blocking probability B(c, A) by the stable recursion (no factorials)."""
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    return blocking


def erlang_c(arrival_rate: float, service_rate: float, servers: float) -> Result:
    """Probability an arrival waits in an M/M/c queue (Erlang C), C(c, A).

    Variables: λ = ``arrival_rate`` (arrivals/s), μ = ``service_rate`` (completions/s per
    server, 1/mean service time), c = ``servers``. Offered load A = λ/μ (Erlangs),
    utilisation ρ = A/c must be < 1. C = c·B/(c − A·(1 − B)) with B the Erlang-B value.
    Outputs: ``mean_wait_s`` W_q = C/(cμ − λ) (mean queueing delay over all arrivals),
    ``utilisation`` ρ, ``mean_response_s`` W_q + 1/μ. For c = 1 this reduces to M/M/1:
    C = ρ, W_q = ρ/(μ − λ).
    """
    if arrival_rate <= 0 or service_rate <= 0:
        raise ValueError("arrival_rate and service_rate must be positive")
    c = int(servers)
    if c != servers or c < 1:
        raise ValueError("servers must be a whole number ≥ 1")
    check_work("erlang_c", "servers", c, "model fewer, larger servers",
               units_each=ERLANG_UNITS_PER_SERVER)
    load = arrival_rate / service_rate
    utilisation = load / c
    if utilisation >= 1.0:
        raise ValueError(
            f"unstable queue: utilisation λ/(cμ) = {utilisation:.3g} ≥ 1, the queue grows "
            "without bound; add servers or lower the arrival rate"
        )
    blocking = erlang_b(load, c)
    wait_probability = c * blocking / (c - load * (1.0 - blocking))
    mean_wait = wait_probability / (c * service_rate - arrival_rate)
    return Result(
        wait_probability,
        "",
        (
            Step("Offered load A = λ/μ (Erlangs)", load, ""),
            Step("Utilisation ρ = A/c", utilisation, ""),
            Step("Erlang B by recursion B_k = A·B_{k−1}/(k + A·B_{k−1})", blocking, ""),
            Step("P(wait) = c·B/(c − A(1 − B))", wait_probability, ""),
            Step("Mean wait W_q = P(wait)/(cμ − λ)", mean_wait, "s"),
        ),
        {
            "mean_wait_s": mean_wait,
            "utilisation": utilisation,
            "mean_response_s": mean_wait + 1.0 / service_rate,
            "erlang_b": blocking,
        },
        {"mean_wait_s": "s", "mean_response_s": "s"},
    )


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="erlang_c",
        function=erlang_c,
        params=(
            ParamSpec(
                "arrival_rate",
                "float",
                "1/s",
                minimum=1e-12,
                maximum=1e9,
                help="arrivals per second λ",
            ),
            ParamSpec(
                "service_rate",
                "float",
                "1/s",
                minimum=1e-12,
                maximum=1e9,
                help="completions per second per server μ",
            ),
            ParamSpec("servers", "int", "", minimum=1, maximum=1e6, help="servers c"),
        ),
        unit="",
        formula="P(wait) = c·B/(c − A(1−B)), A = λ/μ, B = Erlang B; W_q = P/(cμ − λ)",
        summary="M/M/c probability of waiting and mean wait (Erlang C)",
    ),
)
