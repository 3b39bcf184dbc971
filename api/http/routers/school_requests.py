"""``/school-requests``: school librarians ask for materials; staff accept, reject or change
them; the planner schedules them; the contractor delivers them and brings them back.

Who sees what:

* **staff** see and act on every school's requests;
* a **school librarian** files, reads and cancels their own school's requests only: another
  school's request answers 404 (never its data), and a ``school_site_id`` filter naming
  another school answers 403;
* the **contractor** reads the requests they deliver, those ``scheduled`` or ``delivered``
  (any other request answers 404, and a ``status`` filter asking for other statuses 403),
  and marks them delivered and returned.

The lifecycle and its rules live in `api.services.school_requests` (also used by the
planner): requested → accepted → scheduled → delivered → returned, or cancelled / rejected
from requested or accepted. A step the status does not allow answers 409 naming both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Response, status
from sqlalchemy.orm import Session

from api.http.auth import PrincipalDep, StaffDep, require
from api.http.deps import SessionDep, SettingsDep
from api.http.schemas.common import ErrorOut, Page
from api.http.schemas.school_requests import (
    AcceptBody,
    CancelBody,
    FieldChange,
    NoteBody,
    RejectBody,
    SchoolRequestCreate,
    SchoolRequestEventOut,
    SchoolRequestOut,
    SchoolRequestUpdate,
)
from api.services import school_request_lifecycle as lifecycle
from api.services import school_requests as service
from api.services.accounts import Principal
from api.services.closures import planning_network
from api.services.daily_work import ready_day, request_delivery
from api.services.date_checks import today_in_tokyo
from api.store.db import display_time
from api.store.repositories import usernames
from api.store.tables import RequestStatus, Role, SchoolRequestRow
from scenarios.network import Network

router = APIRouter(prefix="/school-requests", tags=["school-requests"])

FilerDep = Annotated[Principal, Depends(require(Role.SCHOOL_LIBRARIAN, Role.STAFF))]
CarrierDep = Annotated[Principal, Depends(require(Role.CONTRACTOR, Role.STAFF))]
RequestId = Annotated[int, Path(ge=1, description="the request's id")]

ERRORS: dict[int, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no valid bearer token"},
    403: {"model": ErrorOut, "description": "the role may not do this"},
    404: {"model": ErrorOut, "description": "no such request, or not one the caller may see "
                                            "(another school's; for the contractor, one not "
                                            "scheduled or delivered)"},
    409: {"model": ErrorOut, "description": "the request's status does not allow it (the "
                                            "message names the current status and the one "
                                            "asked)"},
    422: {"model": ErrorOut, "description": "a field is invalid (the message names it)"},
}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of an endpoint: these codes of `ERRORS`."""
    return {code: ERRORS[code] for code in codes}


# --- helpers -------------------------------------------------------------------------------


def _usernames(session: Session, rows: list[SchoolRequestRow]) -> dict[int, str]:
    return usernames(session, service.user_ids(rows))


def _out(row: SchoolRequestRow, names: dict[int, str], network: Network,
         today: dt.date) -> SchoolRequestOut:
    delivery = request_delivery(network, row, today)
    accepted = row.status not in (RequestStatus.REQUESTED, RequestStatus.REJECTED)
    return SchoolRequestOut(
        request_id=row.request_id, school_site_id=row.school_site_id,
        from_site_id=row.from_site_id, items=row.items, topic=row.topic,
        for_class=row.for_class, needed_by=row.needed_by_date, status=row.status,
        status_reason=row.status_reason, scheduled_date=row.scheduled_date,
        plan_id=row.plan_id, ready_date=ready_day(row) if accepted else row.ready_date,
        extra_run_date=row.extra_run_date,
        planned_for=delivery.date if delivery else None,
        late=bool(delivery and delivery.late), late_reason=delivery.reason if delivery and
        delivery.late else "",
        created_at=display_time(row.created_at),
        created_by=names.get(row.created_by_user_id, ""),
        updated_at=display_time(row.updated_at),
        events=[SchoolRequestEventOut(
            at=display_time(e.at), by=names.get(e.by_user_id, ""),
            from_status=RequestStatus(e.from_status) if e.from_status else None,
            to_status=RequestStatus(e.to_status), note=e.note,
            changes=None if e.changes is None else {
                k: FieldChange.model_validate(v) for k, v in e.changes.items()})
            for e in row.events])


def _outs(session: Session, scenario: str, rows: list[SchoolRequestRow]
          ) -> list[SchoolRequestOut]:
    """The requests as the API shows them, each with its delivery day as things stand
    (the scenario with the recorded closures)."""
    names = _usernames(session, rows)
    network = planning_network(session, scenario)[0]
    today = today_in_tokyo()
    return [_out(row, names, network, today) for row in rows]


def _one(session: Session, scenario: str, row: SchoolRequestRow) -> SchoolRequestOut:
    return _outs(session, scenario, [row])[0]


def _transition(session: Session, scenario: str, request_id: int, principal: Principal,
                change: Callable[[SchoolRequestRow], object]) -> SchoolRequestOut:
    """Load the request locked (404 when the caller may not see it) and apply ``change`` (a
    `school_request_lifecycle` step: 409/422 for an illegal or invalid step)."""
    row = service.load(session, request_id, principal, for_update=True)
    change(row)
    return _one(session, scenario, row)


# --- endpoints -----------------------------------------------------------------------------


@router.post(
    "", response_model=SchoolRequestOut, status_code=status.HTTP_201_CREATED,
    summary="File a school request",
    responses={**_errors(401, 403, 422),
               200: {"model": SchoolRequestOut,
                     "description": "a retry with the same Idempotency-Key and the same "
                                    "fields: the request filed the first time"},
               409: {"model": ErrorOut, "description": "the Idempotency-Key was already "
                                                       "used for a different request"}})
def create_request(body: SchoolRequestCreate, session: SessionDep, settings: SettingsDep,
                   principal: FilerDep, response: Response,
                   idempotency_key: Annotated[str | None, Header(
                       min_length=1, max_length=200,
                       description="a key of the client's choosing: a retry with the same "
                                   "key and fields returns the first request (200) instead "
                                   "of filing it twice")] = None,
                   ) -> SchoolRequestOut:
    """File a request for ``items`` items on ``topic`` for ``for_class``, from the city
    library (default) or another school, needed by ``needed_by``.

    A school librarian files for their own school (``school_site_id`` may be left out;
    another school's id answers 403); staff file for any school and must name it. The
    request starts ``requested`` with one event recording the filed fields. 422 when
    ``needed_by`` is before today (Asia/Tokyo), the school is unknown or not a school, or
    ``from_site_id`` is neither the hub nor another school. The contractor gets 403.
    """
    school_site_id = service.school_of_filer(principal, body.school_site_id)
    sites = service.scenario_sites(settings.scenario)
    filed = service.RequestFields(
        school_site_id=school_site_id, from_site_id=body.from_site_id or sites.hub_site_id,
        items=body.items, topic=body.topic, for_class=body.for_class or "",
        needed_by=body.needed_by)
    row, created = service.file_request(session, filed, principal.user_id, sites=sites,
                                        idempotency_key=idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _one(session, settings.scenario, row)


@router.get("", response_model=Page[SchoolRequestOut], summary="List school requests",
            responses=_errors(401, 403, 422))
def list_requests(
    session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
    status_in: Annotated[list[RequestStatus] | None, Query(
        alias="status", description="only these statuses (repeat the parameter for "
                                    "several)")] = None,
    school_site_id: Annotated[str | None, Query(
        description="only this school (a school librarian: only their own, else 403)")]
    = None,
    needed_by_from: Annotated[dt.date | None, Query(
        description="only requests needed on or after this date")] = None,
    needed_by_to: Annotated[dt.date | None, Query(
        description="only requests needed on or before this date")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page[SchoolRequestOut]:
    """Requests newest first, with their histories, a page at a time.

    Staff see every school's; a school librarian sees their own school's (a
    ``school_site_id`` filter for another school answers 403); the contractor sees the
    ``scheduled`` and ``delivered`` ones, those they carry (a ``status`` filter asking for
    any other status answers 403).
    """
    total, rows = service.list_requests(
        session, principal, statuses=status_in, school_site_id=school_site_id,
        needed_by_from=needed_by_from, needed_by_to=needed_by_to, offset=offset, limit=limit)
    return Page[SchoolRequestOut](items=_outs(session, settings.scenario, rows), total=total,
                                  offset=offset, limit=limit)


@router.get("/{request_id}", response_model=SchoolRequestOut, summary="One school request",
            responses=_errors(401, 404))
def get_request(request_id: RequestId, session: SessionDep, settings: SettingsDep,
                principal: PrincipalDep) -> SchoolRequestOut:
    """A request with its history, ``planned_for`` (the run day the library plans it for,
    or its scheduled date), ``late`` and ``late_reason`` when it cannot make
    ``needed_by``, and ``scheduled_date`` once the plan of that date is published. 404 for
    another school's request (school librarian) and, for the contractor, for one that is
    not ``scheduled`` or ``delivered``."""
    return _one(session, settings.scenario, service.load(session, request_id, principal))


@router.patch("/{request_id}", response_model=SchoolRequestOut,
              summary="Change a school request (staff)",
              responses=_errors(401, 403, 404, 409, 422))
def change_request(request_id: RequestId, body: SchoolRequestUpdate, session: SessionDep,
                   settings: SettingsDep, principal: StaffDep) -> SchoolRequestOut:
    """Change ``items``, ``topic``, ``for_class``, ``needed_by``, ``from_site_id``,
    ``ready_date`` or ``extra_run_date`` while the request is ``requested`` or
    ``accepted`` (else 409). The event records each changed field as ``{old, new}`` with
    the optional ``note``; 422 when nothing differs or a value is invalid (``needed_by``
    in the past, a bad ``from_site_id``, an extra run on a day the school, the lending
    site or the hub is closed). ``null`` clears ``ready_date`` or ``extra_run_date``."""
    row = service.load(session, request_id, principal, for_update=True)
    wanted: dict[str, Any] = {}
    for name in body.model_fields_set - {"note"}:
        value = getattr(body, name)
        if value is None and name not in ("for_class", *service.DELIVERY_FIELDS):
            raise lifecycle.RequestInvalid(name, "may not be null")
        wanted[name] = "" if value is None and name == "for_class" else value
    service.change_request(session, row, principal.user_id, wanted,
                           sites=service.scenario_sites(settings.scenario),
                           network=planning_network(session, settings.scenario)[0],
                           note=body.note)
    return _one(session, settings.scenario, row)


@router.post("/{request_id}/accept", response_model=SchoolRequestOut,
             summary="Accept a school request (staff)",
             responses=_errors(401, 403, 404, 409, 422))
def accept_request(request_id: RequestId, session: SessionDep, settings: SettingsDep,
                   principal: StaffDep, body: AcceptBody | None = None) -> SchoolRequestOut:
    """``requested`` → ``accepted``: the library will serve it. From now on the plan of
    the school's next run day on or after ``ready_date`` (default: today) carries it, no
    later than ``needed_by``; when no run day fits, the first run it can make, and the
    answer says ``late`` and why. ``extra_run_date`` sends it on an extra run that day
    instead (422 when the school, the lending site or the hub is closed then). The body
    may be left out."""
    body = body or AcceptBody()
    network = planning_network(session, settings.scenario)[0]
    return _transition(session, settings.scenario, request_id, principal,
                       lambda row: service.accept_request(
                           session, row, principal.user_id, network=network, note=body.note,
                           ready_date=body.ready_date, extra_run_date=body.extra_run_date))


@router.post("/{request_id}/reject", response_model=SchoolRequestOut,
             summary="Reject a school request (staff)",
             responses=_errors(401, 403, 404, 409, 422))
def reject_request(request_id: RequestId, body: RejectBody, session: SessionDep,
                   settings: SettingsDep, principal: StaffDep) -> SchoolRequestOut:
    """``requested`` or ``accepted`` → ``rejected``, with a ``reason`` the school reads
    (required, not blank: else 422)."""
    return _transition(session, settings.scenario, request_id, principal,
                       lambda row: lifecycle.reject(session, row, principal.user_id, body.reason))


@router.post("/{request_id}/cancel", response_model=SchoolRequestOut,
             summary="Cancel a school request (its school's librarian, or staff)",
             responses=_errors(401, 403, 404, 409))
def cancel_request(request_id: RequestId, session: SessionDep, settings: SettingsDep,
                   principal: FilerDep, body: CancelBody | None = None) -> SchoolRequestOut:
    """``requested`` or ``accepted`` → ``cancelled``, with an optional ``reason``. Once
    scheduled it can no longer be cancelled here (409): ask the library. A librarian of
    another school gets 404."""
    reason = body.reason if body else ""
    return _transition(session, settings.scenario, request_id, principal,
                       lambda row: lifecycle.cancel(session, row, principal.user_id, reason))


@router.post("/{request_id}/delivered", response_model=SchoolRequestOut,
             summary="Mark a school request delivered (contractor or staff)",
             responses=_errors(401, 403, 404, 409))
def deliver_request(request_id: RequestId, session: SessionDep, settings: SettingsDep,
                    principal: CarrierDep, body: NoteBody | None = None) -> SchoolRequestOut:
    """``scheduled`` → ``delivered``: the materials reached the school. (Marking the plan's
    stop done does the same.)"""
    note = body.note if body else ""
    return _transition(session, settings.scenario, request_id, principal,
                       lambda row: lifecycle.mark_delivered(session, row, principal.user_id, note))


@router.post("/{request_id}/returned", response_model=SchoolRequestOut,
             summary="Mark a school request's materials returned (contractor or staff)",
             responses=_errors(401, 403, 404, 409))
def return_request(request_id: RequestId, session: SessionDep, settings: SettingsDep,
                   principal: CarrierDep, body: NoteBody | None = None) -> SchoolRequestOut:
    """``delivered`` → ``returned``: the materials came back from the school."""
    note = body.note if body else ""
    return _transition(session, settings.scenario, request_id, principal,
                       lambda row: lifecycle.mark_returned(session, row, principal.user_id, note))
