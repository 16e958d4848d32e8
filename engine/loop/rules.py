"""The onsite-loop rules: rounds against the clock, interviewer ratings, the committee verdict.

Pure rules and a state machine on an injected clock: no screens, no sleeping. A ``LoopRun``
is created with a plan (which rounds, how many minutes, which items); the screen asks it for
the time left, feeds it answers and calls ``tick()``; the run decides when a round is over.

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
#: What each round asks: (open questions, numeric problems/facts).
ROUND_MIX = {
    SCREEN_ROUND: (1, 5),
    "program_design": (2, 1),
    "technical_depth": (2, 3),
    "behavioral": (3, 0),
    "system_tradeoffs": (2, 2),
}

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
class RoundPlan:
    """One round to run: its name, its length and the items to ask, in order."""

    name: str
    seconds: float
    item_ids: tuple[str, ...]

    @property
    def title(self) -> str:
        return ROUND_TITLES.get(self.name, self.name)


@dataclass
class RoundState:
    """What happened in one round so far."""

    plan: RoundPlan
    scores: dict[str, float] = field(default_factory=dict)
    started_at: float | None = None
    ended_at: float | None = None
    paused_seconds: float = 0.0
    status: str = "pending"  # pending, running, timed_out, finished, abandoned

    def score(self) -> float:
        """Mean over the round's planned items; unanswered items count as 0 (not covered)."""
        if not self.plan.item_ids:
            return 0.0
        return sum(self.scores.get(i, 0.0) for i in self.plan.item_ids) / len(self.plan.item_ids)


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

    def record(self, item_id: str, score: float, now: float) -> None:
        """Score one answer (0..1) of the current round; ignored once the round is over."""
        state = self.current
        if state.status != "running":
            return
        if item_id not in state.plan.item_ids:
            raise ValueError(f"{item_id} is not in round {state.plan.name}")
        state.scores[item_id] = max(0.0, min(1.0, score))
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
