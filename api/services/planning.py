"""Plan a day: load the scenario, gather what must move, assemble, solve, verify, render.

The one place that composes the pure packages for a date; the command line
(``bookrun plan``) and the service both call `plan_day`, then `write_outputs` or the
renderers directly. Nothing here talks HTTP; files are written only by `write_outputs`.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from drops.forecast import fit_inflow
from drops.policy import PolicySettings, PostState, decide, target_intervals
from drops.records import CollectionRecord
from drops.rota import DuePost, history_from_rota, rota_due_posts
from maps import NotVisited, PlanDocument, SiteLabel, plan_geojson, render_map, render_sheet
from maps import stops_csv as render_stops_csv
from routing.io import plan_to_json, problem_to_dict
from routing.ortools_solver import solve
from routing.problem import Problem
from routing.result import Plan, PlanStatus
from routing.verify import Violation, verify
from scenarios.calendar import WEEKDAY_JA
from scenarios.day import DayError, DayNotes, DayOptions, problem_for_day
from scenarios.demand import MaterialRequest, requests_for_day
from scenarios.loader import load_network
from scenarios.network import Network

TOKYO = ZoneInfo("Asia/Tokyo")

#: The files `write_outputs` writes, in the order the command line lists them.
OUTPUT_FILES = ("map.html", "sheet.html", "plan.json", "plan.geojson", "stops.csv",
                "problem.json")


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
    from api.replay import closed_days, post_rules  # the replay composes the same pieces

    records = list(history) if history is not None else bundled_history(network)
    rules = post_rules(network)
    first = min((r.collected_at.astimezone(TOKYO).date() for r in records), default=day)
    last = max((r.collected_at.astimezone(TOKYO).date() for r in records), default=day)
    closed = closed_days(network, min(first, day), max(last, day))
    models = {p: fit_inflow(records, p, tz=TOKYO, closed_days=closed) for p in rules}
    span_days = max(1, (last - first).days + 1)
    rates = {p: models[p].expected(first, last) / span_days for p in rules}
    settings = settings or PolicySettings()
    intervals = target_intervals(rates, rules, settings.target_wait_days)
    states = {}
    for post_id in rules:
        before = [r.collected_at.astimezone(TOKYO).date() for r in records
                  if r.post_id == post_id and r.collected_at.astimezone(TOKYO).date() < day]
        since = max(before, default=day - dt.timedelta(days=rules[post_id].max_interval_days))
        model = models[post_id]
        expected = (model.expected(since, day - dt.timedelta(days=1)) - model.rate(since) / 2
                    + model.rate(day) / 2)
        states[post_id] = PostState(post_id, since, max(0.0, expected))
    return decide(day, states, models, rules, intervals, settings)


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
        plan = solve(problem, time_limit_s=time_limit_s, seed=seed, workers=workers,
                     solution_limit=solution_limit)
    else:
        plan = Plan(PlanStatus.COMPLETE, (), (), 0.0, problem_name=problem.name,
                    solver={"name": "none", "reason": "no task"})
    solve_s = time.perf_counter() - started
    return DayPlan(network, day, problem, plan, DayNotes.from_meta(problem.meta),
                   tuple(verify(problem, plan)), solve_s)


def plan_document(day_plan: DayPlan) -> PlanDocument:
    """Everything the renderers need: site labels, not-visited sites and notes."""
    network = day_plan.network
    labels = {
        s.site_id: SiteLabel(s.site_id, name_ja=s.name_ja, lat=s.lat, lon=s.lon,
                             name_en=s.name_en, address_ja=s.address_ja, kind=s.kind.value,
                             accuracy_m=s.accuracy_m)
        for s in network.sites
    }
    notes = list(day_plan.notes.notes)
    if day_plan.notes.deferred:
        notes.append(f"持ち越し deferred: {len(day_plan.notes.deferred)} requests wait for "
                     f"another day (closed sites)")
    title = f"{network.name_ja} {network.name_en}".strip()
    return PlanDocument(
        title=title,
        date=day_plan.day,
        problem=day_plan.problem,
        plan=day_plan.plan,
        sites=labels,
        hub_site_id=network.hub_site_id,
        not_visited=tuple(NotVisited(site_id, reason)
                          for site_id, reason in day_plan.notes.not_visited.items()),
        notes=tuple(notes),
    )


def write_outputs(day_plan: DayPlan, out_dir: Path) -> dict[str, Path]:
    """Write the map, the route sheet, the plan and problem JSON, the GeoJSON and the stops
    CSV into ``out_dir`` (created if needed); returns file name -> path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    document = plan_document(day_plan)
    problem_doc = problem_to_dict(day_plan.problem)
    contents = {
        "map.html": render_map(document),
        "sheet.html": render_sheet(document),
        "plan.json": plan_to_json(day_plan.plan),
        "plan.geojson": json.dumps(plan_geojson(document), ensure_ascii=False, indent=1) + "\n",
        "stops.csv": render_stops_csv(document),
        "problem.json": json.dumps(problem_doc, ensure_ascii=False, indent=1) + "\n",
    }
    written: dict[str, Path] = {}
    for name in OUTPUT_FILES:
        path = out_dir / name
        path.write_text(contents[name], encoding="utf-8")
        written[name] = path
    return written


def summary_table(day_plan: DayPlan) -> str:
    """The terminal report: one line per van (stops, km, driving and working hours, crates
    at the peak), then every unassigned task with its reason, deferred requests and notes."""
    plan, problem = day_plan.plan, day_plan.problem
    notes = day_plan.notes
    lines = [
        f"{day_plan.network.name_ja} ({day_plan.network.scenario_id}) "
        f"{day_plan.day.isoformat()} ({WEEKDAY_JA[day_plan.day.weekday()]}), mode "
        f"{notes.mode.value}; hub {'open' if notes.hub_open else 'CLOSED'}; school run "
        f"{'yes' if notes.school_run else 'no'}; {len(problem.tasks)} tasks at "
        f"{len(problem.sites) - 1} stops",
        f"{'vehicle':<10}{'stops':>6}{'km':>8}{'driving h':>11}{'working h':>11}"
        f"{'peak crates':>13}{'peak items':>12}",
    ]
    for route in plan.routes:
        if not route.stops:
            continue
        peak = route.peak_load()
        lines.append(f"{route.vehicle_id:<10}{len(route.stops):>6}"
                     f"{route.distance_m / 1000:>8.1f}{route.driving_s / 3600:>11.2f}"
                     f"{route.duration_s / 3600:>11.2f}{peak.get('crates', 0):>13}"
                     f"{peak.get('items', 0):>12}")
    lines.append(f"total: {plan.vehicles_used} vans, {plan.distance_m / 1000:.1f} km, "
                 f"status {plan.status.value}, solved in {day_plan.solve_s:.1f} s, verify: "
                 + ("feasible" if not day_plan.violations
                    else f"{len(day_plan.violations)} violations"))
    for item in plan.unassigned:
        task = problem.task(item.task_id)
        kind = "required" if task.required else "optional"
        lines.append(f"unassigned {item.task_id} ({kind}): {item.reason.value}"
                     + (f" — {item.detail}" if item.detail else ""))
    grouped: dict[tuple[str, str], list[int]] = {}
    for deferred in notes.deferred:
        grouped.setdefault((deferred.site_id, deferred.reason), []).append(deferred.items)
    for (site_id, reason), items in sorted(grouped.items()):
        name = day_plan.network.site(site_id).name_ja
        lines.append(f"deferred {name} ({site_id}): {len(items)} requests, {sum(items)} items "
                     f"wait — {reason}")
    lines.extend(f"note: {note}" for note in notes.notes)
    return "\n".join(lines)
