"""Find what an open answer claims: key points with the sentence that earned them, the
misconceptions it states, and the points it denies.

A **phrasing** (content's key-point ``phrasings`` and ``misconceptions``) is matched by the
rules of :mod:`grading._phrases` (case, separators and small typos forgiven, numbers whole),
and may say more than one thing must be in the same sentence:

- ``"ring & always wins"`` — both parts, in one sentence;
- ``"bf16 & faster|more throughput|2x"`` — ``|`` separates alternatives of one part;
- ``"!memory bound"`` — a part that must be *negated* ("isn't memory-bound at all"), for
  misconceptions that deny what is true;
- ``"score matrix & #"`` — ``#`` stands for any stated quantity (a number with a unit, a
  count suffix, a % or a ×), ``%`` for any percentage and ``$`` for any sum of money:
  "quantifies the score matrix".

A match counts only inside a **claim** sentence (:mod:`grading._prose`: a clause with a verb,
not a list of terms), and a positive part only when it is not negated. Negation reaches over
the clause: a negation word up to :data:`CLAUSE_NEGATION_WINDOW` words before the phrase, in the
same clause ("we don't need burn-in or spares"), or one right after it that dismisses it
("stragglers are not really a factor", up to :data:`DENIAL_AFTER_WINDOW` words after).
Misconceptions said to be refuted ("a common myth is that…") are not held against the answer.
Nothing here raises on any answer text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from grading._phrases import (
    Analysed,
    Found,
    analyse,
    find_all,
    normalise_words,
    operand_of_arithmetic,
)
from grading._prose import FUNCTION_WORDS, Sentence, sentences

__all__ = [
    "ANY_QUANTITY",
    "CLAUSE_NEGATION_WINDOW",
    "DENIAL_AFTER_WINDOW",
    "Evidence",
    "Part",
    "Reader",
    "parse_phrasing",
    "phrasing_problem",
    "quoted_spans",
]

#: How many words before a phrase, in its clause, a negation word denies it. A clause rarely
#: runs longer ("we don't need a burn-in phase or hot spares": six words from "don't").
CLAUSE_NEGATION_WINDOW = 6
#: How many words after a phrase, in its clause, a negation dismisses it ("X isn't really").
DENIAL_AFTER_WINDOW = 3
#: Words a sentence must say besides the phrase for it to be evidence: "memory bound." alone
#: (a line of a pasted list) claims nothing; "It is memory bound." does.
MIN_WORDS_BESIDE = 2

#: Parts that stand for a stated quantity rather than words: any (``#``), a percentage
#: (``%``), a sum of money (``$``).
ANY_QUANTITY = ("#", "%", "$")
_PERCENT_RE = re.compile(r"%|percent", re.IGNORECASE)
_MONEY_RE = re.compile(r"[$€£]|\b(?:usd|dollars?|eur|euros?)\b", re.IGNORECASE)

_REFUTED_RE = re.compile(
    r"\b(?:myths?|misconceptions?|mistaken(?:ly)?|wrongly|fallac(?:y|ies)|common\s+(?:error|mistake|slip|trap)s?"
    r"|people\s+(?:often\s+|sometimes\s+|usually\s+)?(?:think|assume|believe|claim|write|say|"
    r"quote|use)|it'?s\s+tempting|naive(?:ly)?\s+"
    r"(?:assume|think|expect)"
    # a belief put in someone else's mouth: "you might think", "some say", "the intuition that"
    r"|(?:you|one|we)\s+(?:might|may|could|would)\s+(?:think|assume|expect|guess)"
    r"|some(?:one|\s+(?:people|candidates|folks|engineers|teams|vendors|managers))?\s+"
    r"(?:say|says|think|thinks|claim|claims|argue|argues)"
    r"|the\s+(?:intuition|assumption|belief|idea|notion|naive\s+view|folk\s+wisdom)\s+that"
    r"|some(?:one|body)\b[^.;:\"“]{0,30}\b(?:said|says|argued|claimed|suggested|insisted)"
    # anyone who says it, and is wrong, the sentence ending there: "anyone saying bf16 is
    # cheaper is wrong;" (not "anyone who says otherwise is wrong, prefill is memory-bound")
    r"|(?:anyone|anybody|whoever|those)\s+(?:who\s+)?(?:says?|saying|claims?|claiming|"
    r"tells?\s+you|telling\s+you|thinks?|thinking|believes?)\s+(?!otherwise\b|so\b|it\b)"
    r"[^.;:,]{3,80}?\b(?:is|are|was|were)\s+(?:wrong|mistaken|misinformed|incorrect)\W*$"
    # someone's wish or proposal that was turned down: "I overruled the tech lead's wish to
    # promise we'd catch up", "resisted the temptation to…"
    r"|(?:overruled|overrode|refused|rejected|resisted|pushed\s+back\s+on|declined|"
    r"turned\s+down|vetoed|said\s+no\s+to)\b[^.;:]{0,40}?\b(?:wish|request|proposal|plan|"
    r"push|pressure|suggestion|idea|instinct|temptation|urge|ask|offer)s?\s+(?:to|that)\b"
    # a caution about it: "I'd be careful with nvidia-smi 'utilization': it only says…"
    r"|\b(?:be\s+careful\s+with|beware\s+(?:of\s+)?|watch\s+out\s+for|don'?t\s+trust|"
    r"do\s+not\s+trust|never\s+trust|is\s+misleading|are\s+misleading)"
    # the sentence itself calls it wrong: "…, which is wrong", "… is backwards"
    r"|which\s+is\s+(?:wrong|false|incorrect|untrue|backwards|not\s+true)"
    r"|\bis\s+backwards)",
    re.IGNORECASE,
)
#: A sentence that opens by refuting the one before: "Some say X. That's wrong: …".
_REFUTES_PREVIOUS_RE = re.compile(
    r"^\W*(?:that(?:'s|\s+is|\s+was)\s+(?:wrong|false|incorrect|untrue|backwards|a\s+myth"
    r"|not\s+(?:true|right|so|the\s+case))|not\s+(?:so|true|quite)\b|wrong\b"
    r"|(?:in\s+fact|actually),?\s+(?:no|the\s+opposite)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Part:
    """One part of a phrasing: its alternatives, and whether it must appear negated."""

    alternatives: tuple[str, ...]
    negated: bool = False


@lru_cache(maxsize=8192)
def parse_phrasing(phrasing: str) -> tuple[Part, ...]:
    """``"a & b|c & !d"`` → parts (a), (b, c), (d, negated). ValueError for an empty part."""
    parts: list[Part] = []
    for raw in phrasing.split("&"):
        raw = raw.strip()
        negated = raw.startswith("!")
        alternatives = tuple(alt.strip() for alt in raw.lstrip("!").split("|"))
        if not alternatives or not all(normalise_words(alt) or alt in ANY_QUANTITY
                                       for alt in alternatives):
            raise ValueError(f"phrasing {phrasing!r}: every part between '&' and '|' needs a "
                             f"word or a number")
        if any(alt not in ANY_QUANTITY and len("".join(normalise_words(alt))) < 2
               and not any(c.isdigit() for c in alt) for alt in alternatives):
            raise ValueError(f"phrasing {phrasing!r}: a one-letter part would match almost "
                             f"any answer")
        parts.append(Part(alternatives, negated))
    return tuple(parts)


def phrasing_problem(phrasing: object) -> str | None:
    """Why ``phrasing`` cannot be matched, or None (for content checks)."""
    if not isinstance(phrasing, str) or not phrasing.strip():
        return "a phrasing must be a non-empty string"
    try:
        parts = parse_phrasing(phrasing)
    except ValueError as error:
        return str(error)
    if all(part.negated for part in parts) and len(parts) > 1:
        return f"phrasing {phrasing!r}: at least one part must be un-negated"
    return None


@dataclass(frozen=True)
class Evidence:
    """Where a phrasing was found: the phrasing as listed, the words as typed (its first
    part), and the sentence that holds it."""

    phrasing: str
    typed: str
    sentence: str
    index: int = -1


#: Words that may stand between a negation and the phrase it dismisses ("we don't really
#: need a burn-in", "there isn't any stall"): articles, adverbs, auxiliaries and the verbs of
#: needing and mattering. Any other word means the negation is about something else ("I never
#: borrow MFU from another config" does not deny MFU).
_LIGHT_WORDS = frozenset("""
a an the any some really actually even much at all just necessarily always ever very quite
be is are was were been being am do does did have has had get got there it its that this so
need needs needed require requires required matter matters worry bother care about with for
to of any enough more further extra separate
""".split())
#: What a phrase is said not to be or do when it is dismissed ("stragglers are not really a
#: factor", "utilisation doesn't matter", "a pilot isn't necessary").
_DISMISSALS = frozenset("""
matter matters help helps apply applies depend depends vary varies limit limits need needs
needed necessary required relevant important useful worth factor issue problem concern
bottleneck cause significant affect affects count counts hurt hurts exist exists
""".split())
#: What a phrase is said to be when it is dismissed without a negation ("a watchdog is
#: unnecessary", "the bubble is negligible").
_DISMISSED = frozenset("unnecessary irrelevant negligible pointless overkill unneeded".split())
_DISMISSAL_GAP = 3
#: Just before a figure: a word that compares it with another ("instead of ~134 MB").
_COMPARISON_BEFORE_RE = re.compile(
    r"\b(?:instead\s+of|rather\s+than|versus|vs\.?|down\s+from|up\s+from|compared\s+"
    r"(?:with|to)|against)\s*(?:the\s+|a\s+|an\s+)?[~≈]?\s*(?:about\s+|roughly\s+)?$",
    re.IGNORECASE)


@lru_cache(maxsize=8192)
def _vocabulary(parts: tuple[Part, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """The content words of every alternative of ``parts``: (whole words, stems of the prefix
    alternatives' last words). Function words ("the", "to") are left out: they say nothing of
    the point, so a sentence's own ones still count as words beside it."""
    whole: set[str] = set()
    stems: set[str] = set()
    for part in parts:
        for alternative in part.alternatives:
            if alternative in ANY_QUANTITY:
                continue
            words = normalise_words(alternative.rstrip("*"))
            if alternative.rstrip().endswith("*") and words:
                stems.add(words[-1])
                words = words[:-1]
            whole.update(words)
    return (frozenset(w for w in whole if w not in FUNCTION_WORDS),
            frozenset(w for w in stems if w not in FUNCTION_WORDS and len(w) >= 3))


@dataclass(frozen=True)
class _Occurrence:
    found: Found
    sentence: int
    negated: bool
    dismissed: bool
    clause: int = -1
    operand: bool = False  # its closing figure feeds arithmetic that goes on ("50,000 / N")
    quoted: bool = False  # inside quotation marks: words reported or mentioned, not claimed
    hypothetical: bool = False  # inside an "if" clause: "the spares cost $3.7M if they sit idle"

    def mention(self) -> bool:
        """Whether the words are mentioned rather than claimed by the answer (quoted, an
        operand, or the condition of an "if"): a misconception said so is not the answer's
        claim."""
        return self.operand or self.quoted or self.hypothetical


#: Verbs of assuming: a negation right after them states an assumption, not a dismissal.
_ASSUMING = frozenset("assume assumes assumed assuming excludes excluding ignores ignoring".split())
#: Words that open a condition: what follows them in their clause is supposed, not claimed.
_CONDITION_OPENERS = frozenset("if unless whether suppose supposing assuming".split())
#: How far back in its clause a condition's opener may be.
_CONDITION_REACH = 6


#: Quoted passages: "…", “…”, and '…' (an apostrophe inside a word does not close it).
_QUOTED_RE = re.compile(
    r"\"[^\"\n]{2,400}\"|“[^”\n]{2,400}”|‘(?:[^’\n]|(?<=\w)’(?=\w)){2,400}’"
    r"|(?<!\w)'(?:[^'\n]|(?<=\w)'(?=\w)){2,400}'(?!\w)")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quoted passage of ``text``: words in quotation marks are
    mentioned (a trap named to correct it, a colleague's words), not the answer's claim."""
    return [(m.start(), m.end()) for m in _QUOTED_RE.finditer(text)]


class Reader:
    """An answer read once: words, sentences, and every phrasing's occurrences (cached)."""

    def __init__(self, text: str, quantities: Sequence[tuple[int, int, str]] = ()) -> None:
        self.text = text
        self.analysed: Analysed = analyse(text)
        self.sentences: tuple[Sentence, ...] = sentences(text)
        self._sentence_starts = [s.start for s in self.sentences]
        self._occurrences: dict[tuple[str, bool], list[_Occurrence]] = {}
        self._quantities = tuple(quantities)
        self._quoted = quoted_spans(text)

    def _in_quotes(self, offset: int) -> bool:
        return any(start < offset < end for start, end in self._quoted)

    def _in_condition(self, first: int) -> bool:
        """Whether word ``first`` follows a condition's opener in its clause ("if they sit
        idle")."""
        return self.analysed.said_before(first, _CONDITION_OPENERS, _CONDITION_REACH)

    def refuted(self, index: int) -> bool:
        """Whether sentence ``index`` calls what it says a myth or a mistake, or the next
        sentence refutes it ("Some say X. That's wrong: …"): then nothing in it is a claim
        held against the answer."""
        return bool(_REFUTED_RE.search(self.sentences[index].text) or (
            index + 1 < len(self.sentences)
            and _REFUTES_PREVIOUS_RE.match(self.sentences[index + 1].text)))

    def sentence_of(self, offset: int) -> int:
        """The index of the sentence holding character ``offset`` (-1 before the first)."""
        return bisect.bisect_right(self._sentence_starts, offset) - 1

    def occurrences(self, alternative: str, fuzzy: bool) -> list[_Occurrence]:
        """Every place ``alternative`` appears (negated or not), with its sentence."""
        key = (alternative, fuzzy)
        if key not in self._occurrences and alternative.strip() in ANY_QUANTITY:
            self._occurrences[key] = self._quantity_occurrences(alternative.strip())
        if key not in self._occurrences:
            found_all: list[_Occurrence] = []
            seen: set[tuple[int, int]] = set()
            for found in find_all(self.analysed, alternative, fuzzy=fuzzy, negation=False):
                if (found.first, found.last) in seen:
                    continue
                seen.add((found.first, found.last))
                dismissed = self._dismissed(found)
                negated = dismissed or self.analysed.negated(
                    found.first, CLAUSE_NEGATION_WINDOW, prose=True)
                sentence = self.sentence_of(self.analysed.words[found.first].start)
                found_all.append(_Occurrence(
                    found, sentence, negated, dismissed, self.analysed.words[found.first].clause,
                    operand_of_arithmetic(self.analysed, found, alternative),
                    self._in_quotes(self.analysed.words[found.first].start),
                    self._in_condition(found.first)))
            self._occurrences[key] = found_all
        return self._occurrences[key]

    def _quantity_occurrences(self, wildcard: str) -> list[_Occurrence]:
        """The stated quantities as occurrences of ``#`` (any), ``%`` (percentages) or ``$``
        (money)."""
        occurrences = []
        for start, _end, typed in self._quantities:
            if wildcard == "%" and not _PERCENT_RE.search(typed):
                continue
            if wildcard == "$" and not _MONEY_RE.search(typed):
                continue
            sentence = self.sentence_of(start)
            clause = next((word.clause for word in self.analysed.words if word.start >= start),
                          -1)
            occurrences.append(_Occurrence(Found(0, 0, typed, False), sentence, False, False,
                                           clause))
        return occurrences

    def _compared(self, occurrence: _Occurrence) -> bool:
        """Whether a figure at ``occurrence`` follows a comparison marker ("instead of ~134
        MB", "rather than 450 GB/s", "down from 40%"): compared with, not denied."""
        start = self.analysed.words[occurrence.found.first].start if self.analysed.words else 0
        return _COMPARISON_BEFORE_RE.search(self.analysed.text[max(0, start - 24):start]) \
            is not None

    def _dismissed(self, found: Found) -> bool:
        """Whether the phrase at ``found`` is dismissed: a negation before it with only light
        words between ("isn't memory-bound", "no need for a pilot"), or after it a negation and
        a dismissal ("stragglers are not really a factor", "depreciation doesn't apply") or a
        dismissing word ("a watchdog is unnecessary")."""
        words = self.analysed.words
        clause = words[found.first].clause
        index = found.first - 1
        while index >= 0 and found.first - index <= CLAUSE_NEGATION_WINDOW \
                and words[index].clause == clause:
            if self.analysed.negates(index, prose=True):
                # "the prefill figure assumes no prefix caching" states an assumption
                return not (index > 0 and words[index - 1].norm in _ASSUMING)
            if words[index].norm not in _LIGHT_WORDS:
                break
            index -= 1
        index = found.last + 1
        gap = 0
        while index < len(words) and words[index].clause == clause and gap <= _DISMISSAL_GAP:
            norm = words[index].norm
            if norm in _DISMISSED:
                return True  # "a watchdog is unnecessary", "the bubble is negligible"
            if self.analysed.negates(index, prose=True):
                if norm == "no" and index + 1 < len(words) and words[index + 1].norm == "matter":
                    return False  # "no matter how little compute it needs" is an idiom
                for after in range(index + 1, min(len(words), index + 2 + _DISMISSAL_GAP)):
                    if words[after].clause != clause:
                        break
                    if words[after].norm in _DISMISSALS:
                        return True
                    if words[after].norm not in _LIGHT_WORDS:
                        break
                return False
            if norm not in _LIGHT_WORDS:
                return False
            gap += 1
            index += 1
        return False

    def _part_in(self, part: Part, sentence: int, fuzzy: bool,
                 mentions: bool = True) -> Found | None:
        for alternative in part.alternatives:
            for occurrence in self.occurrences(alternative, fuzzy):
                if occurrence.sentence == sentence and occurrence.negated == part.negated \
                        and (mentions or not occurrence.mention()):
                    return occurrence.found
        return None

    def _candidate_sentences(self, parts: tuple[Part, ...], fuzzy: bool,
                             mentions: bool = True) -> list[int]:
        """Sentences where the first part occurs with the right polarity, in order (with
        ``mentions`` False, only where it is claimed: see :meth:`_Occurrence.mention`)."""
        first = parts[0]
        found = {occurrence.sentence
                 for alternative in first.alternatives
                 for occurrence in self.occurrences(alternative, fuzzy)
                 if occurrence.negated == first.negated and occurrence.sentence >= 0
                 and (mentions or not occurrence.mention())}
        return sorted(found)

    def find(self, phrasing: str, fuzzy: bool, refuted_ok: bool = False,
             skip: frozenset[int] = frozenset()) -> Evidence | None:
        """The first claim sentence (not in ``skip``) where every part of ``phrasing`` is,
        or None.

        With ``refuted_ok`` False (misconceptions), a sentence that calls the claim a myth or
        a mistake (or is refuted by the next) does not count, nor words only mentioned: quoted
        ('"It's one all-to-all per layer." No: …'), supposed in an "if" clause, or a closing
        figure used as an operand ("job MTBF is 50,000" in "job MTBF is 50,000 / 16,384 ≈ 3
        hours" states an input, not the wrong result).
        """
        try:
            parts = parse_phrasing(phrasing)
        except ValueError:
            return None
        for index in self._candidate_sentences(parts, fuzzy, mentions=refuted_ok):
            sentence = self.sentences[index]
            if not sentence.claim or index in skip:
                continue
            if not refuted_ok and self.refuted(index):
                continue
            if not refuted_ok and len(parts) > 1:
                # A misconception's parts must be said in one clause: "standard attention is
                # memory-bound, FlashAttention is compute-bound" does not say the first is.
                typed = self._in_one_clause(parts, index)
                if typed is not None:
                    return Evidence(phrasing, typed, sentence.text, index)
                continue
            founds = [self._part_in(part, index, fuzzy, mentions=refuted_ok) for part in parts]
            # Evidence must say more than the phrase; a wrong claim said bare ("Adding stages
            # shrinks the bubble.") is still claimed.
            if all(found is not None for found in founds) and (
                    not refuted_ok
                    or self._says_more(sentence, founds, parts)):  # type: ignore[arg-type]
                return Evidence(phrasing, founds[0].typed,  # type: ignore[union-attr]
                                sentence.text, index)
        return None

    def named(self, phrasings: Iterable[str]) -> Evidence | None:
        """Where one of ``phrasings`` is said in full but earns nothing: in a sentence that
        makes no claim (a list, a hollow frame, a bare formula) or says nothing beside the
        phrase. Exact spellings only. It tells the player why a term they used was not heard;
        it never scores."""
        for phrasing in phrasings:
            try:
                parts = parse_phrasing(phrasing)
            except ValueError:
                continue
            for index in self._candidate_sentences(parts, False):
                founds = [self._part_in(part, index, False) for part in parts]
                if all(found is not None for found in founds):
                    return Evidence(phrasing, founds[0].typed,  # type: ignore[union-attr]
                                    self.sentences[index].text, index)
        return None

    def _says_more(self, sentence: Sentence, founds: list[Found],
                   parts: tuple[Part, ...] = ()) -> bool:
        """Whether ``sentence`` holds :data:`MIN_WORDS_BESIDE` words beyond the matched ones
        and beyond every other word of the phrasing's own alternatives (a pasted piece of
        phrasings, "hand finished blocks smaller job", says nothing beside them)."""
        matched = sum(len(normalise_words(found.typed)) for found in founds)
        if sentence.words - matched < MIN_WORDS_BESIDE:
            return False
        whole, stems = _vocabulary(parts)
        if not whole and not stems:
            return True
        beside = [word for word in normalise_words(sentence.text)
                  if not word.isdigit() and word not in whole
                  and not any(word.startswith(stem) for stem in stems)]
        return len(beside) >= MIN_WORDS_BESIDE

    def _in_one_clause(self, parts: tuple[Part, ...], sentence: int) -> str | None:
        """The first part's words as typed, when every part occurs (exactly, with its
        polarity) in one clause of ``sentence``; else None."""
        clauses: list[dict[int, str]] = []
        for part in parts:
            found: dict[int, str] = {}
            for alternative in part.alternatives:
                for occurrence in self.occurrences(alternative, fuzzy=False):
                    if occurrence.sentence == sentence and occurrence.negated == part.negated \
                            and not occurrence.mention():
                        found.setdefault(occurrence.clause, occurrence.found.typed)
            clauses.append(found)
        shared = set.intersection(*(set(found) for found in clauses))
        return clauses[0][min(shared)] if shared else None

    def first(self, phrasings: Iterable[str],
              skip: frozenset[int] = frozenset()) -> Evidence | None:
        """The evidence for the first of ``phrasings`` found (in a sentence not in ``skip``):
        exact spellings of every phrasing before any typo is forgiven."""
        listed = tuple(phrasings)
        for fuzzy in (False, True):
            for phrasing in listed:
                evidence = self.find(phrasing, fuzzy, refuted_ok=True, skip=skip)
                if evidence is not None:
                    return evidence
        return None

    def topical(self, phrasings: Iterable[str]) -> set[int]:
        """The sentences where some part of some phrasing is said, un-negated (exact
        spellings): what the answer says about the question's own subject."""
        found: set[int] = set()
        for phrasing in phrasings:
            try:
                parts = parse_phrasing(phrasing)
            except ValueError:
                continue
            for part in parts:
                for alternative in part.alternatives:
                    if alternative in ANY_QUANTITY:
                        continue
                    found.update(o.sentence for o in self.occurrences(alternative, False)
                                 if not o.negated and o.sentence >= 0)
        return found

    def states_in(self, phrasings: Iterable[str], sentence: int) -> bool:
        """Whether sentence ``sentence`` states one of ``phrasings`` of two or more parts, all
        in one clause and un-negated (exact spellings): a claim, not just its topic word."""
        for phrasing in phrasings:
            try:
                parts = parse_phrasing(phrasing)
            except ValueError:
                continue
            if len(parts) > 1 and not any(part.negated for part in parts) \
                    and self._in_one_clause(parts, sentence) is not None:
                return True
        return False

    def misconception(self, phrasings: Iterable[str]) -> Evidence | None:
        """The first misconception of ``phrasings`` the answer states (exact spellings only:
        a penalty needs the words as written)."""
        for phrasing in phrasings:
            evidence = self.find(phrasing, fuzzy=False, refuted_ok=False)
            if evidence is not None:
                return evidence
        return None

    def denial(self, phrasings: Iterable[str]) -> Evidence | None:
        """The first single-part phrasing the answer dismisses in a claim sentence ("it isn't
        memory-bound at all", "a pilot isn't necessary") and never affirms in one. A figure said
        after a comparison marker is not dismissed there: "4.2 MB per head instead of ~134 MB"
        compares with the 134 MB ("it is not 134 MB" still denies it)."""
        for phrasing in phrasings:
            try:
                parts = parse_phrasing(phrasing)
            except ValueError:
                continue
            if len(parts) != 1 or parts[0].negated:
                continue
            for alternative in parts[0].alternatives:
                said = self.occurrences(alternative, fuzzy=False)
                if any(character.isdigit() for character in alternative):
                    said = [o for o in said if not self._compared(o)]  # "instead of ~134 MB"
                if any(not o.negated and o.sentence >= 0 and self.sentences[o.sentence].claim
                       for o in said):
                    continue  # affirmed too: "we timed crashes, not hangs" has the gap right
                for occurrence in said:
                    if occurrence.dismissed and occurrence.sentence >= 0 \
                            and self.sentences[occurrence.sentence].claim:
                        return Evidence(phrasing, occurrence.found.typed,
                                        self.sentences[occurrence.sentence].text)
        return None
