"""On tiny random days the solver's plan costs exactly the brute-force optimum.

The brute force (tests/routing/bruteforce.py) enumerates every assignment of tasks to
vans or to nobody and every order of each route, timed by docs/semantics.md. These
instances have no lunch break and no ``max_working_s`` (the brute force's earliest-start
timing is exact only without them); breaks and working time are covered by
test_solve.py and test_solve_properties.py.

Each solve runs GLS for its full ``time_limit_s=2`` (no solution limit), so keep the
parametrisation short: 8 one-van days with up to 7 task ends, 4 two-van days with up to
5, one hand-kept two-van day where guided local search alone misses the optimum, and two
days the solver once missed (a shipment crowding out two tasks; four tasks in one stop
that opens just before its site closes).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bruteforce import (
    Optimum,
    optimum,
    plan_from_optimum,
    random_tiny_problem,
    solve_and_verify,
    task_ends,
)

from routing.matrix import geodesic_matrix, matrix_from_lists
from routing.problem import Break, Problem, Site, Task, TaskKind, TimeWindow, Vehicle
from routing.result import Plan
from routing.verify import format_violations, verify

ONE_VAN_SEEDS = tuple(range(8))
#: Seeds 12, 14 and 17 need both vans in the optimum; 0 has a van ending away from the hub.
TWO_VAN_SEEDS = (0, 12, 14, 17)


def gls_stuck_problem() -> Problem:
    """Two vans, five task ends, where GLS alone stays at twice the optimum's cost.

    The optimum (23.59) is van-1 alone: s2 (t1, t4) in its first window, s3, s1 (t3),
    with optional t2-pickup (penalty 2) skipped because t1 + t2 + t3 exceed van-1's 6
    crates. The solver returns 49.826 (van-2 serves s3 and s2, van-1 serves s1 with t2):
    reaching the optimum needs three tasks moved off van-2 and t2 dropped together.
    Found as seed 72 of an earlier version of `random_tiny_problem`: the GLS-only solver
    of commit e805315 returned 49.826 with seeds 0 and 2 at 0.3, 1 and 2 s (tabu search or
    guided_local_search_lambda=0.5 found 23.59); kept as a regression case.
    """
    sites = (
        Site("hub", lat=33.8, lon=130.5),
        Site("s1", lat=33.7749, lon=130.51989, service_s=300),
        Site("s2", lat=33.81562, lon=130.47325,
             time_windows=(TimeWindow(30_600, 32_400), TimeWindow(38_700, 40_500))),
        Site("s3", lat=33.81536, lon=130.4722),
        Site("s4", lat=33.80046, lon=130.52261, service_s=120,
             time_windows=(TimeWindow(32_400, 34_200), TimeWindow(36_000, 37_800))),
    )
    vans = (
        Vehicle("van-1", "hub", shift_start_s=28_800, shift_end_s=50_400,
                capacity={"crates": 6, "items": 127}, cost_per_km=1.0, fixed_cost=5.0),
        Vehicle("van-2", "hub", shift_start_s=28_800, shift_end_s=61_200,
                capacity={"crates": 5, "items": 124}, cost_per_km=2.0, fixed_cost=20.0),
    )
    tasks = (
        Task("t1-pickup", TaskKind.PICKUP, site_id="s2", amount={"crates": 3, "items": 54},
             service_s=300),
        Task("t2-pickup", TaskKind.PICKUP, site_id="s1", amount={"crates": 1, "items": 6},
             service_s=900, penalty=2.0),
        Task("t3-pickup", TaskKind.PICKUP, site_id="s1", amount={"crates": 3, "items": 18},
             service_s=900),
        Task("t4-visit", TaskKind.VISIT, site_id="s2", service_s=900),
        Task("t5-visit", TaskKind.VISIT, site_id="s3"),
    )
    matrix = geodesic_matrix(sites, circuity=1.3, speed_kmh=30.0)
    return Problem(sites, vans, tasks, matrix, name="gls-stuck")


CASES = [
    *(pytest.param(lambda s=seed: random_tiny_problem(s, n_vehicles=1, max_ends=7),
                   id=f"1van-seed{seed}") for seed in ONE_VAN_SEEDS),
    *(pytest.param(lambda s=seed: random_tiny_problem(s, n_vehicles=2, max_ends=5),
                   id=f"2vans-seed{seed}") for seed in TWO_VAN_SEEDS),
    # A hard day for guided local search alone (see gls_stuck_problem).
    pytest.param(gls_stuck_problem, id="2vans-gls-local-optimum"),
    # Four tasks at s2 in one stop starting 182 s before s2 closes: only the stop's
    # start must lie inside the window (the solver once asked it of every task).
    pytest.param(
        lambda: random_tiny_problem(113, n_vehicles=1, max_ends=7),
        id="1van-seed113-four-tasks-in-one-stop-near-closing"),
    pytest.param(
        lambda: random_tiny_problem(217, n_vehicles=1, max_ends=7),
        # Parallel cheapest insertion alone serves the t3 shipment and no search trades
        # it for t2-visit + t4-pickup; the solver now starts from the cheapest of several
        # constructions and finds the optimum.
        id="1van-seed217-shipment-crowds-out-two-tasks"),
]


def _required_unassigned(problem: Problem, plan: Plan) -> int:
    return sum(1 for u in plan.unassigned if problem.task(u.task_id).required)


def _describe(problem: Problem, best: Optimum) -> str:
    routes = "; ".join(f"{vid}: " + " -> ".join(f"{e.task_id}@{e.site_id}" for e in ends)
                       for vid, ends in best.routes)
    return (f"brute force: cost {best.cost:.6f}, required unserved {best.required_unserved}, "
            f"routes [{routes}], skipped {list(best.unserved)}")


@pytest.mark.parametrize("make_problem", CASES)
@pytest.mark.slow
def test_solver_cost_equals_brute_force_optimum(make_problem: Callable[[], Problem]) -> None:
    problem = make_problem()
    assert task_ends(problem.tasks) <= (7 if len(problem.vehicles) == 1 else 5)
    best = optimum(problem)
    assert verify(problem, plan_from_optimum(problem, best)) == []

    plan = solve_and_verify(problem, time_limit_s=2)

    solver_key = (_required_unassigned(problem, plan), plan.cost)
    assert solver_key[0] == best.required_unserved, (
        f"{problem.name}: solver leaves {solver_key[0]} required tasks out\n"
        f"{_describe(problem, best)}\n{plan.summary()}")
    assert plan.cost >= best.cost - 1e-6, (
        f"{problem.name}: the solver's verified plan ({plan.cost}) beats the brute force "
        f"({best.cost}): the brute force misses a plan\n{plan.summary()}")
    assert plan.cost == pytest.approx(best.cost, abs=1e-6), (
        f"{problem.name}: solver cost {plan.cost:.6f} is worse than the optimum "
        f"{best.cost:.6f}\n{_describe(problem, best)}\n{plan.summary()}")


# ----------------------------------------------------------------- the brute force itself


def test_brute_force_plans_verify_on_many_random_days() -> None:
    for n_vehicles, max_ends in ((1, 7), (2, 5)):
        for seed in range(40):
            problem = random_tiny_problem(seed, n_vehicles=n_vehicles, max_ends=max_ends)
            plan = plan_from_optimum(problem, optimum(problem))
            violations = verify(problem, plan)
            assert violations == [], f"{problem.name}: {format_violations(violations)}"


def test_random_days_mix_every_task_kind_windows_and_optional_tasks() -> None:
    problems = [random_tiny_problem(s, n_vehicles=n, max_ends=m)
                for n, m, seeds in ((1, 7, ONE_VAN_SEEDS), (2, 5, TWO_VAN_SEEDS))
                for s in seeds]
    tasks = [t for p in problems for t in p.tasks]
    assert {t.kind for t in tasks} == set(TaskKind)
    assert any(not t.required for t in tasks)
    assert any(len(s.time_windows) == 2 for p in problems for s in p.sites)
    bests = [optimum(p) for p in problems]
    assert any(b.unserved for b in bests)  # some optional task is worth skipping
    assert any(len(b.routes) == 2 for b in bests)  # some day needs both vans


def test_brute_force_finds_the_hand_timed_optimum_of_the_tiny_problem(
        tiny_problem: Problem) -> None:
    van = tiny_problem.vehicles[0]
    no_break = Vehicle(van.vehicle_id, van.start_site_id, shift_start_s=van.shift_start_s,
                       shift_end_s=van.shift_end_s, capacity=van.capacity,
                       cost_per_km=van.cost_per_km, fixed_cost=van.fixed_cost)
    problem = Problem(tiny_problem.sites, (no_break,), tiny_problem.tasks, tiny_problem.matrix)
    best = optimum(problem)
    # hub -> lib-a -> school-b -> post-c -> hub: 30 km at 2.0 per km + 50 fixed.
    assert best.cost == pytest.approx(110.0)
    assert [e.site_id for e in best.routes[0][1]] == ["lib-a", "lib-a", "school-b", "post-c"]


def test_brute_force_needs_only_the_stop_start_inside_the_window() -> None:
    # Two 600 s tasks at one site open 10:00-10:05: one stop starting 10:00 serves both.
    sites = (Site("hub", 33.8, 130.5),
             Site("x", 33.81, 130.5, service_s=60, time_windows=(TimeWindow(36_000, 36_300),)))
    matrix = matrix_from_lists(["hub", "x"], [[0, 1_000], [1_000, 0]], [[0, 600], [600, 0]])
    van = Vehicle("van", "hub", shift_start_s=32_400, shift_end_s=61_200,
                  capacity={"crates": 10})
    tasks = tuple(Task(t, TaskKind.DELIVERY, site_id="x", amount={"crates": 1}, service_s=600)
                  for t in ("a", "b"))
    problem = Problem(sites, (van,), tasks, matrix)
    best = optimum(problem)
    assert best.unserved == ()
    assert verify(problem, plan_from_optimum(problem, best)) == []


def test_brute_force_refuses_lunch_breaks_it_cannot_time(tiny_problem: Problem) -> None:
    assert tiny_problem.vehicles[0].lunch_break == Break(36_000, 39_600, 1_800)
    with pytest.raises(ValueError, match="lunch breaks"):
        optimum(tiny_problem)
