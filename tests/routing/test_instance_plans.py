"""Plans of benchmark instances (`routing.instance_plans`): plan_from_routes, plan_routes
and exact_distance, on the tiny instances and the shared BKS routes."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmark_files import BENCH, bench_names, needs_bench

from routing.instance_plans import exact_distance, plan_from_routes, plan_routes, route_distance
from routing.instances import (
    LILIM,
    SOLOMON,
    read_bks_csv,
    read_instance,
    read_lilim,
    read_solomon,
    read_solution_routes,
)
from routing.result import ActionKind, PlanStatus, VisitKind
from routing.verify import verify

DATA = Path(__file__).resolve().parents[1] / "data"
TINY_SOLOMON = DATA / "instances" / "tiny10.txt"
TINY_LILIM = DATA / "instances" / "tiny_lc4.txt"


BKS_CASES = [(SOLOMON, n) for n in bench_names(SOLOMON)] + \
    [(LILIM, n) for n in bench_names(LILIM)]
REQUIRED = {(SOLOMON, "C101"), (SOLOMON, "R101"), (SOLOMON, "RC201"), (LILIM, "lc101"),
            (LILIM, "lr101")}


@needs_bench
def test_required_bks_cases_present() -> None:
    assert set(BKS_CASES) >= REQUIRED


@needs_bench
@pytest.mark.parametrize(("family", "name"), BKS_CASES)
def test_bks_routes_verify_and_reproduce_the_bks(family: str, name: str) -> None:
    problem = read_instance(BENCH / family / f"{name}.txt")
    routes = read_solution_routes(BENCH / family / "bks_routes" / f"{name}.sol")
    plan = plan_from_routes(problem, routes)
    assert verify(problem, plan) == []
    assert plan.status is PlanStatus.COMPLETE and not plan.unassigned
    bks = read_bks_csv(BENCH / family / "bks.csv")[name.lower()]
    assert plan.vehicles_used == bks.vehicles
    distance = exact_distance(problem, plan)
    if family == SOLOMON:
        assert distance == bks.distance  # exact at one decimal
        assert plan.cost == pytest.approx(bks.distance, abs=1e-6)
    else:
        assert distance == pytest.approx(bks.distance, abs=1e-3)
        assert plan.cost == pytest.approx(bks.distance + 10_000 * bks.vehicles, abs=0.01)
    assert plan_routes(problem, plan) == routes


@needs_bench
def test_c101_and_lc101_values() -> None:
    c101 = read_instance(BENCH / "solomon" / "C101.txt")
    plan = plan_from_routes(c101, read_solution_routes(BENCH / "solomon/bks_routes/C101.sol"))
    assert exact_distance(c101, plan) == 827.3
    lc101 = read_instance(BENCH / "lilim" / "lc101.txt")
    plan = plan_from_routes(lc101, read_solution_routes(BENCH / "lilim/bks_routes/lc101.sol"))
    assert abs(exact_distance(lc101, plan) - 828.94) < 1e-3 + 0.01
    assert exact_distance(lc101, plan) == pytest.approx(828.9369, abs=1e-3)


# --------------------------------------------------------------------------- timing


def test_plan_from_routes_timing_follows_the_semantics() -> None:
    problem = read_solomon(TINY_SOLOMON)
    plan = plan_from_routes(problem, [[5, 3]])
    (route,) = plan.routes
    start, stop5, stop3, end = route.visits
    assert start.kind is VisitKind.START and start.start_s == 0 and start.departure_s == 0
    d05 = problem.matrix.duration("n0", "n5")
    assert stop5.arrival_s == d05
    assert stop5.start_s == max(d05, 150)  # window [15, 67] x 10
    assert stop5.departure_s == stop5.start_s + 900
    assert stop5.waiting_s == stop5.start_s - stop5.arrival_s
    assert stop5.actions[0].kind is ActionKind.PICKUP and stop5.load_after == {"demand": 10}
    assert stop3.arrival_s == stop5.departure_s + problem.matrix.duration("n5", "n3")
    assert stop3.load_after == {"demand": 20}
    assert end.kind is VisitKind.END and end.load_after == {"demand": 0}
    assert {a.kind for a in end.actions} == {ActionKind.UNLOAD}
    assert route.distance_m == (problem.matrix.distance("n0", "n5")
                                + problem.matrix.distance("n5", "n3")
                                + problem.matrix.distance("n3", "n0"))
    assert route.cost == pytest.approx(route.distance_m / 10)
    assert plan.status is PlanStatus.PARTIAL and len(plan.unassigned) == 8
    assert exact_distance(problem, plan) == route_distance(problem, [5, 3])


def test_plan_from_routes_shipments() -> None:
    problem = read_lilim(TINY_LILIM)
    plan = plan_from_routes(problem, read_solution_routes(DATA / "instances" / "tiny_lc4.sol"))
    assert verify(problem, plan) == []
    assert exact_distance(problem, plan) == pytest.approx(56.3081, abs=1e-4)
    # delivery before its pickup: timed anyway, verify rejects it
    bad = plan_from_routes(problem, [[2, 1]])
    assert verify(problem, bad) != []


def test_a_late_route_is_rejected_by_verify() -> None:
    problem = read_solomon(TINY_SOLOMON)
    plan = plan_from_routes(problem, [[1, 5]])  # 5 closes at 67 long before 1 opens at 912
    assert any(v.code for v in verify(problem, plan))


@pytest.mark.parametrize(("routes", "message"), [
    ([[1, 0, 2]], "node 0 is the depot"),
    ([[1, 2, 1]], "node 1 is visited more than once"),
    ([[1, 11]], "unknown node 11"),
    ([[k] for k in range(1, 11)] + [[]], None),  # ten routes for ten vehicles: fine
])
def test_plan_from_routes_rejects_bad_routes(routes: list[list[int]],
                                             message: str | None) -> None:
    problem = read_solomon(TINY_SOLOMON)
    if message is None:
        assert plan_from_routes(problem, routes).vehicles_used == 10
        return
    with pytest.raises(ValueError, match=message):
        plan_from_routes(problem, routes)


def test_more_routes_than_vehicles() -> None:
    problem = read_lilim(TINY_LILIM)
    with pytest.raises(ValueError, match="5 routes but only 4 vehicles"):
        plan_from_routes(problem, [[1, 2], [3, 4], [5, 6], [7, 8], [9]])
