"""Plan a day: load the scenario, gather what must move, assemble, solve, verify.

The one place that composes the pure packages for a date; the command line
(``bookrun plan``) and the service both call `plan_day`, then render the `DayPlan` with
`api.services.plan_outputs`. Nothing here talks HTTP or writes files; the solver is loaded
by the first solve, not by importing this module.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from drops.forecast import fit_inflow
from drops.policy import PolicySettings, due_posts, fitted_intervals, followed_policy_state
from drops.records import CollectionRecord
from drops.rota import DuePost, history_from_rota, rota_due_posts
from routing.problem import Problem
from routing.result import Plan, PlanStatus
from routing.verify import Violation, verify
from scenarios.calendar import TOKYO, fiscal_year_dates
from scenarios.closures import Closure, apply_closures
from scenarios.day import DayError, DayNotes, DayOptions, problem_for_day
from scenarios.demand import MaterialRequest, requests_for_day
from scenarios.figures import figures_date, first_plannable_day
from scenarios.loader import load_network
from scenarios.network import Network
from scenarios.posts import closed_days, post_rules


@dataclass(frozen=True)
class DayPlan:
    """A solved and verified day, with what the day assembly left out."""

    network: Network
    day: dt.date
    problem: Problem
    plan: Plan
    notes: DayNotes
    violations: tuple[Violation, ...]
    solve_s: float


@lru_cache(maxsize=8)
def _cached_network(name_or_path: str) -> Network:
    return load_network(name_or_path)


def get_network(scenario: str | Path | Network) -> Network:
    """A loaded scenario: a bundled name, a folder, or a `Network` already loaded."""
    if isinstance(scenario, Network):
        return scenario
    return _cached_network(str(scenario))


#: The ways the due return posts of a day are chosen.
POST_POLICIES = ("forecast", "rota")


def rota_posts(network: Network, day: dt.date) -> list[DuePost]:
    """The return posts the FY2023 fixed rota empties on ``day``; outside the figures'
    year, those it empties on the same date of that year (`scenarios.figures.figures_date`),
    marked as an estimate."""
    demand = network.demand
    when = figures_date(network, day)
    posts = rota_due_posts(when, demand.post_items_by_month, demand.post_collections_by_month,
                           demand.post_annual, demand.fiscal_year)
    if when == day:
        return posts
    label = f"estimate: FY{demand.fiscal_year} rota of {when.isoformat()}"
    return [replace(post, estimate=label) for post in posts]


def bundled_history(network: Network) -> list[CollectionRecord]:
    """The scenario's own collection history (the report's rota, at 09:30 local time)."""
    demand = network.demand
    if network.data_range is None:
        return []
    first, last = network.data_range
    return history_from_rota(first, last, demand.post_items_by_month,
                             demand.post_collections_by_month, demand.post_annual,
                             demand.fiscal_year, at=dt.time(9, 30, tzinfo=TOKYO))


def forecast_posts(network: Network, day: dt.date,
                   history: Sequence[CollectionRecord] | None = None,
                   settings: PolicySettings | None = None) -> list[DuePost]:
    """The posts the forecast policy empties on ``day`` (`drops.policy`): required when the
    box would pass its safe fill or its target interval by tomorrow, optional (with a
    penalty, the solver decides) when it is well filled.

    ``history`` holds the stored collections (the store's, or by default the scenario's
    report history); only those made before ``day`` (Asia/Tokyo) are read, so a
    collection recorded later never changes the plan of an earlier date. The models are
    fitted on them, and the state of each post is its last collection before ``day``.

    When a post's records stop (none before ``day``, or its last one longer ago than both
    its ``max_interval_days`` and the longest gap of its own history), its state is not
    known: it is estimated as if the policy had been followed
    (`drops.policy.followed_policy_state`), and its `DuePost.estimate` says since when
    nothing was recorded.
    """
    records = bundled_history(network) if history is None else history
    days_by_post: dict[str, list[dt.date]] = {}
    before: list[CollectionRecord] = []
    for record in records:
        local_day = record.collected_at.astimezone(TOKYO).date()
        if local_day < day:
            before.append(record)
            days_by_post.setdefault(record.post_id, []).append(local_day)
    rules = post_rules(network)
    all_days = [d for days in days_by_post.values() for d in days]
    first = min(all_days, default=day)
    last = max(all_days, default=day)
    closed = closed_days(network, min(first, day), max(last, day))
    models = {p: fit_inflow(before, p, tz=TOKYO, closed_days=closed) for p in rules}
    settings = settings or PolicySettings()
    intervals = fitted_intervals(models, rules, first, last, settings.target_wait_days)
    last_collected: dict[str, dt.date] = {}
    carry: dict[str, float] = {}
    estimates: dict[str, str] = {}
    for post_id, rule in rules.items():
        days = sorted(days_by_post.get(post_id, ()))
        if days and (day - days[-1]).days <= max(rule.max_interval_days, _longest_gap(days)):
            last_collected[post_id] = days[-1]
            continue
        since = _within_a_year_or_two(days[-1] if days else _policy_anchor(network, day), day)
        last_collected[post_id], carry[post_id] = followed_policy_state(
            post_id, since, day, models[post_id], rule, intervals[post_id], settings)
        estimates[post_id] = (f"estimate: no collection recorded since {days[-1].isoformat()}"
                              if days else "estimate: no collection recorded")
    due = due_posts(day, last_collected, models, rules, intervals, settings, carry)
    return [replace(post, estimate=estimates.get(post.post_id, "")) for post in due]


#: The policy is followed from a post's last record for at most two years of 52 weeks: an
#: older start moves forward by whole 52-week years (the same weekday), so that planning
#: 2040 does not replay sixteen years, and every date planned sees the same rhythm.
POLICY_YEAR_DAYS = 364


def _within_a_year_or_two(since: dt.date, day: dt.date) -> dt.date:
    """``since``, moved forward by whole `POLICY_YEAR_DAYS` years to lie one to two of
    them before ``day``."""
    years = ((day - since).days - POLICY_YEAR_DAYS) // POLICY_YEAR_DAYS
    return since + dt.timedelta(days=POLICY_YEAR_DAYS * years) if years > 0 else since


def _policy_anchor(network: Network, day: dt.date) -> dt.date:
    """The fixed day from which a post with no record at all is assumed to follow the
    policy: the scenario's first data day (else the start of its figures' fiscal year), so
    that every date planned sees the same rhythm."""
    anchor = first_plannable_day(network) or fiscal_year_dates(network.demand.fiscal_year)[0]
    return anchor if anchor < day else day - dt.timedelta(days=1)


def _longest_gap(days: Sequence[dt.date]) -> int:
    """The most days between two consecutive collection days (0 for fewer than two)."""
    return max(((b - a).days for a, b in itertools.pairwise(days)), default=0)


def plan_day(
    scenario: str | Path | Network,
    day: dt.date,
    *,
    requests: Sequence[MaterialRequest] = (),
    closures: Sequence[Closure] = (),
    due_posts: Sequence[DuePost] | None = None,
    post_policy: str = "forecast",
    history: Sequence[CollectionRecord] | None = None,
    options: DayOptions | None = None,
    time_limit_s: float = 10.0,
    seed: int = 0,
    workers: int = 1,
    solution_limit: int | None = None,
) -> DayPlan:
    """Plan ``day`` for a scenario.

    Parameters
    ----------
    scenario
        ``"munakata"``, ``"ichinoseki"``, a scenario folder, or a loaded `Network`.
    day
        The date, from the scenario's first data day on (else `scenarios.day.DayError`);
        outside the figures' year the demand model reads the same month of that year and
        its tasks are marked as estimates (`scenarios.figures`).
    requests
        Requests recorded by people (school requests, consignments), added to the demand
        model's flows for the day; those of a purpose the model also estimates replace
        the estimate (`scenarios.day.problem_for_day`).
    closures
        Closures and openings people recorded (`scenarios.closures`), applied to the
        scenario's calendars first.
    due_posts
        Return posts to empty; default: chosen by ``post_policy``.
    post_policy
        ``"forecast"`` (default: `forecast_posts`, reading ``history``) or ``"rota"``
        (the FY2023 fixed rota, `rota_posts`).
    history
        The collections known before the day (the store's); default: the scenario's own.
    options
        Mode and van overrides (`scenarios.DayOptions`).
    time_limit_s, seed, workers, solution_limit
        Passed to `routing.solve`.

    Returns
    -------
    DayPlan
        The problem, the plan, the day notes and ``violations`` from `routing.verify`
        (empty for a feasible plan).
    """
    network = apply_closures(get_network(scenario), closures)
    wanted = [*requests_for_day(network, day), *requests]
    if due_posts is not None:
        posts = list(due_posts)
    elif post_policy == "rota":
        posts = rota_posts(network, day)
    elif post_policy == "forecast":
        posts = forecast_posts(network, day, history)
    else:
        raise DayError(f"field 'post_policy': must be one of {', '.join(POST_POLICIES)}, "
                       f"got {post_policy!r}")
    problem = problem_for_day(network, day, wanted, posts, options)
    started = time.perf_counter()
    if problem.tasks:
        from routing.solver import solve  # loads OR-Tools: only when solving

        plan = solve(problem, time_limit_s=time_limit_s, seed=seed, workers=workers,
                     solution_limit=solution_limit)
    else:
        plan = Plan(PlanStatus.COMPLETE, (), (), 0.0, problem_name=problem.name,
                    solver={"name": "none", "reason": "no task"})
    solve_s = time.perf_counter() - started
    return DayPlan(network, day, problem, plan, DayNotes.from_meta(problem.meta),
                   tuple(verify(problem, plan)), solve_s)
