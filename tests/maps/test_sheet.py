"""`render_sheet` and `stops_csv`: the printed route sheets and the stops table, parsed back."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from types import MappingProxyType

import pytest
from bs4 import BeautifulSoup, Tag

from maps import PlanDocument, SiteLabel, render_sheet, stops_csv
from maps._common import hhmm
from routing.result import Plan
from routing.verify import verify
from tests.conftest import make_tiny_plan, make_tiny_problem
from tests.maps.days import DAY, HOSTILE

CSV_HEADER = ["vehicle_id", "stop", "site_id", "name_ja", "name_en", "address_ja", "lat", "lon",
              "arrival", "start", "departure", "waiting_min", "actions", "crates_on",
              "crates_off", "items_on", "items_off", "load_crates_after", "load_items_after"]


@pytest.fixture(scope="module")
def sheet(day_doc: PlanDocument) -> BeautifulSoup:
    return BeautifulSoup(render_sheet(day_doc), "html.parser")


def _cells(row: Tag) -> list[str]:
    return [td.get_text(" ", strip=True) for td in row.find_all("td")]


def test_the_sheet_is_a4_with_one_page_per_vehicle_in_plan_order(
        sheet: BeautifulSoup, day_doc: PlanDocument) -> None:
    css = sheet.style.get_text() if sheet.style else ""

    assert [s["data-vehicle"] for s in sheet.select("section.vehicle")] == [
        r.vehicle_id for r in day_doc.plan.routes]
    assert "@page { size: A4; margin: 12mm; }" in css
    assert re.search(r"section \{ page-break-after: always; break-after: page; \}", css)


def test_the_sheet_header_gives_weekday_date_times_distance_and_break(
        sheet: BeautifulSoup, day_doc: PlanDocument) -> None:
    for section, route in zip(sheet.select("section.vehicle"), day_doc.plan.routes, strict=True):
        meta = section.select_one("div.meta")
        assert meta is not None
        text = meta.get_text(" ")
        brk = route.lunch_break
        assert brk is not None
        for expected in ("2023年11月15日(水)", route.vehicle_id,
                         f"出発 start {hhmm(route.start_s)}", f"帰着 end {hhmm(route.end_s)}",
                         f"{route.distance_m / 1000:.1f} km",
                         f"休憩 break {hhmm(brk.start_s)}–{hhmm(brk.start_s + brk.duration_s)}"):
            assert expected in text


def test_sheet_rows_are_the_visits_from_hub_start_to_hub_end_with_their_times(
        sheet: BeautifulSoup, day_doc: PlanDocument) -> None:
    for section, route in zip(sheet.select("section.vehicle"), day_doc.plan.routes, strict=True):
        rows = section.select("tr[data-stop]")

        assert [(r["data-stop"], r["data-site"]) for r in rows] == [
            (str(n), v.site_id) for n, v in enumerate(route.visits)]
        head = [th.get_text(" ") for th in section.select("thead th")]
        assert head == ["順 No.", "場所 site", "住所 address", "到着 arrival", "出発 departure",
                        "作業 actions", "箱 crates", "冊 items", "✓", "備考 notes"]
        for row, visit in zip(rows, route.visits, strict=True):
            cells = _cells(row)
            assert cells[3] == hhmm(visit.arrival_s)
            assert cells[4] == ("" if visit is route.visits[-1] else hhmm(visit.departure_s))
            assert row.select("td.tick span.box")
        assert "積込 load" in _cells(rows[0])[5] and rows[0]["data-site"] == "hub"
        assert rows[-1]["data-site"] == "hub"
        assert len(section.select("tr.break")) == 1


def test_sheet_rows_give_actions_with_task_notes_and_crates_moved(
        sheet: BeautifulSoup) -> None:
    row = sheet.select_one('tr[data-site="sch-1"]')

    assert row is not None
    cells = _cells(row)
    assert cells[1] == "第一小学校 No. 1 Elementary School"
    assert cells[5] == "配達 delivery: 団体貸出 class loan → 第一小学校"
    assert cells[6].startswith("−2") and cells[7].startswith("−61")
    assert "受付 open 10:00–12:00" in cells[9]


def test_the_last_page_lists_not_visited_sites_unassigned_tasks_and_notes(
        sheet: BeautifulSoup, day_doc: PlanDocument) -> None:
    summary = sheet.select_one("section.summary")

    assert summary is not None
    closed = summary.select_one('table.not-visited tr[data-site="annex-closed"]')
    assert closed is not None and "休館日 closed today" in closed.get_text()
    (unassigned,) = day_doc.plan.unassigned
    task_row = summary.select_one(f'table.unassigned tr[data-task="{unassigned.task_id}"]')
    assert task_row is not None
    assert unassigned.reason.value in task_row.get_text()
    assert unassigned.detail in task_row.get_text()
    assert [li.get_text() for li in summary.select("ul.notes li")] == list(day_doc.notes)


def test_the_sheet_needs_no_script_and_no_network(sheet: BeautifulSoup) -> None:
    assert sheet.find_all(["script", "link", "img", "iframe"]) == []
    assert "http" not in str(sheet)
    assert sheet.html is not None and sheet.html["lang"] == "ja"


def test_hostile_names_notes_and_reasons_are_escaped_in_the_sheet(
        hostile_doc: PlanDocument) -> None:
    html = render_sheet(hostile_doc)
    soup = BeautifulSoup(html, "html.parser")

    assert soup.find_all("script") == [] and soup.find("b", string="bold") is None
    assert 'alert("x")' not in html
    row = soup.select_one('tr[data-site="lib-a"]')
    assert row is not None
    cells = _cells(row)
    assert cells[1] == f"{HOSTILE} {HOSTILE}" and cells[2] == "<b>bold</b> & co"
    assert f"配達 delivery: {HOSTILE}" in cells[5]
    summary = soup.select_one("section.summary")
    assert summary is not None and summary.get_text().count(HOSTILE) == 2  # reason and note


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


def test_a_labelled_task_shows_its_label_and_warnings_head_every_page(
        day_doc: PlanDocument) -> None:
    unassigned = day_doc.plan.unassigned[0].task_id
    some = next(a.task_id for r in day_doc.plan.routes for v in r.stops for a in v.actions)
    labelled = dataclasses.replace(
        day_doc, task_labels={some: "estimate: FY2023 annual figures",
                              unassigned: "estimate: no collection recorded"},
        warnings=("注意 warning: figures of FY2023",))
    soup = BeautifulSoup(render_sheet(labelled), "html.parser")
    labels = [span.get_text() for span in soup.find_all("span", class_="task-label")]
    assert labels.count("〔推計 estimate: FY2023 annual figures〕") >= 1
    assert "〔推計 estimate: no collection recorded〕" in labels
    pages = soup.find_all("section")
    assert all("注意 warning: figures of FY2023" in p.get_text() for p in pages)
    assert "推計" not in render_sheet(day_doc)
