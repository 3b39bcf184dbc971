"""The solved day as an RFC 7946 GeoJSON FeatureCollection (for QGIS, geojson.io, web maps).

Positions are ``[lon, lat]`` (longitude first, as RFC 7946 requires) in WGS 84, rounded
to 6 decimals; there is no ``crs`` member. Features, in this order:

- per used route, a ``Point`` per stop (hub start and end excluded; the route's line
  begins and ends there) with ``feature_type: "stop"``;
- per used route, a ``LineString`` through all its visits with ``feature_type: "route"``;
- a ``Point`` per site not visited or holding an unassigned task (the grey markers of
  the map) with ``feature_type: "not_visited"`` and ``visited: false``.

Times are ISO-8601 local times with the Japan offset (``2023-11-15T10:05:00+09:00``).
Loads are flat per capacity dimension ``d``: ``d_on``, ``d_off``, ``load_d_after``.
``marker-color`` and ``stroke`` follow the simplestyle convention, with the map's colours.
"""

from __future__ import annotations

from typing import Any

from maps._common import GREY, grey_sites, iso_local, moved_at, route_colour, used_routes
from maps.document import PlanDocument
from routing.result import Route, Visit

#: Decimals kept in coordinates (about 0.1 m).
COORDINATE_DECIMALS = 6


def plan_geojson(doc: PlanDocument) -> dict[str, Any]:
    """The day as a GeoJSON FeatureCollection (a plain dict, ready for `json.dumps`)."""
    stops: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for index, route in enumerate(used_routes(doc.plan)):
        colour = route_colour(index)
        for number, visit in enumerate(route.visits):
            if visit in route.stops:
                stops.append(_stop_feature(doc, route, visit, number, colour))
        lines.append(_route_feature(doc, route, colour))
    grey = [_point(doc, site.site_id, {
        "feature_type": "not_visited",
        "site_id": site.site_id,
        "name_ja": doc.label(site.site_id).name_ja,
        "name_en": doc.label(site.site_id).name_en,
        "visited": False,
        "reason": "; ".join(site.reasons),
        "unassigned_task_ids": list(site.unassigned_task_ids),
        "marker-color": GREY,
    }) for site in grey_sites(doc)]
    return {"type": "FeatureCollection", "features": [*stops, *lines, *grey]}


def _position(doc: PlanDocument, site_id: str) -> list[float]:
    label = doc.label(site_id)
    return [round(float(label.lon), COORDINATE_DECIMALS),
            round(float(label.lat), COORDINATE_DECIMALS)]


def _point(doc: PlanDocument, site_id: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": _position(doc, site_id)},
            "properties": properties}


def _stop_feature(doc: PlanDocument, route: Route, visit: Visit, number: int,
                  colour: str) -> dict[str, Any]:
    label = doc.label(visit.site_id)
    on, off = moved_at(doc.problem, visit)
    properties: dict[str, Any] = {
        "feature_type": "stop",
        "vehicle_id": route.vehicle_id,
        "stop": number,
        "site_id": visit.site_id,
        "name_ja": label.name_ja,
        "name_en": label.name_en,
        "kind": label.kind,
        "arrival": iso_local(doc.date, visit.arrival_s),
        "start": iso_local(doc.date, visit.start_s),
        "departure": iso_local(doc.date, visit.departure_s),
        "waiting_s": visit.waiting_s,
        "actions": [{"kind": a.kind.value, "task_id": a.task_id,
                     "note": doc.problem.task(a.task_id).note} for a in visit.actions],
    }
    for dim in doc.problem.capacity_dimensions:
        properties[f"{dim}_on"] = on[dim]
        properties[f"{dim}_off"] = off[dim]
        properties[f"load_{dim}_after"] = int(visit.load_after.get(dim, 0))
    properties["marker-color"] = colour
    return _point(doc, visit.site_id, properties)


def _route_feature(doc: PlanDocument, route: Route, colour: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "LineString",
                     "coordinates": [_position(doc, v.site_id) for v in route.visits]},
        "properties": {
            "feature_type": "route",
            "vehicle_id": route.vehicle_id,
            "distance_m": route.distance_m,
            "duration_s": route.duration_s,
            "driving_s": route.driving_s,
            "stops": len(route.stops),
            "start_site_id": route.visits[0].site_id,
            "end_site_id": route.visits[-1].site_id,
            "departure": iso_local(doc.date, route.start_s),
            "arrival": iso_local(doc.date, route.end_s),
            "stroke": colour,
        },
    }
