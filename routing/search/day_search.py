"""Shorter plans for days of few long routes: ruin-and-recreate under the day's exact rules.

On a day of one or two vans (Munakata's) every OR-Tools repair is a descent over the whole
day, and each costs a fifth of a second because OR-Tools checks the lunch break and the
load that hub deliveries put on board at the start on every move it tries: about ten
repairs in a 2-second budget. This search keeps its own copy of those rules, compiled
(`routing.search.day_kernel`, about 15 ns a stop), and runs tens of thousands of rounds in the
same time.

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
returns read back into it; `routing.ortools.handoff` checks that they do before using them.

This module holds the day, the checks of what callers hand in and the restarts; the
rounds themselves run in `routing.search.day_kernel`, which `compile_day_search` loads (or
compiles, once per installation) ahead of the first solve.

Pure: plain lists of integers in, plain lists out.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from routing.search import day_kernel
from routing.search.annealing import temperature
from routing.search.day_kernel import DayArrays

_ANY_TIME = 1 << 60  # the window span of a node open all day
_BATCH_S = 0.005  # how long one batch of compiled rounds should take


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

    @functools.cached_property
    def arrays(self) -> DayArrays:
        """The day as the compiled rounds read it, built on first use and kept (the day's
        sequences are read once: change them and build a new `Day`)."""
        return _arrays(self)


@dataclass(frozen=True)
class ImprovedDay:
    """What `improve_day` found: each van's route, the plan's cost and the rounds run."""

    routes: list[list[int]]
    cost: int
    rounds: int


def _arrays(day: Day) -> DayArrays:
    """The day as the compiled rounds read it (see `routing.search.day_kernel.DayArrays`)."""
    nodes, tasks, vans = len(day.handling_s), len(day.tasks), day.vehicles
    dims = len(day.start_load[0]) if nodes else 0
    width = max([1, *map(len, day.windows), *map(len, day.mid_stop_windows)])
    windows_s = np.zeros((2, nodes, width, 2), dtype=np.int64)
    for kind, rows in ((day_kernel.OPENING, day.windows),
                       (day_kernel.MID_STOP, day.mid_stop_windows)):
        for node, row in enumerate(rows):
            if row:
                windows_s[kind, node, :len(row)] = row
    task_ints = np.full((tasks, 4), -1, dtype=np.int64)
    task_of = np.full(nodes, -1, dtype=np.int64)
    for t, members in enumerate(day.tasks):
        task_ints[t, :len(members)] = members
        task_ints[t, day_kernel.PENALTY] = day.penalty[t]
        task_ints[t, day_kernel.REQUIRED] = int(day.required[t])
        task_of[list(members)] = t
    hub_cost = [min(v.arc_cost[v.start_node][members[0]] for v in vans)
                for members in day.tasks]
    sizes = [sum(day.start_load[members[0]]) + sum(map(abs, day.load_change[members[0]]))
             for members in day.tasks]
    spans = [sum(e - s for s, e in day.windows[members[0]]) or _ANY_TIME
             for members in day.tasks]
    width = max([1, *(len(v) for v in day.neighbours.values())])
    neighbours = np.full((nodes, width), -1, dtype=np.int64)
    for node, near in day.neighbours.items():
        neighbours[node, :len(near)] = near
    no_break = (0, -1, 0, 0)
    return DayArrays(
        duration_s=np.asarray(day.duration_s, dtype=np.int64).reshape(nodes, nodes),
        node_ints=np.array([day.handling_s, day.site_of, [len(w) for w in day.windows],
                            [len(w) for w in day.mid_stop_windows]],
                           dtype=np.int64).reshape(4, nodes).T.copy(),
        windows_s=windows_s,
        loads=np.array([day.start_load, day.load_change], dtype=np.int64).reshape(
            2, nodes, dims),
        van_ints=np.array([(v.start_node, v.end_node, v.shift_start_s, v.shift_end_s,
                            v.fixed_cost, *(no_break if v.lunch_break_s is None
                                            else (*v.lunch_break_s, 1)))
                           for v in vans], dtype=np.int64).reshape(len(vans), 9),
        capacity=np.array([v.capacity for v in vans], dtype=np.int64).reshape(len(vans), dims),
        arc_cost=np.array([v.arc_cost for v in vans], dtype=np.int64).reshape(
            len(vans), nodes, nodes),
        task_ints=task_ints, task_of=task_of,
        # Orders of reinsertion besides random: largest first, farthest first, tightest first.
        order_keys=np.array([[-x for x in sizes], [-x for x in hub_cost], spans],
                            dtype=np.float64).reshape(3, tasks),
        neighbours=neighbours)


def _route_array(nodes: Sequence[int]) -> np.ndarray:
    return np.asarray(nodes, dtype=np.int64).reshape(len(nodes))


def route_feasible(day: Day, vehicle: int, nodes: Sequence[int]) -> bool:
    """Whether ``vehicles[vehicle]`` can serve ``nodes`` in this order: loads, windows,
    break and shift (pairing is the caller's)."""
    return bool(day_kernel.feasible(day.arrays, vehicle, _route_array(nodes), len(nodes)))


def route_cost(day: Day, vehicle: int, nodes: Sequence[int]) -> int:
    """Driving cost of the route plus the van's fixed cost; 0 for an empty route."""
    return int(day_kernel.route_cost(day.arrays, vehicle, _route_array(nodes), len(nodes)))


def _check_routes(day: Day, arrays: DayArrays, routes: Sequence[Sequence[int]]
                  ) -> list[list[int]]:
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
        if not day_kernel.feasible(arrays, k, _route_array(route), len(route)):
            msg = (f"improve_day argument 'routes[{k}]': breaks a time window, the break, "
                   f"the shift or the capacity, got {list(route)}")
            raise ValueError(msg)
    return [list(r) for r in routes]


class _Plan:
    """A plan in the compiled rounds' buffers: each van's route, its cost, the tasks left
    out and ``state`` = (how many are left out, the plan's cost)."""

    def __init__(self, arrays: DayArrays) -> None:
        vans, nodes = arrays.van_ints.shape[0], arrays.duration_s.shape[0]
        self.routes = np.full((vans, nodes), -1, dtype=np.int64)
        self.lengths = np.zeros(vans, dtype=np.int64)
        self.costs = np.zeros(vans, dtype=np.int64)
        self.left_out = np.zeros(arrays.task_ints.shape[0], dtype=np.int64)
        self.state = np.zeros(3, dtype=np.int64)  # left out, cost, (best only) 1 once set

    @classmethod
    def of_routes(cls, arrays: DayArrays, routes: Sequence[Sequence[int]]) -> _Plan:
        plan = cls(arrays)
        served: set[int] = set()
        for van, route in enumerate(routes):
            plan.routes[van, :len(route)] = route
            plan.lengths[van] = len(route)
            plan.costs[van] = day_kernel.route_cost(arrays, van, plan.routes[van], len(route))
            served.update(int(arrays.task_of[n]) for n in route)
        left_out = [t for t in range(arrays.task_ints.shape[0]) if t not in served]
        plan.left_out[:len(left_out)] = left_out
        plan.state[0] = len(left_out)
        plan.state[1] = day_kernel.plan_cost(arrays, plan.costs, plan.left_out, len(left_out))
        return plan

    @classmethod
    def constructed(cls, arrays: DayArrays) -> _Plan:
        """A plan built from empty vans, required tasks first, each group in random order."""
        plan = cls(arrays)
        left = 0
        required = arrays.task_ints[:, day_kernel.REQUIRED]
        for group in (np.flatnonzero(required == 1), np.flatnonzero(required == 0)):
            found = day_kernel.recreate_once(arrays, plan.routes, plan.lengths, plan.costs,
                                             group.astype(np.int64), plan.left_out[left:])
            left += found
        plan.state[0] = left
        plan.state[1] = day_kernel.plan_cost(arrays, plan.costs, plan.left_out, left)
        return plan

    def required_left_out(self, arrays: DayArrays) -> int:
        return int(day_kernel.required_left_out(arrays, self.left_out, int(self.state[0])))

    def copy_into(self, other: _Plan) -> None:
        for name in ("routes", "lengths", "costs", "left_out", "state"):
            getattr(other, name)[:] = getattr(self, name)

    def route_lists(self) -> list[list[int]]:
        return [self.routes[van, :length].tolist() for van, length in enumerate(self.lengths)]


def _anneal(arrays: DayArrays, run: _Plan, best: _Plan, deadline: float, *,
            average_removed: int, max_string: int, initial_temperature: float,
            final_temperature: float, required_out: int) -> int:
    """Rounds from ``run`` until ``deadline``, in batches of about 5 ms each (compiled
    code cannot read the clock), keeping the best plan in ``best``; the rounds run."""
    started = time.perf_counter()
    span_s = max(deadline - started, 1e-9)
    batch, rounds = 8, 0
    while (now := time.perf_counter()) < deadline:
        progress = (now - started) / span_s
        batch_s = batch * (now - started) / rounds if rounds else 0.0
        ran = day_kernel.anneal(
            arrays, run.routes, run.lengths, run.costs, run.left_out, run.state,
            best.routes, best.lengths, best.left_out, best.state, batch,
            temperature(progress, initial_temperature, final_temperature),
            temperature(min(1.0, progress + batch_s / span_s), initial_temperature,
                        final_temperature),
            average_removed, max_string, required_out)
        rounds += ran
        if ran < batch:  # nothing left to remove
            break
        rate_s = (time.perf_counter() - started) / rounds
        batch = max(1, min(4 * batch, int(_BATCH_S / max(rate_s, 1e-9))))
    return rounds


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
    arrays = day.arrays
    given = _check_routes(day, arrays, routes)
    day_kernel.seed_rounds(seed)
    start = _Plan.of_routes(arrays, given)
    required_out = start.required_left_out(arrays)
    best = _Plan(arrays)
    start.copy_into(best)
    best.state[2] = 1
    rounds = 0
    for restart in range(restarts):
        now = time.perf_counter()
        if now >= deadline:
            break
        run = start if restart == 0 else _Plan.constructed(arrays)
        if run.state[1] < best.state[1] and run.required_left_out(arrays) <= required_out:
            run.copy_into(best)
            best.state[2] = 1
        rounds += _anneal(arrays, run, best, now + (deadline - now) / (restarts - restart),
                          average_removed=average_removed, max_string=max_string,
                          initial_temperature=initial_temperature,
                          final_temperature=final_temperature, required_out=required_out)
    return ImprovedDay(best.route_lists(), int(best.state[1]), rounds)


def compile_day_search() -> None:
    """Load the compiled rounds into this process, compiling them first if no cache on
    disk holds them (about 20 s here, once per installation), by running each once on a
    day of one stop. A process that solves calls this at start-up, so that its first
    solve's budget goes to searching rather than loading (about 0.3 s)."""
    van = DayVehicle(start_node=0, end_node=0, shift_start_s=0, shift_end_s=3600,
                     capacity=(1,), fixed_cost=1, arc_cost=[[0, 1], [1, 0]],
                     lunch_break_s=(0, 1800, 600))
    day = Day(duration_s=[[0, 60], [60, 0]], handling_s=[0, 0], site_of=[-1, 0],
              windows=[(), ((0, 3600),)], mid_stop_windows=[(), ((0, 3600),)],
              start_load=[(0,), (0,)], load_change=[(0,), (1,)], tasks=[(1,)], penalty=[10],
              required=[True], neighbours={1: []}, vehicles=[van])
    arrays = day.arrays
    day_kernel.seed_rounds(0)
    run = _Plan.of_routes(arrays, _check_routes(day, arrays, [[1]]))
    best = _Plan.constructed(arrays)
    best.state[2] = 1
    run.required_left_out(arrays)
    day_kernel.anneal(arrays, run.routes, run.lengths, run.costs, run.left_out, run.state,
                      best.routes, best.lengths, best.left_out, best.state, 1, 0.003, 0.003,
                      10, 10, 0)
