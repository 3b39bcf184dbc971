"""`verify` accepts the hand-timed tiny plan and names every rule a mutated plan breaks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from routing.problem import Break, Problem, Task, TaskKind, TimeWindow
from routing.result import (
    Action,
    ActionKind,
    Plan,
    PlanStatus,
    Route,
    RouteBreak,
    Unassigned,
    UnassignedReason,
    Visit,
    VisitKind,
)
from routing.verify import CODES, Violation, format_violations, is_feasible, verify

ZERO = {"crates": 0, "items": 0}
CHECK_C = Task("check-c", TaskKind.VISIT, site_id="post-c", penalty=25.0)


# ----------------------------------------------------------------- helpers


def _route(plan: Plan, index: int = 0, **changes: Any) -> Plan:
    routes = list(plan.routes)
    routes[index] = replace(routes[index], **changes)
    return replace(plan, routes=tuple(routes))


def _visit(plan: Plan, v_index: int, route_index: int = 0, **changes: Any) -> Plan:
    visits = list(plan.routes[route_index].visits)
    visits[v_index] = replace(visits[v_index], **changes)
    return _route(plan, route_index, visits=tuple(visits))


def _vehicle(problem: Problem, **changes: Any) -> Problem:
    return replace(problem, vehicles=(replace(problem.vehicles[0], **changes),
                                      *problem.vehicles[1:]))


def _site(problem: Problem, site_id: str, **changes: Any) -> Problem:
    sites = tuple(replace(s, **changes) if s.site_id == site_id else s for s in problem.sites)
    return replace(problem, sites=sites)


def _violations(problem: Problem, plan: Plan) -> list[Violation]:
    violations = verify(problem, plan)
    unknown = [v.code for v in violations if v.code not in CODES]
    assert not unknown, f"codes missing from CODES: {unknown}"
    return violations


def _only(problem: Problem, plan: Plan, code: str) -> Violation:
    """The single violation, asserting it is the only one and has ``code``."""
    violations = _violations(problem, plan)
    assert [v.code for v in violations] == [code], format_violations(violations)
    return violations[0]


def _some(problem: Problem, plan: Plan, code: str) -> Violation:
    """The first violation with ``code`` (others may follow from the same mutation)."""
    violations = _violations(problem, plan)
    found = [v for v in violations if v.code == code]
    assert found, f"no {code!r} in:\n{format_violations(violations)}"
    return found[0]


def _two_vans(problem: Problem) -> Problem:
    van_2 = replace(problem.vehicles[0], vehicle_id="van-2", lunch_break=None)
    return replace(problem, vehicles=(*problem.vehicles, van_2))


# ----------------------------------------------------------------- feasible plans


def test_hand_timed_tiny_plan_is_feasible(tiny_problem: Problem, tiny_plan: Plan) -> None:
    assert verify(tiny_problem, tiny_plan) == []
    assert is_feasible(tiny_problem, tiny_plan)


def test_optional_task_left_unassigned_costs_its_penalty(tiny_problem: Problem,
                                                         tiny_plan: Plan) -> None:
    problem = replace(tiny_problem, tasks=(*tiny_problem.tasks, CHECK_C))
    skipped = (Unassigned("check-c", UnassignedReason.NOT_WORTH_DETOUR),)
    plan = replace(tiny_plan, unassigned=skipped, cost=110.0 + 25.0)
    assert verify(problem, plan) == []
    violation = _only(problem, replace(plan, cost=110.0), "cost_mismatch")
    assert "penalties of unassigned optional tasks 25" in violation.message


def test_required_task_unassigned_with_status_partial_is_consistent(tiny_problem: Problem,
                                                                    tiny_plan: Plan) -> None:
    problem = replace(tiny_problem, tasks=(*tiny_problem.tasks,
                                           Task("visit-b", TaskKind.VISIT, site_id="school-b")))
    plan = replace(tiny_plan, status=PlanStatus.PARTIAL,
                   unassigned=(Unassigned("visit-b", UnassignedReason.NO_ROOM_IN_PLAN),))
    assert verify(problem, plan) == []
    violation = _only(problem, replace(plan, status=PlanStatus.COMPLETE), "status_mismatch")
    assert "['visit-b']" in violation.message


def test_break_before_the_route_starts_is_accepted(tiny_problem: Problem,
                                                   tiny_plan: Plan) -> None:
    problem = _vehicle(tiny_problem, shift_start_s=27_000, lunch_break=Break(27_000, 27_000, 1_800))
    plan = _route(tiny_plan, lunch_break=RouteBreak(27_000, 1_800))
    assert verify(problem, plan) == []


def test_cost_within_tolerance_is_accepted(tiny_problem: Problem, tiny_plan: Plan) -> None:
    assert verify(tiny_problem, replace(tiny_plan, cost=110.0 + 1e-7)) == []


def test_format_violations_lists_code_and_message() -> None:
    assert format_violations([]) == "no violations"
    text = format_violations([Violation("lost", "task 'x' is lost", task_id="x"),
                              Violation("shift", "too late")])
    assert text == "lost: task 'x' is lost\nshift: too late"


# ----------------------------------------------------------------- vehicles and routes


def test_unknown_vehicle(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _route(tiny_plan, vehicle_id="van-9"), "unknown_vehicle")
    assert "'van-9' is not in the problem" in violation.message
    assert violation.vehicle_id == "van-9"


def test_vehicle_twice(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = replace(tiny_plan, routes=tiny_plan.routes * 2)
    violation = _some(tiny_problem, plan, "vehicle_twice")
    assert "vehicle 'van-1' has more than one route" in violation.message


def test_wrong_start_site(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _some(tiny_problem, _visit(tiny_plan, 0, site_id="lib-a"), "wrong_start")
    assert "starts at site 'lib-a', not at its start site 'hub'" in violation.message


def test_wrong_start_arrival_differs_from_start(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _some(tiny_problem, _visit(tiny_plan, 0, arrival_s=28_000), "wrong_start")
    assert "arrival_s 28000 differs from start_s 28800" in violation.message


def test_wrong_end_kind(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _some(tiny_problem, _visit(tiny_plan, 4, kind=VisitKind.STOP), "wrong_end")
    assert "last visit (site 'hub') is a 'stop' visit, not 'end'" in violation.message


def test_wrong_end_times_differ(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _visit(tiny_plan, 4, departure_s=40_000), "wrong_end")
    assert "arrival_s 39960, start_s 39960 and departure_s 40000" in violation.message


def test_empty_route(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = _two_vans(tiny_problem)
    idle = Route("van-2", (
        Visit("hub", VisitKind.START, 28_800, 28_800, 29_400, 0, ZERO),
        Visit("hub", VisitKind.END, 29_400, 29_400, 29_400, 0, ZERO),
    ), distance_m=0, driving_s=0, service_s=600, waiting_s=0, duration_s=600, cost=50.0)
    plan = replace(tiny_plan, routes=(*tiny_plan.routes, idle), cost=160.0)
    violation = _only(problem, plan, "empty_route")
    assert violation.vehicle_id == "van-2"


def test_route_without_visits_is_reported_not_raised(tiny_problem: Problem,
                                                     tiny_plan: Plan) -> None:
    violation = _some(tiny_problem, _route(tiny_plan, visits=()), "empty_route")
    assert "0 visits" in violation.message


# ----------------------------------------------------------------- sites, tasks, actions


def test_unknown_site(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _some(tiny_problem, _visit(tiny_plan, 2, site_id="school-z"), "unknown_site")
    assert "site 'school-z' is not in the problem" in violation.message
    assert violation.site_id == "school-z"


def test_unknown_task(tiny_problem: Problem, tiny_plan: Plan) -> None:
    actions = (*tiny_plan.routes[0].visits[3].actions, Action("ghost", ActionKind.VISIT))
    violation = _only(tiny_problem, _visit(tiny_plan, 3, actions=actions), "unknown_task")
    assert "task 'ghost', which is not in the problem" in violation.message


def test_unknown_task_in_unassigned(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = replace(tiny_plan, unassigned=(Unassigned("ghost", UnassignedReason.UNREACHABLE),))
    violation = _some(tiny_problem, plan, "unknown_task")
    assert "unassigned task 'ghost'" in violation.message


def test_wrong_site(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 1, actions=(Action("deliver-a", ActionKind.DELIVERY),))
    plan = _visit(plan, 2, actions=(Action("ship-a-b", ActionKind.PICKUP),
                                    Action("ship-a-b", ActionKind.DELIVERY)))
    violation = _some(tiny_problem, plan, "wrong_site")
    assert "at site 'school-b': action 'pickup' of task 'ship-a-b' belongs at site 'lib-a'" \
        in violation.message
    assert (violation.task_id, violation.site_id) == ("ship-a-b", "school-b")


def test_wrong_action_kind_for_task(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 3, actions=(Action("pickup-c", ActionKind.VISIT),))
    violation = _some(tiny_problem, plan, "wrong_action")
    assert "action 'visit' does not fit pickup task 'pickup-c' (it needs pickup, unload)" \
        in violation.message


def test_wrong_action_missing_half(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 4, actions=())
    violation = _some(tiny_problem, plan, "wrong_action")
    assert "pickup task 'pickup-c' has 'pickup' but no 'unload'" in violation.message


def test_wrong_action_load_at_a_stop(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 0, actions=(), load_after=ZERO)
    actions = (Action("deliver-a", ActionKind.LOAD), *tiny_plan.routes[0].visits[1].actions)
    plan = _visit(plan, 1, actions=actions)
    violation = _some(tiny_problem, plan, "wrong_action")
    assert "action 'load' of task 'deliver-a' belongs at a 'start' visit, not a 'stop'" \
        in violation.message


def test_precedence(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = replace(tiny_problem, tasks=tuple(
        replace(t, pickup_site_id="school-b", delivery_site_id="lib-a")
        if t.task_id == "ship-a-b" else t for t in tiny_problem.tasks))
    plan = _visit(tiny_plan, 1, actions=(Action("deliver-a", ActionKind.DELIVERY),
                                         Action("ship-a-b", ActionKind.DELIVERY)))
    plan = _visit(plan, 2, actions=(Action("ship-a-b", ActionKind.PICKUP),))
    violation = _some(problem, plan, "precedence")
    assert "shipment 'ship-a-b': delivered at visit 1 (site 'lib-a') before it is picked up " \
           "at visit 2 (site 'school-b')" in violation.message


def test_same_vehicle(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = _two_vans(tiny_problem)
    plan = _visit(tiny_plan, 2, actions=())
    other = Route("van-2", (
        Visit("hub", VisitKind.START, 28_800, 28_800, 29_400, 0, ZERO),
        Visit("school-b", VisitKind.STOP, 30_600, 36_000, 36_480, 5_400, ZERO,
              (Action("ship-a-b", ActionKind.DELIVERY),)),
        Visit("hub", VisitKind.END, 37_680, 37_680, 37_680, 0, ZERO),
    ), distance_m=24_000, driving_s=2_400, service_s=1_080, waiting_s=5_400,
        duration_s=8_880, cost=98.0)
    plan = replace(plan, routes=(*plan.routes, other), cost=208.0)
    violation = _some(problem, plan, "same_vehicle")
    assert "task 'ship-a-b' is split over several routes: 'pickup' by vehicle 'van-1', " \
           "'delivery' by vehicle 'van-2'" in violation.message


def test_served_twice(tiny_problem: Problem, tiny_plan: Plan) -> None:
    twice = (Action("pickup-c", ActionKind.PICKUP),) * 2
    violation = _some(tiny_problem, _visit(tiny_plan, 3, actions=twice), "served_twice")
    assert "task 'pickup-c': action 'pickup' is done 2 times" in violation.message


def test_unassigned_twice(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = replace(tiny_problem, tasks=(*tiny_problem.tasks, CHECK_C))
    skipped = (Unassigned("check-c", UnassignedReason.NOT_WORTH_DETOUR),) * 2
    violation = _only(problem, replace(tiny_plan, unassigned=skipped, cost=135.0),
                      "unassigned_twice")
    assert "task 'check-c' is listed 2 times" in violation.message


def test_lost(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = replace(tiny_problem, tasks=(*tiny_problem.tasks, CHECK_C))
    violation = _only(problem, tiny_plan, "lost")
    assert "visit task 'check-c' is neither served nor listed as unassigned" in violation.message


def test_served_and_unassigned(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = replace(tiny_plan, status=PlanStatus.PARTIAL,
                   unassigned=(Unassigned("deliver-a", UnassignedReason.NO_ROOM_IN_PLAN),))
    violation = _only(tiny_problem, plan, "served_and_unassigned")
    assert "task 'deliver-a' is served (by vehicle 'van-1')" in violation.message


# ----------------------------------------------------------------- loads


def test_capacity(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = _vehicle(tiny_problem, capacity={"crates": 3, "items": 300})
    violation = _only(problem, tiny_plan, "capacity")
    assert "visit 0 at site 'hub': leaves with 4 crates, above the capacity 3" \
        in violation.message


def test_negative_load(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 0, actions=(), load_after=ZERO)
    violation = _some(tiny_problem, plan, "negative_load")
    assert violation.message == ("vehicle 'van-1' visit 1 at site 'lib-a': leaves with -1 crates, "
                                 "below zero (likewise at visits [2, 3, 4])")
    negatives = [v for v in _violations(tiny_problem, plan) if v.code == "negative_load"]
    assert len(negatives) == 2  # one per dimension (crates, items), not one per visit


def test_load_mismatch(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 1, load_after={"crates": 5, "items": 90})
    violation = _only(tiny_problem, plan, "load_mismatch")
    assert "load_after crates is 5, but the actions so far leave 3" in violation.message


def test_load_mismatch_for_a_missing_dimension(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _visit(tiny_plan, 1, load_after={"crates": 3}),
                      "load_mismatch")
    assert "load_after states no items (expected 90)" in violation.message


# ----------------------------------------------------------------- time


def test_time_window(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = _site(tiny_problem, "school-b", time_windows=(TimeWindow(37_000, 43_200),))
    violation = _only(problem, tiny_plan, "time_window")
    assert violation.message == ("vehicle 'van-1' visit 2 at site 'school-b': service starts "
                                 "36000 s (10:00), outside its windows [37000, 43200]")


def test_travel_time(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 1, arrival_s=30_000, waiting_s=2_400)
    violation = _only(tiny_problem, replace(plan, routes=(replace(
        plan.routes[0], waiting_s=4_800),)), "travel_time")
    assert "arrives 30000 s (08:20), but it leaves 'hub' at 29400 s (08:10) and the drive " \
           "takes 900 s: earliest arrival 30300 s (08:25)" in violation.message


def test_travel_time_counts_the_break_on_its_leg(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 3, arrival_s=39_000, waiting_s=180)
    plan = _route(plan, waiting_s=4_680)
    violation = _only(tiny_problem, plan, "travel_time")
    assert "the drive takes 900 s plus the 1800 s lunch break: earliest arrival 39180 s" \
        in violation.message


def test_time_order(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 2, arrival_s=36_100, waiting_s=-100)
    violation = _some(tiny_problem, plan, "time_order")
    assert "service starts 36000 s (10:00), before the van arrives 36100 s" in violation.message


def test_service_time(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _visit(tiny_plan, 1, departure_s=32_900), "service_time")
    assert "needs 600 s (site 300 s + tasks 300 s): earliest departure 33000 s" \
        in violation.message


def test_service_time_at_the_hub(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _visit(tiny_plan, 0, departure_s=29_000), "service_time")
    assert "at site 'hub'" in violation.message and "(site 600 s + tasks 0 s)" in violation.message


def test_waiting_mismatch(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _visit(tiny_plan, 1, waiting_s=2_000), "waiting_mismatch")
    assert "waiting_s 2000, but service starts 2100 s after arrival" in violation.message


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"shift_start_s": 29_000}, "work starts 28800 s (08:00), before its shift starts 29000"),
    ({"shift_end_s": 39_000}, "returns 39960 s (11:06), after its shift ends 39000 s (10:50)"),
])
def test_shift(tiny_problem: Problem, tiny_plan: Plan, changes: dict[str, int],
               fragment: str) -> None:
    violation = _only(_vehicle(tiny_problem, **changes), tiny_plan, "shift")
    assert fragment in violation.message


def test_max_working(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(_vehicle(tiny_problem, max_working_s=10_000), tiny_plan, "max_working")
    assert "works 11160 s (28800 s (08:00) to 39960 s (11:06)), above its max_working_s 10000" \
        in violation.message


# ----------------------------------------------------------------- break


def test_break_missing(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 3, arrival_s=37_380, start_s=37_380, departure_s=37_560)
    plan = _visit(plan, 4, arrival_s=38_160, start_s=38_160, departure_s=38_160)
    plan = _route(plan, lunch_break=None, duration_s=9_360)
    violation = _only(tiny_problem, plan, "break")
    assert "no lunch break, but the vehicle needs 1800 s starting between 36000 s (10:00) " \
           "and 39600 s (11:00)" in violation.message


def test_break_outside_its_window(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = _vehicle(tiny_problem, lunch_break=Break(37_000, 39_600, 1_800))
    violation = _only(problem, tiny_plan, "break")
    assert "lunch break starts 36480 s (10:08), outside its window [37000, 39600]" \
        in violation.message


def test_break_too_short(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _route(tiny_plan, lunch_break=RouteBreak(36_480, 1_200)),
                      "break")
    assert "lasts 1200 s, shorter than the required 1800 s" in violation.message


def test_break_overlapping_service(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _route(tiny_plan, lunch_break=RouteBreak(36_000, 1_800)),
                      "break")
    assert "lunch break [36000, 37800] overlaps the service at visit 2, site 'school-b' " \
           "[36000, 36480]" in violation.message


def test_break_not_fitting_its_leg(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 3, arrival_s=38_280, start_s=38_280, departure_s=38_460)
    plan = _visit(plan, 4, arrival_s=39_060, start_s=39_060, departure_s=39_060)
    plan = _route(plan, duration_s=10_260)
    violation = _only(tiny_problem, plan, "break")
    assert "does not fit the leg from 'school-b' to 'post-c': 1800 s between departure 36480 " \
           "and service start 38280, less than the 900 s drive plus the break" \
        in violation.message


def test_break_straddling_the_route_start(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = _vehicle(tiny_problem, shift_start_s=27_000,
                       lunch_break=Break(27_000, 28_000, 1_800))
    plan = _visit(tiny_plan, 0, departure_s=28_800 + 600)
    plan = _route(plan, lunch_break=RouteBreak(28_000, 1_800))
    violation = _some(problem, plan, "break")
    assert "overlaps the service at visit 0, site 'hub'" in violation.message


def test_break_reported_for_a_vehicle_without_one(tiny_problem: Problem,
                                                  tiny_plan: Plan) -> None:
    violation = _only(_vehicle(tiny_problem, lunch_break=None), tiny_plan, "break")
    assert "reports a lunch break at 36480 s (10:08), but the vehicle has none" \
        in violation.message


# ----------------------------------------------------------------- totals, cost, status


def test_distance_mismatch(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _route(tiny_plan, distance_m=29_000), "distance_mismatch")
    assert "distance_m 29000, but the matrix along its visits gives 30000" in violation.message


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"duration_s": 11_000}, "duration_s 11000, but end arrival minus start gives 11160"),
    ({"driving_s": 2_900}, "driving_s 2900, but the matrix along its visits gives 3000"),
    ({"waiting_s": 0}, "waiting_s 0, but the sum of start_s - arrival_s over its visits gives "
                       "4500"),
])
def test_total_mismatch(tiny_problem: Problem, tiny_plan: Plan, changes: dict[str, int],
                        fragment: str) -> None:
    violation = _only(tiny_problem, _route(tiny_plan, **changes), "total_mismatch")
    assert fragment in violation.message


def test_cost_mismatch_for_the_plan(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, replace(tiny_plan, cost=111.0), "cost_mismatch")
    assert "plan cost 111.0, but routes 110 + penalties of unassigned optional tasks 0 = 110" \
        in violation.message


def test_cost_mismatch_for_a_route(tiny_problem: Problem, tiny_plan: Plan) -> None:
    violation = _only(tiny_problem, _route(tiny_plan, cost=60.0), "cost_mismatch")
    assert "cost 60.0, but 30 km x 2 per km + fixed 50 = 110" in violation.message


@pytest.mark.parametrize("status", [PlanStatus.PARTIAL, PlanStatus.NO_SOLUTION])
def test_status_mismatch(tiny_problem: Problem, tiny_plan: Plan, status: PlanStatus) -> None:
    violation = _only(tiny_problem, replace(tiny_plan, status=status), "status_mismatch")
    assert f"status is '{status.value}'" in violation.message


# ----------------------------------------------------------------- robustness


def test_foreign_plan_gets_violations_not_exceptions(tiny_problem: Problem) -> None:
    foreign = Plan("finished", (  # type: ignore[arg-type]
        Route("truck-7", (
            Visit("depot-x", "begin", 0, 0, 0, 0, {"pallets": 1},  # type: ignore[arg-type]
                  (Action("job-1", "teleport"),)),  # type: ignore[arg-type]
        ), 0, 0, 0, 0, 0, 0.0),
    ), (), cost=0.0)
    codes = {v.code for v in _violations(tiny_problem, foreign)}
    assert {"unknown_vehicle", "unknown_site", "unknown_task", "empty_route", "lost",
            "status_mismatch"} <= codes


def test_every_violation_is_listed_not_just_the_first(tiny_problem: Problem,
                                                      tiny_plan: Plan) -> None:
    plan = _visit(tiny_plan, 1, departure_s=32_900, waiting_s=0)
    plan = replace(plan, cost=1.0)
    codes = [v.code for v in _violations(_vehicle(tiny_problem, max_working_s=10_000), plan)]
    assert {"service_time", "waiting_mismatch", "max_working", "cost_mismatch"} <= set(codes)


def test_violations_name_their_ids(tiny_problem: Problem, tiny_plan: Plan) -> None:
    problem = _site(tiny_problem, "school-b", time_windows=(TimeWindow(37_000, 43_200),))
    violation = _only(problem, tiny_plan, "time_window")
    assert (violation.vehicle_id, violation.site_id) == ("van-1", "school-b")


def test_plan_without_routes_loses_every_task(tiny_problem: Problem, tiny_plan: Plan) -> None:
    plan = replace(tiny_plan, routes=(), cost=0.0)
    lost = [v.task_id for v in _violations(tiny_problem, plan)]
    assert lost == ["deliver-a", "pickup-c", "ship-a-b"]
