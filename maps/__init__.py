"""Render a solved day for people: Folium route maps, printable route sheets (HTML, CSV),
GeoJSON.

Input everywhere is a `PlanDocument` (the `routing.Plan`, its `Problem`, the sites as
people know them, what the tasks carry, the stops done); output is a string or a plain
dict. Pure: no file I/O besides reading what the package ships (the Leaflet copy in
``maps/assets/``, the sheet's template in ``maps/templates/``); imports routing (types
only), folium, branca and jinja2, never api, fastapi or sqlalchemy, and never calls
`solve` (tests/test_architecture.py checks it).

- `render_map(doc)`: the route map, one self-contained HTML page that works offline
  (``maps/folium_map.py``).
- `render_sheet(doc)`: the drivers' route sheets (運行表), HTML to print on A4 or read on
  a phone (``maps/sheet.py``, laid out by ``maps/templates/``).
- `stops_csv(doc)`: one CSV row per visit (``maps/stops_csv.py`` documents the columns).
- `plan_geojson(doc)`: an RFC 7946 FeatureCollection (``maps/geojson.py``).
"""

from maps.document import NotVisited, PlanDocument, SiteLabel, StopDone, TaskLabel
from maps.folium_map import render_map
from maps.geojson import plan_geojson
from maps.sheet import render_sheet
from maps.stops_csv import stops_csv

__all__ = [
    "NotVisited",
    "PlanDocument",
    "SiteLabel",
    "StopDone",
    "TaskLabel",
    "plan_geojson",
    "render_map",
    "render_sheet",
    "stops_csv",
]
