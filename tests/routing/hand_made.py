"""Test helpers: hand-made days (sites around a hub, a van based there), settings for
short solves, and where a plan serves a task."""

from __future__ import annotations

from typing import Any

from routing.matrix import matrix_from_lists
from routing.problem import Site, TimeWindow, TravelMatrix, Vehicle
from routing.result import Action, ActionKind, Plan, Route, UnassignedReason

FAST: dict[str, Any] = {"time_limit_s": 1, "solution_limit": 50}
#: For one- or two-task days, where OR-Tools may find fewer than 50 solutions in all.
QUICK: dict[str, Any] = {"time_limit_s": 0.3, "solution_limit": 10}
H = 3_600  # seconds in an hour


def reasons_of(plan: Plan) -> dict[str, UnassignedReason]:
    return {u.task_id: u.reason for u in plan.unassigned}


def route_of(plan: Plan, task_id: str) -> Route:
    routes = [r for r in plan.routes for v in r.visits for a in v.actions if a.task_id == task_id]
    assert routes, f"task '{task_id}' is on no route\n{plan.summary()}"
    return routes[0]


def stop_of(route: Route, task_id: str, kind: ActionKind) -> int:
    """Index in ``route.visits`` of the visit doing ``kind`` for ``task_id``."""
    for index, visit in enumerate(route.visits):
        if Action(task_id, kind) in visit.actions:
            return index
    raise AssertionError(f"route of '{route.vehicle_id}' has no '{kind}' for '{task_id}'")


def star(durations: dict[str, int], *, service_s: int = 0,
         windows: dict[str, tuple[TimeWindow, ...]] | None = None,
         between: dict[tuple[str, str], int] | None = None,
          ) -> tuple[tuple[Site, ...], TravelMatrix]:
    """Sites around a hub: ``durations`` gives each site's drive from the hub (seconds).

    Between two non-hub sites the drive is the sum of their hub drives unless ``between``
    says otherwise; metres are ten times the seconds. Coordinates are decorative.
    """
    windows = windows or {}
    between = between or {}
    ids = ["hub", *durations]
    hub_s = {"hub": 0, **durations}
    sites = tuple(Site(site_id, lat=33.8 + k * 0.001, lon=130.5, service_s=0 if k == 0
                       else service_s, time_windows=windows.get(site_id, ()))
                  for k, site_id in enumerate(ids))
    seconds = [[0 if a == b else between.get((a, b), between.get((b, a), hub_s[a] + hub_s[b]))
                for b in ids] for a in ids]
    metres = [[10 * s for s in row] for row in seconds]
    return sites, matrix_from_lists(ids, metres, seconds)


def hub_van(vehicle_id: str = "van-1", **kw: Any) -> Vehicle:
    fields: dict[str, Any] = {"start_site_id": "hub", "shift_start_s": 8 * H,
                              "shift_end_s": 17 * H, "capacity": {"crates": 10, "items": 300}}
    fields.update(kw)
    return Vehicle(vehicle_id, **fields)
