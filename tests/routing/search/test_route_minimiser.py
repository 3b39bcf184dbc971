"""The ejection-pool route minimiser: fewer routes, never a shipment lost or a rule broken."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from pickup_delivery_days import day_from_points, random_days, violations

from routing.instances import read_lilim
from routing.matrix import geodesic_matrix
from routing.options import FleetOptions, SolverOptions
from routing.problem import Problem, Site, Task, TaskKind, Vehicle
from routing.search.pickup_delivery import PickupDeliveryDay
from routing.search.route_minimiser import minimise_routes
from routing.solver import solve
from routing.verify import verify

TINY_LC4 = Path(__file__).resolve().parents[2] / "data" / "instances" / "tiny_lc4.txt"


def _pairs_line() -> PickupDeliveryDay:
    """Three small shipments along a line, each alone on a van in the first plan; one van
    can carry all three."""
    points = [(0, 0), (10, 0), (12, 0), (20, 0), (22, 0), (30, 0), (32, 0)]
    return day_from_points(points, [(0, 1000)] * 6, [1] * 7, [3, -3, 3, -3, 3, -3],
                     capacity=10, horizon_s=1000)


def test_three_single_shipment_routes_that_fit_one_van_become_one_route() -> None:
    instance = _pairs_line()
    routes = minimise_routes(instance, [[1, 2], [3, 4], [5, 6]], seed=0,
                             deadline=time.perf_counter() + 5)
    assert len(routes) == 1
    assert sorted(routes[0]) == [1, 2, 3, 4, 5, 6]
    assert violations(instance, routes) == []


def test_shipments_due_at_the_same_moment_far_apart_keep_their_own_vans() -> None:
    # Each pickup must start at exactly t=100, 200 apart: no van can do two of them.
    points = [(0, 0), (0, 100), (0, 101), (100, 0), (101, 0), (-100, 0), (-101, 0)]
    windows = [(100, 100), (0, 1000)] * 3
    instance = day_from_points(points, windows, [0] * 7, [1, -1] * 3, capacity=10,
                         horizon_s=1000)
    start = [[1, 2], [3, 4], [5, 6]]
    assert violations(instance, start) == []
    routes = minimise_routes(instance, start, seed=0, deadline=time.perf_counter() + 0.3)
    assert sorted(map(sorted, routes)) == start


def test_empty_routes_are_dropped_and_a_single_route_is_returned_as_it_is() -> None:
    instance = _pairs_line()
    assert minimise_routes(instance, [[], [1, 2, 3, 4, 5, 6], []], seed=0,
                           deadline=time.perf_counter() + 1) == [[1, 2, 3, 4, 5, 6]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_days())
@pytest.mark.slow
def test_random_pickup_and_delivery_days_lose_no_shipment_and_break_no_rule(
        day: tuple[PickupDeliveryDay, list[list[int]]]) -> None:
    instance, start = day
    feasible_start = [route for route in start if not violations(instance, [route])]
    routes = minimise_routes(instance, feasible_start, seed=1,
                             deadline=time.perf_counter() + 0.2, attempt_s=0.05)
    assert len(routes) <= len(feasible_start)
    assert violations(instance, routes) == []
    served = sorted(itertools.chain.from_iterable(routes))
    assert served == sorted(itertools.chain.from_iterable(feasible_start))
    for route in routes:
        for pickup in (n for n in route if n in instance.delivery_of):
            assert instance.delivery_of[pickup] in route


def test_pure_pickup_and_delivery_day_minimises_its_fleet_by_ejection_and_verifies() -> None:
    problem = read_lilim(TINY_LC4)
    plan = solve(problem, time_limit_s=1.0)
    assert plan.solver["fleet_minimiser"] == "ejection pool"
    assert verify(problem, plan) == []
    assert plan.unassigned == ()
    # Four small shipments, wide windows for the pairs served together: one van.
    assert len(plan.routes) == 1


def test_a_day_with_a_hub_delivery_or_the_option_off_minimises_its_fleet_with_ortools(
        ) -> None:
    sites = (Site("hub", lat=33.80, lon=130.54),
             Site("a", lat=33.81, lon=130.55), Site("b", lat=33.82, lon=130.53))
    tasks = (Task("ship", TaskKind.SHIPMENT, pickup_site_id="a", delivery_site_id="b",
                  amount={"crates": 1}),
             Task("drop", TaskKind.DELIVERY, site_id="b", amount={"crates": 1}))
    vans = tuple(Vehicle(f"van-{k}", start_site_id="hub", shift_start_s=8 * 3600,
                         shift_end_s=17 * 3600, capacity={"crates": 5}, fixed_cost=10_000.0)
                 for k in (1, 2))
    problem = Problem(sites=sites, vehicles=vans, tasks=tasks,
                      matrix=geodesic_matrix(sites))
    plan = solve(problem, time_limit_s=0.5)
    assert plan.solver["fleet_minimiser"] == "ortools"
    assert verify(problem, plan) == []
    tiny = read_lilim(TINY_LC4)
    off = solve(tiny, time_limit_s=0.5,
                options=SolverOptions(fleet=FleetOptions(ejection_pool=False)))
    assert off.solver["fleet_minimiser"] == "ortools"
    assert verify(tiny, off) == []
