"""Plans without HTTP: queue a plan of a date (a new version of it), read a stored plan
back, mark a stop done, and, once a plan is solved, schedule the school requests it serves.

A plan is solved off the request by the job runner (`api.services.plan_jobs`): `queue_plan`
adds the ``queued`` row and returns the `PlanJob` to hand over once its unit of work has
committed (the runner reads the row from its own session).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.services import school_request_lifecycle as lifecycle
from api.services.errors import Conflict, Invalid, InvalidField, NotFound
from api.services.plan_jobs import PlanJob
from api.services.planning import DayPlan
from api.store.repositories import post_history, usernames
from api.store.tables import PlanRow, PlanStatus, RequestStatus, SchoolRequestRow, StopDoneRow
from maps import StopDone
from routing.documents import plan_from_dict, problem_from_dict
from routing.result import ActionKind, VisitKind
from scenarios.day import DayError, DayNotes, DayOptions, Mode, check_date, request_task_id
from scenarios.demand import MaterialRequest, Purpose
from scenarios.network import Network, SiteKind

#: A school request's id in a plan: this prefix and the request's number.
REQUEST_PREFIX = "school-request-"


@dataclass(frozen=True)
class PlanAsk:
    """What staff ask for when they plan a date."""

    day: dt.date
    mode: Mode
    vans: int | None
    time_limit_s: float
    posts: str  # "forecast" or "rota"


def check_ask(network: Network, ask: PlanAsk) -> None:
    """`Invalid` for a date the scenario has no data for, or more vans than it has."""
    try:
        check_date(network, ask.day)
    except DayError as exc:
        raise Invalid(str(exc)) from None
    if ask.vans is not None and ask.vans > len(network.vehicles):
        raise InvalidField("vans", f"scenario '{network.scenario_id}' has "
                                   f"{len(network.vehicles)} vans, got {ask.vans}")


def queue_plan(session: Session, network: Network, scenario: str, ask: PlanAsk,
               by_user_id: int) -> tuple[PlanRow, PlanJob]:
    """Add the next version of the date's plan, ``queued``; returns it and the job that
    solves it: the day's accepted school requests and, for the forecast policy, the stored
    collections of the return posts. Flushes; the caller commits, then submits the job."""
    version = (session.scalar(select(func.max(PlanRow.version)).where(
        PlanRow.scenario == network.scenario_id, PlanRow.plan_date == ask.day)) or 0) + 1
    options = {"mode": ask.mode.value, "vehicle_count": ask.vans}
    row = PlanRow(scenario=network.scenario_id, plan_date=ask.day, version=version,
                  status=PlanStatus.QUEUED, options={**options, "time_limit_s": ask.time_limit_s,
                                                     "posts": ask.posts},
                  created_by_user_id=by_user_id)
    session.add(row)
    session.flush()
    requests = tuple(
        MaterialRequest(f"{REQUEST_PREFIX}{r.request_id}", r.from_site_id, r.school_site_id,
                        r.items, Purpose.REQUEST,
                        note=f"{r.topic}" + (f" ({r.for_class})" if r.for_class else ""))
        for r in lifecycle.requests_to_plan(session, ask.day))
    # Only the forecast policy reads the stored collections.
    history = tuple(post_history(session, [s.site_id for s in network.sites_of_kind(
        SiteKind.RETURN_POST)])) if ask.posts == "forecast" else None
    return row, PlanJob(row.plan_id, scenario, ask.day, DayOptions(ask.mode, ask.vans),
                        requests, ask.time_limit_s, ask.posts, history)


def schedule_requests(session: Session, row: PlanRow, summary: dict[str, Any]) -> None:
    """After a plan is stored: the school requests it serves become ``scheduled``; those
    an older version of the date had scheduled and this one does not go back to
    ``accepted``."""
    served = set(summary.get("served_task_ids", []))
    for request in lifecycle.requests_to_plan(session, row.plan_date):
        if request_task_id(f"{REQUEST_PREFIX}{request.request_id}") in served:
            lifecycle.mark_scheduled(session, request, row.plan_id, row.plan_date,
                                     row.created_by_user_id)
        else:  # a re-plan that no longer serves it: the next plan should
            lifecycle.mark_unscheduled(session, request, row.plan_id, row.created_by_user_id)


def plan_row(session: Session, plan_id: int) -> PlanRow:
    """The plan version (`NotFound` when there is none)."""
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise NotFound(f"no plan {plan_id}")
    return row


def plan_of_date(session: Session, day: dt.date, version: int | None = None) -> PlanRow:
    """The date's newest plan version, or ``version`` (`NotFound` when there is none)."""
    query = select(PlanRow).where(PlanRow.plan_date == day)
    if version is not None:
        query = query.where(PlanRow.version == version)
    row = session.scalars(query.order_by(PlanRow.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"no plan for {day.isoformat()}"
                       + (f" version {version}" if version else ""))
    return row


def list_plans(session: Session, day: dt.date | None, status: PlanStatus | None,
               offset: int, limit: int) -> tuple[int, list[PlanRow]]:
    """(how many match, the page of them by date then version, newest first)."""
    query = select(PlanRow)
    if day is not None:
        query = query.where(PlanRow.plan_date == day)
    if status is not None:
        query = query.where(PlanRow.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(PlanRow.plan_date.desc(), PlanRow.version.desc())
                           .offset(offset).limit(limit)).all()
    return total, list(rows)


def stored_day_plan(row: PlanRow, network: Network) -> DayPlan:
    """The solved plan as a `DayPlan` to render (`Conflict` while it is not done)."""
    if row.status is not PlanStatus.DONE or not row.problem_json or not row.plan_json:
        raise Conflict(f"plan {row.plan_id} is {row.status.value}, not done: "
                       f"poll GET /plans/{row.plan_id}")
    problem = problem_from_dict(json.loads(row.problem_json))
    plan = plan_from_dict(json.loads(row.plan_json))
    solve_s = float((row.summary or {}).get("solve_s", 0.0))
    return DayPlan(network, row.plan_date, problem, plan, DayNotes.from_meta(problem.meta), (),
                   solve_s)


def stored_document(row: PlanRow, which: str) -> dict[str, Any]:
    """The stored plan (``which="plan"``) or problem document of a done plan (`Conflict`
    while it is not done)."""
    if row.status is not PlanStatus.DONE or not row.problem_json or not row.plan_json:
        raise Conflict(f"plan {row.plan_id} is {row.status.value}, not done: "
                       f"poll GET /plans/{row.plan_id}")
    document: dict[str, Any] = json.loads(row.plan_json if which == "plan"
                                          else row.problem_json)
    return document


def mark_stop_done(session: Session, row: PlanRow, day_plan: DayPlan, vehicle_id: str,
                   stop: int, by_user_id: int, note: str) -> bool:
    """Record that van ``vehicle_id`` has done stop number ``stop`` (1 = the first after
    the hub); the school requests delivered there become ``delivered``. Returns whether it
    was recorded now (``False``: it already was). `NotFound` for no such van or stop."""
    plan_id = row.plan_id
    route = next((r for r in day_plan.plan.routes if r.vehicle_id == vehicle_id), None)
    stops = [v for v in route.visits if v.kind is VisitKind.STOP] if route else []
    if route is None or not 1 <= stop <= len(stops):
        raise NotFound(f"plan {plan_id} has no stop {stop} for van {vehicle_id!r}"
                       f" ({len(stops)} stops)" if route else
                       f"plan {plan_id} has no van {vehicle_id!r}")
    existing = session.scalar(select(StopDoneRow).where(
        StopDoneRow.plan_id == plan_id, StopDoneRow.vehicle_id == vehicle_id,
        StopDoneRow.stop == stop))
    if existing is not None:
        return False
    visit = stops[stop - 1]
    session.add(StopDoneRow(plan_id=plan_id, vehicle_id=vehicle_id, stop=stop,
                            site_id=visit.site_id, by_user_id=by_user_id, note=note))
    prefix = request_task_id(REQUEST_PREFIX)
    for action in visit.actions:
        if action.kind is ActionKind.DELIVERY and action.task_id.startswith(prefix):
            request_id = action.task_id.removeprefix(prefix)
            school_request = session.get(SchoolRequestRow, int(request_id)) \
                if request_id.isdigit() else None
            if school_request is not None and \
                    school_request.status is RequestStatus.SCHEDULED:
                lifecycle.mark_delivered(session, school_request, by_user_id,
                                         f"stop {stop} of {vehicle_id} done (plan {plan_id})")
    session.flush()
    return True


def stops_done(session: Session, plan_id: int) -> list[StopDoneRow]:
    """The stops marked done on the plan, in the order they were marked."""
    return list(session.scalars(select(StopDoneRow).where(StopDoneRow.plan_id == plan_id)
                                .order_by(StopDoneRow.stop_done_id)).all())


def stops_done_to_show(session: Session, plan_id: int) -> list[StopDone]:
    """The stops marked done on the plan as the sheet and the map show them: who marked
    each one, when (UTC as stored; the renderers show Japan time) and the note."""
    rows = stops_done(session, plan_id)
    users = usernames(session, {row.by_user_id for row in rows})
    return [StopDone(row.vehicle_id, row.stop, row.done_at, note=row.note,
                     by=users.get(row.by_user_id, "")) for row in rows]
