"""Test helpers: small pure pickup-and-delivery days (`routing.search.pickup_delivery`) and an
independent check of routes on them, for the route minimiser and the distance search."""

from __future__ import annotations

import itertools
import math

from hypothesis import strategies as st

from routing.search.pickup_delivery import PickupDeliveryDay


def day_from_points(points: list[tuple[float, float]], windows: list[tuple[int, int]],
                    service_s: list[int], change: list[int], capacity: int,
                    horizon_s: int) -> PickupDeliveryDay:
    """Depot at node 0 (start and end); pairs (1, 2), (3, 4), ...; Euclidean legs."""
    n = len(points)
    distance = [[round(math.dist(points[a], points[b])) for b in range(n)] for a in range(n)]
    duration = [[service_s[a] + distance[a][b] if a != b else 0 for b in range(n)]
                for a in range(n)]
    return PickupDeliveryDay(
        duration_s=duration, distance=distance,
        ready_s=[0] + [w[0] for w in windows], due_s=[horizon_s] + [w[1] for w in windows],
        load_change_items=[0, *change], capacity_items=capacity,
        delivery_of={p: p + 1 for p in range(1, n, 2)}, start_node=0, end_node=0)


def violations(instance: PickupDeliveryDay, routes: list[list[int]]) -> list[str]:
    """Every broken window, capacity and pairing rule, recomputed from scratch."""
    found = []
    for r, stops in enumerate(routes):
        t = instance.ready_s[0]
        load = 0
        here = instance.start_node
        for position, node in enumerate(stops):
            t = max(t + instance.duration_s[here][node], instance.ready_s[node])
            if t > instance.due_s[node]:
                found.append(f"route {r}: node {node} starts at {t} after {instance.due_s[node]}")
            load += instance.load_change_items[node]
            if load > instance.capacity_items:
                found.append(f"route {r}: load {load} after node {node}")
            if node in instance.delivery_of:
                delivery = instance.delivery_of[node]
                if delivery not in stops[position + 1:]:
                    found.append(f"route {r}: pickup {node} without its delivery after it")
            here = node
        t += instance.duration_s[here][instance.end_node]
        if t > instance.due_s[instance.end_node]:
            found.append(f"route {r}: back at {t} after {instance.due_s[instance.end_node]}")
    return found


def plan_cost(instance: PickupDeliveryDay, routes: list[list[int]]) -> int:
    """The summed leg costs of ``routes``, depots included."""
    return sum(instance.distance[a][b] for stops in routes
               for a, b in itertools.pairwise([instance.start_node, *stops,
                                               instance.end_node]))


@st.composite
def random_days(draw: st.DrawFn) -> tuple[PickupDeliveryDay, list[list[int]]]:
    """A random day of 2-7 shipments and the plan serving each on a van of its own (some
    of those routes may break a window: callers keep the feasible ones)."""
    pairs = draw(st.integers(2, 7))
    coordinate = st.integers(-50, 50)
    points = [(0, 0)] + [(draw(coordinate), draw(coordinate)) for _ in range(2 * pairs)]
    windows = []
    for _ in range(2 * pairs):
        ready = draw(st.integers(0, 300))
        windows.append((ready, ready + draw(st.integers(0, 400))))
    amounts = [draw(st.integers(0, 6)) for _ in range(pairs)]
    change = [value for amount in amounts for value in (amount, -amount)]
    service = [0] + [draw(st.integers(0, 20)) for _ in range(2 * pairs)]
    instance = day_from_points(points, windows, service, change,
                               capacity=draw(st.integers(6, 12)), horizon_s=1000)
    start = [[p, p + 1] for p in range(1, 2 * pairs, 2)]
    return instance, start
