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


@pytest.mark.parametrize(("said", "named"), [
    ("The job's MTBF is about 50,000 hours.", True),
    ("The job's MTBF is ~50k hours.", True),
    ("The job's mean time between failures stays near the per-device 50,000 hours.", True),
    ("The job fails once every 2,000 hours.", True),
    ("Over 1,296 hours the job's MTBF was about 3 hours.", False),
    ("The job's MTBF over 54 days was about 3 hours.", False),
    ("The job's MTBF during the first 1,000 hours was 2 hours.", False),
])
def test_the_number_is_the_one_the_failures_phrase_states(said: str, named: bool) -> None:
    """Only a verb of being or a hedge may stand between the phrase and its number: a run
    length said beside an MTBF is not one (an independent reviewer's false positives)."""
    assert bool(wrong_numbers(CONTEXT + said)) is named


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


@pytest.mark.parametrize("sentence", [
    # the reviewer's right snippets, flagged by the first version of the rule
    "Job MTBF scales as 1/N: on our 16,384-GPU cluster, an 8-GPU job's MTBF is about 6,000 "
    "hours and a 16,384-GPU job's about 3 hours.",
    "On our 16,384-GPU cluster, a 32-GPU fine-tuning job has an MTBF of about 1,500 hours.",
    "The job's MTBF is the GPU MTBF over N: 50,000 h / N, about 3 h at N = 16,384 GPUs.",
    "The job's MTBF = 50,000 / 16,384 hours ≈ 3 h on our 16,384-GPU run.",
    "On our 16,384-GPU cluster, the cluster logs one failure every 50,000 GPU-hours.",
    "The cluster's GPUs fail roughly once every 50,000 hours each, so our 16,384-GPU job sees "
    "one about every 3 hours.",
    "The cluster's DGX nodes run about 6,000 hours between failures, so a 2,048-node "
    "(16,384-GPU) job fails every ~3 hours.",
    "The run's parallel file system has an MTBF of around 10,000 hours, far longer than the "
    "16,384-GPU job's 3-hour MTBF.",
    "The cluster's power supplies each last about 100,000 hours between failures.",
    "On the 16,384-GPU run, the job's MTBF over 54 days was about 3 hours.",
    "Our 16,384-GPU job fails every 3 hours, so the 2,000-hour run sees roughly 670 "
    "interruptions.",
    "Our cluster has 16,384 GPUs. A single-node job there has an MTBF of about 6,000 hours.",
    "Our cluster has 16,384 GPUs. A 4-node job there has an MTBF of about 1,500 hours.",
])
def test_small_jobs_divisions_device_time_and_devices_are_not_named(sentence: str) -> None:
    assert wrong_numbers(sentence) == []
