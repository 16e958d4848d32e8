"""A timed onsite loop as the TUI drives it: planning, answering, rounds, verdict, ladder.

``LoopSession`` wraps a ``LoopRun`` (the rules and the clock) and a ``StudySession`` in
``mode = 'loop'`` (so loop answers are reviews that update FSRS like any other). Every change
is written as it happens — answers before their feedback, each round's row when it starts and
ends — so quitting at any moment keeps everything given so far.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from content.cases import Case
from content.loader import Fact, Item, Kata, OpenQuestion, Problem
from engine.bank import ContentBank
from engine.clock import Clock
from engine.loop.rules import (
    CASE,
    CASE_ROUND_MIX,
    GRADED,
    LEVELS,
    PROBED,
    ROUND_MIX,
    SCREEN_ROUND,
    WRITTEN,
    AnswerParts,
    LoopRun,
    RoundPlan,
    RoundState,
    Verdict,
    plan_rounds,
    round_rating,
)
from engine.store.db import Store
from engine.study.scheduler import Scheduler
from engine.study.session import Feedback, StudySession

#: Which numeric items each round draws on: problems everywhere, facts in technical depth.
_NUMERIC_KINDS = {
    SCREEN_ROUND: (Problem,),
    "program_design": (Problem,),
    "technical_depth": (Fact, Problem),
    "behavioral": (),
    "system_tradeoffs": (Problem,),
}


class LoopPicker:
    """Serves the current round's next unanswered item; nothing once the round is over.

    An item the session could not pose (``session.unservable``: a player's deck item that
    loads but whose model refuses its parameters) is passed over for the rest of the loop.
    Offering it again would fail again, and the session asks the picker until it gets an
    item that poses, so the loop would never get past it. It stays unanswered: the round
    counts it as not covered, as it would an item time ran out on.
    """

    def __init__(self, run: LoopRun) -> None:
        self.run = run

    def pick(self, session: StudySession) -> str | None:
        state = self.run.current
        if state.status not in {"pending", "running"}:
            return None
        return next((item_id for item_id in state.plan.item_ids
                     if item_id not in state.scores and item_id not in session.unservable),
                    None)


def player_level(store: Store) -> str:
    """The career-ladder level: the latest promotion, or L4 for a new player."""
    promotions = store.promotions()
    return promotions[-1]["level"] if promotions else LEVELS[0]


def next_level(level: str) -> str | None:
    index = LEVELS.index(level)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


#: Whether a loop's rounds ask an open answer's follow-up probes (the LoopScreen's
#: ``offers_probes`` reads this): they do, so probed open questions plan as ``PROBED`` and
#: their probes are a graded part of the round (``answer_parts``; 0 when not reached).
ASKS_PROBES = True


def evidence_kind(item: Item, asks_probes: bool = ASKS_PROBES) -> str:
    """What ``item`` gives a round as evidence: a case both checked steps and a written
    justification (``CASE``), an open question a written answer (and its follow-up probes'
    checked numbers, ``PROBED``, where the loop asks them), anything else a checked number
    (a fact, a problem, a kata's checks)."""
    if isinstance(item, Case):
        return CASE
    if isinstance(item, OpenQuestion):
        return PROBED if asks_probes and item.probes else WRITTEN
    return GRADED


def plan_loop(bank: ContentBank, store: Store, scheduler: Scheduler, clock: Clock, level: str,
              with_screen: bool = False, round_minutes: float | None = None,
              seed: int | None = None) -> list[RoundPlan]:
    """Choose each round's questions: meant for the round, at or below the level, weak or
    unseen first, never the same item twice in one loop.

    Program design, technical depth and system tradeoffs each draw a case meant for the
    round when the bank has one (``CASE_ROUND_MIX``: the case takes an open question's and
    a problem's place, the round keeps its minutes); the technical screen draws one when the
    bank has no kata for it. Cases are few (a handful per round), so the one nearest the
    loop's level is drawn, below before above at the same distance, then weakest first as
    for other items. A round no case fits is planned as before (``ROUND_MIX``).

    A round asks its open question and numbers first and ends on its case: the short
    answers frame the round as an interviewer's opening questions do, and the case — the
    round's main work, some 13 of its minutes — takes the rest of the clock; if time runs
    out mid-case, what was typed is recorded (``case_time_up``)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    cards = store.cards()
    now = clock.now()
    max_level = LEVELS.index(level)
    used: set[str] = set()

    def weakness_key(item_id: str, jitter: float) -> tuple[int, float, float]:
        """Unseen items first, then the least remembered."""
        card = cards.get(item_id)
        if card is None:
            return (0, 0.0, jitter)
        return (1, scheduler.retrievability(card, now), jitter)

    def weakness_order(ids: list[str]) -> list[str]:
        """At or below the level first (then the nearest levels above, when the bank is thin
        there); within that, unseen items, then the least remembered."""
        jitter = {item_id: float(rng.random()) for item_id in ids}

        def key(item_id: str) -> tuple[int, int, float, float]:
            above = max(0, LEVELS.index(bank.items[item_id].level) - max_level)
            return (above, *weakness_key(item_id, jitter[item_id]))

        return sorted(ids, key=key)

    def case_order(ids: list[str]) -> list[str]:
        """Nearest the level first (below before above), then weakest."""
        jitter = {item_id: float(rng.random()) for item_id in ids}

        def key(item_id: str) -> tuple[int, int, int, float, float]:
            offset = LEVELS.index(bank.items[item_id].level) - max_level
            return (abs(offset), int(offset > 0), *weakness_key(item_id, jitter[item_id]))

        return sorted(ids, key=key)

    def planned(name: str, seconds: float, ids: list[str]) -> RoundPlan:
        used.update(ids)
        return RoundPlan(name, seconds, tuple(ids),
                         tuple(evidence_kind(bank.items[i]) for i in ids))

    plans = []
    for name, seconds in plan_rounds(with_screen, round_minutes):
        n_open, n_numeric = ROUND_MIX[name]
        eligible = [i for i in bank.items.values() if i.id not in used]
        if name == SCREEN_ROUND:
            # The technical screen as it is run: one modelling kata, its rating resting on
            # the checks (the kata's follow-ups are asked of the player's own model). A bank
            # without katas draws a case, else keeps the older mix of an open question and
            # problems.
            kata_ids = weakness_order([i.id for i in eligible
                                       if isinstance(i, Kata) and name in i.rounds])[:1]
            if kata_ids:
                plans.append(planned(name, seconds, kata_ids))
                continue
        case_ids: list[str] = []
        if name in CASE_ROUND_MIX:
            n_cases, mixed_open, mixed_numeric = CASE_ROUND_MIX[name]
            case_ids = case_order([i.id for i in eligible if isinstance(i, Case)
                                   and name in i.rounds])[:n_cases]
            if case_ids:
                n_open, n_numeric = mixed_open, mixed_numeric
        open_ids = weakness_order([i.id for i in eligible if isinstance(i, OpenQuestion)
                                   and name in i.rounds])[:n_open]
        kinds = _NUMERIC_KINDS[name]
        numeric_ids = weakness_order([i.id for i in eligible if kinds and isinstance(i, kinds)
                                      and bank.numeric(i.id)])[:n_numeric]
        plans.append(planned(name, seconds, open_ids + numeric_ids + case_ids))
    return plans


def answer_parts(feedback: Feedback, evidence: str) -> AnswerParts:
    """What a recorded answer gives its round (``engine.loop.rules.AnswerParts``): a case
    its chain's score as the graded part and its justification's rubric score as the
    written part; an open answer with follow-up probes answered (``Feedback.probes``) the
    probes' chain score as graded and its written score (self-checked once given) as
    written; any other answer its ``score`` on the part(s) its ``evidence`` kind names
    (an open answer written, a number or a kata graded, a case not played both)."""
    grade = feedback.grade
    if grade is not None and hasattr(grade, "chain"):  # a case's CaseVerdict
        return AnswerParts(float(grade.chain.score), float(grade.justify_score))
    probes = getattr(feedback, "probes", None)  # an open answer's follow-up probes, graded
    if probes is not None and grade is not None:
        written = feedback.self_score if feedback.self_score is not None else \
            float(getattr(grade, "auto_score", 0.0))
        return AnswerParts(float(probes.score), written)
    return AnswerParts.of(evidence, feedback.score)  # a case given up on ("?"): 0 and 0


@dataclass(frozen=True)
class LoopOutcome:
    """How a loop ended: the verdict, the ratings, and a promotion if one was earned."""

    verdict: Verdict
    ratings: dict[str, str]
    promoted_to: str | None


class LoopSession:
    """One onsite loop, from the first round's intro to the committee's verdict."""

    def __init__(self, store: Store, bank: ContentBank, scheduler: Scheduler, clock: Clock,
                 level: str, with_screen: bool = False, round_minutes: float | None = None,
                 seed: int | None = None) -> None:
        self.store, self.clock = store, clock
        plans = plan_loop(bank, store, scheduler, clock, level, with_screen, round_minutes,
                          seed)
        self.run = LoopRun(plans, level)
        self.study = StudySession(store, bank, scheduler, clock, mode="loop",
                                  picker=LoopPicker(self.run), seed=seed)
        self.session_id = self.study.session_id
        config = {"seed": seed, "with_screen": with_screen, "round_minutes": round_minutes,
                  "rounds": [{"name": p.name, "seconds": p.seconds, "items": list(p.item_ids),
                              "evidence": list(p.evidence)} for p in plans]}
        store.update_session(self.session_id, level=level, config_json=json.dumps(config))
        for position, plan in enumerate(plans):
            store.record_loop_round(self.session_id, position, plan.name, plan.seconds, None,
                                    None, None, "pending")
        self.outcome: LoopOutcome | None = None

    @property
    def level(self) -> str:
        return self.run.level

    @property
    def current(self) -> RoundState:
        return self.run.current

    def now(self) -> float:
        return self.clock.monotonic()

    # -- rounds ---------------------------------------------------------------------------

    def start_round(self) -> None:
        self.run.start_round(self.now())
        self.study.loop_round = self.current.plan.name
        self._save_round()

    def remaining(self) -> float:
        return self.run.remaining(self.now())

    def urgency(self) -> str:
        return self.run.urgency(self.now())

    def tick(self) -> bool:
        """Called by the screen's timer: ``True`` when the round just ran out of time."""
        ended = self.run.tick(self.now())
        if ended:
            self._save_round()
        return ended

    def pause(self) -> None:
        self.run.pause(self.now())
        self._save_pauses()

    def resume(self) -> None:
        self.run.resume(self.now())
        self._save_pauses()

    def time_up(self, text_in_progress: str) -> Feedback | None:
        """The round's clock ran out with ``text_in_progress`` typed but not sent: grade and
        record what was written, marked as cut off, and count it toward the round.

        Call it when ``tick()`` returns ``True`` (it ends the round first if the screen did
        not tick), with the text of the answer box. Nothing is recorded when no question was
        waiting for an answer or the box was blank (the debrief then says "Not answered").
        The review carries ``cut_off = 1``, so the debrief can say "cut off at time"; an open
        answer is scored on what it covers however short, and a number that does not read is
        recorded as ``unreadable`` (see ``StudySession.submit``). Its draft is deleted with
        the answer. A case is cut off with ``case_time_up`` (its steps are not one text).
        """
        if self.current.status == "running":
            self.tick()
        study = self.study
        if study.question is None or study.feedback is not None or not text_in_progress.strip():
            return None
        if study.question.item_id not in self.current.plan.item_ids:
            return None
        if study.question.kind == "case":
            return self.case_time_up([], text_in_progress)
        outcome = study.submit(text_in_progress, cut_off=True)
        assert isinstance(outcome, Feedback)  # a cut-off answer is never sent back
        self._count_cut_off(outcome)
        return outcome

    def case_time_up(self, step_answers: Sequence[str | None],
                     justify_text: str = "") -> Feedback | None:
        """The round's clock ran out in the middle of a case: record what was typed —
        ``step_answers`` (the steps given so far; ``None``/blank ones and the rest are
        revealed) and the justification as it stood — with ``submit_case(...,
        cut_off=True)``, and count it toward the round that ended (its chain and its
        justification as the round's graded and written parts).

        Nothing is recorded when no case was waiting for an answer, or nothing at all was
        typed (the debrief then says "Not answered"). Ends the round first if the screen did
        not tick."""
        if self.current.status == "running":
            self.tick()
        study = self.study
        question = study.question
        if question is None or study.feedback is not None or question.kind != "case":
            return None
        if question.item_id not in self.current.plan.item_ids:
            return None
        answers = [a if a is not None and a.strip() else None for a in step_answers]
        if not any(answers) and not justify_text.strip():
            return None
        outcome = study.submit_case(answers, justify_text, cut_off=True)
        assert isinstance(outcome, Feedback)  # a cut-off case is never sent back
        self._count_cut_off(outcome)
        return outcome

    def _count_cut_off(self, outcome: Feedback) -> None:
        state = self.current
        item_id = outcome.question.item_id
        state.scores[item_id] = max(0.0, min(1.0, outcome.score))
        state.parts[item_id] = answer_parts(outcome, state.plan.evidence_of(item_id))
        self._save_round()

    def answered(self, feedback: Feedback) -> None:
        """Count an answer toward its round (re-count after an open answer's self-check).

        An answer cut off by the clock counts toward the round that just ended: a kata's
        code is checked after its round's time ran out (the checks take a few seconds)."""
        item_id = feedback.question.item_id
        if feedback.cut_off and item_id in self.current.plan.item_ids \
                and self.current.status != "running":
            self._count_cut_off(feedback)
            return
        if item_id in self.current.scores:
            self.current.scores[item_id] = feedback.score
            self.current.parts[item_id] = answer_parts(
                feedback, self.current.plan.evidence_of(item_id))
        else:
            self.run.record(item_id, feedback.score, self.now(),
                            answer_parts(feedback, self.current.plan.evidence_of(item_id)))
        self._save_round()

    def finish_round(self) -> None:
        self.run.finish_round(self.now())
        self._save_round()

    @property
    def round_over(self) -> bool:
        return self.current.status not in {"pending", "running"}

    def next_round(self) -> bool:
        """Move on; ``False`` when the last round is done (call ``complete``)."""
        return self.run.advance()

    # -- the end --------------------------------------------------------------------------

    def complete(self) -> LoopOutcome:
        """The committee's verdict, written to the session; a pass one level up promotes.
        The verdict cites each onsite round's checked evidence (``verdict_evidence``: a
        case's graded steps, where its chain held or broke)."""
        from engine.loop.evidence import verdict_evidence

        verdict = self.run.verdict()
        verdict = replace(verdict, evidence=tuple(verdict_evidence(
            self.store, self.study.bank, self.session_id)))
        ratings = self.run.ratings()
        promoted = None
        current_level = player_level(self.store)
        if verdict.advance and self.level == next_level(current_level):
            promoted = self.level
            self.store.add_promotion(self.level, self.clock.now(), self.session_id)
        self.store.update_session(self.session_id, verdict="advance" if verdict.advance
                                  else "no_hire")
        self.study.finish("finished")
        self.outcome = LoopOutcome(verdict, ratings, promoted)
        return self.outcome

    def abandon(self) -> None:
        """Quit mid-loop: answers given are kept, the loop is marked abandoned."""
        if self.outcome is not None:
            return
        self.run.abandon(self.now())
        self._save_round()
        self.store.update_session(self.session_id, verdict="abandoned")
        self.study.finish("abandoned")
        self.outcome = LoopOutcome(self.run.verdict(), self.run.ratings(), None)

    # -- persistence ----------------------------------------------------------------------

    def _save_round(self) -> None:
        state = self.current
        done = state.status not in {"pending", "running"}
        self.store.record_loop_round(
            self.session_id, self.run.index, state.plan.name, state.plan.seconds,
            self.run.elapsed(self.now()) if state.started_at is not None else None,
            state.score() if done else None,
            round_rating(state.score(), self.level) if state.status in
            {"finished", "timed_out"} else None,
            state.status,
        )

    def _save_pauses(self) -> None:
        paused = sum(s.paused_seconds for s in self.run.rounds)
        self.store.update_session(self.session_id, paused_seconds=paused)


def loop_number(store: Store, session_id: int) -> int:
    """The loop's ordinal in this database: 1 for the first loop ever started, whatever its
    session id ("Onsite loop 5" was the first loop of issue #12, after four drills). Raises
    ``LookupError`` when ``session_id`` is not a loop."""
    with store.guard() as conn:
        row = conn.execute("SELECT mode FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None or row[0] != "loop":
            raise LookupError(f"no loop with id {session_id}")
        return int(conn.execute("SELECT COUNT(*) FROM sessions WHERE mode = 'loop' AND id <= ?",
                                (session_id,)).fetchone()[0])


def loop_session_id(store: Store, number: int) -> int:
    """The session id of the player's loop ``number`` (1 for the first loop ever started;
    the inverse of ``loop_number``). Raises ``LookupError`` saying which numbers there are."""
    loops = store.sessions("loop")
    if 1 <= number <= len(loops):
        return int(loops[number - 1]["id"])
    there = f"loops are numbered 1 to {len(loops)}" if len(loops) > 1 else \
        "there is only loop 1" if loops else "no loop has been started yet"
    raise LookupError(f"no loop number {number}: {there}")


def loop_summaries(store: Store) -> list[dict[str, Any]]:
    """Past loops, newest first: id, its ``number`` (see ``loop_number``), start, level,
    verdict, per-round ratings."""
    out = []
    loops = store.sessions("loop")
    for number, session in reversed(list(enumerate(loops, 1))):
        rounds = store.loop_rounds(session["id"])
        out.append({
            "id": session["id"], "number": number, "started_at": session["started_at"],
            "level": session["level"], "verdict": session["verdict"] or session["status"],
            "ratings": {r["round"]: r["rating"] for r in rounds},
            "paused_seconds": session["paused_seconds"],
        })
    return out

