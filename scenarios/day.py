"""The day assembly: what must move on a date, as one `routing.Problem`.

`problem_for_day(network, day, requests, due_posts, options)` is pure: the caller (the
command line or the service, through ``api/services/planning.py``) gathers the requests
and the due posts, and gets back the problem to solve. The problem's ``meta`` says what could not be
planned and why, in plain JSON-ready data (see `DayNotes`).

Rules:

- The hub is the depot of every van. When it is closed nothing can be sorted or loaded
  there, so only return posts are emptied (their items wait in the van's crates or the
  hub's return room); every other request is deferred with the hub's closure as reason.
- A closed site receives nothing and hands over nothing; its requests are deferred.
- Island sites are served through their mainland port (``via_port`` in sites.csv): the
  van stops at the port inside the ferry's handover windows.
- Two modes. ``hub_and_spoke`` (the normal library practice): everything picked up goes to
  the hub for sorting and leaves on a later run, so a flow between two sites is a
  pickup at its origin today (its delivery is a later day's hub delivery). ``direct``: a
  flow between two sites is a shipment, picked up and delivered the same day by the
  same van (both sites must be open). Requests recorded by people (``recorded``: a
  school librarian's request, a consignment staff recorded) always travel the same day
  and keep their own task, ``request:<request_id>`` (`request_task_id`), so their status
  can follow the plan.
- Every task made from the demand model's flows, or from a return post whose state was
  estimated, is listed in ``meta["estimates"]`` with what it was estimated from; a date
  far from the demand figures adds a warning (`scenarios.figures.figures_warning`).
- Stop times: a site's own ``service_min`` once per stop plus ``handling_s_per_crate``
  per crate of each task.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from drops.rota import DuePost
from routing.matrix import geodesic_matrix
from routing.problem import Break, Problem, Site, Task, TaskKind, TimeWindow, Vehicle
from scenarios.day_types import DayError, DayNotes, DayOptions, Deferred, Mode
from scenarios.demand import (
    PURPOSE_JA,
    PURPOSE_SHORT,
    MaterialRequest,
    Purpose,
    is_school_run_day,
    site_closed_reason,
)
from scenarios.figures import check_date, figures_warning
from scenarios.network import Network, NetworkSite, SiteKind, VehicleSpec

__all__ = ["DayError", "DayNotes", "DayOptions", "Deferred", "Mode", "check_date",
           "problem_for_day", "request_task_id", "stop_site_id", "task_purpose"]

#: What the van does with a return post's contents, in the words of `PURPOSE_SHORT`.
POST_PURPOSE = ("ポスト", "return post")


@dataclass
class _TaskDraft:
    kind: TaskKind
    purpose: Purpose
    site_id: str = ""
    pickup_site_id: str = ""
    delivery_site_id: str = ""
    items: int = 0
    items_in_stated_crates: int = 0
    stated_crates: int = 0
    penalty: float | None = None
    notes: list[str] = field(default_factory=list)
    estimate: str = ""


def problem_for_day(
    network: Network,
    day: dt.date,
    requests: Sequence[MaterialRequest],
    due_posts: Sequence[DuePost],
    options: DayOptions | None = None,
) -> Problem:
    """Build the day's routing problem (see the module doc for the rules).

    Parameters
    ----------
    network
        The scenario (`scenarios.load_network`).
    day
        The date planned, from the scenario's first data day on
        (`scenarios.figures.check_date`).
    requests
        Items to move between sites: the demand model's flows
        (`scenarios.requests_for_day`) and requests recorded by people.
    due_posts
        Return posts to empty today (required) or if worth it (optional, with penalty).
    options
        Mode, number of vans, capacity and shift overrides.

    What people recorded (``MaterialRequest.recorded``) replaces the model's flows of the
    same purpose: when a consignment of reservations is recorded for the day, the
    estimated reservations are left out, and a note says so.

    Returns
    -------
    routing.Problem
        Tasks on open sites only, time windows from opening hours and ferry handovers, the
        scenario's vans; ``meta`` holds `DayNotes.to_meta()`: deferred requests with their
        reasons, sites not visited and why, and notes (e.g. "nothing can move").
    """
    options = options or DayOptions()
    check_date(network, day)
    hub = network.hub
    hub_reason = network.calendar_of(hub.site_id).closure_reason(day)
    per_crate = network.demand.items_per_crate
    drafts: dict[str, _TaskDraft] = {}
    deferred: list[Deferred] = []
    notes: list[str] = []

    requests, replaced = _recorded_replace_estimates(requests)
    if replaced:
        kinds = ", ".join(PURPOSE_JA[p] for p in replaced)
        notes.append(f"記録済み recorded consignments replace the estimate of the day's {kinds}")
    for request in requests:
        for name in ("from_site_id", "to_site_id"):
            site_id = getattr(request, name)
            if not network.has_site(site_id):
                raise DayError(f"request '{request.request_id}' field '{name}': unknown site "
                               f"{site_id!r} in scenario '{network.scenario_id}'")
        if hub_reason:
            deferred.append(Deferred(request.request_id, _far_end(network, request),
                                     f"中央館休館 hub closed: {hub_reason}", request.items))
            continue
        reason = _blocked(network, request, day, options.mode)
        if reason:
            site_id, why = reason
            deferred.append(Deferred(request.request_id, site_id, why, request.items))
            continue
        _add_request(network, drafts, request, options.mode)

    for post in due_posts:
        if not network.has_site(post.post_id):
            raise DayError(f"due post field 'post_id': unknown site {post.post_id!r} in "
                           f"scenario '{network.scenario_id}'")
        site = network.site(post.post_id)
        if site.kind is not SiteKind.RETURN_POST:
            raise DayError(f"due post field 'post_id': {post.post_id!r} is a "
                           f"{site.kind.value}, not a return_post")
        crates = max(1, math.ceil(post.expected_items / per_crate))
        draft = drafts.setdefault(f"empty:{site.site_id}", _TaskDraft(
            TaskKind.PICKUP, Purpose.RETURNS, site_id=site.site_id,
            penalty=None if post.required else post.penalty))
        draft.items += post.expected_items
        draft.stated_crates += crates
        draft.items_in_stated_crates += post.expected_items
        draft.notes.append(f"返却ポスト回収 empty the return post ({post.reason or 'due'})"
                           if post.required else
                           f"任意回収 optional: empty if passing ({post.reason or 'optional'})")
        draft.estimate = draft.estimate or post.estimate

    tasks = [_task(network, task_id, draft) for task_id, draft in sorted(drafts.items())]
    stop_ids = sorted({s for t in tasks for s in t.site_ids})
    sites = [_routing_site(network, hub, is_hub=True)]
    sites += [_routing_site(network, network.site(s)) for s in stop_ids if s != hub.site_id]
    vehicles = _vehicles(network, options)
    matrix = geodesic_matrix(sites, circuity=network.travel.circuity,
                             speed_kmh=network.travel.speed_kmh)
    school_run = is_school_run_day(network, day)
    if not tasks:
        if hub_reason:
            notes.append(f"今日は何も動かせません nothing can move on {day.isoformat()}: "
                         f"the hub is closed ({hub_reason}) and no return post is due")
        else:
            notes.append(f"今日の荷物なし nothing to move on {day.isoformat()}")
    elif hub_reason:
        notes.append(f"中央館休館 hub closed ({hub_reason}): only return posts are emptied; "
                     f"{len(deferred)} requests wait for the next open day")
    warning = figures_warning(network, day)
    day_notes = DayNotes(
        scenario_id=network.scenario_id,
        date=day,
        mode=options.mode,
        hub_open=hub_reason is None,
        school_run=school_run,
        deferred=tuple(deferred),
        not_visited=_not_visited(network, day, set(stop_ids), deferred, due_posts, school_run),
        notes=tuple(notes),
        estimates={task_id: draft.estimate for task_id, draft in sorted(drafts.items())
                   if draft.estimate},
        warnings=(warning,) if warning else (),
    )
    return Problem(tuple(sites), vehicles, tuple(tasks), matrix,
                   name=f"{network.scenario_id}-{day.isoformat()}", meta=day_notes.to_meta())


# --- helpers --------------------------------------------------------------------------------


def _recorded_replace_estimates(requests: Sequence[MaterialRequest]
                                ) -> tuple[list[MaterialRequest], list[Purpose]]:
    """The requests with every estimated flow of a purpose something was recorded for
    left out (what people recorded replaces the model's estimate of that kind), and the
    purposes whose estimates were dropped."""
    recorded = {r.purpose for r in requests if r.recorded}
    kept = [r for r in requests if r.recorded or r.purpose not in recorded]
    dropped = sorted({r.purpose for r in requests if not r.recorded and r.purpose in recorded})
    return kept, dropped


def stop_site_id(network: Network, site_id: str) -> str:
    """Where the van stops for a site: the site itself, or its mainland ferry port."""
    return network.site(site_id).via_port_id or site_id


def _far_end(network: Network, request: MaterialRequest) -> str:
    return request.to_site_id if request.from_site_id == network.hub_site_id \
        else request.from_site_id


def request_task_id(request_id: str) -> str:
    """The task id of a request recorded by people (``MaterialRequest.recorded``)."""
    return f"request:{request_id}"


def task_purpose(task_id: str) -> tuple[str, str] | None:
    """What a task of `problem_for_day` carries, as (Japanese, English) words:
    ``deliver:reservations:munakata-sue`` -> ``("予約", "reservations")``,
    ``empty:munakata-sunlive`` -> ``("ポスト", "return post")``; None for an id this
    module did not make."""
    if task_id.startswith("empty:"):
        return POST_PURPOSE
    if task_id.startswith(request_task_id("")):
        return PURPOSE_SHORT[Purpose.REQUEST]
    kind, _, rest = task_id.partition(":")
    purpose, _, _ = rest.partition(":")
    if kind in ("deliver", "pickup", "ship") and purpose in set(Purpose):
        return PURPOSE_SHORT[Purpose(purpose)]
    return None


def _mode_for(request: MaterialRequest, mode: Mode) -> Mode:
    """Requests recorded by people travel the same day (a shipment between two sites), so
    a school gets its materials on the run they are scheduled on; flows follow ``mode``."""
    return Mode.DIRECT if request.recorded else mode


def _blocked(network: Network, request: MaterialRequest, day: dt.date,
             mode: Mode) -> tuple[str, str] | None:
    """(site, reason) when a closed site stops the request today, else None."""
    mode = _mode_for(request, mode)
    hub_id = network.hub_site_id
    ends: list[str] = []
    if request.from_site_id != hub_id:
        ends.append(request.from_site_id)
    if request.to_site_id != hub_id and (mode is Mode.DIRECT or request.from_site_id == hub_id):
        ends.append(request.to_site_id)
    for site_id in ends:
        reason = site_closed_reason(network, site_id, day)
        if reason:
            return site_id, reason
    return None


def _add_request(network: Network, drafts: dict[str, _TaskDraft], request: MaterialRequest,
                 mode: Mode) -> None:
    hub_id = network.hub_site_id
    origin = stop_site_id(network, request.from_site_id)
    destination = stop_site_id(network, request.to_site_id)
    route_text = (f"{network.site(request.from_site_id).name_ja} → "
                  f"{network.site(request.to_site_id).name_ja}")
    mode = _mode_for(request, mode)
    if request.from_site_id == hub_id:
        key, draft = f"deliver:{request.purpose.value}:{destination}", _TaskDraft(
            TaskKind.DELIVERY, request.purpose, site_id=destination)
    elif request.to_site_id == hub_id or mode is Mode.HUB_AND_SPOKE:
        key, draft = f"pickup:{request.purpose.value}:{origin}", _TaskDraft(
            TaskKind.PICKUP, request.purpose, site_id=origin)
    elif origin == destination:
        # Two sites served through the same port: the crates never ride the van.
        return
    else:
        key, draft = f"ship:{request.purpose.value}:{origin}->{destination}", _TaskDraft(
            TaskKind.SHIPMENT, request.purpose, pickup_site_id=origin,
            delivery_site_id=destination)
    if request.recorded:
        # A recorded request keeps its own task, so its status can follow the plan.
        key = request_task_id(request.request_id)
        route_text = request.note or request.request_id
    draft = drafts.setdefault(key, draft)
    draft.estimate = draft.estimate or request.estimate
    draft.items += request.items
    if request.crates is not None:
        draft.stated_crates += request.crates
        draft.items_in_stated_crates += request.items
    draft.notes.append(f"{route_text} {request.items}冊")


def _task(network: Network, task_id: str, draft: _TaskDraft) -> Task:
    loose_items = draft.items - draft.items_in_stated_crates
    crates = draft.stated_crates + math.ceil(loose_items / network.demand.items_per_crate)
    crates = max(crates, 1 if draft.items else 0)
    purpose = PURPOSE_JA[draft.purpose]
    if draft.kind is TaskKind.SHIPMENT:
        where = (f"{network.site(draft.pickup_site_id).name_ja} → "
                 f"{network.site(draft.delivery_site_id).name_ja}")
    elif draft.kind is TaskKind.DELIVERY:
        where = f"{network.hub.name_ja} → {network.site(draft.site_id).name_ja}"
    else:
        where = f"{network.site(draft.site_id).name_ja} → {network.hub.name_ja}"
    # The items and, for a bundle, how many requests it holds: one line per task on the
    # driver's sheet (the requests themselves are in the problem's meta and the store).
    if task_id.startswith("request:"):
        detail = draft.notes[0]  # what was asked for, with its items
    elif task_id.startswith("empty:"):
        # Why the post is due; and how many items.
        detail = f"{draft.notes[0]}; {draft.items}冊"
    elif len(draft.notes) == 1:
        detail = f"{draft.items}冊"
    else:
        detail = f"{draft.items}冊, {len(draft.notes)} 件 requests"
    return Task(
        task_id=task_id,
        kind=draft.kind,
        site_id=draft.site_id,
        pickup_site_id=draft.pickup_site_id,
        delivery_site_id=draft.delivery_site_id,
        amount={"crates": crates, "items": draft.items},
        service_s=network.demand.handling_s_per_crate * crates,
        penalty=draft.penalty,
        note=f"{purpose}: {where} ({detail})",
    )


def _routing_site(network: Network, site: NetworkSite, *, is_hub: bool = False) -> Site:
    windows: tuple[TimeWindow, ...] = ()
    if not is_hub:
        ferry = network.ferry_at(site.site_id)
        if ferry is not None:
            windows = tuple(TimeWindow(a, b) for a, b in ferry.handover_windows_s())
        else:
            windows = tuple(TimeWindow(a, b) for a, b in site.hours_s)
    return Site(site.site_id, lat=site.lat, lon=site.lon, service_s=site.service_s,
                time_windows=windows, name=site.name_ja)


def _vehicles(network: Network, options: DayOptions) -> tuple[Vehicle, ...]:
    specs: Sequence[VehicleSpec] = network.vehicles
    if options.vehicle_count is not None:
        if options.vehicle_count > len(specs):
            raise DayError(f"option 'vehicle_count': scenario '{network.scenario_id}' has "
                           f"{len(specs)} vans, got {options.vehicle_count}")
        specs = specs[:options.vehicle_count]
    vans = []
    for spec in specs:
        capacity = dict(spec.capacity)
        if options.capacity_crates is not None:
            ratio = capacity.get("items", 0) / max(1, capacity.get("crates", 1))
            capacity["crates"] = options.capacity_crates
            if "items" in capacity:
                capacity["items"] = round(options.capacity_crates * ratio)
        shift_start_s, shift_end_s = options.shift_s or (spec.shift_start_s, spec.shift_end_s)
        lunch = None
        if spec.lunch_duration_s:
            earliest = max(spec.lunch_earliest_start_s, shift_start_s)
            latest = min(spec.lunch_latest_start_s, shift_end_s - spec.lunch_duration_s)
            if earliest <= latest:
                lunch = Break(earliest, latest, spec.lunch_duration_s)
        vans.append(Vehicle(
            spec.vehicle_id, start_site_id=network.hub_site_id, shift_start_s=shift_start_s,
            shift_end_s=shift_end_s, max_working_s=spec.max_working_s, lunch_break=lunch,
            capacity=capacity, cost_per_km=spec.cost_per_km, fixed_cost=spec.fixed_cost))
    return tuple(vans)


def _not_visited(network: Network, day: dt.date, stop_ids: set[str],
                 deferred: Sequence[Deferred], due_posts: Sequence[DuePost],
                 school_run: bool) -> dict[str, str]:
    """Every site of the network no van stops at today, with the reason."""
    deferred_reason: dict[str, str] = {}
    for item in deferred:
        deferred_reason.setdefault(item.site_id, item.reason)
    due = {p.post_id for p in due_posts}
    result: dict[str, str] = {}
    ports_in_use = stop_ids
    for site in network.sites:
        if site.site_id == network.hub_site_id or site.site_id in stop_ids:
            continue
        if site.kind is SiteKind.PORT and not network.ferry_at(site.site_id):
            continue  # an island-side landing: the van never goes there
        if site.via_port_id and site.via_port_id in ports_in_use:
            port = network.site(site.via_port_id)
            result[site.site_id] = f"フェリー便 by ferry through {port.name_ja}"
            continue
        if site.site_id in deferred_reason:
            result[site.site_id] = deferred_reason[site.site_id]
            continue
        closure = network.calendar_of(site.site_id).closure_reason(day)
        if closure:
            result[site.site_id] = f"休館 closed: {closure}"
        elif site.kind is SiteKind.RETURN_POST:
            result[site.site_id] = ("回収不要 not due today" if site.site_id not in due
                                    else "回収予定 due")
        elif site.kind is SiteKind.SCHOOL and not school_run:
            result[site.site_id] = "学校便なし no school run today"
        elif site.run_weekdays and day.weekday() not in site.run_weekdays:
            result[site.site_id] = "運行日以外 not a run day for this site"
        else:
            result[site.site_id] = "今日の荷物なし nothing to move today"
    return result
