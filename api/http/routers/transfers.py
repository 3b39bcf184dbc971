"""``/transfers``: consignments, what must travel between the hub, branches, service points
and schools (reserved items to their pickup site, returns to their owning site,
group-lending crates, inter-library loans), recorded one by one or imported as the
library system's daily list.

Staff record, import, read and cancel them; the contractor reads those scheduled on the
published plans it drives and those delivered; school librarians have no access (403).
A consignment is ``recorded``; publishing a plan that carries it makes it ``scheduled``
(``scheduled_date``, ``plan_id``, ``plan_version``); marking its delivery stop done makes
it ``delivered``. One whose site is closed on its ready day waits for the next open day
and says why (``earliest_date``, ``status_reason``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.http.auth import StaffDep, require
from api.http.csv_upload import require_csv
from api.http.deps import SessionDep, SettingsDep
from api.http.schemas.collections import ImportRejected
from api.http.schemas.common import ErrorOut, Page
from api.http.schemas.transfers import (
    CancelIn,
    TransferEventOut,
    TransferImportResult,
    TransferIn,
    TransferOut,
)
from api.services import consignment_lifecycle as lifecycle
from api.services import consignments as service
from api.services.accounts import Principal
from api.services.closures import planning_network
from api.services.consignment_import import COLUMNS, import_consignments
from api.services.planning import get_network
from api.store.db import display_time
from api.store.repositories import usernames
from api.store.tables import ConsignmentRow, ConsignmentStatus, PlanRow, Role
from scenarios.consignments import ConsignmentKind, first_open_day, waiting_reason
from scenarios.network import Network

router = APIRouter(prefix="/transfers", tags=["transfers"])

ReaderDep = Annotated[Principal, Depends(require(Role.STAFF, Role.CONTRACTOR))]
TransferId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the consignment's id")]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no valid bearer token"},
    403: {"model": ErrorOut, "description": "the role may not do this"},
    404: {"model": ErrorOut, "description": "no such consignment, or not one the caller may "
                                            "see (for the contractor: one not scheduled or "
                                            "delivered)"},
    409: {"model": ErrorOut, "description": "the status does not allow it, a reference "
                                            "recorded already, or an Idempotency-Key used "
                                            "for another consignment"},
    422: {"model": ErrorOut, "description": "a bad value; `detail` starts with "
                                            "`field '<name>': ` and names the value"},
}


def _outs(session: Session, network: Network, rows: list[ConsignmentRow]) -> list[TransferOut]:
    names = usernames(session, service.user_ids(rows))
    plan_ids = {r.plan_id for r in rows if r.plan_id is not None}
    versions = {plan_id: version for plan_id, version in session.execute(
        select(PlanRow.plan_id, PlanRow.version).where(PlanRow.plan_id.in_(plan_ids)))
                } if plan_ids else {}
    outs = []
    for row in rows:
        consignment = service.as_consignment(row)
        earliest = first_open_day(network, row.from_site_id, row.to_site_id, row.ready_date)
        reason = row.status_reason
        if not reason and row.status == ConsignmentStatus.RECORDED:
            reason = waiting_reason(network, consignment, row.ready_date) or ""
        outs.append(TransferOut(
            consignment_id=row.consignment_id, from_site_id=row.from_site_id,
            from_name_ja=network.site(row.from_site_id).name_ja, to_site_id=row.to_site_id,
            to_name_ja=network.site(row.to_site_id).name_ja, items=row.items,
            crates=row.crates, kind=row.kind, ready_date=row.ready_date,
            reference=row.reference, note=row.note, status=row.status, status_reason=reason,
            earliest_date=earliest, scheduled_date=row.scheduled_date, plan_id=row.plan_id,
            plan_version=versions.get(row.plan_id) if row.plan_id is not None else None,
            delivered_at=display_time(row.delivered_at) if row.delivered_at else None,
            source=row.source, created_at=display_time(row.created_at),
            created_by=names.get(row.created_by_user_id, ""),
            updated_at=display_time(row.updated_at),
            events=[TransferEventOut(
                at=display_time(e.at), by=names.get(e.by_user_id, ""),
                from_status=ConsignmentStatus(e.from_status) if e.from_status else None,
                to_status=ConsignmentStatus(e.to_status), note=e.note, changes=e.changes)
                for e in row.events]))
    return outs


def _one(session: Session, scenario: str, row: ConsignmentRow) -> TransferOut:
    return _outs(session, planning_network(session, scenario)[0], [row])[0]


@router.post("", response_model=TransferOut, status_code=status.HTTP_201_CREATED,
             summary="Record a consignment (staff)",
             responses={**ERRORS, 200: {"model": TransferOut,
                                        "description": "a retry with the same "
                                                       "Idempotency-Key and fields: the "
                                                       "consignment recorded the first time"}})
def record_transfer(
        body: TransferIn, response: Response, session: SessionDep, settings: SettingsDep,
        principal: StaffDep,
        idempotency_key: Annotated[str | None, Header(
            alias="Idempotency-Key", min_length=1, max_length=200,
            description="a key of the client's choosing: a retry with the same key and "
                        "fields answers 200 with the first consignment")] = None,
) -> TransferOut:
    """Record that ``items`` items (in ``crates`` crates, when known) must travel from
    ``from_site_id`` to ``to_site_id``, ready on ``ready_date``. From then on the plans of
    that date and later carry it as its own pickup and delivery, the same day, in place of
    the demand model's estimate of its kind. 422 (nothing recorded) for an unknown site, a
    site of another scenario, a return post or a port, the same site twice, more items
    or crates than a van carries, a ready date before the scenario's first data day or
    more than two years ahead."""
    fields = service.ConsignmentFields(
        body.from_site_id, body.to_site_id, body.items, body.kind, body.ready_date,
        body.crates, body.reference.strip(), body.note)
    row, created = service.record(session, get_network(settings.scenario), fields,
                                  principal.user_id, idempotency_key=idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _one(session, settings.scenario, row)


@router.post("/import", response_model=TransferImportResult,
             status_code=status.HTTP_201_CREATED,
             summary="Import the library system's transfer list from CSV (staff)",
             responses={415: {"model": ErrorOut, "description": "not sent as text/csv"},
                        422: {"model": ImportRejected,
                              "description": "bad lines (nothing imported): `detail` names "
                                             "the first line, field and value; `errors` "
                                             "lists up to 50"},
                        401: ERRORS[401], 403: ERRORS[403]})
def import_transfers(
        request: Request, session: SessionDep, settings: SettingsDep, principal: StaffDep,
        body: Annotated[bytes, Body(
            media_type="text/csv",
            description="CSV, UTF-8 (a byte-order mark is fine; Shift_JIS is refused with "
                        f"how to save it as CSV UTF-8), header first: {','.join(COLUMNS)} "
                        "(crates, reference and note optional)",
            openapi_examples={"daily": {
                "summary": "a day's list",
                "value": "from_site_id,to_site_id,items,crates,kind,ready_date,reference,note"
                         "\r\nmunakata-central,munakata-sue,42,,reservation,2026-12-08,"
                         "ILS-0042,\r\nmunakata-fukata,munakata-central,65,2,return,"
                         "2026/12/8,ILS-0043,\r\n"}})],
) -> TransferImportResult:
    """Import a list of consignments, all or nothing: each line is checked as ``POST
    /transfers`` checks one; a line with the kind and reference of a recorded consignment
    or of an earlier line is a duplicate. The answer to a bad file (422) names the line
    (the header is line 1), the field and the value."""
    require_csv(request)
    ids = import_consignments(session, get_network(settings.scenario), body,
                              principal.user_id)
    return TransferImportResult(imported=len(ids), consignment_ids=ids)


@router.get("", response_model=Page[TransferOut], summary="List consignments",
            responses={k: ERRORS[k] for k in (401, 403, 422)})
def list_transfers(
        session: SessionDep, settings: SettingsDep, principal: ReaderDep,
        status_in: Annotated[list[ConsignmentStatus] | None, Query(
            alias="status", description="only these statuses (repeat for several)")] = None,
        kind: ConsignmentKind | None = None,
        site_id: Annotated[str | None, Query(max_length=100, description="from or to this "
                                                                         "site")] = None,
        ready_from: dt.date | None = None, ready_to: dt.date | None = None,
        scheduled_date: dt.date | None = None,
        plan_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
        reference: Annotated[str | None, Query(max_length=200)] = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Page[TransferOut]:
    """Consignments by ready date, newest first, with their histories. The contractor
    sees the scheduled and delivered ones (asking for another status answers 403)."""
    network, _ = planning_network(session, settings.scenario)
    wanted = service.ConsignmentFilter(status_in, kind, site_id, ready_from, ready_to,
                                       scheduled_date, plan_id, reference)
    total, rows = service.list_consignments(session, principal, network.scenario_id, wanted,
                                            offset, limit)
    return Page[TransferOut](items=_outs(session, network, rows), total=total, offset=offset,
                             limit=limit)


@router.get("/{consignment_id}", response_model=TransferOut, summary="One consignment",
            responses={k: ERRORS[k] for k in (401, 403, 404)})
def get_transfer(consignment_id: TransferId, session: SessionDep, settings: SettingsDep,
                 principal: ReaderDep) -> TransferOut:
    return _one(session, settings.scenario, service.load(session, consignment_id, principal))


@router.post("/{consignment_id}/cancel", response_model=TransferOut,
             summary="Cancel a consignment not yet delivered (staff)",
             responses={k: ERRORS[k] for k in (401, 403, 404, 409, 422)})
def cancel_transfer(consignment_id: TransferId, body: CancelIn, session: SessionDep,
                    settings: SettingsDep, principal: StaffDep) -> TransferOut:
    """``recorded`` or ``scheduled`` → ``cancelled`` with the reason (409 once
    delivered). Plans made from now on leave it out; a published plan that carries it
    shows it until the date is re-planned and published, and the event says so."""
    row = service.load(session, consignment_id, principal, for_update=True)
    lifecycle.cancel(session, row, principal.user_id, body.reason)
    return _one(session, settings.scenario, row)
