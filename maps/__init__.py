"""Render a solved day for people: Folium route maps, printable route sheets (HTML, CSV),
GeoJSON.

Input everywhere is a `PlanDocument` (the `routing.Plan`, its `Problem`, and the sites as
people know them); output is a string or a plain dict. Pure: no file I/O besides reading
the Leaflet copy shipped in ``maps/assets/``; imports routing (types only), folium and
branca, never api, fastapi or sqlalchemy, and never calls `solve`
(tests/test_architecture.py checks it).

- `render_map(doc)`: the route map, one self-contained HTML page that works offline
  (``maps/folium_map.py``).
- `render_sheet(doc)`: the drivers' printable A4 route sheets (運行表), HTML.
- `stops_csv(doc)`: one CSV row per visit (``maps/sheet.py`` documents the columns).
- `plan_geojson(doc)`: an RFC 7946 FeatureCollection (``maps/geojson.py``).
"""

from maps.document import NotVisited, PlanDocument, SiteLabel
from maps.folium_map import render_map
from maps.geojson import plan_geojson
from maps.sheet import render_sheet, stops_csv

__all__ = [
    "NotVisited",
    "PlanDocument",
    "SiteLabel",
    "plan_geojson",
    "render_map",
    "render_sheet",
    "stops_csv",
]
