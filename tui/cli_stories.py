"""``tpm-drill stories``: write, keep and critique your own stories from the command line.

* ``stories list [--json]``: every story kept (id, title, versions, words, key numbers);
* ``stories show ID [--json]``: the latest text;
* ``stories add --title T (--file F | -) [--json]``: a new story from a file or stdin;
* ``stories edit ID --file F [--title T] [--json]``: a new version (``-`` reads stdin); the
  earlier text is kept — an edit never overwrites;
* ``stories critique ID [--json]``: what a behavioral-round interviewer would make of it
  (``engine.stories.critique``);
* ``stories versions ID [--json]``: every saved version, oldest first;
* ``stories archive ID [--undo]``: hide it from the list and the drill (its text stays).

Exit codes: 0 done, 2 bad input (an unknown id, an empty or unreadable text, a missing
title). Everything read from the database is printed through
``content.untrusted.clean_text``. Kept free of Textual so it starts fast; wired into
``tui/__main__.py`` as ``cli_case`` is (``add_parser`` and ``run``).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content.untrusted import clean_text

if TYPE_CHECKING:
    from engine.store.db import Store
    from engine.stories import StoryCritique

#: The width text output is wrapped to.
WIDTH = 80
#: Longest story accepted, in characters: a two-minute story is ~300 words (~2,000
#: characters); ten times that is a draft gone wrong, refused with a message, not cut.
MAX_STORY_CHARS = 20_000
#: Longest title accepted, in characters.
MAX_TITLE_CHARS = 200


class BadInput(ValueError):
    """Input the command refuses (exit 2), with a message a person can act on."""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``stories`` subcommand and its actions to the CLI's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "stories", help="your own stories: stories list | show ID | add | edit ID | "
        "critique ID | versions ID",
        description="Prepare the stories the behavioral round asks for (a time you changed "
        "a technical direction with data or a simulation). Every edit is kept as a new "
        "version; each story is critiqued as an interviewer would and becomes a retell "
        "card in the drill.")
    actions = parser.add_subparsers(dest="stories_command", metavar="ACTION")
    listing = actions.add_parser("list", help="every story: id, title, versions, numbers")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    for name, text in (("show", "the latest text of a story"),
                       ("critique", "what an interviewer would make of a story"),
                       ("versions", "every saved version of a story, oldest first")):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", help="a story id (see `tpm-drill stories list`)")
        action.add_argument("--json", action="store_true", help="machine-readable output")
    add = actions.add_parser("add", help="a new story from a file or stdin")
    add.add_argument("--title", required=True, help="the story's title")
    add.add_argument("source", nargs="?", metavar="-", help="- to read the text from stdin")
    add.add_argument("--file", type=Path, help="a UTF-8 text file with the story")
    add.add_argument("--json", action="store_true", help="machine-readable output")
    edit = actions.add_parser("edit", help="save a new version of a story (the old one stays)")
    edit.add_argument("id", help="a story id")
    edit.add_argument("--file", type=Path, required=True,
                      help="a UTF-8 text file with the new text (- for stdin)")
    edit.add_argument("--title", help="a new title (default: keep it)")
    edit.add_argument("--json", action="store_true", help="machine-readable output")
    archive = actions.add_parser("archive", help="hide a story from the list and the drill")
    archive.add_argument("id", help="a story id")
    archive.add_argument("--undo", action="store_true", help="bring an archived story back")
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"tpm-drill: {clean_text(message)}", file=sys.stderr)
    return code


def open_store(args: argparse.Namespace) -> Store:
    """The database the stories live in (``--db``, ``TPM_DRILL_DB``, the data folder)."""
    from engine.config import default_db_path
    from engine.store.db import Store

    store = Store(args.db or default_db_path())
    if store.backup_warning:
        print(f"tpm-drill: warning: {clean_text(store.backup_warning)}", file=sys.stderr)
    return store


def run(args: argparse.Namespace) -> int:
    """Carry out ``tpm-drill stories ACTION`` (``list`` when none is given); the exit code."""
    command = args.stories_command or "list"
    try:
        if command in {"add", "edit"}:
            text = _read_text(args)  # before the store opens: bad input touches nothing
        store = open_store(args)
        try:
            if command == "list":
                return _list(store, getattr(args, "json", False))
            if command == "add":
                return _save(store, None, _title(args.title), text, args.json)
            story = _story(store, args.id)
            if command == "show":
                return _show(story, args.json)
            if command == "versions":
                return _versions(store, story, args.json)
            if command == "critique":
                return _critique(args, story)
            if command == "archive":
                return _archive(store, story, args.undo)
            title = _title(args.title) if args.title is not None else story["title"]
            return _save(store, story["id"], title, text, args.json)
        finally:
            store.close()
    except BadInput as error:
        return _fail(str(error))


# -- input ------------------------------------------------------------------------------------


def _title(title: str) -> str:
    cleaned = " ".join(clean_text(title).split())
    if not cleaned:
        raise BadInput("the title is empty: give the story a title, e.g. --title "
                       "\"Async checkpoints\"")
    if len(cleaned) > MAX_TITLE_CHARS:
        raise BadInput(f"the title is {len(cleaned)} characters; keep it under "
                       f"{MAX_TITLE_CHARS}")
    return cleaned


def _read_text(args: argparse.Namespace) -> str:
    """The story's text from ``--file`` or stdin (``-``); refused when empty, too long or
    not UTF-8 — nothing is saved then."""
    path: Path | None = args.file
    from_stdin = getattr(args, "source", None) == "-" or (path is not None and str(path) == "-")
    if getattr(args, "source", None) not in (None, "-"):
        raise BadInput(f"unexpected {args.source!r}: give the text with --file F or - "
                       "(stdin)")
    if from_stdin and path is not None and str(path) != "-":
        raise BadInput("give the text once: --file F or - (stdin), not both")
    if not from_stdin and path is None:
        raise BadInput("no text: give --file F, or - to read the story from stdin")
    try:
        if from_stdin:
            raw = sys.stdin.buffer.read()
            where = "stdin"
        else:
            assert path is not None
            raw = path.read_bytes()
            where = str(path)
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInput(f"{where} is not UTF-8 text (byte {error.start}); save it as UTF-8 "
                       "and try again") from None
    text = clean_text(text).strip()
    if not text:
        raise BadInput(f"{where} is empty: nothing to save")
    if len(text) > MAX_STORY_CHARS:
        raise BadInput(f"{where} has {len(text):,} characters; a story told in two minutes "
                       f"is ~2,000 — keep it under {MAX_STORY_CHARS:,}")
    return text


def _story(store: Store, given: str) -> dict[str, Any]:
    """The story ``given`` names (archived ones too), or BadInput."""
    try:
        story_id = int(given)
    except ValueError:
        raise BadInput(f"{given!r} is not a story id: ids are whole numbers, see "
                       "`tpm-drill stories list`") from None
    for story in store.stories(include_archived=True):
        if story["id"] == story_id:
            return story
    raise BadInput(f"no story {story_id}: `tpm-drill stories list` shows them")


# -- output -----------------------------------------------------------------------------------


def _say(text: str, indent: str = "") -> None:
    """Stored text, cleaned and wrapped to ``WIDTH`` columns."""
    for paragraph in clean_text(text).split("\n"):
        print("\n".join(textwrap.wrap(paragraph, WIDTH, initial_indent=indent,
                                      subsequent_indent=indent, break_on_hyphens=False))
              or "")


def _dump(data: Any) -> None:
    print(json.dumps(_clean(data), indent=2, ensure_ascii=False))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def story_json(story: dict[str, Any]) -> dict[str, Any]:
    """A story as ``list --json`` and ``show --json`` give it."""
    from engine.stories import key_numbers, word_count

    return {"id": story["id"], "title": story["title"], "version": story["version"],
            "versions": story["versions"], "saved_at": story["saved_at"],
            "archived": story.get("archived_at") is not None,
            "words": word_count(story["body"]),
            "key_numbers": [n.typed for n in key_numbers(story["body"])],
            "body": story["body"]}


def _list(store: Store, as_json: bool) -> int:
    stories = store.stories()
    if as_json:
        _dump([{k: v for k, v in story_json(s).items() if k != "body"} for s in stories])
        return 0
    if not stories:
        print("No stories yet. Write one: tpm-drill stories add --title T --file F "
              "(or y on the home screen).")
        return 0
    for story in stories:
        shown = story_json(story)
        numbers = ", ".join(shown["key_numbers"][:4]) or "no numbers"
        print(clean_text(f"{story['id']:>3}  {_fit(story['title'], 36):<36} "
                         f"v{story['versions']:<3} {shown['words']:>4} w  "
                         f"{_fit(numbers, 24)}").rstrip())
    print(f"\n{len(stories)} story(s). Critique one: tpm-drill stories critique ID")
    return 0


def _fit(text: str, width: int) -> str:
    text = " ".join(clean_text(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _show(story: dict[str, Any], as_json: bool) -> int:
    if as_json:
        _dump(story_json(story))
        return 0
    archived = "  (archived)" if story.get("archived_at") else ""
    print(clean_text(f"{story['id']}. {story['title']}  — version {story['version']} of "
                     f"{story['versions']}, saved {story['saved_at']}{archived}"))
    print()
    _say(story["body"])
    return 0


def _versions(store: Store, story: dict[str, Any], as_json: bool) -> int:
    versions = store.story_versions(story["id"])
    if as_json:
        _dump({"id": story["id"], "versions": versions})
        return 0
    for version in versions:
        print(clean_text(f"── version {version['version']}  {version['saved_at']}  "
                         f"{version['title']}"))
        _say(version["body"], "  ")
        print()
    return 0


def story_question(args: argparse.Namespace) -> Any:
    """The behavioral question stories are scored against, or None when the bank lacks it
    (a deck folder can replace the built-in decks)."""
    from engine.bank import load_content
    from engine.config import load_config
    from engine.stories import STORY_QUESTION_ID

    return load_content(load_config(args.config).deck_dirs).get(STORY_QUESTION_ID)


def _critique(args: argparse.Namespace, story: dict[str, Any]) -> int:
    from engine.stories import critique

    found = critique(story["title"], story["body"], story_question(args))
    if args.json:
        _dump({"id": story["id"], "version": story["version"], **found.to_dict()})
        return 0
    for line in critique_lines(found):
        hanging = " " * (len(line) - len(line.lstrip()) + 2) if line.startswith(" ") else ""
        print("\n".join(textwrap.wrap(clean_text(line), WIDTH, subsequent_indent=hanging,
                                      break_on_hyphens=False)) or "")
    return 0


def critique_lines(found: StoryCritique) -> list[str]:
    """The critique as plain lines (the screen renders the same parts with markup)."""
    lines = [f"{found.title}", found.length_line, ""]
    numbers = ", ".join(n.typed for n in found.numbers) or "none — say what moved, with units"
    lines.append(f"Numbers with units: {numbers}")
    if found.unitless:
        lines.append(f"Numbers without a unit: {', '.join(found.unitless)}")
    lines.append(f"Mechanisms (cause → effect): {len(found.mechanisms)}")
    lines += [f"  · {s}" for s in found.mechanisms[:3]]
    lines.append(f"Causal claims (what moved, by how much): {len(found.causal_claims)}")
    lines += [f"  · {s}" for s in found.causal_claims[:3]]
    if found.authority:
        lines.append("Technical authority:")
        lines += [f"  ✓ {a.kind}: {a.sentence}" for a in found.authority]
    else:
        lines.append("Technical authority: none heard — proved, modelled, simulated, "
                     "measured or overrode?")
    for heard in found.consensus:
        lines.append(f'  ⚑ "{heard.found}": {heard.why}')
    if found.probes:
        lines += ["", "An interviewer would ask next:"]
        lines += [f"  ? {probe}" for probe in found.probes]
    lines += ["", f"Automatic score as a behavioral answer: {found.score:.0%}"]
    return lines


def _archive(store: Store, story: dict[str, Any], undo: bool) -> int:
    from engine.clock import SystemClock

    store.archive_story(story["id"], None if undo else SystemClock().now())
    print(clean_text(f"Story {story['id']} ({story['title']}) "
                     + ("is back in the list." if undo else
                        "archived: off the list and the drill; its text is kept.")))
    return 0


def _save(store: Store, story_id: int | None, title: str, text: str, as_json: bool) -> int:
    from engine.clock import SystemClock

    saved_id, version = store.save_story(story_id, title, text, SystemClock().now())
    if as_json:
        _dump({"id": saved_id, "version": version})
        return 0
    what = "kept as" if story_id is None else "saved as"
    print(clean_text(f"Story {saved_id} ({title}) {what} version {version}."))
    return 0
