"""Plans without HTTP: queue a plan of a date (a new version of it), read a stored plan
back (the published version of a date, or its latest draft), the week's published plans,
and mark a stop done (what it delivers becomes ``delivered``).

A plan is solved off the request by the job runner (`api.services.plan_jobs`): `queue_plan`
adds the ``queued`` row and returns the `PlanJob` to hand over once its unit of work has
committed (the runner reads the row from its own session). Solving changes no status:
publishing does (`api.services.publishing`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.services import consignment_lifecycle
from api.services import school_request_lifecycle as lifecycle
from api.services.closures import planning_network
from api.services.daily_work import REQUEST_PREFIX, recorded_requests
from api.services.date_checks import today_in_tokyo
from api.services.errors import Conflict, Invalid, InvalidField, NotFound
from api.services.plan_jobs import PlanJob
from api.services.planning import DayPlan
from api.store.repositories import post_history, usernames
from api.store.tables import (
    ConsignmentRow,
    ConsignmentStatus,
    PlanRow,
    PlanStatus,
    Publication,
    RequestStatus,
    SchoolRequestRow,
    StopDoneRow,
)
from maps import StopDone
from routing.documents import plan_from_dict, problem_from_dict
from routing.result import ActionKind, VisitKind
from scenarios.calendar import TOKYO
from scenarios.consignments import consignment_id_of
from scenarios.day import DayError, DayNotes, DayOptions, Mode, check_date, request_task_id
from scenarios.network import Network, SiteKind

#: The longest range the week view lists (days).
MAX_RANGE_DAYS = 62


@dataclass(frozen=True)
class PlanAsk:
    """What staff ask for when they plan a date."""

    day: dt.date
    mode: Mode
    vans: int | None
    time_limit_s: float
    posts: str  # "forecast" or "rota"


def check_ask(network: Network, ask: PlanAsk) -> None:
    """`Invalid` for a date before the scenario's first data day, or more vans than it
    has."""
    try:
        check_date(network, ask.day)
    except DayError as exc:
        raise Invalid(str(exc)) from None
    if ask.vans is not None and ask.vans > len(network.vehicles):
        raise InvalidField("vans", f"scenario '{network.scenario_id}' has "
                                   f"{len(network.vehicles)} vans, got {ask.vans}")


def queue_plan(session: Session, network: Network, scenario: str, ask: PlanAsk,
               by_user_id: int, today: dt.date | None = None) -> tuple[PlanRow, PlanJob]:
    """Add the next version of the date's plan, ``queued``; returns it and the job that
    solves it: the school requests whose delivery day it is, the consignments ready by
    then, the closures staff recorded and, for the forecast policy, the collections made
    before the date. Flushes; the caller commits, then submits the job."""
    version = (session.scalar(select(func.max(PlanRow.version)).where(
        PlanRow.scenario == network.scenario_id, PlanRow.plan_date == ask.day)) or 0) + 1
    options = {"mode": ask.mode.value, "vehicle_count": ask.vans}
    row = PlanRow(scenario=network.scenario_id, plan_date=ask.day, version=version,
                  status=PlanStatus.QUEUED, options={**options, "time_limit_s": ask.time_limit_s,
                                                     "posts": ask.posts},
                  created_by_user_id=by_user_id)
    session.add(row)
    session.flush()
    closed, closures = planning_network(session, scenario)
    requests = recorded_requests(session, closed, ask.day,
                                 today if today is not None else today_in_tokyo())
    # Only the forecast policy reads the stored collections: those made before the date.
    start = dt.datetime.combine(ask.day, dt.time(), tzinfo=TOKYO)
    history = tuple(post_history(session, [s.site_id for s in network.sites_of_kind(
        SiteKind.RETURN_POST)], before=start)) if ask.posts == "forecast" else None
    return row, PlanJob(row.plan_id, scenario, ask.day, DayOptions(ask.mode, ask.vans),
                        requests, ask.time_limit_s, ask.posts, history, tuple(closures))


def plan_row(session: Session, plan_id: int, *, for_update: bool = False) -> PlanRow:
    """The plan version, locked when it is going to change (`NotFound` when there is
    none)."""
    row = session.get(PlanRow, plan_id, with_for_update=for_update)
    if row is None:
        raise NotFound(f"no plan {plan_id}")
    return row


def plan_of_date(session: Session, day: dt.date, version: int | None = None) -> PlanRow:
    """The date's published plan, else its newest version (a draft); or ``version``
    (`NotFound` when there is none)."""
    query = select(PlanRow).where(PlanRow.plan_date == day)
    if version is not None:
        query = query.where(PlanRow.version == version)
    else:
        published = session.scalars(query.where(
            PlanRow.publication == Publication.PUBLISHED)).first()
        if published is not None:
            return published
    row = session.scalars(query.order_by(PlanRow.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"no plan for {day.isoformat()}"
                       + (f" version {version}" if version else ""))
    return row


def list_plans(session: Session, day: dt.date | None, status: PlanStatus | None,
               offset: int, limit: int, first: dt.date | None = None,
               last: dt.date | None = None) -> tuple[int, list[PlanRow]]:
    """(how many match, the page of them by date then version, newest first). With
    ``first`` or ``last`` (the week view): the published plan of each date in the range,
    by date, oldest first."""
    query = select(PlanRow)
    if day is not None:
        query = query.where(PlanRow.plan_date == day)
    if status is not None:
        query = query.where(PlanRow.status == status)
    week = first is not None or last is not None
    if week:
        if first is not None and last is not None:
            if last < first:
                raise InvalidField("to", f"{last.isoformat()} is before 'from' "
                                         f"{first.isoformat()}")
            if (last - first).days + 1 > MAX_RANGE_DAYS:
                raise InvalidField("to", f"the range from {first.isoformat()} to "
                                         f"{last.isoformat()} is over {MAX_RANGE_DAYS} days")
        query = query.where(PlanRow.publication == Publication.PUBLISHED)
        if first is not None:
            query = query.where(PlanRow.plan_date >= first)
        if last is not None:
            query = query.where(PlanRow.plan_date <= last)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = (PlanRow.plan_date, PlanRow.version) if week else (PlanRow.plan_date.desc(),
                                                               PlanRow.version.desc())
    rows = session.scalars(query.order_by(*order).offset(offset).limit(limit)).all()
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
    """Record that van ``vehicle_id`` has done stop number ``stop``, numbered as the route
    sheet numbers its rows: 1 = the first after the hub, and the last number (the stops
    plus one) the return to the hub, where what was picked up for the hub is unloaded.
    The school requests and consignments this (published) plan delivers or unloads there
    become ``delivered``. Returns whether it was recorded now (``False``: it already
    was). `NotFound` for no such van or stop."""
    plan_id = row.plan_id
    route = next((r for r in day_plan.plan.routes if r.vehicle_id == vehicle_id), None)
    stops = [v for v in route.visits if v.kind in (VisitKind.STOP, VisitKind.END)] \
        if route else []
    if route is None or not 1 <= stop <= len(stops):
        raise NotFound(f"plan {plan_id} has no stop {stop} for van {vehicle_id!r}"
                       f" ({len(stops) - 1} stops, then {len(stops)}: back at the hub)"
                       if route else f"plan {plan_id} has no van {vehicle_id!r}")
    existing = session.scalar(select(StopDoneRow).where(
        StopDoneRow.plan_id == plan_id, StopDoneRow.vehicle_id == vehicle_id,
        StopDoneRow.stop == stop))
    if existing is not None:
        return False
    visit = stops[stop - 1]
    session.add(StopDoneRow(plan_id=plan_id, vehicle_id=vehicle_id, stop=stop,
                            site_id=visit.site_id, by_user_id=by_user_id, note=note))
    why = f"stop {stop} of {vehicle_id} done (plan {plan_id})"
    prefix = request_task_id("")
    for action in visit.actions:
        if action.kind not in (ActionKind.DELIVERY, ActionKind.UNLOAD) or \
                not action.task_id.startswith(prefix):
            continue
        ref = action.task_id.removeprefix(prefix)
        request_id = ref.removeprefix(REQUEST_PREFIX)
        school_request = session.get(SchoolRequestRow, int(request_id)) \
            if ref.startswith(REQUEST_PREFIX) and request_id.isdigit() else None
        if school_request is not None and school_request.plan_id == plan_id and \
                school_request.status is RequestStatus.SCHEDULED:
            lifecycle.mark_delivered(session, school_request, by_user_id, why)
        consignment_id = consignment_id_of(ref)
        consignment = session.get(ConsignmentRow, consignment_id) \
            if consignment_id is not None else None
        if consignment is not None and consignment.plan_id == plan_id and \
                consignment.status is ConsignmentStatus.SCHEDULED:
            consignment_lifecycle.mark_delivered(session, consignment, by_user_id, why)
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
