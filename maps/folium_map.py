"""The route map of a solved day: one self-contained HTML page that works offline.

`render_map` draws each route in its own colour and layer (a polyline through its visits
and numbered stop markers), the hub once, and the not-visited sites in grey, with a
legend and popups in Japanese and English. Leaflet 1.9.4 is inlined from the vendored
copy in ``maps/assets/`` (no CDN, no jQuery, no Bootstrap, no Font Awesome): only the
basemap tiles need the network, and without it the routes still show on a blank ground.

Hooks for machines (tests, scripts) in the marker icons' HTML: ``data-vehicle``,
``data-stop`` (1, 2, ... in visiting order) and ``data-site`` on each stop marker;
``data-hub`` on the hub marker; ``data-not-visited`` on each grey marker. The icons are
JSON strings in the page's last ``<script>`` (``L.divIcon({"html": ...})``) until Leaflet
puts them in the DOM; tests/maps/test_folium_map.py shows how to read them back.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import folium
from branca.element import Figure, MacroElement
from folium.template import Template

from maps._common import (
    ACTION_LABELS,
    GREY,
    HUB_COLOUR,
    amount_text,
    date_ja,
    grey_sites,
    hhmm,
    labelled_task_html,
    moved_at,
    route_colour,
    used_routes,
    whole_minutes,
)
from maps.document import PlanDocument
from routing.result import Route, Visit, VisitKind

LEAFLET_VERSION = "1.9.4"
NOT_VISITED_LAYER = "未訪問 not visited"


@dataclass(frozen=True)
class Basemap:
    """A tile layer the map can offer."""

    key: str
    name: str
    url: str
    attribution: str
    max_zoom: int


#: The basemaps `render_map` knows, by the key its ``basemaps`` argument uses.
BASEMAPS: Mapping[str, Basemap] = MappingProxyType({
    "gsi": Basemap(
        "gsi", "地理院タイル (GSI)", "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
        '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>', 18),
    "osm": Basemap(
        "osm", "OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
        "contributors", 19),
})

_STYLE = """<style>
.leaflet-container { font-family: "Hiragino Kaku Gothic ProN", "Hiragino Sans", Meiryo,
  "Yu Gothic", "Noto Sans CJK JP", "Noto Sans JP", sans-serif; }
.br-icon { background: none; border: none; }
.br-stop, .br-hub, .br-grey { display: flex; align-items: center; justify-content: center;
  box-sizing: border-box; color: #fff; font-weight: bold; border: 2px solid #fff;
  box-shadow: 0 0 3px rgba(0, 0, 0, .6); }
.br-stop { width: 24px; height: 24px; border-radius: 50%; font-size: 12px; }
.br-hub { width: 32px; height: 32px; border-radius: 6px; font-size: 16px;
  background: """ + HUB_COLOUR + """; }
.br-grey { width: 18px; height: 18px; border-radius: 50%; font-size: 11px;
  background: """ + GREY + """; }
.br-popup { font-size: 13px; line-height: 1.45; }
.br-popup .en { color: #555; font-size: 12px; }
.br-popup ul { margin: 4px 0; padding-left: 18px; }
.br-popup .task-label { color: #555; font-size: 12px; }
.br-legend { position: fixed; bottom: 24px; left: 12px; z-index: 1000; background: #fff;
  padding: 8px 10px; border-radius: 6px; box-shadow: 0 0 6px rgba(0, 0, 0, .3);
  font: 12px/1.5 "Hiragino Kaku Gothic ProN", Meiryo, "Noto Sans JP", sans-serif; }
.br-legend .title { font-weight: bold; margin-bottom: 2px; }
.br-legend .swatch { display: inline-block; width: 18px; height: 4px; margin-right: 6px;
  vertical-align: middle; }
.br-legend .dot { display: inline-block; width: 12px; height: 12px; margin: 0 9px 0 3px;
  vertical-align: middle; border-radius: 50%; }
.br-legend .warning { max-width: 320px; font-weight: bold; color: #b00; margin-bottom: 4px; }
</style>"""


class _BindPopup(MacroElement):
    """Binds a popup and a tooltip of ready-made (escaped) HTML to its parent layer.

    Used instead of `folium.Popup`/`folium.Tooltip`: those build the content with
    jQuery inside a JavaScript template literal; here the HTML goes in as a JSON string.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.popup_html|tojson }},
                {"maxWidth": 380});
            {{ this._parent.get_name() }}.bindTooltip({{ this.tooltip_html|tojson }});
        {% endmacro %}
        """)

    def __init__(self, popup_html: str, tooltip_html: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "BindPopup"
        self.popup_html = popup_html
        self.tooltip_html = tooltip_html


def _bind(layer: Any, popup_html: str, tooltip_html: str) -> None:
    """Give a marker or line its popup and tooltip (HTML, already escaped)."""
    layer.add_child(_BindPopup(popup_html, tooltip_html))


def render_map(doc: PlanDocument, *, basemaps: tuple[str, ...] = ("gsi", "osm")) -> str:
    """The day's route map as a complete HTML page (UTF-8 text).

    Parameters
    ----------
    doc
        The solved day.
    basemaps
        Keys of `BASEMAPS` to offer, the first shown by default; ``()`` draws no tiles
        (the routes on a blank ground, fully offline).

    Raises
    ------
    ValueError
        For an unknown or repeated basemap key.
    """
    for key in basemaps:
        if key not in BASEMAPS:
            known = ", ".join(repr(k) for k in BASEMAPS)
            raise ValueError(f"render_map argument 'basemaps': unknown basemap {key!r} "
                             f"(known: {known})")
    if len(set(basemaps)) != len(basemaps):
        raise ValueError(f"render_map argument 'basemaps': repeated basemap in {basemaps!r}")

    hub = doc.label(doc.hub_site_id)
    fmap = folium.Map(location=(hub.lat, hub.lon), zoom_start=12, tiles=None,
                      control_scale=True)
    # Instance attributes: the class-level lists of folium stay untouched.
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    assert isinstance(root, Figure)  # folium.Map puts itself in a Figure
    root.header.add_child(folium.Element(f"<title>{escape(_title(doc))}</title>"),
                          name="br_title")
    root.header.add_child(folium.Element(_inline_leaflet()), name="br_leaflet")
    root.header.add_child(folium.Element(_STYLE), name="br_style")

    for index, key in enumerate(basemaps):
        base = BASEMAPS[key]
        folium.TileLayer(tiles=base.url, attr=base.attribution, name=base.name,
                         max_zoom=base.max_zoom, overlay=False, control=True,
                         show=index == 0).add_to(fmap)

    points: list[tuple[float, float]] = [(hub.lat, hub.lon)]
    routes = used_routes(doc.plan)
    for index, route in enumerate(routes):
        points.extend(_add_route(fmap, doc, route, route_colour(index)))
    for site_id in dict.fromkeys(v.site_id for r in routes for v in (r.visits[0], r.visits[-1])
                                 if v.site_id != doc.hub_site_id):
        points.append(_add_hub(fmap, doc, site_id, routes))
    points.append(_add_hub(fmap, doc, doc.hub_site_id, routes))
    points.extend(_add_grey_layer(fmap, doc))

    folium.LayerControl(collapsed=False).add_to(fmap)
    root.html.add_child(folium.Element(_legend_html(doc, routes)), name="br_legend")
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30),
                    max_zoom=16)
    return str(root.render())


def _title(doc: PlanDocument) -> str:
    return f"{doc.title} — {date_ja(doc.date)}" if doc.title else date_ja(doc.date)


@functools.cache
def _inline_leaflet() -> str:
    """Leaflet's script and stylesheet as inline ``<script>`` and ``<style>`` elements,
    the stylesheet's images turned into ``data:`` URLs."""
    folder = files("maps") / "assets" / f"leaflet-{LEAFLET_VERSION}"
    script = (folder / "leaflet.js").read_text(encoding="utf-8")
    script = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", script)
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_url(match: re.Match[str]) -> str:
        png = (folder / "images" / match.group(1)).read_bytes()
        return f'url("data:image/png;base64,{base64.b64encode(png).decode("ascii")}")'

    css = re.sub(r"""url\(["']?images/([\w.-]+\.png)["']?\)""", data_url, css)
    if "</script" in script.lower() or "</style" in css.lower():  # pragma: no cover
        raise RuntimeError("the vendored Leaflet cannot be inlined: it closes its own tag")
    return f"<style>\n{css}\n</style>\n<script>\n{script}\n</script>"


def _add_route(fmap: folium.Map, doc: PlanDocument, route: Route,
               colour: str) -> list[tuple[float, float]]:
    """The route's layer: its polyline and numbered stop markers; returns its points."""
    stops = route.stops
    km = route.distance_m / 1000
    group = folium.FeatureGroup(
        name=f"{route.vehicle_id} · {len(stops)} か所 stops · {km:.1f} km", show=True)
    points = [(doc.label(v.site_id).lat, doc.label(v.site_id).lon) for v in route.visits]
    line = folium.PolyLine(points, color=colour, weight=4,  # type: ignore[no-untyped-call]
                           opacity=0.8)
    _bind(line,
          f'<div class="br-popup"><b>{escape(route.vehicle_id)}</b><br>'
          f"{hhmm(route.start_s)}–{hhmm(route.end_s)} · {len(stops)} か所 stops · {km:.1f} km"
          "</div>",
          f"{escape(route.vehicle_id)} {km:.1f} km")
    line.add_to(group)
    for number, visit in enumerate(stops, start=1):
        label = doc.label(visit.site_id)
        icon = folium.DivIcon(
            html=(f'<div class="br-stop" style="background:{colour}" '
                  f'data-vehicle="{escape(route.vehicle_id)}" data-stop="{number}" '
                  f'data-site="{escape(visit.site_id)}">{number}</div>'),
            icon_size=(24, 24), icon_anchor=(12, 12), class_name="br-icon")
        marker = folium.Marker((label.lat, label.lon), icon=icon)
        _bind(marker, _stop_popup(doc, route, visit, number),
              f"{number}. {escape(label.name_ja)}")
        marker.add_to(group)
    group.add_to(fmap)
    return points


def _site_heading(doc: PlanDocument, site_id: str) -> str:
    label = doc.label(site_id)
    heading = f"<b>{escape(label.name_ja)}</b>"
    if label.name_en:
        heading += f'<br><span class="en">{escape(label.name_en)}</span>'
    if label.address_ja:
        heading += f'<br><span class="en">{escape(label.address_ja)}</span>'
    if label.accuracy_m is not None:
        heading += f'<br><span class="en">位置精度 accuracy ±{label.accuracy_m} m</span>'
    return heading


def _action_items(doc: PlanDocument, visit: Visit) -> str:
    dims = doc.problem.capacity_dimensions
    items = []
    for action in visit.actions:
        ja, en = ACTION_LABELS[action.kind]
        amount = amount_text(doc.problem.task(action.task_id).amount, dims)
        items.append(f"<li>{ja} {en}: {labelled_task_html(doc, action.task_id)}"
                     + (f" — {escape(amount)}" if amount else "") + "</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _stop_popup(doc: PlanDocument, route: Route, visit: Visit, number: int) -> str:
    times = f"到着 arrival {hhmm(visit.arrival_s)} – 出発 departure {hhmm(visit.departure_s)}"
    if visit.waiting_s:
        times += (f"<br>待機 wait {whole_minutes(visit.waiting_s)} 分 min, "
                  f"作業開始 start {hhmm(visit.start_s)}")
    dims = doc.problem.capacity_dimensions
    on_board = amount_text(visit.load_after, dims) or "0"
    return (f'<div class="br-popup">{_site_heading(doc, visit.site_id)}'
            f"<br>{escape(route.vehicle_id)} — {number} 番目 stop {number}<br>{times}"
            f"{_action_items(doc, visit)}"
            f"車内 on board after: {escape(on_board)}</div>")


def _add_hub(fmap: folium.Map, doc: PlanDocument, site_id: str,
             routes: Iterable[Route]) -> tuple[float, float]:
    """One marker for a start/end site, listing every van leaving from or returning to it."""
    label = doc.label(site_id)
    lines = []
    for route in routes:
        first, last = route.visits[0], route.visits[-1]
        for visit, what in ((first, "出発 departs"), (last, "帰着 returns")):
            if visit.site_id != site_id:
                continue
            time_s = visit.departure_s if visit.kind is VisitKind.START else visit.arrival_s
            on, off = moved_at(doc.problem, visit)
            moved = amount_text(on if visit.kind is VisitKind.START else off,
                                doc.problem.capacity_dimensions)
            lines.append(f"<li>{escape(route.vehicle_id)} {what} {hhmm(time_s)}"
                         + (f" — {escape(moved)}" if moved else "") + "</li>")
    body = f"<ul>{''.join(lines)}</ul>" if lines else "<br>今日の出発なし no van today"
    icon = folium.DivIcon(
        html=f'<div class="br-hub" data-hub="{escape(site_id)}">館</div>',
        icon_size=(32, 32), icon_anchor=(16, 16), class_name="br-icon")
    marker = folium.Marker((label.lat, label.lon), icon=icon, z_index_offset=1000)
    _bind(marker, f'<div class="br-popup">拠点 hub<br>{_site_heading(doc, site_id)}{body}</div>',
          f"拠点 hub: {escape(label.name_ja)}")
    marker.add_to(fmap)
    return (label.lat, label.lon)


def _add_grey_layer(fmap: folium.Map, doc: PlanDocument) -> list[tuple[float, float]]:
    """The "not visited" layer: one grey marker per site, with every reason it is grey."""
    sites = grey_sites(doc)
    if not sites:
        return []
    group = folium.FeatureGroup(name=NOT_VISITED_LAYER, show=True)
    points = []
    for grey in sites:
        label = doc.label(grey.site_id)
        icon = folium.DivIcon(
            html=f'<div class="br-grey" data-not-visited="{escape(grey.site_id)}">×</div>',
            icon_size=(18, 18), icon_anchor=(9, 9), class_name="br-icon")
        marker = folium.Marker((label.lat, label.lon), icon=icon)
        reasons = "".join(f"<li>{escape(reason)}</li>" for reason in grey.reasons)
        _bind(marker,
              f'<div class="br-popup">{NOT_VISITED_LAYER}<br>'
              f"{_site_heading(doc, grey.site_id)}<ul>{reasons}</ul></div>",
              f"{escape(label.name_ja)} ({NOT_VISITED_LAYER})")
        marker.add_to(group)
        points.append((label.lat, label.lon))
    group.add_to(fmap)
    return points


def _legend_html(doc: PlanDocument, routes: tuple[Route, ...]) -> str:
    rows = [f'<div><span class="swatch" style="background:{route_colour(i)}"></span>'
            f"{escape(route.vehicle_id)}</div>" for i, route in enumerate(routes)]
    hub = doc.label(doc.hub_site_id)
    rows.append(f'<div><span class="dot" style="background:{HUB_COLOUR};border-radius:3px">'
                f"</span>拠点 hub: {escape(hub.name_ja)}</div>")
    rows.append(f'<div><span class="dot" style="background:{GREY}"></span>'
                "未訪問・未割当 not visited / unassigned</div>")
    warnings = "".join(f'<div class="warning">{escape(w)}</div>' for w in doc.warnings)
    return (f'<div class="br-legend"><div class="title">{escape(_title(doc))}</div>'
            f"{warnings}{''.join(rows)}</div>")
