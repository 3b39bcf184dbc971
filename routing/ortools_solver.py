"""Solve a `Problem` with OR-Tools routing: the only module that imports ortools.

Node indices, the `RoutingIndexManager` and internal integer costs never leave this
module: `solve` returns a `Plan` in site, vehicle and task ids. The timing model is the
one in docs/semantics.md, which `routing.verify` checks independently.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import multiprocessing
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.feasibility import lone_task_reason
from routing.options import FIRST_SOLUTIONS, METAHEURISTICS, SolverOptions
from routing.problem import Problem, Task, TaskKind, TimeWindow, Vehicle
from routing.result import (
    ActionKind,
    Plan,
    PlanStatus,
    Route,
    Unassigned,
    UnassignedReason,
)
from routing.schedule import Handling, route_from_stops, stops_of, task_ends
from routing.search.annealing import acceptance_threshold, temperature
from routing.search.day_search import Day, DayVehicle, improve_day
from routing.search.pickup_delivery import PickupDeliveryDay
from routing.search.pickup_delivery_search import improve_routes
from routing.search.route_minimiser import minimise_routes
from routing.search.ruin import route_removal, string_removal

logger = logging.getLogger(__name__)

_FIRST_SOLUTION = {name: getattr(routing_enums_pb2.FirstSolutionStrategy, name.upper())
                   for name in FIRST_SOLUTIONS}
_METAHEURISTIC = {name: getattr(routing_enums_pb2.LocalSearchMetaheuristic, name.upper())
                  for name in METAHEURISTICS}


@dataclass
class _Node:
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
class _Model:
    problem: Problem
    nodes: list[_Node]
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


@dataclass
class _Search:
    """One OR-Tools routing model over some of the problem's vehicles."""

    model: _Model
    vehicles: list[Vehicle]
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    time_dimension: pywrapcp.RoutingDimension
    vehicle_indices: list[int]  # each vehicle's index in the problem
    required_penalty: int
    searched: bool = False

    def solve_from(self, start: pywrapcp.Assignment,
                   params: object) -> pywrapcp.Assignment | None:
        self.searched = True
        return self.routing.SolveFromAssignmentWithParameters(start, params)

    def routes_of(self, solution: pywrapcp.Assignment) -> list[list[int]]:
        """Each vehicle's task nodes in visiting order."""
        routes = []
        for vehicle in range(len(self.vehicles)):
            index = solution.Value(self.routing.NextVar(self.routing.Start(vehicle)))
            route = []
            while not self.routing.IsEnd(index):
                route.append(self.manager.IndexToNode(index))
                index = solution.Value(self.routing.NextVar(index))
            routes.append(route)
        return routes

    def assignment_from(self, routes: list[list[int]]) -> pywrapcp.Assignment | None:
        """A starting assignment from routes of task nodes; absent nodes unperformed."""
        # OR-Tools takes routes as solver indices, which differ from node numbers as soon
        # as a van ends at a site where no van starts.
        routes = [[self.manager.NodeToIndex(n) for n in route] for route in routes]
        # OR-Tools reads routes by propagation only before the model's first search
        # (afterwards that search's expired limit makes the read fail); after it, the
        # routes are written into an assignment that the next search restores.
        if not self.searched:
            return self.routing.ReadAssignmentFromRoutes(routes, True)
        start = self.routing.solver().Assignment()
        start.Add([self.routing.NextVar(i) for i in range(self.routing.Size())])
        if not self.routing.RoutesToAssignment(routes, True, True, start):
            return None
        return start

    def unperformed_required(self, solution: pywrapcp.Assignment) -> int:
        return self.required_left_out(self.routes_of(solution))

    def required_left_out(self, routes: list[list[int]]) -> int:
        """How many required task nodes ``routes`` (from `routes_of`) leave out."""
        served = {n for route in routes for n in route}
        return sum(1 for n, node in enumerate(self.model.nodes)
                   if node.task is not None and node.task.required and n not in served)


def _open_search(model: _Model, vehicle_indices: list[int], required_penalty: int, *,
                 close: bool = False) -> _Search:
    """Build the OR-Tools model; ``close`` it when starting from given routes."""
    vehicles = [model.problem.vehicles[i] for i in vehicle_indices]
    manager = pywrapcp.RoutingIndexManager(
        len(model.nodes), len(vehicles),
        [model.vehicle_start_nodes[i] for i in vehicle_indices],
        [model.vehicle_end_nodes[i] for i in vehicle_indices])
    routing = pywrapcp.RoutingModel(manager)
    time_dimension = _add_dimensions(model, manager, routing, vehicles, required_penalty)
    if close:
        routing.CloseModelWithParameters(pywrapcp.DefaultRoutingSearchParameters())
    return _Search(model, vehicles, manager, routing, time_dimension,
                   list(vehicle_indices), required_penalty)


def solve(problem: Problem, *, time_limit_s: float, seed: int = 0,
          solution_limit: int | None = None,
          options: SolverOptions | None = None, workers: int = 1) -> Plan:
    """Plan the problem's tasks onto its vehicles.

    Parameters
    ----------
    problem
        The day's problem.
    time_limit_s
        Wall-clock budget for the search (seconds, > 0).
    seed
        Changes the order in which OR-Tools meets the tasks; the same problem, seed
        and ``solution_limit`` give the same plan.
    solution_limit
        Stop after this many improving solutions (makes runs reproducible whatever
        the machine's speed).
    options
        Search strategy; see `SolverOptions`.
    workers
        Independent searches run side by side in forked processes (one thread each,
        different seeds and first solutions); the cheapest plan wins. 1 searches in
        this process.

    Returns
    -------
    Plan
        Routes in ids, and every task not served with its reason. An infeasible day
        is a plan with status ``partial``, never an exception.

    Raises
    ------
    ValueError
        When ``time_limit_s`` or ``solution_limit`` is not positive.
    """
    if not (isinstance(time_limit_s, int | float) and math.isfinite(time_limit_s)
            and time_limit_s > 0):
        msg = f"solve argument 'time_limit_s': must be a positive number, got {time_limit_s!r}"
        raise ValueError(msg)
    if solution_limit is not None and solution_limit < 1:
        msg = f"solve argument 'solution_limit': must be >= 1, got {solution_limit!r}"
        raise ValueError(msg)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        msg = f"solve argument 'workers': must be an integer >= 1, got {workers!r}"
        raise ValueError(msg)
    options = options or SolverOptions()
    if workers > 1:
        return _solve_portfolio(problem, time_limit_s=time_limit_s, seed=seed,
                                solution_limit=solution_limit, options=options,
                                workers=workers)
    started = time.perf_counter()

    unassigned: list[Unassigned] = []
    solvable: list[Task] = []
    for task in _ordered_tasks(problem.tasks, seed):
        reason = lone_task_reason(problem, task)
        if reason is None:
            solvable.append(task)
        else:
            unassigned.append(Unassigned(task.task_id, reason[0], reason[1]))

    if not problem.vehicles:
        unassigned.extend(Unassigned(t.task_id, UnassignedReason.NO_VEHICLE_IN_TIME,
                                     "the problem has no vehicle") for t in solvable)
        return _finish(problem, [], unassigned, started, {"engine": "ortools"})

    model = _build_model(problem, solvable)
    all_vehicles = list(range(len(problem.vehicles)))
    search = _open_search(model, all_vehicles, model.required_penalty)

    deadline = started + time_limit_s
    has_shipments = any(t.kind is TaskKind.SHIPMENT for t in solvable)
    first_solution = options.first_phase.first_solution
    if first_solution == "automatic":
        first_solution = "parallel_cheapest_insertion" if has_shipments else "savings"
    run_iterated = options.iterated.iterations != 0 and (
        solution_limit is None or options.iterated.iterations is not None)
    minimise_fleet = run_iterated and options.iterated.iterations is None and \
        len(problem.vehicles) > 1 and model.fixed_costs_dominate
    # Days of few routes go to the day search, unless a van has a working-time limit.
    day_search = run_iterated and options.day_search.enabled and \
        options.iterated.iterations is None and _day_search_can_time(problem.vehicles)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = _FIRST_SOLUTION[first_solution]
    params.local_search_metaheuristic = _METAHEURISTIC[options.first_phase.metaheuristic]
    params.guided_local_search_lambda_coefficient = options.first_phase.guided_local_search_lambda
    if solution_limit is not None:
        params.solution_limit = solution_limit
    params.log_search = options.first_phase.log_search
    for key, value in options.first_phase.extra_parameters.items():
        _set_parameter(params, key, value)

    search.searched = True
    first = None
    if options.first_phase.first_solution == "automatic" and solution_limit is None:
        # With shipments no construction is reliably best (parallel cheapest insertion
        # can block a pair behind two tasks) and each takes milliseconds: build one plan
        # with each and improve the cheapest. Without shipments savings is kept: on
        # Solomon a cheaper first plan was not a better start (1.49 % against 1.37 %).
        probed = _cheapest_first_solution(
            search, time_limit_s * 0.05,
            _PROBED_FIRST_SOLUTIONS if has_shipments else ("savings",))
        if probed is not None:
            first_solution, first = probed
    # Many short routes: a repair of a few routes is a small model, so the iterated
    # search gets most of the time; few long routes: guided local search gets half.
    many_routes = first is not None and _repairs_locally(options, search, first)
    share = 1.0
    if run_iterated:
        share = options.fleet.metaheuristic_share if minimise_fleet else \
            options.local_repair.metaheuristic_share if many_routes else \
            options.day_search.metaheuristic_share if day_search else \
            options.first_phase.metaheuristic_share
    params.time_limit.FromMilliseconds(
        max(1, int((started + time_limit_s * share - time.perf_counter()) * 1000)))
    if first is not None:
        # Kept aside: the search's own solution objects are reused by the next solve,
        # and a search that runs out of time before its first step returns nothing.
        kept = search.routing.solver().Assignment(first)
        assignment = search.routing.SolveFromAssignmentWithParameters(first, params) or kept
    else:
        assignment = search.routing.SolveWithParameters(params)
    solver_info: dict[str, object] = {
        "engine": "ortools",
        "first_solution": first_solution,
        "metaheuristic": options.first_phase.metaheuristic,
        "seed": seed,
        "time_limit_s": time_limit_s,
        "solution_limit": solution_limit,
    }
    if assignment is None:
        unassigned.extend(Unassigned(t.task_id, UnassignedReason.NO_ROOM_IN_PLAN,
                                     "the solver found no plan within its time limit")
                          for t in solvable)
        return _finish(problem, [], unassigned, started, solver_info, no_solution=True)
    # A pure pickup-and-delivery day is also searched without OR-Tools (below).
    search_pairs = run_iterated and options.iterated.iterations is None and \
        options.pickup_delivery.enabled
    day = _pickup_delivery_day(model) \
        if (minimise_fleet and options.fleet.ejection_pool) or search_pairs else None
    if minimise_fleet:
        fleet_deadline = started + time_limit_s * options.fleet.time_share
        if day is not None and options.fleet.ejection_pool:
            search, assignment = _minimise_routes_by_ejection(
                search, assignment, day, seed=seed, deadline=fleet_deadline,
                attempt_s=time_limit_s * options.fleet.attempt_share, repair_deadline=deadline)
            solver_info["fleet_minimiser"] = "ejection pool"
        else:
            search, assignment = _minimise_fleet(
                search, assignment, all_vehicles, options, seed=seed,
                deadline=fleet_deadline, attempt_s=time_limit_s * options.fleet.attempt_share)
            solver_info["fleet_minimiser"] = "ortools"
        solver_info["vehicles_available"] = len(search.vehicles)
    if search_pairs and day is not None:
        search, assignment, rounds = _improve_by_pickup_delivery_search(
            search, assignment, day, seed=seed,
            search_deadline=deadline - time_limit_s * options.handback_share,
            deadline=deadline)
        if rounds is not None:
            run_iterated = False
            solver_info["iterated_rounds"] = rounds
            solver_info["iterated_repair"] = "pickup-delivery ruin and recreate"
    day_rounds = None
    if day_search and run_iterated and not _repairs_locally(options, search, assignment):
        search, assignment, day_rounds = _improve_by_day_search(
            search, assignment, seed=seed,
            search_deadline=deadline - time_limit_s * options.handback_share,
            deadline=deadline, options=options)
    if day_rounds is not None:
        solver_info["iterated_rounds"] = day_rounds
        solver_info["iterated_repair"] = "day ruin and recreate"
    elif run_iterated:
        # A model closed for plain descent repairs several times faster than the one
        # the metaheuristic ran on.
        current_indices = [problem.vehicles.index(v) for v in search.vehicles]
        current_routes = search.routes_of(assignment)
        keep = _vans_kept(current_routes, search.required_left_out(current_routes) > 0,
                          options.iterated.spare_vehicles)
        fresh, restarted = _descend_from_routes(
            model, [current_indices[k] for k in keep], model.required_penalty,
            [current_routes[k] for k in keep], deadline)
        if restarted is not None and restarted.ObjectiveValue() <= assignment.ObjectiveValue():
            search, assignment = fresh, restarted
        local_repair = _repairs_locally(options, search, assignment)
        iterate = _local_iterated_search if local_repair else _iterated_local_search
        assignment, rounds = iterate(search, assignment, options, seed=seed, deadline=deadline)
        solver_info["iterated_rounds"] = rounds
        solver_info["iterated_repair"] = "local" if local_repair else "whole day"

    routes, dropped = _extract(search, assignment)
    for task in dropped:
        if task.required:
            unassigned.append(Unassigned(
                task.task_id, UnassignedReason.NO_ROOM_IN_PLAN,
                "every van could serve it alone, but not together with the rest of the day"))
        else:
            unassigned.append(Unassigned(
                task.task_id, UnassignedReason.NOT_WORTH_DETOUR,
                f"optional: serving it would cost more than its penalty {task.penalty:g}"))
    return _finish(problem, routes, unassigned, started, solver_info)


def _descend_from_routes(model: _Model, vehicle_indices: list[int], required_penalty: int,
                         routes: list[list[int]], deadline: float
                         ) -> tuple[_Search, pywrapcp.Assignment | None]:
    """A model of these vans closed for plain descent (several times faster than the one
    a metaheuristic ran on) and one greedy descent from ``routes`` until ``deadline``;
    None when OR-Tools cannot read the routes or the descent returns nothing."""
    search = _open_search(model, vehicle_indices, required_penalty, close=True)
    start = search.assignment_from(routes)
    if start is None:
        return search, None
    descent = pywrapcp.DefaultRoutingSearchParameters()
    descent.local_search_metaheuristic = _METAHEURISTIC["greedy_descent"]
    descent.time_limit.FromMilliseconds(max(1, int((deadline - time.perf_counter()) * 1000)))
    return search, search.solve_from(start, descent)


def _vans_kept(routes: Sequence[Sequence[int]], leaves_required_out: bool,
               spare_vehicles: int) -> list[int]:
    """Which of the search's vans (positions in ``routes``) the iterated search keeps:
    every used one and ``spare_vehicles`` unused ones, or every unused one while the plan
    leaves a required task out (it may need a van of its own that the first plan left
    empty)."""
    used = [k for k, route in enumerate(routes) if route]
    spare = [k for k, route in enumerate(routes) if not route]
    if not leaves_required_out:
        spare = spare[:spare_vehicles]
    return sorted(used + spare)


def _repairs_locally(options: SolverOptions, search: _Search,
                     assignment: pywrapcp.Assignment) -> bool:
    """Whether ruin-and-repair rounds search small models of a few routes: on days of
    several routes (with two, a small model would be the whole day anyway)."""
    used = sum(1 for route in search.routes_of(assignment) if route)
    min_routes, _ = options.local_repair.shape(search.model.fixed_costs_dominate)
    return options.local_repair.enabled and used >= min_routes


_PROBED_FIRST_SOLUTIONS = ("savings", "parallel_cheapest_insertion",
                           "local_cheapest_insertion", "global_cheapest_arc")


def _cheapest_first_solution(search: _Search, limit_each_s: float, names: Sequence[str]
                             ) -> tuple[str, pywrapcp.Assignment] | None:
    """The cheapest first plan among a few OR-Tools constructions (no local search)."""
    best: tuple[str, pywrapcp.Assignment] | None = None
    for name in names:
        probe = pywrapcp.DefaultRoutingSearchParameters()
        probe.first_solution_strategy = _FIRST_SOLUTION[name]
        probe.solution_limit = 1
        probe.time_limit.FromMilliseconds(max(1, int(limit_each_s * 1000)))
        found = search.routing.SolveWithParameters(probe)
        if found is not None and (best is None
                                  or found.ObjectiveValue() < best[1].ObjectiveValue()):
            best = (name, found)
    return best


def _minimise_fleet(search: _Search, assignment: pywrapcp.Assignment,
                    vehicle_indices: list[int], options: SolverOptions, *, seed: int,
                    deadline: float, attempt_s: float) -> tuple[_Search, pywrapcp.Assignment]:
    """Try the day with one van fewer, again and again, while it lowers the cost.

    Each try removes the smallest route and searches a model without that van in
    which a required task may stay out at a moderate price, until every task is back
    in (success: that fleet becomes the plan's) or ``attempt_s`` passes (then the
    fleet stays as it is, and the time left goes to shortening the routes).
    """
    model = search.model
    best_search, best = search, assignment
    best_indices = list(vehicle_indices)
    # Above a van's fixed cost, or emptying a route would pay; below the hard price.
    soft_penalty = max(1, int(model.longest_leg_cost * 3 + model.largest_fixed_cost))
    tries = 0
    while time.perf_counter() < deadline:
        routes = best_search.routes_of(best)
        used = [(index, route) for index, route in zip(best_indices, routes, strict=True)
                if route]
        if len(used) <= 1:
            break
        smallest = min(range(len(used)), key=lambda k: len(used[k][1]))
        kept = [pair for k, pair in enumerate(used) if k != smallest]
        indices = [index for index, _ in kept]
        tries += 1
        attempt_deadline = min(deadline, time.perf_counter() + attempt_s)
        soft, first = _descend_from_routes(model, indices, soft_penalty,
                                           [route for _, route in kept], attempt_deadline)
        if first is None:
            break
        candidate = first
        if soft.unperformed_required(first):
            iterate = _local_iterated_search if _repairs_locally(options, soft, first) \
                else _iterated_local_search
            candidate, _ = iterate(soft, first, options, seed=seed + tries,
                                   deadline=attempt_deadline, until_all_required=True)
        if soft.unperformed_required(candidate):
            break
        hard, solution = _descend_from_routes(model, indices, model.required_penalty,
                                              soft.routes_of(candidate), deadline)
        if solution is None or solution.ObjectiveValue() >= best.ObjectiveValue():
            break
        best_search, best, best_indices = hard, solution, indices
    logger.debug("fleet minimisation: %d tries, %d vehicles left", tries, len(best_indices))
    return best_search, best


def _pickup_delivery_day(model: _Model) -> PickupDeliveryDay | None:
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


def _minimise_routes_by_ejection(search: _Search, assignment: pywrapcp.Assignment,
                                 instance: PickupDeliveryDay, *, seed: int, deadline: float,
                                 attempt_s: float, repair_deadline: float,
                                 ) -> tuple[_Search, pywrapcp.Assignment]:
    """Fewer vans by the ejection-pool minimiser (`routing.search.route_minimiser`); its routes
    are read into the exact OR-Tools model and kept only if that model accepts them and
    they cost less."""
    routes = search.routes_of(assignment)
    if search.required_left_out(routes):
        return search, assignment
    used = [k for k, route in enumerate(routes) if route]
    fewer = minimise_routes(instance, [routes[k] for k in used], seed=seed,
                            deadline=deadline, attempt_s=attempt_s)
    if len(fewer) >= len(used):
        return search, assignment
    indices = [search.vehicle_indices[k] for k in used[:len(fewer)]]
    hard, solution = _descend_from_routes(search.model, indices, search.required_penalty,
                                          fewer, repair_deadline)
    if solution is None or solution.ObjectiveValue() >= assignment.ObjectiveValue():
        logger.debug("ejection pool: OR-Tools did not accept or improve the %d routes",
                     len(fewer))
        return search, assignment
    logger.debug("ejection pool: %d vans instead of %d", len(fewer), len(used))
    return hard, solution


def _improve_by_pickup_delivery_search(search: _Search, assignment: pywrapcp.Assignment,
                                       day: PickupDeliveryDay, *, seed: int,
                                       search_deadline: float, deadline: float,
                                       ) -> tuple[_Search, pywrapcp.Assignment, int | None]:
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
    exact, solution = _descend_from_routes(search.model, indices, search.required_penalty,
                                           improved.routes, deadline)
    if solution is None or solution.ObjectiveValue() > assignment.ObjectiveValue():
        logger.debug("pickup-delivery search: OR-Tools did not accept its %d routes",
                     len(improved.routes))
        return search, assignment, improved.rounds
    return exact, solution, improved.rounds


def _day_search_can_time(vehicles: Sequence[Vehicle]) -> bool:
    """Whether the day search can time these vans' routes: it starts every route at the
    shift's start, so it cannot tell when leaving later keeps a working-time limit."""
    return all(v.max_working_s is None for v in vehicles)


def _whole_day(search: _Search) -> Day | None:
    """The day of ``search``'s vans as a `routing.search.day_search.Day`: the same node numbers,
    legs, windows, break and loads as the OR-Tools model (see `_add_dimensions`). None
    when a van has a working-time limit (`_day_search_can_time`)."""
    model = search.model
    if not _day_search_can_time(search.vehicles):
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
        # Mid-stop, a node may start late by the stop's other handling (_restrict_to_windows).
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


def _improve_by_day_search(search: _Search, assignment: pywrapcp.Assignment, *, seed: int,
                           search_deadline: float, deadline: float,
                           options: SolverOptions,
                           ) -> tuple[_Search, pywrapcp.Assignment, int | None]:
    """A cheaper plan by ruin-and-recreate under the day's exact rules
    (`routing.search.day_search`) until ``search_deadline``; its routes are read into the exact
    OR-Tools model, improved by one descent until ``deadline`` and kept only if that
    model accepts them at no higher cost. Also returns the rounds run, or None when the
    day has a working-time limit or its rules refuse the plan OR-Tools found (then
    nothing was searched)."""
    routes = search.routes_of(assignment)
    day = _whole_day(search)
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
    exact, solution = _descend_from_routes(search.model, search.vehicle_indices,
                                           search.required_penalty, improved.routes, deadline)
    if solution is None or solution.ObjectiveValue() > assignment.ObjectiveValue():
        logger.debug("day search: OR-Tools did not accept its routes (cost %d against %d)",
                     improved.cost, assignment.ObjectiveValue())
        return search, assignment, improved.rounds
    return exact, solution, improved.rounds


_PORTFOLIO: dict[str, object] = {}


def _portfolio_member(member: int) -> Plan:
    problem = _PORTFOLIO["problem"]
    assert isinstance(problem, Problem)
    kwargs = _PORTFOLIO["kwargs"]
    assert isinstance(kwargs, dict)
    options = kwargs["options"]
    seed = kwargs["seed"] + member
    if member % 2 == 1 and options.first_phase.first_solution == "automatic":
        options = replace(options, first_phase=replace(options.first_phase,
                                                       first_solution="savings"))
    return solve(problem, time_limit_s=kwargs["time_limit_s"], seed=seed,
                 solution_limit=kwargs["solution_limit"], options=options)


def _solve_portfolio(problem: Problem, *, time_limit_s: float, seed: int,
                     solution_limit: int | None, options: SolverOptions,
                     workers: int) -> Plan:
    """Several single-threaded searches in forked processes; the cheapest plan wins."""
    started = time.perf_counter()
    _PORTFOLIO["problem"] = problem
    _PORTFOLIO["kwargs"] = {"time_limit_s": max(0.05, time_limit_s - 0.05), "seed": seed,
                            "solution_limit": solution_limit, "options": options}
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            plans = pool.map(_portfolio_member, range(workers))
    finally:
        _PORTFOLIO.clear()

    def rank(plan: Plan) -> tuple[int, int, float]:
        required_missing = sum(1 for u in plan.unassigned if problem.task(u.task_id).required)
        return (plan.status is PlanStatus.NO_SOLUTION, required_missing, plan.cost)

    best = min(plans, key=rank)
    solver = dict(best.solver)
    solver["workers"] = workers
    solver["member_costs"] = [round(p.cost, 6) for p in plans]
    return replace(best, runtime_s=time.perf_counter() - started, solver=solver)


def _progress(options: SolverOptions, rounds: int, started: float, stop_at: float,
              deadline: float) -> float | None:
    """How far the iterated search is (0 to 1), or None when it must stop."""
    now = time.perf_counter()
    if options.iterated.iterations is not None:
        if rounds >= options.iterated.iterations or now >= deadline:
            return None
        return rounds / max(1, options.iterated.iterations)
    if now >= stop_at:
        return None
    return (now - started) / max(stop_at - started, 1e-9)


def _ruin(model: _Model, routes: Sequence[Sequence[int]], options: SolverOptions,
          rng: np.random.Generator, use_route_removal: bool) -> set[int]:
    """The nodes one round takes out: a short route now and then, else SISR strings."""
    group_of, members = model.task_groups
    if use_route_removal and rng.random() < options.ruin.route_removal_probability:
        return route_removal(routes, group_of, members, rng)
    return string_removal(routes, model.neighbours, group_of, members, rng,
                          average_removed=options.ruin.average_removed,
                          max_string=options.ruin.max_string)


def _acceptance_threshold(options: SolverOptions, current_cost: float, progress: float,
                          rng: np.random.Generator) -> float:
    """How much worse a repaired plan may be and still be kept (simulated annealing)."""
    return acceptance_threshold(current_cost, temperature(
        progress, options.iterated.initial_temperature, options.iterated.final_temperature), rng)


def _iterated_local_search(search: _Search, assignment: pywrapcp.Assignment,
                           options: SolverOptions, *, seed: int, deadline: float,
                           until_all_required: bool = False,
                           ) -> tuple[pywrapcp.Assignment, int]:
    """Ruin and repair rounds until the deadline (or ``options.iterated.iterations`` rounds).

    With ``until_all_required``, returns as soon as a new best solution serves every
    required task.
    """
    model = search.model
    rng = np.random.default_rng(seed)
    task_nodes = [n for n, node in enumerate(model.nodes) if not node.is_depot]
    if not task_nodes:
        return assignment, 0
    use_route_removal = options.ruin.route_removal_always or any(
        v.fixed_cost > 0 for v in search.vehicles)

    repair = pywrapcp.DefaultRoutingSearchParameters()
    repair.local_search_metaheuristic = _METAHEURISTIC["greedy_descent"]

    best = assignment
    best_cost = current_cost = assignment.ObjectiveValue()
    current_routes = search.routes_of(assignment)
    started = time.perf_counter()
    rounds = failed = 0
    while True:
        progress = _progress(options, rounds, started, deadline - 0.01, deadline)
        if progress is None:
            break
        rounds += 1
        removed = _ruin(model, current_routes, options, rng, use_route_removal)
        start = search.assignment_from(
            [[n for n in route if n not in removed] for route in current_routes])
        if start is None:
            failed += 1
            continue
        remaining_ms = int((deadline - time.perf_counter()) * 1000)
        if remaining_ms <= 0 and options.iterated.iterations is None:
            break
        repair.time_limit.FromMilliseconds(max(1, remaining_ms))
        candidate = search.solve_from(start, repair)
        if candidate is None:
            continue
        cost = candidate.ObjectiveValue()
        threshold = _acceptance_threshold(options, current_cost, progress, rng)
        if cost < current_cost + threshold:
            current_cost = cost
            current_routes = search.routes_of(candidate)
            if cost < best_cost:
                best, best_cost = candidate, cost
                if until_all_required and not search.unperformed_required(best):
                    break
    logger.debug("iterated local search: %d rounds, %d ruins not repairable", rounds, failed)
    return best, rounds


class _RouteCosts:
    """Route and plan costs exactly as the OR-Tools objective counts them (internal units)."""

    def __init__(self, search: _Search) -> None:
        model = search.model
        distance, _ = model.transit_matrices
        by_rate: dict[float, np.ndarray] = {}
        for vehicle in search.vehicles:
            if vehicle.cost_per_km not in by_rate:
                by_rate[vehicle.cost_per_km] = model.arc_costs(vehicle, distance)
        self._arcs = [by_rate[v.cost_per_km] for v in search.vehicles]
        self._fixed = [model.fixed_cost(v) for v in search.vehicles]
        self._ends = [(model.vehicle_start_nodes[i], model.vehicle_end_nodes[i])
                      for i in search.vehicle_indices]
        self._penalty = model.node_penalties(search.required_penalty)

    def route(self, vehicle: int, nodes: Sequence[int]) -> int:
        if not nodes:
            return 0
        start, end = self._ends[vehicle]
        path = np.array([start, *nodes, end], dtype=np.int64)
        return int(self._arcs[vehicle][path[:-1], path[1:]].sum()) + self._fixed[vehicle]

    def missing(self, nodes: set[int]) -> int:
        return int(self._penalty[list(nodes)].sum()) if nodes else 0


def _local_iterated_search(search: _Search, assignment: pywrapcp.Assignment,
                           options: SolverOptions, *, seed: int, deadline: float,
                           until_all_required: bool = False,
                           ) -> tuple[pywrapcp.Assignment, int]:
    """Ruin and repair rounds where each repair searches only the routes it touched.

    A descent over the whole day costs OR-Tools about as much per round as the day has
    stops, most of them far from the ruin; here each round removes strings of stops near
    a random stop (or a short route), builds a small model of the routes they came
    from, a few routes nearby and the tasks nobody serves, and lets OR-Tools' descent
    repair that. Routes are independent of one another, so a plan feasible in the small
    model is feasible in the day's. The new routes replace the old ones under a
    simulated-annealing rule on the exact change in cost; the best plan found is
    polished by one descent over the whole day at the end. With
    ``until_all_required``, stops as soon as the best plan serves every required task.
    """
    model = search.model
    rng = np.random.default_rng(seed)
    task_nodes = [n for n, node in enumerate(model.nodes) if not node.is_depot]
    if not task_nodes:
        return assignment, 0
    neighbours = model.neighbours
    _, nearby_routes = options.local_repair.shape(model.fixed_costs_dominate)
    costs = _RouteCosts(search)
    use_route_removal = options.ruin.route_removal_always or any(
        v.fixed_cost > 0 for v in search.vehicles)
    repair = pywrapcp.DefaultRoutingSearchParameters()
    repair.local_search_metaheuristic = _METAHEURISTIC["greedy_descent"]
    tasks_of_node = [node.task for node in model.nodes]

    routes = search.routes_of(assignment)
    route_cost = [costs.route(k, r) for k, r in enumerate(routes)]
    unserved = set(task_nodes) - {n for r in routes for n in r}
    current_cost = sum(route_cost) + costs.missing(unserved)
    best_routes, best_cost = [list(r) for r in routes], current_cost

    started = time.perf_counter()
    # Time kept for the closing descent over the whole day.
    polish_s = min(0.1 * (deadline - started), 0.002 * len(task_nodes) + 0.05)
    stop_at = deadline - polish_s
    rounds = 0
    while True:
        progress = _progress(options, rounds, started, stop_at, deadline)
        if progress is None:
            break
        rounds += 1
        removed = _ruin(model, routes, options, rng, use_route_removal)
        if not removed:
            continue
        route_of = {n: k for k, r in enumerate(routes) for n in r}
        chosen = list(dict.fromkeys(route_of[n] for n in removed if n in route_of))
        wanted = len(chosen) + nearby_routes
        for rank in range(len(task_nodes) - 1):
            if len(chosen) >= wanted:
                break
            for n in removed:
                k = route_of.get(neighbours[n][rank]) if rank < len(neighbours[n]) else None
                if k is not None and k not in chosen and len(chosen) < wanted:
                    chosen.append(k)
        spare = next((k for k, r in enumerate(routes) if not r and k not in chosen), None)
        if spare is not None:
            chosen.append(spare)
        chosen.sort()
        sub_nodes = [n for k in chosen for n in routes[k]] + sorted(unserved)
        sub_tasks = list({id(t): t for t in (tasks_of_node[n] for n in sub_nodes)
                          if t is not None}.values())
        sub_model = _build_model(model.problem, sub_tasks,
                                 break_margin_s=model.break_margin_s)
        to_sub = {full: part for task in sub_tasks for full, part in
                  zip(model.task_nodes[task.task_id], sub_model.task_nodes[task.task_id],
                      strict=True)}
        to_full = {part: full for full, part in to_sub.items()}
        sub = _open_search(sub_model, [search.vehicle_indices[k] for k in chosen],
                           search.required_penalty, close=True)
        start = sub.assignment_from([[to_sub[n] for n in routes[k] if n not in removed]
                                     for k in chosen])
        if start is None:
            continue
        repair.time_limit.FromMilliseconds(
            max(1, int((deadline - time.perf_counter()) * 1000)))
        candidate = sub.solve_from(start, repair)
        if candidate is None:
            continue
        new_routes = [[to_full[n] for n in r] for r in sub.routes_of(candidate)]
        new_costs = [costs.route(k, r) for k, r in zip(chosen, new_routes, strict=True)]
        served = {n for r in new_routes for n in r}
        new_unserved = {n for n in sub_nodes if n not in served}
        delta = (sum(new_costs) + costs.missing(new_unserved)
                 - sum(route_cost[k] for k in chosen) - costs.missing(unserved))
        threshold = _acceptance_threshold(options, current_cost, progress, rng)
        if delta < threshold:
            for k, r, c in zip(chosen, new_routes, new_costs, strict=True):
                routes[k], route_cost[k] = r, c
            unserved = new_unserved
            current_cost += delta
            if current_cost < best_cost:
                best_routes, best_cost = [list(r) for r in routes], current_cost
                if until_all_required and not any(
                        (task := tasks_of_node[n]) is not None and task.required
                        for n in unserved):
                    break
    logger.debug("local iterated search: %d rounds", rounds)

    start = search.assignment_from(best_routes)
    if start is None:
        return assignment, rounds
    repair.time_limit.FromMilliseconds(max(1, int((deadline - time.perf_counter()) * 1000)))
    polished = search.solve_from(start, repair)
    if polished is None or polished.ObjectiveValue() > assignment.ObjectiveValue():
        return assignment, rounds
    return polished, rounds


def _ordered_tasks(tasks: Sequence[Task], seed: int) -> list[Task]:
    if seed == 0:
        return list(tasks)
    order = np.random.default_rng(seed).permutation(len(tasks))
    return [tasks[i] for i in order]


def _set_parameter(params: object, dotted_key: str, value: object) -> None:
    target = params
    *path, last = dotted_key.split(".")
    for part in path:
        target = getattr(target, part)
    setattr(target, last, value)


def _build_model(problem: Problem, tasks: list[Task], *,
                 break_margin_s: int | None = None) -> _Model:
    matrix = problem.matrix
    nodes: list[_Node] = []
    depot_node_of_site: dict[str, int] = {}
    for vehicle in problem.vehicles:
        for site_id in (vehicle.start_site_id, vehicle.end_site_id):
            if site_id not in depot_node_of_site:
                depot_node_of_site[site_id] = len(nodes)
                nodes.append(_Node(site=site_id, site_row=matrix.index_of(site_id),
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
            nodes.append(_Node(site=site_id, site_row=matrix.index_of(site_id),
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
    return _Model(problem, nodes, tasks, task_nodes,
                  [depot_node_of_site[v.start_site_id] for v in problem.vehicles],
                  [depot_node_of_site[v.end_site_id] for v in problem.vehicles],
                  cost_scale, required_penalty, longest_leg_cost, largest_fixed,
                  break_margin_s)


def _add_dimensions(model: _Model, manager: pywrapcp.RoutingIndexManager,
                    routing: pywrapcp.RoutingModel, vehicles: list[Vehicle],
                    required_penalty: int) -> pywrapcp.RoutingDimension:
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


def _restrict_to_windows(model: _Model, manager: pywrapcp.RoutingIndexManager,
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


def _add_capacity(model: _Model, manager: pywrapcp.RoutingIndexManager,
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


def _extract(search: _Search, assignment: pywrapcp.Assignment
             ) -> tuple[list[Route], list[Task]]:
    model, manager, routing = search.model, search.manager, search.routing
    problem = model.problem
    time_dimension = search.time_dimension
    served: set[str] = set()
    routes: list[Route] = []
    breaks = assignment.IntervalVarContainer()
    break_start_of: dict[str, int] = {}
    for i in range(breaks.Size()):
        element = breaks.Element(i)
        if element.PerformedValue():
            name = element.Var().Name()
            break_start_of[name.removeprefix("break ")] = element.StartValue()
    for vehicle_index, vehicle in enumerate(search.vehicles):
        index = routing.Start(vehicle_index)
        sequence: list[tuple[int, int]] = []  # (node, service start)
        while True:
            node = manager.IndexToNode(index)
            sequence.append((node, assignment.Value(time_dimension.CumulVar(index))))
            if routing.IsEnd(index):
                break
            index = assignment.Value(routing.NextVar(index))
        if len(sequence) <= 2:
            continue
        handlings = []
        for node, _ in sequence[1:-1]:
            done = model.nodes[node]
            assert done.task is not None and done.action is not None
            handlings.append((done.site, Handling(done.task, done.action, done.task_service_s,
                                                  done.amount)))
        route = route_from_stops(problem, vehicle, stops_of(problem, handlings), sequence[0][1],
                                 break_start_of.get(vehicle.vehicle_id))
        if route is None:
            logger.warning("vehicle %s: no schedule with its break fits the route found; "
                           "its tasks are reported unassigned", vehicle.vehicle_id)
            continue
        routes.append(route)
        served.update(handling.task.task_id for _, handling in handlings)
    dropped = [t for t in model.tasks if t.task_id not in served]
    return routes, dropped


def _finish(problem: Problem, routes: list[Route], unassigned: list[Unassigned],
            started: float, solver_info: dict[str, object], *,
            no_solution: bool = False) -> Plan:
    order = {t.task_id: i for i, t in enumerate(problem.tasks)}
    unassigned.sort(key=lambda u: order[u.task_id])
    required_missing = any(problem.task(u.task_id).required for u in unassigned)
    cost = sum(r.cost for r in routes) + sum(
        problem.task(u.task_id).penalty or 0.0 for u in unassigned)
    if no_solution and problem.tasks:
        status = PlanStatus.NO_SOLUTION
    else:
        status = PlanStatus.PARTIAL if required_missing else PlanStatus.COMPLETE
    return Plan(status=status, routes=tuple(routes), unassigned=tuple(unassigned), cost=cost,
                runtime_s=time.perf_counter() - started, problem_name=problem.name,
                solver=solver_info)
