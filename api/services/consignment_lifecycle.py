"""The status lifecycle of a consignment, without HTTP.

```text
recorded ──(a published plan carries it)──▶ scheduled ──(its stop done)──▶ delivered
    │  ▲                                       │
    │  └──(the date's plan published again without it)
    └──────────cancel (recorded or scheduled)──┴──▶ cancelled
```

Every step adds a `ConsignmentEventRow` (who, when, from which status to which, a note, the
changed fields). A consignment that cannot travel on the day of a published plan stays
``recorded`` and its ``status_reason`` says why and which day it waits for. Every function
takes a `Session`, flushes, and never commits. A step the status does not allow raises
`ConsignmentTransitionError` (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.services.errors import Conflict
from api.services.school_request_lifecycle import jsonable
from api.services.status_steps import append_step, step_refusal
from api.store.db import now_utc
from api.store.tables import ConsignmentEventRow, ConsignmentRow, ConsignmentStatus

S = ConsignmentStatus

#: For each status a consignment can move to, the statuses it may come from.
ALLOWED_FROM: Mapping[ConsignmentStatus, frozenset[ConsignmentStatus]] = {
    S.SCHEDULED: frozenset({S.RECORDED, S.SCHEDULED}),
    S.RECORDED: frozenset({S.SCHEDULED}),  # a re-published date no longer carries it
    S.DELIVERED: frozenset({S.SCHEDULED}),
    S.CANCELLED: frozenset({S.RECORDED, S.SCHEDULED}),
}


class ConsignmentTransitionError(Conflict):
    """The consignment's status does not allow what was asked (409)."""


def move(session: Session, row: ConsignmentRow, to_status: ConsignmentStatus,
         by_user_id: int, *, note: str = "", changes: dict[str, Any] | None = None
         ) -> ConsignmentEventRow:
    """Move ``row`` to ``to_status`` and record the event (`ConsignmentTransitionError`
    when its status does not allow it, naming both)."""
    current = ConsignmentStatus(row.status)
    refusal = step_refusal(f"consignment {row.consignment_id}", current, to_status,
                           ALLOWED_FROM)
    if refusal is not None:
        raise ConsignmentTransitionError(refusal)
    event = ConsignmentEventRow(at=now_utc(), by_user_id=by_user_id,
                                from_status=current.value, to_status=to_status.value,
                                note=note, changes=changes)
    append_step(session, row, event, to_status)
    return event


def cancel(session: Session, row: ConsignmentRow, by_user_id: int,
           reason: str) -> ConsignmentEventRow:
    """A consignment recorded by mistake, or no longer wanted: ``recorded`` or
    ``scheduled`` → ``cancelled``. A scheduled one stays on its published plan until the
    date is re-planned and published (the event says so); plans made from now on leave
    it out."""
    note = reason
    if row.status == S.SCHEDULED and row.scheduled_date is not None:
        note += (f" (plan {row.plan_id} of {row.scheduled_date.isoformat()} still shows it: "
                 f"re-plan and publish the date)")
    event = move(session, row, S.CANCELLED, by_user_id, note=note)
    row.status_reason = reason
    return event


def consignments_to_plan(session: Session, scenario: str,
                         plan_date: dt.date) -> list[ConsignmentRow]:
    """The consignments a plan of ``plan_date`` carries: those ``recorded`` and ready on or
    before the date (those that waited included), and those ``scheduled`` for the date
    (so that a re-plan keeps them). Ordered by ready date, then id."""
    rows = session.scalars(select(ConsignmentRow).where(
        ConsignmentRow.scenario == scenario,
        or_((ConsignmentRow.status == S.RECORDED) & (ConsignmentRow.ready_date <= plan_date),
            (ConsignmentRow.status == S.SCHEDULED)
            & (ConsignmentRow.scheduled_date == plan_date)),
    ).order_by(ConsignmentRow.ready_date, ConsignmentRow.consignment_id))
    return list(rows)


def mark_scheduled(session: Session, row: ConsignmentRow, plan_id: int, plan_date: dt.date,
                   by_user_id: int) -> ConsignmentEventRow | None:
    """A published plan carries it: ``scheduled`` on that date and plan (a re-publish
    moves it to the new version). Nothing changes when it already is."""
    if row.status == S.SCHEDULED and row.plan_id == plan_id \
            and row.scheduled_date == plan_date:
        return None
    changes = {"plan_id": {"old": row.plan_id, "new": plan_id},
               "scheduled_date": {"old": jsonable(row.scheduled_date),
                                  "new": plan_date.isoformat()}}
    event = move(session, row, S.SCHEDULED, by_user_id,
                 note=f"plan {plan_id} of {plan_date.isoformat()} published", changes=changes)
    row.plan_id = plan_id
    row.scheduled_date = plan_date
    row.status_reason = ""
    session.flush()
    return event


def mark_unscheduled(session: Session, row: ConsignmentRow, plan_id: int, by_user_id: int,
                     reason: str) -> ConsignmentEventRow | None:
    """The date's newly published plan does not carry it: back to ``recorded`` with the
    reason, so the next plan takes it. Only a consignment scheduled on another plan
    moves; anything else returns None."""
    if row.status != S.SCHEDULED or row.plan_id == plan_id:
        return None
    changes = {"plan_id": {"old": row.plan_id, "new": None},
               "scheduled_date": {"old": jsonable(row.scheduled_date), "new": None}}
    event = move(session, row, S.RECORDED, by_user_id,
                 note=f"plan {plan_id} published without it: {reason}", changes=changes)
    row.plan_id = None
    row.scheduled_date = None
    row.status_reason = reason
    session.flush()
    return event


def note_waiting(row: ConsignmentRow, reason: str) -> None:
    """It stays ``recorded``: say why and which day it waits for."""
    if row.status == S.RECORDED and row.status_reason != reason:
        row.status_reason = reason
        row.updated_at = now_utc()


def mark_delivered(session: Session, row: ConsignmentRow, by_user_id: int,
                   note: str = "") -> ConsignmentEventRow:
    """Its delivery stop was marked done: ``scheduled`` → ``delivered``."""
    event = move(session, row, S.DELIVERED, by_user_id, note=note)
    row.delivered_at = event.at
    return event
