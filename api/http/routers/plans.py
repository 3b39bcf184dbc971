"""``/plans``: plan a date, read its versions, get the map, the route sheet, the GeoJSON and
the stops CSV, and mark stops done.

Staff create plans (each re-plan of a date is a new version; old versions stay readable);
staff and the contractor read them; the contractor marks stops done. School librarians
have no access (403). A plan is solved off the request thread (`api.plan_jobs`): the
answer is ``202`` with status ``queued`` and the client polls ``GET /plans/{id}``, or
asks ``?wait=true`` to get the finished plan in the same call.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api import school_requests_service
from api.auth import Principal, require
from api.deps import SessionDep, SettingsDep
from api.plan_jobs import PlanJob, PlanJobs
from api.planning import DayPlan, get_network, plan_document
from api.responses import GeoJSONResponse
from api.schemas.common import Page
from api.store.db import display_time
from api.store.tables import (
    CollectionRow,
    PlanRow,
    PlanStatus,
    RequestStatus,
    Role,
    SchoolRequestRow,
    StopDoneRow,
    UserRow,
)
from maps import plan_geojson, render_map, render_sheet, stops_csv
from routing.io import plan_from_dict, problem_from_dict
from routing.result import ActionKind, VisitKind
from scenarios.day import DayError, DayNotes, Mode, check_date, request_task_id

router = APIRouter(prefix="/plans", tags=["plans"])

StaffDep = Annotated[Principal, Depends(require(Role.STAFF))]
ReaderDep = Annotated[Principal, Depends(require(Role.STAFF, Role.CONTRACTOR))]

REQUEST_PREFIX = "school-request-"


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"date": "2023-11-17", "mode": "hub_and_spoke", "vans": 2,
                      "time_limit_s": 10}]})

    date: dt.date = Field(description="the day to plan, inside the scenario's data range")
    mode: Mode = Field(default=Mode.HUB_AND_SPOKE,
                       description="hub_and_spoke (sort at the hub) or direct")
    vans: int | None = Field(default=None, ge=1, le=20,
                             description="use only the first N vans of the scenario")
    time_limit_s: float | None = Field(default=None, gt=0, le=120,
                                       description="solver time limit (default: the "
                                                   "service's PLAN_TIME_LIMIT_S)")
    posts: str = Field(default="forecast", pattern="^(forecast|rota)$",
                       description="return posts chosen by the forecast policy (from the "
                                   "stored collections) or by the FY2023 fixed rota")


class StopDone(BaseModel):
    vehicle_id: str
    stop: int
    site_id: str
    done_at: dt.datetime
    by: str
    note: str


class PlanOut(BaseModel):
    plan_id: int
    scenario: str
    date: dt.date
    version: int
    status: PlanStatus
    options: dict[str, Any]
    created_at: dt.datetime
    created_by: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str
    summary: dict[str, Any] | None
    links: dict[str, str]
    stops_done: list[StopDone]


class StopDoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"note": "2 crates left at the counter"}]})

    note: str = Field(default="", max_length=500)


def _jobs(request: Request) -> PlanJobs:
    state = request.app.state
    jobs: PlanJobs | None = getattr(state, "plan_jobs", None)
    if jobs is None:
        jobs = PlanJobs(state.session_factory, after_done=_schedule_requests)
        state.plan_jobs = jobs
    return jobs


def _schedule_requests(session: Session, row: PlanRow, summary: dict[str, Any]) -> None:
    """After a plan is stored: the school requests it serves become ``scheduled``; those
    an older version of the date had scheduled and this one does not go back to
    ``accepted``."""
    served = set(summary.get("served_task_ids", []))
    for request in school_requests_service.requests_to_plan(session, row.plan_date):
        if request_task_id(f"{REQUEST_PREFIX}{request.request_id}") in served:
            school_requests_service.mark_scheduled(session, request, row.plan_id,
                                                   row.plan_date, row.created_by_user_id)
        else:  # a re-plan that no longer serves it: the next plan should
            school_requests_service.mark_unscheduled(session, request, row.plan_id,
                                                     row.created_by_user_id)


def _out(session: Session, row: PlanRow) -> PlanOut:
    base = f"/plans/{row.plan_id}"
    creator = session.get(UserRow, row.created_by_user_id)
    done = session.scalars(select(StopDoneRow).where(StopDoneRow.plan_id == row.plan_id)
                           .order_by(StopDoneRow.stop_done_id)).all()
    users = {u.user_id: u.username for u in session.scalars(select(UserRow).where(
        UserRow.user_id.in_({d.by_user_id for d in done})))} if done else {}
    return PlanOut(
        plan_id=row.plan_id, scenario=row.scenario, date=row.plan_date, version=row.version,
        status=row.status, options=row.options, created_at=display_time(row.created_at),
        created_by=creator.username if creator else "",
        started_at=display_time(row.started_at) if row.started_at else None,
        finished_at=display_time(row.finished_at) if row.finished_at else None,
        error=row.error, summary=row.summary,
        links={"self": base, "map": f"{base}/map", "sheet": f"{base}/sheet",
               "geojson": f"{base}.geojson", "stops_csv": f"{base}/stops.csv",
               "plan_json": f"{base}/plan.json", "problem_json": f"{base}/problem.json"},
        stops_done=[StopDone(vehicle_id=d.vehicle_id, stop=d.stop, site_id=d.site_id,
                             done_at=display_time(d.done_at), by=users.get(d.by_user_id, ""),
                             note=d.note) for d in done],
    )


def _get(session: Session, plan_id: int) -> PlanRow:
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no plan {plan_id}")
    return row


def _day_plan(row: PlanRow, scenario: str) -> DayPlan:
    if row.status is not PlanStatus.DONE or not row.problem_json or not row.plan_json:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            detail=f"plan {row.plan_id} is {row.status.value}, not done: "
                                   f"poll GET /plans/{row.plan_id}")
    problem = problem_from_dict(json.loads(row.problem_json))
    plan = plan_from_dict(json.loads(row.plan_json))
    solve_s = float((row.summary or {}).get("solve_s", 0.0))
    return DayPlan(get_network(scenario), row.plan_date, problem, plan,
                   DayNotes.from_meta(problem.meta), (), solve_s)


@router.post("", response_model=PlanOut, status_code=status.HTTP_202_ACCEPTED,
             summary="Plan a date (a new version)",
             responses={200: {"description": "with ?wait=true: the plan is done"},
                        422: {"description": "a date the scenario has no data for"}})
def create_plan(body: PlanCreate, request: Request, response: Response, session: SessionDep,
                settings: SettingsDep, principal: StaffDep,
                wait: Annotated[bool, Query(description="answer when the plan is done (up "
                                                        "to the time limit + 60 s)")] = False
                ) -> PlanOut:
    """Queue a plan of ``date``: the scenario's flows for the day, the return posts due,
    and the accepted school requests needed on or after the date. Re-planning a date adds
    a version; earlier versions stay readable."""
    network = get_network(settings.scenario)
    try:
        check_date(network, body.date)
    except DayError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    if body.vans is not None and body.vans > len(network.vehicles):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            detail=f"field 'vans': scenario '{network.scenario_id}' has "
                                   f"{len(network.vehicles)} vans, got {body.vans}")
    version = (session.scalar(select(func.max(PlanRow.version)).where(
        PlanRow.scenario == network.scenario_id, PlanRow.plan_date == body.date)) or 0) + 1
    time_limit_s = body.time_limit_s or settings.plan_time_limit_s
    options = {"mode": body.mode.value, "vehicle_count": body.vans}
    row = PlanRow(scenario=network.scenario_id, plan_date=body.date, version=version,
                  status=PlanStatus.QUEUED, options={**options, "time_limit_s": time_limit_s,
                                                     "posts": body.posts},
                  created_by_user_id=principal.user_id)
    session.add(row)
    session.flush()
    recorded = [
        {"request_id": f"{REQUEST_PREFIX}{r.request_id}", "from_site_id": r.from_site_id,
         "to_site_id": r.school_site_id, "items": r.items, "purpose": "request",
         "note": f"{r.topic}" + (f" ({r.for_class})" if r.for_class else "")}
        for r in school_requests_service.requests_to_plan(session, body.date)]
    # Commit the new version now (not at the end of the request): the job thread reads it
    # from its own session, possibly before this request's unit of work would end.
    session.commit()
    jobs = _jobs(request)
    # Only the forecast policy reads the stored collections.
    history = [{"post_id": c.post_id, "at": c.collected_at.isoformat(), "items": c.items}
               for c in session.scalars(select(CollectionRow).where(
                   CollectionRow.post_id.in_([s.site_id for s in network.sites
                                              if s.kind.value == "return_post"])))
               ] if body.posts == "forecast" else None
    jobs.submit(PlanJob(row.plan_id, settings.scenario, body.date.isoformat(), options,
                        recorded, time_limit_s, body.posts, history))
    if wait and jobs.wait(row.plan_id, time_limit_s + 60):
        session.refresh(row)
        response.status_code = status.HTTP_200_OK
    return _out(session, row)


@router.get("", response_model=Page[PlanOut], summary="List plans, newest first")
def list_plans(session: SessionDep, _: ReaderDep,
               date: Annotated[dt.date | None, Query(description="only this date")] = None,
               plan_status: Annotated[PlanStatus | None, Query(alias="status")] = None,
               offset: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Page[PlanOut]:
    query = select(PlanRow)
    if date is not None:
        query = query.where(PlanRow.plan_date == date)
    if plan_status is not None:
        query = query.where(PlanRow.status == plan_status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(PlanRow.plan_date.desc(), PlanRow.version.desc())
                           .offset(offset).limit(limit)).all()
    return Page[PlanOut](items=[_out(session, r) for r in rows], total=total, offset=offset,
                         limit=limit)


@router.get("/by-date/{date}", response_model=PlanOut, summary="The plan of a date",
            responses={404: {"description": "no plan for that date (or version)"}})
def plan_by_date(date: dt.date, session: SessionDep, _: ReaderDep,
                 version: Annotated[int | None, Query(ge=1, description="default: the "
                                                                        "newest")] = None
                 ) -> PlanOut:
    query = select(PlanRow).where(PlanRow.plan_date == date)
    if version is not None:
        query = query.where(PlanRow.version == version)
    row = session.scalars(query.order_by(PlanRow.version.desc()).limit(1)).first()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            detail=f"no plan for {date.isoformat()}"
                                   + (f" version {version}" if version else ""))
    return _out(session, row)


@router.get("/{plan_id}.geojson", response_class=GeoJSONResponse,
            summary="Stops and route lines as GeoJSON (RFC 7946)",
            responses={409: {"description": "the plan is not done yet"}})
def plan_geojson_file(plan_id: int, session: SessionDep, settings: SettingsDep,
                      _: ReaderDep) -> dict[str, Any]:
    return plan_geojson(plan_document(_day_plan(_get(session, plan_id), settings.scenario)))


@router.get("/{plan_id}", response_model=PlanOut, summary="One plan version and its status",
            responses={404: {"description": "no such plan"}})
def get_plan(plan_id: int, session: SessionDep, _: ReaderDep) -> PlanOut:
    """The plan's status (``queued``, ``running``, ``done``, ``failed``), its summary per
    van when done, links to the map, sheet and files, and the stops marked done."""
    return _out(session, _get(session, plan_id))


@router.get("/{plan_id}/map", response_class=HTMLResponse, summary="The Folium route map",
            responses={409: {"description": "the plan is not done yet"}})
def plan_map(plan_id: int, session: SessionDep, settings: SettingsDep,
             _: ReaderDep) -> HTMLResponse:
    """A self-contained page (Leaflet inlined): routes and markers draw with no internet."""
    return HTMLResponse(render_map(plan_document(_day_plan(_get(session, plan_id),
                                                           settings.scenario))))


@router.get("/{plan_id}/sheet", response_class=HTMLResponse,
            summary="The printable route sheet (A4, one page per van)",
            responses={409: {"description": "the plan is not done yet"}})
def plan_sheet(plan_id: int, session: SessionDep, settings: SettingsDep,
               _: ReaderDep) -> HTMLResponse:
    return HTMLResponse(render_sheet(plan_document(_day_plan(_get(session, plan_id),
                                                             settings.scenario))))


@router.get("/{plan_id}/stops.csv", response_class=PlainTextResponse,
            summary="One row per stop (CSV)")
def plan_stops_csv(plan_id: int, session: SessionDep, settings: SettingsDep,
                   _: ReaderDep) -> PlainTextResponse:
    text = stops_csv(plan_document(_day_plan(_get(session, plan_id), settings.scenario)))
    return PlainTextResponse(text, media_type="text/csv; charset=utf-8")


def _stored_document(session: Session, plan_id: int, scenario: str,
                     which: str) -> dict[str, Any]:
    row = _get(session, plan_id)
    _day_plan(row, scenario)  # 404 / 409 as for the map
    text = row.plan_json if which == "plan" else row.problem_json
    assert text is not None
    document: dict[str, Any] = json.loads(text)
    return document


@router.get("/{plan_id}/plan.json", summary="The plan document (docs/format.md)")
def plan_json(plan_id: int, session: SessionDep, settings: SettingsDep,
              _: ReaderDep) -> dict[str, Any]:
    return _stored_document(session, plan_id, settings.scenario, "plan")


@router.get("/{plan_id}/problem.json", summary="The day's routing problem (docs/format.md)")
def problem_json(plan_id: int, session: SessionDep, settings: SettingsDep,
                 _: ReaderDep) -> dict[str, Any]:
    """The problem the plan solves; its ``meta`` holds the day notes (deferred requests,
    sites not visited and why). ``bookrun verify problem.json plan.json`` checks the pair."""
    return _stored_document(session, plan_id, settings.scenario, "problem")


@router.post("/{plan_id}/stops/{vehicle_id}/{stop}/done", response_model=PlanOut,
             status_code=status.HTTP_201_CREATED, summary="Mark a stop done (contractor)",
             responses={200: {"description": "already marked: nothing changed"},
                        404: {"description": "no such plan, van or stop"}})
def mark_stop_done(plan_id: int, vehicle_id: str, stop: int, body: StopDoneIn,
                   response: Response, session: SessionDep, settings: SettingsDep,
                   principal: ReaderDep) -> PlanOut:
    """Record that van ``vehicle_id`` has done stop number ``stop`` (1 = the first stop
    after the hub). School requests delivered there become ``delivered``."""
    row = _get(session, plan_id)
    day_plan = _day_plan(row, settings.scenario)
    route = next((r for r in day_plan.plan.routes if r.vehicle_id == vehicle_id), None)
    stops = [v for v in route.visits if v.kind is VisitKind.STOP] if route else []
    if route is None or not 1 <= stop <= len(stops):
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            detail=f"plan {plan_id} has no stop {stop} for van {vehicle_id!r}"
                                   f" ({len(stops)} stops)" if route else
                                   f"plan {plan_id} has no van {vehicle_id!r}")
    existing = session.scalar(select(StopDoneRow).where(
        StopDoneRow.plan_id == plan_id, StopDoneRow.vehicle_id == vehicle_id,
        StopDoneRow.stop == stop))
    if existing is not None:
        response.status_code = status.HTTP_200_OK
        return _out(session, row)
    visit = stops[stop - 1]
    session.add(StopDoneRow(plan_id=plan_id, vehicle_id=vehicle_id, stop=stop,
                            site_id=visit.site_id, by_user_id=principal.user_id,
                            note=body.note))
    for action in visit.actions:
        prefix = request_task_id(REQUEST_PREFIX)
        if action.kind is ActionKind.DELIVERY and action.task_id.startswith(prefix):
            request_id = action.task_id.removeprefix(prefix)
            school_request = session.get(SchoolRequestRow, int(request_id)) \
                if request_id.isdigit() else None
            if school_request is not None and \
                    school_request.status is RequestStatus.SCHEDULED:
                school_requests_service.mark_delivered(
                    session, school_request, principal.user_id,
                    f"stop {stop} of {vehicle_id} done (plan {plan_id})")
    session.flush()
    return _out(session, row)
