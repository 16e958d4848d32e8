"""Personal FSRS weights fitted to the player's own reviews with fsrs-rs-python.

FSRS's default weights are the average learner; fitted ones cut prediction error by about a
third in srs-benchmark (log loss 0.3393 -> 0.3214). The fit here follows Anki's rules and adds
an honest check:

* **Items.** Each card's reviews, in order, become ``FSRSReview(rating, days since the previous
  review)``, days counted between *study days* (times shifted back by the rollover hour before
  taking the date, as fsrs-rs's ``examples/train_csv.py`` does), so same-day reviews have delta 0.
  Every review on a later day than the previous one is one ``FSRSItem`` holding the history so
  far: the model predicts that review from everything before it.
* **Threshold: 80 items.** fsrs-rs returns the defaults below 8 items and fits only w0–w3 (the
  first-review stabilities) below 64; we hold out the newest 20 % to check the fit, so the
  training part reaches 64 at 80 items. Below that ``optimize`` declines and says how many more
  such reviews it needs. (fsrs-rs's outlier filter can still fall back to the defaults with a
  few dozen cards; then we say so and keep the current weights.)
* **Time-series check.** Items are ordered by the time of the review they predict; weights are
  fitted on the earlier 80 % and scored, with the weights in use now (saved ones, else the
  defaults), on the later 20 % (log loss and RMSE(bins), as srs-benchmark reports them). Only
  if the fit predicts the held-out reviews better is it refitted on everything, checked again
  on all items against the current weights, and saved to ``meta`` as ``fsrs_parameters``.
  Better saved weights are never overwritten by worse ones.

Weights are clipped into py-fsrs's parameter bounds before they are scored, so what is saved is
exactly what was measured and ``fsrs.Scheduler(parameters=...)`` always accepts it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from engine.store.db import Store, from_iso, iso
from engine.study.scheduler import SAVED_PARAMETERS_KEY, saved_parameters, study_day

if TYPE_CHECKING:
    import fsrs_rs_python

#: ``meta`` key holding the accepted weights (a JSON list of 21 floats); the scheduler reads
#: them back with ``saved_parameters`` (kept in engine.study.scheduler, so starting the app does not
#: import this module).
META_KEY = SAVED_PARAMETERS_KEY
#: ``meta`` key holding when and how well they were fitted (JSON object), for the stats screen.
META_FIT_KEY = "fsrs_parameters_fit"
#: Long-term reviews needed: 64 to train on (below that fsrs-rs fits only w0-w3) / (1 - 20 %).
MIN_ITEMS = 80
#: Share of the newest items held out to check the fit.
HOLDOUT_SHARE = 0.2
#: Epochs per fit, as Anki's "Optimize" uses.
EPOCHS = 8

Fitter = Callable[[Sequence[Any], Sequence[int]], Sequence[float]]


@dataclass(frozen=True, slots=True)
class Scores:
    """How well a set of weights predicts reviews: lower is better for both."""

    log_loss: float
    rmse_bins: float


@dataclass(frozen=True, slots=True)
class OptimizeReport:
    """What ``optimize`` found and did; ``message`` is for the player."""

    accepted: bool
    items: int
    reviews: int
    needed: int
    baseline: str
    before: Scores | None
    after: Scores | None
    defaults: Scores | None
    parameters: tuple[float, ...]
    message: str


@dataclass(frozen=True, slots=True)
class ItemSet:
    """FSRS items with the card index and the UTC time of the review each one predicts."""

    items: list[Any]
    card_ids: list[int]
    times: list[datetime]
    reviews: int


def default_parameters() -> tuple[float, ...]:
    """FSRS-6's default weights (py-fsrs's, the same 21 numbers fsrs-rs ships)."""
    import fsrs

    return tuple(fsrs.Scheduler().parameters)


def _bounds() -> tuple[Sequence[float], Sequence[float]]:
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS


def clip_parameters(parameters: Sequence[float]) -> tuple[float, ...]:
    """``parameters`` moved into py-fsrs's bounds, so its ``Scheduler`` accepts them."""
    lower, upper = _bounds()
    return tuple(min(hi, max(lo, float(w))) for w, lo, hi in zip(parameters, lower, upper,
                                                               strict=True))


def load_items(store: Store, rollover_hour: int = 4, tz: tzinfo = UTC) -> ItemSet:
    """Every review in the store as FSRS items (see the module docstring)."""
    rows = store.conn.execute(
        "SELECT card_id, reviewed_at, rating FROM reviews ORDER BY card_id, reviewed_at, id"
    ).fetchall()
    histories: dict[str, list[tuple[datetime, int]]] = {}
    for card_id, reviewed_at, rating in rows:
        histories.setdefault(card_id, []).append((from_iso(reviewed_at), int(rating)))
    return build_items(histories, rollover_hour, tz)


def build_items(histories: dict[str, list[tuple[datetime, int]]], rollover_hour: int = 4,
                tz: tzinfo = UTC) -> ItemSet:
    """FSRS items from ``{card: [(reviewed_at UTC, rating 1-4), ...]}`` in time order."""
    import fsrs_rs_python as fr

    items: list[Any] = []
    card_ids: list[int] = []
    times: list[datetime] = []
    reviews = 0
    for index, history in enumerate(histories.values()):
        so_far: list[Any] = []
        previous = None
        for moment, rating in history:
            day = study_day(moment, tz, rollover_hour)
            delta = (day - previous).days if previous is not None else 0
            so_far.append(fr.FSRSReview(rating, delta))
            reviews += 1
            if delta > 0:
                items.append(fr.FSRSItem(reviews=list(so_far)))
                card_ids.append(index)
                times.append(moment)
            previous = day
    return ItemSet(items, card_ids, times, reviews)


def score(parameters: Sequence[float], items: Sequence[Any]) -> Scores:
    """Log loss and RMSE(bins) of ``parameters`` predicting the last review of each item."""
    import fsrs_rs_python as fr

    evaluation = fr.FSRS(list(parameters)).evaluate(list(items))
    return Scores(float(evaluation.log_loss), float(evaluation.rmse_bins))


def fit(items: Sequence[Any], card_ids: Sequence[int]) -> list[float]:
    """fsrs-rs's fit (Anki's optimizer) from the default weights, ``EPOCHS`` epochs."""
    import fsrs_rs_python as fr

    model: fsrs_rs_python.FSRS = fr.FSRS(fr.DEFAULT_PARAMETERS)
    return list(model.compute_parameters(
        list(items), card_ids=list(card_ids),
        training_config=fr.TrainingConfig(num_epochs=EPOCHS)))


def optimize(store: Store, rollover_hour: int = 4, tz: tzinfo = UTC, *,
             fitter: Fitter | None = None, now: datetime | None = None) -> OptimizeReport:
    """Fit personal weights, keep them only if they predict the newest reviews better.

    ``fitter`` replaces ``fit`` (tests pass a bad one to check it is refused); ``now`` stamps
    the fit record. The only write is the accepted weights, in one transaction.
    """
    fitter = fitter or fit
    data = load_items(store, rollover_hour, tz)
    current = saved_parameters(store)
    baseline_name = "saved" if current is not None else "defaults"
    kept = "your saved weights" if current is not None else "the default weights"
    defaults = default_parameters()
    baseline = tuple(current) if current is not None else defaults
    count = len(data.items)
    if count < MIN_ITEMS:
        needed = MIN_ITEMS - count
        return OptimizeReport(
            accepted=False, items=count, reviews=data.reviews, needed=needed,
            baseline=baseline_name, before=None, after=None, defaults=None,
            parameters=baseline,
            message=(f"Personal weights need {MIN_ITEMS} reviews of cards on a later day than "
                     f"their previous review (64 to fit, plus 20 % held out to check the fit); "
                     f"you have {count}: {needed} more. Keeping {kept}."))

    order = sorted(range(count), key=lambda i: data.times[i])
    split = count - max(1, round(count * HOLDOUT_SHARE))
    train = [data.items[i] for i in order[:split]]
    train_ids = [data.card_ids[i] for i in order[:split]]
    test = [data.items[i] for i in order[split:]]
    trained = clip_parameters(fitter(train, train_ids))
    before, after = score(baseline, test), score(trained, test)
    default_scores = before if current is None else score(defaults, test)

    def report(accepted: bool, parameters: tuple[float, ...], message: str) -> OptimizeReport:
        return OptimizeReport(accepted, count, data.reviews, 0, baseline_name, before, after,
                              default_scores, parameters, message)

    figures = (f"held-out log loss {before.log_loss:.4f} -> {after.log_loss:.4f}, "
               f"RMSE(bins) {before.rmse_bins:.4f} -> {after.rmse_bins:.4f}")
    if max(abs(a - b) for a, b in zip(trained, defaults, strict=True)) < 1e-6:
        return report(False, baseline, "The fit fell back to the default weights (fsrs-rs "
                      "drops first reviews shared by fewer than 6 cards); keep reviewing. "
                      f"Keeping {kept}.")
    if not after.log_loss < before.log_loss:
        return report(False, baseline, f"Fitted weights predict your newest reviews no better "
                      f"than {kept} ({figures}); keeping {kept}.")
    everything = [data.items[i] for i in order]
    final = clip_parameters(fitter(everything, [data.card_ids[i] for i in order]))
    if not score(final, everything).log_loss < score(baseline, everything).log_loss:
        return report(False, baseline, f"Weights refitted on all reviews do not beat {kept}; "
                      f"keeping {kept} ({figures}).")
    stamp = iso(now or datetime.now(UTC))
    record = {"fitted_at": stamp, "items": count, "reviews": data.reviews,
              "baseline": baseline_name, "held_out_before": [before.log_loss, before.rmse_bins],
              "held_out_after": [after.log_loss, after.rmse_bins]}
    with store.transaction() as conn:
        for key, value in ((META_KEY, json.dumps(list(final))), (META_FIT_KEY, json.dumps(record))):
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
    return report(True, final, f"Personal weights saved: {figures} on your newest "
                  f"{count - split} reviews.")
