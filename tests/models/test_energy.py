"""Energy of a job and serving cost per million tokens."""

from __future__ import annotations

import pytest

from engine.models.energy import energy, inference_cost


def test_gpt3_energy_patterson() -> None:
    # Patterson et al. 2021, Table 4: GPT-3 on 10,000 V100s, 14.8 days, 330 W average per
    # processor, PUE 1.1 -> 1,287 MWh. [Figures recalled; the arithmetic gives 1,289 MWh
    # because the paper rounds the days.]
    result = energy(power_w=330, hours=14.8 * 24, chips=10_000, pue=1.1)
    assert result.unit == "J"
    assert result.outputs["kwh"] / 1000 == pytest.approx(1287, rel=0.005)
    assert result.value == pytest.approx(result.outputs["kwh"] * 3.6e6)


def test_energy_cost() -> None:
    # One 700 W H100 for 24 h at PUE 1.2: 20.16 kWh; at $0.10/kWh -> $2.016.
    result = energy(power_w=700, hours=24, pue=1.2, usd_per_kwh=0.10)
    assert result.outputs["kwh"] == pytest.approx(20.16)
    assert result.outputs["usd"] == pytest.approx(2.016)
    assert "usd" not in energy(power_w=700, hours=24).outputs


def test_pue_below_one_rejected() -> None:
    with pytest.raises(ValueError, match="pue"):
        energy(700, 1, pue=0.9)


def test_inference_cost() -> None:
    # $2 per GPU-hour, one GPU serving 1,000 tokens/s: 3.6M tokens/h -> $0.556 per 1M tokens.
    result = inference_cost(tokens_per_s=1000, usd_per_gpu_hour=2.0)
    assert result.value == pytest.approx(2.0 / 3.6)
    assert result.unit == "USD"
    # Half the time idle doubles the price; eight GPUs at the same throughput cost 8×.
    assert inference_cost(1000, 2.0, utilisation=0.5).value == pytest.approx(2 * result.value)
    assert inference_cost(1000, 2.0, gpus=8).value == pytest.approx(8 * result.value)
