"""`render_map`: layers, markers, popups, basemaps and the offline page, read back from the
generated HTML and the JavaScript Folium writes into it."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup, Tag

from maps import PlanDocument, TaskLabel, render_map
from maps._common import hhmm
from tests.maps.days import HOSTILE

#: A JavaScript string literal as Folium writes it (JSON).
JS_STRING = r'"(?:[^"\\]|\\.)*"'
GSI_ATTRIBUTION = '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>'
OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                   "contributors")


@dataclass(frozen=True)
class Marker:
    """A marker of the page: where it is, which layer holds it, its icon and popup."""

    var: str
    lat: float
    lon: float
    parent: str
    icon: Tag
    popup: BeautifulSoup


@dataclass(frozen=True)
class MapPage:
    html: str
    soup: BeautifulSoup
    markers: list[Marker]
    overlays: dict[str, str]  # layer name -> layer variable
    base_layers: dict[str, str]
    map_var: str

    def layer_of(self, marker: Marker) -> str:
        names = [name for name, var in self.overlays.items() if var == marker.parent]
        return names[0] if names else ""

    def with_attr(self, attr: str) -> list[Marker]:
        return [m for m in self.markers if m.icon.has_attr(attr)]


def _script(page: str) -> str:
    """The script Folium generates (the last one), without the inlined Leaflet."""
    scripts = BeautifulSoup(page, "html.parser").find_all("script")
    return scripts[-1].get_text()


def _div(html: str) -> Tag:
    div = BeautifulSoup(html, "html.parser").div
    assert div is not None, html
    return div


def parse_map(page: str) -> MapPage:
    script = _script(page)
    icons = {var: _div(json.loads(html))
             for var, html in re.findall(
                 rf'var (div_icon_\w+) = L\.divIcon\(\{{\s*"html": ({JS_STRING}),', script)}
    set_icon = dict(re.findall(r"(marker_\w+)\.setIcon\((div_icon_\w+)\);", script))
    popups = {var: BeautifulSoup(json.loads(html), "html.parser")
              for var, html in re.findall(rf"(\w+)\.bindPopup\(({JS_STRING}),", script)}
    markers = [Marker(var, float(lat), float(lon), parent, icons[set_icon[var]], popups[var])
               for var, lat, lon, parent in re.findall(
                   r"var (marker_\w+) = L\.marker\(\s*\[([-\d.]+), ([-\d.]+)\],\s*\{[^}]*\}"
                   r"\s*\)\.addTo\((\w+)\);", script)]
    overlays_js = re.search(r"overlays :\s*\{(.*?)\}", script, re.S)
    base_js = re.search(r"base_layers :\s*\{(.*?)\}", script, re.S)
    assert overlays_js and base_js, "no layer control in the page"
    pair = rf"({JS_STRING}) : (\w+),"
    map_var = re.search(r"var (map_\w+) = L\.map\(", script)
    assert map_var
    return MapPage(
        page, BeautifulSoup(page, "html.parser"), markers,
        {json.loads(k): v for k, v in re.findall(pair, overlays_js.group(1))},
        {json.loads(k): v for k, v in re.findall(pair, base_js.group(1))},
        map_var.group(1))


@pytest.fixture(scope="module")
def page(day_doc: PlanDocument) -> MapPage:
    return parse_map(render_map(day_doc))


def test_each_route_has_one_overlay_layer_named_by_vehicle_with_stops_and_km(
        page: MapPage, day_doc: PlanDocument) -> None:
    expected = [f"{r.vehicle_id} · {len(r.stops)} か所 stops · {r.distance_m / 1000:.1f} km"
                for r in day_doc.plan.routes]

    assert list(page.overlays) == [*expected, "未訪問 not visited"]
    assert len(set(page.overlays.values())) == len(page.overlays)


def test_stop_markers_are_numbered_in_the_visiting_order_of_their_route(
        page: MapPage, day_doc: PlanDocument) -> None:
    for route in day_doc.plan.routes:
        markers = [m for m in page.with_attr("data-stop")
                   if m.icon["data-vehicle"] == route.vehicle_id]
        expected = [(str(n), v.site_id) for n, v in enumerate(route.stops, start=1)]

        assert [(m.icon["data-stop"], m.icon["data-site"]) for m in markers] == expected
        assert [m.icon.get_text() for m in markers] == [n for n, _ in expected]
        assert {page.layer_of(m) for m in markers} == {
            next(name for name in page.overlays if name.startswith(f"{route.vehicle_id} "))}
        for marker, visit in zip(markers, route.stops, strict=True):
            label = day_doc.label(visit.site_id)
            assert (marker.lat, marker.lon) == (label.lat, label.lon)


def test_route_colours_differ_between_vehicles(page: MapPage, day_doc: PlanDocument) -> None:
    colours = {m.icon["data-vehicle"]: m.icon["style"] for m in page.with_attr("data-stop")}

    assert len(set(colours.values())) == len(day_doc.plan.routes)


def test_each_route_line_runs_through_its_visits_in_order(
        page: MapPage, day_doc: PlanDocument) -> None:
    lines = re.findall(r"L\.polyline\(\s*(\[\[.*?\]\]),.*?\)\.addTo\((\w+)\);", _script(page.html),
                       re.S)

    assert len(lines) == len(day_doc.plan.routes)
    for (coordinates, parent), route in zip(lines, day_doc.plan.routes, strict=True):
        expected = [[day_doc.label(v.site_id).lat, day_doc.label(v.site_id).lon]
                    for v in route.visits]
        assert json.loads(coordinates) == expected
        assert page.overlays[next(n for n in page.overlays
                                  if n.startswith(route.vehicle_id))] == parent


def test_the_hub_is_one_larger_marker_outside_the_route_layers(
        page: MapPage, day_doc: PlanDocument) -> None:
    hubs = page.with_attr("data-hub")

    assert [m.icon["data-hub"] for m in hubs] == ["hub"]
    assert hubs[0].icon["class"] == ["br-hub"]
    assert hubs[0].parent == _cluster_var(page)  # in no layer: always shown
    popup = hubs[0].popup.get_text()
    assert "宗像市民図書館" in popup and "Munakata City Library" in popup
    for route in day_doc.plan.routes:
        assert f"{route.vehicle_id} 出発 departs {hhmm(route.start_s)}" in popup
        assert f"{route.vehicle_id} 帰着 returns {hhmm(route.end_s)}" in popup


def test_not_visited_sites_and_unassigned_task_sites_are_grey_markers_with_the_reason(
        page: MapPage, day_doc: PlanDocument) -> None:
    grey = {m.icon["data-not-visited"]: m for m in page.with_attr("data-not-visited")}

    assert set(grey) == {"annex-closed", "post-far"}
    assert {page.layer_of(m) for m in grey.values()} == {"未訪問 not visited"}
    closed = grey["annex-closed"].popup.get_text()
    assert "須恵分館" in closed and "Sue Annex" in closed and "休館日 closed today" in closed
    far = grey["post-far"].popup.get_text()
    (unassigned,) = day_doc.plan.unassigned
    assert "大島港返却ポスト" in far and "返却本 returns ← 大島港ポスト" in far
    assert unassigned.reason.value in far and unassigned.detail in far


def test_stop_popups_give_names_times_actions_and_counts_in_japanese_and_english(
        page: MapPage, day_doc: PlanDocument) -> None:
    route = next(r for r in day_doc.plan.routes if any(v.site_id == "sch-1" for v in r.stops))
    visit = next(v for v in route.stops if v.site_id == "sch-1")
    marker = next(m for m in page.with_attr("data-stop") if m.icon["data-site"] == "sch-1")
    text = marker.popup.get_text(" ")

    for expected in ("第一小学校", "No. 1 Elementary School", route.vehicle_id,
                     f"到着 arrival {hhmm(visit.arrival_s)}",
                     f"出発 departure {hhmm(visit.departure_s)}",
                     "配達 delivery: 団体貸出 class loan → 第一小学校",
                     "2 箱 crates · 61 冊 items"):
        assert expected in text


def test_the_page_loads_no_script_style_or_image_from_the_network(page: MapPage) -> None:
    soup = page.soup

    assert soup.find_all("script", src=True) == []
    assert soup.find_all("link") == []
    assert soup.find_all("img") == []
    for style in soup.find_all("style"):
        assert not re.search(r"url\(\s*[\"']?(https?:|//|images/)", style.get_text())
        assert "@import" not in style.get_text()
    for banned in ("jquery", "bootstrap", "awesome-markers", "awesome_markers",
                   "font-awesome", "fontawesome", "cdn.jsdelivr", "cdnjs", "unpkg"):
        assert banned not in page.html.lower(), banned


def test_leaflet_and_its_plugins_are_inlined_with_images_as_data_urls(page: MapPage) -> None:
    scripts = [s.get_text() for s in page.soup.find_all("script")]
    styles = "\n".join(s.get_text() for s in page.soup.find_all("style"))

    assert any('version="1.9.4"' in s for s in scripts)
    assert any("MarkerClusterGroup" in s and "spiderfy" in s for s in scripts)
    assert any("Leaflet.FeatureGroup.SubGroup 1.0.2" in s for s in scripts)
    assert ".leaflet-cluster-anim" in styles
    assert "sourceMappingURL" not in page.html
    assert styles.count("data:image/png;base64,") == 3  # layers, layers-2x, marker-icon
    assert ".leaflet-control-layers-toggle" in styles


def test_the_generated_script_uses_no_jquery_and_links_only_tiles_and_attributions(
        page: MapPage) -> None:
    script = _script(page.html)

    assert "$(" not in script and "jQuery" not in script
    assert set(re.findall(r"https?://[^\"\\\s]+", script)) == {
        "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
        "https://maps.gsi.go.jp/development/ichiran.html",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://www.openstreetmap.org/copyright",
    }


def _tile_layers(page: MapPage) -> list[tuple[str, str, bool]]:
    """(url, attribution, shown at start) of each tile layer, in page order."""
    script = _script(page.html)
    layers = []
    for var, url, options in re.findall(
            rf"var (tile_layer_\w+) = L\.tileLayer\(\s*({JS_STRING}),\s*\{{(.*?)\}}\s*\);",
            script, re.S):
        attribution = re.search(rf'"attribution": ({JS_STRING})', options)
        assert attribution
        layers.append((json.loads(url), json.loads(attribution.group(1)),
                       f"{var}.addTo({page.map_var})" in script))
    return layers


def test_gsi_and_osm_basemaps_carry_their_attributions_and_the_first_is_shown(
        page: MapPage) -> None:
    assert _tile_layers(page) == [
        ("https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png", GSI_ATTRIBUTION, True),
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", OSM_ATTRIBUTION, False),
    ]
    assert list(page.base_layers) == ["地理院タイル (GSI)", "OpenStreetMap"]


def test_basemaps_argument_chooses_the_layers_and_their_order(day_doc: PlanDocument) -> None:
    page = parse_map(render_map(day_doc, basemaps=("osm", "gsi")))

    assert [(url.split("/")[2], shown) for url, _, shown in _tile_layers(page)] == [
        ("tile.openstreetmap.org", True), ("cyberjapandata.gsi.go.jp", False)]
    assert _tile_layers(parse_map(render_map(day_doc, basemaps=()))) == []


@pytest.mark.parametrize("basemaps", [("gsi", "google"), ("gsi", "gsi")])
def test_an_unknown_or_repeated_basemap_is_a_value_error_naming_it(
        day_doc: PlanDocument, basemaps: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match=repr(basemaps[-1])):
        render_map(day_doc, basemaps=basemaps)


def _cluster_var(page: MapPage) -> str:
    found = re.search(r"var (marker_cluster_\w+) = L\.markerClusterGroup\(", _script(page.html))
    assert found, "no cluster group in the page"
    return found.group(1)


def _legend(page: MapPage) -> BeautifulSoup:
    """The legend control's HTML (the page's script puts it into a bottom-left control)."""
    script = _script(page.html)
    control = re.search(r'L\.control\(\{position: "bottomleft"\}\);.*?\.innerHTML = '
                        rf"({JS_STRING});", script, re.S)
    assert control, "no legend control in the bottom-left corner"
    return BeautifulSoup(json.loads(control.group(1)), "html.parser")


def test_every_marker_is_in_the_one_cluster_group_through_its_layer(page: MapPage) -> None:
    cluster = _cluster_var(page)
    script = _script(page.html)
    subgroups = set(re.findall(rf"var (feature_group_sub_group_\w+) = L\.featureGroup\.subGroup"
                               rf"\(\s*{cluster}\s*\);", script))

    assert set(page.overlays.values()) == subgroups
    assert {m.parent for m in page.markers} == subgroups | {cluster}
    assert '"maxClusterRadius": 40' in script and '"spiderfyOnMaxZoom": true' in script
    for marker in page.markers:  # what the cluster's icon shows of each marker
        declared = re.search(rf"var {marker.var} = L\.marker\(.*?\{{(.*?)\}}", script, re.S)
        assert declared and '"brKey"' in declared.group(1) and '"brTitle"' in declared.group(1)


def test_the_layer_control_is_collapsed_on_a_phone_and_open_on_a_desktop(page: MapPage) -> None:
    assert re.search(r'L\.control\.layers\(.*?\{"collapsed": window\.matchMedia\('
                     r"'\(max-width: 640px\)'\)\.matches\}", _script(page.html), re.S)


def test_the_legend_lists_vehicle_colours_the_hub_and_grey(
        page: MapPage, day_doc: PlanDocument) -> None:
    legend = _legend(page).select_one("details")

    assert legend is not None and legend.has_attr("open")
    text = legend.get_text(" ")
    for route in day_doc.plan.routes:
        assert route.vehicle_id in text
    assert "拠点 hub: 宗像市民図書館" in text and "not visited" in text
    assert len(legend.select("span.swatch")) == len(day_doc.plan.routes)


def test_the_first_view_fits_every_stop_and_the_hub(page: MapPage) -> None:
    bounds = re.search(r"\}\)\(map_\w+, (\[\[.*?\]\])\);", _script(page.html))

    assert bounds, "no fit of the first view"
    (south, west), (north, east) = json.loads(bounds.group(1))
    routed = [m for m in page.markers if not m.icon.has_attr("data-not-visited")]
    assert routed
    assert [south, west, north, east] == [min(m.lat for m in routed),
                                          min(m.lon for m in routed),
                                          max(m.lat for m in routed),
                                          max(m.lon for m in routed)]


def test_hostile_names_notes_and_reasons_are_escaped_in_the_map(
        hostile_doc: PlanDocument) -> None:
    html = render_map(hostile_doc)
    page = parse_map(html)

    assert 'alert("x")' not in html  # only as escaped text, never as markup
    # Leaflet, Leaflet.markercluster, Leaflet.FeatureGroup.SubGroup, Folium's switches, the map
    assert len(page.soup.find_all("script")) == 5
    assert page.soup.title is not None and page.soup.title.get_text().startswith(HOSTILE)
    stop = next(m for m in page.with_attr("data-stop") if m.icon["data-site"] == "lib-a")
    assert stop.popup.find("script") is None and stop.popup.find("b", string="bold") is None
    assert HOSTILE in stop.popup.get_text() and "<b>bold</b> & co" in stop.popup.get_text()
    grey = page.with_attr("data-not-visited")[0]
    assert grey.popup.find("script") is None and HOSTILE in grey.popup.get_text()


def test_a_labelled_task_shows_its_label_in_popups_and_warnings_in_the_legend(
        day_doc: PlanDocument) -> None:
    labelled = dataclasses.replace(
        day_doc, task_labels={t.task_id: TaskLabel(t.kind.value, t.kind.value, ("推計",))
                              for t in day_doc.problem.tasks},
        mark_meanings={"推計": "estimate: FY2023 annual figures"},
        warnings=("注意 warning: figures of FY2023",))
    page = parse_map(render_map(labelled))
    stop = next(m for m in page.with_attr("data-stop") if m.icon["data-site"] == "sch-1")
    assert "推計 estimate: FY2023 annual figures" in stop.popup.get_text(" ")
    grey = next(m for m in page.with_attr("data-not-visited")
                if m.icon["data-not-visited"] == "post-far")
    assert "推計 estimate: FY2023 annual figures" in grey.popup.get_text(" ")
    warning = _legend(page).select_one("div.warning")
    assert warning is not None and warning.get_text() == "注意 warning: figures of FY2023"
    plain = parse_map(render_map(day_doc))
    assert "推計" not in plain.html
