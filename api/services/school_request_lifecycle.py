"""The status lifecycle of a school request, without HTTP.

```text
requested ──accept──▶ accepted ──(published plan)──▶ scheduled ──▶ delivered ──▶ returned
    │                    │
    └──cancel / reject───┴──▶ cancelled / rejected
```

Every step adds a `SchoolRequestEventRow` (who, when, from which status to which, a note,
the changed fields as ``{field: {"old": .., "new": ..}}``). Every function takes a
`Session`, adds and flushes, and never commits: the caller owns the unit of work.
Publishing a plan (`api.services.publishing`) uses `mark_scheduled` and
`mark_unscheduled`, marking its stop done (`api.services.plans`) `mark_delivered`; the
``/school-requests`` router the rest.
A step the status does not allow raises `TransitionError` (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from api.services.errors import Conflict, InvalidField
from api.services.status_steps import append_step, step_refusal
from api.store.db import now_utc
from api.store.tables import RequestStatus, SchoolRequestEventRow, SchoolRequestRow

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


class RequestInvalid(InvalidField):
    """The input cannot be accepted; the message starts ``field '<name>': `` (422)."""


class TransitionError(Conflict):
    """The request's status does not allow what was asked (409)."""

    def __init__(self, request: SchoolRequestRow, wanted: str, message: str) -> None:
        super().__init__(message)
        self.request_id = request.request_id
        self.current = RequestStatus(request.status)
        self.wanted = wanted


def jsonable(value: Any) -> Any:
    """A value as the events keep it: dates as ISO strings."""
    return value.isoformat() if isinstance(value, dt.date) else value


def record_event(session: Session, request: SchoolRequestRow, by_user_id: int,
           to_status: RequestStatus, *, note: str = "",
           changes: dict[str, Any] | None = None) -> SchoolRequestEventRow:
    event = SchoolRequestEventRow(at=now_utc(), by_user_id=by_user_id,
                                  from_status=RequestStatus(request.status).value,
                                  to_status=to_status.value, note=note, changes=changes)
    append_step(session, request, event, to_status)
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
    refusal = step_refusal(f"request {request.request_id}", RequestStatus(request.status),
                           to_status, ALLOWED_FROM)
    if refusal is not None:
        raise TransitionError(request, to_status.value, refusal)
    return record_event(session, request, by_user_id, to_status, note=note, changes=changes)


def accept(session: Session, request: SchoolRequestRow, by_user_id: int,
           note: str = "", changes: dict[str, Any] | None = None) -> SchoolRequestEventRow:
    """``requested`` → ``accepted``; ``changes`` (fields set with it, such as the ready
    day) are recorded on the event."""
    return move(session, request, S.ACCEPTED, by_user_id, note=note, changes=changes)


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
        "scheduled_date": {"old": jsonable(request.scheduled_date),
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
               "scheduled_date": {"old": jsonable(request.scheduled_date), "new": None}}
    event = record_event(session, request, by_user_id, S.ACCEPTED,
                   note=f"plan {plan_id} (a re-plan of {jsonable(request.scheduled_date)}) "
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
