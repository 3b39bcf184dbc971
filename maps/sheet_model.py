"""The route sheet's content as plain data, before any HTML: per van, what to load at the
hub grouped by the stop it is for, and per stop what comes off and goes on the van, in
crates and in items by purpose, with the done state the driver recorded.

`van_sheets(doc)` is pure and is what ``maps/templates/sheet.html.j2`` lays out
(`maps.sheet.render_sheet`). Quantities stay numbers here; the template formats them.

Counting: the first capacity dimension of the problem is the headline count (crates on
the bookrun scenarios: what a driver lifts), the second one (items) the detail per
purpose; a problem with a single dimension shows it in both places.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from maps._common import (
    ACTION_LABELS,
    LOADING_ACTIONS,
    UNLOADING_ACTIONS,
    date_ja,
    dimension_label,
    hhmm,
    used_routes,
    whole_minutes,
)
from maps.document import PlanDocument, StopDone, TaskLabel
from routing.result import Route, Visit, VisitKind


@dataclass(frozen=True)
class Part:
    """One purpose's share of what moves: ``detail`` in the detail dimension (items),
    ``towards`` the stop number a shipment picked up here is delivered at (0: none)."""

    purpose_ja: str
    detail: int
    marks: tuple[str, ...] = ()
    towards: int = 0


@dataclass(frozen=True)
class Goods:
    """What moves one way at one place: ``headline`` in the first dimension (crates),
    ``detail`` in the second (items), and the parts by purpose in first-seen order."""

    headline: int
    detail: int
    parts: tuple[Part, ...]

    def __bool__(self) -> bool:
        return bool(self.headline or self.detail or self.parts)


@dataclass(frozen=True)
class LoadLine:
    """What to load at the hub for one stop: "for stop 3: 2 crates — 予約 38, 返却 156"."""

    stop: int
    site_id: str
    short_name: str
    goods: Goods


@dataclass(frozen=True)
class StopLine:
    """One visit of the van's day. ``number`` is 0 at the hub start, 1, 2, ... for the
    stops, and the last number at the hub end (``kind`` start/stop/end)."""

    number: int
    kind: str
    site_id: str
    short_name: str
    name_ja: str
    address_ja: str
    arrival: str
    departure: str
    off: Goods
    on: Goods
    on_board: int
    notes: tuple[str, ...]
    done: StopDone | None


@dataclass(frozen=True)
class VanSheet:
    """One van's pages."""

    vehicle_id: str
    date_text: str
    start: str
    end: str
    distance_km: float
    stop_count: int
    done_count: int
    lunch: str
    lunch_after: int  # the break row comes after the line with this number
    loads: tuple[LoadLine, ...]
    load_total: Goods
    lines: tuple[StopLine, ...]


@dataclass(frozen=True)
class Units:
    """The counters of the headline and the detail dimensions: ``("箱", "crates")``."""

    headline: tuple[str, str]
    detail: tuple[str, str]
    headline_dim: str
    detail_dim: str


def units(doc: PlanDocument) -> Units:
    """The headline and detail dimensions of the document's problem and their words."""
    dims = doc.problem.capacity_dimensions or ("crates",)
    first, second = dims[0], dims[1] if len(dims) > 1 else dims[0]

    def words(dim: str) -> tuple[str, str]:
        ja, _, en = dimension_label(dim).partition(" ")
        return (ja, en) if en else (dim, dim)

    return Units(words(first), words(second), first, second)


def purposes_used(doc: PlanDocument) -> tuple[tuple[str, str], ...]:
    """The (Japanese, English) purpose words of the tasks on the routes, for the legend."""
    seen: dict[str, str] = {}
    for route in used_routes(doc.plan):
        for visit in route.visits:
            for action in visit.actions:
                label = task_label(doc, action.task_id)
                seen.setdefault(label.purpose_ja, label.purpose_en)
    return tuple(seen.items())


#: A Japanese address's prefecture and municipality: ``岩手県一関市`` of ``岩手県一関市大手町2-46``.
_MUNICIPALITY = re.compile(r"^(.{2,3}?[都道府県].+?[市区町村])")


def address_prefix(doc: PlanDocument) -> str:
    """The prefecture and municipality every stop's address starts with (``福岡県宗像市``),
    said once at the top of the sheet instead of on every row; ``""`` when they differ."""
    prefixes = set()
    for route in used_routes(doc.plan):
        for visit in route.stops:
            match = _MUNICIPALITY.match(doc.label(visit.site_id).address_ja)
            prefixes.add(match.group(1) if match else "")
    return prefixes.pop() if len(prefixes) == 1 else ""


def van_sheets(doc: PlanDocument) -> tuple[VanSheet, ...]:
    """One `VanSheet` per used route, in plan order (addresses without `address_prefix`)."""
    prefix = address_prefix(doc)
    return tuple(_van_sheet(doc, route, prefix) for route in used_routes(doc.plan))


def task_label(doc: PlanDocument, task_id: str) -> TaskLabel:
    """The task's label; a task without one is named by its kind."""
    if task_id in doc.task_labels:
        return doc.task_labels[task_id]
    kind = doc.problem.task(task_id).kind.value
    return TaskLabel(kind, kind)


def _goods(doc: PlanDocument, task_ids: list[str],
           towards: Mapping[str, int] | None = None) -> Goods:
    """The tasks' amounts summed, and per purpose (and destination stop) in order."""
    u = units(doc)
    details: dict[tuple[str, int], int] = {}
    marks: dict[tuple[str, int], dict[str, None]] = {}
    for task_id in task_ids:
        label = task_label(doc, task_id)
        key = (label.purpose_ja, (towards or {}).get(task_id, 0))
        details[key] = details.get(key, 0) + doc.problem.task(task_id).amount.get(
            u.detail_dim, 0)
        marks.setdefault(key, {}).update(dict.fromkeys(label.marks))
    amounts = [doc.problem.task(t).amount for t in task_ids]
    return Goods(sum(a.get(u.headline_dim, 0) for a in amounts),
                 sum(a.get(u.detail_dim, 0) for a in amounts),
                 tuple(Part(purpose, value, tuple(marks[(purpose, stop)]), stop)
                       for (purpose, stop), value in details.items()))


def _van_sheet(doc: PlanDocument, route: Route, prefix: str) -> VanSheet:
    visits = route.visits
    # Where each task's goods come off this van: the stop number of its delivery.
    delivered_at = {a.task_id: number for number, v in enumerate(visits) for a in v.actions
                    if a.kind in UNLOADING_ACTIONS}
    loads = []
    start = visits[0]
    loaded = [a.task_id for a in start.actions if a.kind in LOADING_ACTIONS]
    by_stop: dict[int, list[str]] = {}
    for task_id in loaded:
        by_stop.setdefault(delivered_at.get(task_id, len(visits) - 1), []).append(task_id)
    for stop in sorted(by_stop):
        site_id = visits[stop].site_id
        loads.append(LoadLine(stop, site_id, doc.label(site_id).short,
                              _goods(doc, by_stop[stop])))
    lines = tuple(_stop_line(doc, route, number, delivered_at, prefix)
                  for number in range(len(visits)))
    brk = route.lunch_break
    lunch = (f"{hhmm(brk.start_s)}–{hhmm(brk.start_s + brk.duration_s)} "
             f"({brk.duration_s // 60} 分 min)" if brk else "")
    lunch_after = len(visits) - 1
    if brk is not None:
        lunch_after = next((n - 1 for n, v in enumerate(visits)
                            if v.kind is not VisitKind.START and brk.start_s < v.start_s),
                           len(visits) - 1)
    return VanSheet(
        vehicle_id=route.vehicle_id, date_text=date_ja(doc.date), start=hhmm(route.start_s),
        end=hhmm(route.end_s), distance_km=route.distance_m / 1000,
        stop_count=len(route.stops),
        done_count=sum(1 for line in lines if line.kind == "stop" and line.done),
        lunch=lunch, lunch_after=lunch_after, loads=tuple(loads),
        load_total=_goods(doc, loaded), lines=lines)


def _stop_line(doc: PlanDocument, route: Route, number: int,
               delivered_at: Mapping[str, int], prefix: str) -> StopLine:
    visit = route.visits[number]
    label = doc.label(visit.site_id)
    off = [a.task_id for a in visit.actions if a.kind in UNLOADING_ACTIONS]
    on = [a.task_id for a in visit.actions if a.kind in LOADING_ACTIONS]
    # A shipment picked up here says at which stop it comes off again.
    towards = {t: delivered_at[t] for t in on if visit.kind is VisitKind.STOP
               and t in delivered_at and delivered_at[t] != len(route.visits) - 1}
    u = units(doc)
    return StopLine(
        number=number, kind=visit.kind.value, site_id=visit.site_id,
        short_name=label.short, name_ja=label.name_ja,
        address_ja=label.address_ja.removeprefix(prefix),
        arrival=hhmm(visit.arrival_s),
        departure="" if visit.kind is VisitKind.END else hhmm(visit.departure_s),
        off=_goods(doc, off), on=_goods(doc, on, towards),
        on_board=visit.load_after.get(u.headline_dim, 0),
        notes=_notes(doc, route, number) if visit.kind is VisitKind.STOP else (),
        done=doc.done(route.vehicle_id, number) if visit.kind is VisitKind.STOP else None)


def _notes(doc: PlanDocument, route: Route, number: int) -> tuple[str, ...]:
    """Opening hours, waiting, and slack before the stop (time the plan leaves free)."""
    visit, previous = route.visits[number], route.visits[number - 1]
    notes = []
    windows = doc.problem.site(visit.site_id).time_windows
    if windows:
        notes.append("受付 open " + ", ".join(f"{hhmm(w.start_s)}–{hhmm(w.end_s)}"
                                              for w in windows))
    if visit.waiting_s:
        notes.append(f"待機 wait {whole_minutes(visit.waiting_s)} 分 → {hhmm(visit.start_s)}")
    slack_s = _slack_s(doc, route, previous, visit)
    if slack_s >= 60:
        notes.append(f"余裕 slack {whole_minutes(slack_s)} 分")
    other = [f"{ACTION_LABELS[a.kind][0]} {ACTION_LABELS[a.kind][1]}"
             for a in visit.actions if a.kind.value == "visit"]
    notes.extend(other)
    # Recorded goods by name: which crate is the consignment, which the school's request.
    for action in visit.actions:
        reference = task_label(doc, action.task_id).reference
        if reference:
            notes.append(f"{ACTION_LABELS[action.kind][0]} {reference}")
    return tuple(notes)


def _slack_s(doc: PlanDocument, route: Route, previous: Visit, visit: Visit) -> int:
    """Time between two visits that is neither driving nor the break: the plan lets the
    van leave later or drive slower (it is not ``waiting_s``, which is spent on site)."""
    travel_s = doc.problem.matrix.duration(previous.site_id, visit.site_id)
    gap_s = visit.arrival_s - previous.departure_s - travel_s
    brk = route.lunch_break
    if brk is not None and previous.departure_s <= brk.start_s < visit.arrival_s:
        gap_s -= brk.duration_s
    return max(gap_s, 0)
