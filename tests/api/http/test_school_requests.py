"""``/school-requests`` and the planner's helpers, on SQLite and PostgreSQL (the `service`
fixture): the lifecycle with its history, who sees and does what, validation, retries."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.services import school_request_lifecycle as requests_service
from api.services.daily_work import school_requests_for_day
from api.store.db import unit_of_work
from api.store.tables import PlanRow, PlanStatus, SchoolRequestRow, UserRow
from scenarios.calendar import TOKYO
from scenarios.consignments import blocked_reason
from scenarios.loader import load_network
from scenarios.school_delivery import school_delivery

if TYPE_CHECKING:
    from tests.api.conftest import Service

TODAY = dt.datetime.now(TOKYO).date()
AKAMA = "munakata-es-akama"
TOGO = "munakata-es-togo"
HUB = "munakata-central"
MUNAKATA = load_network("munakata")
#: 赤間小's next school run from today (Fridays in school weeks), and a week after it.
_NEXT_RUN = school_delivery(MUNAKATA, AKAMA, HUB, TODAY, TODAY + dt.timedelta(days=90)).date
assert _NEXT_RUN is not None
PLAN_DATE: dt.date = _NEXT_RUN
NEEDED_BY = PLAN_DATE + dt.timedelta(days=7)


def sessions(service: Service) -> sessionmaker[Session]:
    """The app's session factory, for calling the planner's helpers directly."""
    factory: sessionmaker[Session] = cast(FastAPI, service.client.app).state.session_factory
    return factory


def file(service: Service, username: str = "akama", expect: int = 201,
         headers: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
    body = {"items": 30, "topic": "3年 昆虫の図鑑", "needed_by": NEEDED_BY.isoformat(),
            **fields}
    response = service.client.post("/school-requests", json=body,
                                   headers={**service.headers(username), **(headers or {})})
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


def act(service: Service, username: str, request_id: int, action: str,
        body: dict[str, Any] | None = None, expect: int = 200) -> dict[str, Any]:
    response = service.client.post(f"/school-requests/{request_id}/{action}", json=body,
                                   headers=service.headers(username))
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


def get(service: Service, username: str, request_id: int, expect: int = 200) -> dict[str, Any]:
    response = service.client.get(f"/school-requests/{request_id}",
                                  headers=service.headers(username))
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


def listed(service: Service, username: str, expect: int = 200, **params: Any) -> dict[str, Any]:
    response = service.client.get("/school-requests", params=params,
                                  headers=service.headers(username))
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


def schedule(service: Service, request_id: int, plan_date: dt.date = PLAN_DATE,
             version: int = 1) -> int:
    """Do what the planner does: store a plan of ``plan_date`` and schedule the request."""
    with unit_of_work(sessions(service)) as session:
        staff_id = session.scalar(select(UserRow.user_id).where(UserRow.username == "staff1"))
        assert staff_id is not None
        plan = PlanRow(scenario="munakata", plan_date=plan_date, version=version,
                       status=PlanStatus.DONE, options={}, created_by_user_id=staff_id)
        session.add(plan)
        session.flush()
        request = session.get(SchoolRequestRow, request_id)
        assert request is not None
        requests_service.mark_scheduled(session, request, plan.plan_id, plan_date, staff_id)
        return plan.plan_id


def planned_ids(service: Service, plan_date: dt.date) -> list[int]:
    """The requests a plan of ``plan_date`` carries (today being today)."""
    with unit_of_work(sessions(service)) as session:
        return [r.request_id for r in school_requests_for_day(session, MUNAKATA, plan_date,
                                                              TODAY)]


def steps(request: dict[str, Any]) -> list[tuple[str | None, str, str]]:
    return [(e["from_status"], e["to_status"], e["by"]) for e in request["events"]]


def test_a_request_goes_from_requested_to_returned_with_each_step_in_its_history(
        service: Service) -> None:
    filed = file(service, for_class="3年2組 理科「こん虫の体」")
    rid = filed["request_id"]
    assert filed["topic"] == "3年 昆虫の図鑑"  # Japanese text comes back as written
    assert filed["for_class"] == "3年2組 理科「こん虫の体」"
    assert (filed["school_site_id"], filed["from_site_id"]) == (AKAMA, HUB)
    assert (filed["status"], filed["created_by"]) == ("requested", "akama")
    assert filed["created_at"].endswith("+09:00")
    assert filed["events"][0]["changes"]["items"] == {"old": None, "new": 30}
    assert get(service, "akama", rid)["topic"] == "3年 昆虫の図鑑"

    assert act(service, "staff1", rid, "accept")["status"] == "accepted"
    assert rid in planned_ids(service, PLAN_DATE)
    plan_id = schedule(service, rid)
    scheduled = get(service, "akama", rid)
    assert (scheduled["status"], scheduled["plan_id"], scheduled["scheduled_date"]) == (
        "scheduled", plan_id, PLAN_DATE.isoformat())
    assert planned_ids(service, PLAN_DATE) == [rid]  # a re-plan of the day keeps it
    assert planned_ids(service, PLAN_DATE + dt.timedelta(days=1)) == []

    delivered = act(service, "driver", rid, "delivered", {"note": "学校事務室で受け渡し"})
    assert delivered["status"] == "delivered"
    assert delivered["events"][-1]["note"] == "学校事務室で受け渡し"
    returned = act(service, "driver", rid, "returned")
    assert returned["status"] == "returned"
    assert steps(returned) == [(None, "requested", "akama"),
                               ("requested", "accepted", "staff1"),
                               ("accepted", "scheduled", "staff1"),
                               ("scheduled", "delivered", "driver"),
                               ("delivered", "returned", "driver")]
    assert all(e["at"].endswith("+09:00") for e in returned["events"])
    assert act(service, "staff1", rid, "returned", expect=409)["detail"] == (
        f"request {rid} is returned: it cannot become returned (only from delivered)")


def test_a_re_plan_moves_a_scheduled_request_to_the_new_plan_and_the_same_plan_changes_nothing(
        service: Service) -> None:
    rid = file(service)["request_id"]
    act(service, "staff1", rid, "accept")
    first = schedule(service, rid, version=1)
    second = schedule(service, rid, version=2)
    request = get(service, "staff1", rid)
    assert request["plan_id"] == second
    assert request["events"][-1]["changes"]["plan_id"] == {"old": first, "new": second}
    with unit_of_work(sessions(service)) as session:
        row = session.get(SchoolRequestRow, rid)
        assert row is not None
        assert requests_service.mark_scheduled(session, row, second, PLAN_DATE,
                                               row.created_by_user_id) is None
    assert len(get(service, "staff1", rid)["events"]) == len(request["events"])


def test_the_planner_takes_requests_on_their_next_run_day_and_those_scheduled_that_day(
        service: Service) -> None:
    waiting = file(service)["request_id"]  # requested, not accepted: not planned
    on_time = file(service)
    urgent = file(service, needed_by=TODAY.isoformat())
    ready_later = file(service)
    extra = file(service)
    elsewhere = file(service)
    for request in (on_time, urgent, elsewhere):
        act(service, "staff1", request["request_id"], "accept")
    act(service, "staff1", ready_later["request_id"], "accept",
        {"ready_date": (PLAN_DATE + dt.timedelta(days=1)).isoformat()})
    extra_day = next(TODAY + dt.timedelta(days=k) for k in range(1, 30)
                     if TODAY + dt.timedelta(days=k) != PLAN_DATE
                     and blocked_reason(MUNAKATA, HUB, AKAMA,
                                        TODAY + dt.timedelta(days=k)) is None)
    accepted = act(service, "staff1", extra["request_id"], "accept",
                   {"extra_run_date": extra_day.isoformat()})
    assert accepted["planned_for"] == extra_day.isoformat()
    schedule(service, elsewhere["request_id"], PLAN_DATE + dt.timedelta(days=1))
    assert planned_ids(service, PLAN_DATE) == [urgent["request_id"], on_time["request_id"]]
    assert planned_ids(service, extra_day) == [extra["request_id"]]
    assert waiting not in planned_ids(service, TODAY)
    # A date already past carries no accepted request.
    assert planned_ids(service, TODAY - dt.timedelta(days=7)) == []
    late = get(service, "akama", urgent["request_id"])
    assert late["planned_for"] == PLAN_DATE.isoformat()
    assert late["late"] is (PLAN_DATE > TODAY)
    if late["late"]:
        assert "no school run" in late["late_reason"]
    later = get(service, "staff1", ready_later["request_id"])
    assert later["planned_for"] is not None and later["planned_for"] > PLAN_DATE.isoformat()
    assert not get(service, "akama", on_time["request_id"])["late"]


def test_an_extra_run_on_a_closed_day_or_in_the_past_is_refused_naming_the_field(
        service: Service) -> None:
    rid = file(service)["request_id"]
    saturday = TODAY + dt.timedelta(days=(5 - TODAY.weekday()) % 7 or 7)
    refused = act(service, "staff1", rid, "accept",
                  {"extra_run_date": saturday.isoformat()}, expect=422)
    assert refused["detail"].startswith("field 'extra_run_date': ")
    assert "closed" in refused["detail"]
    past = act(service, "staff1", rid, "accept",
               {"extra_run_date": (TODAY - dt.timedelta(days=1)).isoformat()}, expect=422)
    assert "in the past" in past["detail"]
    assert get(service, "staff1", rid)["status"] == "requested"  # nothing changed
    act(service, "staff1", rid, "accept")
    cleared = service.client.patch(f"/school-requests/{rid}", json={"extra_run_date": None,
                                                                    "ready_date": None},
                                   headers=service.headers("staff1"))
    assert cleared.status_code == 422  # nothing differs


def test_a_request_can_be_cancelled_before_it_is_scheduled_and_not_after(service: Service) -> None:
    requested = file(service)["request_id"]
    cancelled = act(service, "akama", requested, "cancel", {"reason": "授業の予定が変わりました"})
    assert (cancelled["status"], cancelled["status_reason"]) == ("cancelled",
                                                                  "授業の予定が変わりました")
    accepted = file(service)["request_id"]
    act(service, "staff1", accepted, "accept")
    assert act(service, "akama", accepted, "cancel")["status"] == "cancelled"  # no body
    scheduled = file(service)["request_id"]
    act(service, "staff1", scheduled, "accept")
    schedule(service, scheduled)
    refused = act(service, "akama", scheduled, "cancel", expect=409)["detail"]
    assert "is scheduled" in refused and "cannot become cancelled" in refused
    assert act(service, "staff1", scheduled, "cancel", expect=409)
    assert act(service, "staff1", requested, "accept", expect=409)["detail"].startswith(
        f"request {requested} is cancelled: it cannot become accepted")
    assert get(service, "akama", scheduled)["status"] == "scheduled"


def test_a_rejection_needs_a_reason_the_school_can_read(service: Service) -> None:
    rid = file(service)["request_id"]
    act(service, "staff1", rid, "reject", expect=422)  # no body
    assert act(service, "staff1", rid, "reject", {}, expect=422)["detail"].startswith(
        "field 'reason'")
    assert act(service, "staff1", rid, "reject", {"reason": "   "}, expect=422)[
        "detail"].startswith("field 'reason'")
    rejected = act(service, "staff1", rid, "reject", {"reason": "該当資料が貸出中のため"})
    assert (rejected["status"], rejected["status_reason"]) == ("rejected", "該当資料が貸出中のため")
    assert rejected["events"][-1]["note"] == "該当資料が貸出中のため"
    assert get(service, "akama", rid)["status_reason"] == "該当資料が貸出中のため"
    assert "is rejected" in act(service, "staff1", rid, "reject", {"reason": "again"},
                                expect=409)["detail"]


def test_a_librarian_sees_only_their_own_schools_requests(service: Service) -> None:
    own = file(service, "akama")["request_id"]
    other = file(service, "togo", topic="郷土の歴史")
    assert other["school_site_id"] == TOGO
    page = listed(service, "akama")
    assert page["total"] == 1 and [r["request_id"] for r in page["items"]] == [own]
    assert listed(service, "akama", school_site_id=AKAMA)["total"] == 1
    assert "own school" in listed(service, "akama", expect=403, school_site_id=TOGO)["detail"]
    assert get(service, "akama", other["request_id"], expect=404)["detail"] == (
        f"no school request {other['request_id']}")
    act(service, "akama", other["request_id"], "cancel", expect=404)
    assert get(service, "togo", other["request_id"])["status"] == "requested"
    file(service, "akama", expect=403, school_site_id=TOGO)
    assert listed(service, "staff1")["total"] == 2
    assert listed(service, "staff1", school_site_id=TOGO)["items"][0]["topic"] == "郷土の歴史"


def test_the_contractor_cannot_file_and_sees_only_scheduled_and_delivered_requests(
        service: Service) -> None:
    file(service, "driver", expect=403)
    requested = file(service)["request_id"]
    accepted = file(service)["request_id"]
    act(service, "staff1", accepted, "accept")
    scheduled = file(service)["request_id"]
    act(service, "staff1", scheduled, "accept")
    schedule(service, scheduled)
    assert [r["request_id"] for r in listed(service, "driver")["items"]] == [scheduled]
    get(service, "driver", requested, expect=404)
    get(service, "driver", accepted, expect=404)
    assert get(service, "driver", scheduled)["status"] == "scheduled"
    listed(service, "driver", expect=403, status="requested")
    act(service, "driver", accepted, "delivered", expect=404)  # not one they may see
    act(service, "driver", scheduled, "delivered")
    assert listed(service, "driver", status="delivered")["total"] == 1
    act(service, "driver", scheduled, "returned")
    get(service, "driver", scheduled, expect=404)
    assert listed(service, "driver")["total"] == 0


def test_staff_changes_are_recorded_field_by_field(service: Service) -> None:
    rid = file(service, for_class="3年2組")["request_id"]
    new_date = NEEDED_BY + dt.timedelta(days=3)
    response = service.client.patch(
        f"/school-requests/{rid}", headers=service.headers("staff1"),
        json={"items": 20, "needed_by": new_date.isoformat(), "for_class": "3年2組",
              "from_site_id": TOGO, "note": "中央館の在庫が不足"})
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["items"], changed["needed_by"], changed["from_site_id"]) == (
        20, new_date.isoformat(), TOGO)
    event = changed["events"][-1]
    assert (event["from_status"], event["to_status"], event["by"], event["note"]) == (
        "requested", "requested", "staff1", "中央館の在庫が不足")
    assert event["changes"] == {  # for_class did not change, so it is not recorded
        "items": {"old": 30, "new": 20},
        "needed_by": {"old": NEEDED_BY.isoformat(), "new": new_date.isoformat()},
        "from_site_id": {"old": HUB, "new": TOGO}}

    def patch(body: dict[str, Any], expect: int) -> Any:
        answer = service.client.patch(f"/school-requests/{rid}", json=body,
                                      headers=service.headers("staff1"))
        assert answer.status_code == expect, answer.text
        return answer.json() if expect == 200 else answer.json()["detail"]

    assert "nothing to change" in patch({"items": 20}, 422)
    assert "nothing to change" in patch({}, 422)
    assert patch({"items": None}, 422).startswith("field 'items'")
    assert patch({"from_site_id": AKAMA}, 422).startswith("field 'from_site_id'")
    assert patch({"needed_by": (TODAY - dt.timedelta(days=1)).isoformat()}, 422).startswith(
        "field 'needed_by'")
    assert patch({"school_site_id": TOGO}, 422).startswith("field 'school_site_id'")
    cleared = patch({"for_class": None}, 200)  # null (or "") clears the class
    assert cleared["for_class"] == ""
    assert cleared["events"][-1]["changes"] == {"for_class": {"old": "3年2組", "new": ""}}
    act(service, "staff1", rid, "accept")
    schedule(service, rid)
    assert "can be changed only while" in patch({"items": 5}, 409)


def test_a_needed_by_date_in_the_past_is_refused(service: Service) -> None:
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    detail = file(service, expect=422, needed_by=yesterday)["detail"]
    assert detail.startswith("field 'needed_by': ") and "in the past" in detail
    assert file(service, needed_by=TODAY.isoformat())["needed_by"] == TODAY.isoformat()
    assert listed(service, "staff1")["total"] == 1


def test_an_unknown_school_and_a_source_that_is_not_the_hub_or_another_school_are_refused(
        service: Service) -> None:
    for school in ("nowhere", HUB):
        assert file(service, "staff1", expect=422, school_site_id=school)["detail"].startswith(
            "field 'school_site_id'"), school
    assert file(service, "staff1", expect=422)["detail"].startswith("field 'school_site_id'")
    for source in (AKAMA, "nowhere", "munakata-fukata"):
        assert file(service, expect=422, from_site_id=source)["detail"].startswith(
            "field 'from_site_id'"), source
    assert file(service, expect=422, items=0)["detail"].startswith("field 'items'")
    assert file(service, expect=422, topic=" ")["detail"].startswith("field 'topic'")
    assert file(service, from_site_id=TOGO)["from_site_id"] == TOGO
    assert file(service, "staff1", school_site_id=TOGO)["created_by"] == "staff1"
    assert listed(service, "staff1")["total"] == 2


def test_a_retry_with_the_same_idempotency_key_gives_back_the_first_request(
        service: Service) -> None:
    key = {"Idempotency-Key": "akama-2030-06-insects"}
    first = file(service, headers=key)
    again = file(service, headers=key, expect=200)
    assert again["request_id"] == first["request_id"] and len(again["events"]) == 1
    patched = service.client.patch(f"/school-requests/{first['request_id']}",
                                   json={"items": 10}, headers=service.headers("staff1"))
    assert patched.status_code == 200
    assert file(service, headers=key, expect=200)["items"] == 10  # the same retry, as it is now
    assert "different request" in file(service, headers=key, expect=409, items=31)["detail"]
    file(service, "togo", headers=key, expect=409)  # another account's key
    assert listed(service, "staff1")["total"] == 1
    file(service, headers={"Idempotency-Key": "x" * 201}, expect=422)


def test_the_list_filters_by_status_and_needed_by_and_pages_newest_first(service: Service) -> None:
    ids = [file(service, needed_by=(NEEDED_BY + dt.timedelta(days=n)).isoformat())[
        "request_id"] for n in range(4)]
    act(service, "staff1", ids[0], "accept")
    page = listed(service, "staff1", limit=2)
    assert page["total"] == 4 and [r["request_id"] for r in page["items"]] == ids[:1:-1]
    assert [r["request_id"] for r in listed(service, "staff1", offset=2, limit=2)[
        "items"]] == [ids[1], ids[0]]
    assert [r["request_id"] for r in listed(service, "staff1", status="accepted")[
        "items"]] == [ids[0]]
    assert listed(service, "staff1", status=["accepted", "requested"])["total"] == 4
    window = listed(service, "akama", needed_by_from=(NEEDED_BY + dt.timedelta(days=1))
                    .isoformat(), needed_by_to=(NEEDED_BY + dt.timedelta(days=2)).isoformat())
    assert [r["request_id"] for r in window["items"]] == [ids[2], ids[1]]
    listed(service, "staff1", expect=422, needed_by_from=NEEDED_BY.isoformat(),
           needed_by_to=TODAY.isoformat())
    listed(service, "staff1", expect=422, status="lost")


#: Each endpoint and the roles it refuses (403); every one answers 401 without a token.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, tuple[str, ...]]] = [
    ("POST", "/school-requests", {"items": 1, "topic": "t", "needed_by": "2099-01-01"},
     ("driver",)),
    ("GET", "/school-requests", None, ()),
    ("GET", "/school-requests/{id}", None, ()),
    ("PATCH", "/school-requests/{id}", {"items": 2}, ("akama", "togo", "driver")),
    ("POST", "/school-requests/{id}/accept", None, ("akama", "driver")),
    ("POST", "/school-requests/{id}/reject", {"reason": "r"}, ("akama", "driver")),
    ("POST", "/school-requests/{id}/cancel", None, ("driver",)),
    ("POST", "/school-requests/{id}/delivered", None, ("akama", "togo")),
    ("POST", "/school-requests/{id}/returned", None, ("akama", "togo")),
]


def test_each_endpoint_answers_401_without_a_token_and_403_to_a_role_it_refuses(
        service: Service) -> None:
    rid = file(service)["request_id"]
    for method, template, body, refused in ENDPOINTS:
        path = template.format(id=rid)
        response = service.client.request(method, path, json=body)
        assert response.status_code == 401, (method, path, response.text)
        for username in refused:
            response = service.client.request(method, path, json=body,
                                              headers=service.headers(username))
            assert response.status_code == 403, (method, path, username, response.text)
            assert "may not do this" in response.json()["detail"]
    request = get(service, "staff1", rid)
    assert (request["status"], request["items"], len(request["events"])) == ("requested", 30, 1)


def test_the_openapi_document_describes_every_endpoint_with_its_answers(service: Service) -> None:
    paths = service.client.get("/openapi.json").json()["paths"]
    operations = [(m, p, op) for p, item in paths.items() if p.startswith("/school-requests")
                  for m, op in item.items()]
    assert len(operations) == len(ENDPOINTS)
    for method, path, operation in operations:
        assert operation["summary"] and operation["description"], (method, path)
        assert operation["tags"] == ["school-requests"]
        assert "401" in operation["responses"], (method, path)
    create = paths["/school-requests"]["post"]
    assert {"200", "201", "403", "409", "422"} <= set(create["responses"])
    assert any(p["name"] == "idempotency-key" for p in create["parameters"])
