"""Which return posts to empty today: must, may (if the van passes nearby), or wait.

For each post the policy knows when it was last emptied and its inflow forecast
(`drops.forecast.InflowModel`), so it knows the expected fill at any time. It decides:

- **must** (a required stop) when waiting one more day would take the expected fill past
  ``safe_fill`` of the box's capacity, or past the post's *target interval* — the longest
  gap that keeps items from waiting too long (below);
- **may** (an optional stop with a penalty, so the routing solver takes it only when the
  detour is cheap) when the box is expected to be at least ``optional_fill`` full;
- **wait** otherwise.

Target intervals: an item that arrives at a uniform random time waits on average half
the gap between two visits, so a post emptied every ``L`` days keeps its items ``L / 2``
days. Among the intervals whose item-weighted mean wait is ``target_wait_days``, the one
with the fewest visits gives each post ``L = c / sqrt(rate)`` (busy posts more often,
quiet posts less, capped by ``max_interval_days``); `target_intervals` solves for ``c``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from drops.forecast import InflowModel
from drops.records import PostRules
from drops.rota import DuePost


@dataclass(frozen=True)
class PolicySettings:
    """Knobs of the policy (defaults used by the replay and the daily plan)."""

    target_wait_days: float = 0.9
    optional_fill: float = 0.4
    optional_penalty_per_item: float = 0.05  # cost units (≈ km) per item left in the box

    def __post_init__(self) -> None:
        if not 0.1 <= self.target_wait_days <= 30:
            raise ValueError(f"policy field 'target_wait_days': must be within [0.1, 30], "
                             f"got {self.target_wait_days}")
        if not 0.0 <= self.optional_fill <= 1.0:
            raise ValueError(f"policy field 'optional_fill': must be within [0, 1], "
                             f"got {self.optional_fill}")


def target_intervals(rates: Mapping[str, float], rules: Mapping[str, PostRules],
                     target_wait_days: float) -> dict[str, float]:
    """Days between visits per post: item-weighted mean wait ``target_wait_days`` with
    the fewest visits (``L = c / sqrt(rate)``), each capped by its ``max_interval_days``
    and at least one day."""
    busy = {p: r for p, r in rates.items() if r > 0}
    if not busy:
        return {p: float(rules[p].max_interval_days) for p in rates}
    total = sum(busy.values())

    def mean_wait(c: float) -> float:
        return sum(r * _clamp(c / math.sqrt(r), rules[p]) / 2 for p, r in busy.items()) / total

    low, high = 0.0, 1e4
    for _ in range(100):  # mean_wait grows with c: bisect
        middle = (low + high) / 2
        if mean_wait(middle) > target_wait_days:
            high = middle
        else:
            low = middle
    intervals = {p: _clamp(low / math.sqrt(r), rules[p]) for p, r in busy.items()}
    for post_id in rates:
        intervals.setdefault(post_id, float(rules[post_id].max_interval_days))
    return intervals


def _clamp(interval_days: float, rule: PostRules) -> float:
    """At least a day, at most the post's ``max_interval_days``."""
    return min(max(interval_days, 1.0), float(rule.max_interval_days))


@dataclass(frozen=True)
class PostState:
    """What the policy knows of a post at the start of a day: when it was last emptied,
    what the box is expected to hold when the van passes today, and ``carry``, the part
    of a day the target interval owes (a post due every 1.5 days alternates gaps of one
    and two days: `next_carry`)."""

    post_id: str
    last_collected: dt.date
    expected_items: float
    carry: float = 0.0


def gap_days(interval_days: float, carry: float) -> int:
    """The whole days to the next visit for a target interval and the carried fraction."""
    return max(1, math.floor(interval_days + carry + 1e-9))


def next_carry(interval_days: float, carry: float, gap: int) -> float:
    """The fraction carried to the next gap after a visit ``gap`` days after the last."""
    return min(0.99, max(-0.99, interval_days + carry - gap))


def expected_fill(model: InflowModel, since: dt.date, day: dt.date) -> float:
    """The items a box emptied at noon of ``since`` is expected to hold when the van passes
    at noon of ``day`` (never below 0): the inflow of ``since``..the day before, less the
    half of ``since`` that came before the emptying, plus the morning of ``day``."""
    return max(0.0, model.expected(since, day - dt.timedelta(days=1)) - model.rate(since) / 2
               + model.rate(day) / 2)


def fitted_intervals(models: Mapping[str, InflowModel], rules: Mapping[str, PostRules],
                     first: dt.date, last: dt.date, target_wait_days: float
                     ) -> dict[str, float]:
    """`target_intervals` for each post of ``rules`` at its forecast's mean daily inflow
    over ``first``..``last``."""
    span_days = (last - first).days + 1
    rates = {p: models[p].expected(first, last) / span_days for p in rules}
    return target_intervals(rates, rules, target_wait_days)


def due_posts(day: dt.date, last_collected: Mapping[str, dt.date],
              models: Mapping[str, InflowModel], rules: Mapping[str, PostRules],
              intervals: Mapping[str, float], settings: PolicySettings | None = None,
              carry: Mapping[str, float] | None = None) -> list[DuePost]:
    """The posts to empty on ``day`` (`decide`), each post's state being its last
    emptying (``last_collected``), the `expected_fill` since then and its ``carry``
    (default 0). The day's plan and the year's replay both ask this."""
    states = {post_id: PostState(post_id, since, expected_fill(models[post_id], since, day),
                                 (carry or {}).get(post_id, 0.0))
              for post_id, since in last_collected.items()}
    return decide(day, states, models, rules, intervals, settings)


def followed_policy_state(post_id: str, since: dt.date, day: dt.date, model: InflowModel,
                          rule: PostRules, interval_days: float,
                          settings: PolicySettings | None = None) -> tuple[dt.date, float]:
    """(last emptied, carry) of a post at the start of ``day`` had it been emptied on
    ``since`` and then on every day the policy made it required.

    The estimate of a post whose collections stopped being recorded (a fresh install
    planning a date long after its history, a new post): deterministic, the same for
    every date planned from the same records, and in the policy's own rhythm rather than
    "every box full".
    """
    last = since
    carry = 0.0
    current = since + dt.timedelta(days=1)
    while current < day:
        due = due_posts(current, {post_id: last}, {post_id: model}, {post_id: rule},
                        {post_id: interval_days}, settings, {post_id: carry})
        if due and due[0].required:
            carry = next_carry(interval_days, carry, (current - last).days)
            last = current
        current += dt.timedelta(days=1)
    return last, carry


def decide(day: dt.date, states: Mapping[str, PostState], models: Mapping[str, InflowModel],
           rules: Mapping[str, PostRules], intervals: Mapping[str, float],
           settings: PolicySettings | None = None) -> list[DuePost]:
    """The posts to empty on ``day``: required ones, and optional ones with a penalty.

    ``states[p].expected_items`` is the expected content when the van passes today; the
    decision looks one day ahead (the next chance to empty the box is tomorrow).
    """
    settings = settings or PolicySettings()
    due: list[DuePost] = []
    for post_id in sorted(states):
        state, rule, model = states[post_id], rules[post_id], models[post_id]
        elapsed = (day - state.last_collected).days
        tomorrow = state.expected_items + model.rate(day)
        safe = rule.safe_fill * rule.capacity_items
        interval = intervals.get(post_id, float(rule.max_interval_days))
        expected = max(0, round(state.expected_items))
        if tomorrow > safe:
            due.append(DuePost(post_id, expected, reason=f"expected {tomorrow:.0f} items by "
                                                         f"tomorrow, safe level {safe:.0f}"))
        elif elapsed >= gap_days(interval, state.carry):
            due.append(DuePost(post_id, expected, reason=f"{elapsed} days since emptied, "
                                                         f"target every {interval:.1f} days"))
        elif elapsed >= 1 and state.expected_items >= settings.optional_fill * \
                rule.capacity_items:
            penalty = round(settings.optional_penalty_per_item * state.expected_items, 3)
            due.append(DuePost(post_id, expected, required=False, penalty=penalty,
                               reason=f"optional: about {expected} items "
                                      f"({expected / rule.capacity_items:.0%} full)"))
    return due
