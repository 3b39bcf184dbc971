"""An OR-Tools search session over a `Model`: open it for some of the vans, run the first
phase, descend from given routes, and read the plan back as timed routes.

`Search` holds one `RoutingModel` with its index manager; node numbers go in and come out
(`routes_of`, `assignment_from`), solver indices never leave it. `extract` re-times the
routes found with `routing.schedule` instead of reading OR-Tools' cumul variables.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.options import FIRST_SOLUTIONS, METAHEURISTICS, FirstPhaseOptions
from routing.ortools.model import Model, add_dimensions
from routing.problem import Task, Vehicle
from routing.result import Route
from routing.schedule import Handling, route_from_stops, stops_of

logger = logging.getLogger(__name__)

#: OR-Tools' enums by the names of `routing.options`.
FIRST_SOLUTION = {name: getattr(routing_enums_pb2.FirstSolutionStrategy, name.upper())
                  for name in FIRST_SOLUTIONS}
METAHEURISTIC = {name: getattr(routing_enums_pb2.LocalSearchMetaheuristic, name.upper())
                 for name in METAHEURISTICS}
#: The constructions the automatic first solution compares on days with shipments.
PROBED_FIRST_SOLUTIONS = ("savings", "parallel_cheapest_insertion",
                          "local_cheapest_insertion", "global_cheapest_arc")


@dataclass
class Search:
    """One OR-Tools routing model over some of the problem's vehicles."""

    model: Model
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


def open_search(model: Model, vehicle_indices: list[int], required_penalty: int, *,
                close: bool = False) -> Search:
    """Build the OR-Tools model; ``close`` it when starting from given routes."""
    vehicles = [model.problem.vehicles[i] for i in vehicle_indices]
    manager = pywrapcp.RoutingIndexManager(
        len(model.nodes), len(vehicles),
        [model.vehicle_start_nodes[i] for i in vehicle_indices],
        [model.vehicle_end_nodes[i] for i in vehicle_indices])
    routing = pywrapcp.RoutingModel(manager)
    time_dimension = add_dimensions(model, manager, routing, vehicles, required_penalty)
    if close:
        routing.CloseModelWithParameters(pywrapcp.DefaultRoutingSearchParameters())
    return Search(model, vehicles, manager, routing, time_dimension,
                  list(vehicle_indices), required_penalty)


def first_phase_parameters(options: FirstPhaseOptions, first_solution: str,
                           solution_limit: int | None) -> Any:
    """OR-Tools' search parameters for the first phase: ``first_solution`` (a name of
    `routing.options.FIRST_SOLUTIONS`), the metaheuristic and its settings; the time limit
    is set by `improve_first_plan`."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = FIRST_SOLUTION[first_solution]
    params.local_search_metaheuristic = METAHEURISTIC[options.metaheuristic]
    params.guided_local_search_lambda_coefficient = options.guided_local_search_lambda
    if solution_limit is not None:
        params.solution_limit = solution_limit
    params.log_search = options.log_search
    for key, value in options.extra_parameters.items():
        _set_parameter(params, key, value)
    return params


def _set_parameter(params: object, dotted_key: str, value: object) -> None:
    target = params
    *path, last = dotted_key.split(".")
    for part in path:
        target = getattr(target, part)
    setattr(target, last, value)


def improve_first_plan(search: Search, params: Any, first: pywrapcp.Assignment | None, *,
                       until: float) -> pywrapcp.Assignment | None:
    """The first phase's plan: OR-Tools' metaheuristic from ``first`` (a probed first
    plan), or from its own first solution when None, until ``until`` (a
    ``time.perf_counter()`` value); None when it found no plan."""
    params.time_limit.FromMilliseconds(max(1, int((until - time.perf_counter()) * 1000)))
    if first is not None:
        # Kept aside: the search's own solution objects are reused by the next solve,
        # and a search that runs out of time before its first step returns nothing.
        kept = search.routing.solver().Assignment(first)
        return search.routing.SolveFromAssignmentWithParameters(first, params) or kept
    return search.routing.SolveWithParameters(params)


def cheapest_first_solution(search: Search, limit_each_s: float, names: Sequence[str]
                             ) -> tuple[str, pywrapcp.Assignment] | None:
    """The cheapest first plan among a few OR-Tools constructions (no local search)."""
    best: tuple[str, pywrapcp.Assignment] | None = None
    for name in names:
        probe = pywrapcp.DefaultRoutingSearchParameters()
        probe.first_solution_strategy = FIRST_SOLUTION[name]
        probe.solution_limit = 1
        probe.time_limit.FromMilliseconds(max(1, int(limit_each_s * 1000)))
        found = search.routing.SolveWithParameters(probe)
        if found is not None and (best is None
                                  or found.ObjectiveValue() < best[1].ObjectiveValue()):
            best = (name, found)
    return best


def descend_from_routes(model: Model, vehicle_indices: list[int], required_penalty: int,
                        routes: list[list[int]], deadline: float
                         ) -> tuple[Search, pywrapcp.Assignment | None]:
    """A model of these vans closed for plain descent (several times faster than the one
    a metaheuristic ran on) and one greedy descent from ``routes`` until ``deadline``;
    None when OR-Tools cannot read the routes or the descent returns nothing."""
    search = open_search(model, vehicle_indices, required_penalty, close=True)
    start = search.assignment_from(routes)
    if start is None:
        return search, None
    descent = pywrapcp.DefaultRoutingSearchParameters()
    descent.local_search_metaheuristic = METAHEURISTIC["greedy_descent"]
    descent.time_limit.FromMilliseconds(max(1, int((deadline - time.perf_counter()) * 1000)))
    return search, search.solve_from(start, descent)


def extract(search: Search, assignment: pywrapcp.Assignment
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
