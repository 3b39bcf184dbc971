"""Publishing a plan version schedules what it carries, and only that: hand-made plan rows
(no solve), consignments and requests recorded through the API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from api.store.db import unit_of_work
from api.store.tables import PlanRow, PlanStatus, UserRow
from scenarios.calendar import TOKYO

TODAY = dt.datetime.now(TOKYO).date()
DAY = TODAY + dt.timedelta(days=2)


def _consignment(service: Any, **changes: Any) -> int:
    body = {"from_site_id": "munakata-central", "to_site_id": "munakata-sue", "items": 30,
            "kind": "reservation", "ready_date": DAY.isoformat(), **changes}
    answer = service.client.post("/transfers", json=body, headers=service.headers("staff1"))
    assert answer.status_code == 201, answer.text
    consignment_id: int = answer.json()["consignment_id"]
    return consignment_id


def _plan(service: Any, version: int, served: list[int], unserved: list[int] = (),  # type: ignore[assignment]
          deferred: dict[int, str] | None = None, violations: int = 0,
          status: PlanStatus = PlanStatus.DONE) -> int:
    """A solved plan of DAY that serves the consignments ``served``."""
    tasks = [{"id": f"request:consignment-{c}"} for c in [*served, *unserved]]
    meta = {"scenario": "munakata", "date": DAY.isoformat(), "mode": "hub_and_spoke",
            "hub_open": True, "school_run": False,
            "deferred": [{"ref": f"consignment-{c}", "site_id": "munakata-sue",
                          "reason": reason, "items": 30}
                         for c, reason in (deferred or {}).items()]}
    summary = {"served_task_ids": [f"request:consignment-{c}" for c in served],
               "unassigned": [{"task_id": f"request:consignment-{c}",
                               "reason": "no_vehicle_in_time", "detail": "too far"}
                              for c in unserved],
               "verify_violations": violations, "vans": [], "distance_km": 0, "tasks": 1}
    with unit_of_work(service.client.app.state.session_factory) as session:
        staff = session.scalar(select(UserRow.user_id).where(UserRow.username == "staff1"))
        row = PlanRow(scenario="munakata", plan_date=DAY, version=version, status=status,
                      options={}, created_by_user_id=staff,
                      problem_json=json.dumps({"tasks": tasks, "meta": meta}),
                      plan_json="{}", summary=summary)
        session.add(row)
        session.flush()
        plan_id: int = row.plan_id
    return plan_id


def _publish(service: Any, plan_id: int, expect: int = 200) -> dict[str, Any]:
    answer = service.client.post(f"/plans/{plan_id}/publish",
                                 headers=service.headers("staff1"))
    assert answer.status_code == expect, answer.text
    result: dict[str, Any] = answer.json()
    return result


def _consignment_state(service: Any, consignment_id: int) -> dict[str, Any]:
    result: dict[str, Any] = service.client.get(f"/transfers/{consignment_id}",
                                                headers=service.headers("staff1")).json()
    return result


def test_solving_schedules_nothing_publishing_schedules_what_the_plan_serves(
        service: Any) -> None:
    served, left = _consignment(service), _consignment(service, items=31)
    plan_id = _plan(service, 1, [served], [left])
    assert _consignment_state(service, served)["status"] == "recorded"
    published = _publish(service, plan_id)
    assert published["publication"] == "published" and published["published_by"] == "staff1"
    state = _consignment_state(service, served)
    assert (state["status"], state["scheduled_date"], state["plan_id"],
            state["plan_version"]) == ("scheduled", DAY.isoformat(), plan_id, 1)
    waiting = _consignment_state(service, left)
    assert waiting["status"] == "recorded"
    assert "no_vehicle_in_time" in waiting["status_reason"]
    # Publishing again changes nothing.
    assert _publish(service, plan_id)["published_at"] == published["published_at"]
    assert len(_consignment_state(service, served)["events"]) == 2


def test_a_new_published_version_supersedes_the_old_and_moves_what_it_carries(
        service: Any) -> None:
    kept, dropped = _consignment(service), _consignment(service, items=31)
    first = _plan(service, 1, [kept, dropped])
    _publish(service, first)
    second = _plan(service, 2, [kept], [dropped])
    _publish(service, second)
    headers = service.headers("driver")
    old = service.client.get(f"/plans/{first}", headers=headers).json()
    assert old["publication"] == "superseded"
    by_date = service.client.get(f"/plans/by-date/{DAY.isoformat()}", headers=headers).json()
    assert by_date["plan_id"] == second and by_date["publication"] == "published"
    moved = _consignment_state(service, kept)
    assert moved["plan_id"] == second and moved["plan_version"] == 2
    assert moved["events"][-1]["changes"]["plan_id"] == {"old": first, "new": second}
    back = _consignment_state(service, dropped)
    assert back["status"] == "recorded" and back["plan_id"] is None
    assert "no_vehicle_in_time" in back["status_reason"]


def test_a_deferred_consignment_says_why_and_which_day_it_waits_for(service: Any) -> None:
    cid = _consignment(service)
    _publish(service, _plan(service, 1, [], deferred={cid: "須恵分館 休館 closed"}))
    state = _consignment_state(service, cid)
    assert state["status"] == "recorded" and state["status_reason"]


def test_by_date_without_a_published_version_answers_the_newest_marked_draft(
        service: Any) -> None:
    _plan(service, 1, [])
    newest = _plan(service, 2, [])
    answer = service.client.get(f"/plans/by-date/{DAY.isoformat()}",
                                headers=service.headers("driver")).json()
    assert (answer["plan_id"], answer["publication"]) == (newest, "draft")


def test_a_plan_not_done_or_failing_verification_cannot_be_published(service: Any) -> None:
    queued = _plan(service, 1, [], status=PlanStatus.QUEUED)
    assert "not done" in _publish(service, queued, expect=409)["detail"]
    broken = _plan(service, 2, [], violations=3)
    assert "fails verification" in _publish(service, broken, expect=409)["detail"]
    assert service.client.post(f"/plans/{broken}/publish",
                               headers=service.headers("driver")).status_code == 403


def test_the_week_view_lists_each_dates_published_plan_by_date(service: Any) -> None:
    draft = _plan(service, 1, [])
    published = _plan(service, 2, [])
    _publish(service, published)
    answer = service.client.get("/plans", params={"from": TODAY.isoformat(),
                                                  "to": (TODAY + dt.timedelta(days=6))
                                                  .isoformat()},
                                headers=service.headers("driver")).json()
    assert [p["plan_id"] for p in answer["items"]] == [published]
    assert draft not in [p["plan_id"] for p in answer["items"]]
    item = answer["items"][0]
    assert {"vans_used", "distance_km", "tasks"} <= item.keys()
    too_long = service.client.get("/plans", params={"from": TODAY.isoformat(), "to": (
        TODAY + dt.timedelta(days=90)).isoformat()}, headers=service.headers("driver"))
    assert too_long.status_code == 422 and too_long.json()["detail"].startswith("field 'to'")
