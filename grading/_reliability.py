"""The job-MTBF slip: one GPU's (or node's) mean time between failures taken as a large job's.

A synchronous job stops when any of its N GPUs fails, so its MTBF is the per-GPU MTBF divided
by N: about 50,000 h / 16,384 ≈ 3 h for Llama 3's 16,384 H100s, which saw 419 unexpected
interruptions in 54 days (arXiv 2407.21783 §3.3.4). Blind writers planted the slip in nearly
every sealed set ("the job's effective MTBF stays near the per-device 50,000 hours"), and no
phrasing list heard it, because its words are the right answer's words with one number
changed. The check is on the number: a job of at least :data:`MIN_JOB_GPUS` GPUs fails far
more often than every :data:`DEVICE_SCALE_HOURS` hours (even at an optimistic 500,000 h per
GPU, 512 GPUs fail every ~980 h), so an MTBF that long said of the job is a device's.

Only a claim sentence about the job (:data:`_JOB_RE`) and its failures (:data:`_MTBF_RE`) is
read, never one that refutes what it says, and the number is the job's unless the sentence
gives it to one device ("per-GPU MTBF of 50,000 h") without saying the job's is the same, or
it is divided ("50,000 h / 16,384").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

#: The fewest GPUs that make a job's MTBF a fraction of a device's worth checking.
MIN_JOB_GPUS = 512
#: An MTBF at least this long (hours) is a device's, never a job's of MIN_JOB_GPUS or more.
DEVICE_SCALE_HOURS = 1_000.0
#: The per-GPU MTBF the verdict divides by N to say what the job's would be (Llama 3 above).
PER_GPU_MTBF_HOURS = 50_000.0
#: Words after the number within which a device word gives the MTBF to one device ("50,000
#: hours per GPU"); before it, the whole clause counts ("a single H100 has an MTBF of 50,000 h").
DEVICE_WINDOW_WORDS = 4
#: What may stand between the failures phrase and the number it states, after it: a verb of
#: being and a hedge ("MTBF is about 50,000 h", "between failures stays at 50k hours",
#: "MTBF: ~50k hours") — never a run length ("MTBF over 54 days was 3 h").
_STATES_RE = re.compile(
    r"^\s*(?:(?:of|is|was|would\s+be|will\s+be|should\s+be|stays?|remains?|sits?|at|near|"
    r"around|about|roughly|approximately|~|≈|=|:|equals?|becomes?|goes?\s+up\s+to|still|"
    r"then|also|only|in|the\s+order\s+of|on|order|of\s+the|effectively|basically|"
    r"something\s+like|like|just|nearly|well|a|an|the|same|per[-\s]?(?:gpu|device|node|chip)"
    r"|(?:gpu|device|node|chip)'s|single[-\s]gpu|its)[\s,]*)*$", re.IGNORECASE)
#: ... and before it: "50,000 hours between failures", "a 50,000-hour MTBF".
MTBF_BEFORE_WORDS = 1

#: The job, the run or the cluster as the subject.
_JOB_RE = re.compile(r"\b(?:jobs?|job's|runs?|run's|cluster|cluster's)\b", re.IGNORECASE)
#: Its failures: an MTBF, a time between failures, a failure "every" so long.
_MTBF_RE = re.compile(
    r"\b(?:mtbf|mtti|mean\s+time\s+(?:between|to)\s+(?:\w+\s+)?(?:failures?|interrupt\w*)"
    r"|between\s+(?:\w+\s+)?(?:failures|interruptions|crashes|faults)"
    r"|(?:fails?|failures?|crash(?:es)?|interrupt(?:ion)?s?)\s+(?:about\s+|roughly\s+)?"
    r"(?:once\s+)?every)\b", re.IGNORECASE)
#: A device the MTBF belongs to: "per-GPU", "each node's", "a single GPU", "GPU MTBF".
_DEVICE_RE = re.compile(
    r"\b(?:per[-\s]?(?:gpu|node|device|accelerator|chip|server|host)|(?:gpu|node|device|"
    r"chip|server|host)(?:'s)?\s+mtbf|(?:each|every|a|one|single|individual)\s+(?:single\s+)?"
    r"(?:gpu|node|device|accelerator|chip|server|h100|b200)(?:'s)?|(?:gpus|nodes|devices)\s+"
    r"(?:have|has|are\s+rated|fail|each|run)|component|vendor|datasheet|rated|storage"
    r"|switch(?:es)?|fabric|file\s?system|network|link|cable|optic\w*|psus?|power\s+suppl\w*"
    r"|fans?|nics?|hbm|stacks?|cooling|controller|scheduler|slurm|[a-z]+-level|each"
    r"|transceivers?|racks?|years?\s+ago|historic\w*|previous|older|legacy|its\s+(?:gpus|h100s"
    r"|b200s|nodes)|(?:gpu|node|device)'s\s+(?:mtbf|rate))\b", re.IGNORECASE)
#: The job's MTBF said to equal the device's: the slip itself, whatever device is named.
_SAME_RE = re.compile(
    r"\b(?:same|stays?|remains?|unchanged|equal(?:s|\s+to)?|(?:does\s+not|doesn't|won't|"
    r"will\s+not|not)\s+(?:change|shrink|drop|fall|go\s+down)|averages?\s+out|even\s+out"
    r"|independent\s+of|match(?:es)?|inherits?|like\s+(?:a|any|one)|as\s+for\s+any)\b",
    re.IGNORECASE)
#: A division beside the number: "50,000 h / 16,384", "50,000 h / N", "50,000 / 16,384 hours",
#: "divided by N".
_DIVIDED_RE = re.compile(r"(?:/|÷|divided\s+by|\bover\s+(?:n\b|[0-9]))", re.IGNORECASE)
#: A GPU count: "16,384 GPUs", "16k-GPU", "8,000 H100s", "2,048 accelerators".
_GPU_COUNT_RE = re.compile(
    r"(?<![\w.,])([0-9][0-9,]*(?:\.[0-9]+)?)\s?([kK])?[\s-]*(?:gpus?|h100s?|h200s?|b200s?|"
    r"a100s?|gb200s?|mi300x?s?|mi355x?s?|accelerators?|tpus?|chips?)\b(?![-\s]?(?:hours?|hrs?|h)\b)",
    re.IGNORECASE)
#: A quantity of device-time, not wall-clock time: "50,000 GPU-hours", "6,000 node-hours".
_DEVICE_TIME_RE = re.compile(r"(?:gpu|node|device|chip|accelerator)[-\s]?(?:hours?|hrs?|h)\b",
                             re.IGNORECASE)
#: Negation before the number in its clause: "the job's MTBF is not 50,000 h".
_NEGATED_RE = re.compile(r"\b(?:not|never|no\s+longer|isn't|aren't|wasn't|won't|can't)\b"
                         r"[^,;:.]{0,40}$", re.IGNORECASE)
#: A supposition before the number in its sentence: "if the job's MTBF were 50,000 h".
_SUPPOSED_RE = re.compile(r"\b(?:if|were|suppose[sd]?|supposing|imagine|hypothetically)\b",
                          re.IGNORECASE)
_WORD_RE = re.compile(r"\S+")


def gpu_count(text: str) -> int | None:
    """The largest GPU count ``text`` states ("16,384 GPUs", "16k-GPU run"), or None."""
    return max(gpu_counts(text), default=None)


#: A job counted in nodes of eight GPUs: "a single-node job", "a 4-node job", "2,048 nodes".
_NODE_COUNT_RE = re.compile(r"(?<![\w.,])(single|one|[0-9][0-9,]*)[\s-]nodes?\b",
                            re.IGNORECASE)
GPUS_PER_NODE = 8


def gpu_counts(text: str) -> list[int]:
    """Every GPU count ``text`` states, in order of kind (GPUs, then nodes as eight GPUs)."""
    counts = []
    for match in _GPU_COUNT_RE.finditer(text):
        try:
            value = float(match.group(1).replace(",", ""))
        except ValueError:
            continue
        counts.append(int(value * (1000 if match.group(2) else 1)))
    for match in _NODE_COUNT_RE.finditer(text):
        nodes = match.group(1).lower()
        counts.append(GPUS_PER_NODE * (1 if nodes in ("single", "one")
                                       else int(nodes.replace(",", ""))))
    return counts


def _hours(typed: str) -> float | None:
    """``typed`` as hours when it is a duration ("50k hours", "5 years"), else None."""
    from grading.quantity import split_quantity
    from grading.units import convert

    try:
        value, unit = split_quantity(typed.replace("-hour", " hour"))
        return float(convert(value, unit, "h"))
    except Exception:  # not a duration, or not a quantity this reader takes
        return None


#: Where a clause starts: the sentence's start or a comma, semicolon, colon or dash.
_CLAUSE_BREAK_RE = re.compile(r"[,;:—–]|\s-\s")


def _words_between(text: str) -> int:
    return len(_WORD_RE.findall(text))


def _device_said(sentence: str, start: int, end: int) -> bool:
    """Whether the number at ``sentence[start:end]`` is given to one device: a device word in
    its clause before it, or within :data:`DEVICE_WINDOW_WORDS` words after it."""
    breaks = [m.end() for m in _CLAUSE_BREAK_RE.finditer(sentence[:start])]
    clause_before = sentence[breaks[-1] if breaks else 0:start]
    after = [m.end() for m in _WORD_RE.finditer(sentence[end:])]
    high = end + (after[DEVICE_WINDOW_WORDS - 1] if len(after) >= DEVICE_WINDOW_WORDS
                  else len(sentence) - end)
    return bool(_DEVICE_RE.search(clause_before) or _DEVICE_RE.search(sentence[end:high]))


def _of_the_job(sentence: str, start: int, end: int) -> bool:
    """Whether the number at ``sentence[start:end]`` is what a failures phrase states (the
    phrase before it with only :data:`_STATES_RE` words between, or at most
    :data:`MTBF_BEFORE_WORDS` word after it), in a clause that names the job, the run or the
    cluster."""
    for found in _MTBF_RE.finditer(sentence):
        if not ((found.end() <= start and _STATES_RE.match(sentence[found.end():start]))
                or (end <= found.start() and _words_between(sentence[end:found.start()])
                    <= MTBF_BEFORE_WORDS)):
            continue
        first, last = min(start, found.start()), max(end, found.end())
        breaks = [m.end() for m in _CLAUSE_BREAK_RE.finditer(sentence[:first])]
        after = _CLAUSE_BREAK_RE.search(sentence, last)
        # the clauses from the phrase's to the number's: "Job MTBF: 50,000 h"
        if _JOB_RE.search(sentence[breaks[-1] if breaks else 0:
                                   after.start() if after else len(sentence)]):
            return True
    return False


def job_mtbf_slips(sentences: Sequence[Any], quantities: Sequence[tuple[int, int, str]],
                   refuted: Any, text: str) -> Iterator[tuple[str, int, str, str]]:
    """Each device-scale MTBF an answer gives a job of :data:`MIN_JOB_GPUS` GPUs or more, as
    (number as typed, the job's GPU count, what it should be, the sentence).

    ``sentences`` are the answer's :class:`grading._prose.Sentence` objects, ``quantities``
    its (start, end, typed) quantities, ``refuted(index)`` whether sentence ``index`` calls
    what it says a myth; the GPU count is the sentence's own, else the answer's largest."""
    answer_gpus = gpu_count(text)
    for index, sentence in enumerate(sentences):
        if not sentence.claim or refuted(index) or not _JOB_RE.search(sentence.text) \
                or not _MTBF_RE.search(sentence.text):
            continue
        counts = gpu_counts(sentence.text)
        gpus = max(counts) if counts else answer_gpus
        if gpus is None or gpus < MIN_JOB_GPUS or any(c < MIN_JOB_GPUS for c in counts):
            continue  # "an 8-GPU job's MTBF is 6,000 h on our 16,384-GPU cluster": small jobs
        same = bool(_SAME_RE.search(sentence.text))
        for start, end, typed in quantities:
            if not sentence.start <= start < sentence.end:
                continue
            hours = _hours(typed)
            if hours is None or hours < DEVICE_SCALE_HOURS or _DEVICE_TIME_RE.search(
                    typed + sentence.text[end - sentence.start:end - sentence.start + 12]):
                continue  # "one failure every 50,000 GPU-hours" is device-time
            local_start, local_end = start - sentence.start, end - sentence.start
            if not _of_the_job(sentence.text, local_start, local_end) \
                    or _DIVIDED_RE.search(sentence.text[max(0, local_start - 12):
                                                        local_end + 12]) \
                    or _NEGATED_RE.search(sentence.text[:local_start]) \
                    or _SUPPOSED_RE.search(sentence.text[:local_start]):
                continue
            if not same and _device_said(sentence.text, local_start, local_end):
                continue  # "a single H100 has an MTBF of 50,000 h, but the job's is ~3 h"
            expected = (f"the job's MTBF is a GPU's divided by its {gpus:,} GPUs: "
                        f"{PER_GPU_MTBF_HOURS:,.0f} h / {gpus:,} ≈ "
                        f"{PER_GPU_MTBF_HOURS / gpus:.3g} h")
            yield typed, gpus, expected, sentence.text
