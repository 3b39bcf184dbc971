"""The iterated local searches (`routing.ortools.iterated`): local repairs on days of
many short routes, and which vans the search keeps."""

from __future__ import annotations

import dataclasses

import pytest
from bruteforce import solve_and_verify

from routing.ortools.iterated import vans_kept
from routing.problem import Problem
from routing.result import PlanStatus


@pytest.mark.slow
def test_a_day_of_many_short_routes_is_improved_by_local_repairs_and_verifies(
        munakata_like_problem: Problem) -> None:
    # Twelve small vans (4 crates each): many short routes, so each ruin-and-repair round
    # searches a small model of the routes it touched (docs/benchmarks.md).
    (van, *_) = munakata_like_problem.vehicles
    vans = tuple(dataclasses.replace(van, vehicle_id=f"small-{k}",
                                     capacity={"crates": 4, "items": 200})
                 for k in range(12))
    problem = dataclasses.replace(munakata_like_problem, vehicles=vans)
    plan = solve_and_verify(problem, time_limit_s=3)
    assert plan.solver["iterated_repair"] == "local"
    assert plan.solver["iterated_rounds"] > 0
    assert plan.status is PlanStatus.COMPLETE, plan.summary()
    assert len(plan.routes) >= 8


@pytest.mark.parametrize(("leaves_required_out", "kept"), [
    (False, [0, 1, 2, 4]),  # used vans 0 and 4, two of the four unused ones
    (True, [0, 1, 2, 3, 4, 5]),  # a required task is out: it may need any unused van
])
def test_the_iterated_search_keeps_every_unused_van_while_a_required_task_is_out(
        leaves_required_out: bool, kept: list[int]) -> None:
    routes = [[7, 8], [], [], [], [9], []]
    assert vans_kept(routes, leaves_required_out, spare_vehicles=2) == kept
