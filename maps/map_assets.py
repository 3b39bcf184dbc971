"""The scripts and stylesheets the route map needs, read from the copies shipped in
``maps/assets/`` (``maps/assets/README.md`` says where each comes from) and returned as
inline ``<style>`` and ``<script>`` elements: the map loads nothing from a CDN.

- Leaflet 1.9.4 (BSD-2-Clause): the map itself; its stylesheet's images become
  ``data:`` URLs.
- Leaflet.markercluster 1.5.3 (MIT): markers that would overlap are drawn as one cluster
  (`maps.map_controls.StopCluster`).
- Leaflet.FeatureGroup.SubGroup 1.0.2 (BSD-2-Clause): each van's layer in the layer
  control adds its markers into the one cluster group, so markers of different vans and
  the grey ones cluster together and still switch on and off per van.
"""

from __future__ import annotations

import base64
import functools
import re
from importlib.resources import files
from importlib.resources.abc import Traversable

LEAFLET_VERSION = "1.9.4"
MARKERCLUSTER_VERSION = "1.5.3"
SUBGROUP_VERSION = "1.0.2"


def _folder(name: str) -> Traversable:
    return files("maps") / "assets" / name


def _script(folder: Traversable, name: str) -> str:
    """A vendored script without its trailing source-map comment (the map is not shipped)."""
    text = (folder / name).read_text(encoding="utf-8")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)


@functools.cache
def inline_assets() -> str:
    """Every stylesheet, then every script, as inline elements in load order."""
    leaflet = _folder(f"leaflet-{LEAFLET_VERSION}")
    cluster = _folder(f"leaflet.markercluster-{MARKERCLUSTER_VERSION}")
    subgroup = _folder(f"leaflet.featuregroup.subgroup-{SUBGROUP_VERSION}")

    def data_url(match: re.Match[str]) -> str:
        png = (leaflet / "images" / match.group(1)).read_bytes()
        return f'url("data:image/png;base64,{base64.b64encode(png).decode("ascii")}")'

    styles = [re.sub(r"""url\(["']?images/([\w.-]+\.png)["']?\)""", data_url,
                     (leaflet / "leaflet.css").read_text(encoding="utf-8")),
              (cluster / "MarkerCluster.css").read_text(encoding="utf-8")]
    scripts = [_script(leaflet, "leaflet.js"), _script(cluster, "leaflet.markercluster.js"),
               _script(subgroup, "leaflet.featuregroup.subgroup.js")]
    if any("</style" in s.lower() for s in styles) or any("</script" in s.lower()
                                                           for s in scripts):
        raise RuntimeError("a vendored map asset cannot be inlined: it closes its own tag")
    return "\n".join([*(f"<style>\n{s}\n</style>" for s in styles),
                      *(f"<script>\n{s}\n</script>" for s in scripts)])
