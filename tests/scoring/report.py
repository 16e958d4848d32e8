"""Print the issue-#15 figures of today's open-answer scorer on both splits of the labelled set.

    python -m tests.scoring.report            # the figures, tune and held-out side by side
    python -m tests.scoring.report --json     # the same as JSON
    python -m tests.scoring.report --answers  # plus every *tune* answer: label, score, text
    python -m tests.scoring.report --split tune  # the tune split only (for tuning: the
                                                  # held-out figures are not even computed)
    python -m tests.scoring.report --subsets     # held-out as drawn, clean, later, unseen
    python -m tests.scoring.report --sealed      # held-out, the sealed answers to its
                                                  # questions, and both together
    python -m tests.scoring.report --sealed 2    # the same with the second sealed set

Today's scorer is :func:`grading.rubric.score_open` called the way
``engine.study.session.StudySession.submit`` calls it for an open question: the item posed by
``engine.questions.pose``, the answer stripped, the posed question's key points and red flags,
the default process flags; the score is ``auto_score`` (:func:`session_scorer`;
``tests/scoring/test_labelled_set.py`` checks it against a real session's recorded score).

``--answers`` lists the tune split only: held-out answers are measured, never shown answer by
answer, so that tuning against this output cannot look at them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content.loader import OpenQuestion
from tests.scoring.labelled import (
    CATEGORIES,
    FRESH_HELDOUT,
    SEALED_DIR,
    SEALED_DIRS,
    SPLITS,
    STRONG_CATEGORIES,
    STRONG_PASS_SCORE,
    TUNED_THEN_HELDOUT,
    UNSEEN_HELDOUT,
    Figures,
    LabelledSet,
    LabelledSetError,
    Scorer,
    compute_figures,
    load_labelled,
    load_sealed,
    target_checks,
)

if TYPE_CHECKING:
    from grading.rubric import RubricResult

SCORER_NAME = "grading.rubric.score_open, as engine.study.session scores an open answer"


def session_result(item: OpenQuestion, text: str) -> RubricResult:
    """The verdict a drill or loop session gives ``text`` answering ``item``: the item posed as
    a session poses it, the answer stripped, scored with its key points, red flags, figures
    and prompt."""
    from content.catalog import builtin_catalog
    from engine.questions import pose
    from grading.rubric import score_open

    question = pose(item, None, builtin_catalog(), 0)
    return score_open(text.strip(), question.key_points, question.red_flags,
                      figures=question.figures, prompt=question.prompt)


def session_scorer(item: OpenQuestion, text: str) -> float:
    """The automatic score a drill or loop session records for ``text`` answering ``item``."""
    return session_result(item, text).auto_score


def _share(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.0%}"


def _number(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def _category(figures: Figures, category: str, statistic: str) -> str:
    """One statistic of one category, or n/a when the split scored no answer of that kind."""
    found = figures.categories.get(category)
    return "n/a" if found is None else _number(getattr(found, statistic))


def _strong_counts(figures: Figures) -> str:
    strong = [s.score for s in figures.scored if s.answer.category in STRONG_CATEGORIES]
    passed = sum(score >= STRONG_PASS_SCORE for score in strong)
    return f"{_share(figures.strong_share)} ({passed}/{len(strong)})"


def format_report(figures: Mapping[str, Figures], scorer_name: str = SCORER_NAME) -> str:
    """The figures of each split side by side, the held-out split checked against the issue's
    targets, and each category's mean score."""
    splits = list(figures)
    width = 22
    lines = [f"scorer: {scorer_name}",
             "labelled set: " + ", ".join(
                 f"{split} {figures[split].questions} questions / {figures[split].answers} "
                 f"answers" for split in splits),
             "",
             f"{'':32}" + "".join(f"{split:<{width}}" for split in splits) + "target (held out)"]

    def row(name: str, cells: Sequence[str], target: str) -> None:
        lines.append(f"{name:32}" + "".join(f"{cell:<{width}}" for cell in cells) + target)

    row(f"strong (both kinds) ≥ {STRONG_PASS_SCORE:.2f}",
        [_strong_counts(figures[s]) for s in splits], "≥ 90% of them")
    bounds = {"process": "max ≤ 0.20", "term_list": "max ≤ 0.35", "wrong": "max ≤ 0.50"}
    for category, bound in bounds.items():
        row(f"{category}: max / mean",
            [f"{_category(figures[s], category, 'maximum')} / "
             f"{_category(figures[s], category, 'mean')}" for s in splits], bound)
    row("Spearman ρ with the labels", [_number(figures[s].spearman) for s in splits], "≥ 0.80")
    lines += ["", "mean score (min–max) by category:"]
    for category in CATEGORIES:
        row(f"  {category}",
            [f"{_category(figures[s], category, 'mean')} "
             f"({_category(figures[s], category, 'minimum')}–"
             f"{_category(figures[s], category, 'maximum')})" for s in splits], "")
    for split in splits:
        if split == "tune":
            continue
        checks = target_checks(figures[split])
        met = sum(check[4] for check in checks)
        measurable = sum(not math.isnan(check[3]) for check in checks)
        name = "held-out" if split == "heldout" else f"held-out, {split}"
        lines += ["", f"{name} targets met: {met} of {measurable}"]
        for name, comparison, bound, value, ok in checks:
            if math.isnan(value):
                lines.append(f"  n/a   {name} {comparison} {bound:g}: no answers to measure")
                continue
            lines.append(f"  {'met ' if ok else 'MISS'}  {name} {comparison} {bound:g}: "
                         f"{_number(value)}")
    return "\n".join(lines)


def subset_figures(labelled: LabelledSet) -> dict[str, Figures]:
    """The held-out split four ways (tests/scoring/labelled/README.md, "the split"): as the
    rule draws it; ``clean``, without the questions tuned on before they moved into it;
    ``later``, the held-out questions of the three later batches, written after the scorer's
    first tuning; and ``unseen``, the fourth batch's, never scored before this measurement."""
    heldout = [q.item.id for q in labelled.split_questions("heldout")]
    clean = [i for i in heldout if i not in TUNED_THEN_HELDOUT]
    later = [*FRESH_HELDOUT, *UNSEEN_HELDOUT]
    return {"heldout": compute_figures(labelled, session_scorer, "heldout"),
            "clean": compute_figures(labelled.only(clean), session_scorer, "heldout"),
            "later": compute_figures(labelled.only(later), session_scorer, "heldout"),
            "unseen": compute_figures(labelled.only(UNSEEN_HELDOUT), session_scorer,
                                      "heldout")}


def sealed_figures(labelled: LabelledSet, scorer: Scorer = session_scorer,
                   directory: Path = SEALED_DIR) -> dict[str, Figures]:
    """The held-out split beside the sealed answers to its questions
    (``tests/scoring/labelled_sealed/``: one strong-in-other-words, one wrong and one term-list
    answer per held-out question, written after the held-out measurement), and both together.
    The sealed answers carry no process, own-terms or partial answers, so those figures are
    n/a in their column."""
    heldout = {q.item.id: q for q in labelled.split_questions("heldout")}
    heldout_answers = labelled.split_answers("heldout")
    sealed_answers = load_sealed(labelled, directory)
    return {"heldout": compute_figures(LabelledSet(heldout, heldout_answers), scorer,
                                       "heldout"),
            "sealed": compute_figures(LabelledSet(heldout, sealed_answers), scorer, "heldout"),
            "both": compute_figures(LabelledSet(heldout, (*heldout_answers, *sealed_answers)),
                                    scorer, "heldout")}


def format_answers(figures: Figures) -> str:
    """Every answer of one split with its label and score, worst disagreement first."""
    rows = sorted(figures.scored, key=lambda s: -abs(s.score - s.answer.label))
    lines = [f"answers of split {figures.split!r}, largest |score − label| first:"]
    for scored in rows:
        answer = scored.answer
        lines += ["", f"{answer.item} · {answer.category} · label {answer.label:.2f} · "
                      f"score {scored.score:.2f}",
                  f"  why: {answer.why}",
                  *(f"  | {line}" for line in answer.text.splitlines())]
    return "\n".join(lines)


def figures_json(figures: Figures) -> dict[str, Any]:
    """One split's figures as plain data (NaN becomes null)."""

    def clean(value: float) -> float | None:
        return None if math.isnan(value) else round(value, 4)

    return {
        "questions": figures.questions,
        "answers": figures.answers,
        "strong_share": clean(figures.strong_share),
        "spearman": clean(figures.spearman),
        "categories": {name: {"count": c.count, "mean": clean(c.mean),
                              "min": clean(c.minimum), "max": clean(c.maximum)}
                       for name, c in figures.categories.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report; exit 1 if the labelled set does not validate, 2 on bad arguments."""
    parser = argparse.ArgumentParser(prog="python -m tests.scoring.report",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--answers", action="store_true",
                        help="also list every tune-split answer with its label and score")
    parser.add_argument("--split", choices=SPLITS,
                        help="compute and print one split only (tune while tuning)")
    parser.add_argument("--subsets", action="store_true",
                        help="the held-out split as drawn, clean (without questions tuned "
                             "on before they moved into it), later (batches 2-4, written "
                             "after the first tuning) and unseen (fourth batch)")
    parser.add_argument("--sealed", type=int, nargs="?", const=1, choices=sorted(SEALED_DIRS),
                        help="the held-out split beside a sealed set of answers to its "
                             "questions (1: tests/scoring/labelled_sealed/, 2: "
                             "labelled_sealed_2/, 3 and 4 likewise) and both together")
    options = parser.parse_args(argv)
    try:
        labelled = load_labelled()
        sealed = (sealed_figures(labelled, directory=SEALED_DIRS[options.sealed])
                  if options.sealed else None)
    except LabelledSetError as error:
        print(error, file=sys.stderr)
        return 1
    if sealed is not None:
        print(format_report(sealed))
        return 0
    if options.subsets:
        print(format_report(subset_figures(labelled)))
        return 0
    splits = (options.split,) if options.split else SPLITS
    figures = {split: compute_figures(labelled, session_scorer, split) for split in splits}
    if options.json and "heldout" not in figures:
        print(json.dumps({"scorer": SCORER_NAME,
                          "splits": {split: figures_json(f) for split, f in figures.items()}},
                         indent=2))
        return 0
    if options.json:
        checks = target_checks(figures["heldout"])
        print(json.dumps({
            "scorer": SCORER_NAME,
            "splits": {split: figures_json(f) for split, f in figures.items()},
            "heldout_targets": [{"figure": name, "comparison": comparison, "bound": bound,
                                 "value": None if math.isnan(value) else round(value, 4),
                                 "met": ok}
                                for name, comparison, bound, value, ok in checks],
        }, indent=2))
        return 0
    print(format_report(figures))
    if options.answers and "tune" in figures:
        print()
        print(format_answers(figures["tune"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
