"""`render_sheet`: the driver's route sheet, parsed back: loading grouped by stop, short
names, what comes off and goes on per stop, done stops, marks, the last page, escaping.
(How it prints and how it looks on a phone: tests/e2e/test_sheet_in_browser.py.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup, Tag

from maps import PlanDocument, StopDone, TaskLabel, render_sheet
from maps._common import JST, hhmm
from routing.problem import TaskKind
from routing.result import ActionKind, VisitKind
from tests.maps.days import HOSTILE

#: What the two-van day's tasks carry, as the service would label them.
LABELS = {
    "del-north": TaskLabel("予約", "reservations"),
    "del-east": TaskLabel("予約", "reservations"),
    "del-sch-1": TaskLabel("学校貸出", "school loans"),
    "del-sch-2": TaskLabel("学校貸出", "school loans", marks=("見込み estimate",)),
    "pick-post-1": TaskLabel("ポスト", "return post"),
    "ship-north-sch-2": TaskLabel("依頼", "request"),
    "pick-post-far": TaskLabel("ポスト", "return post"),
}


@pytest.fixture(scope="module")
def labelled_doc(day_doc: PlanDocument) -> PlanDocument:
    return dataclasses.replace(day_doc, task_labels=LABELS)


@pytest.fixture(scope="module")
def sheet(labelled_doc: PlanDocument) -> BeautifulSoup:
    return BeautifulSoup(render_sheet(labelled_doc), "html.parser")


def _text(tag: Tag | None) -> str:
    assert tag is not None
    return " ".join(tag.get_text(" ", strip=True).split())


def _row(sheet: BeautifulSoup, site_id: str) -> Tag:
    row = sheet.select_one(f'tr[data-site="{site_id}"]')
    assert row is not None, site_id
    return row


def test_one_section_per_van_in_plan_order_on_a4_with_a_phone_viewport(
        sheet: BeautifulSoup, day_doc: PlanDocument) -> None:
    css = sheet.style.get_text() if sheet.style else ""

    assert [s["data-vehicle"] for s in sheet.select("section.vehicle")] == [
        r.vehicle_id for r in day_doc.plan.routes]
    assert "@page { size: A4;" in css
    assert re.search(r"section \{ break-after: page;", css)
    viewport = sheet.select_one('meta[name="viewport"]')
    assert viewport is not None and viewport["content"] == "width=device-width, initial-scale=1"


def test_the_van_header_gives_date_times_stops_distance_and_break(
        sheet: BeautifulSoup, day_doc: PlanDocument) -> None:
    for section, route in zip(sheet.select("section.vehicle"), day_doc.plan.routes, strict=True):
        text = _text(section.select_one("ul.meta"))
        brk = route.lunch_break
        assert brk is not None
        for expected in (f"出発 start {hhmm(route.start_s)}", f"帰着 end {hhmm(route.end_s)}",
                         f"訪問先 stops {len(route.stops)}",
                         f"距離 distance {route.distance_m / 1000:.1f} km",
                         f"休憩 break {hhmm(brk.start_s)}–{hhmm(brk.start_s + brk.duration_s)}"):
            assert expected in text
        assert "2023年11月15日(水)" in _text(section.h1) and route.vehicle_id in _text(section.h1)


def test_rows_are_the_visits_from_hub_to_hub_with_times_and_tick_boxes(
        sheet: BeautifulSoup, day_doc: PlanDocument) -> None:
    for section, route in zip(sheet.select("section.vehicle"), day_doc.plan.routes, strict=True):
        rows = section.select("tr[data-stop]")

        assert [(r["data-stop"], r["data-site"]) for r in rows] == [
            (str(n), v.site_id) for n, v in enumerate(route.visits)]
        head = [_text(th) for th in section.select("thead tr:not(.running) th")]
        assert head == ["順 No.", "時刻 time", "場所 site", "降ろす drop off", "積む pick up",
                        "車内 on board", "✓"]
        for row, visit in zip(rows, route.visits, strict=True):
            time_text = _text(row.select_one("td.time"))
            if visit.kind is VisitKind.STOP:
                assert time_text == f"{hhmm(visit.arrival_s)} –{hhmm(visit.departure_s)}"
                assert row.select("td.tick span.box")
            else:
                assert not row.select("td.tick span.box")
        assert _text(rows[0].select_one("td.time")) == f"発 {hhmm(route.visits[0].departure_s)}"
        assert _text(rows[-1].select_one("td.time")) == f"着 {hhmm(route.visits[-1].arrival_s)}"
        assert len(section.select("tr.break")) == 1


def test_the_running_header_names_the_van_on_every_printed_page(sheet: BeautifulSoup) -> None:
    for section in sheet.select("section.vehicle"):
        running = section.select_one("thead tr.running")
        assert running is not None and section["data-vehicle"] in _text(running)


def test_the_hub_loading_is_grouped_by_the_stop_the_goods_are_for(
        sheet: BeautifulSoup, labelled_doc: PlanDocument) -> None:
    for section, route in zip(sheet.select("section.vehicle"), labelled_doc.plan.routes,
                              strict=True):
        delivered_at = {a.task_id: n for n, v in enumerate(route.visits) for a in v.actions
                        if a.kind is ActionKind.DELIVERY}
        loaded = [a.task_id for a in route.visits[0].actions if a.kind is ActionKind.LOAD]
        expected: dict[int, list[str]] = {}
        for task_id in loaded:
            expected.setdefault(delivered_at[task_id], []).append(task_id)

        lines = section.select("ol.loads li")

        assert [int(li["data-stop"]) for li in lines] == sorted(expected)
        for li in lines:
            stop = int(li["data-stop"])
            tasks = [labelled_doc.problem.task(t) for t in expected[stop]]
            crates = sum(t.amount["crates"] for t in tasks)
            label = labelled_doc.label(route.visits[stop].site_id)
            assert _text(li).startswith(f"{stop} {label.short_name or label.name_ja}: "
                                        f"{crates} 箱 — ")
            for task in tasks:
                assert f"{LABELS[task.task_id].purpose_ja} {task.amount['items']}" in _text(li)


def test_a_stop_shows_crates_and_items_by_purpose_that_come_off_and_go_on(
        sheet: BeautifulSoup, labelled_doc: PlanDocument) -> None:
    school = _row(sheet, "sch-1")
    assert _text(school.select_one("td.off")) == "2 箱 学校貸出 61"
    assert _text(school.select_one("td.on")) == ""
    assert _text(school.select_one("td.site")).startswith("第一小学校 宗像市 第一小学校")
    assert "受付 open 10:00–12:00" in _text(school.select_one("td.site"))
    post = _row(sheet, "post-1")
    assert _text(post.select_one("td.on")) == "1 箱 ポスト 35"
    end = sheet.select('section.vehicle tr[data-site="hub"]')
    assert any("ポスト 35" in _text(row.select_one("td.off")) for row in end)


def test_a_shipment_picked_up_says_at_which_stop_it_comes_off(
        sheet: BeautifulSoup, labelled_doc: PlanDocument) -> None:
    shipment = labelled_doc.problem.task("ship-north-sch-2")
    assert shipment.kind is TaskKind.SHIPMENT
    route = next(r for r in labelled_doc.plan.routes
                 if any(v.site_id == "br-north" for v in r.visits))
    delivered = next(n for n, v in enumerate(route.visits) if v.site_id == "sch-2")

    assert f"依頼 20 →{delivered}" in _text(_row(sheet, "br-north").select_one("td.on"))


def test_marks_on_a_task_are_shown_where_its_goods_move(sheet: BeautifulSoup) -> None:
    row = _row(sheet, "sch-2")

    assert [_text(m) for m in row.select("td.off .mark")] == ["見込み estimate"]
    assert any("見込み estimate" in _text(li) for li in sheet.select("ol.loads li"))


def test_short_names_head_the_rows_and_the_loading(day_doc: PlanDocument) -> None:
    labels = dict(day_doc.sites)
    labels["sch-1"] = dataclasses.replace(labels["sch-1"], short_name="一小")
    soup = BeautifulSoup(render_sheet(dataclasses.replace(day_doc, sites=labels)), "html.parser")

    assert _text(_row(soup, "sch-1").select_one("td.site b")) == "一小"
    assert any(_text(li).startswith(f"{li['data-stop']} 一小: ")
               for li in soup.select('ol.loads li[data-site="sch-1"]'))


def test_the_prefecture_and_city_all_stops_share_is_said_once(day_doc: PlanDocument) -> None:
    labels = {site_id: dataclasses.replace(label, address_ja=f"福岡県宗像市{label.name_ja}1-1")
              for site_id, label in day_doc.sites.items()}
    soup = BeautifulSoup(render_sheet(dataclasses.replace(day_doc, sites=labels)), "html.parser")

    assert "住所 addresses 福岡県宗像市…" in _text(soup.select_one("ul.meta"))
    assert _text(_row(soup, "sch-1").select_one(".addr")) == "第一小学校1-1"
    labels["sch-1"] = dataclasses.replace(labels["sch-1"], address_ja="福岡県福津市1-1")
    soup = BeautifulSoup(render_sheet(dataclasses.replace(day_doc, sites=labels)), "html.parser")
    assert "住所" not in _text(soup.select_one("ul.meta"))
    assert _text(_row(soup, "br-east").select_one(".addr")) == "福岡県宗像市東分館1-1"


def test_done_stops_are_shaded_ticked_and_say_when_and_what_was_moved(
        labelled_doc: PlanDocument) -> None:
    route = labelled_doc.plan.routes[0]
    done_at = dt.datetime(2023, 11, 15, 1, 42, tzinfo=dt.UTC)  # 10:42 in Japan
    doc = dataclasses.replace(labelled_doc, stops_done=(
        StopDone(route.vehicle_id, 1, done_at, {"crates": 3, "items": 118}, "カウンターに置いた",
                 "driver"),))
    soup = BeautifulSoup(render_sheet(doc), "html.parser")
    section = soup.select_one(f'section[data-vehicle="{route.vehicle_id}"]')
    assert section is not None

    done_rows = section.select("tr.done")

    assert [r["data-stop"] for r in done_rows] == ["1"]
    assert _text(done_rows[0].select_one(".box")) == "✓"
    assert _text(done_rows[0].select_one(".done-note")) == (
        "✓ 済 done 10:42 · 実績 actual 3 箱 · 118 冊 · driver — カウンターに置いた")
    assert f"済 done 1 / {len(route.stops)}" in _text(section.select_one("ul.meta"))
    assert not soup.select(f'section:not([data-vehicle="{route.vehicle_id}"]) tr.done')


def test_a_task_without_a_label_is_named_by_its_kind(sheet: BeautifulSoup,
                                                    day_doc: PlanDocument) -> None:
    soup = BeautifulSoup(render_sheet(day_doc), "html.parser")

    assert _text(_row(soup, "sch-1").select_one("td.off")) == "2 箱 delivery 61"


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
    doc = dataclasses.replace(hostile_doc, task_labels={"deliver-a": TaskLabel(HOSTILE)},
                              stops_done=(StopDone("van-1", 1, None, {}, HOSTILE, HOSTILE),))
    html = render_sheet(doc)
    soup = BeautifulSoup(html, "html.parser")

    assert soup.find_all("script") == [] and soup.find("b", string="bold") is None
    assert 'alert("x")' not in html
    row = _row(soup, "lib-a")
    assert _text(row.select_one("td.site b")) == HOSTILE
    assert "<b>bold</b> & co" in _text(row.select_one("td.site .addr"))
    assert f"{HOSTILE} 120" in _text(row.select_one("td.off"))
    assert _text(row.select_one(".done-note")) == f"✓ 済 done · {HOSTILE} — {HOSTILE}"
    summary = soup.select_one("section.summary")
    assert summary is not None and summary.get_text().count(HOSTILE) == 2  # reason and note


def test_a_done_time_without_a_zone_is_taken_as_japan_time(labelled_doc: PlanDocument) -> None:
    route = labelled_doc.plan.routes[0]
    for moment in (dt.datetime(2023, 11, 15, 10, 42), dt.datetime(2023, 11, 15, 10, 42,
                                                                   tzinfo=JST)):
        doc = dataclasses.replace(labelled_doc, stops_done=(
            StopDone(route.vehicle_id, 1, moment),))
        soup = BeautifulSoup(render_sheet(doc), "html.parser")
        assert _text(soup.select_one("tr.done .done-note")) == "✓ 済 done 10:42"


def test_an_estimated_task_shows_its_mark_the_mark_is_explained_and_warnings_head_every_page(
        day_doc: PlanDocument) -> None:
    unassigned = day_doc.plan.unassigned[0].task_id
    some = next(a.task_id for r in day_doc.plan.routes for v in r.stops for a in v.actions)
    estimate = TaskLabel("ポスト", "return post", ("推計",))
    labelled = dataclasses.replace(
        day_doc, task_labels={some: estimate, unassigned: estimate},
        mark_meanings={"推計": "estimate: FY2023 annual figures"},
        warnings=("注意 warning: figures of FY2023",))
    soup = BeautifulSoup(render_sheet(labelled), "html.parser")
    assert "推計" in [span.get_text() for span in soup.find_all("span", class_="mark")]
    unassigned_row = soup.find("tr", attrs={"data-task": unassigned})
    assert unassigned_row is not None and "推計" in unassigned_row.get_text()
    vans = soup.find_all("section", class_="vehicle")
    assert vans and all("推計 = estimate: FY2023 annual figures" in van.get_text()
                        for van in vans)
    pages = soup.find_all("section")
    assert all("注意 warning: figures of FY2023" in p.get_text() for p in pages)
    assert "推計" not in render_sheet(day_doc)


def test_a_recorded_tasks_reference_is_listed_at_its_stops(day_doc: PlanDocument) -> None:
    visit = next(v for r in day_doc.plan.routes for v in r.stops if v.actions)
    task_id = visit.actions[0].task_id
    labelled = dataclasses.replace(day_doc, task_labels={
        task_id: TaskLabel("依頼", "request", reference="#7 [ILS-0007] 昆虫の図鑑")})
    soup = BeautifulSoup(render_sheet(labelled), "html.parser")
    rows = [tr for tr in soup.find_all("tr", attrs={"data-site": visit.site_id})
            if "#7 [ILS-0007] 昆虫の図鑑" in tr.get_text()]
    assert rows
