"""`stops_csv`: the stops table for spreadsheets, parsed back."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from types import MappingProxyType

from maps import PlanDocument, SiteLabel, stops_csv
from maps._common import hhmm
from routing.result import Plan
from routing.verify import verify
from tests.conftest import make_tiny_plan, make_tiny_problem
from tests.maps.days import DAY

CSV_HEADER = ["vehicle_id", "stop", "site_id", "name_ja", "name_en", "address_ja", "lat", "lon",
              "arrival", "start", "departure", "waiting_min", "actions", "crates_on",
              "crates_off", "items_on", "items_off", "load_crates_after", "load_items_after"]


def test_csv_has_a_header_and_one_row_per_visit(day_doc: PlanDocument) -> None:
    rows = list(csv.reader(io.StringIO(stops_csv(day_doc))))

    assert rows[0] == CSV_HEADER
    visits = [(r.vehicle_id, str(n), v.site_id) for r in day_doc.plan.routes
              for n, v in enumerate(r.visits)]
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == visits


def test_csv_times_are_hh_mm_and_counts_match_the_plan(day_doc: PlanDocument) -> None:
    rows = list(csv.DictReader(io.StringIO(stops_csv(day_doc))))
    visits = [v for r in day_doc.plan.routes for v in r.visits]

    for row, visit in zip(rows, visits, strict=True):
        assert row["arrival"] == hhmm(visit.arrival_s)
        assert row["departure"] == hhmm(visit.departure_s)
        assert all(re.fullmatch(r"\d\d:\d\d", row[k]) for k in ("arrival", "start", "departure"))
        assert row["actions"] == ";".join(f"{a.kind.value}:{a.task_id}" for a in visit.actions)
        assert int(row["load_crates_after"]) == visit.load_after["crates"]
        assert int(row["load_items_after"]) == visit.load_after["items"]
        label = day_doc.label(visit.site_id)
        assert (float(row["lat"]), float(row["lon"])) == (label.lat, label.lon)
    for vehicle in {row["vehicle_id"] for row in rows}:
        mine = [row for row in rows if row["vehicle_id"] == vehicle]
        for dim in ("crates", "items"):  # what goes in comes out again
            assert sum(int(r[f"{dim}_on"]) for r in mine) == sum(int(r[f"{dim}_off"])
                                                                for r in mine) > 0
    first = next(row for row in rows if row["site_id"] == "sch-1")
    assert (first["crates_off"], first["items_off"]) == ("2", "61")


def _rename_dimension(plan: Plan, old: str, new: str) -> Plan:
    def rename(amount: object) -> MappingProxyType[str, int]:
        assert isinstance(amount, MappingProxyType | dict)
        return MappingProxyType({new if k == old else k: v for k, v in amount.items()})

    routes = tuple(dataclasses.replace(r, visits=tuple(
        dataclasses.replace(v, load_after=rename(v.load_after)) for v in r.visits))
        for r in plan.routes)
    return dataclasses.replace(plan, routes=routes)


def test_csv_leaves_absent_dimensions_empty_and_appends_other_dimensions() -> None:
    tiny = make_tiny_problem()
    problem = dataclasses.replace(
        tiny,
        vehicles=tuple(dataclasses.replace(v, capacity={"crates": v.capacity["crates"],
                                                        "bags": v.capacity["items"]})
                       for v in tiny.vehicles),
        tasks=tuple(dataclasses.replace(t, amount={"crates": t.amount["crates"],
                                                   "bags": t.amount["items"]})
                    for t in tiny.tasks))
    plan = _rename_dimension(make_tiny_plan(), "items", "bags")
    assert verify(problem, plan) == []
    doc = PlanDocument("", DAY, problem, plan,
                       {s.site_id: SiteLabel(s.site_id, s.name, s.lat, s.lon)
                        for s in problem.sites}, "hub")

    rows = list(csv.DictReader(io.StringIO(stops_csv(doc))))

    assert list(rows[0]) == [*CSV_HEADER, "bags_on", "bags_off", "load_bags_after"]
    assert {row["items_on"] for row in rows} == {""}
    assert rows[0]["bags_on"] == "120" and rows[0]["load_bags_after"] == "120"
