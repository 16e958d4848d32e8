"""Case compositions for the planning cases (see ``engine.cases.references`` for the contract).

Each function is registered with ``@composition``; a case step names it as its reference.
Imported once, at the end of ``engine.cases.references``, so registering never depends on
which case is posed first.

These are the small links the program-design and system-tradeoffs cases chain between the
registered models: bytes of a model's weights, a copy over a link, capacity that survives
losing a site, checkpoint waste at a given interval, the price of a wasted fraction of a
fleet, padding waste and what removing it saves, energy per token, the penalties of serving
under variable load (KV swaps, egress), and the daily cost of a GPU queue. Every function
takes SI units (or the unit its ``param_units`` names) and returns a ``Result`` with the
show-work steps the player reads after answering.
"""

from __future__ import annotations

import math

from engine.cases.references import composition
from engine.models.base import Result, Step

SECONDS_PER_HOUR = 3_600.0
SECONDS_PER_DAY = 86_400.0
HOURS_PER_DAY = 24.0
BYTES_PER_GB = 1e9


def _positive(**values: float) -> None:
    for key, value in values.items():
        if not value > 0:
            raise ValueError(f"{key} must be positive, not {value:g}")


def _fraction(name: str, value: float, *, allow_zero: bool = True) -> None:
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value < 1):
        raise ValueError(f"{name} must be a fraction in [0, 1), not {value:g}")


@composition("bytes_for_params", {"params": "parameter", "bytes_per_param": "byte"}, "byte",
             "bytes = N · bytes per parameter")
def bytes_for_params(params: float, bytes_per_param: float) -> Result:
    """Bytes held by ``params`` numbers of ``bytes_per_param`` bytes each: weights (2 B in
    BF16, 1 B in FP8/INT8) or a full training checkpoint (weights plus FP32 master copy and
    Adam moments: 2 + 4 + 4 + 4 = 14 B per parameter).

    Variables: N = ``params`` (count), b = ``bytes_per_param`` (bytes). Source: jax-ml
    "How to Scale Your Model", inference chapter, pop quiz on a 30B model: "in int8, our
    parameters will use 30e9 bytes" (30e9 × 1 B). Worked example: 300B in FP8 = 3e11 bytes
    (300 GB); in BF16 600 GB.
    """
    _positive(params=params, bytes_per_param=bytes_per_param)
    total = params * bytes_per_param
    return Result(total, "byte", (
        Step("Bytes = parameters × bytes per parameter", total, "byte"),
        Step("= GB (÷ 1e9)", total / BYTES_PER_GB, "GB"),
    ))


@composition("transfer_seconds",
             {"payload_bytes": "byte", "bandwidth": "byte/s", "efficiency": ""},
             "s", "t = bytes / (link bandwidth · efficiency)")
def transfer_seconds(payload_bytes: float, bandwidth: float, efficiency: float) -> Result:
    """Time to move ``payload_bytes`` over a link: t = bytes / (bandwidth · efficiency), in s.

    Variables: ``payload_bytes`` (what is copied), ``bandwidth`` (line rate of the link in
    B/s: a 400 Gbit/s link is 50e9 B/s, the bits-vs-bytes factor of 8 is the classic slip),
    ``efficiency`` (the fraction of line rate a bulk copy sustains: protocol overhead,
    congestion, storage at either end). Source and worked example: ESnet "fasterdata",
    Network Requirements and Expectations: 1 TB over a 1 Gbps network takes about 3 hours
    (line rate alone gives 8e12 bit / 1e9 bit/s = 8,000 s = 2.2 h; the table's 3 h is
    ≈ 74 % of line rate).
    """
    _positive(payload_bytes=payload_bytes, bandwidth=bandwidth)
    if not 0 < efficiency <= 1:
        raise ValueError(f"efficiency must be a fraction in (0, 1], not {efficiency:g}")
    sustained = bandwidth * efficiency
    seconds = payload_bytes / sustained
    return Result(seconds, "s", (
        Step("Sustained rate = line rate × efficiency", sustained, "byte/s"),
        Step("Time = bytes / sustained rate", seconds, "s"),
        Step("= hours (÷ 3,600)", seconds / SECONDS_PER_HOUR, "hour"),
    ), {"hours": seconds / SECONDS_PER_HOUR}, {"hours": "hour"})


@composition("gpus_per_site_surviving_site_loss",
             {"peak_load": "token/s", "per_replica_load": "token/s", "gpus_per_replica": "",
              "sites": ""},
             "", "GPUs per site = ⌈peak / ((sites − 1) · per-replica)⌉ · GPUs per replica")
def gpus_per_site_surviving_site_loss(peak_load: float, per_replica_load: float,
                                      gpus_per_replica: float, sites: float) -> Result:
    """GPUs each site needs so that the sites left after losing one still carry the peak.

    replicas per site = ⌈peak / ((S − 1) · r)⌉, GPUs per site = replicas · g. Variables:
    ``peak_load`` (peak demand, token/s), r = ``per_replica_load`` (what one replica
    sustains at the latency target, token/s), g = ``gpus_per_replica``, S = ``sites``
    (≥ 2, the load spread evenly). Output ``replicas_per_site`` and ``fleet_gpus`` (S times
    the per-site figure) and ``premium`` (fleet over the no-redundancy fleet: S/(S − 1) up to
    rounding). Source: capacity arithmetic (replicas = load / load per replica, the load of a
    lost failure domain spread over the survivors), as in the model answer of the open
    question ``open.design.rollout_300b_three_dc`` (no published worked example found for
    this exact form). Worked example: peak 300,000 token/s, 3,000 token/s per 8-GPU
    replica, 3 sites → ⌈300,000 / (2 · 3,000)⌉ = 50 replicas = 400 GPUs per site, 1,200 in
    all (1.5× the 800 of a single pool).
    """
    _positive(peak_load=peak_load, per_replica_load=per_replica_load,
              gpus_per_replica=gpus_per_replica)
    if sites < 2 or sites != int(sites):
        raise ValueError(f"sites must be a whole number of at least 2, not {sites:g}")
    surviving = sites - 1
    per_site_load = peak_load / surviving
    replicas = math.ceil(per_site_load / per_replica_load - 1e-9)
    gpus = replicas * gpus_per_replica
    single_pool = math.ceil(peak_load / per_replica_load - 1e-9) * gpus_per_replica
    return Result(float(gpus), "", (
        Step("Load each site must carry with one site lost = peak / (sites − 1)",
             per_site_load, "token/s"),
        Step("Replicas per site = ⌈that / per-replica throughput⌉", float(replicas), ""),
        Step("GPUs per site = replicas × GPUs per replica", float(gpus), ""),
        Step("Fleet = sites × GPUs per site", float(gpus * sites), ""),
        Step("Premium over one pool sized for the peak", gpus * sites / single_pool, ""),
    ), {"replicas_per_site": float(replicas), "fleet_gpus": float(gpus * sites),
        "premium": gpus * sites / single_pool})


@composition("checkpoint_waste_fraction",
             {"checkpoint_s": "s", "interval_s": "s", "mtbf_s": "s", "restart_s": "s"},
             "", "W = δ/τ + (τ/2 + R)/M")
def checkpoint_waste_fraction(checkpoint_s: float, interval_s: float, mtbf_s: float,
                              restart_s: float) -> Result:
    """First-order share of wall-clock time lost to checkpointing and failures at a GIVEN
    checkpoint interval: W = δ/τ + (τ/2 + R)/M.

    Variables: δ = ``checkpoint_s`` (stall to write one checkpoint), τ = ``interval_s``
    (compute time between checkpoints), M = ``mtbf_s`` (mean time between failures of the
    whole job), R = ``restart_s`` (restart and reload after a failure). δ/τ is the stall
    share; each failure loses on average half an interval of work plus the restart. Source:
    Young 1974 (CACM 17(9)), whose minimum of this expression is τ = √(2δM), where the
    waste is √(2δ/M) + R/M (models.md A11–A12; Daly 2006 eq. 37 refines it). Worked
    example: δ = 30 s, τ = 30 min, M = 3 h, R = 0 → 30/1,800 + 900/10,800 = 1.7 % + 8.3 %
    = 10 %; at Young's τ = √(2·30·10,800) = 805 s it is 3.7 % + 3.7 % = 7.5 %.
    """
    _positive(checkpoint_s=checkpoint_s, interval_s=interval_s, mtbf_s=mtbf_s)
    if restart_s < 0:
        raise ValueError(f"restart_s must be non-negative, not {restart_s:g}")
    stall = checkpoint_s / interval_s
    lost = (interval_s / 2.0 + restart_s) / mtbf_s
    waste = stall + lost
    if waste >= 1:
        raise ValueError(f"the job loses {waste:.2g} of its time (≥ 1): it never finishes; "
                         f"checkpoint more often or fail less")
    return Result(waste, "", (
        Step("Checkpoint stall share = δ / τ", stall, ""),
        Step("Lost work + restart share = (τ/2 + R) / M", lost, ""),
        Step("Waste W = sum", waste, ""),
        Step("Goodput = 1 − W", 1.0 - waste, ""),
    ), {"stall": stall, "lost": lost, "goodput": 1.0 - waste})


@composition("share_saved_by_less_waste", {"waste_before": "", "waste_after": ""}, "",
             "saved share = 1 − (1 − w₀)/(1 − w₁)")
def share_saved_by_less_waste(waste_before: float, waste_after: float) -> Result:
    """Share of paid GPU time saved for the same useful work when waste falls from w₀ to
    w₁: s = 1 − (1 − w₀)/(1 − w₁).

    The useful share of each GPU-hour rises from 1 − w₀ to 1 − w₁, so the same work needs
    (1 − w₀)/(1 − w₁) of the GPU-hours it needed. This is the currency in which a goodput
    gain and a throughput gain (e.g. from a larger batch) can be compared. Source: Krell et
    al. 2021 (arXiv 2107.02027): removing the > 50 % padding of BERT's Wikipedia data at
    length 512 gave a 2× speed-up. Worked example: w₀ = 0.5, w₁ = 0 → s = 1 − 0.5/1 = 0.5,
    half the GPU-hours (their 2×).
    """
    _fraction("waste_before", waste_before)
    _fraction("waste_after", waste_after)
    if waste_after >= waste_before:
        raise ValueError("waste_after must be below waste_before for a saving")
    ratio = (1.0 - waste_before) / (1.0 - waste_after)
    saved = 1.0 - ratio
    return Result(saved, "", (
        Step("Useful share now = 1 − w₀", 1.0 - waste_before, ""),
        Step("Useful share after = 1 − w₁", 1.0 - waste_after, ""),
        Step("GPU time needed after, as a share of now = (1 − w₀)/(1 − w₁)", ratio, ""),
        Step("Share saved = 1 − that", saved, ""),
    ), {"ratio": ratio})


@composition("fleet_waste_usd_per_day",
             {"gpus": "", "usd_per_gpu_hour": "USD/hour", "waste_fraction": ""},
             "USD", "USD a day = gpus · 24 · price · wasted fraction")
def fleet_waste_usd_per_day(gpus: float, usd_per_gpu_hour: float,
                            waste_fraction: float) -> Result:
    """What a wasted (idle, stalled, recomputed) fraction of a fleet costs in one day:
    gpus · 24 h · price per GPU-hour · fraction, in USD (the amount for one day, so a player
    answers "$19.4k" rather than a rate).

    Variables: ``gpus`` (the fleet, paid whether busy or not), ``usd_per_gpu_hour``,
    ``waste_fraction`` (share of paid time that does no useful work). Source: unit
    arithmetic; Meta's Llama 3 report (arXiv 2407.21783 §3.3.4) counts effective training
    time the same way (> 90 % on 16,384 GPUs). Worked example: 16,384 GPUs at $2/hour with
    10 % waste → 16,384 · 24 · 2 · 0.10 = $78,643 per day.
    """
    _positive(gpus=gpus, usd_per_gpu_hour=usd_per_gpu_hour)
    if not 0 < waste_fraction <= 1:
        raise ValueError(f"waste_fraction must be in (0, 1], not {waste_fraction:g}")
    fleet_per_day = gpus * HOURS_PER_DAY * usd_per_gpu_hour
    wasted = fleet_per_day * waste_fraction
    return Result(wasted, "USD", (
        Step("Fleet cost per day = gpus × 24 × price", fleet_per_day, "USD"),
        Step("Wasted = fleet cost × wasted fraction", wasted, "USD"),
        Step("= per year (× 365)", wasted * 365, "USD"),
    ), {"usd_per_year": wasted * 365}, {"usd_per_year": "USD"})


@composition("seconds_with_waste", {"seconds": "s", "waste_fraction": ""}, "s",
             "wall-clock = failure-free time / (1 − W)")
def seconds_with_waste(seconds: float, waste_fraction: float) -> Result:
    """Wall-clock time of a job that loses a share W of its time: T_wall = T / (1 − W).

    Variables: T = ``seconds`` (failure-free compute time), W = ``waste_fraction`` (share of
    wall-clock time lost to checkpoint stalls, lost work and restarts; goodput = 1 − W).
    Source: models.md A11 (effective throughput = goodput × ideal). Worked example: a
    45-day ideal run at 10 % waste takes 45 / 0.9 = 50 days.
    """
    _positive(seconds=seconds)
    _fraction("waste_fraction", waste_fraction)
    wall = seconds / (1.0 - waste_fraction)
    return Result(wall, "s", (
        Step("Goodput = 1 − W", 1.0 - waste_fraction, ""),
        Step("Wall-clock = ideal time / goodput", wall, "s"),
        Step("= days (÷ 86,400)", wall / SECONDS_PER_DAY, "day"),
    ))


@composition("shortfall_fraction", {"achieved": "", "planned": ""}, "",
             "shortfall = 1 − achieved / planned")
def shortfall_fraction(achieved: float, planned: float) -> Result:
    """Share of a planned quantity that is not delivered: 1 − achieved / planned.

    Used for padding waste (real tokens / padded token slots: the padded slots do FLOPs for
    nothing) and for idle capacity (measured / planned throughput). Both numbers must be in
    the same unit; the result is a fraction. Source: Krell et al. 2021, "Efficient Sequence
    Packing without Cross-contamination" (arXiv 2107.02027), abstract: at sequence length
    512, padding is over 50 % of the Wikipedia tokens used to pre-train BERT, so removing it
    gives a 2× speed-up. Worked example: real 256 of 512 slots → 1 − 256/512 = 0.5, and
    1/(1 − 0.5) = 2, their speed-up.
    """
    _positive(achieved=achieved, planned=planned)
    if achieved >= planned:
        raise ValueError(f"achieved ({achieved:g}) must be below planned ({planned:g}) for "
                         f"a shortfall")
    share = 1.0 - achieved / planned
    return Result(share, "", (
        Step("Delivered share = achieved / planned", achieved / planned, ""),
        Step("Shortfall = 1 − delivered share", share, ""),
        Step("Speed-up if the shortfall is removed = 1 / (1 − shortfall)",
             1.0 / (1.0 - share), ""),
    ), {"speedup": 1.0 / (1.0 - share)})


@composition("gpu_hours_saved_by_less_waste",
             {"gpu_hours": "hour", "waste_before": "", "waste_after": ""}, "hour",
             "saved = H · (1 − (1 − w₀)/(1 − w₁))")
def gpu_hours_saved_by_less_waste(gpu_hours: float, waste_before: float,
                                  waste_after: float) -> Result:
    """GPU-hours saved when the same useful work runs with less waste.

    Useful work U = H·(1 − w₀); after the change it needs U/(1 − w₁) GPU-hours, so the saving
    is H − H·(1 − w₀)/(1 − w₁). Variables: H = ``gpu_hours`` spent now (per day, per run...),
    w₀ = ``waste_before``, w₁ = ``waste_after`` (fractions, w₁ < w₀). Source: Krell et al.
    2021 (arXiv 2107.02027): removing > 50 % padding gives the 2× speed-up they measure on
    BERT, i.e. half the GPU-hours. Worked example: H = 1,000, w₀ = 0.5, w₁ = 0 → 500 saved.
    """
    _positive(gpu_hours=gpu_hours)
    _fraction("waste_before", waste_before)
    _fraction("waste_after", waste_after)
    if waste_after >= waste_before:
        raise ValueError("waste_after must be below waste_before for a saving")
    useful = gpu_hours * (1.0 - waste_before)
    needed = useful / (1.0 - waste_after)
    saved = gpu_hours - needed
    return Result(saved, "hour", (
        Step("Useful GPU-hours = H × (1 − w₀)", useful, "hour"),
        Step("GPU-hours needed after = useful / (1 − w₁)", needed, "hour"),
        Step("Saved = H − needed", saved, "hour"),
    ), {"needed_hours": needed}, {"needed_hours": "hour"})


@composition("energy_per_token", {"power_w": "W", "gpus": "", "tokens_per_s": "token/s",
                                  "pue": ""},
             "J", "J/token = P · gpus · PUE / (tokens/s)")
def energy_per_token(power_w: float, gpus: float, tokens_per_s: float, pue: float) -> Result:
    """Facility energy per generated token: E = P · n · PUE / throughput, in J (per token).

    Variables: P = ``power_w`` (average draw per GPU; TDP is an upper bound), n = ``gpus``
    (that produce ``tokens_per_s`` together), PUE = ``pue`` (facility / IT power, ≥ 1).
    Source: Patterson et al. 2021 (energy = power × time × PUE) divided by tokens; worked
    example in clune.org, "Another look at per token energy costs": a 4×H100 node at
    1,500 W producing 41.8 token/s → 1,500 / 41.8 ≈ 36 J per token.
    """
    _positive(power_w=power_w, gpus=gpus, tokens_per_s=tokens_per_s)
    if pue < 1:
        raise ValueError(f"pue must be at least 1, not {pue:g}")
    facility_w = power_w * gpus * pue
    joules = facility_w / tokens_per_s
    return Result(joules, "J", (
        Step("Facility power = P × gpus × PUE", facility_w, "W"),
        Step("Energy per token = power / tokens per second", joules, "J"),
        Step("= kWh per million tokens (× 1e6 / 3.6e6)", joules / 3.6, "kWh"),
    ), {"kwh_per_million_tokens": joules / 3.6}, {"kwh_per_million_tokens": "kWh"})


@composition("swap_usd_per_million_tokens",
             {"swap_one_way_s": "s", "swapped_fraction": "", "tokens_per_request": "token",
              "gpus": "", "usd_per_gpu_hour": "USD"},
             "USD", "USD/1M = 2·t_swap · f · gpus · price/3600 · 1e6 / tokens per request")
def swap_usd_per_million_tokens(swap_one_way_s: float, swapped_fraction: float,
                                tokens_per_request: float, gpus: float,
                                usd_per_gpu_hour: float) -> Result:
    """The memory-swap penalty in USD per million generated tokens.

    When KV-cache memory runs out, a preempted request's cache is copied to host memory and
    back, stalling the replica for the two copies. Source: vLLM's swap preemption, Kwon et
    al. 2023, "Efficient Memory Management for Large Language Model Serving with
    PagedAttention" (SOSP '23), §4.5; the pricing is unit arithmetic. Cost per swapped
    request = 2·t · gpus · price / 3600; per million tokens multiply by f · 1e6 / tokens
    per request. Variables: t = ``swap_one_way_s`` (one copy
    over the host link), f = ``swapped_fraction`` of requests, ``tokens_per_request``,
    ``gpus`` in the replica, ``usd_per_gpu_hour`` (the price of one GPU-hour, taken as a
    plain USD amount as the registered ``inference_cost`` model takes it, so one scenario
    parameter feeds both). Worked example: t = 50 ms, f = 0.2, 500 tokens per request,
    8 GPUs at $3 → 2·0.05·8·3/3600 = $6.7e-4 per swap × 400 swaps per 1M tokens = $0.27.
    """
    _positive(swap_one_way_s=swap_one_way_s, tokens_per_request=tokens_per_request, gpus=gpus,
              usd_per_gpu_hour=usd_per_gpu_hour)
    if not 0 < swapped_fraction <= 1:
        raise ValueError(f"swapped_fraction must be in (0, 1], not {swapped_fraction:g}")
    stall_s = 2.0 * swap_one_way_s
    usd_per_swap = stall_s * gpus * usd_per_gpu_hour / SECONDS_PER_HOUR
    swaps_per_million = swapped_fraction * 1e6 / tokens_per_request
    usd = usd_per_swap * swaps_per_million
    return Result(usd, "USD", (
        Step("Stall per swapped request = out + back = 2 × one-way copy", stall_s, "s"),
        Step("Cost per swap = stall × gpus × price / 3600", usd_per_swap, "USD"),
        Step("Swaps per 1M tokens = fraction × 1e6 / tokens per request", swaps_per_million,
             ""),
        Step("Swap penalty per 1M tokens", usd, "USD"),
    ))


@composition("egress_usd_per_million_tokens",
             {"bytes_per_token": "byte", "usd_per_gb": "USD/GB"},
             "USD", "USD/1M = bytes per token · 1e6 / 1e9 · USD per GB")
def egress_usd_per_million_tokens(bytes_per_token: float, usd_per_gb: float) -> Result:
    """Network egress per million generated tokens: bytes per token · 1e6 / 1e9 · $/GB.

    Variables: ``bytes_per_token`` (what leaves the data centre per generated token: a few
    bytes of text, but a few hundred when each token is streamed as its own server-sent
    event with JSON framing), ``usd_per_gb`` (the cloud's internet egress price). Source:
    unit arithmetic (clouds price internet egress per GB). Worked example: 250 B per
    streamed token at $0.09/GB → 0.25 GB per 1M tokens → $0.0225.
    """
    _positive(bytes_per_token=bytes_per_token, usd_per_gb=usd_per_gb)
    gigabytes = bytes_per_token * 1e6 / BYTES_PER_GB
    usd = gigabytes * usd_per_gb
    return Result(usd, "USD", (
        Step("GB per 1M tokens = bytes per token × 1e6 / 1e9", gigabytes, "GB"),
        Step("Egress per 1M tokens = GB × price", usd, "USD"),
    ))


@composition("sum_usd", {"first": "USD", "second": "USD", "third": "USD"}, "USD",
             "total = first + second + third")
def sum_usd(first: float, second: float, third: float) -> Result:
    """The sum of three costs in USD (e.g. per million tokens: capacity, swaps, egress).

    Source: arithmetic. Worked example: $1.85 + $0.27 + $0.02 = $2.14.
    """
    for name, value in (("first", first), ("second", second), ("third", third)):
        if value < 0:
            raise ValueError(f"{name} must be non-negative, not {value:g}")
    total = first + second + third
    return Result(total, "USD", (
        Step("Total = sum of the parts", total, "USD"),
        Step("Largest part's share", max(first, second, third) / total if total else 0.0,
             ""),
    ))


@composition("queue_cost_usd_per_day",
             {"servers": "", "gpus_per_server": "", "usd_per_gpu_hour": "USD/hour",
              "arrival_rate": "1/s", "mean_wait_s": "s", "usd_per_wait_hour": "USD/hour"},
             "USD",
             "USD a day = c·g·24·price + λ·86,400·W_q/3600·value of an hour waited")
def queue_cost_usd_per_day(servers: float, gpus_per_server: float, usd_per_gpu_hour: float,
                           arrival_rate: float, mean_wait_s: float,
                           usd_per_wait_hour: float) -> Result:
    """Daily cost of a GPU pool run as a queue, in USD for one day: the capacity (paid busy
    or idle) plus the time jobs spend waiting for it, priced at what an hour of waiting
    costs.

    capacity = c · g · 24 · price; waiting = λ · 86,400 · W_q / 3600 · v (jobs per day ×
    hours each waits × v). Variables: c = ``servers`` (nodes), g = ``gpus_per_server``,
    ``usd_per_gpu_hour``, λ = ``arrival_rate`` (jobs/s), W_q = ``mean_wait_s`` (mean queueing
    delay over all jobs, e.g. Erlang C), v = ``usd_per_wait_hour`` (the cost of one job
    waiting one hour: the researchers blocked on it). Source: the classic staffing trade-off
    of M/M/c queues (Kleinrock 1975, Queueing Systems vol. 1 §3.5; Erlang C). Worked
    example: 10 nodes of 8 GPUs at $2 = $3,840/day; 40 jobs/day waiting 0.5 h at $100 an
    hour = $2,000/day; total $5,840/day.
    """
    _positive(servers=servers, gpus_per_server=gpus_per_server,
              usd_per_gpu_hour=usd_per_gpu_hour, arrival_rate=arrival_rate)
    if mean_wait_s < 0 or usd_per_wait_hour < 0:
        raise ValueError("mean_wait_s and usd_per_wait_hour must be non-negative")
    capacity = servers * gpus_per_server * HOURS_PER_DAY * usd_per_gpu_hour
    jobs_per_day = arrival_rate * SECONDS_PER_DAY
    wait_hours = jobs_per_day * mean_wait_s / SECONDS_PER_HOUR
    waiting = wait_hours * usd_per_wait_hour
    total = capacity + waiting
    return Result(total, "USD", (
        Step("Capacity = nodes × GPUs × 24 × price", capacity, "USD"),
        Step("Jobs per day = λ × 86,400", jobs_per_day, ""),
        Step("Hours waited per day = jobs × W_q / 3600", wait_hours, "hour"),
        Step("Waiting cost = hours waited × value of an hour", waiting, "USD"),
        Step("Total per day", total, "USD"),
    ), {"capacity_usd": capacity, "waiting_usd": waiting},
        {"capacity_usd": "USD", "waiting_usd": "USD"})


@composition("gpus_within_power",
             {"site_power_w": "W", "gpu_power_w": "W", "overhead_w_per_gpu": "W", "pue": ""},
             "", "GPUs = ⌊P_site / ((P_gpu + P_overhead) · PUE)⌋")
def gpus_within_power(site_power_w: float, gpu_power_w: float, overhead_w_per_gpu: float,
                      pue: float) -> Result:
    """How many GPUs a site's power envelope feeds: ⌊P / ((P_gpu + P_overhead) · PUE)⌋.

    Variables: P = ``site_power_w`` (the facility's contracted power, cooling included),
    P_gpu = ``gpu_power_w`` (board power, e.g. TDP), P_overhead = ``overhead_w_per_gpu`` (the
    GPU's share of host CPUs, memory, NICs and switches), PUE = ``pue`` (facility / IT
    power). Source: NVIDIA's DGX H100 datasheet, ~10.2 kW maximum for an 8-GPU system (the
    catalog's systems.dgx_h100.system_power_watts): 1,275 W per GPU all-in, i.e. 700 W of
    TDP and 575 W of overhead. Worked example: a 20 MW site at PUE 1.25 has 16 MW of IT
    power: ⌊16e6 / 1,275⌋ = 12,549 H100s.
    """
    _positive(site_power_w=site_power_w, gpu_power_w=gpu_power_w)
    if overhead_w_per_gpu < 0:
        raise ValueError(f"overhead_w_per_gpu must be non-negative, not "
                         f"{overhead_w_per_gpu:g}")
    if pue < 1:
        raise ValueError(f"pue must be at least 1, not {pue:g}")
    it_power = site_power_w / pue
    per_gpu = gpu_power_w + overhead_w_per_gpu
    gpus = math.floor(it_power / per_gpu + 1e-9)
    if gpus < 1:
        raise ValueError("the site cannot power a single GPU")
    return Result(float(gpus), "", (
        Step("IT power = site power / PUE", it_power, "W"),
        Step("Power per GPU all-in = board + overhead", per_gpu, "W"),
        Step("GPUs = ⌊IT power / per-GPU power⌋", float(gpus), ""),
    ), {"it_power_w": it_power}, {"it_power_w": "W"})


@composition("finish_seconds_after_lead",
             {"compute_flops": "FLOP", "gpus": "", "peak_flops": "FLOP/s", "mfu": "",
              "lead_s": "s"},
             "s", "finish = lead time + C / (gpus · peak · MFU)")
def finish_seconds_after_lead(compute_flops: float, gpus: float, peak_flops: float,
                              mfu: float, lead_s: float) -> Result:
    """When a run finishes, counted from today: the lead time until the fleet is ready plus
    the training time t = C / (n · peak · MFU).

    Variables: C = ``compute_flops``, n = ``gpus``, ``peak_flops`` (dense, per GPU), ``mfu``,
    ``lead_s`` (time until the GPUs are delivered, installed and burnt in). Source: jax-ml
    "How to Scale Your Model", applied-training chapter (t = C / (chips · peak · MFU)), plus
    the lead time. Worked example: 6.3e24 FLOP on 4,096 GPUs of 989 TFLOP/s at 40 % MFU is
    45.0 days; with a 30-day lead time it finishes on day 75.
    """
    _positive(compute_flops=compute_flops, gpus=gpus, peak_flops=peak_flops)
    if not 0 < mfu <= 1:
        raise ValueError(f"mfu must be a fraction in (0, 1], not {mfu:g}")
    if lead_s < 0:
        raise ValueError(f"lead_s must be non-negative, not {lead_s:g}")
    training = compute_flops / (gpus * peak_flops * mfu)
    finish = lead_s + training
    return Result(finish, "s", (
        Step("Training time = C / (gpus × peak × MFU)", training, "s"),
        Step("Finish = lead time + training time", finish, "s"),
        Step("= days from today (÷ 86,400)", finish / SECONDS_PER_DAY, "day"),
    ), {"training_days": training / SECONDS_PER_DAY}, {"training_days": "day"})
