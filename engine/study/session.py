"""Study sessions: pick -> pose -> grade -> record -> next.

A ``StudySession`` is what a screen drives: ``next_question()``, then ``submit(text)`` (or
``dont_know()``), then optionally ``override(rating)`` or ``undo()``. The review and the card's
new FSRS state are committed before ``submit`` returns, so feedback is never shown for an answer
that is not stored. What to ask next is a ``Picker``'s job: the daily drill picks due cards,
then new ones, leaving the siblings of today's answers buried until tomorrow; weak-area, loop
and custom-study sessions bring their own pickers.

Nothing typed is lost: while the player types, the screen keeps a draft with
``save_draft(text)`` (stored under ``draft_key``), restores it with ``draft()`` when the card
or the loop comes back, and the recorded answer deletes it in the same transaction.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from engine import finite_or_none
from engine.bank import ContentBank
from engine.clock import Clock
from engine.questions import PoseError, Question, pose
from engine.store.db import (
    CardRow,
    GradedStepRecord,
    ReviewRecord,
    Store,
    UndoError,
    from_iso,
    iso,
)
from engine.study.scheduler import LEARNING, LONG_FORM_KINDS, RELEARNING, REVIEW, Scheduler
from grading.rating import AGAIN, EASY, rating_for_open, suggest_rating

if TYPE_CHECKING:  # the graders load on the first answer (or the app's warm-up), not at start
    from engine.cases.grade import ChainGrade
    from engine.cases.pose import PosedCase
    from engine.cases.verdict import CaseVerdict
    from engine.katas.runner import CheckReport
    from engine.store.db import KataAttemptRecord
    from engine.study.planner import InterviewPlan
    from grading.numeric import Grade
    from grading.rubric import RubricResult
    from grading.text import TextGrade

#: What a band is worth when a session scores answers (the loop's round scores).
BAND_SCORES = {"exact": 1.0, "close": 0.5, "off": 0.0}
#: Typed answers that mean "I don't know" (shown the answer, rated Again).
DONT_KNOW = {"?", "idk", "dont know", "don't know", "i don't know", "no idea"}

#: Learning cards due within this long are served when nothing else is left (Anki's default).
LEARN_AHEAD = timedelta(minutes=20)


def card_draft_key(item_id: str) -> str:
    """The draft of an answer to a card outside a loop: one per card, whatever the session."""
    return f"card:{item_id}"


def loop_draft_key(session_id: int, item_id: str) -> str:
    """The draft of an answer in a loop: one per loop and item, so a later loop asking the
    same item starts blank."""
    return f"loop:{session_id}:{item_id}"


@dataclass(frozen=True, slots=True)
class Retry:
    """The answer could not be graded (unreadable, or the wrong kind of quantity): re-enter."""

    message: str
    band: str


@dataclass(frozen=True, slots=True)
class Feedback:
    """A recorded answer: the grade, the rating given, and what to show the player."""

    question: Question
    answer_text: str
    #: A kata's grade is its ``CheckReport`` (its ``band`` is the pass rate's).
    grade: Grade | TextGrade | RubricResult | CheckReport | CaseVerdict | None
    suggested_rating: int
    rating: int
    review_id: int
    duration_seconds: float
    overridden: bool = False
    self_score: float | None = None
    #: What was typed when a loop round's time ran out (see ``StudySession.submit``).
    cut_off: bool = False
    #: An open answer's follow-up probes, graded (``StudySession.submit_probes``); ``None``
    #: when the question has none or they were skipped.
    probes: ChainGrade | None = None

    @property
    def verdict(self) -> str:
        """exact / close / off for numbers and text, "scored" for open answers; "unreadable"
        for a number cut off by the clock that does not read."""
        if self.grade is None:
            return "unreadable" if self.cut_off and self.answer_text != "?" else "don't know"
        if _is_rubric(self.grade):
            return "scored"
        return self.grade.band

    @property
    def score(self) -> float:
        """The answer's worth in [0, 1]: exact 1, close 0.5, off 0; open answers their rubric
        score (the self-checked one once given); a kata its checks' pass rate. The loop's
        round scores average these."""
        if self.grade is None:
            return 0.0
        if hasattr(self.grade, "pass_rate"):  # a kata's CheckReport
            return float(self.grade.pass_rate)
        if hasattr(self.grade, "chain"):  # a case's CaseVerdict: steps and justification
            return float(self.grade.score)
        if _is_rubric(self.grade):
            written = self.self_score if self.self_score is not None else \
                self.grade.auto_score
            if self.probes is not None:  # weighed with its follow-up probes
                from engine.cases.probes import probed_score

                return probed_score(written, self.probes)
            return written
        return BAND_SCORES.get(self.grade.band, 0.0)


@dataclass(frozen=True, slots=True)
class Undone:
    """An answer taken back: its question is being asked again, ``answer_text`` is what was
    typed (also restored as the card's draft), ``rating`` what it had been given."""

    question: Question
    answer_text: str
    review_id: int
    rating: int


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """What a screen shows when a session is left (with q, or when the queue empties).

    Counts are of this session's recorded answers (taken-back ones excluded; ``undone``
    counts those): ``right`` within the exact band, ``close``, ``off`` (including an answer
    unreadable when a loop's time ran out), ``dont_know``, and ``open_answers`` scored on
    their key points. ``ratings`` maps 1 Again … 4 Easy to how many were given (after
    overrides and self-checks). ``seconds_spent`` runs from the session's start to its end
    (or now); ``seconds_answering`` adds up the time spent on each question. ``next_due`` is
    the earliest due time of any card still in the bank (in the past: more is due now).
    """

    answers: int
    right: int
    close: int
    off: int
    dont_know: int
    open_answers: int
    new_cards: int
    undone: int
    ratings: dict[int, int]
    seconds_spent: float
    seconds_answering: float
    next_due: datetime | None

    @property
    def minutes_spent(self) -> float:
        return self.seconds_spent / 60.0


@dataclass(frozen=True, slots=True)
class TodayCounts:
    """What the home screen shows about today.

    ``buried`` counts the cards the daily drill holds back until tomorrow because a sibling
    was answered today (see ``DuePicker``); they are not in ``due_review``/``new_available``.
    """

    day: date
    due_learning: int
    due_review: int
    new_available: int
    reviews_done: int
    new_done: int
    streak_days: int
    next_due: datetime | None
    plan: InterviewPlan | None = None
    buried: int = 0

    @property
    def due_total(self) -> int:
        return self.due_learning + self.due_review


class Picker(Protocol):
    """Chooses the next card id to ask, or ``None`` when the session has nothing left."""

    def pick(self, session: StudySession) -> str | None: ...


@dataclass(frozen=True, slots=True)
class DayPlan:
    """What today holds under the daily limits and, if set, the interview plan."""

    review_ids: frozenset[str]
    new_limit: int
    plan: InterviewPlan | None


def unseen_count(bank: ContentBank, store: Store) -> int:
    """How many servable items the player has never met (asked of the store per bank item,
    so the cost follows the bank, not how many cards the history holds)."""
    return store.count_unseen(bank.new_order_json())


def day_plan(cards: Mapping[str, CardRow], unseen: int, scheduler: Scheduler,
             clock: Clock) -> DayPlan:
    """Review cards due today (stored due, plus the interview plan's final-pass pulls) and
    how many new cards today may introduce. ``cards`` must hold every card when an
    interview is ahead (``needs_all_cards``); otherwise the cards due today suffice."""
    from engine.study.planner import due_today
    from engine.study.planner import plan as interview_plan

    config = scheduler.config
    window = scheduler.window(clock.now(), clock.local_tz())
    plan = interview_plan(config, window.day, unseen, cards.values(), tz=clock.local_tz(),
                          parameters=scheduler.parameters)
    review_ids = frozenset(due_today(cards.values(), window.end, plan))
    new_limit = plan.new_per_day_today if plan else config.new_per_day
    return DayPlan(review_ids, new_limit, plan)


def needs_all_cards(scheduler: Scheduler, today: date) -> bool:
    """An interview ahead means the plan looks at every card, not only today's due ones."""
    when = scheduler.config.interview_date
    return when is not None and when >= today


def todays_cards(store: Store, bank: ContentBank, scheduler: Scheduler,
                 clock: Clock) -> dict[str, CardRow]:
    """The cards today's picking and counting need, read on the due index when it can."""
    now = clock.now()
    window = scheduler.window(now, clock.local_tz())
    horizon = None if needs_all_cards(scheduler, window.day) else \
        max(window.end, now + LEARN_AHEAD)
    return {cid: card for cid, card in store.cards(due_before=horizon).items() if cid in bank}


def today_counts(
    store: Store, bank: ContentBank, scheduler: Scheduler, clock: Clock
) -> TodayCounts:
    """Due, new and done counts for today's study day, within the daily limits."""
    with store.snapshot():  # the counts agree with each other while another instance writes
        return _today_counts(store, bank, scheduler, clock)


def _today_counts(
    store: Store, bank: ContentBank, scheduler: Scheduler, clock: Clock
) -> TodayCounts:
    now = clock.now()
    window = scheduler.window(now, clock.local_tz())
    config = scheduler.config
    unseen = unseen_count(bank, store)
    buried = buried_today(store, bank, window.start)
    start_key = iso(window.start)
    if needs_all_cards(scheduler, window.day):
        cards = todays_cards(store, bank, scheduler, clock)
        today = day_plan(cards, unseen, scheduler, clock)
        learning = sum(1 for c in cards.values() if c.state != REVIEW and c.due < window.end)
        held = {i for i in today.review_ids
                if i in buried and iso(cards[i].due) >= start_key}
        due_reviews = len(today.review_ids) - len(held)
        plan, new_limit = today.plan, today.new_limit
    else:  # no plan: counts straight from the due index, no card objects
        due = [(card_id, state, due_text) for card_id, state, due_text
               in store.due_brief(window.end) if card_id in bank]
        learning = sum(1 for _id, state, _due in due if state != REVIEW)
        held = {card_id for card_id, state, due_text in due
                if state == REVIEW and card_id in buried and due_text >= start_key}
        due_reviews = len(due) - learning - len(held)
        plan, new_limit = None, config.new_per_day
    buried_new = store.count_unseen(_ids_json(bank.new_order(), buried)) if buried else 0
    reviews_done = store.review_cards_reviewed_since(window.start)
    review_due = min(due_reviews, max(0, config.reviews_per_day - reviews_done))
    new_done = store.new_cards_since(window.start)
    new_available = min(unseen - buried_new, max(0, new_limit - new_done))
    return TodayCounts(
        day=window.day,
        due_learning=learning,
        due_review=review_due,
        new_available=new_available,
        reviews_done=store.count_reviews(since=window.start),
        new_done=new_done,
        streak_days=store.streak_days(window.day),
        next_due=store.next_due(bank.items),
        plan=plan,
        buried=len(held) + buried_new,
    )


def buried_today(store: Store, bank: ContentBank, day_start_at: datetime) -> frozenset[str]:
    """The cards the daily drill holds back for the rest of the study day that began at
    ``day_start_at``: the siblings (``ContentBank.siblings``) of every card answered since,
    in any mode and any window, so it holds across sessions and instances."""
    return bank.siblings_of(store.cards_answered_since(day_start_at))


def _ids_json(ids: Sequence[str], among: frozenset[str]) -> str:
    import json

    return json.dumps([item_id for item_id in ids if item_id in among])


class DuePicker:
    """The daily drill: learning cards due now, then reviews due today, then new cards.

    Limits are per study day. When only learning cards due in the next 20 minutes remain,
    they are served early rather than ending the drill (Anki's learn-ahead).

    Siblings bury each other, as in Anki: once a card is answered, the cards related to it
    (``ContentBank.siblings``: same id family, same catalog part, a declared ``related``
    list) are neither introduced as new nor reviewed for the rest of the study day, since
    one's explanation gives the other away ("HBM3, 5 stacks" before "Which HBM generation…").
    Learning and relearning cards are still served (their steps are minutes). A review that
    was already due before today is not held back again, so burying delays a review by at
    most one day: a family of 27 rules of thumb, several due each day while young, would
    otherwise be served one a day and never catch up.
    """

    def pick(self, session: StudySession) -> str | None:
        with session.store.snapshot():  # one consistent view while another instance writes
            return self._pick(session)

    def _pick(self, session: StudySession) -> str | None:
        store, bank, config = session.store, session.bank, session.scheduler.config
        now = session.clock.now()
        window = session.scheduler.window(now, session.clock.local_tz())
        last = session.last_card_id
        plan_needed = needs_all_cards(session.scheduler, window.day)
        # Candidates as (id, state, due as stored UTC text): the text sorts and compares in
        # time order with iso(moment), so no card objects or date parsing are needed.
        if plan_needed:  # the interview plan looks at every card
            cards = {cid: c for cid, c in todays_cards(store, bank, session.scheduler,
                                                       session.clock).items()
                     if cid not in session.unservable}
            due = [(c.id, c.state, iso(c.due)) for c in cards.values()]
        else:
            due = [entry for entry in store.due_brief(max(window.end, now + LEARN_AHEAD))
                   if entry[0] in bank and entry[0] not in session.unservable]
        now_key, ahead_key = iso(now), iso(now + LEARN_AHEAD)

        def earliest(candidates: list[tuple[str, int, str]]) -> str | None:
            ordered = sorted(candidates, key=lambda entry: entry[2])
            others = [entry for entry in ordered if entry[0] != last]
            chosen = others or ordered
            return chosen[0][0] if chosen else None

        learning_now = [e for e in due if e[1] in (LEARNING, RELEARNING) and e[2] <= now_key]
        if learning_now:
            return earliest(learning_now)
        if plan_needed:
            today = day_plan(cards, unseen_count(bank, store), session.scheduler,
                             session.clock)
            review_ids, new_limit = today.review_ids, today.new_limit
        else:
            end_key = iso(window.end)
            review_ids = frozenset(e[0] for e in due if e[1] == REVIEW and e[2] < end_key)
            new_limit = config.new_per_day
        buried = buried_today(store, bank, window.start)
        start_key = iso(window.start)
        if store.review_cards_reviewed_since(window.start) < config.reviews_per_day:
            reviews = [e for e in due if e[0] in review_ids
                       and not (e[0] in buried and e[2] >= start_key)]
            if reviews:
                return earliest(reviews)
        if store.new_cards_since(window.start) < new_limit:
            skipped = session.unservable | buried
            for item_id in store.unseen_among(bank.new_order_json(), len(skipped) + 1):
                if item_id not in skipped:
                    return item_id
        ahead = [e for e in due if e[1] in (LEARNING, RELEARNING) and e[2] <= ahead_key]
        return earliest(ahead)


def self_check_rating(item_id: str, score: float) -> int:
    """The rating a self-check ``score`` gives for card ``item_id``: a story's retelling by
    its own bands (:func:`engine.stories.retell_rating`: Good from 90 % of its numbers), any
    other open answer by :func:`grading.rating.rating_for_open`. The drill's preview while
    ticking and the confirmed rating both ask here, so they cannot disagree."""
    from engine.stories import is_retell_card, retell_rating

    return retell_rating(score) if is_retell_card(item_id) else rating_for_open(score)


@dataclass
class StudySession:
    """One sitting of answers in one mode, recorded under one ``sessions`` row."""

    store: Store
    bank: ContentBank
    scheduler: Scheduler
    clock: Clock
    mode: str = "drill"
    picker: Picker = field(default_factory=DuePicker)
    seed: int | None = None
    session_id: int = 0
    question: Question | None = None
    last_card_id: str | None = None
    feedback: Feedback | None = None
    answered: int = 0
    unservable: set[str] = field(default_factory=set)
    pose_errors: list[str] = field(default_factory=list)
    loop_round: str | None = None
    _asked_at: float = 0.0
    _rng: Any = None
    _last_answer: Feedback | None = None
    #: The probes posed for the open answer just recorded: (its review id, the chain).
    _probes_posed: tuple[int, Any] | None = None

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)  # seeds per question; numpy only when posing
        if self.mode != "loop" and self.store.stories(include_archived=True):
            # The player's stories as retell cards. engine.stories (~10 ms of regular
            # expressions) is imported only when there are stories: most starts have none.
            from engine.stories import add_retell_cards

            add_retell_cards(self.bank, self.store)
        if not self.session_id:
            extra = getattr(self.picker, "session_config", None) or {}
            self.session_id = self.store.start_session(
                self.mode, self.clock.now(), {"seed": self.seed, **extra})

    # -- drafts ---------------------------------------------------------------------------

    def draft_key(self, item_id: str | None = None) -> str:
        """Where the draft of an answer to ``item_id`` (default: the question asked) is kept:
        per card, or per loop and card in a loop (see ``card_draft_key``)."""
        if item_id is None:
            item_id = self._require_question().item_id
        if self.mode == "loop":
            return loop_draft_key(self.session_id, item_id)
        return card_draft_key(item_id)

    def save_draft(self, text: str) -> None:
        """Keep what is typed for the question being asked (blank deletes the draft); cheap
        enough to call every few keystrokes. A recorded answer deletes it."""
        self.store.save_draft(self.draft_key(), text, self.clock.now())

    def draft(self) -> str | None:
        """The draft of an answer to the question being asked, to put back in the box."""
        return self.store.draft(self.draft_key())

    # -- asking ---------------------------------------------------------------------------

    def next_question(self) -> Question | None:
        """Pick and pose the next card; items that cannot be posed are skipped and noted."""
        self.feedback = None
        while True:
            card_id = self.picker.pick(self)
            if card_id is None:
                self.question = None
                return None
            item = self.bank.get(card_id)
            seed = self._rng.randrange(2**31 - 1)
            try:
                if item is None:
                    raise PoseError(f"{card_id}: no longer in any deck")
                self.question = pose(item, None, self.bank.catalog, seed)
            except (PoseError, ValueError) as error:
                self.unservable.add(card_id)
                self.pose_errors.append(str(error))
                continue
            self._asked_at = self.clock.monotonic()
            return self.question

    # -- answering ------------------------------------------------------------------------

    def submit(self, answer_text: str, *, cut_off: bool = False) -> Feedback | Retry:
        """Grade and record an answer; a ``Retry`` (nothing recorded) if it cannot be graded.

        ``cut_off``: the text is what was typed when a loop round's time ran out (see
        ``LoopSession.time_up``). There is no re-entering then, so it is graded as it stands:
        an open answer of a word or two is scored on what it covers, and a number that does
        not read is recorded as ``unreadable`` (rated Again, the text kept). The review is
        marked ``cut_off``.
        """
        from grading.numeric import Tolerance, grade_numeric
        from grading.quantity import AnswerError
        from grading.rubric import score_open
        from grading.text import grade_text

        question = self._require_question()
        text = answer_text.strip()
        if text.lower() in DONT_KNOW:
            return self.dont_know(cut_off=cut_off)
        if question.kind == "kata":
            return Retry("A kata is answered with code and its checks (submit_kata), not "
                         "typed text.", "unparsed")
        if question.kind == "case":
            return Retry("A case is answered step by step (submit_case), not as one typed "
                         "text.", "unparsed")
        if question.kind == "text":
            text_grade = grade_text(text, question.answers)
            seconds = self._elapsed()
            rating = suggest_rating(text_grade.band, seconds, question.target_seconds)
            return self._record(question, text, text_grade, rating, seconds, cut_off=cut_off)
        if question.kind == "open":
            if len(text.split()) < 3 and not cut_off:
                return Retry("Say a little more: an interview answer needs a few sentences "
                             "(or ? if you don't know).", "unparsed")
            from engine.stories import is_retell_card

            if is_retell_card(question.item_id):  # the player's story, told again
                from engine.stories import grade_retell, retell_rating

                told = grade_retell(text, question.model_answer)
                return self._record(question, text, told, retell_rating(told.auto_score),
                                    self._elapsed(), cut_off=cut_off)
            result = score_open(text, question.key_points, question.red_flags,
                                figures=question.figures, prompt=question.prompt)
            return self._record(question, text, result, rating_for_open(result.auto_score),
                                self._elapsed(), cut_off=cut_off)
        try:
            # The prompt lets a plain-number card take the unit it names ("16 bytes"), and
            # holds a fact that asks for a conversion to the unit it asks for.
            grade = grade_numeric(text, question.reference_value, question.reference_unit,
                                  question.display_unit, Tolerance.parse(question.tolerance),
                                  prompt=question.prompt,
                                  conversion_card=question.kind == "fact")
        except AnswerError as error:
            if not cut_off:
                return Retry(str(error), error.band)
            return self._record(question, text, None, AGAIN, self._elapsed(), cut_off=True,
                                band="unreadable")
        seconds = self._elapsed()
        rating = suggest_rating(grade.band, seconds, question.target_seconds)
        return self._record(question, text, grade, rating, seconds, cut_off=cut_off)

    def submit_kata(self, code: str, report: CheckReport,
                    elapsed_seconds: float | None, cut_off: bool = False) -> Feedback:
        """Record a kata's submission: ``code`` as the answer, ``report`` (from
        ``engine.katas.runner.check_code`` on that code) as its grade, rated by
        ``kata_rating`` from the pass rate and ``elapsed_seconds`` (the screen's timer)
        against the kata's target. ``None`` means the time is not known (a check from the
        command line): never Easy, and the time since the kata was asked is recorded as the
        answer's duration. Every case result goes into ``kata_attempts`` in the review's
        own transaction, and the code's draft is deleted with it. ``cut_off``: a loop
        round's time ran out and this is the code as it stood (the debrief says so)."""
        from engine.katas.attempts import attempt_record
        from engine.katas.runner import kata_rating

        question = self._require_question()
        if question.kind != "kata":
            raise RuntimeError(f"{question.item_id} is not a kata: answer it with submit()")
        if report.kata_id != question.item_id:
            raise ValueError(f"the checks are of {report.kata_id}, not of the kata asked "
                             f"({question.item_id})")
        known = None if elapsed_seconds is None else max(0.0, elapsed_seconds)
        target_minutes = (question.target_seconds / 60.0
                          if question.target_seconds is not None else None)
        rating = kata_rating(report, known, target_minutes)
        seconds = self._elapsed() if known is None else known
        return self._record(question, code, report, rating, seconds, cut_off=cut_off,
                            kata_attempt=attempt_record(code, report, known))

    def submit_case(self, step_answers: Sequence[str | None], justify_text: str = "", *,
                    cut_off: bool = False) -> Feedback | Retry:
        """Grade and record a played case: ``step_answers[i]`` is what the player typed at
        step ``i`` (``None`` or ``?``: revealed), ``justify_text`` the closing written answer.

        Every step is graded against the reference chain and against the chain recomputed
        from the player's own earlier answers (``engine.cases.grade_chain``); the verdict
        weighs the steps and the justification (``engine.cases.verdict``). The review
        (kind ``case``, the answers as its text, the weighed score as ``auto_score``) and one
        ``graded_steps`` row per step are written in one transaction, and the case's draft is
        deleted with it. An answer that cannot be graded is a ``Retry`` naming the step
        (nothing recorded) — unless ``cut_off`` (a loop round's time ran out): then the steps
        not answered, or not readable, are recorded as revealed.
        """
        from engine.cases.grade import CaseAnswerError, grade_chain
        from engine.cases.verdict import case_answer_text, case_verdict

        question = self._require_question()
        posed = question.case
        if question.kind != "case" or posed is None:
            raise RuntimeError(f"{question.item_id} is not a case: answer it with submit()")
        answers: list[str | None] = list(step_answers)[:len(posed.steps)]
        if cut_off:
            answers += [None] * (len(posed.steps) - len(answers))
        elif len(answers) < len(posed.steps):
            return Retry(f"step {len(answers) + 1} of {len(posed.steps)} is not answered yet "
                         f"(? reveals it).", "unparsed")
        while True:
            try:
                chain = grade_chain(posed, answers)
                break
            except CaseAnswerError as error:
                if not cut_off:
                    return Retry(str(error), error.band)
                answers[error.step_index] = None  # unreadable when time ran out: revealed
        verdict = case_verdict(posed, chain, justify_text)
        text = case_answer_text(posed, answers, justify_text)
        return self._record(question, text, verdict, verdict.rating, self._elapsed(),
                            cut_off=cut_off, graded_steps=verdict.step_records())

    # -- an open answer's follow-up probes ----------------------------------------------

    def answer_probes(self) -> PosedCase | None:
        """The follow-up probes of the open answer just recorded, posed (``None`` when the
        question has none, the answer was "don't know", or they were answered already).
        The screen asks them one at a time (``grade_probes``), then ``submit_probes``."""
        feedback = self.feedback
        if feedback is None or feedback.probes is not None or not _is_rubric(feedback.grade):
            return None
        from content.loader import OpenQuestion
        from engine.cases.probes import pose_probes

        item = self.bank.get(feedback.question.item_id)
        if not isinstance(item, OpenQuestion) or not item.probes:
            return None
        cached = self._probes_posed
        if cached is not None and cached[0] == feedback.review_id:
            return cached[1]
        try:
            posed = pose_probes(item, self.bank.catalog)
        except PoseError as error:  # the bank checked them at load; a changed deck may not
            self.pose_errors.append(str(error))
            return None
        self._probes_posed = (feedback.review_id, posed)
        return posed

    def grade_probes(self, answers: Sequence[str | None]) -> ChainGrade | Retry:
        """Grade the first ``len(answers)`` probes as they stand, recording nothing (the
        screen shows each probe's verdict as it is answered); a ``Retry`` names an answer
        that cannot be graded. ``None`` or ``?`` reveals a probe."""
        from engine.cases.grade import CaseAnswerError, grade_chain

        posed = self.answer_probes()
        if posed is None:
            raise RuntimeError("no open answer with follow-up probes to grade")
        try:
            return grade_chain(posed, list(answers)[:len(posed.steps)])
        except CaseAnswerError as error:
            return Retry(_probe_message(str(error)), error.band)

    def submit_probes(self, answers: Sequence[str | None]) -> Feedback | Retry:
        """Grade and record the follow-up probes of the open answer just recorded.

        ``answers[i]`` is what was typed at probe ``i`` (``None``/``?``: revealed). They are
        graded like a case's steps (``engine.cases.grade_chain``: a later probe is checked
        against the player's own earlier number too), stored one ``graded_steps`` row per
        probe (kind ``"probe"``) under the open answer's review (``Store.add_graded_steps``,
        one transaction), and the answer's rating is re-derived from the written score (the
        self-checked one once given, else the automatic) and the probes:
        ``engine.cases.probes.probed_score`` — half the probes' chain score, half the
        written score, mapped as an open answer's (≥ 0.95 Easy, ≥ 0.8 Good, ≥ 0.5 Hard,
        else Again). Not calling this (the player skipped the probes) leaves the written
        answer's rating as it was. An undo takes the probes' rows with the review.

        A ``Retry`` (nothing recorded) when an answer cannot be graded or not every probe
        is answered."""
        from engine.cases.probes import probe_records, probed_rating

        previous = self.feedback
        posed = self.answer_probes()
        if previous is None or posed is None:
            raise RuntimeError("no open answer with follow-up probes to record")
        typed = list(answers)
        if len(typed) != len(posed.steps):
            return Retry(f"{len(posed.steps)} follow-up questions, {len(typed)} answers "
                         f"(? reveals one).", "unparsed")
        chain = self.grade_probes(typed)
        if isinstance(chain, Retry):
            return chain
        stored = [row for row in self.store.graded_steps(review_id=previous.review_id)
                  if row["kind"] == "probe"]
        if not stored:  # a retry after the rating failed to save finds them stored
            self.store.add_graded_steps(previous.review_id, probe_records(posed, chain))
        assert previous.grade is not None and _is_rubric(previous.grade)
        written = previous.self_score if previous.self_score is not None else \
            previous.grade.auto_score  # type: ignore[union-attr]
        rating = probed_rating(written, chain)
        self._rerate(previous, rating, is_override=False)
        self.feedback = replace(previous, rating=rating, suggested_rating=rating,
                                overridden=False, probes=chain)
        return self._remember(self.feedback)

    def self_check(self, ticked: Sequence[bool]) -> Feedback:
        """The player ticks the key points they really covered; the rating follows the score.

        Both scores stay recorded (``auto_score`` and ``self_score``), so stats can show the
        gap between what the grader heard and what the player claims.
        """
        from grading.rubric import self_score

        previous = self.feedback
        if previous is None or not _is_rubric(previous.grade):
            raise RuntimeError("no open answer to self-check")
        assert previous.grade is not None
        weights = [point.weight for point in previous.grade.key_points]
        if len(ticked) != len(weights):
            raise ValueError(f"expected {len(weights)} ticks, got {len(ticked)}")
        score = self_score(ticked, weights, len(previous.grade.red_flags))
        rating = self_check_rating(previous.question.item_id, score)
        if previous.probes is not None:  # probes answered first: they keep their weight
            from engine.cases.probes import probed_rating

            rating = probed_rating(score, previous.probes)
        self._rerate(previous, rating, self_score=score, is_override=False)
        self.feedback = replace(previous, rating=rating, suggested_rating=rating,
                                self_score=score)
        return self._remember(self.feedback)

    def dont_know(self, *, cut_off: bool = False) -> Feedback:
        """Record "don't know": rated Again, the answer shown."""
        question = self._require_question()
        seconds = self._elapsed()
        return self._record(question, "?", None, suggest_rating(None), seconds,
                            cut_off=cut_off)

    def override(self, rating: int) -> Feedback:
        """Replace the suggested rating of the answer just given (1 Again … 4 Easy)."""
        if self.feedback is None:
            raise RuntimeError("no answer to re-rate")
        if not AGAIN <= rating <= EASY:
            raise ValueError(f"rating must be 1-4, not {rating}")
        previous = self.feedback
        if rating == previous.rating:
            return previous
        self._rerate(previous, rating)
        self.feedback = replace(previous, rating=rating,
                                overridden=rating != previous.suggested_rating)
        return self._remember(self.feedback)

    def undo(self) -> Undone:
        """Take back the last rated answer of this session (Anki's undo), in one transaction.

        The card gets back its schedule from before the answer, the review leaves the
        history and the running totals and is kept in ``undone_reviews`` (see
        ``Store.undo_review``), the typed text becomes the card's draft again, and the
        question is asked again (a question picked meanwhile goes back to its picker).
        Only the most recent answer can be taken back, once, and only while its card was
        not answered again since (in another window): otherwise ``UndoError`` says why. A
        loop is an interview and has no undo.
        """
        last = self._last_answer
        if self.mode == "loop":
            raise UndoError("a loop is an interview: an answer given cannot be taken back")
        if last is None:
            raise UndoError("nothing to undo: no answer given in this session since the "
                            "last undo")
        item_id = last.question.item_id
        row = self.store.undo_review(last.review_id, self.clock.now(),
                                     draft_key=self.draft_key(item_id))
        pending = self.question if self.feedback is None else None
        if pending is not None and pending.item_id != item_id:
            putback = getattr(self.picker, "putback", None)
            if putback is not None:
                putback(pending.item_id)
        self._last_answer = None
        self.answered = max(0, self.answered - 1)
        self.question, self.feedback = last.question, None
        self._asked_at = self.clock.monotonic()
        return Undone(last.question, str(row["answer_text"]), last.review_id,
                      int(row["rating"]))

    @property
    def can_undo(self) -> bool:
        """Whether ``undo()`` has an answer to take back (it may still find the card was
        answered in another window since)."""
        return self._last_answer is not None and self.mode != "loop"

    def summary(self) -> SessionSummary:
        """This session so far: answers by verdict, new cards, ratings, time, next due."""
        rows = self.store.reviews(self.session_id)
        bands = [row["band"] for row in rows]
        ratings = {rating: 0 for rating in range(AGAIN, EASY + 1)}
        for row in rows:
            ratings[int(row["rating"])] = ratings.get(int(row["rating"]), 0) + 1
        session = self.store.session(self.session_id)
        now = self.clock.now()
        started = from_iso(session["started_at"]) if session else now
        ended = from_iso(session["ended_at"]) if session and session["ended_at"] else now
        return SessionSummary(
            answers=len(rows),
            right=bands.count("exact"),
            close=bands.count("close"),
            off=bands.count("off") + bands.count("unreadable"),
            dont_know=bands.count("dont_know"),
            open_answers=bands.count("scored"),
            new_cards=sum(1 for row in rows if row["was_new"]),
            undone=self.store.undo_count(session_id=self.session_id),
            ratings=ratings,
            seconds_spent=max(0.0, (ended - started).total_seconds()),
            seconds_answering=sum((row["duration_ms"] or 0) for row in rows) / 1000.0,
            next_due=self.store.next_due(self.bank.items),
        )

    def _rerate(self, previous: Feedback, rating: int, self_score: float | None = None,
                is_override: bool | None = None) -> None:
        """Redo the card's scheduling from its state before the answer, with a new rating."""
        duration_ms = round(previous.duration_seconds * 1000)
        tz = self.clock.local_tz()

        long_form = previous.question.kind in LONG_FORM_KINDS

        def reschedule(card_before: CardRow, reviewed_at: datetime) -> CardRow:
            """Read inside the store's write transaction, like an answer (see ``_record``)."""
            return self.scheduler.review(card_before, rating, reviewed_at, duration_ms, tz=tz,
                                         long_form=long_form)

        self.store.override_rating(previous.review_id, rating, reschedule,
                                   self_score=self_score, is_override=is_override)

    def finish(self, status: str = "finished") -> None:
        """Close the session row (``finished``, or ``abandoned`` when quit mid-way)."""
        self.store.end_session(self.session_id, self.clock.now(), status)

    # -- internals ------------------------------------------------------------------------

    def _require_question(self) -> Question:
        if self.question is None:
            raise RuntimeError("no question is being asked")
        if self.feedback is not None:
            raise RuntimeError("this question was already answered")
        return self.question

    def _elapsed(self) -> float:
        return max(0.0, self.clock.monotonic() - self._asked_at)

    def _remember(self, feedback: Feedback) -> Feedback:
        """Keep ``feedback`` as the answer ``undo`` takes back."""
        self._last_answer = feedback
        return feedback

    def _record(self, question: Question, text: str,
                grade: Grade | TextGrade | RubricResult | CheckReport | CaseVerdict | None,
                rating: int,
                seconds: float, cut_off: bool = False, band: str = "dont_know",
                kata_attempt: KataAttemptRecord | None = None,
                graded_steps: Sequence[GradedStepRecord] = ()) -> Feedback:
        now = self.clock.now()
        duration_ms = round(seconds * 1000)
        tz = self.clock.local_tz()
        long_form = question.kind in LONG_FORM_KINDS

        def schedule(stored: CardRow | None) -> tuple[CardRow, CardRow]:
            """The card as stored right now (read inside the store's write transaction, so
            another instance's answer to it cannot be overwritten) and its new state."""
            card = stored or self.scheduler.new_card(
                question.item_id, self.store.next_fsrs_id(), now)
            return card, self.scheduler.review(card, rating, now, duration_ms, tz=tz,
                                               long_form=long_form)

        window = self.scheduler.window(now, tz)
        record = ReviewRecord(
            card_id=question.item_id, reviewed_at=now, study_day=window.day, rating=rating,
            mode=self.mode, kind=question.kind, topic=question.topic,
            session_id=self.session_id, answer_text=text,
            display_unit=question.display_unit, band=band,
            params=_jsonable(question.params), seed=question.seed, duration_ms=duration_ms,
            suggested_rating=rating, loop_round=self.loop_round, cut_off=cut_off,
        )
        from grading.numeric import Grade
        from grading.rubric import RubricResult
        from grading.text import TextGrade

        if isinstance(grade, Grade):
            record.band = grade.band
            record.parsed_value, record.reference_value = grade.value, grade.reference
            record.rel_error = finite_or_none(grade.rel_error)
            record.log10_error = finite_or_none(grade.log10_error)
            if grade.interval:
                record.interval_lo, record.interval_hi = grade.interval
            record.slip = grade.slip
        elif isinstance(grade, TextGrade):
            record.band = grade.band
        elif isinstance(grade, RubricResult):
            record.band = "scored"
            record.auto_score = grade.auto_score
        elif kata_attempt is not None and grade is not None:  # a kata's CheckReport
            record.band = grade.band
            record.seed = kata_attempt.seed
        elif grade is not None and hasattr(grade, "chain"):  # a case's CaseVerdict
            record.band = "scored"
            record.auto_score = grade.score
        # Fills card_before and was_new, and deletes the answer's draft in the same commit.
        review_id = self.store.record_review(record, schedule,
                                             draft_key=self.draft_key(question.item_id),
                                             kata_attempt=kata_attempt,
                                             graded_steps=graded_steps)
        self.answered += 1
        self.last_card_id = question.item_id
        self.feedback = Feedback(question, text, grade, rating, rating, review_id, seconds,
                                 cut_off=cut_off)
        return self._remember(self.feedback)



def _probe_message(message: str) -> str:
    """A probe's unreadable answer as the player reads it: "follow-up 2 (cost): …" rather
    than the case grader's "step 2 (cost): …"."""
    return "follow-up" + message[len("step"):] if message.startswith("step ") else message


def _is_rubric(grade: object) -> bool:
    """Whether ``grade`` is an open answer's rubric result (without importing the rubric
    grader before any answer has been given: a grade exists only once it is loaded)."""
    if grade is None:
        return False
    from grading.rubric import RubricResult

    return isinstance(grade, RubricResult)


def _jsonable(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, str | int | float | bool) else str(v))
            for k, v in params.items()}

