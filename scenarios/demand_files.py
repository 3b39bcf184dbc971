"""The demand of a scenario: the ``demand`` section of ``scenario.yaml`` and the CSV files
it names (site figures, the return posts' report months and annual totals, the islands'
monthly loans), read into `scenarios.network.Demand`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from scenarios.calendar import CalendarRules, weekday_index
from scenarios.folder import ScenarioError, ScenarioFolder
from scenarios.network import Demand, NetworkSite, SchoolRuns, SiteKind
from scenarios.parsers import parse_non_negative_int, parse_positive_int


def read_demand(files: ScenarioFolder, raw: Any, by_id: Mapping[str, NetworkSite],
                calendars: Mapping[str, CalendarRules]) -> Demand:
    """The ``demand`` section of ``scenario.yaml`` and the CSV files it names: site
    figures, return-post months and annual totals, island months, the school runs."""
    where = files.where("scenario.yaml")
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where} field 'demand': must be a mapping, got {raw!r}")

    def number(key: str, default: int) -> int:
        try:
            return parse_positive_int(raw.get(key, default))
        except (ValueError, TypeError) as exc:
            raise ScenarioError(f"{where} field 'demand.{key}': {exc}") from None

    open_days: dict[str, int] = {}
    holdings: dict[str, int] = {}
    loans: dict[str, int] = {}
    reservations: dict[str, int] = {}
    pupils: dict[str, int] = {}
    if raw.get("site_figures"):
        filename = str(raw["site_figures"])
        for row_no, row in files.read_csv(filename, ("site_id",)):
            row_where = f"{files.where(filename)} row {row_no}"
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
                        target[site_id] = parse_non_negative_int(row[column])
                    except ValueError as exc:
                        raise ScenarioError(f"{row_where} field '{column}': {exc}") from None
    items_by_month: dict[str, dict[tuple[int, int], int]] = {}
    visits_by_month: dict[str, dict[tuple[int, int], int]] = {}
    if raw.get("post_months"):
        filename = str(raw["post_months"])
        for row_no, row in files.read_csv(filename, ("post_id", "year", "month", "items",
                                                "collections")):
            row_where = f"{files.where(filename)} row {row_no}"
            post_id = _post_id(row["post_id"], by_id, row_where)
            try:
                key = (int(row["year"]), int(row["month"]))
                dt.date(key[0], key[1], 1)
            except ValueError:
                raise ScenarioError(f"{row_where} field 'month': not a month: "
                                    f"{row['year']}-{row['month']}") from None
            for column, by_post in (("items", items_by_month),
                                    ("collections", visits_by_month)):
                try:
                    value = parse_non_negative_int(row[column])
                except ValueError as exc:
                    raise ScenarioError(f"{row_where} field '{column}': {exc}") from None
                if key in by_post.setdefault(post_id, {}):
                    raise ScenarioError(f"{row_where} field 'month': {post_id} "
                                        f"{key[0]}-{key[1]:02d} appears twice")
                by_post[post_id][key] = value
    post_annual: dict[str, tuple[int, int]] = {}
    if raw.get("post_annual"):
        filename = str(raw["post_annual"])
        for row_no, row in files.read_csv(filename, ("post_id", "items", "collections")):
            row_where = f"{files.where(filename)} row {row_no}"
            post_id = _post_id(row["post_id"], by_id, row_where)
            try:
                post_annual[post_id] = (parse_non_negative_int(row["items"]),
                                        parse_non_negative_int(row["collections"]))
            except ValueError as exc:
                raise ScenarioError(f"{row_where}: {exc}") from None
    island_months: dict[str, dict[tuple[int, int], int]] = {}
    for site_id, filename in (raw.get("island_months") or {}).items():
        if site_id not in by_id:
            raise ScenarioError(f"{where} field 'demand.island_months': unknown site id "
                                f"{site_id!r}")
        for row_no, row in files.read_csv(str(filename), ("year", "month", "items_lent")):
            try:
                island_months.setdefault(site_id, {})[(int(row["year"]),
                                                       int(row["month"]))] = \
                    parse_non_negative_int(row["items_lent"])
            except ValueError as exc:
                raise ScenarioError(f"{files.where(str(filename))} row {row_no}: "
                                    f"{exc}") from None
    school_runs = None
    if raw.get("school_runs"):
        school_runs = _school_runs(files, raw["school_runs"], calendars)
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

def _post_id(post_id: str, by_id: Mapping[str, NetworkSite], where: str) -> str:
    if post_id not in by_id:
        raise ScenarioError(f"{where} field 'post_id': unknown site id {post_id!r}")
    if by_id[post_id].kind is not SiteKind.RETURN_POST:
        raise ScenarioError(f"{where} field 'post_id': {post_id!r} is a "
                            f"{by_id[post_id].kind.value}, not a return_post")
    return post_id

def _school_runs(files: ScenarioFolder, raw: Any,
                 calendars: Mapping[str, CalendarRules]) -> SchoolRuns:
    where = f"{files.where('scenario.yaml')} field 'demand.school_runs"
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
            runs_per_year=parse_positive_int(raw["runs_per_year"]),
            calendar_id=calendar_id,
            consignments_delivered_per_year=parse_non_negative_int(
                raw["consignments_delivered_per_year"]),
            consignments_collected_per_year=parse_non_negative_int(
                raw["consignments_collected_per_year"]),
            school_to_school_per_year=parse_non_negative_int(
                raw.get("school_to_school_per_year", 0)),
            items_per_consignment=parse_positive_int(raw["items_per_consignment"]),
            source=str(raw.get("source", "")),
        )
    except KeyError as exc:
        raise ScenarioError(f"{where}.{exc.args[0]}': missing") from None
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"{where}': {exc}") from None
