"""``/closures``: closures (臨時休館, school holidays) and openings (school term days) staff
record for a site or a calendar, which planning applies to the scenario's written rules.

Staff record, import and withdraw them; every signed-in role reads them. A withdrawn
closure is kept (who, when, why) and planning no longer reads it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, status
from sqlalchemy.orm import Session

from api.http.auth import PrincipalDep, StaffDep
from api.http.csv_upload import require_csv
from api.http.deps import SessionDep, SettingsDep
from api.http.schemas.closures import ClosureImportResult, ClosureIn, ClosureOut, WithdrawIn
from api.http.schemas.collections import ImportRejected
from api.http.schemas.common import ErrorOut, Page
from api.services import closures as service
from api.services.closure_import import COLUMNS, import_closures
from api.services.planning import get_network
from api.store.db import display_time
from api.store.repositories import usernames
from api.store.tables import ClosureRow

router = APIRouter(prefix="/closures", tags=["closures"])

ClosureId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no valid bearer token"},
    403: {"model": ErrorOut, "description": "the role may not do this"},
    422: {"model": ErrorOut, "description": "a bad value; `detail` starts with "
                                            "`field '<name>': `"},
}


def _outs(session: Session, rows: list[ClosureRow]) -> list[ClosureOut]:
    names = usernames(session, service.user_ids(rows))
    return [ClosureOut(
        closure_id=r.closure_id, site_id=r.site_id, calendar=r.calendar_id,
        first_date=r.first_date, last_date=r.last_date, kind=r.kind, reason=r.reason,
        source=r.source, created_at=display_time(r.created_at),
        created_by=names.get(r.created_by_user_id, ""),
        withdrawn_at=display_time(r.withdrawn_at) if r.withdrawn_at else None,
        withdrawn_by=(names.get(r.withdrawn_by_user_id, "")
                      if r.withdrawn_by_user_id is not None else None),
        withdrawn_reason=r.withdrawn_reason) for r in rows]


@router.post("", response_model=ClosureOut, status_code=status.HTTP_201_CREATED,
             summary="Record a closure or an opening (staff)",
             responses={**_ERRORS, 409: {"model": ErrorOut,
                                         "description": "the same closure is recorded"}})
def record_closure(body: ClosureIn, session: SessionDep, settings: SettingsDep,
                   principal: StaffDep) -> ClosureOut:
    """Record that a site, or every site of a calendar, is closed (or open) on a day or a
    range of days, and why. Plans made from now on apply it: a closed site receives
    nothing and its consignments wait for its next open day; a closed hub empties only
    return posts. 422 for an unknown site or calendar, a range over a year, days before
    the scenario's first data day or more than two years ahead."""
    first, last = body.days
    fields = service.ClosureFields(first, last, body.reason, site_id=body.site_id,
                                   calendar_id=body.calendar, kind=body.kind)
    row = service.record_closure(session, get_network(settings.scenario), fields,
                                 principal.user_id)
    return _outs(session, [row])[0]


@router.get("", response_model=Page[ClosureOut], summary="List closures",
            responses=_ERRORS)
def list_closures(
        session: SessionDep, settings: SettingsDep, _: PrincipalDep,
        from_: Annotated[dt.date | None, Query(alias="from", description="touching this day "
                                                                         "or later")] = None,
        to: Annotated[dt.date | None, Query(description="touching this day or "
                                                        "earlier")] = None,
        site_id: Annotated[str | None, Query(max_length=100)] = None,
        calendar: Annotated[str | None, Query(max_length=100)] = None,
        include_withdrawn: bool = False,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Page[ClosureOut]:
    """Closures by first day, the withdrawn ones only when asked."""
    total, rows = service.list_closures(
        session, get_network(settings.scenario).scenario_id, first=from_, last=to,
        site_id=site_id, calendar_id=calendar, include_withdrawn=include_withdrawn,
        offset=offset, limit=limit)
    return Page[ClosureOut](items=_outs(session, rows), total=total, offset=offset,
                            limit=limit)


@router.post("/import", response_model=ClosureImportResult,
             status_code=status.HTTP_201_CREATED, summary="Import closures from CSV (staff)",
             responses={415: {"model": ErrorOut, "description": "not sent as text/csv"},
                        422: {"model": ImportRejected,
                              "description": "bad lines (nothing imported), each named"},
                        **{k: v for k, v in _ERRORS.items() if k != 422}})
def import_closures_csv(
        request: Request, session: SessionDep, settings: SettingsDep, principal: StaffDep,
        body: Annotated[bytes, Body(
            media_type="text/csv",
            description="CSV, UTF-8 (a byte-order mark is fine; Shift_JIS is refused), "
                        f"header first: {','.join(COLUMNS)} (site_id or calendar per line; "
                        "last_date and kind optional)",
            openapi_examples={"term": {
                "summary": "a branch closure and the school winter holidays",
                "value": "site_id,calendar,first_date,last_date,reason,kind\r\n"
                         "munakata-sue,,2026-12-09,,館内工事,closed\r\n"
                         ",school,2026/12/19,2027/1/7,冬休み,closed\r\n"}})],
) -> ClosureImportResult:
    """Import closures, all or nothing: each line is checked as ``POST /closures`` checks
    one; a line recording what is recorded already is a duplicate. The answer to a bad
    file (422) names the line (the header is line 1), the field and the value."""
    require_csv(request)
    return ClosureImportResult(imported=import_closures(
        session, get_network(settings.scenario), body, principal.user_id))


@router.get("/{closure_id}", response_model=ClosureOut, summary="One closure",
            responses={404: {"model": ErrorOut, "description": "no such closure"}})
def get_closure(closure_id: ClosureId, session: SessionDep, _: PrincipalDep) -> ClosureOut:
    return _outs(session, [service.get_closure(session, closure_id)])[0]


@router.delete("/{closure_id}", response_model=ClosureOut,
               summary="Withdraw a closure recorded by mistake (staff)",
               responses={404: {"model": ErrorOut, "description": "no such closure"},
                          409: {"model": ErrorOut, "description": "withdrawn already"}})
def withdraw_closure(closure_id: ClosureId, session: SessionDep, principal: StaffDep,
                     body: WithdrawIn | None = None) -> ClosureOut:
    """Plans made from now on no longer apply it; the record stays, with who withdrew it,
    when and why."""
    row = service.get_closure(session, closure_id, for_update=True)
    service.withdraw_closure(session, row, principal.user_id, body.reason if body else "")
    return _outs(session, [row])[0]
