"""``/plans``: plan a date, read its versions, get the map, the route sheet, the GeoJSON and
the stops CSV, and mark stops done.

Staff create plans (each re-plan of a date is a new version; old versions stay readable)
and publish one version of a date: the one the drivers run, and the one that makes the
school requests and consignments it carries ``scheduled``. Staff and the contractor read
plans (``/by-date/{date}``: the published version, else the newest, a draft; ``?from=&to=``:
the week's published plans); the contractor marks stops done. School librarians have no
access (403). A plan is solved off the request thread (`api.services.plan_jobs`): the
answer is ``202`` with status ``queued`` and the client polls ``GET /plans/{id}``, or
asks ``?wait=true`` to get the finished plan in the same call.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy.orm import Session

from api.http.auth import require
from api.http.deps import PlanJobsDep, SessionDep, SessionFactoryDep, SettingsDep
from api.http.responses import GeoJSONResponse
from api.http.schemas.common import Page
from api.http.schemas.plans import PlanCreate, PlanOut, StopDone, StopDoneIn
from api.services import plans as service
from api.services import publishing
from api.services.accounts import Principal
from api.services.closures import planning_network
from api.services.plan_outputs import plan_document
from api.services.planning import DayPlan, get_network
from api.store.db import display_time, unit_of_work
from api.store.repositories import usernames
from api.store.tables import PlanRow, PlanStatus, Role
from maps import plan_geojson, render_map, render_sheet, stops_csv

router = APIRouter(prefix="/plans", tags=["plans"])

StaffDep = Annotated[Principal, Depends(require(Role.STAFF))]
ReaderDep = Annotated[Principal, Depends(require(Role.STAFF, Role.CONTRACTOR))]


def _out(session: Session, row: PlanRow) -> PlanOut:
    base = f"/plans/{row.plan_id}"
    done = service.stops_done(session, row.plan_id)
    users = usernames(session, {d.by_user_id for d in done} | {row.created_by_user_id} | (
        {row.published_by_user_id} if row.published_by_user_id is not None else set()))
    summary = row.summary or {}
    done_plan = row.status is PlanStatus.DONE
    return PlanOut(
        plan_id=row.plan_id, scenario=row.scenario, date=row.plan_date, version=row.version,
        status=row.status, publication=row.publication,
        published_at=display_time(row.published_at) if row.published_at else None,
        published_by=(users.get(row.published_by_user_id, "")
                      if row.published_by_user_id is not None else None),
        vans_used=len(summary.get("vans", ())) if done_plan else None,
        distance_km=summary.get("distance_km") if done_plan else None,
        tasks=summary.get("tasks") if done_plan else None,
        options=row.options, created_at=display_time(row.created_at),
        created_by=users.get(row.created_by_user_id, ""),
        started_at=display_time(row.started_at) if row.started_at else None,
        finished_at=display_time(row.finished_at) if row.finished_at else None,
        error=row.error, summary=row.summary,
        links={"self": base, "publish": f"{base}/publish", "map": f"{base}/map",
               "sheet": f"{base}/sheet",
               "geojson": f"{base}.geojson", "stops_csv": f"{base}/stops.csv",
               "plan_json": f"{base}/plan.json", "problem_json": f"{base}/problem.json"},
        stops_done=[StopDone(vehicle_id=d.vehicle_id, stop=d.stop, site_id=d.site_id,
                             done_at=display_time(d.done_at), by=users.get(d.by_user_id, ""),
                             note=d.note) for d in done],
    )


def _day_plan(session: Session, plan_id: int, scenario: str) -> DayPlan:
    """The done plan ``plan_id`` to render (404 when there is none, 409 until done)."""
    return service.stored_day_plan(service.plan_row(session, plan_id), get_network(scenario))


@router.post("", response_model=PlanOut, status_code=status.HTTP_202_ACCEPTED,
             summary="Plan a date (a new version)",
             responses={200: {"description": "with ?wait=true: the plan is done"},
                        422: {"description": "a date before the scenario's first data day, "
                                            "or a bad option"}})
def create_plan(body: PlanCreate, response: Response, factory: SessionFactoryDep,
                settings: SettingsDep, jobs: PlanJobsDep, principal: StaffDep,
                wait: Annotated[bool, Query(description="answer when the plan is done (up "
                                                        "to the time limit + 60 s)")] = False
                ) -> PlanOut:
    """Queue a plan of ``date``: the consignments recorded and ready by the date (each
    replaces the demand model's estimate of its kind), the school requests whose delivery
    day it is, the return posts due (from the collections made before the date), the
    closures staff recorded, and the demand model's estimates for the rest (marked in the
    summary's ``estimated_tasks``; a date more than two years after the model's figures
    adds a warning). Re-planning a date adds a version; earlier versions stay readable.
    Solving changes no status: publish the version the drivers run."""
    network = get_network(settings.scenario)
    ask = service.PlanAsk(body.date, body.mode, body.vans,
                          body.time_limit_s or settings.plan_time_limit_s, body.posts)
    service.check_ask(network, ask)
    # One unit of work, committed before the job is handed over: the job thread reads the
    # new version from its own session.
    with unit_of_work(factory) as session:
        row, job = service.queue_plan(session, network, settings.scenario, ask,
                                      principal.user_id)
    jobs.submit(job)
    with factory() as session:  # reads only
        if wait and jobs.wait(job.plan_id, ask.time_limit_s + 60):
            response.status_code = status.HTTP_200_OK
            row = service.plan_row(session, job.plan_id)  # as the job thread stored it
        else:
            session.add(row)  # the version as queued
        return _out(session, row)


@router.get("", response_model=Page[PlanOut], summary="List plans; with from/to, the "
                                                       "week's published plans")
def list_plans(session: SessionDep, _: ReaderDep,
               date: Annotated[dt.date | None, Query(description="only this date")] = None,
               plan_status: Annotated[PlanStatus | None, Query(alias="status")] = None,
               from_: Annotated[dt.date | None, Query(
                   alias="from", description="the week view: the published plan of each "
                                             "date from this day, by date")] = None,
               to: Annotated[dt.date | None, Query(
                   description="the week view: up to this day (at most 62 days)")] = None,
               offset: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Page[PlanOut]:
    """Every version, newest date first; with ``from`` and/or ``to`` only the published
    version of each date in the range, oldest date first, each with its ``vans_used``,
    ``distance_km`` and ``tasks``."""
    total, rows = service.list_plans(session, date, plan_status, offset, limit, from_, to)
    return Page[PlanOut](items=[_out(session, r) for r in rows], total=total, offset=offset,
                         limit=limit)


@router.get("/by-date/{date}", response_model=PlanOut, summary="The plan of a date",
            responses={404: {"description": "no plan for that date (or version)"}})
def plan_by_date(date: dt.date, session: SessionDep, _: ReaderDep,
                 version: Annotated[int | None, Query(ge=1, description="default: the "
                                                                        "published one")] = None
                 ) -> PlanOut:
    """The published version of the date; when none is published, the newest version,
    with ``publication`` ``draft``."""
    return _out(session, service.plan_of_date(session, date, version))


@router.post("/{plan_id}/publish", response_model=PlanOut,
             summary="Publish a plan version: the one the drivers run (staff)",
             responses={404: {"description": "no such plan"},
                        409: {"description": "the plan is not done, or fails verification"}})
def publish_plan(plan_id: int, session: SessionDep, settings: SettingsDep,
                 principal: StaffDep) -> PlanOut:
    """Make this version the date's published plan (the one published before becomes
    ``superseded``). The school requests and consignments it carries become
    ``scheduled`` on its date; those the date's earlier published version carried and
    this one does not go back to ``accepted`` / ``recorded``; a consignment it could not
    carry stays ``recorded`` and says why and which day it waits for. Publishing the
    published version again changes nothing."""
    row = service.plan_row(session, plan_id, for_update=True)
    publishing.publish(session, row, planning_network(session, settings.scenario)[0],
                       principal.user_id)
    return _out(session, row)


@router.get("/{plan_id}.geojson", response_class=GeoJSONResponse,
            summary="Stops and route lines as GeoJSON (RFC 7946)",
            responses={409: {"description": "the plan is not done yet"}})
def plan_geojson_file(plan_id: int, session: SessionDep, settings: SettingsDep,
                      _: ReaderDep) -> dict[str, Any]:
    return plan_geojson(plan_document(_day_plan(session, plan_id, settings.scenario)))


@router.get("/{plan_id}", response_model=PlanOut, summary="One plan version and its status",
            responses={404: {"description": "no such plan"}})
def get_plan(plan_id: int, session: SessionDep, _: ReaderDep) -> PlanOut:
    """The plan's status (``queued``, ``running``, ``done``, ``failed``), its summary per
    van when done, links to the map, sheet and files, and the stops marked done."""
    return _out(session, service.plan_row(session, plan_id))


@router.get("/{plan_id}/map", response_class=HTMLResponse, summary="The Folium route map",
            responses={409: {"description": "the plan is not done yet"}})
def plan_map(plan_id: int, session: SessionDep, settings: SettingsDep,
             _: ReaderDep) -> HTMLResponse:
    """A self-contained page (Leaflet and its plugins inlined): routes and markers draw
    with no internet; stops marked done are drawn faded with a tick."""
    day_plan = _day_plan(session, plan_id, settings.scenario)
    done = service.stops_done_to_show(session, plan_id)
    return HTMLResponse(render_map(plan_document(day_plan, done)))


@router.get("/{plan_id}/sheet", response_class=HTMLResponse,
            summary="The route sheet: A4 to print, a card per stop on a phone",
            responses={409: {"description": "the plan is not done yet"}})
def plan_sheet(plan_id: int, session: SessionDep, settings: SettingsDep,
               _: ReaderDep) -> HTMLResponse:
    """Per van: what to load at the hub by stop, then each stop's times, short name,
    address, crates and items coming off and going on; stops marked done are shaded and
    ticked with the time, who and the note."""
    day_plan = _day_plan(session, plan_id, settings.scenario)
    done = service.stops_done_to_show(session, plan_id)
    return HTMLResponse(render_sheet(plan_document(day_plan, done)))


@router.get("/{plan_id}/stops.csv", response_class=PlainTextResponse,
            summary="One row per stop (CSV)")
def plan_stops_csv(plan_id: int, session: SessionDep, settings: SettingsDep,
                   _: ReaderDep) -> PlainTextResponse:
    text = stops_csv(plan_document(_day_plan(session, plan_id, settings.scenario)))
    return PlainTextResponse(text, media_type="text/csv; charset=utf-8")


@router.get("/{plan_id}/plan.json", summary="The plan document (docs/format.md)")
def plan_json(plan_id: int, session: SessionDep, _: ReaderDep) -> dict[str, Any]:
    return service.stored_document(service.plan_row(session, plan_id), "plan")


@router.get("/{plan_id}/problem.json", summary="The day's routing problem (docs/format.md)")
def problem_json(plan_id: int, session: SessionDep, _: ReaderDep) -> dict[str, Any]:
    """The problem the plan solves; its ``meta`` holds the day notes (deferred requests,
    sites not visited and why). ``bookrun verify problem.json plan.json`` checks the pair."""
    return service.stored_document(service.plan_row(session, plan_id), "problem")


@router.post("/{plan_id}/stops/{vehicle_id}/{stop}/done", response_model=PlanOut,
             status_code=status.HTTP_201_CREATED, summary="Mark a stop done (contractor)",
             responses={200: {"description": "already marked: nothing changed"},
                        404: {"description": "no such plan, van or stop"}})
def mark_stop_done(plan_id: int, vehicle_id: str, stop: int, body: StopDoneIn,
                   response: Response, session: SessionDep, settings: SettingsDep,
                   principal: ReaderDep) -> PlanOut:
    """Record that van ``vehicle_id`` has done stop number ``stop``, as the route sheet
    numbers its rows: 1 = the first stop after the hub, the last number (the stops plus
    one) the return to the hub. The school requests and consignments the published plan
    delivers there (or, at the hub, unloads) become ``delivered``."""
    row = service.plan_row(session, plan_id)
    day_plan = service.stored_day_plan(row, get_network(settings.scenario))
    if not service.mark_stop_done(session, row, day_plan, vehicle_id, stop, principal.user_id,
                                  body.note):
        response.status_code = status.HTTP_200_OK
    return _out(session, row)
