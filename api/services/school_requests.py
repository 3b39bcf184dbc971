"""School requests without HTTP: who sees which, filing, edits and the list.

A school librarian (学校司書) asks for N items on a topic for a class, from the city library
(the scenario's hub) or from another school, needed by a date. The request then moves
through the statuses of `api.services.school_request_lifecycle`; filing and every edit add
an event there too.

Who sees what: staff every request; a school librarian their own school's (another
school's answers `NotFound`, never its data, and asking to list another school's
`Forbidden`); the contractor those they carry, ``scheduled`` or ``delivered``.

Every function here takes a `Session`, adds and flushes, and never commits: the caller owns
the unit of work. Errors are `RequestInvalid` (422), `TransitionError` and
`IdempotencyConflict` (409), `NotFound` and `Forbidden`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.services.accounts import Principal
from api.services.date_checks import check_recorded_date, today_in_tokyo
from api.services.errors import Conflict, Forbidden, NotFound
from api.services.school_request_lifecycle import (
    RequestInvalid,
    TransitionError,
    accept,
    jsonable,
    record_event,
)
from api.store.db import now_utc
from api.store.repositories import history_user_ids
from api.store.tables import (
    RequestStatus,
    Role,
    SchoolRequestEventRow,
    SchoolRequestRow,
    SiteRow,
)
from scenarios.loader import load_network
from scenarios.network import Network, SiteKind
from scenarios.school_delivery import school_delivery

S = RequestStatus

#: The statuses in which the fields of a request may still be changed.
EDITABLE = frozenset({S.REQUESTED, S.ACCEPTED})
#: The fields `change_request` may change (API names; ``needed_by`` is ``needed_by_date``).
EDITABLE_FIELDS = ("from_site_id", "items", "topic", "for_class", "needed_by", "ready_date",
                   "extra_run_date")
#: The fields that say when the request travels (not part of what the school filed).
DELIVERY_FIELDS = ("ready_date", "extra_run_date")
#: The statuses a contractor sees: the requests they carry.
CONTRACTOR_STATUSES = frozenset({S.SCHEDULED, S.DELIVERED})


class IdempotencyConflict(Conflict):
    """An ``Idempotency-Key`` already names a different request (409)."""


@dataclass(frozen=True)
class ScenarioSites:
    """What the requests need to know of the service's scenario."""

    scenario_id: str
    hub_site_id: str


@lru_cache(maxsize=8)
def scenario_sites(scenario: str) -> ScenarioSites:
    """The id and hub of a scenario (a bundled name or a folder), read once per process."""
    network = load_network(scenario)
    return ScenarioSites(network.scenario_id, network.hub_site_id)


@dataclass(frozen=True)
class RequestFields:
    """The fields of a request as filed (``for_class`` empty when not given)."""

    school_site_id: str
    from_site_id: str
    items: int
    topic: str
    for_class: str
    needed_by: dt.date

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready values, dates as ISO strings."""
        return {f.name: jsonable(getattr(self, f.name)) for f in fields(self)}


# --- validation ----------------------------------------------------------------------------


def check_school(session: Session, school_site_id: str, sites: ScenarioSites) -> SiteRow:
    """The school site ``school_site_id`` of the scenario, or `RequestInvalid`."""
    site = session.get(SiteRow, school_site_id)
    if site is None or site.scenario != sites.scenario_id:
        raise RequestInvalid("school_site_id", f"no site {school_site_id!r} in scenario "
                                               f"{sites.scenario_id!r}")
    if site.kind != SiteKind.SCHOOL:
        raise RequestInvalid("school_site_id", f"{school_site_id!r} is a {site.kind}, "
                                               f"not a school")
    return site


def check_from(session: Session, from_site_id: str, school_site_id: str,
               sites: ScenarioSites) -> None:
    """Raise `RequestInvalid` unless ``from_site_id`` is the hub or another school."""
    if from_site_id == sites.hub_site_id:
        return
    site = session.get(SiteRow, from_site_id)
    rule = f"must be the hub ({sites.hub_site_id}) or another school of the scenario"
    if site is None or site.scenario != sites.scenario_id:
        raise RequestInvalid("from_site_id", f"{rule}; no site {from_site_id!r}")
    if site.kind != SiteKind.SCHOOL:
        raise RequestInvalid("from_site_id", f"{rule}; {from_site_id!r} is a {site.kind}")
    if from_site_id == school_site_id:
        raise RequestInvalid("from_site_id", f"{rule}; {from_site_id!r} is the requesting "
                                             f"school itself")


def check_needed_by(needed_by: dt.date, today: dt.date) -> None:
    if needed_by < today:
        raise RequestInvalid("needed_by", f"{needed_by.isoformat()} is in the past (today "
                                          f"in Asia/Tokyo is {today.isoformat()})")


# --- filing and editing --------------------------------------------------------------------


def file_request(session: Session, filed: RequestFields, by_user_id: int, *,
                 sites: ScenarioSites, today: dt.date | None = None,
                 idempotency_key: str | None = None) -> tuple[SchoolRequestRow, bool]:
    """Validate and store a new request in status ``requested``, with its first event.

    Parameters
    ----------
    session
        The unit of work. With an ``idempotency_key`` that another transaction stores at
        the same moment, the session is rolled back (so call this before any other write).
    filed
        The request's fields; the creation event records them as its ``changes``.
    by_user_id
        Who files it.
    sites
        The scenario's id and hub (`scenario_sites`).
    today
        The date a ``needed_by`` may not be before; default: today in Asia/Tokyo.
    idempotency_key
        A client's key for retries: the same key with the same fields from the same user
        gives back the stored request.

    Returns
    -------
    tuple[SchoolRequestRow, bool]
        The request, and whether it was created now (``False``: a retry's replay).

    Raises
    ------
    RequestInvalid
        A field is wrong (unknown school, bad ``from_site_id``, ``needed_by`` in the past).
    IdempotencyConflict
        The key was used before, for other fields or by another user.
    """
    if idempotency_key is not None:
        existing = _by_key(session, idempotency_key)
        if existing is not None:
            return _replay(existing, filed, by_user_id), False
    check_school(session, filed.school_site_id, sites)
    check_from(session, filed.from_site_id, filed.school_site_id, sites)
    check_needed_by(filed.needed_by, today if today is not None else today_in_tokyo())
    now = now_utc()
    row = SchoolRequestRow(
        school_site_id=filed.school_site_id, from_site_id=filed.from_site_id,
        items=filed.items, topic=filed.topic, for_class=filed.for_class,
        needed_by_date=filed.needed_by, status=S.REQUESTED, status_reason="",
        created_by_user_id=by_user_id, created_at=now, updated_at=now,
        idempotency_key=idempotency_key)
    row.events.append(SchoolRequestEventRow(
        at=now, by_user_id=by_user_id, from_status=None, to_status=S.REQUESTED.value,
        note="filed", changes={k: {"old": None, "new": v}
                               for k, v in filed.snapshot().items()}))
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        if idempotency_key is None:
            raise
        session.rollback()  # the same key was stored concurrently: answer as a retry
        existing = _by_key(session, idempotency_key)
        if existing is None:
            raise
        return _replay(existing, filed, by_user_id), False
    return row, True


def _by_key(session: Session, key: str) -> SchoolRequestRow | None:
    return session.scalar(select(SchoolRequestRow).where(
        SchoolRequestRow.idempotency_key == key))


def _replay(existing: SchoolRequestRow, filed: RequestFields,
            by_user_id: int) -> SchoolRequestRow:
    first = existing.events[0] if existing.events else None
    if first is not None and first.changes:
        original = {k: v.get("new") for k, v in first.changes.items()}
    else:
        original = _current(existing)
    if existing.created_by_user_id != by_user_id or original != filed.snapshot():
        raise IdempotencyConflict(
            "the Idempotency-Key was already used for a different request; send a new key "
            "for a new request")
    return existing


def _current(row: SchoolRequestRow) -> dict[str, Any]:
    return RequestFields(row.school_site_id, row.from_site_id, row.items, row.topic,
                         row.for_class, row.needed_by_date).snapshot()


def check_delivery_days(network: Network, request: SchoolRequestRow,
                        ready_date: dt.date | None, extra_run_date: dt.date | None,
                        today: dt.date) -> None:
    """`RequestInvalid` for a ready day outside the days a plan can use, or an extra run
    in the past, before the ready day, or on a day the school, the lending site or the
    hub is closed (the message says which and why)."""
    if ready_date is not None:
        check_recorded_date(network, "ready_date", ready_date, today)
    if extra_run_date is None:
        return
    if extra_run_date < today:
        raise RequestInvalid("extra_run_date", f"{extra_run_date.isoformat()} is in the past "
                                               f"(today in Asia/Tokyo is {today.isoformat()})")
    if ready_date is not None and extra_run_date < ready_date:
        raise RequestInvalid("extra_run_date", f"{extra_run_date.isoformat()} is before the "
                                               f"ready_date {ready_date.isoformat()}")
    check_recorded_date(network, "extra_run_date", extra_run_date, today)
    delivery = school_delivery(network, request.school_site_id, request.from_site_id,
                               extra_run_date, request.needed_by_date, extra_run_date)
    if delivery.date is None:
        raise RequestInvalid("extra_run_date", delivery.reason)


def accept_request(session: Session, request: SchoolRequestRow, by_user_id: int, *,
                   network: Network, note: str = "", ready_date: dt.date | None = None,
                   extra_run_date: dt.date | None = None,
                   today: dt.date | None = None) -> SchoolRequestEventRow:
    """Accept a request, optionally with the day its materials are ready (default: today)
    and a day staff chose for an extra run; the event records them."""
    check_delivery_days(network, request, ready_date, extra_run_date,
                        today if today is not None else today_in_tokyo())
    changes = {name: {"old": jsonable(getattr(request, name)), "new": jsonable(value)}
               for name, value in (("ready_date", ready_date),
                                   ("extra_run_date", extra_run_date)) if value is not None}
    event = accept(session, request, by_user_id, note, changes or None)
    request.ready_date = ready_date or request.ready_date
    request.extra_run_date = extra_run_date or request.extra_run_date
    return event


def change_request(session: Session, request: SchoolRequestRow, by_user_id: int,
                   wanted: Mapping[str, Any], *, sites: ScenarioSites,
                   network: Network | None = None, today: dt.date | None = None,
                   note: str = "") -> SchoolRequestEventRow:
    """Change fields of a request that is still ``requested`` or ``accepted``.

    Parameters
    ----------
    wanted
        New values by API name (`EDITABLE_FIELDS`); ``needed_by`` a `datetime.date`.
        Values equal to the current ones are ignored. ``ready_date`` and
        ``extra_run_date`` (None clears them) are checked against ``network`` (the
        scenario with its closures; `check_delivery_days`).

    Returns
    -------
    SchoolRequestEventRow
        The event recording the changes as ``{field: {"old": .., "new": ..}}``.

    Raises
    ------
    TransitionError
        The request is past ``accepted``.
    RequestInvalid
        An unknown field, a bad value, or nothing that differs from the request.
    """
    status = RequestStatus(request.status)
    if status not in EDITABLE:
        raise TransitionError(request, "changed", (
            f"request {request.request_id} is {status.value}: it can be changed only while "
            f"{' or '.join(sorted(s.value for s in EDITABLE))}"))
    current = {**_current(request),
               **{name: jsonable(getattr(request, name)) for name in DELIVERY_FIELDS}}
    changes: dict[str, dict[str, Any]] = {}
    for name, value in wanted.items():
        if name not in EDITABLE_FIELDS:
            raise RequestInvalid(name, f"cannot be changed (only {', '.join(EDITABLE_FIELDS)})")
        if jsonable(value) != current[name]:
            changes[name] = {"old": current[name], "new": jsonable(value)}
    if not changes:
        raise RequestInvalid("body", "nothing to change: every value given equals the "
                                     "request's")
    if "from_site_id" in changes:
        check_from(session, wanted["from_site_id"], request.school_site_id, sites)
    today = today if today is not None else today_in_tokyo()
    if "needed_by" in changes:
        check_needed_by(wanted["needed_by"], today)
    if any(name in changes for name in DELIVERY_FIELDS):
        if network is None:
            raise ValueError("change_request: the network is needed to check "
                             "ready_date and extra_run_date")
        check_delivery_days(network, request,
                            wanted.get("ready_date", request.ready_date),
                            wanted.get("extra_run_date", request.extra_run_date), today)
    for name in changes:
        setattr(request, "needed_by_date" if name == "needed_by" else name, wanted[name])
    return record_event(session, request, by_user_id, status, note=note, changes=changes)


def user_ids(rows: Iterable[SchoolRequestRow]) -> set[int]:
    """Every user the rows name (creators and the authors of their events)."""
    return history_user_ids(rows)


# --- who sees what ---------------------------------------------------------------------------


def may_see(principal: Principal, row: SchoolRequestRow) -> bool:
    """Whether ``principal`` may see the request (see the module doc)."""
    if principal.role is Role.SCHOOL_LIBRARIAN:
        return row.school_site_id == principal.school_site_id
    if principal.role is Role.CONTRACTOR:
        return row.status in CONTRACTOR_STATUSES
    return True


def load(session: Session, request_id: int, principal: Principal, *,
         for_update: bool = False) -> SchoolRequestRow:
    """The request, locked when it is going to change; `NotFound` when the caller may not
    see it."""
    row = session.get(SchoolRequestRow, request_id, with_for_update=for_update)
    if row is None or not may_see(principal, row):
        raise NotFound(f"no school request {request_id}")
    return row


def school_of_filer(principal: Principal, school_site_id: str | None) -> str:
    """The school a request is filed for: a librarian's own (another school's id is
    `Forbidden`); staff must name it (else `RequestInvalid`)."""
    if principal.role is Role.SCHOOL_LIBRARIAN:
        if school_site_id is not None and school_site_id != principal.school_site_id:
            raise Forbidden(f"a school librarian files requests only for their own school "
                            f"({principal.school_site_id}), not {school_site_id!r}")
        school_site_id = principal.school_site_id
    if school_site_id is None:
        raise RequestInvalid("school_site_id", "staff must name the school")
    return school_site_id


def list_requests(session: Session, principal: Principal, *,
                  statuses: Collection[RequestStatus] | None = None,
                  school_site_id: str | None = None, needed_by_from: dt.date | None = None,
                  needed_by_to: dt.date | None = None, offset: int = 0, limit: int = 50
                  ) -> tuple[int, list[SchoolRequestRow]]:
    """(how many match, the page of them newest first) among those ``principal`` sees;
    asking for another school (a librarian) or other statuses (the contractor) is
    `Forbidden`."""
    if needed_by_from and needed_by_to and needed_by_from > needed_by_to:
        raise RequestInvalid("needed_by_from", f"{needed_by_from} is after needed_by_to "
                                               f"{needed_by_to}")
    query = select(SchoolRequestRow)
    if principal.role is Role.SCHOOL_LIBRARIAN:
        if school_site_id is not None and school_site_id != principal.school_site_id:
            raise Forbidden(f"a school librarian sees only their own school's requests "
                            f"({principal.school_site_id})")
        query = query.where(SchoolRequestRow.school_site_id == principal.school_site_id)
    if principal.role is Role.CONTRACTOR:
        hidden = set(statuses or ()) - CONTRACTOR_STATUSES
        if hidden:
            raise Forbidden(f"the contractor sees only scheduled and delivered requests, not "
                            f"{', '.join(sorted(hidden))}")
        query = query.where(SchoolRequestRow.status.in_(statuses or CONTRACTOR_STATUSES))
    elif statuses:
        query = query.where(SchoolRequestRow.status.in_(statuses))
    if school_site_id is not None:
        query = query.where(SchoolRequestRow.school_site_id == school_site_id)
    if needed_by_from is not None:
        query = query.where(SchoolRequestRow.needed_by_date >= needed_by_from)
    if needed_by_to is not None:
        query = query.where(SchoolRequestRow.needed_by_date <= needed_by_to)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(
        SchoolRequestRow.created_at.desc(), SchoolRequestRow.request_id.desc())
        .offset(offset).limit(limit)))
    return total, rows
