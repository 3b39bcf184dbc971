"""The route map in a real browser with the network cut: Leaflet and the markers must come
from the page itself (municipal terminals often have no internet); only tiles may fail.
(Fixtures: tests/e2e/conftest.py.)"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import OfflinePages, PlannedDay


@pytest.mark.slow
def test_the_map_draws_routes_and_markers_with_the_network_cut(
        munakata_school_day: PlannedDay, offline: OfflinePages) -> None:
    page = offline.open(munakata_school_day.files["map.html"].as_uri())
    page.wait_for_function("typeof L !== 'undefined'")
    # Stops drawn alone, and stops drawn inside a cluster of markers that would overlap.
    stop_numbers = page.evaluate("""() => document.querySelectorAll(
        '.leaflet-marker-pane [data-stop]').length + [...document.querySelectorAll(
        '.leaflet-marker-pane .br-cluster')].flatMap(e => e.dataset.members.split(' '))
        .filter(k => !k.startsWith('hub:') && !k.startsWith('grey:')).length""")
    routes = page.locator("path.leaflet-interactive").count()
    layers = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    page.close()

    assert offline.errors == []
    assert stop_numbers >= 20  # the school-run day has about 30 stops
    assert routes >= 2  # one line per van
    assert any("van-1" in text for text in layers) and any("van-2" in text for text in layers)
    # Only basemap tiles were asked of the network: no script, style or font.
    assert offline.refused
    assert all("tile" in url or "cyberjapandata" in url for url in offline.refused)
