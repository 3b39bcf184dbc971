"""A pure pickup-and-delivery day and constant-time checks of a shipment's insertion.

Shared by the two searches that work on such days without OR-Tools:
`routing.search.route_minimiser` (fewer vans) and `routing.search.pickup_delivery_search`
(shorter routes). The day has every task a shipment, one time window per stop, no break,
one load dimension and identical vans from one depot; `routing.ortools.handoff` decides
when a problem has that shape and builds the `PickupDeliveryDay` from its own nodes.

Times are service starts. A leg's duration includes the service of the stop it leaves, as
in the OR-Tools adapter's transit matrix.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PickupDeliveryDay:
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
class Insertion:
    """Where a shipment goes in one route and what it adds to the route's cost."""

    cost: int
    route: int
    after_pickup: int  # position in the route's path after which the pickup goes
    after_delivery: int  # ... and the delivery (equal: right after the pickup)


class RouteState:
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


def schedule(instance: PickupDeliveryDay, stops: list[int]) -> RouteState | None:
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
    return RouteState(path, earliest, latest, load)


def best_insertion(instance: PickupDeliveryDay, state: RouteState, pickup: int,
                    route: int, best: Insertion | None) -> Insertion | None:
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
                best = Insertion(cost, route, i, i)
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
                    best = Insertion(cost, route, i, j)
            t += duration[here][after]
            if t < ready[after]:
                t = ready[after]
            if t > latest[j + 1]:
                break
            j += 1
    return best


def with_pair(instance: PickupDeliveryDay, state: RouteState, pickup: int,
              insertion: Insertion) -> list[int]:
    """The route's stops with the shipment of ``pickup`` inserted as ``insertion`` says."""
    path = state.path
    delivery = instance.delivery_of[pickup]
    i, j = insertion.after_pickup, insertion.after_delivery
    if i == j:
        new_path = [*path[:i + 1], pickup, delivery, *path[i + 1:]]
    else:
        new_path = [*path[:i + 1], pickup, *path[i + 1:j + 1], delivery, *path[j + 1:]]
    return new_path[1:-1]


def without_pairs(instance: PickupDeliveryDay, stops: list[int], pickups: Sequence[int]
                  ) -> list[int]:
    """``stops`` without the shipments of ``pickups`` (both ends)."""
    gone = set(pickups) | {instance.delivery_of[p] for p in pickups}
    return [n for n in stops if n not in gone]


def route_cost(instance: PickupDeliveryDay, state: RouteState) -> int:
    """The integer cost of driving the route, depots included."""
    distance, path = instance.distance, state.path
    return sum(distance[a][b] for a, b in itertools.pairwise(path))
