"""``tpm-drill kata``: list the katas, show one, check a solution written in your own editor.

* ``kata list [--json]``: every kata in the bank (built-in and your deck folders);
* ``kata show ID``: the scenario, the function to write (parameters with units and domains),
  how many hints, the target time; ``--starter`` prints only the starter code
  (``tpm-drill kata show ID --starter > mine.py``). Neither opens the progress database;
* ``kata check ID FILE.py [--json] [--record]``: the same checks as the kata screen (a
  sandboxed child process, see ``engine.katas.runner``); exit 0 when every case passes, 1
  when some fail, 2 when the code could not be run or the kata or file does not exist.
  ``--record`` records the attempt as a review, as the screen's submit does.

Deck text is printed through ``content.untrusted.clean_text``. Kept apart from
``tui/__main__.py`` and free of Textual, so it starts fast. Wiring:
``cli_kata.add_parser(commands)`` in ``_parser`` and ``cli_kata.run(args)`` in ``_dispatch``
for ``args.command == "kata"``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content.untrusted import clean_text

if TYPE_CHECKING:
    from content.loader import Kata, KataParam
    from engine.bank import ContentBank
    from engine.katas.runner import CaseResult, CheckReport

#: Longest code file a check reads (a kata solution is a screenful or two).
MAX_CODE_BYTES = 1_000_000


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``kata`` subcommand (``list``, ``show``, ``check``) to the CLI's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "kata", help="modelling katas in Python: kata list | show ID | check ID FILE.py",
        description="The technical screen's modelling exercise: write a Python function that "
        "models a system; tpm-drill runs it in a sandboxed child process on many inputs and "
        "compares it with the reference models.")
    actions = parser.add_subparsers(dest="kata_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every kata: id, level, topic, function")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    show = actions.add_parser("show", help="the scenario and the function to write")
    show.add_argument("id", help="a kata id, e.g. kata.ring_allreduce")
    show.add_argument("--starter", action="store_true",
                      help="print only the starter code (tpm-drill kata show ID --starter "
                      "> mine.py)")
    check = actions.add_parser(
        "check", help="run the checks on your solution file",
        description="Exit 0 when every case passes, 1 when some fail, 2 when the code could "
        "not be run or the kata or file does not exist.")
    check.add_argument("id", help="a kata id")
    check.add_argument("file", type=Path, help="your solution, e.g. mine.py")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.add_argument("--record", action="store_true",
                       help="record the attempt as a review, as the kata screen does")
    return parser


def load_bank(args: argparse.Namespace) -> ContentBank:
    """The bank the katas come from: the built-in decks and the config's deck folders.
    (Tests replace this to serve katas of their own.)"""
    from engine.bank import load_content
    from engine.config import load_config

    return load_content(load_config(args.config).deck_dirs)


def _fail(message: str, code: int = 2) -> int:
    print(f"tpm-drill: {clean_text(message)}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Carry out ``tpm-drill kata ACTION``; the exit code."""
    bank = load_bank(args)
    katas = {kata.id: kata for kata in _katas(bank)}
    if args.kata_command == "list":
        return _list(list(katas.values()), args.json)
    kata = katas.get(args.id)
    if kata is None:
        return _fail(f"no kata {args.id!r}: `tpm-drill kata list` shows them")
    if args.kata_command == "show":
        return _show(kata, args.starter)
    return _check(args, kata, bank)


def _katas(bank: ContentBank) -> list[Kata]:
    from content.loader import Kata

    return sorted((item for item in bank.items.values() if isinstance(item, Kata)),
                  key=lambda kata: (kata.topic, kata.id))


# -- list and show ------------------------------------------------------------------------------


def kata_json(kata: Kata) -> dict[str, Any]:
    """A kata as ``kata list --json`` gives it: what a player needs to pick and start one
    (not the hints, the reference or its solution)."""
    return {
        "id": kata.id, "topic": kata.topic, "level": kata.level, "function": kata.function,
        "params": [{"name": p.name, "unit": p.unit, "description": p.description,
                    "minimum": p.minimum, "maximum": p.maximum, "scale": p.scale,
                    "integer": p.integer} for p in kata.params],
        "returns": kata.returns, "return_unit": kata.return_unit, "bounds": kata.bounds,
        "target_minutes": kata.target_minutes, "hints": len(kata.hints),
        "monte_carlo_trials": kata.monte_carlo_trials, "rounds": list(kata.rounds),
    }


def _list(katas: list[Kata], as_json: bool) -> int:
    if as_json:
        print(json.dumps([kata_json(kata) for kata in katas], indent=2))
        return 0
    if not katas:
        print("No katas in the bank.")
        return 0
    for kata in katas:
        target = f"{kata.target_minutes:g} min" if kata.target_minutes else ""
        print(clean_text(f"{kata.id:<32} {kata.level}  {kata.function:<24} {target}"))
    print(f"\n{len(katas)} kata(s). Start one: tpm-drill kata show ID, then "
          "tpm-drill kata show ID --starter > mine.py")
    return 0


def _quantity(value: float, unit: str) -> str:
    """A domain end as a person reads it (1 GB/s, 10 µs), the SI number when the unit is
    not one the unit table knows."""
    if unit:
        try:
            from grading.units import humanize

            return humanize(float(value), unit)
        except Exception:  # a deck's unit the table does not know: show it as written
            return f"{value:g} {unit}"
    return f"{value:g}"


def _domain(param: KataParam) -> str:
    low, high = _quantity(param.minimum, param.unit), _quantity(param.maximum, param.unit)
    kinds = [word for word, on in (("whole", param.integer), ("log scale", param.scale == "log"))
             if on]
    return f"{low} … {high}" + (f" ({', '.join(kinds)})" if kinds else "")


def signature(kata: Kata) -> str:
    """``def allreduce_seconds(bytes, ranks, bandwidth, latency):`` as the player writes it."""
    return f"def {kata.function}({', '.join(p.name for p in kata.params)}):"


def _show(kata: Kata, starter_only: bool) -> int:
    if starter_only:
        code = kata.starter or f"{signature(kata)}\n    raise NotImplementedError\n"
        print(clean_text(code), end="" if code.endswith("\n") else "\n")
        return 0
    lines = [f"{kata.id}  ({kata.topic}, {kata.level})", "", kata.prompt.strip(), "",
             "Write:", f"  {signature(kata)}"]
    width = max((len(p.name) for p in kata.params), default=0)
    for param in kata.params:
        unit = f" [{param.unit}]" if param.unit else ""
        lines.append(f"    {param.name:<{width}}  {param.description}{unit}")
        lines.append(f"    {'':<{width}}  {_domain(param)}")
    unit = f" [{kata.return_unit}]" if kata.return_unit else ""
    if kata.bounds:
        lines.append(f"  returns (estimate, low, high): {kata.returns}{unit}; the bounds must "
                     "hold the reference")
    else:
        lines.append(f"  returns {kata.returns}{unit}")
    if kata.monte_carlo_trials:
        lines.append(f"  a simulation should use {kata.monte_carlo_trials:,} trials")
    lines.append("")
    target = f"{kata.target_minutes:g} minutes" if kata.target_minutes else "none"
    lines.append(f"Target: {target}.  Hints: {len(kata.hints)}.")
    lines.append(f"Start: tpm-drill kata show {kata.id} --starter > mine.py")
    lines.append(f"Check: tpm-drill kata check {kata.id} mine.py")
    print(clean_text("\n".join(lines)))
    return 0


# -- check --------------------------------------------------------------------------------------


def _read_code(path: Path) -> str | int:
    """The solution's text, or an exit code after a message (missing, unreadable, binary)."""
    try:
        if not path.is_file():
            return _fail(f"no file {path}" if not path.exists()
                         else f"{path} is not a file")
        data = path.read_bytes()
    except OSError as error:
        return _fail(f"cannot read {path}: {error.strerror or error}")
    if len(data) > MAX_CODE_BYTES:
        return _fail(f"{path} is {len(data):,} bytes; a kata solution is at most "
                     f"{MAX_CODE_BYTES:,}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _fail(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})")


def exit_code(report: CheckReport) -> int:
    """0 every case passed, 1 some failed, 2 the code could not be run."""
    if report.could_not_run:
        return 2
    return 0 if report.all_passed else 1


def _check(args: argparse.Namespace, kata: Kata, bank: ContentBank) -> int:
    from engine.katas.runner import check_code

    code = _read_code(args.file)
    if isinstance(code, int):
        return code
    report = check_code(kata, code)
    recorded = _record(args, kata, bank, code, report) if args.record else None
    if args.json:
        data = report.to_json()
        if recorded is not None:
            data["recorded"] = recorded
        print(json.dumps(data, indent=2, default=str))
    else:
        _print_report(kata, report)
        if recorded is not None:
            print(f"\nRecorded as review {recorded['review_id']}, rated "
                  f"{recorded['rating_name']}.")
    return exit_code(report)


def _record(args: argparse.Namespace, kata: Kata, bank: ContentBank, code: str,
            report: CheckReport) -> dict[str, Any]:
    """Record the attempt through a study session, as the kata screen's submit does: a
    review of the kata's card (rated from the pass rate; no time is known, so never Easy)
    with every case result beside it."""
    from engine.clock import SystemClock
    from engine.config import default_db_path, load_config
    from engine.katas.attempts import SingleKataPicker
    from engine.store.db import Store
    from engine.study.optimize import saved_parameters
    from engine.study.scheduler import Scheduler
    from engine.study.session import StudySession

    config = load_config(args.config)
    store = Store(args.db or default_db_path())
    if store.backup_warning:
        print(f"tpm-drill: warning: {clean_text(store.backup_warning)}", file=sys.stderr)
    try:
        session = StudySession(store, bank, Scheduler(config, saved_parameters(store)),
                               SystemClock(), mode="drill", picker=SingleKataPicker(kata.id))
        question = session.next_question()
        if question is None or question.item_id != kata.id:
            raise RuntimeError(f"{kata.id} could not be posed: {session.pose_errors}")
        feedback = session.submit_kata(code, report, None)
        session.finish()
    finally:
        store.close()
    names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    return {"review_id": feedback.review_id, "rating": feedback.rating,
            "rating_name": names[feedback.rating]}


#: The terminal width the case table is laid out for.
TABLE_WIDTH = 80


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def _percent(rel_error: float | None) -> str:
    if rel_error is None:
        return "-"
    percent = rel_error * 100
    if abs(percent) < 0.01:
        return "0%"
    return f"{percent:+.0f}%" if abs(percent) >= 100 else f"{percent:+.2g}%"


def _got(case: CaseResult) -> str:
    """What came back (a bounds kata's estimate; its bounds go at the end of the row)."""
    if case.got is None:
        return "-"
    return f"{case.got[0] if isinstance(case.got, tuple) else case.got:.4g}"


def _bounds(case: CaseResult) -> str:
    if not isinstance(case.got, tuple):
        return ""
    return f"  [{case.got[1]:.4g}, {case.got[2]:.4g}]"


def _wrapped(text: str) -> list[str]:
    """A note under a case, indented and wrapped to the table's width."""
    import textwrap

    return textwrap.wrap(text, TABLE_WIDTH, initial_indent=" " * 12,
                         subsequent_indent=" " * 14, break_on_hyphens=False) or [""]


def _input(param: KataParam, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{int(value)}" if param.integer and float(value).is_integer() else f"{value:.4g}"


def _table(kata: Kata, report: CheckReport) -> list[str]:
    """The cases, one line each when the parameters fit in ``TABLE_WIDTH`` columns (a
    column per parameter), else the inputs on a line of their own under each case; a failed
    case's note (and a pair's other side) under it."""
    shown = [[_input(p, case.inputs.get(p.name)) for p in kata.params]
             for case in report.cases]
    widths = [max([len(p.name), *(len(row[i]) for row in shown)])
              for i, p in enumerate(kata.params)]
    head = f"{'':2} {'case':<8} {'expected':>10} {'got':>10} {'error':>7}" + (
        "  bounds" if kata.bounds else "")
    columns = "  ".join(f"{p.name:>{w}}" for p, w in zip(kata.params, widths, strict=True))
    one_line = not kata.bounds and len(head) + 2 + len(columns) <= TABLE_WIDTH
    lines = [f"{head}  {columns}" if one_line else head]
    for case, values in zip(report.cases, shown, strict=True):
        row = (f"{'ok' if case.ok else 'XX':2} {case.source:<8} {_number(case.expected):>10} "
               f"{_got(case):>10} {_percent(case.rel_error):>7}{_bounds(case)}")
        if one_line:
            lines.append(row + "  " + "  ".join(f"{v:>{w}}" for v, w in
                                                 zip(values, widths, strict=True)))
        else:
            lines.append(row)
            lines += _wrapped(" ".join(f"{p.name}={v}" for p, v in
                                       zip(kata.params, values, strict=True)))
        if not case.ok and case.note:
            lines += _wrapped(case.note)
        if not case.ok and case.paired_with is not None:
            lines += _wrapped("against " + " ".join(
                f"{p.name}={_input(p, case.paired_with.get(p.name))}" for p in kata.params))
    return lines


def _print_report(kata: Kata, report: CheckReport) -> None:
    """The cases as a table (counterexample first; each failure's note under it), the run's
    error, what the code printed, and a one-line summary."""
    lines = _table(kata, report) if report.cases else []
    if report.reference_errors:
        lines.append(f"\n{len(report.reference_errors)} input(s) left out: the reference "
                     f"refused them ({report.reference_errors[0]})")
    if report.printed:
        lines.append("\nYour code printed:")
        lines.append(report.printed.rstrip("\n"))
    if report.error is not None:  # last but one: what to fix is the last thing on screen
        lines.append(f"\n{_ERROR_TITLES.get(report.error.kind, 'Error')}: {report.error}")
    counted = report.passed + report.failed
    if report.all_passed:
        lines.append(f"\nAll {counted} cases pass ({report.seconds:.2f} s).")
    elif report.could_not_run and counted:
        lines.append(f"\nThe code could not be run to the end ({report.passed} of {counted} "
                     "cases passed before it stopped).")
    elif report.could_not_run:
        lines.append("\nThe code could not be run: no case was checked.")
    else:
        lines.append(f"\n{report.failed} of {counted} cases fail.")
    if report.mean_interval_score is not None:
        lines.append(f"Mean interval score of your bounds: {report.mean_interval_score:.3g} "
                     "(lower is better)")
    print(clean_text("\n".join(lines)))


_ERROR_TITLES = {
    "syntax": "Syntax error", "exception": "Your code raised an exception",
    "missing_function": "Function missing", "wrong_type": "Wrong return type",
    "timeout": "Time limit", "memory": "Memory limit", "exit": "The code exited",
    "cancelled": "Stopped",
}
