"""Replay a fiscal year of return-post collections: the fixed rota against the policy.

Daily inflows are drawn (seeded) so that each post's month total equals the report's:
each month's items are shared among its days by a multinomial draw whose weights are a
weekday profile and a boost on the days the libraries are closed (both assumptions,
`InflowAssumptions`); each day's items are split between the morning and the afternoon
(a binomial half), and the van passes at noon. An item that arrives at a uniform time in
a half-day and is taken at noon of day ``c`` waited ``c - d + 0.25`` days (morning of day
``d``) or ``c - d - 0.25`` (afternoon): a post emptied every day keeps items half a day.

Each day the rota (the report's counts, spread evenly: `drops.rota`) or the policy
(`drops.policy.decide`) names the posts to empty; ``route_day`` — the caller's routing
solve, so this module stays pure — says which were visited (the solver may skip an
optional one) and how far the vans drove. A box that holds more than its capacity at noon
or at the end of a day counts an overflow day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from drops.forecast import InflowModel
from drops.policy import PolicySettings, due_posts, fitted_intervals, next_carry
from drops.records import CollectionRecord, PostRules
from drops.rota import DuePost


@dataclass(frozen=True)
class InflowAssumptions:
    """How the drawn daily inflow varies within a month (assumptions, not in the seed):
    weekend returns are higher, and on days the libraries are shut their returns go to
    the posts."""

    weekday_weights: tuple[float, ...] = (1.0, 0.9, 0.9, 0.9, 0.95, 1.2, 1.15)
    closed_boost: float = 1.5


@dataclass(frozen=True)
class ReplayPost:
    post_id: str
    name_ja: str
    rules: PostRules
    month_items: Mapping[tuple[int, int], int]
    rota_days: frozenset[dt.date]


@dataclass(frozen=True)
class DayOutcome:
    """What the routing solve made of the day's due posts."""

    visited: frozenset[str]
    distance_m: int = 0


RouteDay = Callable[[dt.date, Sequence[DuePost]], DayOutcome]


def draw_inflows(posts: Sequence[ReplayPost], first: dt.date, last: dt.date, *, seed: int,
                 closed_days: frozenset[dt.date] = frozenset(),
                 assumptions: InflowAssumptions = InflowAssumptions()
                 ) -> dict[str, dict[dt.date, tuple[int, int]]]:
    """Per post and day, (morning items, afternoon items); month totals equal
    ``month_items`` for every month wholly inside ``first``..``last``."""
    rng = np.random.default_rng(seed)
    days_by_month: dict[tuple[int, int], list[dt.date]] = {}
    day = first
    while day <= last:
        days_by_month.setdefault((day.year, day.month), []).append(day)
        day += dt.timedelta(days=1)
    inflows: dict[str, dict[dt.date, tuple[int, int]]] = {}
    for post in posts:
        per_day: dict[dt.date, tuple[int, int]] = {}
        for month, days in days_by_month.items():
            weights = np.array([assumptions.weekday_weights[d.weekday()]
                                * (assumptions.closed_boost if d in closed_days else 1.0)
                                for d in days])
            total = int(post.month_items.get(month, 0))
            counts = rng.multinomial(total, weights / weights.sum())
            mornings = rng.binomial(counts, 0.5)
            for d, count, morning in zip(days, counts, mornings, strict=True):
                per_day[d] = (int(morning), int(count - morning))
        inflows[post.post_id] = per_day
    return inflows


@dataclass
class _Box:
    """What is in a post's box, by arrival cohort: (day, half) -> items (half 0 morning)."""

    cohorts: dict[tuple[dt.date, int], int] = field(default_factory=dict)

    def add(self, day: dt.date, half: int, items: int) -> None:
        if items:
            self.cohorts[(day, half)] = self.cohorts.get((day, half), 0) + items

    @property
    def items(self) -> int:
        return sum(self.cohorts.values())

    def empty_at_noon(self, day: dt.date) -> tuple[int, float, float]:
        """Take everything at noon of ``day``: (items, item-days waited, longest wait)."""
        items = waited = longest = 0.0
        for (arrived, half), count in self.cohorts.items():
            mean_wait = (day - arrived).days + (0.25 if half == 0 else -0.25)
            waited += count * mean_wait
            longest = max(longest, mean_wait + 0.25)
            items += count
        self.cohorts.clear()
        return int(items), waited, longest


@dataclass(frozen=True)
class PostResult:
    post_id: str
    name_ja: str
    visits: int
    items: int
    overflow_days: int
    mean_wait_days: float
    max_wait_days: float


@dataclass(frozen=True)
class ReplayResult:
    policy: str
    first: dt.date
    last: dt.date
    posts: tuple[PostResult, ...]
    distance_m: int
    target_intervals: Mapping[str, float] = field(default_factory=dict)
    collections: tuple[CollectionRecord, ...] = ()

    @property
    def visits(self) -> int:
        return sum(p.visits for p in self.posts)

    @property
    def overflow_days(self) -> int:
        return sum(p.overflow_days for p in self.posts)

    @property
    def mean_wait_days(self) -> float:
        items = sum(p.items for p in self.posts)
        return sum(p.mean_wait_days * p.items for p in self.posts) / items if items else 0.0

    @property
    def max_wait_days(self) -> float:
        return max((p.max_wait_days for p in self.posts), default=0.0)


def replay(posts: Sequence[ReplayPost], inflows: Mapping[str, Mapping[dt.date, tuple[int, int]]],
           first: dt.date, last: dt.date, *, policy: str,
           models: Mapping[str, InflowModel] | None = None,
           settings: PolicySettings | None = None,
           route_day: RouteDay | None = None,
           noon: dt.time | None = None) -> ReplayResult:
    """Simulate ``first``..``last`` under ``policy`` (``"rota"`` or ``"forecast"``).

    ``models`` (forecast policy) are the inflow forecasts the policy plans with; the truth
    it meets is ``inflows``. ``route_day`` solves each day (default: every due post is
    visited and nothing is driven). With ``noon`` (an aware time), every emptying is also
    returned as a `CollectionRecord` at that time (a history to fit forecasts on).
    """
    settings = settings or PolicySettings()
    if policy not in ("rota", "forecast"):
        raise ValueError(f"replay field 'policy': must be rota or forecast, got {policy!r}")
    if policy == "forecast" and models is None:
        raise ValueError("replay field 'models': the forecast policy needs inflow models")
    rules = {p.post_id: p.rules for p in posts}
    boxes = {p.post_id: _Box() for p in posts}
    last_visit = {p.post_id: first - dt.timedelta(days=1) for p in posts}
    carry = dict.fromkeys(rules, 0.0)
    intervals: dict[str, float] = {}
    if models is not None:
        intervals = fitted_intervals(models, rules, first, last, settings.target_wait_days)
    visits = dict.fromkeys(rules, 0)
    items = dict.fromkeys(rules, 0)
    waited = dict.fromkeys(rules, 0.0)
    longest = dict.fromkeys(rules, 0.0)
    overflow = {p: set() for p in rules}  # type: dict[str, set[dt.date]]
    distance_m = 0
    records: list[CollectionRecord] = []
    day = first
    while day <= last:
        for post in posts:
            boxes[post.post_id].add(day, 0, inflows[post.post_id].get(day, (0, 0))[0])
        due = _due(day, posts, boxes, last_visit, carry, intervals, models, settings, policy)
        outcome = route_day(day, due) if route_day is not None else DayOutcome(
            frozenset(d.post_id for d in due))
        distance_m += outcome.distance_m
        for post in posts:
            post_id = post.post_id
            box = boxes[post_id]
            if box.items > rules[post_id].capacity_items:
                overflow[post_id].add(day)
            if post_id in outcome.visited:
                taken, item_days, wait = box.empty_at_noon(day)
                if noon is not None:
                    records.append(CollectionRecord(post_id, dt.datetime.combine(day, noon),
                                                    taken, source=f"replay-{policy}"))
                visits[post_id] += 1
                items[post_id] += taken
                waited[post_id] += item_days
                longest[post_id] = max(longest[post_id], wait)
                if post_id in intervals:
                    carry[post_id] = next_carry(intervals[post_id], carry[post_id],
                                                (day - last_visit[post_id]).days)
                last_visit[post_id] = day
            box.add(day, 1, inflows[post_id].get(day, (0, 0))[1])
            if box.items > rules[post_id].capacity_items:
                overflow[post_id].add(day)
        day += dt.timedelta(days=1)
    for post in posts:  # what is still in a box waits until noon after the last day
        taken, item_days, wait = boxes[post.post_id].empty_at_noon(last + dt.timedelta(days=1))
        items[post.post_id] += taken
        waited[post.post_id] += item_days
        longest[post.post_id] = max(longest[post.post_id], wait)
    results = tuple(PostResult(
        p.post_id, p.name_ja, visits[p.post_id], items[p.post_id], len(overflow[p.post_id]),
        waited[p.post_id] / items[p.post_id] if items[p.post_id] else 0.0, longest[p.post_id])
        for p in posts)
    return ReplayResult(policy, first, last, results, distance_m, intervals, tuple(records))


def _due(day: dt.date, posts: Sequence[ReplayPost], boxes: Mapping[str, _Box],
         last_visit: Mapping[str, dt.date], carry: Mapping[str, float],
         intervals: Mapping[str, float], models: Mapping[str, InflowModel] | None,
         settings: PolicySettings, policy: str) -> list[DuePost]:
    if policy == "rota":
        return [DuePost(p.post_id, boxes[p.post_id].items, reason="rota")
                for p in posts if day in p.rota_days]
    assert models is not None
    return due_posts(day, {p.post_id: last_visit[p.post_id] for p in posts}, models,
                     {p.post_id: p.rules for p in posts}, intervals, settings, carry)


def summary_lines(rota: ReplayResult, policy: ReplayResult) -> list[str]:
    """The table: one line per post (rota vs policy), then the one-line total."""
    lines = [f"{'post':<26}{'visits':>8}{'':>2}{'overflow d':>12}{'mean wait d':>13}"
             f"{'max wait d':>12}",
             f"{'':<26}{'rota/policy':>13}{'rota/policy':>13}{'rota/policy':>13}"
             f"{'rota/policy':>13}"]
    by_id = {p.post_id: p for p in policy.posts}
    for r in rota.posts:
        p = by_id[r.post_id]
        lines.append(f"{r.post_id:<26}{r.visits:>6}/{p.visits:<5}{r.overflow_days:>7}/"
                     f"{p.overflow_days:<5}{r.mean_wait_days:>7.2f}/{p.mean_wait_days:<5.2f}"
                     f"{r.max_wait_days:>7.1f}/{p.max_wait_days:<5.1f}")
    fewer = 1 - policy.visits / rota.visits if rota.visits else 0.0
    lines.append(
        f"total {rota.first.isoformat()}..{rota.last.isoformat()}: visits rota {rota.visits} "
        f"vs policy {policy.visits} ({fewer:.0%} fewer); overflow days {rota.overflow_days} "
        f"vs {policy.overflow_days}; mean wait {rota.mean_wait_days:.2f} vs "
        f"{policy.mean_wait_days:.2f} d; km {rota.distance_m / 1000:.1f} vs "
        f"{policy.distance_m / 1000:.1f}")
    return lines
