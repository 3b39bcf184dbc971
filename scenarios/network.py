"""A library network as plain data: sites, calendars, vans, ferries, the travel model and
the demand figures. `scenarios.loader` builds it from a scenario folder; the day assembly
(`scenarios.day`) reads it. Times are seconds from local midnight (Asia/Tokyo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from scenarios.calendar import EVERY_DAY, CalendarRules


class SiteKind(StrEnum):
    LIBRARY = "library"  # the central library: the hub every van starts and ends at
    BRANCH = "branch"
    ANNEX = "annex"
    SERVICE_POINT = "service_point"  # returns and reserved-book pickup, no stock of its own
    RETURN_POST = "return_post"  # a book drop (返却ポスト)
    SCHOOL = "school"
    PORT = "port"  # a ferry terminal where island crates are handed over


#: Kinds that hold or hand out library stock: reservations and returns move between them.
LENDING_KINDS = frozenset({SiteKind.LIBRARY, SiteKind.BRANCH, SiteKind.ANNEX,
                           SiteKind.SERVICE_POINT})


@dataclass(frozen=True)
class NetworkSite:
    """One row of a scenario's ``sites.csv``.

    ``hours_s`` are the opening intervals (empty = any time in the van's shift);
    ``via_port_id`` names the mainland port through which an island site is served (its
    crates cross on the ferry, the van stops at the port); ``run_weekdays`` limits the days
    the van serves the site (empty = every day it is open); ``post_capacity_items`` is the
    capacity of a return post and ``post_max_interval_days`` the longest it may go without
    being emptied. ``short_name`` is what the driver's sheet and the map's markers call the
    site (``赤間駅ポスト`` for ``JR赤間駅 返却ポスト``); empty in a file, it is ``name_ja``.
    """

    site_id: str
    kind: SiteKind
    name_ja: str
    lat: float
    lon: float
    calendar_id: str
    name_en: str = ""
    short_name: str = ""
    address_ja: str = ""
    source: str = ""
    accuracy_m: int | None = None
    hours_s: tuple[tuple[int, int], ...] = ()
    service_s: int = 300
    via_port_id: str = ""
    run_weekdays: frozenset[int] = frozenset()
    post_capacity_items: int | None = None
    post_max_interval_days: int | None = None


@dataclass(frozen=True)
class Ferry:
    """A ferry line serving islands from a mainland port. Crates for the island are
    handed over at ``mainland_port_id`` between ``handover_earliest_before_s`` and
    ``handover_latest_before_s`` before one of the ``departures_s``."""

    ferry_id: str
    name_ja: str
    mainland_port_id: str
    island_port_id: str
    departures_s: tuple[int, ...]
    handover_earliest_before_s: int
    handover_latest_before_s: int
    crossing_s: int
    source: str = ""

    def handover_windows_s(self) -> tuple[tuple[int, int], ...]:
        windows = [(max(0, d - self.handover_earliest_before_s),
                    d - self.handover_latest_before_s) for d in sorted(self.departures_s)]
        merged: list[tuple[int, int]] = []
        for start_s, end_s in windows:
            if merged and start_s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end_s))
            else:
                merged.append((start_s, end_s))
        return tuple(merged)


@dataclass(frozen=True)
class VehicleSpec:
    vehicle_id: str
    shift_start_s: int
    shift_end_s: int
    lunch_earliest_start_s: int
    lunch_latest_start_s: int
    lunch_duration_s: int
    capacity: Mapping[str, int]
    cost_per_km: float = 1.0
    fixed_cost: float = 0.0
    max_working_s: int | None = None


@dataclass(frozen=True)
class TravelModel:
    circuity: float = 1.3
    speed_kmh: float = 30.0
    source: str = ""


@dataclass(frozen=True)
class SchoolRuns:
    """The school material loan system's van round (資料貸借システム)."""

    weekday: int | None  # the usual run day; None: each school on its own run_weekdays
    fallback_weekdays: tuple[int, ...]  # tried in order, same week, when the usual day is out
    runs_per_year: int
    calendar_id: str  # the calendar that says when schools are in session
    consignments_delivered_per_year: int
    consignments_collected_per_year: int
    school_to_school_per_year: int
    items_per_consignment: int
    source: str = ""


@dataclass(frozen=True)
class Demand:
    """Annual figures the daily flows are derived from (see `scenarios.demand`)."""

    fiscal_year: int
    items_per_crate: int
    handling_s_per_crate: int
    open_days: Mapping[str, int]
    holdings_items: Mapping[str, int]
    loans_items: Mapping[str, int]
    reservations_items: Mapping[str, int]  # by pickup site
    pupils: Mapping[str, int]  # by school: weights the school-run consignments
    post_items_by_month: Mapping[str, Mapping[tuple[int, int], int]]  # post -> (y, m) -> items
    post_collections_by_month: Mapping[str, Mapping[tuple[int, int], int]]
    post_annual: Mapping[str, tuple[int, int]]  # posts with annual figures only: items, visits
    school_runs: SchoolRuns | None = None
    island_items_by_month: Mapping[str, Mapping[tuple[int, int], int]] = field(
        default_factory=dict)
    provenance: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Network:
    scenario_id: str
    name_ja: str
    name_en: str
    hub_site_id: str
    sites: tuple[NetworkSite, ...]
    calendars: Mapping[str, CalendarRules]
    vehicles: tuple[VehicleSpec, ...]
    demand: Demand
    travel: TravelModel = TravelModel()
    ferries: tuple[Ferry, ...] = ()
    assumptions: tuple[str, ...] = ()
    data_range: tuple[dt.date, dt.date] | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({s.site_id: s for s in self.sites}))

    def site(self, site_id: str) -> NetworkSite:
        by_id: Mapping[str, NetworkSite] = self._by_id  # type: ignore[attr-defined]
        return by_id[site_id]

    def has_site(self, site_id: str) -> bool:
        return site_id in self._by_id  # type: ignore[attr-defined]

    @property
    def hub(self) -> NetworkSite:
        return self.site(self.hub_site_id)

    def calendar_of(self, site_id: str) -> CalendarRules:
        return self.calendars.get(self.site(site_id).calendar_id, EVERY_DAY)

    def sites_of_kind(self, *kinds: SiteKind) -> tuple[NetworkSite, ...]:
        return tuple(s for s in self.sites if s.kind in kinds)

    def ferry_at(self, port_site_id: str) -> Ferry | None:
        return next((f for f in self.ferries if f.mainland_port_id == port_site_id), None)
