"""Plans of benchmark instances read by `routing.instances`: node routes (as in ``.sol``
files or another solver's answer) to a timed `Plan` and back, and a plan's distance in
the instance's own convention (Solomon: truncated to one decimal; Li & Lim: double).

Pure, no solver import; the timing is `routing.schedule`'s.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

import numpy as np

from routing.instances import LILIM, SOLOMON
from routing.problem import Problem
from routing.result import Plan, PlanStatus, Route, Unassigned, UnassignedReason, VisitKind
from routing.schedule import Handling, Stop, route_as_given, task_ends


def _node_site_ids(problem: Problem) -> tuple[str, ...]:
    ids = problem.meta.get("node_site_ids")
    if ids is None:
        raise ValueError(f"problem {problem.name!r} has no meta['node_site_ids']: it was not "
                         "read by routing.instances")
    return tuple(ids)


def plan_from_routes(problem: Problem, routes: Sequence[Sequence[int]], *,
                     solver: str = "routes") -> Plan:
    """A timed `Plan` for the given node sequences (depot implicit), per docs/semantics.md.

    Route ``i`` goes to ``problem.vehicles[i]``. Each route starts at its vehicle's shift
    start and leaves every stop as early as possible (service starts at the arrival or at
    the opening of the first time window that has not yet closed; when all have closed,
    at the arrival, which `routing.verify` will reject). Each stop does every task action
    at its site (a pickup task's pickup, a shipment's pickup or delivery, ...). Lunch
    breaks are not scheduled. Tasks on no route are listed as unassigned. Raises
    `ValueError` for an unknown node, the depot inside a route, a node visited twice or
    more routes than vehicles.
    """
    node_sites = _node_site_ids(problem)
    routes = [list(r) for r in routes if len(r)]
    if len(routes) > len(problem.vehicles):
        raise ValueError(f"{len(routes)} routes but only {len(problem.vehicles)} vehicles")
    seen: set[int] = set()
    for route in routes:
        for node in route:
            if isinstance(node, bool) or not isinstance(node, int | np.integer):
                raise ValueError(f"node {node!r} is not an integer")
            if node == 0:
                raise ValueError("node 0 is the depot; routes list customer nodes only")
            if not 0 < node < len(node_sites):
                raise ValueError(f"unknown node {node} (the instance has nodes "
                                 f"0..{len(node_sites) - 1})")
            if node in seen:
                raise ValueError(f"node {node} is visited more than once")
            seen.add(int(node))

    at_site: dict[str, list[Handling]] = {}
    for task in problem.tasks:
        for site_id, action, amount in task_ends(task):
            at_site.setdefault(site_id, []).append(Handling(task, action, task.service_s,
                                                            amount))

    plan_routes: list[Route] = []
    served: set[str] = set()
    for vehicle, route in zip(problem.vehicles, routes, strict=False):
        stops = [Stop.at(problem, node_sites[node], at_site.get(node_sites[node], []))
                 for node in route]
        served.update(h.task.task_id for stop in stops for h in stop.handlings)
        plan_routes.append(route_as_given(problem, vehicle, stops))
    unassigned = tuple(
        Unassigned(task.task_id, UnassignedReason.NO_ROOM_IN_PLAN, "not on any given route")
        for task in problem.tasks if task.task_id not in served)
    penalties = sum(problem.task(u.task_id).penalty or 0.0 for u in unassigned)
    required_missing = any(problem.task(u.task_id).required for u in unassigned)
    return Plan(status=PlanStatus.PARTIAL if required_missing else PlanStatus.COMPLETE,
                routes=tuple(plan_routes), unassigned=unassigned,
                cost=sum(r.cost for r in plan_routes) + penalties, problem_name=problem.name,
                solver={"name": solver})


def plan_routes(problem: Problem, plan: Plan) -> list[list[int]]:
    """The plan's routes as node numbers (the depot left out): the reverse of
    `plan_from_routes`, e.g. to write a ``.sol`` file or to warm-start another solver."""
    node_of = {site_id: k for k, site_id in enumerate(_node_site_ids(problem))}
    out: list[list[int]] = []
    for route in plan.routes:
        nodes = [node_of[v.site_id] for v in route.visits if v.kind is VisitKind.STOP]
        if nodes:
            out.append(nodes)
    return out


def _family(problem: Problem) -> str:
    family = problem.meta.get("family")
    if family not in (SOLOMON, LILIM):
        raise ValueError(f"problem {problem.name!r} has no benchmark family in meta "
                         f"(got {family!r}): it was not read by routing.instances")
    return str(family)


def route_distance(problem: Problem, nodes: Iterable[int]) -> float:
    """The exact length of one closed route ``0 -> nodes -> 0`` in the instance's
    convention (Solomon: sum of distances truncated to one decimal; Li & Lim: double)."""
    family = _family(problem)
    coords: Sequence[tuple[float, float]] = problem.meta["coords"]
    path = [0, *nodes, 0]
    if family == SOLOMON:
        tenths = 0
        for a, b in itertools.pairwise(path):
            dx = coords[a][0] - coords[b][0]
            dy = coords[a][1] - coords[b][1]
            if dx == int(dx) and dy == int(dy):
                tenths += math.isqrt(100 * (int(dx) ** 2 + int(dy) ** 2))
            else:
                tenths += math.floor(10 * math.hypot(dx, dy))
        return tenths / 10
    return math.fsum(math.hypot(coords[a][0] - coords[b][0], coords[a][1] - coords[b][1])
                     for a, b in itertools.pairwise(path))


def exact_distance(problem: Problem, plan: Plan) -> float:
    """The plan's total distance in the instance's own convention, from the raw
    coordinates in ``problem.meta`` (Solomon: the sum of distances truncated to one
    decimal, exact at one decimal; Li & Lim: double precision)."""
    family = _family(problem)
    node_of = {site_id: k for k, site_id in enumerate(_node_site_ids(problem))}
    total = 0.0
    tenths = 0
    for route in plan.routes:
        nodes = [node_of[v.site_id] for v in route.visits]
        if not nodes:
            continue
        # the start and end visits are at the depot (node 0), which route_distance adds
        length = route_distance(problem, nodes[1:-1])
        if family == SOLOMON:
            tenths += round(length * 10)
        else:
            total += length
    return tenths / 10 if family == SOLOMON else total

