"""Property tests: on any small random day, `solve` returns a plan `verify` accepts and
accounts for every task exactly once.

Days: 2-8 sites within a few km of lat 33.8 lon 130.5 (geodesic matrix), 1-3 vans with
random start/end sites, shifts, breaks, working-time limits, costs and capacities in two
dimensions, and 1-10 tasks of every kind (some optional, some too big or too far on
purpose) at sites with none, one or two time windows.
"""

from __future__ import annotations

from typing import Any

import pytest
from bruteforce import solve_and_verify
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from routing import SolverOptions
from routing.matrix import geodesic_matrix
from routing.options import IteratedOptions, LocalRepairOptions
from routing.problem import Break, Problem, Site, Task, TaskKind, TimeWindow, Vehicle
from routing.result import Plan, PlanStatus, UnassignedReason

H = 3_600

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def windows(draw: st.DrawFn) -> tuple[TimeWindow, ...]:
    count = draw(st.sampled_from([0, 0, 1, 1, 2]))
    result: list[TimeWindow] = []
    start = draw(st.integers(7 * H, 14 * H))
    for _ in range(count):
        end = start + draw(st.sampled_from([600, 1_800, 3_600, 3 * H]))
        result.append(TimeWindow(start, end))
        start = end + draw(st.integers(1, 4 * H))
    return tuple(result)


@st.composite
def vehicles(draw: st.DrawFn, vehicle_id: str, site_ids: list[str]) -> Vehicle:
    shift_start = draw(st.integers(7 * H, 10 * H))
    shift_end = min(24 * H, shift_start + draw(st.integers(2 * H, 10 * H)))
    lunch = None
    if draw(st.booleans()):
        duration = draw(st.sampled_from([900, 1_800, 2_700]))
        earliest = draw(st.integers(shift_start, shift_end - duration))
        # The latest start may leave the break running past the shift's end.
        latest = draw(st.integers(earliest, min(earliest + 2 * H, shift_end)))
        lunch = Break(earliest, latest, duration)
    return Vehicle(
        vehicle_id,
        start_site_id=draw(st.sampled_from(site_ids[:1] * 3 + site_ids)),
        end_site_id=draw(st.sampled_from(site_ids[:1] * 3 + site_ids)),
        shift_start_s=shift_start, shift_end_s=shift_end,
        max_working_s=draw(st.none() | st.integers(H, 8 * H)),
        lunch_break=lunch,
        capacity={"crates": draw(st.integers(2, 20)), "items": draw(st.integers(30, 500))},
        cost_per_km=draw(st.sampled_from([0.5, 1.0, 2.0])),
        fixed_cost=draw(st.sampled_from([0.0, 10.0, 50.0])),
    )


@st.composite
def tasks(draw: st.DrawFn, task_id: str, site_ids: list[str]) -> Task:
    kind = draw(st.sampled_from(list(TaskKind)))
    amount = {} if kind is TaskKind.VISIT else {
        "crates": draw(st.integers(0, 8)), "items": draw(st.integers(0, 200))}
    common: dict[str, Any] = {
        "amount": amount,
        "service_s": draw(st.sampled_from([0, 60, 300, 900])),
        "penalty": draw(st.none() | st.floats(0.0, 100.0, allow_nan=False)),
    }
    if kind is TaskKind.SHIPMENT:
        return Task(task_id, kind, pickup_site_id=draw(st.sampled_from(site_ids)),
                    delivery_site_id=draw(st.sampled_from(site_ids)), **common)
    return Task(task_id, kind, site_id=draw(st.sampled_from(site_ids)), **common)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_sites = draw(st.integers(2, 8))
    sites = [Site("hub", lat=33.8, lon=130.5, service_s=draw(st.sampled_from([0, 300, 900])))]
    for k in range(1, n_sites):
        sites.append(Site(
            f"s{k}",
            lat=round(33.8 + draw(st.floats(-0.05, 0.05)), 5),
            lon=round(130.5 + draw(st.floats(-0.06, 0.06)), 5),
            service_s=draw(st.sampled_from([0, 60, 300])),
            time_windows=draw(windows()),
        ))
    site_ids = [s.site_id for s in sites]
    vans = [draw(vehicles(f"van-{k}", site_ids)) for k in range(draw(st.integers(1, 3)))]
    work = [draw(tasks(f"task-{k}", site_ids)) for k in range(draw(st.integers(1, 10)))]
    return Problem(tuple(sites), tuple(vans), tuple(work),
                   geodesic_matrix(sites, circuity=1.3, speed_kmh=30.0), name="random")


def _end_visit_after_arrival() -> Problem:
    """Shrunk from a failure: the end visit was timed at the end cumul (08:00), after the
    van's arrival (07:22:31), so arrival_s != start_s at the end."""
    sites = (Site("hub", lat=33.8, lon=130.5), Site("s1", lat=33.8, lon=130.5),
             Site("s2", lat=33.8, lon=130.53125), Site("s3", lat=33.8, lon=130.5))
    van = Vehicle("van-0", "hub", end_site_id="s2", shift_start_s=7 * H, shift_end_s=9 * H,
                  max_working_s=H, lunch_break=Break(7 * H, 7 * H, 900),
                  capacity={"crates": 2, "items": 30}, cost_per_km=0.5)
    task = Task("task-0", TaskKind.DELIVERY, site_id="hub", amount={"crates": 0, "items": 0})
    return Problem(sites, (van,), (task,), geodesic_matrix(sites), name="end-visit")


def _break_inside_a_stop() -> Problem:
    """Shrunk from a failure: the fixed break fell between two tasks of one stop and was
    moved out of its window and past the end of the shift."""
    sites = (Site("hub", lat=33.8, lon=130.5), Site("s1", lat=33.8, lon=130.54688),
             Site("s2", lat=33.8, lon=130.5))
    van = Vehicle("van-0", "hub", shift_start_s=7 * H, shift_end_s=9 * H, max_working_s=5_404,
                  lunch_break=Break(7 * H, 27_228, 2_700),
                  capacity={"crates": 2, "items": 281}, cost_per_km=0.5)
    tasks = (
        Task("task-0", TaskKind.DELIVERY, site_id="s1", amount={"crates": 0, "items": 0}),
        Task("task-1", TaskKind.DELIVERY, site_id="hub", amount={"crates": 0, "items": 115}),
        Task("task-2", TaskKind.PICKUP, site_id="s1", amount={"crates": 0, "items": 1}),
        Task("task-3", TaskKind.DELIVERY, site_id="s1", amount={"crates": 0, "items": 167},
             penalty=0.0),
    )
    return Problem(sites, (van,), tasks, geodesic_matrix(sites), name="break-in-stop")


@SETTINGS
@given(problem=problems())
@example(problem=_end_visit_after_arrival())
@example(problem=_break_inside_a_stop())
@pytest.mark.slow
def test_random_day_plan_verifies_and_accounts_for_every_task_once_with_a_fitting_reason(
        problem: Problem) -> None:
    plan = solve_and_verify(problem, time_limit_s=1, solution_limit=50)
    _assert_every_task_accounted_for_once(problem, plan)


@SETTINGS
@given(problem=problems())
@example(problem=_break_inside_a_stop())
@pytest.mark.slow
def test_local_repair_rounds_keep_the_plan_valid_and_every_task_accounted_for(
        problem: Problem) -> None:
    # Force the iterated search's local repair (small models of a few routes) on days of
    # any size: its cost bookkeeping and the model it cuts out must stay exact.
    options = SolverOptions(
        local_repair=LocalRepairOptions(min_routes=0, fleet_min_routes=0,
                                        metaheuristic_share=0.05),
        iterated=IteratedOptions(iterations=6))
    plan = solve_and_verify(problem, time_limit_s=1, options=options)
    assert plan.solver.get("iterated_repair") != "whole day", plan.solver
    _assert_every_task_accounted_for_once(problem, plan)


def _assert_every_task_accounted_for_once(problem: Problem, plan: Plan) -> None:
    served = plan.served_task_ids()
    unassigned = [u.task_id for u in plan.unassigned]
    assert len(unassigned) == len(set(unassigned)), "a task is unassigned twice"
    assert not served & set(unassigned), "a task is both served and unassigned"
    assert served | set(unassigned) == {t.task_id for t in problem.tasks}, "a task is lost"

    required_out = [t for t in unassigned if problem.task(t).required]
    assert (plan.status is PlanStatus.PARTIAL) == bool(required_out)
    assert plan.status in (PlanStatus.COMPLETE, PlanStatus.PARTIAL)
    assert all(route.stops for route in plan.routes), "an unused vehicle is listed"

    reasons = {u.task_id: u.reason for u in plan.unassigned}
    for task in problem.tasks:
        too_big = all(any(v > van.capacity[d] for d, v in task.amount.items())
                      for van in problem.vehicles)
        reason = reasons.get(task.task_id)
        # Too big for every van, and only then, is exceeds_capacity.
        assert (reason is UnassignedReason.EXCEEDS_CAPACITY) == too_big, (task, reason)
        if task.required:
            assert reason is not UnassignedReason.NOT_WORTH_DETOUR, (task, reason)
        else:
            assert reason is not UnassignedReason.NO_ROOM_IN_PLAN, (task, reason)
