"""The day as an OR-Tools routing model: `Problem` -> nodes, costs, dimensions.

`build_model` turns the problem's depots and task ends into numbered nodes (`Node`) with
the integer costs and penalties OR-Tools is given (`Model`); `add_dimensions` puts them on
a `RoutingModel`: arc and fixed costs, the time dimension with the sites' windows (the
stop rule of docs/semantics.md), shifts, working-time limits and the lunch break, one
load dimension per capacity dimension, shipments and what leaving a task out costs.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field

import numpy as np
from ortools.constraint_solver import pywrapcp

from routing.problem import Problem, Task, TaskKind, TimeWindow, Vehicle
from routing.result import ActionKind
from routing.schedule import task_ends


@dataclass
class Node:
    """One solver node: a depot, or one end of a task."""

    site: str
    site_row: int  # row in the travel matrix
    task_service_s: int = 0
    site_service_s: int = 0
    is_depot: bool = False
    task: Task | None = None
    action: ActionKind | None = None
    amount: dict[str, int] = field(default_factory=dict)  # signed change of the load


@dataclass
class Model:
    """The problem as numbered nodes (the vans' depots first, then each task's ends) with
    the integer costs and penalties OR-Tools is given; one per search over its tasks."""

    problem: Problem
    nodes: list[Node]
    tasks: list[Task]  # tasks handed to the solver, in node order
    task_nodes: dict[str, list[int]]
    vehicle_start_nodes: list[int]
    vehicle_end_nodes: list[int]
    cost_scale: float  # internal integer cost per unit of problem cost
    required_penalty: int
    longest_leg_cost: float
    largest_fixed_cost: float
    # How far before its latest start a break must be placeable (the largest site
    # service): shared by the whole day's model and every sub-model cut from it.
    break_margin_s: int = 0

    @functools.cached_property
    def task_groups(self) -> tuple[dict[int, int], dict[int, list[int]]]:
        """The task (group number) of each task node, and the nodes of each task."""
        members = dict(enumerate(self.task_nodes.values()))
        group_of = {node: group for group, nodes in members.items() for node in nodes}
        return group_of, members

    @functools.cached_property
    def neighbours(self) -> dict[int, list[int]]:
        """For each task node, the other task nodes from nearest to farthest."""
        task_nodes = [n for n, node in enumerate(self.nodes) if not node.is_depot]
        rows = np.array([self.nodes[n].site_row for n in task_nodes], dtype=np.int64)
        distance = self.problem.matrix.distance_m[np.ix_(rows, rows)]
        order = np.argsort(distance + distance.T, axis=1, kind="stable")
        return {task_nodes[i]: [task_nodes[j] for j in order[i] if j != i]
                for i in range(len(task_nodes))}

    @functools.cached_property
    def fixed_costs_dominate(self) -> bool:
        """Whether a van's fixed cost outweighs a typical route's driving (as in Li & Lim,
        where plans are ranked by vehicles first): then fewer vans is worth a long search."""
        if self.largest_fixed_cost <= 0:
            return False
        distance = self.problem.matrix.distance_m
        task_rows = [n.site_row for n in self.nodes if not n.is_depot]
        if not task_rows:
            return False
        depot_rows = sorted({n.site_row for n in self.nodes if n.is_depot})
        round_trip = float(np.mean(distance[np.ix_(depot_rows, task_rows)])
                           + np.mean(distance[np.ix_(task_rows, depot_rows)]))
        rate = max(v.cost_per_km for v in self.problem.vehicles)
        round_trip_cost = round_trip * rate / 1000.0 * self.cost_scale
        return self.largest_fixed_cost > 5 * round_trip_cost

    @functools.cached_property
    def transit_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """Node-to-node distance (m) and time (s): service of the node left plus driving.
        Computed once per model (every search opened on it, the route costs and the
        pickup-and-delivery day read it); read-only."""
        matrix = self.problem.matrix
        rows = np.array([n.site_row for n in self.nodes], dtype=np.int64)
        distance = matrix.distance_m[np.ix_(rows, rows)].astype(np.int64)
        travel = matrix.duration_s[np.ix_(rows, rows)].astype(np.int64)
        task_service = np.array([n.task_service_s for n in self.nodes], dtype=np.int64)
        site_service = np.array([n.site_service_s for n in self.nodes], dtype=np.int64)
        depot = np.array([n.is_depot for n in self.nodes])
        # A new stop begins when the site changes, or when leaving the start / reaching
        # the end.
        boundary = (rows[:, None] != rows[None, :]) | depot[:, None] | depot[None, :]
        duration = task_service[:, None] + np.where(boundary, site_service[:, None] + travel, 0)
        np.fill_diagonal(duration, 0)
        np.fill_diagonal(distance, 0)
        distance.setflags(write=False)
        duration.setflags(write=False)
        return distance, duration

    def arc_costs(self, vehicle: Vehicle, distance: np.ndarray) -> np.ndarray:
        """Integer cost of each node-to-node leg for ``vehicle``: metres scaled by its rate
        relative to the cheapest (the objective OR-Tools is given)."""
        return np.rint(distance * (vehicle.cost_per_km * self.cost_scale / 1000.0)
                       ).astype(np.int64)

    def fixed_cost(self, vehicle: Vehicle) -> int:
        return round(vehicle.fixed_cost * self.cost_scale)

    def node_penalties(self, required_penalty: int) -> np.ndarray:
        """What leaving each task node out costs; a shipment's price is split over its
        two ends (OR-Tools drops both or neither)."""
        penalties = np.zeros(len(self.nodes), dtype=np.int64)
        for task in self.tasks:
            penalty = required_penalty if task.required else \
                round((task.penalty or 0.0) * self.cost_scale)
            ends = self.task_nodes[task.task_id]
            penalties[ends[0]] = penalty // 2 if len(ends) == 2 else penalty
            if len(ends) == 2:
                penalties[ends[1]] = penalty - penalty // 2
        return penalties


def build_model(problem: Problem, tasks: list[Task], *,
                break_margin_s: int | None = None) -> Model:
    """The model of ``tasks`` (some of the problem's, in node order); a sub-model cut from
    a day's model passes that model's ``break_margin_s``."""
    matrix = problem.matrix
    nodes: list[Node] = []
    depot_node_of_site: dict[str, int] = {}
    for vehicle in problem.vehicles:
        for site_id in (vehicle.start_site_id, vehicle.end_site_id):
            if site_id not in depot_node_of_site:
                depot_node_of_site[site_id] = len(nodes)
                nodes.append(Node(site=site_id, site_row=matrix.index_of(site_id),
                                  site_service_s=problem.site(site_id).service_s,
                                  is_depot=True))
    # OR-Tools lets a break cover a visit that takes no time, so with breaks every
    # task takes at least a second (the plan then shows that second of handling).
    minimum_service_s = 1 if any(v.lunch_break for v in problem.vehicles) else 0
    task_nodes: dict[str, list[int]] = {}
    for task in tasks:
        indices = []
        for site_id, action, change in task_ends(task):
            indices.append(len(nodes))
            nodes.append(Node(site=site_id, site_row=matrix.index_of(site_id),
                              task_service_s=max(task.service_s, minimum_service_s),
                              site_service_s=problem.site(site_id).service_s,
                              task=task, action=action, amount=change))
        task_nodes[task.task_id] = indices

    cost_per_km = [v.cost_per_km for v in problem.vehicles if v.cost_per_km > 0]
    # One internal cost unit is one metre at the cheapest per-km rate.
    cost_scale = 1000.0 / min(cost_per_km) if cost_per_km else 1000.0
    longest_leg = int(matrix.distance_m.max()) if matrix.distance_m.size else 0
    max_rate = max((v.cost_per_km for v in problem.vehicles), default=1.0)
    # Serving a task costs at most a detour to each of its sites and, if it needs a van
    # of its own, that van's fixed cost; a required task is priced far above that, so
    # the search never trades one for distance, yet not so high that the local
    # search's cost filters lose their grip (an astronomical price slows it tenfold).
    longest_leg_cost = longest_leg * max_rate / 1000.0 * cost_scale
    largest_fixed = max((v.fixed_cost for v in problem.vehicles), default=0.0) * cost_scale
    largest_penalty = max((t.penalty or 0.0 for t in tasks), default=0.0) * cost_scale
    required_penalty = int(min(
        100 * (4 * longest_leg_cost + largest_fixed + largest_penalty) + 1000,
        2**52 / max(1, len(tasks))))
    if break_margin_s is None:
        break_margin_s = max((n.site_service_s for n in nodes), default=0)
    return Model(problem, nodes, tasks, task_nodes,
                 [depot_node_of_site[v.start_site_id] for v in problem.vehicles],
                 [depot_node_of_site[v.end_site_id] for v in problem.vehicles],
                 cost_scale, required_penalty, longest_leg_cost, largest_fixed,
                 break_margin_s)


def add_dimensions(model: Model, manager: pywrapcp.RoutingIndexManager,
                   routing: pywrapcp.RoutingModel, vehicles: list[Vehicle],
                   required_penalty: int) -> pywrapcp.RoutingDimension:
    """Put the model on ``routing`` for ``vehicles``: costs, time, capacity, shipments and
    the price of leaving a task out; returns the time dimension."""
    problem = model.problem
    distance, duration = model.transit_matrices

    # Arc costs: integer metres, scaled by each vehicle's rate relative to the cheapest.
    evaluators: dict[float, int] = {}
    for vehicle_index, vehicle in enumerate(vehicles):
        if vehicle.cost_per_km not in evaluators:
            evaluators[vehicle.cost_per_km] = routing.RegisterTransitMatrix(
                model.arc_costs(vehicle, distance).tolist())
        routing.SetArcCostEvaluatorOfVehicle(evaluators[vehicle.cost_per_km], vehicle_index)
        routing.SetFixedCostOfVehicle(model.fixed_cost(vehicle), vehicle_index)

    # Time.
    time_callback = routing.RegisterTransitMatrix(duration.tolist())
    horizon = max(v.shift_end_s for v in vehicles)
    routing.AddDimension(time_callback, horizon, horizon, False, "time")
    time_dimension = routing.GetDimensionOrDie("time")
    solver = routing.solver()
    nodes_at_site: dict[str, list[int]] = {}
    for node_index, node in enumerate(model.nodes):
        if not node.is_depot:
            nodes_at_site.setdefault(node.site, []).append(node_index)
    for node_index, node in enumerate(model.nodes):
        if node.is_depot:
            continue
        index = manager.NodeToIndex(node_index)
        windows = [w for w in problem.site(node.site).time_windows if w.start_s <= horizon]
        if problem.site(node.site).time_windows and not windows:
            # Opens after every van of this search has gone home.
            routing.ActiveVar(index).SetValue(0)
            continue
        if windows:
            _restrict_to_windows(model, manager, routing, time_dimension, node_index,
                                 nodes_at_site[node.site], windows, horizon, solver)
    node_visit_transits = [n.task_service_s for n in model.nodes]
    for vehicle_index, vehicle in enumerate(vehicles):
        start = routing.Start(vehicle_index)
        end = routing.End(vehicle_index)
        time_dimension.CumulVar(start).SetRange(vehicle.shift_start_s, vehicle.shift_end_s)
        time_dimension.CumulVar(end).SetRange(vehicle.shift_start_s, vehicle.shift_end_s)
        if vehicle.max_working_s is not None:
            time_dimension.SetSpanUpperBoundForVehicle(vehicle.max_working_s, vehicle_index)
        if vehicle.lunch_break is not None:
            lb = vehicle.lunch_break
            # Leave room to move the break past the site service of the stop it follows.
            latest = max(lb.earliest_start_s, lb.latest_start_s - model.break_margin_s)
            interval = solver.FixedDurationIntervalVar(
                lb.earliest_start_s, latest, lb.duration_s, False,
                f"break {vehicle.vehicle_id}")
            time_dimension.SetBreakIntervalsOfVehicle([interval], vehicle_index,
                                                      node_visit_transits)

    _add_capacity(model, manager, routing, vehicles)

    # Shipments: both ends on the same van, pickup first.
    penalties = model.node_penalties(required_penalty)
    for task in model.tasks:
        indices = [manager.NodeToIndex(n) for n in model.task_nodes[task.task_id]]
        if task.kind is TaskKind.SHIPMENT:
            pickup, delivery = indices
            # OR-Tools keeps a pair on one route, pickup first; adding the same as CP
            # constraints (as its examples do) only slows the local search.
            routing.AddPickupAndDelivery(pickup, delivery)
            if not task.required:
                # ... but its descents can leave out one end of an optional shipment
                # (seen with a penalty of 0), which would ship half a task.
                solver.Add(routing.ActiveVar(pickup) == routing.ActiveVar(delivery))
        for node_number, index in zip(model.task_nodes[task.task_id], indices, strict=True):
            routing.AddDisjunction([index], int(penalties[node_number]))
    # Depots of vehicles left out of this search are not places to visit.
    in_use = {manager.IndexToNode(routing.Start(v)) for v in range(len(vehicles))} | {
        manager.IndexToNode(routing.End(v)) for v in range(len(vehicles))}
    for node_index, node in enumerate(model.nodes):
        if node.is_depot and node_index not in in_use:
            routing.AddDisjunction([manager.NodeToIndex(node_index)], 0)
    return time_dimension


def _restrict_to_windows(model: Model, manager: pywrapcp.RoutingIndexManager,
                         routing: pywrapcp.RoutingModel,
                         time_dimension: pywrapcp.RoutingDimension, node_index: int,
                         site_nodes: list[int], windows: list[TimeWindow], horizon: int,
                         solver: pywrapcp.Solver) -> None:
    """Keep a task node's service start where docs/semantics.md allows it.

    Only a stop's start must lie inside a window. A node that follows another task at
    the same site is in the middle of a stop and starts that stop's earlier handling
    later, so its own start may run past the window's end by up to the other tasks'
    handling there; a node that opens a stop must start inside a window.
    """
    index = manager.NodeToIndex(node_index)
    cumul = time_dimension.CumulVar(index)
    others = [n for n in site_nodes if n != node_index]
    extension_s = sum(model.nodes[n].task_service_s for n in others)
    if extension_s == 0:
        cumul.SetRange(windows[0].start_s, min(windows[-1].end_s, horizon))
        for before, after in itertools.pairwise(windows):
            cumul.RemoveInterval(before.end_s + 1, after.start_s - 1)
        return
    cumul.SetRange(windows[0].start_s, min(windows[-1].end_s + extension_s, horizon))
    for before, after in itertools.pairwise(windows):
        if before.end_s + extension_s + 1 <= after.start_s - 1:
            cumul.RemoveInterval(before.end_s + extension_s + 1, after.start_s - 1)
    # Whether the node directly follows another task node at its site (mid-stop).
    mid_stop = solver.Max([routing.NextVar(manager.NodeToIndex(n)) == index
                           for n in others])
    next_starts = [w.start_s for w in windows[1:]] + [horizon + 1]
    for window, next_start_s in zip(windows, next_starts, strict=True):
        late_to = min(window.end_s + extension_s, next_start_s - 1)
        if window.end_s + 1 > late_to:
            continue
        # Opening a stop late, after this window and before the next: not allowed.
        solver.Add(solver.Max([mid_stop, cumul <= window.end_s,
                               cumul >= late_to + 1]) == 1)


def _add_capacity(model: Model, manager: pywrapcp.RoutingIndexManager,
                  routing: pywrapcp.RoutingModel, vehicles: list[Vehicle]) -> None:
    """One dimension per capacity dimension; see docs/semantics.md for the load rules."""
    problem = model.problem
    solver = routing.solver()
    for dim in problem.capacity_dimensions:
        changes = [n.amount.get(dim, 0) for n in model.nodes]
        if not any(changes):
            continue
        capacities = [int(v.capacity[dim]) for v in vehicles]
        has_hub_delivery = any(n.task is not None and n.task.kind is TaskKind.DELIVERY
                               and n.amount.get(dim, 0) for n in model.nodes)
        has_hub_pickup = any(n.task is not None and n.task.kind is TaskKind.PICKUP
                             and n.amount.get(dim, 0) for n in model.nodes)
        load_callback = routing.RegisterUnaryTransitVector(changes)
        # Deliveries from the hub are on board from the start: the start load is free
        # and forced to equal them by requiring the end load to be the hub pickups.
        routing.AddDimensionWithVehicleCapacity(load_callback, 0, capacities,
                                                not has_hub_delivery, f"load:{dim}")
        load = routing.GetDimensionOrDie(f"load:{dim}")
        if not has_hub_delivery:
            continue
        if not has_hub_pickup:
            for vehicle_index in range(len(vehicles)):
                load.CumulVar(routing.End(vehicle_index)).SetValue(0)
            continue
        pickups = [n.amount.get(dim, 0) if n.task is not None
                   and n.task.kind is TaskKind.PICKUP else 0 for n in model.nodes]
        pickup_callback = routing.RegisterUnaryTransitVector(pickups)
        routing.AddDimensionWithVehicleCapacity(pickup_callback, 0, capacities, True,
                                                f"hub-pickups:{dim}")
        picked = routing.GetDimensionOrDie(f"hub-pickups:{dim}")
        for vehicle_index in range(len(vehicles)):
            end = routing.End(vehicle_index)
            solver.Add(load.CumulVar(end) == picked.CumulVar(end))
