"""Shorter routes for pickup-and-delivery days: ruin-and-recreate on shipment pairs.

After Christiaens & Vanden Berghe's SISR ("Slack induction by string removals for vehicle
routing problems", Transportation Science 54, 2020), adapted to shipments: each round
removes a few strings of consecutive stops near a random stop, takes out every shipment
with an end in them (its pickup and its delivery), and puts the shipments back one at a
time at their cheapest feasible place (pickup before delivery, same van), in one of four
orders (random, largest first, farthest from the depot first, tightest window first).
The new plan replaces the current one under a simulated-annealing rule. A shipment that
finds no place stays out at a price (``unserved_penalty`` times the cost of a van serving
it alone), so the search can pass through plans that leave one out on its way between
tight plans; only plans serving every shipment are returned. A round costs well under a
millisecond on a hundred-stop day, against half a second for one descent of the whole day
by OR-Tools on a day of three or four long routes. Rounds never open a route.

Pure: plain lists of integers in, plain lists out. Works on a pure pickup-and-delivery day
(`routing.search.pickup_delivery.PickupDeliveryDay`, whose constant-time insertion checks
it uses); `routing.ortools.handoff` reads the routes it returns into its exact model
before using them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from routing.search.annealing import acceptance_threshold, temperatures
from routing.search.pickup_delivery import (
    PickupDeliveryDay,
    RouteState,
    best_insertion,
    route_cost,
    schedule,
    with_pair,
    without_pairs,
)


@dataclass(frozen=True)
class ImprovedRoutes:
    """What `improve_routes` found: the routes, their cost and how many rounds ran."""

    routes: list[list[int]]
    cost: int
    rounds: int


def _neighbours(instance: PickupDeliveryDay, task_nodes: list[int]) -> dict[int, list[int]]:
    """Each task node's other task nodes, nearest first (both directions of travel)."""
    distance = np.asarray(instance.distance, dtype=np.float64)[np.ix_(task_nodes, task_nodes)]
    order = np.argsort(distance + distance.T, axis=1, kind="stable")
    return {task_nodes[i]: [task_nodes[j] for j in order[i] if j != i]
            for i in range(len(task_nodes))}


def _ruin(states: list[RouteState], route_of: dict[int, int], first: int,
          neighbours: list[int], pickup_of: dict[int, int], *, average_removed: int,
          max_string: int, rng: np.random.Generator) -> list[int]:
    """The pickups of the shipments with an end in a few strings of consecutive stops,
    one string per route, in routes near ``first`` (SISR's string removal)."""
    served = [len(s.path) - 2 for s in states if len(s.path) > 2]
    mean_stops = sum(served) / max(1, len(served))
    string_max = max(1, min(max_string, int(mean_stops)))
    strings_max = max(1.0, 4 * average_removed / (1 + string_max) - 1)
    strings = int(rng.uniform(1, strings_max + 1))
    ruined: set[int] = set()
    removed: list[int] = []
    for node in (first, *neighbours):
        if len(ruined) >= strings:
            break
        r = route_of.get(node)
        if r is None or r in ruined or pickup_of[node] in removed:
            continue
        stops = states[r].path[1:-1]
        length = int(rng.integers(1, min(len(stops), string_max) + 1))
        at = stops.index(node)
        begin = int(rng.integers(max(0, at - length + 1), min(at, len(stops) - length) + 1))
        for n in stops[begin:begin + length]:
            if pickup_of[n] not in removed:
                removed.append(pickup_of[n])
        ruined.add(r)
    return removed


def improve_routes(instance: PickupDeliveryDay, routes: Sequence[Sequence[int]], *,
                   seed: int, deadline: float, average_removed: int = 10,
                   max_string: int = 10, initial_temperature: float = 0.03,
                   final_temperature: float = 3e-4, unserved_penalty: float = 10.0,
                   ) -> ImprovedRoutes:
    """Shorten a feasible plan by ruin-and-recreate rounds until ``deadline``.

    Parameters
    ----------
    instance
        The day.
    routes
        Each van's stops (node numbers, depots excluded), feasible for ``instance`` and
        serving every shipment.
    seed
        Seed of the random choices.
    deadline
        ``time.perf_counter()`` value at which to stop.
    average_removed
        About how many stops a round's strings hold together.
    max_string
        Longest string of consecutive stops one round removes from a route.
    initial_temperature, final_temperature
        The annealing temperature at the start and at the deadline, relative to the
        plan's cost: a round that lengthens the plan by ``d`` is accepted with
        probability ``exp(-d / (temperature * cost))``. Measured on Li & Lim (docs/
        benchmarks.md): a tenth of these left 2-series days in poor basins.
    unserved_penalty
        Price of a shipment left out, in multiples of a van serving it alone.

    Returns
    -------
    ImprovedRoutes
        The shortest plan met that serves every shipment, with as many routes as
        ``routes`` or fewer (routes left empty are dropped).

    Raises
    ------
    ValueError
        When a route of ``routes`` breaks a window or the capacity, or a shipment is
        missing or split.
    """
    rng = np.random.default_rng(seed)
    states: list[RouteState] = []
    for k, stops in enumerate(routes):
        if not stops:
            continue
        state = schedule(instance, list(stops))
        if state is None:
            msg = (f"improve_routes argument 'routes[{k}]': breaks a time window or the "
                   f"capacity, got {list(stops)}")
            raise ValueError(msg)
        for p in (n for n in stops if n in instance.delivery_of):
            if instance.delivery_of[p] not in stops[list(stops).index(p) + 1:]:
                msg = (f"improve_routes argument 'routes[{k}]': pickup {p} without its "
                       f"delivery {instance.delivery_of[p]} after it")
                raise ValueError(msg)
        states.append(state)
    served = {n for s in states for n in s.path[1:-1]}
    missing = sorted(p for p in instance.delivery_of if p not in served)
    if missing:
        msg = f"improve_routes argument 'routes': shipments with pickups {missing} are not served"
        raise ValueError(msg)
    costs = [route_cost(instance, s) for s in states]
    current_cost: float = sum(costs)
    if not states:
        return ImprovedRoutes([], 0, 0)
    delivery_of = instance.delivery_of
    pickup_of = {d: p for p, d in delivery_of.items()} | {p: p for p in delivery_of}
    task_nodes = sorted(pickup_of)
    neighbours = _neighbours(instance, task_nodes)
    distance, ready, due = instance.distance, instance.ready_s, instance.due_s
    start, end = instance.start_node, instance.end_node
    penalty = {p: unserved_penalty * (distance[start][p] + distance[p][d] + distance[d][end])
               for p, d in delivery_of.items()}
    orders = (
        None,  # random
        lambda p: -instance.load_change_items[p],
        lambda p: -(distance[start][p] + distance[start][delivery_of[p]]),
        lambda p: due[p] - ready[p],
    )
    unserved: list[int] = []
    best_states, best_cost = list(states), current_cost
    rounds = 0
    for temperature in temperatures(deadline, initial_temperature, final_temperature):
        rounds += 1
        first = task_nodes[int(rng.integers(len(task_nodes)))]
        route_of = {n: r for r, s in enumerate(states) for n in s.path[1:-1]}
        removed = _ruin(states, route_of, first, neighbours[first], pickup_of,
                        average_removed=average_removed, max_string=max_string, rng=rng)
        candidate = list(states)
        touched = {route_of[n] for p in removed for n in (p, delivery_of[p])}
        kept = True
        for r in touched:
            state = schedule(instance, without_pairs(instance, states[r].path[1:-1], removed))
            if state is None:  # only where legs break the triangle inequality
                kept = False
                break
            candidate[r] = state
        if not kept:
            continue
        waiting = removed + unserved
        order = orders[int(rng.integers(len(orders)))]
        if order is None:
            rng.shuffle(waiting)
        else:
            waiting.sort(key=order)
        candidate_unserved = []
        for p in waiting:
            insertion = None
            for r, state in enumerate(candidate):
                insertion = best_insertion(instance, state, p, r, insertion)
            inserted = None if insertion is None else \
                schedule(instance, with_pair(instance, candidate[insertion.route], p, insertion))
            if insertion is None or inserted is None:
                candidate_unserved.append(p)
                continue
            candidate[insertion.route] = inserted
            touched.add(insertion.route)
        candidate_costs = list(costs)
        for r in touched:
            candidate_costs[r] = route_cost(instance, candidate[r])
        candidate_cost = sum(candidate_costs) + sum(penalty[p] for p in candidate_unserved)
        # Accept when shorter than the current plan plus a random allowance that shrinks.
        if candidate_cost < current_cost + acceptance_threshold(current_cost, temperature, rng):
            states, costs, current_cost = candidate, candidate_costs, candidate_cost
            unserved = candidate_unserved
            if not unserved and current_cost < best_cost:
                best_states, best_cost = list(states), current_cost
    return ImprovedRoutes([s.path[1:-1] for s in best_states if len(s.path) > 2],
                          round(best_cost), rounds)
