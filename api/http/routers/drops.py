"""``/drops``: the return-post report of a fiscal year (JSON, CSV, SVG chart) and the
collections to check (flags), built from the stored collections. Staff only (another role
gets 403, no token 401).

The posts, their order and capacities come from the service's scenario (``SCENARIO``),
their names from the ``site`` table (`api.services.post_catalogue`, which ``bookrun drops``
reads the store through too).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from api.http.auth import StaffDep
from api.http.deps import SessionDep, SettingsDep
from api.http.schemas.common import ErrorOut
from api.http.schemas.drops import FlagOut, ReportOut, report_out
from api.services.errors import InvalidField
from api.services.planning import get_network
from api.services.post_catalogue import (
    PostCatalogue,
    post_catalogue,
    stored_flags,
    stored_report,
)
from api.store.db import display_time, now_utc
from api.store.repositories import stored_post_names
from drops.chart import report_chart_svg
from drops.flags import FlagKind
from drops.report import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, fiscal_year_of, report_csv

router = APIRouter(prefix="/drops", tags=["drops"])

_AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no valid bearer token"},
    403: {"model": ErrorOut, "description": "the token's role is not staff"},
}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "a bad value; `detail` starts with `field '<name>': `"}}


FiscalYearQuery = Annotated[int | None, Query(
    description=f"April..March; {FISCAL_YEAR_MIN}..{FISCAL_YEAR_MAX} (default: the current "
                f"fiscal year in Asia/Tokyo)")]


def _fiscal_year(value: int | None) -> int:
    if value is None:
        return fiscal_year_of(now_utc())
    if not FISCAL_YEAR_MIN <= value <= FISCAL_YEAR_MAX:
        raise InvalidField("fiscal_year", f"must be {FISCAL_YEAR_MIN}..{FISCAL_YEAR_MAX}, "
                                          f"got {value}")
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
                             "description": "every post: items per month and items per "
                                            "collection (a line per post with monthly "
                                            "figures), and the annual-only posts on a panel "
                                            "of their own"},
                       **_AUTH_RESPONSES, **_INVALID})
def get_report_chart(session: SessionDep, settings: SettingsDep, _: StaffDep,
                     fiscal_year: FiscalYearQuery = None) -> Response:
    """The report as charts, months April..March: items per month and items per
    collection, one line per post with monthly figures, and the posts with annual figures
    only (community centres) as bars on their own scale. Posts are named in Japanese when
    the server has a Japanese font (fonts-noto-cjk), else in English; each line's and
    bar's Japanese name is in its SVG ``<title>``."""
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
        raise InvalidField("kind", f"must be one of {', '.join(sorted(kinds))}, got {kind!r}")
    catalogue = _catalogue(session, settings.scenario)
    return [FlagOut(post_id=f.post_id, name_ja=catalogue.names_ja.get(f.post_id, f.post_id),
                    collection_id=f.collection_id, collected_at=display_time(f.collected_at),
                    items=f.items, kind=f.kind, detail=f.detail)
            for f in stored_flags(session, catalogue, year)
            if kind is None or f.kind.value == kind]
