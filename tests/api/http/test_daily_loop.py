"""The daily loop through HTTP, as staff, a school librarian and the driver would run it on
a fresh store: plan the next open day, record three consignments and a school request for
it, re-plan, publish: they are scheduled and on the sheet and the map; the stops done:
delivered. Every plan read back is verified."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from routing import verify
from routing.documents import plan_from_dict, problem_from_dict
from scenarios.calendar import TOKYO
from scenarios.consignments import blocked_reason
from scenarios.loader import load_network

MUNAKATA = load_network("munakata")
TODAY = dt.datetime.now(TOKYO).date()
CONSIGNMENTS = (("munakata-central", "munakata-sue", "reservation", 42),
                ("munakata-fukata", "munakata-central", "return", 65),
                ("munakata-central", "munakata-fukata", "group_lending", 90))
SCHOOL = "munakata-es-akama"


def _next_day_all_open() -> dt.date:
    """From tomorrow, the first day the hub, both branches and the school are open."""
    for offset in range(1, 60):
        day = TODAY + dt.timedelta(days=offset)
        pairs = [(a, b) for a, b, _, _ in CONSIGNMENTS] + [("munakata-central", SCHOOL)]
        if all(blocked_reason(MUNAKATA, a, b, day) is None for a, b in pairs):
            return day
    raise AssertionError("no open day in 60 days")


def _ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    result: dict[str, Any] = answer.json()
    return result


@pytest.mark.slow
def test_plan_record_replan_publish_and_deliver_a_day(service: Any) -> None:
    staff, driver = service.headers("staff1"), service.headers("driver")
    client = service.client
    day = _next_day_all_open()
    first = _ok(client.post("/plans", params={"wait": "true"}, headers=staff,
                            json={"date": day.isoformat(), "time_limit_s": 2}))
    assert first["status"] == "done" and first["vans_used"] and first["distance_km"] > 0
    assert first["summary"]["estimated_tasks"]  # nothing recorded yet: all estimated

    ids = [_ok(client.post("/transfers", headers=staff, json={
        "from_site_id": a, "to_site_id": b, "kind": kind, "items": items,
        "ready_date": day.isoformat(), "reference": f"ILS-{k}"}), 201)["consignment_id"]
        for k, (a, b, kind, items) in enumerate(CONSIGNMENTS)]
    request = _ok(client.post("/school-requests", headers=service.headers("akama"), json={
        "items": 25, "topic": "3年 理科 昆虫の図鑑", "needed_by": day.isoformat()}), 201)
    rid = request["request_id"]
    accepted = _ok(client.post(f"/school-requests/{rid}/accept", headers=staff,
                               json={"extra_run_date": day.isoformat()}))
    assert accepted["planned_for"] == day.isoformat() and not accepted["late"]

    second = _ok(client.post("/plans", params={"wait": "true"}, headers=staff,
                             json={"date": day.isoformat(), "time_limit_s": 2}))
    assert second["version"] == 2 and second["publication"] == "draft"
    problem = problem_from_dict(_ok(client.get(f"/plans/{second['plan_id']}/problem.json",
                                               headers=driver)))
    plan = plan_from_dict(_ok(client.get(f"/plans/{second['plan_id']}/plan.json",
                                         headers=driver)))
    assert verify(problem, plan) == []
    recorded = {f"request:consignment-{c}" for c in ids} | {f"request:school-request-{rid}"}
    assert recorded <= plan.served_task_ids()
    estimates = second["summary"]["estimated_tasks"]
    assert not recorded & set(estimates)
    assert not any(t.startswith(("deliver:reservations:", "pickup:reservations:"))
                   for t in estimates)  # the recorded reservation replaced the estimate
    for c in ids:
        assert _ok(client.get(f"/transfers/{c}", headers=staff))["status"] == "recorded"

    published = _ok(client.post(f"/plans/{second['plan_id']}/publish", headers=staff))
    assert published["publication"] == "published"
    for c in ids:
        state = _ok(client.get(f"/transfers/{c}", headers=driver))
        assert (state["status"], state["scheduled_date"], state["plan_version"]) == (
            "scheduled", day.isoformat(), 2)
    school = _ok(client.get(f"/school-requests/{rid}", headers=service.headers("akama")))
    assert (school["status"], school["scheduled_date"]) == ("scheduled", day.isoformat())
    sheet = client.get(f"/plans/{second['plan_id']}/sheet", headers=driver).text
    page = client.get(f"/plans/{second['plan_id']}/map", headers=driver).text
    for c in ids:
        assert f"#{c} [ILS-" in sheet and f"#{c} [ILS-" in page
    assert "昆虫" in sheet, sheet[:3000]
    assert "\\u6606\\u866b" in page or "昆虫" in page
    assert "推計 estimate:" in sheet  # the return posts, whose records stopped in 2024
    week = _ok(client.get("/plans", params={"from": day.isoformat(), "to": day.isoformat()},
                          headers=driver))
    assert [p["plan_id"] for p in week["items"]] == [second["plan_id"]]

    # Numbered as the sheet numbers its rows: the stops, then the return to the hub
    # (where what was picked up for the hub is unloaded).
    delivery_stops = {(route.vehicle_id, number)
                      for route in plan.routes
                      for number, visit in enumerate(route.visits[1:], start=1)
                      if any(a.task_id in recorded and a.kind.value in ("delivery", "unload")
                             for a in visit.actions)}
    for van, stop in sorted(delivery_stops):
        _ok(client.post(f"/plans/{second['plan_id']}/stops/{van}/{stop}/done", json={},
                        headers=driver), 201)
    for c in ids:
        state = _ok(client.get(f"/transfers/{c}", headers=driver))
        assert state["status"] == "delivered" and state["delivered_at"]
    school = _ok(client.get(f"/school-requests/{rid}", headers=service.headers("akama")))
    assert school["status"] == "delivered"
