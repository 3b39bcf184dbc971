"""Every problem type rejects bad input with a ProblemError naming the object, field and value."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from routing.errors import ProblemError
from routing.problem import (
    MAX_TIME_S,
    Break,
    Problem,
    Site,
    Task,
    TaskKind,
    TimeWindow,
    TravelMatrix,
    Vehicle,
)

W = TimeWindow


def _site(**changes: Any) -> Site:
    fields: dict[str, Any] = {"site_id": "school-3", "lat": 33.8, "lon": 130.54}
    return Site(**(fields | changes))


def _vehicle(**changes: Any) -> Vehicle:
    fields: dict[str, Any] = {"vehicle_id": "van-1", "start_site_id": "hub",
                              "shift_start_s": 32_400, "shift_end_s": 61_200,
                              "capacity": {"crates": 30}}
    return Vehicle(**(fields | changes))


def _task(**changes: Any) -> Task:
    fields: dict[str, Any] = {"task_id": "post-akama", "kind": TaskKind.PICKUP,
                              "site_id": "hub", "amount": {"crates": 2}}
    return Task(**(fields | changes))


def _matrix(site_ids: tuple[str, ...] = ("hub", "school-3"), **changes: Any) -> TravelMatrix:
    n = len(site_ids)
    fields: dict[str, Any] = {"site_ids": site_ids,
                              "distance_m": np.full((n, n), 100) - 100 * np.eye(n, dtype=int),
                              "duration_s": np.full((n, n), 60) - 60 * np.eye(n, dtype=int)}
    return TravelMatrix(**(fields | changes))


def _problem(**changes: Any) -> Problem:
    fields: dict[str, Any] = {
        "sites": (_site(site_id="hub"), _site()),
        "vehicles": (_vehicle(),),
        "tasks": (_task(site_id="school-3"),),
        "matrix": _matrix(),
    }
    return Problem(**(fields | changes))


BAD_INPUTS: list[tuple[Callable[[], object], str]] = [
    # --- TimeWindow
    # closes before it opens
    (lambda: W(36_000, 32_400), "time window field 'end_s': must be >= start_s (36000), got 32400"),
    # before midnight
    (lambda: W(-1, 10), "time window field 'start_s': must be >= 0, got -1"),
    # beyond the sanity bound
    (lambda: W(0, MAX_TIME_S + 1), "field 'end_s': must be <= 1000000000"),
    # float seconds
    (lambda: W(9.5, 10), "field 'start_s': must be an integer, got 9.5"),  # type: ignore[arg-type]
    # a bool is not a time
    (lambda: W(True, 10), "field 'start_s': must be an integer, got True"),
    # --- Site
    # no id
    (lambda: _site(site_id=""), "site field 'site_id': must be a non-empty string"),
    # blank id
    (lambda: _site(site_id="  "), "site field 'site_id': must be a non-empty string"),
    # lat and lon swapped
    (lambda: _site(lat=133.5), "site 'school-3' field 'lat': must be within [-90, 90], got 133.5"),
    # off the globe
    (lambda: _site(lon=-181.0), "site 'school-3' field 'lon': must be within [-180, 180]"),
    # NaN from a bad CSV
    (lambda: _site(lat=math.nan), "site 'school-3' field 'lat': must be a finite number"),
    # string coordinate
    (lambda: _site(lat="33.8"), "site 'school-3' field 'lat': must be a number, got '33.8'"),
    # negative service
    (lambda: _site(service_s=-30), "site 'school-3' field 'service_s': must be >= 0, got -30"),
    # unsorted windows
    (lambda: _site(time_windows=(W(50_000, 60_000), W(36_000, 40_000))),
     "site 'school-3' field 'time_windows': time windows must be sorted by start_s"),
    # overlapping windows
    (lambda: _site(time_windows=(W(36_000, 45_000), W(40_000, 50_000))),
     "time windows overlap: [36000, 45000] and [40000, 50000]"),
    # a list, not a tuple
    (lambda: _site(time_windows=[W(36_000, 45_000)]),
     "site 'school-3' field 'time_windows': must be a tuple of TimeWindow"),
    # --- Break
    # window reversed
    (lambda: Break(46_800, 41_400, 2_700),
     "break field 'latest_start_s': must be >= earliest_start_s (46800), got 41400"),
    # negative length
    (lambda: Break(41_400, 46_800, -60), "break field 'duration_s': must be >= 0, got -60"),
    # --- Vehicle
    # no id
    (lambda: _vehicle(vehicle_id=""), "vehicle field 'vehicle_id': must be a non-empty string"),
    # no start site
    (lambda: _vehicle(start_site_id=""), "vehicle 'van-1' field 'start_site_id'"),
    # shift ends before it starts
    (lambda: _vehicle(shift_end_s=30_000),
     "vehicle 'van-1' field 'shift_end_s': must be >= shift_start_s (32400), got 30000"),
    # negative limit
    (lambda: _vehicle(max_working_s=-1), "vehicle 'van-1' field 'max_working_s': must be >= 0"),
    # a bare tuple, not a Break
    (lambda: _vehicle(lunch_break=(41_400, 48_600, 2_700)),
     "vehicle 'van-1' field 'lunch_break': must be a Break"),
    # break would run past the shift
    (lambda: _vehicle(lunch_break=Break(60_000, 61_000, 3_600)),
     "vehicle 'van-1' field 'lunch_break': break window [60000, 61000] + 3600 s does not fit "
     "the shift [32400, 61200]"),
    # break window ends before the shift
    (lambda: _vehicle(lunch_break=Break(20_000, 30_000, 1_800)),
     "field 'lunch_break': break window [20000, 30000]"),
    # negative capacity
    (lambda: _vehicle(capacity={"crates": -5}),
     "vehicle 'van-1' field 'capacity.crates': must be >= 0, got -5"),
    # fractional crates
    (lambda: _vehicle(capacity={"crates": 2.5}),
     "vehicle 'van-1' field 'capacity.crates': must be an integer, got 2.5"),
    # bare number
    (lambda: _vehicle(capacity=30), "vehicle 'van-1' field 'capacity': must be a mapping"),
    # negative price
    (lambda: _vehicle(cost_per_km=-1.0),
     "vehicle 'van-1' field 'cost_per_km': must be a finite number >= 0.0, got -1.0"),
    # infinite cost
    (lambda: _vehicle(fixed_cost=math.inf), "vehicle 'van-1' field 'fixed_cost': must be a finite"),
    # --- Task
    # no id
    (lambda: _task(task_id=""), "task field 'task_id': must be a non-empty string"),
    # unknown kind
    (lambda: _task(kind="drop"), "task 'post-akama' field 'kind': must be one of delivery, pickup, "
     "shipment, visit, got 'drop'"),
    # shipment without pickup site
    (lambda: _task(kind=TaskKind.SHIPMENT, site_id="", delivery_site_id="hub"),
     "task 'post-akama' field 'pickup_site_id': must be a non-empty string"),
    # shipment with site_id
    (lambda: _task(kind=TaskKind.SHIPMENT, pickup_site_id="a", delivery_site_id="b"),
     "task 'post-akama' field 'site_id': a shipment uses pickup_site_id and delivery_site_id"),
    # delivery with a pickup site
    (lambda: _task(kind=TaskKind.DELIVERY, pickup_site_id="hub"),
     "task 'post-akama' field 'pickup_site_id': only a shipment has pickup_site_id"),
    # pickup without site
    (lambda: _task(site_id=""), "task 'post-akama' field 'site_id': must be a non-empty string"),
    # visit carrying goods
    (lambda: _task(kind=TaskKind.VISIT, amount={"crates": 1}),
     "task 'post-akama' field 'amount': a visit moves nothing, got {'crates': 1}"),
    # negative amount
    (lambda: _task(amount={"crates": -2}),
     "task 'post-akama' field 'amount.crates': must be >= 0, got -2"),
    # unnamed dimension
    (lambda: _task(amount={"": 2}), "task 'post-akama' field 'amount': must be a non-empty string"),
    # negative penalty
    (lambda: _task(penalty=-10.0),
     "task 'post-akama' field 'penalty': must be a finite number >= 0"),
    # negative handling time
    (lambda: _task(service_s=-60), "task 'post-akama' field 'service_s': must be >= 0, got -60"),
    # --- TravelMatrix
    # duplicate rows
    (lambda: _matrix(("hub", "hub")), "matrix field 'site_ids': duplicate site ids ['hub']"),
    # not square
    (lambda: _matrix(distance_m=np.zeros((2, 3))),
     "matrix field 'distance_m': must be 2x2 for 2 sites, got shape (2, 3)"),
    # negative time
    (lambda: _matrix(duration_s=np.array([[0, -5], [5, 0]])),
     "matrix field 'duration_s': must be >= 0, got -5 from 'hub' to 'school-3'"),
    # unreachable marked as inf
    (lambda: _matrix(distance_m=np.array([[0.0, math.inf], [1.0, 0.0]])),
     "matrix field 'distance_m': contains a non-finite value"),
    # fractional metres
    (lambda: _matrix(distance_m=np.array([[0.0, 10.5], [10.0, 0.0]])),
     "matrix field 'distance_m': must hold whole numbers"),
    # --- Problem
    # two sites with one id
    (lambda: _problem(sites=(_site(site_id="hub"), _site(site_id="hub"))),
     "site 'hub' field 'site_id': duplicate id 'hub'"),
    # two vans with one id
    (lambda: _problem(vehicles=(_vehicle(), _vehicle())),
     "vehicle 'van-1' field 'vehicle_id': duplicate id 'van-1'"),
    # two tasks with one id
    (lambda: _problem(tasks=(_task(), _task())),
     "task 'post-akama' field 'task_id': duplicate id 'post-akama'"),
    # van starts nowhere known
    (lambda: _problem(vehicles=(_vehicle(start_site_id="depot"),)),
     "vehicle 'van-1' field 'start_site_id': unknown site 'depot'"),
    # van ends nowhere known
    (lambda: _problem(vehicles=(_vehicle(end_site_id="depot"),)),
     "vehicle 'van-1' field 'end_site_id': unknown site 'depot'"),
    # task at an unknown site
    (lambda: _problem(tasks=(_task(site_id="school-9"),)),
     "task 'post-akama' field 'site_id': unknown site 'school-9'"),
    # shipment to nowhere
    (lambda: _problem(tasks=(_task(kind=TaskKind.SHIPMENT, site_id="", pickup_site_id="hub",
                                   delivery_site_id="school-9"),)),
     "task 'post-akama' field 'delivery_site_id': unknown site 'school-9'"),
    # dimension no van has
    (lambda: _problem(tasks=(_task(amount={"boxes": 1}),)),
     "task 'post-akama' field 'amount': unknown capacity dimension ['boxes']"),
    # vans disagree on dimensions
    (lambda: _problem(vehicles=(_vehicle(), _vehicle(vehicle_id="van-2",
                                                     capacity={"items": 100}))),
     "vehicle 'van-1' field 'capacity': states no capacity for ['items']"),
    # matrix misses a site
    (lambda: _problem(matrix=_matrix(("hub",), distance_m=np.zeros((1, 1)),
                                     duration_s=np.zeros((1, 1)))),
     "problem field 'matrix': has no row for sites ['school-3']"),
    # bare list
    (lambda: _problem(matrix=[[0, 1], [1, 0]]), "problem field 'matrix': must be a TravelMatrix"),
    # a dict of sites
    (lambda: _problem(sites={"hub": _site(site_id="hub")}),
     "problem field 'sites': must be a sequence, got dict"),
    # ids, not tasks
    (lambda: _problem(tasks=("post-akama",)), "problem field 'tasks': must hold Task objects"),
]


@pytest.mark.parametrize(("build", "fragment"), BAD_INPUTS,
                         ids=[f"{i:02d}-{f[:40]}" for i, (_, f) in enumerate(BAD_INPUTS)])
def test_bad_input_raises_problem_error_naming_field_and_value(
        build: Callable[[], object], fragment: str) -> None:
    with pytest.raises(ProblemError, match=re.escape(fragment)):
        build()


def test_problem_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="site 'school-3' field 'lat'"):
        _site(lat=95.0)


def test_vehicle_end_site_defaults_to_start_site() -> None:
    assert _vehicle().end_site_id == "hub"


def test_amounts_and_capacities_are_frozen_copies() -> None:
    amount = {"crates": 2}
    task = _task(amount=amount)
    amount["crates"] = 99
    assert task.amount["crates"] == 2
    with pytest.raises(TypeError):
        task.amount["crates"] = 5  # type: ignore[index]


def test_matrix_is_read_only_int64() -> None:
    matrix = _matrix(distance_m=np.array([[0.0, 120.0], [130.0, 0.0]]))
    assert matrix.distance_m.dtype == np.int64
    assert matrix.distance("school-3", "hub") == 130
    with pytest.raises(ValueError, match="read-only"):
        matrix.distance_m[0, 1] = 5


def test_replace_revalidates_a_problem() -> None:
    problem = _problem()
    with pytest.raises(ProblemError, match="unknown site 'school-9'"):
        dataclasses.replace(problem, tasks=(_task(site_id="school-9"),))


def test_task_required_unless_it_has_a_penalty_and_lists_its_sites() -> None:
    shipment = _task(kind=TaskKind.SHIPMENT, site_id="", pickup_site_id="hub",
                     delivery_site_id="school-3", penalty=12.5)
    assert not shipment.required
    assert shipment.site_ids == ("hub", "school-3")
    assert _task().required
