"""Ruin-and-recreate on shipment pairs: shorter plans, never a shipment lost, a route
added or a rule broken."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from pickup_delivery_days import day_from_points, plan_cost, random_days, violations

from routing.instances import read_lilim
from routing.options import PickupDeliveryOptions, SolverOptions
from routing.search.pickup_delivery import PickupDeliveryDay
from routing.search.pickup_delivery_search import improve_routes
from routing.search.route_minimiser import minimise_routes
from routing.solver import solve
from routing.verify import verify

TINY_LC4 = Path(__file__).resolve().parents[2] / "data" / "instances" / "tiny_lc4.txt"


def _two_sides() -> PickupDeliveryDay:
    """Shipments 1-2 and 5-6 east of the depot, 3-4 and 7-8 west; a van carries two."""
    points = [(0, 0), (100, 0), (110, 0), (-100, 0), (-110, 0),
              (100, 10), (110, 10), (-100, 10), (-110, 10)]
    return day_from_points(points, [(0, 10_000)] * 8, [0] * 9, [1, -1] * 4, capacity=2,
                           horizon_s=10_000)


def test_vans_crossing_the_depot_are_untangled_to_no_longer_than_one_van_per_side() -> None:
    day = _two_sides()
    crossed = [[1, 2, 3, 4], [5, 6, 7, 8]]  # each van drives east and west
    one_side_each = [[1, 5, 6, 2], [3, 7, 8, 4]]
    assert violations(day, crossed) == violations(day, one_side_each) == []
    result = improve_routes(day, crossed, seed=0, deadline=time.perf_counter() + 0.5)
    assert violations(day, result.routes) == []
    assert result.cost == plan_cost(day, result.routes)
    assert result.cost <= plan_cost(day, one_side_each) < plan_cost(day, crossed)
    assert result.rounds > 0


def test_a_plan_that_cannot_be_shortened_is_returned_as_it_is() -> None:
    single = [[1, 2]]
    lone = day_from_points([(0, 0), (100, 0), (110, 0)], [(0, 10_000)] * 2, [0] * 3,
                           [1, -1], capacity=2, horizon_s=10_000)
    result = improve_routes(lone, single, seed=0, deadline=time.perf_counter() + 0.05)
    assert result.routes == single
    assert result.cost == plan_cost(lone, single)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_days())
@pytest.mark.slow
def test_random_pickup_and_delivery_days_get_no_longer_and_lose_no_shipment(
        day: tuple[PickupDeliveryDay, list[list[int]]]) -> None:
    instance, start = day
    feasible_start = [route for route in start if not violations(instance, [route])]
    served = {n for route in feasible_start for n in route}
    # The search serves every shipment of the day: keep only those the start serves.
    instance = PickupDeliveryDay(**{
        **instance.__dict__,
        "delivery_of": {p: d for p, d in instance.delivery_of.items() if p in served}})
    # From the fewest vans the route minimiser reaches: tight plans, where a shipment
    # taken out often finds no place again.
    feasible_start = minimise_routes(instance, feasible_start, seed=0,
                                     deadline=time.perf_counter() + 0.05)
    # A shipment left out is priced low here, so the search often passes through plans
    # that leave one out: it must still return only plans that serve every one.
    result = improve_routes(instance, feasible_start, seed=1,
                            deadline=time.perf_counter() + 0.05, unserved_penalty=0.05)
    assert len(result.routes) <= len(feasible_start)
    assert violations(instance, result.routes) == []
    assert sorted(itertools.chain.from_iterable(result.routes)) == sorted(served)
    assert result.cost == plan_cost(instance, result.routes) <= \
        plan_cost(instance, feasible_start)


def test_a_route_breaking_a_window_or_a_shipment_left_out_is_refused_by_name() -> None:
    day = _two_sides()
    late = day_from_points([(0, 0), (100, 0), (110, 0)], [(0, 5), (0, 10_000)], [0] * 3,
                           [1, -1], capacity=2, horizon_s=10_000)
    with pytest.raises(ValueError, match=r"'routes\[0\]': breaks a time window or the "
                                         r"capacity, got \[1, 2\]"):
        improve_routes(late, [[1, 2]], seed=0, deadline=time.perf_counter() + 0.1)
    with pytest.raises(ValueError, match=r"'routes\[1\]': pickup 7 without its delivery 8"):
        improve_routes(day, [[1, 2, 3, 4, 5, 6], [8, 7]], seed=0,
                       deadline=time.perf_counter() + 0.1)
    with pytest.raises(ValueError,
                       match=r"shipments with pickups \[5, 7\] are not served"):
        improve_routes(day, [[1, 2, 3, 4]], seed=0, deadline=time.perf_counter() + 0.1)


def test_solve_shortens_a_pure_pickup_and_delivery_day_with_its_own_search_and_verifies(
        ) -> None:
    problem = read_lilim(TINY_LC4)
    plan = solve(problem, time_limit_s=1.0)
    assert plan.solver["iterated_repair"] == "pickup-delivery ruin and recreate"
    assert plan.solver["iterated_rounds"] > 0
    assert verify(problem, plan) == []
    assert plan.unassigned == ()
    off = solve(problem, time_limit_s=0.5,
                options=SolverOptions(pickup_delivery=PickupDeliveryOptions(enabled=False)))
    assert off.solver["iterated_repair"] in ("local", "whole day", "day ruin and recreate")
    assert verify(problem, off) == []
