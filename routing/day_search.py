"""Shorter plans for days of few long routes: ruin-and-recreate under the day's exact rules.

On a day of one or two vans (Munakata's) every OR-Tools repair is a descent over the whole
day, and each costs a fifth of a second because OR-Tools checks the lunch break and the
load that hub deliveries put on board at the start on every move it tries: about ten
repairs in a 2-second budget. This search keeps its own copy of those rules and checks a
route in a few microseconds per stop, so it runs thousands of rounds in the same time.

Each round (after Christiaens & Vanden Berghe's SISR, "Slack induction by string
removals for vehicle routing problems", Transportation Science 54, 2020) removes a few
strings of consecutive stops near a random stop, with every task that has a node in them,
and puts those tasks and every task left out back one at a time, each at its cheapest
feasible place (a shipment's pickup before its delivery on the same van), in one of four
orders; an optional task goes back only where it costs less than its penalty. The new plan
replaces the current one under a simulated-annealing rule; a required task that finds no
place stays out at its (high) price, so the search can cross tight plans, and only plans
serving every required task the start served become the best.

The rules, in solver node numbers (a node is one end of a task, as in the OR-Tools
adapter): a leg's duration includes the handling of the node it leaves (and the site's
service when the site changes); a node's service starts inside one of its windows (a node
right after another task at the same site may start up to the stop's other handling past
the window's end); the break starts inside its window, after a node's handling, and fits
on a leg together with the leg's driving (or before the van leaves, or after it returns);
the van leaves with every hub delivery it serves on board and its load, per dimension,
stays within the capacity. These are the OR-Tools model's rules, so the routes this search
returns read back into it; `routing.ortools_solver` checks that they do before using them.

Pure: plain lists of integers in, plain lists out.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from routing.annealing import temperatures
from routing.ruin import string_removal

_NEVER = 1 << 60


@dataclass(frozen=True)
class DayVehicle:
    """One van: its depot nodes, shift, capacity per load dimension, costs and break.

    ``arc_cost[a][b]``: the integer cost of driving from node ``a`` to ``b``.
    ``lunch_break_s``: (earliest start, latest start, duration) or None.
    """

    start_node: int
    end_node: int
    shift_start_s: int
    shift_end_s: int
    capacity: tuple[int, ...]
    fixed_cost: int
    arc_cost: Sequence[Sequence[int]]
    lunch_break_s: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class Day:
    """A day in solver node numbers (0 .. n-1), depots included.

    ``duration_s[a][b]``: handling at ``a`` (plus the site's service when the site
    changes) and driving to ``b``. ``handling_s``: the part of a node's time a break may
    not overlap. ``site_of``: a number per place (depots distinct from every stop).
    ``windows``: each node's service-start windows when it opens a stop (empty: any time);
    ``mid_stop_windows``: the same when it directly follows another node at its site.
    ``start_load``: what a node needs on board from the start, per load dimension (a hub
    delivery's amount); ``load_change``: the signed change at the node. ``tasks``: the
    nodes of each task (one, or a shipment's pickup then delivery); ``penalty``: the
    price of leaving each task out. ``neighbours``: each task node's other task nodes,
    nearest first. ``required``: which tasks must be served.
    """

    duration_s: Sequence[Sequence[int]]
    handling_s: Sequence[int]
    site_of: Sequence[int]
    windows: Sequence[tuple[tuple[int, int], ...]]
    mid_stop_windows: Sequence[tuple[tuple[int, int], ...]]
    start_load: Sequence[tuple[int, ...]]
    load_change: Sequence[tuple[int, ...]]
    tasks: Sequence[tuple[int, ...]]
    penalty: Sequence[int]
    required: Sequence[bool]
    neighbours: Mapping[int, Sequence[int]]
    vehicles: Sequence[DayVehicle]


@dataclass(frozen=True)
class ImprovedDay:
    """What `improve_day` found: each van's route, the plan's cost and the rounds run."""

    routes: list[list[int]]
    cost: int
    rounds: int


def _earliest(windows: tuple[tuple[int, int], ...], time_s: int) -> int:
    if not windows:
        return time_s
    for start_s, end_s in windows:
        if time_s <= end_s:
            return start_s if time_s < start_s else time_s
    return _NEVER


def _loads_fit(day: Day, capacity: tuple[int, ...], nodes: Sequence[int]) -> bool:
    dims = range(len(capacity))
    if not capacity:
        return True
    load = [0] * len(capacity)
    start_load = day.start_load
    for n in nodes:
        amount = start_load[n]
        for d in dims:
            load[d] += amount[d]
    for d in dims:
        if load[d] > capacity[d]:
            return False
    change = day.load_change
    for n in nodes:
        amount = change[n]
        for d in dims:
            value = load[d] + amount[d]
            if value < 0 or value > capacity[d]:
                return False
            load[d] = value
    return True


def _start_states(vehicle: DayVehicle, start_s: int) -> tuple[int, int]:
    """Earliest time at the start when leaving at ``start_s``: without the break taken,
    and with it taken before leaving (never, when its window does not allow that)."""
    after = _NEVER
    if vehicle.lunch_break_s is not None:
        earliest_s, latest_s, break_s = vehicle.lunch_break_s
        first = max(earliest_s, vehicle.shift_start_s)
        if first <= latest_s:
            after = max(start_s, first + break_s)
    return start_s, after


def _advance(day: Day, vehicle: DayVehicle, previous: int, n: int, before: int, after: int
             ) -> tuple[int, int]:
    """Earliest service starts at ``n`` coming from ``previous``: without the break taken
    yet, and with it taken (on this leg or earlier); ``_NEVER`` where impossible."""
    leg = day.duration_s[previous][n]
    arrive_before = before + leg if before < _NEVER else _NEVER
    arrive_after = after + leg if after < _NEVER else _NEVER
    lunch = vehicle.lunch_break_s
    if lunch is not None and before < _NEVER:
        earliest_s, latest_s, break_s = lunch
        break_start = max(earliest_s, before + day.handling_s[previous])
        if break_start <= latest_s:
            on_leg = max(arrive_before, break_start) + break_s
            if on_leg < arrive_after:
                arrive_after = on_leg
    site_of = day.site_of
    allowed = day.mid_stop_windows[n] if site_of[previous] == site_of[n] else day.windows[n]
    return (_earliest(allowed, arrive_before) if arrive_before < _NEVER else _NEVER,
            _earliest(allowed, arrive_after) if arrive_after < _NEVER else _NEVER)


def _return_s(day: Day, vehicle: DayVehicle, previous: int, before: int, after: int) -> int:
    """When the van, at ``previous`` with these states, is back having taken its break
    (on the way back or after returning, if not yet); ``_NEVER`` if it cannot."""
    leg = day.duration_s[previous][vehicle.end_node]
    end_before = before + leg if before < _NEVER else _NEVER
    end_s = after + leg if after < _NEVER else _NEVER
    lunch = vehicle.lunch_break_s
    if lunch is None:
        return end_before
    if before < _NEVER:
        earliest_s, latest_s, break_s = lunch
        break_start = max(earliest_s, before + day.handling_s[previous])
        if break_start <= latest_s:
            end_s = min(end_s, max(end_before, break_start) + break_s)
        back = max(earliest_s, end_before)
        if back <= latest_s and back + break_s <= vehicle.shift_end_s:
            end_s = min(end_s, end_before)
    return end_s


def _end_s(day: Day, vehicle: DayVehicle, nodes: Sequence[int], start_s: int) -> int:
    """When the van is back after serving ``nodes`` in order, leaving at ``start_s``
    (``_NEVER`` if it cannot): `_advance` and `_return_s` written out in one loop, this
    being the search's innermost check (a test holds the two to the same answers)."""
    duration, handling, site_of = day.duration_s, day.handling_s, day.site_of
    windows, mid_stop_windows = day.windows, day.mid_stop_windows
    lunch = vehicle.lunch_break_s
    before, after = _start_states(vehicle, start_s)
    earliest_s, latest_s, break_s = lunch if lunch is not None else (0, -1, 0)
    previous = vehicle.start_node
    for n in nodes:
        leg = duration[previous][n]
        arrive_before = before + leg
        arrive_after = after + leg
        if before < _NEVER:
            break_start = max(earliest_s, before + handling[previous])
            if break_start <= latest_s:
                on_leg = max(arrive_before, break_start) + break_s
                if on_leg < arrive_after:
                    arrive_after = on_leg
        allowed = mid_stop_windows[n] if site_of[previous] == site_of[n] else windows[n]
        before = _earliest(allowed, arrive_before) if arrive_before < _NEVER else _NEVER
        after = _earliest(allowed, arrive_after) if arrive_after < _NEVER else _NEVER
        if before >= _NEVER and after >= _NEVER:
            return _NEVER
        previous = n
    return _return_s(day, vehicle, previous, before, after)


def _times_fit(day: Day, vehicle: DayVehicle, nodes: Sequence[int]) -> bool:
    """Whether the van can serve ``nodes`` in order within its shift."""
    return _end_s(day, vehicle, nodes, vehicle.shift_start_s) <= vehicle.shift_end_s


class _RouteView:
    """One route's path (depots included) with its earliest service starts and loads at
    each node, so that putting one node on a leg is checked from that leg on only."""

    __slots__ = ("after", "before", "load", "path", "prefix_max", "suffix_max",
                 "suffix_min")

    def __init__(self, day: Day, vehicle: DayVehicle, route: Sequence[int]) -> None:
        self.path = [vehicle.start_node, *route, vehicle.end_node]
        before, after = _start_states(vehicle, vehicle.shift_start_s)
        self.before, self.after = [before], [after]
        for previous, n in zip(self.path, route, strict=False):
            before, after = _advance(day, vehicle, previous, n, before, after)
            self.before.append(before)
            self.after.append(after)
        dims = range(len(vehicle.capacity))
        load = [sum(day.start_load[n][d] for n in route) for d in dims]
        self.load = [tuple(load)]  # what the van holds leaving path[k]
        for n in route:
            load = [load[d] + day.load_change[n][d] for d in dims]
            self.load.append(tuple(load))
        self.prefix_max = list(itertools.accumulate(self.load, _pairwise_max))
        self.suffix_max = list(itertools.accumulate(reversed(self.load), _pairwise_max))[::-1]
        self.suffix_min = list(itertools.accumulate(reversed(self.load), _pairwise_min))[::-1]

    def fits(self, day: Day, vehicle: DayVehicle, n: int, leg: int) -> bool:
        """Whether node ``n`` fits between ``path[leg]`` and ``path[leg + 1]``."""
        start_load, change, capacity = day.start_load[n], day.load_change[n], vehicle.capacity
        last = len(self.load) - 1
        for d, limit in enumerate(capacity):
            carried, shift = start_load[d], start_load[d] + change[d]
            if carried and self.prefix_max[leg][d] + carried > limit:
                return False
            own = self.load[leg][d] + shift
            if own < 0 or own > limit:
                return False
            if shift and leg < last and (self.suffix_max[leg + 1][d] + shift > limit
                                         or self.suffix_min[leg + 1][d] + shift < 0):
                return False
        path = self.path
        before, after = _advance(day, vehicle, path[leg], n, self.before[leg], self.after[leg])
        previous = n
        for k in range(leg + 1, len(path) - 1):
            if before >= _NEVER and after >= _NEVER:
                return False
            before, after = _advance(day, vehicle, previous, path[k], before, after)
            if before == self.before[k] and after == self.after[k]:
                return True  # the rest of the route runs as before
            previous = path[k]
        if before >= _NEVER and after >= _NEVER:
            return False
        return _return_s(day, vehicle, previous, before, after) <= vehicle.shift_end_s


def _pairwise_max(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(map(max, a, b))


def _pairwise_min(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(map(min, a, b))


def route_feasible(day: Day, vehicle: int, nodes: Sequence[int]) -> bool:
    """Whether ``vehicles[vehicle]`` can serve ``nodes`` in this order: loads, windows,
    break and shift (pairing is the caller's)."""
    van = day.vehicles[vehicle]
    return _loads_fit(day, van.capacity, nodes) and _times_fit(day, van, nodes)


def route_cost(day: Day, vehicle: int, nodes: Sequence[int]) -> int:
    """Driving cost of the route plus the van's fixed cost; 0 for an empty route."""
    if not nodes:
        return 0
    van = day.vehicles[vehicle]
    cost = van.arc_cost
    total = van.fixed_cost + cost[van.start_node][nodes[0]] + cost[nodes[-1]][van.end_node]
    for a, b in itertools.pairwise(nodes):
        total += cost[a][b]
    return total


def _insertion(day: Day, arcs: Sequence[np.ndarray], routes: list[list[int]], task: int,
               limit: float) -> tuple[int, int, list[int]] | None:
    """The cheapest feasible place for ``task`` that costs less than ``limit`` more:
    (the cost it adds, route, the route with it), or None. ``arcs``: each van's arc costs
    as an array."""
    nodes = day.tasks[task]
    added_parts: list[np.ndarray] = []
    places: list[tuple[int, int, int]] = []  # route, legs of its path, offset in added
    offset = 0
    for r, route in enumerate(routes):
        van = day.vehicles[r]
        cost = arcs[r]
        path = np.array([van.start_node, *route, van.end_node], dtype=np.intp)
        leaving, reaching = path[:-1], path[1:]
        legs = len(leaving)
        opening = 0 if route else van.fixed_cost
        if len(nodes) == 1:
            n = nodes[0]
            added = cost[leaving, n] + cost[n, reaching] - cost[leaving, reaching] + opening
        else:
            pickup, delivery = nodes
            into = cost[leaving, pickup] - cost[leaving, reaching] + opening
            # Pickup on leg i, delivery on a later leg j; or both on leg i, pickup first.
            later = (into + cost[pickup, reaching])[:, None] + (
                cost[leaving, delivery] + cost[delivery, reaching]
                - cost[leaving, reaching])[None, :]
            added = np.where(np.triu(np.ones((legs, legs), dtype=bool), 1), later, _NEVER)
            np.fill_diagonal(added, into + cost[pickup, delivery] + cost[delivery, reaching])
            added = added.ravel()
        added_parts.append(added)
        places.append((r, legs, offset))
        offset += len(added)
    every = np.concatenate(added_parts)
    # The cheapest place is usually feasible: a route's first check walks it whole, and
    # only a second check on the same route builds its view.
    walked: set[int] = set()
    views: dict[int, _RouteView] = {}
    for k in np.argsort(every, kind="stable"):
        if every[k] >= limit:
            return None
        r, legs, first = next(p for p in reversed(places) if p[2] <= k)
        route = routes[r]
        if len(nodes) == 1:
            i = int(k) - first
            if r not in walked:
                walked.add(r)
                new = [*route[:i], nodes[0], *route[i:]]
                if route_feasible(day, r, new):
                    return int(every[k]), r, new
                continue
            if r not in views:
                views[r] = _RouteView(day, day.vehicles[r], route)
            if views[r].fits(day, day.vehicles[r], nodes[0], i):
                return int(every[k]), r, [*route[:i], nodes[0], *route[i:]]
        else:
            i, j = divmod(int(k) - first, legs)
            new = [*route[:i], nodes[0], *route[i:j], nodes[1], *route[j:]]
            if route_feasible(day, r, new):
                return int(every[k]), r, new
    return None


def _check_routes(day: Day, routes: Sequence[Sequence[int]]) -> list[list[int]]:
    if len(routes) != len(day.vehicles):
        msg = (f"improve_day argument 'routes': one route per van expected "
               f"({len(day.vehicles)}), got {len(routes)}")
        raise ValueError(msg)
    task_of = {n: t for t, nodes in enumerate(day.tasks) for n in nodes}
    seen: set[int] = set()
    for k, route in enumerate(routes):
        for n in route:
            if n not in task_of or n in seen:
                msg = (f"improve_day argument 'routes[{k}]': node {n} is "
                       f"{'served twice' if n in seen else 'not a task node'}")
                raise ValueError(msg)
            seen.add(n)
        for t in {task_of[n] for n in route}:
            nodes = day.tasks[t]
            if any(n not in route for n in nodes) or \
                    (len(nodes) == 2 and list(route).index(nodes[0]) > list(route).index(nodes[1])):
                msg = (f"improve_day argument 'routes[{k}]': task {t}'s nodes {list(nodes)} "
                       f"are not all on it, pickup first")
                raise ValueError(msg)
        if not route_feasible(day, k, route):
            msg = (f"improve_day argument 'routes[{k}]': breaks a time window, the break, "
                   f"the shift or the capacity, got {list(route)}")
            raise ValueError(msg)
    return [list(r) for r in routes]


@dataclass
class _Run:
    """One annealing run's current plan."""

    routes: list[list[int]]
    costs: list[int]
    unserved: list[int]
    cost: int


class _Search:
    """What every run of one `improve_day` call shares."""

    def __init__(self, day: Day, rng: np.random.Generator) -> None:
        self.day = day
        self.rng = rng
        self.arcs = [np.asarray(v.arc_cost, dtype=np.int64) for v in day.vehicles]
        self.task_of = {n: t for t, nodes in enumerate(day.tasks) for n in nodes}
        self.members = dict(enumerate(day.tasks))
        hub_cost = [min(v.arc_cost[v.start_node][nodes[0]] for v in day.vehicles)
                    for nodes in day.tasks]
        loads = [sum(day.start_load[nodes[0]]) + sum(abs(x) for x in day.load_change[nodes[0]])
                 for nodes in day.tasks]
        spans = [sum(e - s for s, e in day.windows[nodes[0]]) or _NEVER for nodes in day.tasks]
        # Orders of reinsertion: random, largest first, farthest first, tightest first.
        self.orders: tuple[Sequence[int] | None, ...] = (
            None, [-x for x in loads], [-x for x in hub_cost], spans)

    def run_of(self, routes: list[list[int]]) -> _Run:
        day = self.day
        served = {self.task_of[n] for route in routes for n in route}
        unserved = [t for t in range(len(day.tasks)) if t not in served]
        costs = [route_cost(day, k, r) for k, r in enumerate(routes)]
        return _Run(routes, costs, unserved, sum(costs) + sum(day.penalty[t] for t in unserved))

    def recreate(self, routes: list[list[int]], costs: list[int], waiting: list[int],
                 order: Sequence[int] | None) -> _Run:
        """Insert the ``waiting`` tasks by ``order`` (a sort key per task; None: random);
        what finds no place (or, when optional, no place cheaper than its penalty) stays
        out."""
        day = self.day
        if order is None:
            self.rng.shuffle(waiting)
        else:
            waiting.sort(key=order.__getitem__)
        left_out = []
        for t in waiting:
            found = _insertion(day, self.arcs, routes, t, day.penalty[t])
            if found is None:
                left_out.append(t)
                continue
            added, r, new = found
            routes[r] = new
            costs[r] += added
        return _Run(routes, costs, left_out,
                    sum(costs) + sum(day.penalty[t] for t in left_out))

    def construct(self) -> _Run:
        """A plan built from empty vans, required tasks first, each group in random order."""
        day = self.day
        tasks = range(len(day.tasks))
        run = self.recreate([[] for _ in day.vehicles], [0] * len(day.vehicles),
                            [t for t in tasks if day.required[t]], None)
        rest = self.recreate(run.routes, run.costs,
                             [t for t in tasks if not day.required[t]], None)
        return _Run(rest.routes, rest.costs, run.unserved + rest.unserved,
                    rest.cost + sum(day.penalty[t] for t in run.unserved))

    def anneal(self, run: _Run, deadline: float, *, average_removed: int, max_string: int,
               initial_temperature: float, final_temperature: float,
               required_out: int) -> tuple[_Run, int]:
        """Ruin-and-recreate rounds from ``run`` until ``deadline``: the best plan leaving
        at most ``required_out`` required tasks out, and the rounds run."""
        day, rng = self.day, self.rng
        best: _Run | None = None
        if sum(1 for t in run.unserved if day.required[t]) <= required_out:
            best = run
        rounds = 0
        for temperature in temperatures(deadline, initial_temperature, final_temperature):
            rounds += 1
            removed = string_removal(run.routes, day.neighbours, self.task_of, self.members,
                                     rng, average_removed=average_removed,
                                     max_string=max_string)
            if not removed:
                break
            routes = list(run.routes)
            costs = list(run.costs)
            feasible = True
            for k, route in enumerate(run.routes):
                if any(n in removed for n in route):
                    routes[k] = [n for n in route if n not in removed]
                    # A stop can lose the task it shared a site with, and then open late.
                    if not route_feasible(day, k, routes[k]):
                        feasible = False
                        break
                    costs[k] = route_cost(day, k, routes[k])
            if not feasible:
                continue
            waiting = list(dict.fromkeys(self.task_of[n] for n in removed)) + run.unserved
            order = self.orders[int(rng.integers(len(self.orders)))]
            candidate = self.recreate(routes, costs, waiting, order)
            if candidate.cost < run.cost - temperature * run.cost * math.log(rng.random()):
                run = candidate
                if (best is None or run.cost < best.cost) and \
                        sum(1 for t in run.unserved if day.required[t]) <= required_out:
                    best = run
        return (best if best is not None else run), rounds


def improve_day(day: Day, routes: Sequence[Sequence[int]], *, seed: int, deadline: float,
                restarts: int = 1, average_removed: int = 10, max_string: int = 10,
                initial_temperature: float = 0.003, final_temperature: float = 3e-5,
                ) -> ImprovedDay:
    """Lower the plan's cost by ruin-and-recreate rounds until ``deadline``.

    The time is split evenly into ``restarts`` annealing runs: the first starts from
    ``routes``, each other from a plan built afresh (required tasks first, in a random
    order, each at its cheapest place). A long plan of two vans can sit in a basin that
    no ruin of a few strings leaves (one van driving its loop the other way round, say);
    fresh starts reach the others.

    Parameters
    ----------
    day
        The day.
    routes
        One route per van of ``day.vehicles`` (task nodes in visiting order, depots
        excluded, empty for an unused van), each feasible.
    seed
        Seed of the random choices.
    deadline
        ``time.perf_counter()`` value at which to stop.
    restarts
        Annealing runs (>= 1).
    average_removed, max_string
        About how many stops a round removes, and the longest string from one route.
    initial_temperature, final_temperature
        Each run's annealing temperature at its start and at its end, relative to the
        plan's cost: a round that raises the cost by ``d`` is kept with probability
        ``exp(-d / (temperature * cost))``.

    Returns
    -------
    ImprovedDay
        The cheapest plan met (routes, its cost counting the penalties of tasks left
        out) that leaves no more required tasks out than ``routes`` do.

    Raises
    ------
    ValueError
        When a route breaks the day's rules, serves a node twice or splits a shipment
        (naming ``routes[k]``), ``restarts`` is below 1 or a temperature is not positive.
    """
    if restarts < 1:
        msg = f"improve_day argument 'restarts': must be >= 1, got {restarts!r}"
        raise ValueError(msg)
    for name, value in (("initial_temperature", initial_temperature),
                        ("final_temperature", final_temperature)):
        if not value > 0:
            msg = f"improve_day argument {name!r}: must be > 0, got {value!r}"
            raise ValueError(msg)
    given = _check_routes(day, routes)
    search = _Search(day, np.random.default_rng(seed))
    start = search.run_of(given)
    required_out = sum(1 for t in start.unserved if day.required[t])
    best = start
    rounds = 0
    for restart in range(restarts):
        now = time.perf_counter()
        if now >= deadline:
            break
        run = start if restart == 0 else search.construct()
        run, run_rounds = search.anneal(
            run, now + (deadline - now) / (restarts - restart),
            average_removed=average_removed, max_string=max_string,
            initial_temperature=initial_temperature, final_temperature=final_temperature,
            required_out=required_out)
        rounds += run_rounds
        if run.cost < best.cost and \
                sum(1 for t in run.unserved if day.required[t]) <= required_out:
            best = run
    return ImprovedDay([list(r) for r in best.routes], best.cost, rounds)
