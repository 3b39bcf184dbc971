"""The day search's rules and rounds, compiled with numba.

`routing.search.day_search` keeps the day, its validation and the restarts; this module holds
what runs thousands of times a second: checking a route against the day's rules, the
cheapest feasible insertion, the string removal and whole ruin-and-recreate rounds. In
plain Python a round cost about 0.75 ms (ten insertions, each a numpy candidate list and
a walk along the route); compiled, about 17 microseconds, which turns a 2-second solve's
2,400 rounds into about 100,000.

Everything is in solver node numbers and int64 arrays (`DayArrays`); a plan is a route
buffer ``routes[van, position]`` with ``lengths[van]``, the cost of each route and the
tasks left out. Randomness comes from numba's own generator, seeded by `seed_rounds`.
Functions are compiled on first use and cached on disk (``cache=True``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar, cast

import numba
import numpy as np

NEVER = 1 << 60

_Function = TypeVar("_Function", bound=Callable[..., Any])


def _compiled(function: _Function) -> _Function:
    return cast(_Function, numba.njit(cache=True, nogil=True)(function))


def _inlined(function: _Function) -> _Function:
    """Compiled into its callers (small helpers run per stop or per leg)."""
    return cast(_Function, numba.njit(cache=True, nogil=True, inline="always")(function))


# Columns of the packed arrays (numba reads these module constants as literals).
HANDLING, SITE, WINDOW_COUNT, MID_STOP_WINDOW_COUNT = 0, 1, 2, 3  # node_ints
OPENING, MID_STOP = 0, 1  # windows_s: a node opening its stop, or after another at its site
START_LOAD, LOAD_CHANGE = 0, 1  # loads
(VAN_START, VAN_END, SHIFT_START, SHIFT_END, FIXED_COST, BREAK_EARLIEST, BREAK_LATEST,
 BREAK_DURATION, HAS_BREAK) = range(9)  # van_ints
FIRST_NODE, SECOND_NODE, PENALTY, REQUIRED = 0, 1, 2, 3  # task_ints


class DayArrays(NamedTuple):
    """A `routing.search.day_search.Day` as arrays (n nodes, V vans, T tasks, D load dimensions),
    packed into few arrays because every array a compiled function receives costs it
    reference counting on each call.

    ``node_ints[node]``: handling, site, how many windows, how many mid-stop windows.
    ``windows_s[OPENING or MID_STOP, node]``: (start, end) rows padded to the most any node
    has (none: any time). ``loads[START_LOAD or LOAD_CHANGE, node]``: per dimension.
    ``van_ints[van]``: start and end nodes, shift start and end, fixed cost, the break's
    earliest start, latest start and duration, and 1 when it takes one.
    ``task_ints[t]``: the task's node (a shipment's pickup), its second node (a
    shipment's delivery; -1 for none), penalty, 1 when required. ``order_keys[k]``: the
    three sort keys of reinsertion (largest, farthest, tightest first);
    ``neighbours[node]``: other task nodes nearest first, padded with -1.
    """

    duration_s: np.ndarray  # [n, n]
    node_ints: np.ndarray  # [n, 4]
    windows_s: np.ndarray  # [2, n, W, 2]
    loads: np.ndarray  # [2, n, D]
    van_ints: np.ndarray  # [V, 9]
    capacity: np.ndarray  # [V, D]
    arc_cost: np.ndarray  # [V, n, n]
    task_ints: np.ndarray  # [T, 4]
    task_of: np.ndarray  # [n], -1 for a depot
    order_keys: np.ndarray  # [3, T], float
    neighbours: np.ndarray  # [n, K]


@_compiled
def seed_rounds(seed: int) -> None:
    """Seed numba's generator (separate from numpy's) for the rounds that follow."""
    np.random.seed(seed)


@_inlined
def _earliest(windows_s: np.ndarray, count: int, time_s: int) -> int:
    """The earliest service start in the first ``count`` of ``windows_s`` (rows of start,
    end; none: any time) when arriving at ``time_s``."""
    if time_s >= NEVER:
        return NEVER
    if count == 0:
        return time_s
    for w in range(count):
        if time_s <= windows_s[w, 1]:
            return max(time_s, int(windows_s[w, 0]))
    return NEVER


@_compiled
def end_time(duration_s: np.ndarray, node_ints: np.ndarray, windows_s: np.ndarray,
             van_ints: np.ndarray, van: int, nodes: np.ndarray, length: int,
             start_s: int) -> int:
    """When ``van`` is back having served ``nodes[:length]`` in order and taken its break,
    leaving at ``start_s``; NEVER if it cannot.

    Two earliest times are carried along the route: with the break not yet taken and
    with it taken (before leaving, on a leg together with the driving, or earlier). A
    leg's duration includes the handling of the node it leaves; the break starts after
    that handling, inside its window.
    """
    has_break = van_ints[van, HAS_BREAK] == 1
    earliest_s = van_ints[van, BREAK_EARLIEST] if has_break else 0
    latest_s = van_ints[van, BREAK_LATEST] if has_break else -1
    break_s = van_ints[van, BREAK_DURATION] if has_break else 0
    before = start_s
    after = NEVER
    first_s = max(earliest_s, van_ints[van, SHIFT_START])
    if has_break and first_s <= latest_s:
        after = max(start_s, first_s + break_s)
    previous = van_ints[van, VAN_START]
    for k in range(length):
        node = nodes[k]
        leg_s = duration_s[previous, node]
        arrive_before = before + leg_s if before < NEVER else NEVER
        arrive_after = after + leg_s if after < NEVER else NEVER
        if before < NEVER:
            break_start = max(earliest_s, before + node_ints[previous, HANDLING])
            if break_start <= latest_s:
                on_leg = max(arrive_before, break_start) + break_s
                arrive_after = min(arrive_after, on_leg)
        if node_ints[previous, SITE] == node_ints[node, SITE]:  # after another at its site
            allowed = windows_s[MID_STOP, node]
            count = node_ints[node, MID_STOP_WINDOW_COUNT]
        else:
            allowed = windows_s[OPENING, node]
            count = node_ints[node, WINDOW_COUNT]
        before = _earliest(allowed, count, arrive_before)
        after = _earliest(allowed, count, arrive_after)
        if before >= NEVER and after >= NEVER:
            return NEVER
        previous = node
    leg_s = duration_s[previous, van_ints[van, VAN_END]]
    end_before = before + leg_s if before < NEVER else NEVER
    if not has_break:
        return end_before
    end_s = after + leg_s if after < NEVER else NEVER
    if before < NEVER:
        break_start = max(earliest_s, before + node_ints[previous, HANDLING])
        if break_start <= latest_s:
            end_s = min(end_s, max(end_before, break_start) + break_s)
        back_s = max(earliest_s, end_before)  # the break taken after returning
        if back_s <= latest_s and back_s + break_s <= van_ints[van, SHIFT_END]:
            end_s = min(end_s, end_before)
    return end_s


@_compiled
def rules_hold(duration_s: np.ndarray, node_ints: np.ndarray, windows_s: np.ndarray,
               loads: np.ndarray, van_ints: np.ndarray, capacity: np.ndarray, van: int,
               nodes: np.ndarray, length: int) -> bool:
    """Whether ``van`` can serve ``nodes[:length]`` in order: its load stays within its
    capacity in every dimension (leaving with every hub delivery it serves on board),
    and the windows, break and shift allow the times."""
    for d in range(capacity.shape[1]):
        load = 0
        for k in range(length):
            load += loads[START_LOAD, nodes[k], d]
        if load > capacity[van, d]:
            return False
        for k in range(length):
            load += loads[LOAD_CHANGE, nodes[k], d]
            if load < 0 or load > capacity[van, d]:
                return False
    return bool(end_time(duration_s, node_ints, windows_s, van_ints, van, nodes, length,
                         van_ints[van, SHIFT_START]) <= van_ints[van, SHIFT_END])


@_compiled
def feasible(day: DayArrays, van: int, nodes: np.ndarray, length: int) -> bool:
    """`rules_hold` on the day's arrays."""
    return rules_hold(day.duration_s, day.node_ints, day.windows_s, day.loads, day.van_ints,
                      day.capacity, van, nodes, length)


@_compiled
def route_cost(day: DayArrays, van: int, nodes: np.ndarray, length: int) -> int:
    """Driving cost plus the van's fixed cost; 0 for an empty route."""
    if length == 0:
        return 0
    arc = day.arc_cost[van]
    total: int = day.van_ints[van, FIXED_COST] + arc[day.van_ints[van, VAN_START], nodes[0]] + \
        arc[nodes[length - 1], day.van_ints[van, VAN_END]]
    for k in range(length - 1):
        total += arc[nodes[k], nodes[k + 1]]
    return total


@_inlined
def _path(van_ints: np.ndarray, routes: np.ndarray, lengths: np.ndarray, van: int,
          path: np.ndarray) -> int:
    """The van's path, its depots included, written into ``path``; returns its legs."""
    path[0] = van_ints[van, VAN_START]
    path[1:lengths[van] + 1] = routes[van, :lengths[van]]
    path[lengths[van] + 1] = van_ints[van, VAN_END]
    return int(lengths[van] + 1)


@_compiled
def _with_task(routes: np.ndarray, lengths: np.ndarray, van: int, first: int, second: int,
               i: int, j: int, out: np.ndarray) -> int:
    """The van's route with ``first`` before position ``i`` and, when ``second`` >= 0,
    ``second`` before position ``j`` (j >= i) written into ``out``; returns its length."""
    length = 0
    for k in range(lengths[van] + 1):
        if k == i:
            out[length] = first
            length += 1
        if second >= 0 and k == j:
            out[length] = second
            length += 1
        if k < lengths[van]:
            out[length] = routes[van, k]
            length += 1
    return length


@_inlined
def _place(candidate_cost: np.ndarray, candidate_place: np.ndarray, count: int, added: int,
           van: int, i: int, j: int) -> int:
    """Record a candidate place (van, legs i and j) at ``count``; returns the new count."""
    candidate_cost[count] = added
    candidate_place[count, 0] = van
    candidate_place[count, 1] = i
    candidate_place[count, 2] = j
    return count + 1


@_compiled
def insert_cheapest(day: DayArrays, routes: np.ndarray, lengths: np.ndarray, task: int,
                    limit: int, candidate_cost: np.ndarray, candidate_place: np.ndarray,
                    work: np.ndarray) -> tuple[int, int]:
    """Put ``task`` at its cheapest feasible place costing less than ``limit`` more:
    returns (the cost it adds, the van), the route changed in place; (0, -1) when there
    is none. A shipment's pickup goes before its delivery on the same van.

    ``candidate_cost``, ``candidate_place`` (rows of van, i, j) and ``work`` (twice a
    route's longest path) are scratch buffers large enough for every place of a
    shipment on every van.
    """
    duration_s, node_ints, windows_s = day.duration_s, day.node_ints, day.windows_s
    loads, van_ints, capacity = day.loads, day.van_ints, day.capacity
    first, second = day.task_ints[task, FIRST_NODE], day.task_ints[task, SECOND_NODE]
    count = 0
    path = work[routes.shape[1] + 2:]
    for van in range(lengths.shape[0]):
        arc = day.arc_cost[van]
        legs = _path(van_ints, routes, lengths, van, path)
        opening = van_ints[van, FIXED_COST] if lengths[van] == 0 else 0
        for i in range(legs):
            a, b = path[i], path[i + 1]
            if second < 0:
                added = arc[a, first] + arc[first, b] - arc[a, b] + opening
                if added < limit:
                    count = _place(candidate_cost, candidate_place, count, added, van, i, i)
                continue
            into = arc[a, first] - arc[a, b] + opening
            added = into + arc[first, second] + arc[second, b]
            if added < limit:  # both on leg i, pickup first
                count = _place(candidate_cost, candidate_place, count, added, van, i, i)
            head = into + arc[first, b]
            for j in range(i + 1, legs):
                c, e = path[j], path[j + 1]
                added = head + arc[c, second] + arc[second, e] - arc[c, e]
                if added < limit:
                    count = _place(candidate_cost, candidate_place, count, added, van, i, j)
    if count == 0:
        return 0, -1
    # The cheapest place is usually feasible: try it before sorting the others.
    cheapest = np.argmin(candidate_cost[:count])
    k = cheapest
    order = np.empty(0, dtype=np.int64)
    following = -1  # the next place to try in cost order, once sorted
    while True:
        van, i, j = candidate_place[k, 0], candidate_place[k, 1], candidate_place[k, 2]
        length = _with_task(routes, lengths, van, first, second, i, j, work)
        if rules_hold(duration_s, node_ints, windows_s, loads, van_ints, capacity, van, work,
                      length):
            routes[van, :length] = work[:length]
            lengths[van] = length
            return candidate_cost[k], van
        if following < 0:
            order = np.argsort(candidate_cost[:count], kind="mergesort")
            following = 0
        while following < count and order[following] == cheapest:
            following += 1
        if following >= count:
            break
        k = order[following]
        following += 1
    return 0, -1


@_compiled
def recreate(day: DayArrays, routes: np.ndarray, lengths: np.ndarray, costs: np.ndarray,
             waiting: np.ndarray, order: int, left_out: np.ndarray,
             candidate_cost: np.ndarray, candidate_place: np.ndarray,
             work: np.ndarray) -> int:
    """Insert the ``waiting`` tasks one at a time at their cheapest feasible place, in a
    random order (``order`` 0) or by ``order_keys[order - 1]``; an optional task only
    where it costs less than its penalty. Writes what found no place into ``left_out``
    and returns how many."""
    if order == 0:
        np.random.shuffle(waiting)
    else:
        waiting = waiting[np.argsort(day.order_keys[order - 1][waiting], kind="mergesort")]
    left = 0
    for task in waiting:
        added, van = insert_cheapest(day, routes, lengths, task, day.task_ints[task, PENALTY],
                                     candidate_cost, candidate_place, work)
        if van < 0:
            left_out[left] = task
            left += 1
        else:
            costs[van] += added
    return left


@_compiled
def recreate_once(day: DayArrays, routes: np.ndarray, lengths: np.ndarray, costs: np.ndarray,
                  waiting: np.ndarray, left_out: np.ndarray) -> int:
    """`recreate` in a random order with buffers of its own (for a plan built afresh)."""
    vans, nodes = routes.shape
    candidate_cost = np.empty(vans * (nodes + 1) * (nodes + 2), dtype=np.int64)
    candidate_place = np.empty((candidate_cost.shape[0], 3), dtype=np.int64)
    return recreate(day, routes, lengths, costs, waiting, 0, left_out, candidate_cost,
                    candidate_place, np.empty(2 * (nodes + 2), dtype=np.int64))


@_compiled
def string_removal(day: DayArrays, routes: np.ndarray, lengths: np.ndarray,
                   average_removed: int, max_string: int, removed: np.ndarray,
                   route_of: np.ndarray, position: np.ndarray) -> int:
    """Mark in ``removed`` strings of consecutive stops around a random stop, one string
    per route met among its nearest neighbours, whole tasks at a time (SISR, as
    `routing.search.ruin.string_removal`); returns how many nodes."""
    removed[:] = False
    route_of[:] = -1
    total = 0
    for van in range(lengths.shape[0]):
        for k in range(lengths[van]):
            route_of[routes[van, k]] = van
            position[routes[van, k]] = k
        total += lengths[van]
    if total == 0:
        return 0
    pick = np.random.randint(0, total)
    seed = -1
    for van in range(lengths.shape[0]):
        if pick < lengths[van]:
            seed = routes[van, pick]
            break
        pick -= lengths[van]
    target = max(1, np.random.randint(1, 2 * average_removed))
    touched = np.zeros(lengths.shape[0], dtype=np.bool_)
    count = 0
    for k in range(-1, day.neighbours.shape[1]):
        if count >= target:
            break
        node = seed if k < 0 else day.neighbours[seed, k]
        if node < 0:
            break
        van = route_of[node]
        if van < 0 or touched[van]:
            continue
        touched[van] = True
        length = np.random.randint(1, min(max_string, lengths[van]) + 1)
        first = max(0, min(position[node] - np.random.randint(0, length),
                           lengths[van] - length))
        for s in range(first, first + length):
            task = day.task_of[routes[van, s]]
            for end in day.task_ints[task, :PENALTY]:  # its one or two nodes
                if end >= 0 and not removed[end]:
                    removed[end] = True
                    count += 1
    return count


@_compiled
def plan_cost(day: DayArrays, costs: np.ndarray, left_out: np.ndarray, left: int) -> int:
    """The routes' costs plus the penalties of the tasks left out."""
    total: int = costs.sum()
    for k in range(left):
        total += day.task_ints[left_out[k], PENALTY]
    return total


@_compiled
def required_left_out(day: DayArrays, left_out: np.ndarray, left: int) -> int:
    total = 0
    for k in range(left):
        total += day.task_ints[left_out[k], REQUIRED]
    return total


@_compiled
def anneal(day: DayArrays, routes: np.ndarray, lengths: np.ndarray, costs: np.ndarray,
           left_out: np.ndarray, state: np.ndarray, best_routes: np.ndarray,
           best_lengths: np.ndarray, best_left_out: np.ndarray, best_state: np.ndarray,
           rounds: int, first_temperature: float, last_temperature: float,
           average_removed: int, max_string: int, required_out: int) -> int:
    """Run up to ``rounds`` ruin-and-recreate rounds from the current plan, the
    temperature (relative to the plan's cost) falling geometrically from
    ``first_temperature`` to ``last_temperature``; returns the rounds run (fewer when
    the plan has no stop left to remove).

    The current plan is ``routes``, ``lengths``, ``costs``, ``left_out`` and ``state``
    (tasks left out, cost); the best plan met leaving at most ``required_out`` required
    tasks out is kept in the ``best_*`` arrays (``best_state``: tasks left out, cost, 1
    once there is one). Both are updated in place.
    """
    vans, nodes = routes.shape
    tasks = day.task_ints.shape[0]
    removed = np.zeros(nodes, dtype=np.bool_)
    route_of = np.empty(nodes, dtype=np.int64)
    position = np.empty(nodes, dtype=np.int64)
    waiting_mark = np.zeros(tasks, dtype=np.bool_)
    waiting = np.empty(tasks, dtype=np.int64)
    trial_routes = np.empty_like(routes)
    trial_lengths = np.empty_like(lengths)
    trial_costs = np.empty_like(costs)
    trial_left_out = np.empty_like(left_out)
    candidate_cost = np.empty(vans * (nodes + 1) * (nodes + 2), dtype=np.int64)
    candidate_place = np.empty((candidate_cost.shape[0], 3), dtype=np.int64)
    work = np.empty(2 * (nodes + 2), dtype=np.int64)
    ratio = last_temperature / first_temperature
    for done in range(rounds):
        temperature = first_temperature * ratio ** (done / rounds)
        if string_removal(day, routes, lengths, average_removed, max_string, removed,
                          route_of, position) == 0:
            return done
        trial_routes[:] = routes
        trial_costs[:] = costs
        feasible_after_removal = True
        for van in range(vans):
            kept = 0
            for k in range(lengths[van]):
                if not removed[routes[van, k]]:
                    trial_routes[van, kept] = routes[van, k]
                    kept += 1
            trial_lengths[van] = kept
            if kept < lengths[van]:
                # A stop can lose the task it shared a site with, and then open late.
                if not feasible(day, van, trial_routes[van], kept):
                    feasible_after_removal = False
                    break
                trial_costs[van] = route_cost(day, van, trial_routes[van], kept)
        if not feasible_after_removal:
            continue
        count = 0
        waiting_mark[:] = False
        for node in range(nodes):
            if removed[node] and not waiting_mark[day.task_of[node]]:
                waiting_mark[day.task_of[node]] = True
                waiting[count] = day.task_of[node]
                count += 1
        for k in range(state[0]):
            waiting[count] = left_out[k]
            count += 1
        left = recreate(day, trial_routes, trial_lengths, trial_costs, waiting[:count].copy(),
                        np.random.randint(0, 4), trial_left_out, candidate_cost,
                        candidate_place, work)
        cost = plan_cost(day, trial_costs, trial_left_out, left)
        if cost < state[1] - temperature * state[1] * np.log(np.random.random()):
            routes[:] = trial_routes
            lengths[:] = trial_lengths
            costs[:] = trial_costs
            left_out[:left] = trial_left_out[:left]
            state[0], state[1] = left, cost
            if (best_state[2] == 0 or cost < best_state[1]) and \
                    required_left_out(day, left_out, left) <= required_out:
                best_routes[:] = routes
                best_lengths[:] = lengths
                best_left_out[:left] = left_out[:left]
                best_state[0], best_state[1], best_state[2] = left, cost, 1
    return rounds
