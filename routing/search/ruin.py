"""Ruin moves for the iterated local search: which tasks to take out of a plan.

Pure functions over routes written as lists of solver node numbers; the OR-Tools
adapter rebuilds and repairs the plan. The string removal follows SISR (Christiaens &
Vanden Berghe, "Slack induction by string removals", Transportation Science 2020):
remove short strings of consecutive stops from routes that pass near a random stop,
so the repair can rearrange a whole neighbourhood at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def string_removal(routes: Sequence[Sequence[int]], neighbours: Mapping[int, Sequence[int]],
                   group_of: Mapping[int, int], members: Mapping[int, Sequence[int]],
                   rng: np.random.Generator, *, average_removed: int = 10,
                   max_string: int = 10) -> set[int]:
    """Nodes to remove: strings around a random stop, whole tasks at a time.

    Parameters
    ----------
    routes
        Each vehicle's stops as node numbers (depots excluded).
    neighbours
        For each node, the other nodes ordered from nearest to farthest.
    group_of, members
        The task of each node and the nodes of each task (both ends of a shipment
        leave together, or the repaired plan could not pair them).
    rng
        Source of randomness (seeded by the caller).
    average_removed, max_string
        Mean number of nodes to remove and the longest string taken from one route.
    """
    route_of = {node: r for r, route in enumerate(routes) for node in route}
    if not route_of:
        return set()
    seeds = list(route_of)
    seed = seeds[int(rng.integers(len(seeds)))]
    target = max(1, int(rng.integers(1, 2 * average_removed)))
    removed: set[int] = set()
    touched: set[int] = set()
    for node in (seed, *neighbours.get(seed, ())):
        if len(removed) >= target:
            break
        r = route_of.get(node)
        if r is None or r in touched:
            continue
        touched.add(r)
        route = list(routes[r])
        length = int(rng.integers(1, min(max_string, len(route)) + 1))
        position = route.index(node)
        first = max(0, min(position - int(rng.integers(0, length)), len(route) - length))
        for taken in route[first:first + length]:
            removed.update(members[group_of[taken]])
    return removed


def route_removal(routes: Sequence[Sequence[int]], group_of: Mapping[int, int],
                  members: Mapping[int, Sequence[int]], rng: np.random.Generator) -> set[int]:
    """Every node of one short route (the shorter, the likelier), to try a van fewer."""
    used = [r for r in routes if r]
    if len(used) < 2:
        return set()
    sizes = np.array([len(r) for r in used], dtype=float)
    weights = 1.0 / sizes**2
    chosen = used[int(rng.choice(len(used), p=weights / weights.sum()))]
    removed: set[int] = set()
    for node in chosen:
        removed.update(members[group_of[node]])
    return removed
