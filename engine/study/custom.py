"""Custom study: drill a topic, a level, a deck or an interview round on demand, or study
ahead when nothing is due (Anki's custom study and filtered decks).

A ``CustomPicker`` drives a ``StudySession`` in mode ``custom`` (``custom_session``); the
filter goes into the session's config, so stats and export can tell what was drilled. Within
the filter it serves, like the daily drill, learning cards due now first, then reviews due
today (earliest first), then new items in the order the drill introduces them; with
``ahead``, then the cards not yet due, soonest first, whatever the day. Siblings are not
buried here: drilling ``hardware.memory`` means asking related cards together.

New cards met here do not spend the daily drill's new-card limit unless asked
(``spend_new``): then the picker stops introducing them once the day's limit is used, and
they count toward it (``Store.new_cards_since`` reads ``spend_new`` from the session's
config). Reviews here never count toward the daily review limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from content.loader import LEVELS, ROUNDS, Item, OpenQuestion
from engine import counted
from engine.bank import ContentBank
from engine.clock import Clock
from engine.store.db import CardRow, Store
from engine.study.scheduler import LEARNING, RELEARNING, Scheduler

if TYPE_CHECKING:
    from engine.study.session import StudySession

#: The session mode custom study is recorded under.
CUSTOM_MODE = "custom"
#: Cards one custom session serves by default (learning cards coming back do not count).
DEFAULT_LIMIT = 20


class CustomStudyError(ValueError):
    """A filter that cannot match anything as written (an unknown level or round)."""


@dataclass(frozen=True, slots=True)
class CustomFilter:
    """Which items a custom session draws on; ``None`` fields do not filter.

    ``topic`` matches the topic and everything under it (``hardware.memory`` matches
    ``hardware.memory`` and ``hardware.memory.hbm``, not ``hardware.memoryless``); ``level``
    is one level exactly; ``deck`` a deck id (``[deck] id``); ``round`` an interview round,
    which open questions and cases name (``rounds = [...]``).
    """

    topic: str | None = None
    level: str | None = None
    deck: str | None = None
    round: str | None = None

    def __post_init__(self) -> None:
        if self.level is not None and self.level not in LEVELS:
            raise CustomStudyError(f"level {self.level!r}: choose one of {', '.join(LEVELS)}")
        if self.round is not None and self.round not in ROUNDS:
            raise CustomStudyError(f"round {self.round!r}: choose one of {', '.join(ROUNDS)}")

    def matches(self, item: Item) -> bool:
        if self.topic is not None and not (item.topic == self.topic
                                           or item.topic.startswith(self.topic + ".")):
            return False
        if self.level is not None and item.level != self.level:
            return False
        if self.deck is not None and item.deck != self.deck:
            return False
        return self.round is None or self.round in _rounds(item)

    def to_dict(self) -> dict[str, str]:
        return {name: value for name, value in (("topic", self.topic), ("level", self.level),
                                                ("deck", self.deck), ("round", self.round))
                if value is not None}


@dataclass(frozen=True, slots=True)
class CustomCount:
    """How many cards a custom session would find, for the screen to show before starting.

    ``items`` match the filter; of them ``due`` are learning cards due now and reviews due
    today, ``new`` have never been met (``new_allowed`` of those may be introduced: all of
    them, or what is left of today's limit with ``spend_new``), ``later`` are met cards not
    yet due today. ``available`` is what the session can serve (``due + new_allowed``, plus
    ``later`` when studying ahead) and ``session`` that capped by the session's limit:
    "12 cards match".
    """

    items: int
    due: int
    new: int
    new_allowed: int
    later: int
    available: int
    session: int


@dataclass(frozen=True, slots=True)
class CustomChoices:
    """What the pickers offer: topics (with every parent prefix), levels, decks, rounds."""

    topics: tuple[str, ...]
    levels: tuple[str, ...]
    decks: tuple[str, ...]
    rounds: tuple[str, ...]


def _rounds(item: Item) -> tuple[str, ...]:
    """The interview rounds an item is asked in: an open question's or a case's
    ``rounds`` (other items name none)."""
    if isinstance(item, OpenQuestion) or item.kind == "case":
        return tuple(getattr(item, "rounds", ()))
    return ()


def custom_choices(bank: ContentBank) -> CustomChoices:
    """The topics (``hardware`` and ``hardware.memory`` both), levels, decks and rounds that
    at least one item in the bank has."""
    topics: set[str] = set()
    for item in bank.items.values():
        parts = item.topic.split(".")
        topics.update(".".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    levels = {item.level for item in bank.items.values()}
    rounds = {name for item in bank.items.values() for name in _rounds(item)}
    return CustomChoices(
        topics=tuple(sorted(topics)),
        levels=tuple(level for level in LEVELS if level in levels),
        decks=tuple(sorted({item.deck for item in bank.items.values()})),
        rounds=tuple(name for name in ROUNDS if name in rounds),
    )


class CustomPicker:
    """Serves the cards of a custom session (see the module doc for the order).

    Each card is served once per session, except learning cards coming back within it (an
    Again is asked again after its step, as in the drill). The session ends after ``limit``
    cards, or when nothing in the filter is left to serve.
    """

    def __init__(self, topic: str | None = None, level: str | None = None,
                 deck: str | None = None, round: str | None = None, ahead: bool = False,
                 limit: int = DEFAULT_LIMIT, spend_new: bool = False) -> None:
        if limit < 1:
            raise CustomStudyError(f"limit must be at least 1, not {limit}")
        self.filter = CustomFilter(topic, level, deck, round)
        self.ahead = ahead
        self.limit = limit
        self.spend_new = spend_new
        self.served: list[str] = []

    @property
    def session_config(self) -> dict[str, Any]:
        """What goes into the session's config: the filter, ``ahead``, the limit, and
        ``spend_new`` (read by ``Store.new_cards_since``)."""
        return {"custom": {**self.filter.to_dict(), "ahead": self.ahead, "limit": self.limit},
                "spend_new": self.spend_new}

    def putback(self, item_id: str) -> None:
        """A card picked but not answered (an undo brought back the previous one): it may be
        served again."""
        if item_id in self.served:
            self.served.remove(item_id)

    def pick(self, session: StudySession) -> str | None:
        with session.store.snapshot():
            return self._pick(session)

    def _pick(self, session: StudySession) -> str | None:
        from engine.study.session import LEARN_AHEAD

        store, bank = session.store, session.bank
        now = session.clock.now()
        window = session.scheduler.window(now, session.clock.local_tz())
        matching = matching_ids(bank, self.filter)
        cards = {cid: card for cid, card in store.cards().items() if cid in matching
                 and cid not in session.unservable}
        served = set(self.served)
        last = session.last_card_id

        def first(candidates: list[CardRow]) -> str | None:
            ordered = sorted(candidates, key=lambda card: (card.due, card.id))
            others = [card for card in ordered if card.id != last]
            chosen = others or ordered
            return chosen[0].id if chosen else None

        def serve(item_id: str | None) -> str | None:
            if item_id is not None and item_id not in served:
                self.served.append(item_id)
            return item_id

        learning = [c for c in cards.values() if c.state in (LEARNING, RELEARNING)]
        # Cards already served come back while learning, even once the limit is reached.
        room = len([i for i in self.served if i not in session.unservable]) < self.limit
        coming_back = [c for c in learning if c.due <= now and (c.id in served or room)]
        if coming_back:
            return serve(first(coming_back))
        if room:
            due_today = [c for c in cards.values() if c.id not in served and c.due < window.end
                         and c.state not in (LEARNING, RELEARNING)]
            if due_today:
                return serve(first(due_today))
            if not self.spend_new or store.new_cards_since(window.start) < \
                    session.scheduler.config.new_per_day:
                for item_id in bank.new_order():
                    if item_id in matching and item_id not in cards and item_id not in served \
                            and item_id not in session.unservable \
                            and store.card(item_id) is None:
                        return serve(item_id)
            if self.ahead:
                later = [c for c in cards.values() if c.id not in served
                         and c.state not in (LEARNING, RELEARNING)]
                if later:
                    return serve(first(later))
        soon = [c for c in learning if c.due <= now + LEARN_AHEAD
                and (c.id in served or room)]
        return serve(first(soon))


def matching_ids(bank: ContentBank, custom: CustomFilter) -> frozenset[str]:
    """Ids of the bank's items that ``custom`` matches."""
    return frozenset(item_id for item_id, item in bank.items.items() if custom.matches(item))


def custom_count(store: Store, bank: ContentBank, scheduler: Scheduler, clock: Clock,
                 picker: CustomPicker) -> CustomCount:
    """How many cards ``picker`` would find now (see ``CustomCount``)."""
    return custom_counts(store, bank, scheduler, clock, [picker])[0]


def custom_counts(store: Store, bank: ContentBank, scheduler: Scheduler, clock: Clock,
                  pickers: Sequence[CustomPicker]) -> list[CustomCount]:
    """``custom_count`` of each picker, in order, from one read of the cards: the
    custom-study screen shows counts beside each of its 113 choices (every topic, level,
    deck and round of the built-in bank). With all 396 built-in cards met: 12 ms for the 113,
    against 310 ms one ``custom_count`` at a time."""
    with store.snapshot():
        now = clock.now()
        window = scheduler.window(now, clock.local_tz())
        stored = store.cards()
        new_left: int | None = None
        if any(picker.spend_new for picker in pickers):
            new_left = scheduler.config.new_per_day - store.new_cards_since(window.start)
    due_ids = {cid for cid, card in stored.items() if _due(card, now, window.end)}
    later_ids = {cid for cid, card in stored.items() if cid not in due_ids
                 and card.state not in (LEARNING, RELEARNING)}
    counts = []
    matches: dict[CustomFilter, frozenset[str]] = {}  # a filter asked with and without ahead
    for picker in pickers:
        matching = matches.get(picker.filter)
        if matching is None:
            matching = matches[picker.filter] = matching_ids(bank, picker.filter)
        met = sum(1 for cid in matching if cid in stored)
        due = sum(1 for cid in matching if cid in due_ids)
        later = sum(1 for cid in matching if cid in later_ids)
        new = len(matching) - met
        new_allowed = new
        if picker.spend_new and new_left is not None:
            new_allowed = max(0, min(new, new_left))
        available = due + new_allowed + (later if picker.ahead else 0)
        counts.append(CustomCount(items=len(matching), due=due, new=new,
                                  new_allowed=new_allowed, later=later, available=available,
                                  session=min(available, picker.limit)))
    return counts


def check_choices(bank: ContentBank, custom: CustomFilter) -> None:
    """Refuse a filter that names a topic, level, deck or round no item in ``bank`` has,
    with a ``CustomStudyError`` that lists what there is (for ``tpm-drill drill --topic``
    and friends, which exit 2 with it).

    Topics are many (83 in the built-in bank), so an unknown one lists the topics under its
    longest known prefix ("hardware.mem": those under ``hardware``), or the top-level ones.
    Filters that are each known but match nothing together (a topic with no L8 card) pass:
    ``nothing_to_drill`` says so.
    """
    choices = custom_choices(bank)
    if custom.topic is not None and custom.topic not in choices.topics:
        parts = custom.topic.split(".")
        parent = next((".".join(parts[:depth]) for depth in range(len(parts) - 1, 0, -1)
                       if ".".join(parts[:depth]) in choices.topics), None)
        if parent is None:
            shown = [topic for topic in choices.topics if "." not in topic]
            where = "topics"
        else:
            shown = [topic for topic in choices.topics if topic.startswith(parent + ".")
                     and "." not in topic[len(parent) + 1:]]
            where = f"topics under {parent}"
        raise CustomStudyError(
            f"no card has topic {custom.topic!r}; {where}: {', '.join(shown)} "
            "(a topic also matches the topics under it)")
    for name, value, known in (("level", custom.level, choices.levels),
                               ("deck", custom.deck, choices.decks),
                               ("round", custom.round, choices.rounds)):
        if value is not None and value not in known:
            raise CustomStudyError(f"no card has {name} {value!r}; {name}s with cards: "
                                   f"{', '.join(known) or 'none'}")


def nothing_to_drill(picker: CustomPicker, count: CustomCount) -> str | None:
    """Why a custom session over ``picker`` would ask nothing now, or ``None`` when it would
    ask something: "hardware.memory · L8: no card matches", or "hardware.memory: 14 cards
    match, but none is due and none is new". ``count.later`` (met cards not due today)
    tells the caller whether studying ahead would find some."""
    if count.session > 0:
        return None
    what = describe(picker)
    if count.items == 0:
        return f"{what}: no card matches"
    if count.new and not count.new_allowed:
        reason = "none is due and today's new cards are used up"
    else:
        reason = "none is due and none is new"
    verb = "matches" if count.items == 1 else "match"
    return f"{what}: {counted(count.items, 'card')} {verb}, but {reason}"


def _due(card: CardRow, now: datetime, day_end: datetime) -> bool:
    """Due in this session's sense: a learning card due now, another card due today."""
    if card.state in (LEARNING, RELEARNING):
        return card.due <= now
    return card.due < day_end


def custom_session(store: Store, bank: ContentBank, scheduler: Scheduler, clock: Clock,
                   picker: CustomPicker, seed: int | None = None) -> StudySession:
    """A study session in mode ``custom`` driven by ``picker``, its filter in the config."""
    from engine.study.session import StudySession

    return StudySession(store, bank, scheduler, clock, mode=CUSTOM_MODE, picker=picker,
                        seed=seed)


def describe(picker: CustomPicker) -> str:
    """The filter in words, for a title: "hardware.memory · L6 · study ahead"."""
    parts: Iterable[str] = (*picker.filter.to_dict().values(),
                            *(["study ahead"] if picker.ahead else []))
    return " · ".join(parts) or "all cards"
