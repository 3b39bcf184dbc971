"""Read a scenario folder (``scenario.yaml`` + CSV files) into a `scenarios.network.Network`.

Every problem is reported as a `ScenarioError` naming the file, the row (for CSV) or the
key path (for YAML), the field and the value: unknown site ids, latitudes out of range,
closing before opening, negative capacities, duplicate ids. The folder layout and every
field are described in ``scenarios/README.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from scenarios.calendar import CalendarRules, ClosedPeriod, MonthDay, weekday_index
from scenarios.network import (
    Demand,
    Ferry,
    Network,
    NetworkSite,
    SchoolRuns,
    SiteKind,
    TravelModel,
    VehicleSpec,
)

#: Scenarios shipped inside the package (``scenarios/<name>/scenario.yaml``).
BUNDLED_SCENARIOS = ("munakata", "ichinoseki")

SITE_COLUMNS = ("id", "kind", "name_ja", "lat", "lon", "calendar")

T = TypeVar("T")


class ScenarioError(ValueError):
    """A scenario file is invalid; the message names the file, the row or key, the field
    and the value."""


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

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_clock_s(text: str) -> int:
    """``"09:30"`` -> 34200 seconds after midnight (up to ``"24:00"``)."""
    match = _HHMM.match(str(text))
    if not match:
        raise ValueError(f"must be a time HH:MM, got {text!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours * 60 + minutes > 24 * 60:
        raise ValueError(f"must be a time between 00:00 and 24:00, got {text!r}")
    return hours * 3600 + minutes * 60


def parse_interval_s(text: str) -> tuple[int, int]:
    """``"10:00-18:00"`` -> (36000, 64800); closing before opening is an error."""
    parts = str(text).split("-")
    if len(parts) != 2:
        raise ValueError(f"must be an interval HH:MM-HH:MM, got {text!r}")
    start_s, end_s = parse_clock_s(parts[0]), parse_clock_s(parts[1])
    if end_s <= start_s:
        raise ValueError(f"closes before it opens: {text!r}")
    return start_s, end_s


def parse_hours_s(text: str) -> tuple[tuple[int, int], ...]:
    """Opening hours: empty (any time), or intervals separated by spaces or commas."""
    pieces = [p for p in re.split(r"[\s,;]+", str(text).strip()) if p]
    intervals = sorted(parse_interval_s(p) for p in pieces)
    for (_, end_s), (start_s, _) in itertools.pairwise(intervals):
        if start_s <= end_s:
            raise ValueError(f"opening intervals overlap: {text!r}")
    return tuple(intervals)


def parse_period(text: str) -> ClosedPeriod:
    """``"12-28..01-04"`` -> a period across the new year."""
    match = re.fullmatch(r"\s*(\d{2})-(\d{2})\s*\.\.\s*(\d{2})-(\d{2})\s*", str(text))
    if not match:
        raise ValueError(f"must be a period MM-DD..MM-DD, got {text!r}")
    m1, d1, m2, d2 = (int(g) for g in match.groups())
    try:
        return ClosedPeriod(MonthDay(m1, d1), MonthDay(m2, d2))
    except ValueError:
        raise ValueError(f"not a day of the year: {text!r}") from None


# --- the loader ----------------------------------------------------------------------------


@dataclass
class _Loader:
    folder: Path

    def load(self) -> Network:
        doc = self._yaml()
        where = self._where("scenario.yaml")
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
                raise ScenarioError(f"{self._where(self._sites_file)} site '{site.site_id}' "
                                    f"field 'via_port': {site.via_port_id!r} is not a port "
                                    f"site of this scenario")
        ferries = self._ferries(doc.get("ferries") or [], by_id)
        vehicles = self._vehicles(doc.get("vehicles") or {}, hub_site_id)
        demand = self._demand(doc.get("demand") or {}, by_id, calendars)
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

    def _where(self, filename: str) -> str:
        return str(self.folder / filename)

    def _yaml(self) -> dict[str, Any]:
        path = self.folder / "scenario.yaml"
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(doc, dict):
            raise ScenarioError(f"{path}: must be a mapping of keys, got {type(doc).__name__}")
        return doc

    def _csv(self, filename: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
        path = self.folder / filename
        if not path.is_file():
            raise ScenarioError(f"{path}: file not found")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise ScenarioError(f"{path}: missing columns {missing}")
            # Row numbers as a spreadsheet shows them: the header is row 1.
            return [(n, {k: (v or "").strip() for k, v in row.items() if k})
                    for n, row in enumerate(reader, start=2)]

    # -- sites --

    _sites_file = "sites.csv"

    def _sites(self, filename: str, calendars: Mapping[str, CalendarRules]) -> list[NetworkSite]:
        self._sites_file = filename
        sites: list[NetworkSite] = []
        seen: set[str] = set()
        for row_no, row in self._csv(filename, SITE_COLUMNS):
            where = f"{self._where(filename)} row {row_no}"

            def field(name: str, parse: Callable[[str], T], row: dict[str, str] = row,
                      where: str = where) -> T:
                try:
                    return parse(row.get(name, ""))
                except ValueError as exc:
                    raise ScenarioError(f"{where} field '{name}': {exc}") from None

            site_id = field("id", _nonempty)
            if site_id in seen:
                raise ScenarioError(f"{where} field 'id': duplicate id {site_id!r}")
            seen.add(site_id)
            kind = field("kind", _site_kind)
            calendar_id = field("calendar", _nonempty)
            if calendar_id not in calendars and calendar_id != "every_day":
                raise ScenarioError(f"{where} field 'calendar': unknown calendar "
                                    f"{calendar_id!r} (defined: {sorted(calendars)})")
            accuracy = row.get("accuracy_m", "")
            sites.append(NetworkSite(
                site_id=site_id,
                kind=kind,
                name_ja=field("name_ja", _nonempty),
                name_en=row.get("name_en", ""),
                address_ja=row.get("address_ja", ""),
                lat=field("lat", lambda v: _coordinate(v, 90.0)),
                lon=field("lon", lambda v: _coordinate(v, 180.0)),
                source=row.get("source", ""),
                accuracy_m=field("accuracy_m", _non_negative_int) if accuracy else None,
                calendar_id=calendar_id,
                hours_s=field("hours", parse_hours_s),
                service_s=field("service_min", lambda v: _minutes_s(v, default=5)),
                via_port_id=row.get("via_port", ""),
                run_weekdays=field("run_weekdays", _weekdays),
                post_capacity_items=(field("post_capacity_items", _positive_int)
                                     if row.get("post_capacity_items") else None),
                post_max_interval_days=(field("post_max_interval_days", _positive_int)
                                        if row.get("post_max_interval_days") else None),
            ))
        if not sites:
            raise ScenarioError(f"{self._where(filename)}: no sites")
        return sites

    # -- calendars --

    def _calendars(self, raw: Any) -> dict[str, CalendarRules]:
        where = self._where("scenario.yaml")
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
                    closed_dates=frozenset(_date(d) for d in spec.get("closed_dates") or []),
                    open_dates=frozenset(_date(d) for d in spec.get("open_dates") or []),
                    source=str(spec.get("source", "")),
                )
            except (ValueError, TypeError) as exc:
                raise ScenarioError(f"{where} field '{path}': {exc}") from None
            calendars[str(calendar_id)] = rules
        return calendars

    # -- vans, ferries, travel --

    def _vehicles(self, raw: Any, hub_site_id: str) -> tuple[VehicleSpec, ...]:
        where = self._where("scenario.yaml")
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
            lunch_s = _positive_int(lunch["minutes"]) * 60
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ScenarioError(f"{where}.lunch': needs 'between' (HH:MM-HH:MM) and 'minutes' "
                                f"(> 0): {exc}") from None
        if lunch_between[0] < shift[0] or lunch_between[1] + lunch_s > shift[1]:
            raise ScenarioError(f"{where}.lunch': {lunch.get('between')} + {lunch_s // 60} min "
                                f"does not fit the shift {spec.get('shift')}")
        capacity = get("capacity", _capacity)
        return VehicleSpec(
            vehicle_id=vehicle_id,
            shift_start_s=shift[0],
            shift_end_s=shift[1],
            lunch_earliest_start_s=lunch_between[0],
            lunch_latest_start_s=lunch_between[1],
            lunch_duration_s=lunch_s,
            capacity=capacity,
            cost_per_km=get("cost_per_km", _non_negative_float) if "cost_per_km" in spec else 1.0,
            fixed_cost=get("fixed_cost", _non_negative_float) if "fixed_cost" in spec else 0.0,
        )

    def _ferries(self, raw: Any, by_id: Mapping[str, NetworkSite]) -> tuple[Ferry, ...]:
        where = self._where("scenario.yaml")
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
        where = self._where("scenario.yaml")
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

    def _demand(self, raw: Any, by_id: Mapping[str, NetworkSite],
                calendars: Mapping[str, CalendarRules]) -> Demand:
        where = self._where("scenario.yaml")
        if not isinstance(raw, dict):
            raise ScenarioError(f"{where} field 'demand': must be a mapping, got {raw!r}")

        def number(key: str, default: int) -> int:
            try:
                return _positive_int(raw.get(key, default))
            except (ValueError, TypeError) as exc:
                raise ScenarioError(f"{where} field 'demand.{key}': {exc}") from None

        open_days: dict[str, int] = {}
        holdings: dict[str, int] = {}
        loans: dict[str, int] = {}
        reservations: dict[str, int] = {}
        pupils: dict[str, int] = {}
        if raw.get("site_figures"):
            filename = str(raw["site_figures"])
            for row_no, row in self._csv(filename, ("site_id",)):
                row_where = f"{self._where(filename)} row {row_no}"
                site_id = row["site_id"]
                if site_id not in by_id:
                    raise ScenarioError(f"{row_where} field 'site_id': unknown site id "
                                        f"{site_id!r}")
                for column, target in (("open_days", open_days), ("holdings_items", holdings),
                                       ("loans_items", loans),
                                       ("reservations_items", reservations),
                                       ("pupils", pupils)):
                    if row.get(column):
                        try:
                            target[site_id] = _non_negative_int(row[column])
                        except ValueError as exc:
                            raise ScenarioError(f"{row_where} field '{column}': {exc}") from None
        items_by_month: dict[str, dict[tuple[int, int], int]] = {}
        visits_by_month: dict[str, dict[tuple[int, int], int]] = {}
        if raw.get("post_months"):
            filename = str(raw["post_months"])
            for row_no, row in self._csv(filename, ("post_id", "year", "month", "items",
                                                    "collections")):
                row_where = f"{self._where(filename)} row {row_no}"
                post_id = self._post_id(row["post_id"], by_id, row_where)
                try:
                    key = (int(row["year"]), int(row["month"]))
                    dt.date(key[0], key[1], 1)
                except ValueError:
                    raise ScenarioError(f"{row_where} field 'month': not a month: "
                                        f"{row['year']}-{row['month']}") from None
                for column, by_post in (("items", items_by_month),
                                        ("collections", visits_by_month)):
                    try:
                        value = _non_negative_int(row[column])
                    except ValueError as exc:
                        raise ScenarioError(f"{row_where} field '{column}': {exc}") from None
                    if key in by_post.setdefault(post_id, {}):
                        raise ScenarioError(f"{row_where} field 'month': {post_id} "
                                            f"{key[0]}-{key[1]:02d} appears twice")
                    by_post[post_id][key] = value
        post_annual: dict[str, tuple[int, int]] = {}
        if raw.get("post_annual"):
            filename = str(raw["post_annual"])
            for row_no, row in self._csv(filename, ("post_id", "items", "collections")):
                row_where = f"{self._where(filename)} row {row_no}"
                post_id = self._post_id(row["post_id"], by_id, row_where)
                try:
                    post_annual[post_id] = (_non_negative_int(row["items"]),
                                            _non_negative_int(row["collections"]))
                except ValueError as exc:
                    raise ScenarioError(f"{row_where}: {exc}") from None
        island_months: dict[str, dict[tuple[int, int], int]] = {}
        for site_id, filename in (raw.get("island_months") or {}).items():
            if site_id not in by_id:
                raise ScenarioError(f"{where} field 'demand.island_months': unknown site id "
                                    f"{site_id!r}")
            for row_no, row in self._csv(str(filename), ("year", "month", "items_lent")):
                try:
                    island_months.setdefault(site_id, {})[(int(row["year"]),
                                                           int(row["month"]))] = \
                        _non_negative_int(row["items_lent"])
                except ValueError as exc:
                    raise ScenarioError(f"{self._where(str(filename))} row {row_no}: "
                                        f"{exc}") from None
        school_runs = None
        if raw.get("school_runs"):
            school_runs = self._school_runs(raw["school_runs"], calendars)
        provenance = {str(k): str(v) for k, v in (raw.get("provenance") or {}).items()}
        return Demand(
            fiscal_year=number("fiscal_year", 2023),
            items_per_crate=number("items_per_crate", 35),
            handling_s_per_crate=number("handling_s_per_crate", 20),
            open_days=open_days,
            holdings_items=holdings,
            loans_items=loans,
            reservations_items=reservations,
            pupils=pupils,
            post_items_by_month=items_by_month,
            post_collections_by_month=visits_by_month,
            post_annual=post_annual,
            school_runs=school_runs,
            island_items_by_month=island_months,
            provenance=provenance,
        )

    def _post_id(self, post_id: str, by_id: Mapping[str, NetworkSite], where: str) -> str:
        if post_id not in by_id:
            raise ScenarioError(f"{where} field 'post_id': unknown site id {post_id!r}")
        if by_id[post_id].kind is not SiteKind.RETURN_POST:
            raise ScenarioError(f"{where} field 'post_id': {post_id!r} is a "
                                f"{by_id[post_id].kind.value}, not a return_post")
        return post_id

    def _school_runs(self, raw: Any, calendars: Mapping[str, CalendarRules]) -> SchoolRuns:
        where = f"{self._where('scenario.yaml')} field 'demand.school_runs"
        if not isinstance(raw, dict):
            raise ScenarioError(f"{where}': must be a mapping, got {raw!r}")
        try:
            calendar_id = str(raw["calendar"])
            if calendar_id not in calendars:
                raise ValueError(f"unknown calendar {calendar_id!r}")
            return SchoolRuns(
                weekday=(None if str(raw["weekday"]) == "per_site"
                         else weekday_index(str(raw["weekday"]))),
                fallback_weekdays=tuple(weekday_index(str(d))
                                        for d in raw.get("fallback_weekdays") or []),
                runs_per_year=_positive_int(raw["runs_per_year"]),
                calendar_id=calendar_id,
                consignments_delivered_per_year=_non_negative_int(
                    raw["consignments_delivered_per_year"]),
                consignments_collected_per_year=_non_negative_int(
                    raw["consignments_collected_per_year"]),
                school_to_school_per_year=_non_negative_int(raw.get("school_to_school_per_year",
                                                                    0)),
                items_per_consignment=_positive_int(raw["items_per_consignment"]),
                source=str(raw.get("source", "")),
            )
        except KeyError as exc:
            raise ScenarioError(f"{where}.{exc.args[0]}': missing") from None
        except (ValueError, TypeError) as exc:
            raise ScenarioError(f"{where}': {exc}") from None

    def _date_range(self, raw: Any, key: str) -> tuple[dt.date, dt.date]:
        where = self._where("scenario.yaml")
        try:
            first, last = (_date(v) for v in raw)
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


# --- value parsers (raise ValueError with the value) ---------------------------------------


def _nonempty(value: str) -> str:
    if not str(value).strip():
        raise ValueError("must not be empty")
    return str(value).strip()


def _site_kind(value: str) -> SiteKind:
    try:
        return SiteKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in SiteKind)
        raise ValueError(f"must be one of {kinds}, got {value!r}") from None


def _coordinate(value: str, bound: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"must be a number, got {value!r}") from None
    if not math.isfinite(number) or not -bound <= number <= bound:
        raise ValueError(f"must be within [-{bound:g}, {bound:g}], got {value}")
    return number


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"must be a whole number >= 0, got {value!r}")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"must be a whole number >= 0, got {value!r}") from None
    if number < 0:
        raise ValueError(f"must be >= 0, got {number}")
    return number


def _positive_int(value: Any) -> int:
    number = _non_negative_int(value)
    if number == 0:
        raise ValueError("must be > 0, got 0")
    return number


def _non_negative_float(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"must be a number >= 0, got {value!r}")
    return number


def _minutes_s(value: str, *, default: int) -> int:
    if not str(value).strip():
        return default * 60
    minutes = float(value)
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"must be minutes >= 0, got {value!r}")
    return round(minutes * 60)


def _weekdays(value: str) -> frozenset[int]:
    return frozenset(weekday_index(v) for v in re.split(r"[\s,;]+", value.strip()) if v)


def _capacity(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or not value:
        raise ValueError(f"must be a mapping of dimension to a whole number, got {value!r}")
    capacity: dict[str, int] = {}
    for dim, amount in value.items():
        try:
            capacity[str(dim)] = _non_negative_int(amount)
        except ValueError as exc:
            raise ValueError(f"{dim}: {exc}") from None
    return capacity


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
