"""Test helpers: `solve_and_verify`, and a brute-force optimum for tiny problems.

The brute force enumerates every assignment of tasks to vans (or to nobody) and every
order of each van's task ends, times each candidate route by the rules of
docs/semantics.md and keeps the cheapest feasible plan. It supports what
`random_tiny_problem` generates: time windows (one or several per site), site and task
service times, capacities in several dimensions, deliveries from the hub, pickups to
the hub, shipments (pickup before delivery, same van), visits, optional tasks with
penalties, per-van shifts, rates and fixed costs, start and end at any site.

It does NOT model lunch breaks or ``max_working_s``: with those, the earliest-start
timing below is no longer exact (a break may sit in any gap; working time depends on
how late the van leaves), so `optimum` refuses problems that use them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from routing.matrix import geodesic_matrix
from routing.problem import Problem, Site, Task, TaskKind, TimeWindow, Vehicle
from routing.result import (
    Action,
    ActionKind,
    Plan,
    PlanStatus,
    Route,
    Unassigned,
    UnassignedReason,
    Visit,
    VisitKind,
)
from routing.solver import solve
from routing.verify import format_violations, verify


def solve_and_verify(problem: Problem, **kwargs: Any) -> Plan:
    """`solve` then `verify`; fails the test with every violation if the plan breaks a rule."""
    plan = solve(problem, **kwargs)
    violations = verify(problem, plan)
    assert violations == [], (
        f"solve({problem.name!r}, {kwargs}) returned a plan that breaks the rules:\n"
        f"{format_violations(violations)}\n{plan.summary()}")
    return plan


# ----------------------------------------------------------------- brute force


@dataclass(frozen=True)
class _End:
    """One end of a task: where, how long, and the signed load change there."""

    task_index: int
    task_id: str
    action: ActionKind
    site_id: str
    service_s: int
    change: tuple[int, ...]
    first: bool  # the pickup end of a shipment (its delivery end must come later)


@dataclass(frozen=True)
class Optimum:
    """The best plan found by enumeration.

    ``required_unserved`` is minimised first (a required task left out has no price but
    makes the plan partial), then ``cost``.
    """

    required_unserved: int
    cost: float
    routes: tuple[tuple[str, tuple[_End, ...]], ...]  # (vehicle id, task ends in order)
    unserved: tuple[str, ...]


def _earliest_start(site: Site, arrival_s: int) -> int | None:
    if not site.time_windows:
        return arrival_s
    for window in site.time_windows:
        if arrival_s <= window.end_s:
            return max(arrival_s, window.start_s)
    return None


def _ends_of(task_index: int, task: Task, dims: Sequence[str]) -> list[_End]:
    amount = tuple(task.amount.get(d, 0) for d in dims)
    negative = tuple(-a for a in amount)
    nothing = tuple(0 for _ in dims)
    tid, service_s = task.task_id, task.service_s
    if task.kind is TaskKind.SHIPMENT:
        return [
            _End(task_index, tid, ActionKind.PICKUP, task.pickup_site_id, service_s, amount, True),
            _End(task_index, tid, ActionKind.DELIVERY, task.delivery_site_id, service_s,
                 negative, False),
        ]
    if task.kind is TaskKind.PICKUP:
        return [_End(task_index, tid, ActionKind.PICKUP, task.site_id, service_s, amount, False)]
    if task.kind is TaskKind.DELIVERY:
        return [_End(task_index, tid, ActionKind.DELIVERY, task.site_id, service_s, negative,
                     False)]
    return [_End(task_index, tid, ActionKind.VISIT, task.site_id, service_s, nothing, False)]


class _RouteSearch:
    """Shortest feasible route of one van through a given set of tasks (depth-first)."""

    def __init__(self, problem: Problem, vehicle: Vehicle) -> None:
        self.problem = problem
        self.vehicle = vehicle
        self.dims = problem.capacity_dimensions
        self.capacity = tuple(vehicle.capacity[d] for d in self.dims)
        self.matrix = problem.matrix

    def shortest(self, tasks: Sequence[tuple[int, Task]]) -> tuple[int, tuple[_End, ...]] | None:
        """(distance_m, task ends in order) of the shortest feasible route, None if none."""
        ends: list[_End] = []
        start_load = [0] * len(self.dims)
        for index, task in tasks:
            ends.extend(_ends_of(index, task, self.dims))
            if task.kind is TaskKind.DELIVERY:
                for k, d in enumerate(self.dims):
                    start_load[k] += task.amount.get(d, 0)
        if any(value > cap for value, cap in zip(start_load, self.capacity, strict=True)):
            return None
        vehicle = self.vehicle
        start_site = self.problem.site(vehicle.start_site_id)
        self.ends = ends
        self.best: tuple[int, tuple[_End, ...]] | None = None
        self._extend(
            here=vehicle.start_site_id, at_start=True,
            departure_s=vehicle.shift_start_s + start_site.service_s,
            load=tuple(start_load), distance_m=0, done=frozenset(), order=(),
        )
        return self.best

    def _load_ok(self, load: tuple[int, ...]) -> bool:
        return all(0 <= value <= cap for value, cap in zip(load, self.capacity, strict=True))

    def _extend(self, *, here: str, at_start: bool, departure_s: int, load: tuple[int, ...],
                distance_m: int, done: frozenset[int], order: tuple[_End, ...]) -> None:
        if self.best is not None and distance_m > self.best[0]:
            return
        if len(done) == len(self.ends):
            if not at_start and not self._load_ok(load):
                return
            end_site = self.vehicle.end_site_id
            arrival_s = departure_s + self.matrix.duration(here, end_site)
            if arrival_s > self.vehicle.shift_end_s:
                return
            total_m = distance_m + self.matrix.distance(here, end_site)
            if self.best is None or total_m < self.best[0]:
                self.best = (total_m, order)
            return
        stop_ok = at_start or self._load_ok(load)  # the load the current stop leaves with
        for position, end in enumerate(self.ends):
            if position in done:
                continue
            if not end.first and position > 0 and self.ends[position - 1].first \
                    and self.ends[position - 1].task_index == end.task_index \
                    and position - 1 not in done:
                continue  # a shipment's delivery before its pickup
            new_load = tuple(a + b for a, b in zip(load, end.change, strict=True))
            if end.site_id == here and not at_start:
                # Same site as the stop we are at: one stop, one site service, one window.
                self._extend(here=here, at_start=False, departure_s=departure_s + end.service_s,
                             load=new_load, distance_m=distance_m, done=done | {position},
                             order=(*order, end))
                continue
            if not stop_ok:
                continue  # leaving this stop over capacity; only a same-site end can help
            site = self.problem.site(end.site_id)
            arrival_s = departure_s + self.matrix.duration(here, end.site_id)
            start_s = _earliest_start(site, arrival_s)
            if start_s is None:
                continue
            self._extend(here=end.site_id, at_start=False,
                         departure_s=start_s + site.service_s + end.service_s,
                         load=new_load, distance_m=distance_m + self.matrix.distance(here,
                                                                                     end.site_id),
                         done=done | {position}, order=(*order, end))


def optimum(problem: Problem) -> Optimum:
    """The cheapest plan over every assignment and order (see the module docstring)."""
    for vehicle in problem.vehicles:
        if vehicle.lunch_break is not None or vehicle.max_working_s is not None:
            raise ValueError(f"vehicle '{vehicle.vehicle_id}': the brute force models neither "
                             "lunch breaks nor max_working_s")
    tasks = list(enumerate(problem.tasks))
    searches = [_RouteSearch(problem, v) for v in problem.vehicles]
    cache: dict[tuple[int, tuple[int, ...]], tuple[int, tuple[_End, ...]] | None] = {}

    def route(vehicle_index: int, task_indices: tuple[int, ...]) \
            -> tuple[int, tuple[_End, ...]] | None:
        key = (vehicle_index, task_indices)
        if key not in cache:
            cache[key] = searches[vehicle_index].shortest([tasks[i] for i in task_indices])
        return cache[key]

    best: tuple[int, float, Optimum] | None = None
    n_vehicles = len(problem.vehicles)
    # Each task goes to one van (0..n-1) or to nobody (n).
    for assignment in itertools.product(range(n_vehicles + 1), repeat=len(tasks)):
        unserved = [problem.tasks[i] for i, a in enumerate(assignment) if a == n_vehicles]
        required_unserved = sum(1 for t in unserved if t.required)
        cost = sum(t.penalty or 0.0 for t in unserved)
        if best is not None and (required_unserved, cost) > best[:2]:
            continue
        routes: list[tuple[str, tuple[_End, ...]]] = []
        feasible = True
        for vehicle_index, vehicle in enumerate(problem.vehicles):
            chosen = tuple(i for i, a in enumerate(assignment) if a == vehicle_index)
            if not chosen:
                continue
            found = route(vehicle_index, chosen)
            if found is None:
                feasible = False
                break
            cost += found[0] / 1000.0 * vehicle.cost_per_km + vehicle.fixed_cost
            routes.append((vehicle.vehicle_id, found[1]))
        if not feasible:
            continue
        if best is None or (required_unserved, cost) < best[:2]:
            best = (required_unserved, cost, Optimum(
                required_unserved, cost, tuple(routes), tuple(t.task_id for t in unserved)))
    assert best is not None  # serving nothing is always possible
    return best[2]


def plan_from_optimum(problem: Problem, best: Optimum) -> Plan:
    """The brute force's plan, timed at the earliest, so `verify` can check it."""
    routes = [_timed_route(problem, problem.vehicle(vid), ends) for vid, ends in best.routes]
    unassigned = []
    for tid in best.unserved:
        reason = UnassignedReason.NO_ROOM_IN_PLAN if problem.task(tid).required \
            else UnassignedReason.NOT_WORTH_DETOUR
        unassigned.append(Unassigned(tid, reason))
    status = PlanStatus.PARTIAL if best.required_unserved else PlanStatus.COMPLETE
    return Plan(status, tuple(routes), tuple(unassigned), cost=best.cost,
                problem_name=problem.name, solver={"engine": "bruteforce"})


def _timed_route(problem: Problem, vehicle: Vehicle, ends: Sequence[_End]) -> Route:
    dims = problem.capacity_dimensions
    matrix = problem.matrix
    deliveries = [e.task_id for e in ends if e.action is ActionKind.DELIVERY and not e.first
                  and problem.task(e.task_id).kind is TaskKind.DELIVERY]
    pickups = [e.task_id for e in ends if e.action is ActionKind.PICKUP
               and problem.task(e.task_id).kind is TaskKind.PICKUP]
    load = {d: sum(problem.task(t).amount.get(d, 0) for t in deliveries) for d in dims}
    hub = problem.site(vehicle.start_site_id)
    start = vehicle.shift_start_s
    visits = [Visit(hub.site_id, VisitKind.START, start, start, start + hub.service_s, 0,
                    dict(load), tuple(Action(t, ActionKind.LOAD) for t in deliveries))]
    stops: list[list[_End]] = []
    for end in ends:
        if stops and stops[-1][-1].site_id == end.site_id:
            stops[-1].append(end)
        else:
            stops.append([end])
    distance_m = driving_s = service_s = 0
    service_s += hub.service_s
    for group in stops:
        before = visits[-1]
        site = problem.site(group[0].site_id)
        arrival_s = before.departure_s + matrix.duration(before.site_id, site.site_id)
        start_s = _earliest_start(site, arrival_s)
        assert start_s is not None
        needed_s = site.service_s + sum(e.service_s for e in group)
        for end in group:
            for k, d in enumerate(dims):
                load[d] += end.change[k]
        distance_m += matrix.distance(before.site_id, site.site_id)
        driving_s += matrix.duration(before.site_id, site.site_id)
        service_s += needed_s
        visits.append(Visit(site.site_id, VisitKind.STOP, arrival_s, start_s,
                            start_s + needed_s, start_s - arrival_s, dict(load),
                            tuple(Action(e.task_id, e.action) for e in group)))
    before = visits[-1]
    arrival_s = before.departure_s + matrix.duration(before.site_id, vehicle.end_site_id)
    distance_m += matrix.distance(before.site_id, vehicle.end_site_id)
    driving_s += matrix.duration(before.site_id, vehicle.end_site_id)
    visits.append(Visit(vehicle.end_site_id, VisitKind.END, arrival_s, arrival_s, arrival_s, 0,
                        dict.fromkeys(dims, 0),
                        tuple(Action(t, ActionKind.UNLOAD) for t in pickups)))
    waiting_s = sum(v.waiting_s for v in visits)
    return Route(vehicle.vehicle_id, tuple(visits), distance_m=distance_m, driving_s=driving_s,
                 service_s=service_s, waiting_s=waiting_s, duration_s=arrival_s - start,
                 cost=distance_m / 1000.0 * vehicle.cost_per_km + vehicle.fixed_cost)


# ----------------------------------------------------------------- tiny random problems

HUB_LAT, HUB_LON = 33.80, 130.50


def task_ends(tasks: Sequence[Task]) -> int:
    """How many stops the tasks need at most (a shipment needs two)."""
    return sum(2 if t.kind is TaskKind.SHIPMENT else 1 for t in tasks)


def random_tiny_problem(seed: int, *, n_vehicles: int, max_ends: int) -> Problem:
    """A seeded random day small enough for `optimum`: no breaks, no max_working_s.

    2-4 sites within a few km of a hub at lat 33.80 lon 130.50 (geodesic matrix), some
    with one or two time windows; tasks of every kind with at most ``max_ends`` task ends
    in all, in two capacity dimensions, about a third optional with penalties of the
    order of a detour's cost; vans from the hub (some ending at another site) with
    different capacities, rates and fixed costs, 08:00 to 12:00-17:00 when alone, with
    shorter shifts and smaller vans when several (so that a day needs more than one).
    """
    rng = random.Random(seed)
    sites = [Site("hub", lat=HUB_LAT, lon=HUB_LON, service_s=rng.choice((0, 300, 600)))]
    for k in range(rng.randint(2, 4)):
        windows: tuple[TimeWindow, ...] = ()
        roll = rng.random()
        if roll < 0.35:
            start = rng.randrange(28_800, 41_400, 900)
            windows = (TimeWindow(start, start + rng.choice((1_800, 3_600, 7_200))),)
        elif roll < 0.55:
            first = rng.randrange(28_800, 36_000, 900)
            second = rng.randrange(first + 3_600, first + 9_000, 900)
            windows = (TimeWindow(first, first + 1_800), TimeWindow(second, second + 1_800))
        sites.append(Site(f"s{k + 1}", lat=round(HUB_LAT + rng.uniform(-0.04, 0.04), 5),
                          lon=round(HUB_LON + rng.uniform(-0.05, 0.05), 5),
                          service_s=rng.choice((0, 120, 300)), time_windows=windows))
    others = [s.site_id for s in sites[1:]]
    vehicles = []
    for k in range(n_vehicles):
        vehicles.append(Vehicle(
            f"van-{k + 1}", start_site_id="hub", shift_start_s=28_800,
            end_site_id=rng.choice(others) if rng.random() < 0.2 else "hub",
            shift_end_s=rng.choice((43_200, 50_400, 61_200) if n_vehicles == 1
                                   else (36_000, 39_600, 43_200)),
            capacity={"crates": rng.randint(4, 10) if n_vehicles == 1 else rng.randint(4, 7),
                      "items": rng.randint(80, 200)},
            cost_per_km=rng.choice((1.0, 1.0, 1.5, 2.0)),
            fixed_cost=rng.choice((0.0, 5.0, 20.0))))
    tasks: list[Task] = []
    while True:
        kind = rng.choice(list(TaskKind))
        ends = 2 if kind is TaskKind.SHIPMENT else 1
        if task_ends(tasks) + ends > max_ends:
            break
        crates = rng.randint(1, 5)
        amount = {} if kind is TaskKind.VISIT else \
            {"crates": crates, "items": crates * rng.randint(5, 20)}
        penalty = float(rng.randint(1, 25)) if rng.random() < 0.35 else None
        service_s = rng.choice((0, 60, 300, 900))
        task_id = f"t{len(tasks) + 1}-{kind.value}"
        if kind is TaskKind.SHIPMENT:
            pickup, delivery = rng.sample(others, 2)
            tasks.append(Task(task_id, kind, pickup_site_id=pickup, delivery_site_id=delivery,
                              amount=amount, service_s=service_s, penalty=penalty))
        else:
            tasks.append(Task(task_id, kind, site_id=rng.choice(others), amount=amount,
                              service_s=service_s, penalty=penalty))
        if task_ends(tasks) >= max_ends or rng.random() < 0.1:
            break
    matrix = geodesic_matrix(sites, circuity=1.3, speed_kmh=30.0)
    return Problem(tuple(sites), tuple(vehicles), tuple(tasks), matrix,
                   name=f"tiny-random-{n_vehicles}v-seed{seed}")
