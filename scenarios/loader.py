"""Read a scenario folder (``scenario.yaml`` + CSV files) into a `scenarios.network.Network`.

The files are read by `scenarios.folder`, the values parsed by `scenarios.parsers`, the
demand section by `scenarios.demand_files`; this module checks the other sections and
builds the network. Every problem is reported as a `ScenarioError` naming the file, the
row (for CSV) or the key path (for YAML), the field and the value: unknown site ids,
latitudes out of range, closing before opening, negative capacities, duplicate ids. The
folder layout and every field are described in ``scenarios/README.md``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from scenarios.calendar import CalendarRules, weekday_index
from scenarios.demand_files import read_demand
from scenarios.folder import ScenarioError, ScenarioFolder
from scenarios.network import (
    Ferry,
    Network,
    NetworkSite,
    SiteKind,
    TravelModel,
    VehicleSpec,
)
from scenarios.parsers import (
    parse_capacity,
    parse_clock_s,
    parse_coordinate,
    parse_date,
    parse_hours_s,
    parse_interval_s,
    parse_minutes_s,
    parse_non_negative_float,
    parse_non_negative_int,
    parse_nonempty,
    parse_period,
    parse_positive_int,
    parse_site_kind,
    parse_weekdays,
)

__all__ = ["BUNDLED_SCENARIOS", "ScenarioError", "load_network", "scenario_dir"]

#: Scenarios shipped inside the package (``scenarios/<name>/scenario.yaml``).
BUNDLED_SCENARIOS = ("munakata", "ichinoseki")

SITE_COLUMNS = ("id", "kind", "name_ja", "lat", "lon", "calendar")

T = TypeVar("T")


def scenario_dir(name_or_path: str | Path) -> Path:
    """The folder of a bundled scenario (``munakata``) or a path to a scenario folder."""
    text = str(name_or_path)
    if text in BUNDLED_SCENARIOS:
        return Path(str(resources.files("scenarios").joinpath(text)))
    path = Path(text)
    if path.is_file() and path.name == "scenario.yaml":
        path = path.parent
    if not (path / "scenario.yaml").is_file():
        known = ", ".join(BUNDLED_SCENARIOS)
        raise ScenarioError(f"scenario {text!r}: not a bundled scenario ({known}) and no "
                            f"scenario.yaml in that folder")
    return path


def load_network(name_or_path: str | Path) -> Network:
    """Load and validate a scenario: a bundled name or a folder holding ``scenario.yaml``."""
    folder = scenario_dir(name_or_path)
    return _Loader(folder).load()


# --- small parsers -------------------------------------------------------------------------

# --- the loader ----------------------------------------------------------------------------


@dataclass
class _Loader(ScenarioFolder):
    """Reads and checks the sections of ``scenario.yaml`` and the sites file."""

    def load(self) -> Network:
        doc = self.read_yaml()
        where = self.where("scenario.yaml")
        scenario_id = self._str(doc, "scenario", where)
        calendars = self._calendars(doc.get("calendars") or {})
        sites = self._sites(self._str(doc, "sites_file", where, default="sites.csv"), calendars)
        by_id = {s.site_id: s for s in sites}
        hub_site_id = self._str(doc, "hub", where)
        if hub_site_id not in by_id:
            raise ScenarioError(f"{where} field 'hub': unknown site id {hub_site_id!r}")
        for site in sites:
            if site.via_port_id and (site.via_port_id not in by_id
                                     or by_id[site.via_port_id].kind is not SiteKind.PORT):
                raise ScenarioError(f"{self.where(self._sites_file)} site '{site.site_id}' "
                                    f"field 'via_port': {site.via_port_id!r} is not a port "
                                    f"site of this scenario")
        ferries = self._ferries(doc.get("ferries") or [], by_id)
        vehicles = self._vehicles(doc.get("vehicles") or {}, hub_site_id)
        demand = read_demand(self, doc.get("demand") or {}, by_id, calendars)
        travel = self._travel(doc.get("travel") or {})
        data_range = None
        if "data_range" in doc:
            data_range = self._date_range(doc["data_range"], "data_range")
        assumptions = tuple(str(a) for a in (doc.get("assumptions") or []))
        return Network(
            scenario_id=scenario_id,
            name_ja=str(doc.get("name_ja", scenario_id)),
            name_en=str(doc.get("name_en", "")),
            hub_site_id=hub_site_id,
            sites=tuple(sites),
            calendars=calendars,
            vehicles=vehicles,
            demand=demand,
            travel=travel,
            ferries=ferries,
            assumptions=assumptions,
            data_range=data_range,
            meta={"folder": str(self.folder)},
        )

    # -- files --

    # -- sites --

    _sites_file = "sites.csv"

    def _sites(self, filename: str, calendars: Mapping[str, CalendarRules]) -> list[NetworkSite]:
        self._sites_file = filename
        sites: list[NetworkSite] = []
        seen: set[str] = set()
        short_names: dict[str, str] = {}  # short name -> the site that has it
        for row_no, row in self.read_csv(filename, SITE_COLUMNS):
            where = f"{self.where(filename)} row {row_no}"

            def field(name: str, parse: Callable[[str], T], row: dict[str, str] = row,
                      where: str = where) -> T:
                try:
                    return parse(row.get(name, ""))
                except ValueError as exc:
                    raise ScenarioError(f"{where} field '{name}': {exc}") from None

            site_id = field("id", parse_nonempty)
            if site_id in seen:
                raise ScenarioError(f"{where} field 'id': duplicate id {site_id!r}")
            seen.add(site_id)
            kind = field("kind", parse_site_kind)
            calendar_id = field("calendar", parse_nonempty)
            if calendar_id not in calendars and calendar_id != "every_day":
                raise ScenarioError(f"{where} field 'calendar': unknown calendar "
                                    f"{calendar_id!r} (defined: {sorted(calendars)})")
            accuracy = row.get("accuracy_m", "")
            name_ja = field("name_ja", parse_nonempty)
            short_name = row.get("short_name", "") or name_ja
            if short_name in short_names:
                raise ScenarioError(f"{where} field 'short_name': {short_name!r} is already the "
                                    f"short name of site {short_names[short_name]!r} (a driver "
                                    f"must tell the stops apart)")
            short_names[short_name] = site_id
            sites.append(NetworkSite(
                site_id=site_id,
                kind=kind,
                name_ja=name_ja,
                name_en=row.get("name_en", ""),
                short_name=short_name,
                address_ja=row.get("address_ja", ""),
                lat=field("lat", lambda v: parse_coordinate(v, 90.0)),
                lon=field("lon", lambda v: parse_coordinate(v, 180.0)),
                source=row.get("source", ""),
                accuracy_m=field("accuracy_m", parse_non_negative_int) if accuracy else None,
                calendar_id=calendar_id,
                hours_s=field("hours", parse_hours_s),
                service_s=field("service_min", lambda v: parse_minutes_s(v, default=5)),
                via_port_id=row.get("via_port", ""),
                run_weekdays=field("run_weekdays", parse_weekdays),
                post_capacity_items=(field("post_capacity_items", parse_positive_int)
                                     if row.get("post_capacity_items") else None),
                post_max_interval_days=(field("post_max_interval_days", parse_positive_int)
                                        if row.get("post_max_interval_days") else None),
            ))
        if not sites:
            raise ScenarioError(f"{self.where(filename)}: no sites")
        return sites

    # -- calendars --

    def _calendars(self, raw: Any) -> dict[str, CalendarRules]:
        where = self.where("scenario.yaml")
        if not isinstance(raw, dict):
            raise ScenarioError(f"{where} field 'calendars': must be a mapping, got {raw!r}")
        calendars: dict[str, CalendarRules] = {}
        for calendar_id, spec in raw.items():
            path = f"calendars.{calendar_id}"
            if not isinstance(spec, dict):
                raise ScenarioError(f"{where} field '{path}': must be a mapping, got {spec!r}")
            known = {"closed_weekdays", "holiday_shift", "closed_on_holidays",
                     "closed_last_weekdays", "closed_periods", "closed_first_weekend",
                     "closed_dates", "open_dates", "source"}
            unknown = sorted(set(spec) - known)
            if unknown:
                raise ScenarioError(f"{where} field '{path}': unknown keys {unknown} "
                                    f"(known: {sorted(known)})")
            try:
                rules = CalendarRules(
                    calendar_id=str(calendar_id),
                    closed_weekdays=frozenset(
                        weekday_index(d) for d in spec.get("closed_weekdays") or []),
                    holiday_shift=bool(spec.get("holiday_shift", False)),
                    closed_on_holidays=bool(spec.get("closed_on_holidays", False)),
                    closed_last_weekdays=frozenset(
                        weekday_index(d) for d in spec.get("closed_last_weekdays") or []),
                    closed_periods=tuple(
                        parse_period(p) for p in spec.get("closed_periods") or []),
                    closed_first_weekend=bool(spec.get("closed_first_weekend", False)),
                    closed_dates=frozenset(parse_date(d) for d in spec.get("closed_dates") or []),
                    open_dates=frozenset(parse_date(d) for d in spec.get("open_dates") or []),
                    source=str(spec.get("source", "")),
                )
            except (ValueError, TypeError) as exc:
                raise ScenarioError(f"{where} field '{path}': {exc}") from None
            calendars[str(calendar_id)] = rules
        return calendars

    # -- vans, ferries, travel --

    def _vehicles(self, raw: Any, hub_site_id: str) -> tuple[VehicleSpec, ...]:
        where = self.where("scenario.yaml")
        if not isinstance(raw, dict) or not raw.get("ids"):
            raise ScenarioError(f"{where} field 'vehicles': needs 'ids' (a list of van ids) "
                                f"and 'defaults', got {raw!r}")
        defaults = raw.get("defaults") or {}
        overrides = raw.get("overrides") or {}
        vans: list[VehicleSpec] = []
        ids = [str(v) for v in raw["ids"]]
        if len(set(ids)) != len(ids):
            dup = sorted({v for v in ids if ids.count(v) > 1})
            raise ScenarioError(f"{where} field 'vehicles.ids': duplicate ids {dup}")
        for vehicle_id in ids:
            spec = {**defaults, **(overrides.get(vehicle_id) or {})}
            path = f"vehicles.{vehicle_id}"
            vans.append(self._vehicle(vehicle_id, spec, f"{where} field '{path}"))
        return tuple(vans)

    def _vehicle(self, vehicle_id: str, spec: dict[str, Any], where: str) -> VehicleSpec:
        def get(key: str, parse: Callable[[Any], T]) -> T:
            if key not in spec:
                raise ScenarioError(f"{where}.{key}': missing")
            try:
                return parse(spec[key])
            except (ValueError, TypeError) as exc:
                raise ScenarioError(f"{where}.{key}': {exc}") from None

        shift = get("shift", parse_interval_s)
        lunch = spec.get("lunch") or {}
        try:
            lunch_between = parse_interval_s(lunch["between"])
            lunch_s = parse_positive_int(lunch["minutes"]) * 60
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ScenarioError(f"{where}.lunch': needs 'between' (HH:MM-HH:MM) and 'minutes' "
                                f"(> 0): {exc}") from None
        if lunch_between[0] < shift[0] or lunch_between[1] + lunch_s > shift[1]:
            raise ScenarioError(f"{where}.lunch': {lunch.get('between')} + {lunch_s // 60} min "
                                f"does not fit the shift {spec.get('shift')}")
        capacity = get("capacity", parse_capacity)
        return VehicleSpec(
            vehicle_id=vehicle_id,
            shift_start_s=shift[0],
            shift_end_s=shift[1],
            lunch_earliest_start_s=lunch_between[0],
            lunch_latest_start_s=lunch_between[1],
            lunch_duration_s=lunch_s,
            capacity=capacity,
            cost_per_km=(get("cost_per_km", parse_non_negative_float) if "cost_per_km" in spec
                         else 1.0),
            fixed_cost=(get("fixed_cost", parse_non_negative_float) if "fixed_cost" in spec
                        else 0.0),
        )

    def _ferries(self, raw: Any, by_id: Mapping[str, NetworkSite]) -> tuple[Ferry, ...]:
        where = self.where("scenario.yaml")
        if not isinstance(raw, list):
            raise ScenarioError(f"{where} field 'ferries': must be a list, got {raw!r}")
        ferries: list[Ferry] = []
        for n, spec in enumerate(raw):
            path = f"{where} field 'ferries[{n}]"
            if not isinstance(spec, dict):
                raise ScenarioError(f"{path}': must be a mapping, got {spec!r}")
            for key in ("mainland_port", "island_port"):
                site_id = spec.get(key)
                if key == "island_port" and site_id is None:
                    continue  # no landing point on the island side is known
                if not isinstance(site_id, str) or site_id not in by_id \
                        or by_id[site_id].kind is not SiteKind.PORT:
                    raise ScenarioError(f"{path}.{key}': {site_id!r} is not a port site")
            try:
                departures = tuple(parse_clock_s(d) for d in spec.get("departures") or [])
                earliest, latest = (int(m) * 60 for m in spec.get("handover_minutes_before",
                                                                   [60, 10]))
                crossing_s = int(spec.get("crossing_minutes", 0)) * 60
            except (ValueError, TypeError) as exc:
                raise ScenarioError(f"{path}': {exc}") from None
            if not departures:
                raise ScenarioError(f"{path}.departures': at least one HH:MM departure needed")
            if not 0 <= latest < earliest:
                raise ScenarioError(f"{path}.handover_minutes_before': must be [earliest, "
                                    f"latest] with earliest > latest >= 0, got "
                                    f"{spec.get('handover_minutes_before')}")
            ferries.append(Ferry(
                ferry_id=str(spec.get("id", f"ferry-{n + 1}")),
                name_ja=str(spec.get("name_ja", "")),
                mainland_port_id=spec["mainland_port"],
                island_port_id=str(spec.get("island_port") or ""),
                departures_s=departures,
                handover_earliest_before_s=earliest,
                handover_latest_before_s=latest,
                crossing_s=crossing_s,
                source=str(spec.get("source", "")),
            ))
        return tuple(ferries)

    def _travel(self, raw: Any) -> TravelModel:
        where = self.where("scenario.yaml")
        try:
            circuity = float(raw.get("circuity", 1.3))
            speed_kmh = float(raw.get("speed_kmh", 30.0))
        except (ValueError, TypeError, AttributeError) as exc:
            raise ScenarioError(f"{where} field 'travel': {exc}") from None
        if not (math.isfinite(circuity) and circuity >= 1.0):
            raise ScenarioError(f"{where} field 'travel.circuity': must be >= 1, got {circuity}")
        if not (math.isfinite(speed_kmh) and speed_kmh > 0):
            raise ScenarioError(f"{where} field 'travel.speed_kmh': must be > 0, got {speed_kmh}")
        return TravelModel(circuity, speed_kmh, str(raw.get("source", "")))

    # -- demand --

    def _date_range(self, raw: Any, key: str) -> tuple[dt.date, dt.date]:
        where = self.where("scenario.yaml")
        try:
            first, last = (parse_date(v) for v in raw)
        except (ValueError, TypeError) as exc:
            raise ScenarioError(f"{where} field '{key}': must be [first, last] dates: "
                                f"{exc}") from None
        if last < first:
            raise ScenarioError(f"{where} field '{key}': ends before it starts: {raw!r}")
        return first, last

    def _str(self, doc: Mapping[str, Any], key: str, where: str, default: str | None = None
             ) -> str:
        value = doc.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise ScenarioError(f"{where} field '{key}': must be a non-empty string, "
                                f"got {value!r}")
        return value.strip()


