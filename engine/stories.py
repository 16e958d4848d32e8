"""The player's own stories: critique, key numbers, and checking a retelling against them.

Candidates for a modelling-first loop are told to prepare three stories in which they changed
a technical direction with data or a simulation. The behavioral round is about technical
conviction, not soft skills: the interviewer listens for numbers with units, the mechanism
behind them, the model or measurement that decided it and what was overridden, and writes
down "facilitated alignment" as a weak signal. This module reads a story the way that
interviewer would, with the open-answer scorer's own detectors (:mod:`grading.rubric`):

- :func:`critique` — the numbers with units the story states, its mechanisms and causal
  claims, technical authority (proved, modelled, simulated, measured, overrode — with the
  sentence) or consensus (with why it hurts here), what an interviewer would probe next, and
  whether it fits a two-minute telling (:data:`SPOKEN_WORDS_PER_MINUTE`).
- :func:`key_numbers` — the figures that identify a story (value and unit).
- :func:`check_telling` — which of a story's key numbers a retelling recalled (number- and
  unit-aware, within :data:`RECALL_TOLERANCE`), which it missed or changed, and a score.
- :func:`retell_item` / :func:`add_retell_cards` — a story as a drill card (``story.<id>``),
  and :func:`grade_retell` / :func:`retell_rating` to grade one.

Plain Python: never imports Textual. The grader (and pint, through :mod:`grading.quantity`)
is imported inside the functions that need it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from content.loader import OpenQuestion
    from engine.bank import ContentBank
    from engine.store.db import Store
    from grading.rubric import RubricResult

__all__ = [
    "AUTHORITY_KINDS",
    "CONSENSUS_WHY",
    "MAX_KEY_NUMBERS",
    "RECALL_TOLERANCE",
    "RETELL_BANDS",
    "RETELL_PREFIX",
    "SPOKEN_WORDS_PER_MINUTE",
    "STORY_QUESTION_ID",
    "TWO_MINUTES_SECONDS",
    "Authority",
    "Consensus",
    "KeyNumber",
    "StoryCritique",
    "TellingCheck",
    "add_retell_cards",
    "check_telling",
    "closest_story",
    "critique",
    "grade_retell",
    "is_retell_card",
    "key_numbers",
    "retell_item",
    "retell_rating",
    "story_id_of",
    "telling_line",
    "with_retell_cards",
    "word_count",
]

#: Speaking pace used to time a telling: ~150 words a minute is a steady interview pace.
SPOKEN_WORDS_PER_MINUTE = 150
#: The length a story should fit when told aloud: at 150 words a minute, 300 words.
TWO_MINUTES_SECONDS = 120.0
#: A recalled number may differ from the stored one by this share and still count
#: ("about 2.5 M" for "$2.46M"); beyond it the number was changed.
RECALL_TOLERANCE = 0.05
#: At most this many numbers identify a story (the first distinct ones told): more than a
#: handful is not what anyone remembers of a two-minute story, nor what an interviewer checks.
MAX_KEY_NUMBERS = 8
#: Retell ratings from the share of key numbers recalled: at least 0.9 Good, at least 0.5
#: Hard, below Again. Easy is the player's to give (keys 1-4): a perfect recall of the
#: numbers says nothing about the telling's pace.
RETELL_BANDS: tuple[tuple[float, int], ...] = ((0.9, 3), (0.5, 2))
#: The behavioral question a story is scored against (the guide's own example prompt).
STORY_QUESTION_ID = "open.behavioral.forced_decision_with_data"
#: The id prefix of a story's retell card: ``story.<story id>``.
RETELL_PREFIX = "story."

#: Why consensus language hurts in this loop (the interview guide's reason, in our words).
CONSENSUS_WHY = (
    "Consensus is not leadership here: the loop wants the tradeoff made explicit — the model "
    "or measurement and its number — so that alignment is unnecessary. Say what you decided, "
    "what settled it, and what you overrode."
)

#: The kinds of technical authority a story can show, each with the words that count (a
#: regular expression, whole words, case ignored). The open-answer scorer forgives typos in
#: long words, which reads "improved" as "proved": authority is matched exactly here, and a
#: negation in the few words before cancels it ("we never simulated it").
AUTHORITY_KINDS: tuple[tuple[str, str], ...] = (
    ("proved", r"proved|proven|proof that|showed that|showed it|demonstrated|disproved"),
    ("modelled", r"modell?ed|modell?ing|(?:cost|step[- ]time|queueing|capacity|analytical"
                 r"|roofline|failure) model|built a model|wrote a model|notebook"
                 r"|back[- ]of[- ]the[- ]envelope"),
    ("simulated", r"simulated|simulations?|simulator|monte carlo|replayed|fault[- ]injection"),
    ("measured", r"measured|benchmarked|benchmarks?|profiled|profiles?|profiling|traces"
                 r"|traced|a/b[- ]test\w*|load[- ]test\w*|canar(?:y|ied)|ablations?"),
    ("overrode", r"overrode|overruled|vetoed|reversed the decision|over (?:the|their|his|her)"
                 r" objections?|despite|made the call|I decided|my call|against the advice"),
)
_NEGATION_RE = re.compile(r"\b(?:not|never|no|didn't|did not|without|n't|nobody|none)\b"
                          r"(?:\W+\w+){0,2}\W*$", re.IGNORECASE)

#: Consensus phrasings beyond the default process flags (which already catch "facilitated",
#: "aligned stakeholders", "drove alignment"...).
_CONSENSUS_PHRASINGS = (
    "got everyone on board", "got everybody on board", "brought everyone on board",
    "got buy-in", "got their buy-in", "built consensus", "reached consensus",
    "consensus was reached", "brought everyone together", "brought the teams together",
    "aligned everyone", "aligned the team", "aligned the teams", "everyone agreed",
    "facilitated alignment", "facilitated a discussion", "facilitated discussions",
)

# -- small detectors the rubric has no public function for --------------------------------

#: An outcome verb: the half of a causal claim that says what moved.
_OUTCOME_RE = re.compile(
    r"\b(?:cut|cuts|reduced?|reducing|lowered|raised|increased?|improved?|saved|saves"
    r"|doubled|halved|tripled|dropped|fell|rose|grew|shrank|went from|brought down"
    r"|sped up|slowed|freed|recovered|avoided|eliminated|removed|added|lost|gained)\b",
    re.IGNORECASE)
#: A factor as the rubric finds it ("2 x", "3×")...
_OPERAND_FACTOR_RE = re.compile(r"^[0-9][0-9,.]*\s?[x×]$")
#: ...that a number or a bracket follows is a times sign between operands ("2 x 160 s").
_OPERAND_NEXT_RE = re.compile(r"\s*[0-9(]")
_BASELINE_RE = re.compile(
    r"\bfrom\b(?:[^.;]|\.(?=[0-9])){0,40}?\bto\b|\bbaseline\b|\bbefore\b|\bwas at\b|\bused to\b"
    r"|\bprevious(?:ly)?\b|\bdown from\b|\bup from\b|\bagainst\b",
    re.IGNORECASE)
_COUNTERFACTUAL_RE = re.compile(
    r"\botherwise\b|\bwould have\b|\bwould've\b|\bwithout\b|\bif we had(?:n't| not)?\b"
    r"|\binstead\b|\balternative\b|\bhad we\b|\bthe other option\b|\bcounterfactual\b",
    re.IGNORECASE)
_COST_RE = re.compile(
    r"[$€£]\s?[0-9]|\bgpu[- ]?hours?\b|\bcost\b|\bcosts\b|\bcosting\b|\bspent\b|\bspend\b"
    r"|\bdollars?\b|\bbudget\b|\bprice\b|\bengineer[- ]?(?:weeks?|months?)\b"
    r"|\bdelay(?:ed)?\b",
    re.IGNORECASE)
_OWNER_RE = re.compile(
    r"\bI\s+(?:decided|chose|made|overrode|overruled|vetoed|called|pushed|insisted|proposed"
    r"|built|wrote|ran|modelled|modeled|simulated|measured|benchmarked|profiled|stopped"
    r"|killed|cancelled|canceled|changed|set|owned)\b|\bmy (?:call|decision)\b")
_OPPOSITION_RE = re.compile(
    r"\boppos\w*|\bdisagree\w*|\bpush(?:ed)?\s?back\b|\bpushback\b|\bobject\w*|\bskeptic\w*"
    r"|\bsceptic\w*|\bresist\w*|\bwanted to\b|\binsisted\b|\bargued\b|\bdespite\b"
    r"|\bagainst\b|\bconvinced\b|\boverr(?:ode|uled)\b|\bvetoed\b",
    re.IGNORECASE)
_BARE_NUMBER_RE = re.compile(r"(?<![\w.$€£])[0-9]+(?:[.,][0-9]+)*(?![\w%×])")
_RANGE_RE = re.compile(
    r"^\s*([$€£]?)\s?([0-9][0-9,]*(?:\.[0-9]+)?)\s?(?:-|–|to)\s?([0-9][0-9,]*(?:\.[0-9]+)?)"
    r"\s?(.*)$")
_LEADING_RE = re.compile(
    r"^\s*([$€£]?)\s?([0-9][0-9,]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s?"
    r"(k|K|M|B|T|bn|mn|thousand|million|billion|trillion)?(?![A-Za-z])\s*-?\s*(.*)$")
_SUFFIX_FACTORS = {"k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "mn": 1e6, "million": 1e6,
                   "B": 1e9, "bn": 1e9, "billion": 1e9, "T": 1e12, "trillion": 1e12}
#: A number followed by what may be a unit (a letter, %, ×, $ before it): a story without
#: one has no key numbers, and makes no retell card (checked without reading units).
_MAY_HAVE_QUANTITY_RE = re.compile(
    r"[$€£]\s?[0-9]|[0-9]\s?-?\s?(?:[%×]|(?!(?:to|and|or|in|of|on|at|by|for|was|is)\b)"
    r"[A-Za-z])")
_PERCENT_WORD_RE = re.compile(r"([0-9])\s?(?:percent|per cent|pct)\b", re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
_STOPWORDS = frozenset(
    "the and for that with this was were are our their from into over under which what when "
    "then than they them have has had not but all any each per its it's about after before "
    "also just only very more most less some such there here been being who whom you your "
    "we'd i'd one two three".split())


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyNumber:
    """A figure a story states: ``typed`` as written ("18 %", "$2.5M", "30-50 days"), its
    ``low``/``high`` value (equal unless a range was written) in the ``kind``'s base unit,
    the ``kind`` it measures (a dimension such as ``[time]``, or ``%``, ``x``, or the noun
    counted: ``gpu``), the ``sentence`` it was said in and that sentence's content words
    (``cue``), which tell which number a changed retelling meant."""

    typed: str
    low: float
    high: float
    kind: str
    sentence: str = ""
    cue: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def value(self) -> float:
        """The number (a range's geometric middle, or its arithmetic one across zero)."""
        if self.low == self.high:
            return self.low
        if self.low > 0 and self.high > 0:
            return math.sqrt(self.low * self.high)
        return (self.low + self.high) / 2

    def agrees(self, other: KeyNumber, tolerance: float = RECALL_TOLERANCE) -> bool:
        """Whether ``other`` is the same figure: same kind, values within ``tolerance``
        (a range agrees with a number inside it, widened by the tolerance)."""
        if not _kinds_match(self.kind, other.kind):
            return False
        low = min(self.low, other.low)
        scale = max(abs(self.high), abs(other.high), abs(low), 1e-300)
        return (other.low <= self.high + tolerance * scale
                and self.low <= other.high + tolerance * scale)


@dataclass(frozen=True)
class Authority:
    """Technical authority shown: the ``kind`` (proved, modelled, simulated, measured,
    overrode), the words ``found`` as typed and the ``sentence`` that shows it."""

    kind: str
    found: str
    sentence: str


@dataclass(frozen=True)
class Consensus:
    """Consensus or process language heard (a red flag of the open-answer scorer): the
    words ``found`` as typed and ``why`` it hurts in this loop."""

    found: str
    why: str


@dataclass(frozen=True)
class StoryCritique:
    """What an interviewer in the behavioral round would make of a story.

    ``numbers`` the figures with units (:class:`KeyNumber`), ``unitless`` numbers said without
    a unit ("from 40 to 12"), ``mechanisms`` the sentences with cause → effect language,
    ``causal_claims`` the sentences that say what moved and by how much, ``authority`` and
    ``consensus`` what kind of lever the story shows, ``probes`` the questions an interviewer
    would ask next (from what is missing or vague), ``words`` and ``spoken_seconds`` at
    :data:`SPOKEN_WORDS_PER_MINUTE`, ``fits_two_minutes`` whether that is at most
    :data:`TWO_MINUTES_SECONDS`, and ``score`` the open-answer scorer's automatic score.
    """

    title: str
    words: int
    spoken_seconds: float
    fits_two_minutes: bool
    numbers: tuple[KeyNumber, ...]
    unitless: tuple[str, ...]
    mechanisms: tuple[str, ...]
    causal_claims: tuple[str, ...]
    tradeoffs: tuple[str, ...]
    authority: tuple[Authority, ...]
    consensus: tuple[Consensus, ...]
    probes: tuple[str, ...]
    score: float

    @property
    def length_line(self) -> str:
        """"412 words ≈ 2:45 spoken at 150 words/min — over two minutes" (or "fits")."""
        verdict = "fits two minutes" if self.fits_two_minutes else "over two minutes"
        return (f"{self.words} words ≈ {_clock(self.spoken_seconds)} spoken at "
                f"{SPOKEN_WORDS_PER_MINUTE} words/min — {verdict}")

    def to_dict(self) -> dict[str, Any]:
        """The critique as JSON takes it (``stories critique --json``)."""
        return {
            "title": self.title, "words": self.words,
            "spoken_seconds": round(self.spoken_seconds, 1),
            "fits_two_minutes": self.fits_two_minutes,
            "numbers": [n.typed for n in self.numbers], "unitless": list(self.unitless),
            "mechanisms": list(self.mechanisms), "causal_claims": list(self.causal_claims),
            "tradeoffs": list(self.tradeoffs),
            "authority": [{"kind": a.kind, "found": a.found, "sentence": a.sentence}
                          for a in self.authority],
            "consensus": [{"found": c.found, "why": c.why} for c in self.consensus],
            "probes": list(self.probes), "score": self.score,
        }


@dataclass(frozen=True)
class TellingCheck:
    """A retelling checked against a stored story's key numbers.

    ``recalled`` pairs each number recalled with the words the telling used; ``changed``
    pairs a number with the different figure said in its place; ``missed`` the numbers not
    told at all. ``score`` is the share recalled (0 when the story states no numbers)."""

    title: str
    numbers: tuple[KeyNumber, ...]
    recalled: tuple[tuple[KeyNumber, str], ...]
    changed: tuple[tuple[KeyNumber, str], ...]
    missed: tuple[KeyNumber, ...]
    story_id: int | None = None

    @property
    def total(self) -> int:
        return len(self.numbers)

    @property
    def score(self) -> float:
        """Recalled / stated, in [0, 1]; 0 with nothing to recall."""
        return round(len(self.recalled) / self.total, 9) if self.total else 0.0

    def summary(self) -> str:
        """'numbers recalled 3 of 4 (missed: 18 %; changed: 40 % → 30 %)'."""
        if not self.total:
            return "the story states no numbers with units to recall"
        text = f"numbers recalled {len(self.recalled)} of {self.total}"
        notes = []
        if self.missed:
            notes.append("missed: " + ", ".join(n.typed for n in self.missed))
        if self.changed:
            notes.append("changed: " + ", ".join(f"{n.typed} → {said}"
                                                 for n, said in self.changed))
        return text + (f" ({'; '.join(notes)})" if notes else "")


# -- numbers -----------------------------------------------------------------------------------


def word_count(text: str) -> int:
    """Spoken words: whitespace-separated tokens with a letter or digit in them."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _singular(word: str) -> str:
    word = word.lower().strip(".,;:")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 1:
        return word[:-1]
    return word


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _kinds_match(one: str, other: str) -> bool:
    """Same kind; a bare count ("48B") also reads as any counted noun ("48B params")."""
    if one == other:
        return True
    counted = {"", "count"}
    return (one in counted and not other.startswith(("[", "%", "x"))) or (
        other in counted and not one.startswith(("[", "%", "x")))


def _unit_kind(unit: str) -> tuple[str, float] | None:
    """(kind, scale to the kind's base unit) of a unit the grader reads, else None."""
    from grading import units

    try:
        info = units.unit_info(unit)
    except Exception:  # any unit pint cannot read is simply not a unit here
        return None
    if info.dimensions:
        return str(info.dimensions), float(info.scale)
    stripped = unit.strip()
    if stripped == "%":
        return "%", 0.01
    if stripped in {"x", "×", "X"}:
        return "x", 1.0
    if not stripped:
        return "count", 1.0
    return _singular(stripped.split()[0].split("/")[0].split("-")[0]), float(info.scale)


def _read(typed: str) -> tuple[float, float, str] | None:
    """``typed`` (as :func:`grading.rubric.find_numbers` gives it) as (low, high, kind)."""
    from grading.quantity import split_quantity

    text = typed.replace("×", "x").strip()
    ranged = _RANGE_RE.match(text)
    if ranged is not None:
        currency, low_text, high_text, tail = ranged.groups()
        end = _read(f"{currency}{high_text} {tail}".strip())
        if end is None:
            return None
        scale = end[0] / _number(high_text) if _number(high_text) else 1.0
        return _number(low_text) * scale, end[1], end[2]
    try:
        value, unit = split_quantity(text)
        known = _unit_kind(unit)
        if known is not None:
            kind, scale = known
            return value * scale, value * scale, kind
    except Exception:  # fall back to reading the number and the noun
        pass
    leading = _LEADING_RE.match(text)
    if leading is None:
        return None
    currency, number, suffix, tail = leading.groups()
    value = _number(number) * _SUFFIX_FACTORS.get(suffix or "", 1.0)
    if currency:
        return value, value, "[currency]"
    tail = tail.strip()
    if tail in {"%"}:
        return value * 0.01, value * 0.01, "%"
    if tail.lower() in {"x"}:
        return value, value, "x"
    words = tail.split()
    kind = _singular(words[0].split("/")[0]) if words else "count"
    return value, value, kind or "count"


def _cue(sentence: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _WORD_RE.findall(sentence)
                     if word.lower() not in _STOPWORDS)


def _split_sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) of each sentence or line; a decimal point never ends one."""
    found: list[tuple[int, int, str]] = []
    for match in re.finditer(r"[^.!?;\n]+(?:\.(?=[0-9])[^.!?;\n]*)*[.!?;]*", text):
        if match.group().strip():
            found.append((match.start(), match.end(), match.group().strip()))
    return found


def _numbers_in(text: str) -> list[KeyNumber]:
    """Every quantity the rubric finds in ``text``, read as a :class:`KeyNumber` ("25
    percent" is read as "25 %": said aloud and typed back, a percentage is often spelt)."""
    from grading.rubric import find_numbers

    text = _PERCENT_WORD_RE.sub(r"\1 %", text)
    sentences = _split_sentences(text)
    read: list[KeyNumber] = []
    position = 0
    for typed in find_numbers(text):
        at = text.find(typed, position)
        position = at + len(typed) if at >= 0 else position
        if at >= 0 and _OPERAND_FACTOR_RE.match(typed) and _OPERAND_NEXT_RE.match(
                text, at + len(typed)):
            # "sqrt(2 x 160 s)": a times sign between operands, not a "2x" factor. Read here,
            # not in grading.rubric.find_numbers: there the same change took worked arithmetic's
            # operands out of the open-answer score's numbers and moved 51 tune answers' scores
            # (one strong answer below 0.7), measured in the twelfth session.
            continue
        parsed = _read(typed)
        if parsed is None:
            continue
        sentence = next((s for start, end, s in sentences if start <= at < end), "")
        read.append(KeyNumber(typed, parsed[0], parsed[1], parsed[2], sentence, _cue(sentence)))
    return read


def key_numbers(body: str) -> tuple[KeyNumber, ...]:
    """The figures that identify a story: each distinct number with a unit it states (a
    percentage, a factor, a duration, a size, a count of GPUs, money...), in the order told,
    at most :data:`MAX_KEY_NUMBERS`. The same figure said twice counts once. A story with
    more keeps its results: the numbers said where something moved or was compared ("cut
    the stall to 8 s", "went from 86% to 93%", "1.3% instead of 9%": :func:`_a_result`),
    the last told first, beside the first number told (the situation's scale), then the
    others in the order told — what changed is what an interviewer checks a retelling
    against, more than the set-up's every figure."""
    distinct: list[KeyNumber] = []
    result_at: dict[int, int] = {}  # position in distinct -> last result told, as an order
    for order, number in enumerate(_numbers_in(body if isinstance(body, str) else "")):
        same = next((i for i, kept in enumerate(distinct)
                     if number.kind == kept.kind and number.agrees(kept, 1e-9)), None)
        if same is None:
            same = len(distinct)
            distinct.append(number)
        if _a_result(number.sentence):
            result_at[same] = order
    if len(distinct) <= MAX_KEY_NUMBERS:
        return tuple(distinct)
    latest_first = [position for position in sorted(result_at, key=result_at.__getitem__,
                                                     reverse=True) if position]
    kept = {0, *latest_first[:MAX_KEY_NUMBERS - 1]}  # the first told sets the scene's scale
    for position in range(len(distinct)):
        if len(kept) == MAX_KEY_NUMBERS:
            break
        kept.add(position)
    return tuple(number for position, number in enumerate(distinct) if position in kept)


def _a_result(sentence: str) -> bool:
    """Whether ``sentence`` tells what moved: an outcome ("cut", "went from"), a baseline
    ("from 40 to 12 ms", "before") or a comparison with what would have been ("instead")."""
    return bool(_OUTCOME_RE.search(sentence) or _BASELINE_RE.search(sentence)
                or _COUNTERFACTUAL_RE.search(sentence))


# -- critique ----------------------------------------------------------------------------------


def critique(title: str, body: str, question: Any = None) -> StoryCritique:
    """Read a story as a behavioral-round interviewer would (see the module docstring).

    Numbers, mechanisms, tradeoffs and consensus (the process flags and
    :data:`CONSENSUS_WHY`'s phrasings) come from the open-answer scorer
    (:func:`grading.rubric.score_open` and its public detectors); authority from
    :data:`AUTHORITY_KINDS`; the probes are generated from what is missing or vague.
    ``question`` (an open question with ``key_points``, ``red_flags``, ``figures``: the
    behavioral round's :data:`STORY_QUESTION_ID` when the bank has it) is what ``score`` is
    the automatic score against; without it the score counts substance only. Never raises
    on any text.
    """
    from grading.rubric import find_mechanisms, find_tradeoffs, score_open

    text = body if isinstance(body, str) else ""
    words = word_count(text)
    spoken_seconds = words * 60.0 / SPOKEN_WORDS_PER_MINUTE
    numbers = key_numbers(text)
    authority = _authority(text)
    red_flags = [*getattr(question, "red_flags", ()), (_CONSENSUS_PHRASINGS, CONSENSUS_WHY)]
    result = score_open(text, getattr(question, "key_points", ()), red_flags,
                        figures=getattr(question, "figures", ()))
    consensus = tuple(Consensus(hit.found, hit.why) for hit in result.red_flags)
    mechanisms = find_mechanisms(text)
    sentences = [s for _start, _end, s in _split_sentences(text)]
    causal = tuple(s for s in sentences if _OUTCOME_RE.search(s) and _has_quantity(s))
    unitless = _unitless_numbers(text)
    found = _Found(
        numbers=numbers, unitless=unitless, mechanisms=mechanisms, causal=causal,
        authority=authority, consensus=consensus, text=text, words=words,
        spoken_seconds=spoken_seconds)
    return StoryCritique(
        title=title if isinstance(title, str) else "", words=words,
        spoken_seconds=spoken_seconds,
        fits_two_minutes=spoken_seconds <= TWO_MINUTES_SECONDS,
        numbers=numbers, unitless=unitless, mechanisms=mechanisms, causal_claims=causal,
        tradeoffs=find_tradeoffs(text), authority=authority, consensus=consensus,
        probes=_probes(found), score=result.auto_score,
    )


@dataclass(frozen=True)
class _Found:
    numbers: tuple[KeyNumber, ...]
    unitless: tuple[str, ...]
    mechanisms: tuple[str, ...]
    causal: tuple[str, ...]
    authority: tuple[Authority, ...]
    consensus: tuple[Consensus, ...]
    text: str
    words: int
    spoken_seconds: float


def _has_quantity(sentence: str) -> bool:
    from grading.rubric import find_numbers

    return bool(find_numbers(sentence))


def _authority(text: str) -> tuple[Authority, ...]:
    """Each kind of authority the story shows, with the first sentence that shows it (one
    sentence can show several: "I simulated it and overrode the plan"); a negated mention
    ("we never simulated it") does not count."""
    shown: list[Authority] = []
    sentences = _split_sentences(text)
    for kind, pattern in AUTHORITY_KINDS:
        words = _authority_re(pattern)
        for _start, _end, sentence in sentences:
            hit = next((m for m in words.finditer(sentence)
                        if not _NEGATION_RE.search(sentence[: m.start()])), None)
            if hit is not None:
                shown.append(Authority(kind, hit.group(), " ".join(sentence.split())))
                break
    return tuple(shown)


@cache
def _authority_re(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/])(?:{pattern})(?![\w/])", re.IGNORECASE)


def _unitless_numbers(text: str) -> tuple[str, ...]:
    """Numbers said without a unit ("from 40 to 12"), years and names aside."""
    from grading.rubric import find_numbers

    covered = " ".join(find_numbers(text))
    found = []
    for match in _BARE_NUMBER_RE.finditer(text):
        number = match.group()
        if number in covered or (len(number) == 4 and number.startswith(("19", "20"))):
            continue
        found.append(number)
    return tuple(dict.fromkeys(found))


def _probes(found: _Found) -> tuple[str, ...]:
    """What an interviewer would ask next, most telling first (from what is missing)."""
    text = found.text
    probes: list[str] = []
    kinds = {a.kind for a in found.authority}
    if not found.numbers:
        probes.append("What moved, in numbers? Give the before and after, with units.")
    if found.unitless:
        probes.append(f"{found.unitless[0]} what? Say the unit of every number "
                      "(ms, GB/s, GPU-hours, %).")
    if found.numbers and not _BASELINE_RE.search(text):
        relative = next((n.typed for n in found.numbers if n.kind in {"%", "x"}), None)
        probes.append(f"{relative} of what? What was the baseline before the change?"
                      if relative else "What was the baseline before the change?")
    if not found.mechanisms:
        probes.append("Why did it work? Name the mechanism: what bound the system, and "
                      "what your change did to it.")
    if not kinds & {"proved", "modelled", "simulated", "measured"}:
        probes.append("How did you know you were right before it shipped — what model, "
                      "simulation or measurement decided it?")
    if found.consensus:
        probes.append(f'You say "{found.consensus[0].found}" — what was the technical '
                      "argument that settled it, and its number?")
    if not _OPPOSITION_RE.search(text):
        probes.append("Who disagreed, and what was their strongest technical argument?")
    if not _OWNER_RE.search(text) and "overrode" not in kinds:
        probes.append("Who made the call? Say what you decided, not what the team did.")
    if not _COUNTERFACTUAL_RE.search(text):
        probes.append("What would have happened otherwise? Put a number on the alternative.")
    if not _COST_RE.search(text):
        probes.append("What did it cost (GPU-hours, weeks, dollars), and was it worth it?")
    if found.spoken_seconds > TWO_MINUTES_SECONDS:
        probes.append(f"It runs {_clock(found.spoken_seconds)} spoken: cut it to two "
                      "minutes — lead with the decision and the number.")
    return tuple(probes)


# -- telling -----------------------------------------------------------------------------------


def _story_fields(story: Any) -> tuple[str, str, int | None]:
    """(title, body, id) of a stored story: a store row (mapping) or an object."""
    if isinstance(story, Mapping):
        title, body, story_id = story.get("title"), story.get("body"), story.get("id")
    else:
        title = getattr(story, "title", "")
        body = getattr(story, "body", "")
        story_id = getattr(story, "id", None)
    return (str(title or ""), str(body or ""),
            story_id if isinstance(story_id, int) else None)


def check_telling(text: str, story: Any) -> TellingCheck:
    """Check a retelling against a stored story (a row of ``Store.stories()`` or any object
    with ``title`` and ``body``): each of the story's :func:`key_numbers` is **recalled**
    when the telling states a number of the same kind within :data:`RECALL_TOLERANCE`
    (units converted: "0.5 s" recalls "500 ms"), **changed** when the telling states a
    different number of that kind in its place (an unused one said with the same words
    around it, or the only candidate left), and **missed** otherwise. Never raises on text.
    """
    title, body, story_id = _story_fields(story)
    stored = key_numbers(body)
    told = _numbers_in(text if isinstance(text, str) else "")
    used: set[int] = set()
    recalled: list[tuple[KeyNumber, str]] = []
    unrecalled: list[KeyNumber] = []
    for number in stored:
        match = next((i for i, said in enumerate(told)
                      if i not in used and number.agrees(said)), None)
        if match is None:
            unrecalled.append(number)
            continue
        used.add(match)
        recalled.append((number, told[match].typed))
    changed: list[tuple[KeyNumber, str]] = []
    missed: list[KeyNumber] = []
    for number in unrecalled:
        candidates = [i for i, said in enumerate(told)
                      if i not in used and _kinds_match(number.kind, said.kind)]
        same_kind_left = [n for n in unrecalled if _kinds_match(n.kind, number.kind)
                          and n not in [c for c, _ in changed]]
        best = max(candidates, key=lambda i: len(number.cue & told[i].cue), default=None)
        if best is not None and (len(number.cue & told[best].cue) >= 2
                                 or (len(candidates) == 1 and len(same_kind_left) == 1)):
            used.add(best)
            changed.append((number, told[best].typed))
        else:
            missed.append(number)
    return TellingCheck(title, stored, tuple(recalled), tuple(changed), tuple(missed),
                        story_id)


def closest_story(text: str, stories: Iterable[Any]) -> TellingCheck | None:
    """The telling checked against the stored story it best matches: most numbers recalled,
    then most words shared; ``None`` with no stories."""
    best: tuple[tuple[float, float], TellingCheck] | None = None
    told_words = _cue(text if isinstance(text, str) else "")
    for story in stories:
        check = check_telling(text, story)
        _title, body, _id = _story_fields(story)
        overlap = len(told_words & _cue(body)) / max(1, len(told_words | _cue(body)))
        rank = (len(check.recalled) + 0.5 * len(check.changed), overlap)
        if best is None or rank > best[0]:
            best = (rank, check)
    return None if best is None else best[1]


def telling_line(text: str, stories: Iterable[Any]) -> str:
    """'closest story: TITLE — numbers recalled 3 of 4 (missed: 18 %)', or '' with no
    stories. The title is the player's text: callers clean or escape it."""
    check = closest_story(text, stories)
    if check is None:
        return ""
    return f"closest story: {check.title or '(untitled)'} — {check.summary()}"


# -- retell cards ------------------------------------------------------------------------------


def is_retell_card(item_id: str) -> bool:
    """Whether ``item_id`` is a story's retell card (``story.<n>``)."""
    return item_id.startswith(RETELL_PREFIX) and item_id[len(RETELL_PREFIX):].isdigit()


def story_id_of(item_id: str) -> int | None:
    """The story id of a retell card's id, or None."""
    return int(item_id[len(RETELL_PREFIX):]) if is_retell_card(item_id) else None


def retell_item(story: Mapping[str, Any]) -> OpenQuestion | None:
    """A stored story (a row of ``Store.stories()``) as a drill card: an open question
    ``story.<id>`` asking to tell it again in two minutes, whose model answer is the stored
    text (shown after answering, and what :func:`grade_retell` checks against). ``None`` for
    a story without a number followed by a unit: there is nothing to check a retelling
    against (its critique asks for numbers).

    Cheap on purpose: it runs for every story when a session starts, so it reads no units
    (the unit registry costs a second or more to build on a busy machine). The key numbers
    are read when the card is answered."""
    from content.loader import OpenQuestion

    title, body, story_id = _story_fields(story)
    if story_id is None or not _MAY_HAVE_QUANTITY_RE.search(body):
        return None
    return OpenQuestion(
        id=f"{RETELL_PREFIX}{story_id}", kind="open", topic="behavioral.stories", level="L4",
        prompt=f"retell: {title or '(untitled)'} — tell it again in two minutes",
        explanation="Your own story, as you last saved it. The numbers you recall are "
                    "checked against it; an interviewer will ask for them.",
        source="your stories (y on home)", deck="stories", file="", line=None,
        target_seconds=None, target_minutes=TWO_MINUTES_SECONDS / 60,
        model_answer=body,
    )


def add_retell_cards(bank: ContentBank, store: Store) -> int:
    """Put the player's stories (not archived) in ``bank`` as retell cards, replacing those
    added before, so an archived story's card is no longer served; returns how many. The
    content layer never reads the store: a session's owner calls this at session start."""
    items = [item for item in (retell_item(story) for story in store.stories())
             if item is not None]
    if items or any(item_id.startswith(RETELL_PREFIX) for item_id in bank.items):
        bank.replace_family(RETELL_PREFIX, items)  # else nothing to swap: keep cached orders
    return len(items)


def with_retell_cards(bank: ContentBank, store: Store) -> ContentBank:
    """``bank`` with the player's stories in it as retell cards (:func:`add_retell_cards`):
    what custom study's choices and counts must see, so ``tpm-drill drill --deck stories`` and
    the custom-study screen offer the stories before any drill session has added them."""
    add_retell_cards(bank, store)
    return bank


def retell_rating(share: float) -> int:
    """The suggested rating for a retelling that recalled ``share`` of the story's key
    numbers: :data:`RETELL_BANDS` (≥ 0.9 Good, ≥ 0.5 Hard, else Again)."""
    for floor, rating in RETELL_BANDS:
        if share >= floor - 1e-12:
            return rating
    return 1


def grade_retell(text: str, model_answer: str) -> RubricResult:
    """A retelling graded by :func:`check_telling` against the stored text
    (``model_answer``), as the open-answer result the drill renders: one key point per key
    number (covered when recalled, with the figure said as its evidence; contradicted when
    changed), the telling's numbers, mechanisms and tradeoffs, and the share recalled as the
    automatic score. No red flags: the story was critiqued when it was written."""
    from grading.rubric import (
        Contradiction,
        KeyPointCoverage,
        RubricResult,
        find_mechanisms,
        find_numbers,
        find_tradeoffs,
    )

    check = check_telling(text, {"title": "", "body": model_answer})
    recalled = {number: said for number, said in check.recalled}
    changed = {number: said for number, said in check.changed}
    coverage = []
    for number in check.numbers:
        if number in recalled:
            coverage.append(KeyPointCoverage(number.typed, True, number.typed, 1.0,
                                             recalled[number], recalled[number]))
        else:
            coverage.append(KeyPointCoverage(number.typed, False, None, 1.0,
                                             contradicted=number in changed))
    contradictions = tuple(
        Contradiction(number.typed, number.typed, said, f"you said {said}, the story says "
                      f"{number.typed}", "misconception") for number, said in check.changed)
    answer = text if isinstance(text, str) else ""
    return RubricResult(
        key_points=tuple(coverage), numbers=find_numbers(answer),
        mechanisms=find_mechanisms(answer), tradeoffs=find_tradeoffs(answer), red_flags=(),
        auto_score=check.score, contradictions=contradictions)
