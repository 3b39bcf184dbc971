"""The route map in Chromium at 390 px and at desktop size, measured: the first view shows
every stop inside the map and clear of the controls, no marker hides another (markers that
would overlap are one cluster showing their numbers), the legend is clear of the scale
bar, and the layer control is a button on a phone. Screenshots go to the run's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from maps._common import used_routes
from tests.e2e.conftest import DESKTOP, PHONE, OfflinePages, PlannedDay

#: Everything measured in one pass, in CSS pixels of the page.
_MEASURE = """() => {
  const rect = el => { const r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const visible = el => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const covered = el => { const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
    return !(hit && (hit === el || el.contains(hit))); };
  const marks = [];
  const pane = document.querySelector('.leaflet-marker-pane');
  for (const el of pane.querySelectorAll('.br-stop, .br-hub, .br-grey')) {
    if (!visible(el)) continue;
    const key = el.dataset.hub ? 'hub:' + el.dataset.hub : el.dataset.notVisited
      ? 'grey:' + el.dataset.notVisited : el.dataset.vehicle + ':' + el.dataset.stop;
    marks.push({keys: [key], box: rect(el), covered: covered(el)});
  }
  for (const el of pane.querySelectorAll('.br-cluster')) {
    if (!visible(el)) continue;
    marks.push({keys: el.dataset.members.split(' '), box: rect(el),
                covered: covered(el), cluster: true});
  }
  const controls = [...document.querySelectorAll('.leaflet-control')].filter(visible)
    .map(el => ({name: el.className, box: rect(el)}));
  const layers = document.querySelector('.leaflet-control-layers');
  const legend = document.querySelector('.br-legend');
  return {marks, controls, map: rect(document.querySelector('.leaflet-container')),
          layersExpanded: layers.classList.contains('leaflet-control-layers-expanded'),
          layersBox: rect(layers), legendOpen: legend.querySelector('details').open,
          legendBox: rect(legend),
          scaleBox: rect(document.querySelector('.leaflet-control-scale'))};
}"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] \
        and b["top"] < a["bottom"]


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return outer["left"] <= inner["left"] and inner["right"] <= outer["right"] \
        and outer["top"] <= inner["top"] and inner["bottom"] <= outer["bottom"]


def _measure(offline: OfflinePages, day: PlannedDay, size: str,
             screenshot: Path) -> dict[str, Any]:
    """The first view's geometry at ``size`` (``390`` or ``desktop``), and a screenshot."""
    page = offline.open(day.files["map.html"].as_uri(), PHONE if size == "390" else DESKTOP)
    page.wait_for_selector(".br-stop, .br-cluster")
    page.wait_for_timeout(400)  # the cluster group lays out on the first moveend
    measured: dict[str, Any] = page.evaluate(_MEASURE)
    page.screenshot(path=str(screenshot))
    page.close()
    return measured


@pytest.mark.slow
@pytest.mark.parametrize("size", ["390", "desktop"])
def test_the_first_view_shows_every_stop_clear_of_the_controls_and_of_each_other(
        planned_day: PlannedDay, offline: OfflinePages, screenshot_dir: Path,
        size: str) -> None:
    m = _measure(offline, planned_day, size, screenshot_dir / f"map-{planned_day.name}-{size}.png")
    stops = {f"{r.vehicle_id}:{n}" for r in used_routes(planned_day.day_plan.plan)
             for n in range(1, len(r.stops) + 1)}
    routed = [mark for mark in m["marks"]
              if any(not key.startswith("grey:") for key in mark["keys"])]
    shown = [key for mark in m["marks"] for key in mark["keys"]]

    assert offline.errors == []
    # Every stop is on the first view exactly once, alone or in a cluster.
    assert sorted(k for k in shown if k in stops) == sorted(stops)
    assert any(k.startswith("hub:") for k in shown)
    for mark in routed:
        assert _inside(mark["box"], m["map"]), mark
        hidden_by = [c["name"] for c in m["controls"] if _overlap(mark["box"], c["box"])]
        assert hidden_by == [], (mark, hidden_by)
    # No marker or control hides a stop's number or a cluster's chips.
    assert [mark["keys"] for mark in routed if mark["covered"]] == []


@pytest.mark.slow
@pytest.mark.parametrize("size", ["390", "desktop"])
def test_the_legend_is_clear_of_the_scale_and_the_layer_control_a_button_on_a_phone(
        munakata_school_day: PlannedDay, offline: OfflinePages, screenshot_dir: Path,
        size: str) -> None:
    m = _measure(offline, munakata_school_day, size, screenshot_dir / f"map-controls-{size}.png")

    assert not _overlap(m["legendBox"], m["scaleBox"])
    layers = m["layersBox"]
    if size == "390":
        assert not m["layersExpanded"] and not m["legendOpen"]
        assert layers["right"] - layers["left"] <= 60 and layers["bottom"] - layers["top"] <= 60
    else:
        assert m["layersExpanded"] and m["legendOpen"]


@pytest.mark.slow
def test_clicking_a_cluster_spreads_its_stops_until_each_shows_its_own_number(
        munakata_school_day: PlannedDay, offline: OfflinePages, screenshot_dir: Path) -> None:
    page = offline.open(munakata_school_day.files["map.html"].as_uri(), PHONE)
    page.wait_for_selector(".leaflet-marker-pane .br-cluster")
    page.wait_for_timeout(400)
    clusters = page.evaluate("""() => [...document.querySelectorAll(
        '.leaflet-marker-pane .br-cluster')].map(e => e.dataset.members.split(' '))""")
    # The first cluster holding several stops.
    members = next(stops for keys in clusters
                   if len(stops := [k for k in keys if not k.startswith(("hub:", "grey:"))]) > 1)
    single: set[str] = set()
    for _ in range(8):  # zoom in on the cluster holding them, or spread it at the last zoom
        single = set(page.evaluate("""() => [...document.querySelectorAll(
            '.leaflet-marker-pane .br-stop')].map(e => `${e.dataset.vehicle}:${e.dataset.stop}`)
            """))
        waiting = [k for k in members if k not in single]
        if not waiting:
            break
        page.locator(f'.leaflet-marker-pane .br-cluster[data-members~="{waiting[0]}"]').click()
        page.wait_for_timeout(700)  # the zoom or spread animation
    page.screenshot(path=str(screenshot_dir / "map-cluster-spread-390.png"))
    page.close()

    assert set(members) <= single, (members, sorted(single))
    assert offline.errors == []
