"""Fewer vans for pickup-and-delivery days: an ejection-pool route minimiser.

After Nagata & Bräysy, "A powerful route minimization heuristic for the vehicle routing
problem with time windows" (Operations Research Letters 37, 2009), with the pair moves of
Nagata & Kobayashi's PDPTW algorithm: take one route out of a plan and put its shipments
in a pool; insert them one by one where they fit; when one fits nowhere, insert it anyway
and *eject* the one or two shipments of a route whose removal makes room, preferring those
ejected least often so far (each failure raises the shipment's count), then shake the plan
with a few random relocations. When the pool is empty the plan has a route fewer.

Pure and self-contained: plain lists of integers in, plain lists out. Works on the shape of
a pure pickup-and-delivery day (every task a shipment, one time window per stop, no break,
one load dimension, identical vans from one depot); `routing.ortools_solver` decides when
a problem has that shape, builds the `EjectionInstance` from its own nodes and checks the
routes this returns in its exact model before using them.

Times are service starts. A leg's duration includes the service of the stop it leaves, as
in the OR-Tools adapter's transit matrix.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EjectionInstance:
    """A pure pickup-and-delivery day in solver node numbers (0 .. n-1).

    ``duration_s[a][b]``: service at ``a`` plus driving to ``b``; ``distance[a][b]``: the
    integer cost of the leg. ``ready_s`` / ``due_s``: earliest and latest service start
    of each node (the depot's are the shift's). ``load_change_items``: the signed change
    of the van's load at each node (+ at a pickup, - at its delivery). ``delivery_of``:
    each pickup node's delivery node.
    """

    duration_s: Sequence[Sequence[int]]
    distance: Sequence[Sequence[int]]
    ready_s: Sequence[int]
    due_s: Sequence[int]
    load_change_items: Sequence[int]
    capacity_items: int
    delivery_of: dict[int, int]
    start_node: int
    end_node: int


@dataclass
class _Insertion:
    cost: int
    route: int
    after_pickup: int  # position in the route's path after which the pickup goes
    after_delivery: int  # ... and the delivery (equal: right after the pickup)


class _RouteState:
    """One route's path (depots included) with its earliest starts, latest feasible
    starts and loads, so a pair's insertion is checked in constant time per position."""

    __slots__ = ("earliest_s", "latest_s", "load_items", "path")

    def __init__(self, path: list[int], earliest_s: list[int], latest_s: list[int],
                 load_items: list[int]) -> None:
        self.path = path
        self.earliest_s = earliest_s
        self.latest_s = latest_s
        self.load_items = load_items

    @property
    def stops(self) -> list[int]:
        return self.path[1:-1]


def _schedule(instance: EjectionInstance, stops: list[int]) -> _RouteState | None:
    """The route's state, or None when it breaks a window or the capacity."""
    duration, ready, due = instance.duration_s, instance.ready_s, instance.due_s
    change, capacity = instance.load_change_items, instance.capacity_items
    path = [instance.start_node, *stops, instance.end_node]
    earliest = [0] * len(path)
    load = [0] * len(path)
    t = ready[path[0]]
    earliest[0] = t
    carried = 0
    for k in range(1, len(path)):
        node = path[k]
        t += duration[path[k - 1]][node]
        if t < ready[node]:
            t = ready[node]
        if t > due[node]:
            return None
        earliest[k] = t
        carried += change[node]
        if carried > capacity:
            return None
        load[k] = carried
    latest = [0] * len(path)
    latest[-1] = due[path[-1]]
    for k in range(len(path) - 2, -1, -1):
        node = path[k]
        latest[k] = min(due[node], latest[k + 1] - duration[node][path[k + 1]])
    return _RouteState(path, earliest, latest, load)


def _best_insertion(instance: EjectionInstance, state: _RouteState, pickup: int,
                    route: int, best: _Insertion | None) -> _Insertion | None:
    """The cheapest feasible place for the pair ``pickup`` (and its delivery) in one
    route, if cheaper than ``best``; else ``best``."""
    duration, distance = instance.duration_s, instance.distance
    ready, due = instance.ready_s, instance.due_s
    delivery = instance.delivery_of[pickup]
    amount = instance.load_change_items[pickup]
    room = instance.capacity_items - amount
    path, earliest, latest, load = state.path, state.earliest_s, state.latest_s, state.load_items
    last = len(path) - 1
    ready_p, due_p, ready_d, due_d = ready[pickup], due[pickup], ready[delivery], due[delivery]
    duration_p, distance_p = duration[pickup], distance[pickup]
    best_cost = best.cost if best is not None else None
    for i in range(last):
        if earliest[i] > due_p:
            break
        if load[i] > room:
            continue
        a = path[i]
        b = path[i + 1]
        t_p = earliest[i] + duration[a][pickup]
        if t_p > due_p:
            continue
        if t_p < ready_p:
            t_p = ready_p
        # The delivery right after the pickup.
        t_d = t_p + duration_p[delivery]
        if t_d < ready_d:
            t_d = ready_d
        if t_d <= due_d and t_d + duration[delivery][b] <= latest[i + 1]:
            cost = distance[a][pickup] + distance_p[delivery] + distance[delivery][b] \
                - distance[a][b]
            if best_cost is None or cost < best_cost:
                best_cost = cost
                best = _Insertion(cost, route, i, i)
        # The delivery after a later stop: the stops between start later.
        t = t_p + duration_p[b]
        if t < ready[b]:
            t = ready[b]
        if t > latest[i + 1]:
            continue
        base = distance[a][pickup] + distance_p[b] - distance[a][b]
        j = i + 1
        while j < last:
            if load[j] > room:
                break
            here = path[j]
            after = path[j + 1]
            t_d = t + duration[here][delivery]
            if t_d < ready_d:
                t_d = ready_d
            if t_d <= due_d and t_d + duration[delivery][after] <= latest[j + 1]:
                cost = base + distance[here][delivery] + distance[delivery][after] \
                    - distance[here][after]
                if best_cost is None or cost < best_cost:
                    best_cost = cost
                    best = _Insertion(cost, route, i, j)
            t += duration[here][after]
            if t < ready[after]:
                t = ready[after]
            if t > latest[j + 1]:
                break
            j += 1
    return best


def _inserted(instance: EjectionInstance, state: _RouteState, pickup: int,
              insertion: _Insertion) -> list[int]:
    path = state.path
    delivery = instance.delivery_of[pickup]
    i, j = insertion.after_pickup, insertion.after_delivery
    if i == j:
        new_path = [*path[:i + 1], pickup, delivery, *path[i + 1:]]
    else:
        new_path = [*path[:i + 1], pickup, *path[i + 1:j + 1], delivery, *path[j + 1:]]
    return new_path[1:-1]


class _Pool:
    """The plan being reduced: routes with their states, and the shipments left out."""

    def __init__(self, instance: EjectionInstance, states: list[_RouteState]) -> None:
        self.instance = instance
        self.states = states

    def cheapest(self, pickup: int, routes: Sequence[int] | None = None) -> _Insertion | None:
        best = None
        for r in (range(len(self.states)) if routes is None else routes):
            best = _best_insertion(self.instance, self.states[r], pickup, r, best)
        return best

    def insert(self, pickup: int, insertion: _Insertion) -> bool:
        state = _schedule(self.instance,
                          _inserted(self.instance, self.states[insertion.route], pickup,
                                    insertion))
        if state is None:  # a leg breaking the triangle inequality; leave the route
            return False
        self.states[insertion.route] = state
        return True

    def pickups_of(self, route: int) -> list[int]:
        return [n for n in self.states[route].stops if n in self.instance.delivery_of]


def _without(instance: EjectionInstance, stops: list[int], pickups: Sequence[int]
             ) -> list[int]:
    gone = set(pickups) | {instance.delivery_of[p] for p in pickups}
    return [n for n in stops if n not in gone]


def _best_ejection(pool: _Pool, pickup: int, times_ejected: dict[int, int],
                   max_ejected: int, rng: np.random.Generator
                   ) -> tuple[list[int], _RouteState, _Insertion] | None:
    """Where ``pickup`` goes if one or two shipments of one route make room: the
    ejection whose shipments were ejected least often (then the cheapest)."""
    instance = pool.instance
    best: tuple[tuple[int, int], list[int], _RouteState, _Insertion] | None = None
    order = list(range(len(pool.states)))
    rng.shuffle(order)
    for size in range(1, max_ejected + 1):
        for r in order:
            stops = pool.states[r].stops
            for ejected in itertools.combinations(pool.pickups_of(r), size):
                weight = sum(times_ejected.get(p, 1) for p in ejected)
                if best is not None and weight > best[0][0]:
                    continue
                state = _schedule(instance, _without(instance, stops, ejected))
                if state is None:
                    continue
                insertion = _best_insertion(instance, state, pickup, r, None)
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
        rest = _schedule(instance, _without(instance, pool.states[source].stops, [moved]))
        if rest is None:
            continue
        before = pool.states[source]
        pool.states[source] = rest
        if not pool.insert(moved, insertion):
            pool.states[source] = before


def _route_cost(instance: EjectionInstance, state: _RouteState) -> int:
    distance, path = instance.distance, state.path
    return sum(distance[a][b] for a, b in itertools.pairwise(path))


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
            rest = _schedule(instance, _without(instance, before.stops, [pickup]))
            if rest is None:
                continue
            saving = _route_cost(instance, before) - _route_cost(instance, rest)
            pool.states[source] = rest
            insertion = pool.cheapest(pickup)
            if insertion is not None and insertion.cost < saving and \
                    pool.insert(pickup, insertion):
                improved = True
            else:
                pool.states[source] = before


def _remove_one_route(instance: EjectionInstance, routes: list[list[int]],
                      rng: np.random.Generator, deadline: float, *, max_ejected: int,
                      shake_moves: int) -> list[list[int]] | None:
    """The plan with one route fewer, or None if the deadline comes first."""
    # The shortest route (ties at random): its shipments disturb the others least.
    removed = min(range(len(routes)), key=lambda k: (len(routes[k]), rng.random()))
    states = []
    for k, stops in enumerate(routes):
        if k == removed:
            continue
        state = _schedule(instance, stops)
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


def minimise_routes(instance: EjectionInstance, routes: Sequence[Sequence[int]], *,
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
