"""``/drops``: the return-post report of a fiscal year (JSON, CSV, SVG chart) and the
collections to check (flags), built from the stored collections. Staff only (another role
gets 403, no token 401).

The posts, their order and capacities come from the service's scenario (``SCENARIO``),
their names from the ``site`` table. The functions above the routes hold no HTTP:
``bookrun drops`` reads the store through them too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import StaffDep
from api.deps import SessionDep, SettingsDep
from api.planning import get_network
from api.replay import post_rules
from api.schemas.common import ErrorOut
from api.store.db import display_time, now_utc
from api.store.tables import CollectionRow, SiteRow
from drops.chart import report_chart_svg
from drops.flags import Flag, FlagKind, flag_collections
from drops.records import CollectionRecord, PostRules
from drops.report import (
    PostReport,
    Report,
    fiscal_year_bounds,
    fiscal_year_of,
    monthly_report,
    report_csv,
)
from scenarios.network import Network, SiteKind

router = APIRouter(prefix="/drops", tags=["drops"])

#: Fiscal years the endpoints accept.
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100
#: Flags judge a collection against the post's collections of this many days before the
#: fiscal year too (its usual count, and the previous collection of a gap at the start).
FLAG_HISTORY_DAYS = 365

_AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no valid bearer token"},
    403: {"model": ErrorOut, "description": "the token's role is not staff"},
}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "a bad value; `detail` starts with `field '<name>': `"}}


# --- the posts and the stored collections (no HTTP) -----------------------------------------


@dataclass(frozen=True)
class PostCatalogue:
    """The return posts of a scenario, in display order, with what the report and the
    flags need.

    ``annual_only`` are the posts the scenario's report gives annual figures only for, in
    ``data_fiscal_year`` (their monthly split in the bundled history is a reconstruction);
    in other years every post gets its months.
    """

    names_ja: Mapping[str, str]
    names_en: Mapping[str, str]
    rules: Mapping[str, PostRules]
    annual_only: frozenset[str]
    data_fiscal_year: int | None

    def annual_only_in(self, fiscal_year: int) -> frozenset[str]:
        return self.annual_only if fiscal_year == self.data_fiscal_year else frozenset()


def post_catalogue(network: Network, stored_names: Mapping[str, str] | None = None
                   ) -> PostCatalogue:
    """The network's return posts in its order; ``stored_names`` (the ``site`` table's
    ``name_ja`` by id) override the scenario's names. Rules from sites.csv
    (`api.replay.post_rules`): ``post_capacity_items`` (default 100) and
    ``post_max_interval_days`` (default 7)."""
    posts = network.sites_of_kind(SiteKind.RETURN_POST)
    names = {s.site_id: (stored_names or {}).get(s.site_id) or s.name_ja for s in posts}
    return PostCatalogue(names_ja=names, names_en={s.site_id: s.name_en for s in posts},
                         rules=post_rules(network),
                         annual_only=frozenset(network.demand.post_annual),
                         data_fiscal_year=network.demand.fiscal_year)


def stored_post_names(session: Session) -> dict[str, str]:
    """``site_id -> name_ja`` of the return posts in the ``site`` table."""
    rows = session.execute(select(SiteRow.site_id, SiteRow.name_ja).where(
        SiteRow.kind == SiteKind.RETURN_POST.value)).all()
    return {site_id: name_ja for site_id, name_ja in rows}


def stored_records(session: Session, start: dt.datetime, end: dt.datetime,
                   post_ids: set[str] | None = None) -> list[CollectionRecord]:
    """The stored collections with ``start <= collected_at < end`` (of ``post_ids`` when
    given), as records, oldest first."""
    query = select(CollectionRow.post_id, CollectionRow.collected_at, CollectionRow.items,
                   CollectionRow.collection_id, CollectionRow.source).where(
        CollectionRow.collected_at >= start, CollectionRow.collected_at < end)
    if post_ids is not None:
        query = query.where(CollectionRow.post_id.in_(post_ids))
    rows = session.execute(query.order_by(CollectionRow.collected_at,
                                          CollectionRow.collection_id)).all()
    return [CollectionRecord(post_id, collected_at, items, collection_id, source)
            for post_id, collected_at, items, collection_id, source in rows]


def stored_report(session: Session, catalogue: PostCatalogue, fiscal_year: int) -> Report:
    """The report of ``fiscal_year`` from the stored collections of the catalogue's posts."""
    start, end = fiscal_year_bounds(fiscal_year)
    records = stored_records(session, start, end, set(catalogue.names_ja))
    return monthly_report(records, fiscal_year, posts=catalogue.names_ja,
                          annual_only=catalogue.annual_only_in(fiscal_year))


def stored_flags(session: Session, catalogue: PostCatalogue, fiscal_year: int) -> list[Flag]:
    """The flags of the stored collections of ``fiscal_year``, each judged against the
    post's collections of the year before too (`FLAG_HISTORY_DAYS`)."""
    start, end = fiscal_year_bounds(fiscal_year)
    records = stored_records(session, start - dt.timedelta(days=FLAG_HISTORY_DAYS), end,
                             set(catalogue.names_ja))
    return flag_collections(records, catalogue.rules, since=start)


# --- shapes out -----------------------------------------------------------------------------


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


# --- routes ---------------------------------------------------------------------------------

FiscalYearQuery = Annotated[int | None, Query(
    description=f"April..March; {FISCAL_YEAR_MIN}..{FISCAL_YEAR_MAX} (default: the current "
                f"fiscal year in Asia/Tokyo)")]


def _fiscal_year(value: int | None) -> int:
    if value is None:
        return fiscal_year_of(now_utc())
    if not FISCAL_YEAR_MIN <= value <= FISCAL_YEAR_MAX:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            detail=f"field 'fiscal_year': must be {FISCAL_YEAR_MIN}.."
                                   f"{FISCAL_YEAR_MAX}, got {value}")
    return value


def _catalogue(session: Session, scenario: str) -> PostCatalogue:
    return post_catalogue(get_network(scenario), stored_post_names(session))


@router.get("/report", response_model=ReportOut, summary="Return-post report of a fiscal year",
            responses={**_AUTH_RESPONSES, **_INVALID})
def get_report(session: SessionDep, settings: SettingsDep, _: StaffDep,
               fiscal_year: FiscalYearQuery = None) -> ReportOut:
    """Per return post: items and collections in each month April..March, the year's
    totals and the average items per collection (one decimal), from the stored
    collections. Months follow the collection's date in Asia/Tokyo. Posts the annual
    report gives only yearly figures for get no months in that report's year."""
    year = _fiscal_year(fiscal_year)
    return report_out(stored_report(session, _catalogue(session, settings.scenario), year))


@router.get("/report.csv", response_class=Response, summary="The report as CSV",
            responses={200: {"content": {"text/csv": {}},
                             "description": "UTF-8 CSV with a byte-order mark"},
                       **_AUTH_RESPONSES, **_INVALID})
def get_report_csv(session: SessionDep, settings: SettingsDep, _: StaffDep,
                   fiscal_year: FiscalYearQuery = None) -> Response:
    """The report as CSV, three lines per post:
    ``post_id,name_ja,measure,2023-04,...,2024-03,total`` with ``measure`` one of
    ``items``, ``collections``, ``items_per_collection``. UTF-8 with a byte-order mark,
    so Excel on Japanese Windows opens it without garbling the names."""
    year = _fiscal_year(fiscal_year)
    text = report_csv(stored_report(session, _catalogue(session, settings.scenario), year))
    return Response(content=("\ufeff" + text).encode("utf-8"),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="drops-report-fy{year}.csv"'})


@router.get("/report/chart.svg", response_class=Response, summary="The report as an SVG chart",
            responses={200: {"content": {"image/svg+xml": {}},
                             "description": "two panels: items per month and items per "
                                            "collection, one line per post"},
                       **_AUTH_RESPONSES, **_INVALID})
def get_report_chart(session: SessionDep, settings: SettingsDep, _: StaffDep,
                     fiscal_year: FiscalYearQuery = None) -> Response:
    """Line charts of the report, months April..March: items per month and items per
    collection, one line per post with monthly figures (legend in English; each line's
    Japanese name is in its SVG ``<title>``)."""
    year = _fiscal_year(fiscal_year)
    catalogue = _catalogue(session, settings.scenario)
    svg = report_chart_svg(stored_report(session, catalogue, year),
                           labels={k: v for k, v in catalogue.names_en.items() if v})
    return Response(content=svg.encode("utf-8"), media_type="image/svg+xml")


@router.get("/flags", response_model=list[FlagOut], summary="Collections to check",
            responses={**_AUTH_RESPONSES, **_INVALID})
def get_flags(session: SessionDep, settings: SettingsDep, _: StaffDep,
              fiscal_year: FiscalYearQuery = None,
              kind: Annotated[str | None, Query(
                  description=f"only this kind: {', '.join(k.value for k in FlagKind)}")
              ] = None) -> list[FlagOut]:
    """Stored collections of the fiscal year that look wrong, oldest first:
    ``likely_typo`` (>= 10x the post's usual count, the median of its other collections),
    ``possible_overflow`` (above the post's capacity or 3x its usual), ``overdue`` (more
    days since the post's previous collection than its ``post_max_interval_days`` in
    sites.csv, default 7). The usual and the previous collection also draw on the year
    before the fiscal year."""
    year = _fiscal_year(fiscal_year)
    kinds = {k.value for k in FlagKind}
    if kind is not None and kind not in kinds:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            detail=f"field 'kind': must be one of {', '.join(sorted(kinds))}, "
                                   f"got {kind!r}")
    catalogue = _catalogue(session, settings.scenario)
    return [FlagOut(post_id=f.post_id, name_ja=catalogue.names_ja.get(f.post_id, f.post_id),
                    collection_id=f.collection_id, collected_at=display_time(f.collected_at),
                    items=f.items, kind=f.kind, detail=f.detail)
            for f in stored_flags(session, catalogue, year)
            if kind is None or f.kind.value == kind]
