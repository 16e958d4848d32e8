"""The job-MTBF slip (grading._reliability): a device's MTBF given to a job of hundreds of
GPUs. Source of the rule: a synchronous job stops when any GPU fails, so its MTBF is the
per-GPU MTBF / N — Llama 3 saw 419 unexpected interruptions in 54 days on 16,384 H100s, about
one every 3.1 h (arXiv 2407.21783 §3.3.4), which is 50,000 h / 16,384."""

from __future__ import annotations

import pytest

from grading._reliability import (
    DEVICE_SCALE_HOURS,
    MIN_JOB_GPUS,
    PER_GPU_MTBF_HOURS,
    gpu_count,
)
from grading.rubric import score_open

CONTEXT = "We train on 16,384 GPUs. "


def wrong_numbers(answer: str) -> list[str]:
    return [w.typed for w in score_open(answer, (), process_flags=()).wrong_numbers
            if w.name.startswith("job MTBF")]


def test_the_per_gpu_figure_is_llama_3s_interruption_rate() -> None:
    """419 interruptions in 54 days on 16,384 GPUs is one per 3.09 h, i.e. ~50,700 h per GPU:
    the verdict's 50,000 h / N is that figure rounded."""
    job_mtbf_hours = 54 * 24 / 419
    assert job_mtbf_hours == pytest.approx(3.09, abs=0.01)
    assert job_mtbf_hours * 16_384 == pytest.approx(PER_GPU_MTBF_HOURS, rel=0.02)


@pytest.mark.parametrize(("sentence", "typed"), [
    ("The job should run about 50,000 hours between failures.", ["50,000 hours"]),
    ("The job MTBF is the same 50,000 hours as each GPU, since they fail independently.",
     ["50,000 hours"]),
    ("The failure rate per GPU doesn't change, so the mean time between job failures stays at "
     "50k hours.", ["50k hours"]),
    ("Across 24k GPUs random failures even out, so the job's effective MTBF stays near the "
     "per-device 50,000 hours.", ["50,000 hours"]),
    ("On the 16k-GPU run the mean time between failures is around 6 years.", ["6 years"]),
    ("The cluster fails every 2,000 hours or so.", ["2,000 hours"]),
])
def test_a_device_scale_mtbf_said_of_the_job_is_named(sentence: str, typed: list[str]) -> None:
    assert wrong_numbers(CONTEXT + sentence) == typed


@pytest.mark.parametrize("sentence", [
    "Each GPU's MTBF is around 50,000 hours, so the job sees a failure every 3 hours.",
    "A single H100 has an MTBF of about 50,000 hours, but the job's MTBF is 3 hours.",
    "The job's MTBF is not 50,000 hours; that's one GPU's.",
    "Vendors quote 50,000 hours MTBF per device, and the run fails every ~3 hours.",
    "The job MTBF = 50,000 h / 16,384 ≈ 3 h.",
    "With a component MTBF of 50,000 hours the run fails every 3 hours.",
    "The run lasts 1,300 hours, with a failure every 3 hours.",
    "Over the 2,000-hour run, at one failure every 3 hours, we expect about 660 interruptions.",
    "The cluster ran 1,500 hours between maintenance windows, with job failures every few "
    "hours.",
    "The storage cluster's MTBF is 10,000 hours, far better than the training job's 3 hours.",
    "People assume the job MTBF is the GPU's 50,000 hours; that's a myth, it is 3 hours.",
    "A node with 8 GPUs has an MTBF of about 6,250 hours, so the 2,048-node job fails every "
    "3 hours.",
    "Checkpoint every 30 minutes because the job fails roughly every 3 hours, not every "
    "50,000 hours.",
    "Our switch fabric has an MTBF of 100,000 hours per switch, so across 500 switches the "
    "job sees a switch failure every 200 hours.",
    "If the job's MTBF were 50,000 hours we would checkpoint daily.",
])
def test_a_device_mtbf_a_division_or_a_run_length_is_not_named(sentence: str) -> None:
    assert wrong_numbers(CONTEXT + sentence) == []


@pytest.mark.parametrize(("gpus", "named"), [(MIN_JOB_GPUS - 1, False), (MIN_JOB_GPUS, True)])
def test_the_job_must_have_at_least_min_job_gpus(gpus: int, named: bool) -> None:
    """Even at 500,000 h per GPU, 512 GPUs fail every ~980 h: below MIN_JOB_GPUS a long job
    MTBF can be right, so it is not judged."""
    answer = f"The {gpus}-GPU job should run about 50,000 hours between failures."
    assert bool(wrong_numbers(answer)) is named
    assert 500_000 / MIN_JOB_GPUS < DEVICE_SCALE_HOURS


@pytest.mark.parametrize(("hours", "named"), [("999 hours", False), ("1,000 hours", True)])
def test_an_mtbf_from_device_scale_hours_on_is_named(hours: str, named: bool) -> None:
    assert bool(wrong_numbers(f"{CONTEXT}The job's MTBF is {hours}.")) is named


@pytest.mark.parametrize(("between", "named"), [(5, True), (6, False)])
def test_the_number_is_the_phrases_within_five_words_after_it(between: int,
                                                              named: bool) -> None:
    filler = " ".join(["really"] * (between - 1))
    answer = f"{CONTEXT}The job's MTBF is {filler} 50,000 hours."
    assert bool(wrong_numbers(answer)) is named


def test_the_gpu_count_is_the_sentences_else_the_answers_largest() -> None:
    assert gpu_count("a 16k-GPU run on 8,000 H100s and 2,048 accelerators") == 16_000
    assert gpu_count("no count here") is None
    # the sentence's own small count wins over the answer's large one
    answer = "The fleet has 20,000 GPUs. The 64-GPU dev job fails every 2,000 hours."
    assert wrong_numbers(answer) == []


def test_the_verdict_says_what_the_job_mtbf_would_be() -> None:
    (wrong,) = score_open(CONTEXT + "The job's MTBF is 50,000 hours.", (),
                          process_flags=()).wrong_numbers
    assert wrong.name == "job MTBF on 16,384 GPUs"
    assert "50,000 h / 16,384 ≈ 3.05 h" in wrong.expected


def test_an_assumed_job_mtbf_is_a_premise_and_judged() -> None:
    """"Assume" states a premise the answer builds on (the eleventh session's rule for
    assumptions); "if … were" supposes one it does not."""
    assert wrong_numbers(CONTEXT + "Assume a job MTBF of 50,000 hours, so checkpoint daily.") \
        == ["50,000 hours"]
