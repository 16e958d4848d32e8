"""Hear the linear-scaling fallacy however it is worded.

"Doubling the GPUs halves the time" is the field's best-known trap (large jobs measure 70–90 %
scaling efficiency), and ``grading/known_misconceptions.toml`` lists its common wordings. But a
confident candidate words it freshly each time: "twice the GPUs gives twice the throughput",
"with 8× the GPUs you get 8× the throughput at the same MFU", "fifty percent more GPUs is fifty
percent more throughput", "throughput scales with GPU count". What every wording shares is a
shape: a factor on the hardware and *the same* factor on what it delivers (or its inverse on
the time). :func:`linear_scaling_spans` finds that shape; the caller confirms each span through
:meth:`grading._evidence.Reader.misconception`, so a span that is negated, quoted, put in
someone else's mouth, supposed in an "if" clause or called a myth is not a claim.

A factor that differs ("2× the GPUs for 1.8× the throughput") is a measured scaling efficiency,
the right answer; a hedge in the sentence ("ideally", "at best", "in theory", "upper bound")
names the ideal as an ideal.

Pure standard library; nothing here raises on any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["linear_scaling_spans"]

_NUMBER_WORDS = {"two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0, "eight": 8.0,
                 "ten": 10.0, "sixteen": 16.0, "twenty": 20.0, "twenty-five": 25.0,
                 "thirty": 30.0, "forty": 40.0, "fifty": 50.0, "hundred": 100.0}

#: A multiplier as an answer says it: "twice", "double(s|d)", "triple", "8×", "8x", "8 times",
#: "4-fold", "50% more", "fifty percent more", "half". Group ``factor`` holds it.
_FACTOR = (r"(?P<{name}>twice|double[sd]?|doubling|triple[sd]?|tripling|quadruple[sd]?|"
           r"quadrupling|half|halve[sd]?|halving|"
           r"\d+(?:\.\d+)?\s*(?:×|x\b|times\b|-fold\b)|"
           r"(?:two|three|four|five|six|eight|ten|sixteen)\s+times\b|"
           r"(?:\d+(?:\.\d+)?\s*%|(?:\d+|ten|twenty|twenty-five|thirty|forty|fifty|a hundred)"
           r"\s+percent)\s+more)")

#: The hardware a job is given more of.
_HARDWARE = (r"(?:(?:the\s+|as\s+many\s+|more\s+|the\s+number\s+of\s+)?"
             r"(?:gpus?|gpu\s+count|nodes?|node\s+count|accelerators?|chips?|h100s|a100s|b200s|"
             r"machines|servers|workers|data[- ]parallel\s+(?:replicas|ranks|workers))\b|"
             r"the\s+cluster\b|the\s+hardware\b)")

#: What the hardware delivers, scaling *with* it.
_DELIVERED = (r"(?:the\s+|more\s+|our\s+|its\s+|their\s+|your\s+)?(?:throughput|speed|"
              r"training\s+speed|tokens\s+per\s+second|tokens/s|"
              r"work\s+per\s+(?:day|second|hour)|progress|performance|step\s+rate|"
              r"steps\s+per\s+second)\b|faster\b|as\s+(?:fast|quickly)\b")

#: The time it takes, scaling *against* it.
_TIME = (r"(?:the\s+)?(?:time|training\s+time|wall[- ]clock(?:\s+time)?|run\s+time|runtime|"
         r"duration|schedule|days|weeks)\b"
         # the time of a part, not of the job: "the time between failures", "each GPU spends"
         r"(?!-)(?!\s*(?:between|each|per|spent|spends|on\s+compute))")

#: Words between the two halves that make the claim something else: a negation, a contrast,
#: a bound, a hedge or a measured shortfall ("won't give", "rarely means", "but only", "at
#: most", "less than", "close to", "might").
_BREAK_RE = re.compile(
    r"\b(?:not|no|never|n't|won't|doesn't|don't|isn't|aren't|wouldn't|can't|cannot|but|yet|"
    r"although|though|only|less|fewer|at\s+most|short\s+of|instead|rather|nowhere|unless|"
    r"except|while|whereas|rarely|seldom|hardly|barely|scarcely|almost|nearly|close\s+to|"
    r"up\s+to|approach(?:es|ing)?|roughly|about|around|maybe|might|may|could)\b|n't\b|[;:(]")

#: A hedge anywhere in the sentence: the ideal named as an ideal.
_HEDGE_RE = re.compile(
    r"\b(?:ideal(?:ly)?|at\s+best|in\s+theory|theoretical(?:ly)?|upper\s+bound|best\s+case|"
    r"on\s+paper|na[iï]ve(?:ly)?|perfect\s+world|if\s+(?:it|scaling|the\s+job)\s+scaled|"
    r"at\s+(?:perfect|100\s*%)\s+(?:scaling\s+)?efficiency|assuming\s+perfect|"
    # called wrong: "double the GPUs, double the speed, is wrong"
    r"(?:is|are|was|were)\s+(?:wrong|false|incorrect|untrue|a\s+myth|a\s+fallacy)|"
    r"intuition|myth|fallacy)\b", re.IGNORECASE)

#: Work whose units share nothing, where proportional scaling is right: sweeps, independent
#: runs, serving replicas, data preparation, evaluation shards ("a sweep is embarrassingly
#: parallel: twice the GPUs, twice the throughput").
_INDEPENDENT_WORK_RE = re.compile(
    r"\b(?:embarrassingly\s+parallel|independent(?:ly)?|share\s+nothing|sweeps?|ablations?|"
    r"trials|hyper-?parameters?|inference|serving|serve|stateless|requests|replicas?|"
    r"shards?|weak\s+scaling|evals?|evaluations?|data[- ]prep\w*|tokeni[sz]\w+|"
    r"peak|capacity)\b", re.IGNORECASE)
#: ... unless the sentence is about one synchronous training job after all.
_SYNCHRONOUS_TRAINING_RE = re.compile(
    r"\b(?:training|train|synchronous|all-?reduce|data[- ]parallel\w*|gradients?|steps?)\b",
    re.IGNORECASE)
#: A condition right after the claim bounds it ("… only if the all-reduce is overlapped",
#: "… until the all-reduce dominates", "… in memory", "… times the scaling efficiency", "… for
#: the forward and backward compute").
_CONDITION_AFTER_RE = re.compile(
    r"^\W*(?:only\s+(?:if|when|while)|until|unless|as\s+long\s+as|provided|when\b|while\b|"
    r"if\b|minus|times\b|in\s+(?:memory|cost|bytes|power|peak)|"
    r"for\s+(?:the\s+|its\s+)?(?:forward|backward|compute|math|flops|matmuls))", re.IGNORECASE)

_GAP = r"[^.;:!?\n]{0,60}?"
_HARDWARE_THEN_DELIVERED_RE = re.compile(
    rf"\b{_FACTOR.format(name='given')}\s+{_HARDWARE}(?P<between>{_GAP})"
    rf"\b{_FACTOR.format(name='got')}\s+(?:{_DELIVERED})", re.IGNORECASE)
_HARDWARE_THEN_TIME_RE = re.compile(
    rf"\b{_FACTOR.format(name='given')}\s+{_HARDWARE}(?P<between>{_GAP})"
    rf"(?:\b(?P<got>half|halves|halve|halving|cuts?\s+(?:it\s+)?in\s+half)\s+(?:{_TIME})|"
    rf"\b(?:{_TIME})\s+(?:is\s+|gets\s+|goes\s+)?(?P<got2>halves|halved|in\s+half)|"
    rf"\b(?:in\s+)?an?\s+(?P<share>half|third|quarter|fifth|sixth|eighth|tenth|sixteenth)\s+"
    rf"(?:of\s+)?(?:{_TIME}))",
    re.IGNORECASE)
#: "an eighth of the time" is the inverse of eight times the hardware.
_SHARES = {"half": 2.0, "third": 3.0, "quarter": 4.0, "fifth": 5.0, "sixth": 6.0,
           "eighth": 8.0, "tenth": 10.0, "sixteenth": 16.0}
#: "throughput scales (linearly) with the GPU count", "data parallelism scales linearly".
_SCALES_WITH_RE = re.compile(
    r"\b(?:throughput|speed|training\s+speed|tokens\s+per\s+second|performance|step\s+rate)\s+"
    r"(?:will\s+|would\s+|just\s+)?(?:scales?\s+(?:linearly\s+|proportionally\s+)?|"
    r"(?:grows?|increases?|goes\s+up)\s+(?:linearly|proportionally|in\s+proportion)\s+)with\s+"
    r"(?:the\s+)?(?:gpu\s+count|number\s+of\s+(?:gpus|nodes|accelerators|chips)|gpus|nodes|"
    r"node\s+count|cluster\s+size|size\s+of\s+the\s+cluster)\b|"
    r"\bdata[- ]parallel(?:ism)?\s+(?:training\s+)?(?:will\s+|would\s+|just\s+)?"
    r"scales?\s+(?:linearly|perfectly)\b|"
    r"\b(?:throughput|speed|training\s+speed|performance)\s+(?:is|are)\s+"
    r"(?:linear|proportional)\s+(?:in|to)\s+(?:the\s+)?(?:gpu\s+count|number\s+of\s+gpus|"
    r"gpus|node\s+count|number\s+of\s+nodes)\b",
    re.IGNORECASE)


#: A cheap first look: every shape names the hardware, so a sentence without any of these
#: words is skipped before the patterns run.
_HARDWARE_HINT_RE = re.compile(
    r"gpu|node|accelerator|chip|h100|a100|b200|machine|server|worker|cluster|hardware|"
    r"parallel", re.IGNORECASE)


def _factor(said: str) -> float | None:
    """The multiplier ``said`` names: 2.0 for "twice", 8.0 for "8×", 1.5 for "50% more"."""
    said = " ".join(said.lower().split())
    if said.startswith(("twice", "doubl")):
        return 2.0
    if said.startswith("tripl"):
        return 3.0
    if said.startswith("quadrupl"):
        return 4.0
    if said.startswith(("half", "halv")):
        return 0.5
    number = re.match(r"(\d+(?:\.\d+)?|[a-z-]+)", said)
    if number is None:
        return None
    token = number.group(1)
    try:
        value = float(token)
    except ValueError:
        value = _NUMBER_WORDS.get(token, 100.0 if token == "a" else -1.0)
    if value <= 0:
        return None
    return 1.0 + value / 100.0 if said.endswith("more") else value


def linear_scaling_spans(sentence: str) -> Iterator[str]:
    """The spans of ``sentence`` that claim hardware buys delivered speed in proportion: the
    same factor on the hardware and on the throughput, its inverse on the time, or throughput
    said to scale with the GPU count. Yields nothing when the sentence hedges the claim as an
    ideal."""
    if not _HARDWARE_HINT_RE.search(sentence) or _HEDGE_RE.search(sentence):
        return
    if _INDEPENDENT_WORK_RE.search(sentence) and not _SYNCHRONOUS_TRAINING_RE.search(sentence):
        return
    for found in _HARDWARE_THEN_DELIVERED_RE.finditer(sentence):
        given, got = _factor(found.group("given")), _factor(found.group("got"))
        if given is not None and given > 1.0 and given == got \
                and not _BREAK_RE.search(found.group("between")) \
                and not _CONDITION_AFTER_RE.search(sentence[found.end():]):
            yield found.group(0)
    for found in _HARDWARE_THEN_TIME_RE.finditer(sentence):
        share = found.group("share")
        wanted = _SHARES[share.lower()] if share else 2.0
        if _factor(found.group("given")) == wanted \
                and not _BREAK_RE.search(found.group("between")) \
                and not _CONDITION_AFTER_RE.search(sentence[found.end():]):
            yield found.group(0)
    for found in _SCALES_WITH_RE.finditer(sentence):
        if not _CONDITION_AFTER_RE.search(sentence[found.end():]):
            yield found.group(0)
