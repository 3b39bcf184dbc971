"""The report chart: a parseable SVG with two panels, one line per post with monthly
figures in each, the Japanese names in titles, the same bytes on every render."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from functools import lru_cache
from zoneinfo import ZoneInfo

from api.services.planning import bundled_history
from drops.chart import AVERAGE_PANEL, ITEMS_PANEL, report_chart_svg
from drops.records import CollectionRecord
from drops.report import Report, monthly_report
from scenarios.loader import load_network
from scenarios.network import SiteKind

SVG = "{http://www.w3.org/2000/svg}"
TOKYO = ZoneInfo("Asia/Tokyo")
MONTHLY_POSTS = {"munakata-akama-station", "munakata-togo-station", "munakata-city-hall",
                 "munakata-sunlive"}


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


def test_chart_is_an_svg_with_two_panels_and_one_line_per_monthly_post() -> None:
    _, svg = fy2023()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    groups = _groups(root)
    assert {g for g in groups if g.startswith("axes_")} == {"axes_1", "axes_2"}
    for panel, axes in ((ITEMS_PANEL, "axes_1"), (AVERAGE_PANEL, "axes_2")):
        lines = {g.removeprefix(f"{panel}-") for g in _groups(groups[axes])
                 if g.startswith(f"{panel}-")}
        assert lines == MONTHLY_POSTS, panel  # the annual-only posts have no line
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Items collected per month" in texts and "Items per collection" in texts
    assert "munakata-akama-station" in texts  # the legend names posts by id by default
    assert "Apr" in texts and "Mar" in texts


def test_each_line_carries_the_posts_japanese_name_in_a_title() -> None:
    report, svg = fy2023()
    groups = _groups(ET.fromstring(svg))
    for post_id in MONTHLY_POSTS:
        title = groups[f"{ITEMS_PANEL}-{post_id}"].find(f"{SVG}title")
        assert title is not None and title.text == f"{report.row(post_id).name_ja} ({post_id})"


def test_chart_renders_the_same_bytes_twice() -> None:
    report, svg = fy2023()
    assert report_chart_svg(report) == svg
    assert "<dc:date>" not in svg


def test_legend_labels_can_be_given_and_a_report_without_months_still_draws() -> None:
    record = CollectionRecord("post-a", dt.datetime(2023, 5, 1, 9, tzinfo=TOKYO), 3)
    report = monthly_report([record], 2023, posts={"post-a": "A駅 & <B>"})
    root = ET.fromstring(report_chart_svg(report, labels={"post-a": "A station"}))
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "A station" in texts
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "A駅 & <B> (post-a)" in titles  # escaped in the file, read back as given
    empty = monthly_report([], 2023, posts={"post-c": "C"}, annual_only={"post-c"})
    assert ET.fromstring(report_chart_svg(empty)).tag == f"{SVG}svg"
