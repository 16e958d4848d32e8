"""Check the numbers an open answer states against the figures the question knows.

A figure (content: ``name``, ``value``, ``unit``, ``tolerance``, ``phrasings``) is a number an
interviewer would catch if it came out wrong: "H100 BF16 dense peak, 989 TFLOP/s, within
5 %, said near 'h100' in a sentence about BF16 or dense". A phrasing may have parts joined by
``&`` (as in key points): the first part is where the number must be near, the others must
be in the same sentence ("nvlink & each direction"). A quantity the answer states (a number
with a unit: "1,979 TFLOP/s", "64 GB/s", "90%") is checked against a figure when

- it sits in a claim sentence (:mod:`grading._prose`) and is the nearest quantity, within
  :data:`CUE_WINDOW` words (:data:`KNOWN_CUE_WINDOW` for the known hardware figures), to one
  of the figure's phrasings, and is a value, not a change ("±12%", "up by 5%"), and
- it measures the same kind of thing (it converts to the figure's unit; a percentage only for
  a "%" figure, a factor only for an "x" one).

It is **right** when it agrees, within tolerance, with a figure whose cue bound it or whose cue
its sentence says in full (a sentence comparing 1,979 sparse and 989 dense TFLOP/s states two
right figures), and **wrong** otherwise —
then it is named with the figure it should have been, as a numeric slip would be. Numbers that
no figure's phrasing is near are not judged: a story's own numbers are the candidate's to
choose.

Tolerances: ``"rel:15%"`` (within 15 % of the value) or ``"log:2"`` (within a factor of 2).
Units are read by :mod:`grading.quantity` (pint, loaded on the first figure checked).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = [
    "CUE_WINDOW",
    "KNOWN_CUE_WINDOW",
    "MAX_SLIP_FACTOR",
    "Figure",
    "WrongNumber",
    "bit_byte_slips",
    "check_figures",
    "datasheet_values",
    "known_figures",
    "parse_tolerance",
    "parts_named",
    "recites_datasheet",
    "tolerance_problem",
    "within",
]

#: How many words from a figure's phrasing a stated number may be and still be read as it.
CUE_WINDOW = 8
#: The same for the known figures, whose phrasings are generic ("mfu", "h100"): closer.
KNOWN_CUE_WINDOW = 4
#: A number more than this factor away from every figure of its kind is another quantity (a
#: cluster's total beside a GPU's peak, an L40S beside an H100), not a slip: slips are factors of
#: 2 (sparse, both directions), 8 (bits for bytes) or 10 (a decimal).
MAX_SLIP_FACTOR = 10.0

_TOLERANCE_RE = re.compile(
    r"^(?:rel:(?P<rel>[0-9]+(?:\.[0-9]+)?)%|log:(?P<log>[0-9]+(?:\.[0-9]+)?))$")


@dataclass(frozen=True)
class Figure:
    """A figure the question knows: ``value`` in ``unit``, right within ``tolerance``, and the
    ``phrasings`` that say a nearby number is this figure."""

    name: str
    value: float
    unit: str
    tolerance: str
    phrasings: tuple[str, ...]


@dataclass(frozen=True)
class WrongNumber:
    """A number the answer stated that disagrees with the figure it was said next to:
    ``typed`` as written, the figure's ``name``, the ``expected`` value with its unit, and the
    ``sentence`` it was said in."""

    typed: str
    name: str
    expected: str
    sentence: str


def parse_tolerance(tolerance: str) -> tuple[str, float]:
    """``"rel:15%"`` → ``("rel", 0.15)``; ``"log:2"`` → ``("log", 2.0)``. ValueError otherwise."""
    match = _TOLERANCE_RE.match(tolerance.strip())
    if match is None:
        raise ValueError(f"tolerance {tolerance!r}: write 'rel:15%' or 'log:2'")
    if match.group("rel") is not None:
        return "rel", float(match.group("rel")) / 100
    factor = float(match.group("log"))
    if factor < 1:
        raise ValueError(f"tolerance {tolerance!r}: a factor is at least 1")
    return "log", factor


def tolerance_problem(tolerance: object) -> str | None:
    """Why ``tolerance`` is not a figure tolerance, or None (for content checks)."""
    if not isinstance(tolerance, str):
        return f"tolerance must be a string like 'rel:15%' or 'log:2', not {tolerance!r}"
    try:
        parse_tolerance(tolerance)
    except ValueError as error:
        return str(error)
    return None


def within(stated: float, value: float, tolerance: str) -> bool:
    """Whether ``stated`` agrees with ``value`` within ``tolerance``."""
    kind, size = parse_tolerance(tolerance)
    if kind == "rel":
        return abs(stated - value) <= size * abs(value) + 1e-12
    if stated <= 0 or value <= 0:
        return stated == value
    return abs(math.log(stated / value)) <= math.log(size) + 1e-12


def _field(item: Any, name: str, position: int) -> Any:
    if isinstance(item, dict):
        return item.get(name)
    if hasattr(item, name):
        return getattr(item, name)
    if isinstance(item, tuple | list) and len(item) > position:
        return item[position]
    return None


def as_figure(item: Any) -> Figure | None:
    """A content figure (an object with the fields, or a tuple in field order) as a
    :class:`Figure`; None when it is malformed (content checks report those)."""
    if isinstance(item, Figure):
        return item
    name, value, unit = _field(item, "name", 0), _field(item, "value", 1), _field(item, "unit", 2)
    tolerance, phrasings = _field(item, "tolerance", 3), _field(item, "phrasings", 4)
    if isinstance(phrasings, str):
        phrasings = (phrasings,)
    if not (isinstance(name, str) and isinstance(value, int | float) and isinstance(unit, str)
            and isinstance(tolerance, str) and phrasings and math.isfinite(value)):
        return None
    if tolerance_problem(tolerance):
        return None
    return Figure(name, float(value), unit, tolerance, tuple(str(p) for p in phrasings))


@cache
def known_figures() -> tuple[Figure, ...]:
    """The hardware figures every open answer may cite, from ``grading/known_figures.toml``
    (the values are content/hardware.toml's; a test keeps them equal). Read once.

    A malformed file is a bug in this package and raises ValueError naming the entry.
    """
    import importlib.resources  # deferred with tomllib, as for the process flags
    import tomllib

    text = importlib.resources.files("grading").joinpath("known_figures.toml").read_text("utf-8")
    figures: list[Figure] = []
    for index, entry in enumerate(tomllib.loads(text).get("figures", [])):
        figure = as_figure(entry)
        if figure is None:
            raise ValueError(f"grading/known_figures.toml, figure #{index + 1} "
                             f"({entry.get('name')!r}): needs name, value, unit, tolerance and "
                             f"phrasings")
        figures.append(figure)
    return tuple(figures)


@cache
def datasheet_values() -> dict[str, dict[str, tuple[float, ...]]]:
    """Every unit-bearing number of the hardware catalog, per part (the catalog's entry id)
    and unit (as ``grading.units`` reads it), sorted: ``grading/datasheet_values.toml``, a copy
    of content/hardware.toml's numbers that a test keeps equal. Read once."""
    import importlib.resources
    import tomllib

    text = importlib.resources.files("grading").joinpath("datasheet_values.toml").read_text(
        "utf-8")
    return {part: {unit: tuple(sorted(float(value) for value in values))
                   for unit, values in by_unit.items()}
            for part, by_unit in tomllib.loads(text).get("parts", {}).items()}


#: How near a stated number must be to a datasheet value to be that value, rounded as people
#: say it ("2.0 TB/s" for the A100's 2.039).
DATASHEET_TOLERANCE = 0.02

#: The words that name a part, and the catalog entries (id prefixes) whose numbers are then
#: that part's: a GPU brings its own links and memory (its entry holds them) and the nodes
#: built of it; "NVLink", "PCIe", "InfiniBand" or "NIC" bring every generation of the link.
#: A bare "HBM" names no part (its generation does).
PART_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"a100s?|ampere", ("a100_", "dgx_a100")),
    (r"h100s?|hopper", ("h100_", "h200", "dgx_h100", "superpod_h100")),
    (r"h200s?", ("h200",)),
    (r"gb200s?|nvl72", ("gb200",)),
    (r"b200s?|blackwell", ("b200", "gb200", "dgx_b200")),
    (r"mi300x?s?", ("mi300x", "infinity_fabric_mi300")),
    (r"mi325x?s?", ("mi325x",)),
    (r"l40s?", ("l40s", "gddr6")),
    (r"tpus?", ("tpu_",)),
    (r"v5e", ("tpu_v5e",)),
    (r"v5p", ("tpu_v5p",)),
    (r"v6e|trillium", ("tpu_v6e",)),
    (r"nvlink", ("nvlink",)),
    (r"nvswitch(?:es)?", ("nvswitch",)),
    (r"pcie|pci\s+express", ("pcie",)),
    (r"infiniband|ndr|hdr|xdr|edr|connectx-?[678]|cx-?[678]", ("ib_",)),
    (r"ethernet|[0-9]+\s?gbe|roce", ("eth_",)),
    (r"nics?", ("ib_", "eth_")),
    (r"hbm2", ("hbm2",)),
    (r"hbm2e", ("hbm2e",)),
    (r"hbm3", ("hbm3",)),
    (r"hbm3e", ("hbm3e",)),
    (r"hbm4", ("hbm4",)),
    (r"gddr6", ("gddr6",)),
    (r"dgx|hgx", ("dgx_",)),
    (r"superpods?", ("superpod_",)),
)


@cache
def _part_name_res() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    return tuple((re.compile(rf"(?<![\w-])(?:{names})(?![\w-])", re.IGNORECASE), prefixes)
                 for names, prefixes in PART_NAMES)


def parts_named(sentence: str) -> set[str]:
    """The catalog entries (ids) whose parts ``sentence`` names (:data:`PART_NAMES`)."""
    prefixes = {prefix for pattern, part_prefixes in _part_name_res()
                if pattern.search(sentence) for prefix in part_prefixes}
    return {part for part in datasheet_values()
            if any(part.startswith(prefix) for prefix in prefixes)}


#: What, said before a number in its sentence, works it out: a percentage or an operator
#: ("50%, i.e. 156 TFLOP/s"; "70B × 2 bytes = 140 GB"), or words that give a result ("so",
#: "that is", "which is", "comes to"). Not "gives": "NVLink 4 gives 900 GB/s" recites.
_WORKED_BEFORE_RE = re.compile(
    r"%|×|\*|=|≈|→|[0-9]\s*/\s*[0-9]|\b(?:i\.e\.|that\s+is|that's|which\s+is|so|"
    r"comes?\s+to|works?\s+out)(?![\w-])", re.IGNORECASE)


def recites_datasheet(typed: str, sentence: str, before: str = "") -> bool:
    """Whether the quantity ``typed``, said in ``sentence`` after the words ``before`` (the
    sentence up to it), is a datasheet value recited: it equals (within
    :data:`DATASHEET_TOLERANCE`) a number of a part the sentence names, in a unit of its kind
    ("the H200 is 4.8 TB/s with 141 GB"), and nothing before it in the sentence works it out
    (:data:`_WORKED_BEFORE_RE`: "at 50%, i.e. 156 TFLOP/s per A100" computes). Such a number
    is known cold, not worked out; the same value beside no part, or another part's value
    ("MI300X's 192 GB holds a 70B model's 140 GB"), is the answer's own."""
    parts = parts_named(sentence)
    if not parts or _WORKED_BEFORE_RE.search(before):
        return False
    return _a_datasheet_value(typed, parts, DATASHEET_TOLERANCE)


def _a_datasheet_value(typed: str, parts: Iterable[str], tolerance: float) -> bool:
    """Whether the quantity ``typed`` equals, within ``tolerance`` (a share), a number of one
    of the catalog's ``parts`` in a unit of its kind."""
    values = datasheet_values()
    parts = [part for part in parts if part in values]
    for unit in {unit for part in parts for unit in values[part]}:
        if not _same_kind(typed, unit):
            continue
        value = _read(typed, unit)
        if value is None or not value > 0:
            continue
        for part in parts:
            known = values[part].get(unit, ())
            position = bisect.bisect_left(known, value)
            if any(abs(known[index] / value - 1) <= tolerance
                   for index in (position - 1, position) if 0 <= index < len(known)):
                return True
    return False


def _format_expected(figure: Figure) -> str:
    from grading.units import format_value

    try:
        return format_value(figure.value, figure.unit)
    except Exception:  # a unit format_value cannot pretty-print: say it as written
        return f"{figure.value:g} {figure.unit}".strip()


#: The hyphen of a compound adjective between a number and its unit ("3-hour", "60-day").
_HYPHENATED_UNIT_RE = re.compile(r"(?<=[0-9])-(?=[A-Za-z])")


def _read(typed: str, unit: str) -> float | None:
    """``typed`` in ``unit``, or None when it does not read or measures something else."""
    from grading.quantity import AnswerError, parse_answer
    from grading.units import UnitError

    try:
        return parse_answer(typed, unit).value
    except (AnswerError, UnitError, ValueError, OverflowError):
        return None


#: A count that multiplies the number after it ("3 × 14 GB", "8 x 400 Gb/s"): an operand, not
#: a factor the answer claims ("a 3× speed-up").
_MULTIPLIER_RE = re.compile(r"[0-9][0-9,.]*\s*[×x*]\s*[0-9]")


#: A range stated with one unit: "46–48 GB/s", "2-4x", "3 to 5 days".
_RANGE_RE = re.compile(r"^\s*([0-9][0-9,.]*)\s*(?:–|—|-|to)\s*([0-9][0-9,.]*)(.*)$")


def _read_range(typed: str, unit: str, expected: float) -> float | None:
    """``typed`` in ``unit`` when it is that kind of number (see :func:`_same_kind`). A range
    ("46–48 GB/s", "from 989 to 1,979 TFLOP/s") reads as whichever of its ends or its middle is
    nearest the ``expected`` value: it is stated, so a cue near it binds it rather than a
    number further off, and it is right when any of them is ("989–1,979 TFLOP/s" holds the
    dense peak)."""
    typed = _HYPHENATED_UNIT_RE.sub(" ", typed)  # "a 3-hour MTBF" states 3 hours
    match = _RANGE_RE.match(typed)
    if match is None:
        return _read(typed, unit) if _same_kind(typed, unit) else None
    low_typed, high_typed = match.group(1) + match.group(3), match.group(2) + match.group(3)
    if not (_same_kind(low_typed, unit) and _same_kind(high_typed, unit)):
        return None
    low, high = _read(low_typed, unit), _read(high_typed, unit)
    if low is None or high is None:
        return None
    candidates = (low, high, (low + high) / 2)
    if expected <= 0 or any(value <= 0 for value in candidates):
        return candidates[2]
    return min(candidates, key=lambda value: abs(math.log(value / expected)))


def check_figures(
    analysed: Any,
    sentences: Sequence[Any],
    quantities: Iterable[tuple[int, int, str]],
    figures: Iterable[Any],
    negation_window: int,
    known: Iterable[Any] = (),
) -> tuple[WrongNumber, ...]:
    """The stated numbers that disagree with the figure they were said next to.

    Each place a figure's phrasing is said (un-negated, in a claim sentence) binds the nearest
    quantity of the figure's kind in the same sentence, at most :data:`CUE_WINDOW` words away:
    in "2,048 × 989 TFLOP/s dense is 2.0e18 FLOP/s" the cue "dense" binds 989 TFLOP/s, not
    the cluster's total. A bound quantity is wrong when it agrees with none of the figures that
    bound it nor with any figure whose cue its sentence says in full (a right number said a
    little far from its own cue is still right), and is within :data:`MAX_SLIP_FACTOR` of a
    figure that bound it (further off, it is some other quantity). ``known`` figures (the
    hardware every answer may cite, :func:`known_figures`) bind like the question's: "NVLink is
    900 GB/s each way" disagrees with the per-direction figure its cue binds.

    ``analysed`` is the answer as :func:`grading._phrases.analyse` cut it, ``sentences`` its
    :class:`grading._prose.Sentence` list, ``quantities`` the (start, end, typed) of each
    quantity stated; a quantity in quotation marks is mentioned ('"PCIe Gen4 x16 is 64 GB/s."
    That's both directions.'), not stated. One wrong number per distinct typed text; never
    raises on the answer.
    """
    from grading._evidence import parse_phrasing, quoted_spans
    from grading._phrases import find_all

    own = [figure for figure in map(as_figure, figures) if figure is not None]
    usable = own + [figure for figure in map(as_figure, known) if figure is not None]
    if not usable:
        return ()
    starts = [word.start for word in analysed.words]
    if not starts:
        return ()
    # Each quantity with its first and last word ("1,979 TFLOP/s" is words 1 … s): a cue is
    # near it when near either end ("1,979 TFLOP/s of BF16").
    quoted = quoted_spans(analysed.text)
    stated = [(start, typed, (_word_at(starts, start),
                              max(_word_at(starts, start), _word_before(starts, end))))
              for start, end, typed in quantities
              if not any(q_start < start < q_end for q_start, q_end in quoted)
              and not _MULTIPLIER_RE.match(analysed.text, start)]
    readings: dict[tuple[str, str], float | None] = {}

    def reading(typed: str, figure: Figure) -> float | None:
        key = (typed, figure.unit, figure.value)
        if key not in readings:
            readings[key] = _read_range(typed, figure.unit, figure.value)
        return readings[key]

    def places(alternatives: Iterable[str], negation: bool = True) -> list[Any]:
        """Where one of ``alternatives`` is said (with ``negation``, un-negated only)."""
        return [found for alternative in alternatives
                for found in find_all(analysed, alternative, fuzzy=False, negation=negation,
                                      negation_window=negation_window)]

    sole_gpu = _sole_gpu(analysed.text)

    def implied(part: Any) -> bool:
        """Whether ``part`` names the one accelerator the whole answer is about: then every
        sentence is about it ("On H100 … The node has 8 × 1,979 TFLOP/s of BF16")."""
        return sole_gpu is not None and all(
            _gpu_name(alternative) is not None for alternative in part.alternatives) and any(
            _gpu_name(alternative) == sole_gpu for alternative in part.alternatives)

    def said_in(alternatives: Iterable[str], negation: bool = True) -> set[int]:
        """The starts of the sentences where one of ``alternatives`` is said."""
        return {sentence.start for f in places(alternatives, negation)
                if (sentence := _sentence_of(sentences, starts[f.first])) is not None}

    def anchors(phrasing: str) -> Iterator[tuple[Any, Any]]:
        """Where the first part of a cue is said, in a claim sentence that holds its other
        parts too ("nvlink & each direction") and none of its ``!`` parts ("bubble &
        !interleav*": not a sentence about the interleaved schedule): (found, sentence). A part
        naming the answer's only accelerator holds in every sentence (``implied``)."""
        try:
            parts = parse_phrasing(phrasing)
        except ValueError:
            return
        orders = [parts]
        if len(parts) > 1 and implied(parts[0]):  # also anchor on the claim words
            orders.append([*parts[1:], parts[0]])
        for order in orders:
            if order[0].negated:
                continue
            others = [None if implied(part) else said_in(part.alternatives)
                      for part in order[1:] if not part.negated]
            excluded = set().union(*(said_in(part.alternatives, negation=False)
                                     for part in order[1:] if part.negated))
            for found in places(order[0].alternatives):
                sentence = _sentence_of(sentences, starts[found.first])
                if sentence is not None and sentence.claim \
                        and sentence.start not in excluded \
                        and all(o is None or sentence.start in o for o in others):
                    yield found, sentence

    known_ids = {id(figure) for figure in usable[len(own):]}
    bound: dict[int, list[Figure]] = {}  # quantity index -> the figures whose cues bound it
    said: dict[int, list[Figure]] = {}  # sentence start -> the figures all of a cue names
    gpu_mentions = _gpu_mentions(analysed.text)
    gpus_named = {name for _offset, name in gpu_mentions}
    for figure in usable:
        window = KNOWN_CUE_WINDOW if id(figure) in known_ids else CUE_WINDOW
        figure_gpu = _gpu_name(figure.name.split()[0]) if id(figure) in known_ids else None
        for phrasing in figure.phrasings:
            # A sentence that says the cue's words, its GPU aside, names the figure for the
            # rescue below: "The 1,979 TFLOP/s headline is BF16 with 2:4 sparsity".
            anchored = list(anchors(phrasing))
            cue = _without_gpu_parts(phrasing)
            for _found, sentence in anchored if cue == phrasing else anchors(cue):
                said.setdefault(sentence.start, []).append(figure)
            for found, sentence in anchored:
                if figure_gpu is not None and len(gpus_named) > 1 \
                        and not _gpus_named(sentence.text) \
                        and not _GENERATION_RE.search(sentence.text):
                    continue  # "NVLink doubles to 900 GB/s each way" in a B200-vs-H100
                    # answer: a sentence naming no accelerator is not the H100 figure's
                nearest: tuple[int, int] | None = None
                cue_start = analysed.words[found.first].start
                cue_end = analysed.words[found.last].end
                for index, (start, typed, word) in enumerate(stated):
                    if not sentence.start <= start < sentence.end:
                        continue
                    distance = min(abs(end_word - cue_word) for end_word in word
                                   for cue_word in (found.first, found.last))
                    # A cue that holds a quantity's number ("the 60-day run") does not bind
                    # it; a cue that is its unit ("2,450 GPU-equivalents") does.
                    if distance > window or reading(typed, figure) is None \
                            or cue_start <= start < cue_end \
                            or _another_gpu_before(figure_gpu, gpu_mentions, start) \
                            or _a_change(analysed.text, start) \
                            or _the_ideal(typed, figure, analysed.text, start) \
                            or ((id(figure) in known_ids or _a_datasheet_figure(figure))
                                and (_achieved_below(typed, figure, analysed.text, start,
                                                     reading)
                                     or _a_result(analysed.text, sentence.start, start))) \
                            or analysed.negated(word[0], REFUSAL_WINDOW, prose=True):
                        continue
                    if nearest is None or distance < nearest[0]:
                        nearest = (distance, index)
                if nearest is not None and figure not in bound.setdefault(nearest[1], []):
                    bound[nearest[1]].append(figure)
    wrong: list[WrongNumber] = []
    seen: set[str] = set()
    for index in sorted(bound):
        start, typed, _word = stated[index]
        sentence = _sentence_of(sentences, start)
        # Right when it agrees with a figure that bound it or with a figure whose cue the same
        # sentence says in full: "3,958 TFLOP/s of FP8, but only with 2:4 sparsity" is the
        # sparse figure though "FP8" is the nearer cue. Another figure the question knows
        # excuses nothing unless its cue is said: "about 2.6 MB per token" is the KV cache
        # without GQA, wrong for a GQA model even in a question that knows both.
        named = said.get(sentence.start, []) if sentence is not None else []
        agrees = any(
            (value := reading(typed, figure)) is not None
            and within(value, figure.value, figure.tolerance)
            for figure in bound[index] + named)
        # A figure the same sentence also states right is said: the number its cue bound is
        # another quantity ("400 Gb/s is 50 GB/s, but a Gen4 x16 slot moves … 31.5 GB/s").
        agrees = agrees or all(
            any(other != index and sentence is not None
                and sentence.start <= other_start < sentence.end
                and (other_value := reading(other_typed, figure)) is not None
                and within(other_value, figure.value, figure.tolerance)
                for other, (other_start, other_typed, _w) in enumerate(stated))
            for figure in bound[index])
        figure = bound[index][0]
        value = reading(typed, figure)
        if agrees or typed in seen or value is None \
                or _too_far(value, bound[index], reading, typed):
            continue
        if sentence is not None and _an_aggregate(value, figure, sentence.text):
            continue  # "an 8×H100 node has 7.9 PFLOP/s": eight of the figure, not a slip
        seen.add(typed)
        wrong.append(WrongNumber(typed, figure.name, _format_expected(figure),
                                 sentence.text if sentence is not None else ""))
    return tuple(wrong)


#: Accelerator model names as answers write them ("H100", "h100s", "MI300X", "B200", "TPU v5e").
_GPU_RE = re.compile(r"(?<![\w-])((?:gb|[abhlv])[0-9]{2,3}|mi[0-9]{3}x?|l40s?"
                     r"|tpu(?:\s?v[0-9]+\w*)?)s?(?![\w-])", re.IGNORECASE)


#: Words that name an accelerator's generation or its link without its model number ("our
#: Hopper fleet", "NVLink 4"): a sentence saying one is about a GPU.
_GENERATION_RE = re.compile(r"\b(?:hopper|ampere|blackwell|nvlink\s?[2-5]|pcie\s?gen\s?[3-6])\b",
                            re.IGNORECASE)


def _without_gpu_parts(phrasing: str) -> str:
    """``phrasing`` without its parts that only name accelerators ("sparsity & h100|h100s"
    → "sparsity"); the phrasing itself when every part does."""
    parts = [part for part in phrasing.split("&")
             if not all(_gpu_name(alternative) is not None
                        for alternative in part.split("|") if alternative.strip())]
    return " & ".join(part.strip() for part in parts) if parts else phrasing


def _gpu_name(word: str) -> str | None:
    """The accelerator ``word`` names, normalised ("H100s" -> "h100"), or None."""
    match = _GPU_RE.fullmatch(word.strip())
    if match is None:
        return None
    name = match.group(1).lower().replace(" ", "")
    return name[:-1] if name.endswith("s") and name != "l40s" else name


def _gpu_mentions(text: str) -> tuple[tuple[int, str], ...]:
    """Where ``text`` names an accelerator, in order: (offset, normalised name)."""
    return tuple((m.start(), name) for m in _GPU_RE.finditer(text)
                 if (name := _gpu_name(m.group(0))) is not None)


def _gpus_named(text: str) -> set[str]:
    """The accelerators ``text`` names, normalised ("H100s" -> "h100")."""
    return {name for _offset, name in _gpu_mentions(text)}


def _another_gpu_before(figure_gpu: str | None, mentions: Sequence[tuple[int, str]],
                        start: int) -> bool:
    """Whether the accelerator named last before offset ``start`` (``mentions``:
    :func:`_gpu_mentions`) is not ``figure_gpu`` (a known figure's): in "B200 is 2.25
    PFLOP/s dense; the 4.5 PFLOP/s is the sparse headline, about 2.3x an H100" the 4.5 is the
    B200's, not an H100 figure's."""
    if figure_gpu is None:
        return False
    last = bisect.bisect_left(mentions, (start, "")) - 1
    return last >= 0 and mentions[last][1] != figure_gpu


def _sole_gpu(text: str) -> str | None:
    """The one accelerator ``text`` names (however often), or None when it names none or
    several (then each figure's cue must name its GPU in the number's own sentence)."""
    names = _gpus_named(text)
    return names.pop() if len(names) == 1 else None


#: A rate in bits per second ("400 Gb/s", "400 Gbps", "400 Gbit/s") and in bytes ("400 GB/s").
_BIT_RATE_RE = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s?([kKMGTP])(?:b/s|bps|bit/s|bits/s)$")
_BYTE_RATE_RE = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s?([kKMGTP])B(?:/s|ps)$")


def bit_byte_slips(quantities: Iterable[tuple[int, int, str]],
                   sentence_of: Any) -> tuple[WrongNumber, ...]:
    """Rates said in bits and then again in bytes with the same number, in one sentence:
    "a 400 Gb/s NIC, which gives 400 GB/s" reads bits as bytes (8× too high), the trap of a
    link's speed. ``sentence_of(offset)`` gives a sentence's index and text for an offset."""
    # Each sentence's rates in bits and in bytes, as (number as written, prefix) pairs.
    bits: dict[int, set[tuple[str, str]]] = {}
    byte_rates: list[tuple[int, str, str, str, str]] = []
    for start, _end, typed in quantities:
        index, sentence = sentence_of(start)
        if match := _BIT_RATE_RE.match(typed.strip()):
            bits.setdefault(index, set()).add(_rate_key(match))
        elif match := _BYTE_RATE_RE.match(typed.strip()):
            byte_rates.append((index, sentence, typed.strip(), *_rate_key(match)))
    in_bytes: dict[int, set[tuple[str, str]]] = {}
    for index, _sentence, _typed, number, prefix in byte_rates:
        in_bytes.setdefault(index, set()).add((number, prefix))
    slips: list[WrongNumber] = []
    for index, sentence, typed, number, prefix in byte_rates:
        converted = (f"{float(number) / 8:g}", prefix) in in_bytes[index]
        named = {(m.group(1), "G") for m in _LINK_NAME_RE.finditer(sentence)}
        if (number, prefix) in bits.get(index, set()) | named and not converted \
                and not _eight_links_per_node(sentence, typed, number, prefix):
            slips.append(WrongNumber(typed, f"{number} {prefix}b/s in bytes",
                                     f"{float(number) / 8:g} {prefix}B/s", sentence))
    return tuple(slips)


#: Eight links of one rate, counted in the sentence: "eight 400 Gb/s NICs", "8 × 400 Gb/s",
#: "8 NICs at 400 Gb/s" (the rate's number and prefix are the groups).
_EIGHT_LINKS_RE = re.compile(
    r"(?<![\w.,])(?:8|eight)(?!\d|[.,]\d)\s*(?:[×x*]\s*|(?:NICs?|ports?|links?|HCAs?|"
    r"adapters?|cards?|rails?)\s+(?:at|of)\s+)?([0-9]+)\s?([kKMGT])(?:b/s|bps|bit/s|b\b)",
    re.IGNORECASE)
#: Words that make a rate a node's (or the whole box's) rather than one GPU's.
_NODE_WORDS_RE = re.compile(r"\b(?:nodes?|egress|servers?|box|in total|together|combined|"
                            r"aggregate)\b", re.IGNORECASE)
#: Words that make a rate one GPU's or one link's.
_ONE_LINK_RE = re.compile(r"\b(?:a|each|per|one|every)\s+(?:gpu|nic|port|link|hca)\b",
                          re.IGNORECASE)


def _eight_links_per_node(sentence: str, typed: str, number: str, prefix: str) -> bool:
    """Whether ``typed`` (``number`` in bytes) is what eight links of ``number`` bits carry
    together, said of a node: "eight 400 Gb/s NICs give each node 400 GB/s of egress" is right,
    "a node has eight 400 Gb/s NICs, so a GPU gets 400 GB/s" is the slip. The clause holding
    ``typed`` must name the node (or a total) and not one GPU or link."""
    rates = {(m.group(1), m.group(2).upper()) for m in _EIGHT_LINKS_RE.finditer(sentence)}
    if (number, prefix) not in rates:
        return False
    at = sentence.find(typed)
    clause = re.split(r"[,;:]", sentence[:at])[-1] + re.split(r"[,;:]", sentence[at:])[0]
    return _NODE_WORDS_RE.search(clause) is not None and _ONE_LINK_RE.search(clause) is None


#: A link named by its speed in gigabits: "a 400G NIC", "800G ports", "400G InfiniBand" are
#: 400 and 800 Gb/s whatever unit the sentence goes on to use.
_LINK_NAME_RE = re.compile(
    r"(?<![\w.])(\d{2,4})\s?G(?:bE)?(?:\s+|-)(?:NICs?|ports?|links?|InfiniBand|IB|Ethernet|"
    r"optics?|transceivers?|network(?:ing)?|adapters?|cards?|HCAs?)\b", re.IGNORECASE)


def _rate_key(match: re.Match[str]) -> tuple[str, str]:
    """A rate's number as written (without thousands commas) and its SI prefix."""
    return match.group(1).replace(",", ""), match.group(2).upper()


def _an_aggregate(value: float, figure: Figure, sentence: str) -> bool:
    """Whether ``value`` is a whole number k ≥ 2 of ``figure`` (within its tolerance) and the
    sentence counts k of something ("8×H100", "8 GPUs", "an 8-GPU node", "a node of 8"): the
    figure summed over a node or a pod, not a slip of it."""
    if figure.value <= 0:
        return False
    count = round(value / figure.value)
    if count < 2 or not within(value / count, figure.value, figure.tolerance):
        return False
    written = _COUNT_WORDS.get(count)
    said = rf"(?:(?<![\d.,]){count}\s?" + (rf"|\b{written}\s" if written else "") + ")"
    return re.search(rf"{said}(?:[×x*]|-?(?:gpus?|accelerators?|chips?|cards?|"
                     rf"devices?|ranks?|[a-z]+[0-9]+s?)\b)", sentence, re.IGNORECASE) is not None


#: Counts written as words ("Eight H100s give 7.9 PFLOP/s").
_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                9: "nine", 10: "ten", 12: "twelve", 16: "sixteen", 32: "thirty-two",
                64: "sixty-four"}


def _too_far(value: float, figures: Sequence[Figure], reading: Any, typed: str) -> bool:
    """Whether ``typed`` (``value`` in the first figure's unit) is beyond
    :data:`MAX_SLIP_FACTOR` of every one of ``figures``, each read in its own unit."""
    for figure in figures:
        read = reading(typed, figure)
        if read is None or read <= 0 or figure.value <= 0:
            continue
        if abs(math.log(read / figure.value)) <= math.log(MAX_SLIP_FACTOR):
            return False
    return True


#: How many words before a number a negation refuses it ("35–45% MFU, not 90%", "rather than
#: 1,979 TFLOP/s", "not about 90%"): the answer says the value is wrong, so it is not the
#: answer's figure.
REFUSAL_WINDOW = 2


_CHANGE_RE = re.compile(
    r"(?:[±+]|\bby|\bplus or minus|\bup|\bdown"
    r"|[0-9][0-9.,]*\s*(?:vs\.?|versus|against|and|or|to)"
    # a verb of change or a count of points just before: "gains two MFU points, 5%"
    r"|\b(?:rose|rises?|fell|falls?|grew|grows?|dropped|drops?|gain(?:s|ed)?|improved?|improves"
    r"|add(?:s|ed)?|sav(?:es|ed)|lost|loses?|extra|another|points?)\b[^.;0-9]{0,12}"
    # a swing of something, by some amount: "inputs swing duration ~15%" (not "MFU shifts to
    # 90%", "varies around 90%": a level)
    r"|\b(?:swings?|swung|shifts?|varies|vary)\s+(?:(?!to\b|around\b|at\b|near\b|about\b)"
    r"[a-z]+\s+)?(?:by\s+)?"
    r")\s*[~≈]?\s*$", re.IGNORECASE)


def _the_ideal(typed: str, figure: Figure, text: str, start: int) -> bool:
    """Whether ``typed`` (at ``start`` of ``text``) is 100% said as a level beside a share the
    figure puts below it: the ideal named ("at 100% MFU the run would need 11M GPU-hours, which
    nobody achieves", "why isn't it 100%?"), not a value claimed for it. "100% more compute" is
    an increase, and is judged."""
    if figure.unit.strip() not in _PERCENT_UNITS or figure.value >= 100 \
            or re.fullmatch(r"100(?:\.0+)?\s*(?:%|percent|pct)", typed.strip()) is None:
        return False
    after = text[start + len(typed):start + len(typed) + 24]
    return _INCREASE_AFTER_RE.match(after) is None


#: Words after a percentage that make it an increase or a cost, not a level.
_INCREASE_AFTER_RE = re.compile(
    r"\s*(?:more|extra|faster|slower|higher|lower|longer|shorter|overhead|increase|penalty|"
    r"additional|of extra)\b", re.IGNORECASE)


#: Words just before a number that make it what is achieved, not the datasheet's peak: "at a
#: realistic 50 GB/s", "an effective 700 TFLOP/s", "measured 370 GB/s".
_ACHIEVED_BEFORE_RE = re.compile(
    r"\b(?:realistic(?:ally)?|effective|achieved|achievable|attainable|sustained|"
    r"measured|practical|usable|real-world|in\s+practice|delivered)"
    r"(?:\s+(?:about|around|roughly|maybe|only|perhaps|call\s+it))?\s*[~≈]?\s*$",
    re.IGNORECASE)


#: The same said after the rate: "378 TFLOP/s achieved", "350 TFLOP/s of useful work".
_ACHIEVED_AFTER_RE = re.compile(
    r"\s*(?:of\s+)?(?:achieved|sustained|measured|delivered|effective|realistic|in\s+practice"
    r"|actual|useful\s+work|real\s+work)\b", re.IGNORECASE)


def _achieved_below(typed: str, figure: Figure, text: str, start: int, reading: Any) -> bool:
    """Whether ``typed`` (at ``start`` of ``text``) is said as an achieved rate ("at a realistic
    50 GB/s") below a hardware ``figure`` that is a rate (a peak), by no more than what real
    work loses (:data:`ACHIEVED_FLOOR_BANDWIDTH`, :data:`ACHIEVED_FLOOR_FLOPS`): what a link or
    chip delivers in practice is less than its datasheet, so it is no slip. A rate said as
    achieved above the peak, or far below it, still is; so is a share (MFU)."""
    if not figure.unit.strip().endswith("/s") or (
            _ACHIEVED_BEFORE_RE.search(text[max(0, start - 32):start]) is None
            and _ACHIEVED_AFTER_RE.match(text, start + len(typed)) is None):
        return False
    value = reading(typed, figure)
    floor = ACHIEVED_FLOOR_FLOPS if "flop" in figure.unit.lower() else ACHIEVED_FLOOR_BANDWIDTH
    return value is not None and floor * figure.value <= value < figure.value


#: The least share of a peak an achieved rate can be and still be read as achieved, not a
#: slip: a link delivers at least half its datasheet (PCIe ~80 %, NCCL busbw ~70-90 %), a chip
#: at least a quarter of its FLOP/s on real work (MFU 35-45 %). "A realistic 0.5 TB/s of HBM"
#: on an H100 is a slip.
ACHIEVED_FLOOR_BANDWIDTH = 0.5
ACHIEVED_FLOOR_FLOPS = 0.25


@cache
def _a_datasheet_figure(figure: Figure) -> bool:
    """Whether a question's own ``figure`` is a hardware figure — its value a datasheet value
    of the catalog (within 1 %: "H100 BF16 dense peak, 989 TFLOP/s") — rather than a result the
    question works out ("90 days on 2,048 H100s"): such a figure is a peak, as the known ones
    are, so an achieved rate or a value derived from it is not it restated."""
    return _a_datasheet_value(f"{figure.value:g} {figure.unit}", datasheet_values(), 0.01)


#: An expression worked out up to a number: an operand, an operator, another operand, then
#: "=", "≈" or an arrow ("989 TF dense * 40% mfu = ~3.96e14 flop/s"). An "x" is an operator
#: only with a space after it: "Gen5 x16 -> 32 GB/s" names a lane count, not a product.
_RESULT_BEFORE_RE = re.compile(
    r"[0-9][^=≈→.;]*?(?:\s[×*/]\s*|\sx\s+)[~≈$]?[0-9][^=≈→.;]*?(?:=|≈|→|->)\s*[~≈$]?\s*$",
    re.IGNORECASE)


#: A chain that opens by naming what it computes: "… peak = 2 × 989 = …", "… is 18 × 100 = …".
_RESTATED_RE = re.compile(r"(?:=|≈|:|\bis|\bare|\bgives?|\bequals?)\s*[~≈]?\s*$", re.IGNORECASE)


def _a_result(text: str, sentence_start: int, start: int) -> bool:
    """Whether the number at ``start`` is the result of arithmetic written out before it in its
    sentence ("989 TF dense * 40% mfu = ~3.96e14 flop/s"): a value derived from a hardware
    figure, not the figure restated. The arithmetic check judges the sum instead. A chain
    that opens by naming the figure ("FP8 dense = 2 × 1,979 = 3,958 TFLOP/s") restates it,
    and is judged."""
    window_start = max(sentence_start, start - 120)
    match = _RESULT_BEFORE_RE.search(text[window_start:start])
    if match is None:
        return False
    # "H100 NVLink in total = 18 × 100 = 1,800 GB/s": the figure named, then its value worked
    # out wrong; the chain restates the figure and is judged.
    said_before = text[sentence_start:window_start + match.start()]
    return _RESTATED_RE.search(said_before) is None


def _a_change(text: str, start: int) -> bool:
    """Whether the number at ``start`` is a change, a spread or the second of a pair rather
    than a value of its own: "±12%", "+3%", "up by 5%" ("MFU ±12%" states no MFU), "1,979 vs
    989 TFLOP/s" (which unit goes with which number is the sentence's to say)."""
    return bool(_CHANGE_RE.search(text[max(0, start - 24):start]))


_PERCENT_UNITS = ("%", "percent", "pct")
_FACTOR_UNITS = ("x", "×")


def states(typed: str, figure: Figure) -> bool:
    """Whether the quantity ``typed`` is ``figure``'s value, in a unit of its kind, within its
    tolerance ("3.35 TB/s" and "3350 GB/s" both state the H100's HBM bandwidth)."""
    if not _same_kind(typed, figure.unit):
        return False
    value = _read(typed, figure.unit)
    return value is not None and within(value, figure.value, figure.tolerance)


def _same_kind(typed: str, unit: str) -> bool:
    """Whether ``typed`` can be the figure's kind of number at all: a percentage only for a
    "%" figure, a factor ("3x") only for an "x" figure, and a number with a unit for a figure
    with one (a bare "400 trillion" is not a FLOP rate)."""
    from grading._syntax import scan_quantity

    scanned = scan_quantity(typed)
    if scanned is None:
        return False
    typed_unit = scanned.unit_text.strip().lower()
    unit = unit.strip().lower()
    if unit in _PERCENT_UNITS or typed_unit in _PERCENT_UNITS:
        return unit in _PERCENT_UNITS and typed_unit in _PERCENT_UNITS
    if unit in _FACTOR_UNITS or typed_unit in _FACTOR_UNITS:
        return unit in _FACTOR_UNITS and typed_unit in _FACTOR_UNITS
    return bool(unit) == scanned.has_unit


def _sentence_of(sentences: Sequence[Any], offset: int) -> Any:
    return next((s for s in sentences if s.start <= offset < s.end), None)


def _word_before(starts: Sequence[int], offset: int) -> int:
    """The index of the last word that starts before character ``offset`` (0 if none): the
    last word of a quantity that ends there."""
    import bisect

    return max(0, bisect.bisect_left(starts, offset) - 1)


def _word_at(starts: Sequence[int], offset: int) -> int:
    """The index of the word at or after character ``offset`` (the last word if none)."""
    import bisect

    return min(bisect.bisect_left(starts, offset), max(0, len(starts) - 1))
