"""A regression guard from the trap battery (``tests/scoring/paraphrases/trap_battery/``, see
its README): single sentences, wrong (W) and right (R), on the 18 traps blind writers planted
most often in the sealed sets, written by two blind writers (``battery_a``, ``battery_b``) and
by the independent reviewers of the twelfth session's rules (``reviews``).

Each sentence is scored as an answer on its own with no question (``score_open`` with no key
points): what the scorer knows of the field whatever the question — the known figures, the
known misconceptions, the linear-scaling shape, the bit/byte and arithmetic slips. A wrong
sentence is caught when it draws a contradiction or a wrong number; a right one is flagged
when it does. The counts below are where the scorer stands (twelfth session, c9d9e54): the
caught may rise, never fall; the flagged may fall, never rise.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

BATTERY = Path(__file__).parent / "paraphrases" / "trap_battery"
CLASSES = frozenset({
    "nic-bits-as-bytes", "sparse-as-dense", "job-mtbf-no-scaling", "bound-inversion",
    "fp8-format-swap", "averaging-dilutes-corruption", "tp-as-dp-comm", "queue-wait-linear",
    "gpus-from-tdp", "bytes-per-param", "microbatches-without-dp", "pue-divide",
    "lost-work-omitted", "kv-context-free", "batch-scaling-free", "flash-attention-mechanism",
    "nvlink-direction", "ecc-catches-sdc"})
#: file stem -> (wrong sentences caught at least, right sentences flagged at most)
STANDING = {"battery_a": (19, 4), "battery_b": (13, 2), "reviews": (5, 9)}


@cache
def _lines(stem: str) -> tuple[tuple[str, str, str], ...]:
    rows = []
    for number, line in enumerate((BATTERY / f"{stem}.txt").read_text("utf-8").splitlines(), 1):
        kind, trap, sentence = line.split("|", 2)
        assert kind in ("W", "R") and trap in CLASSES and sentence.strip(), f"{stem}:{number}"
        rows.append((kind, trap, sentence))
    return tuple(rows)


def test_the_battery_files_are_whole() -> None:
    """Each blind writer wrote 10 wrong and 6 right sentences for each of the 18 traps."""
    for stem in ("battery_a", "battery_b"):
        rows = _lines(stem)
        for trap in CLASSES:
            kinds = [kind for kind, named, _s in rows if named == trap]
            assert (kinds.count("W"), kinds.count("R")) == (10, 6), (stem, trap)
    assert len(_lines("reviews")) == 420


@pytest.mark.parametrize("stem", sorted(STANDING))
def test_catches_do_not_fall_and_false_flags_do_not_rise(stem: str) -> None:
    from grading.rubric import score_open

    caught = flagged = 0
    for kind, _trap, sentence in _lines(stem):
        result = score_open(sentence, (), process_flags=())
        said_wrong = bool(result.contradictions or result.wrong_numbers)
        caught += kind == "W" and said_wrong
        flagged += kind == "R" and said_wrong
    least_caught, most_flagged = STANDING[stem]
    assert caught >= least_caught, f"{stem}: {caught} wrong sentences caught, was {least_caught}"
    assert flagged <= most_flagged, f"{stem}: {flagged} right sentences flagged, was {most_flagged}"
