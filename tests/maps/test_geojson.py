"""`plan_geojson`: an RFC 7946 FeatureCollection, read back through `json`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from maps import PlanDocument, plan_geojson


@pytest.fixture(scope="module")
def collection(day_doc: PlanDocument) -> dict[str, Any]:
    """The GeoJSON after a round trip through JSON text, as a reader would see it."""
    result: dict[str, Any] = json.loads(json.dumps(plan_geojson(day_doc), ensure_ascii=False))
    return result


def _of_type(collection: dict[str, Any], feature_type: str) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["feature_type"] == feature_type]


def _positions(collection: dict[str, Any]) -> list[list[float]]:
    found: list[list[float]] = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        found.extend([geometry["coordinates"]] if geometry["type"] == "Point"
                     else geometry["coordinates"])
    return found


def test_it_is_a_feature_collection_without_a_crs_member(collection: dict[str, Any]) -> None:
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    assert all(f["type"] == "Feature" and "crs" not in f for f in collection["features"])
    assert {f["geometry"]["type"] for f in collection["features"]} == {"Point", "LineString"}


def test_features_are_the_stops_then_the_routes_then_the_not_visited_sites(
        collection: dict[str, Any], day_doc: PlanDocument) -> None:
    routes = day_doc.plan.routes
    kinds = [f["properties"]["feature_type"] for f in collection["features"]]

    assert kinds == (["stop"] * sum(len(r.stops) for r in routes) + ["route"] * len(routes)
                     + ["not_visited"] * 2)
    assert [(f["properties"]["vehicle_id"], f["properties"]["stop"], f["properties"]["site_id"])
            for f in _of_type(collection, "stop")] == [
        (r.vehicle_id, n, v.site_id) for r in routes for n, v in enumerate(r.stops, start=1)]


def test_positions_are_lon_lat_rounded_to_six_decimals_and_in_range(
        collection: dict[str, Any], day_doc: PlanDocument) -> None:
    for lon, lat in _positions(collection):
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert round(lon, 6) == lon and round(lat, 6) == lat
    for feature in _of_type(collection, "stop") + _of_type(collection, "not_visited"):
        label = day_doc.label(feature["properties"]["site_id"])
        assert feature["geometry"]["coordinates"] == [label.lon, label.lat]  # lon first


def test_coordinates_keep_only_six_decimals(day_doc: PlanDocument) -> None:
    hub = day_doc.sites["hub"]
    precise = {**day_doc.sites, "hub": type(hub)(hub.site_id, hub.name_ja, 33.80551234567,
                                                  130.54051234567)}
    doc = PlanDocument(day_doc.title, day_doc.date, day_doc.problem, day_doc.plan, precise,
                       "hub")

    line = _of_type(plan_geojson(doc), "route")[0]

    assert line["geometry"]["coordinates"][0] == [130.540512, 33.805512]


def test_each_route_line_runs_from_the_hub_through_its_visits(
        collection: dict[str, Any], day_doc: PlanDocument) -> None:
    lines = _of_type(collection, "route")

    assert len(lines) == len(day_doc.plan.routes)
    for line, route in zip(lines, day_doc.plan.routes, strict=True):
        assert line["geometry"]["type"] == "LineString"
        assert line["geometry"]["coordinates"] == [
            [day_doc.label(v.site_id).lon, day_doc.label(v.site_id).lat] for v in route.visits]
        props = line["properties"]
        assert (props["vehicle_id"], props["distance_m"], props["duration_s"], props["stops"]) == (
            route.vehicle_id, route.distance_m, route.duration_s, len(route.stops))


def test_stop_times_are_iso_local_times_with_the_japan_offset(
        collection: dict[str, Any], day_doc: PlanDocument) -> None:
    midnight = dt.datetime.combine(day_doc.date, dt.time(),
                                   tzinfo=dt.timezone(dt.timedelta(hours=9)))
    stops = [v for r in day_doc.plan.routes for v in r.stops]

    for feature, visit in zip(_of_type(collection, "stop"), stops, strict=True):
        props = feature["properties"]
        assert props["arrival"].endswith("+09:00") and props["departure"].endswith("+09:00")
        assert dt.datetime.fromisoformat(props["arrival"]) == midnight + dt.timedelta(
            seconds=visit.arrival_s)
        assert dt.datetime.fromisoformat(props["departure"]) == midnight + dt.timedelta(
            seconds=visit.departure_s)


def test_stop_properties_name_the_site_its_actions_and_loads(
        collection: dict[str, Any]) -> None:
    props = next(f["properties"] for f in _of_type(collection, "stop")
                 if f["properties"]["site_id"] == "sch-1")

    assert (props["name_ja"], props["name_en"], props["kind"]) == (
        "第一小学校", "No. 1 Elementary School", "school")
    assert props["actions"] == [{"kind": "delivery", "task_id": "del-sch-1",
                                 "note": "団体貸出 class loan → 第一小学校"}]
    assert (props["crates_on"], props["crates_off"], props["items_off"]) == (0, 2, 61)
    assert isinstance(props["stop"], int) and isinstance(props["load_crates_after"], int)


def test_not_visited_points_give_the_reason(collection: dict[str, Any]) -> None:
    points = {f["properties"]["site_id"]: f["properties"]
              for f in _of_type(collection, "not_visited")}

    assert set(points) == {"annex-closed", "post-far"}
    assert all(p["visited"] is False for p in points.values())
    assert points["annex-closed"]["reason"] == "休館日 closed today"
    assert "not_worth_detour" in points["post-far"]["reason"]
    assert points["post-far"]["unassigned_task_ids"] == ["pick-post-far"]
