"""``tpm-drill backup``: list the daily backups, or restore one.

Kept apart from ``tui/__main__.py`` and free of Textual, so it starts fast. Wiring:
``cli_backup.add_parser(commands)`` in ``_parser`` and ``cli_backup.run(args)`` in
``_dispatch`` for ``args.command == "backup"``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``backup`` subcommand to the CLI's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "backup", help="list daily backups, or restore one: backup --restore DATE",
        description="tpm-drill backs the progress database up on the first open of each study "
        "day and keeps seven, in a backups/ folder next to it. --restore first checks the "
        "backup, refuses while tpm-drill has the database open, and keeps the current file "
        "as a pre-restore backup.")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="list the backups (the default)")
    action.add_argument("--restore", metavar="NAME|DATE",
                        help="restore a backup by file name or study day (YYYY-MM-DD)")
    return parser


def _bad_day(name_or_date: str) -> str | None:
    """Why ``--restore`` got an impossible study day (2026-13-45, 2026-02-30), or ``None``.

    Checked here, before the backup module parses it (which raised ``ValueError``): anything
    shaped like YYYY-MM-DD must be a real date. Other text is a backup's file name.
    """
    import re
    from datetime import date

    wanted = name_or_date.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", wanted):
        return None
    try:
        date.fromisoformat(wanted)
    except ValueError as error:
        from content.untrusted import clean_text

        return (f"--restore {clean_text(wanted)}: not a real date ({error}); give a study day "
                "as YYYY-MM-DD, e.g. 2026-01-05, or a file name from `tpm-drill backup --list`")
    return None


def run(args: argparse.Namespace) -> int:
    """Carry out ``tpm-drill backup``; 0 when done, 2 (with a message) when refused."""
    from datetime import UTC, datetime

    from engine.config import default_db_path
    from engine.store import backup
    from engine.store.db import StoreError

    db_path = args.db or default_db_path()
    if args.restore:
        problem = _bad_day(args.restore)
        if problem:
            print(f"tpm-drill: {problem}", file=sys.stderr)
            return 2
    try:
        if args.restore:
            result = backup.restore(db_path, args.restore, datetime.now(UTC))
            print(f"Restored {db_path} from {result.restored_from.name}.")
            if result.saved_current_as is not None:
                print(f"The file it replaced is kept as {result.saved_current_as}.")
            return 0
        backups = backup.list_backups(db_path)
    except (StoreError, OSError) as error:
        print(f"tpm-drill: {error}", file=sys.stderr)
        return 2
    if not backups:
        print(f"No backups yet in {backup.backup_dir(db_path)} (one is made on the first "
              "open of each study day).")
        return 0
    print(f"Backups of {db_path} in {backup.backup_dir(db_path)}:")
    for info in backups:
        size = f"{info.size_bytes / 1e6:.1f} MB" if info.size_bytes >= 1e5 \
            else f"{info.size_bytes / 1e3:.0f} kB"
        print(f"  {info.name:<40} {info.kind:<11} {size:>9}  "
              f"{info.modified:%Y-%m-%d %H:%M}")
    print("Restore one with: tpm-drill backup --restore DATE (or NAME)")
    return 0
