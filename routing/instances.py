"""Benchmark instances (Solomon VRPTW, Li & Lim PDPTW) as `routing.Problem`.

Pure data conversion, no solver import. Each benchmark node becomes its own `Site`
(``n0`` is the depot, ``n<k>`` node ``k``); ``lat``/``lon`` are only a placeholder
(``y``/``x`` divided by ``meta["coord_divisor"]``), the raw coordinates are kept in
``problem.meta["coords"]`` so the exact benchmark distance can be recomputed by
`routing.instance_plans.exact_distance`.

Integer scale (``meta["scale"]``), one convention per family (see
``../shared/benchmarks/README.md``, relative to the repository):

* Solomon, scale 10: ``distance_m = duration_s = floor(10 * euclid)`` (the CVRPLIB
  convention: distances truncated to one decimal, so integer / 10 is the BKS value).
  Time windows and service times are multiplied by 10. Every customer is a PICKUP task
  (capacity dimension ``demand``); ``cost_per_km = 100`` so a route's cost equals its
  original distance; no fixed cost (the BKS objective is distance only).
* Li & Lim, scale 1000: ``distance_m = round(1000 * euclid)``, ``duration_s =
  ceil(1000 * euclid)`` (times rounded up, so a plan feasible here is feasible in exact
  arithmetic). Each pickup/delivery pair is a SHIPMENT task; ``cost_per_km = 1`` (cost =
  original distance) plus ``vehicle_fixed_cost`` per used vehicle (default 10,000: the
  hierarchical objective, vehicles first).

Also here: `read_bks_csv` (best-known-solution tables) and `read_solution_routes` (CVRPLIB
and SINTEF ``.sol`` route files). `routing.instance_plans` turns node routes into plans
and back and measures a plan in the instance's own convention.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from routing.errors import InstanceFormatError
from routing.problem import (
    IntMatrix,
    Problem,
    Site,
    Task,
    TaskKind,
    TimeWindow,
    TravelMatrix,
    Vehicle,
)

SOLOMON = "solomon"
LILIM = "lilim"
SOLOMON_SCALE = 10
LILIM_SCALE = 1000
DIMENSION = "demand"
DEFAULT_VEHICLE_FIXED_COST = 10_000.0

_SOLOMON_FIELDS = ("CUST_NO", "XCOORD", "YCOORD", "DEMAND", "READY_TIME", "DUE_DATE",
                   "SERVICE_TIME")
_LILIM_FIELDS = ("TASK", "X", "Y", "DEMAND", "EARLIEST", "LATEST", "SERVICE",
                 "PICKUP_SIBLING", "DELIVERY_SIBLING")
_ROUTE_LINE = re.compile(r"^\s*route\s*#?\s*(\d+)\s*:(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Bks:
    """A best-known solution: vehicles (None when the table does not say) and distance."""

    vehicles: int | None
    distance: float


# --------------------------------------------------------------------------- reading


def _lines(path: Path) -> list[str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InstanceFormatError(f"{path}: cannot read file ({exc.strerror})") from None
    text = raw.decode("utf-8", errors="replace")
    return text.splitlines()  # handles CRLF, LF and CR


def _err(path: Path, lineno: int, field: str, message: str) -> InstanceFormatError:
    return InstanceFormatError(f"{path}:{lineno}: field '{field}': {message}")


def _int(path: Path, lineno: int, field: str, token: str) -> int:
    try:
        value = float(token)
    except ValueError:
        raise _err(path, lineno, field, f"expected an integer, got {token!r}") from None
    if not math.isfinite(value) or value != int(value):
        raise _err(path, lineno, field, f"expected an integer, got {token!r}")
    return int(value)


def _num(path: Path, lineno: int, field: str, token: str) -> float:
    try:
        value = float(token)
    except ValueError:
        raise _err(path, lineno, field, f"expected a number, got {token!r}") from None
    if not math.isfinite(value):
        raise _err(path, lineno, field, f"expected a finite number, got {token!r}")
    return value


def _is_number(token: str) -> bool:
    try:
        return math.isfinite(float(token))
    except ValueError:
        return False


def detect_format(path: str | Path) -> str:
    """``"solomon"`` or ``"lilim"``; `InstanceFormatError` when it is neither."""
    path = Path(path)
    lines = _lines(path)
    content = [(i, line.strip()) for i, line in enumerate(lines, 1) if line.strip()]
    if any(line.upper().startswith("VEHICLE") for _, line in content[:20]):
        return SOLOMON
    if content and len(content[0][1].split()) == 3 and all(
            _is_number(t) for t in content[0][1].split()):
        return LILIM
    first = content[0][0] if content else 1
    raise InstanceFormatError(
        f"{path}:{first}: unknown instance format: neither Solomon (a VEHICLE/CUSTOMER "
        f"header) nor Li & Lim (a first line of 3 numbers: vehicles, capacity, speed)")


def read_instance(path: str | Path, *,
                  vehicle_fixed_cost: float = DEFAULT_VEHICLE_FIXED_COST) -> Problem:
    """Read a Solomon or Li & Lim instance file, detecting the format.

    ``vehicle_fixed_cost`` applies to Li & Lim only (Solomon's objective is distance).
    """
    fmt = detect_format(path)
    if fmt == SOLOMON:
        return read_solomon(path)
    return read_lilim(path, vehicle_fixed_cost=vehicle_fixed_cost)


def read_solomon(path: str | Path) -> Problem:
    """A Solomon VRPTW file as a `Problem` (scale 10, see the module docstring)."""
    path = Path(path)
    lines = _lines(path)
    numbered = [(i, line.strip()) for i, line in enumerate(lines, 1)]
    content = [(i, line) for i, line in numbered if line]
    if not content:
        raise InstanceFormatError(f"{path}:1: empty file")
    name = content[0][1]
    pos = next((k for k, (_, line) in enumerate(content) if line.upper() == "VEHICLE"), None)
    if pos is None:
        raise InstanceFormatError(f"{path}: no 'VEHICLE' section (not a Solomon instance?)")
    cust = next((k for k, (_, line) in enumerate(content) if line.upper() == "CUSTOMER"), None)
    if cust is None or cust < pos:
        raise InstanceFormatError(f"{path}: no 'CUSTOMER' section after 'VEHICLE'")
    fleet_row = next(((i, line) for i, line in content[pos + 1:cust]
                      if _is_number(line.split()[0])), None)
    if fleet_row is None:
        raise InstanceFormatError(
            f"{path}:{content[pos][0]}: field 'NUMBER': no 'NUMBER CAPACITY' row after VEHICLE")
    lineno, line = fleet_row
    tokens = line.split()
    if len(tokens) != 2:
        raise _err(path, lineno, "NUMBER CAPACITY",
                   f"expected 2 values (number of vehicles, capacity), got {len(tokens)}")
    fleet = _int(path, lineno, "NUMBER", tokens[0])
    capacity = _int(path, lineno, "CAPACITY", tokens[1])
    if fleet < 1:
        raise _err(path, lineno, "NUMBER", f"must be >= 1, got {fleet}")
    if capacity < 0:
        raise _err(path, lineno, "CAPACITY", f"must be >= 0, got {capacity}")

    rows: list[tuple[int, list[str]]] = []
    for lineno, line in content[cust + 1:]:
        tokens = line.split()
        if not rows and not _is_number(tokens[0]):
            continue  # the column header ("CUST NO. XCOORD. ...")
        if len(tokens) != len(_SOLOMON_FIELDS):
            field = _SOLOMON_FIELDS[min(len(tokens), len(_SOLOMON_FIELDS) - 1)]
            raise _err(path, lineno, field, f"expected {len(_SOLOMON_FIELDS)} values "
                       f"({' '.join(_SOLOMON_FIELDS)}), got {len(tokens)}")
        rows.append((lineno, tokens))
    if len(rows) < 2:
        raise InstanceFormatError(f"{path}: needs the depot (node 0) and at least one "
                                  f"customer, got {len(rows)} row(s)")

    coords: list[tuple[float, float]] = []
    demand: list[int] = []
    ready: list[int] = []
    due: list[int] = []
    service: list[int] = []
    for expected, (lineno, tokens) in enumerate(rows):
        node = _int(path, lineno, "CUST_NO", tokens[0])
        if node != expected:
            raise _err(path, lineno, "CUST_NO", f"expected node {expected} (nodes numbered "
                       f"0, 1, 2, ... with the depot first), got {node}")
        coords.append((_num(path, lineno, "XCOORD", tokens[1]),
                       _num(path, lineno, "YCOORD", tokens[2])))
        values = [_int(path, lineno, f, t) for f, t in zip(_SOLOMON_FIELDS[3:], tokens[3:],
                                                           strict=True)]
        for f, v in zip(_SOLOMON_FIELDS[3:], values, strict=True):
            if v < 0:
                raise _err(path, lineno, f, f"must be >= 0, got {v}")
        if values[2] < values[1]:
            raise _err(path, lineno, "DUE_DATE",
                       f"must be >= READY_TIME ({values[1]}), got {values[2]}")
        demand.append(values[0])
        ready.append(values[1])
        due.append(values[2])
        service.append(values[3])

    scale = SOLOMON_SCALE
    dist = solomon_matrix(coords)
    divisor = _coord_divisor(coords)
    site_ids = tuple(f"n{k}" for k in range(len(coords)))
    sites = tuple(
        Site(site_id=site_ids[k], lat=coords[k][1] / divisor, lon=coords[k][0] / divisor,
             service_s=service[k] * scale,
             time_windows=(TimeWindow(ready[k] * scale, due[k] * scale),),
             name="depot" if k == 0 else f"customer {k}")
        for k in range(len(coords)))
    tasks = tuple(
        Task(task_id=f"c{k}", kind=TaskKind.PICKUP, site_id=site_ids[k],
             amount={DIMENSION: demand[k]})
        for k in range(1, len(coords)))
    vehicles = tuple(
        Vehicle(vehicle_id=f"v{i + 1}", start_site_id=site_ids[0],
                shift_start_s=ready[0] * scale, shift_end_s=due[0] * scale,
                capacity={DIMENSION: capacity}, cost_per_km=1000.0 / scale,
                fixed_cost=0.0)
        for i in range(fleet))
    meta: dict[str, Any] = {
        "family": SOLOMON,
        "instance": name,
        "source": str(path),
        "scale": scale,
        "coords": tuple(coords),
        "coord_divisor": divisor,
        "node_site_ids": site_ids,
        "fleet_size": fleet,
        "capacity": capacity,
        "distance_convention": "euclidean truncated to 1 decimal (time = distance)",
        "objective": "total distance",
    }
    return Problem(sites=sites, vehicles=vehicles, tasks=tasks,
                   matrix=TravelMatrix(site_ids, dist, dist.copy()), name=name, meta=meta)


def read_lilim(path: str | Path, *,
               vehicle_fixed_cost: float = DEFAULT_VEHICLE_FIXED_COST) -> Problem:
    """A Li & Lim PDPTW file as a `Problem` (scale 1000, see the module docstring)."""
    path = Path(path)
    lines = _lines(path)
    content = [(i, line.strip()) for i, line in enumerate(lines, 1) if line.strip()]
    if not content:
        raise InstanceFormatError(f"{path}:1: empty file")
    lineno, line = content[0]
    tokens = line.split()
    if len(tokens) != 3:
        raise _err(path, lineno, "VEHICLES CAPACITY SPEED",
                   f"expected 3 values on the first line, got {len(tokens)}")
    fleet = _int(path, lineno, "VEHICLES", tokens[0])
    capacity = _int(path, lineno, "CAPACITY", tokens[1])
    speed = _num(path, lineno, "SPEED", tokens[2])
    if fleet < 1:
        raise _err(path, lineno, "VEHICLES", f"must be >= 1, got {fleet}")
    if capacity < 0:
        raise _err(path, lineno, "CAPACITY", f"must be >= 0, got {capacity}")

    coords: list[tuple[float, float]] = []
    demand: list[int] = []
    early: list[int] = []
    late: list[int] = []
    service: list[int] = []
    psib: list[int] = []
    dsib: list[int] = []
    linenos: list[int] = []
    for expected, (lineno, line) in enumerate(content[1:]):
        tokens = line.split()
        if len(tokens) != len(_LILIM_FIELDS):
            field = _LILIM_FIELDS[min(len(tokens), len(_LILIM_FIELDS) - 1)]
            raise _err(path, lineno, field, f"expected {len(_LILIM_FIELDS)} values "
                       f"({' '.join(_LILIM_FIELDS)}), got {len(tokens)}")
        node = _int(path, lineno, "TASK", tokens[0])
        if node != expected:
            raise _err(path, lineno, "TASK", f"expected task {expected} (tasks numbered "
                       f"0, 1, 2, ... with the depot first), got {node}")
        coords.append((_num(path, lineno, "X", tokens[1]), _num(path, lineno, "Y", tokens[2])))
        demand.append(_int(path, lineno, "DEMAND", tokens[3]))
        values = [_int(path, lineno, f, t) for f, t in zip(_LILIM_FIELDS[4:], tokens[4:],
                                                           strict=True)]
        for f, v in zip(_LILIM_FIELDS[4:], values, strict=True):
            if v < 0:
                raise _err(path, lineno, f, f"must be >= 0, got {v}")
        if values[1] < values[0]:
            raise _err(path, lineno, "LATEST", f"must be >= EARLIEST ({values[0]}), "
                       f"got {values[1]}")
        early.append(values[0])
        late.append(values[1])
        service.append(values[2])
        psib.append(values[3])
        dsib.append(values[4])
        linenos.append(lineno)
    n = len(coords)
    if n < 3:
        raise InstanceFormatError(f"{path}: needs the depot (task 0) and at least one "
                                  f"pickup/delivery pair, got {n} row(s)")
    if psib[0] or dsib[0] or demand[0]:
        raise _err(path, linenos[0], "DEMAND" if demand[0] else "PICKUP_SIBLING",
                   "the depot (task 0) must have demand 0 and no siblings")
    pairs: list[tuple[int, int]] = []
    for k in range(1, n):
        lineno = linenos[k]
        for field, sib in (("PICKUP_SIBLING", psib[k]), ("DELIVERY_SIBLING", dsib[k])):
            if sib >= n or sib == k:
                raise _err(path, lineno, field, f"must name another task in 1..{n - 1}, "
                           f"got {sib}")
        if (psib[k] == 0) == (dsib[k] == 0):
            raise _err(path, lineno, "PICKUP_SIBLING", "exactly one of PICKUP_SIBLING "
                       f"(for a delivery) and DELIVERY_SIBLING (for a pickup) must be non-zero, "
                       f"got {psib[k]} and {dsib[k]}")
        if dsib[k]:  # a pickup
            d = dsib[k]
            if psib[d] != k:
                raise _err(path, linenos[d], "PICKUP_SIBLING",
                           f"task {d} is the delivery of pickup {k}, so its PICKUP_SIBLING "
                           f"must be {k}, got {psib[d]}")
            if demand[k] < 0:
                raise _err(path, lineno, "DEMAND", f"a pickup's demand must be >= 0, "
                           f"got {demand[k]}")
            if demand[d] != -demand[k]:
                raise _err(path, linenos[d], "DEMAND", f"a delivery's demand must be minus "
                           f"its pickup's ({-demand[k]}), got {demand[d]}")
            pairs.append((k, d))
        elif dsib[psib[k]] != k:
            p = psib[k]
            raise _err(path, linenos[p], "DELIVERY_SIBLING",
                       f"task {p} is the pickup of delivery {k}, so its DELIVERY_SIBLING must "
                       f"be {k}, got {dsib[p]}")

    scale = LILIM_SCALE
    dist, dur = lilim_matrices(coords)
    divisor = _coord_divisor(coords)
    site_ids = tuple(f"n{k}" for k in range(n))
    roles = {p: "pickup" for p, _ in pairs} | {d: "delivery" for _, d in pairs}
    sites = tuple(
        Site(site_id=site_ids[k], lat=coords[k][1] / divisor, lon=coords[k][0] / divisor,
             service_s=service[k] * scale,
             time_windows=(TimeWindow(early[k] * scale, late[k] * scale),),
             name="depot" if k == 0 else f"{roles[k]} {k}")
        for k in range(n))
    tasks = tuple(
        Task(task_id=f"s{p}", kind=TaskKind.SHIPMENT, pickup_site_id=site_ids[p],
             delivery_site_id=site_ids[d], amount={DIMENSION: demand[p]})
        for p, d in pairs)
    vehicles = tuple(
        Vehicle(vehicle_id=f"v{i + 1}", start_site_id=site_ids[0],
                shift_start_s=early[0] * scale, shift_end_s=late[0] * scale,
                capacity={DIMENSION: capacity}, cost_per_km=1.0,
                fixed_cost=float(vehicle_fixed_cost))
        for i in range(fleet))
    meta: dict[str, Any] = {
        "family": LILIM,
        "instance": path.stem,
        "source": str(path),
        "scale": scale,
        "coords": tuple(coords),
        "coord_divisor": divisor,
        "node_site_ids": site_ids,
        "fleet_size": fleet,
        "capacity": capacity,
        "speed": speed,
        "pairs": tuple(pairs),
        "vehicle_fixed_cost": float(vehicle_fixed_cost),
        "distance_convention": "euclidean, double precision (time = distance)",
        "objective": "vehicles, then total distance",
    }
    return Problem(sites=sites, vehicles=vehicles, tasks=tasks,
                   matrix=TravelMatrix(site_ids, dist, dur), name=path.stem, meta=meta)


def _coord_divisor(coords: Sequence[tuple[float, float]]) -> float:
    """A power of ten (>= 1000) that maps every x to a valid lon and every y to a lat."""
    divisor = 1000.0
    max_x = max(abs(x) for x, _ in coords)
    max_y = max(abs(y) for _, y in coords)
    while max_x / divisor > 180.0 or max_y / divisor > 90.0:
        divisor *= 10.0
    return divisor


def _deltas(coords: Sequence[tuple[float, float]]) -> tuple[npt.NDArray[np.float64],
                                                            npt.NDArray[np.float64]]:
    xy = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    return xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]


def solomon_matrix(coords: Sequence[tuple[float, float]]) -> IntMatrix:
    """``floor(10 * euclid)`` between every pair of points, exact for integer coordinates."""
    dx, dy = _deltas(coords)
    if np.all(dx == np.round(dx)) and np.all(dy == np.round(dy)):
        sq = (dx.astype(np.int64) ** 2 + dy.astype(np.int64) ** 2) * 100
        root = np.floor(np.sqrt(sq.astype(np.float64))).astype(np.int64)
        root -= (root * root > sq).astype(np.int64)  # exact integer square root
        root += ((root + 1) * (root + 1) <= sq).astype(np.int64)
        return root
    return np.floor(10.0 * np.hypot(dx, dy)).astype(np.int64)


def lilim_matrices(coords: Sequence[tuple[float, float]]) -> tuple[IntMatrix, IntMatrix]:
    """``(round(1000 * euclid), ceil(1000 * euclid))``: distance and duration."""
    dx, dy = _deltas(coords)
    scaled = 1000.0 * np.hypot(dx, dy)
    return np.floor(scaled + 0.5).astype(np.int64), np.ceil(scaled).astype(np.int64)


# --------------------------------------------------------------------------- BKS tables


def read_bks_csv(path: str | Path) -> dict[str, Bks]:
    """A BKS table: ``{instance name in lower case: Bks(vehicles, distance)}``.

    Needs the columns ``instance`` and ``distance``; ``vehicles`` is optional (empty or
    missing means unknown). Other columns are ignored.
    """
    path = Path(path)
    lines = _lines(path)
    reader = csv.reader(lines)
    try:
        header = [h.strip().lstrip("\ufeff").lower() for h in next(reader)]
    except StopIteration:
        raise InstanceFormatError(f"{path}:1: empty BKS file") from None
    for required in ("instance", "distance"):
        if required not in header:
            raise _err(path, 1, required, f"missing column (the header is {header})")
    col_inst = header.index("instance")
    col_dist = header.index("distance")
    col_veh = header.index("vehicles") if "vehicles" in header else None
    table: dict[str, Bks] = {}
    for lineno, row in enumerate(reader, 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        name = row[col_inst].strip()
        if not name:
            raise _err(path, lineno, "instance", "empty instance name")
        distance = _num(path, lineno, "distance", row[col_dist].strip())
        if distance < 0:
            raise _err(path, lineno, "distance", f"must be >= 0, got {distance}")
        vehicles: int | None = None
        if col_veh is not None and row[col_veh].strip():
            vehicles = _int(path, lineno, "vehicles", row[col_veh].strip())
        table[name.lower()] = Bks(vehicles=vehicles, distance=distance)
    return table


# --------------------------------------------------------------------------- solutions


def read_solution_routes(path: str | Path) -> list[list[int]]:
    """The routes of a ``.sol`` file as lists of node numbers (depot implicit).

    Reads the CVRPLIB format (``Route #1: 5 3 7``) and the SINTEF format
    (``Route 1 : 5 3 7``); other lines (headers, ``Cost``) are ignored. Empty routes
    are dropped.
    """
    path = Path(path)
    routes: list[list[int]] = []
    for lineno, line in enumerate(_lines(path), 1):
        match = _ROUTE_LINE.match(line)
        if not match:
            continue
        route = [_int(path, lineno, f"route {match.group(1)}", t)
                 for t in match.group(2).split()]
        if route:
            routes.append(route)
    if not routes:
        raise InstanceFormatError(f"{path}: no 'Route ... :' line found")
    return routes
