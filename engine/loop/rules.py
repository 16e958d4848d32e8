"""The onsite-loop rules: rounds against the clock, interviewer ratings, the committee verdict.

Pure rules and a state machine on an injected clock: no screens, no sleeping. A ``LoopRun``
is created with a plan (which rounds, how many minutes, which items); the screen asks it for
the time left, feeds it answers and calls ``tick()``; the run decides when a round is over.

A round's score rests on checked answers first (``round_score``): its graded parts — numbers
within their bands, katas' checks, case chains, open answers' follow-up probes — carry
``GRADED_WEIGHT`` (two thirds) and its written parts — open answers, case justifications —
the rest, each kind averaged over the round's planned items (unanswered ones 0). Program
design, technical depth and system tradeoffs each ask a case (``CASE_ROUND_MIX``).

The committee rule is the one frontier labs describe: a candidate advances only with at least
two Strong Yes ratings from the onsite rounds and none below Yes — a plain Yes is not enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

#: The four onsite rounds, in the order a loop runs them, and the technical screen before.
ONSITE_ROUNDS = ("program_design", "technical_depth", "behavioral", "system_tradeoffs")
SCREEN_ROUND = "technical_screen"
ROUND_MINUTES = {SCREEN_ROUND: 60.0, **{name: 45.0 for name in ONSITE_ROUNDS}}
ROUND_TITLES = {
    "recruiter_screen": "Recruiter screen",
    SCREEN_ROUND: "Technical screen",
    "program_design": "Program design",
    "technical_depth": "Technical depth",
    "behavioral": "Behavioral",
    "system_tradeoffs": "System tradeoffs",
}
#: What each round asks when no case fits it: (open questions, numeric problems/facts).
ROUND_MIX = {
    SCREEN_ROUND: (1, 5),
    "program_design": (2, 1),
    "technical_depth": (2, 3),
    "behavioral": (3, 0),
    "system_tradeoffs": (2, 2),
}
#: What a round asks when a case fits it: (cases, open questions, numeric problems/facts).
#:
#: A round keeps its minutes; the case takes the place of an open question (and, where the
#: round asks several numbers, of a problem or two). Reckoned on the decks' own answer
#: targets — an open answer 8–15 min (program design 10–15, depth 8–10, tradeoffs 8–12, the
#: screen's 6–10), a problem or fact 1–5 min (about 1.5), a case about 13 min (its steps'
#: ``target_minutes``, 8 for ``case.train_budget``, and some 5 min of justification):
#:
#: ================  ===================================  ===================================
#: round (minutes)   without a case                       with a case
#: ================  ===================================  ===================================
#: program design    2 open + 1 problem ≈ 2·12 + 2 = 26   case + 1 open + 1 problem
#: (45)                                                   ≈ 13 + 12 + 2 = 27
#: technical depth   2 open + 3 numbers ≈ 2·9 + 4.5 = 22  case + 1 open + 2 numbers
#: (45)                                                   ≈ 13 + 9 + 3 = 25
#: system tradeoffs  2 open + 2 problems ≈ 2·10 + 4 = 24  case + 1 open + 1 problem
#: (45)                                                   ≈ 13 + 10 + 2 = 25
#: technical screen  1 open + 5 problems ≈ 8 + 7.5 = 16   case + 1 open + 3 problems
#: (60, no kata)                                          ≈ 13 + 8 + 4.5 = 26
#: ================  ===================================  ===================================
#:
#: Each round's targets stay near half its minutes, the rest being reading and thinking
#: time, as before. Every round still asks an open question (the written part), and each
#: round with a case weighs checked evidence — the case's chain and the numbers — at least
#: as much as prose (``round_score``). Behavioral asks no case (stories, not models).
CASE_ROUND_MIX = {
    SCREEN_ROUND: (1, 1, 3),
    "program_design": (1, 1, 1),
    "technical_depth": (1, 1, 2),
    "system_tradeoffs": (1, 1, 1),
}
#: The rounds that must draw a case when the bank has one for them (the technical screen
#: draws one only when the bank has no kata for it: the kata is its checked work).
CASE_ROUNDS = ("program_design", "technical_depth", "system_tradeoffs")

#: What an item of a round gives as evidence: checked numbers (a problem, a fact, a kata's
#: checks), a written answer (an open question), or both (a case: its chain is checked, its
#: justification written).
GRADED, WRITTEN, CASE = "graded", "written", "case"
#: An open question that carries follow-up probes, in a loop that asks them
#: (``engine.loop.session.ASKS_PROBES``): its answer is written, its probes are graded like
#: a case's steps (0 when skipped or not reached).
PROBED = "probed"
EVIDENCE_KINDS = (GRADED, WRITTEN, CASE, PROBED)
#: Share of a round's score carried by its graded parts when it has written parts too.
#: Two thirds, as a case's own score weighs its steps (``engine.cases.verdict.STEP_SHARE``):
#: the committee's verdict rests on answers that were checked, and a keyword rubric — the
#: noisiest grader here — cannot carry a round on its own against wrong numbers.
GRADED_WEIGHT = 2.0 / 3.0

STRONG_NO, NO, YES, STRONG_YES = "Strong No", "No", "Yes", "Strong Yes"
RATINGS = (STRONG_NO, NO, YES, STRONG_YES)
LEVELS = ("L4", "L5", "L6", "L7", "L8")

#: Minimum round score for Strong Yes, Yes and No at L4; each level above adds LEVEL_STEP.
BASE_THRESHOLDS = (0.75, 0.55, 0.35)
LEVEL_STEP = 0.04

#: Warning colours of the countdown: seconds left at which it turns to warning, then error.
WARNING_SECONDS, ERROR_SECONDS = 300.0, 60.0


def thresholds(level: str) -> tuple[float, float, float]:
    """(Strong Yes, Yes, No) minimum scores at ``level``: the bar rises with the level."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    lift = LEVEL_STEP * LEVELS.index(level)
    strong_yes, yes, no = BASE_THRESHOLDS
    # Rounded to the hundredths the bars are stated in: 0.55 + 0.04 is 0.5900000000000001 in
    # floating point, which would rate a round scored exactly 0.59 at L5 a No.
    return (round(min(strong_yes + lift, 0.95), 6), round(yes + lift, 6), round(no + lift, 6))


def round_rating(score: float, level: str) -> str:
    """The interviewer's rating of a round's score (0..1) at ``level``."""
    strong_yes, yes, no = thresholds(level)
    if score >= strong_yes:
        return STRONG_YES
    if score >= yes:
        return YES
    if score >= no:
        return NO
    return STRONG_NO


@dataclass(frozen=True, slots=True)
class Verdict:
    """The hiring committee's decision and the reason, in words."""

    advance: bool
    reason: str
    rule: str = "Advance only with at least two Strong Yes ratings and none below Yes."
    #: What each onsite round's rating rests on, one line per round: "Program design:
    #: Strong Yes — case.train_budget: 4 of 4 steps right; chain held"
    #: (``engine.loop.evidence.verdict_evidence``).
    evidence: tuple[str, ...] = ()


def committee_verdict(ratings: Sequence[str]) -> Verdict:
    """Apply the committee rule to the onsite rounds' ratings."""
    unknown = [r for r in ratings if r not in RATINGS]
    if unknown:
        raise ValueError(f"unknown rating {unknown[0]!r}")
    strong = sum(1 for r in ratings if r == STRONG_YES)
    below = [r for r in ratings if RATINGS.index(r) < RATINGS.index(YES)]
    if below:
        return Verdict(False, f"{len(below)} round(s) rated below Yes ({', '.join(below)}): "
                              "any No blocks an offer.")
    if strong < 2:
        return Verdict(False, f"only {strong} Strong Yes; the committee needs two — "
                              "a plain Yes is not enough.")
    return Verdict(True, f"{strong} Strong Yes and nothing below Yes.")


@dataclass(frozen=True, slots=True)
class AnswerParts:
    """An answer's worth split by evidence, each in [0, 1] or ``None`` when it has no such
    part: ``graded`` — checked against a reference (a number's band credit, a kata's pass
    rate, a case's chain score); ``written`` — prose scored by the rubric (an open answer, a
    case's justification)."""

    graded: float | None = None
    written: float | None = None

    @classmethod
    def of(cls, evidence: str, score: float) -> AnswerParts:
        """The parts of an answer worth ``score`` when nothing finer is known: a case
        given up on counts it on both parts (0 and 0), an open question whose probes were
        not answered on its written part and 0 on its probes."""
        if evidence == WRITTEN:
            return cls(None, score)
        if evidence == CASE:
            return cls(score, score)
        if evidence == PROBED:
            return cls(0.0, score)
        return cls(score, None)


def round_score(graded: Sequence[float], written: Sequence[float]) -> float:
    """A round's score from its parts: each planned item's graded part (numbers, katas,
    case chains, open answers' follow-up probes) and written part (open answers, case
    justifications), unanswered parts 0.

    ``GRADED_WEIGHT · mean(graded) + (1 − GRADED_WEIGHT) · mean(written)`` when the round has
    both; the one mean when it has one kind only (a behavioral round of open answers, a
    technical screen of one kata); 0 with no parts. With ``GRADED_WEIGHT`` = 2/3, a round of
    one case (chain 1.0, justification 0.4), one open answer (0.7) and one problem (0.5)
    scores 2/3 · (1.0 + 0.5)/2 + 1/3 · (0.4 + 0.7)/2 = 0.5 + 0.1833 = 0.6833.
    """
    if graded and written:
        return (GRADED_WEIGHT * sum(graded) / len(graded)
                + (1.0 - GRADED_WEIGHT) * sum(written) / len(written))
    parts = list(graded) or list(written)
    return sum(parts) / len(parts) if parts else 0.0


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """One round to run: its name, its length and the items to ask, in order.

    ``evidence[i]`` says what item ``i`` gives (``GRADED``, ``WRITTEN`` or ``CASE``); a plan
    made without it counts every item as one kind (its score the plain mean, as before)."""

    name: str
    seconds: float
    item_ids: tuple[str, ...]
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.evidence and len(self.evidence) != len(self.item_ids):
            raise ValueError(f"round {self.name}: {len(self.evidence)} evidence kinds for "
                             f"{len(self.item_ids)} items")
        unknown = [kind for kind in self.evidence if kind not in EVIDENCE_KINDS]
        if unknown:
            raise ValueError(f"round {self.name}: unknown evidence kind {unknown[0]!r}")

    @property
    def title(self) -> str:
        return ROUND_TITLES.get(self.name, self.name)

    def evidence_of(self, item_id: str) -> str:
        """What ``item_id`` gives as evidence (``GRADED`` when the plan does not say)."""
        if self.evidence and item_id in self.item_ids:
            return self.evidence[self.item_ids.index(item_id)]
        return GRADED

    @property
    def cases(self) -> tuple[str, ...]:
        """The round's cases, in order."""
        return tuple(i for i in self.item_ids if self.evidence_of(i) == CASE)


@dataclass
class RoundState:
    """What happened in one round so far: ``scores`` each answered item's worth (what the
    drill's ``Feedback.score`` says), ``parts`` its graded and written parts where they are
    not the plan's one-part default (a case's chain and justification)."""

    plan: RoundPlan
    scores: dict[str, float] = field(default_factory=dict)
    parts: dict[str, AnswerParts] = field(default_factory=dict)
    started_at: float | None = None
    ended_at: float | None = None
    paused_seconds: float = 0.0
    status: str = "pending"  # pending, running, timed_out, finished, abandoned

    def answer_parts(self, item_id: str) -> AnswerParts:
        """``item_id``'s parts: as recorded, else its score on its evidence kind's parts;
        an unanswered item scores 0 on each of its parts (not covered)."""
        if item_id in self.parts:
            return self.parts[item_id]
        return AnswerParts.of(self.plan.evidence_of(item_id), self.scores.get(item_id, 0.0))

    def part_lists(self) -> tuple[list[float], list[float]]:
        """The round's graded parts and written parts, over every planned item."""
        graded: list[float] = []
        written: list[float] = []
        for item_id in self.plan.item_ids:
            parts = self.answer_parts(item_id)
            if parts.graded is not None:
                graded.append(parts.graded)
            if parts.written is not None:
                written.append(parts.written)
        return graded, written

    def score(self) -> float:
        """The round's score by ``round_score`` over every planned item's parts; unanswered
        items count as 0 (not covered)."""
        if not self.plan.item_ids:
            return 0.0
        return round_score(*self.part_lists())


def plan_rounds(with_screen: bool, round_minutes: float | None = None) -> list[tuple[str, float]]:
    """The rounds of a loop with their lengths in seconds."""
    names = ([SCREEN_ROUND] if with_screen else []) + list(ONSITE_ROUNDS)
    if round_minutes is not None and round_minutes <= 0:
        raise ValueError("round minutes must be positive")
    return [(n, 60.0 * (round_minutes if round_minutes is not None else ROUND_MINUTES[n]))
            for n in names]


class LoopRun:
    """A loop in progress, timed on a monotonic clock the caller owns (``now`` in seconds).

    Pausing stops the countdown (and is recorded); the countdown is the run's job, so a
    screen's timer only repaints.
    """

    def __init__(self, rounds: Sequence[RoundPlan], level: str) -> None:
        thresholds(level)  # validates
        if not rounds:
            raise ValueError("a loop needs at least one round")
        self.level = level
        self.rounds = [RoundState(plan) for plan in rounds]
        self.index = 0
        self.paused_at: float | None = None
        self.pauses = 0
        self.abandoned = False

    # -- the clock ------------------------------------------------------------------------

    @property
    def current(self) -> RoundState:
        return self.rounds[self.index]

    def start_round(self, now: float) -> RoundState:
        """Start the current round's countdown."""
        state = self.current
        if state.status == "pending":
            state.status, state.started_at = "running", now
        return state

    def elapsed(self, now: float) -> float:
        state = self.current
        if state.started_at is None:
            return 0.0
        end = state.ended_at if state.ended_at is not None else (self.paused_at or now)
        return max(0.0, end - state.started_at - state.paused_seconds)

    def remaining(self, now: float) -> float:
        """Seconds left in the current round (never negative)."""
        return max(0.0, self.current.plan.seconds - self.elapsed(now))

    def urgency(self, now: float) -> str:
        """"normal", "warning" (≤ 5 min) or "error" (≤ 1 min): how the countdown is drawn."""
        left = self.remaining(now)
        if left <= ERROR_SECONDS:
            return "error"
        if left <= WARNING_SECONDS:
            return "warning"
        return "normal"

    def pause(self, now: float) -> None:
        if self.paused_at is None and self.current.status == "running":
            self.paused_at = now
            self.pauses += 1

    def resume(self, now: float) -> None:
        if self.paused_at is not None:
            self.current.paused_seconds += now - self.paused_at
            self.paused_at = None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def tick(self, now: float) -> bool:
        """End the round if its time is up; ``True`` when this call ended it."""
        state = self.current
        if state.status == "running" and not self.paused and self.remaining(now) <= 0:
            started = state.started_at if state.started_at is not None else now
            state.status = "timed_out"
            state.ended_at = started + state.plan.seconds + state.paused_seconds
            return True
        return False

    # -- answers --------------------------------------------------------------------------

    def record(self, item_id: str, score: float, now: float,
               parts: AnswerParts | None = None) -> None:
        """Score one answer (0..1) of the current round, with its graded and written
        ``parts`` when they are not ``score`` on the item's one kind (a case); ignored once
        the round is over."""
        state = self.current
        if state.status != "running":
            return
        if item_id not in state.plan.item_ids:
            raise ValueError(f"{item_id} is not in round {state.plan.name}")
        state.scores[item_id] = _unit(score)
        if parts is not None:
            state.parts[item_id] = clamp_parts(parts)
        if all(i in state.scores for i in state.plan.item_ids):
            state.status, state.ended_at = "finished", now

    def next_item(self) -> str | None:
        """The next unanswered item of the current round, or ``None`` when it is over."""
        state = self.current
        if state.status not in {"pending", "running"}:
            return None
        for item_id in state.plan.item_ids:
            if item_id not in state.scores:
                return item_id
        return None

    def finish_round(self, now: float) -> None:
        """The player ends the round early; what is unanswered counts as not covered."""
        state = self.current
        if state.status in {"pending", "running"}:
            if self.paused:
                self.resume(now)
            state.status, state.ended_at = "finished", now

    def advance(self) -> bool:
        """Move to the next round; ``False`` when the loop is over."""
        if self.index + 1 >= len(self.rounds):
            return False
        self.index += 1
        return True

    @property
    def over(self) -> bool:
        return self.index == len(self.rounds) - 1 and \
            self.current.status not in {"pending", "running"}

    def abandon(self, now: float) -> None:
        """The player quit mid-loop: the round in progress ends, the loop is abandoned."""
        self.abandoned = True
        if self.current.status in {"pending", "running"}:
            if self.paused:
                self.resume(now)
            self.current.status, self.current.ended_at = "abandoned", now

    # -- results --------------------------------------------------------------------------

    def ratings(self) -> dict[str, str]:
        """Each finished round's rating at the loop's level."""
        return {s.plan.name: round_rating(s.score(), self.level) for s in self.rounds
                if s.status in {"finished", "timed_out"}}

    def verdict(self) -> Verdict:
        """The committee's decision on the onsite rounds (the screen informs, is not voted)."""
        if self.abandoned:
            return Verdict(False, "the loop was abandoned before every round was rated.")
        onsite = [rating for name, rating in self.ratings().items() if name in ONSITE_ROUNDS]
        if len(onsite) < len(ONSITE_ROUNDS):
            return Verdict(False, "not every onsite round was rated.")
        return committee_verdict(onsite)


def _unit(value: float) -> float:
    return max(0.0, min(1.0, value))


def clamp_parts(parts: AnswerParts) -> AnswerParts:
    """``parts`` with each part held to [0, 1]."""
    return AnswerParts(None if parts.graded is None else _unit(parts.graded),
                       None if parts.written is None else _unit(parts.written))
