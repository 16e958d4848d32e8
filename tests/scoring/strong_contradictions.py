"""Which right answers does the scorer read a contradiction in? The false-positive check a
misconception writer runs after every few additions.

    python -m tests.scoring.strong_contradictions open_behavioral   # one deck's questions
    python -m tests.scoring.strong_contradictions                   # every open question

Reads only *strong* answers — the labelled set's tune split, the paraphrases and the strong
probes, about 750 — so that a writer listing misconceptions blind sees no wrong answer. For each
strong answer in which a misconception, denial, inversion, overclaim or known trap fires, it
prints the item, the file, the score and each contradiction with its sentence; a new
misconception that appears here is too broad. Run from a worktree with ``PYTHONPATH=.`` to check
that worktree's decks.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

PARAPHRASES = Path(__file__).parent / "paraphrases"
DECKS = Path(__file__).parents[2] / "content" / "decks"


def strong_answers() -> Iterator[tuple[str, str, str]]:
    """(item id, text, where) for every strong tune-split, paraphrase and probe answer."""
    from tests.scoring.labelled import load_labelled

    for answer in load_labelled().split_answers("tune"):
        if answer.category.startswith("strong"):
            yield answer.item, answer.text, "labelled (tune)"
    for path in sorted(PARAPHRASES.glob("**/*.toml")):
        with path.open("rb") as handle:
            for answer in tomllib.load(handle).get("answer", []):
                kind = str(answer.get("kind") or answer.get("category") or path.stem)
                if "strong" in kind.lower():
                    yield answer["item"], answer["text"], path.name


def main(argv: list[str]) -> int:
    from content.loader import load_bank
    from tests.scoring.report import session_result

    items = {item.id: item for item in load_bank().open_questions()}
    wanted = set(items)
    if argv:
        with (DECKS / f"{argv[0]}.toml").open("rb") as handle:
            wanted = {entry["id"] for entry in tomllib.load(handle).get("open", [])}
    read = flagged = 0
    for item_id, text, where in strong_answers():
        if item_id not in wanted:
            continue
        read += 1
        result = session_result(items[item_id], text)
        if result.contradictions:
            flagged += 1
            print(f"## {item_id} [{where}] score {result.auto_score:.2f}")
            for contradiction in result.contradictions:
                print(f"   {contradiction.kind}: {contradiction.found!r}\n"
                      f"      in: {contradiction.sentence[:300]}")
    print(f"{read} strong answers; {flagged} with a contradiction")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
