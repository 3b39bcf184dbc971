"""`solve`: plan a `Problem` within a time limit, and decide which searches run.

`solve` checks its arguments, screens out tasks no van could serve even alone (with the
reason), splits the time budget and runs the searches in order: OR-Tools' first phase,
fleet minimisation when vans' fixed costs dominate, then bookrun's pickup-and-delivery
search, the day search or the iterated local search (see `routing.options.SolverOptions`).
The OR-Tools work is done in `routing.ortools`; the plan that comes back is in site,
vehicle and task ids. The timing model is the one in docs/semantics.md, which
`routing.verify` checks independently.

(The module is not called ``solve.py``: importing a submodule ``routing.solve`` would
replace the function ``routing.solve`` that ``routing/__init__.py`` resolves lazily.)
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from routing.feasibility import lone_task_reason
from routing.options import SolverOptions
from routing.ortools.fleet import minimise_fleet, minimise_routes_by_ejection
from routing.ortools.handoff import (
    day_search_can_time,
    improve_by_day_search,
    improve_by_pickup_delivery_search,
    pickup_delivery_day,
)
from routing.ortools.iterated import iterate_from, repairs_locally
from routing.ortools.model import build_model
from routing.ortools.search import (
    PROBED_FIRST_SOLUTIONS,
    cheapest_first_solution,
    extract,
    first_phase_parameters,
    improve_first_plan,
    open_search,
)
from routing.portfolio import solve_portfolio
from routing.problem import Problem, Task, TaskKind
from routing.result import Plan, PlanStatus, Route, Unassigned, UnassignedReason


def solve(problem: Problem, *, time_limit_s: float, seed: int = 0,
          solution_limit: int | None = None,
          options: SolverOptions | None = None, workers: int = 1) -> Plan:
    """Plan the problem's tasks onto its vehicles.

    Parameters
    ----------
    problem
        The day's problem.
    time_limit_s
        Wall-clock budget for the search (seconds, > 0).
    seed
        Changes the order in which OR-Tools meets the tasks; the same problem, seed
        and ``solution_limit`` give the same plan.
    solution_limit
        Stop after this many improving solutions (makes runs reproducible whatever
        the machine's speed).
    options
        Search strategy; see `SolverOptions`.
    workers
        Independent searches run side by side in forked processes (one thread each,
        different seeds and first solutions); the cheapest plan wins. 1 searches in
        this process.

    Returns
    -------
    Plan
        Routes in ids, and every task not served with its reason. An infeasible day
        is a plan with status ``partial``, never an exception.

    Raises
    ------
    ValueError
        When ``time_limit_s`` or ``solution_limit`` is not positive.
    """
    _check_arguments(time_limit_s, solution_limit, workers)
    options = options or SolverOptions()
    if workers > 1:
        return solve_portfolio(solve, problem, time_limit_s=time_limit_s, seed=seed,
                               solution_limit=solution_limit, options=options,
                               workers=workers)
    started = time.perf_counter()

    unassigned: list[Unassigned] = []
    solvable: list[Task] = []
    for task in _ordered_tasks(problem.tasks, seed):
        reason = lone_task_reason(problem, task)
        if reason is None:
            solvable.append(task)
        else:
            unassigned.append(Unassigned(task.task_id, reason[0], reason[1]))

    if not problem.vehicles:
        unassigned.extend(Unassigned(t.task_id, UnassignedReason.NO_VEHICLE_IN_TIME,
                                     "the problem has no vehicle") for t in solvable)
        return _finish(problem, [], unassigned, started, {"engine": "ortools"})

    model = build_model(problem, solvable)
    all_vehicles = list(range(len(problem.vehicles)))
    search = open_search(model, all_vehicles, model.required_penalty)

    deadline = started + time_limit_s
    has_shipments = any(t.kind is TaskKind.SHIPMENT for t in solvable)
    first_solution = options.first_phase.first_solution
    if first_solution == "automatic":
        first_solution = "parallel_cheapest_insertion" if has_shipments else "savings"
    iterations = options.iterated.iterations
    run_iterated = iterations != 0 and (solution_limit is None or iterations is not None)
    reduce_fleet = run_iterated and iterations is None and \
        len(problem.vehicles) > 1 and model.fixed_costs_dominate
    # Days of few routes go to the day search, unless a van has a working-time limit.
    day_search = run_iterated and options.day_search.enabled and iterations is None and \
        day_search_can_time(problem.vehicles)
    params = first_phase_parameters(options.first_phase, first_solution, solution_limit)

    search.searched = True
    first = None
    if options.first_phase.first_solution == "automatic" and solution_limit is None:
        # With shipments no construction is reliably best (parallel cheapest insertion
        # can block a pair behind two tasks) and each takes milliseconds: build one plan
        # with each and improve the cheapest. Without shipments savings is kept: on
        # Solomon a cheaper first plan was not a better start (1.49 % against 1.37 %).
        probed = cheapest_first_solution(
            search, time_limit_s * 0.05,
            PROBED_FIRST_SOLUTIONS if has_shipments else ("savings",))
        if probed is not None:
            first_solution, first = probed
    # Many short routes: a repair of a few routes is a small model, so the iterated
    # search gets most of the time; few long routes: guided local search gets half.
    many_routes = first is not None and repairs_locally(options, search, first)
    share = 1.0
    if run_iterated:
        share = options.fleet.metaheuristic_share if reduce_fleet else \
            options.local_repair.metaheuristic_share if many_routes else \
            options.day_search.metaheuristic_share if day_search else \
            options.first_phase.metaheuristic_share
    assignment = improve_first_plan(search, params, first, until=started + time_limit_s * share)
    solver_info: dict[str, object] = {
        "engine": "ortools",
        "first_solution": first_solution,
        "metaheuristic": options.first_phase.metaheuristic,
        "seed": seed,
        "time_limit_s": time_limit_s,
        "solution_limit": solution_limit,
    }
    if assignment is None:
        unassigned.extend(Unassigned(t.task_id, UnassignedReason.NO_ROOM_IN_PLAN,
                                     "the solver found no plan within its time limit")
                          for t in solvable)
        return _finish(problem, [], unassigned, started, solver_info, no_solution=True)
    # A pure pickup-and-delivery day is also searched without OR-Tools (below).
    search_pairs = run_iterated and iterations is None and options.pickup_delivery.enabled
    day = pickup_delivery_day(model) \
        if (reduce_fleet and options.fleet.ejection_pool) or search_pairs else None
    if reduce_fleet:
        fleet_deadline = started + time_limit_s * options.fleet.time_share
        if day is not None and options.fleet.ejection_pool:
            search, assignment = minimise_routes_by_ejection(
                search, assignment, day, seed=seed, deadline=fleet_deadline,
                attempt_s=time_limit_s * options.fleet.attempt_share, repair_deadline=deadline)
            solver_info["fleet_minimiser"] = "ejection pool"
        else:
            search, assignment = minimise_fleet(
                search, assignment, all_vehicles, options, seed=seed,
                deadline=fleet_deadline, attempt_s=time_limit_s * options.fleet.attempt_share)
            solver_info["fleet_minimiser"] = "ortools"
        solver_info["vehicles_available"] = len(search.vehicles)
    if search_pairs and day is not None:
        search, assignment, rounds = improve_by_pickup_delivery_search(
            search, assignment, day, seed=seed,
            search_deadline=deadline - time_limit_s * options.handback_share,
            deadline=deadline)
        if rounds is not None:
            run_iterated = False
            solver_info["iterated_rounds"] = rounds
            solver_info["iterated_repair"] = "pickup-delivery ruin and recreate"
    day_rounds = None
    if day_search and run_iterated and not repairs_locally(options, search, assignment):
        search, assignment, day_rounds = improve_by_day_search(
            search, assignment, seed=seed,
            search_deadline=deadline - time_limit_s * options.handback_share,
            deadline=deadline, options=options)
    if day_rounds is not None:
        solver_info["iterated_rounds"] = day_rounds
        solver_info["iterated_repair"] = "day ruin and recreate"
    elif run_iterated:
        search, assignment, rounds, repair = iterate_from(search, assignment, options,
                                                          seed=seed, deadline=deadline)
        solver_info["iterated_rounds"] = rounds
        solver_info["iterated_repair"] = repair

    routes, dropped = extract(search, assignment)
    for task in dropped:
        if task.required:
            unassigned.append(Unassigned(
                task.task_id, UnassignedReason.NO_ROOM_IN_PLAN,
                "every van could serve it alone, but not together with the rest of the day"))
        else:
            unassigned.append(Unassigned(
                task.task_id, UnassignedReason.NOT_WORTH_DETOUR,
                f"optional: serving it would cost more than its penalty {task.penalty:g}"))
    return _finish(problem, routes, unassigned, started, solver_info)


def _check_arguments(time_limit_s: float, solution_limit: int | None, workers: int) -> None:
    if not (isinstance(time_limit_s, int | float) and math.isfinite(time_limit_s)
            and time_limit_s > 0):
        msg = f"solve argument 'time_limit_s': must be a positive number, got {time_limit_s!r}"
        raise ValueError(msg)
    if solution_limit is not None and solution_limit < 1:
        msg = f"solve argument 'solution_limit': must be >= 1, got {solution_limit!r}"
        raise ValueError(msg)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        msg = f"solve argument 'workers': must be an integer >= 1, got {workers!r}"
        raise ValueError(msg)


def _ordered_tasks(tasks: Sequence[Task], seed: int) -> list[Task]:
    if seed == 0:
        return list(tasks)
    order = np.random.default_rng(seed).permutation(len(tasks))
    return [tasks[i] for i in order]


def _finish(problem: Problem, routes: list[Route], unassigned: list[Unassigned],
            started: float, solver_info: dict[str, object], *,
            no_solution: bool = False) -> Plan:
    order = {t.task_id: i for i, t in enumerate(problem.tasks)}
    unassigned.sort(key=lambda u: order[u.task_id])
    required_missing = any(problem.task(u.task_id).required for u in unassigned)
    cost = sum(r.cost for r in routes) + sum(
        problem.task(u.task_id).penalty or 0.0 for u in unassigned)
    if no_solution and problem.tasks:
        status = PlanStatus.NO_SOLUTION
    else:
        status = PlanStatus.PARTIAL if required_missing else PlanStatus.COMPLETE
    return Plan(status=status, routes=tuple(routes), unassigned=tuple(unassigned), cost=cost,
                runtime_s=time.perf_counter() - started, problem_name=problem.name,
                solver=solver_info)
