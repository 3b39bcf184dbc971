"""Several single-threaded searches side by side in forked processes; the cheapest plan
wins (`routing.solve` with ``workers > 1``).

The parent keeps no state: each worker process receives the problem and the settings
through the pool's initializer (inherited by the fork, not pickled) and runs one member
search with its own seed.
"""

from __future__ import annotations

import functools
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import replace

from routing.options import SolverOptions
from routing.problem import Problem
from routing.result import Plan, PlanStatus

#: The member search of this worker process, set by the pool's initializer (never in the
#: process that runs the portfolio).
_member_search: Callable[[int], Plan] | None = None


def solve_portfolio(solve_one: Callable[..., Plan], problem: Problem, *, time_limit_s: float,
                    seed: int, solution_limit: int | None, options: SolverOptions,
                    workers: int) -> Plan:
    """Several single-threaded searches in forked processes; the cheapest plan wins.

    ``solve_one`` is the single-process `routing.solve`; member ``k`` runs it with seed
    ``seed + k``, odd members starting from savings when the first solution is automatic.
    """
    started = time.perf_counter()
    member = functools.partial(_member, solve_one, problem,
                               time_limit_s=max(0.05, time_limit_s - 0.05), seed=seed,
                               solution_limit=solution_limit, options=options)
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(member,)) as pool:
        plans = pool.map(_run_member, range(workers))

    def rank(plan: Plan) -> tuple[int, int, float]:
        required_missing = sum(1 for u in plan.unassigned if problem.task(u.task_id).required)
        return (plan.status is PlanStatus.NO_SOLUTION, required_missing, plan.cost)

    best = min(plans, key=rank)
    solver = dict(best.solver)
    solver["workers"] = workers
    solver["member_costs"] = [round(p.cost, 6) for p in plans]
    return replace(best, runtime_s=time.perf_counter() - started, solver=solver)


def _member(solve_one: Callable[..., Plan], problem: Problem, member: int, *,
            time_limit_s: float, seed: int, solution_limit: int | None,
            options: SolverOptions) -> Plan:
    if member % 2 == 1 and options.first_phase.first_solution == "automatic":
        options = replace(options, first_phase=replace(options.first_phase,
                                                       first_solution="savings"))
    return solve_one(problem, time_limit_s=time_limit_s, seed=seed + member,
                     solution_limit=solution_limit, options=options)


def _start_worker(member_search: Callable[[int], Plan]) -> None:
    global _member_search
    _member_search = member_search


def _run_member(member: int) -> Plan:
    assert _member_search is not None, "a portfolio member runs only in a pool's worker"
    return _member_search(member)
