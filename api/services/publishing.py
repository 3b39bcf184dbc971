"""Publishing a plan version: the one the drivers run, and what it schedules.

Staff publish a solved, verified version of a date (`publish`); the date's previously
published version becomes ``superseded``. Publishing is what moves the recorded work:

- a school request or consignment the plan serves becomes ``scheduled`` on the date, with
  the plan (its version); the librarian then sees ``scheduled_date``;
- one that an earlier published version of the date had scheduled and this one does not
  serve goes back to ``accepted`` / ``recorded``, so that the next plan takes it;
- a consignment the plan could not carry (its site closed, the hub closed, no room)
  stays ``recorded`` with the reason and the day it waits for;
- one already scheduled on another date by that date's published plan stays there (the
  first published plan carries it); the answer's ``publish_notes`` say so.

Every function takes a `Session`, flushes, and never commits.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.services import consignment_lifecycle as consignments
from api.services import school_request_lifecycle as requests
from api.services.consignments import as_consignment
from api.services.daily_work import REQUEST_PREFIX
from api.services.errors import Conflict
from api.store.db import now_utc
from api.store.tables import (
    ConsignmentRow,
    ConsignmentStatus,
    PlanRow,
    PlanStatus,
    Publication,
    RequestStatus,
    SchoolRequestRow,
)
from scenarios.consignments import consignment_id_of, waiting_reason
from scenarios.day import DayNotes, request_task_id
from scenarios.network import Network


def publish(session: Session, row: PlanRow, network: Network, by_user_id: int) -> list[str]:
    """Publish ``row`` (see the module doc); returns the notes of what it could not
    schedule. `Conflict` for a plan not done or one that fails verification; publishing
    the published version again changes nothing."""
    if row.status is not PlanStatus.DONE or not row.problem_json:
        raise Conflict(f"plan {row.plan_id} is {row.status.value}, not done: only a solved "
                       f"plan can be published")
    summary = row.summary or {}
    if summary.get("verify_violations"):
        raise Conflict(f"plan {row.plan_id} fails verification "
                       f"({summary['verify_violations']} violations): it cannot be published")
    if row.publication is Publication.PUBLISHED:
        return list(summary.get("publish_notes", []))
    # Every version of the date locked: two versions published at once cannot both win.
    versions = session.scalars(select(PlanRow).where(
        PlanRow.scenario == row.scenario, PlanRow.plan_date == row.plan_date)
        .with_for_update()).all()
    others = [v for v in versions
              if v.publication is Publication.PUBLISHED and v.plan_id != row.plan_id]
    for other in others:
        other.publication = Publication.SUPERSEDED
    row.publication = Publication.PUBLISHED
    row.published_at = now_utc()
    row.published_by_user_id = by_user_id
    notes = _schedule(session, row, network, by_user_id)
    row.summary = {**summary, "publish_notes": notes}
    session.flush()
    return notes


def _schedule(session: Session, row: PlanRow, network: Network, by_user_id: int) -> list[str]:
    problem = json.loads(row.problem_json or "{}")
    day_notes = DayNotes.from_meta(problem.get("meta", {}))
    task_ids = {t["id"] for t in problem.get("tasks", ())}
    served = set((row.summary or {}).get("served_task_ids", ()))
    unassigned = {u["task_id"]: u for u in (row.summary or {}).get("unassigned", ())}
    deferred = {d.ref: d.reason for d in day_notes.deferred}
    prefix = request_task_id("")
    refs = {t.removeprefix(prefix) for t in task_ids if t.startswith(prefix)} | set(deferred)
    notes: list[str] = []
    for request in _school_requests(session, row.plan_date, refs):
        task_id = request_task_id(f"{REQUEST_PREFIX}{request.request_id}")
        if task_id not in served:
            requests.mark_unscheduled(session, request, row.plan_id, by_user_id)
        elif not _stays_elsewhere(notes, f"school request {request.request_id}",
                                  request.scheduled_date, request.status, row.plan_date):
            requests.mark_scheduled(session, request, row.plan_id, row.plan_date, by_user_id)
    for consignment in _consignments(session, row.plan_date, refs):
        ref = as_consignment(consignment).request_id
        task_id = request_task_id(ref)
        if task_id in served:
            if not _stays_elsewhere(notes, f"consignment {consignment.consignment_id}",
                                    consignment.scheduled_date, consignment.status,
                                    row.plan_date):
                consignments.mark_scheduled(session, consignment, row.plan_id,
                                            row.plan_date, by_user_id)
            continue
        reason = _why_not(network, consignment, row, ref, deferred, unassigned.get(task_id))
        if consignments.mark_unscheduled(session, consignment, row.plan_id, by_user_id,
                                         reason) is None:
            consignments.note_waiting(consignment, reason)
    return notes


def _stays_elsewhere(notes: list[str], what: str, scheduled: dt.date | None, status: Any,
                     day: dt.date) -> bool:
    """Whether a request or consignment is scheduled on another date already (the first
    published plan carries it); says so in ``notes``."""
    if status != "scheduled" or scheduled is None or scheduled == day:
        return False
    notes.append(f"{what} stays on {scheduled.isoformat()}: a plan of that date was "
                 f"published first")
    return True


def _why_not(network: Network, row: ConsignmentRow, plan: PlanRow, ref: str,
             deferred: dict[str, str], unassigned: dict[str, Any] | None) -> str:
    """Why the published plan does not carry a consignment, and what happens next."""
    if ref in deferred:
        waits = waiting_reason(network, as_consignment(row), plan.plan_date)
        return waits or deferred[ref]
    if unassigned is not None:
        detail = f" ({unassigned['detail']})" if unassigned.get("detail") else ""
        return (f"not carried by plan {plan.plan_id} of {plan.plan_date.isoformat()}: "
                f"{unassigned['reason']}{detail}; the next plan takes it")
    return f"not in plan {plan.plan_id} of {plan.plan_date.isoformat()}; the next plan takes it"


def _school_requests(session: Session, day: dt.date, refs: set[str]) -> list[SchoolRequestRow]:
    """The requests the plan names, and those scheduled on its date."""
    ids = {int(r.removeprefix(REQUEST_PREFIX)) for r in refs
           if r.startswith(REQUEST_PREFIX) and r.removeprefix(REQUEST_PREFIX).isdigit()}
    query = select(SchoolRequestRow).where(
        SchoolRequestRow.request_id.in_(ids) | (
            (SchoolRequestRow.status == RequestStatus.SCHEDULED)
            & (SchoolRequestRow.scheduled_date == day)))
    return [r for r in session.scalars(query.order_by(SchoolRequestRow.request_id))
            if r.status in (RequestStatus.ACCEPTED, RequestStatus.SCHEDULED)]


def _consignments(session: Session, day: dt.date, refs: set[str]) -> list[ConsignmentRow]:
    """The consignments the plan names, and those scheduled on its date."""
    ids = {i for i in (consignment_id_of(r) for r in refs) if i is not None}
    query = select(ConsignmentRow).where(
        ConsignmentRow.consignment_id.in_(ids) | (
            (ConsignmentRow.status == ConsignmentStatus.SCHEDULED)
            & (ConsignmentRow.scheduled_date == day)))
    return [r for r in session.scalars(query.order_by(ConsignmentRow.consignment_id))
            if r.status in (ConsignmentStatus.RECORDED, ConsignmentStatus.SCHEDULED)]
