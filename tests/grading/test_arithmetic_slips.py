"""Plain arithmetic written out wrong is a wrong number (grading/_arithmetic.py): "40/300 ≈
1.3%" is named with what it comes to, and nothing that is right as rounded, said in another
duration unit, part of a longer sum or carrying a prefixed unit is read as a slip."""

from __future__ import annotations

import pytest

from content.loader import KeyPoint
from grading import rubric
from grading._arithmetic import arithmetic_slips
from grading.rubric import ERROR_CAPS, score_open

DECODE = KeyPoint("decode is memory-bound", ("decode & memory bound|memory-bound",), 1.0)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The stall costs 40/300 ≈ 1.3% of the step.", "13.3%"),  # a factor of ten off
    ("Young's interval is √(1.25e6) ≈ 11,200 seconds.", "1,118"),
    ("That is 2,048 × 60 = 12,288 GPU-hours a day.", None),  # a unit with no reading: skipped
    ("So 6 × 70 = 4,200 steps.", "420"),
    ("The stall (40/300 ≈ 1.3%) is small.", "13.3%"),  # in brackets
    # The reviewer's misses: a result at the end of the sentence or before a comma, and a
    # share read as its shortfall only when the words say so.
    ("The idle share is 40/300 ≈ 0.013.", "0.1333"),
    ("So 2,048 × 8 = 1,638, so we need more nodes.", "16,384"),
    ("Scaling efficiency is 1.8/2 ≈ 9%.", "90%"),
    ("Young: √(2 × 57 × 11,000) = √(1.25e6) ≈ 1,118 s.", None),  # inside the root: not read
    # The rounding band's edges: 0.6–1.67× of the true value stands.
    ("So 20/2 = 6.1 steps.", None),
    ("So 20/2 = 5.9 steps.", "10"),
    ("So 20/2 = 16.6 steps.", None),
    ("So 20/2 = 16.8 steps.", "10"),
])
def test_a_written_out_sum_is_checked(sentence: str, expected: str | None) -> None:
    slips = list(arithmetic_slips(sentence))
    assert [slip.expected for slip in slips] == ([] if expected is None else [expected])


@pytest.mark.parametrize("sentence", [
    "The bubble is 7/32 ≈ 22% of the ideal time and 7/39 ≈ 18% of the step.",
    "Job MTBF is 50,000 / 16,384 ≈ 3 hours.",  # rounded
    "That is 6.3e24 / 8.1e17 ≈ 90 days of training.",  # seconds said in days
    "Scaling to 1/0.85 ≈ 17.6% more GPUs covers it.",  # the increase over 1
    "The slow rank sets the step: 1/1.1 ≈ 9.1% slower.",  # the shortfall from 1
    "The ring pays 2 × 1,023 = 2,046 hops.",
    "For 5.9e23 FLOPs over 2,048 × 989e12 is about 3.4 days.",  # part of a longer sum
    "A step is 1 + 3 × 0.04 = 1.12 of the baseline.",  # part of a longer sum
    "The state is 405e9 × 14 ≈ 5.7 TB.",  # a prefixed unit: not read
    "That's 16,384 × 6 ≈ 98k GPU-hours.",  # a suffix glued to the result
    "Then 2 × 70 = 140 × 2 bytes = 280 GB.",  # the arithmetic goes on
    # An independent reviewer's right sentences (2026-12-05) that the first version named:
    "40/300 × 100 ≈ 13% of the cluster.",  # the "× 100" already makes it a percentage
    "1.8/2 × 100 = 90% scaling efficiency.",
    "Three teams at 30 each: 3 × 30 = 90% of the cluster, leaving 10% for evals.",
    "The sweep needs 10 to 40 × 8 = 80 to 320 GPUs.",  # a range
    "A sweep of 10–40 × 8 = 80–320 GPUs fits in one pod.",
    "5.9e23 / 8e17 ≈ 1e6 s, call it 9 days.",  # an order of magnitude in the same unit
])
def test_right_or_unreadable_sums_are_not_slips(sentence: str) -> None:
    assert list(arithmetic_slips(sentence)) == []


def test_a_slip_is_a_wrong_number_that_caps_the_answer() -> None:
    answer = ("Decode is memory-bound. Checkpoint stalls cost 40/300 ≈ 1.3% of the step, "
              "so keep the synchronous write.")
    result = score_open(answer, [DECODE], process_flags=())
    [wrong] = result.wrong_numbers
    assert (wrong.typed, wrong.name, wrong.expected) == (
        "40/300 ≈ 1.3%", rubric.ARITHMETIC_SLIP_NAME, "13.3%")
    assert result.auto_score <= ERROR_CAPS[1]


def test_a_result_named_against_its_figure_is_one_slip_not_two() -> None:
    from content.loader import load_bank

    item = load_bank().items["open.screen.pipeline_bubble"]
    result = score_open("With m = 32 the bubble is 7/32 ≈ 2.2%.", item.key_points,
                        figures=item.figures, process_flags=())
    assert [wrong.typed for wrong in result.wrong_numbers] == ["2.2%"]


def test_a_slip_called_wrong_is_not_held_against_the_answer() -> None:
    answer = "Decode is memory-bound. Some write 40/300 ≈ 1.3%, which is wrong: it is 13%."
    assert score_open(answer, [DECODE], process_flags=()).wrong_numbers == ()
    answer = "Decode is memory-bound. The stall is 40/300 ≈ 1.3%. That's wrong: it is 13%."
    assert score_open(answer, [DECODE], process_flags=()).wrong_numbers == ()


def test_the_switch_turns_the_check_off(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = "Decode is memory-bound. The stall costs 40/300 ≈ 1.3% of the step."
    assert score_open(answer, [DECODE], process_flags=()).wrong_numbers
    monkeypatch.setattr(rubric, "ARITHMETIC_SLIPS", False)
    assert score_open(answer, [DECODE], process_flags=()).wrong_numbers == ()


# Arithmetic with units (grading._arithmetic.unit_slips) -------------------------------------


@pytest.mark.parametrize(("sentence", "expected"), [
    # A prefix slipped: the classic MB-for-GB and a per-GPU share a thousand times too big.
    ("Every step ships 70B parameters × 2 bytes in BF16, so about 140 MB.", "140 GB"),
    ("That is 1.12 TB / 2,048 ≈ 55 GB per GPU.", "547 MB"),
    # A time worked out from its quantities, said a factor of ten off.
    ("Training takes 6.3e24 FLOPs / 8.1e17 FLOP/s ≈ 9 days.", "90 days"),
    ("The read takes 5.7 TB / 100 GB/s ≈ 5.7 s.", "57 s"),
    ("So 50,000 h/16,384 ≈ 30 h between failures.", "3.05 h"),
    ("Achieved is 989 TFLOP/s × 40% = 39.6 TFLOP/s.", "396 TFLOP/s"),
    # Bits read as bytes after dividing by 8 already: off by 8 twice is no conversion.
    ("A NIC gives 400 Gb/s / 8 = 400 GB/s.", "6.25 GB/s"),
    ("The bill is 3,100 GPU-hours × $2.50/GPU-hour = $77k.", "$7,750"),
    # Accelerators "for" or "over" a duration, said in GPU-time (probe rounds 7 and 8).
    ("Cost: 1,024 GPUs over three days is about 3,100 GPU-hours.", "73,700 GPU-hours"),
    ("At 16,384 GPUs for a day is 39k GPU-hours.", "393,000 GPU-hours"),
    # An independent reviewer's misses (tenth session): a bare 8 is a node's GPUs unless bits
    # are said, and "times", "over", "equals" and "works out to" are read.
    ("Per GPU, 140 GB / 8 = 175 GB.", "17.5 GB"),
    ("The weight term is 35 GB / 8 / 3.35 TB/s ≈ 13 ms.", "1.31 ms"),
    ("Node memory is 8 × 80 GB = 64 GB.", "640 GB"),
    ("Weights are 70B times 2 bytes is 140 MB.", "140 GB"),
    ("The write is 5.7 TB over 100 GB/s, so about 5.7 s.", "57 s"),
    ("Weights are 70B × 2 bytes equals 140 MB.", "140 GB"),
    ("Weights are 70B × 2 bytes works out to 140 MB.", "140 GB"),
    # The rounding band's edges: 0.6–1.67× of the true value stands (true: 10 GB).
    ("Each GPU holds 80 GB / 8 = 6.1 GB.", None),
    ("Each GPU holds 80 GB / 8 = 5.9 GB.", "10 GB"),
    ("Each GPU holds 80 GB / 8 = 16.6 GB.", None),
    ("Each GPU holds 80 GB / 8 = 16.8 GB.", "10 GB"),
])
def test_arithmetic_with_units_is_checked(sentence: str, expected: str | None) -> None:
    from grading._arithmetic import unit_slips

    slips = list(unit_slips(sentence))
    assert [slip.expected for slip in slips] == ([] if expected is None else [expected])


@pytest.mark.parametrize("sentence", [
    "70e9 × 2 B = 140 GB of weights.",  # "2 B" as two bytes
    "70B × 16 bytes = 1.12 TB of state.",  # "70B" as seventy billion
    "Reading 5.7 TB / 100 GB/s ≈ 57 s per restore.",
    "The run is 6.3e24 FLOPs / 8.1e17 FLOP/s ≈ 90 days.",
    "The month is 21 days × 16,384 × 24 ≈ 8.3M GPU-hours.",  # "× 24": hours a day, said
    "A NIC gives 400 Gb/s / 8 = 50 GB/s.",  # "/ 8": bits a byte, said
    "The cache is 0.33 MB/token × 4k ≈ 1.34 GB.",
    "Weights per GPU are 140 GB / 8 GPUs = 17.5 GB.",
    # A result of another kind: a factor left unsaid (bytes per token, dollars per GPU-hour).
    "Then 4,096 tokens × 64 requests ≈ 86 GB of cache.",
    "Spares cost 168 GPUs × $2.50 × 8,760 h ≈ $3.7M a year.",
    # Bare numbers and shares are arithmetic_slips' to read.
    "The stall costs 40/300 ≈ 1.3% of the step.",
    "Sharding gives 16/64 = 0.25 B per parameter.",
    # Part of a longer sum, a chain or a range.
    "Then 2 × 70 = 140 × 2 bytes = 280 GB.",
    "For 5.9e23 FLOPs over 2,048 × 989 TFLOP/s is about 3.4 days.",
    "Shards of 10 GB × 8 = 80 to 320 GB fit.",
    # A unit the grader does not read.
    "That's 800k / 5,300 ≈ 151 nodes.",
    # "for"/"over" multiply only accelerators by a duration, and not per run ("each").
    "1,024 GPUs for 3 days is about 74,000 GPU-hours.",
    "Eight runs of 64 GPUs for five days each is about 61k GPU-hours.",
    "We kept 8 nodes for a week is 1,344 node-hours.",
    "A NIC moves 8 × 50 Gb/s = 50 GB/s.",  # "× 8" beside bits: the byte conversion, said
    "The run is 12 days × 16,384 × 24 ≈ 4.7M GPU-hours.",
    "The job ran for 3 days over 1,024 GPUs, 74k GPU-hours.",
])
def test_right_or_unreadable_unit_sums_are_not_slips(sentence: str) -> None:
    from grading._arithmetic import unit_slips

    assert list(unit_slips(sentence)) == []


def test_a_unit_slip_is_named_in_the_verdict() -> None:
    answer = ("Decode is memory-bound. The gradients are 70B × 2 bytes in BF16, so about "
              "140 MB a step, which one link carries easily.")
    result = score_open(answer, [DECODE], process_flags=())
    [wrong] = result.wrong_numbers
    assert (wrong.name, wrong.expected) == (rubric.ARITHMETIC_SLIP_NAME, "140 GB")
    assert result.auto_score <= ERROR_CAPS[1]
