"""The route map in a real browser with the network cut: Leaflet and the markers must come
from the page itself (municipal terminals often have no internet); only tiles may fail.

Uses Debian's Chromium through Playwright (``apt-get install -y chromium``); skipped, with a
message, where either is missing, except under CI (``CI`` set, as .ci/run does), where a
missing browser fails the run: a skipped browser test is a test that did not run.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from api.services.plan_outputs import write_outputs
from api.services.planning import plan_day
from routing import verify

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: the browser test is skipped")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the browser tests")
        pytest.skip(f"{message}: the browser test is skipped")
    day_plan = plan_day("munakata", dt.date(2023, 11, 17), time_limit_s=1.0)
    assert verify(day_plan.problem, day_plan.plan) == []
    return write_outputs(day_plan, tmp_path_factory.mktemp("out"))


@pytest.mark.slow
def test_the_map_draws_routes_and_markers_with_the_network_cut(
        outputs: dict[str, Path]) -> None:
    blocked: list[str] = []
    errors: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()

        def refuse(route: object) -> None:
            request = route.request  # type: ignore[attr-defined]
            blocked.append(request.url)
            route.abort()  # type: ignore[attr-defined]

        page.route("http*://**/*", refuse)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(outputs["map.html"].as_uri())
        page.wait_for_function("typeof L !== 'undefined'")
        stop_numbers = page.locator("[data-stop]").count()
        routes = page.locator("path.leaflet-interactive").count()
        layers = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        browser.close()
    assert errors == []
    assert stop_numbers >= 20  # the school-run day has about 30 stops
    assert routes >= 2  # one line per van
    assert any("van-1" in text for text in layers) and any("van-2" in text for text in layers)
    # Only basemap tiles were asked of the network: no script, style or font.
    assert blocked and all("tile" in url or "cyberjapandata" in url for url in blocked)


@pytest.mark.slow
def test_the_route_sheet_prints_one_page_per_van(outputs: dict[str, Path]) -> None:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.route("http*://**/*", lambda route: route.abort())
        page.goto(outputs["sheet.html"].as_uri())
        pdf = page.pdf(format="A4")
        sections = page.locator("section.vehicle").count()
        browser.close()
    assert sections == 2
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages >= sections
