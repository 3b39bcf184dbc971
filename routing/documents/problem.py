"""Problem documents: read (the whole document checked, then built into a `Problem`) and
written (with the travel matrix spelled out)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from typing import Any

from routing.documents.checked import (
    FORMAT_VERSION,
    MISSING,
    Checker,
    DocumentError,
    Ids,
    check_format,
    key_path,
    parse_json,
    read_text,
    show,
)
from routing.documents.model_errors import locate_problem_error, model_errors
from routing.documents.pretty import dumps, jsonable
from routing.documents.travel import build_matrix, read_travel
from routing.errors import FormatError, ProblemError
from routing.problem import Break, Problem, Site, Task, TaskKind, TimeWindow, Vehicle

_PROBLEM_REQUIRED = ("format", "sites", "vehicles", "tasks", "travel")
_PROBLEM_OPTIONAL = ("name", "meta")
_SITE_REQUIRED = ("id", "lat", "lon")
_SITE_OPTIONAL = ("name", "service_s", "time_windows")
_VEHICLE_REQUIRED = ("id", "start_site", "shift", "capacity")
_VEHICLE_OPTIONAL = ("end_site", "max_working_s", "lunch_break", "cost_per_km", "fixed_cost")
_BREAK_KEYS = ("earliest_start_s", "latest_start_s", "duration_s")
_TASK_REQUIRED = ("id", "kind")
_TASK_OPTIONAL = ("site", "pickup_site", "delivery_site", "amount", "service_s", "penalty",
                  "note")


def problem_from_dict(data: Mapping[str, Any]) -> Problem:
    """Build a `Problem` from a problem document (the parsed JSON).

    The whole document is checked before any model object is built, and every problem
    found is reported together.

    Parameters
    ----------
    data
        A problem document in format 1 (see docs/format.md).

    Returns
    -------
    Problem
        The problem, with its travel matrix built from the ``travel`` block.

    Raises
    ------
    DocumentError
        (a `FormatError`) naming the JSON path of each bad field, e.g.
        ``tasks[3].amount.crates: must be >= 0, got -2``.
    """
    if not isinstance(data, Mapping):
        raise DocumentError([FormatError(
            "", f"a problem document must be a JSON object, got {show(data)}")])
    if "routes" in data and "sites" not in data:
        raise DocumentError([FormatError(
            "", "this is a plan document (it has 'routes'), not a problem document")])
    check = Checker()
    check_format(check, data)
    check.obj("", data, _PROBLEM_REQUIRED, _PROBLEM_OPTIONAL)
    name = check.string("name", data.get("name", ""))
    meta = check.obj("meta", data.get("meta", {}), any_keys=True)

    sites, site_ids = _read_sites(check, data.get("sites", MISSING))
    vehicles = _read_vehicles(check, data.get("vehicles", MISSING), site_ids)
    dimensions = _check_dimensions(check, vehicles)
    tasks = _read_tasks(check, data.get("tasks", MISSING), site_ids, dimensions)
    travel = read_travel(check, data.get("travel", MISSING), site_ids)
    check.raise_if_any()
    assert travel is not None  # no problem reported means it was read
    return _build_problem(sites, vehicles, tasks, travel, name=name or "", meta=meta or {})


def _build_problem(sites: list[tuple[str, dict[str, Any]]],
                   vehicles: list[tuple[str, dict[str, Any]]],
                   tasks: list[tuple[str, dict[str, Any]]], travel: Mapping[str, Any], *,
                   name: str, meta: Mapping[str, Any]) -> Problem:
    """The model objects from checked specs; a model error still gets its path."""
    built_sites = []
    for path, spec in sites:
        windows = []
        for j, (start_s, end_s) in enumerate(spec.pop("time_windows")):
            with model_errors(f"{path}.time_windows[{j}]"):
                windows.append(TimeWindow(start_s, end_s))
        with model_errors(path):
            built_sites.append(Site(time_windows=tuple(windows), **spec))
    built_vehicles = []
    for path, spec in vehicles:
        lunch = spec.pop("lunch_break")
        if lunch is not None:
            with model_errors(f"{path}.lunch_break"):
                lunch = Break(**lunch)
        with model_errors(path):
            built_vehicles.append(Vehicle(lunch_break=lunch, **spec))
    built_tasks = []
    for path, spec in tasks:
        with model_errors(path):
            built_tasks.append(Task(**spec))
    matrix = build_matrix(travel, built_sites)

    paths: dict[tuple[str | None, str | None], str] = {
        ("site", s["site_id"]): p for p, s in sites}
    paths |= {("vehicle", v["vehicle_id"]): p for p, v in vehicles}
    paths |= {("task", t["task_id"]): p for p, t in tasks}
    try:
        return Problem(sites=tuple(built_sites), vehicles=tuple(built_vehicles),
                       tasks=tuple(built_tasks), matrix=matrix, name=name, meta=dict(meta))
    except ProblemError as exc:
        raise DocumentError([locate_problem_error(exc, paths, travel)]) from exc


def _read_sites(check: Checker, raw: Any) -> tuple[list[tuple[str, dict[str, Any]]], Ids]:
    """The site specs, and the ids they define (``partial`` if some id is unreadable)."""
    entries = check.array("sites", raw, min_len=1)
    result: list[tuple[str, dict[str, Any]]] = []
    seen = Ids()
    seen.partial = entries is None
    for i, entry in enumerate(entries or ()):
        path = f"sites[{i}]"
        obj = check.obj(path, entry, _SITE_REQUIRED, _SITE_OPTIONAL)
        if obj is None:
            seen.partial = True
            continue
        spec: dict[str, Any] = {}
        site_id = check.ident(f"{path}.id", obj.get("id", MISSING))
        check.unique(f"{path}.id", site_id, seen)
        spec["site_id"] = site_id
        spec["lat"] = check.number(f"{path}.lat", obj.get("lat", MISSING),
                                   minimum=-90.0, maximum=90.0)
        spec["lon"] = check.number(f"{path}.lon", obj.get("lon", MISSING),
                                   minimum=-180.0, maximum=180.0)
        spec["name"] = check.string(f"{path}.name", obj.get("name", ""))
        spec["service_s"] = check.integer(f"{path}.service_s", obj.get("service_s", 0))
        spec["time_windows"] = _read_windows(check, f"{path}.time_windows",
                                             obj.get("time_windows", []))
        if site_id is None:
            seen.partial = True
        else:
            result.append((path, spec))
    return result, seen


def _read_windows(check: Checker, path: str, raw: Any) -> list[tuple[int, int]]:
    entries = check.array(path, raw)
    windows: list[tuple[int, int]] = []
    for j, entry in enumerate(entries or ()):
        window = _read_pair(check, f"{path}[{j}]", entry)
        if window is not None:
            windows.append(window)
    windows.sort()
    for earlier, later in itertools.pairwise(windows):
        if later[0] <= earlier[1]:
            check.fail(path, f"windows [{earlier[0]}, {earlier[1]}] and [{later[0]}, "
                       f"{later[1]}] overlap (windows are closed intervals: merge them)")
    return windows


def _read_pair(check: Checker, path: str, raw: Any) -> tuple[int, int] | None:
    """A ``[start_s, end_s]`` pair with ``end_s >= start_s``."""
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        if raw is not MISSING:
            check.fail(path, f"must be a [start_s, end_s] pair, got {show(raw)}")
        return None
    start_s = check.integer(f"{path}[0]", raw[0])
    end_s = check.integer(f"{path}[1]", raw[1])
    if start_s is None or end_s is None:
        return None
    if end_s < start_s:
        check.fail(f"{path}[1]", f"must be >= the start {start_s} before it, got {end_s}")
        return None
    return start_s, end_s


def _read_vehicles(check: Checker, raw: Any,
                   site_ids: Mapping[str, str]) -> list[tuple[str, dict[str, Any]]]:
    entries = check.array("vehicles", raw, min_len=1)
    result: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries or ()):
        path = f"vehicles[{i}]"
        obj = check.obj(path, entry, _VEHICLE_REQUIRED, _VEHICLE_OPTIONAL)
        if obj is None:
            continue
        spec: dict[str, Any] = {}
        vehicle_id = check.ident(f"{path}.id", obj.get("id", MISSING))
        check.unique(f"{path}.id", vehicle_id, seen)
        spec["vehicle_id"] = vehicle_id
        spec["start_site_id"] = check.reference(f"{path}.start_site",
                                                obj.get("start_site", MISSING), site_ids, "site")
        spec["end_site_id"] = check.reference(f"{path}.end_site", obj.get("end_site", MISSING),
                                              site_ids, "site") if "end_site" in obj else ""
        shift = _read_pair(check, f"{path}.shift", obj.get("shift", MISSING))
        if shift is not None:
            spec["shift_start_s"], spec["shift_end_s"] = shift
        max_working = obj.get("max_working_s")
        spec["max_working_s"] = None if max_working is None else check.integer(
            f"{path}.max_working_s", max_working)
        spec["lunch_break"] = _read_break(check, f"{path}.lunch_break",
                                          obj.get("lunch_break"), shift)
        spec["capacity"] = check.amount(f"{path}.capacity", obj.get("capacity", MISSING))
        spec["cost_per_km"] = check.number(f"{path}.cost_per_km", obj.get("cost_per_km", 1.0))
        spec["fixed_cost"] = check.number(f"{path}.fixed_cost", obj.get("fixed_cost", 0.0))
        if vehicle_id is not None:
            result.append((path, spec))
    return result


def _read_break(check: Checker, path: str, raw: Any,
                shift: tuple[int, int] | None) -> dict[str, int] | None:
    if raw is None:
        return None
    obj = check.obj(path, raw, _BREAK_KEYS)
    if obj is None:
        return None
    values = {key: check.integer(key_path(path, key), obj.get(key, MISSING)) for key in _BREAK_KEYS}
    earliest, latest, duration = (values[k] for k in _BREAK_KEYS)
    if earliest is None or latest is None or duration is None:
        return None
    if latest < earliest:
        check.fail(f"{path}.latest_start_s",
                   f"must be >= earliest_start_s ({earliest}), got {latest}")
        return None
    if shift is not None and (earliest + duration > shift[1] or latest < shift[0]):
        check.fail(path, f"a break starting in [{earliest}, {latest}] for {duration} s does not "
                   f"fit the shift [{shift[0]}, {shift[1]}]")
        return None
    return {key: value for key, value in values.items() if value is not None}


def _check_dimensions(check: Checker,
                      vehicles: list[tuple[str, dict[str, Any]]]) -> tuple[str, ...] | None:
    """Every vehicle must state every capacity dimension any vehicle names.

    Returns the dimensions, or None when some vehicle could not be read (then a task's
    dimension cannot be judged).
    """
    if not vehicles or any(spec["capacity"] is None for _, spec in vehicles):
        return None
    seen: dict[str, None] = {}
    for _, spec in vehicles:
        for dim in spec["capacity"] or ():
            seen.setdefault(dim, None)
    dimensions = tuple(seen)
    for path, spec in vehicles:
        if spec["capacity"] is None:
            continue
        for dim in dimensions:
            if dim not in spec["capacity"]:
                check.fail(f"{path}.capacity.{dim}", "missing; every vehicle must state every "
                           f"capacity dimension ({', '.join(dimensions)})")
    return dimensions


def _read_tasks(check: Checker, raw: Any, site_ids: Mapping[str, str],
                dimensions: Sequence[str] | None) -> list[tuple[str, dict[str, Any]]]:
    entries = check.array("tasks", raw)
    result: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    kinds = tuple(k.value for k in TaskKind)
    for i, entry in enumerate(entries or ()):
        path = f"tasks[{i}]"
        obj = check.obj(path, entry, _TASK_REQUIRED, _TASK_OPTIONAL)
        if obj is None:
            continue
        spec: dict[str, Any] = {}
        task_id = check.ident(f"{path}.id", obj.get("id", MISSING))
        check.unique(f"{path}.id", task_id, seen)
        spec["task_id"] = task_id
        kind = check.choice(f"{path}.kind", obj.get("kind", MISSING), kinds)
        spec["kind"] = kind
        if kind == TaskKind.SHIPMENT:
            if "site" in obj:
                check.fail(f"{path}.site", "a shipment has pickup_site and delivery_site, "
                           "not site")
            for key in ("pickup_site", "delivery_site"):
                if key not in obj:
                    check.fail(f"{path}.{key}", "missing required key (the task is a shipment)")
                spec[f"{key}_id"] = check.reference(f"{path}.{key}", obj.get(key, MISSING),
                                                    site_ids, "site")
        elif kind is not None:
            for key in ("pickup_site", "delivery_site"):
                if key in obj:
                    check.fail(f"{path}.{key}", f"only a shipment has {key}; this task is a "
                               f"{kind} (use site)")
            if "site" not in obj:
                check.fail(f"{path}.site", f"missing required key (the task is a {kind})")
            spec["site_id"] = check.reference(f"{path}.site", obj.get("site", MISSING),
                                              site_ids, "site")
        amount = check.amount(f"{path}.amount", obj.get("amount", {}))
        if amount is not None:
            for dim, units in amount.items():
                if dimensions is not None and dim not in dimensions:
                    carried = ", ".join(dimensions) if dimensions else "nothing (no capacity)"
                    check.fail(f"{path}.amount.{dim}", f"unknown capacity dimension {dim!r}; "
                               f"the vehicles carry {carried}")
                elif kind == TaskKind.VISIT and units:
                    check.fail(f"{path}.amount.{dim}", f"a visit moves nothing, got {units}")
        spec["amount"] = amount
        spec["service_s"] = check.integer(f"{path}.service_s", obj.get("service_s", 0))
        penalty = obj.get("penalty")
        spec["penalty"] = None if penalty is None else check.number(f"{path}.penalty", penalty)
        spec["note"] = check.string(f"{path}.note", obj.get("note", ""))
        if task_id is not None:
            result.append((path, spec))
    return result


def problem_from_json(text: str) -> Problem:
    """Parse a problem document from JSON text.

    Parameters
    ----------
    text
        The JSON text of a format-1 problem document.

    Returns
    -------
    Problem
        The problem.

    Raises
    ------
    DocumentError
        If the text is not JSON or the document is invalid (see `problem_from_dict`).
    """
    return problem_from_dict(parse_json(text))


def load_problem(path: str | os.PathLike[str]) -> Problem:
    """Read a problem document from a UTF-8 JSON file.

    Parameters
    ----------
    path
        The file to read.

    Returns
    -------
    Problem
        The problem.

    Raises
    ------
    OSError
        If the file cannot be read.
    DocumentError
        If it is not JSON or not a valid problem document.
    """
    return problem_from_json(read_text(path))


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The problem document of a `Problem`, with its travel matrix written out.

    The travel block is always an explicit ``matrix`` restricted to the problem's sites,
    so reading the document back gives the same distances and times whatever produced
    the matrix. Keys whose value is absent (no name, no break, no penalty) are left out.

    Parameters
    ----------
    problem
        The problem to write.

    Returns
    -------
    dict
        A JSON-ready format-1 problem document.
    """
    matrix = problem.matrix
    order = [matrix.index_of(s.site_id) for s in problem.sites]
    doc: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "name": problem.name,
        "sites": [_site_to_dict(s) for s in problem.sites],
        "vehicles": [_vehicle_to_dict(v) for v in problem.vehicles],
        "tasks": [_task_to_dict(t) for t in problem.tasks],
        "travel": {"matrix": {
            "site_ids": [s.site_id for s in problem.sites],
            "distance_m": matrix.distance_m[order][:, order].tolist(),
            "duration_s": matrix.duration_s[order][:, order].tolist(),
        }},
    }
    if problem.meta:
        doc["meta"] = jsonable(problem.meta)
    return doc


def _site_to_dict(site: Site) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": site.site_id}
    if site.name:
        doc["name"] = site.name
    doc |= {"lat": float(site.lat), "lon": float(site.lon), "service_s": int(site.service_s),
            "time_windows": [[int(w.start_s), int(w.end_s)] for w in site.time_windows]}
    return doc


def _vehicle_to_dict(vehicle: Vehicle) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": vehicle.vehicle_id,
        "start_site": vehicle.start_site_id,
        "end_site": vehicle.end_site_id,
        "shift": [int(vehicle.shift_start_s), int(vehicle.shift_end_s)],
    }
    if vehicle.max_working_s is not None:
        doc["max_working_s"] = int(vehicle.max_working_s)
    if vehicle.lunch_break is not None:
        lb = vehicle.lunch_break
        doc["lunch_break"] = {"earliest_start_s": int(lb.earliest_start_s),
                              "latest_start_s": int(lb.latest_start_s),
                              "duration_s": int(lb.duration_s)}
    doc |= {"capacity": {k: int(v) for k, v in vehicle.capacity.items()},
            "cost_per_km": vehicle.cost_per_km, "fixed_cost": vehicle.fixed_cost}
    return doc


def _task_to_dict(task: Task) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": task.task_id, "kind": task.kind.value}
    if task.kind is TaskKind.SHIPMENT:
        doc |= {"pickup_site": task.pickup_site_id, "delivery_site": task.delivery_site_id}
    else:
        doc["site"] = task.site_id
    doc |= {"amount": {k: int(v) for k, v in task.amount.items()},
            "service_s": int(task.service_s)}
    if task.penalty is not None:
        doc["penalty"] = task.penalty
    if task.note:
        doc["note"] = task.note
    return doc


def problem_to_json(problem: Problem) -> str:
    """The problem document of a `Problem` as indented JSON text (see `problem_to_dict`)."""
    return dumps(problem_to_dict(problem))
