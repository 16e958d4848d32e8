"""The labelled answer set for open questions (issue #15): load it, check it, measure a scorer.

The set is data in ``tests/scoring/labelled/*.toml``, one file per interview round (see the
README there): for each chosen open question, answers of six kinds, each written as a
candidate would say it in the room and labelled with the score a strict senior interviewer in
a modelling-first loop would give (0–1) and why. It is the measuring stick a scorer of open
answers is tuned against; it says nothing about how a scorer works.

- :func:`load_labelled` reads and validates the set against the content bank and raises
  :class:`LabelledSetError` listing every problem (file, item, category), not just the first.
- :func:`compute_figures` scores every answer of one split with a given scoring function and
  returns the issue's figures: the share of strong answers at or above 0.7, the maximum and
  mean score of each category (process talk, bare term lists, confidently wrong answers above
  all), and the Spearman rank correlation between scores and labels.
- :data:`TARGETS` are the issue's targets for the held-out split; :func:`target_checks` says
  which a set of figures meets. Nothing here asserts them: today's scorer does not meet them.

The split is fixed by a rule that looks only at item ids (:func:`heldout_by_rule`), so it was
decided before any scorer saw an answer, and the loader checks each question's ``split``
against it. Tuning may look at ``split = "tune"`` only.

This module is a helper for tests and for ``python -m tests.scoring.report``, not a test.
scipy is imported inside :func:`spearman` only (``scipy.stats`` costs ~0.9 s to import).
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from content.loader import Bank, OpenQuestion, load_bank

__all__ = [
    "CATEGORIES",
    "FRESH_HELDOUT",
    "HELDOUT_FRACTION_DENOMINATOR",
    "LABELLED_DIR",
    "LABEL_RANGES",
    "MAX_WORDS",
    "MIN_ANSWERS_PER_QUESTION",
    "MIN_QUESTIONS",
    "MIN_QUESTIONS_PER_ROUND",
    "MIN_WORDS",
    "ROUNDS",
    "SEALED_CATEGORIES",
    "SEALED_DIR",
    "SEALED_DIRS",
    "SPLITS",
    "STRONG_CATEGORIES",
    "STRONG_PASS_SCORE",
    "TARGETS",
    "TUNED_THEN_HELDOUT",
    "UNSEEN_HELDOUT",
    "WATCHED_CATEGORIES",
    "CategoryFigures",
    "Figures",
    "LabelledAnswer",
    "LabelledQuestion",
    "LabelledSet",
    "LabelledSetError",
    "ScoredAnswer",
    "Scorer",
    "compute_figures",
    "heldout_by_rule",
    "load_labelled",
    "load_sealed",
    "spearman",
    "target_checks",
    "word_count",
]

#: Where the set lives: one TOML file per round.
LABELLED_DIR = Path(__file__).resolve().with_name("labelled")
#: Sealed answers to the held-out questions (tests/scoring/labelled_sealed/README.md): written
#: after every open question was labelled, validated here and scored once, by the session
#: that opens them, beside the held-out split (``report --sealed``).
SEALED_DIR = Path(__file__).resolve().with_name("labelled_sealed")
#: Every sealed set of fresh answers to the held-out questions, by number: the first was
#: written after the held-out measurement of 2026-12-05 and scored once at 6f49e6b; the second
#: was written on 2026-12-05 (sixth session) before that session's scorer changes; the third
#: on 2026-12-05 (seventh session), by writers who read the items with their phrasings,
#: misconceptions and figures hidden; the fourth the same way at the start of the eighth
#: session (2026-12-05), before any of its changes; the fifth the same way at the start of the
#: ninth session (2026-12-05); the sixth the same way at the start of the tenth session
#: (2026-12-05), and the seventh midway through it, before its second round of changes; the
#: eighth the same way at the start of the eleventh session (2026-12-06); the ninth the same
#: way at the start of the twelfth (2026-12-06).
SEALED_DIRS = {1: SEALED_DIR, 2: SEALED_DIR.with_name("labelled_sealed_2"),
               3: SEALED_DIR.with_name("labelled_sealed_3"),
               4: SEALED_DIR.with_name("labelled_sealed_4"),
               5: SEALED_DIR.with_name("labelled_sealed_5"),
               6: SEALED_DIR.with_name("labelled_sealed_6"),
               7: SEALED_DIR.with_name("labelled_sealed_7"),
               8: SEALED_DIR.with_name("labelled_sealed_8"),
               9: SEALED_DIR.with_name("labelled_sealed_9")}
#: The categories each held-out question has in the sealed set.
SEALED_CATEGORIES = ("strong_other_words", "wrong", "term_list")

#: The interview rounds, as content's ``rounds`` names them.
ROUNDS = (
    "recruiter_screen",
    "technical_screen",
    "program_design",
    "technical_depth",
    "behavioral",
    "system_tradeoffs",
)

#: The six kinds of answer every question has, one or more of each.
CATEGORIES = (
    "strong_own_terms",  # strong, in the question's own terms
    "strong_other_words",  # strong, in other words: synonyms, another valid approach or story
    "process",  # weak process talk: stakeholders, alignment, cadence, no mechanism
    "term_list",  # a bare list of the key-point terms, no claims
    "wrong",  # confidently wrong while using the right terms
    "partial",  # partially right: some points with substance, some missing
)
STRONG_CATEGORIES = ("strong_own_terms", "strong_other_words")
#: The weak kinds whose maximum score the issue bounds.
WATCHED_CATEGORIES = ("process", "term_list", "wrong")

#: The label each category must carry (inclusive), so a label that contradicts its category is
#: caught as a typo: strong ≈ 0.75–0.95, partial ≈ 0.4–0.6, wrong ≈ 0.05–0.3, term list
#: ≈ 0.05–0.25, process talk ≈ 0–0.15.
LABEL_RANGES: Mapping[str, tuple[float, float]] = {
    "strong_own_terms": (0.75, 0.95),
    "strong_other_words": (0.75, 0.95),
    "partial": (0.40, 0.60),
    "wrong": (0.05, 0.30),
    "term_list": (0.05, 0.25),
    "process": (0.0, 0.15),
}

SPLITS = ("tune", "heldout")
#: Held-out questions, as the rule draws them, that had been in the tune split and looked at
#: answer by answer while tuning before a new batch moved them: not clean held-out. The second
#: batch (2026-12-05) moved two (one of which, ``more_gpus_vs_time``, the fourth batch moved back
#: to tune), the third batch three (``bringup_16k_cluster`` likewise moved back by the fourth).
TUNED_THEN_HELDOUT = (
    "open.recruiter.training_vs_inference", "open.recruiter.why_tpm_modelling",
    "open.depth.flash_attention",
)
#: Held-out questions of the second and third batches: never tuned on; each measured only in
#: aggregate, once at the end of the session that added it and at later sessions' ends.
FRESH_HELDOUT = (
    "open.screen.train_memory_70b", "open.screen.pipeline_bubble",
    "open.design.h100_to_b200_migration", "open.depth.silent_data_corruption",
    "open.behavioral.killed_project_cost_model",
    "open.screen.allreduce_7b_64_h100", "open.tradeoffs.dedicated_vs_shared",
)
#: Held-out questions of the fourth batch (2026-12-05): never scored by anyone before their one
#: measurement.
UNSEEN_HELDOUT = (
    "open.screen.tp_across_nodes", "open.design.mi300x_second_source",
    "open.behavioral.incomplete_data_decision", "open.tradeoffs.long_context_pricing",
)
#: One question in this many, per round, is held out (rounded down; see heldout_by_rule).
HELDOUT_FRACTION_DENOMINATOR = 3

#: The set's minimum shape (issue #15 and its brief).
MIN_QUESTIONS = 24
MIN_QUESTIONS_PER_ROUND = 3
MIN_ANSWERS_PER_QUESTION = 6
#: An answer is what a candidate says in the room: 60–250 words.
MIN_WORDS = 60
MAX_WORDS = 250
#: A run of this many words (of two or more letters: arithmetic is allowed to coincide)
#: shared with the item's model answer means prose was pasted.
PASTE_RUN_WORDS = 10

#: This many of the item's phrasings, in the deck's order, as consecutive items of a list in
#: an answer mean the phrasing lists were pasted (a term list names the concepts in the
#: candidate's own words, so it keeps its bite when the deck's phrasings are rewritten).
PASTE_RUN_PHRASINGS = 4

#: A strong answer "passes" at or above this score.
STRONG_PASS_SCORE = 0.7

#: The issue's targets on the held-out split: (figure name, comparison, bound).
TARGETS: tuple[tuple[str, str, float], ...] = (
    ("strong_share", ">=", 0.90),
    ("process_max", "<=", 0.20),
    ("term_list_max", "<=", 0.35),
    ("wrong_max", "<=", 0.50),
    ("spearman", ">=", 0.80),
)

#: A scoring function: the open question as the bank holds it and the answer text -> [0, 1].
Scorer = Callable[[OpenQuestion, str], float]


class LabelledSetError(ValueError):
    """The set does not load or does not validate; ``problems`` lists each one found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"- {problem}" for problem in self.problems)
        super().__init__(f"labelled answer set: {len(self.problems)} problem(s)\n{shown}")


@dataclass(frozen=True)
class LabelledAnswer:
    """One labelled answer: the question it answers, its kind, what the candidate said, the
    score a strict senior interviewer would give (``label``, 0–1) and why."""

    item: str
    category: str
    text: str
    label: float
    why: str
    file: str


@dataclass(frozen=True)
class LabelledQuestion:
    """A question of the set: its bank item, the round it is asked in and its split."""

    item: OpenQuestion
    round: str
    split: str
    file: str


@dataclass(frozen=True)
class LabelledSet:
    """The validated set: questions by item id (in file order) and every answer."""

    questions: Mapping[str, LabelledQuestion]
    answers: tuple[LabelledAnswer, ...]

    def split_answers(self, split: str) -> tuple[LabelledAnswer, ...]:
        """The answers to the questions of ``split`` (``"tune"``, ``"heldout"`` or ``"all"``)."""
        _check_split(split)
        return tuple(a for a in self.answers
                     if split == "all" or self.questions[a.item].split == split)

    def only(self, item_ids: Iterable[str]) -> LabelledSet:
        """The set restricted to the questions ``item_ids`` (their splits kept)."""
        keep = set(item_ids)
        return LabelledSet({k: q for k, q in self.questions.items() if k in keep},
                           tuple(a for a in self.answers if a.item in keep))

    def split_questions(self, split: str) -> tuple[LabelledQuestion, ...]:
        """The questions of ``split`` (``"tune"``, ``"heldout"`` or ``"all"``)."""
        _check_split(split)
        return tuple(q for q in self.questions.values() if split == "all" or q.split == split)


def _check_split(split: str) -> None:
    if split not in (*SPLITS, "all"):
        raise ValueError(f"unknown split {split!r}: one of tune, heldout, all")


# --------------------------------------------------------------------------------------------
# The split rule
# --------------------------------------------------------------------------------------------


def _id_hash(item_id: str) -> str:
    return hashlib.sha256(item_id.encode("utf-8")).hexdigest()


def heldout_by_rule(item_ids_by_round: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """The item ids the fixed rule holds out: in each round, order the round's questions by
    the SHA-256 of their item id (hex) and hold out the first ⌊n/3⌋.

    The rule reads nothing but ids, so it could not have been steered by any scorer's output,
    and it holds out the same share of every round (two of six); every held-out question
    carries all six answer categories, so the categories are balanced too.
    """
    heldout: set[str] = set()
    for ids in item_ids_by_round.values():
        ordered = sorted(ids, key=_id_hash)
        heldout.update(ordered[: len(ordered) // HELDOUT_FRACTION_DENOMINATOR])
    return frozenset(heldout)


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------

def word_count(text: str) -> int:
    """Words as a reader counts them — runs between spaces that hold a letter or a digit:
    "3.35 TB/s" is two, "(p-1)/m," one, "—" none."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _prose_words(text: str) -> list[str]:
    """The words of two or more letters, in order: the prose, without the arithmetic (two
    answers to "how long on 2,048 GPUs" may share "6 × 70e9 × 1.4e12" honestly)."""
    return re.findall(r"[a-z]{2,}", text.lower())


def _pasted_run(text: str, model_answer: str, run: int = PASTE_RUN_WORDS) -> str | None:
    """The first run of ``run`` consecutive prose words ``text`` shares with
    ``model_answer``."""
    model = _prose_words(model_answer)
    grams = {tuple(model[i : i + run]) for i in range(len(model) - run + 1)}
    words = _prose_words(text)
    for i in range(len(words) - run + 1):
        if tuple(words[i : i + run]) in grams:
            return " ".join(words[i : i + run])
    return None


def _list_items(text: str) -> list[str]:
    """The pieces of ``text`` between commas, full stops, colons and semicolons (a decimal
    point is not a break), lower-cased, spaces collapsed."""
    pieces = re.split(r"[,.;:](?:\s+|$)|\n+", text.lower())
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def _pasted_phrasings(text: str, item: OpenQuestion,
                      run: int = PASTE_RUN_PHRASINGS) -> str | None:
    """The first run of ``run`` of the item's phrasings (one key point's, in deck order) that
    ``text`` lists one after another."""
    pieces = _list_items(text)
    windows = {tuple(pieces[i : i + run]) for i in range(len(pieces) - run + 1)}
    for point in item.key_points:
        phrasings = [" ".join(p.lower().split()) for p in point.phrasings]
        for i in range(len(phrasings) - run + 1):
            if tuple(phrasings[i : i + run]) in windows:
                return ", ".join(phrasings[i : i + run])
    return None


_QUESTION_KEYS = {"item", "split"}
_ANSWER_KEYS = {"item", "category", "text", "label", "why"}
_FILE_KEYS = {"round", "question", "answer"}


def _copy_problems(where: str, text: str, item: OpenQuestion) -> list[str]:
    """What ``text`` copies from the bank: a run of the item's model answer, or a key point's
    phrasings listed in the deck's order (an answer must be written fresh)."""
    problems: list[str] = []
    pasted = _pasted_run(text, item.model_answer)
    if pasted is not None:
        problems.append(f"{where}: repeats the model answer (\"{pasted}\")")
    listed = _pasted_phrasings(text, item)
    if listed is not None:
        problems.append(f"{where}: lists the item's phrasings as the deck has them "
                        f"(\"{listed}\")")
    return problems


def _read_file(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problems.append(f"{path.name}: cannot read: {error}")
        return None
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        problems.append(f"{path.name}: unknown top-level keys {unknown}")
    return data


def load_labelled(directory: Path = LABELLED_DIR, bank: Bank | None = None) -> LabelledSet:
    """Read every ``*.toml`` in ``directory`` and validate the set against ``bank`` (the
    built-in decks by default); raise :class:`LabelledSetError` naming every problem.

    Checked: each file names one round and holds ``[[question]]`` (item, split) and
    ``[[answer]]`` (item, category, text, label, why) tables with no other keys; every item is
    an open question in the bank that is asked in that round, listed once; every answer's
    question is listed; every question has ≥ 6 answers and every category; labels are finite,
    in [0, 1] and in their category's range (:data:`LABEL_RANGES`); texts are 60–250 words,
    distinct, share no run of 10 prose words with the item's model answer and do not list four
    of a key point's phrasings in the deck's order; ``why`` is given;
    splits follow :func:`heldout_by_rule`; the set has ≥ 24 questions, ≥ 3 in every round.
    """
    bank = bank if bank is not None else load_bank()
    problems: list[str] = []
    questions: dict[str, LabelledQuestion] = {}
    answers: list[LabelledAnswer] = []
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise LabelledSetError([f"{directory}: no *.toml files"])
    for path in files:
        data = _read_file(path, problems)
        if data is None:
            continue
        round_name = data.get("round")
        if round_name not in ROUNDS:
            problems.append(f"{path.name}: round {round_name!r} is not one of {list(ROUNDS)}")
            continue
        _read_questions(path.name, round_name, data.get("question", []), bank, questions,
                        problems)
        _read_answers(path.name, data.get("answer", []), answers, problems)
    _check_answers(questions, answers, problems)
    _check_shape(questions, answers, problems)
    if problems:
        raise LabelledSetError(problems)
    return LabelledSet(questions, tuple(answers))


def load_sealed(labelled: LabelledSet | None = None,
                directory: Path = SEALED_DIR) -> tuple[LabelledAnswer, ...]:
    """Read and validate the sealed answers without scoring them; raise
    :class:`LabelledSetError` naming every problem.

    Checked as for the labelled set (keys, categories, label ranges, 60–250 words, ``why``, no
    pasted model-answer run or phrasing list, distinct from every labelled answer and every
    other sealed set's), and: every answer is to a held-out question of ``labelled`` (the set
    as it loads by default), and every held-out question has one answer of each of
    :data:`SEALED_CATEGORIES`.
    """
    labelled = labelled if labelled is not None else load_labelled()
    problems: list[str] = []
    answers = _read_sealed(directory, problems)
    taken = {_text_key(answer.text) for answer in labelled.answers}
    for other in SEALED_DIRS.values():  # nor the same as another sealed set's answer
        if other.resolve() != directory.resolve():
            taken |= {_text_key(answer.text) for answer in _read_sealed(other, [])}
    held_out = {q.item.id: q for q in labelled.split_questions("heldout")}
    seen: set[tuple[str, str]] = set()
    for answer in answers:
        where = f"{answer.file}, {answer.item}, {answer.category}"
        question = held_out.get(answer.item)
        if question is None:
            problems.append(f"{where}: not a held-out question of the labelled set")
            continue
        if answer.category not in SEALED_CATEGORIES:
            problems.append(f"{where}: the sealed set holds only {list(SEALED_CATEGORIES)}")
        if (answer.item, answer.category) in seen:
            problems.append(f"{where}: a second answer of this category")
        seen.add((answer.item, answer.category))
        if _text_key(answer.text) in taken:
            problems.append(f"{where}: the same text as a labelled or another sealed answer")
        problems.extend(_copy_problems(where, answer.text, question.item))
    missing = sorted(f"{item} {category}" for item in held_out for category in SEALED_CATEGORIES
                     if (item, category) not in seen)
    if missing:
        problems.append(f"sealed set: missing {', '.join(missing)}")
    if problems:
        raise LabelledSetError(problems)
    return tuple(answers)


def _read_questions(file: str, round_name: str, entries: Any, bank: Bank,
                    questions: dict[str, LabelledQuestion], problems: list[str]) -> None:
    if not isinstance(entries, list):
        problems.append(f"{file}: [[question]] must be an array of tables")
        return
    for index, entry in enumerate(entries):
        where = f"{file}, question #{index + 1}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a table")
            continue
        unknown = sorted(set(entry) - _QUESTION_KEYS)
        if unknown:
            problems.append(f"{where}: unknown keys {unknown}")
        item_id = entry.get("item")
        split = entry.get("split")
        if not isinstance(item_id, str):
            problems.append(f"{where}: item must be a string")
            continue
        where = f"{file}, {item_id}"
        item = bank.items.get(item_id)
        if not isinstance(item, OpenQuestion):
            problems.append(f"{where}: not an open question in the bank")
            continue
        if round_name not in item.rounds:
            problems.append(f"{where}: asked in {list(item.rounds)}, not in {round_name}")
        if split not in SPLITS:
            problems.append(f"{where}: split {split!r} is not one of {list(SPLITS)}")
        if item_id in questions:
            problems.append(f"{where}: listed twice (also in {questions[item_id].file})")
            continue
        questions[item_id] = LabelledQuestion(item, round_name, str(split), file)


def _read_sealed(directory: Path, problems: list[str]) -> list[LabelledAnswer]:
    """The ``[[answer]]`` tables of every ``*.toml`` in a sealed set's ``directory``, each
    problem with their shape added to ``problems``."""
    answers: list[LabelledAnswer] = []
    for path in sorted(directory.glob("*.toml")):
        data = _read_file(path, problems)
        if data is None:
            continue
        unknown = sorted(set(data) - {"answer"})
        if unknown:
            problems.append(f"{path.name}: unknown top-level keys {unknown}")
        _read_answers(path.name, data.get("answer", []), answers, problems)
    return answers


def _text_key(text: str) -> str:
    """An answer's words, casefolded, for telling two answers' texts apart."""
    return " ".join(_words(text))


def _read_answers(file: str, entries: Any, answers: list[LabelledAnswer],
                  problems: list[str]) -> None:
    if not isinstance(entries, list):
        problems.append(f"{file}: [[answer]] must be an array of tables")
        return
    for index, entry in enumerate(entries):
        where = f"{file}, answer #{index + 1}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a table")
            continue
        where = f"{where} ({entry.get('item')}, {entry.get('category')})"
        unknown = sorted(set(entry) - _ANSWER_KEYS)
        missing = sorted(_ANSWER_KEYS - set(entry))
        if unknown or missing:
            problems.append(f"{where}: unknown keys {unknown}, missing keys {missing}")
            continue
        item_id, category, text, label, why = (entry[key] for key in
                                               ("item", "category", "text", "label", "why"))
        if not (isinstance(item_id, str) and isinstance(text, str) and isinstance(why, str)):
            problems.append(f"{where}: item, text and why must be strings")
            continue
        if category not in CATEGORIES:
            problems.append(f"{where}: category {category!r} is not one of {list(CATEGORIES)}")
            continue
        if isinstance(label, bool) or not isinstance(label, int | float) \
                or not math.isfinite(label) or not 0.0 <= label <= 1.0:
            problems.append(f"{where}: label {label!r} is not a number in [0, 1]")
            continue
        low, high = LABEL_RANGES[category]
        if not low <= label <= high:
            problems.append(f"{where}: label {label} outside {category}'s range {low}–{high}")
        words = word_count(text)
        if not MIN_WORDS <= words <= MAX_WORDS:
            problems.append(f"{where}: {words} words, not {MIN_WORDS}–{MAX_WORDS}")
        if not why.strip():
            problems.append(f"{where}: why is empty")
        answers.append(LabelledAnswer(item_id, category, text.strip(), float(label),
                                      why.strip(), file))


def _check_answers(questions: Mapping[str, LabelledQuestion],
                   answers: Sequence[LabelledAnswer], problems: list[str]) -> None:
    seen: dict[str, LabelledAnswer] = {}
    for answer in answers:
        where = f"{answer.file}, {answer.item}, {answer.category}"
        question = questions.get(answer.item)
        if question is None:
            problems.append(f"{where}: answers an item with no [[question]] entry")
            continue
        if question.file != answer.file:
            problems.append(f"{where}: its question is listed in {question.file}")
        key = _text_key(answer.text)
        if key in seen:
            problems.append(f"{where}: same text as an answer of {seen[key].item}")
        seen[key] = answer
        problems.extend(_copy_problems(where, answer.text, question.item))


def _check_shape(questions: Mapping[str, LabelledQuestion], answers: Sequence[LabelledAnswer],
                 problems: list[str]) -> None:
    by_item: dict[str, list[LabelledAnswer]] = {item: [] for item in questions}
    for answer in answers:
        by_item.setdefault(answer.item, []).append(answer)
    for item_id, question in questions.items():
        given = by_item.get(item_id, [])
        if len(given) < MIN_ANSWERS_PER_QUESTION:
            problems.append(f"{question.file}, {item_id}: {len(given)} answers, "
                            f"at least {MIN_ANSWERS_PER_QUESTION} needed")
        missing = [c for c in CATEGORIES if c not in {a.category for a in given}]
        if missing:
            problems.append(f"{question.file}, {item_id}: no answer of category {missing}")
    ids_by_round: dict[str, list[str]] = {name: [] for name in ROUNDS}
    for item_id, question in questions.items():
        ids_by_round[question.round].append(item_id)
    if len(questions) < MIN_QUESTIONS:
        problems.append(f"{len(questions)} questions, at least {MIN_QUESTIONS} needed")
    for name, ids in ids_by_round.items():
        if len(ids) < MIN_QUESTIONS_PER_ROUND:
            problems.append(f"round {name}: {len(ids)} questions, "
                            f"at least {MIN_QUESTIONS_PER_ROUND} needed")
    heldout = heldout_by_rule(ids_by_round)
    for item_id, question in questions.items():
        expected = "heldout" if item_id in heldout else "tune"
        if question.split in SPLITS and question.split != expected:
            problems.append(f"{question.file}, {item_id}: split is {question.split!r}, "
                            f"the rule says {expected!r}")


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredAnswer:
    """One answer with the score the scorer under test gave it."""

    answer: LabelledAnswer
    score: float


@dataclass(frozen=True)
class CategoryFigures:
    """How one category of answers scored: count, mean, minimum, maximum."""

    count: int
    mean: float
    minimum: float
    maximum: float


@dataclass(frozen=True)
class Figures:
    """The issue's figures for one scorer on one split.

    ``strong_share`` is the share of strong answers (both kinds) scoring ≥
    :data:`STRONG_PASS_SCORE`; ``categories`` has every category's count, mean, min and max;
    ``spearman`` is the rank correlation of scores with labels (NaN when either is constant).
    """

    split: str
    questions: int
    answers: int
    strong_share: float
    categories: Mapping[str, CategoryFigures]
    spearman: float
    scored: tuple[ScoredAnswer, ...]

    def figure(self, name: str) -> float:
        """A figure by the name :data:`TARGETS` uses: ``strong_share``, ``spearman`` or
        ``<category>_max`` / ``<category>_mean``."""
        if name in ("strong_share", "spearman"):
            return float(getattr(self, name))
        category, _, statistic = name.rpartition("_")
        if category in CATEGORIES and statistic in ("max", "mean"):
            figures = self.categories.get(category)
            if figures is None:  # no answer of this kind was scored: undefined, not zero
                return math.nan
            return figures.maximum if statistic == "max" else figures.mean
        raise KeyError(name)


def spearman(labels: Sequence[float], scores: Sequence[float]) -> float:
    """Spearman's rank correlation of ``scores`` with ``labels`` (ties averaged), or NaN when
    either side is constant or there are fewer than two pairs (it is undefined then)."""
    if len(labels) != len(scores):
        raise ValueError(f"{len(labels)} labels for {len(scores)} scores")
    if len(labels) < 2 or len(set(labels)) < 2 or len(set(scores)) < 2:
        return math.nan
    from scipy.stats import spearmanr  # deferred: scipy.stats costs ~0.9 s to import

    return float(spearmanr(labels, scores).statistic)


def compute_figures(labelled: LabelledSet, scorer: Scorer, split: str) -> Figures:
    """Score every answer of ``split`` with ``scorer`` and compute the issue's figures.

    ``scorer(item, text)`` gets the bank's open question and the answer text and returns a
    score in [0, 1]; anything else (NaN, out of range, not a number) raises ValueError naming
    the answer, since figures over a broken score mean nothing.
    """
    scored: list[ScoredAnswer] = []
    for answer in labelled.split_answers(split):
        score = scorer(labelled.questions[answer.item].item, answer.text)
        if isinstance(score, bool) or not isinstance(score, int | float) \
                or not math.isfinite(score) or not 0.0 <= score <= 1.0:
            raise ValueError(f"{answer.item}, {answer.category}: score {score!r} is not "
                             f"a number in [0, 1]")
        scored.append(ScoredAnswer(answer, float(score)))
    if not scored:
        raise ValueError(f"split {split!r} has no answers")
    categories: dict[str, CategoryFigures] = {}
    for category in CATEGORIES:
        scores = [s.score for s in scored if s.answer.category == category]
        if scores:
            categories[category] = CategoryFigures(
                len(scores), math.fsum(scores) / len(scores), min(scores), max(scores))
    strong = [s.score for s in scored if s.answer.category in STRONG_CATEGORIES]
    strong_share = (sum(score >= STRONG_PASS_SCORE for score in strong) / len(strong)
                    if strong else math.nan)
    return Figures(
        split=split,
        questions=len({s.answer.item for s in scored}),
        answers=len(scored),
        strong_share=strong_share,
        categories=categories,
        spearman=spearman([s.answer.label for s in scored], [s.score for s in scored]),
        scored=tuple(scored),
    )


def target_checks(figures: Figures) -> tuple[tuple[str, str, float, float, bool], ...]:
    """Each of :data:`TARGETS` against ``figures``: (name, comparison, bound, value, met).
    A NaN figure (undefined) meets nothing."""
    checks = []
    for name, comparison, bound in TARGETS:
        value = figures.figure(name)
        met = (value >= bound) if comparison == ">=" else (value <= bound)
        checks.append((name, comparison, bound, value, bool(met and not math.isnan(value))))
    return tuple(checks)
