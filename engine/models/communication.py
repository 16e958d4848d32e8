"""Collectives: all-reduce and all-gather time (α-β model) and NCCL bus bandwidth.

Sources:
- [NCCL] NVIDIA/nccl-tests ``doc/PERFORMANCE.md``: algbw = S/t; busbw = algbw × 2(n−1)/n for
  AllReduce, × (n−1)/n for ReduceScatter, AllGather and AlltoAll, × 1 for Broadcast and
  Reduce; t_allreduce ≥ (S/B)·2(n−1)/n.
- [MPICH] Thakur, Rabenseifner & Gropp 2005, "Optimization of Collective Communication
  Operations in MPICH": α-β cost model (α latency per message, β seconds per byte).
- Patarasuk & Yuan 2009, "Bandwidth optimal all-reduce algorithms for clusters of
  workstations": ring all-reduce = 2(p−1) steps of n/p bytes each.
- NVIDIA, "Massively Scale Your Deep Learning Training with NCCL 2.4" (2019): double binary
  trees give logarithmic latency at full bandwidth.
"""

from __future__ import annotations

import math

from engine.models.base import ModelSpec, ParamSpec, Result, Step


def _check(bytes_: float, ranks: float, bandwidth: float, latency: float) -> None:
    if bytes_ < 0:
        raise ValueError("bytes must be non-negative")
    if ranks < 1:
        raise ValueError("ranks must be at least 1")
    if bandwidth <= 0:
        raise ValueError("bandwidth must be positive")
    if latency < 0:
        raise ValueError("latency must be non-negative")


def allreduce_time(
    bytes: float,  # the contract names it so; shadows the builtin only here
    ranks: float,
    bandwidth: float,
    latency: float = 0.0,
    algorithm: str = "ring",
) -> Result:
    """All-reduce time in the α-β model.

    - ring [Patarasuk & Yuan 2009; NCCL]: t = 2(p−1)·α + 2·(p−1)/p · S/B
    - tree (pipelined double binary tree, NCCL 2.4): t = 2·⌈log₂p⌉·α + 2·S/B

    Variables: S = ``bytes`` (size of the buffer being reduced, per rank), p = ``ranks``,
    B = ``bandwidth`` (B/s per rank per direction, the link the collective is bound by),
    α = ``latency`` (s per message hop). One rank needs no communication: t = 0.
    The ring's bandwidth term is the NCCL optimum (S/B)·2(n−1)/n; the tree matches it as p
    grows but pays far less latency, which is why NCCL picks it for small messages at scale.
    """
    _check(bytes, ranks, bandwidth, latency)
    if algorithm not in ("ring", "tree"):
        raise ValueError(f"algorithm must be ring or tree, not {algorithm!r}")
    if ranks == 1:
        return Result(
            0.0,
            "s",
            (Step("One rank: nothing to reduce", 0.0, "s"),),
            {"latency_s": 0.0, "bandwidth_s": 0.0},
            {"latency_s": "s", "bandwidth_s": "s"},
        )
    if algorithm == "ring":
        factor = 2.0 * (ranks - 1) / ranks
        hops = 2.0 * (ranks - 1)
        factor_label = "Bytes on the wire per rank factor 2(p−1)/p"
        hops_label = "Latency terms 2(p−1)"
    else:
        factor = 2.0
        hops = 2.0 * math.ceil(math.log2(ranks))
        factor_label = "Bytes on the wire per rank factor ≈ 2 (reduce up, broadcast down)"
        hops_label = "Latency terms 2·⌈log₂p⌉"
    t_bandwidth = factor * bytes / bandwidth
    t_latency = hops * latency
    seconds = t_latency + t_bandwidth
    steps = [
        Step(factor_label, factor, ""),
        Step("Bandwidth term = factor × S / B", t_bandwidth, "s"),
    ]
    if latency:
        steps.append(Step(hops_label, hops, ""))
        steps.append(Step("Latency term = terms × α", t_latency, "s"))
    steps.append(Step(f"All-reduce time ({algorithm})", seconds, "s"))
    return Result(
        seconds,
        "s",
        tuple(steps),
        {
            "latency_s": t_latency,
            "bandwidth_s": t_bandwidth,
            "algbw": bytes / seconds if seconds else 0.0,
        },
        {"latency_s": "s", "bandwidth_s": "s", "algbw": "byte/s"},
    )


def allgather_time(
    bytes: float,  # the contract names it so; shadows the builtin only here
    ranks: float,
    bandwidth: float,
    latency: float = 0.0,
) -> Result:
    """Ring all-gather time t = (p−1)·α + (p−1)/p · S/B [NCCL; MPICH].

    Variables: S = ``bytes``, the *total* gathered size (each rank contributes S/p and ends
    with all S, as nccl-tests counts it), p = ``ranks``, B = ``bandwidth`` (B/s per rank per
    direction), α = ``latency`` (s per step). Reduce-scatter costs the same.
    """
    _check(bytes, ranks, bandwidth, latency)
    factor = (ranks - 1) / ranks
    t_bandwidth = factor * bytes / bandwidth
    t_latency = (ranks - 1) * latency
    seconds = t_bandwidth + t_latency
    steps = [
        Step("Fraction received per rank (p−1)/p", factor, ""),
        Step("Bandwidth term = (p−1)/p × S / B", t_bandwidth, "s"),
    ]
    if latency:
        steps.append(Step("Latency term = (p−1) × α", t_latency, "s"))
    steps.append(Step("All-gather time (ring)", seconds, "s"))
    return Result(
        seconds,
        "s",
        tuple(steps),
        {"latency_s": t_latency, "bandwidth_s": t_bandwidth},
        {"latency_s": "s", "bandwidth_s": "s"},
    )


_BUSBW_FACTORS = {
    "allreduce": ("2(n−1)/n", lambda n: 2.0 * (n - 1) / n),
    "allgather": ("(n−1)/n", lambda n: (n - 1) / n),
    "reducescatter": ("(n−1)/n", lambda n: (n - 1) / n),
    "alltoall": ("(n−1)/n", lambda n: (n - 1) / n),
    "broadcast": ("1", lambda n: 1.0),
    "reduce": ("1", lambda n: 1.0),
}


def busbw(algbw: float, ranks: float, collective: str = "allreduce") -> Result:
    """NCCL bus bandwidth busbw = algbw × factor(n) [NCCL PERFORMANCE.md].

    Variables: algbw = S/t (B/s) as nccl-tests reports it, n = ``ranks``; factor is
    2(n−1)/n for allreduce, (n−1)/n for allgather, reducescatter and alltoall, and 1 for
    broadcast and reduce. busbw is comparable with the hardware link bandwidth whatever n is.
    """
    if algbw < 0:
        raise ValueError("algbw must be non-negative")
    if ranks < 1:
        raise ValueError("ranks must be at least 1")
    if collective not in _BUSBW_FACTORS:
        raise ValueError(
            f"collective must be one of {', '.join(_BUSBW_FACTORS)}, not {collective!r}"
        )
    label, factor_of = _BUSBW_FACTORS[collective]
    factor = factor_of(ranks)
    value = algbw * factor
    return Result(
        value,
        "byte/s",
        (
            Step(f"Bus bandwidth factor {label} for {collective}", factor, ""),
            Step("busbw = algbw × factor", value, "byte/s"),
        ),
        {"factor": factor},
    )


_BYTES = ParamSpec(
    "bytes", "float", "byte", minimum=0, maximum=1e15, help="message size S in bytes"
)
_RANKS = ParamSpec("ranks", "int", "", minimum=1, maximum=1e7, help="participating ranks (GPUs)")
_BANDWIDTH = ParamSpec(
    "bandwidth",
    "float",
    "byte/s",
    minimum=1e3,
    maximum=1e14,
    help="per-rank bandwidth in one direction (e.g. NVLink4 450 GB/s, NDR 50 GB/s)",
)
_LATENCY = ParamSpec(
    "latency",
    "float",
    "s",
    required=False,
    default=0.0,
    minimum=0,
    maximum=1.0,
    help="per-hop latency α",
)

SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="allreduce_time",
        function=allreduce_time,
        params=(
            _BYTES,
            _RANKS,
            _BANDWIDTH,
            _LATENCY,
            ParamSpec(
                "algorithm",
                "choice",
                required=False,
                default="ring",
                choices=("ring", "tree"),
                help="ring or (double binary) tree",
            ),
        ),
        unit="s",
        formula="ring: 2(p−1)·α + 2(p−1)/p · S/B; tree: 2⌈log₂p⌉·α + 2·S/B",
        summary="All-reduce time in the α-β model",
    ),
    ModelSpec(
        name="allgather_time",
        function=allgather_time,
        params=(_BYTES, _RANKS, _BANDWIDTH, _LATENCY),
        unit="s",
        formula="t = (p−1)·α + (p−1)/p · S/B",
        summary="Ring all-gather time (S = total gathered bytes)",
    ),
    ModelSpec(
        name="busbw",
        function=busbw,
        params=(
            ParamSpec(
                "algbw", "float", "byte/s", minimum=0, maximum=1e15, help="algorithm bandwidth S/t"
            ),
            _RANKS,
            ParamSpec(
                "collective",
                "choice",
                required=False,
                default="allreduce",
                choices=tuple(_BUSBW_FACTORS),
                help="which collective",
            ),
        ),
        unit="byte/s",
        formula="busbw = algbw × 2(n−1)/n (allreduce), (n−1)/n (allgather, reducescatter)",
        summary="NCCL bus bandwidth from algorithm bandwidth",
    ),
)
