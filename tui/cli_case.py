"""``tpm-drill case``: list the chained cases, show one with its numbers, grade a chain.

* ``case list [--json]``: every case in the bank (built-in and your deck folders);
* ``case show ID [--seed N] [--json] [--reveal]``: the scenario drawn from seed ``N`` (a
  fresh seed, printed, when none is given) and its steps; ``--json`` gives ``{"id",
  "seed", "scenario", "params": {name: value}, "steps": [{"prompt", "unit", "reference",
  ...}]}``, the text shows the references only with ``--reveal``;
* ``case grade ID --seed N --answers A1 A2 ... [--json]``: grades one answer per step
  (``?`` reveals a step) against the reference chain and against the chain recomputed from
  your own earlier answers (``engine.cases.grade_chain``); ``--json`` gives ``{"id",
  "seed", "steps": [{"band", "consistent", "reference", "reference_from_your_answers",
  "message", ...}], "score", ...}``. Records nothing.

Exit codes: 0 done (every graded step within its band on one chain or the other), 1 some
graded step is off on both chains, 2 bad input (an unknown case, a bad seed, the wrong
number of answers, an answer that cannot be read — the message names the step).

A parameter's value is SI unless its name says its unit (``usd_per_gpu_hour``, as
``[cases.param_units]`` declares); a GPU choice is its catalog id. Deck text is printed
through ``content.untrusted.clean_text``. Kept free of Textual so it starts fast; wired
into ``tui/__main__.py`` as ``cli_kata`` is (``add_parser`` and ``run``).
"""

from __future__ import annotations

import argparse
import json
import numbers
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from content.untrusted import clean_text

if TYPE_CHECKING:
    from content.cases import Case
    from engine.bank import ContentBank
    from engine.cases import ChainGrade, PosedCase

#: The width text output is laid out for.
WIDTH = 80
#: Largest seed accepted (numpy's generators take any non-negative integer; this keeps
#: seeds printable and storable as SQLite integers).
MAX_SEED = 2**63 - 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``case`` subcommand (``list``, ``show``, ``grade``) to the CLI's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "case", help="chained modelling cases: case list | show ID | grade ID --seed N "
        "--answers ...",
        description="A scenario with drawn numbers, worked in 3-7 steps; each step is "
        "graded against the reference chain and against the chain recomputed from your own "
        "earlier answers, so one slip early costs one step, not the whole case.")
    actions = parser.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every case: id, level, topic, steps")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    show = actions.add_parser("show", help="the scenario and its steps for one seed")
    show.add_argument("id", help="a case id, e.g. case.train_budget")
    show.add_argument("--seed", type=int, help="the scenario's seed (default: a fresh one)")
    show.add_argument("--json", action="store_true",
                      help="machine-readable output, references included")
    show.add_argument("--reveal", action="store_true", help="print each step's reference")
    grade = actions.add_parser(
        "grade", help="grade your answers to every step (records nothing)",
        description="Exit 0 when no step is off, 1 when a step is off on both chains, 2 "
        "on bad input (unknown case, unreadable answer).")
    grade.add_argument("id", help="a case id")
    grade.add_argument("--seed", type=int, required=True,
                       help="the seed `case show` printed")
    grade.add_argument("--answers", nargs="+", required=True, metavar="ANSWER",
                       help='one per step, in order, e.g. "2.7e25 FLOP" "17 days"; ? '
                       "reveals a step; a decision takes its option's number or text")
    grade.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def load_bank(args: argparse.Namespace) -> ContentBank:
    """The bank the cases come from: the built-in decks and the config's deck folders.
    (Tests replace this to serve cases of their own.)"""
    from engine.bank import load_content
    from engine.config import load_config

    return load_content(load_config(args.config).deck_dirs)


def _fail(message: str, code: int = 2) -> int:
    print(f"tpm-drill: {clean_text(message)}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Carry out ``tpm-drill case ACTION``; the exit code."""
    bank = load_bank(args)
    cases = {case.id: case for case in _cases(bank)}
    if args.case_command == "list":
        return _list(list(cases.values()), args.json)
    case = cases.get(args.id)
    if case is None:
        return _fail(f"no case {args.id!r}: `tpm-drill case list` shows them")
    seed = args.seed
    if seed is None:
        import secrets

        seed = secrets.randbelow(1_000_000)
    if not 0 <= seed <= MAX_SEED:
        return _fail(f"--seed must be a whole number from 0 to {MAX_SEED}, not {seed}")
    from engine.cases import pose_case
    from engine.questions import PoseError

    try:
        posed = pose_case(case, bank.catalog, seed)
    except PoseError as error:
        return _fail(f"cannot pose {case.id} with seed {seed}: {error}")
    if args.case_command == "show":
        return _show(posed, args.json, args.reveal)
    return _grade(posed, args.answers, args.json)


def _cases(bank: ContentBank) -> list[Case]:
    from content.cases import Case

    return sorted((item for item in bank.items.values() if isinstance(item, Case)),
                  key=lambda case: (case.topic, case.id))


def _plain(value: Any) -> Any:
    """A parameter's value as JSON takes it (numpy scalars become Python numbers)."""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)


def _clean(value: Any) -> Any:
    """``value`` with every string in it passed through ``clean_text`` (deck text)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _say(text: str, indent: str = "") -> None:
    """Deck or grading text, cleaned and wrapped to ``WIDTH`` columns."""
    for paragraph in clean_text(text).split("\n"):
        print("\n".join(textwrap.wrap(paragraph, WIDTH, initial_indent=indent,
                                      subsequent_indent=indent, break_on_hyphens=False))
              or "")


# -- list and show ------------------------------------------------------------------------------


def case_json(case: Case) -> dict[str, Any]:
    """A case as ``case list --json`` gives it: what a player needs to pick one."""
    return {"id": case.id, "topic": case.topic, "level": case.level,
            "rounds": list(case.rounds), "steps": len(case.steps),
            "target_minutes": case.target_minutes}


def _list(cases: list[Case], as_json: bool) -> int:
    if as_json:
        print(json.dumps(_clean([case_json(case) for case in cases]), indent=2))
        return 0
    if not cases:
        print("No cases in the bank.")
        return 0
    for case in cases:
        target = f"{case.target_minutes:g} min" if case.target_minutes else ""
        print(clean_text(f"{_fit(case.id, 34):<34} {case.level}  {_fit(case.topic, 22):<22} "
                         f"{len(case.steps)} steps  {target}").rstrip())
    print(f"\n{len(cases)} case(s). Play one: tpm-drill case show ID, then\n"
          "tpm-drill case grade ID --seed N --answers A1 A2 ...")
    return 0


def show_json(posed: PosedCase) -> dict[str, Any]:
    """``{"id", "seed", "scenario", "params": {name: value}, "steps": [...]}``."""
    shown = posed.to_dict()
    shown["params"] = {name: _plain(value) for name, value in posed.params.items()}
    return _clean(shown)


def _step_line(index: int, prompt: str, unit: str) -> str:
    return f"{index + 1}. {prompt}" + (f"  [{unit}]" if unit else "")


def _show(posed: PosedCase, as_json: bool, reveal: bool) -> int:
    if as_json:
        print(json.dumps(show_json(posed), indent=2))
        return 0
    print(clean_text(f"{posed.item_id}  ({posed.topic}, {posed.level})  seed {posed.seed}"))
    print()
    _say(posed.scenario)
    print()
    for step in posed.steps:
        unit = step.unit if step.kind == "number" else ""
        _say(_step_line(step.index, step.prompt, unit), "")
        if step.kind == "decision":
            for number, option in enumerate(step.options, 1):
                _say(f"{number}) {option}", "     ")
        if reveal:
            _say(f"reference: {step.reference_text()}", "     ")
    print()
    answers = " ".join("A" + str(step.index + 1) for step in posed.steps)
    print(clean_text(f"Grade: tpm-drill case grade {posed.item_id} --seed {posed.seed} "
                     f"--answers {answers}"))
    print("(quote an answer with a space in it: \"17 days\"; ? reveals a step)")
    return 0


# -- grade --------------------------------------------------------------------------------------


def grade_json(chain: ChainGrade) -> dict[str, Any]:
    """``{"id", "seed", "steps": [{"band", "consistent", "reference",
    "reference_from_your_answers", "message", ...}], "score", ...}``."""
    return _clean(chain.to_dict())


def exit_code(chain: ChainGrade) -> int:
    """0 when no step is off, 1 when some graded step is off on both chains."""
    return 1 if any(step.status == "off" for step in chain.steps) else 0


def _grade(posed: PosedCase, answers: list[str], as_json: bool) -> int:
    from engine.cases import CaseAnswerError, grade_chain

    if len(answers) != len(posed.steps):
        return _fail(f"{posed.item_id} has {len(posed.steps)} steps: give "
                     f"{len(posed.steps)} answers after --answers, not {len(answers)} "
                     f"(? reveals a step)")
    try:
        chain = grade_chain(posed, answers)
    except CaseAnswerError as error:
        return _fail(f"{posed.item_id}: {error} — nothing was graded")
    if as_json:
        print(json.dumps(grade_json(chain), indent=2))
    else:
        _print_chain(posed, chain)
    return exit_code(chain)


#: The verdict column: what each status reads as.
VERDICTS = {"exact": "right", "close": "close", "consistent": "consistent", "off": "off",
            "revealed": "revealed"}


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (with an ellipsis when cut)."""
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def chain_lines(posed: PosedCase, chain: ChainGrade) -> list[str]:
    """One line per step, at most ``WIDTH`` columns: its number and id, the verdict, the
    reference, and — where the player's chain differs — what the step is from their own
    numbers (on a step not right outright); ``<- broke`` marks each step where the chain
    broke."""
    lines = []
    for grade in chain.steps:
        step = posed.steps[grade.index]
        reference = step.reference_text()
        if grade.kind == "decision":
            own_index = grade.right_option_from_your_answers
            own = step.options[own_index] if own_index is not None else None
        else:
            from engine.cases.pose import format_in_unit

            value = grade.reference_from_your_answers
            own = format_in_unit(value, step.unit) if value is not None else None
        head = f"{grade.index + 1:>2} {_fit(step.id, 12):<12} {VERDICTS[grade.status]:<10}"
        tail = "  <- broke" if grade.breaks_chain else ""
        middle = f" ref {reference}"
        if grade.status != "exact" and grade.carried_from and own is not None \
                and own != reference:
            middle += f"; yours {own}"
        room = WIDTH - len(head) - len(tail)
        lines.append(clean_text(head + _fit(middle, room) + tail))
    return lines


def _print_chain(posed: PosedCase, chain: ChainGrade) -> None:
    print(clean_text(f"{posed.item_id}  seed {posed.seed}"))
    for line, grade in zip(chain_lines(posed, chain), chain.steps, strict=True):
        print(line)
        if grade.status not in ("exact",):
            _say(grade.message, "      ")
    print()
    _say(chain.message)
    names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    print(f"Score: {round(chain.score * 100)}% (would rate {names[chain.rating]}); "
          "nothing recorded.")
