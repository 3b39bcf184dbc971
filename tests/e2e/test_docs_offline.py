"""``/docs`` and ``/redoc`` of a served bookrun in Chromium with every request that leaves
127.0.0.1 refused: both list the API's operations (municipal networks have no internet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import DESKTOP, OfflinePages


@pytest.mark.slow
def test_swagger_ui_lists_the_operations_with_the_network_cut(
        served_service: str, offline: OfflinePages, screenshot_dir: Path) -> None:
    page = offline.open(f"{served_service}/docs", DESKTOP)
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    page.screenshot(path=str(screenshot_dir / "docs-swagger-desktop.png"))
    page.close()

    assert offline.refused == [] and offline.errors == []
    assert "/plans/{plan_id}/sheet" in [p.replace("\u200b", "") for p in paths]
    assert len(paths) >= 20


@pytest.mark.slow
def test_redoc_lists_the_operations_with_the_network_cut(
        served_service: str, offline: OfflinePages, screenshot_dir: Path) -> None:
    page = offline.open(f"{served_service}/redoc", DESKTOP)
    page.wait_for_selector("[data-section-id^='tag/'], [data-section-id^='operation/']",
                           timeout=20_000)
    operations = page.locator("[data-section-id^='operation/']").count()
    text = page.inner_text("body")
    page.screenshot(path=str(screenshot_dir / "docs-redoc-desktop.png"))
    page.close()

    assert offline.refused == [] and offline.errors == []
    assert operations >= 20 and "/plans/{plan_id}/sheet" in text
