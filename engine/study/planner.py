"""The interview-date planner: raise retention as the date nears, fit the new cards before it,
and review every learned card in a final pass just before the interview.

Plain FSRS optimises for "remember for ever at 90 %". A candidate wants something else: every
card as strong as possible *on one day*. With ``interview_date`` set, the planner changes three
things and leaves the rest to FSRS:

**1. Desired retention rises to R* for the final window.** FSRS-6 forgets as a power law,

    R(t, S) = (1 + F * t / S) ** -w20,   F = 0.9 ** (-1 / w20) - 1,

so a card of stability S (days) is at 90 % after S days, and the interval for desired retention
r is I(r, S) = S / F * (r ** (-1 / w20) - 1). Solving for the day: I(r, S) < d exactly when
R(d, S) < r. So with desired retention R* (the interview-day target, 0.97 by default), a card
reviewed d days before the interview is scheduled back before it precisely when it would
otherwise be below R* on the day, and not otherwise: R* is the retention to schedule with once
a card's next review may be its last. That is the case in the final window of ``W`` study days
(``final_window_days``, 4), where the retention is R*.

Before the window a lead-in (``lead_in=True``) can raise it along the forgetting curve: a card
leaves the final pass at least W days before the interview, so to be at R* on the day it needs
stability S_hold with R(W, S_hold) = R*, i.e. S_hold = W * F / (R* ** (-1/w20) - 1) (17.9 days
for W = 4, R* = 0.97, w20 = 0.1542); ``d`` days out the lead-in uses that card's curve read
backwards from the window, r(d) = clip(R(d - W, S_hold), configured, R*), so a card of
stability S_hold reviewed at r(d) is due again on the window's first day. It starts S_hold + W
days out (about 22 days), passes 0.935 two weeks out and reaches R* eight days out. **It is off
by default because simulation says it does not pay** (300 cards, 60 days, 8 seeds): it costs
~10 % more reviews (1,822 vs 1,656) for +0.0004 interview-day retention, while the same reviews
spent on the final pass (R* 0.97 -> 0.98: 1,706 reviews) buy +0.0018. Reviews before the window
are followed by the final pass anyway, and a review at higher retention grows stability less,
so shortening pre-window intervals mostly buys reviews the final pass repeats. Treating cards
scheduled at the old retention as due once they fall below the new one was tried too and
dropped: it put 225 reviews on the first window day and lowered interview-day retention.

**2. A final pass.** In the last ``W`` study days, a review card whose next due date falls on or
after the interview and whose retrievability on interview day would be below R* is pulled
forward. Each card's day in the window is fixed by a hash of its id (so the daily share does not
shift as cards are reviewed or the app restarts; a missed day rolls over to the next), which
spreads them evenly; within a day the strongest go first and the weakest last, nearest the
interview, because a weak card loses most from every day between its review and the interview.

**3. New cards fit before the window.** new/day = ceil(unseen / study days left before the final
window), capped by the player's ``new_per_day``. When that is not enough the plan says so
(``fits=False``) and by how much.

``simulate`` runs a learner through both policies (plain FSRS and the planner) so the gain can be
measured; ``compare_policies`` matches their review budgets. Everything here is pure: no
database, the clock comes in as ``today``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol

from engine import counted
from engine.config import MAX_REVIEWS_PER_DAY, Config
from engine.study.scheduler import REVIEW, day_start, study_day

#: Retrievability every card should have on interview day.
TARGET_RETENTION = 0.97
#: Study days before the interview in which every learned card is reviewed once more.
FINAL_WINDOW_DAYS = 4
#: No plan asks for more new cards a day than this, whatever the deadline.
MAX_NEW_PER_DAY = 50
#: FSRS-6's default forgetting-curve decay (w20), used when no weights are given.
DEFAULT_DECAY = 0.1542


class PlannedCard(Protocol):
    """What the planner reads of a card: ``engine.store.db.CardRow`` has all of it."""

    @property
    def id(self) -> str: ...
    @property
    def state(self) -> int: ...
    @property
    def stability(self) -> float | None: ...
    @property
    def due(self) -> datetime: ...
    @property
    def last_review(self) -> datetime | None: ...


# -- the forgetting curve ------------------------------------------------------------------


def _factor(decay: float) -> float:
    return 0.9 ** (-1.0 / decay) - 1.0


def retrievability(elapsed_days: float, stability: float, decay: float = DEFAULT_DECAY) -> float:
    """FSRS-6 recall probability after ``elapsed_days`` at ``stability`` days."""
    return (1.0 + _factor(decay) * max(0.0, elapsed_days) / stability) ** -decay


def interval_days(retention: float, stability: float, decay: float = DEFAULT_DECAY) -> float:
    """Days until a card of ``stability`` falls to ``retention`` (unrounded FSRS interval)."""
    return stability / _factor(decay) * (retention ** (-1.0 / decay) - 1.0)


def stability_to_hold(retention: float, days: float, decay: float = DEFAULT_DECAY) -> float:
    """The stability a card needs to still be at ``retention`` ``days`` after a review."""
    return days * _factor(decay) / (retention ** (-1.0 / decay) - 1.0)


def _decay(parameters: Sequence[float] | None) -> float:
    return float(parameters[20]) if parameters is not None and len(parameters) > 20 \
        else DEFAULT_DECAY


def ramp_retention(days_left: int, base: float, target: float = TARGET_RETENTION,
                   window_days: int = FINAL_WINDOW_DAYS, decay: float = DEFAULT_DECAY,
                   lead_in: bool = False) -> float:
    """Desired retention ``days_left`` days before the interview (see the module docstring):
    ``target`` inside the final window, the configured ``base`` before it unless ``lead_in``."""
    top = max(base, target)
    if days_left <= window_days:
        return top
    if not lead_in:
        return base
    hold = stability_to_hold(target, window_days, decay)
    return min(top, max(base, retrievability(days_left - window_days, hold, decay)))


def retention_for_day(config: Config, today: date, parameters: Sequence[float] | None = None,
                      target: float = TARGET_RETENTION,
                      window_days: int = FINAL_WINDOW_DAYS, lead_in: bool = False) -> float:
    """The desired retention the scheduler should use on study day ``today``.

    The configured retention when no interview is set or it has passed, else ``ramp_retention``.
    Cheap and card-free, so ``Scheduler.review`` can call it on every answer.
    """
    interview = config.interview_date
    if interview is None or today > interview:
        return config.desired_retention
    return ramp_retention((interview - today).days, config.desired_retention, target,
                          window_days, _decay(parameters), lead_in)


# -- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InterviewPlan:
    """What the interview date changes today; the home screen shows ``message``."""

    interview_date: date
    today: date
    days_left: int
    desired_retention_today: float
    target_retention: float
    new_per_day_today: int
    unseen: int
    final_window_days: int
    final_window_start: date
    in_final_window: bool
    pull_forward: tuple[str, ...]
    fits: bool
    message: str
    #: The settings the message advises raising, and to what ((("new_per_day", 38),)), when
    #: the plan does not fit as configured and a raise within the limits would make it fit;
    #: the home screen offers to write them.
    advice: tuple[tuple[str, int], ...] = ()

    @property
    def extra_due(self) -> frozenset[str]:
        """Card ids due today under the plan that their stored due date does not make due."""
        return frozenset(self.pull_forward)


def _window_slot(card_id: str, window_days: int) -> int:
    """A fixed day (0 … window_days-1) in the final window for this card id."""
    digest = hashlib.blake2b(card_id.encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") * window_days) >> 64


def plan(
    config: Config,
    today: date,
    unseen: int,
    cards: Iterable[PlannedCard],
    *,
    tz: tzinfo = UTC,
    parameters: Sequence[float] | None = None,
    target_retention: float = TARGET_RETENTION,
    final_window_days: int = FINAL_WINDOW_DAYS,
    lead_in: bool = False,
) -> InterviewPlan | None:
    """Today's plan towards ``config.interview_date``; ``None`` without one or once it passed.

    ``today`` is the study day (after the rollover hour), ``unseen`` the number of cards never
    shown, ``cards`` the seen cards' FSRS state, ``parameters`` the FSRS weights in use (for
    the forgetting curve's decay). Pure: reads nothing, writes nothing.
    """
    interview = config.interview_date
    if interview is None or today > interview:
        return None
    hour = config.day_rollover_hour
    decay = _decay(parameters)
    base = config.desired_retention
    target = max(base, target_retention)
    window = max(1, final_window_days)
    days_left = (interview - today).days
    window_start = interview - timedelta(days=window)
    in_window = 1 <= days_left <= window
    retention_today = ramp_retention(days_left, base, target, window, decay, lead_in)

    pull: list[tuple[float, str]] = []
    natural_due = 0
    for card in cards:
        if card.state != REVIEW or card.stability is None or card.last_review is None:
            continue
        last_day = study_day(card.last_review, tz, hour)
        due_day = study_day(card.due, tz, hour)
        if due_day <= today:
            natural_due += 1
            continue
        if not in_window or last_day >= today or due_day < interview:
            continue
        if retrievability((interview - last_day).days, card.stability, decay) >= target:
            continue
        if _window_slot(card.id, window) <= window - days_left:
            pull.append((card.stability, card.id))
    pull.sort(key=lambda pair: (-pair[0], pair[1]))
    pull_forward = tuple(card_id for _, card_id in pull)

    days_before = max(0, days_left - window)
    cap = min(config.new_per_day, MAX_NEW_PER_DAY)
    fits = True
    advice: dict[str, int] = {}
    if days_left == 0:
        new_today = 0
        fits = unseen == 0
        message = "Interview day: no new cards, no reviews needed. Good luck."
        if unseen:
            message = (f"Interview day: {counted(unseen, 'card')} "
                       f"{_were(unseen)} never met. Good luck.")
    elif days_before > 0:
        need = math.ceil(unseen / days_before)
        new_today = min(need, cap)
        fits = need <= cap
        last_new = today + timedelta(days=days_before - 1)
        if fits:
            learn = (f"{counted(unseen, 'new card')} at {new_today}/day, all met by "
                     f"{last_new:%b %d}" if unseen else "every card met")
            message = (f"{counted(days_left, 'day')} to the interview: {learn}; final review "
                       f"pass {window_start:%b %d}–{interview - timedelta(days=1):%b %d} at "
                       f"{target:.0%} retention.")
        else:
            meet = cap * days_before
            if need <= MAX_NEW_PER_DAY:
                advice["new_per_day"] = need
                advice_text = f"raise new_per_day to {need} or drop a deck"
            else:
                advice_text = (f"{need}/day is more than anyone can learn: drop a deck or "
                               "move the date")
            message = (f"{counted(unseen, 'new card')} left but only "
                       f"{counted(days_before, 'day')} before the "
                       f"final review pass: at {cap}/day you will meet {meet}; {advice_text}.")
    else:
        new_today = min(math.ceil(unseen / days_left), cap) if unseen else 0
        fits = unseen == 0
        day_number = window - days_left + 1
        pulled = len(pull_forward)
        message = (f"Final review pass, day {day_number} of {window}: "
                   f"{counted(pulled, 'card')} pulled forward so every card is at "
                   f"{target:.0%} on {interview:%b %d}.")
        if unseen:
            message += (f" {counted(unseen, 'new card')} {_were(unseen)} never met; meeting "
                        f"{'it' if unseen == 1 else 'them'} now leaves "
                        f"{'it' if unseen == 1 else 'them'} weak on the day — drop what you "
                        "can.")
    due_total = natural_due + len(pull_forward)
    if days_left > 0 and due_total > config.reviews_per_day:
        fits = False
        if due_total <= MAX_REVIEWS_PER_DAY:
            advice["reviews_per_day"] = due_total
        message += (f" Today needs {counted(due_total, 'review')} but reviews_per_day is "
                    f"{config.reviews_per_day}: raise it or the plan slips.")
    return InterviewPlan(
        interview_date=interview, today=today, days_left=days_left,
        desired_retention_today=retention_today, target_retention=target,
        new_per_day_today=new_today, unseen=unseen, final_window_days=window,
        final_window_start=window_start, in_final_window=in_window,
        pull_forward=pull_forward, fits=fits, message=message,
        advice=tuple(advice.items()),
    )


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def due_today(cards: Iterable[PlannedCard], day_end: datetime,
              interview_plan: InterviewPlan | None) -> list[str]:
    """Ids of review cards to ask today: stored due before ``day_end``, plus the plan's extra.

    This is the rule ``DuePicker`` and ``today_counts`` apply to review-state cards.
    """
    extra = interview_plan.extra_due if interview_plan else frozenset()
    return [c.id for c in cards if c.state == REVIEW and (c.due < day_end or c.id in extra)]


# -- simulation ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """One simulated run up to interview day."""

    policy: str
    desired_retention: float
    cards: int
    days: int
    reviews: int
    interview_retention: float
    share_below_90: float
    reviews_per_day: tuple[int, ...]
    log: tuple[tuple[int, int, int], ...] = field(default=(), repr=False)

    @property
    def retention_per_1000_reviews(self) -> float:
        return 1000.0 * self.interview_retention / max(1, self.reviews)


@dataclass
class _SimCard:
    id: str
    card: object
    true_card: object | None = None

    @property
    def state(self) -> int:
        return int(self.card.state)  # type: ignore[attr-defined]

    @property
    def stability(self) -> float | None:
        return self.card.stability  # type: ignore[attr-defined]

    @property
    def due(self) -> datetime:
        return self.card.due  # type: ignore[attr-defined]

    @property
    def last_review(self) -> datetime | None:
        return self.card.last_review  # type: ignore[attr-defined]


#: fsrs-rs's default simulator: first-rating and success-rating probabilities.
FIRST_RATING_PROB = (0.24, 0.094, 0.495, 0.171)
SUCCESS_RATING_PROB = (0.224, 0.631, 0.145)  # Hard, Good, Easy


def simulate(
    policy: str = "planner",
    *,
    n_cards: int = 300,
    days: int = 60,
    desired_retention: float = 0.9,
    new_per_day: int | None = None,
    seed: int = 0,
    parameters: Sequence[float] | None = None,
    true_parameters: Sequence[float] | None = None,
    target_retention: float = TARGET_RETENTION,
    final_window_days: int = FINAL_WINDOW_DAYS,
    lead_in: bool = False,
    start: date = date(2026, 1, 5),
    record: bool = False,
) -> SimulationResult:
    """Simulate a learner meeting ``n_cards`` cards, with the interview ``days`` days away.

    ``policy`` is ``"fsrs"`` (plain FSRS at ``desired_retention``) or ``"planner"``. The
    scheduler is py-fsrs (``parameters``, default FSRS-6 weights; no learning steps and no
    fuzz, so every answer is one review and runs repeat); whether the learner recalls is drawn
    with the retrievability of ``true_parameters`` (default: the scheduler's), tracked on a
    shadow card that sees the same ratings. Ratings follow fsrs-rs's default simulator. The
    learner studies every day at 10:00 UTC (rollover 04:00) and does every due card. Both
    policies meet the new cards at the same pace, ``new_per_day`` (default: the planner's, all
    met before the final window), so only the reviewing differs. ``record`` keeps
    ``(card index, day, rating)`` for every review (the optimizer's tests feed it back).
    """
    import random

    import fsrs

    if policy not in {"fsrs", "planner"}:
        raise ValueError(f"unknown policy {policy!r}: use 'fsrs' or 'planner'")
    rng = random.Random(seed)
    weights = tuple(parameters) if parameters is not None else tuple(fsrs.Scheduler().parameters)
    true_weights = tuple(true_parameters) if true_parameters is not None else None
    interview = start + timedelta(days=days)
    window = max(1, final_window_days)
    if new_per_day is None:
        new_per_day = math.ceil(n_cards / max(1, days - window))
    config = Config(desired_retention=desired_retention, new_per_day=MAX_NEW_PER_DAY,
                    reviews_per_day=10**9, interview_date=interview)
    schedulers: dict[float, object] = {}

    def scheduler_for(retention: float) -> object:
        key = round(retention, 4)
        if key not in schedulers:
            schedulers[key] = fsrs.Scheduler(parameters=weights, desired_retention=key,
                                             learning_steps=(), relearning_steps=(),
                                             enable_fuzzing=False)
        return schedulers[key]

    true_scheduler = (fsrs.Scheduler(parameters=true_weights, learning_steps=(),
                                     relearning_steps=(), enable_fuzzing=False)
                      if true_weights is not None else None)
    cards: list[_SimCard] = []
    log: list[tuple[int, int, int]] = []
    per_day: list[int] = []
    reviews = 0

    def answer(index: int, sim: _SimCard, moment: datetime, retention: float, day: int) -> None:
        nonlocal reviews
        shadow = sim.true_card if sim.true_card is not None else sim.card
        if shadow.last_review is None:  # type: ignore[attr-defined]
            rating = rng.choices((1, 2, 3, 4), FIRST_RATING_PROB)[0]
        else:
            judge = true_scheduler or scheduler_for(retention)
            recall = judge.get_card_retrievability(shadow, moment)  # type: ignore[attr-defined]
            rating = (rng.choices((2, 3, 4), SUCCESS_RATING_PROB)[0]
                      if rng.random() < recall else 1)
        sim.card, _ = scheduler_for(retention).review_card(  # type: ignore[attr-defined]
            sim.card, fsrs.Rating(rating), review_datetime=moment)
        if true_scheduler is not None:
            sim.true_card, _ = true_scheduler.review_card(
                sim.true_card, fsrs.Rating(rating), review_datetime=moment)
        reviews += 1
        if record:
            log.append((index, day, rating))

    for day in range(days):
        today = start + timedelta(days=day)
        moment = day_start(today, UTC, config.day_rollover_hour) + timedelta(hours=6)
        day_end = day_start(today + timedelta(days=1), UTC, config.day_rollover_hour)
        before = reviews
        unseen = n_cards - len(cards)
        if policy == "planner":
            today_plan = plan(config, today, unseen, cards, parameters=weights,
                              target_retention=target_retention, final_window_days=window,
                              lead_in=lead_in)
            retention = today_plan.desired_retention_today if today_plan else desired_retention
        else:
            today_plan, retention = None, desired_retention
        due_ids = set(due_today(cards, day_end, today_plan))
        for index, sim in enumerate(cards):
            if sim.id in due_ids:
                answer(index, sim, moment, retention, day)
        meet = min(unseen, new_per_day)
        if today_plan is not None and today_plan.days_left <= window:
            meet = min(unseen, today_plan.new_per_day_today)
        for _ in range(meet):
            index = len(cards)
            sim = _SimCard(f"c{index:05d}", fsrs.Card(card_id=index + 1),
                           fsrs.Card(card_id=index + 1) if true_scheduler else None)
            cards.append(sim)
            answer(index, sim, moment, retention, day)
        per_day.append(reviews - before)

    at_interview = day_start(interview, UTC, config.day_rollover_hour) + timedelta(hours=6)
    judge = true_scheduler or scheduler_for(desired_retention)
    recalls = [judge.get_card_retrievability(  # type: ignore[attr-defined]
        sim.true_card if sim.true_card is not None else sim.card, at_interview)
        for sim in cards] + [0.0] * (n_cards - len(cards))
    return SimulationResult(
        policy=policy, desired_retention=desired_retention, cards=n_cards, days=days,
        reviews=reviews, interview_retention=sum(recalls) / n_cards,
        share_below_90=sum(1 for r in recalls if r < 0.9) / n_cards,
        reviews_per_day=tuple(per_day), log=tuple(log),
    )


@dataclass(frozen=True, slots=True)
class PolicyComparison:
    """The planner against plain FSRS at the configured retention and at an equal budget."""

    planner: SimulationResult
    plain: SimulationResult
    plain_matched: SimulationResult

    def summary(self) -> str:
        rows = [("planner", self.planner), ("fsrs", self.plain),
                ("fsrs matched", self.plain_matched)]
        return "\n".join(
            f"{name:13} DR {r.desired_retention:.3f}  reviews {r.reviews:5d}  "
            f"interview-day R {r.interview_retention:.4f}  below 90% {r.share_below_90:.1%}"
            for name, r in rows)


def compare_policies(n_cards: int = 300, days: int = 60, seed: int = 0,
                     desired_retention: float = 0.9, **kwargs: object) -> PolicyComparison:
    """Run the planner, plain FSRS, and plain FSRS with its retention raised (bisection) until
    it spends at least as many reviews as the planner: the fair comparison."""
    common = dict(n_cards=n_cards, days=days, seed=seed, **kwargs)
    planner = simulate("planner", desired_retention=desired_retention, **common)  # type: ignore[arg-type]
    plain = simulate("fsrs", desired_retention=desired_retention, **common)  # type: ignore[arg-type]
    low, high = desired_retention, 0.995
    matched = simulate("fsrs", desired_retention=high, **common)  # type: ignore[arg-type]
    if matched.reviews >= planner.reviews:
        for _ in range(12):
            middle = (low + high) / 2
            trial = simulate("fsrs", desired_retention=middle, **common)  # type: ignore[arg-type]
            if trial.reviews >= planner.reviews:
                high, matched = middle, trial
            else:
                low = middle
            if high - low < 0.0005:
                break
    return PolicyComparison(planner, plain, matched)

