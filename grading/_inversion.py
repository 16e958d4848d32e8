"""Turn a key point's phrasings into the claims that invert it.

Many key points state a direction: "decode is memory-bound", "fewer steps to the same loss",
"bubble shrinks as microbatches grow", "keep the save async". A confidently wrong answer says
the opposite with the same subject ("decode is compute-bound", "async saves are risky, keep
them synchronous"). Content can list such misconceptions per point, but an author cannot
foresee every way a point is inverted; :func:`inverted_phrasings` derives them for every key
point of every open question from a table of opposite words (:data:`OPPOSITES`).

Only phrasings of two or more parts (``"decode & memory bound"``) are inverted, and only the
part that holds a polar word: the other parts pin the inverted claim to the point's subject,
and :meth:`grading._evidence.Reader.misconception` asks for every part in one clause. A lone
polar phrase ("memory bound") is not inverted: "FlashAttention makes it compute-bound" does
not deny that standard attention is memory-bound.

Pure standard library; nothing here raises on any phrasing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["OPPOSITES", "WHOLE_OPPOSITES", "inverted_phrasings"]

#: Pairs of opposite words or phrases (each maps both ways). Chosen for the claims AI-infra
#: answers make: what bounds a kernel, which way a quantity moves, sync vs async, how a cost
#: scales.
OPPOSITES: tuple[tuple[str, str], ...] = (
    ("memory bound", "compute bound"),
    ("memory-bound", "compute-bound"),
    ("bandwidth bound", "compute bound"),
    ("bandwidth-bound", "compute-bound"),
    ("latency bound", "bandwidth bound"),
    ("latency-bound", "bandwidth-bound"),
    ("fewer", "more"),
    ("less", "more"),
    ("increase", "decrease"),
    ("increases", "decreases"),
    ("increased", "decreased"),
    ("raises", "lowers"),
    ("higher", "lower"),
    ("faster", "slower"),
    ("larger", "smaller"),
    ("bigger", "smaller"),
    ("grows", "shrinks"),
    ("wider", "narrower"),
    ("synchronous", "asynchronous"),
    ("sync", "async"),
    ("linear", "quadratic"),
    ("linearly", "quadratically"),
    ("cheaper", "more expensive"),
    ("better", "worse"),
    ("longer", "shorter"),
    ("overlap", "serialize"),
    ("overlapped", "serialized"),
    ("hides", "exposes"),
    ("hidden", "exposed"),
    ("on the critical path", "off the critical path"),
    ("reduces", "increases"),
    ("reduce", "increase"),
    ("cheap", "expensive"),
)

#: A whole alternative that is one side of a bound, and every way an answer says the other
#: side ("prefill is memory-bandwidth-bound" inverts "prefill & compute bound").
WHOLE_OPPOSITES: dict[str, str] = {
    "compute bound": "memory bound|bandwidth bound|memory bandwidth bound|io bound",
    "compute-bound": "memory-bound|bandwidth-bound|memory-bandwidth-bound|io-bound",
    "memory bound": "compute bound|flops bound|math bound|compute limited",
    "memory-bound": "compute-bound|flops-bound|math-bound|compute-limited",
    "bandwidth bound": "compute bound|flops bound|math bound|compute limited",
    "bandwidth-bound": "compute-bound|flops-bound|math-bound|compute-limited",
}


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for one, other in OPPOSITES:
        table.setdefault(one, other)
        table.setdefault(other, one)
    return table


@lru_cache(maxsize=1)
def _polar_re() -> re.Pattern[str]:
    words = sorted(_table(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])",
                      re.IGNORECASE)


def _invert_alternative(alternative: str) -> str | None:
    """``"memory bound"`` → ``"compute bound"``; None when no polar word is in it (or a prefix
    ``*`` or a negation would make the swap mean something else)."""
    text = alternative.strip()
    if not text or text.endswith("*") or text.startswith("!"):
        return None
    if text.casefold() in WHOLE_OPPOSITES:
        return WHOLE_OPPOSITES[text.casefold()]
    swapped, count = _polar_re().subn(lambda m: _table()[m.group(1).lower()], text)
    return swapped if count else None


@lru_cache(maxsize=8192)
def _inverted(phrasing: str) -> tuple[str, ...]:
    parts = [part.strip() for part in phrasing.split("&")]
    if len(parts) < 2 or any(not part for part in parts):
        return ()
    found: list[str] = []
    for index, part in enumerate(parts):
        if part.startswith("!"):
            continue
        alternatives = [alt.strip() for alt in part.split("|")]
        own = {alt.casefold() for alt in alternatives}
        # A part listing both sides ("faster|slower") states no direction: nothing to invert.
        inverted = [s for s in (_invert_alternative(alt) for alt in alternatives)
                    if s and s.casefold() not in own]
        if not inverted or len(inverted) < len([a for a in alternatives
                                                 if _invert_alternative(a)]):
            continue
        # The other parts keep only the alternatives with no polar word of their own, so a
        # swap in one part is not undone by another ("more & fewer|less").
        rest = []
        for other_index, other in enumerate(parts):
            if other_index == index:
                continue
            kept = [alt.strip() for alt in other.split("|")
                    if _invert_alternative(alt) is None]
            if not kept:
                break
            rest.append(("!" if other.startswith("!") else "") +
                        "|".join(alt.lstrip("!") for alt in kept))
        else:
            found.append(" & ".join(["|".join(inverted), *rest]))
    return tuple(found)


def inverted_phrasings(phrasings: Iterable[str]) -> tuple[str, ...]:
    """The inversions of every multi-part phrasing in ``phrasings`` that holds a polar word,
    minus any phrasing the point itself lists (a point may name both sides)."""
    own = {p.strip().casefold() for p in phrasings}
    result: list[str] = []
    for phrasing in phrasings:
        if not isinstance(phrasing, str):
            continue
        for inverted in _inverted(phrasing):
            if inverted.casefold() not in own and inverted not in result:
                result.append(inverted)
    return tuple(result)
