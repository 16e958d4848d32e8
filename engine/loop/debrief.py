"""A loop's debrief as Markdown: per round the rating and time, each question with the
answer given, its score, what was missed and the model answer; numeric errors with their bias.

Built from the store (what happened) and the bank (what was asked), so an exported debrief
reads the same on any later day.
"""

from __future__ import annotations

import json
import os
import re
import string
import zlib
from pathlib import Path
from typing import Any

from content.cases import Case
from content.catalog import Catalog
from content.loader import Item, OpenQuestion, Problem
from engine.bank import ContentBank
from engine.loop.evidence import (
    CaseChain,
    ChainStep,
    case_chains,
    planned_rounds,
    probe_chains,
    steps_by_review,
    verdict_evidence,
)
from engine.loop.rules import PROBED, ROUND_TITLES, committee_verdict
from engine.loop.session import loop_number
from engine.store.db import Store


class DebriefError(LookupError):
    """No loop with that id."""


def export_command(number: int, db_path: Path | str | None = None,
                   config_path: Path | str | None = None) -> str:
    """The shell command that prints the debrief of the player's loop ``number`` (as titles
    show it, "Onsite loop 2": see ``engine.loop.session.loop_number``), as the debrief
    shows it.

    ``--db`` and ``--config`` are included when the loop ran on a database or config other
    than the defaults (``$TPM_DRILL_DB`` / ``$TPM_DRILL_CONFIG``, else the platform's
    folders): without them the command would read another database, with no such loop.
    Paths are made absolute (the command may be run from another folder) and quoted for the
    shell with ``shlex.quote``. The result is plain text: a screen must escape it for markup.
    """
    import shlex

    from engine.config import default_config_path, default_db_path

    words = ["tpm-drill"]
    for option, given, default in (("--db", db_path, default_db_path),
                                   ("--config", config_path, default_config_path)):
        if given is None or str(given) == ":memory:":
            continue
        absolute = os.path.abspath(Path(given).expanduser())
        if absolute != os.path.abspath(default()):
            words += [option, shlex.quote(absolute)]
    words += ["loop", "--export", str(number)]
    return " ".join(words)


#: A ``{name}`` or ``{name:format}`` placeholder of a problem's prompt, as text shows it.
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?::[^{}]*)?\}")


def describe_problem(problem: Problem) -> str:
    """A problem's prompt without drawn numbers: "a parametric problem on <topic>: <the
    prompt with each placeholder replaced by its parameter's name in italics>". For a
    problem that was never posed (its numbers were never drawn)."""
    pieces = []
    try:
        fields = list(string.Formatter().parse(problem.prompt))
    except ValueError:  # the loader refuses such prompts; never show a raw template anyway
        return f"A parametric problem on {problem.topic}: " + \
            PLACEHOLDER.sub(lambda m: f"*{m.group(0)[1:-1].split(':')[0]}*", problem.prompt)
    for literal, name, _spec, _conversion in fields:
        pieces.append(literal)
        if name is not None:
            pieces.append(f"*{name.replace('_', ' ')}*")
    return f"A parametric problem on {problem.topic}: {''.join(pieces)}"


def item_prompt(item: Item, catalog: Catalog, params: dict[str, Any] | None = None,
                seed: int | None = None) -> str:
    """The prompt of ``item`` as a person reads it, never a raw template.

    A problem is rendered with the parameters it was asked with (``params``, as stored with
    the answer), else posed again with ``seed``, else described without numbers
    (``describe_problem``). Facts and open questions have no placeholders.
    """
    if not isinstance(item, Problem):
        return item.prompt
    from engine.questions import PoseError, pose, render_prompt

    if params:
        try:
            from engine.models.registry import get as get_model

            units = {p.name: p.unit for p in get_model(item.model).params}
            values = {k: v for k, v in params.items() if k != "preset"}
            label = params.get("preset")
            return render_prompt(item.prompt, values, units, catalog,
                                 label if isinstance(label, str) else None)
        except Exception:  # a deck edited since: the stored values no longer fit the prompt
            pass
    if seed is not None:
        try:
            return pose(item, None, catalog, seed).prompt
        except PoseError:
            pass
    return describe_problem(item)


def unanswered_seed(loop_seed: Any, item_id: str) -> int | None:
    """The seed an unanswered problem of a seeded loop is posed with in its debrief (the
    same on every export), or ``None`` for a loop run without a stored seed."""
    if not isinstance(loop_seed, int) or isinstance(loop_seed, bool):
        return None
    return zlib.crc32(f"{loop_seed}:{item_id}".encode())


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds / 60:.1f} min"


def _answer_block(text: str) -> list[str]:
    quoted = [f"> {line}" if line.strip() else ">" for line in text.strip().splitlines()]
    return quoted or ["> (no answer)"]


def _stored_params(review: dict[str, Any]) -> dict[str, Any] | None:
    try:
        params = json.loads(review.get("params_json") or "{}")
    except ValueError:
        return None
    return params if isinstance(params, dict) else None


#: Said with the grade of an answer that was what had been typed when the round's time ran
#: out (``reviews.cut_off = 1``, see ``LoopSession.time_up``).
CUT_OFF_NOTE = "cut off when time ran out"
#: The grade of a cut-off answer that did not read as a number (band ``unreadable``): not a
#: wrong number, and not "not answered" either (the text is kept above it).
UNREADABLE_RESULT = "unreadable — what was typed does not read as a number with a unit"


def _label(name: str, review: dict[str, Any]) -> str:
    """A grade's label, "*Result:*", or "*Result (cut off when time ran out):*" for an
    answer the clock cut off, so the note sits beside the grade it qualifies."""
    return f"*{name} ({CUT_OFF_NOTE}):*" if review.get("cut_off") else f"*{name}:*"


def _case_scenario(item: Case, catalog: Catalog, seed: int | None) -> str:
    """A case's scenario as it was asked (posed again from its seed), else its id and topic:
    never the raw template."""
    if seed is not None:
        from engine.cases.pose import pose_case
        from engine.questions import PoseError

        try:
            return pose_case(item, catalog, seed).scenario
        except PoseError:
            pass
    return f"A case on {item.topic} ({item.id})"


def _case_lines(review: dict[str, Any], chain: CaseChain | None,
                item: Item | None) -> list[str]:
    """A case's chain step by step — the player's number, the reference, the step from the
    player's own numbers where it differs, the status, and where the chain broke with the
    slip — then the justification with its score, what it missed and the model answer."""
    lines = []
    if chain is None or not chain.steps:
        lines += [f"{_label('Answer', review)}", "", *_answer_block(review["answer_text"]), ""]
        return lines
    lines += [f"{_label('Chain', review)} {chain.summary()} — steps {chain.chain_score:.0%}",
              ""]
    broke = chain.breaks[0].position if chain.breaks else None
    lines += [_step_line(step, f"**{step.step_id}**", "numbers", step.position == broke)
              for step in chain.steps]
    lines += ["", f"*Justification ({chain.justify_score:.0%}):*", ""]
    lines += _answer_block(chain.justify_text) if chain.justify_text else \
        ["> (none written)"]
    lines += ["", f"*Score:* {chain.score:.0%} (steps weigh two thirds, the justification "
                  "one third)"]
    if isinstance(item, Case):
        if chain.justify_text and item.key_points:
            from grading.rubric import score_open

            result = score_open(chain.justify_text, item.key_points, item.red_flags)
            missed = [p.point for p in result.key_points if not p.covered]
            if missed:
                lines += ["", "*Justification missed:*", *[f"- {m}" for m in missed]]
        if item.model_answer:
            lines += ["", "*Model justification:*", "", *_answer_block(item.model_answer)]
    return lines


def _probe_lines(chain: CaseChain | None, asked: bool) -> list[str]:
    """An open answer's follow-up probes, each with the player's number, the reference and
    its status (as a case's steps are shown); when the loop asked them (``asked``) and none
    was answered, that they counted 0."""
    if chain is None or not chain.steps:
        return ["", "*Follow-ups:* not reached — they count 0 toward the round."] \
            if asked else []
    lines = ["", f"*Follow-ups:* {chain.right} of {len(chain.steps)} right — "
                 f"{chain.chain_score:.0%} (the round's graded part for this question)", ""]
    lines += [_step_line(step, step.prompt, "follow-up") for step in chain.steps]
    return lines


def _step_line(step: ChainStep, label: str, earlier: str, broke_here: bool = False) -> str:
    """One graded step (a case's, or a follow-up probe) as a numbered line: what was typed,
    the reference, what the player's own earlier ``earlier`` give where it differs, the
    status, where the chain broke and the slip."""
    status = f"consistent with your earlier {earlier} ({step.credit:.0%} credit)" \
        if step.status == "consistent" else step.status
    said = f"{step.position + 1}. {label} — yours {step.yours} · reference {step.reference}"
    if step.from_yours is not None:
        said += f" · from your numbers {step.from_yours}"
    said += f" · {status}"
    if broke_here:
        said += " · **the chain broke here**"
    return said + (f" (slip: {step.slip})" if step.slip else "")


def _review_lines(review: dict[str, Any], bank: ContentBank,
                  chains: dict[int, CaseChain] | None = None,
                  probes: dict[int, CaseChain] | None = None,
                  probed: frozenset[str] = frozenset()) -> list[str]:
    """One answer of the debrief: a case's chain step by step, an open answer's verdict
    (with its follow-up probes from ``probes``, by review id, and "not reached" for an item
    the loop planned with probes, ``probed``, that has none), a number's band."""
    item = bank.get(review["card_id"])
    if review["kind"] == "case":
        scenario = _case_scenario(item, bank.catalog, review.get("seed")) \
            if isinstance(item, Case) else review["card_id"]
        chain = (chains or {}).get(int(review["id"]))
        if review["band"] == "dont_know":
            return [f"#### {scenario}", "", f"{_label('Answer', review)} don't know", ""]
        return [f"#### {scenario}", "", *_case_lines(review, chain, item), ""]
    prompt = item_prompt(item, bank.catalog, _stored_params(review), review.get("seed")) \
        if item else review["card_id"]
    lines = [f"#### {prompt}", ""]
    if review["band"] == "dont_know":
        lines += [f"{_label('Answer', review)} don't know", ""]
    else:
        lines += ["*Answer:*", "", *_answer_block(review["answer_text"]), ""]
    if review["kind"] == "open":
        score = review["self_score"] if review["self_score"] is not None else review["auto_score"]
        if score is not None:
            lines.append(f"{_label('Score', review)} {score:.0%} (heard automatically: "
                         f"{(review['auto_score'] or 0):.0%})")
        if review["band"] != "dont_know":
            lines += _probe_lines((probes or {}).get(int(review["id"])),
                                  review["card_id"] in probed)
        if isinstance(item, OpenQuestion):
            from grading.rubric import score_open

            result = score_open(review["answer_text"], item.key_points, item.red_flags,
                                figures=item.figures, prompt=item.prompt)
            heard = [p for p in result.key_points if p.covered]
            if heard:
                lines += ["", "*Heard:*",
                          *[f"- {p.point} — \"{' '.join((p.evidence or '').split())}\""
                            for p in heard]]
            missed = [p.point for p in result.key_points if not p.covered]
            if missed and review["band"] != "dont_know":
                lines += ["", "*Missed:*", *[f"- {m}" for m in missed]]
            if result.contradictions:
                lines += ["", "*Contradicted:*",
                          *[f"- \"{c.found}\" contradicts: {c.point}"
                            for c in result.contradictions]]
            if result.wrong_numbers:
                lines += ["", "*Wrong numbers:*",
                          *[f"- {w.typed} — {w.name} is {w.expected}"
                            for w in result.wrong_numbers]]
            if result.red_flags:
                lines += ["", "*Red flags:*",
                          *[f"- \"{f.found}\" — {f.why}" for f in result.red_flags]]
            lines += ["", "*Model answer:*", "", *_answer_block(item.model_answer)]
    elif review["band"] in {"exact", "close", "off"}:
        unit = review["display_unit"]
        error = review["log10_error"]
        bias = ""
        if error is not None:
            factor = 10 ** abs(error)
            bias = f" — {'high' if error > 0 else 'low'} by {factor:.2f}×"
        lines.append(f"{_label('Result', review)} {review['band']}: "
                     f"{review['parsed_value']:.4g} {unit} vs reference "
                     f"{review['reference_value']:.4g} {unit}{bias}")
    elif review["band"] == "unreadable":
        lines += [f"{_label('Result', review)} {UNREADABLE_RESULT}", "",
                  *_reference_line(review, item, bank.catalog)]
    elif review["band"] == "dont_know":
        lines += _reference_line(review, item, bank.catalog)
    lines.append("")
    return lines


def _reference_line(review: dict[str, Any], item: Item | None,
                    catalog: Catalog) -> list[str]:
    """The reference of a numeric answer that was not graded (don't know, unreadable): the
    question posed again with the answer's stored seed (the same draw), in its display
    unit; "see the card" when it cannot be (no seed for a problem, a deck edited since)."""
    if item is None or isinstance(item, OpenQuestion):
        return []
    shown = "see the card"
    if review.get("seed") is not None or not isinstance(item, Problem):
        from engine.questions import PoseError, pose

        try:
            question = pose(item, None, catalog, review.get("seed") or 0)
        except PoseError:
            question = None
        if question is not None and question.kind == "text" and question.answers:
            shown = question.answers[0]
        elif question is not None and question.numeric:
            from grading.units import UnitError, convert

            try:
                value = convert(question.reference_value, question.reference_unit,
                                question.display_unit)
                shown = f"{value:.4g} {question.display_unit}".strip()
            except UnitError:
                pass
    return [f"*Reference:* {shown}"]


def loop_debrief(store: Store, bank: ContentBank, session_id: int,
                 with_verdict: bool = True) -> str:
    """The Markdown debrief of loop ``session_id``: the verdict with what each round's rating
    rests on (``engine.loop.evidence.verdict_evidence``: the cases' graded steps), the
    rounds' table, then every answer — a case's chain step by step.

    ``with_verdict=False`` leaves the verdict out, for a screen that shows it above."""
    session = store.session(session_id)
    if session is None or session["mode"] != "loop":
        loops = ", ".join(str(s["id"]) for s in store.sessions("loop")) or "none yet"
        raise DebriefError(f"no loop with id {session_id}; loops: {loops}")
    rounds = store.loop_rounds(session_id)
    reviews = store.reviews(session_id)
    config = json.loads(session["config_json"] or "{}")
    lines = [f"# Onsite loop {loop_number(store, session_id)} — level {session['level']}", "",
             f"Started {session['started_at'][:16].replace('T', ' ')} UTC · "
             f"status {session['status']}"]
    if session["paused_seconds"]:
        lines.append(f"Paused for {_minutes(session['paused_seconds'])} in total: a real loop "
                     "does not pause.")
    onsite = [r["rating"] for r in rounds if r["round"] != "technical_screen" and r["rating"]]
    if not with_verdict:
        pass
    elif session["verdict"] == "abandoned" or session["status"] == "abandoned":
        lines += ["", "**Verdict: abandoned** — the loop was left before every round was rated."]
    elif len(onsite) == 4:
        verdict = committee_verdict(onsite)
        word = "Advance" if verdict.advance else "No hire"
        lines += ["", f"**Verdict: {word}** — {verdict.reason}", f"Rule: {verdict.rule}"]
        evidence = verdict_evidence(store, bank, session_id)
        if evidence:
            lines += ["", "What the ratings rest on:", "", *[f"- {line}" for line in evidence]]
    lines += ["", "| round | rating | time used | planned | score |", "|---|---|---|---|---|"]
    for r in rounds:
        score = f"{r['score']:.0%}" if r["score"] is not None else "–"
        lines.append(f"| {ROUND_TITLES.get(r['round'], r['round'])} | {r['rating'] or r['status']}"
                     f" | {_minutes(r['seconds_used'])} | {_minutes(r['seconds_planned'])} "
                     f"| {score} |")
    planned = {p["name"]: p["items"] for p in config.get("rounds", [])}
    steps = steps_by_review(store, session_id)
    chains = case_chains(store, bank, session_id, reviews, steps)
    probes = probe_chains(store, bank, session_id, reviews, steps)
    probed = frozenset(item_id for kinds in planned_rounds(config, bank).values()
                       for item_id, kind in kinds if kind == PROBED)
    for r in rounds:
        lines += ["", f"## {ROUND_TITLES.get(r['round'], r['round'])} — "
                      f"{r['rating'] or r['status']}", ""]
        answered = [rv for rv in reviews if rv["loop_round"] == r["round"]]
        for review in answered:
            lines += _review_lines(review, bank, chains, probes, probed)
        unanswered = [i for i in planned.get(r["round"], [])
                      if i not in {rv["card_id"] for rv in answered}]
        for item_id in unanswered:
            item = bank.get(item_id)
            seed = unanswered_seed(config.get("seed"), item_id)
            prompt = (_case_scenario(item, bank.catalog, seed) if isinstance(item, Case)
                      else item_prompt(item, bank.catalog, seed=seed)) if item else item_id
            lines += [f"#### {prompt}", "",
                      "*Not answered* — counts as not covered.", ""]
    return "\n".join(lines).rstrip() + "\n"
