"""The bridges between the OR-Tools model and bookrun's pure searches.

Each builds the day the search reads from the model (the same node numbers, legs,
windows, break and loads: `pickup_delivery_day`, `whole_day`), runs the search from the
plan OR-Tools found, reads its routes back into the exact OR-Tools model and polishes
them there by one descent, keeping them only if that model accepts them at no higher
cost (`improve_by_pickup_delivery_search`, `improve_by_day_search`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ortools.constraint_solver import pywrapcp

from routing.options import SolverOptions
from routing.ortools.model import Model
from routing.ortools.search import Search, descend_from_routes
from routing.problem import TaskKind, Vehicle
from routing.search.day_search import Day, DayVehicle, improve_day
from routing.search.pickup_delivery import PickupDeliveryDay
from routing.search.pickup_delivery_search import improve_routes

logger = logging.getLogger(__name__)


def day_search_can_time(vehicles: Sequence[Vehicle]) -> bool:
    """Whether the day search can time these vans' routes: it starts every route at the
    shift's start, so it cannot tell when leaving later keeps a working-time limit."""
    return all(v.max_working_s is None for v in vehicles)


def pickup_delivery_day(model: Model) -> PickupDeliveryDay | None:
    """The day as a `PickupDeliveryDay`, when it has a pure pickup-and-delivery shape
    (every task a required shipment, at most one time window per site and one load
    dimension, no break or working-time limit, identical vans); else None."""
    problem = model.problem
    vehicles = problem.vehicles
    first = vehicles[0]
    if any(v.lunch_break is not None or v.max_working_s is not None
           or (v.start_site_id, v.end_site_id, v.shift_start_s, v.shift_end_s,
               dict(v.capacity), v.cost_per_km, v.fixed_cost)
           != (first.start_site_id, first.end_site_id, first.shift_start_s,
               first.shift_end_s, dict(first.capacity), first.cost_per_km, first.fixed_cost)
           for v in vehicles):
        return None
    if not model.tasks or any(t.kind is not TaskKind.SHIPMENT or not t.required
                              for t in model.tasks):
        return None
    loaded = {dim for node in model.nodes for dim, value in node.amount.items() if value}
    if len(loaded) > 1:
        return None
    dim = next(iter(loaded), None)
    horizon = first.shift_end_s
    ready = [first.shift_start_s] * len(model.nodes)
    due = [horizon] * len(model.nodes)
    for n, node in enumerate(model.nodes):
        if node.is_depot:
            continue
        windows = problem.site(node.site).time_windows
        if len(windows) > 1:
            return None
        if windows:
            ready[n], due[n] = windows[0].start_s, min(windows[0].end_s, horizon)
    distance, duration = model.transit_matrices
    delivery_of = {nodes[0]: nodes[1] for nodes in model.task_nodes.values()}
    return PickupDeliveryDay(
        duration_s=duration.tolist(), distance=model.arc_costs(first, distance).tolist(),
        ready_s=ready, due_s=due,
        load_change_items=[node.amount.get(dim, 0) if dim else 0 for node in model.nodes],
        capacity_items=int(first.capacity.get(dim, 0)) if dim else 0,
        delivery_of=delivery_of, start_node=model.vehicle_start_nodes[0],
        end_node=model.vehicle_end_nodes[0])


def improve_by_pickup_delivery_search(search: Search, assignment: pywrapcp.Assignment,
                                      day: PickupDeliveryDay, *, seed: int,
                                      search_deadline: float, deadline: float,
                                       ) -> tuple[Search, pywrapcp.Assignment, int | None]:
    """Shorter routes by ruin-and-recreate on shipment pairs
    (`routing.search.pickup_delivery_search`) until ``search_deadline``; its routes are read into
    the exact OR-Tools model, improved by one descent until ``deadline`` and kept only if
    that model accepts them at no higher cost. The rounds run, or None when the plan
    leaves a required task out (the search starts from plans that serve every one)."""
    routes = search.routes_of(assignment)
    if search.required_left_out(routes):
        return search, assignment, None
    used = [k for k, route in enumerate(routes) if route]
    improved = improve_routes(day, [routes[k] for k in used], seed=seed,
                              deadline=search_deadline)
    indices = [search.vehicle_indices[k] for k in used[:len(improved.routes)]]
    exact, solution = descend_from_routes(search.model, indices, search.required_penalty,
                                          improved.routes, deadline)
    if solution is None or solution.ObjectiveValue() > assignment.ObjectiveValue():
        logger.debug("pickup-delivery search: OR-Tools did not accept its %d routes",
                     len(improved.routes))
        return search, assignment, improved.rounds
    return exact, solution, improved.rounds


def whole_day(search: Search) -> Day | None:
    """The day of ``search``'s vans as a `routing.search.day_search.Day`: the same node numbers,
    legs, windows, break and loads as the OR-Tools model (see `add_dimensions`). None
    when a van has a working-time limit (`day_search_can_time`)."""
    model = search.model
    if not day_search_can_time(search.vehicles):
        return None
    problem = model.problem
    distance, duration = model.transit_matrices
    horizon = max(v.shift_end_s for v in search.vehicles)
    dims = [dim for dim in problem.capacity_dimensions
            if any(node.amount.get(dim, 0) for node in model.nodes)]
    handling_at_site: dict[str, int] = {}
    for node in model.nodes:
        if not node.is_depot:
            handling_at_site[node.site] = handling_at_site.get(node.site, 0) + \
                node.task_service_s
    windows: list[tuple[tuple[int, int], ...]] = []
    mid_stop_windows: list[tuple[tuple[int, int], ...]] = []
    for node in model.nodes:
        site_windows = [] if node.is_depot else \
            [w for w in problem.site(node.site).time_windows if w.start_s <= horizon]
        if not node.is_depot and problem.site(node.site).time_windows and not site_windows:
            never = ((horizon + 1, horizon + 1),)  # opens after every van has gone home
            windows.append(never)
            mid_stop_windows.append(never)
            continue
        windows.append(tuple((w.start_s, min(w.end_s, horizon)) for w in site_windows))
        # Mid-stop, a node may start late by the stop's other handling (see
        # routing.ortools.model._restrict_to_windows).
        extension_s = 0 if node.is_depot else \
            handling_at_site[node.site] - node.task_service_s
        next_starts = [w.start_s for w in site_windows[1:]] + [horizon + 1][:len(site_windows)]
        mid_stop_windows.append(tuple(
            (w.start_s, min(w.end_s + extension_s, next_start - 1, horizon))
            for w, next_start in zip(site_windows, next_starts, strict=True)))
    penalties = model.node_penalties(search.required_penalty)
    arcs: dict[float, list[list[int]]] = {}
    vehicles = []
    for vehicle, index in zip(search.vehicles, search.vehicle_indices, strict=True):
        if vehicle.cost_per_km not in arcs:
            arcs[vehicle.cost_per_km] = model.arc_costs(vehicle, distance).tolist()
        lunch = vehicle.lunch_break
        vehicles.append(DayVehicle(
            start_node=model.vehicle_start_nodes[index], end_node=model.vehicle_end_nodes[index],
            shift_start_s=vehicle.shift_start_s, shift_end_s=vehicle.shift_end_s,
            capacity=tuple(int(vehicle.capacity[dim]) for dim in dims),
            fixed_cost=model.fixed_cost(vehicle), arc_cost=arcs[vehicle.cost_per_km],
            lunch_break_s=None if lunch is None else (
                lunch.earliest_start_s,
                max(lunch.earliest_start_s, lunch.latest_start_s - model.break_margin_s),
                lunch.duration_s)))
    return Day(
        duration_s=duration.tolist(),
        handling_s=[node.task_service_s for node in model.nodes],
        site_of=[-1 - n if node.is_depot else node.site_row
                 for n, node in enumerate(model.nodes)],
        windows=windows, mid_stop_windows=mid_stop_windows,
        start_load=[tuple(-node.amount.get(dim, 0) if node.task is not None
                          and node.task.kind is TaskKind.DELIVERY else 0 for dim in dims)
                    for node in model.nodes],
        load_change=[tuple(node.amount.get(dim, 0) for dim in dims) for node in model.nodes],
        tasks=[tuple(model.task_nodes[t.task_id]) for t in model.tasks],
        penalty=[int(sum(penalties[n] for n in model.task_nodes[t.task_id]))
                 for t in model.tasks],
        required=[t.required for t in model.tasks],
        neighbours=model.neighbours, vehicles=vehicles)


def improve_by_day_search(search: Search, assignment: pywrapcp.Assignment, *, seed: int,
                          search_deadline: float, deadline: float,
                          options: SolverOptions,
                           ) -> tuple[Search, pywrapcp.Assignment, int | None]:
    """A cheaper plan by ruin-and-recreate under the day's exact rules
    (`routing.search.day_search`) until ``search_deadline``; its routes are read into the exact
    OR-Tools model, improved by one descent until ``deadline`` and kept only if that
    model accepts them at no higher cost. Also returns the rounds run, or None when the
    day has a working-time limit or its rules refuse the plan OR-Tools found (then
    nothing was searched)."""
    routes = search.routes_of(assignment)
    day = whole_day(search)
    if day is None:
        return search, assignment, None
    try:
        improved = improve_day(day, routes, seed=seed, deadline=search_deadline,
                               restarts=options.day_search.restarts,
                               average_removed=options.ruin.average_removed,
                               max_string=options.ruin.max_string,
                               initial_temperature=options.day_search.initial_temperature,
                               final_temperature=options.day_search.final_temperature)
    except ValueError as refused:  # its rules refuse OR-Tools' plan: keep to OR-Tools
        logger.warning("day search skipped: %s", refused)
        return search, assignment, None
    exact, solution = descend_from_routes(search.model, search.vehicle_indices,
                                          search.required_penalty, improved.routes, deadline)
    if solution is None or solution.ObjectiveValue() > assignment.ObjectiveValue():
        logger.debug("day search: OR-Tools did not accept its routes (cost %d against %d)",
                     improved.cost, assignment.ObjectiveValue())
        return search, assignment, improved.rounds
    return exact, solution, improved.rounds
