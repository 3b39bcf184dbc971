"""The ``travel`` block of a problem document, checked and then built into a `TravelMatrix`:
an explicit matrix, or geodesic with fixed legs (ferries) and leg-only sites (islands)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from routing.documents.checked import MISSING, Checker, DocumentError, show
from routing.documents.model_errors import model_errors
from routing.errors import FormatError, ProblemError
from routing.matrix import FixedLeg, geodesic_matrix, matrix_from_lists
from routing.problem import MAX_TIME_S, Site, TravelMatrix

_TRAVEL_KEYS = ("matrix", "geodesic", "fixed_legs", "leg_only_sites")
_MATRIX_KEYS = ("site_ids", "distance_m", "duration_s")
_GEODESIC_KEYS = ("circuity", "speed_kmh", "precise")
_LEG_REQUIRED = ("from", "to", "distance_m", "duration_s")
_LEG_OPTIONAL = ("bidirectional", "name")
#: The longest leg a document may give, in metres (100,000 km) and in seconds (the model's
#: time bound): larger numbers are typos, and would overflow the solver's 64-bit integers.
MAX_LEG_M = 100_000_000
MAX_LEG = {"distance_m": MAX_LEG_M, "duration_s": MAX_TIME_S}


def read_travel(check: Checker, raw: Any,
                site_ids: Mapping[str, str]) -> dict[str, Any] | None:
    """The checked travel block: ``{"matrix": ...}`` or ``{"geodesic": ...}`` holding the
    arguments of the matrix builder, or None when it has a problem (reported)."""
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


def _read_leg_only(check: Checker, raw: Any,
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
    if raw is not MISSING and not isinstance(raw, list | tuple):
        check.fail(path, "must be an array of site ids or an object of site id -> group "
                   f"name, got {show(raw)}")
        return ()
    leg_only: list[str] = []
    for k, entry in enumerate(raw):
        site_id = check.reference(f"{path}[{k}]", entry, site_ids, "site")
        if site_id is not None and site_id in leg_only:
            check.fail(f"{path}[{k}]", f"{site_id!r} is listed twice")
        elif site_id is not None:
            leg_only.append(site_id)
    return tuple(leg_only)


def _read_leg(check: Checker, path: str, raw: Any,
              site_ids: Mapping[str, str]) -> FixedLeg | None:
    before = len(check.found)
    obj = check.obj(path, raw, _LEG_REQUIRED, _LEG_OPTIONAL)
    if obj is None:
        return None
    from_id = check.reference(f"{path}.from", obj.get("from", MISSING), site_ids, "site")
    to_id = check.reference(f"{path}.to", obj.get("to", MISSING), site_ids, "site")
    if from_id is not None and from_id == to_id:
        check.fail(f"{path}.to", f"must differ from 'from', got {to_id!r} twice")
    distance_m = check.integer(f"{path}.distance_m", obj.get("distance_m", MISSING),
                               maximum=MAX_LEG_M)
    duration_s = check.integer(f"{path}.duration_s", obj.get("duration_s", MISSING))
    bidirectional = check.boolean(f"{path}.bidirectional", obj.get("bidirectional", True))
    name = check.string(f"{path}.name", obj.get("name", ""))
    if (len(check.found) > before or from_id is None or to_id is None or distance_m is None
            or duration_s is None):
        return None  # reported here, or (an unreadable site id) where the site is read
    return FixedLeg(from_id, to_id, distance_m, duration_s, bidirectional=bool(bidirectional),
                    name=name or "")


def _read_matrix(check: Checker, raw: Any,
                 site_ids: Mapping[str, str]) -> dict[str, Any] | None:
    path = "travel.matrix"
    obj = check.obj(path, raw, _MATRIX_KEYS)
    if obj is None:
        return None
    before = len(check.found)
    ids: list[str] = []
    for k, entry in enumerate(check.array(f"{path}.site_ids", obj.get("site_ids", MISSING))
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
        rows = check.array(f"{path}.{name}", obj.get(name, MISSING))
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
            values.append([check.integer(f"{path}.{name}[{r}][{c}]", cell, maximum=MAX_LEG[name])
                           or 0
                           for c, cell in enumerate(cells)])
        result[name] = values
    return result if len(check.found) == before else None


def build_matrix(travel: Mapping[str, Any], sites: list[Site]) -> TravelMatrix:
    """The travel matrix of a checked travel block (see `read_travel`) for ``sites``."""
    if "matrix" in travel:
        spec = travel["matrix"]
        with model_errors("travel.matrix"):
            return matrix_from_lists(spec["site_ids"], spec["distance_m"], spec["duration_s"])
    try:
        return geodesic_matrix(sites, **travel["geodesic"])
    except ProblemError as exc:  # about the matrix as a whole: the travel block's own reason
        whole = exc.object_kind == "matrix" and exc.field is None
        raise DocumentError([FormatError("travel", exc.reason if whole else str(exc))]) from exc
    except ValueError as exc:  # a plain ValueError from routing.matrix
        raise DocumentError([FormatError("travel", str(exc))]) from exc
