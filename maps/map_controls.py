"""The route map's Leaflet pieces that folium does not have as bookrun needs them.

- `StopCluster`, `ClusterSubGroup`: one Leaflet.markercluster group for every marker, fed
  by one sub-group per layer, so markers that would overlap (of any van, the hub, the grey
  not-visited ones) are drawn as one cluster; the cluster shows the numbers of the stops it
  holds in their vans' colours (not just a count), spreads them on a click at the last
  zoom level, and zooms in otherwise. Scripts come from ``maps/assets/`` (`maps.map_assets`),
  never from the CDN folium's plugins name.
- `ResponsiveLayerControl`: the layer control, collapsed to its button on a screen at most
  `PHONE_MAX_WIDTH_PX` wide and open on a larger one.
- `Legend`: a Leaflet control in the bottom-left corner, so Leaflet stacks it above the
  scale bar instead of over it; a ``<details>`` element, closed on a phone.
- `FitClearOfControls`: the first view fits the given points inside the part of the map
  the controls leave free (measured in the page once the controls are drawn).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
from branca.element import MacroElement
from folium.plugins import FeatureGroupSubGroup, MarkerCluster
from folium.template import Template

#: Screens this wide or narrower are phones: layer control collapsed, legend closed.
PHONE_MAX_WIDTH_PX = 640
#: Pixels two marker centres may be apart and still be clustered: more than half a cluster
#: disc and half a hub marker, so what is not clustered stays clear of a cluster.
CLUSTER_RADIUS_PX = 40
#: The cluster disc's diameter in pixels (a hub marker is 32, a stop 24).
CLUSTER_SIZE_PX = 34
#: Room kept between the fitted points and the map's edges or its controls: half the
#: widest cluster icon and a little air.
FIT_MARGIN_PX = 36

_PHONE_QUERY = f"window.matchMedia('(max-width: {PHONE_MAX_WIDTH_PX}px)').matches"

#: The cluster icon: a disc as small as a hub marker, ringed in the colours of the markers
#: it holds. It reads the stops it holds: ``3`` or ``10–13`` when they are consecutive
#: stops of one van, else how many stops in brackets, ``(4)``, so a count never reads as a
#: stop number; ``館`` for the hub alone, ``×2`` for not-visited sites alone. Its title
#: lists every marker (``van-1 10 赤間小, × 吉武小``), its ``data-members`` their keys. A
#: disc of fixed size keeps every cluster and marker the cluster radius apart from
#: overlapping each other.
_CLUSTER_ICON_JS = """function (cluster) {
    var kids = cluster.getAllChildMarkers().slice().sort(function (a, b) {
        return (a.options.brOrder || 0) - (b.options.brOrder || 0);
    });
    var stops = kids.filter(function (m) { return m.options.brVan; });
    var numbers = stops.map(function (m) { return m.options.brNumber; });
    var greys = kids.filter(function (m) { return m.options.brKey.indexOf('grey:') === 0; });
    var label;
    if (!stops.length) {
        label = greys.length === kids.length ? '×' + greys.length : '館';
    } else if (stops.every(function (m) { return m.options.brVan === stops[0].options.brVan; })
               && numbers[numbers.length - 1] - numbers[0] === numbers.length - 1) {
        label = numbers.length === 1 ? String(numbers[0])
            : numbers[0] + '–' + numbers[numbers.length - 1];
    } else {
        label = '(' + stops.length + ')';
    }
    var step = 360 / kids.length;
    var ring = kids.map(function (m, i) {
        return m.options.brColour + ' ' + (i * step) + 'deg ' + ((i + 1) * step) + 'deg';
    });
    return L.divIcon({
        html: '<div class="br-cluster" data-members="'
            + kids.map(function (m) { return m.options.brKey; }).join(' ') + '" title="'
            + kids.map(function (m) { return m.options.brTitle; }).join(', ')
            + '" style="background:conic-gradient(' + ring.join(',') + ')"><span'
            + (label.length > 3 ? ' class="long"' : '') + '>' + label + '</span></div>',
        className: 'br-icon', iconSize: L.point(CLUSTER_SIZE, CLUSTER_SIZE)
    });
}"""


class StopCluster(MarkerCluster):
    """The one cluster group of the map (not listed in the layer control)."""

    def __init__(self) -> None:
        options = {"maxClusterRadius": CLUSTER_RADIUS_PX, "showCoverageOnHover": False,
                   "spiderfyOnMaxZoom": True, "spiderfyDistanceMultiplier": 1.6}
        super().__init__(  # type: ignore[no-untyped-call]
            name="stops", control=False, options=options,
            icon_create_function=_CLUSTER_ICON_JS.replace("CLUSTER_SIZE",
                                                          str(CLUSTER_SIZE_PX)))
        self.default_js: list[tuple[str, str]] = []  # inlined from maps/assets/
        self.default_css: list[tuple[str, str]] = []


class ClusterSubGroup(FeatureGroupSubGroup):
    """A layer of the layer control whose markers go into the `StopCluster`."""

    def __init__(self, cluster: StopCluster, name: str) -> None:
        super().__init__(  # type: ignore[no-untyped-call]
            cluster, name=name, overlay=True, control=True, show=True)
        self.default_js: list[tuple[str, str]] = []


class ResponsiveLayerControl(folium.LayerControl):
    """folium's layer control, collapsed on a phone and open on a larger screen."""

    _template = Template("""
        {% macro script(this,kwargs) %}
            var {{ this.get_name() }}_layers = {
                base_layers : {
                    {%- for key, val in this.base_layers.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
                overlays :  {
                    {%- for key, val in this.overlays.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
            };
            let {{ this.get_name() }} = L.control.layers(
                {{ this.get_name() }}_layers.base_layers,
                {{ this.get_name() }}_layers.overlays,
                Object.assign({{ this.options|tojavascript }},
                              {"collapsed": """ + _PHONE_QUERY + """})
            ).addTo({{this._parent.get_name()}});
        {% endmacro %}
        """)

    def __init__(self) -> None:
        super().__init__(position="topright", collapsed=False)


class Legend(MacroElement):
    """The legend as a bottom-left Leaflet control (``html``: ready-made, escaped)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control({position: "bottomleft"});
            {{ this.get_name() }}.onAdd = function () {
                var div = L.DomUtil.create("div", "leaflet-control br-legend");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                if (""" + _PHONE_QUERY + """) {
                    div.querySelector("details").open = false;
                }
                return div;
            };
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """)

    def __init__(self, html: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.html = html


class FitClearOfControls(MacroElement):
    """Fit the first view to ``points`` inside the band between the top controls and the
    bottom ones (zoom buttons and layer control above, legend, scale and attribution
    below), `FIT_MARGIN_PX` from every edge. Added last, so every control is drawn."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            (function (map, bounds) {
                var box = map.getContainer().getBoundingClientRect();
                var top = 0, bottom = 0, margin = {{ this.margin }};
                ["topleft", "topright", "bottomleft", "bottomright"].forEach(function (key) {
                    var corner = map._controlCorners[key];
                    Array.prototype.forEach.call(corner ? corner.children : [], function (c) {
                        var r = c.getBoundingClientRect();
                        if (key.indexOf("top") === 0) { top = Math.max(top, r.bottom - box.top); }
                        else { bottom = Math.max(bottom, box.bottom - r.top); }
                    });
                });
                var spare = box.height - 2 * margin - 40;  // keep 40 px for the points
                if (top + bottom > spare) {
                    var scale = Math.max(spare, 0) / (top + bottom);
                    top *= scale; bottom *= scale;
                }
                map.fitBounds(bounds, {paddingTopLeft: [margin, top + margin],
                                       paddingBottomRight: [margin, bottom + margin],
                                       maxZoom: {{ this.max_zoom }}, animate: false});
            })({{ this._parent.get_name() }}, {{ this.bounds|tojson }});
        {% endmacro %}
        """)

    def __init__(self, points: Sequence[tuple[float, float]], max_zoom: int = 16) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FitClearOfControls"
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        self.bounds: list[list[float]] = [[min(lats), min(lons)], [max(lats), max(lons)]]
        self.max_zoom = max_zoom
        self.margin = FIT_MARGIN_PX


def cluster_options(key: str, title: str, colour: str, order: int, vehicle_id: str = "",
                    number: int = 0) -> dict[str, Any]:
    """The marker options the cluster icon reads (folium passes them to ``L.marker``):
    ``key`` names the marker in ``data-members``, ``title`` (escaped HTML text) names it
    in the cluster's title, ``vehicle_id`` and ``number`` say which stop it is."""
    return {"br_key": key, "br_title": title, "br_colour": colour, "br_order": order,
            "br_van": vehicle_id, "br_number": number}
