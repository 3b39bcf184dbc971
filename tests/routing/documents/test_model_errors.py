"""A model error gets the JSON path of its object and field, read from the error's fields."""

from __future__ import annotations

from typing import Any

import pytest
from sample_documents import tiny_doc

import routing.documents.problem
from routing.documents import DocumentError, problem_from_dict
from routing.documents.model_errors import locate_problem_error, path_of_model_error
from routing.errors import ProblemError


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
    assert str(path_of_model_error(error, path)) == expected


def test_a_reworded_model_error_keeps_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # Problem's own checks (duplicate ids, unknown sites) run after the document's; whatever
    # its message says, the error is placed by its object kind, id and field.
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
    def reworded(start_s: int, end_s: int) -> None:
        raise ProblemError(f"ends too late ({end_s})", object_kind="time window", field="end_s")

    monkeypatch.setattr(routing.documents.problem, "TimeWindow", reworded)
    with pytest.raises(DocumentError) as caught:
        problem_from_dict(tiny_doc())
    assert str(caught.value) == "sites[2].time_windows[0][1]: ends too late (43200)"


#: Where `problem_from_dict` found each object of `tiny_doc` (kind, id) -> path.
PATHS: dict[tuple[str | None, str | None], str] = {
    ("site", "hub"): "sites[0]", ("vehicle", "van-1"): "vehicles[0]",
    ("task", "stock-hino"): "tasks[0]"}


@pytest.mark.parametrize(("error", "travel", "expected"), [
    # a site, vehicle or task is found by its kind and id, its field renamed to the key
    (ProblemError("duplicate id 'hub'", object_kind="site", object_id="hub", field="site_id"),
     {"matrix": {}}, "sites[0].id: duplicate id 'hub'"),
    (ProblemError("unknown site 'depot'", object_kind="vehicle", object_id="van-1",
                  field="end_site_id"),
     {"matrix": {}}, "vehicles[0].end_site: unknown site 'depot'"),
    (ProblemError("unknown site 'x'", object_kind="task", object_id="stock-hino",
                  field="pickup_site_id"),
     {"matrix": {}}, "tasks[0].pickup_site: unknown site 'x'"),
    # a matrix field belongs to the travel block
    (ProblemError("must be >= 0, got -1", object_kind="matrix", field="distance_m"),
     {"matrix": {}}, "travel.matrix: distance_m: must be >= 0, got -1"),
    (ProblemError("must be >= 0, got -1", object_kind="matrix", field="distance_m"),
     {"geodesic": {}}, "travel: distance_m: must be >= 0, got -1"),
    # an object the document does not hold, or no field at all: the document's as a whole
    (ProblemError("unknown site 'x'", object_kind="task", object_id="elsewhere", field="site_id"),
     {"matrix": {}}, "task 'elsewhere' field 'site_id': unknown site 'x'"),
    (ProblemError("has no row for sites ['x']", object_kind="problem", field="matrix"),
     {"matrix": {}}, "problem field 'matrix': has no row for sites ['x']"),
    (ProblemError("cannot be reached", object_kind="matrix"), {"matrix": {}},
     "matrix: cannot be reached"),
])
def test_a_problem_error_is_found_by_its_object(error: ProblemError, travel: dict[str, Any],
                                                expected: str) -> None:
    assert str(locate_problem_error(error, PATHS, travel)) == expected
