"""Ruin-and-recreate under the day's exact rules (`routing.search.day_search`): its rules agree
with the OR-Tools model, it never loses a required task or breaks a rule, and `solve`
uses it on days of few routes."""

from __future__ import annotations

import random
import time

import pytest
from bruteforce import solve_and_verify
from hypothesis import HealthCheck, given, settings
from test_solve_properties import _assert_every_task_accounted_for_once, problems

from routing.feasibility import lone_task_reason
from routing.options import DaySearchOptions, SolverOptions
from routing.ortools.handoff import whole_day
from routing.ortools.model import build_model
from routing.ortools.search import Search, open_search
from routing.problem import Problem
from routing.search.day_search import Day, improve_day, route_cost, route_feasible
from routing.solver import solve
from routing.verify import verify
from scenarios.synth import synthetic_day

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _first_plan(problem: Problem) -> tuple[Search, list[list[int]]]:
    """OR-Tools' first plan of the day (no local search) and the search it came from."""
    from ortools.constraint_solver import pywrapcp

    solvable = [t for t in problem.tasks if lone_task_reason(problem, t) is None]
    model = build_model(problem, solvable)
    search = open_search(model, list(range(len(problem.vehicles))), model.required_penalty)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.solution_limit = 1
    params.time_limit.FromSeconds(5)
    assignment = search.routing.SolveWithParameters(params)
    assert assignment is not None
    return search, search.routes_of(assignment)


def _perturbed(day: Day, routes: list[list[int]], rng: random.Random) -> list[list[int]]:
    """The routes with one task moved to a random place (a shipment's ends kept in order)."""
    task_of = {n: t for t, nodes in enumerate(day.tasks) for n in nodes}
    served = [n for route in routes for n in route]
    if not served:
        return routes
    nodes = day.tasks[task_of[rng.choice(served)]]
    moved = [[n for n in route if n not in nodes] for route in routes]
    target = moved[rng.randrange(len(moved))]
    first = rng.randrange(len(target) + 1)
    target.insert(first, nodes[0])
    if len(nodes) == 2:
        target.insert(rng.randrange(first + 1, len(target) + 1), nodes[1])
    return moved


@SETTINGS
@given(problem=problems())
def test_the_day_rules_accept_ortools_plans_and_ortools_accepts_what_they_accept(
        problem: Problem) -> None:
    search, routes = _first_plan(problem)
    day = whole_day(search)
    if day is None:  # a working-time limit: the day search does not run
        assert any(v.max_working_s is not None for v in problem.vehicles)
        return
    assert all(route_feasible(day, k, route) for k, route in enumerate(routes)), routes
    rng = random.Random(0)
    model = search.model
    for _ in range(30):
        candidate = _perturbed(day, routes, rng)
        if all(route_feasible(day, k, route) for k, route in enumerate(candidate)):
            # A fresh model reads routes by propagation: None when they break its rules.
            fresh = open_search(model, search.vehicle_indices, model.required_penalty)
            assert fresh.assignment_from(candidate) is not None, candidate


def test_the_search_lowers_the_cost_and_keeps_every_task_and_rule() -> None:
    search, routes = _first_plan(synthetic_day(seed=4))
    day = whole_day(search)
    assert day is not None
    start_cost = sum(route_cost(day, k, r) for k, r in enumerate(routes))
    result = improve_day(day, routes, seed=0, deadline=time.perf_counter() + 1.0, restarts=3)
    assert result.rounds > 0
    assert all(route_feasible(day, k, route) for k, route in enumerate(result.routes))
    served = [n for route in result.routes for n in route]
    assert len(served) == len(set(served))
    task_of = {n: t for t, nodes in enumerate(day.tasks) for n in nodes}
    left_out = [t for t in range(len(day.tasks)) if day.tasks[t][0] not in served]
    assert not any(day.required[t] for t in left_out)
    for route in result.routes:  # shipments whole, pickup first
        for t in {task_of[n] for n in route}:
            nodes = day.tasks[t]
            assert [n for n in route if n in nodes] == list(nodes)
    assert result.cost == sum(route_cost(day, k, r) for k, r in enumerate(result.routes)) + \
        sum(day.penalty[t] for t in left_out)
    assert result.cost < start_cost  # a first plan without local search is never the best


@pytest.mark.parametrize(("change", "message"), [
    (lambda routes: routes[:1], r"'routes': one route per van expected \(2\), got 1"),
    (lambda routes: [routes[0] + routes[0][:1], routes[1]],
     r"'routes\[0\]': node \d+ is served twice"),
    (lambda routes: [[999], routes[1]], r"'routes\[0\]': node 999 is not a task node"),
    (lambda routes: [routes[0][::-1], routes[1]], r"'routes\[0\]': (task \d+|breaks)"),
])
def test_improve_day_refuses_routes_that_break_the_day_naming_them(change, message) -> None:
    search, routes = _first_plan(synthetic_day(seed=2))
    day = whole_day(search)
    assert day is not None
    with pytest.raises(ValueError, match=message):
        improve_day(day, change(routes), seed=0, deadline=time.perf_counter() + 0.1)
    with pytest.raises(ValueError, match=r"'restarts': must be >= 1, got 0"):
        improve_day(day, routes, seed=0, deadline=time.perf_counter() + 0.1, restarts=0)
    with pytest.raises(ValueError, match=r"'final_temperature': must be > 0, got 0"):
        improve_day(day, routes, seed=0, deadline=time.perf_counter() + 0.1,
                    final_temperature=0)


@pytest.mark.slow
def test_solve_searches_a_two_van_day_with_the_day_search_and_verifies() -> None:
    problem = synthetic_day(seed=3)
    plan = solve(problem, time_limit_s=1.0)
    assert plan.solver["iterated_repair"] == "day ruin and recreate"
    assert plan.solver["iterated_rounds"] > 0
    assert verify(problem, plan) == []
    assert not any(problem.task(u.task_id).required for u in plan.unassigned)
    off = solve(problem, time_limit_s=1.0,
                options=SolverOptions(day_search=DaySearchOptions(enabled=False)))
    assert off.solver["iterated_repair"] == "whole day"
    assert verify(problem, off) == []


@SETTINGS
@given(problem=problems())
@pytest.mark.slow
def test_random_days_searched_by_the_day_search_verify(problem: Problem) -> None:
    plan = solve_and_verify(problem, time_limit_s=0.2)
    _assert_every_task_accounted_for_once(problem, plan)
    if not any(v.max_working_s is not None for v in problem.vehicles):
        # Never skipped because its rules refused OR-Tools' plan.
        assert plan.solver.get("iterated_repair") != "whole day", plan.solver
