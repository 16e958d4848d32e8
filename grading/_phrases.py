"""Find accepted phrasings in typed prose, forgiving spelling but never versions or negation.

Shared by :mod:`grading.text` (short answers: "HBM3e") and :mod:`grading.rubric` (key points of
open answers). The rules, in order:

1. **Normalisation.** Text is NFKC-normalised and casefolded, then cut into words at anything
   that is not a letter or a digit; apostrophes inside a word are dropped ("isn't" is "isnt").
   A phrasing matches a run of consecutive words whose letters and digits, *joined without
   separators*, equal the phrasing's — so case, spaces, hyphens, underscores and dots never
   matter: "HBM2e" = "hbm 2e" = "hbm-2e", "ring all-reduce" = "ring allreduce" = "Ring All
   Reduce".
2. **Typos (rapidfuzz, loaded on first use).** Failing an exact match, the joined text is cut
   into runs of letters and runs of digits ("hbm3e" → hbm, 3, e), and each run is compared with
   the phrasing's run in the same place: digit runs must be equal, letter runs shorter than
   :data:`MIN_FUZZY_RUN` (version suffixes like the "e" of HBM3e, names like "A" of A100) must be
   equal, longer letter runs must score ``fuzz.ratio ≥`` :data:`FUZZY_CUTOFF` (85). So
   "all-redcue" is "all-reduce", but "HBM3" is never "HBM3e" or "HBM2e". A phrasing that ends
   in ``*`` is a prefix: "recomput*" is "recompute", "recomputes", "recomputation" (no typos).
3. **Numbers are whole.** A phrasing with a number matches only the same number as typed in
   full: "50%" is not inside "$2.50" or "150%", "8.6 GB" is not "86 GB", "65,504" is "65504".
   A phrasing's "%" needs a "%" (or "percent") after the number, and its leading "$" a "$"
   before it.
4. **Negation.** A match is cancelled when one of the :data:`NEGATION_WINDOW` (3) words before it,
   in the same clause, is a negation word ("not HBM3", "isn't HBM3", "never used ZeRO-3"). A
   clause ends at ``, ; : ! ? ( ) —``, at a full stop, and at "but", "however", "though",
   "while", "although", "whereas", "unlike", so "no, HBM3e" and "not sure, but HBM3e" still say
   HBM3e. Callers reading prose (:mod:`grading.rubric`) pass a wider window: a whole clause's worth.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "FUZZY_CUTOFF",
    "MIN_FUZZY_RUN",
    "MIN_PREFIX_CHARS",
    "NEGATIONS",
    "NEGATION_WINDOW",
    "PROSE_NEGATIONS",
    "Analysed",
    "Found",
    "analyse",
    "find_all",
    "find_phrase",
    "normalise_words",
    "operand_of_arithmetic",
]

#: rapidfuzz ``fuzz.ratio`` (0–100) a misspelt letter run needs to count as the accepted one.
FUZZY_CUTOFF = 85.0
#: Letter runs shorter than this must match exactly (a typo in "sxm" or the "e" of "2e" is a
#: different product, not a typo).
MIN_FUZZY_RUN = 5
#: How many words before a match are searched for a negation word.
NEGATION_WINDOW = 3
#: A phrasing ending in "*" matches words that begin with it ("recomput*": "recomputes",
#: "recomputation"); it needs at least this many letters and digits before the star.
MIN_PREFIX_CHARS = 4
#: Extra words a match may span beyond the phrasing's own word count ("h b m 3" for "HBM3").
_EXTRA_SPAN_WORDS = 2
#: Words that are never half of a word split by a separator: a span wider than the phrasing may
#: not begin or end with one ("a synchronous" is not "asynchronous", "in flight" may be
#: "inflight" only when the phrasing itself has "in").
_WHOLE_WORDS = frozenset("a an the in on at to of is be by as or and no not".split())

#: Words that, shortly before a phrase in the same clause, deny it (apostrophes already dropped).
NEGATIONS = frozenset(
    {
        "not", "no", "never", "without", "nor", "neither", "none", "non", "nothing",
        "isnt", "arent", "wasnt", "werent", "dont", "doesnt", "didnt", "cant", "cannot",
        "couldnt", "wont", "wouldnt", "shouldnt", "hasnt", "havent", "hadnt", "aint",
        "neednt", "mustnt", "mightnt",
    }
)  # fmt: skip
#: In prose (``negated(..., prose=True)``) these deny what follows too: "it stores the scores
#: instead of recomputing them", "rather than loading a stored copy", "the L40S lacks NVLink",
#: and an option turned down: "I'd skip speculative decoding", "forgo the twin runs".
PROSE_NEGATIONS = NEGATIONS | {"instead", "lacks", "lack", "lacking",
                               "skip", "skipping", "skipped", "forgo", "forgoing"}
#: Words that start a new clause: negation before them does not reach past them.
_CLAUSE_WORDS = frozenset({"but", "however", "though", "although", "whereas", "yet", "while",
                           "unlike"})

#: How an answer typed fast in a terminal abbreviates the words phrasings are written in
#: ("5 wks late", "ckpt every 30 min", "bw-bound", "teh"): each is read as the word, so a
#: key point is heard in shorthand. Only abbreviations with one meaning in this field; "min"
#: (minute or minimum) and "util" (two spellings in the phrasings) are left as typed.
ABBREVIATIONS = {
    "wk": "week", "wks": "weeks", "hr": "hour", "hrs": "hours", "mins": "minutes",
    "secs": "seconds", "yr": "year", "yrs": "years", "mos": "months", "bw": "bandwidth",
    "ckpt": "checkpoint", "ckpts": "checkpoints", "ckpting": "checkpointing",
    "tput": "throughput", "xfer": "transfer", "xfers": "transfers", "req": "request",
    "reqs": "requests", "seq": "sequence", "seqs": "sequences", "hw": "hardware",
    "mem": "memory", "teh": "the",
}
#: Shorthand with a slash, as typed ("w/ backward", "w/o spares", "b/c the ring"): the word it
#: stands for, read in place of its letters.
_SLASH_ABBREVIATION_RE = re.compile(r"(?<![^\W_])(?:(w)/(o)|(b)/(c)|(w)/)(?![^\W_/])",
                                    re.IGNORECASE)

_WORD_RE = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_STOP_RE = re.compile(r"[,;:!?()\[\]{}\n—–]|\.(?![^\W_])|\s-\s")
_APOSTROPHES = re.compile(r"['’ʼ]")
_RUN_WORD_RE = re.compile(r"[^\W_]+")
_RUN_RE = re.compile(r"[0-9]+|[^\W\d_]+")


@dataclass(frozen=True)
class Word:
    """One word of the answer: its normalised form, where it is, and which clause it is in."""

    norm: str
    start: int
    end: int
    clause: int


@dataclass(frozen=True)
class Found:
    """Where a phrasing was found: the word span, the text as typed, and whether by typo."""

    first: int
    last: int
    typed: str
    fuzzy: bool


def _fold(text: str) -> str:
    return _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold())


@lru_cache(maxsize=4096)
def normalise_words(text: str) -> tuple[str, ...]:
    """The normalised words of a phrasing: ``"Ring All-Reduce"`` → ``("ring", "all", "reduce")``.

    Normalisation can split or merge characters ("ﬁ" → "fi"), so words are cut again after it.
    """
    words: list[str] = []
    for match in _WORD_RE.finditer(text):
        words.extend(_RUN_WORD_RE.findall(_fold(match.group())))
    return tuple(words)


class Analysed:
    """An answer cut into words once, with the joined text of every short word span indexed,
    so many phrasings can be looked up against it cheaply."""

    def __init__(self, text: str) -> None:
        self.text = text
        words: list[Word] = []
        clause = 0
        position = 0
        stops = [stop.start() for stop in _STOP_RE.finditer(text)]
        # "w/o" is one word (without), "b/c" one (because), "w/" one (with): the letter that
        # stands for the word, and the letter after the slash that is part of it.
        slashed: dict[int, tuple[str, int]] = {}
        for shorthand in _SLASH_ABBREVIATION_RE.finditer(text):
            word = "without" if shorthand.group(1) else "because" if shorthand.group(3) else "with"
            slashed[shorthand.start()] = (word, shorthand.end())
            if shorthand.group(1) or shorthand.group(3):
                slashed[shorthand.start() + 2] = ("", shorthand.end())
        for match in _WORD_RE.finditer(text):
            # Stops are found in the whole text once, so "2.5" sees its "5" (a search that
            # ended at the next word would take the decimal point for a full stop).
            at = bisect.bisect_left(stops, position)
            if at < len(stops) and stops[at] < match.start():
                clause += 1
            position = match.end()
            if match.start() in slashed:
                word, end = slashed[match.start()]
                if word:
                    words.append(Word(word, match.start(), end, clause))
                continue
            for part in _RUN_WORD_RE.findall(_fold(match.group())):
                part = ABBREVIATIONS.get(part, part)
                if part in _CLAUSE_WORDS:
                    clause += 1
                words.append(Word(part, match.start(), match.end(), clause))
        # "without (a) doubt / question / fail / exception" asserts what follows; it negates
        # nothing ("W/o question rollback is free" claims rollback is free).
        for index, word in enumerate(words):
            if word.norm == "without":
                following = [later.norm for later in words[index + 1:index + 3]]
                if following[:1] in (["doubt"], ["question"], ["fail"], ["exception"]) \
                        or following == ["a", "doubt"]:
                    words[index] = Word("certainly", word.start, word.end, word.clause)
        self.words: tuple[Word, ...] = tuple(words)
        self._spans: dict[int, list[str]] = {}
        self._exact: dict[int, dict[str, list[int]]] = {}

    def spans(self, length: int) -> list[str]:
        """The joined text of every run of ``length`` consecutive words, by first word."""
        if length not in self._spans:
            norms = [word.norm for word in self.words]
            self._spans[length] = [
                "".join(norms[index : index + length]) for index in range(len(norms) - length + 1)
            ]
        return self._spans[length]

    def exact_starts(self, length: int, joined: str) -> list[int]:
        """First-word indices of the ``length``-word spans whose joined text is ``joined``."""
        if length not in self._exact:
            index: dict[str, list[int]] = {}
            for start, span in enumerate(self.spans(length)):
                index.setdefault(span, []).append(start)
            self._exact[length] = index
        return self._exact[length].get(joined, [])

    def negates(self, index: int, prose: bool = False) -> bool:
        """Whether word ``index`` is a negation word (in ``prose``, also "instead" and the
        "than" of "rather than")."""
        norm = self.words[index].norm
        if norm in NEGATIONS:
            return True
        if not prose:
            return False
        return norm in PROSE_NEGATIONS or (
            norm == "than" and index > 0 and self.words[index - 1].norm == "rather")

    def negated(self, first: int, window: int = NEGATION_WINDOW, prose: bool = False) -> bool:
        """Whether a negation word sits in the ``window`` words before word ``first``, in the
        same clause (``prose``: see :meth:`negates`)."""
        clause = self.words[first].clause
        for index in range(max(0, first - window), first):
            if self.words[index].clause == clause and self.negates(index, prose):
                return True
        return False

    def said_before(self, first: int, words: frozenset[str], window: int | None = None) -> bool:
        """Whether one of ``words`` stands before word ``first`` in its clause (within
        ``window`` words, or anywhere in the clause): "if they sit idle", "must be … at every
        size"."""
        clause = self.words[first].clause
        stop = -1 if window is None else max(-1, first - 1 - window)
        for index in range(first - 1, stop, -1):
            if self.words[index].clause != clause:
                return False
            if self.words[index].norm in words:
                return True
        return False

    def denied_after(self, last: int, window: int) -> bool:
        """Whether a negation word sits in the ``window`` words after word ``last``, in the same
        clause: "stragglers are not a factor", "the pilot isn't needed"."""
        clause = self.words[last].clause
        for index in range(last + 1, min(len(self.words), last + 1 + window)):
            word = self.words[index]
            if word.clause != clause:
                break
            if self.negates(index, prose=True):
                return True
        return False

    def typed(self, first: int, last: int) -> str:
        """The answer's text from word ``first`` to word ``last``, as typed."""
        return self.text[self.words[first].start : self.words[last].end]


def analyse(text: str) -> Analysed:
    """Cut ``text`` into normalised words and clauses for :func:`find_phrase`."""
    return Analysed(text)


#: Prefixes that turn a word into its opposite: a typo never adds or drops one.
_OPPOSITE_PREFIXES = ("a", "an", "un", "in", "im", "non", "dis", "de")


def _opposite_by_prefix(one: str, other: str) -> bool:
    """Whether one word is the other with a negating prefix ("asynchronous", "unbounded")."""
    short, long = sorted((one, other), key=len)
    return any(long == prefix + short for prefix in _OPPOSITE_PREFIXES)


def _words_agree(typed: Sequence[str], accepted: Sequence[str]) -> bool:
    """Word by word, a short word is never a typo of another ("the decision in" is no typo of
    "the decision hinges", though the joined texts are 87 % alike); long words are left to
    the joined text's ratio."""
    if len(typed) != len(accepted):
        return False
    return all(one == other for one, other in zip(typed, accepted, strict=True)
               if min(len(one), len(other)) < MIN_FUZZY_RUN)


def _runs_agree(typed: str, accepted: str) -> bool:
    """Letter/digit runs agree: digits and short letter runs exactly, long ones by ratio."""
    typed_runs = _RUN_RE.findall(typed)
    accepted_runs = _RUN_RE.findall(accepted)
    if len(typed_runs) != len(accepted_runs):
        return False
    from rapidfuzz import fuzz  # deferred: only loaded when a typo needs forgiving

    for typed_run, accepted_run in zip(typed_runs, accepted_runs, strict=True):
        if typed_run == accepted_run:
            continue
        if typed_run[0].isdigit() or accepted_run[0].isdigit():
            return False
        if min(len(typed_run), len(accepted_run)) < MIN_FUZZY_RUN:
            return False
        if _opposite_by_prefix(typed_run, accepted_run):
            return False  # "synchronous" is no typo of "asynchronous"
        if fuzz.ratio(typed_run, accepted_run) < FUZZY_CUTOFF:
            return False
    return True


_NUMBER_IN_TEXT = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")
_PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b|per\s+cent\b|pct\b)", re.IGNORECASE)
_DOLLAR_BEFORE = re.compile(r"[$]\s*$")


def _number_value(literal: str) -> float | None:
    """A number as typed ("65,504", "2.50", "4.0") as a float; a comma list ("8,16") is None."""
    if "," in literal:
        if not _THOUSANDS.match(literal):
            return None
        literal = literal.replace(",", "")
    try:
        return float(literal)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _phrase_numbers(phrasing: str) -> tuple[tuple[float | None, ...], bool, bool]:
    """The numbers a phrasing states, and whether it asks for a "%" after / "$" before."""
    numbers = tuple(_number_value(m.group()) for m in _NUMBER_IN_TEXT.finditer(phrasing))
    stripped = phrasing.strip()
    return numbers, stripped.endswith("%"), stripped.startswith("$")


#: Arithmetic between two figures: "68 × 0.9" and "68 / 0.9" are different claims, though
#: their words ("68", "0", "9") are the same.
#: A hyphen or dash is left out: it writes ranges and compounds ("35-45%", "35–45%") as often
#: as a minus.
_OPERATOR_RE = re.compile(r"[0-9a-zA-Z)]\s*([×*/÷+=≈])\s*[0-9(]")
_OPERATOR_CLASSES = {"×": "×", "*": "×", "/": "/", "÷": "/", "+": "+", "=": "=", "≈": "="}
#: A phrasing's figure at its end (or start) is not said by the same figure used as an operand
#: of arithmetic that goes on ("50,000 / 16,384", "2 × 70e9"): the claim is the result.
#: (A unit may stand between, set off by spaces: "50,000 h ÷ 16,384"; "3.35 TB/s" is a rate.)
_OPERAND_AFTER = re.compile(r"(?:\s+[A-Za-z]{1,5}\s+|\s*)[×*/÷]\s*[0-9(A-Za-z]")
_OPERAND_BEFORE = re.compile(r"[0-9)]\s*[×*/÷]\s*$")


def _operators_agree(answer: Analysed, first: int, last: int, phrasing: str) -> bool:
    """Whether the match from word ``first`` to ``last`` holds the arithmetic operators the
    phrasing writes between figures, in order ("68 × 0.9" is not "68 / 0.9"). A phrasing
    with no operator between figures always agrees."""
    wanted = _operators(phrasing)
    if not wanted:
        return True
    return _operators(answer.text[answer.words[first].start:answer.words[last].end]) == wanted


@lru_cache(maxsize=8192)
def _operators(text: str) -> tuple[str, ...]:
    """The arithmetic operators ``text`` writes between figures, in order, by class."""
    return tuple(_OPERATOR_CLASSES[m.group(1)] for m in _OPERATOR_RE.finditer(text))


def _numbers_agree(answer: Analysed, first: int, last: int, phrasing: str) -> bool:
    """Whether the match from word ``first`` to ``last`` states the phrasing's numbers whole.

    The matched text is widened over digits, dots and commas on both sides, so the "50" of
    "$2.50" is read as 2.50 and the "8" of "18.6" as 18.6; its numbers must equal the
    phrasing's. A phrasing without digits always agrees.
    """
    wanted, percent, dollar = _phrase_numbers(phrasing)
    if not wanted:
        return True
    text = answer.text
    start, end = answer.words[first].start, answer.words[last].end
    while start > 0 and (text[start - 1].isdigit()
                         or (text[start - 1] in ".," and start > 1 and text[start - 2].isdigit())):
        start -= 1
    while end < len(text) and (text[end].isdigit() or (
            text[end] in ".," and end + 1 < len(text) and text[end + 1].isdigit())):
        end += 1
    typed = tuple(_number_value(m.group()) for m in _NUMBER_IN_TEXT.finditer(text[start:end]))
    if typed != wanted:
        return False
    if percent and not _PERCENT_AFTER.match(text, end):
        return False
    return not (dollar and not _DOLLAR_BEFORE.search(text, 0, start))


def operand_of_arithmetic(answer: Analysed, found: Found, phrasing: str) -> bool:
    """Whether the figure that ends (or starts) ``phrasing`` is, where it was ``found``, an
    operand of arithmetic that goes on: "job MTBF is 50,000" in "job MTBF is 50,000 / 16,384
    ≈ 3 hours". Such a match states an input, not the phrasing's claim about the result."""
    stripped = phrasing.strip()
    text = answer.text
    if stripped[-1:].isdigit():
        end = answer.words[found.last].end
        while end < len(text) and (text[end].isdigit() or (
                text[end] in ".," and end + 1 < len(text) and text[end + 1].isdigit())):
            end += 1
        if _OPERAND_AFTER.match(text, end):
            return True
    if stripped[:1].isdigit():
        start = answer.words[found.first].start
        return _OPERAND_BEFORE.search(text, 0, start) is not None
    return False


#: A sentence ending between two words of a match: a line break, or "!", "?", ";" or a full
#: stop before a space — not the stop of an abbreviation ("e.g. tiling", "vs. FP16").
_SENTENCE_END_RE = re.compile(
    r"\n|[!?;](?=\s)|(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)(?<!\bapprox)(?<!\bcf)"
    r"(?<!\bincl)\.(?=\s)", re.IGNORECASE)


def _crosses_sentence_end(answer: Analysed, first: int, last: int) -> bool:
    """Whether a sentence ends between word ``first`` and word ``last``: a phrase is said
    inside one sentence."""
    return first != last and _SENTENCE_END_RE.search(
        answer.text, answer.words[first].end, answer.words[last].start) is not None


def _contains_another(span: tuple[int, int], spans: set[tuple[int, int]]) -> bool:
    """Whether (start, length) ``span`` strictly contains another of ``spans``."""
    start, length = span
    return any(
        (inner_start, inner_length) != span
        and start <= inner_start
        and inner_start + inner_length <= start + length
        for inner_start, inner_length in spans
    )


def _prefix_starts(answer: Analysed, length: int, joined: str) -> Iterator[tuple[int, int]]:
    """(start, length) of the ``length``-word spans that begin with ``joined`` and whose last
    word is where the prefix ends ("recomput*" is "recomputes", not "recompute the")."""
    for start, span in enumerate(answer.spans(length)):
        if span.startswith(joined) and \
                len(span) - len(answer.words[start + length - 1].norm) < len(joined):
            yield start, length


def find_phrase(
    answer: Analysed, phrasing: str, fuzzy: bool = True, negation: bool = True,
    negation_window: int = NEGATION_WINDOW,
) -> Found | None:
    """The first place ``phrasing`` appears un-negated in ``answer`` (exact beats typo), or None.

    See the module docstring for what counts as appearing. A phrasing with no letters or digits
    never matches. ``fuzzy=False`` skips typo forgiveness; ``negation=False`` accepts negated
    matches too (to tell "named only to deny it" from "not named").
    """
    return next(find_all(answer, phrasing, fuzzy, negation, negation_window), None)


def find_all(
    answer: Analysed, phrasing: str, fuzzy: bool = True, negation: bool = True,
    negation_window: int = NEGATION_WINDOW,
) -> Iterator[Found]:
    """Every un-negated place ``phrasing`` appears: exact ones in text order, then (with
    ``fuzzy``) typo matches, best score first. Lazy, so the first costs only what it needs.
    ``negation_window`` is how many words before a match are searched for a negation."""
    phrase_words = normalise_words(phrasing)
    if not phrase_words or not answer.words:
        return
    joined = "".join(phrase_words)
    lengths = range(1, min(len(phrase_words) + _EXTRA_SPAN_WORDS, len(answer.words)) + 1)
    exact: list[tuple[int, int]] = []
    prefix = phrasing.rstrip().endswith("*")
    if prefix and len(joined) < MIN_PREFIX_CHARS:
        return
    for length in lengths:
        if prefix:
            exact.extend(_prefix_starts(answer, length, joined))
        else:
            exact.extend((start, length) for start in answer.exact_starts(length, joined))
    for start, length in sorted(exact):
        last = start + length - 1
        if _crosses_sentence_end(answer, start, last):
            continue  # "for an ablation, no.\n\nRisk: …" does not say "no risk"
        if length > len(phrase_words) and (
                (answer.words[start].norm in _WHOLE_WORDS
                and answer.words[start].norm != phrase_words[0])
                or (answer.words[last].norm in _WHOLE_WORDS
                and answer.words[last].norm != phrase_words[-1])):
            continue  # "a synchronous" glued into "asynchronous"
        if not (negation and answer.negated(start, negation_window)) \
                and _numbers_agree(answer, start, last, phrasing) \
                and _operators_agree(answer, start, last, phrasing):
            yield Found(start, last, answer.typed(start, last), fuzzy=False)
    if not fuzzy or prefix or len(joined) < MIN_FUZZY_RUN:
        return
    from rapidfuzz import fuzz, process  # deferred: ~10 ms, only on the first fuzzy lookup

    candidates: list[tuple[float, int, int]] = []
    # A typo stays inside the phrasing's own words: "network wasn't" is not "network, but I
    # wasn't" (85.7 as one joined span), so typo spans have exactly the phrasing's word count.
    for length in [n for n in lengths if n == len(phrase_words)]:
        for span, score, start in process.extract(
            joined, answer.spans(length), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
        ):
            if span != joined and _runs_agree(span, joined) and _words_agree(
                    [word.norm for word in answer.words[start:start + length]], phrase_words):
                candidates.append((-score, start, length))
    # A typo match must not swallow a neighbouring word: "not memory-bound" scores 88 against
    # "memory-bound" as one span, which would hide the "not". Keep only the innermost spans.
    matched = {(start, length) for start, length in exact}
    matched.update((start, length) for _score, start, length in candidates)
    candidates = [
        candidate for candidate in candidates if not _contains_another(candidate[1:], matched)
    ]
    for _score, start, length in sorted(candidates):
        last = start + length - 1
        if _crosses_sentence_end(answer, start, last):
            continue
        if not (negation and answer.negated(start, negation_window)) \
                and _numbers_agree(answer, start, last, phrasing):
            yield Found(start, last, answer.typed(start, last), fuzzy=True)
