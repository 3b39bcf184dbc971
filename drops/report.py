"""The return-post report: items and collections per post and month of a fiscal year.

It is the annual report's table (図書館要覧, 返却ポスト): per post, the items taken out and
the number of collections in each month April..March, the year's totals and the average
items per collection, one decimal (赤間駅 37.6). Posts the report gives only annual figures
for (the community-centre posts) get the annual line only.

Times are bucketed by their date in Asia/Tokyo: a collection at 23:30 UTC on 31 March is
08:30 on 1 April in Japan and counts for April, in the next fiscal year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from drops.records import TOKYO, CollectionRecord

#: The fiscal years a report may be asked for (the service and the command line check).
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100
#: The months of a fiscal year in order, April to March.
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
#: The measures of `report_csv`, one line each per post.
CSV_MEASURES = ("items", "collections", "items_per_collection")


def fiscal_year_of(moment: dt.datetime | dt.date) -> int:
    """The fiscal year (April to March) of a date, or of an aware time's date in Tokyo."""
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(TOKYO).date()
    return moment.year if moment.month >= 4 else moment.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of a fiscal year as aware times: FY2023 is 2023-04-01 00:00 to
    2024-04-01 00:00, Asia/Tokyo."""
    return (dt.datetime(fiscal_year, 4, 1, tzinfo=TOKYO),
            dt.datetime(fiscal_year + 1, 4, 1, tzinfo=TOKYO))


def fiscal_months(fiscal_year: int) -> tuple[tuple[int, int], ...]:
    """``(year, month)`` of each month of the fiscal year, April first."""
    return tuple((fiscal_year if month >= 4 else fiscal_year + 1, month)
                 for month in FISCAL_MONTHS)


def items_per_collection(items: int, collections: int) -> float | None:
    """Average items per collection, rounded half up to one decimal as the report prints
    it (13,389 / 356 = 37.6); None without collections."""
    if collections <= 0:
        return None
    average = (Decimal(items) / Decimal(collections)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(average)


@dataclass(frozen=True)
class PostReport:
    """One post's line of the report.

    ``items_by_month`` and ``collections_by_month`` hold 12 values, April..March; both are
    None for a post with annual figures only.
    """

    post_id: str
    name_ja: str
    items: int
    collections: int
    items_by_month: tuple[int, ...] | None = None
    collections_by_month: tuple[int, ...] | None = None

    @property
    def annual_only(self) -> bool:
        return self.items_by_month is None

    @property
    def items_per_collection(self) -> float | None:
        """The year's average, one decimal (None without collections)."""
        return items_per_collection(self.items, self.collections)

    @property
    def items_per_collection_by_month(self) -> tuple[float | None, ...] | None:
        """Each month's average, one decimal (None in a month without collections)."""
        if self.items_by_month is None or self.collections_by_month is None:
            return None
        return tuple(items_per_collection(i, c) for i, c in
                     zip(self.items_by_month, self.collections_by_month, strict=True))


@dataclass(frozen=True)
class Report:
    """The report of ``fiscal_year``: one `PostReport` per post, in display order."""

    fiscal_year: int
    rows: tuple[PostReport, ...]

    @property
    def months(self) -> tuple[tuple[int, int], ...]:
        return fiscal_months(self.fiscal_year)

    @property
    def month_labels(self) -> tuple[str, ...]:
        """``2023-04`` .. ``2024-03``."""
        return tuple(f"{year}-{month:02d}" for year, month in self.months)

    def row(self, post_id: str) -> PostReport:
        """The line of ``post_id`` (KeyError when the report has none)."""
        for row in self.rows:
            if row.post_id == post_id:
                return row
        raise KeyError(post_id)


def monthly_report(records: Iterable[CollectionRecord], fiscal_year: int, *,
                   posts: Mapping[str, str], annual_only: Collection[str] = ()) -> Report:
    """The report of ``fiscal_year`` from collection records.

    Parameters
    ----------
    records
        Collections of any time; those outside the fiscal year (by their date in Tokyo)
        are left out.
    fiscal_year
        April ``fiscal_year`` to March ``fiscal_year + 1``.
    posts
        ``post_id -> name_ja`` in display order. Every post listed gets a line, with zeros
        when it has no collections. Records of a post not listed are not dropped: its line
        comes after the listed ones (ordered by id), named by its id.
    annual_only
        Posts that get the annual line only (no months).

    Returns
    -------
    Report
        The lines, in the order of ``posts``.
    """
    start, end = fiscal_year_bounds(fiscal_year)
    month_index = {key: index for index, key in enumerate(fiscal_months(fiscal_year))}
    items: dict[str, list[int]] = {}
    visits: dict[str, list[int]] = {}
    for record in records:
        local = record.collected_at.astimezone(TOKYO)
        if not start <= local < end:
            continue
        index = month_index[(local.year, local.month)]
        items.setdefault(record.post_id, [0] * 12)[index] += record.items
        visits.setdefault(record.post_id, [0] * 12)[index] += 1
    names = dict(posts)
    for post_id in sorted(set(items) - set(names)):
        names[post_id] = post_id
    rows = []
    for post_id, name_ja in names.items():
        post_items = items.get(post_id, [0] * 12)
        post_visits = visits.get(post_id, [0] * 12)
        monthly = post_id not in annual_only
        rows.append(PostReport(
            post_id=post_id, name_ja=name_ja, items=sum(post_items),
            collections=sum(post_visits),
            items_by_month=tuple(post_items) if monthly else None,
            collections_by_month=tuple(post_visits) if monthly else None))
    return Report(fiscal_year, tuple(rows))


# --- CSV --------------------------------------------------------------------------------


def _average_text(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def report_csv(report: Report) -> str:
    """The report as CSV, three lines per post (one per measure), ``\\r\\n`` line ends.

    Header: ``post_id,name_ja,measure,2023-04,...,2024-03,total``. ``measure`` is
    ``items``, ``collections`` or ``items_per_collection`` (one decimal; its ``total`` is
    the year's average, empty without collections). A post with annual figures only has
    its month cells empty.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["post_id", "name_ja", "measure", *report.month_labels, "total"])
    for row in report.rows:
        by_measure: dict[str, tuple[Sequence[object], object]] = {
            "items": (row.items_by_month or [""] * 12, row.items),
            "collections": (row.collections_by_month or [""] * 12, row.collections),
            "items_per_collection": (
                [_average_text(v) for v in row.items_per_collection_by_month or [None] * 12],
                _average_text(row.items_per_collection)),
        }
        for measure in CSV_MEASURES:
            months, total = by_measure[measure]
            writer.writerow([row.post_id, row.name_ja, measure, *months, total])
    return buffer.getvalue()


# --- terminal table ---------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: 2 for wide and full-width (East Asian)
    characters, 0 for combining marks, 1 for the others."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _left(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - display_width(text)) + text


def report_table(report: Report) -> str:
    """The report as a fixed-width text table for the terminal (Japanese names, columns
    aligned by display width): per post a line of items and a line of collections per
    month, the year's totals and the average items per collection."""
    month_heads = [f"{month}月" for _, month in report.months]
    heads = ["返却ポスト post", "measure", *month_heads, "total", "per coll."]
    lines: list[list[str]] = []
    for row in report.rows:
        items_months = ([f"{v:,}" for v in row.items_by_month] if row.items_by_month
                        is not None else [""] * 12)
        visit_months = ([f"{v:,}" for v in row.collections_by_month]
                        if row.collections_by_month is not None else [""] * 12)
        average = _average_text(row.items_per_collection) or "-"
        lines.append([row.name_ja, "items", *items_months, f"{row.items:,}", average])
        lines.append(["" if not row.annual_only else "(annual only 年間のみ)", "collections",
                      *visit_months, f"{row.collections:,}", ""])
    widths = [max(display_width(cells[i]) for cells in [heads, *lines])
              for i in range(len(heads))]

    def render(cells: list[str]) -> str:
        numbers = " ".join(_right(cell, width) for cell, width in zip(cells[2:], widths[2:],
                                                                      strict=True))
        return f"{_left(cells[0], widths[0])}  {_left(cells[1], widths[1])}  {numbers}".rstrip()

    first, last = report.month_labels[0], report.month_labels[-1]
    title = (f"返却ポスト回収実績 FY{report.fiscal_year} ({first}..{last}): items and "
             f"collections per month, total, average items per collection")
    rule = "-" * display_width(render(heads))
    return "\n".join([title, render(heads), rule, *(render(cells) for cells in lines)]) + "\n"
