"""The library delivery problem as frozen, self-validating value objects.

Units everywhere: distances in integer metres (``_m``), times in integer seconds
(``_s``) counted from midnight of the planning day, coordinates as ``lat``/``lon``
in decimal degrees (WGS 84), loads in whole units of each capacity dimension
(e.g. ``crates``, ``items``). String ids are the only references between objects;
solver indices never appear here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from routing.errors import ObjectKind, ProblemError

#: Sanity bound for every time value (seconds). Generous because benchmark instances
#: are scaled to integers (a Li & Lim horizon of 3,390 becomes 3,390,000).
MAX_TIME_S = 1_000_000_000


class _Subject(NamedTuple):
    """The object a check is about: its kind and, once its id is known, the id."""

    kind: ObjectKind
    object_id: str | None = None


def _fail(obj: _Subject, field_name: str, reason: str, value: object = None) -> ProblemError:
    return ProblemError(reason, object_kind=obj.kind, object_id=obj.object_id,
                        field=field_name, value=value)


def _check_int(obj: _Subject, field_name: str, value: object, *, minimum: int = 0,
               maximum: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise _fail(obj, field_name, f"must be an integer, got {value!r}", value)
    if value < minimum:
        raise _fail(obj, field_name, f"must be >= {minimum}, got {value}", value)
    if maximum is not None and value > maximum:
        raise _fail(obj, field_name, f"must be <= {maximum}, got {value}", value)


def _check_number(obj: _Subject, field_name: str, value: object, *,
                  minimum: float = 0.0) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise _fail(obj, field_name, f"must be a number, got {value!r}", value)
    if not math.isfinite(float(value)) or float(value) < minimum:
        raise _fail(obj, field_name, f"must be a finite number >= {minimum}, got {value}", value)


def _check_id(obj: _Subject, field_name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _fail(obj, field_name, f"must be a non-empty string, got {value!r}", value)


def _frozen_amount(obj: _Subject, field_name: str,
                   amount: Mapping[str, int]) -> Mapping[str, int]:
    if not isinstance(amount, Mapping):
        raise _fail(obj, field_name, f"must be a mapping of dimension to integer, got {amount!r}",
                    amount)
    for dim, value in amount.items():
        _check_id(obj, field_name, dim)
        _check_int(obj, f"{field_name}.{dim}", value)
    return MappingProxyType({str(k): int(v) for k, v in amount.items()})


@dataclass(frozen=True)
class TimeWindow:
    """A closed interval ``[start_s, end_s]`` in which a service may start."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        obj = _Subject("time window")
        _check_int(obj, "start_s", self.start_s, maximum=MAX_TIME_S)
        _check_int(obj, "end_s", self.end_s, maximum=MAX_TIME_S)
        if self.end_s < self.start_s:
            raise _fail(obj, "end_s", f"must be >= start_s ({self.start_s}), got {self.end_s}",
                        self.end_s)

    def contains(self, time_s: int) -> bool:
        return self.start_s <= time_s <= self.end_s


def _check_windows(obj: _Subject, field_name: str, windows: tuple[TimeWindow, ...]) -> None:
    if not isinstance(windows, tuple) or not all(isinstance(w, TimeWindow) for w in windows):
        raise _fail(obj, field_name, f"must be a tuple of TimeWindow, got {windows!r}", windows)
    ordered = sorted(windows, key=lambda w: w.start_s)
    if list(windows) != ordered:
        raise _fail(obj, field_name, "time windows must be sorted by start_s")
    for earlier, later in itertools.pairwise(ordered):
        if later.start_s <= earlier.end_s:
            raise _fail(obj, field_name,
                        f"time windows overlap: [{earlier.start_s}, {earlier.end_s}] and "
                        f"[{later.start_s}, {later.end_s}]")


@dataclass(frozen=True)
class Site:
    """A place a van can stop: hub, branch, school, return post, ferry port.

    ``service_s`` is the fixed time spent at each stop there (parking, walking in and
    out), counted once per stop however many tasks are done. ``time_windows`` are the
    intervals in which a stop may start; empty means always open.
    """

    site_id: str
    lat: float
    lon: float
    service_s: int = 0
    time_windows: tuple[TimeWindow, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        _check_id(_Subject("site"), "site_id", self.site_id)
        obj = _Subject("site", self.site_id)
        _check_number(obj, "lat", self.lat, minimum=-math.inf)
        _check_number(obj, "lon", self.lon, minimum=-math.inf)
        if not -90.0 <= float(self.lat) <= 90.0:
            raise _fail(obj, "lat", f"must be within [-90, 90], got {self.lat}", self.lat)
        if not -180.0 <= float(self.lon) <= 180.0:
            raise _fail(obj, "lon", f"must be within [-180, 180], got {self.lon}", self.lon)
        _check_int(obj, "service_s", self.service_s, maximum=MAX_TIME_S)
        _check_windows(obj, "time_windows", self.time_windows)

    def is_open_at(self, time_s: int) -> bool:
        return not self.time_windows or any(w.contains(time_s) for w in self.time_windows)


@dataclass(frozen=True)
class Break:
    """A break of ``duration_s`` that must start within ``[earliest_start_s, latest_start_s]``."""

    earliest_start_s: int
    latest_start_s: int
    duration_s: int

    def __post_init__(self) -> None:
        obj = _Subject("break")
        _check_int(obj, "earliest_start_s", self.earliest_start_s, maximum=MAX_TIME_S)
        _check_int(obj, "latest_start_s", self.latest_start_s, maximum=MAX_TIME_S)
        _check_int(obj, "duration_s", self.duration_s, maximum=MAX_TIME_S)
        if self.latest_start_s < self.earliest_start_s:
            raise _fail(obj, "latest_start_s",
                        f"must be >= earliest_start_s ({self.earliest_start_s}), "
                        f"got {self.latest_start_s}", self.latest_start_s)


@dataclass(frozen=True)
class Vehicle:
    """A van with its shift, capacity and costs.

    ``capacity`` maps each capacity dimension (e.g. ``crates``, ``items``) to the most
    the van can hold at once. ``cost_per_km`` prices driven distance and ``fixed_cost``
    is paid once if the van is used at all (both in the problem's cost unit).
    """

    vehicle_id: str
    start_site_id: str
    end_site_id: str = ""
    shift_start_s: int = 0
    shift_end_s: int = 24 * 3600
    max_working_s: int | None = None
    lunch_break: Break | None = None
    capacity: Mapping[str, int] = field(default_factory=dict)
    cost_per_km: float = 1.0
    fixed_cost: float = 0.0

    def __post_init__(self) -> None:
        _check_id(_Subject("vehicle"), "vehicle_id", self.vehicle_id)
        obj = _Subject("vehicle", self.vehicle_id)
        _check_id(obj, "start_site_id", self.start_site_id)
        if not self.end_site_id:
            object.__setattr__(self, "end_site_id", self.start_site_id)
        _check_id(obj, "end_site_id", self.end_site_id)
        _check_int(obj, "shift_start_s", self.shift_start_s, maximum=MAX_TIME_S)
        _check_int(obj, "shift_end_s", self.shift_end_s, maximum=MAX_TIME_S)
        if self.shift_end_s < self.shift_start_s:
            raise _fail(obj, "shift_end_s",
                        f"must be >= shift_start_s ({self.shift_start_s}), got {self.shift_end_s}",
                        self.shift_end_s)
        if self.max_working_s is not None:
            _check_int(obj, "max_working_s", self.max_working_s, maximum=MAX_TIME_S)
        if self.lunch_break is not None:
            if not isinstance(self.lunch_break, Break):
                raise _fail(obj, "lunch_break", f"must be a Break, got {self.lunch_break!r}",
                            self.lunch_break)
            lb = self.lunch_break
            if lb.earliest_start_s + lb.duration_s > self.shift_end_s or \
                    lb.latest_start_s < self.shift_start_s:
                raise _fail(obj, "lunch_break",
                            f"break window [{lb.earliest_start_s}, {lb.latest_start_s}] + "
                            f"{lb.duration_s} s does not fit the shift "
                            f"[{self.shift_start_s}, {self.shift_end_s}]", lb)
        object.__setattr__(self, "capacity", _frozen_amount(obj, "capacity", self.capacity))
        _check_number(obj, "cost_per_km", self.cost_per_km)
        _check_number(obj, "fixed_cost", self.fixed_cost)


class TaskKind(StrEnum):
    """What a task asks of a van."""

    DELIVERY = "delivery"  # loaded at the van's start (the hub), dropped at site_id
    PICKUP = "pickup"  # loaded at site_id, unloaded at the van's end (the hub)
    SHIPMENT = "shipment"  # loaded at pickup_site_id, dropped at delivery_site_id, same van
    VISIT = "visit"  # a stop at site_id moving nothing (an inspection, a handover)


@dataclass(frozen=True)
class Task:
    """One thing to do. Required unless it has a ``penalty`` (the cost of skipping it).

    ``service_s`` is the handling time of the task at each of its sites, on top of the
    site's own ``service_s``.
    """

    task_id: str
    kind: TaskKind
    site_id: str = ""
    pickup_site_id: str = ""
    delivery_site_id: str = ""
    amount: Mapping[str, int] = field(default_factory=dict)
    service_s: int = 0
    penalty: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_id(_Subject("task"), "task_id", self.task_id)
        obj = _Subject("task", self.task_id)
        try:
            object.__setattr__(self, "kind", TaskKind(self.kind))
        except ValueError:
            kinds = ", ".join(k.value for k in TaskKind)
            raise _fail(obj, "kind", f"must be one of {kinds}, got {self.kind!r}",
                        self.kind) from None
        if self.kind is TaskKind.SHIPMENT:
            _check_id(obj, "pickup_site_id", self.pickup_site_id)
            _check_id(obj, "delivery_site_id", self.delivery_site_id)
            if self.site_id:
                raise _fail(obj, "site_id", "a shipment uses pickup_site_id and "
                            f"delivery_site_id, not site_id (got {self.site_id!r})", self.site_id)
        else:
            _check_id(obj, "site_id", self.site_id)
            for name in ("pickup_site_id", "delivery_site_id"):
                if getattr(self, name):
                    raise _fail(obj, name, f"only a shipment has {name}, this task is a "
                                f"{self.kind.value} (got {getattr(self, name)!r})",
                                getattr(self, name))
        object.__setattr__(self, "amount", _frozen_amount(obj, "amount", self.amount))
        if self.kind is TaskKind.VISIT and any(self.amount.values()):
            raise _fail(obj, "amount", f"a visit moves nothing, got {dict(self.amount)}",
                        dict(self.amount))
        _check_int(obj, "service_s", self.service_s, maximum=MAX_TIME_S)
        if self.penalty is not None:
            _check_number(obj, "penalty", self.penalty)

    @property
    def required(self) -> bool:
        return self.penalty is None

    @property
    def site_ids(self) -> tuple[str, ...]:
        """The sites the task stops at, pickup first for a shipment."""
        if self.kind is TaskKind.SHIPMENT:
            return (self.pickup_site_id, self.delivery_site_id)
        return (self.site_id,)


IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """Driving distance (metres) and time (seconds) between every ordered pair of sites.

    Built by `routing.matrix` (geodesic, road graph, fixed legs) or supplied by the
    caller. Rows and columns follow ``site_ids``.
    """

    site_ids: tuple[str, ...]
    distance_m: IntMatrix
    duration_s: IntMatrix

    def __post_init__(self) -> None:
        obj = _Subject("matrix")
        if len(set(self.site_ids)) != len(self.site_ids):
            dup = sorted({s for s in self.site_ids if self.site_ids.count(s) > 1})
            raise _fail(obj, "site_ids", f"duplicate site ids {dup}", dup)
        n = len(self.site_ids)
        for name in ("distance_m", "duration_s"):
            raw = np.asarray(getattr(self, name))
            if raw.shape != (n, n):
                raise _fail(obj, name, f"must be {n}x{n} for {n} sites, got shape {raw.shape}")
            if raw.size and not np.all(np.isfinite(raw)):
                raise _fail(obj, name, "contains a non-finite value")
            if raw.size and raw.min() < 0:
                i, j = np.unravel_index(int(np.argmin(raw)), raw.shape)
                raise _fail(obj, name, f"must be >= 0, got {raw[i, j]} from "
                            f"'{self.site_ids[i]}' to '{self.site_ids[j]}'", raw[i, j])
            if raw.size and not np.array_equal(raw, np.round(raw)):
                raise _fail(obj, name, "must hold whole numbers (integer metres/seconds)")
            values = raw.astype(np.int64)
            values.setflags(write=False)
            object.__setattr__(self, name, values)
        object.__setattr__(self, "_index", {s: i for i, s in enumerate(self.site_ids)})

    def index_of(self, site_id: str) -> int:
        index: dict[str, int] = self._index  # type: ignore[attr-defined]
        return index[site_id]

    def distance(self, from_site_id: str, to_site_id: str) -> int:
        return int(self.distance_m[self.index_of(from_site_id), self.index_of(to_site_id)])

    def duration(self, from_site_id: str, to_site_id: str) -> int:
        return int(self.duration_s[self.index_of(from_site_id), self.index_of(to_site_id)])


@dataclass(frozen=True, eq=False)
class Problem:
    """A day's routing problem: where, with which vans, what to do, and how far apart."""

    sites: tuple[Site, ...]
    vehicles: tuple[Vehicle, ...]
    tasks: tuple[Task, ...]
    matrix: TravelMatrix
    name: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problem = _Subject("problem")
        for name, kind in (("sites", Site), ("vehicles", Vehicle), ("tasks", Task)):
            items = getattr(self, name)
            if not isinstance(items, tuple | list):
                raise _fail(problem, name, f"must be a sequence, got {type(items).__name__}",
                            items)
            object.__setattr__(self, name, tuple(items))
            for item in getattr(self, name):
                if not isinstance(item, kind):
                    raise _fail(problem, name, f"must hold {kind.__name__} objects, got {item!r}",
                                item)
        if not isinstance(self.matrix, TravelMatrix):
            raise _fail(problem, "matrix", f"must be a TravelMatrix, got {self.matrix!r}",
                        self.matrix)
        site_ids = _unique_ids("site", [s.site_id for s in self.sites])
        _unique_ids("vehicle", [v.vehicle_id for v in self.vehicles])
        _unique_ids("task", [t.task_id for t in self.tasks])
        missing = site_ids - set(self.matrix.site_ids)
        if missing:
            raise _fail(problem, "matrix", f"has no row for sites {sorted(missing)}")
        dimensions = self.capacity_dimensions
        for vehicle in self.vehicles:
            obj = _Subject("vehicle", vehicle.vehicle_id)
            for name in ("start_site_id", "end_site_id"):
                if getattr(vehicle, name) not in site_ids:
                    raise _fail(obj, name, f"unknown site {getattr(vehicle, name)!r}",
                                getattr(vehicle, name))
            absent = [d for d in dimensions if d not in vehicle.capacity]
            if absent:
                raise _fail(obj, "capacity", f"states no capacity for {absent} (every vehicle "
                            f"must state every dimension: {list(dimensions)})", absent)
        for task in self.tasks:
            obj = _Subject("task", task.task_id)
            names = ("pickup_site_id", "delivery_site_id") if task.kind is TaskKind.SHIPMENT \
                else ("site_id",)
            for name in names:
                if getattr(task, name) not in site_ids:
                    raise _fail(obj, name, f"unknown site {getattr(task, name)!r}",
                                getattr(task, name))
            unknown = [d for d in task.amount if d not in dimensions]
            if unknown:
                raise _fail(obj, "amount", f"unknown capacity dimension {unknown}; the vehicles "
                            f"carry {list(dimensions)}", unknown)
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    @property
    def capacity_dimensions(self) -> tuple[str, ...]:
        """Every capacity dimension named by a vehicle, in first-seen order."""
        seen: dict[str, None] = {}
        for vehicle in self.vehicles:
            for dim in vehicle.capacity:
                seen.setdefault(dim, None)
        return tuple(seen)

    def site(self, site_id: str) -> Site:
        return self._by_id("sites", "site_id")[site_id]  # type: ignore[return-value]

    def vehicle(self, vehicle_id: str) -> Vehicle:
        return self._by_id("vehicles", "vehicle_id")[vehicle_id]  # type: ignore[return-value]

    def task(self, task_id: str) -> Task:
        return self._by_id("tasks", "task_id")[task_id]  # type: ignore[return-value]

    def _by_id(self, attr: str, key: str) -> dict[str, object]:
        cache_name = f"_{attr}_by_id"
        cache: dict[str, object] | None = self.__dict__.get(cache_name)
        if cache is None:
            cache = {getattr(x, key): x for x in getattr(self, attr)}
            object.__setattr__(self, cache_name, cache)
        return cache


def _unique_ids(kind: ObjectKind, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise _fail(_Subject(kind, item_id), f"{kind}_id", f"duplicate id {item_id!r}",
                        item_id)
        seen.add(item_id)
    return seen
