"""The report chart: a parseable SVG with three panels (one line per post with monthly
figures in the first two, a bar per annual-only post in the third: all seven Munakata
posts), Japanese names when a Japanese font is installed and a clean English chart when
not, the Japanese names in titles, the same bytes on every render."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import xml.etree.ElementTree as ET
from functools import lru_cache
from zoneinfo import ZoneInfo

import pytest

from api.services.planning import bundled_history
from drops import chart
from drops.chart import ANNUAL_PANEL, AVERAGE_PANEL, ITEMS_PANEL, report_chart_svg
from drops.records import CollectionRecord
from drops.report import Report, monthly_report
from scenarios.loader import load_network
from scenarios.network import SiteKind

SVG = "{http://www.w3.org/2000/svg}"
TOKYO = ZoneInfo("Asia/Tokyo")
MONTHLY_POSTS = {"munakata-akama-station", "munakata-togo-station", "munakata-city-hall",
                 "munakata-sunlive"}
ANNUAL_POSTS = {"munakata-yoshitake-cc", "munakata-ikeno-cc", "munakata-misaki-cc"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def fy2023() -> tuple[Report, str]:
    network = load_network("munakata")
    demand = network.demand
    records = bundled_history(network)
    posts = {s.site_id: s.name_ja for s in network.sites_of_kind(SiteKind.RETURN_POST)}
    report = monthly_report(records, 2023, posts=posts, annual_only=demand.post_annual.keys())
    return report, report_chart_svg(report)


def _groups(root: ET.Element) -> dict[str, ET.Element]:
    return {g.attrib["id"]: g for g in root.iter(f"{SVG}g") if "id" in g.attrib}


def _texts(root: ET.Element) -> str:
    return " ".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_the_chart_has_every_post_monthly_ones_as_lines_and_annual_ones_on_their_own_panel(
        ) -> None:
    _, svg = fy2023()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    groups = _groups(root)
    assert {g for g in groups if g.startswith("axes_")} == {"axes_1", "axes_2", "axes_3"}
    for panel, axes in ((ITEMS_PANEL, "axes_1"), (AVERAGE_PANEL, "axes_2")):
        lines = {g.removeprefix(f"{panel}-") for g in _groups(groups[axes])
                 if g.startswith(f"{panel}-")}
        assert lines == MONTHLY_POSTS, panel
    bars = {g.removeprefix(f"{ANNUAL_PANEL}-") for g in _groups(groups["axes_3"])
            if g.startswith(f"{ANNUAL_PANEL}-")}
    assert bars == ANNUAL_POSTS
    texts = _texts(root)
    assert "7 posts, 4 monthly, 3 with annual figures only" in texts
    assert "Posts with annual figures only (no monthly record, own scale)" in texts
    assert "Items collected per month" in texts and "Items per collection" in texts
    assert "68 " in texts and "13 " in texts  # Yoshitake's year: 68 items in 13 collections
    assert "Apr" in texts and "Mar" in texts


def test_with_a_japanese_font_the_posts_are_named_in_japanese() -> None:
    if chart.japanese_font() is None:
        pytest.skip("no Japanese font installed (apt-get install fonts-noto-cjk)")
    report, svg = fy2023()
    texts = _texts(ET.fromstring(svg))

    for row in report.rows:
        assert row.name_ja in texts, row.post_id
    assert "月別の回収冊数 Items collected per month" in texts
    assert "68 冊 · 13 回" in texts
    assert f"font-family: '{chart.japanese_font()}', 'DejaVu Sans'" in svg


def test_without_a_japanese_font_the_chart_is_english_and_draws_no_missing_glyph(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart, "japanese_font", lambda: None)
    report, _ = fy2023()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = report_chart_svg(report, labels={"munakata-akama-station": "JR Akama Station"})
    texts = _texts(ET.fromstring(svg))

    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    assert JAPANESE.search(texts) is None, texts
    assert "JR Akama Station" in texts and "munakata-togo-station" in texts
    assert "munakata-misaki-cc: 10 items, 4 collections" in texts


def test_each_line_and_bar_carries_the_posts_japanese_name_in_a_title() -> None:
    report, svg = fy2023()
    groups = _groups(ET.fromstring(svg))
    for post_id, panel in [*((p, ITEMS_PANEL) for p in MONTHLY_POSTS),
                           *((p, ANNUAL_PANEL) for p in ANNUAL_POSTS)]:
        title = groups[f"{panel}-{post_id}"].find(f"{SVG}title")
        assert title is not None and title.text == f"{report.row(post_id).name_ja} ({post_id})"


def test_chart_renders_the_same_bytes_twice() -> None:
    report, svg = fy2023()
    assert report_chart_svg(report) == svg
    assert "<dc:date>" not in svg


def test_legend_labels_can_be_given_and_a_report_without_months_still_draws() -> None:
    record = CollectionRecord("post-a", dt.datetime(2023, 5, 1, 9, tzinfo=TOKYO), 3)
    report = monthly_report([record], 2023, posts={"post-a": "A駅 & <B>"})
    root = ET.fromstring(report_chart_svg(report, labels={"post-a": "A station"},
                                          japanese=False))
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "A station" in texts
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "A駅 & <B> (post-a)" in titles  # escaped in the file, read back as given
    empty = monthly_report([], 2023, posts={"post-c": "C"}, annual_only={"post-c"})
    assert ET.fromstring(report_chart_svg(empty)).tag == f"{SVG}svg"
