"""What the renderers need besides the `Plan`: who the sites are, what each task carries,
what was left out and what is already done.

`maps/` renders a solved day for people: the Folium map, the printable route sheet, the
stops CSV and the GeoJSON. A `routing.Plan` knows only ids and numbers; a
`PlanDocument` adds the human side (Japanese and English names, short names, addresses,
the kind of site), what each task carries in words (reservations, returns, ...) with any
marks to show beside it, the sites that are not on any route with the reason why (closed
today, served through a ferry port, an optional return post not worth the detour), and
the stops the driver has marked done with what was actually moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from routing.problem import Problem
from routing.result import Plan


@dataclass(frozen=True)
class SiteLabel:
    """A site as people know it. ``kind`` is one of the scenario kinds: ``library`` (the
    hub), ``branch``, ``annex``, ``service_point``, ``return_post``, ``school``, ``port``.
    ``accuracy_m`` is the stated error radius of the coordinates (None when unknown).
    ``short_name`` is what the sheet's rows and the map's tooltips call the site; empty, it
    is ``name_ja`` (`short`)."""

    site_id: str
    name_ja: str
    lat: float
    lon: float
    name_en: str = ""
    address_ja: str = ""
    kind: str = ""
    accuracy_m: int | None = None
    short_name: str = ""

    @property
    def short(self) -> str:
        """The short name, or the Japanese name when there is none."""
        return self.short_name or self.name_ja


@dataclass(frozen=True)
class TaskLabel:
    """What a task carries, in a word people use: ``purpose_ja`` ``予約`` and
    ``purpose_en`` ``reservations``. ``marks`` are short labels shown beside the task
    wherever it appears (e.g. ``推計`` for a quantity that is an estimate; what a mark means is
    said once, in `PlanDocument.mark_meanings`). ``reference`` is what identifies the task's
    goods to the driver (a recorded consignment's reference, a school request's topic),
    listed at the stops where they are loaded or unloaded."""

    purpose_ja: str
    purpose_en: str = ""
    marks: tuple[str, ...] = ()
    reference: str = ""


@dataclass(frozen=True)
class StopDone:
    """A stop the driver marked done: ``stop`` counts as on the sheet (1 = the first stop
    after the hub). ``actual`` holds what was really moved there per capacity dimension
    (``{"crates": 2, "items": 150}``; empty when not recorded)."""

    vehicle_id: str
    stop: int
    done_at: dt.datetime | None = None
    actual: Mapping[str, int] = field(default_factory=dict)
    note: str = ""
    by: str = ""


@dataclass(frozen=True)
class NotVisited:
    """A site no van stops at on this day, and why (Japanese first, English after)."""

    site_id: str
    reason: str


@dataclass(frozen=True)
class PlanDocument:
    """A solved day with everything a map, a sheet or a GeoJSON file shows.

    ``sites`` holds a label for every site of ``problem`` and for every site of
    ``not_visited``; ``hub_site_id`` is the depot the vans start and end at;
    ``task_labels`` says what tasks carry (a task without one is named by its kind) and
    the marks shown beside them (e.g. ``推計`` for a task estimated rather than recorded);
    ``mark_meanings`` says once what each mark means (``推計`` -> ``estimate: FY2023 annual
    figures``); ``stops_done`` lists the stops marked done so far;
    ``warnings`` are shown before everything else on the sheet and in the map's legend.
    """

    title: str
    date: dt.date
    problem: Problem
    plan: Plan
    sites: Mapping[str, SiteLabel]
    hub_site_id: str
    not_visited: tuple[NotVisited, ...] = ()
    notes: tuple[str, ...] = field(default=())
    task_labels: Mapping[str, TaskLabel] = field(default_factory=dict)
    stops_done: tuple[StopDone, ...] = ()
    warnings: tuple[str, ...] = ()
    mark_meanings: Mapping[str, str] = field(default_factory=dict)

    def label(self, site_id: str) -> SiteLabel:
        """The label of a site; a bare label from the problem when none was given."""
        if site_id in self.sites:
            return self.sites[site_id]
        site = self.problem.site(site_id)
        return SiteLabel(site_id, name_ja=site.name or site_id, lat=site.lat, lon=site.lon)

    def done(self, vehicle_id: str, stop: int) -> StopDone | None:
        """The stop's done record, if the driver marked it."""
        return next((d for d in self.stops_done
                     if d.vehicle_id == vehicle_id and d.stop == stop), None)
