"""The re-timing of a solved visiting order (`routing.schedule`): loads and actions at
the hub, the lunch break inside its window on the leg that brings the van back earliest,
a stop split around a fixed break; through `solve` (every plan checked by `verify`) and
directly on hand-made stops.
"""

from __future__ import annotations

import dataclasses

import pytest
from bruteforce import solve_and_verify
from hand_made import FAST, QUICK, H, hub_van, star

from routing.matrix import geodesic_matrix
from routing.problem import Break, Problem, Site, Task, TaskKind, Vehicle
from routing.result import Action, ActionKind, Plan, PlanStatus, RouteBreak, VisitKind
from routing.schedule import (
    Handling,
    Stop,
    route_as_given,
    route_from_stops,
    stops_of,
    task_ends,
)
from routing.verify import verify


def test_hub_deliveries_are_loaded_at_the_start_and_pickups_unloaded_at_the_end(
        tiny_problem: Problem) -> None:
    plan = solve_and_verify(tiny_problem, **FAST)
    (route,) = plan.routes
    start, end = route.visits[0], route.visits[-1]
    assert (start.kind, end.kind) == (VisitKind.START, VisitKind.END)
    assert start.actions == (Action("deliver-a", ActionKind.LOAD),)
    assert start.load_after == {"crates": 4, "items": 120}  # deliver-a, on board from the hub
    assert end.actions == (Action("pickup-c", ActionKind.UNLOAD),)
    assert end.load_after == {"crates": 0, "items": 0}
    stop_actions = {a for v in route.stops for a in v.actions}
    assert stop_actions == {Action("deliver-a", ActionKind.DELIVERY),
                            Action("pickup-c", ActionKind.PICKUP),
                            Action("ship-a-b", ActionKind.PICKUP),
                            Action("ship-a-b", ActionKind.DELIVERY)}


def test_every_hub_delivery_and_pickup_of_the_munakata_day_is_loaded_and_unloaded_at_the_hub(
        munakata_like_problem: Problem, munakata_plan: Plan) -> None:
    plan = munakata_plan
    for route in plan.routes:
        start, end = route.visits[0], route.visits[-1]
        for task in (munakata_like_problem.task(t) for t in
                     {a.task_id for v in route.visits for a in v.actions}):
            if task.kind is TaskKind.DELIVERY:
                assert Action(task.task_id, ActionKind.LOAD) in start.actions
            elif task.kind is TaskKind.PICKUP:
                assert Action(task.task_id, ActionKind.UNLOAD) in end.actions


@pytest.mark.parametrize("day", ["tiny", "munakata_like"])
def test_lunch_break_lies_in_its_window_on_every_used_route(
        day: str, request: pytest.FixtureRequest) -> None:
    problem: Problem = request.getfixturevalue(f"{day}_problem")
    plan = request.getfixturevalue("munakata_plan") if day == "munakata_like" \
        else solve_and_verify(problem, **FAST)
    assert plan.routes
    for route in plan.routes:
        rule = problem.vehicle(route.vehicle_id).lunch_break
        assert rule is not None and route.lunch_break is not None
        taken = route.lunch_break
        assert rule.earliest_start_s <= taken.start_s <= rule.latest_start_s
        assert taken.duration_s >= rule.duration_s
        for visit in route.visits:  # never during a service
            assert (taken.start_s + taken.duration_s <= visit.start_s
                    or visit.departure_s <= taken.start_s or visit.start_s == visit.departure_s)


def test_lunch_break_is_taken_even_when_the_route_has_no_waiting() -> None:
    # Two 2-h visits back to back from 08:00; the 45-min break must start 10:00-10:30.
    sites, matrix = star({"a": 600, "b": 600}, between={("a", "b"): 600})
    tasks = (Task("long-a", TaskKind.VISIT, site_id="a", service_s=2 * H),
             Task("long-b", TaskKind.VISIT, site_id="b", service_s=2 * H))
    van = hub_van(lunch_break=Break(10 * H, 10 * H + 1_800, 2_700))
    plan = solve_and_verify(Problem(sites, (van,), tasks, matrix), **FAST)
    (route,) = plan.routes
    assert route.lunch_break is not None
    assert 10 * H <= route.lunch_break.start_s <= 10 * H + 1_800
    assert plan.served_task_ids() == {"long-a", "long-b"}


def test_lunch_break_fixed_in_the_middle_of_a_two_task_stop_stays_at_its_time() -> None:
    # Two 15-min visits at x (10 min away); the 15-min break must start exactly 08:25 and
    # the shift ends 09:20, so the break goes on the way out (leave 08:00, serve from
    # 08:40), not between the two visits (a stop's service is never interrupted).
    sites, matrix = star({"x": 600})
    tasks = (Task("a", TaskKind.VISIT, site_id="x", service_s=900),
             Task("b", TaskKind.VISIT, site_id="x", service_s=900))
    van = hub_van(shift_end_s=8 * H + 4_800, lunch_break=Break(8 * H + 1_500, 8 * H + 1_500, 900))
    plan = solve_and_verify(Problem(sites, (van,), tasks, matrix), **QUICK)
    assert plan.served_task_ids() == {"a", "b"}
    assert plan.routes[0].lunch_break is not None
    assert plan.routes[0].lunch_break.start_s == 8 * H + 1_500


def test_fixed_break_while_the_van_works_at_one_site_gives_a_plan_not_an_exception() -> None:
    # Found by the property tests: the break (08:08:17, fixed) falls while the van serves
    # task-1 and task-2 at s1. Solvers have moved it out of its window (a plan verify
    # rejects) and raised "no schedule fits the route"; neither is acceptable.
    sites = (Site("hub", 33.8, 130.5, service_s=900), Site("s1", 33.83125, 130.55859),
             Site("s2", 33.8, 130.53125))
    van = hub_van("van-0", shift_start_s=7 * H, shift_end_s=9 * H,
                  lunch_break=Break(29_297, 29_297, 900), capacity={"crates": 2})
    tasks = (Task("task-0", TaskKind.VISIT, site_id="s2"),
             Task("task-1", TaskKind.VISIT, site_id="s1", service_s=900),
             Task("task-2", TaskKind.SHIPMENT, pickup_site_id="hub", delivery_site_id="s1",
                  service_s=300))
    problem = Problem(sites, (van,), tasks, geodesic_matrix(sites))
    plan = solve_and_verify(problem, **FAST)
    assert plan.routes and plan.routes[0].lunch_break is not None


def test_a_short_round_takes_its_break_after_returning_rather_than_waiting_on_the_road(
        ) -> None:
    """Two stops 10 minutes from the hub and a lunch window from 11:30: the van should
    come back before 10:00 and take the break at the hub, not sit out the window on a
    leg (which a timing that places the break on the first leg would do)."""
    sites = (Site("hub", lat=33.80, lon=130.54, service_s=600),
             Site("a", lat=33.81, lon=130.55, service_s=300),
             Site("b", lat=33.82, lon=130.54, service_s=300))
    van = Vehicle("van", start_site_id="hub", shift_start_s=9 * 3600, shift_end_s=17 * 3600,
                  lunch_break=Break(41_400, 48_600, 2_700), capacity={"crates": 10})
    tasks = (Task("to-a", TaskKind.DELIVERY, site_id="a", amount={"crates": 1}),
             Task("from-b", TaskKind.PICKUP, site_id="b", amount={"crates": 1}))
    problem = Problem(sites, (van,), tasks, geodesic_matrix(sites))
    plan = solve_and_verify(problem, time_limit_s=1, solution_limit=20)
    (route,) = plan.routes
    assert route.end_s < 41_400
    assert route.lunch_break is not None and route.lunch_break.start_s >= route.end_s


# ----------------------------------------------------------------- directly on stops


def _tiny_stops(problem: Problem) -> list[Stop]:
    """The hand-timed tiny route's order: lib-a (deliver-a, ship-a-b's pickup), school-b
    (ship-a-b's delivery), post-c (pickup-c)."""
    calls = [("deliver-a", 0), ("ship-a-b", 0), ("ship-a-b", 1), ("pickup-c", 0)]
    handlings = []
    for task_id, end in calls:
        task = problem.task(task_id)
        site_id, action, amount = task_ends(task)[end]
        handlings.append((site_id, Handling(task, action, task.service_s, amount)))
    return stops_of(problem, handlings)


def test_consecutive_handlings_at_one_site_make_one_stop(tiny_problem: Problem) -> None:
    stops = _tiny_stops(tiny_problem)
    assert [s.site_id for s in stops] == ["lib-a", "school-b", "post-c"]
    assert [len(s.handlings) for s in stops] == [2, 1, 1]
    assert stops[0].service_s == 300 + 120 + 180  # site service plus both tasks' handling


def test_task_ends_say_where_what_and_the_signed_load_change(tiny_problem: Problem) -> None:
    assert task_ends(tiny_problem.task("ship-a-b")) == [
        ("lib-a", ActionKind.PICKUP, {"crates": 3, "items": 90}),
        ("school-b", ActionKind.DELIVERY, {"crates": -3, "items": -90})]
    assert task_ends(tiny_problem.task("deliver-a")) == [
        ("lib-a", ActionKind.DELIVERY, {"crates": -4, "items": -120})]
    assert task_ends(tiny_problem.task("pickup-c")) == [
        ("post-c", ActionKind.PICKUP, {"crates": 2, "items": 60})]
    visit = Task("look", TaskKind.VISIT, site_id="post-c")
    assert task_ends(visit) == [("post-c", ActionKind.VISIT, {})]


def test_as_given_the_van_waits_where_the_feasible_schedule_leaves_later(
        tiny_problem: Problem) -> None:
    # One timing pass, two uses: from the shift's start with no break (routes from
    # elsewhere), or the earliest feasible schedule with the break (the solver's routes).
    (van,) = tiny_problem.vehicles
    stops = _tiny_stops(tiny_problem)
    given = route_as_given(tiny_problem, van, stops)
    timed = route_from_stops(tiny_problem, van, stops, van.shift_start_s, None)
    assert timed is not None
    # hub 08:00 + 600 s, lib-a at 08:25 opens 09:00: waits 2,100 s as given ...
    assert (given.visits[0].start_s, given.visits[1].waiting_s) == (28_800, 2_100)
    assert given.lunch_break is None
    # ... leaves 2,100 s later in the schedule, and lunches at the hub after the round
    # (back at 10:36, the break may start until 11:00) rather than on the road.
    assert (timed.visits[0].start_s, timed.visits[1].waiting_s) == (28_800 + 2_100, 0)
    assert timed.lunch_break == RouteBreak(38_160, 1_800)
    assert given.visits[-1].arrival_s == timed.visits[-1].arrival_s == 38_160
    assert (given.distance_m, given.cost) == (timed.distance_m, timed.cost) == (30_000, 110.0)
    assert [v.load_after for v in given.visits] == [v.load_after for v in timed.visits]
    plan = Plan(PlanStatus.COMPLETE, (timed,), (), cost=timed.cost, problem_name="tiny")
    assert verify(tiny_problem, plan) == []


def test_no_schedule_when_the_round_cannot_end_within_the_shift(
        tiny_problem: Problem) -> None:
    (van,) = tiny_problem.vehicles
    # The round needs until 10:36; this van goes home at 10:16 and takes no break.
    short = dataclasses.replace(van, shift_end_s=37_000, lunch_break=None)
    stops = _tiny_stops(tiny_problem)
    assert route_from_stops(tiny_problem, short, stops, short.shift_start_s, None) is None
    # As given, the order is timed anyway; verify says what it breaks.
    late = route_as_given(tiny_problem, short, stops)
    assert late.visits[-1].arrival_s == 38_160
