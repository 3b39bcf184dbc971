"""How many items flow into a return post each day: an explainable multiplicative model.

    rate(day) = level[month] x weekday[weekday] x (closed if the libraries are shut else 1)

``level`` is the month's items per day, ``weekday`` seven factors averaging 1, ``closed``
the extra share of returns that goes to the posts when the libraries nearby are closed.
It is fitted on collections: a collection's items are the inflow of the days since the
previous one (the day of the previous collection included, its own day excluded), so
each collection is one equation; the fit alternates between the levels (a ratio per
month) and the factors (least squares, numpy), a few rounds.

Months with no data take the mean level of the last three fitted months (a plain
carry-forward, said in `InflowModel.level_source`): `backtest` reports the error that
costs on held-back months.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from drops.records import CollectionRecord

#: Rounds of the alternating fit.
FIT_ROUNDS = 6
#: Bounds of a fitted factor (a weekday or the closed-day factor).
FACTOR_RANGE = (0.2, 5.0)


def _month(day: dt.date) -> tuple[int, int]:
    return (day.year, day.month)


@dataclass(frozen=True)
class InflowModel:
    """A post's expected items per day (see the module doc)."""

    post_id: str
    level_by_month: Mapping[tuple[int, int], float]
    weekday_factors: tuple[float, ...] = (1.0,) * 7
    closed_factor: float = 1.0
    closed_days: frozenset[dt.date] = field(default_factory=frozenset)
    level_source: str = "fitted"

    def level(self, day: dt.date) -> float:
        key = _month(day)
        if key in self.level_by_month:
            return self.level_by_month[key]
        same_month = [v for (_, m), v in self.level_by_month.items() if m == day.month]
        if same_month:
            return float(statistics.fmean(same_month))
        recent = [v for k, v in sorted(self.level_by_month.items()) if k < key][-3:]
        if recent:
            return float(statistics.fmean(recent))
        return float(statistics.fmean(self.level_by_month.values())) \
            if self.level_by_month else 0.0

    def rate(self, day: dt.date) -> float:
        """Expected items flowing in on ``day``."""
        factor = self.weekday_factors[day.weekday()]
        if day in self.closed_days:
            factor *= self.closed_factor
        return self.level(day) * factor

    def expected(self, first: dt.date, last: dt.date) -> float:
        """Expected items from ``first`` to ``last`` inclusive (0 when last < first)."""
        total = 0.0
        day = first
        while day <= last:
            total += self.rate(day)
            day += dt.timedelta(days=1)
        return total


def _intervals(records: Sequence[CollectionRecord], tz: dt.tzinfo
               ) -> list[tuple[list[dt.date], int, dt.date]]:
    """(days covered, items, collection day) per collection after the first."""
    ordered = sorted(records, key=lambda r: r.collected_at)
    result = []
    for previous, current in itertools.pairwise(ordered):
        start = previous.collected_at.astimezone(tz).date()
        end = current.collected_at.astimezone(tz).date()
        days = [start + dt.timedelta(days=k) for k in range((end - start).days)]
        if days:
            result.append((days, current.items, end))
    return result


def fit_inflow(records: Sequence[CollectionRecord], post_id: str, *, tz: dt.tzinfo,
               closed_days: Collection[dt.date] = (), weekdays: bool = True) -> InflowModel:
    """Fit a post's inflow model on its collections (other posts' records are ignored).

    Parameters
    ----------
    records
        Collections, any posts, any order.
    post_id
        The post to fit.
    tz
        The local zone: a collection belongs to its local day.
    closed_days
        Days the libraries nearby were closed (their returns go to the posts).
    weekdays
        Fit the weekday and closed-day factors (else they stay 1).
    """
    closed = frozenset(closed_days)
    intervals = _intervals([r for r in records if r.post_id == post_id], tz)
    if not intervals:
        return InflowModel(post_id, {}, closed_days=closed, level_source="no data")
    weekday = np.ones(7)
    closed_factor = 1.0
    levels: dict[tuple[int, int], float] = {}
    for _ in range(FIT_ROUNDS):
        # Levels: the month's items over the month's covered, factor-weighted days.
        items_by_month: dict[tuple[int, int], float] = defaultdict(float)
        weight_by_month: dict[tuple[int, int], float] = defaultdict(float)
        for days, items, _end in intervals:
            weight_total = sum(weekday[d.weekday()] * (closed_factor if d in closed else 1.0)
                               for d in days)
            for d in days:
                share = weekday[d.weekday()] * (closed_factor if d in closed else 1.0)
                items_by_month[_month(d)] += items * share / weight_total
                weight_by_month[_month(d)] += share
        levels = {k: items_by_month[k] / weight_by_month[k]
                  for k in items_by_month if weight_by_month[k] > 0}
        if not weekdays:
            break
        # Factors: least squares on sum_d level x weekday[d] x closed^[d] = items.
        rows = np.zeros((len(intervals), 8))
        targets = np.zeros(len(intervals))
        for k, (days, items, _end) in enumerate(intervals):
            for d in days:
                column = 7 if d in closed else d.weekday()
                rows[k, column] += levels[_month(d)] * (1.0 if d not in closed
                                                        else weekday[d.weekday()])
            targets[k] = items
        solution, *_ = np.linalg.lstsq(rows, targets, rcond=None)
        seen = rows[:, :7].sum(axis=0) > 0
        fitted = np.where(seen, np.clip(solution[:7], *FACTOR_RANGE), 1.0)
        weekday = fitted / fitted[seen].mean() if seen.any() else fitted
        if rows[:, 7].sum() > 0:
            closed_factor = float(np.clip(solution[7], *FACTOR_RANGE))
    return InflowModel(post_id, levels, tuple(float(w) for w in weekday), closed_factor,
                       closed)


@dataclass(frozen=True)
class Backtest:
    """Held-back error of a post's model: mean absolute error per collection (items) and
    per day (items/day, the collection's error over the days it covers)."""

    post_id: str
    collections: int
    mae_items: float
    mae_items_per_day: float
    mean_items: float


def backtest(records: Sequence[CollectionRecord], post_id: str, *, fit_before: dt.date,
             tz: dt.tzinfo, closed_days: Collection[dt.date] = ()) -> Backtest:
    """Fit on the collections before ``fit_before``, predict those after, report the MAE."""
    own = [r for r in records if r.post_id == post_id]
    train = [r for r in own if r.collected_at.astimezone(tz).date() < fit_before]
    model = fit_inflow(train, post_id, tz=tz, closed_days=closed_days)
    held = _intervals([r for r in own if r.collected_at.astimezone(tz).date() >= fit_before
                       or r is (train[-1] if train else None)], tz)
    errors = []
    per_day = []
    actual = []
    for days, items, _end in held:
        predicted = sum(model.rate(d) for d in days)
        errors.append(abs(predicted - items))
        per_day.append(abs(predicted - items) / len(days))
        actual.append(items)
    if not errors:
        return Backtest(post_id, 0, 0.0, 0.0, 0.0)
    return Backtest(post_id, len(errors), float(statistics.fmean(errors)),
                    float(statistics.fmean(per_day)), float(statistics.fmean(actual)))
