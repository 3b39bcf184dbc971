"""Tests for routing.documents: the problem and plan documents, their errors and golden pairs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from routing.documents import (
    FORMAT_VERSION,
    DocumentError,
    load_plan,
    load_problem,
    plan_from_dict,
    plan_from_json,
    plan_to_dict,
    plan_to_json,
    problem_from_dict,
    problem_from_json,
    problem_to_dict,
    problem_to_json,
)
from routing.errors import FormatError, ProblemError
from routing.problem import TaskKind
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

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
GOLDEN = sorted(p.name.removesuffix(".problem.json")
                for p in EXAMPLES.glob("example_*.problem.json"))

try:  # routing.solve is routing.ortools_solver.solve
    from routing.ortools_solver import solve
except ImportError:  # pragma: no cover - only while routing.ortools_solver is being written
    solve = None  # type: ignore[assignment]
needs_solver = pytest.mark.skipif(solve is None, reason="routing.solve is not importable yet")

_DELETE = object()


def tiny_doc() -> dict[str, Any]:
    """A valid problem: hub + 3 sites, 1 van with a break, one task of each kind."""
    return {
        "format": 1,
        "name": "tiny",
        "sites": [
            {"id": "hub", "name": "Central library", "lat": 33.8058, "lon": 130.5408,
             "service_s": 300},
            {"id": "akama-post", "lat": 33.8128, "lon": 130.5688, "service_s": 120},
            {"id": "hino-branch", "lat": 33.8287, "lon": 130.5452,
             "time_windows": [[32400, 43200], [46800, 61200]]},
            {"id": "care-home", "lat": 33.8170, "lon": 130.5100},
        ],
        "vehicles": [
            {"id": "van-1", "start_site": "hub", "shift": [30600, 61200],
             "lunch_break": {"earliest_start_s": 43200, "latest_start_s": 46800,
                             "duration_s": 2700},
             "capacity": {"crates": 30, "items": 900}, "cost_per_km": 0.3},
        ],
        "tasks": [
            {"id": "stock-hino", "kind": "delivery", "site": "hino-branch",
             "amount": {"crates": 6, "items": 180}, "service_s": 300},
            {"id": "empty-akama", "kind": "pickup", "site": "akama-post",
             "amount": {"crates": 2}},
            {"id": "move-exhibit", "kind": "shipment", "pickup_site": "hino-branch",
             "delivery_site": "akama-post", "amount": {"crates": 1}},
            {"id": "visit-care-home", "kind": "visit", "site": "care-home", "penalty": 5.0,
             "note": "optional"},
        ],
        "travel": {"matrix": {
            "site_ids": ["hub", "akama-post", "hino-branch", "care-home"],
            "distance_m": [[0, 3500, 3000, 4000], [3500, 0, 2500, 7000],
                           [3000, 2500, 0, 5500], [4000, 7000, 5500, 0]],
            "duration_s": [[0, 420, 360, 480], [420, 0, 300, 840],
                           [360, 300, 0, 660], [480, 840, 660, 0]],
        }},
    }


def _edit(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``doc`` with the value at ``path`` replaced (or deleted)."""
    doc = copy.deepcopy(doc)
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


def _geodesic(doc: dict[str, Any], **travel: Any) -> dict[str, Any]:
    return _edit(doc, ("travel",), {"geodesic": {}, **travel})


# --------------------------------------------------------------------------- problem: errors

INVALID_PROBLEMS = [
    # a future format is refused outright
    (("format",), 2, "format: unsupported format 2 (this bookrun reads format 1)"),
    (("format",), "1", 'format: unsupported format "1" (this bookrun reads format 1)'),
    (("format",), _DELETE, "format: missing required key (this bookrun reads format 1)"),
    # coordinates out of range or of the wrong type
    (("sites", 1, "lat"), 133.5, "sites[1].lat: must be within [-90, 90], got 133.5"),
    (("sites", 1, "lon"), -181, "sites[1].lon: must be within [-180, 180], got -181"),
    (("sites", 1, "lon"), "130.5", 'sites[1].lon: must be a finite number, got "130.5"'),
    (("sites", 1, "lat"), _DELETE, "sites[1].lat: missing required key"),
    (("sites", 1, "lat"), None, "sites[1].lat: must be a finite number, got null"),
    # a typo in a key never passes silently
    (("sites", 1, "servce_s"), 60,
     "sites[1].servce_s: unknown key (did you mean 'service_s'?); allowed keys: id, lat, lon, "
     "name, service_s, time_windows"),
    (("sites", 1, "service_s"), -5, "sites[1].service_s: must be >= 0, got -5"),
    (("sites", 1, "service_s"), 1.5, "sites[1].service_s: must be an integer, got 1.5"),
    (("sites",), [*tiny_doc()["sites"], {"id": "hub", "lat": 33.8, "lon": 130.5}],
     "sites[4].id: duplicate id 'hub' (first used by sites[0])"),
    (("sites", 2, "id"), " ", 'sites[2].id: must be a non-empty string, got " "'),
    (("sites", 0), ["hub", 33.8, 130.5], 'sites[0]: must be an object, got ["hub", 33.8, 130.5]'),
    # time windows: pairs, ordered inside, not overlapping
    (("sites", 2, "time_windows"), [[43200, 32400]],
     "sites[2].time_windows[0][1]: must be >= the start 43200 before it, got 32400"),
    (("sites", 2, "time_windows"), [[32400, 43200], [43200, 50000]],
     "sites[2].time_windows: windows [32400, 43200] and [43200, 50000] overlap (windows are "
     "closed intervals: merge them)"),
    (("sites", 2, "time_windows"), [[32400]],
     "sites[2].time_windows[0]: must be a [start_s, end_s] pair, got [32400]"),
    (("sites", 2, "time_windows"), {"start_s": 1, "end_s": 2},
     'sites[2].time_windows: must be an array, got {"start_s": 1, "end_s": 2}'),
    # vehicles
    (("vehicles", 0, "start_site"), "hubb", "vehicles[0].start_site: unknown site 'hubb'"),
    (("vehicles", 0, "end_site"), "depot", "vehicles[0].end_site: unknown site 'depot'"),
    (("vehicles", 0, "shift"), [61200, 30600],
     "vehicles[0].shift[1]: must be >= the start 61200 before it, got 30600"),
    (("vehicles", 0, "shift"), _DELETE, "vehicles[0].shift: missing required key"),
    (("vehicles", 0, "capacity", "crates"), -1,
     "vehicles[0].capacity.crates: must be >= 0, got -1"),
    (("vehicles", 0, "capacity"), [30], "vehicles[0].capacity: must be an object, got [30]"),
    (("vehicles", 0, "cost_per_km"), -0.5, "vehicles[0].cost_per_km: must be >= 0, got -0.5"),
    (("vehicles", 0, "lunch_break", "latest_start_s"), 40000,
     "vehicles[0].lunch_break.latest_start_s: must be >= earliest_start_s (43200), got 40000"),
    (("vehicles", 0, "lunch_break"), {"earliest_start_s": 60000, "latest_start_s": 60000,
                                      "duration_s": 3600},
     "vehicles[0].lunch_break: a break starting in [60000, 60000] for 3600 s does not fit the "
     "shift [30600, 61200]"),
    (("vehicles", 0, "lunch_break", "length_s"), 60,
     "vehicles[0].lunch_break.length_s: unknown key; allowed keys: earliest_start_s, "
     "latest_start_s, duration_s"),
    (("vehicles",), [], "vehicles: must hold at least 1 entry, got 0"),
    # tasks
    (("tasks", 0, "amount", "crates"), -2, "tasks[0].amount.crates: must be >= 0, got -2"),
    (("tasks", 0, "amount", "boxes"), 1,
     "tasks[0].amount.boxes: unknown capacity dimension 'boxes'; the vehicles carry crates, "
     "items"),
    (("tasks", 0, "kind"), "deliver",
     'tasks[0].kind: must be one of delivery, pickup, shipment, visit, got "deliver" '
     "(did you mean 'delivery'?)"),
    (("tasks", 0, "site"), "hino", "tasks[0].site: unknown site 'hino'"),
    (("tasks", 0, "site"), _DELETE, "tasks[0].site: missing required key (the task is a delivery)"),
    (("tasks", 0, "pickup_site"), "hub",
     "tasks[0].pickup_site: only a shipment has pickup_site; this task is a delivery (use site)"),
    (("tasks", 2, "delivery_site"), _DELETE,
     "tasks[2].delivery_site: missing required key (the task is a shipment)"),
    (("tasks", 2, "site"), "hub", "tasks[2].site: a shipment has pickup_site and delivery_site, "
     "not site"),
    (("tasks", 3, "amount"), {"crates": 1}, "tasks[3].amount.crates: a visit moves nothing, got 1"),
    (("tasks", 3, "penalty"), -1, "tasks[3].penalty: must be >= 0, got -1"),
    (("tasks", 3, "penalty"), "high", 'tasks[3].penalty: must be a finite number, got "high"'),
    (("tasks", 3, "id"), "stock-hino",
     "tasks[3].id: duplicate id 'stock-hino' (first used by tasks[0])"),
    (("tasks", 1, "note"), 7, "tasks[1].note: must be a string, got 7"),
    # travel
    (("travel", "geodesic"), {},
     "travel: needs exactly one of 'matrix' (explicit) or 'geodesic' (computed from lat/lon), "
     "got 'matrix', 'geodesic'"),
    (("travel",), {}, "travel: needs exactly one of 'matrix' (explicit) or 'geodesic' (computed "
     "from lat/lon), got neither"),
    (("travel", "matrix", "distance_m", 1, 2), -10,
     "travel.matrix.distance_m[1][2]: must be >= 0, got -10"),
    (("travel", "matrix", "duration_s", 3), [480, 840],
     "travel.matrix.duration_s[3]: must have 4 entries (one per site_ids entry), got 2"),
    (("travel", "matrix", "distance_m"), [[0]],
     "travel.matrix.distance_m: must have 4 rows (one per site_ids entry), got 1"),
    (("travel", "matrix", "site_ids", 3), "akama-post",
     "travel.matrix.site_ids[3]: 'akama-post' is listed twice"),
    (("travel", "matrix", "site_ids", 3), "care",
     "travel.matrix.site_ids[3]: unknown site 'care'"),
    (("travel", "fixed_legs"), [],
     "travel.fixed_legs: only used with travel.geodesic; an explicit matrix already holds every "
     "leg"),
    # unknown top-level key next to a missing one: both are reported
    (("name",), _DELETE, None),
]


@pytest.mark.parametrize(("path", "value", "expected"),
                         [c for c in INVALID_PROBLEMS if c[2] is not None])
def test_problem_error_names_path_and_reason(path: tuple[str | int, ...], value: Any,
                                             expected: str) -> None:
    with pytest.raises(FormatError) as caught:
        problem_from_dict(_edit(tiny_doc(), path, value))
    assert str(caught.value) == expected
    assert isinstance(caught.value, DocumentError)
    assert f"{caught.value.path}: {caught.value.reason}" == expected


INVALID_GEODESIC = [
    ({"geodesic": {"speed_kmh": 0}}, "travel.geodesic.speed_kmh: must be > 0, got 0"),
    ({"geodesic": {"circuity": 0.9}}, "travel.geodesic.circuity: must be >= 1, got 0.9"),
    ({"geodesic": {"precise": "yes"}}, 'travel.geodesic.precise: must be true or false, got "yes"'),
    ({"geodesic": {"speed": 30}},
     "travel.geodesic.speed: unknown key (did you mean 'speed_kmh'?); allowed keys: circuity, "
     "speed_kmh, precise"),
    ({"geodesic": {}, "fixed_legs": [{"from": "hub", "to": "hub", "distance_m": 1,
                                       "duration_s": 1}]},
     "travel.fixed_legs[0].to: must differ from 'from', got 'hub' twice"),
    ({"geodesic": {}, "fixed_legs": [{"from": "hub", "to": "port", "distance_m": 1,
                                       "duration_s": 1}]},
     "travel.fixed_legs[0].to: unknown site 'port'"),
    ({"geodesic": {}, "fixed_legs": [{"from": "hub", "to": "care-home", "distance_m": 1}]},
     "travel.fixed_legs[0].duration_s: missing required key"),
    ({"geodesic": {}, "leg_only_sites": ["care-home"]},
     "travel: sites ['care-home'] cannot be reached from site 'hub' (a leg-only site is reached "
     "only through a fixed leg to its group)"),
    ({"geodesic": {}, "leg_only_sites": "care-home"},
     'travel.leg_only_sites: must be an array of site ids or an object of site id -> group '
     'name, got "care-home"'),
]


@pytest.mark.parametrize(("travel", "expected"), INVALID_GEODESIC)
def test_geodesic_travel_errors(travel: dict[str, Any], expected: str) -> None:
    with pytest.raises(FormatError) as caught:
        problem_from_dict(_edit(tiny_doc(), ("travel",), travel))
    assert str(caught.value) == expected


def test_every_problem_is_reported_together() -> None:
    doc = _edit(tiny_doc(), ("sites", 1, "lat"), 133.5)
    doc = _edit(doc, ("vehicles", 0, "start_site"), "hubb")
    doc = _edit(doc, ("tasks", 0, "amount", "crates"), -2)
    doc["vehicle"] = doc.pop("vehicles")
    with pytest.raises(DocumentError) as caught:
        problem_from_dict(doc)
    assert str(caught.value).splitlines() == [
        "vehicle: unknown key (did you mean 'vehicles'?); allowed keys: format, sites, "
        "vehicles, tasks, travel, name, meta",
        "vehicles: missing required key",
        "sites[1].lat: must be within [-90, 90], got 133.5",
        "tasks[0].amount.crates: must be >= 0, got -2",
    ]
    assert caught.value.path == "vehicle"
    assert len(caught.value.problems) == 4


def test_message_lists_at_most_twenty_problems() -> None:
    doc = tiny_doc()
    doc["travel"]["matrix"]["distance_m"] = [[-1] * 4 for _ in range(4)]
    doc["travel"]["matrix"]["duration_s"] = [[-1] * 4 for _ in range(4)]
    with pytest.raises(DocumentError) as caught:
        problem_from_dict(doc)
    lines = str(caught.value).splitlines()
    assert len(caught.value.problems) == 32
    assert len(lines) == 21
    assert lines[-1] == "... and 12 more problems"


def test_every_vehicle_states_every_capacity_dimension() -> None:
    doc = tiny_doc()
    doc["vehicles"].append({"id": "van-2", "start_site": "hub", "shift": [30600, 61200],
                            "capacity": {"crates": 20}})
    with pytest.raises(FormatError) as caught:
        problem_from_dict(doc)
    assert str(caught.value) == ("vehicles[1].capacity.items: missing; every vehicle must "
                                 "state every capacity dimension (crates, items)")


def test_json_text_errors() -> None:
    with pytest.raises(FormatError, match=r"^not valid JSON: Expecting ',' delimiter at line 1 "):
        problem_from_json('{"format": 1 "sites": []}')
    with pytest.raises(FormatError) as caught:
        problem_from_json(json.dumps(tiny_doc()).replace('"lat": 33.8128',
                                                         '"lat": 33.8128, "lat": 33.9'))
    assert str(caught.value) == "sites[1].lat: key given twice in the same object"
    with pytest.raises(FormatError, match=r"^sites\[1\]\.lat: must be a finite number, got NaN$"):
        problem_from_json(json.dumps(tiny_doc()).replace("33.8128", "NaN"))
    with pytest.raises(FormatError, match=r"^a problem document must be a JSON object, got \[\]$"):
        problem_from_json("[]")


def test_a_plan_is_not_a_problem(tmp_path: Path) -> None:
    plan_doc = plan_to_dict(_hand_plan())
    with pytest.raises(FormatError, match="this is a plan document"):
        problem_from_dict(plan_doc)
    with pytest.raises(FormatError, match="this is a problem document"):
        plan_from_dict(tiny_doc())


def test_load_problem_reads_a_file_and_reports_unreadable_ones(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_doc()), encoding="utf-8")
    assert load_problem(path).name == "tiny"
    with pytest.raises(OSError):
        load_problem(tmp_path / "missing.json")
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(FormatError, match=r"^not UTF-8 text"):
        load_problem(path)


# --------------------------------------------------------------------------- problem: reading


def test_problem_fields_and_defaults() -> None:
    problem = problem_from_dict(tiny_doc())
    hub = problem.site("hub")
    assert (hub.name, hub.lat, hub.lon, hub.service_s, hub.time_windows) == (
        "Central library", 33.8058, 130.5408, 300, ())
    assert [(w.start_s, w.end_s) for w in problem.site("hino-branch").time_windows] == [
        (32400, 43200), (46800, 61200)]
    van = problem.vehicle("van-1")
    assert van.end_site_id == "hub"  # defaults to start_site
    assert (van.shift_start_s, van.shift_end_s, van.max_working_s) == (30600, 61200, None)
    assert van.lunch_break is not None and van.lunch_break.duration_s == 2700
    assert dict(van.capacity) == {"crates": 30, "items": 900}
    assert (van.cost_per_km, van.fixed_cost) == (0.3, 0.0)
    shipment = problem.task("move-exhibit")
    assert (shipment.kind, shipment.pickup_site_id, shipment.delivery_site_id) == (
        TaskKind.SHIPMENT, "hino-branch", "akama-post")
    assert problem.task("stock-hino").required
    assert problem.task("visit-care-home").penalty == 5.0
    assert problem.matrix.distance("hub", "care-home") == 4000
    assert problem.matrix.duration("care-home", "akama-post") == 840


def test_unsorted_windows_are_sorted_and_whole_floats_accepted() -> None:
    doc = _edit(tiny_doc(), ("sites", 2, "time_windows"), [[46800.0, 61200], [32400, 43200]])
    windows = problem_from_dict(doc).site("hino-branch").time_windows
    assert [(w.start_s, w.end_s) for w in windows] == [(32400, 43200), (46800, 61200)]


def test_nulls_mean_absent_for_optional_values() -> None:
    doc = _edit(tiny_doc(), ("vehicles", 0, "lunch_break"), None)
    doc = _edit(doc, ("vehicles", 0, "max_working_s"), None)
    doc = _edit(doc, ("tasks", 3, "penalty"), None)
    problem = problem_from_dict(doc)
    assert problem.vehicle("van-1").lunch_break is None
    assert problem.task("visit-care-home").required


def test_geodesic_travel_with_a_ferry_leg() -> None:
    ferry = {"from": "hub", "to": "care-home", "distance_m": 9000, "duration_s": 1500,
             "name": "ferry"}
    problem = problem_from_dict(_geodesic(tiny_doc(), fixed_legs=[ferry],
                                          leg_only_sites=["care-home"]))
    assert problem.matrix.duration("hub", "care-home") == 1500
    assert problem.matrix.duration("care-home", "hub") == 1500  # bidirectional by default
    assert problem.matrix.duration("akama-post", "care-home") == \
        problem.matrix.duration("akama-post", "hub") + 1500
    plain = problem_from_dict(_geodesic(tiny_doc()))
    assert 0 < plain.matrix.distance("hub", "akama-post") < 5000


def test_problem_round_trip() -> None:
    problem = problem_from_dict(tiny_doc())
    doc = problem_to_dict(problem)
    again = problem_from_dict(doc)
    assert problem_to_dict(again) == doc
    assert again.sites == problem.sites
    assert again.vehicles == problem.vehicles
    assert again.tasks == problem.tasks
    assert problem_from_json(problem_to_json(problem)).tasks == problem.tasks
    assert doc["vehicles"][0]["end_site"] == "hub"  # defaults are written out
    assert "penalty" not in doc["tasks"][0]  # absent stays absent


def test_problem_to_dict_writes_a_geodesic_matrix_out() -> None:
    problem = problem_from_dict(_geodesic(tiny_doc()))
    doc = problem_to_dict(problem)
    assert list(doc["travel"]) == ["matrix"]
    again = problem_from_dict(doc)
    assert (again.matrix.distance_m == problem.matrix.distance_m).all()
    assert (again.matrix.duration_s == problem.matrix.duration_s).all()


def test_meta_passes_through() -> None:
    doc = tiny_doc()
    doc["meta"] = {"date": "2025-04-08", "source": {"scenario": "munakata"}}
    problem = problem_from_dict(doc)
    assert problem.meta["date"] == "2025-04-08"
    assert problem_to_dict(problem)["meta"] == doc["meta"]


# --------------------------------------------------------------------------- plan


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
    (("summary",), _DELETE, "summary: missing required key"),
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
        plan_from_dict(_edit(plan_to_dict(_hand_plan()), path, value))
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


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize("name", ["invalid_values", "invalid_format_version", "invalid_matrix"])
def test_invalid_examples_are_rejected(name: str) -> None:
    first = {
        "invalid_values": "sites[1].servce_s: unknown key (did you mean 'service_s'?)",
        "invalid_format_version": "format: unsupported format 2 (this bookrun reads format 1)",
        "invalid_matrix": "travel.matrix.distance_m[1]: must have 2 entries",
    }[name]
    with pytest.raises(FormatError) as caught:
        load_problem(EXAMPLES / f"{name}.problem.json")
    assert str(caught.value).startswith(first)


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


@needs_solver
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


@pytest.mark.parametrize(("error", "path", "expected"), [
    # the safety net for a model check the document checks did not anticipate
    (ProblemError("must be >= shift_start_s (100), got 50", object_kind="vehicle",
                  object_id="van-1", field="shift_end_s"),
     "vehicles[0]", "vehicles[0].shift[1]: must be >= shift_start_s (100), got 50"),
    (ProblemError("must be >= 0, got -2", object_kind="task", object_id="t",
                  field="amount.crates"),
     "tasks[3]", "tasks[3].amount.crates: must be >= 0, got -2"),
    (ProblemError("must be <= 1000000000, got 2000000000", object_kind="time window",
                  field="end_s"),
     "sites[1].time_windows[0]", "sites[1].time_windows[0][1]: must be <= 1000000000, got "
     "2000000000"),
    (ProblemError("something unexpected"), "sites[2]", "sites[2]: something unexpected"),
    # the fields place it, whatever the wording: nothing is read from the message
    (ProblemError("it's field 'lat': reworded", object_kind="site", object_id="o'brien",
                  field="site_id"),
     "sites[0]", "sites[0].id: it's field 'lat': reworded"),
])
def test_model_errors_get_a_path(error: ProblemError, path: str, expected: str) -> None:
    from routing.documents.model_errors import path_of_model_error

    assert str(path_of_model_error(error, path)) == expected


def test_a_reworded_model_error_keeps_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # Problem's own checks (duplicate ids, unknown sites) run after the document's; whatever
    # its message says, the error is placed by its object kind, id and field.
    import routing.documents.problem

    def reworded(**_: Any) -> None:
        raise ProblemError("the window is wrong: 'field' is not a word here",
                           object_kind="site", object_id="hino-branch", field="time_windows")

    monkeypatch.setattr(routing.documents.problem, "Problem", reworded)
    with pytest.raises(DocumentError) as caught:
        problem_from_dict(tiny_doc())
    assert (caught.value.path, caught.value.reason) == (
        "sites[2].time_windows", "the window is wrong: 'field' is not a word here")


def test_a_model_error_in_a_time_window_names_the_pair_entry(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import routing.documents.problem

    def reworded(start_s: int, end_s: int) -> None:
        raise ProblemError(f"ends too late ({end_s})", object_kind="time window", field="end_s")

    monkeypatch.setattr(routing.documents.problem, "TimeWindow", reworded)
    with pytest.raises(DocumentError) as caught:
        problem_from_dict(tiny_doc())
    assert str(caught.value) == "sites[2].time_windows[0][1]: ends too late (43200)"
