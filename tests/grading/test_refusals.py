"""Readable refusals: a unit pint misreads is explained in words, with what to type instead.

Issue #12 found these answered with pint's dimension strings ("'3.35 TB/S' is a quantity of
dimension [current]^-2 · [information] · [length]^2 · …"): true, and useless to a player.
"""

from __future__ import annotations

import pytest

from grading.numeric import grade_numeric
from grading.quantity import AnswerError

# (typed, reference value, reference unit, display unit, phrases the refusal must contain)
REFUSALS = [
    ("3.35 TB/S", 3.35e12, "byte/s", "TB/s", ["'S' reads as siemens", "did you mean 'TB/s'"]),
    ("1000 TF", 989e12, "FLOP/s", "TFLOP/s", ["'TF' reads as terafarads",
                                              "did you mean 'TFLOP/s'"]),
    ("989 TF", 989e12, "FLOP/s", "TFLOP/s", ["terafarads", "'TFLOP/s'"]),
    ("400G", 50e9, "byte/s", "GB/s", ["'G' reads as gauss", "did you mean 'Gbit/s'"]),
    ("80G", 80e9, "byte", "GB", ["gauss", "did you mean 'GB'"]),
    ("12 mS", 0.012, "s", "ms", ["'mS' reads as millisiemens", "did you mean 'ms'"]),
    ("5 PF", 5e15, "FLOP", "PFLOP", ["petafarads", "did you mean 'PFLOP'"]),
    # No repair gives a bandwidth, but the refusal still says what was read.
    ("1000 TF", 3.35e12, "byte/s", "TB/s", ["'TF' reads as terafarads", "a bandwidth"]),
]


@pytest.mark.parametrize(("typed", "value", "unit", "display", "phrases"), REFUSALS)
def test_misread_units_are_explained(typed: str, value: float, unit: str, display: str,
                                     phrases: list[str]) -> None:
    with pytest.raises(AnswerError) as refused:
        grade_numeric(typed, value, unit, display)
    message = str(refused.value)
    assert refused.value.band == "unit_mismatch"
    for phrase in phrases:
        assert phrase in message, message
    assert "[current]" not in message and "dimension" not in message


# (typed, reference value, reference unit, display unit, value in the display unit)
ACCEPTED = [
    ("$2.5MM", 2.5e6, "USD", "USD", 2.5e6),  # finance's MM is a million, not molar
    ("2.5MM", 2.5e6, "USD", "USD", 2.5e6),
    ("250 flops/byte", 250.0, "FLOP/byte", "FLOP/byte", 250.0),  # intensity, not a rate
    ("250 FLOPS/B", 250.0, "FLOP/byte", "FLOP/byte", 250.0),
    ("3.35 TB/s", 3.35e12, "byte/s", "TB/s", 3.35),  # lowercase s is still seconds
    ("989 TFLOPS", 989e12, "FLOP/s", "TFLOP/s", 989.0),  # FLOPS without a slash: a rate
]


@pytest.mark.parametrize(("typed", "value", "unit", "display", "shown"), ACCEPTED)
def test_spellings_people_use_are_read(typed: str, value: float, unit: str, display: str,
                                       shown: float) -> None:
    grade = grade_numeric(typed, value, unit, display)
    assert grade.value == pytest.approx(shown)
    assert grade.band == "exact"


# Issue #12: plain-number cards refused the units their own prompt uses. The prompts are the
# bank's own (hw.rule.adam_bytes_per_param, hw.rule.train_flops_per_param_token,
# hw.nvlink4.links, hw.pcie5_x16.transfer_rate).
ADAM = ("Mixed-precision training with Adam: bytes of model state per parameter (weights + "
        "grads + optimizer), before any sharding?")
SIX_ND = ("Training FLOPs per parameter per token for a dense transformer (the C ~ k*N*D "
          "rule): k = ?")
LINKS = "How many NVLink links does one H100 SXM have?"
PCIE = "PCIe 5.0 per-lane transfer rate, in GT/s (number only)?"
# (typed, reference, prompt, value read or None for refused)
PROMPT_UNITS = [
    ("16 bytes", 16.0, ADAM, 16.0),
    ("16 B/param", 16.0, ADAM, 16.0),
    ("16 bytes/parameter", 16.0, ADAM, 16.0),
    ("128 bits", 16.0, ADAM, 16.0),  # converted into the unit the prompt names
    ("16 GB", 16.0, ADAM, 16e9),  # read, converted, and wrong: 16e9 bytes per parameter
    ("6 FLOPs", 6.0, SIX_ND, 6.0),
    ("6 FLOP/param/token", 6.0, SIX_ND, 6.0),
    ("18 links", 18.0, LINKS, 18.0),  # pint alone reads a surveyor's link (a length)
    ("32 GT/s", 32.0, PCIE, 32.0),
    ("18 km", 18.0, LINKS, None),  # a unit the prompt does not name is still refused
    ("16 bytes", 16.0, LINKS, None),
    ("$16", 16.0, ADAM, None),
]


@pytest.mark.parametrize(("typed", "reference", "prompt", "value"), PROMPT_UNITS)
def test_plain_number_cards_accept_their_prompts_unit(typed: str, reference: float,
                                                      prompt: str, value: float | None) -> None:
    if value is None:
        with pytest.raises(AnswerError):
            grade_numeric(typed, reference, "", "", prompt=prompt)
        return
    assert grade_numeric(typed, reference, "", "", prompt=prompt).value == pytest.approx(value)
    with pytest.raises(AnswerError):  # without the prompt, the unit is refused as before
        grade_numeric(typed, reference, "", "")


NDR = "One InfiniBand NDR port (400 Gb/s): bandwidth per direction in GB/s?"
ETHERNET = "One 400 Gb Ethernet port: bandwidth per direction in GB/s?"
NVML = "An 'H100 80GB HBM3' - how much memory does nvidia-smi/NVML report as total, in GiB?"
# (typed, reference value, reference unit, display unit, prompt, band or None for refused)
CONVERSIONS = [
    ("400 Gbps", 50e9, "byte/s", "GB/s", NDR, None),  # the given figure typed back
    ("400 Gb/s", 50e9, "byte/s", "GB/s", NDR, None),
    ("0.05 TB/s", 50e9, "byte/s", "GB/s", NDR, None),  # converted, but not into GB/s
    ("50 GB/s", 50e9, "byte/s", "GB/s", NDR, "exact"),
    ("50", 50e9, "byte/s", "GB/s", NDR, "exact"),  # a bare number is in GB/s
    ("400", 50e9, "byte/s", "GB/s", NDR, "off"),  # and 400 of them is the bits slip
    ("400 Gbps", 50e9, "byte/s", "GB/s", ETHERNET, None),  # a link named by its bit count
    ("80 GB", 79.6 * 2**30, "byte", "GiB", NVML, None),
    ("79.6 GiB", 79.6 * 2**30, "byte", "GiB", NVML, "exact"),
    # A prompt that says "in GB/s" but gives nothing of that kind is no conversion card.
    ("3350 GB/s", 3.35e12, "byte/s", "TB/s", "HBM bandwidth of an H100 SXM in TB/s?", "exact"),
]


@pytest.mark.parametrize(("typed", "value", "unit", "display", "prompt", "band"), CONVERSIONS)
def test_a_conversion_card_requires_the_unit_it_asks_for(typed: str, value: float, unit: str,
                                                         display: str, prompt: str,
                                                         band: str | None) -> None:
    if band is None:
        with pytest.raises(AnswerError) as refused:
            grade_numeric(typed, value, unit, display, prompt=prompt, conversion_card=True)
        assert "this card asks you to convert" in str(refused.value)
        # a problem whose prompt happens to give a figure is not held to it
        grade_numeric(typed, value, unit, display, prompt=prompt, conversion_card=False)
        return
    grade = grade_numeric(typed, value, unit, display, prompt=prompt, conversion_card=True)
    assert grade.band == band
