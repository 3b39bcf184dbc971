"""Fewer vans for pickup-and-delivery days: an ejection-pool route minimiser.

After Nagata & Bräysy, "A powerful route minimization heuristic for the vehicle routing
problem with time windows" (Operations Research Letters 37, 2009), with the pair moves of
Nagata & Kobayashi's PDPTW algorithm: take one route out of a plan and put its shipments
in a pool; insert them one by one where they fit; when one fits nowhere, insert it anyway
and *eject* the one or two shipments of a route whose removal makes room, preferring those
ejected least often so far (each failure raises the shipment's count), then shake the plan
with a few random relocations. When the pool is empty the plan has a route fewer.

Pure: plain lists of integers in, plain lists out. Works on a pure pickup-and-delivery day
(`routing.search.pickup_delivery.PickupDeliveryDay`, whose constant-time insertion checks
it uses); `routing.ortools.fleet` checks the routes this returns in its exact model before
using them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence

import numpy as np

from routing.search.pickup_delivery import (
    Insertion,
    PickupDeliveryDay,
    RouteState,
    best_insertion,
    route_cost,
    schedule,
    with_pair,
    without_pairs,
)


class _Pool:
    """The plan being reduced: routes with their states, and the shipments left out."""

    def __init__(self, instance: PickupDeliveryDay, states: list[RouteState]) -> None:
        self.instance = instance
        self.states = states

    def cheapest(self, pickup: int, routes: Sequence[int] | None = None) -> Insertion | None:
        best = None
        for r in (range(len(self.states)) if routes is None else routes):
            best = best_insertion(self.instance, self.states[r], pickup, r, best)
        return best

    def insert(self, pickup: int, insertion: Insertion) -> bool:
        state = schedule(self.instance,
                          with_pair(self.instance, self.states[insertion.route], pickup,
                                    insertion))
        if state is None:  # a leg breaking the triangle inequality; leave the route
            return False
        self.states[insertion.route] = state
        return True

    def pickups_of(self, route: int) -> list[int]:
        return [n for n in self.states[route].stops if n in self.instance.delivery_of]


def _best_ejection(pool: _Pool, pickup: int, times_ejected: dict[int, int],
                   max_ejected: int, rng: np.random.Generator
                   ) -> tuple[list[int], RouteState, Insertion] | None:
    """Where ``pickup`` goes if one or two shipments of one route make room: the
    ejection whose shipments were ejected least often (then the cheapest)."""
    instance = pool.instance
    best: tuple[tuple[int, int], list[int], RouteState, Insertion] | None = None
    order = list(range(len(pool.states)))
    rng.shuffle(order)
    for size in range(1, max_ejected + 1):
        for r in order:
            stops = pool.states[r].stops
            for ejected in itertools.combinations(pool.pickups_of(r), size):
                weight = sum(times_ejected.get(p, 1) for p in ejected)
                if best is not None and weight > best[0][0]:
                    continue
                state = schedule(instance, without_pairs(instance, stops, ejected))
                if state is None:
                    continue
                insertion = best_insertion(instance, state, pickup, r, None)
                if insertion is None:
                    continue
                key = (weight, insertion.cost)
                if best is None or key < best[0]:
                    best = (key, list(ejected), state, insertion)
        if best is not None and best[0][0] <= size + 1:
            break  # a larger ejection weighs at least size + 1
    if best is None:
        return None
    return best[1], best[2], best[3]


def _shake(pool: _Pool, moves: int, rng: np.random.Generator) -> None:
    """Random relocations of shipments between routes, each kept only if feasible."""
    instance = pool.instance
    if len(pool.states) < 2:
        return
    for _ in range(moves):
        source = int(rng.integers(len(pool.states)))
        pickups = pool.pickups_of(source)
        if not pickups:
            continue
        moved = pickups[int(rng.integers(len(pickups)))]
        target = int(rng.integers(len(pool.states) - 1))
        target += target >= source
        insertion = pool.cheapest(moved, [target])
        if insertion is None:
            continue
        rest = schedule(instance, without_pairs(instance, pool.states[source].stops, [moved]))
        if rest is None:
            continue
        before = pool.states[source]
        pool.states[source] = rest
        if not pool.insert(moved, insertion):
            pool.states[source] = before


def _relocate_descent(pool: _Pool, rng: np.random.Generator, deadline: float) -> None:
    """Move shipments to their cheapest place anywhere while that shortens the plan
    (the shaking leaves detours the later distance search would spend its time on)."""
    instance = pool.instance
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        pickups = [p for r in range(len(pool.states)) for p in pool.pickups_of(r)]
        rng.shuffle(pickups)
        for pickup in pickups:
            source = next(r for r, state in enumerate(pool.states)
                          if pickup in state.path)
            before = pool.states[source]
            rest = schedule(instance, without_pairs(instance, before.stops, [pickup]))
            if rest is None:
                continue
            saving = route_cost(instance, before) - route_cost(instance, rest)
            pool.states[source] = rest
            insertion = pool.cheapest(pickup)
            if insertion is not None and insertion.cost < saving and \
                    pool.insert(pickup, insertion):
                improved = True
            else:
                pool.states[source] = before


def _remove_one_route(instance: PickupDeliveryDay, routes: list[list[int]],
                      rng: np.random.Generator, deadline: float, *, max_ejected: int,
                      shake_moves: int) -> list[list[int]] | None:
    """The plan with one route fewer, or None if the deadline comes first."""
    # The shortest route (ties at random): its shipments disturb the others least.
    removed = min(range(len(routes)), key=lambda k: (len(routes[k]), rng.random()))
    states = []
    for k, stops in enumerate(routes):
        if k == removed:
            continue
        state = schedule(instance, stops)
        if state is None:
            return None
        states.append(state)
    pool = _Pool(instance, states)
    waiting = [n for n in routes[removed] if n in instance.delivery_of]
    rng.shuffle(waiting)
    times_ejected: dict[int, int] = {}
    while waiting:
        if time.perf_counter() >= deadline:
            return None
        pickup = waiting.pop()
        insertion = pool.cheapest(pickup)
        if insertion is not None and pool.insert(pickup, insertion):
            continue
        times_ejected[pickup] = times_ejected.get(pickup, 1) + 1
        ejection = _best_ejection(pool, pickup, times_ejected, max_ejected, rng)
        if ejection is None:
            waiting.insert(0, pickup)
        else:
            ejected, state, insertion = ejection
            before = pool.states[insertion.route]
            pool.states[insertion.route] = state
            if pool.insert(pickup, insertion):
                waiting.extend(ejected)
            else:
                pool.states[insertion.route] = before
                waiting.insert(0, pickup)
        _shake(pool, shake_moves, rng)
    _relocate_descent(pool, rng, deadline)
    return [state.stops for state in pool.states]


def minimise_routes(instance: PickupDeliveryDay, routes: Sequence[Sequence[int]], *,
                    seed: int, deadline: float, attempt_s: float | None = None,
                    max_ejected: int = 2, shake_moves: int = 10) -> list[list[int]]:
    """Remove routes from a feasible plan one at a time until ``deadline``.

    Parameters
    ----------
    instance
        The day.
    routes
        Each van's stops (node numbers, depots excluded), feasible for ``instance``;
        empty routes are ignored.
    seed
        Seed of the random choices.
    deadline
        ``time.perf_counter()`` value at which to stop.
    attempt_s
        Longest time one try at a route fewer may take (the first try that runs out of
        it ends the search); None: until ``deadline``.
    max_ejected
        Most shipments one ejection may take out of a route.
    shake_moves
        Random relocations tried after each ejection.

    Returns
    -------
    list[list[int]]
        The plan with the fewest routes reached (the input's routes if none could go).
    """
    rng = np.random.default_rng(seed)
    best = [list(r) for r in routes if r]
    while len(best) > 1 and time.perf_counter() < deadline:
        attempt_deadline = deadline if attempt_s is None else \
            min(deadline, time.perf_counter() + attempt_s)
        fewer = _remove_one_route(instance, best, rng, attempt_deadline,
                                  max_ejected=max_ejected, shake_moves=shake_moves)
        if fewer is None:
            break
        best = fewer
    return best
