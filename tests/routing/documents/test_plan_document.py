"""Plan documents: exact round trips, shape errors by path, and the golden example pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sample_documents import DELETE, EXAMPLES, edited, tiny_doc

from routing import solve
from routing.documents import (
    FORMAT_VERSION,
    load_plan,
    load_problem,
    plan_from_dict,
    plan_from_json,
    plan_to_dict,
    plan_to_json,
    problem_from_dict,
)
from routing.errors import FormatError
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
from routing.verify import format_violations, verify

GOLDEN = sorted(p.name.removesuffix(".problem.json")
                for p in EXAMPLES.glob("example_*.problem.json"))


def _hand_plan() -> Plan:
    """A plan written by hand for `tiny_doc` (shape only; its numbers are not checked)."""
    load = {"crates": 6, "items": 180}
    visits = (
        Visit("hub", VisitKind.START, 30600, 30600, 30900, 0, load,
              (Action("stock-hino", ActionKind.LOAD),)),
        Visit("hino-branch", VisitKind.STOP, 31260, 32400, 32700, 1140,
              {"crates": 1, "items": 0},
              (Action("stock-hino", ActionKind.DELIVERY),
               Action("move-exhibit", ActionKind.PICKUP))),
        Visit("akama-post", VisitKind.STOP, 33000, 33000, 33120, 0, {"crates": 2, "items": 0},
              (Action("move-exhibit", ActionKind.DELIVERY),
               Action("empty-akama", ActionKind.PICKUP))),
        Visit("hub", VisitKind.END, 33540, 33540, 33540, 0, {"crates": 0, "items": 0},
              (Action("empty-akama", ActionKind.UNLOAD),)),
    )
    route = Route("van-1", visits, distance_m=9500, driving_s=1080, service_s=720,
                  waiting_s=1140, duration_s=2940, cost=2.85,
                  lunch_break=RouteBreak(43200, 2700))
    return Plan(status=PlanStatus.COMPLETE, routes=(route,),
                unassigned=(Unassigned("visit-care-home", UnassignedReason.NOT_WORTH_DETOUR,
                                       "detour costs 3.3 > penalty 5.0"),),
                cost=7.85, runtime_s=0.25, problem_name="tiny",
                solver={"engine": "hand", "seed": 0})


def test_plan_round_trip_is_exact() -> None:
    plan = _hand_plan()
    doc = plan_to_dict(plan)
    assert plan_from_dict(doc) == plan
    assert plan_to_dict(plan_from_json(plan_to_json(plan))) == doc
    assert json.loads(plan_to_json(plan)) == doc


def test_plan_document_shape() -> None:
    doc = plan_to_dict(_hand_plan())
    assert list(doc) == ["format", "problem", "status", "summary", "routes", "unassigned",
                         "solver", "runtime_s"]
    assert doc["format"] == FORMAT_VERSION
    assert doc["summary"] == {"cost": 7.85, "distance_m": 9500, "vehicles": 1, "unassigned": 1,
                              "duration_s": 2940, "driving_s": 1080, "service_s": 720,
                              "waiting_s": 1140}
    route = doc["routes"][0]
    assert route["lunch_break"] == {"start_s": 43200, "duration_s": 2700}
    assert route["visits"][1] == {
        "site": "hino-branch", "kind": "stop", "arrival_s": 31260, "start_s": 32400,
        "departure_s": 32700, "waiting_s": 1140, "load_after": {"crates": 1, "items": 0},
        "actions": [{"task": "stock-hino", "kind": "delivery"},
                    {"task": "move-exhibit", "kind": "pickup"}]}
    assert doc["unassigned"] == [{"task": "visit-care-home", "reason": "not_worth_detour",
                                  "detail": "detour costs 3.3 > penalty 5.0"}]


INVALID_PLANS = [
    (("status",), "done", 'status: must be one of complete, partial, no_solution, got "done"'),
    (("format",), 0, "format: unsupported format 0 (this bookrun reads format 1)"),
    (("summary", "distance_m"), 9000,
     "summary.distance_m: must equal the sum over the routes (9500), got 9000"),
    (("summary", "vehicles"), 2,
     "summary.vehicles: must equal the number of routes with stops (1), got 2"),
    (("summary",), DELETE, "summary: missing required key"),
    (("routes", 0, "vehicle"), 3, "routes[0].vehicle: must be a string, got 3"),
    (("routes", 0, "visits", 1, "kind"), "halt",
     'routes[0].visits[1].kind: must be one of start, stop, end, got "halt"'),
    (("routes", 0, "visits", 1, "arrival"), 1,
     "routes[0].visits[1].arrival: unknown key (did you mean 'arrival_s'?); allowed keys: site, "
     "kind, arrival_s, start_s, departure_s, waiting_s, load_after, actions"),
    (("routes", 0, "visits", 1, "start_s"), -60,
     "routes[0].visits[1].start_s: must be >= 0, got -60"),
    (("routes", 0, "visits", 2, "load_after", "crates"), 2.5,
     "routes[0].visits[2].load_after.crates: must be an integer, got 2.5"),
    (("routes", 0, "visits", 2, "actions", 0, "kind"), "drop",
     "routes[0].visits[2].actions[0].kind: must be one of load, pickup, delivery, visit, "
     'unload, got "drop"'),
    (("routes", 0, "visits"), [], "routes[0].visits: must hold at least 2 entries, got 0"),
    (("routes", 0, "lunch_break"), {"start_s": 43200},
     "routes[0].lunch_break.duration_s: missing required key"),
    (("unassigned", 0, "reason"), "too_far",
     "unassigned[0].reason: must be one of no_vehicle_in_time, exceeds_capacity, "
     'not_worth_detour, no_room_in_plan, unreachable, got "too_far"'),
]


@pytest.mark.parametrize(("path", "value", "expected"), INVALID_PLANS)
def test_plan_error_names_path_and_reason(path: tuple[str | int, ...], value: Any,
                                          expected: str) -> None:
    with pytest.raises(FormatError) as caught:
        plan_from_dict(edited(plan_to_dict(_hand_plan()), path, value))
    assert str(caught.value) == expected


def test_plan_optional_keys_have_defaults() -> None:
    doc = plan_to_dict(_hand_plan())
    for key in ("problem", "solver", "runtime_s"):
        del doc[key]
    del doc["routes"][0]["lunch_break"]
    del doc["routes"][0]["visits"][0]["actions"]
    del doc["unassigned"][0]["detail"]
    plan = plan_from_dict(doc)
    assert (plan.problem_name, dict(plan.solver), plan.runtime_s) == ("", {}, 0.0)
    assert plan.routes[0].lunch_break is None
    assert plan.routes[0].visits[0].actions == ()
    assert plan.unassigned[0].detail == ""


def test_a_plan_is_not_a_problem(tmp_path: Path) -> None:
    plan_doc = plan_to_dict(_hand_plan())
    with pytest.raises(FormatError, match="this is a plan document"):
        problem_from_dict(plan_doc)
    with pytest.raises(FormatError, match="this is a problem document"):
        plan_from_dict(tiny_doc())


def test_invalid_example_plan_is_rejected() -> None:
    with pytest.raises(FormatError, match=r'^status: must be one of .*, got "done"\n'):
        load_plan(EXAMPLES / "invalid_plan.plan.json")


def test_golden_examples_exist() -> None:
    assert GOLDEN == ["example_1", "example_2"]


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_plan_is_canonical_and_feasible(name: str) -> None:
    problem = load_problem(EXAMPLES / f"{name}.problem.json")
    plan_path = EXAMPLES / f"{name}.plan.json"
    plan = load_plan(plan_path)
    assert plan_to_dict(plan) == json.loads(plan_path.read_text(encoding="utf-8"))
    assert plan_to_json(plan) == plan_path.read_text(encoding="utf-8")
    assert plan.problem_name == problem.name
    violations = verify(problem, plan)
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_plan_is_reproduced_by_the_solver(name: str) -> None:
    problem = load_problem(EXAMPLES / f"{name}.problem.json")
    golden = load_plan(EXAMPLES / f"{name}.plan.json")
    limit = golden.solver["solution_limit"]
    assert isinstance(limit, int), "golden plans are made with --solution-limit"
    plan = solve(problem, time_limit_s=60.0, seed=int(golden.solver["seed"]),
                 solution_limit=limit)
    assert plan.status is golden.status
    assert plan.cost == pytest.approx(golden.cost, rel=1e-9)
    assert [u.task_id for u in plan.unassigned] == [u.task_id for u in golden.unassigned]


def test_example_2_shows_an_unassigned_task_with_its_reason() -> None:
    plan = load_plan(EXAMPLES / "example_2.plan.json")
    assert plan.status is PlanStatus.PARTIAL
    assert [(u.task_id, u.reason) for u in plan.unassigned] == [
        ("book-fair-stock", UnassignedReason.EXCEEDS_CAPACITY)]
    assert len(plan.routes) == 2
