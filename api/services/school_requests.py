"""School requests without HTTP: filing, edits, the status lifecycle and the planner's helpers.

A school librarian (学校司書) asks for N items on a topic for a class, from the city library
(the scenario's hub) or from another school, needed by a date. Each request moves through

```text
requested ──accept──▶ accepted ──(planner)──▶ scheduled ──▶ delivered ──▶ returned
    │                    │
    └──cancel / reject───┴──▶ cancelled / rejected
```

and every step, and every edit, adds a `SchoolRequestEventRow` (who, when, from which
status to which, a note, the changed fields as ``{field: {"old": .., "new": ..}}``).

Every function here takes a `Session`, adds and flushes, and never commits: the caller owns
the unit of work. The planner (``api/routers/plans.py``) uses `requests_to_plan`,
`mark_scheduled` and `mark_delivered`; ``api/routers/school_requests.py`` uses the rest.
Errors are `RequestInvalid` (the caller answers 422), `TransitionError` and
`IdempotencyConflict` (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.store.db import TOKYO, now_utc
from api.store.tables import RequestStatus, SchoolRequestEventRow, SchoolRequestRow, SiteRow
from scenarios.loader import load_network

S = RequestStatus

#: For each status a request can move to, the statuses it may come from.
ALLOWED_FROM: Mapping[RequestStatus, frozenset[RequestStatus]] = {
    S.ACCEPTED: frozenset({S.REQUESTED}),
    S.REJECTED: frozenset({S.REQUESTED, S.ACCEPTED}),
    S.CANCELLED: frozenset({S.REQUESTED, S.ACCEPTED}),
    S.SCHEDULED: frozenset({S.ACCEPTED, S.SCHEDULED}),  # scheduled again: a re-plan
    S.DELIVERED: frozenset({S.SCHEDULED}),
    S.RETURNED: frozenset({S.DELIVERED}),
}
#: The statuses in which the fields of a request may still be changed.
EDITABLE = frozenset({S.REQUESTED, S.ACCEPTED})
#: The fields `change_request` may change (API names; ``needed_by`` is ``needed_by_date``).
EDITABLE_FIELDS = ("from_site_id", "items", "topic", "for_class", "needed_by")
SCHOOL_KIND = "school"


class RequestInvalid(ValueError):
    """The input cannot be accepted; the message starts ``field '<name>': ``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field '{field}': {message}")
        self.field = field


class TransitionError(Exception):
    """The request's status does not allow what was asked (answered 409)."""

    def __init__(self, request: SchoolRequestRow, wanted: str, message: str) -> None:
        super().__init__(message)
        self.request_id = request.request_id
        self.current = RequestStatus(request.status)
        self.wanted = wanted


class IdempotencyConflict(Exception):
    """An ``Idempotency-Key`` already names a different request (answered 409)."""


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


def today_in_tokyo() -> dt.date:
    return dt.datetime.now(TOKYO).date()


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
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# --- validation ----------------------------------------------------------------------------


def check_school(session: Session, school_site_id: str, sites: ScenarioSites) -> SiteRow:
    """The school site ``school_site_id`` of the scenario, or `RequestInvalid`."""
    site = session.get(SiteRow, school_site_id)
    if site is None or site.scenario != sites.scenario_id:
        raise RequestInvalid("school_site_id", f"no site {school_site_id!r} in scenario "
                                               f"{sites.scenario_id!r}")
    if site.kind != SCHOOL_KIND:
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
    if site.kind != SCHOOL_KIND:
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


def change_request(session: Session, request: SchoolRequestRow, by_user_id: int,
                   wanted: Mapping[str, Any], *, sites: ScenarioSites,
                   today: dt.date | None = None, note: str = "") -> SchoolRequestEventRow:
    """Change fields of a request that is still ``requested`` or ``accepted``.

    Parameters
    ----------
    wanted
        New values by API name (`EDITABLE_FIELDS`); ``needed_by`` a `datetime.date`.
        Values equal to the current ones are ignored.

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
    current = _current(request)
    changes: dict[str, dict[str, Any]] = {}
    for name, value in wanted.items():
        if name not in EDITABLE_FIELDS:
            raise RequestInvalid(name, f"cannot be changed (only {', '.join(EDITABLE_FIELDS)})")
        if _jsonable(value) != current[name]:
            changes[name] = {"old": current[name], "new": _jsonable(value)}
    if not changes:
        raise RequestInvalid("body", "nothing to change: every value given equals the "
                                     "request's")
    if "from_site_id" in changes:
        check_from(session, wanted["from_site_id"], request.school_site_id, sites)
    if "needed_by" in changes:
        check_needed_by(wanted["needed_by"], today if today is not None else today_in_tokyo())
    for name in changes:
        setattr(request, "needed_by_date" if name == "needed_by" else name, wanted[name])
    return _event(session, request, by_user_id, status, note=note, changes=changes)


# --- the lifecycle -------------------------------------------------------------------------


def _event(session: Session, request: SchoolRequestRow, by_user_id: int,
           to_status: RequestStatus, *, note: str = "",
           changes: dict[str, Any] | None = None) -> SchoolRequestEventRow:
    now = now_utc()
    event = SchoolRequestEventRow(at=now, by_user_id=by_user_id,
                                  from_status=RequestStatus(request.status).value,
                                  to_status=to_status.value, note=note, changes=changes)
    request.events.append(event)
    request.status = to_status
    request.updated_at = now
    session.flush()
    return event


def move(session: Session, request: SchoolRequestRow, to_status: RequestStatus,
         by_user_id: int, *, note: str = "", changes: dict[str, Any] | None = None
         ) -> SchoolRequestEventRow:
    """Move ``request`` to ``to_status`` and record the event.

    Raises
    ------
    TransitionError
        ``to_status`` cannot follow the request's status (`ALLOWED_FROM`); the message
        names both.
    """
    current = RequestStatus(request.status)
    allowed = ALLOWED_FROM.get(to_status, frozenset())
    if current not in allowed:
        where = ", ".join(sorted(s.value for s in allowed)) or "no status"
        raise TransitionError(request, to_status.value, (
            f"request {request.request_id} is {current.value}: it cannot become "
            f"{to_status.value} (only from {where})"))
    return _event(session, request, by_user_id, to_status, note=note, changes=changes)


def accept(session: Session, request: SchoolRequestRow, by_user_id: int,
           note: str = "") -> SchoolRequestEventRow:
    return move(session, request, S.ACCEPTED, by_user_id, note=note)


def reject(session: Session, request: SchoolRequestRow, by_user_id: int,
           reason: str) -> SchoolRequestEventRow:
    """Reject with a reason the school sees (`RequestInvalid` when it is blank)."""
    if not reason.strip():
        raise RequestInvalid("reason", "a rejection needs a reason the school can read")
    event = move(session, request, S.REJECTED, by_user_id, note=reason)
    request.status_reason = reason
    return event


def cancel(session: Session, request: SchoolRequestRow, by_user_id: int,
           reason: str = "") -> SchoolRequestEventRow:
    event = move(session, request, S.CANCELLED, by_user_id, note=reason)
    request.status_reason = reason
    return event


def requests_to_plan(session: Session, plan_date: dt.date) -> list[SchoolRequestRow]:
    """The requests a plan of ``plan_date`` should serve.

    These are the ``accepted`` requests not yet scheduled whose ``needed_by`` is on or
    after ``plan_date``, and the requests already ``scheduled`` for ``plan_date`` (so a
    re-plan of the date keeps them). Ordered by ``needed_by``, then id.
    """
    rows = session.scalars(select(SchoolRequestRow).where(or_(
        (SchoolRequestRow.status == S.ACCEPTED)
        & (SchoolRequestRow.scheduled_date.is_(None))
        & (SchoolRequestRow.needed_by_date >= plan_date),
        (SchoolRequestRow.status == S.SCHEDULED)
        & (SchoolRequestRow.scheduled_date == plan_date),
    )).order_by(SchoolRequestRow.needed_by_date, SchoolRequestRow.request_id))
    return list(rows)


def mark_scheduled(session: Session, request: SchoolRequestRow, plan_id: int,
                   plan_date: dt.date, by_user_id: int) -> SchoolRequestEventRow | None:
    """A plan of ``plan_date`` serves ``request``: it becomes (or stays) ``scheduled``.

    An ``accepted`` request is scheduled; one already ``scheduled`` (a re-plan) takes the
    new plan and date, recorded as changes of ``plan_id`` and ``scheduled_date``. Marking
    it again with the same plan and date changes nothing and returns ``None``.

    Raises
    ------
    TransitionError
        The request is neither ``accepted`` nor ``scheduled``.
    """
    if (request.status == S.SCHEDULED and request.plan_id == plan_id
            and request.scheduled_date == plan_date):
        return None
    changes = {
        "plan_id": {"old": request.plan_id, "new": plan_id},
        "scheduled_date": {"old": _jsonable(request.scheduled_date),
                           "new": plan_date.isoformat()},
    }
    event = move(session, request, S.SCHEDULED, by_user_id,
                 note=f"plan {plan_id} of {plan_date.isoformat()}", changes=changes)
    request.plan_id = plan_id
    request.scheduled_date = plan_date
    session.flush()
    return event


def mark_unscheduled(session: Session, request: SchoolRequestRow, plan_id: int,
                     by_user_id: int) -> SchoolRequestEventRow | None:
    """A newer plan of the request's date no longer serves it: back to ``accepted`` (so
    the next plan picks it up), recorded as an event. Only a ``scheduled`` request on an
    older plan moves; anything else returns ``None``."""
    if request.status != S.SCHEDULED or request.plan_id == plan_id:
        return None
    changes = {"plan_id": {"old": request.plan_id, "new": None},
               "scheduled_date": {"old": _jsonable(request.scheduled_date), "new": None}}
    event = _event(session, request, by_user_id, S.ACCEPTED,
                   note=f"plan {plan_id} (a re-plan of {_jsonable(request.scheduled_date)}) "
                        f"does not serve it", changes=changes)
    request.plan_id = None
    request.scheduled_date = None
    session.flush()
    return event


def mark_delivered(session: Session, request: SchoolRequestRow, by_user_id: int,
                   note: str = "") -> SchoolRequestEventRow:
    """The materials reached the school: ``scheduled`` → ``delivered`` (else
    `TransitionError`)."""
    return move(session, request, S.DELIVERED, by_user_id, note=note)


def mark_returned(session: Session, request: SchoolRequestRow, by_user_id: int,
                  note: str = "") -> SchoolRequestEventRow:
    """The materials came back: ``delivered`` → ``returned`` (else `TransitionError`)."""
    return move(session, request, S.RETURNED, by_user_id, note=note)


def user_ids(rows: Iterable[SchoolRequestRow]) -> set[int]:
    """Every user a list of requests names (creators and the authors of their events)."""
    ids: set[int] = set()
    for row in rows:
        ids.add(row.created_by_user_id)
        ids.update(e.by_user_id for e in row.events)
    return ids
