"""What an unexpected exception leaves behind: one line for the player, a log for the bug report.

The CLI (``tui.__main__.main``) and the app (``TpmDrillApp._handle_exception``) both end here,
so a crash anywhere exits non-zero with one line on stderr naming a log file, and the
traceback goes to that file instead of a screen of locals. The log is written next to the
database in use (its folder is the player's data folder, or the one ``--db`` chose), falling
back to the system's temporary folder when that folder cannot be written.

Nothing here is imported on the way to the first question; ``traceback`` is imported only
when there is a crash to write.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path


def write_crash_log(error: BaseException, folder: Path) -> Path | None:
    """Write ``error``'s traceback and what was running into ``folder``; the file, or ``None``
    when neither ``folder`` nor the temporary folder can be written."""
    import platform
    import tempfile
    import traceback

    from engine import __version__

    stamp = datetime.now().astimezone()
    # No colons in the name: it must be a valid file name on every platform.
    name = f"crash-{stamp:%Y-%m-%dT%H-%M-%S}"
    text = (
        f"tpm-drill {__version__} crashed at {stamp.isoformat(timespec='seconds')}\n"
        f"command: {' '.join(sys.argv)}\n"
        f"python {platform.python_version()} on {platform.platform()}\n\n"
        + "".join(traceback.format_exception(error))
    )
    for where in (folder, Path(tempfile.gettempdir())):
        try:
            where.mkdir(parents=True, exist_ok=True)
            for attempt in range(100):
                path = where / (f"{name}.log" if attempt == 0 else f"{name}-{attempt}.log")
                try:
                    with open(path, "x", encoding="utf-8") as log:
                        log.write(text)
                    return path.resolve()
                except FileExistsError:
                    continue
        except OSError:
            continue
    return None


def crash_line(error: BaseException, log_path: Path | None) -> str:
    """The one line the player sees: what failed, briefly, and where the details are."""
    from content.untrusted import clean_text

    summary = clean_text(f"{type(error).__name__}: {error}").replace("\n", " ").strip()
    if len(summary) > 200:
        summary = summary[:197] + "..."
    where = f"details in {log_path}" if log_path else "no log could be written"
    return f"tpm-drill: unexpected error ({summary}); {where}"


def report_crash(error: BaseException, folder: Path) -> str:
    """Write the log and return the one line to print. When no log could be written at all,
    the traceback goes to stderr instead, so it is never lost."""
    log_path = write_crash_log(error, folder)
    if log_path is None:
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    return crash_line(error, log_path)


def data_folder(db_path: Path | str | None) -> Path:
    """The folder of the database in use, where crash logs go (absolute, for the message)."""
    if db_path is None or str(db_path) == ":memory:":
        from engine.config import user_dir

        return user_dir("data")
    return Path(os.path.abspath(Path(db_path).expanduser())).parent
