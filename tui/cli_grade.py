"""``tpm-drill grade --item ID "ANSWER"`` and ``tpm-drill content show ID``.

* ``grade --item ID "ANSWER" [--seed N] [--json]`` grades one answer to any item of the bank
  the way a drill session would, and records nothing:

  - a numeric fact or a problem is posed with seed ``N`` (default 0) and graded by
    ``grading.numeric.grade_numeric``: ``{"item", "kind", "seed", "prompt", "band", "value",
    "unit", "reference", "reference_text", "rel_error", "rating", "message"}`` (value and
    reference in the item's display unit ``unit``);
  - a text fact by ``grading.text.grade_text``: ``{"item", "kind", "band", "matched",
    "rating", "message"}``;
  - an open question by ``grading.rubric.score_open`` (as the session calls it):
    ``{"item", "kind", "auto_score", "rating", "key_points": [{"point", "covered",
    "evidence", "contradicted", "named_in"}], "contradictions", "wrong_numbers", "red_flags",
    "numbers", "mechanisms", "tradeoffs", "own_numbers"}``;
  - a case or a kata is refused (exit 2) with the command that grades it
    (``tpm-drill case grade`` / ``tpm-drill kata check``).

* ``content show ID [--json]`` prints an item as the bank holds it: kind, topic, level,
  rounds, prompt, unit and tolerance, key points with their phrasings, misconceptions and
  figures, model answer, source; a case's steps; a kata's function and parameters (not its
  solution, which ``kata check`` shows after an attempt).

An unknown id exits 2 with the nearest ids (rapidfuzz). Deck text reaches the terminal
through ``content.untrusted.clean_text`` (JSON is data, escaped by ``json.dumps``). Free of
Textual, so it starts fast; wired into ``tui/__main__.py`` (``cmd_grade`` and the ``content``
subcommand).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from content.untrusted import clean_text

if TYPE_CHECKING:
    from content.loader import Item
    from engine.bank import ContentBank
    from grading.rubric import RubricResult

#: How many near ids an unknown id is answered with, and how close (rapidfuzz WRatio, 0–100)
#: one must be to be offered.
NEAR_MATCHES = 5
NEAR_MATCH_CUTOFF = 60.0
#: Width text output is wrapped to (the game's 80-column terminal).
WRAP_COLUMNS = 78


def _fail(message: str, code: int = 2) -> int:
    print(f"tpm-drill: {clean_text(message)}", file=sys.stderr)
    return code


def load_bank(args: argparse.Namespace) -> ContentBank:
    """The built-in decks and the config's deck folders (as ``kata`` and ``case`` read them)."""
    from engine.bank import load_content
    from engine.config import load_config

    return load_content(load_config(getattr(args, "config", None)).deck_dirs)


def near_ids(query: str, ids: Sequence[str], limit: int = NEAR_MATCHES) -> list[str]:
    """The ids of ``ids`` closest to ``query``, best first (none under the cutoff)."""
    from rapidfuzz import fuzz, process  # deferred: only an unknown id pays for it

    found = process.extract(query, list(ids), scorer=fuzz.WRatio, limit=limit,
                            score_cutoff=NEAR_MATCH_CUTOFF)
    return [choice for choice, _score, _index in found]


def find_item(bank: ContentBank, item_id: str) -> tuple[Item | None, str]:
    """The item with ``item_id``, or None and the message naming the nearest ids."""
    item = bank.get(item_id)
    if item is not None:
        return item, ""
    near = near_ids(item_id, sorted(bank.items))
    hint = ("; did you mean " + ", ".join(near) + "?") if near else \
        "; `tpm-drill drill --deck DECK` and the decks in content/decks list the ids"
    return None, f"no item {item_id!r} in the bank{hint}"


# -- grade --item --------------------------------------------------------------------------


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def rubric_json(item_id: str, result: RubricResult) -> dict[str, Any]:
    """An open answer's verdict as plain data, in the shape issue #15 names."""
    from grading.rating import rating_for_open

    return {
        "item": item_id,
        "kind": "open",
        "auto_score": result.auto_score,
        "rating": rating_for_open(result.auto_score),
        "key_points": [{"point": p.point, "covered": p.covered, "evidence": p.evidence,
                        "contradicted": p.contradicted, "named_in": p.named_in}
                       for p in result.key_points],
        "contradictions": [{"point": c.point, "claim": c.claim, "found": c.found,
                            "sentence": c.sentence, "kind": c.kind}
                           for c in result.contradictions],
        "wrong_numbers": [{"typed": w.typed, "figure": w.name, "expected": w.expected,
                           "sentence": w.sentence} for w in result.wrong_numbers],
        "red_flags": [{"phrase": h.phrase, "found": h.found, "why": h.why, "source": h.source}
                      for h in result.red_flags],
        "numbers": list(result.numbers),
        "mechanisms": list(result.mechanisms),
        "tradeoffs": list(result.tradeoffs),
        "own_numbers": result.own_numbers,
    }


def _say(text: str, indent: str = "  ", hang: str = "      ") -> None:
    """Print deck or answer text cleaned for the terminal, wrapped to :data:`WRAP_COLUMNS`."""
    print(textwrap.fill(" ".join(clean_text(text).split()), WRAP_COLUMNS,
                        initial_indent=indent, subsequent_indent=hang))


def _print_rubric(data: Mapping[str, Any]) -> None:
    print(clean_text(f"{data['item']}: score {data['auto_score']:.2f}, "
                     f"rating {data['rating']}"))
    for point in data["key_points"]:
        mark = "✗ contradicted:" if point["contradicted"] else \
            ("✓" if point["covered"] else "·")
        _say(f"{mark} {point['point']}")
        if point["evidence"]:
            _say(f"heard: \"{point['evidence'].strip()}\"", "      ", "        ")
        elif point.get("named_in"):
            _say(f"named, not claimed: \"{point['named_in'].strip()}\" — say what it does "
                 f"here", "      ", "        ")
    for contradiction in data["contradictions"]:
        _say(f"✗ \"{contradiction['found']}\" contradicts \"{contradiction['point']}\" "
             f"({contradiction['kind']}): \"{contradiction['sentence'].strip()}\"")
    for wrong in data["wrong_numbers"]:
        _say(f"✗ wrong number: {wrong['typed']} — {wrong['figure']} is {wrong['expected']}")
    for flag in data["red_flags"]:
        _say(f"⚑ \"{flag['found']}\" — {flag['why']}")
    _say(f"numbers: {', '.join(data['numbers']) or '-'}")
    from grading.rubric import MIN_OWN_NUMBERS, NO_OWN_NUMBERS_CAP

    if data.get("own_numbers") is not None and data["own_numbers"] < MIN_OWN_NUMBERS:
        _say(f"capped at {NO_OWN_NUMBERS_CAP:.2f}: no number of your own — only the question's "
             "numbers and datasheet figures, nothing worked out")
    print(f"  mechanisms: {len(data['mechanisms'])}, quantified tradeoffs: "
          f"{len(data['tradeoffs'])}")


def grade_item(bank: ContentBank, item: Item, answer: str, seed: int) -> tuple[int, dict]:
    """Grade ``answer`` to ``item`` as a drill would; (exit code, verdict as data). Exit 2
    (with ``{"error"}``) for a case, a kata, an item that cannot be posed, or an answer that
    cannot be read as one."""
    from engine.questions import PoseError, pose

    if item.kind == "case":
        return 2, {"error": f"{item.id} is a case: grade its chain with `tpm-drill case grade "
                            f"{item.id} --seed N --answers A1 A2 ...`"}
    if item.kind == "kata":
        return 2, {"error": f"{item.id} is a kata: write the function in a file and run "
                            f"`tpm-drill kata check {item.id} FILE.py`"}
    try:
        question = pose(item, None, bank.catalog, seed)
    except PoseError as error:
        return 2, {"error": str(error)}
    text = answer.strip()
    if question.kind == "open":
        from grading.rubric import score_open

        result = score_open(text, question.key_points, question.red_flags,
                            figures=question.figures, prompt=question.prompt)
        return 0, rubric_json(item.id, result)
    if question.kind == "text":
        from grading.rating import suggest_rating
        from grading.text import grade_text

        text_grade = grade_text(text, question.answers)
        return 0, {"item": item.id, "kind": "text", "band": text_grade.band,
                   "matched": text_grade.matched, "rating": suggest_rating(text_grade.band),
                   "message": text_grade.message}
    from grading.numeric import Tolerance, grade_numeric
    from grading.quantity import AnswerError
    from grading.rating import suggest_rating
    from grading.units import convert, format_value

    try:
        reference = convert(question.reference_value, question.reference_unit,
                            question.display_unit)
        unit = question.display_unit
    except Exception:  # a deck's display unit the table cannot reach: show it as posed
        reference, unit = question.reference_value, question.reference_unit
    out: dict[str, Any] = {"item": item.id, "kind": question.kind, "seed": seed,
                           "prompt": question.prompt, "band": None, "value": None,
                           "unit": unit, "reference": _finite(reference),
                           "reference_text": format_value(reference, unit),
                           "rel_error": None, "rating": None, "message": ""}
    try:
        grade = grade_numeric(text, question.reference_value, question.reference_unit,
                              question.display_unit, Tolerance.parse(question.tolerance),
                              prompt=question.prompt, conversion_card=question.kind == "fact")
    except AnswerError as error:
        out.update(band=error.band, message=str(error))
        return 0, out
    out.update(band=grade.band, value=_finite(grade.value), rel_error=_finite(grade.rel_error),
               rating=suggest_rating(grade.band), message=grade.message)
    return 0, out


def cmd_grade_item(args: argparse.Namespace) -> int:
    """``grade --item ID ANSWER``: print the verdict; 0 graded, 2 unknown or ungradable."""
    if args.seed < 0:
        return _fail(f"--seed {args.seed}: a seed is a whole number ≥ 0")
    bank = load_bank(args)
    item, message = find_item(bank, args.item)
    if item is None:
        return _fail(message)
    code, data = grade_item(bank, item, args.answer, args.seed)
    if code:
        return _fail(data["error"], code)
    from grading.units import format_value

    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif data["kind"] == "open":
        _print_rubric(data)
    elif data["kind"] == "text":
        print(clean_text(f"{data['band']}: {data['message']}"))
    else:
        print(clean_text(data["prompt"]))
        shown = "-" if data["value"] is None else format_value(data["value"], data["unit"])
        print(clean_text(f"{data['band']}: {data['message']}"))
        print(clean_text(f"  you: {shown}   reference: {data['reference_text']}   "
                         f"(seed {data['seed']})"))
    return 0


# -- content show --------------------------------------------------------------------------

#: Fields never shown: where the loader found the item is in ``file``/``line``; a kata's
#: solution is shown by ``kata check`` after an attempt, not before.
_HIDDEN_FIELDS = {"solution"}


def _plain(value: Any) -> Any:
    """``value`` as JSON data: dataclasses as dicts, tuples as lists, non-finite as None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in _HIDDEN_FIELDS}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def item_json(item: Item) -> dict[str, Any]:
    """Every field of ``item`` as the bank holds it (a kata's solution left out)."""
    data = _plain(item)
    return {"id": data.pop("id"), "kind": data.pop("kind"), **data}


def _wrapped(label: str, text: str, indent: str = "  ") -> list[str]:
    body = textwrap.fill(" ".join(str(text).split()), WRAP_COLUMNS - len(indent),
                         initial_indent="", subsequent_indent="") if text else "-"
    lines = body.splitlines() or ["-"]
    return [f"{label}:"] + [indent + line for line in lines] if len(lines) > 1 or \
        len(label) + len(lines[0]) > WRAP_COLUMNS - 2 else [f"{label}: {lines[0]}"]


def _block(label: str, text: str) -> list[str]:
    """A multi-line text (a model answer) kept in its paragraphs, indented."""
    lines = [f"{label}:"]
    for paragraph in str(text).strip().split("\n"):
        wrapped = textwrap.wrap(paragraph, WRAP_COLUMNS - 2) or [""]
        lines.extend("  " + line for line in wrapped)
    return lines


def _figure_line(figure: Mapping[str, Any]) -> str:
    cues = " / ".join(figure.get("phrasings", []))
    return (f"{figure.get('name')}: {figure.get('value'):g} {figure.get('unit', '')} "
            f"({figure.get('tolerance')}; said near: {cues})")


def show_lines(data: Mapping[str, Any]) -> list[str]:
    """``content show``'s text for an item given as :func:`item_json` data (not yet
    cleaned for the terminal)."""
    lines = [f"{data['id']}  ({data['kind']}, {data.get('topic', '')}, {data.get('level', '')})"]
    if data.get("rounds"):
        lines.append("rounds: " + ", ".join(data["rounds"]))
    lines += _wrapped("prompt", data.get("prompt", ""))
    for name in ("unit", "tolerance", "value", "value_unit", "catalog", "model", "output"):
        if data.get(name) not in (None, "", []):
            lines.append(f"{name}: {data[name]}")
    if data.get("answers"):
        lines.append("accepted answers: " + " / ".join(data["answers"]))
    if data.get("target_minutes"):
        lines.append(f"target: {data['target_minutes']:g} min")
    for draw in data.get("params", []) or []:
        lines.append(f"param {draw.get('name')}: " + ", ".join(
            f"{k}={v}" for k, v in draw.items() if k != "name" and v not in (None, [], "")))
    if data.get("function"):
        lines.append(f"function: {data['function']}(" + ", ".join(
            p.get("name", "") for p in data.get("params", []) or []) + ")"
            + (f" -> {data['returns']}" if data.get("returns") else ""))
    if data.get("justify_prompt"):
        lines += _wrapped("justify", data["justify_prompt"])
    for index, step in enumerate(data.get("steps", []) or [], start=1):
        detail = f"unit {step['unit']}, tolerance {step.get('tolerance')}, reference " \
                 f"{step.get('reference')}" if "unit" in step else \
                 "options: " + " / ".join(step.get("options", []))
        lines += _wrapped(f"step {index} ({step.get('id')})", f"{step.get('prompt')} "
                          f"[{detail}]")
    for number, point in enumerate(data.get("key_points", []) or [], start=1):
        lines += textwrap.wrap(f"key point {number} (weight {point.get('weight', 1):g}): "
                               f"{point.get('point')}", WRAP_COLUMNS,
                               subsequent_indent="  ") or [f"key point {number}"]
        for phrasing in point.get("phrasings", []):
            lines.append(f"    phrasing: {phrasing}")
        for claim in point.get("misconceptions", []):
            lines.append(f"    misconception: {claim}")
        for figure in point.get("figures", []):
            lines.append("    figure: " + _figure_line(figure))
    for figure in data.get("figures", []) or []:
        lines.append("figure: " + _figure_line(figure))
    for flag in data.get("red_flags", []) or []:
        lines.append(f"red flag: {' / '.join(flag.get('phrasings', []))} — {flag.get('why')}")
    if data.get("model_answer"):
        lines += _block("model answer", data["model_answer"])
    if data.get("explanation"):
        lines += _wrapped("explanation", data["explanation"])
    if data.get("source"):
        lines += _wrapped("source", data["source"])
    lines.append(f"deck: {data.get('deck')} ({data.get('file')}"
                 + (f", line {data['line']}" if data.get("line") else "") + ")")
    return lines


def cmd_content_show(args: argparse.Namespace) -> int:
    """``content show ID``: print the item; 0 shown, 2 unknown id."""
    bank = load_bank(args)
    item, message = find_item(bank, args.id)
    if item is None:
        return _fail(message)
    data = item_json(item)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    for line in show_lines(data):
        print(clean_text(line))
    return 0
