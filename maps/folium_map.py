"""The route map of a solved day: one self-contained HTML page that works offline.

`render_map` draws each route in its own colour and layer (a polyline through its visits
and numbered stop markers; stops marked done faded with a tick), the hub once, and the
not-visited sites in grey, with a legend and popups in Japanese and English; tooltips use
the sites' short names. Markers that would overlap are drawn as one cluster that reads
their stop numbers (``10–13``) and spreads them when clicked; the first view fits every
stop and the hub between the controls; the legend sits above the scale bar; on a phone
the layer control is a button and the legend is closed (`maps.map_controls`). Leaflet
and its two plugins are inlined from the copies in ``maps/assets/`` (`maps.map_assets`; no
CDN, no jQuery, no Bootstrap, no Font Awesome): only the basemap tiles need the network,
and without it the routes still show on a blank ground.

Hooks for machines (tests, scripts) in the marker icons' HTML: ``data-vehicle``,
``data-stop`` (1, 2, ... in visiting order) and ``data-site`` on each stop marker;
``data-hub`` on the hub marker; ``data-not-visited`` on each grey marker; clusters are
``div.br-cluster`` with ``data-members`` (``van-1:3 hub:<site> grey:<site>``). The icons
are JSON strings in the page's last ``<script>`` (``L.divIcon({"html": ...})``) until
Leaflet puts them in the DOM; tests/maps/test_folium_map.py shows how to read them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from types import MappingProxyType
from typing import Any

import folium
from branca.element import Figure, MacroElement
from folium.template import Template

from maps._common import (
    ACTION_LABELS,
    GREY,
    HUB_COLOUR,
    JST,
    amount_text,
    date_ja,
    grey_sites,
    hhmm,
    mark_text,
    moved_at,
    route_colour,
    task_text,
    used_routes,
    whole_minutes,
)
from maps.document import PlanDocument
from maps.map_assets import inline_assets
from maps.map_controls import (
    ClusterSubGroup,
    FitClearOfControls,
    Legend,
    ResponsiveLayerControl,
    StopCluster,
    cluster_options,
)
from maps.sheet_model import task_label
from routing.result import Route, Visit, VisitKind

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
.br-mark { border: 1px solid #8a4b00; color: #8a4b00; border-radius: 3px; padding: 0 3px;
  font-size: 11px; white-space: nowrap; }
.br-done-note { color: #1b5e20; }
.br-legend { background: #fff; padding: 6px 10px; border-radius: 6px; max-width: 320px;
  box-shadow: 0 0 6px rgba(0, 0, 0, .3); font-size: 12px; line-height: 1.5; }
.br-legend summary { cursor: pointer; font-weight: bold; }
.br-legend .title { font-weight: bold; margin: 2px 0; }
.br-legend .warning { max-width: 320px; font-weight: bold; color: #b00; margin: 2px 0 4px; }
.br-legend .swatch { display: inline-block; width: 18px; height: 4px; margin-right: 6px;
  vertical-align: middle; }
.br-legend .dot { display: inline-block; width: 12px; height: 12px; margin: 0 9px 0 3px;
  vertical-align: middle; border-radius: 50%; }
.br-legend .br-cluster { display: inline-flex; width: 18px; height: 18px; margin: 0 6px 0 0;
  vertical-align: middle; }
.br-legend .br-cluster span { width: 12px; height: 12px; font-size: 8px; }
.br-cluster { display: flex; align-items: center; justify-content: center; width: 34px;
  height: 34px; box-sizing: border-box; border-radius: 50%;
  box-shadow: 0 0 3px rgba(0, 0, 0, .7); }
.br-cluster span { display: flex; align-items: center; justify-content: center;
  width: 24px; height: 24px; border-radius: 50%; background: #fff; color: #222;
  font: bold 12px/1 sans-serif; white-space: nowrap; }
.br-cluster span.long { font-size: 9px; letter-spacing: -0.5px; }
.br-done { opacity: .5; }
.br-done::after { content: "✓"; position: absolute; margin: -16px 0 0 18px; color: #1b5e20;
  font-size: 14px; text-shadow: 0 0 2px #fff; }
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
    root.header.add_child(folium.Element(inline_assets()), name="br_assets")
    root.header.add_child(folium.Element(_STYLE), name="br_style")

    for index, key in enumerate(basemaps):
        base = BASEMAPS[key]
        folium.TileLayer(tiles=base.url, attr=base.attribution, name=base.name,
                         max_zoom=base.max_zoom, overlay=False, control=True,
                         show=index == 0).add_to(fmap)

    cluster = StopCluster()
    cluster.add_to(fmap)
    # The first view: every stop of every route and the hubs (grey sites may lie outside).
    points: list[tuple[float, float]] = [(hub.lat, hub.lon)]
    routes = used_routes(doc.plan)
    for index, route in enumerate(routes):
        points.extend(_add_route(fmap, cluster, doc, route, index))
    for site_id in dict.fromkeys(v.site_id for r in routes for v in (r.visits[0], r.visits[-1])
                                 if v.site_id != doc.hub_site_id):
        points.append(_add_hub(cluster, doc, site_id, routes))
    _add_hub(cluster, doc, doc.hub_site_id, routes)
    grey_points = _add_grey_layer(fmap, cluster, doc)

    ResponsiveLayerControl().add_to(fmap)
    Legend(_legend_html(doc, routes)).add_to(fmap)
    FitClearOfControls(points if len(points) > 1 else points + grey_points).add_to(fmap)
    return str(root.render())


def _title(doc: PlanDocument) -> str:
    return f"{doc.title} — {date_ja(doc.date)}" if doc.title else date_ja(doc.date)


def _add_route(fmap: folium.Map, cluster: StopCluster, doc: PlanDocument, route: Route,
               route_index: int) -> list[tuple[float, float]]:
    """The route's layer: its polyline and numbered stop markers; returns its points."""
    stops = route.stops
    colour = route_colour(route_index)
    km = route.distance_m / 1000
    group = ClusterSubGroup(cluster, f"{route.vehicle_id} · {len(stops)} か所 stops · "
                                     f"{km:.1f} km")
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
        done = doc.done(route.vehicle_id, number)
        icon = folium.DivIcon(
            html=(f'<div class="br-stop{" br-done" if done else ""}" '
                  f'style="background:{colour}" data-vehicle="{escape(route.vehicle_id)}" '
                  f'data-stop="{number}" data-site="{escape(visit.site_id)}">{number}</div>'),
            icon_size=(24, 24), icon_anchor=(12, 12), class_name="br-icon")
        marker = folium.Marker((label.lat, label.lon), icon=icon, **cluster_options(
            f"{route.vehicle_id}:{number}",
            f"{escape(route.vehicle_id)} {number} {escape(label.short)}"
            + (" ✓" if done else ""), colour, 1000 * (route_index + 1) + number,
            route.vehicle_id, number))
        _bind(marker, _stop_popup(doc, route, visit, number),
              f"{number}. {escape(label.short)}" + (" ✓ 済 done" if done else ""))
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
        marks = "".join(f' <span class="br-mark">{escape(mark_text(doc, mark))}</span>'
                        for mark in task_label(doc, action.task_id).marks)
        items.append(f"<li>{ja} {en}: {escape(task_text(doc.problem, action.task_id))}"
                     + (f" — {escape(amount)}" if amount else "") + f"{marks}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _stop_popup(doc: PlanDocument, route: Route, visit: Visit, number: int) -> str:
    times = f"到着 arrival {hhmm(visit.arrival_s)} – 出発 departure {hhmm(visit.departure_s)}"
    if visit.waiting_s:
        times += (f"<br>待機 wait {whole_minutes(visit.waiting_s)} 分 min, "
                  f"作業開始 start {hhmm(visit.start_s)}")
    dims = doc.problem.capacity_dimensions
    on_board = amount_text(visit.load_after, dims) or "0"
    done = doc.done(route.vehicle_id, number)
    done_text = ""
    if done is not None:
        actual = amount_text(done.actual, dims)
        done_text = ('<br><b class="br-done-note">✓ 済 done'
                     + (f" {done.done_at.astimezone(JST):%H:%M}" if done.done_at else "")
                     + (f" · 実績 actual {escape(actual)}" if actual else "")
                     + (f" — {escape(done.note)}" if done.note else "") + "</b>")
    return (f'<div class="br-popup">{_site_heading(doc, visit.site_id)}'
            f"<br>{escape(route.vehicle_id)} — {number} 番目 stop {number}<br>{times}"
            f"{_action_items(doc, visit)}"
            f"車内 on board after: {escape(on_board)}{done_text}</div>")


def _add_hub(cluster: StopCluster, doc: PlanDocument, site_id: str,
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
    marker = folium.Marker((label.lat, label.lon), icon=icon, z_index_offset=1000,
                           **cluster_options(f"hub:{site_id}", f"館 {escape(label.short)}",
                                             HUB_COLOUR, 0))
    _bind(marker, f'<div class="br-popup">拠点 hub<br>{_site_heading(doc, site_id)}{body}</div>',
          f"拠点 hub: {escape(label.short)}")
    marker.add_to(cluster)
    return (label.lat, label.lon)


def _add_grey_layer(fmap: folium.Map, cluster: StopCluster,
                    doc: PlanDocument) -> list[tuple[float, float]]:
    """The "not visited" layer: one grey marker per site, with every reason it is grey."""
    sites = grey_sites(doc)
    if not sites:
        return []
    group = ClusterSubGroup(cluster, NOT_VISITED_LAYER)
    points = []
    for grey in sites:
        label = doc.label(grey.site_id)
        icon = folium.DivIcon(
            html=f'<div class="br-grey" data-not-visited="{escape(grey.site_id)}">×</div>',
            icon_size=(18, 18), icon_anchor=(9, 9), class_name="br-icon")
        marker = folium.Marker((label.lat, label.lon), icon=icon, **cluster_options(
            f"grey:{grey.site_id}", f"× {escape(label.short)}", GREY, 100_000))
        reasons = "".join(f"<li>{escape(reason)}</li>" for reason in grey.reasons)
        _bind(marker,
              f'<div class="br-popup">{NOT_VISITED_LAYER}<br>'
              f"{_site_heading(doc, grey.site_id)}<ul>{reasons}</ul></div>",
              f"{escape(label.short)} ({NOT_VISITED_LAYER})")
        marker.add_to(group)
        points.append((label.lat, label.lon))
    group.add_to(fmap)
    return points


def _legend_html(doc: PlanDocument, routes: tuple[Route, ...]) -> str:
    rows = [f'<div><span class="swatch" style="background:{route_colour(i)}"></span>'
            f"{escape(route.vehicle_id)}</div>" for i, route in enumerate(routes)]
    hub = doc.label(doc.hub_site_id)
    rows.append(f'<div><span class="dot" style="background:{HUB_COLOUR};border-radius:3px">'
                f"</span>拠点 hub: {escape(hub.short)}</div>")
    rows.append(f'<div><span class="dot" style="background:{GREY}"></span>'
                "未訪問・未割当 not visited / unassigned</div>")
    rows.append(f'<div><span class="br-cluster" style="background:{route_colour(0)}">'
                "<span>3</span></span>近くの印: 停留所番号か (数) markers close together: "
                "stop numbers or (how many); click to zoom in"
                "</div>")
    if doc.stops_done:
        rows.append('<div><span class="dot" style="background:#666;opacity:.45"></span>'
                    "済 done</div>")
    rows.extend(f'<div><span class="br-mark">{escape(mark)}</span> {escape(meaning)}</div>'
                for mark, meaning in doc.mark_meanings.items())
    title = f'<div class="title">{escape(doc.title)}</div>' if doc.title else ""
    warnings = "".join(f'<div class="warning">{escape(w)}</div>' for w in doc.warnings)
    return (f'<details open><summary>凡例 legend — {escape(date_ja(doc.date))}</summary>'
            f'{title}{warnings}{"".join(rows)}</details>')
