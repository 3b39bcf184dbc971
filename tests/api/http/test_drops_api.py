"""``/drops``: the report (JSON, CSV, SVG) and the flags, from the stored collections (staff
only). Every test runs through the ``service`` fixture, so on SQLite and on PostgreSQL;
the store holds the seeded FY2023 history."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from typing import Any

from api.services.planning import bundled_history
from drops.chart import japanese_font
from drops.report import monthly_report
from scenarios.loader import load_network
from scenarios.network import SiteKind

ENDPOINTS = ("/drops/report", "/drops/report.csv", "/drops/report/chart.svg", "/drops/flags")
FY2023 = {"fiscal_year": "2023"}


def _get(service: Any, path: str, user: str | None = "staff1", **params: str) -> Any:
    return service.client.get(path, params=params, headers=service.headers(user))


def test_report_json_equals_the_bundled_report_of_fy2023(service: Any) -> None:
    network = load_network("munakata")
    demand = network.demand
    records = bundled_history(network)
    posts = {s.site_id: s.name_ja for s in network.sites_of_kind(SiteKind.RETURN_POST)}
    bundled = monthly_report(records, 2023, posts=posts, annual_only=demand.post_annual.keys())

    response = _get(service, "/drops/report", **FY2023)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fiscal_year"] == 2023
    assert body["months"][0] == "2023-04" and body["months"][-1] == "2024-03"
    assert [row["post_id"] for row in body["rows"]] == [row.post_id for row in bundled.rows]
    for row, expected in zip(body["rows"], bundled.rows, strict=True):
        assert row["name_ja"] == expected.name_ja
        assert (row["items"], row["collections"]) == (expected.items, expected.collections)
        assert row["items_per_collection"] == expected.items_per_collection
        assert row["annual_only"] == expected.annual_only
        assert row["items_by_month"] == (None if expected.items_by_month is None
                                         else list(expected.items_by_month))
        assert row["collections_by_month"] == (None if expected.collections_by_month is None
                                               else list(expected.collections_by_month))
    akama = body["rows"][0]
    assert (akama["items"], akama["collections"], akama["items_per_collection"]) == (
        13389, 356, 37.6)


def test_report_csv_has_a_bom_and_the_header(service: Any) -> None:
    response = _get(service, "/drops/report.csv", **FY2023)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "drops-report-fy2023.csv" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert lines[0][:4] == ["post_id", "name_ja", "measure", "2023-04"]
    assert lines[0][-2:] == ["2024-03", "total"]
    assert lines[1][:3] == ["munakata-akama-station", "JR赤間駅 返却ポスト", "items"]
    assert lines[1][-1] == "13389"
    assert len(lines) == 1 + 3 * 7


def test_report_chart_is_an_svg_of_all_seven_posts(service: Any) -> None:
    response = _get(service, "/drops/report/chart.svg", **FY2023)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    ids = {g.attrib.get("id", "") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert {"axes_1", "axes_2", "axes_3", "items-per-month-munakata-sunlive",
            "annual-only-munakata-misaki-cc"} <= ids
    # The legend names posts in Japanese where the server has a Japanese font, else in
    # the English of the scenario.
    legend = "JR赤間駅 返却ポスト" if japanese_font() else "JR Akama Station"
    assert legend.encode() in response.content


def test_flags_are_a_list_without_typos_in_the_seeded_year(service: Any) -> None:
    response = _get(service, "/drops/flags", **FY2023)
    assert response.status_code == 200, response.text
    flags = response.json()
    assert isinstance(flags, list)
    assert all(f["kind"] in ("likely_typo", "possible_overflow", "overdue") for f in flags)
    assert not [f for f in flags if f["kind"] == "likely_typo"]
    only = _get(service, "/drops/flags", kind="overdue", **FY2023).json()
    assert {f["kind"] for f in only} <= {"overdue"}


def test_a_recorded_typo_shows_up_as_likely_typo_in_its_fiscal_year(service: Any) -> None:
    # The station post takes about 37 items a collection; 500 is more than 10 times that.
    created = service.client.post("/collections", headers=service.headers("staff1"), json={
        "post_id": "munakata-akama-station", "collected_at": "2023-06-15T14:00:00",
        "items": 500})
    assert created.status_code == 201, created.text
    collection_id = created.json()["collection_id"]
    flags = _get(service, "/drops/flags", kind="likely_typo", **FY2023).json()
    assert [(f["collection_id"], f["post_id"], f["items"]) for f in flags] == [
        (collection_id, "munakata-akama-station", 500)]
    assert flags[0]["collected_at"] == "2023-06-15T14:00:00+09:00"
    assert flags[0]["name_ja"] == "JR赤間駅 返却ポスト" and "likely a typo" in flags[0]["detail"]
    # The next year's first collections are judged against FY2023's too.
    later = service.client.post("/collections", headers=service.headers("staff1"), json={
        "post_id": "munakata-akama-station", "collected_at": "2024-04-02T09:30:00",
        "items": 450})
    assert later.status_code == 201, later.text
    next_year = _get(service, "/drops/flags", fiscal_year="2024", kind="likely_typo").json()
    assert [f["collection_id"] for f in next_year] == [later.json()["collection_id"]]


def test_only_staff_may_read_the_drops_endpoints(service: Any) -> None:
    for path in ENDPOINTS:
        for user in ("akama", "driver"):
            assert _get(service, path, user, **FY2023).status_code == 403, (path, user)
        assert _get(service, path, None, **FY2023).status_code == 401, path


def test_a_fiscal_year_out_of_range_is_422_naming_the_field(service: Any) -> None:
    for path in ENDPOINTS:
        for year in ("1900", "2101"):
            response = _get(service, path, fiscal_year=year)
            assert response.status_code == 422, (path, response.text)
            assert response.json()["detail"].startswith("field 'fiscal_year': "), response.text
            assert year in response.json()["detail"]
    bad_kind = _get(service, "/drops/flags", kind="typo", **FY2023)
    assert bad_kind.status_code == 422 and "field 'kind'" in bad_kind.json()["detail"]
