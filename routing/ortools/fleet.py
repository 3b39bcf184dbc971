"""Fewer vans, when a van's fixed cost outweighs a typical route's driving.

`minimise_fleet` tries the day in OR-Tools models with one van fewer; on pure
pickup-and-delivery days `minimise_routes_by_ejection` asks the ejection-pool route
minimiser (`routing.search.route_minimiser`) and reads its routes into the exact model.
"""

from __future__ import annotations

import logging
import time

from ortools.constraint_solver import pywrapcp

from routing.options import SolverOptions
from routing.ortools.iterated import iterated_local_search, local_iterated_search, repairs_locally
from routing.ortools.search import Search, descend_from_routes
from routing.search.pickup_delivery import PickupDeliveryDay
from routing.search.route_minimiser import minimise_routes

logger = logging.getLogger(__name__)


def minimise_fleet(search: Search, assignment: pywrapcp.Assignment,
                   vehicle_indices: list[int], options: SolverOptions, *, seed: int,
                   deadline: float, attempt_s: float) -> tuple[Search, pywrapcp.Assignment]:
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
        soft, first = descend_from_routes(model, indices, soft_penalty,
                                          [route for _, route in kept], attempt_deadline)
        if first is None:
            break
        candidate = first
        if soft.unperformed_required(first):
            iterate = local_iterated_search if repairs_locally(options, soft, first) \
                else iterated_local_search
            candidate, _ = iterate(soft, first, options, seed=seed + tries,
                                   deadline=attempt_deadline, until_all_required=True)
        if soft.unperformed_required(candidate):
            break
        hard, solution = descend_from_routes(model, indices, model.required_penalty,
                                             soft.routes_of(candidate), deadline)
        if solution is None or solution.ObjectiveValue() >= best.ObjectiveValue():
            break
        best_search, best, best_indices = hard, solution, indices
    logger.debug("fleet minimisation: %d tries, %d vehicles left", tries, len(best_indices))
    return best_search, best


def minimise_routes_by_ejection(search: Search, assignment: pywrapcp.Assignment,
                                instance: PickupDeliveryDay, *, seed: int, deadline: float,
                                attempt_s: float, repair_deadline: float,
                                 ) -> tuple[Search, pywrapcp.Assignment]:
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
    hard, solution = descend_from_routes(search.model, indices, search.required_penalty,
                                         fewer, repair_deadline)
    if solution is None or solution.ObjectiveValue() >= assignment.ObjectiveValue():
        logger.debug("ejection pool: OR-Tools did not accept or improve the %d routes",
                     len(fewer))
        return search, assignment
    logger.debug("ejection pool: %d vans instead of %d", len(fewer), len(used))
    return hard, solution
