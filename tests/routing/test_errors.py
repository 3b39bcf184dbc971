"""A ProblemError carries its object, id, field, value and reason; its message is made of them."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pytest

from routing.errors import ProblemError
from routing.matrix import FixedLeg, geodesic_matrix, graph_matrix, matrix_from_lists
from routing.problem import Break, Problem, Site, Task, TaskKind, TimeWindow, TravelMatrix, Vehicle

HUB = Site("hub", lat=33.8055, lon=130.5405)
POST = Site("akama-post", lat=33.8128, lon=130.5688)
VAN = Vehicle("van-1", start_site_id="hub", capacity={"crates": 30})


def _problem(**changes: Any) -> Problem:
    fields: dict[str, Any] = {
        "sites": (HUB, POST), "vehicles": (VAN,),
        "tasks": (Task("empty-akama", TaskKind.PICKUP, site_id="akama-post"),),
        "matrix": geodesic_matrix((HUB, POST))}
    return Problem(**(fields | changes))


# (what raises, (object_kind, object_id, field, value), the message as the model words it)
MODEL_ERRORS: list[tuple[Callable[[], object], tuple[Any, ...], str]] = [
    (lambda: Site("hub", lat=133.5, lon=130.5), ("site", "hub", "lat", 133.5),
     "site 'hub' field 'lat': must be within [-90, 90], got 133.5"),
    (lambda: Site(" ", lat=33.8, lon=130.5), ("site", None, "site_id", " "),
     "site field 'site_id': must be a non-empty string, got ' '"),
    (lambda: Site("hub", 33.8, 130.5, time_windows=(TimeWindow(0, 9), TimeWindow(5, 20))),
     ("site", "hub", "time_windows", None),
     "site 'hub' field 'time_windows': time windows overlap: [0, 9] and [5, 20]"),
    (lambda: TimeWindow(100, 50), ("time window", None, "end_s", 50),
     "time window field 'end_s': must be >= start_s (100), got 50"),
    (lambda: Break(10, 5, 60), ("break", None, "latest_start_s", 5),
     "break field 'latest_start_s': must be >= earliest_start_s (10), got 5"),
    (lambda: Vehicle("van-1", "hub", shift_start_s=100, shift_end_s=50),
     ("vehicle", "van-1", "shift_end_s", 50),
     "vehicle 'van-1' field 'shift_end_s': must be >= shift_start_s (100), got 50"),
    (lambda: Vehicle("van-1", "hub", capacity={"crates": -1}),
     ("vehicle", "van-1", "capacity.crates", -1),
     "vehicle 'van-1' field 'capacity.crates': must be >= 0, got -1"),
    (lambda: Task("t", TaskKind.DELIVERY, site_id="hub", amount={"crates": -2}),
     ("task", "t", "amount.crates", -2), "task 't' field 'amount.crates': must be >= 0, got -2"),
    (lambda: Task("t", "deliver", site_id="hub"), ("task", "t", "kind", "deliver"),
     "task 't' field 'kind': must be one of delivery, pickup, shipment, visit, got 'deliver'"),
    (lambda: TravelMatrix(("a", "b"), np.array([[0, -1], [0, 0]]), np.zeros((2, 2))),
     ("matrix", None, "distance_m", -1),
     "matrix field 'distance_m': must be >= 0, got -1 from 'a' to 'b'"),
    (lambda: _problem(sites=(HUB, HUB)), ("site", "hub", "site_id", "hub"),
     "site 'hub' field 'site_id': duplicate id 'hub'"),
    (lambda: _problem(vehicles=(Vehicle("van-2", "depot"),)),
     ("vehicle", "van-2", "start_site_id", "depot"),
     "vehicle 'van-2' field 'start_site_id': unknown site 'depot'"),
    (lambda: _problem(tasks=(Task("t", TaskKind.SHIPMENT, pickup_site_id="hub",
                                  delivery_site_id="oshima"),)),
     ("task", "t", "delivery_site_id", "oshima"),
     "task 't' field 'delivery_site_id': unknown site 'oshima'"),
    (lambda: _problem(matrix=geodesic_matrix((HUB,))), ("problem", None, "matrix", None),
     "problem field 'matrix': has no row for sites ['akama-post']"),
    (lambda: FixedLeg("hub", "hub", 1, 1, name="ferry"),
     ("fixed leg", "ferry", "to_site_id", "hub"),
     "fixed leg 'ferry' field 'to_site_id': must differ from from_site_id, got 'hub' twice"),
    (lambda: geodesic_matrix((HUB,), circuity=0.5), ("geodesic matrix", None, "circuity", 0.5),
     "geodesic matrix field 'circuity': must be a finite number >= 1, got 0.5"),
    (lambda: geodesic_matrix((HUB, POST), leg_only_site_ids=["akama-post"]),
     ("matrix", None, None, None),
     "matrix: sites ['akama-post'] cannot be reached from site 'hub' (a leg-only site is "
     "reached only through a fixed leg to its group)"),
    (lambda: matrix_from_lists(["a"], [["x"]], [[0]]), ("matrix", None, "distance_m", None),
     "matrix field 'distance_m': must be a square table of numbers (could not convert string "
     "to float: 'x')"),
    (lambda: graph_matrix((HUB,), nx.Graph(), node_of_site={}),
     ("graph matrix", None, "node_of_site", "hub"),
     "graph matrix field 'node_of_site': site 'hub' has no graph node"),
]


@pytest.mark.parametrize(("make", "fields", "message"), MODEL_ERRORS)
def test_model_errors_carry_their_fields(make: Callable[[], object], fields: tuple[Any, ...],
                                         message: str) -> None:
    with pytest.raises(ProblemError) as caught:
        make()
    error = caught.value
    assert (error.object_kind, error.object_id, error.field, error.value) == fields
    assert str(error) == message  # the wording people and the API see is unchanged
    assert message.endswith(f": {error.reason}")


def test_the_message_is_made_of_the_fields() -> None:
    error = ProblemError("must be >= 0, got -2", object_kind="task", object_id="post-akama",
                         field="amount.crates", value=-2)
    assert str(error) == "task 'post-akama' field 'amount.crates': must be >= 0, got -2"
    assert str(ProblemError("duplicate id", object_kind="site", field="site_id")) == \
        "site field 'site_id': duplicate id"
    assert str(ProblemError("no path", object_kind="graph matrix")) == "graph matrix: no path"


def test_an_error_without_an_object_is_its_plain_message() -> None:
    error = ProblemError("time_limit_s must be > 0")
    assert str(error) == error.reason == "time_limit_s must be > 0"
    assert (error.object_kind, error.object_id, error.field, error.value) == (
        None, None, None, None)


def test_fields_survive_pickling() -> None:
    # a solve in a worker process hands its errors back pickled
    error = ProblemError("unknown site 'x'", object_kind="vehicle", object_id="van-1",
                         field="start_site_id", value="x")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error)
    assert (again.object_kind, again.object_id, again.field, again.value, again.reason) == (
        "vehicle", "van-1", "start_site_id", "x", "unknown site 'x'")
