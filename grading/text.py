"""Grade a short text answer ("HBM3e", "ring all-reduce", "ZeRO-3") against accepted phrasings.

The answer is right when it contains one of the accepted phrasings, un-negated, under the rules
of :mod:`grading._phrases`: case, spaces, hyphens, underscores and dots never matter
("HBM2e" = "hbm 2e" = "hbm-2e"); a typo in a long run of letters is forgiven
("all-redcue"), a different digit or version suffix never is ("HBM3" is not "HBM3e"); and
"not HBM3" / "isn't HBM3" do not say HBM3. Equivalent names that are not spelling variants
("zero stage 3" for "ZeRO-3") count only when content lists them.

There is no "close" for text and nothing raises: any string gets a :class:`TextGrade`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from grading._phrases import analyse, find_phrase

__all__ = ["MAX_TEXT_CHARS", "TextBand", "TextGrade", "grade_text"]

TextBand = Literal["exact", "off"]

#: Longest short answer read; a short answer is a name, not an essay.
MAX_TEXT_CHARS = 500


@dataclass(frozen=True)
class TextGrade:
    """The verdict on one short text answer.

    ``band`` is ``"exact"`` or ``"off"`` (the same names as numeric bands, so
    :func:`grading.rating.suggest_rating` takes it as is); ``matched`` is the accepted phrasing
    that matched, as listed in content, or None; ``message`` is one line for the player.
    """

    band: TextBand
    matched: str | None
    message: str


def grade_text(answer: str, accepted: Sequence[str]) -> TextGrade:
    """Grade ``answer`` against the ``accepted`` phrasings; never raises.

    Exact (separator- and case-insensitive) matches are tried for every phrasing before any
    typo is forgiven, so a listed spelling always wins over a fuzzy neighbour. Empty, too
    long, or no accepted phrasing found (or found only negated) is ``"off"``.
    """
    if isinstance(accepted, str):
        accepted = (accepted,)
    if not answer.strip():
        return TextGrade("off", None, "Off — no answer typed.")
    if len(answer) > MAX_TEXT_CHARS:
        too_long = f"Off — the answer is too long (keep it under {MAX_TEXT_CHARS} characters)."
        return TextGrade("off", None, too_long)
    analysed = analyse(answer)
    if not analysed.words:
        return TextGrade("off", None, "Off — the answer has no words or numbers in it.")
    for fuzzy in (False, True):
        for phrasing in accepted:
            found = find_phrase(analysed, phrasing, fuzzy=fuzzy)
            if found is None:
                continue
            if found.fuzzy:
                message = f"Right — '{phrasing}' (forgiving the spelling '{found.typed}')."
            else:
                message = f"Right — '{phrasing}'."
            return TextGrade("exact", phrasing, message)
    if any(find_phrase(analysed, phrasing, negation=False) for phrasing in accepted):
        return TextGrade("off", None, "Off — the answer names it only to deny it.")
    return TextGrade("off", None, "Off — not one of the accepted answers.")
