"""The return-post report: the FY2023 bundled history gives the annual report's table in
every cell; months follow Tokyo dates; the CSV parses back; the table aligns Japanese."""

from __future__ import annotations

import csv
import datetime as dt
import io
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from api.services.planning import bundled_history
from drops.records import CollectionRecord
from drops.report import (
    CSV_MEASURES,
    Report,
    display_width,
    fiscal_months,
    fiscal_year_bounds,
    fiscal_year_of,
    items_per_collection,
    monthly_report,
    report_csv,
    report_table,
)
from scenarios.loader import load_network
from scenarios.network import SiteKind
from tests.shared_data import SHARED, need_shared

TOKYO = ZoneInfo("Asia/Tokyo")
UTC = dt.UTC
ROOT = Path(__file__).resolve().parents[2]
#: The report's table as extracted from the annual report (outside the repository) and the
#: copy the Munakata scenario bundles.
SHARED_SEED_DATA = SHARED / "seed-data"
BUNDLED_DATA = ROOT / "scenarios" / "munakata"
ANNUAL_ONLY = ("munakata-yoshitake-cc", "munakata-ikeno-cc", "munakata-misaki-cc")


@lru_cache(maxsize=1)
def fy2023_report() -> Report:
    """The FY2023 report of the bundled history (the rota rebuilt from the annual report)."""
    network = load_network("munakata")
    demand = network.demand
    records = bundled_history(network)
    posts = {s.site_id: s.name_ja for s in network.sites_of_kind(SiteKind.RETURN_POST)}
    return monthly_report(records, 2023, posts=posts, annual_only=demand.post_annual.keys())


def _seed_file(folder: Path, name: str) -> Path:
    if folder == SHARED_SEED_DATA:
        return need_shared(f"seed-data/{name}")
    return folder / name


@pytest.mark.parametrize("folder", [SHARED_SEED_DATA, BUNDLED_DATA], ids=["shared", "bundled"])
def test_fy2023_report_equals_every_monthly_cell_of_the_annual_report(folder: Path) -> None:
    report = fy2023_report()
    with _seed_file(folder, "drop_posts_fy2023.csv").open(encoding="utf-8") as file:
        lines = list(csv.DictReader(file))
    assert len(lines) == 4 * 12
    months = report.months
    for line in lines:
        row = report.row(line["post_id"])
        assert row.items_by_month is not None and row.collections_by_month is not None
        index = months.index((int(line["year"]), int(line["month"])))
        where = f"{line['post_id']} {line['year']}-{line['month']}"
        assert row.items_by_month[index] == int(line["items"]), where
        assert row.collections_by_month[index] == int(line["collections"]), where
    monthly = {row.post_id for row in report.rows if not row.annual_only}
    assert monthly == {line["post_id"] for line in lines}


@pytest.mark.parametrize("folder", [SHARED_SEED_DATA, BUNDLED_DATA], ids=["shared", "bundled"])
def test_fy2023_report_equals_the_annual_only_lines(folder: Path) -> None:
    report = fy2023_report()
    path = _seed_file(folder, "drop_posts_fy2023_annual_only.csv")
    with path.open(encoding="utf-8") as file:
        lines = list(csv.DictReader(file))
    assert [line["post_id"] for line in lines] == list(ANNUAL_ONLY)
    for line in lines:
        row = report.row(line["post_id"])
        assert int(line["fiscal_year"]) == report.fiscal_year
        assert (row.items, row.collections) == (int(line["items"]), int(line["collections"]))
        assert row.annual_only and row.items_per_collection_by_month is None


def test_fy2023_totals_and_averages_are_the_reports() -> None:
    report = fy2023_report()
    expected = {  # post: (items, collections, average items per collection), as printed
        "munakata-akama-station": (13389, 356, 37.6),
        "munakata-togo-station": (10149, 356, 28.5),
        "munakata-sunlive": (20099, 305, 65.9),
        "munakata-city-hall": (2144, 188, 11.4),
    }
    for post_id, (items, collections, average) in expected.items():
        row = report.row(post_id)
        assert (row.items, row.collections, row.items_per_collection) == (
            items, collections, average), post_id
    assert [row.post_id for row in report.rows][-3:] == list(ANNUAL_ONLY)


def test_averages_round_half_up_to_one_decimal() -> None:
    assert items_per_collection(5, 4) == 1.3  # 1.25: half up, not to even
    assert items_per_collection(13389, 356) == 37.6
    assert items_per_collection(1, 8) == 0.1
    assert items_per_collection(7, 0) is None


def test_months_follow_tokyo_dates_across_the_fiscal_year_boundary() -> None:
    records = [
        # 23:30 UTC on 31 March 2023 is 08:30 on 1 April in Tokyo: April of FY2023.
        CollectionRecord("post-a", dt.datetime(2023, 3, 31, 23, 30, tzinfo=UTC), 10),
        # 14:00 UTC on 31 March 2023 is 23:00 the same day in Tokyo: FY2022, left out.
        CollectionRecord("post-a", dt.datetime(2023, 3, 31, 14, 0, tzinfo=UTC), 99),
        CollectionRecord("post-a", dt.datetime(2023, 4, 20, 10, 0, tzinfo=TOKYO), 5),
        # 23:59 on 31 March 2024 in Tokyo: March, the last month of FY2023.
        CollectionRecord("post-b", dt.datetime(2024, 3, 31, 14, 59, tzinfo=UTC), 7),
        # Midnight 1 April 2024 in Tokyo: FY2024, left out.
        CollectionRecord("post-b", dt.datetime(2024, 3, 31, 15, 0, tzinfo=UTC), 99),
    ]
    report = monthly_report(records, 2023, posts={"post-b": "B駅", "post-a": "A駅"})
    assert [row.post_id for row in report.rows] == ["post-b", "post-a"]  # as given
    a, b = report.row("post-a"), report.row("post-b")
    assert a.items_by_month == (15,) + (0,) * 11
    assert a.collections_by_month == (2,) + (0,) * 11
    assert (a.items, a.collections, a.items_per_collection) == (15, 2, 7.5)
    assert b.items_by_month == (0,) * 11 + (7,)
    assert (b.items, b.collections) == (7, 1)
    assert report.month_labels[0] == "2023-04" and report.month_labels[-1] == "2024-03"


def test_a_post_without_collections_gets_zeros_and_an_unlisted_post_is_kept() -> None:
    records = [CollectionRecord("zz-other", dt.datetime(2023, 5, 1, 9, tzinfo=TOKYO), 3)]
    report = monthly_report(records, 2023, posts={"post-a": "A駅", "post-c": "C"},
                            annual_only={"post-c"})
    assert [row.post_id for row in report.rows] == ["post-a", "post-c", "zz-other"]
    assert report.row("post-a").items_by_month == (0,) * 12
    assert report.row("post-a").items_per_collection is None
    assert report.row("post-c").annual_only and report.row("post-c").items == 0
    assert report.row("zz-other").name_ja == "zz-other"
    assert report.row("zz-other").items_by_month == (0, 3) + (0,) * 10


def test_fiscal_year_helpers() -> None:
    assert fiscal_year_of(dt.date(2024, 3, 31)) == 2023
    assert fiscal_year_of(dt.date(2024, 4, 1)) == 2024
    assert fiscal_year_of(dt.datetime(2024, 3, 31, 15, 0, tzinfo=UTC)) == 2024  # Tokyo date
    start, end = fiscal_year_bounds(2023)
    assert start == dt.datetime(2023, 4, 1, tzinfo=TOKYO)
    assert end == dt.datetime(2024, 4, 1, tzinfo=TOKYO)
    assert fiscal_months(2023)[0] == (2023, 4) and fiscal_months(2023)[-1] == (2024, 3)


def test_report_csv_parses_back_to_the_report() -> None:
    report = fy2023_report()
    text = report_csv(report)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    assert header == ["post_id", "name_ja", "measure", "2023-04", "2023-05", "2023-06",
                      "2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12",
                      "2024-01", "2024-02", "2024-03", "total"]
    lines = list(reader)
    assert len(lines) == len(CSV_MEASURES) * len(report.rows)
    for line in lines:
        post_id, name_ja, measure, *months, total = line
        row = report.row(post_id)
        assert name_ja == row.name_ja
        if measure == "items":
            assert int(total) == row.items
            expected: list[str] = [str(v) for v in row.items_by_month or ()]
        elif measure == "collections":
            assert int(total) == row.collections
            expected = [str(v) for v in row.collections_by_month or ()]
        else:
            assert measure == "items_per_collection"
            assert float(total) == row.items_per_collection
            expected = [f"{v:.1f}" for v in row.items_per_collection_by_month or ()
                        if v is not None]
        assert months == (expected or [""] * 12), (post_id, measure)
    assert text.endswith("\r\n")


def test_report_table_shows_japanese_names_in_aligned_columns() -> None:
    report = fy2023_report()
    table = report_table(report)
    assert "JR赤間駅 返却ポスト" in table and "サンリブ" in table and "岬地区" in table
    assert "13,389" in table and "37.6" in table
    lines = table.splitlines()
    # Lines ending in the same column: the header and every monthly post's items line.
    items_lines = [line for line in lines for row in report.rows
                   if not row.annual_only and line.startswith(row.name_ja)]
    assert len(items_lines) == 4
    widths = {display_width(line) for line in [lines[1], *items_lines]}
    assert len(widths) == 1, widths


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("abc") == 3
    assert display_width("赤間駅") == 6
    assert display_width("JR赤間駅 返却ポスト") == 2 + 6 + 1 + 10
