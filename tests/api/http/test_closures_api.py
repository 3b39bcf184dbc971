"""``/closures`` through HTTP: staff record closures and school term dates for a site or a
calendar, import them from CSV all or nothing, withdraw one; every role reads them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from api.services.closures import planning_network
from api.store.db import unit_of_work

TOMORROW = dt.date.today() + dt.timedelta(days=1)


def _post(service: Any, body: dict[str, Any], user: str = "staff1") -> Any:
    return service.client.post("/closures", json=body, headers=service.headers(user))


def test_staff_record_a_site_closure_and_planning_reads_it(service: Any) -> None:
    day = TOMORROW.isoformat()
    answer = _post(service, {"site_id": "munakata-sue", "date": day,
                             "reason": "館内工事 building works"})
    assert answer.status_code == 201, answer.text
    closure = answer.json()
    assert (closure["first_date"], closure["last_date"], closure["kind"]) == (day, day,
                                                                              "closed")
    assert closure["created_by"] == "staff1" and closure["withdrawn_at"] is None
    with unit_of_work(service.client.app.state.session_factory) as session:
        network, closures = planning_network(session, "munakata")
    assert len(closures) == 1
    assert "館内工事" in (network.calendar_of("munakata-sue").closure_reason(TOMORROW) or "")
    again = _post(service, {"site_id": "munakata-sue", "date": day, "reason": "重複"})
    assert again.status_code == 409 and f"closure {closure['closure_id']}" in \
        again.json()["detail"]


def test_school_term_dates_are_a_calendar_range_and_every_role_reads_them(
        service: Any) -> None:
    first, last = TOMORROW, TOMORROW + dt.timedelta(days=20)
    answer = _post(service, {"calendar": "school", "first_date": first.isoformat(),
                             "last_date": last.isoformat(), "reason": "冬休み"})
    assert answer.status_code == 201, answer.text
    for user in ("staff1", "driver", "akama"):
        listed = service.client.get("/closures", params={"from": first.isoformat()},
                                    headers=service.headers(user))
        assert listed.status_code == 200 and listed.json()["total"] == 1
    assert service.client.get("/closures", params={"to": (first - dt.timedelta(days=1))
                                                   .isoformat()},
                              headers=service.headers("staff1")).json()["total"] == 0


def test_a_withdrawn_closure_is_kept_and_no_longer_planned(service: Any) -> None:
    closure = _post(service, {"site_id": "munakata-central", "date": TOMORROW.isoformat(),
                              "reason": "点検"}).json()
    url = f"/closures/{closure['closure_id']}"
    gone = service.client.request("DELETE", url, json={"reason": "日付の誤り"},
                                  headers=service.headers("staff1"))
    assert gone.status_code == 200 and gone.json()["withdrawn_by"] == "staff1"
    assert gone.json()["withdrawn_reason"] == "日付の誤り"
    assert service.client.request("DELETE", url, headers=service.headers(
        "staff1")).status_code == 409
    headers = service.headers("staff1")
    assert service.client.get("/closures", headers=headers).json()["total"] == 0
    assert service.client.get("/closures", params={"include_withdrawn": True},
                              headers=headers).json()["total"] == 1
    with unit_of_work(service.client.app.state.session_factory) as session:
        assert planning_network(session, "munakata")[1] == []


@pytest.mark.parametrize(("body", "field"), [
    ({"site_id": "nowhere", "date": "2026-12-09", "reason": "x"}, "field 'site_id'"),
    ({"site_id": "ichinoseki-central", "date": "2026-12-09", "reason": "x"},
     "field 'site_id'"),
    ({"calendar": "moon", "date": "2026-12-09", "reason": "x"}, "field 'calendar'"),
    ({"site_id": "munakata-sue", "calendar": "school", "date": "2026-12-09", "reason": "x"},
     "field 'site_id'"),
    ({"site_id": "munakata-sue", "first_date": "2026-12-09", "last_date": "2026-12-01",
      "reason": "x"}, "field 'last_date'"),
    ({"site_id": "munakata-sue", "date": "2023-03-01", "reason": "x"}, "field 'first_date'"),
    ({"site_id": "munakata-sue", "date": "2099-03-01", "reason": "x"}, "field 'first_date'"),
    ({"site_id": "munakata-sue", "date": "2026-12-09", "reason": "  "}, "field 'reason'"),
    ({"site_id": "munakata-sue", "reason": "x"}, "field 'body'"),
    ({"site_id": "munakata-sue", "date": "2026-12-09", "reason": "x", "kind": "maybe"},
     "field 'kind'"),
])
def test_bad_closures_get_422_naming_the_field_and_nothing_is_recorded(
        service: Any, body: dict[str, Any], field: str) -> None:
    answer = _post(service, body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(field)
    assert service.client.get("/closures", headers=service.headers(
        "staff1")).json()["total"] == 0


def test_only_staff_record_closures(service: Any) -> None:
    body = {"site_id": "munakata-sue", "date": TOMORROW.isoformat(), "reason": "x"}
    assert _post(service, body, "driver").status_code == 403
    assert _post(service, body, "akama").status_code == 403
    assert service.client.post("/closures", json=body).status_code == 401


def test_a_csv_of_closures_imports_all_or_nothing_naming_the_bad_line(service: Any) -> None:
    day = TOMORROW
    good = ("site_id,calendar,first_date,last_date,reason,kind\r\n"
            f"munakata-sue,,{day.isoformat()},,館内工事,\r\n"
            f",school,{day:%Y/%-m/%-d},{day + dt.timedelta(days=3):%Y/%-m/%-d},学校行事,closed\r\n")
    bad = good + f"munakata-nowhere,,{day.isoformat()},,x,\r\n"
    headers = {**service.headers("staff1"), "Content-Type": "text/csv"}
    refused = service.client.post("/closures/import", content=bad.encode("utf-8"),
                                  headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("line 4: field 'site_id': ")
    assert service.client.get("/closures", headers=headers).json()["total"] == 0
    sjis = service.client.post("/closures/import", content=good.encode("cp932"),
                               headers=headers)
    assert sjis.status_code == 422 and "Shift_JIS" in sjis.json()["detail"]
    done = service.client.post("/closures/import",
                               content=b"\xef\xbb\xbf" + good.encode("utf-8"), headers=headers)
    assert done.status_code == 201 and done.json() == {"imported": 2}
    twice = service.client.post("/closures/import", content=good.encode("utf-8"),
                                headers=headers)
    assert twice.status_code == 422 and "duplicate" in twice.json()["detail"]


def test_the_calendar_says_which_days_the_hub_is_open_and_why_not(service: Any) -> None:
    monday = TOMORROW + dt.timedelta(days=(0 - TOMORROW.weekday()) % 7)
    wednesday = monday + dt.timedelta(days=2)
    _post(service, {"site_id": "munakata-central", "date": wednesday.isoformat(),
                    "reason": "蔵書点検 stock-take"})
    days = service.client.get("/calendar", params={"from": monday.isoformat()},
                              headers=service.headers("akama"))
    assert days.status_code == 200
    by_date = {d["date"]: d for d in days.json()}
    assert len(by_date) == 7
    if not by_date[monday.isoformat()]["hub_open"]:  # a holiday Monday opens instead
        assert "月曜休館" in by_date[monday.isoformat()]["hub_reason"]
    assert not by_date[wednesday.isoformat()]["hub_open"]
    assert "蔵書点検" in by_date[wednesday.isoformat()]["hub_reason"]
    assert "munakata-sue" in by_date[monday.isoformat()]["closed"]
    bad = service.client.get("/calendar", params={"from": "2023-01-01"},
                             headers=service.headers("staff1"))
    assert bad.status_code == 422 and bad.json()["detail"].startswith("field 'from'")
