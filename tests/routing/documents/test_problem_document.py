"""Problem documents: every bad field named by its path, reading, defaults, round trips."""

from __future__ import annotations

from typing import Any

import pytest
from sample_documents import DELETE, EXAMPLES, edited, tiny_doc

from routing.documents import (
    DocumentError,
    load_problem,
    problem_from_dict,
    problem_from_json,
    problem_to_dict,
    problem_to_json,
)
from routing.errors import FormatError
from routing.problem import TaskKind


def _geodesic(doc: dict[str, Any], **travel: Any) -> dict[str, Any]:
    return edited(doc, ("travel",), {"geodesic": {}, **travel})


INVALID_PROBLEMS = [
    # a future format is refused outright
    (("format",), 2, "format: unsupported format 2 (this bookrun reads format 1)"),
    (("format",), "1", 'format: unsupported format "1" (this bookrun reads format 1)'),
    (("format",), DELETE, "format: missing required key (this bookrun reads format 1)"),
    # coordinates out of range or of the wrong type
    (("sites", 1, "lat"), 133.5, "sites[1].lat: must be within [-90, 90], got 133.5"),
    (("sites", 1, "lon"), -181, "sites[1].lon: must be within [-180, 180], got -181"),
    (("sites", 1, "lon"), "130.5", 'sites[1].lon: must be a finite number, got "130.5"'),
    (("sites", 1, "lat"), DELETE, "sites[1].lat: missing required key"),
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
    (("vehicles", 0, "shift"), DELETE, "vehicles[0].shift: missing required key"),
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
    (("tasks", 0, "site"), DELETE, "tasks[0].site: missing required key (the task is a delivery)"),
    (("tasks", 0, "pickup_site"), "hub",
     "tasks[0].pickup_site: only a shipment has pickup_site; this task is a delivery (use site)"),
    (("tasks", 2, "delivery_site"), DELETE,
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
    (("travel", "matrix", "distance_m", 1, 2), 1e300,
     "travel.matrix.distance_m[1][2]: must be <= 100000000, got 1e+300"),
    (("travel", "matrix", "duration_s", 1, 2), 2_000_000_000,
     "travel.matrix.duration_s[1][2]: must be <= 1000000000, got 2000000000"),
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
    (("name",), DELETE, None),
]


@pytest.mark.parametrize(("path", "value", "expected"),
                         [c for c in INVALID_PROBLEMS if c[2] is not None])
def test_problem_error_names_path_and_reason(path: tuple[str | int, ...], value: Any,
                                             expected: str) -> None:
    with pytest.raises(FormatError) as caught:
        problem_from_dict(edited(tiny_doc(), path, value))
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


def test_a_fixed_leg_to_an_unreadable_site_is_refused_with_the_site_named() -> None:
    # The site's own error is the one to fix; the leg naming it must not crash the reader.
    doc = edited(tiny_doc(), ("sites", 3, "id"), "")
    doc["travel"] = {"geodesic": {}, "fixed_legs": [
        {"from": "hub", "to": "care-home", "distance_m": 1, "duration_s": 1}]}
    with pytest.raises(FormatError) as caught:
        problem_from_dict(doc)
    assert str(caught.value).startswith("sites[3].id:")


@pytest.mark.parametrize(("travel", "expected"), INVALID_GEODESIC)
def test_geodesic_travel_errors(travel: dict[str, Any], expected: str) -> None:
    with pytest.raises(FormatError) as caught:
        problem_from_dict(edited(tiny_doc(), ("travel",), travel))
    assert str(caught.value) == expected


def test_every_vehicle_states_every_capacity_dimension() -> None:
    doc = tiny_doc()
    doc["vehicles"].append({"id": "van-2", "start_site": "hub", "shift": [30600, 61200],
                            "capacity": {"crates": 20}})
    with pytest.raises(FormatError) as caught:
        problem_from_dict(doc)
    assert str(caught.value) == ("vehicles[1].capacity.items: missing; every vehicle must "
                                 "state every capacity dimension (crates, items)")


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
    doc = edited(tiny_doc(), ("sites", 2, "time_windows"), [[46800.0, 61200], [32400, 43200]])
    windows = problem_from_dict(doc).site("hino-branch").time_windows
    assert [(w.start_s, w.end_s) for w in windows] == [(32400, 43200), (46800, 61200)]


def test_nulls_mean_absent_for_optional_values() -> None:
    doc = edited(tiny_doc(), ("vehicles", 0, "lunch_break"), None)
    doc = edited(doc, ("vehicles", 0, "max_working_s"), None)
    doc = edited(doc, ("tasks", 3, "penalty"), None)
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
