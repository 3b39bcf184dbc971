"""A visiting order turned into a timed `Route`, per docs/semantics.md: the one timing pass
of bookrun's plans.

Both the OR-Tools adapter (`routing.ortools.search.extract`, which re-times its routes
rather than read OR-Tools' cumul variables) and the benchmark readers
(`routing.instance_plans.plan_from_routes`, which times routes found elsewhere) give a
van's stops here; neither needs OR-Tools.

- `route_from_stops`: the earliest feasible schedule, with the lunch break on the leg
  that brings the van back earliest, or None when none fits.
- `route_as_given`: the order timed as given from the shift's start, whatever rule it
  breaks (`routing.verify` then says which).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.feasibility import earliest_service_start
from routing.problem import Problem, Task, TaskKind, Vehicle
from routing.result import Action, ActionKind, Route, RouteBreak, Visit, VisitKind

#: (arrival, service start, departure) of the start, each stop and the end of a route.
Times = list[tuple[int, int, int]]


@dataclass(frozen=True)
class Handling:
    """One task's action at a stop: how long it takes and how it changes the load."""

    task: Task
    action: ActionKind
    service_s: int
    amount: Mapping[str, int]  # signed change of the load


@dataclass
class Stop:
    """Consecutive handlings at one site, as the plan will show them."""

    site_id: str
    handlings: list[Handling]
    service_s: int  # site service plus the tasks' handling

    @classmethod
    def at(cls, problem: Problem, site_id: str, handlings: Sequence[Handling]) -> Stop:
        return cls(site_id, list(handlings), problem.site(site_id).service_s
                   + sum(h.service_s for h in handlings))


def task_ends(task: Task) -> list[tuple[str, ActionKind, dict[str, int]]]:
    """Where a task is handled, what is done there and how the load changes: a shipment's
    pickup (+ its amount) and delivery (-), a pickup (+), a delivery (-), a visit."""
    amount = dict(task.amount)
    negative = {dim: -value for dim, value in amount.items()}
    if task.kind is TaskKind.SHIPMENT:
        return [(task.pickup_site_id, ActionKind.PICKUP, amount),
                (task.delivery_site_id, ActionKind.DELIVERY, negative)]
    if task.kind is TaskKind.PICKUP:
        return [(task.site_id, ActionKind.PICKUP, amount)]
    if task.kind is TaskKind.DELIVERY:
        return [(task.site_id, ActionKind.DELIVERY, negative)]
    return [(task.site_id, ActionKind.VISIT, {})]


def stops_of(problem: Problem, handlings: Sequence[tuple[str, Handling]]) -> list[Stop]:
    """The stops of a route given as (site, handling) in visiting order: consecutive
    handlings at one site make one stop."""
    stops: list[Stop] = []
    for site_id, group in itertools.groupby(handlings, key=lambda pair: pair[0]):
        stops.append(Stop.at(problem, site_id, [handling for _, handling in group]))
    return stops


def route_from_stops(problem: Problem, vehicle: Vehicle, stops: list[Stop], start_s: int,
                     break_start_s: int | None) -> Route | None:
    """The stops as timed visits: leave at ``start_s`` (or at the shift's start if that
    fails), serve each stop as early as its windows allow, take the break where the van
    gets back earliest (``break_start_s``, a solver's choice, only says which leg to try
    first), then leave later rather than wait at the first stop. None when no schedule
    with the break fits.
    """
    schedule = None
    for first_s in dict.fromkeys((start_s, vehicle.shift_start_s)):
        schedule = _schedule(problem, vehicle, stops, first_s, break_start_s)
        if schedule is not None:
            break
    if schedule is None:
        # A solver may put the break between two tasks at one site; then the plan shows
        # two stops there, the break between them.
        for k, stop in enumerate(stops):
            for cut in range(1, len(stop.handlings)):
                split = [*stops[:k], Stop.at(problem, stop.site_id, stop.handlings[:cut]),
                         Stop.at(problem, stop.site_id, stop.handlings[cut:]), *stops[k + 1:]]
                schedule = _schedule(problem, vehicle, split, start_s, None)
                if schedule is not None:
                    stops = split
                    break
            if schedule is not None:
                break
    if schedule is None:
        return None
    times, lunch = schedule
    first_wait_s = times[1][1] - times[1][0]
    if first_wait_s > 0 and (lunch is None or lunch.start_s >= times[1][1]):
        # Leave later rather than wait at the first stop for it to open.
        arrival_s, start_s, departure_s = times[0]
        times[0] = (arrival_s + first_wait_s, start_s + first_wait_s, departure_s + first_wait_s)
        times[1] = (times[1][0] + first_wait_s, times[1][1], times[1][2])
    return _route(problem, vehicle, stops, times, lunch)


def route_as_given(problem: Problem, vehicle: Vehicle, stops: list[Stop]) -> Route:
    """The stops timed exactly as given: leave at the shift's start and serve each stop
    at the arrival or at the opening of the first window not yet closed (when all have
    closed, at the arrival). No break is placed and no rule checked: `routing.verify`
    judges the route."""
    times = _forward_pass(problem, vehicle, stops, vehicle.shift_start_s, None,
                          serve_when_closed=True)
    assert times is not None  # nothing can fail without a break or the windows' check
    return _route(problem, vehicle, stops, times[0], None)


def _schedule(problem: Problem, vehicle: Vehicle, stops: list[Stop], start_s: int,
              break_start_s: int | None) -> tuple[Times, RouteBreak | None] | None:
    """(arrival, start, departure) of the start, each stop and the end, and the break.

    Tries the break on each leg (the one the solver chose first), before leaving and after
    returning, and keeps the placement that brings the van back earliest (a driver
    should not sit out a lunch window on the road when the round can end first); ties go
    to the earlier-tried placement. None when no placement fits.
    """
    lb = vehicle.lunch_break
    legs = len(stops) + 1
    if lb is None:
        candidates: list[int | None] = [None]
    else:
        candidates = list(range(-1, legs + 1))  # -1 before leaving, legs after returning
        if break_start_s is not None:
            candidates.sort(key=lambda leg: leg != _leg_of(problem, vehicle, stops,
                                                           start_s, break_start_s))
    best: tuple[Times, RouteBreak | None] | None = None
    for leg in candidates:
        timed = _forward_pass(problem, vehicle, stops, start_s, leg, serve_when_closed=False)
        if timed is None:
            continue
        times, lunch = timed
        end_s = times[-1][0]
        if lb is not None and leg == legs:
            lunch_start = max(end_s, lb.earliest_start_s)
            if lunch_start > lb.latest_start_s or lunch_start + lb.duration_s > \
                    vehicle.shift_end_s:
                continue
            lunch = RouteBreak(lunch_start, lb.duration_s)
        if end_s > vehicle.shift_end_s:
            continue
        if vehicle.max_working_s is not None and end_s - times[0][0] > vehicle.max_working_s:
            continue
        if best is None or end_s < best[0][-1][0]:
            best = (times, lunch)
    return best


def _forward_pass(problem: Problem, vehicle: Vehicle, stops: list[Stop], start_s: int,
                  break_leg: int | None, *, serve_when_closed: bool
                  ) -> tuple[Times, RouteBreak | None] | None:
    """Times from ``start_s``, each stop served as early as its windows allow, the break
    on leg ``break_leg`` (-1 before leaving, ``len(stops)`` on the way back; None: no
    break). None when the break does not fit there or a stop's windows have all closed
    (unless ``serve_when_closed``: then the stop is served at the arrival)."""
    lb = vehicle.lunch_break if break_leg is not None else None
    lunch: RouteBreak | None = None
    first_s = start_s
    if lb is not None and break_leg == -1:
        lunch_start = max(lb.earliest_start_s, vehicle.shift_start_s)
        if lunch_start > lb.latest_start_s:
            return None
        lunch = RouteBreak(lunch_start, lb.duration_s)
        first_s = max(start_s, lunch_start + lb.duration_s)
    matrix = problem.matrix
    times = [(first_s, first_s, first_s + problem.site(vehicle.start_site_id).service_s)]
    here = vehicle.start_site_id
    for position, stop in enumerate([*stops, None]):
        departure_s = times[-1][2]
        site_id = stop.site_id if stop is not None else vehicle.end_site_id
        arrival_s = departure_s + matrix.duration(here, site_id)
        if lb is not None and break_leg == position:
            lunch_start = max(departure_s, lb.earliest_start_s)
            if lunch_start > lb.latest_start_s:
                return None
            lunch = RouteBreak(lunch_start, lb.duration_s)
            arrival_s = max(arrival_s, lunch_start) + lb.duration_s
        if stop is None:
            times.append((arrival_s, arrival_s, arrival_s))
        else:
            service_start = earliest_service_start(problem.site(site_id).time_windows,
                                                   arrival_s)
            if service_start is None:
                if not serve_when_closed:
                    return None
                service_start = arrival_s
            times.append((arrival_s, service_start, service_start + stop.service_s))
        here = site_id
    return times, lunch


def _leg_of(problem: Problem, vehicle: Vehicle, stops: list[Stop], start_s: int,
            break_start_s: int) -> int:
    """The leg a solver most likely meant: the first stop whose earliest start is after
    the break's start (a rough guide for trying that leg first)."""
    time_s = start_s + problem.site(vehicle.start_site_id).service_s
    if break_start_s < start_s:
        return -1
    here = vehicle.start_site_id
    for position, stop in enumerate(stops):
        time_s += problem.matrix.duration(here, stop.site_id)
        if break_start_s < time_s:
            return position
        time_s = max(time_s, break_start_s) + stop.service_s
        here = stop.site_id
    return len(stops)


def _route(problem: Problem, vehicle: Vehicle, stops: list[Stop], times: Times,
           lunch: RouteBreak | None) -> Route:
    """The timed visits with what is loaded, handled and unloaded where, and the totals."""
    dims = problem.capacity_dimensions
    route_tasks = list({h.task.task_id: h.task for stop in stops
                        for h in stop.handlings}.values())
    deliveries = [t for t in route_tasks if t.kind is TaskKind.DELIVERY]
    pickups = [t for t in route_tasks if t.kind is TaskKind.PICKUP]
    load = {d: 0 for d in dims}
    for task in deliveries:
        for d, v in task.amount.items():
            load[d] += v
    visits = [Visit(site_id=vehicle.start_site_id, kind=VisitKind.START,
                    arrival_s=times[0][0], start_s=times[0][1], departure_s=times[0][2],
                    waiting_s=0, load_after=dict(load),
                    actions=tuple(Action(t.task_id, ActionKind.LOAD) for t in deliveries))]
    for stop, (arrival_s, start_s, departure_s) in zip(stops, times[1:-1], strict=True):
        for handling in stop.handlings:
            for d, v in handling.amount.items():
                load[d] += v
        visits.append(Visit(site_id=stop.site_id, kind=VisitKind.STOP, arrival_s=arrival_s,
                            start_s=start_s, departure_s=departure_s,
                            waiting_s=start_s - arrival_s, load_after=dict(load),
                            actions=tuple(Action(h.task.task_id, h.action)
                                          for h in stop.handlings)))
    end_s = times[-1][0]
    visits.append(Visit(site_id=vehicle.end_site_id, kind=VisitKind.END, arrival_s=end_s,
                        start_s=end_s, departure_s=end_s, waiting_s=0,
                        load_after={d: 0 for d in dims},
                        actions=tuple(Action(t.task_id, ActionKind.UNLOAD) for t in pickups)))
    matrix = problem.matrix
    distance_m = sum(matrix.distance(a.site_id, b.site_id)
                     for a, b in itertools.pairwise(visits))
    driving_s = sum(matrix.duration(a.site_id, b.site_id)
                    for a, b in itertools.pairwise(visits))
    service_s = problem.site(vehicle.start_site_id).service_s + sum(s.service_s for s in stops)
    cost = distance_m / 1000.0 * vehicle.cost_per_km + vehicle.fixed_cost
    return Route(vehicle_id=vehicle.vehicle_id, visits=tuple(visits), distance_m=distance_m,
                 driving_s=driving_s, service_s=service_s,
                 waiting_s=sum(v.waiting_s for v in visits),
                 duration_s=end_s - visits[0].start_s, cost=cost, lunch_break=lunch)
