"""Energy and cost: facility energy of a job, and serving cost per million tokens.

Sources:
- E = P_avg · t · PUE (× chips): Patterson et al. 2021, "Carbon Emissions and Large Neural
  Network Training" (arXiv 2104.10350), §2 and Table 4 (MWh = hours × processors × average
  power per processor × PUE).
- Cost per token = hourly price of the GPUs / tokens served per hour: unit arithmetic
  (scaling book, applied-inference chapter, "cost per token" discussion).
"""

from __future__ import annotations

from engine.models.base import ModelSpec, ParamSpec, Result, Step

JOULES_PER_KWH = 3.6e6
SECONDS_PER_HOUR = 3600.0


def energy(
    power_w: float,
    hours: float,
    chips: float = 1.0,
    pue: float = 1.0,
    usd_per_kwh: float | None = None,
) -> Result:
    """Facility energy E = P · chips · t · PUE in J [Patterson et al. 2021 §2].

    Variables: P = ``power_w`` (average W per chip, including its share of the host if
    wanted), ``chips``, t = ``hours``, PUE = ``pue`` (facility power / IT power, ≥ 1).
    Outputs ``kwh`` (= J / 3.6e6) and, with ``usd_per_kwh``, ``usd``.
    Worked example [Patterson Table 4]: GPT-3, 10,000 V100 at 330 W for 14.8 days, PUE 1.1
    → ≈ 1,287 MWh.
    """
    if power_w < 0 or hours < 0 or chips <= 0:
        raise ValueError("power_w and hours must be non-negative and chips positive")
    if pue < 1.0:
        raise ValueError("pue must be at least 1 (facility power ≥ IT power)")
    it_power = power_w * chips
    facility_power = it_power * pue
    joules = facility_power * hours * SECONDS_PER_HOUR
    kwh = joules / JOULES_PER_KWH
    steps = [
        Step("IT power = P × chips", it_power, "W"),
        Step("Facility power = IT × PUE", facility_power, "W"),
        Step("Energy = power × hours × 3600", joules, "J"),
        Step("= kWh (J / 3.6e6)", kwh, "kWh"),
    ]
    outputs: dict[str, float | str] = {"kwh": kwh}
    if usd_per_kwh is not None:
        if usd_per_kwh < 0:
            raise ValueError("usd_per_kwh must be non-negative")
        usd = kwh * usd_per_kwh
        outputs["usd"] = usd
        steps.append(Step("Cost = kWh × price", usd, "USD"))
    return Result(joules, "J", tuple(steps), outputs, {"kwh": "kWh", "usd": "USD"})


def inference_cost(
    tokens_per_s: float,
    usd_per_gpu_hour: float,
    gpus: float = 1.0,
    utilisation: float = 1.0,
) -> Result:
    """Serving cost per million tokens = gpus · price / (tokens/s · utilisation · 3600) · 1e6.

    Variables: ``tokens_per_s`` = throughput of the ``gpus`` together while busy (token/s),
    ``usd_per_gpu_hour`` = price of one GPU for one hour (USD), ``utilisation`` = fraction
    of paid time the deployment is serving (0–1]. Result in USD per 10⁶ tokens.
    """
    if tokens_per_s <= 0 or usd_per_gpu_hour < 0 or gpus <= 0:
        raise ValueError("tokens_per_s and gpus must be positive, price non-negative")
    if not 0.0 < utilisation <= 1.0:
        raise ValueError("utilisation must be in (0, 1]")
    usd_per_hour = gpus * usd_per_gpu_hour
    tokens_per_hour = tokens_per_s * utilisation * SECONDS_PER_HOUR
    usd_per_million = usd_per_hour / tokens_per_hour * 1e6
    return Result(
        usd_per_million,
        "USD",
        (
            Step("Cost per hour = gpus × price", usd_per_hour, "USD"),
            Step("Tokens per hour = tokens/s × utilisation × 3600", tokens_per_hour, ""),
            Step("USD per 1M tokens = cost / tokens × 1e6", usd_per_million, "USD"),
        ),
        {"usd_per_hour": usd_per_hour, "tokens_per_hour": tokens_per_hour},
        {"usd_per_hour": "USD"},
    )


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="energy",
        function=energy,
        params=(
            ParamSpec(
                "power_w", "float", "W", minimum=0, maximum=1e9, help="average power per chip"
            ),
            ParamSpec("hours", "float", "hour", minimum=0, maximum=1e6, help="duration"),
            ParamSpec(
                "chips",
                "float",
                "",
                required=False,
                default=1.0,
                minimum=1,
                maximum=1e8,
                help="number of chips",
            ),
            ParamSpec(
                "pue",
                "float",
                "",
                required=False,
                default=1.0,
                minimum=1.0,
                maximum=5.0,
                help="power usage effectiveness",
            ),
            ParamSpec(
                "usd_per_kwh",
                "float",
                "USD",
                required=False,
                minimum=0,
                maximum=100,
                help="electricity price per kWh",
            ),
        ),
        unit="J",
        formula="E = P · chips · hours · 3600 · PUE",
        summary="Facility energy (and electricity cost) of a job",
    ),
    ModelSpec(
        name="inference_cost",
        function=inference_cost,
        params=(
            ParamSpec(
                "tokens_per_s",
                "float",
                "token/s",
                minimum=1e-6,
                maximum=1e12,
                help="throughput of the deployment while busy",
            ),
            ParamSpec(
                "usd_per_gpu_hour",
                "float",
                "USD",
                minimum=0,
                maximum=1e4,
                help="price of one GPU-hour",
            ),
            ParamSpec(
                "gpus",
                "float",
                "",
                required=False,
                default=1.0,
                minimum=1,
                maximum=1e7,
                help="GPUs in the deployment",
            ),
            ParamSpec(
                "utilisation",
                "float",
                "",
                required=False,
                default=1.0,
                minimum=1e-6,
                maximum=1.0,
                help="fraction of paid time serving",
            ),
        ),
        unit="USD",
        formula="USD per 1M tokens = gpus · price / (tokens/s · utilisation · 3600) · 1e6",
        summary="Serving cost per million tokens",
    ),
)
