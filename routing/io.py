"""Read and write problems and plans as versioned JSON documents (``"format": 1``)."""

from __future__ import annotations

import difflib
import itertools
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from routing.errors import FormatError, ProblemError
from routing.matrix import FixedLeg, geodesic_matrix, matrix_from_lists
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

__all__ = [
    "FORMAT_VERSION",
    "DocumentError",
    "load_plan",
    "load_problem",
    "plan_from_dict",
    "plan_from_json",
    "plan_to_dict",
    "plan_to_json",
    "problem_from_dict",
    "problem_from_json",
    "problem_to_dict",
    "problem_to_json",
]

#: The document format this module reads and writes (the ``"format"`` key).
FORMAT_VERSION: Final = 1

#: At most this many problems are spelled out in a `DocumentError` message.
MAX_REPORTED_PROBLEMS: Final = 20

_MISSING: Final[Any] = object()

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
_TRAVEL_KEYS = ("matrix", "geodesic", "fixed_legs", "leg_only_sites")
_MATRIX_KEYS = ("site_ids", "distance_m", "duration_s")
_GEODESIC_KEYS = ("circuity", "speed_kmh", "precise")
_LEG_REQUIRED = ("from", "to", "distance_m", "duration_s")
_LEG_OPTIONAL = ("bidirectional", "name")

_PLAN_REQUIRED = ("format", "status", "summary", "routes", "unassigned")
_PLAN_OPTIONAL = ("problem", "solver", "runtime_s")
_SUMMARY_KEYS = ("cost", "distance_m", "vehicles", "unassigned", "duration_s", "driving_s",
                 "service_s", "waiting_s")
_ROUTE_REQUIRED = ("vehicle", "distance_m", "driving_s", "service_s", "waiting_s", "duration_s",
                   "cost", "visits")
_ROUTE_OPTIONAL = ("lunch_break",)
_ROUTE_BREAK_KEYS = ("start_s", "duration_s")
_VISIT_REQUIRED = ("site", "kind", "arrival_s", "start_s", "departure_s", "waiting_s",
                   "load_after")
_VISIT_OPTIONAL = ("actions",)
_ACTION_KEYS = ("task", "kind")
_UNASSIGNED_REQUIRED = ("task", "reason")
_UNASSIGNED_OPTIONAL = ("detail",)

#: Model field -> document key, per kind of model object, to put a path on a `ProblemError`
#: from the model (a key starting with ``[`` indexes the object's own path). A field not
#: listed keeps its name.
_DOCUMENT_KEYS: Final[Mapping[str, Mapping[str, str]]] = {
    "site": {"site_id": "id"},
    "vehicle": {"vehicle_id": "id", "start_site_id": "start_site", "end_site_id": "end_site",
                "shift_start_s": "shift[0]", "shift_end_s": "shift[1]"},
    "task": {"task_id": "id", "site_id": "site", "pickup_site_id": "pickup_site",
             "delivery_site_id": "delivery_site"},
    "time window": {"start_s": "[0]", "end_s": "[1]"},
}


class DocumentError(FormatError):
    """Every problem found in one document, in document order.

    ``path`` and ``reason`` are those of the first problem; ``problems`` holds them all,
    and the message lists them one per line (at most `MAX_REPORTED_PROBLEMS`).
    """

    def __init__(self, problems: Sequence[FormatError]) -> None:
        if not problems:
            raise ValueError("DocumentError needs at least one problem")
        super().__init__(problems[0].path, problems[0].reason)
        self.problems: tuple[FormatError, ...] = tuple(problems)
        lines = [str(p) for p in self.problems[:MAX_REPORTED_PROBLEMS]]
        if len(self.problems) > MAX_REPORTED_PROBLEMS:
            lines.append(f"... and {len(self.problems) - MAX_REPORTED_PROBLEMS} more problems")
        self.args = ("\n".join(lines),)


# --------------------------------------------------------------------------- helpers


class _DuplicateKeysDict(dict[str, Any]):
    """A JSON object that remembers the keys given more than once (the last one wins)."""

    duplicate_keys: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = _DuplicateKeysDict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicates: list[str] = []
        for key, _ in pairs:
            if key in seen and key not in duplicates:
                duplicates.append(key)
            seen.add(key)
        result.duplicate_keys = tuple(duplicates)
    return result


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_object_pairs)
    except json.JSONDecodeError as exc:
        raise DocumentError([FormatError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]) from None


def _read_text(path: str | os.PathLike[str]) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError([FormatError("", f"not UTF-8 text: {exc.reason}")]) from None


def _show(value: Any) -> str:
    """A value as JSON would spell it, shortened for a message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _bound(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _unknown_key(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown key{hint}; allowed keys: {', '.join(allowed)}"


class _Ids(dict[str, str]):
    """Ids read so far (id -> path); ``partial`` when some entry's id could not be read."""

    partial: bool = False


class _Checker:
    """Collects every problem found in a document; each check returns None on failure.

    A value of ``_MISSING`` (an absent required key, already reported) fails silently.
    """

    def __init__(self) -> None:
        self.found: list[FormatError] = []

    def fail(self, path: str, reason: str) -> None:
        self.found.append(FormatError(path, reason))

    def raise_if_any(self) -> None:
        if self.found:
            raise DocumentError(self.found)

    def obj(self, path: str, value: Any, required: Sequence[str] = (),
            optional: Sequence[str] = (), *, any_keys: bool = False) -> Mapping[str, Any] | None:
        if value is _MISSING:
            return None
        if not isinstance(value, Mapping):
            self.fail(path, f"must be an object, got {_show(value)}")
            return None
        allowed = (*required, *optional)
        for key in getattr(value, "duplicate_keys", ()):
            self.fail(_key(path, key), "key given twice in the same object")
        for key in value:
            if not isinstance(key, str):
                self.fail(path, f"keys must be strings, got {_show(key)}")
            elif not any_keys and key not in allowed:
                self.fail(_key(path, str(key)), _unknown_key(str(key), allowed))
        for key in required:
            if key not in value:
                self.fail(_key(path, key), "missing required key")
        return value

    def array(self, path: str, value: Any, *, min_len: int = 0) -> list[Any] | None:
        if value is _MISSING:
            return None
        if not isinstance(value, list | tuple):
            self.fail(path, f"must be an array, got {_show(value)}")
            return None
        if len(value) < min_len:
            self.fail(path, f"must hold at least {min_len} "
                      f"{'entry' if min_len == 1 else 'entries'}, got {len(value)}")
            return None
        return list(value)

    def string(self, path: str, value: Any, *, allow_empty: bool = True) -> str | None:
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.fail(path, f"must be a string, got {_show(value)}")
            return None
        if not allow_empty and not value.strip():
            self.fail(path, f"must be a non-empty string, got {_show(value)}")
            return None
        return value

    def ident(self, path: str, value: Any) -> str | None:
        return self.string(path, value, allow_empty=False)

    def boolean(self, path: str, value: Any) -> bool | None:
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, got {_show(value)}")
            return None
        return value

    def integer(self, path: str, value: Any, *, minimum: int = 0,
                maximum: int | None = MAX_TIME_S) -> int | None:
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and not (math.isfinite(value) and value.is_integer())):
            self.fail(path, f"must be an integer, got {_show(value)}")
            return None
        number = int(value)
        if number < minimum:
            self.fail(path, f"must be >= {minimum}, got {_show(value)}")
            return None
        if maximum is not None and number > maximum:
            self.fail(path, f"must be <= {maximum}, got {_show(value)}")
            return None
        return number

    def number(self, path: str, value: Any, *, minimum: float | None = 0.0,
               maximum: float | None = None, above: float | None = None) -> float | None:
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                not math.isfinite(value):
            self.fail(path, f"must be a finite number, got {_show(value)}")
            return None
        if minimum is not None and maximum is not None:
            if not minimum <= value <= maximum:
                self.fail(path, f"must be within [{_bound(minimum)}, {_bound(maximum)}], "
                          f"got {_show(value)}")
                return None
        elif minimum is not None and value < minimum:
            self.fail(path, f"must be >= {_bound(minimum)}, got {_show(value)}")
            return None
        if above is not None and value <= above:
            self.fail(path, f"must be > {_bound(above)}, got {_show(value)}")
            return None
        return value

    def choice(self, path: str, value: Any, choices: Sequence[str]) -> str | None:
        if value is _MISSING:
            return None
        if not isinstance(value, str) or value not in choices:
            close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.fail(path, f"must be one of {', '.join(choices)}, got {_show(value)}{hint}")
            return None
        return value

    def amount(self, path: str, value: Any) -> dict[str, int] | None:
        """An object of capacity dimension -> whole units >= 0."""
        obj = self.obj(path, value, any_keys=True)
        if obj is None:
            return None
        result: dict[str, int] = {}
        ok = True
        for dim, units in obj.items():
            if not str(dim).strip():
                self.fail(path, "capacity dimension names must be non-empty")
                ok = False
                continue
            checked = self.integer(_key(path, dim), units, maximum=None)
            if checked is None:
                ok = False
            else:
                result[dim] = checked
        return result if ok else None

    def reference(self, path: str, value: Any, known: Mapping[str, Any], what: str) -> str | None:
        checked = self.ident(path, value)
        if checked is None:
            return None
        if checked not in known:
            if not getattr(known, "partial", False):  # else it may be the unreadable entry's
                self.fail(path, f"unknown {what} {checked!r}")
            return None
        return checked

    def unique(self, path: str, value: str | None, seen: dict[str, str]) -> None:
        """Record the id at ``path``; report it if an earlier entry used it."""
        if value is None:
            return
        if value in seen:
            self.fail(path, f"duplicate id {value!r} (first used by {seen[value]})")
        else:
            seen[value] = path.rsplit(".", 1)[0]


def _check_format(check: _Checker, data: Mapping[str, Any]) -> None:
    """Stop at once on a missing or foreign version: nothing else can be judged."""
    if "format" not in data:
        check.fail("format", f"missing required key (this bookrun reads format {FORMAT_VERSION})")
    elif isinstance(data["format"], bool) or data["format"] != FORMAT_VERSION:
        check.fail("format", f"unsupported format {_show(data['format'])} "
                   f"(this bookrun reads format {FORMAT_VERSION})")
    check.raise_if_any()


def _path_of_model_error(error: ProblemError, path: str) -> FormatError:
    """A model error about the object at ``path``, placed at the document key of its field.

    Read from the error's fields, never from its message: a model message may be reworded
    without moving the error.
    """
    if error.field is None:
        return FormatError(path, str(error))
    head, _, rest = error.field.partition(".")
    key = _DOCUMENT_KEYS.get(error.object_kind or "", {}).get(head, head)
    key += f".{rest}" if rest else ""
    return FormatError(f"{path}{key}" if key.startswith("[") else _key(path, key),
                       error.reason)


@contextmanager
def _model_errors(path: str) -> Iterator[None]:
    """Report a `ProblemError` raised by the model object built at ``path`` with its path."""
    try:
        yield
    except ProblemError as exc:
        raise DocumentError([_path_of_model_error(exc, path)]) from exc


# --------------------------------------------------------------------------- problem


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
            "", f"a problem document must be a JSON object, got {_show(data)}")])
    if "routes" in data and "sites" not in data:
        raise DocumentError([FormatError(
            "", "this is a plan document (it has 'routes'), not a problem document")])
    check = _Checker()
    _check_format(check, data)
    check.obj("", data, _PROBLEM_REQUIRED, _PROBLEM_OPTIONAL)
    name = check.string("name", data.get("name", ""))
    meta = check.obj("meta", data.get("meta", {}), any_keys=True)

    sites, site_ids = _read_sites(check, data.get("sites", _MISSING))
    vehicles = _read_vehicles(check, data.get("vehicles", _MISSING), site_ids)
    dimensions = _check_dimensions(check, vehicles)
    tasks = _read_tasks(check, data.get("tasks", _MISSING), site_ids, dimensions)
    travel = _read_travel(check, data.get("travel", _MISSING), site_ids)
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
            with _model_errors(f"{path}.time_windows[{j}]"):
                windows.append(TimeWindow(start_s, end_s))
        with _model_errors(path):
            built_sites.append(Site(time_windows=tuple(windows), **spec))
    built_vehicles = []
    for path, spec in vehicles:
        lunch = spec.pop("lunch_break")
        if lunch is not None:
            with _model_errors(f"{path}.lunch_break"):
                lunch = Break(**lunch)
        with _model_errors(path):
            built_vehicles.append(Vehicle(lunch_break=lunch, **spec))
    built_tasks = []
    for path, spec in tasks:
        with _model_errors(path):
            built_tasks.append(Task(**spec))
    matrix = _build_matrix(travel, built_sites)

    paths: dict[tuple[str | None, str | None], str] = {
        ("site", s["site_id"]): p for p, s in sites}
    paths |= {("vehicle", v["vehicle_id"]): p for p, v in vehicles}
    paths |= {("task", t["task_id"]): p for p, t in tasks}
    try:
        return Problem(sites=tuple(built_sites), vehicles=tuple(built_vehicles),
                       tasks=tuple(built_tasks), matrix=matrix, name=name, meta=dict(meta))
    except ProblemError as exc:
        raise DocumentError([_locate_problem_error(exc, paths, travel)]) from exc


def _locate_problem_error(error: ProblemError,
                          paths: Mapping[tuple[str | None, str | None], str],
                          travel: Mapping[str, Any]) -> FormatError:
    """A `Problem`'s error about one of its sites, vehicles or tasks (found by kind and
    id), or about one matrix field; anything else is the document's as a whole."""
    if error.field is None:
        return FormatError("", str(error))
    path = paths.get((error.object_kind, error.object_id))
    if path is not None:
        return _path_of_model_error(error, path)
    if error.object_kind == "matrix":
        return FormatError("travel.matrix" if "matrix" in travel else "travel",
                           f"{error.field}: {error.reason}")
    return FormatError("", str(error))


def _read_sites(check: _Checker, raw: Any) -> tuple[list[tuple[str, dict[str, Any]]], _Ids]:
    """The site specs, and the ids they define (``partial`` if some id is unreadable)."""
    entries = check.array("sites", raw, min_len=1)
    result: list[tuple[str, dict[str, Any]]] = []
    seen = _Ids()
    seen.partial = entries is None
    for i, entry in enumerate(entries or ()):
        path = f"sites[{i}]"
        obj = check.obj(path, entry, _SITE_REQUIRED, _SITE_OPTIONAL)
        if obj is None:
            seen.partial = True
            continue
        spec: dict[str, Any] = {}
        site_id = check.ident(f"{path}.id", obj.get("id", _MISSING))
        check.unique(f"{path}.id", site_id, seen)
        spec["site_id"] = site_id
        spec["lat"] = check.number(f"{path}.lat", obj.get("lat", _MISSING),
                                   minimum=-90.0, maximum=90.0)
        spec["lon"] = check.number(f"{path}.lon", obj.get("lon", _MISSING),
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


def _read_windows(check: _Checker, path: str, raw: Any) -> list[tuple[int, int]]:
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


def _read_pair(check: _Checker, path: str, raw: Any) -> tuple[int, int] | None:
    """A ``[start_s, end_s]`` pair with ``end_s >= start_s``."""
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        if raw is not _MISSING:
            check.fail(path, f"must be a [start_s, end_s] pair, got {_show(raw)}")
        return None
    start_s = check.integer(f"{path}[0]", raw[0])
    end_s = check.integer(f"{path}[1]", raw[1])
    if start_s is None or end_s is None:
        return None
    if end_s < start_s:
        check.fail(f"{path}[1]", f"must be >= the start {start_s} before it, got {end_s}")
        return None
    return start_s, end_s


def _read_vehicles(check: _Checker, raw: Any,
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
        vehicle_id = check.ident(f"{path}.id", obj.get("id", _MISSING))
        check.unique(f"{path}.id", vehicle_id, seen)
        spec["vehicle_id"] = vehicle_id
        spec["start_site_id"] = check.reference(f"{path}.start_site",
                                                obj.get("start_site", _MISSING), site_ids, "site")
        spec["end_site_id"] = check.reference(f"{path}.end_site", obj.get("end_site", _MISSING),
                                              site_ids, "site") if "end_site" in obj else ""
        shift = _read_pair(check, f"{path}.shift", obj.get("shift", _MISSING))
        if shift is not None:
            spec["shift_start_s"], spec["shift_end_s"] = shift
        max_working = obj.get("max_working_s")
        spec["max_working_s"] = None if max_working is None else check.integer(
            f"{path}.max_working_s", max_working)
        spec["lunch_break"] = _read_break(check, f"{path}.lunch_break",
                                          obj.get("lunch_break"), shift)
        spec["capacity"] = check.amount(f"{path}.capacity", obj.get("capacity", _MISSING))
        spec["cost_per_km"] = check.number(f"{path}.cost_per_km", obj.get("cost_per_km", 1.0))
        spec["fixed_cost"] = check.number(f"{path}.fixed_cost", obj.get("fixed_cost", 0.0))
        if vehicle_id is not None:
            result.append((path, spec))
    return result


def _read_break(check: _Checker, path: str, raw: Any,
                shift: tuple[int, int] | None) -> dict[str, int] | None:
    if raw is None:
        return None
    obj = check.obj(path, raw, _BREAK_KEYS)
    if obj is None:
        return None
    values = {key: check.integer(_key(path, key), obj.get(key, _MISSING)) for key in _BREAK_KEYS}
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


def _check_dimensions(check: _Checker,
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


def _read_tasks(check: _Checker, raw: Any, site_ids: Mapping[str, str],
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
        task_id = check.ident(f"{path}.id", obj.get("id", _MISSING))
        check.unique(f"{path}.id", task_id, seen)
        spec["task_id"] = task_id
        kind = check.choice(f"{path}.kind", obj.get("kind", _MISSING), kinds)
        spec["kind"] = kind
        if kind == TaskKind.SHIPMENT:
            if "site" in obj:
                check.fail(f"{path}.site", "a shipment has pickup_site and delivery_site, "
                           "not site")
            for key in ("pickup_site", "delivery_site"):
                if key not in obj:
                    check.fail(f"{path}.{key}", "missing required key (the task is a shipment)")
                spec[f"{key}_id"] = check.reference(f"{path}.{key}", obj.get(key, _MISSING),
                                                    site_ids, "site")
        elif kind is not None:
            for key in ("pickup_site", "delivery_site"):
                if key in obj:
                    check.fail(f"{path}.{key}", f"only a shipment has {key}; this task is a "
                               f"{kind} (use site)")
            if "site" not in obj:
                check.fail(f"{path}.site", f"missing required key (the task is a {kind})")
            spec["site_id"] = check.reference(f"{path}.site", obj.get("site", _MISSING),
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


def _read_travel(check: _Checker, raw: Any,
                 site_ids: Mapping[str, str]) -> dict[str, Any] | None:
    obj = check.obj("travel", raw, optional=_TRAVEL_KEYS)
    if obj is None:
        return None
    if ("matrix" in obj) == ("geodesic" in obj):
        check.fail("travel", "needs exactly one of 'matrix' (explicit) or 'geodesic' "
                   f"(computed from lat/lon), got {', '.join(map(repr, obj)) or 'neither'}")
        return None
    if "matrix" in obj:
        for key in ("fixed_legs", "leg_only_sites"):
            if key in obj:
                check.fail(f"travel.{key}", "only used with travel.geodesic; an explicit "
                           "matrix already holds every leg")
        matrix = _read_matrix(check, obj["matrix"], site_ids)
        return None if matrix is None else {"matrix": matrix}
    geo = check.obj("travel.geodesic", obj["geodesic"], optional=_GEODESIC_KEYS)
    if geo is None:
        return None
    travel: dict[str, Any] = {
        "circuity": check.number("travel.geodesic.circuity", geo.get("circuity", 1.3),
                                 minimum=1.0),
        "speed_kmh": check.number("travel.geodesic.speed_kmh", geo.get("speed_kmh", 30.0),
                                  minimum=None, above=0.0),
        "precise": check.boolean("travel.geodesic.precise", geo.get("precise", False)),
    }
    legs: list[FixedLeg] = []
    for k, entry in enumerate(check.array("travel.fixed_legs", obj.get("fixed_legs", [])) or ()):
        leg = _read_leg(check, f"travel.fixed_legs[{k}]", entry, site_ids)
        if leg is not None:
            legs.append(leg)
    travel["fixed_legs"] = tuple(legs)
    travel["leg_only_site_ids"] = _read_leg_only(check, obj.get("leg_only_sites", []), site_ids)
    return {"geodesic": travel}


def _read_leg_only(check: _Checker, raw: Any,
                   site_ids: Mapping[str, str]) -> tuple[str, ...] | dict[str, str]:
    """An array of site ids (one island group) or an object of site id -> group name."""
    path = "travel.leg_only_sites"
    if isinstance(raw, Mapping):
        check.obj(path, raw, any_keys=True)
        groups: dict[str, str] = {}
        for site_id, group in raw.items():
            if check.reference(f"{path}.{site_id}", site_id, site_ids, "site") is None:
                continue
            name = check.ident(f"{path}.{site_id}", group)
            if name is not None:
                groups[site_id] = name
        return groups
    if raw is not _MISSING and not isinstance(raw, list | tuple):
        check.fail(path, "must be an array of site ids or an object of site id -> group "
                   f"name, got {_show(raw)}")
        return ()
    leg_only: list[str] = []
    for k, entry in enumerate(raw):
        site_id = check.reference(f"{path}[{k}]", entry, site_ids, "site")
        if site_id is not None and site_id in leg_only:
            check.fail(f"{path}[{k}]", f"{site_id!r} is listed twice")
        elif site_id is not None:
            leg_only.append(site_id)
    return tuple(leg_only)


def _read_leg(check: _Checker, path: str, raw: Any,
              site_ids: Mapping[str, str]) -> FixedLeg | None:
    before = len(check.found)
    obj = check.obj(path, raw, _LEG_REQUIRED, _LEG_OPTIONAL)
    if obj is None:
        return None
    from_id = check.reference(f"{path}.from", obj.get("from", _MISSING), site_ids, "site")
    to_id = check.reference(f"{path}.to", obj.get("to", _MISSING), site_ids, "site")
    if from_id is not None and from_id == to_id:
        check.fail(f"{path}.to", f"must differ from 'from', got {to_id!r} twice")
    distance_m = check.integer(f"{path}.distance_m", obj.get("distance_m", _MISSING),
                               maximum=100_000_000)
    duration_s = check.integer(f"{path}.duration_s", obj.get("duration_s", _MISSING))
    bidirectional = check.boolean(f"{path}.bidirectional", obj.get("bidirectional", True))
    name = check.string(f"{path}.name", obj.get("name", ""))
    if len(check.found) > before:
        return None
    assert from_id and to_id and distance_m is not None and duration_s is not None
    return FixedLeg(from_id, to_id, distance_m, duration_s, bidirectional=bool(bidirectional),
                    name=name or "")


def _read_matrix(check: _Checker, raw: Any,
                 site_ids: Mapping[str, str]) -> dict[str, Any] | None:
    path = "travel.matrix"
    obj = check.obj(path, raw, _MATRIX_KEYS)
    if obj is None:
        return None
    before = len(check.found)
    ids: list[str] = []
    for k, entry in enumerate(check.array(f"{path}.site_ids", obj.get("site_ids", _MISSING))
                              or ()):
        site_id = check.reference(f"{path}.site_ids[{k}]", entry, site_ids, "site")
        if site_id is not None and site_id in ids:
            check.fail(f"{path}.site_ids[{k}]", f"{site_id!r} is listed twice")
        elif site_id is not None:
            ids.append(site_id)
    if "site_ids" in obj and len(check.found) == before:
        missing = [s for s in site_ids if s not in ids]
        if missing:
            check.fail(f"{path}.site_ids", f"has no entry for sites {', '.join(missing)}")
    n = len(obj["site_ids"]) if isinstance(obj.get("site_ids"), list) else None
    result: dict[str, Any] = {"site_ids": ids}
    for name in ("distance_m", "duration_s"):
        rows = check.array(f"{path}.{name}", obj.get(name, _MISSING))
        if rows is None:
            continue
        if n is not None and len(rows) != n:
            check.fail(f"{path}.{name}", f"must have {n} rows (one per site_ids entry), "
                       f"got {len(rows)}")
            continue
        values: list[list[int]] = []
        for r, row in enumerate(rows):
            cells = check.array(f"{path}.{name}[{r}]", row)
            if cells is None:
                continue
            if n is not None and len(cells) != n:
                check.fail(f"{path}.{name}[{r}]", f"must have {n} entries (one per site_ids "
                           f"entry), got {len(cells)}")
                continue
            values.append([check.integer(f"{path}.{name}[{r}][{c}]", cell, maximum=None) or 0
                           for c, cell in enumerate(cells)])
        result[name] = values
    return result if len(check.found) == before else None


def _build_matrix(travel: Mapping[str, Any], sites: list[Site]) -> TravelMatrix:
    if "matrix" in travel:
        spec = travel["matrix"]
        with _model_errors("travel.matrix"):
            return matrix_from_lists(spec["site_ids"], spec["distance_m"], spec["duration_s"])
    try:
        return geodesic_matrix(sites, **travel["geodesic"])
    except ProblemError as exc:  # about the matrix as a whole: the travel block's own reason
        whole = exc.object_kind == "matrix" and exc.field is None
        raise DocumentError([FormatError("travel", exc.reason if whole else str(exc))]) from exc
    except ValueError as exc:  # a plain ValueError from routing.matrix
        raise DocumentError([FormatError("travel", str(exc))]) from exc


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
    return problem_from_dict(_parse_json(text))


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
    return problem_from_json(_read_text(path))


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
        doc["meta"] = _jsonable(problem.meta)
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
    return _dumps(problem_to_dict(problem))


# --------------------------------------------------------------------------- plan


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan document of a `Plan`: complete and flat, ids only.

    Parameters
    ----------
    plan
        The plan to write.

    Returns
    -------
    dict
        A JSON-ready format-1 plan document; `plan_from_dict` reads it back to an equal
        `Plan`.
    """
    routes = plan.routes
    return {
        "format": FORMAT_VERSION,
        "problem": plan.problem_name,
        "status": plan.status.value,
        "summary": {
            "cost": plan.cost,
            "distance_m": sum(int(r.distance_m) for r in routes),
            "vehicles": plan.vehicles_used,
            "unassigned": len(plan.unassigned),
            "duration_s": sum(int(r.duration_s) for r in routes),
            "driving_s": sum(int(r.driving_s) for r in routes),
            "service_s": sum(int(r.service_s) for r in routes),
            "waiting_s": sum(int(r.waiting_s) for r in routes),
        },
        "routes": [_route_to_dict(r) for r in routes],
        "unassigned": [{"task": u.task_id, "reason": u.reason.value, "detail": u.detail}
                       for u in plan.unassigned],
        "solver": _jsonable(plan.solver),
        "runtime_s": plan.runtime_s,
    }


def _route_to_dict(route: Route) -> dict[str, Any]:
    lunch = route.lunch_break
    return {
        "vehicle": route.vehicle_id,
        "distance_m": int(route.distance_m),
        "driving_s": int(route.driving_s),
        "service_s": int(route.service_s),
        "waiting_s": int(route.waiting_s),
        "duration_s": int(route.duration_s),
        "cost": route.cost,
        "lunch_break": None if lunch is None else {"start_s": int(lunch.start_s),
                                                   "duration_s": int(lunch.duration_s)},
        "visits": [{
            "site": v.site_id,
            "kind": v.kind.value,
            "arrival_s": int(v.arrival_s),
            "start_s": int(v.start_s),
            "departure_s": int(v.departure_s),
            "waiting_s": int(v.waiting_s),
            "load_after": {k: int(units) for k, units in v.load_after.items()},
            "actions": [{"task": a.task_id, "kind": a.kind.value} for a in v.actions],
        } for v in route.visits],
    }


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Build a `Plan` from a plan document, e.g. one written by another tool.

    Only the shape is checked here (keys, types, enum values, the summary agreeing with
    the routes); whether the plan is feasible for a problem is `routing.verify`'s job.

    Parameters
    ----------
    data
        A format-1 plan document.

    Returns
    -------
    Plan
        The plan; ``plan_from_dict(plan_to_dict(plan)) == plan``.

    Raises
    ------
    DocumentError
        (a `FormatError`) naming the JSON path of each bad field.
    """
    if not isinstance(data, Mapping):
        raise DocumentError([FormatError(
            "", f"a plan document must be a JSON object, got {_show(data)}")])
    if "sites" in data and "routes" not in data:
        raise DocumentError([FormatError(
            "", "this is a problem document (it has 'sites'), not a plan document")])
    check = _Checker()
    _check_format(check, data)
    check.obj("", data, _PLAN_REQUIRED, _PLAN_OPTIONAL)
    problem_name = check.string("problem", data.get("problem", ""))
    status = check.choice("status", data.get("status", _MISSING), [s.value for s in PlanStatus])
    solver = check.obj("solver", data.get("solver", {}), any_keys=True)
    runtime_s = check.number("runtime_s", data.get("runtime_s", 0.0))
    routes = [_read_route(check, f"routes[{i}]", entry)
              for i, entry in enumerate(check.array("routes", data.get("routes", _MISSING))
                                        or ())]
    unassigned = [_read_unassigned(check, f"unassigned[{i}]", entry)
                  for i, entry in enumerate(check.array("unassigned",
                                                        data.get("unassigned", _MISSING)) or ())]
    cost = _check_summary(check, data.get("summary", _MISSING), routes, unassigned)
    check.raise_if_any()
    assert status is not None and cost is not None  # reported otherwise
    return Plan(status=PlanStatus(status), routes=tuple(r for r in routes if r is not None),
                unassigned=tuple(u for u in unassigned if u is not None), cost=float(cost),
                runtime_s=float(runtime_s or 0.0), problem_name=problem_name or "",
                solver=dict(solver or {}))


def _read_route(check: _Checker, path: str, raw: Any) -> Route | None:
    before = len(check.found)
    obj = check.obj(path, raw, _ROUTE_REQUIRED, _ROUTE_OPTIONAL)
    if obj is None:
        return None
    vehicle_id = check.ident(f"{path}.vehicle", obj.get("vehicle", _MISSING))
    totals = {key: check.integer(f"{path}.{key}", obj.get(key, _MISSING), maximum=None)
              for key in ("distance_m", "driving_s", "service_s", "waiting_s", "duration_s")}
    cost = check.number(f"{path}.cost", obj.get("cost", _MISSING))
    lunch: RouteBreak | None = None
    if obj.get("lunch_break") is not None:
        lb = check.obj(f"{path}.lunch_break", obj["lunch_break"], _ROUTE_BREAK_KEYS)
        if lb is not None:
            start_s = check.integer(f"{path}.lunch_break.start_s", lb.get("start_s", _MISSING))
            duration_s = check.integer(f"{path}.lunch_break.duration_s",
                                       lb.get("duration_s", _MISSING))
            if start_s is not None and duration_s is not None:
                lunch = RouteBreak(start_s=start_s, duration_s=duration_s)
    visits = [_read_visit(check, f"{path}.visits[{j}]", entry)
              for j, entry in enumerate(check.array(f"{path}.visits", obj.get("visits", _MISSING),
                                                    min_len=2) or ())]
    if len(check.found) > before:
        return None
    return Route(vehicle_id=vehicle_id or "", visits=tuple(v for v in visits if v is not None),
                 distance_m=totals["distance_m"] or 0, driving_s=totals["driving_s"] or 0,
                 service_s=totals["service_s"] or 0, waiting_s=totals["waiting_s"] or 0,
                 duration_s=totals["duration_s"] or 0, cost=float(cost or 0.0),
                 lunch_break=lunch)


def _read_visit(check: _Checker, path: str, raw: Any) -> Visit | None:
    before = len(check.found)
    obj = check.obj(path, raw, _VISIT_REQUIRED, _VISIT_OPTIONAL)
    if obj is None:
        return None
    site_id = check.ident(f"{path}.site", obj.get("site", _MISSING))
    kind = check.choice(f"{path}.kind", obj.get("kind", _MISSING), [k.value for k in VisitKind])
    times = {key: check.integer(f"{path}.{key}", obj.get(key, _MISSING))
             for key in ("arrival_s", "start_s", "departure_s", "waiting_s")}
    load_after = check.amount(f"{path}.load_after", obj.get("load_after", _MISSING))
    actions: list[Action] = []
    action_kinds = [k.value for k in ActionKind]
    for k, entry in enumerate(check.array(f"{path}.actions", obj.get("actions", [])) or ()):
        action = check.obj(f"{path}.actions[{k}]", entry, _ACTION_KEYS)
        if action is None:
            continue
        task_id = check.ident(f"{path}.actions[{k}].task", action.get("task", _MISSING))
        action_kind = check.choice(f"{path}.actions[{k}].kind", action.get("kind", _MISSING),
                                   action_kinds)
        if task_id is not None and action_kind is not None:
            actions.append(Action(task_id=task_id, kind=ActionKind(action_kind)))
    if len(check.found) > before or kind is None:
        return None
    return Visit(site_id=site_id or "", kind=VisitKind(kind), arrival_s=times["arrival_s"] or 0,
                 start_s=times["start_s"] or 0, departure_s=times["departure_s"] or 0,
                 waiting_s=times["waiting_s"] or 0, load_after=load_after or {},
                 actions=tuple(actions))


def _read_unassigned(check: _Checker, path: str, raw: Any) -> Unassigned | None:
    obj = check.obj(path, raw, _UNASSIGNED_REQUIRED, _UNASSIGNED_OPTIONAL)
    if obj is None:
        return None
    task_id = check.ident(f"{path}.task", obj.get("task", _MISSING))
    reason = check.choice(f"{path}.reason", obj.get("reason", _MISSING),
                          [r.value for r in UnassignedReason])
    detail = check.string(f"{path}.detail", obj.get("detail", ""))
    if task_id is None or reason is None or detail is None:
        return None
    return Unassigned(task_id=task_id, reason=UnassignedReason(reason), detail=detail)


def _check_summary(check: _Checker, raw: Any, routes: Sequence[Route | None],
                   unassigned: Sequence[Unassigned | None]) -> float | None:
    """Check the summary agrees with the routes; return its cost."""
    obj = check.obj("summary", raw, _SUMMARY_KEYS)
    if obj is None:
        return None
    cost = check.number("summary.cost", obj.get("cost", _MISSING))
    if any(r is None for r in routes) or any(u is None for u in unassigned):
        return cost  # the totals cannot be judged against broken routes
    done = [r for r in routes if r is not None]
    expected = {
        "distance_m": sum(r.distance_m for r in done),
        "vehicles": sum(1 for r in done if r.stops),
        "unassigned": len(unassigned),
        "duration_s": sum(r.duration_s for r in done),
        "driving_s": sum(r.driving_s for r in done),
        "service_s": sum(r.service_s for r in done),
        "waiting_s": sum(r.waiting_s for r in done),
    }
    for key, total in expected.items():
        value = check.integer(f"summary.{key}", obj.get(key, _MISSING), maximum=None)
        if value is not None and value != total:
            what = "the number of unassigned entries" if key == "unassigned" else \
                "the number of routes with stops" if key == "vehicles" else \
                "the sum over the routes"
            check.fail(f"summary.{key}", f"must equal {what} ({total}), got {value}")
    return cost


def plan_from_json(text: str) -> Plan:
    """Parse a plan document from JSON text (see `plan_from_dict`)."""
    return plan_from_dict(_parse_json(text))


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan document from a UTF-8 JSON file.

    Parameters
    ----------
    path
        The file to read.

    Returns
    -------
    Plan
        The plan.

    Raises
    ------
    OSError
        If the file cannot be read.
    DocumentError
        If it is not JSON or not a valid plan document.
    """
    return plan_from_json(_read_text(path))


def plan_to_json(plan: Plan) -> str:
    """The plan document of a `Plan` as indented JSON text ending in a newline."""
    return _dumps(plan_to_dict(plan))


# --------------------------------------------------------------------------- JSON text


def _jsonable(value: Any) -> Any:
    """Plain JSON values: mappings become objects, sequences arrays, the rest strings."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "item"):  # numpy scalar
        return _jsonable(value.item())
    return str(value)


_LINE_WIDTH: Final = 100


def _dumps(doc: Any) -> str:
    """Indented JSON; short values and arrays or objects of plain values stay on one line."""
    return _format(doc, 0) + "\n"


def _format(value: Any, indent: int) -> str:
    flat = json.dumps(value, ensure_ascii=False)
    is_container = isinstance(value, dict | list)
    if not is_container:
        return flat
    children = value.values() if isinstance(value, dict) else value
    if not value or indent + len(flat) <= _LINE_WIDTH or \
            all(not isinstance(c, dict | list) for c in children):
        return flat  # short values, and arrays or objects of plain values (matrix rows)
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: "
                 f"{_format(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + _format(v, indent + 2) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
