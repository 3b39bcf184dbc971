"""Shapes of ``/drops``: the return-post report of a fiscal year and the flags."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from drops.flags import FlagKind
from drops.report import PostReport, Report


class PostReportOut(BaseModel):
    """One post's line. The ``*_by_month`` lists hold 12 values, April..March (``months``),
    and are null for a post with annual figures only."""

    post_id: str
    name_ja: str
    annual_only: bool
    items: int = Field(description="items in the fiscal year")
    collections: int = Field(description="collections in the fiscal year")
    items_per_collection: float | None = Field(
        description="the year's average, one decimal (null without collections)")
    items_by_month: list[int] | None
    collections_by_month: list[int] | None
    items_per_collection_by_month: list[float | None] | None


class ReportOut(BaseModel):
    fiscal_year: int
    months: list[str] = Field(description="2023-04 .. 2024-03 for FY2023")
    rows: list[PostReportOut]


class FlagOut(BaseModel):
    post_id: str
    name_ja: str
    collection_id: int | None
    collected_at: dt.datetime = Field(description="Asia/Tokyo")
    items: int
    kind: FlagKind
    detail: str = Field(description="what looks wrong, in Japanese / English")


def _row_out(row: PostReport) -> PostReportOut:
    by_month = row.items_per_collection_by_month
    return PostReportOut(
        post_id=row.post_id, name_ja=row.name_ja, annual_only=row.annual_only,
        items=row.items, collections=row.collections,
        items_per_collection=row.items_per_collection,
        items_by_month=None if row.items_by_month is None else list(row.items_by_month),
        collections_by_month=(None if row.collections_by_month is None
                              else list(row.collections_by_month)),
        items_per_collection_by_month=None if by_month is None else list(by_month))


def report_out(report: Report) -> ReportOut:
    return ReportOut(fiscal_year=report.fiscal_year, months=list(report.month_labels),
                     rows=[_row_out(row) for row in report.rows])
