"""The route sheet in Chromium: printed to A4 PDF (pages counted per van), on a desktop and
on a 390 px phone, with every request that leaves 127.0.0.1 refused. The PDFs and
screenshots are written to the run's screenshot folder (tests/e2e/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from maps._common import used_routes
from tests.e2e.conftest import DESKTOP, PHONE, OfflinePages, PlannedDay, pdf_page_count

#: Every visible cell and number span whose content must fit inside it.
_OVERFLOWS = """() => {
  const bad = [];
  for (const cell of document.querySelectorAll('table.stops td')) {
    if (cell.offsetParent === null) continue;
    if (cell.scrollWidth > cell.clientWidth + 1) bad.push(cell.closest('tr').dataset.stop + ' '
        + cell.className + ': ' + cell.innerText.replace(/\\s+/g, ' '));
    const box = cell.getBoundingClientRect();
    for (const span of cell.querySelectorAll('.count, .part, .box')) {
      const inner = span.getBoundingClientRect();
      if (inner.left < box.left - 1 || inner.right > box.right + 1) bad.push(
        cell.closest('tr').dataset.stop + ' ' + span.className + ': ' + span.innerText);
    }
  }
  return bad;
}"""

#: Visible table cells holding text, with their width in CSS pixels.
_CELL_WIDTHS = """() => [...document.querySelectorAll('table td')]
  .filter(td => td.offsetParent !== null && td.innerText.trim().length > 2)
  .map(td => [td.className, Math.round(td.getBoundingClientRect().width),
              td.innerText.trim().slice(0, 20)])"""


@pytest.mark.slow
def test_each_van_prints_on_at_most_two_a4_pages(planned_day: PlannedDay, offline: OfflinePages,
                                                 screenshot_dir: Path) -> None:
    vehicles = [r.vehicle_id for r in used_routes(planned_day.day_plan.plan)]
    page = offline.open(planned_day.files["sheet.html"].as_uri())
    whole = page.pdf(format="A4", print_background=True)
    (screenshot_dir / f"sheet-{planned_day.name}.pdf").write_bytes(whole)
    pages_per_van = {}
    for vehicle_id in vehicles:  # only this van's section printed: its own pages
        page.add_style_tag(content=f'section:not([data-vehicle="{vehicle_id}"]) '
                                   "{ display: none !important; }")
        pages_per_van[vehicle_id] = pdf_page_count(page.pdf(format="A4"))
        page.reload()
    page.close()
    (screenshot_dir / f"sheet-{planned_day.name}-pages.json").write_text(
        json.dumps({"pages_per_van": pages_per_van, "pages": pdf_page_count(whole)}) + "\n")

    assert offline.refused == [] and offline.errors == []
    assert len(vehicles) == 2
    assert all(1 <= count <= 2 for count in pages_per_van.values()), pages_per_van
    # The vans' pages and one page of sites not visited, tasks left out and notes.
    assert pdf_page_count(whole) == sum(pages_per_van.values()) + 1


@pytest.mark.slow
@pytest.mark.parametrize("media", ["screen", "print"])
def test_numbers_fit_their_columns_on_a_desktop_and_on_paper(
        planned_day: PlannedDay, offline: OfflinePages, media: str) -> None:
    page = offline.open(planned_day.files["sheet.html"].as_uri(), DESKTOP)
    page.emulate_media(media=media)
    if media == "print":  # the width of A4 less its margins, at 96 px per inch
        page.set_viewport_size({"width": 718, "height": 1000})

    overflowing: list[str] = page.evaluate(_OVERFLOWS)
    page.close()

    assert overflowing == []


@pytest.mark.slow
def test_on_a_390_px_phone_every_stop_is_a_card_without_narrow_columns(
        planned_day: PlannedDay, offline: OfflinePages, screenshot_dir: Path) -> None:
    page = offline.open(planned_day.files["sheet.html"].as_uri(), PHONE)
    page.screenshot(path=str(screenshot_dir / f"sheet-{planned_day.name}-390.png"),
                    full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    height = page.evaluate("document.documentElement.scrollHeight")
    widths: list[Any] = page.evaluate(_CELL_WIDTHS)
    overflowing: list[str] = page.evaluate(_OVERFLOWS)
    stops = len([v for r in used_routes(planned_day.day_plan.plan) for v in r.stops])
    desktop = offline.open(planned_day.files["sheet.html"].as_uri(), DESKTOP)
    desktop.screenshot(path=str(screenshot_dir / f"sheet-{planned_day.name}-desktop.png"))
    desktop.close()
    page.close()

    assert scroll_width <= PHONE["width"]  # nothing to scroll sideways
    # No column a character or two wide: times and numbers keep a few characters per line,
    # the site and what moves there get most of the phone's width.
    narrow = [w for w in widths if w[1] < 48 or (
        ("site" in w[0].split() or "goods" in w[0].split()) and w[1] < 200)]
    assert narrow == [], narrow
    assert overflowing == []
    assert height < 300 * (stops + 10), height  # a card per stop, not a page a character wide
    assert offline.refused == [] and offline.errors == []
