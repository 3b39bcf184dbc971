"""The day search's compiled rounds (`routing.search.day_kernel`): an insertion takes the
cheapest place the day's rules allow, found by brute force over every place with the
public route checks; loading them at start-up leaves nothing to compile in a solve."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_day_search import _first_plan

from routing.ortools.handoff import whole_day
from routing.search import day_kernel
from routing.search.day_search import Day, route_cost, route_feasible
from scenarios.synth import synthetic_day


def _cheapest_by_brute_force(day: Day, routes: list[list[int]], task: int, limit: int
                             ) -> tuple[int | None, bool]:
    """The least cost ``task`` adds at any feasible place (below ``limit``), or None; and
    whether some place costing less breaks the day's rules."""
    first, *second = day.tasks[task]
    best: int | None = None
    refused: list[int] = []
    for van, route in enumerate(routes):
        for i in range(len(route) + 1):
            for j in range(i, len(route) + 1) if second else (i,):
                new = [*route[:i], first, *route[i:j], *second, *route[j:]] if second \
                    else [*route[:i], first, *route[i:]]
                added = route_cost(day, van, new) - route_cost(day, van, route)
                if not route_feasible(day, van, new):
                    refused.append(added)
                elif added < limit and (best is None or added < best):
                    best = added
    return best, best is not None and any(a < best for a in refused)


def test_an_insertion_takes_the_cheapest_place_the_day_rules_allow() -> None:
    search, plan = _first_plan(synthetic_day(seed=3, n_sites=14))
    day = whole_day(search)
    assert day is not None
    arrays = day.arrays
    rng = random.Random(5)
    nodes = arrays.duration_s.shape[0]
    vans = len(day.vehicles)
    candidate_cost = np.empty(vans * (nodes + 1) * (nodes + 2), dtype=np.int64)
    candidate_place = np.empty((candidate_cost.shape[0], 3), dtype=np.int64)
    work = np.empty(2 * (nodes + 2), dtype=np.int64)
    checked = after_the_cheapest = nowhere = 0
    for _ in range(150):
        # Routes in a shuffled order of the plan's stops, cut where they stop being
        # feasible: tight routes, where the cheapest place is often not allowed.
        task = rng.randrange(len(day.tasks))
        task_of = {n: t for t, members in enumerate(day.tasks) for n in members}
        routes: list[list[int]] = []
        for van, route in enumerate(plan):
            tasks = [t for t in dict.fromkeys(task_of[n] for n in route) if t != task]
            rng.shuffle(tasks)
            kept: list[int] = []
            for t in tasks:
                if route_feasible(day, van, [*kept, *day.tasks[t]]):
                    kept.extend(day.tasks[t])
            routes.append(kept)
        limit = rng.choice([day.penalty[task], 2_000, 500])
        expected, passed_over = _cheapest_by_brute_force(day, routes, task, limit)
        buffer = np.full((vans, nodes), -1, dtype=np.int64)
        lengths = np.array([len(r) for r in routes], dtype=np.int64)
        for van, route in enumerate(routes):
            buffer[van, :len(route)] = route
        added, van = day_kernel.insert_cheapest(arrays, buffer, lengths, task, limit,
                                                candidate_cost, candidate_place, work)
        checked += 1
        if expected is None:
            nowhere += 1
            assert van == -1
            continue
        assert (van, added) != (-1, 0)
        assert added == expected
        new = buffer[van, :lengths[van]].tolist()
        assert route_feasible(day, van, new)
        assert route_cost(day, van, new) - route_cost(day, van, routes[van]) == expected
        assert sorted(new) == sorted([*routes[van], *day.tasks[task]])
        after_the_cheapest += passed_over
    assert checked == 150
    assert nowhere > 0  # some limits leave no place: the search keeps the task out
    assert after_the_cheapest > 0  # some insertions had to pass over cheaper places


_FRESH_PROCESS = """
from routing import compile_day_search, solve, verify
from routing.search import day_kernel
from scenarios.synth import synthetic_day

compile_day_search()
dispatchers = {name: value for name, value in vars(day_kernel).items()
               if hasattr(value, "signatures")}
before = {name: list(d.signatures) for name, d in dispatchers.items()}
problem = synthetic_day(seed=5)
plan = solve(problem, time_limit_s=1.0)
assert plan.solver["iterated_repair"] == "day ruin and recreate", plan.solver
assert not verify(problem, plan)
after = {name: list(d.signatures) for name, d in dispatchers.items()}
assert after == before, [name for name in after if after[name] != before[name]]
"""


@pytest.mark.slow
def test_after_compile_day_search_a_solve_compiles_nothing_more() -> None:
    # compile_day_search runs at start-up so that no solve spends its budget compiling: it
    # must meet every signature the search uses on a real day. A fresh interpreter, so
    # that what other tests compiled does not hide a signature it missed.
    result = subprocess.run([sys.executable, "-c", _FRESH_PROCESS], capture_output=True,
                            text=True, timeout=600, check=False,
                            cwd=Path(__file__).resolve().parents[3])
    assert result.returncode == 0, result.stderr[-2000:]
