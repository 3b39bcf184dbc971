"""The two iterated local searches on an OR-Tools `Search`: each round ruins part of the
plan (`routing.search.ruin`), lets OR-Tools' descent repair it and keeps the result under
the simulated-annealing rule of `routing.search.annealing`.

`iterated_local_search` repairs the whole day each round; `local_iterated_search`
repairs a small model of the routes the round touched, which on days of many routes is
several times faster. `iterate_from` reopens the plan for plain descent and runs the
one that fits the day.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np
from ortools.constraint_solver import pywrapcp

from routing.options import SolverOptions
from routing.ortools.model import Model, build_model
from routing.ortools.search import METAHEURISTIC, Search, descend_from_routes, open_search
from routing.search.annealing import acceptance_threshold, temperature
from routing.search.ruin import route_removal, string_removal

logger = logging.getLogger(__name__)


def iterate_from(search: Search, assignment: pywrapcp.Assignment, options: SolverOptions, *,
                 seed: int, deadline: float) -> tuple[Search, pywrapcp.Assignment, int, str]:
    """The iterated local search from the plan ``assignment`` until ``deadline``: the
    search, the plan, the rounds run and which repair ran (``"local"`` or
    ``"whole day"``)."""
    # A model closed for plain descent repairs several times faster than the one
    # the metaheuristic ran on.
    model = search.model
    current_indices = [model.problem.vehicles.index(v) for v in search.vehicles]
    current_routes = search.routes_of(assignment)
    keep = vans_kept(current_routes, search.required_left_out(current_routes) > 0,
                     options.iterated.spare_vehicles)
    fresh, restarted = descend_from_routes(
        model, [current_indices[k] for k in keep], model.required_penalty,
        [current_routes[k] for k in keep], deadline)
    if restarted is not None and restarted.ObjectiveValue() <= assignment.ObjectiveValue():
        search, assignment = fresh, restarted
    local_repair = repairs_locally(options, search, assignment)
    iterate = local_iterated_search if local_repair else iterated_local_search
    assignment, rounds = iterate(search, assignment, options, seed=seed, deadline=deadline)
    return search, assignment, rounds, "local" if local_repair else "whole day"


def vans_kept(routes: Sequence[Sequence[int]], leaves_required_out: bool,
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


def repairs_locally(options: SolverOptions, search: Search,
                    assignment: pywrapcp.Assignment) -> bool:
    """Whether ruin-and-repair rounds search small models of a few routes: on days of
    several routes (with two, a small model would be the whole day anyway)."""
    used = sum(1 for route in search.routes_of(assignment) if route)
    min_routes, _ = options.local_repair.shape(search.model.fixed_costs_dominate)
    return options.local_repair.enabled and used >= min_routes


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


def _ruin(model: Model, routes: Sequence[Sequence[int]], options: SolverOptions,
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


def iterated_local_search(search: Search, assignment: pywrapcp.Assignment,
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
    repair.local_search_metaheuristic = METAHEURISTIC["greedy_descent"]

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

    def __init__(self, search: Search) -> None:
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


def local_iterated_search(search: Search, assignment: pywrapcp.Assignment,
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
    repair.local_search_metaheuristic = METAHEURISTIC["greedy_descent"]
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
        sub_model = build_model(model.problem, sub_tasks,
                                break_margin_s=model.break_margin_s)
        to_sub = {full: part for task in sub_tasks for full, part in
                  zip(model.task_nodes[task.task_id], sub_model.task_nodes[task.task_id],
                      strict=True)}
        to_full = {part: full for full, part in to_sub.items()}
        sub = open_search(sub_model, [search.vehicle_indices[k] for k in chosen],
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
