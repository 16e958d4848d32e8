"""Score an open (prose) answer the way a modelling-first interview loop reads it.

An interviewer in a program-design or system-tradeoffs round listens for three things —
**mechanisms** (what causes what: "all-reduce is bound by the slowest link, so…"), **numbers**
with units ("3.35 TB/s", "16k GPUs", "2 weeks") and **quantified tradeoffs** ("FSDP vs DDP:
1.3× the step time in exchange for 8× less memory per GPU") — and writes down the key points
covered and the red flags heard. :func:`score_open` does the same from the text:

- **Key points** (from content: ``point``, ``phrasings``, ``weight``) are covered when one of
  their phrasings appears un-negated, matched like short answers (:mod:`grading._phrases`:
  case, spaces, hyphens and dots ignored, typos in long words forgiven, digits never).
- **Red flags**: the item's own (``phrasings``, ``why``) plus :data:`DEFAULT_PROCESS_FLAGS`,
  process talk offered as evidence ("aligned stakeholders", "RACI", "socialized"), read from
  ``grading/process_flags.toml``. Red flags are matched without typo forgiveness — a penalty
  needs the words as written.
- **auto_score** = covered weight / total weight − 0.1 per distinct red flag (at most 0.3),
  floored at 0. :func:`self_score` is the same formula over what the player ticks as covered.

Numbers, mechanisms and tradeoffs are reported for the feedback screen; they do not change
``auto_score`` (content's key points already ask for the specific ones that matter).
Nothing here raises on any answer text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from grading._arithmetic import arithmetic_slips, unit_slips
from grading._evidence import CLAUSE_NEGATION_WINDOW, Evidence, Reader, parse_phrasing
from grading._inversion import inverted_phrasings
from grading._phrases import Analysed, Found, find_all, normalise_words
from grading._prose import NAMED_NUMBER_RE
from grading._scaling import linear_scaling_spans
from grading._synonyms import expand_phrasing
from grading.figures import (
    Figure,
    WrongNumber,
    as_figure,
    bit_byte_slips,
    check_figures,
    known_figures,
    recites_datasheet,
    states,
)

__all__ = [
    "CALIBRATION_KNOT",
    "CONTRADICTION_PENALTY",
    "COVERAGE_SHARE",
    "DEFAULT_KNOWN_FIGURES",
    "DEFAULT_PROCESS_FLAGS",
    "ERROR_CAPS",
    "MAX_OPEN_CHARS",
    "MAX_POINTS_PER_SENTENCE",
    "MAX_RED_FLAG_PENALTY",
    "RED_FLAG_PENALTY",
    "SUBSTANCE_SATURATION",
    "SUBSTANCE_WEIGHTS",
    "WORD_QUANTITIES_COUNT",
    "WRONG_NUMBER_PENALTY",
    "Contradiction",
    "KeyPointCoverage",
    "KnownClaim",
    "ProcessFlag",
    "RedFlagHit",
    "RubricResult",
    "WrongNumber",
    "calibrate",
    "default_process_flags",
    "find_mechanisms",
    "find_numbers",
    "find_tradeoffs",
    "known_misconceptions",
    "open_score",
    "score_open",
    "self_score",
]

#: Score lost per distinct red flag, and the most red flags can take in total.
RED_FLAG_PENALTY = 0.1
MAX_RED_FLAG_PENALTY = 0.3
#: Score lost per key point contradicted (a misconception stated) and per wrong figure.
CONTRADICTION_PENALTY = 0.25
WRONG_NUMBER_PENALTY = 0.1
#: Most key points one sentence can earn: a real sentence makes one or two claims (none in
#: the labelled set's tune split earns more than two); a pasted run-on list makes them all.
MAX_POINTS_PER_SENTENCE = 2
#: Whether naming a key point only to deny it ("it isn't memory-bound") contradicts it.
DENIALS_CONTRADICT = True
#: Whether a rate said in bits and again in bytes with the same number ("400 Gb/s, so
#: 400 GB/s") is a wrong number (:func:`grading.figures.bit_byte_slips`).
BIT_BYTE_SLIPS = True
#: Whether plain arithmetic written out with a result off by more than rounding ("40/300 ≈
#: 1.3%": :mod:`grading._arithmetic`) is a wrong number.
ARITHMETIC_SLIPS = True
#: How the verdict names what a slipped sum should have come to ("✗ 40/300 ≈ 1.3% — that
#: arithmetic done right is 13.3%").
ARITHMETIC_SLIP_NAME = "that arithmetic done right"
#: Whether a claim wrong in any answer (``grading/known_misconceptions.toml``: "prefill is
#: memory-bound", "BF16 has less range than FP16") is a contradiction, as a key point's
#: misconception is.
KNOWN_MISCONCEPTIONS_CONTRADICT = True
#: Whether the linear-scaling trap is heard in any wording of its shape ("twice the GPUs gives
#: twice the throughput", "8× the GPUs, 8× the throughput": :mod:`grading._scaling`), beside
#: the wordings its known claim lists.
LINEAR_SCALING_SHAPE = True
#: The known claim (``grading/known_misconceptions.toml``) whose ``why`` a linear-scaling
#: claim heard by its shape is answered with.
LINEAR_SCALING_CLAIM_ID = "doubling-gpus-halves-time"
#: Whether an overclaim (``OVERCLAIM_FLAGS``) in the sentence that earns a key point
#: contradicts the point.
OVERCLAIMS_CONTRADICT = True
#: The most an answer can score with 0, 1, 2, 3 or more errors (contradictions and wrong
#: figures together): what an answer gets wrong caps it, whatever else it matched. A strict
#: interviewer who hears one wrong mechanism or figure hears at best a partial answer (0.5);
#: two make it a weak one.
ERROR_CAPS = (1.0, 0.5, 0.35, 0.2)
#: Whether a key point is also heard in the field's other names for its terms
#: (:mod:`grading._synonyms`: "input phase" for prefill, "slowest rank" for a straggler).
SYNONYMS_COUNT = True
#: Whether a key point's phrasing said with its polar word swapped ("decode & compute bound"
#: for "decode & memory bound": :mod:`grading._inversion`) contradicts it.
INVERSIONS_CONTRADICT = True
#: Whether quantities written in words ("two to three days", "four engineers") count as
#: numbers the answer states (substance); they neither stand for a phrasing's ``#`` ("took
#: three months, a lot of power" quantifies no power) nor are checked against a figure.
WORD_QUANTITIES_COUNT = True
#: The evidence score's share from key-point coverage; the rest is substance.
COVERAGE_SHARE = 0.4
#: Substance: weights of (quantities, mechanism sentences, quantified tradeoffs) and the
#: count at which each saturates, all counted in claim sentences only. Quantities weigh most:
#: on the labelled set's tune split, confident wrong answers explain as much as strong ones
#: ("because…") but state a third of the numbers.
SUBSTANCE_WEIGHTS = (0.8, 0.1, 0.1)
SUBSTANCE_SATURATION = (10, 3, 1)
#: The evidence score (coverage and substance) is put on the interviewer's scale by a
#: piecewise-linear map through this knot: half the evidence of a full answer reads as 0.7,
#: the bar of a strong answer; 0 stays 0 and 1 stays 1. Penalties are taken after it.
CALIBRATION_KNOT = (0.5, 0.7)
#: An answer that states fewer than this many numbers of its own — values not given in the
#: question and not a recited hardware figure ("989 TFLOP/s", "3.35 TB/s") — works nothing out:
#: it names what to compute (a plan, the question restated, definitions, papers cited) without
#: computing it. Every strong answer of the labelled set's tune split and of the probes
#: states at least this many; most term lists dressed as prose state none.
MIN_OWN_NUMBERS = 2
#: The most such an answer scores when the question gives a prompt to measure against: the
#: bare-term-list bar.
NO_OWN_NUMBERS_CAP = 0.35
#: Whether a datasheet value said beside its part ("the H200 is 4.8 TB/s with 141 GB":
#: :func:`grading.figures.recites_datasheet`) is recited, not one of the answer's own numbers,
#: as the known hardware figures are: a list of specs works nothing out.
DATASHEET_VALUES_RECITED = True
#: Longest answer read; beyond it the text is cut (an onsite answer is minutes of speech,
#: a few thousand characters).
MAX_OPEN_CHARS = 20_000


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPointCoverage:
    """Whether one key point was covered: ``matched`` is the phrasing found (as listed in
    content), ``found`` the words as the player typed them and ``evidence`` the sentence that
    earned it; all None when not covered. ``contradicted``: the answer also stated a
    misconception of this point (see :attr:`RubricResult.contradictions`), which cancels it.
    ``named_in``: for a point neither covered nor contradicted, the sentence that names it
    without claiming anything of it (a list, a hollow frame, a bare formula), so the verdict
    can say why the term earned nothing; None otherwise."""

    point: str
    covered: bool
    matched: str | None
    weight: float
    found: str | None = None
    evidence: str | None = None
    contradicted: bool = False
    named_in: str | None = None


@dataclass(frozen=True)
class Contradiction:
    """A key point's claim contradicted: the ``point``, the misconception ``claim`` as content
    lists it (or the phrasing denied), the words ``found`` as typed, the ``sentence`` they were
    said in, and the ``kind``: ``"misconception"`` or ``"denial"``."""

    point: str
    claim: str
    found: str
    sentence: str
    kind: Literal["misconception", "denial", "inversion", "overclaim", "known"] = \
        "misconception"


@dataclass(frozen=True)
class RedFlagHit:
    """A red flag heard: the listed ``phrase``, the words as typed (``found``), ``why`` it hurts
    in this interview, and ``source`` — ``"item"`` (the question's own) or ``"process"``."""

    phrase: str
    found: str
    why: str
    source: Literal["item", "process"]
    penalty: float = 0.1


@dataclass(frozen=True)
class RubricResult:
    """Everything :func:`score_open` read from one open answer.

    ``key_points`` in content order; ``numbers`` the concrete quantities typed ("3.35 TB/s");
    ``mechanisms`` and ``tradeoffs`` the sentences carrying cause → effect language and
    quantified tradeoffs; ``red_flags`` one hit per distinct flag; ``auto_score`` in [0, 1].
    """

    key_points: tuple[KeyPointCoverage, ...]
    numbers: tuple[str, ...]
    mechanisms: tuple[str, ...]
    tradeoffs: tuple[str, ...]
    red_flags: tuple[RedFlagHit, ...]
    auto_score: float
    contradictions: tuple[Contradiction, ...] = ()
    wrong_numbers: tuple[WrongNumber, ...] = ()
    #: How many numbers of its own the answer states (see :data:`MIN_OWN_NUMBERS`); None when
    #: scored without the question's prompt (nothing to tell given numbers from its own).
    own_numbers: int | None = None

    @property
    def worked_nothing_out(self) -> bool:
        """Whether the answer was capped at :data:`NO_OWN_NUMBERS_CAP` for stating fewer than
        :data:`MIN_OWN_NUMBERS` numbers of its own."""
        return self.own_numbers is not None and self.own_numbers < MIN_OWN_NUMBERS

    @property
    def coverage(self) -> float:
        """Covered weight / total weight, before any red-flag penalty (0 with no key points)."""
        return _coverage(
            [point.covered for point in self.key_points], [p.weight for p in self.key_points]
        )

    @property
    def penalty(self) -> float:
        """What the red flags cost: each its own penalty (0.1, an overclaim 0.15), at most
        :data:`MAX_RED_FLAG_PENALTY` in all."""
        return _flag_penalty(self.red_flags)


# --------------------------------------------------------------------------------------------
# The default red flags: process talk offered as evidence (data in process_flags.toml)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessFlag:
    """One kind of process talk: the phrasings that count, why it hurts, whether a number in
    the same sentence excuses it (``unless_number``: "a 2-week sprint cut p99 by 3×"), and
    whether a contrast naming the dependence that does hold excuses it (``unless_contrast``:
    "matmul FLOPs per token don't depend on context, but attention FLOPs grow with T"), and
    whether a requirement excuses it (``unless_required``: "busbw must be at least the old
    version's at every size" is an acceptance gate, not a claim)."""

    id: str
    phrasings: tuple[str, ...]
    why: str
    unless_number: bool = False
    penalty: float = 0.1
    unless_contrast: bool = False
    unless_required: bool = False


@cache
def default_process_flags() -> tuple[ProcessFlag, ...]:
    """The flags in ``grading/process_flags.toml``, read once through importlib.resources.

    A malformed file is a bug in this package and raises ValueError naming the entry.
    """
    import importlib.resources  # deferred with tomllib: ~25 ms, paid on the first open answer
    import tomllib

    text = importlib.resources.files("grading").joinpath("process_flags.toml").read_text("utf-8")
    flags: list[ProcessFlag] = []
    for index, entry in enumerate(tomllib.loads(text).get("flags", [])):
        name = entry.get("id", f"#{index}")
        phrasings = entry.get("phrasings")
        why = entry.get("why")
        unless_number = entry.get("unless_number", False)
        unless_contrast = entry.get("unless_contrast", False)
        unless_required = entry.get("unless_required", False)
        penalty = entry.get("penalty", RED_FLAG_PENALTY)
        if not isinstance(penalty, int | float) or isinstance(penalty, bool) \
                or not 0 < penalty <= MAX_RED_FLAG_PENALTY:
            raise ValueError(f"grading/process_flags.toml, flag {name}: penalty must be a "
                             f"number in (0, {MAX_RED_FLAG_PENALTY}]")
        if (
            not isinstance(phrasings, list)
            or not phrasings
            or not all(isinstance(p, str) and p.strip() for p in phrasings)
            or not isinstance(why, str)
            or not why.strip()
            or not isinstance(unless_number, bool)
            or not isinstance(unless_contrast, bool)
            or not isinstance(unless_required, bool)
        ):
            raise ValueError(f"grading/process_flags.toml, flag {name}: bad phrasings/why")
        flags.append(ProcessFlag(str(name), tuple(phrasings), why.strip(), unless_number,
                                 float(penalty), unless_contrast, unless_required))
    return tuple(flags)


class _DefaultProcessFlags(Sequence[ProcessFlag]):
    """The TOML's flags as a sequence that reads the file on first use, not at import
    (importlib.resources and tomllib cost ~25 ms that the CLI's start should not pay)."""

    def __getitem__(self, index: Any) -> Any:
        return default_process_flags()[index]

    def __len__(self) -> int:
        return len(default_process_flags())

    def __iter__(self) -> Iterator[ProcessFlag]:
        return iter(default_process_flags())

    def __repr__(self) -> str:
        return "DEFAULT_PROCESS_FLAGS"


#: The ``process_flags`` default of :func:`score_open`: every flag in ``process_flags.toml``,
#: loaded on first use. Pass ``()`` to score without them, or a list to replace them.
DEFAULT_PROCESS_FLAGS: Sequence[ProcessFlag] = _DefaultProcessFlags()


class _KnownFigures(Sequence[Figure]):
    """``known_figures.toml`` as a sequence read on first use, like the process flags."""

    def __getitem__(self, index: Any) -> Any:
        return known_figures()[index]

    def __len__(self) -> int:
        return len(known_figures())

    def __iter__(self) -> Iterator[Figure]:
        return iter(known_figures())

    def __repr__(self) -> str:
        return "DEFAULT_KNOWN_FIGURES"


@dataclass(frozen=True)
class KnownClaim:
    """A claim wrong in any answer (``grading/known_misconceptions.toml``): its ``id``, the
    wrong ``claim``, the ``phrasings`` that state it and ``why`` (what is true). ``unless``,
    compiled from the file's regular expression (None when it has none), finds the regime in
    which the claim is right: found in the same sentence ("at batch 512 decode is
    compute-bound"), it excuses the claim. ``unless_answer`` excuses it when found anywhere in
    the answer: "1,979 TFLOP/s" is the sparse figure said as the peak only in an answer that
    never speaks of FP8, where it is the dense peak."""

    id: str
    claim: str
    phrasings: tuple[str, ...]
    why: str
    unless: re.Pattern[str] | None = None
    unless_answer: re.Pattern[str] | None = None


@cache
def known_misconceptions() -> tuple[KnownClaim, ...]:
    """The claims in ``grading/known_misconceptions.toml``, read once (on the first open
    answer scored). A malformed file is a bug in this package and raises ValueError."""
    import importlib.resources
    import tomllib

    text = importlib.resources.files("grading").joinpath(
        "known_misconceptions.toml").read_text("utf-8")
    claims: list[KnownClaim] = []
    for index, entry in enumerate(tomllib.loads(text).get("claims", [])):
        phrasings = entry.get("phrasings")
        fields_ok = all(isinstance(entry.get(key), str) and entry[key].strip()
                        for key in ("id", "claim", "why"))
        if not fields_ok or not isinstance(phrasings, list) or not phrasings or not all(
                isinstance(p, str) and p.strip() and "&" not in p for p in phrasings):
            raise ValueError(f"grading/known_misconceptions.toml, claim #{index + 1}: needs id, "
                             "claim, why and contiguous phrasings (no '&')")
        excuses: dict[str, re.Pattern[str] | None] = {}
        for key in ("unless", "unless_answer"):
            try:
                excuses[key] = re.compile(entry[key], re.IGNORECASE) if key in entry else None
            except (re.error, TypeError) as error:
                raise ValueError(f"grading/known_misconceptions.toml, claim #{index + 1}: "
                                 f"{key} is no regular expression ({error})") from None
        claims.append(KnownClaim(entry["id"], entry["claim"], tuple(phrasings),
                                 " ".join(entry["why"].split()), excuses["unless"],
                                 excuses["unless_answer"]))
    return tuple(claims)


#: The ``known_figures`` default of :func:`score_open`: the hardware figures every answer may
#: cite (``grading/known_figures.toml``). Pass ``()`` to check only the question's own.
DEFAULT_KNOWN_FIGURES: Sequence[Figure] = _KnownFigures()


# --------------------------------------------------------------------------------------------
# Numbers, mechanisms, tradeoffs
# --------------------------------------------------------------------------------------------

_NUM = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_SUFFIX = r"(?:[kKMBT]|bn|mn|thousand|million|billion|trillion)(?![A-Za-z0-9])"
_UNIT = r"""(?:
    [kKMGTPE]?i?B(?:/s|ps)? | [kKMGTPE]?b(?:it|its)?(?:/s|ps)
  | [kKMGTPE]?(?:bits?|bytes?)(?:/s)?
  | [kKMGTPEZ]?(?:FLOP|flop)[sS]?(?:/s)? | (?i:[kmgtpez]?flops) | (?i:(?:giga|tera|peta|exa)flops?)
  | ns|us|µs|μs|ms|sec|secs|seconds?|s|mins?|minutes?|hrs?|hours?|h|days?|d|wks?|weeks?
  | months?|mos|years?|yrs?
  | [kMG]?Wh|[kMG]?W|[kMG]?J|[kMG]?Hz
  | (?:GPU|gpu|node)[-·\ ](?:hours?|hrs?|days?|weeks?|months?|years?) | (?:GPU|gpu|node)·?h
  | GPUs?|gpus?|nodes?|racks?|hosts?|chips?|servers?|tokens?|toks?|params?|parameters?
  | layers?|steps?|samples?|experts?|replicas?|shards?|engineers?|people|requests?|queries
  | USD|dollars?|EUR|euros?
  | [A-Z]{1,3}[0-9]{2,4}[A-Za-z]?s
)(?:/(?:s|sec|GPU|gpu|node|hour|hr|h|day|month|year|token|step|request|W|byte|B)\b)?"""


@cache
def _quantity_re() -> re.Pattern[str]:
    return re.compile(
        rf"""
    (?<![\w.$€£])
    (?:
        [$€£]\s?{_NUM}(?:\s?{_SUFFIX})?                                  # $2.5M, $300k
      | {_NUM}(?:\s?(?:-|–|to)\s?{_NUM})?\s?(?:%|×|x(?![A-Za-z]))          # 40%, 30-50%, 3x
      | {_NUM}(?:\s?(?:-|–|to)\s?{_NUM})?(?:\s?{_SUFFIX})?[\s-]?{_UNIT}(?![A-Za-z0-9])
      | {_NUM}\s?{_SUFFIX}                                                # 16k, 70B
    )
    """,
        re.VERBOSE,
    )


@cache
def _bare_number_re() -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])[0-9]+(?:[.,][0-9]+)*(?![A-Za-z0-9])")


@cache
def _sentence_split_re() -> re.Pattern[str]:
    return re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*|(?<=:)\s+(?=[-*•])")


@cache
def _mechanism_re() -> re.Pattern[str]:
    return re.compile(
        r"""
    \b(?:because|which\ means|that\ means|this\ means|meaning\ that|leads?\ to|led\ to
       |leading\ to|results?\ in|resulting\ in|causes?|caused\ by|therefore|thus|hence
       |due\ to|so\ that|bottleneck(?:s|ed)?|bound\ by|limited\ by|capped\ by|gated\ by
       |dominated\ by|saturat(?:es|ed|ing|e)
       |(?:memory|compute|bandwidth|network|latency|communication|comms|io|i/o)[-\ ]bound
    )\b
    | →|->|=>|⇒
    | (?<!\bor\ )\bso\b(?!\ (?:far|on|much|many|called)\b|-called)
    """,
        re.IGNORECASE | re.VERBOSE,
    )


@cache
def _tradeoff_re() -> re.Pattern[str]:
    return re.compile(
        r"\b(?:vs\.?|versus|trade-?offs?|trade\ offs?|at\ the\ (?:cost|expense)\ of"
        r"|in\ exchange\ for|in\ return\ for|instead\ of|rather\ than)(?!\w)",
        re.IGNORECASE | re.VERBOSE,
    )


def find_numbers(text: str) -> tuple[str, ...]:
    """The concrete quantities in ``text``, in order, as typed: a number with a unit, a count
    suffix, a % or a × (``"3.35 TB/s"``, ``"16k GPUs"``, ``"40%"``, ``"2 weeks"``,
    ``"$2.5M"``, ``"128 A100s"``, ``"30-50 days"``). A bare number ("in 2023") and digits
    inside names ("H100", "p99") are not quantities."""
    found = _quantity_re().finditer(text[:MAX_OPEN_CHARS])
    return tuple(match.group().strip() for match in found)


def _sentences(text: str) -> list[tuple[int, str]]:
    """(start offset, sentence) for each sentence or bullet line; a decimal point never ends one."""
    sentences: list[tuple[int, str]] = []
    position = 0
    for separator in _sentence_split_re().finditer(text):
        if text[position : separator.start()].strip():
            sentences.append((position, text[position : separator.start()]))
        position = separator.end()
    if text[position:].strip():
        sentences.append((position, text[position:]))
    return sentences


def _has_number(sentence: str) -> bool:
    return bool(_quantity_re().search(sentence) or _bare_number_re().search(sentence))


def find_mechanisms(text: str) -> tuple[str, ...]:
    """The sentences with cause → effect language: "because", "so", "which means", "leads to",
    "→"/"->", "bottleneck", "bound by", "limited by", "saturates", "memory-bound"…"""
    return tuple(
        sentence.strip()
        for _start, sentence in _sentences(text[:MAX_OPEN_CHARS])
        if _mechanism_re().search(sentence)
    )


def find_tradeoffs(text: str) -> tuple[str, ...]:
    """The sentences that weigh one option against another ("vs", "versus", "tradeoff", "at the
    cost of", "in exchange for", "instead of", "rather than") *and* carry a number."""
    return tuple(
        sentence.strip()
        for _start, sentence in _sentences(text[:MAX_OPEN_CHARS])
        if _tradeoff_re().search(sentence) and _has_number(sentence)
    )


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def _penalty(red_flag_count: int) -> float:
    return min(RED_FLAG_PENALTY * red_flag_count, MAX_RED_FLAG_PENALTY)


def _flag_penalty(hits: Sequence[Any]) -> float:
    """What ``hits`` cost together: each its own ``penalty``, at most the cap."""
    return min(math.fsum(getattr(hit, "penalty", RED_FLAG_PENALTY) for hit in hits),
               MAX_RED_FLAG_PENALTY)


def _coverage(covered: Sequence[bool], weights: Sequence[float]) -> float:
    total = math.fsum(weights)
    if total <= 0:
        return 0.0
    return math.fsum(w for c, w in zip(covered, weights, strict=True) if c) / total


def _check_weights(weights: Sequence[float]) -> None:
    for weight in weights:
        if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
            raise ValueError(f"bad key-point weight {weight!r}: weights are finite and ≥ 0")


def open_score(covered: Sequence[bool], weights: Sequence[float], red_flag_count: int) -> float:
    """covered weight / total weight − min(0.1 · red flags, 0.3), floored at 0, in [0, 1].

    With no weight at all (no key points) coverage is 0. Rounded to 9 decimals so band edges in
    :func:`grading.rating.rating_for_open` are not decided by float noise (0.9 − 0.1).
    """
    if len(covered) != len(weights):
        raise ValueError(f"{len(covered)} ticks for {len(weights)} key points")
    _check_weights(weights)
    if red_flag_count < 0:
        raise ValueError(f"bad red flag count {red_flag_count}: must be ≥ 0")
    return round(max(0.0, _coverage(covered, weights) - _penalty(red_flag_count)), 9)


def self_score(ticked: Sequence[bool], weights: Sequence[float], red_flag_count: int) -> float:
    """The self-check score: the player ticks which key points they really covered (and the
    red flags they own up to); same formula as ``auto_score`` (see :func:`open_score`).

    ``ticked`` and ``weights`` must be the same length; weights finite and ≥ 0.
    """
    return open_score(ticked, weights, red_flag_count)


def _field(item: Any, name: str, position: int, default: Any = None) -> Any:
    """A key point / red flag field, from an object attribute or a tuple position."""
    if hasattr(item, name):
        return getattr(item, name)
    if isinstance(item, tuple | list) and len(item) > position:
        return item[position]
    return default


def _phrasings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(p for p in (value or ()) if isinstance(p, str))


def _sentence_index(sentences: Sequence[tuple[int, str]], offset: int) -> int:
    """The index of the sentence (start, text) holding ``offset``; -1 before the first."""
    index = -1
    for position, (start, _sentence) in enumerate(sentences):
        if start > offset:
            break
        index = position
    return index


def _sentence_at(sentences: list[tuple[int, str]], offset: int) -> str:
    index = _sentence_index(sentences, offset)
    return sentences[index][1] if index >= 0 else ""


def _flag_hit(
    analysed: Analysed,
    sentences: list[tuple[int, str]],
    flag: Any,
    unless_number: bool,
    taken: list[tuple[int, int]],
    taken_phrases: set[str],
    needless: Sequence[str] = (),
) -> tuple[str, Found] | None:
    """The first occurrence of a red flag that counts: not negated, not excused by a number in
    its sentence (when ``unless_number``), not on words or a phrase another flag already took."""
    for phrasing, found in _flag_occurrences(analysed, flag):
        if "".join(normalise_words(phrasing)) in taken_phrases:
            continue
        if unless_number and (_has_number(
            _sentence_at(sentences, analysed.words[found.first].start)
        ) or _conditioned(analysed, found.last)):
            continue
        if _excused_in_context(flag, analysed, found,
                               _sentence_at(sentences, analysed.words[found.first].start),
                               needless, sentences):
            continue
        if any(found.first <= last and first <= found.last for first, last in taken):
            continue
        return phrasing, found
    return None


#: Words of obligation: an absolute after one in its clause is a requirement, a gate to pass
#: ("must be at least the old version's at every size"), not a claim about the system.
_OBLIGATIONS = frozenset("must should shall require requires required gate".split())
#: Actions done on purpose, as word stems: "instantly" beside one and before a trigger is a
#: policy the answer sets ("evals on the spares, killed instantly when a spare is claimed").
_POLICY_ACTIONS = ("kill", "preempt", "evict", "drain", "cancel", "suspend")
#: The absolutes a policy may carry.
_POLICY_ABSOLUTES = frozenset({"instantly"})
#: Words that start a policy's trigger, and how far after the absolute one may start.
_TRIGGERS = frozenset("when whenever once if".split())
_POLICY_TRIGGER_GAP = 3


#: A key point that itself says a thing is not needed ("BF16 has FP32's range: no loss scaling
#: needed"): the thing, group 1.
_NEEDLESS_POINT_RE = re.compile(r"\bno\s+([a-z][\w' -]{1,30}?)\s+(?:is\s+)?(?:needed|required)\b",
                                re.IGNORECASE)
#: How many sentences back a pronoun may point for :func:`_says_needless`.
NEEDLESS_LOOKBACK = 1


def needless_things(key_points: Iterable[Any]) -> tuple[str, ...]:
    """What the question's key points themselves say is not needed ("loss scaling"): saying
    so is the point, not a factor waved away."""
    return tuple(" ".join(match.group(1).lower().split())
                 for point in key_points
                 for match in _NEEDLESS_POINT_RE.finditer(str(_field(point, "point", 0, ""))))


def _says_needless(needless: Sequence[str], sentences: Sequence[tuple[int, str]],
                   analysed: Analysed, found: Found) -> bool:
    """Whether the dismissal at ``found`` says one of the ``needless`` things is not needed,
    and nothing else: the thing right after it ("doesn't need loss scaling", "no point in loss
    scaling") or right before it ("loss scaling isn't needed anymore", "makes loss scaling
    pointless"), its clause ending there or going on with a reason or a condition ("…
    because its exponent matches FP32", "… with BF16"); or a singular pronoun in its place
    ("BF16 simply doesn't need it.", "with BF16 that is unnecessary") with the thing named
    before it in its sentence or in one of the :data:`NEEDLESS_LOOKBACK` sentences before.
    Never when the sentence goes on to wave more away ("…, and so is keeping FP32 state",
    "… unnecessary too") or lists more ("doesn't need loss scaling, FP32 master weights or
    …"; "… an FP32 master copy. BF16 doesn't need them.")."""
    if not needless:
        return False
    text = analysed.text
    start, end = analysed.words[found.first].start, analysed.words[found.last].end
    after, before = text[end:end + 80], text[max(0, start - 80):start]
    if _MORE_WAVED_AWAY_RE.search(re.split(r"[.;!?]", after, maxsplit=1)[0]):
        return False
    for thing in needless:
        name = r"\s+".join(map(re.escape, thing.split()))
        if re.match(rf"\s*(?:for\s+|of\s+|in\s+|to\s+use\s+)?(?:[\w-]+\s+){{0,2}}?{name}"
                    rf"{_CLAUSE_END}", after, re.IGNORECASE) \
                or (re.search(rf"\b{name}\s+(?:[\w-]+\s+)?$", before, re.IGNORECASE)
                    and re.match(_CLAUSE_END, after, re.IGNORECASE)):
            return True
    pronoun_after = re.match(rf"\s*(?:it|this|that){_CLAUSE_END}", after, re.IGNORECASE)
    pronoun_before = re.search(r"\b(?:it|this|that)\s+(?:(?:is|was|becomes|became)\s+)?$", before,
                               re.IGNORECASE) and re.match(_CLAUSE_END, after, re.IGNORECASE)
    if not (pronoun_after or pronoun_before):
        return False
    index = _sentence_index(sentences, start)

    def names(sentence: str) -> bool:
        words = " ".join(re.sub(r"[^\w' ]", " ", sentence.lower()).split())
        return any(re.search(rf"\b{re.escape(thing)}\b", words) for thing in needless)

    said_before = text[sentences[index][0]:start] if index >= 0 else ""
    return names(said_before) or any(
        names(sentences[back][1])
        for back in range(max(0, index - NEEDLESS_LOOKBACK), max(0, index)))


#: Where a needless thing's clause must end for :func:`_says_needless`: a full stop, a
#: semicolon, a colon, a bracket or the end, after at most "anymore" / "at all"; or a reason or
#: condition going on ("because …", ", which …", "with BF16").
_CLAUSE_END = (r"(?:\s+(?:anymore|any\s+more|at\s+all))?\s*(?:[.;:!?)]|$|,?\s+(?:because|"
               r"since|as|so|which|but|with|in|for|on|when|once|thanks)\b)")
#: What, after a dismissal in its sentence, waves more away: "and so is …", "too", "either".
_MORE_WAVED_AWAY_RE = re.compile(r"\b(?:so\s+(?:is|are|do|does)|too|either|as\s+well|neither|"
                                 r"nor|also)\b", re.IGNORECASE)


def _excused_in_context(flag: Any, analysed: Analysed, found: Found, sentence: str,
                        needless: Sequence[str] = (),
                        sentences: Sequence[tuple[int, str]] = ()) -> bool:
    """Whether the flag's own exceptions excuse it where it was ``found``: a contrast naming
    the dependence that holds (``unless_contrast``) or an obligation before it in its clause
    (``unless_required``), or a policy it sets (also ``unless_required``: :func:`_a_policy`);
    or, for a dismissal, saying unneeded a thing the key points themselves call unneeded
    (``needless``, :func:`_says_needless` over the answer's ``sentences``: "BF16 doesn't need
    loss scaling" is the question's own point)."""
    required = getattr(flag, "unless_required", False)
    return (getattr(flag, "unless_contrast", False) and _CONTRAST_RE.search(sentence) is not None) \
        or (required and analysed.said_before(found.first, _OBLIGATIONS)) \
        or (required and _a_policy(analysed, found)) \
        or (getattr(flag, "id", None) == "dismissal"
            and _says_needless(needless, sentences, analysed, found))


def _a_policy(analysed: Analysed, found: Found) -> bool:
    """Whether the absolute at ``found`` is a policy the answer sets: "instantly" beside an
    action done on purpose (kill, preempt, evict, drain, cancel) within three words, and a
    trigger after it in its clause ("killed instantly when a spare is claimed"). "A hung rank
    is killed instantly by the watchdog" names no trigger: it is a claim about the system."""
    words = analysed.words
    if found.first != found.last or words[found.first].norm not in _POLICY_ABSOLUTES:
        return False
    clause = words[found.first].clause
    near = range(max(0, found.first - 3), min(len(words), found.last + 4))
    if not any(words[i].clause == clause and words[i].norm.startswith(_POLICY_ACTIONS)
               for i in near):
        return False
    after = range(found.last + 1, min(len(words), found.last + 1 + _POLICY_TRIGGER_GAP))
    return any(words[i].clause == clause and words[i].norm in _TRIGGERS for i in after)


#: A contrast that names the dependence which does hold: "…, but attention FLOPs grow with T",
#: "while the bubble scales with p".
_CONTRAST_RE = re.compile(
    r"\b(?:but|while|whereas|unlike)\b[^.;]*\b(?:grows?|grew|scales?|scaled|depends?|rises?|"
    r"rose|falls?|fell|varies|increases?|decreases?|shrinks?|goes\s+(?:up|down))\b",
    re.IGNORECASE)


#: Words that bound a dismissal to a regime, right after it: "negligible while B is much
#: smaller than D", "doesn't matter until 10k GPUs" is a condition stated, not a wave-away.
_CONDITIONS = frozenset("while when whenever until unless if below above under beyond once "
                        "provided compared relative versus vs".split())
#: After "only", the words that make it a regime ("only at batch 512", "only for long
#: prompts"): "only a little" is no condition.
_ONLY_REGIMES = _CONDITIONS | frozenset("at for in with on beyond past after".split())
#: How many words after a dismissal its condition may start ("negligible here while…").
_CONDITION_GAP = 2


def _conditioned(analysed: Analysed, last_word: int) -> bool:
    """Whether a condition word follows word ``last_word`` closely, in its clause."""
    words = analysed.words
    clause = words[last_word].clause
    for index in range(last_word + 1, min(len(words), last_word + 2 + _CONDITION_GAP)):
        if words[index].clause != clause and words[index].norm not in _CONDITIONS:
            return False
        if words[index].norm in _CONDITIONS:
            return True
        if words[index].norm == "only" and words[index].clause == clause \
                and index + 1 < len(words) and words[index + 1].clause == clause \
                and words[index + 1].norm in _ONLY_REGIMES:
            return True  # "compute-bound only at large batch", "only when", "only above"
    return False


def _trap_conditioned(reader: Reader, phrasings: Iterable[str]) -> bool:
    """Whether every un-negated occurrence of a known trap in a claim sentence is bound to a
    regime by a condition right after it ("decode is compute-bound once the batch passes
    300"): the trap is the unconditional claim."""
    seen = False
    for phrasing in phrasings:
        for occurrence in reader.occurrences(phrasing, fuzzy=False):
            if occurrence.negated or occurrence.sentence < 0 \
                    or not reader.sentences[occurrence.sentence].claim:
                continue
            seen = True
            if not _conditioned(reader.analysed, occurrence.found.last):
                return False
    return seen


def _claim_conditioned(reader: Reader, claim: Evidence) -> bool:
    """Whether the claim found (an inversion of a key point, every part in one sentence) is
    bound to a regime by a condition right after its last word: "decode is compute-bound only
    above batch ~300" is right; the inversion is the unconditional claim. (Deck misconceptions
    are not excused so: measured on the tune split, that let 14 wrong answers escape.)"""
    try:
        parts = parse_phrasing(claim.phrasing)
    except ValueError:
        return False
    last = -1
    for part in parts:
        for alternative in part.alternatives:
            for occurrence in reader.occurrences(alternative, fuzzy=False):
                if occurrence.sentence == claim.index and occurrence.negated == part.negated:
                    last = max(last, occurrence.found.last)
    return last >= 0 and _conditioned(reader.analysed, last)


def _flag_occurrences(analysed: Analysed, flag: Any) -> Iterator[tuple[str, Found]]:
    """Every un-negated place one of ``flag``'s phrasings is said, phrasing by phrasing."""
    for phrasing in _phrasings(_field(flag, "phrasings", 0)):
        for found in find_all(analysed, phrasing, fuzzy=False,
                              negation_window=CLAUSE_NEGATION_WINDOW):
            yield phrasing, found


# --------------------------------------------------------------------------------------------
# The automatic score
# --------------------------------------------------------------------------------------------


def _quantities(text: str) -> list[tuple[int, int, str]]:
    """(start, end, typed) of each quantity in ``text`` (see :func:`find_numbers`)."""
    return [(m.start(), m.end(), m.group().strip()) for m in _quantity_re().finditer(text)]


_NUMBER_WORDS = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
                 r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a\s+hundred|"
                 r"a\s+thousand|a\s+million|a\s+dozen)")
_COUNTED = (r"(?:gpus?|accelerators?|cards?|nodes?|racks?|hosts?|chips?|servers?|tokens?|"
            r"layers?|steps?|stages?|micro-?batch(?:es)?|experts?|replicas?|engineers?|people|"
            r"requests?|jobs?|runs?|links?|copies|restarts?|failures?|crashes|interruptions?|"
            r"seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?|percent|points?|"
            r"times|bytes?|gigabytes?|terabytes?|petabytes?|megawatts?|kilowatts?|watts?|"
            r"dollars?|million|billion|thousand|hundred)")


@cache
def _word_quantity_re() -> re.Pattern[str]:
    number = rf"{_NUMBER_WORDS}(?:[\s-]+(?:{_NUMBER_WORDS}|hundred|thousand|million|billion|and))*"
    return re.compile(rf"(?<![\w-]){number}(?:\s+to\s+{number})?[\s-]+(?:[a-z]+[\s-]+)?"
                      rf"{_COUNTED}(?![\w-])", re.IGNORECASE)


def _word_quantities(text: str) -> list[tuple[int, int, str]]:
    """Quantities written in words, as an answer spoken aloud says them ("two to three days",
    "four engineers", "three more hours"). They count as numbers the answer states
    (substance) but are never a phrasing's ``#`` nor checked against a figure: only a written
    number is read for its value."""
    return [(m.start(), m.end(), m.group().strip()) for m in _word_quantity_re().finditer(text)]


@dataclass(frozen=True)
class _Substance:
    """What the claim sentences carry: distinct quantities, mechanism sentences, quantified
    tradeoff sentences."""

    numbers: int
    mechanisms: int
    tradeoffs: int

    @property
    def score(self) -> float:
        """In [0, 1]: each kind saturates at its :data:`SUBSTANCE_SATURATION` count."""
        parts = (self.numbers, self.mechanisms, self.tradeoffs)
        return math.fsum(
            weight * min(1.0, count / saturation)
            for weight, count, saturation in zip(
                SUBSTANCE_WEIGHTS, parts, SUBSTANCE_SATURATION, strict=True))


def _substance(reader: Reader, quantities: list[tuple[int, int, str]],
               topical: set[int]) -> _Substance:
    """Count what the claim sentences carry. A mechanism counts only on the question's subject:
    with a quantity, or with words of a key point ("so we aligned early" is not one)."""
    claims = [index for index, s in enumerate(reader.sentences) if s.claim]
    with_numbers: set[int] = set()
    numbers: set[str] = set()
    for start, _end, typed in quantities:
        index = reader.sentence_of(start)
        if index >= 0 and reader.sentences[index].claim:
            numbers.add("".join(typed.split()).casefold())
            with_numbers.add(index)
    mechanisms = sum(1 for index in claims
                     if _mechanism_re().search(reader.sentences[index].text)
                     and (index in with_numbers or index in topical))
    claims_text = [reader.sentences[index] for index in claims]
    tradeoffs = sum(1 for s in claims_text
                    if _tradeoff_re().search(s.text) and _has_number(s.text))
    return _Substance(len(numbers), mechanisms, tradeoffs)


def _arithmetic_slips(reader: Reader) -> Iterator[WrongNumber]:
    """Each sum an answer writes out wrong, of bare numbers
    (:func:`grading._arithmetic.arithmetic_slips`) or of quantities with units
    (:func:`grading._arithmetic.unit_slips`: "70B × 2 bytes = 140 MB"), in a claim sentence
    not refuted (:meth:`Reader.refuted`), as a wrong number the verdict names."""
    for index, sentence in enumerate(reader.sentences):
        if not sentence.claim or reader.refuted(index):
            continue
        for slip in (*arithmetic_slips(sentence.text), *unit_slips(sentence.text)):
            yield WrongNumber(slip.typed, ARITHMETIC_SLIP_NAME, slip.expected, sentence.text)


def _linear_scaling_claim(reader: Reader) -> Evidence | None:
    """The first sentence claiming hardware buys speed in proportion, in any wording of the
    shape :func:`grading._scaling.linear_scaling_spans` finds, confirmed through
    :meth:`Reader.misconception` (the span as a contiguous phrasing), so that a span negated,
    quoted, attributed, supposed or called a myth is not a claim."""
    for sentence in reader.sentences:
        if not sentence.claim:
            continue
        for span in linear_scaling_spans(sentence.text):
            phrasing = " ".join(_PHRASING_SYNTAX_RE.sub(" ", span).lower().split())
            wrong = reader.misconception([phrasing])
            if wrong is not None:
                return wrong
    return None


#: A key point that itself says its subject is cheap, tiny, negligible or trivial (whole words:
#: not "small-scale" or "Little's law").
_SMALLNESS_POINT_RE = re.compile(r"\b(?:cheap|tiny|negligible|trivial)\b(?![-'’])",
                                 re.IGNORECASE)

#: Characters with a meaning in a phrasing (alternatives, parts, prefixes, quantities,
#: negation): dropped from an answer's own words before they are matched as one.
_PHRASING_SYNTAX_RE = re.compile(r"[|&*#!$]")


def _combine(coverage: float, substance: float, red_flags: int | float, contradictions: int,
             wrong_numbers: int) -> float:
    """The automatic score from its parts (see the module docstring), in [0, 1].
    ``red_flags`` is a count (0.1 each) or, as a float, what the flags cost already."""
    evidence = COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * substance
    flags = _penalty(red_flags) if isinstance(red_flags, int) \
        else min(red_flags, MAX_RED_FLAG_PENALTY)
    penalty = (flags + CONTRADICTION_PENALTY * contradictions
               + WRONG_NUMBER_PENALTY * wrong_numbers)
    cap = ERROR_CAPS[min(contradictions + wrong_numbers, len(ERROR_CAPS) - 1)]
    return round(min(cap, max(0.0, calibrate(evidence) - penalty)), 9)


def calibrate(evidence: float) -> float:
    """The evidence score (0–1) on the interviewer's scale: linear from 0 to
    :data:`CALIBRATION_KNOT` and on to (1, 1)."""
    knot_x, knot_y = CALIBRATION_KNOT
    evidence = min(1.0, max(0.0, evidence))
    if evidence <= knot_x:
        return evidence * knot_y / knot_x
    return knot_y + (evidence - knot_x) * (1 - knot_y) / (1 - knot_x)


def score_open(
    answer: str,
    key_points: Iterable[Any],
    red_flags: Iterable[Any] = (),
    process_flags: Iterable[Any] = DEFAULT_PROCESS_FLAGS,
    figures: Iterable[Any] = (),
    known: Iterable[Any] = DEFAULT_KNOWN_FIGURES,
    prompt: str | None = None,
) -> RubricResult:
    """Score an open answer: key points with their evidence, contradictions, wrong numbers,
    numbers, mechanisms, tradeoffs, red flags, and the automatic score.

    ``key_points`` are objects with ``point``, ``phrasings``, ``weight`` and optionally
    ``misconceptions`` and ``figures`` (content's ``KeyPoint``), or tuples ``(point,
    phrasings[, weight])``; a point without phrasings is matched on its own text; weight
    defaults to 1. ``red_flags`` are objects with ``phrasings``, ``why`` (content's
    ``RedFlag``) or tuples ``(phrasings, why)``. ``process_flags`` are :class:`ProcessFlag`-like
    (``phrasings``, ``why``, optional ``unless_number``). ``figures`` are the question's own
    figures (:class:`grading.figures.Figure`-like), checked with every key point's and the
    ``known`` hardware figures (:data:`DEFAULT_KNOWN_FIGURES`).
    Words or a phrase already taken by one flag (item flags first) do not count for another,
    so "RACI" listed by the item and by the defaults costs 0.1, not 0.2, however often it is
    said. With the question's ``prompt``, an answer stating fewer than
    :data:`MIN_OWN_NUMBERS` numbers of its own is capped at :data:`NO_OWN_NUMBERS_CAP`
    (:func:`own_numbers`). Never raises on the answer text; a negative or non-finite weight is
    a content bug and raises ValueError.
    """
    text = answer[:MAX_OPEN_CHARS] if isinstance(answer, str) else ""
    quantities = _quantities(text)
    stated = sorted(quantities + _word_quantities(text)) if WORD_QUANTITIES_COUNT \
        else quantities
    reader = Reader(text, quantities)

    coverage: list[KeyPointCoverage] = []
    contradictions: list[Contradiction] = []
    all_figures: list[Any] = list(figures)
    all_phrasings: list[str] = []
    used: dict[int, int] = {}  # sentence index -> key points it is the evidence for
    evidence_index: dict[int, int] = {}  # covered point's position -> its sentence index
    point_phrasings: list[tuple[str, ...]] = []  # each point's phrasings as heard
    key_points = tuple(key_points)
    needless = needless_things(key_points)
    for item in key_points:
        point = str(_field(item, "point", 0, ""))
        phrasings = _phrasings(_field(item, "phrasings", 1)) or (point,)
        weight = _field(item, "weight", 2, 1.0)
        weight = 1.0 if weight is None else weight
        _check_weights([weight])
        misconceptions = _phrasings(getattr(item, "misconceptions", ()))
        heard = tuple(expand_phrasing(p) for p in phrasings) if SYNONYMS_COUNT else phrasings
        point_phrasings.append(heard)
        all_phrasings.extend(heard)
        all_figures.extend(getattr(item, "figures", ()) or ())
        full = frozenset(index for index, count in used.items()
                         if count >= MAX_POINTS_PER_SENTENCE)
        evidence = reader.first(heard, skip=full)
        wrong = reader.misconception(misconceptions)
        kind = "misconception"
        if wrong is None and INVERSIONS_CONTRADICT:
            wrong = reader.misconception(inverted_phrasings(phrasings))
            kind = "inversion"
            if wrong is not None and (reader.states_in(heard, wrong.index)
                                      or _claim_conditioned(reader, wrong)):
                # The clause also states the point itself: both sides are said, of two
                # subjects ("prefill is compute-bound and decode is bandwidth-bound"); or the
                # inversion is bound to its regime ("compute-bound only above batch 300").
                wrong = None
        if wrong is None and DENIALS_CONTRADICT and not _SMALLNESS_POINT_RE.search(point):
            # A point that says a thing is small is agreed with, not denied, when the answer
            # calls the thing trivial ("PP sends one b·s·h activation per boundary — trivial").
            wrong = reader.denial(phrasings)
            kind = "denial"
        if evidence is not None and wrong is None:
            used[evidence.index] = used.get(evidence.index, 0) + 1
        if wrong is not None:
            contradictions.append(Contradiction(point, wrong.phrasing, wrong.typed,
                                                wrong.sentence, kind))  # type: ignore[arg-type]
        if evidence is None or wrong is not None:
            named = reader.named(heard) if wrong is None else None
            coverage.append(KeyPointCoverage(point, False, None, float(weight),
                                             contradicted=wrong is not None,
                                             named_in=named.sentence if named else None))
            continue
        listed = dict(zip(heard, phrasings, strict=True)).get(evidence.phrasing,
                                                              evidence.phrasing)
        evidence_index[len(coverage)] = evidence.index
        coverage.append(KeyPointCoverage(point, True, listed, float(weight),
                                         evidence.typed, evidence.sentence))

    if OVERCLAIMS_CONTRADICT:
        overclaimed = _overclaim_sentences(reader, process_flags, quantities, needless)
        for position, point_coverage in enumerate(coverage):
            index = evidence_index.get(position)
            if index is None:  # not earned: dismissed in an overclaim ("X isn't needed")?
                if point_coverage.contradicted:
                    continue
                index = next((i for i in sorted(overclaimed)
                              if _said_in(reader, point_phrasings[position], i)), None)
            if index is None or index not in overclaimed:
                continue
            found, phrase = overclaimed[index]
            contradictions.append(Contradiction(point_coverage.point, phrase, found,
                                                reader.sentences[index].text, "overclaim"))
            coverage[position] = KeyPointCoverage(point_coverage.point, False, None,
                                                  point_coverage.weight, contradicted=True)
    if KNOWN_MISCONCEPTIONS_CONTRADICT:
        said_wrong = {c.sentence for c in contradictions}
        for known_claim in known_misconceptions():
            wrong = reader.misconception(known_claim.phrasings)
            if wrong is None and LINEAR_SCALING_SHAPE \
                    and known_claim.id == LINEAR_SCALING_CLAIM_ID:
                wrong = _linear_scaling_claim(reader)
            if wrong is not None and (
                    _trap_conditioned(reader, known_claim.phrasings)
                    or (known_claim.unless is not None
                        and known_claim.unless.search(wrong.sentence))
                    or (known_claim.unless_answer is not None
                        and known_claim.unless_answer.search(text))):
                wrong = None  # "decode is compute-bound above batch ~300" is right
            if wrong is not None and wrong.sentence not in said_wrong:
                said_wrong.add(wrong.sentence)
                contradictions.append(Contradiction(known_claim.why, wrong.phrasing,
                                                    wrong.typed, wrong.sentence, "known"))
    hits = _red_flag_hits(reader, red_flags, process_flags, needless)
    wrong_numbers = check_figures(reader.analysed, reader.sentences, quantities, all_figures,
                                  CLAUSE_NEGATION_WINDOW, known)
    if BIT_BYTE_SLIPS:
        def sentence_of(offset: int) -> tuple[int, str]:
            index = reader.sentence_of(offset)
            return index, reader.sentences[index].text if index >= 0 else ""

        said = {wrong.typed for wrong in wrong_numbers}
        wrong_numbers = wrong_numbers + tuple(
            slip for slip in bit_byte_slips(quantities, sentence_of) if slip.typed not in said)
    if ARITHMETIC_SLIPS:  # a result already named against its figure is one slip, not two
        wrong_numbers = wrong_numbers + tuple(
            slip for slip in _arithmetic_slips(reader)
            if not any(named.sentence == slip.sentence and named.typed in slip.typed
                       for named in wrong_numbers))
    # A known trap said as a number the figure check also names ("H100 peak is 1,979 TFLOP/s")
    # is one error, not two: the wrong number stays, the trap's contradiction goes.
    contradictions = [c for c in contradictions
                      if not (c.kind == "known" and any(
                          wrong.sentence == c.sentence and wrong.typed in c.found
                          for wrong in wrong_numbers))]
    substance = _substance(reader, stated, reader.topical(all_phrasings))
    covered = [point.covered for point in coverage]
    weights = [point.weight for point in coverage]
    auto = _combine(_coverage(covered, weights), substance.score, _flag_penalty(hits),
                    len(contradictions), len(wrong_numbers))
    own = own_numbers(text, prompt, quantities, known) if prompt is not None else None
    if own is not None and own < MIN_OWN_NUMBERS:
        auto = min(auto, NO_OWN_NUMBERS_CAP)
    return RubricResult(
        key_points=tuple(coverage),
        numbers=tuple(typed for _start, _end, typed in quantities),
        mechanisms=find_mechanisms(text),
        tradeoffs=find_tradeoffs(text),
        red_flags=tuple(hits),
        auto_score=auto,
        contradictions=tuple(contradictions),
        wrong_numbers=wrong_numbers,
        own_numbers=own,
    )


#: A number as typed (:data:`_NUM`: thousands commas, a decimal part, an exponent).
_TYPED_NUMBER_RE = re.compile(rf"(?<![\w.]){_NUM}")

#: What follows a number that names a format or a rank, not a value worked out: "8-bit",
#: "4 bit", "99th percentile".
_FORMAT_NUMBER_RE = re.compile(r"(?:[\s-]?(?i:bits?)\b|(?:st|nd|rd|th)\b)")


def _recited_in_sentence(typed: str, start: int, sentences: list[tuple[int, str]]) -> bool:
    """Whether the quantity ``typed`` at offset ``start`` is a datasheet value its sentence
    recites (:func:`grading.figures.recites_datasheet`)."""
    index = _sentence_index(sentences, start)
    sentence_start, sentence = sentences[index] if index >= 0 else (0, "")
    previous = sentences[index - 1][1] if index > 0 else ""
    before = sentence[:max(0, start - sentence_start)]
    if _ABBREVIATION_END_RE.search(previous):  # "~50%, i.e. 156 TFLOP/s" was split after "i.e."
        before = previous + " " + before
    return recites_datasheet(typed, sentence, before)


#: A "sentence" that ends in an abbreviation ("i.e.", "e.g.") is the start of the next one.
_ABBREVIATION_END_RE = re.compile(r"\b(?:i\.e|e\.g|viz|approx|ca|vs)\.\s*$", re.IGNORECASE)


#: Numbers that are part of a name, not values: a formula's (6ND, 2N), a topology's (3D torus),
#: a schedule's (1F1B), a citation's year ("Chen et al. 2016", "(2022)"), the 2:4 sparsity
#: pattern and error codes ("XID 48 and 79").
_NAMED_SPAN_RE = re.compile(
    r"\b[0-9]+(?-i:ND|N)\b|\b[2-5](?-i:D)\b(?=[\s-]*(?:torus|tori|mesh|grid|parallel))"
    r"|\b[0-9]F[0-9]B\b"
    r"|\bet\s+al\.?,?\s*\(?(?:19[5-9][0-9]|20[0-2][0-9])\b|\((?:19[5-9][0-9]|20[0-2][0-9])\)"
    r"|\b2:4(?=[\s-]*(?:structured|sparsity|sparse|pattern))"
    r"|\bxids?\s+[0-9]+",
    re.IGNORECASE)


def own_numbers(text: str, prompt: str, quantities: Sequence[tuple[int, int, str]] | None = None,
                known: Iterable[Any] = DEFAULT_KNOWN_FIGURES) -> int:
    """How many distinct numbers ``text`` states of its own: typed numbers (and quantities in
    words) whose value the ``prompt`` does not give, that are not part of a name ("Llama 3",
    "ZeRO-3", "6ND", "1F1B", "Chen et al. 2016": :data:`_NAMED_SPAN_RE`) and not a known
    hardware figure (:data:`DEFAULT_KNOWN_FIGURES`) recited with its unit ("989 TFLOP/s",
    "3.35 TB/s": known cold, not worked out) nor a datasheet value said beside its part ("the
    H200 is 4.8 TB/s with 141 GB": :data:`DATASHEET_VALUES_RECITED`), nor a format's width or
    a rank ("8-bit", "the 99th percentile": a definition's). Values are compared without
    their units, so "30 min" is the question's if it says "30 days". An answer that computes
    anything states results the question did not give; a plan, a restatement or a list of
    definitions does not."""
    given = {_number_value(match.group()) for match in _TYPED_NUMBER_RE.finditer(prompt)}
    hardware = [figure for figure in map(as_figure, known) if figure is not None]
    sentences = _sentences(text)
    recited: set[int] = set()
    for start, _end, typed in quantities if quantities is not None else _quantities(text):
        if any(states(typed, figure) for figure in hardware) or (
                DATASHEET_VALUES_RECITED
                and _recited_in_sentence(typed, start, sentences)):
            recited.add(start)
    named = [range(match.start(), match.end()) for match in _NAMED_SPAN_RE.finditer(text)]
    values: set[float | str] = set()
    for match in _TYPED_NUMBER_RE.finditer(text):
        if match.start() in recited or any(match.start() in span for span in named) \
                or NAMED_NUMBER_RE.search(
                text[max(0, match.start() - 10):match.start()]) or _FORMAT_NUMBER_RE.match(
                text, match.end()):
            continue
        value = _number_value(match.group())
        if value is not None and value not in given:
            values.add(value)
    values |= {" ".join(typed.casefold().split()) for _s, _e, typed in _word_quantities(text)}
    return len(values)


def _number_value(typed: str) -> float | None:
    try:
        return float(typed.replace(",", ""))
    except ValueError:
        return None


#: The process flags that are overclaims (a dismissal, a free lunch, an absolute, a denied
#: dependency): said in the very sentence that earns a key point, they turn the point into a
#: confident wrong claim ("a Poisson percentile isn't needed", "goodput will be essentially
#: 100%") — a contradiction, not a covered point.
OVERCLAIM_FLAGS = frozenset({"dismissal", "free-lunch", "absolute", "no-dependence"})


def _overclaim_sentences(reader: Reader, process_flags: Iterable[Any],
                         quantities: Sequence[tuple[int, int, str]],
                         needless: Sequence[str] = ()
                         ) -> dict[int, tuple[str, str]]:
    """Sentence index -> (words as typed, flag phrase) of every overclaim said there: not
    negated, not hedged, and — where the flag allows it — not quantified by one of
    ``quantities`` within :data:`OVERCLAIM_NUMBER_WINDOW` words."""
    said: dict[int, tuple[str, str]] = {}
    spans = [(sentence.start, sentence.text) for sentence in reader.sentences]
    for flag in process_flags:
        if getattr(flag, "id", None) not in OVERCLAIM_FLAGS:
            continue
        unless_number = bool(getattr(flag, "unless_number", False))
        for phrasing, found in _flag_occurrences(reader.analysed, flag):
            if unless_number and _number_near(reader, quantities, found,
                                              OVERCLAIM_NUMBER_WINDOW):
                continue
            if _hedged(reader.analysed, found.first):
                continue  # "almost for free — until …": a claim with its limit
            index = reader.sentence_of(reader.analysed.words[found.first].start)
            if _excused_in_context(flag, reader.analysed, found,
                                   reader.sentences[index].text if index >= 0 else "",
                                   needless, spans):
                continue  # "…, but attention FLOPs grow with T"; "so loss scaling isn't needed"
            if index >= 0:
                said.setdefault(index, (found.typed, phrasing))
    return said


def _said_in(reader: Reader, phrasings: Iterable[str], sentence: int) -> bool:
    """Whether every part of one of ``phrasings`` is said in sentence ``sentence``, negated
    or not (a point dismissed there: "a Poisson percentile isn't needed")."""
    from grading._evidence import parse_phrasing

    for phrasing in phrasings:
        try:
            parts = parse_phrasing(phrasing)
        except ValueError:
            continue
        if parts and all(any(o.sentence == sentence
                             for alternative in part.alternatives
                             for o in reader.occurrences(alternative, False))
                         for part in parts if not part.negated):
            return True
    return False


#: How many words from an overclaim a number excuses it as a quantified judgement ("the
#: all-reduce is 2% of the step, so it doesn't matter"); a number further off in the same
#: sentence is about something else ("at 181 TFLOP/s it's slow, so the all-reduce is hidden
#: under compute automatically").
OVERCLAIM_NUMBER_WINDOW = 10


def _number_near(reader: Reader, quantities: Sequence[tuple[int, int, str]], found: Any,
                 window: int) -> bool:
    """Whether one of ``quantities`` (the answer's) starts within ``window`` words of
    ``found``, in its sentence."""
    words = reader.analysed.words
    sentence = reader.sentence_of(words[found.first].start)
    low = words[max(0, found.first - window)].start
    high = words[min(len(words) - 1, found.last + window)].end
    return any(low <= start <= high and reader.sentence_of(start) == sentence
               for start, _end, _typed in quantities)


#: Words that, just before an overclaim, make it a hedged estimate ("almost for free",
#: "nearly negligible").
_HEDGES = frozenset({"almost", "nearly", "practically", "virtually", "roughly", "largely",
                     "mostly", "close", "near"})


def _hedged(analysed: Any, first_word: int) -> bool:
    """Whether one of the two words before word ``first_word`` is a hedge."""
    before = analysed.words[max(0, first_word - 2):first_word]
    return any(word.norm in _HEDGES for word in before)


def _red_flag_hits(reader: Reader, red_flags: Iterable[Any],
                   process_flags: Iterable[Any],
                   needless: Sequence[str] = ()) -> list[RedFlagHit]:
    """One hit per distinct red flag heard: the item's flags first, then process talk. A
    dismissal of a thing the key points themselves call unneeded (``needless``) is none."""
    hits: list[RedFlagHit] = []
    flagged_spans: list[tuple[int, int]] = []
    flagged_phrases: set[str] = set()
    sentences = [(s.start, s.text) for s in reader.sentences]
    for source, flags in (("item", red_flags), ("process", process_flags)):
        for flag in flags:
            why = str(_field(flag, "why", 1, ""))
            unless_number = bool(getattr(flag, "unless_number", False))
            hit = _flag_hit(reader.analysed, sentences, flag, unless_number, flagged_spans,
                            flagged_phrases, needless)
            if hit is not None:
                phrasing, found = hit
                flagged_spans.append((found.first, found.last))
                flagged_phrases.add("".join(normalise_words(phrasing)))
                penalty = getattr(flag, "penalty", RED_FLAG_PENALTY)
                hits.append(RedFlagHit(phrasing, found.typed, why, source,  # type: ignore[arg-type]
                                       float(penalty)))
    return hits
