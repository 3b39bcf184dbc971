"""Plan a day: load the scenario, gather what must move, assemble, solve, verify.

The one place that composes the pure packages for a date; the command line
(``bookrun plan``) and the service both call `plan_day`, then render the `DayPlan` with
`api.services.plan_outputs`. Nothing here talks HTTP or writes files; the solver is loaded
by the first solve, not by importing this module.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from drops.forecast import fit_inflow
from drops.policy import PolicySettings, due_posts, fitted_intervals
from drops.records import CollectionRecord
from drops.rota import DuePost, history_from_rota, rota_due_posts
from routing.problem import Problem
from routing.result import Plan, PlanStatus
from routing.verify import Violation, verify
from scenarios.calendar import TOKYO
from scenarios.day import DayError, DayNotes, DayOptions, problem_for_day
from scenarios.demand import MaterialRequest, requests_for_day
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
    """The return posts the FY2023 fixed rota empties on ``day``."""
    demand = network.demand
    return rota_due_posts(day, demand.post_items_by_month, demand.post_collections_by_month,
                          demand.post_annual, demand.fiscal_year)


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

    ``history`` holds the collections known before the day (the store's, or by default the
    scenario's report history); the models are fitted on all of it, the state of each post
    is its last collection before ``day``.
    """
    records = list(history) if history is not None else bundled_history(network)
    rules = post_rules(network)
    first = min((r.collected_at.astimezone(TOKYO).date() for r in records), default=day)
    last = max((r.collected_at.astimezone(TOKYO).date() for r in records), default=day)
    closed = closed_days(network, min(first, day), max(last, day))
    models = {p: fit_inflow(records, p, tz=TOKYO, closed_days=closed) for p in rules}
    settings = settings or PolicySettings()
    intervals = fitted_intervals(models, rules, first, last, settings.target_wait_days)
    last_collected = {}
    for post_id in rules:
        before = [r.collected_at.astimezone(TOKYO).date() for r in records
                  if r.post_id == post_id and r.collected_at.astimezone(TOKYO).date() < day]
        last_collected[post_id] = max(
            before, default=day - dt.timedelta(days=rules[post_id].max_interval_days))
    return due_posts(day, last_collected, models, rules, intervals, settings)


def plan_day(
    scenario: str | Path | Network,
    day: dt.date,
    *,
    requests: Sequence[MaterialRequest] = (),
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
        The date, inside the scenario's data range (else `scenarios.day.DayError`).
    requests
        Requests recorded by people, added to the scenario's demand model for the day.
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
    network = get_network(scenario)
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
