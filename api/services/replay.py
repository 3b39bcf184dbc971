"""The return-post replay and forecast backtest for a scenario (the year chain): composes
the pure pieces (`drops.replay`, `drops.forecast`, `scenarios.posts`,
`scenarios.problem_for_day`, `routing.solve`).

The policy's forecasts are fitted on a *training* year: the same fiscal year drawn with
another seed and collected by the rota (so the models learn the weekday profile and the
closed-day shift from collections, as they would from a real year of records), then the
rota and the policy meet the same *test* draw. With routing on, each replayed day is the
full day of `bookrun plan` (library flows, school run, the day's due posts) solved and
verified; the kilometres are the vans' whole day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from drops.forecast import Backtest, InflowModel, backtest, fit_inflow
from drops.policy import PolicySettings
from drops.records import CollectionRecord
from drops.replay import DayOutcome, ReplayPost, ReplayResult, draw_inflows, replay
from drops.rota import DuePost, history_from_rota
from routing.verify import format_violations, verify
from scenarios.calendar import TOKYO, fiscal_year_dates
from scenarios.day import DayOptions, problem_for_day
from scenarios.demand import requests_for_day
from scenarios.network import Network
from scenarios.posts import closed_days, replay_posts

NOON = dt.time(12, 0, tzinfo=TOKYO)
#: The training draw's seed is the test seed plus this.
TRAINING_SEED_OFFSET = 1_000


def train_models(network: Network, posts: Sequence[ReplayPost], first: dt.date,
                 last: dt.date, seed: int) -> dict[str, InflowModel]:
    """Forecasts fitted on a training year collected by the rota (see the module doc)."""
    closed = closed_days(network, first, last)
    training = draw_inflows(posts, first, last, seed=seed + TRAINING_SEED_OFFSET,
                            closed_days=closed)
    history = replay(posts, training, first, last, policy="rota", noon=NOON).collections
    return {p.post_id: fit_inflow(history, p.post_id, tz=TOKYO, closed_days=closed)
            for p in posts}


@dataclass
class _Router:
    """Solves each replayed day; counts what it did."""

    network: Network
    time_limit_s: float
    solves: int = 0

    def __call__(self, day: dt.date, due: Sequence[DuePost]) -> DayOutcome:
        problem = problem_for_day(self.network, day, requests_for_day(self.network, day),
                                  list(due), DayOptions())
        if not problem.tasks:
            return DayOutcome(frozenset())
        from routing.solver import solve  # loads OR-Tools: only when solving

        plan = solve(problem, time_limit_s=self.time_limit_s, seed=0)
        self.solves += 1
        violations = verify(problem, plan)
        if violations:
            raise RuntimeError(f"replay {day.isoformat()}: the plan fails verification:\n"
                               + format_violations(violations))
        served = plan.served_task_ids()
        visited = frozenset(d.post_id for d in due if f"empty:{d.post_id}" in served)
        return DayOutcome(visited, plan.distance_m)


@dataclass(frozen=True)
class ReplayRun:
    rota: ReplayResult | None
    policy: ReplayResult | None
    solves: int


def run_replay(network: Network, *, days: int | None = None, policies: Sequence[str] = (
        "rota", "forecast"), seed: int = 2023, route: bool = True, time_limit_s: float = 1.0,
        settings: PolicySettings | None = None) -> ReplayRun:
    """Replay the scenario's fiscal year (or its first ``days`` days) under the policies."""
    first, last = fiscal_year_dates(network.demand.fiscal_year)
    if days is not None:
        last = min(last, first + dt.timedelta(days=days - 1))
    posts = replay_posts(network)
    year_first, year_last = fiscal_year_dates(network.demand.fiscal_year)
    truth = draw_inflows(posts, year_first, year_last, seed=seed,
                         closed_days=closed_days(network, year_first, year_last))
    models = train_models(network, posts, year_first, year_last, seed) \
        if "forecast" in policies else None
    router = _Router(network, time_limit_s) if route else None
    results: dict[str, ReplayResult] = {}
    for policy in policies:
        results[policy] = replay(posts, truth, first, last, policy=policy, models=models,
                                 settings=settings, route_day=router)
    return ReplayRun(results.get("rota"), results.get("forecast"),
                     router.solves if router else 0)


def forecast_backtests(network: Network, *, fit_before: dt.date, seed: int = 2023
                       ) -> dict[str, list[Backtest]]:
    """Held-back error per post: fitted on the collections before ``fit_before``, tested
    on those after, on the report's history (rota reconstruction) and on a simulated
    year collected by the rota (which has daily detail the report lacks)."""
    demand = network.demand
    first, last = fiscal_year_dates(demand.fiscal_year)
    closed = closed_days(network, first, last)
    report_history = history_from_rota(first, last, demand.post_items_by_month,
                                       demand.post_collections_by_month, demand.post_annual,
                                       demand.fiscal_year, at=dt.time(9, 30, tzinfo=TOKYO))
    posts = replay_posts(network)
    simulated: list[CollectionRecord] = list(replay(
        posts, draw_inflows(posts, first, last, seed=seed, closed_days=closed), first, last,
        policy="rota", noon=NOON).collections)
    return {
        "report": [backtest(report_history, p.post_id, fit_before=fit_before, tz=TOKYO,
                            closed_days=closed) for p in posts],
        "simulated": [backtest(simulated, p.post_id, fit_before=fit_before, tz=TOKYO,
                               closed_days=closed) for p in posts],
    }
