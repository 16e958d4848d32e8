"""The ``tpm-drill`` command line.

Subcommands that print (``hw``) never import Textual, so they start fast; the TUI is imported
inside ``main`` only when a screen is opened.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from engine import __version__, finite_or_none
from tui import cli_backup


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tpm-drill",
        description="Drill the numbers an AI-infrastructure TPM interview loop asks for.",
        epilog="With no command, opens the home screen. "
        "TPM_DRILL_DB overrides the database path; TPM_DRILL_CONFIG the config file.",
    )
    parser.add_argument("--version", action="version", version=f"tpm-drill {__version__}")
    parser.add_argument("--db", type=Path, help="progress database (SQLite file)")
    parser.add_argument("--config", type=Path, help="config.toml to use")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("drill", help="start today's drill straight away")
    loop = commands.add_parser(
        "loop", help="a timed onsite-loop simulation (or --export ID for a debrief)",
        description="Four 45-minute onsite rounds (program design, technical depth, "
        "behavioral, system tradeoffs), rated and judged by the hiring-committee rule.")
    loop.add_argument("--with-screen", action="store_true",
                      help="run the 60-minute technical screen first")
    loop.add_argument("--round-minutes", type=float, metavar="X",
                      help="every round's length in minutes (fractions allowed)")
    loop.add_argument("--level", choices=["L4", "L5", "L6", "L7", "L8"],
                      help="the bar (default: the level above yours)")
    loop.add_argument("--export", type=int, metavar="ID",
                      help="print loop ID's debrief as Markdown and exit")
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
    grade = commands.add_parser(
        "grade", help='grade one answer: tpm-drill grade "3.3 TB/s" --expected "3.35 TB/s"')
    grade.add_argument("answer", help="the answer as a person would type it")
    grade.add_argument("--expected", required=True, metavar='"VALUE UNIT"',
                       help='the reference, e.g. "3.35 TB/s" (its unit is the display unit)')
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
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"tpm-drill: {message}", file=sys.stderr)
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
    if entry_id is None:
        current = None
        for entry in entries:
            if entry.kind != current:
                current = entry.kind
                print(f"\n{current}")
            print(f"  {entry.id:<18} {entry.name}")
        print("\nMore: tpm-drill hw ID  (or --json)")
        return 0
    entry = entries[0]
    print(f"{entry.name}  [{entry.id}]")
    for key, value in entry.fields.items():
        if key in {"name", "source", "notes", "field_sources"}:
            continue
        print(f"  {key:<34} {_human(value, key)}")
    if "notes" in entry.fields:
        print(f"\n  Notes: {entry.fields['notes']}")
    print(f"\n  Source: {entry.source}")
    for key, source in entry.fields.get("field_sources", {}).items():
        print(f"  Source for {key}: {source}")
    return 0


def cmd_loop_export(db_path: Path, session_id: int) -> int:
    """Print a loop's debrief as Markdown."""
    from engine.bank import load_content
    from engine.config import ConfigError, load_config
    from engine.debrief import DebriefError, loop_debrief
    from engine.store import Store, StoreError

    try:
        config = load_config()
        store = Store(db_path)
    except (ConfigError, StoreError) as error:
        return _fail(str(error))
    try:
        print(loop_debrief(store, load_content(config.deck_dirs), session_id), end="")
    except DebriefError as error:
        return _fail(str(error))
    finally:
        store.close()
    return 0


def _headless(args: argparse.Namespace) -> tuple[Any, Any, Any, Any] | int:
    """Store, bank, scheduler and clock for a printing subcommand, or an exit code."""
    from engine.bank import load_content
    from engine.clock import SystemClock
    from engine.config import ConfigError, default_db_path, load_config
    from engine.optimize import saved_parameters
    from engine.scheduler import Scheduler
    from engine.store import Store, StoreError

    try:
        config = load_config(args.config)
        store = Store(args.db or default_db_path())
    except (ConfigError, StoreError) as error:
        return _fail(str(error))
    return store, load_content(config.deck_dirs), Scheduler(config, saved_parameters(store)), \
        SystemClock()


def cmd_weak_json(args: argparse.Namespace) -> int:
    from engine.weak import weak_json

    opened = _headless(args)
    if isinstance(opened, int):
        return opened
    store, bank, scheduler, clock = opened
    try:
        print(json.dumps(weak_json(store, bank, scheduler, clock.now()), indent=2))
    finally:
        store.close()
    return 0


def cmd_stats_json(args: argparse.Namespace) -> int:
    from engine.stats import compute_stats

    opened = _headless(args)
    if isinstance(opened, int):
        return opened
    store, bank, scheduler, clock = opened
    try:
        stats = compute_stats(store, bank, scheduler, clock.now(), clock.local_tz())
        print(json.dumps(stats.to_json(), indent=2))
    finally:
        store.close()
    return 0


def cmd_optimize(args: argparse.Namespace) -> int:
    from engine.optimize import optimize

    opened = _headless(args)
    if isinstance(opened, int):
        return opened
    store, _bank, scheduler, clock = opened
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
    from engine.export import export_reviews

    opened = _headless(args)
    if isinstance(opened, int):
        return opened
    store = opened[0]
    try:
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                counts = export_reviews(store, args.format, out)
            print(f"wrote {args.output}: " + ", ".join(f"{n} {k}" for k, n in counts.items()),
                  file=sys.stderr)
        else:
            export_reviews(store, args.format, sys.stdout)
    except OSError as error:
        return _fail(f"{args.output}: {error}")
    finally:
        store.close()
    return 0


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
    from engine.content_check import check_content

    report = check_content(paths, seeds=seeds)
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        where = ", ".join(str(p) for p in paths) or "built-in bank"
        print(f"{where}: {report.decks} deck(s), {report.facts} facts, {report.problems} "
              f"problems, {report.open} open questions")
        for error in report.errors:
            print(f"  {error}")
        print("ok" if not report.errors else f"{len(report.errors)} error(s)")
    return 1 if report.errors else 0


def _open_app(args: argparse.Namespace, start: str,
              loop_options: dict[str, Any] | None = None) -> int:
    from tui import startup_gc

    with startup_gc():
        from engine.config import ConfigError, default_db_path, load_config
        from engine.store import StoreError

        try:
            config = load_config(args.config)
        except ConfigError as error:
            return _fail(str(error))
        db_path = args.db or default_db_path()
        from tui.app import build_app

        try:
            app = build_app(db_path, config=config, start=start, loop_options=loop_options,
                            config_path=args.config)
        except StoreError as error:
            return _fail(str(error))
    app.run()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tpm-drill`` script."""
    try:
        return _dispatch(argv)
    except BrokenPipeError:  # e.g. `tpm-drill calc --list | head`: the reader left early
        sys.stderr.close()
        return 0


def _dispatch(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "hw":
        return cmd_hw(args.id, args.json)
    if args.command == "backup":
        return cli_backup.run(args)
    if args.command == "weak":
        return cmd_weak_json(args) if args.json else _open_app(args, "weak")
    if args.command == "stats":
        return cmd_stats_json(args) if args.json else _open_app(args, "stats")
    if args.command == "optimize":
        return cmd_optimize(args)
    if args.command == "export":
        return cmd_export(args)
    if args.command == "grade":
        return cmd_grade(args.answer, args.expected, args.tolerance, args.json)
    if args.command == "content":
        return cmd_content_check(args.path, args.seeds, args.json)
    if args.command == "calc":
        return cmd_calc(args.model, args.assignments, args.list, args.json)
    if args.command == "drill":
        return _open_app(args, "drill")
    if args.command == "loop":
        if args.export is not None:
            from engine.config import default_db_path

            return cmd_loop_export(args.db or default_db_path(), args.export)
        if args.round_minutes is not None and args.round_minutes <= 0:
            return _fail("--round-minutes must be positive")
        options = {"level": args.level, "with_screen": args.with_screen,
                   "round_minutes": args.round_minutes}
        return _open_app(args, "loop", options)
    return _open_app(args, "home")


if __name__ == "__main__":
    sys.exit(main())
