"""The ``tpm-drill`` command line.

Subcommands that print (``hw``) never import Textual, so they start fast; the TUI is imported
inside ``main`` only when a screen is opened.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from content.untrusted import clean_text
from engine import __version__, finite_or_none
from engine.loop.options import MAX_ROUND_MINUTES, parse_round_minutes
from tui import cli_backup, cli_case, cli_grade, cli_kata, cli_stories

if TYPE_CHECKING:
    from engine.study.custom import CustomPicker


def _round_minutes(text: str) -> float:
    """``--round-minutes``: a finite number of minutes above 0 and at most 600 (the rule is
    ``engine.loop.options``', shared with the home screen's loop dialog)."""
    try:
        return parse_round_minutes(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{error}, e.g. --round-minutes 45 (or 0.5 for a quick try)") from None


def _add_global_options(parser: argparse.ArgumentParser, on_subcommand: bool) -> None:
    """``--db`` and ``--config``, on the main parser and again on every subcommand.

    On a subcommand their default is ``SUPPRESS``, so ``tpm-drill --db X drill`` keeps X
    (the subcommand does not overwrite it with ``None``) and ``tpm-drill drill --db X``
    sets it.
    """
    default: Any = argparse.SUPPRESS if on_subcommand else None
    parser.add_argument("--db", type=Path, default=default,
                        help="progress database (SQLite file)")
    parser.add_argument("--config", type=Path, default=default, help="config.toml to use")


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every subcommand's parser below ``parser``, nested ones (``content check``) too."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases map to one parser
                found.append(sub)
                found.extend(_subparsers(sub))
    return found


def _positive_limit(text: str) -> int:
    """``drill --limit``: a whole number of cards from 1 to 1000."""
    try:
        limit = int(text)
    except ValueError:
        limit = 0
    if not 1 <= limit <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of cards from 1 to "
                                         "1000, e.g. --limit 20")
    return limit


def _add_drill_parser(commands: Any) -> None:
    """``drill``: today's drill, or custom study over a topic, level, deck or round."""
    drill = commands.add_parser(
        "drill", help="start today's drill straight away (or custom study: --topic ...)",
        description="Today's drill: due cards, then new ones. Any of --topic, --level, "
        "--deck, --round, --ahead makes it custom study of those cards instead: due ones "
        "first, then new ones (which do not spend today's new-card limit), then with "
        "--ahead the cards not yet due, soonest first.")
    drill.add_argument("--topic", metavar="TOPIC",
                       help="a topic and those under it, e.g. hardware.memory")
    drill.add_argument("--level", metavar="LEVEL", help="one level, L4 to L8")
    drill.add_argument("--deck", metavar="DECK", help="a deck id, e.g. problems-comms")
    drill.add_argument("--round", metavar="ROUND",
                       help="the open questions of an interview round, e.g. technical_depth")
    drill.add_argument("--ahead", action="store_true",
                       help="study ahead: also cards not due yet, soonest first")
    drill.add_argument("--limit", type=_positive_limit, metavar="N",
                       help="cards in a custom session (default 20)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tpm-drill",
        description="Drill the numbers an AI-infrastructure TPM interview loop asks for.",
        epilog="With no command, opens the home screen. "
        "TPM_DRILL_DB overrides the database path; TPM_DRILL_CONFIG the config file.",
    )
    parser.add_argument("--version", action="version", version=f"tpm-drill {__version__}")
    _add_global_options(parser, on_subcommand=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_drill_parser(commands)
    loop = commands.add_parser(
        "loop", help="a timed onsite-loop simulation (or --export N for a debrief)",
        description="Four 45-minute onsite rounds (program design, technical depth, "
        "behavioral, system tradeoffs), rated and judged by the hiring-committee rule.")
    loop.add_argument("--with-screen", action="store_true",
                      help="run the 60-minute technical screen first")
    loop.add_argument("--round-minutes", type=_round_minutes, metavar="X",
                      help="every round's length in minutes, above 0 and at most "
                      f"{MAX_ROUND_MINUTES:g} (fractions allowed)")
    loop.add_argument("--level", choices=["L4", "L5", "L6", "L7", "L8"],
                      help="the bar (default: the level above yours)")
    exports = loop.add_mutually_exclusive_group()
    exports.add_argument("--export", type=int, metavar="N",
                      help="print the debrief of your loop number N (1 for your first loop, "
                      "as titles say \"Onsite loop N\") as Markdown and exit; before "
                      "loops were numbered, N was the loop's session id: that is "
                      "--export-session now")
    exports.add_argument("--export-session", type=int, metavar="ID",
                      help="the same for the loop with session id ID (the id in "
                      "`tpm-drill export`)")
    hw = commands.add_parser("hw", help="print hardware catalog entries")
    hw.add_argument("id", nargs="?", help="a catalog id, e.g. h100_sxm (omit to list all)")
    hw.add_argument("--json", action="store_true", help="machine-readable output")
    calc = commands.add_parser(
        "calc", help="run a reference model: tpm-drill calc MODEL key=value ...",
        description="Run a reference model. Numbers are SI (bandwidth=450e9) or carry a unit "
        "(bandwidth=450GB/s, hours=2weeks, params=70B); gpu=h100_sxm reads the catalog.",
    )
    calc.add_argument("model", nargs="?", help="model name (see --list)")
    calc.add_argument("assignments", nargs="*", metavar="key=value")
    calc.add_argument("--list", action="store_true", help="list every model and its parameters")
    calc.add_argument("--json", action="store_true", help="machine-readable output")
    weak = commands.add_parser("weak", help="a session from your weakest topics (--json: the "
                               "ranking)")
    weak.add_argument("--json", action="store_true", help="print the ranking and exit")
    stats = commands.add_parser("stats", help="progress: retention, forecast, topics, loops")
    stats.add_argument("--json", action="store_true", help="print the figures and exit")
    commands.add_parser("optimize", help="fit FSRS weights to your own review history")
    export = commands.add_parser("export", help="write every review and session")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    cli_backup.add_parser(commands)
    cli_kata.add_parser(commands)
    cli_case.add_parser(commands)
    cli_stories.add_parser(commands)
    grade = commands.add_parser(
        "grade", help='grade one answer: tpm-drill grade "3.3 TB/s" --expected "3.35 TB/s", '
        'or tpm-drill grade --item ID "ANSWER"',
        description="Grade one answer and record nothing: against a reference you give "
        "(--expected), or as the answer to an item of the bank (--item: a fact or problem, "
        "posed with --seed, or an open question, scored by the rubric).")
    grade.add_argument("answer", help="the answer as a person would type it")
    target = grade.add_mutually_exclusive_group(required=True)
    target.add_argument("--expected", metavar='"VALUE UNIT"',
                        help='the reference, e.g. "3.35 TB/s" (its unit is the display unit)')
    target.add_argument("--item", metavar="ID",
                        help="an item of the bank, e.g. open.depth.flash_attention")
    grade.add_argument("--seed", type=int, default=0,
                       help="with --item: the seed a problem is posed with (default 0)")
    grade.add_argument("--tolerance", default="rel:5%,15%",
                       help="rel:EXACT%%,CLOSE%% or log:FACTOR,FACTOR (default rel:5%%,15%%)")
    grade.add_argument("--json", action="store_true", help="machine-readable output")
    content = commands.add_parser("content", help="check decks: tpm-drill content check [PATH]")
    content_commands = content.add_subparsers(dest="content_command", metavar="ACTION",
                                              required=True)
    check = content_commands.add_parser(
        "check", help="validate the built-in bank, or your deck folder or file")
    check.add_argument("path", nargs="*", type=Path, help="deck folder(s) or file(s)")
    check.add_argument("--seeds", type=int, default=200, help="seeds to pose each problem with")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    show = content_commands.add_parser(
        "show", help="print an item as the bank holds it: tpm-drill content show ID",
        description="Print an item as the bank holds it: kind, topic, level, rounds, prompt, "
        "units and tolerance, key points with phrasings, misconceptions and figures, model "
        "answer, source; a case's steps; a kata's function (not its solution).")
    show.add_argument("id", help="an item id, e.g. open.depth.flash_attention")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    for sub in _subparsers(parser):
        _add_global_options(sub, on_subcommand=True)
    return parser


def _fail(message: str, code: int = 2) -> int:
    """Print ``message`` (which may quote files and the database) on stderr; return ``code``."""
    print(f"tpm-drill: {clean_text(message)}", file=sys.stderr)
    return code


def _human(value: Any, field_name: str) -> str:
    """A catalog value with its unit, as a person reads it (3.35 TB/s, 80 GB, 700 W)."""
    from content.catalog import field_unit

    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    unit = field_unit(field_name)
    if not unit:
        return f"{value:g}"
    from grading.units import humanize

    return humanize(float(value), unit)


def cmd_hw(entry_id: str | None, as_json: bool) -> int:
    """Print one catalog entry or the whole catalog."""
    from content.catalog import CatalogError, builtin_catalog

    try:
        catalog = builtin_catalog()
        entries = [catalog.get(entry_id)] if entry_id else list(catalog)
    except CatalogError as error:
        return _fail(str(error))
    if as_json:
        data: Any = entries[0].to_dict() if entry_id else [e.to_dict() for e in entries]
        print(json.dumps(data, indent=2, default=str))
        return 0
    # Catalog text is data: printed with terminal control sequences stripped.
    if entry_id is None:
        current = None
        for entry in entries:
            if entry.kind != current:
                current = entry.kind
                print(clean_text(f"\n{current}"))
            print(clean_text(f"  {entry.id:<18} {entry.name}"))
        print("\nMore: tpm-drill hw ID  (or --json)")
        return 0
    entry = entries[0]
    print(clean_text(f"{entry.name}  [{entry.id}]"))
    for key, value in entry.fields.items():
        if key in {"name", "source", "notes", "field_sources"}:
            continue
        print(clean_text(f"  {key:<34} {_human(value, key)}"))
    if "notes" in entry.fields:
        print(clean_text(f"\n  Notes: {entry.fields['notes']}"))
    print(clean_text(f"\n  Source: {entry.source}"))
    for key, source in entry.fields.get("field_sources", {}).items():
        print(clean_text(f"  Source for {key}: {source}"))
    return 0


def cmd_loop_export(args: argparse.Namespace, number: int | None,
                    session_id: int | None = None) -> int:
    """Print the debrief of the player's loop ``number`` (or of the loop with session id
    ``session_id``) as Markdown, built whole first, so it is complete or absent.

    Store and config errors, raised at any point, are turned into messages by ``main``.
    """
    from engine.bank import load_content
    from engine.config import load_config
    from engine.loop.debrief import loop_debrief
    from engine.loop.session import loop_session_id
    from engine.store.db import Store

    config = load_config(args.config)
    store = Store(_db_path(args))
    if store.backup_warning:  # the command goes on; the player should still know
        print(f"tpm-drill: warning: {clean_text(store.backup_warning)}", file=sys.stderr)
    try:
        if session_id is None:
            assert number is not None
            session_id = loop_session_id(store, number)
        markdown = loop_debrief(store, load_content(config.deck_dirs), session_id)
    except LookupError as error:  # no such loop (DebriefError is one too)
        return _fail(str(error))
    finally:
        store.close()
    # Prompts and model answers come from decks, answers from the database: data, cleaned.
    print(clean_text(markdown), end="")
    return 0


def _db_path(args: argparse.Namespace) -> Path:
    """The database in use: ``--db``, else ``$TPM_DRILL_DB``, else the platform's data dir."""
    from engine.config import default_db_path

    return args.db or default_db_path()


def _headless(args: argparse.Namespace) -> tuple[Any, Any, Any, Any]:
    """Store, bank, scheduler and clock for a printing subcommand.

    ``ConfigError`` and ``StoreError`` propagate: ``main`` prints them and exits 2, wherever
    they are raised (opening, or a damaged page met halfway through a read).
    """
    from engine.bank import load_content
    from engine.clock import SystemClock
    from engine.config import load_config
    from engine.store.db import Store
    from engine.study.optimize import saved_parameters
    from engine.study.scheduler import Scheduler

    config = load_config(args.config)
    store = Store(_db_path(args))
    if store.backup_warning:  # the command goes on; the player should still know
        print(f"tpm-drill: warning: {clean_text(store.backup_warning)}", file=sys.stderr)
    try:
        return store, load_content(config.deck_dirs), \
            Scheduler(config, saved_parameters(store)), SystemClock()
    except BaseException:
        store.close()
        raise


def cmd_weak_json(args: argparse.Namespace) -> int:
    from engine.progress.weak import weak_json

    store, bank, scheduler, clock = _headless(args)
    try:
        ranking = weak_json(store, bank, scheduler, clock.now())
    finally:
        store.close()
    print(json.dumps(ranking, indent=2))
    return 0


def cmd_stats_json(args: argparse.Namespace) -> int:
    from engine.progress.stats import compute_stats

    store, bank, scheduler, clock = _headless(args)
    try:
        figures = compute_stats(store, bank, scheduler, clock.now(), clock.local_tz()).to_json()
    finally:
        store.close()
    print(json.dumps(figures, indent=2))
    return 0


def cmd_optimize(args: argparse.Namespace) -> int:
    from engine.study.optimize import optimize

    store, _bank, scheduler, clock = _headless(args)
    try:
        report = optimize(store, scheduler.config.day_rollover_hour, clock.local_tz())
    finally:
        store.close()
    print(report.message)
    for name, scores in (("defaults", report.defaults), ("before", report.before),
                         ("after", report.after)):
        if scores is not None:
            print(f"  {name:<9} log loss {scores.log_loss:.4f}   RMSE(bins) {scores.rmse_bins:.4f}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write every review and session as CSV or JSON, to ``--output`` or stdout.

    The output is complete or absent: with ``-o FILE`` the export goes to a temporary file in
    the same folder, renamed into place only once whole (a full disk leaves the old file, or
    none); to stdout it is built in a spooled buffer first, so a database that fails halfway
    prints nothing rather than half a JSON document. A reader that leaves early (``| head``)
    raises ``BrokenPipeError``, which ``main`` turns into a quiet exit.
    """
    import tempfile

    from engine.progress.export import export_reviews
    from engine.store.db import Store

    store = Store(_db_path(args))
    try:
        if args.output:
            counts = _export_to_file(store, args.format, args.output)
            if isinstance(counts, int):
                return counts
            print(f"wrote {args.output}: " + ", ".join(f"{n} {k}" for k, n in counts.items()),
                  file=sys.stderr)
            return 0
        # Up to 16 MB in memory, the rest in a temporary file: a long history stays cheap.
        with tempfile.SpooledTemporaryFile(16 * 2**20, mode="w+", encoding="utf-8",
                                           newline="") as buffer:
            export_reviews(store, args.format, buffer)
            buffer.seek(0)
            _copy_text(buffer, sys.stdout)
            sys.stdout.flush()
    finally:
        store.close()
    return 0


def _copy_text(source: TextIO | Any, target: TextIO) -> None:
    while chunk := source.read(2**16):
        target.write(chunk)


def _export_to_file(store: Any, fmt: str, output: Path) -> dict[str, int] | int:
    """Export into ``output`` atomically: row counts, or an exit code after a message.

    Store errors propagate (``main`` reports them); the temporary file is removed either way.
    """
    import tempfile

    from engine.progress.export import export_reviews

    target = Path(os.path.abspath(output))
    try:
        handle = tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="", dir=target.parent,
            prefix=f".{target.name}.", suffix=".part", delete=False)
    except OSError as error:
        return _fail(f"cannot write {output}: {error.strerror or error}; nothing was written. "
                     "Check the folder exists and is writable, or pick another with -o.")
    temporary = Path(handle.name)
    try:
        try:
            with handle:
                counts = export_reviews(store, fmt, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, _new_file_mode(target))
            os.replace(temporary, target)
        except OSError as error:
            reason = error.strerror or str(error)
            return _fail(f"cannot write {output}: {reason}; nothing was written"
                         f"{' and the file there is unchanged' if target.exists() else ''}. "
                         "Free some space or pick another place with -o, then export again.")
    finally:
        temporary.unlink(missing_ok=True)
    return counts


def _new_file_mode(target: Path) -> int:
    """The permissions ``open(target, "w")`` would give: the old file's, else 0666 less the
    umask (a temporary file starts at 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def cmd_calc(model: str | None, assignments: list[str], list_models: bool,
             as_json: bool) -> int:
    """Run one reference model, or list them all."""
    from engine.calc import calculate, describe_models, param_synopsis, result_json
    from engine.models.base import ModelError

    if list_models or model is None:
        described = describe_models()
        if as_json:
            print(json.dumps(described, indent=2))
            return 0
        if model is None and not list_models:
            print("usage: tpm-drill calc MODEL key=value ...   (models below)\n")
        for entry in described:
            params = " ".join(param_synopsis(p) for p in entry["params"])
            print(f"{entry['model']}  ->  {entry['unit'] or 'dimensionless'}")
            print(f"    {params}")
            print(f"    {entry['formula']}")
        return 0
    try:
        result = calculate(model, assignments)
    except ModelError as error:
        return _fail(str(error))
    if as_json:
        print(json.dumps(result_json(model, result), indent=2))
        return 0
    from grading.units import humanize

    print(f"{model} = {humanize(result.value, result.unit)}")
    for step in result.steps:
        print(f"  {step.label} = {humanize(step.value, step.unit)}")
    if result.outputs:
        print("outputs:")
        for key, value in result.outputs.items():
            shown = humanize(value, result.output_units.get(key, "")) \
                if isinstance(value, float | int) else value
            print(f"  {key} = {shown}")
    return 0


def cmd_grade(answer: str, expected: str, tolerance_text: str, as_json: bool) -> int:
    """Grade one answer from the shell; unreadable input is a band, not an error."""
    from grading.numeric import Tolerance, grade_numeric
    from grading.quantity import AnswerError, split_quantity
    from grading.rating import suggest_rating
    from grading.units import UnitError, format_value

    try:
        tolerance = Tolerance.parse(tolerance_text)
    except ValueError as error:
        return _fail(str(error))
    try:
        reference, unit = split_quantity(expected)
    except (AnswerError, UnitError) as error:
        return _fail(f"--expected {expected!r}: {error}")
    out: dict[str, Any] = {"band": None, "value": None, "unit": unit, "rel_error": None,
                           "log10_error": None, "rating": None, "message": "",
                           "interval": None}
    try:
        grade = grade_numeric(answer, reference, unit, unit, tolerance)
    except AnswerError as error:
        out.update(band=error.band, message=str(error))
    else:
        out.update(
            band=grade.band, value=grade.value, rel_error=finite_or_none(grade.rel_error),
            log10_error=finite_or_none(grade.log10_error),
            rating=suggest_rating(grade.band), message=grade.message,
            interval=list(grade.interval) if grade.interval else None,
        )
    if as_json:
        print(json.dumps(out, indent=2))
    else:
        shown = format_value(out["value"], unit) if out["value"] is not None else "-"
        print(f"{out['band']}: {out['message']}")
        print(f"  you: {shown}   reference: {format_value(reference, unit)}")
    return 0



def cmd_content_check(paths: list[Path], seeds: int, as_json: bool) -> int:
    """Validate decks; exit 1 when anything is wrong."""
    from engine.content_check import check_content, terminal_progress

    # Progress only on a terminal's stderr: never into stdout (--json), never into a log.
    progress = terminal_progress(sys.stderr)
    try:
        report = check_content(paths, seeds=seeds, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        where = ", ".join(str(p) for p in paths) or "built-in bank"
        print(f"{where}: {report.decks} deck(s), {report.facts} facts, {report.problems} "
              f"problems, {report.open} open questions, {report.katas} katas, "
              f"{report.cases} cases")
        for error in report.errors:  # quotes deck text: cleaned of control sequences
            print(clean_text(f"  {error}"))
        print("ok" if not report.errors else f"{len(report.errors)} error(s)")
    return 1 if report.errors else 0


def cmd_drill(args: argparse.Namespace) -> int:
    """``drill``: today's drill, or custom study when a filter, ``--ahead`` or ``--limit``
    is given. A filter naming what no card has, or one that has nothing to ask right now,
    is refused (exit 2) before the app opens, with what there is or why nothing is due."""
    custom = {"topic": args.topic, "level": args.level, "deck": args.deck,
              "round": args.round}
    if not any(value is not None for value in custom.values()) and not args.ahead \
            and args.limit is None:
        return _open_app(args, "drill")
    from engine.stories import with_retell_cards
    from engine.study.custom import (
        DEFAULT_LIMIT,
        CustomPicker,
        CustomStudyError,
        check_choices,
        custom_count,
        nothing_to_drill,
    )

    store, bank, scheduler, clock = _headless(args)
    try:
        with_retell_cards(bank, store)  # the player's stories are cards: --deck stories
        try:
            picker = CustomPicker(**custom, ahead=args.ahead,
                                  limit=args.limit or DEFAULT_LIMIT)
            check_choices(bank, picker.filter)
        except CustomStudyError as error:  # names and lists deck text: cleaned by _fail
            return _fail(str(error))
        count = custom_count(store, bank, scheduler, clock, picker)
    finally:
        store.close()
    empty = nothing_to_drill(picker, count)
    if empty is not None:
        if count.later and not picker.ahead:
            empty += f"; add --ahead to study {'it' if count.later == 1 else 'them'} ahead"
        return _fail(empty + ". Nothing was started.")
    return _open_app(args, "custom", custom=picker)


def _open_app(args: argparse.Namespace, start: str,
              loop_options: dict[str, Any] | None = None,
              custom: CustomPicker | None = None) -> int:
    from tui import startup_gc

    with startup_gc():
        from engine.config import load_config

        config = load_config(args.config)  # a ConfigError is reported by main
        from tui.app import build_app

        app = build_app(_db_path(args), config=config, start=start, loop_options=loop_options,
                        config_path=args.config, custom=custom)
    app.run()
    if app.crash_line is not None:  # the app caught an exception and wrote the log
        print(app.crash_line, file=sys.stderr)
        return 1
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tpm-drill`` script: 0 ok, 1 a check failed (or a crash), 2 bad
    input or the command cannot proceed.

    Whatever a subcommand raises ends here as one line on stderr, never a traceback: a bad
    config or an unusable database (at open or halfway through a read) is the error's own
    message and exit 2; anything unexpected is written to a crash log next to the database
    and named in one line, exit 1.
    """
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except BrokenPipeError:  # e.g. `tpm-drill export | head`: the reader left early
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        print("tpm-drill: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: reported, never a traceback
        message = _expected_error(error, args)
        if message is not None:
            return _fail(message)
        from tui.crash import data_folder, report_crash

        print(report_crash(error, data_folder(_db_path(args))), file=sys.stderr)
        return 1


def _expected_error(error: Exception, args: argparse.Namespace) -> str | None:
    """The message for an error a person can act on (bad config, damaged / read-only / full
    / busy database), or ``None`` for a bug."""
    import sqlite3

    from engine.config import ConfigError
    from engine.store.db import StoreError, classify_error

    if isinstance(error, ConfigError | StoreError):
        return str(error)
    # Constraint and programming errors are bugs, not conditions of the file (as in the store).
    if isinstance(error, sqlite3.DatabaseError) and not isinstance(
            error, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError):
        return str(classify_error(_db_path(args), error, "nothing"))
    return None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush of what is still buffered
    does not fail again on the closed pipe (Python's documented recipe for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout already gone, or not a real file
        pass


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "hw":
        return cmd_hw(args.id, args.json)
    if args.command == "backup":
        return cli_backup.run(args)
    if args.command == "kata":
        return cli_kata.run(args)
    if args.command == "case":
        return cli_case.run(args)
    if args.command == "stories":
        return cli_stories.run(args)
    if args.command == "weak":
        return cmd_weak_json(args) if args.json else _open_app(args, "weak")
    if args.command == "stats":
        return cmd_stats_json(args) if args.json else _open_app(args, "stats")
    if args.command == "optimize":
        return cmd_optimize(args)
    if args.command == "export":
        return cmd_export(args)
    if args.command == "grade":
        if args.item is not None:
            return cli_grade.cmd_grade_item(args)
        return cmd_grade(args.answer, args.expected, args.tolerance, args.json)
    if args.command == "content":
        if args.content_command == "show":
            return cli_grade.cmd_content_show(args)
        return cmd_content_check(args.path, args.seeds, args.json)
    if args.command == "calc":
        return cmd_calc(args.model, args.assignments, args.list, args.json)
    if args.command == "drill":
        return cmd_drill(args)
    if args.command == "loop":
        if args.export is not None or args.export_session is not None:
            return cmd_loop_export(args, args.export, args.export_session)
        options = {"level": args.level, "with_screen": args.with_screen,
                   "round_minutes": args.round_minutes}
        return _open_app(args, "loop", options)
    return _open_app(args, "home")


if __name__ == "__main__":
    sys.exit(main())
