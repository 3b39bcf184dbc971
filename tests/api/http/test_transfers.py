"""``/transfers`` through HTTP: staff record consignments (one by one, with retries, or the
library system's CSV list), read and cancel them; bad input is refused naming the field and
nothing is recorded; the contractor sees only what it carries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from api.services.consignment_lifecycle import consignments_to_plan
from api.store.db import unit_of_work
from scenarios.calendar import TOKYO

TODAY = dt.datetime.now(TOKYO).date()
#: The next Monday: the hub is closed on Mondays (unless a holiday, then the next day).
MONDAY = TODAY + dt.timedelta(days=(0 - TODAY.weekday()) % 7 or 7)
READY = TODAY + dt.timedelta(days=1)


def _body(**changes: Any) -> dict[str, Any]:
    return {"from_site_id": "munakata-central", "to_site_id": "munakata-sue", "items": 42,
            "kind": "reservation", "ready_date": READY.isoformat(), **changes}


def _post(service: Any, body: dict[str, Any], user: str = "staff1",
          key: str | None = None) -> Any:
    headers = service.headers(user)
    if key is not None:
        headers["Idempotency-Key"] = key
    return service.client.post("/transfers", json=body, headers=headers)


def _count(service: Any) -> int:
    total: int = service.client.get("/transfers", headers=service.headers(
        "staff1")).json()["total"]
    return total


def test_staff_record_a_consignment_and_a_retry_with_the_same_key_records_it_once(
        service: Any) -> None:
    first = _post(service, _body(reference="ILS-0042", crates=2), key="ils-0042")
    assert first.status_code == 201, first.text
    consignment = first.json()
    assert (consignment["status"], consignment["kind"], consignment["crates"]) == (
        "recorded", "reservation", 2)
    assert consignment["from_name_ja"] and consignment["to_name_ja"]
    assert consignment["events"][0]["to_status"] == "recorded"
    again = _post(service, _body(reference="ILS-0042", crates=2), key="ils-0042")
    assert again.status_code == 200
    assert again.json()["consignment_id"] == consignment["consignment_id"]
    other = _post(service, _body(reference="ILS-0042", crates=3), key="ils-0042")
    assert other.status_code == 409
    same_reference = _post(service, _body(reference="ILS-0042"))
    assert same_reference.status_code == 409 and "ILS-0042" in same_reference.json()["detail"]
    assert _count(service) == 1
    fetched = service.client.get(f"/transfers/{consignment['consignment_id']}",
                                 headers=service.headers("staff1")).json()
    assert fetched["reference"] == "ILS-0042"


@pytest.mark.parametrize(("changes", "field", "value"), [
    ({"from_site_id": "nowhere"}, "from_site_id", "nowhere"),
    ({"to_site_id": "ichinoseki-central"}, "to_site_id", "ichinoseki-central"),
    ({"to_site_id": "munakata-central"}, "to_site_id", "munakata-central"),
    ({"to_site_id": "munakata-akama-station"}, "to_site_id", "return_post"),
    ({"to_site_id": "munakata-port-konominato"}, "to_site_id", "port"),
    ({"items": 0}, "items", "0"),
    ({"items": -3}, "items", "-3"),
    ({"items": 99999}, "items", "99999"),
    ({"items": 10, "crates": 11}, "crates", "11"),
    ({"ready_date": "2023-03-31"}, "ready_date", "2023-03-31"),
    ({"ready_date": (TODAY + dt.timedelta(days=1000)).isoformat()}, "ready_date",
     (TODAY + dt.timedelta(days=1000)).isoformat()),
    ({"kind": "teleport"}, "kind", "teleport"),
    ({"ready_date": "8/12/2026"}, "ready_date", ""),
])
def test_bad_consignments_get_422_naming_the_field_and_value_and_nothing_is_recorded(
        service: Any, changes: dict[str, Any], field: str, value: str) -> None:
    answer = _post(service, _body(**changes))
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail.startswith(f"field '{field}': ") and value in answer.text
    assert _count(service) == 0


def test_a_consignment_whose_site_is_closed_waits_for_the_next_open_day_and_says_why(
        service: Any) -> None:
    answer = _post(service, _body(ready_date=MONDAY.isoformat(), from_site_id="munakata-sue",
                                  to_site_id="munakata-fukata", kind="return"))
    consignment = answer.json()
    assert consignment["earliest_date"] > MONDAY.isoformat()
    assert "closed" in consignment["status_reason"]
    assert f"waits for {consignment['earliest_date']}" in consignment["status_reason"]


def test_the_plan_of_a_date_takes_consignments_ready_by_then(service: Any) -> None:
    early = _post(service, _body()).json()["consignment_id"]
    later = _post(service, _body(ready_date=(READY + dt.timedelta(days=3)).isoformat()))
    factory = service.client.app.state.session_factory
    with unit_of_work(factory) as session:
        assert [r.consignment_id for r in consignments_to_plan(session, "munakata", READY)] \
            == [early]
        assert len(consignments_to_plan(session, "munakata",
                                        READY + dt.timedelta(days=3))) == 2
    assert later.status_code == 201


def test_a_cancelled_consignment_keeps_its_reason_and_is_not_planned(service: Any) -> None:
    cid = _post(service, _body()).json()["consignment_id"]
    url = f"/transfers/{cid}/cancel"
    assert service.client.post(url, json={"reason": "x"},
                               headers=service.headers("driver")).status_code == 403
    cancelled = service.client.post(url, json={"reason": "予約取消"},
                                    headers=service.headers("staff1"))
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["status_reason"]) == ("cancelled",
                                                                              "予約取消")
    assert service.client.post(url, json={"reason": "again"},
                               headers=service.headers("staff1")).status_code == 409
    with unit_of_work(service.client.app.state.session_factory) as session:
        assert consignments_to_plan(session, "munakata", READY) == []


def test_who_may_read_and_record_consignments(service: Any) -> None:
    cid = _post(service, _body()).json()["consignment_id"]
    assert _post(service, _body(), user="driver").status_code == 403
    assert _post(service, _body(), user="akama").status_code == 403
    assert service.client.get("/transfers", headers=service.headers(
        "akama")).status_code == 403
    # The contractor sees what it carries: nothing recorded only.
    driver = service.client.get("/transfers", headers=service.headers("driver"))
    assert driver.status_code == 200 and driver.json()["total"] == 0
    assert service.client.get(f"/transfers/{cid}", headers=service.headers(
        "driver")).status_code == 404
    assert service.client.get("/transfers", params={"status": "recorded"},
                              headers=service.headers("driver")).status_code == 403
    assert service.client.get("/transfers").status_code == 401


def test_the_daily_list_imports_all_or_nothing_naming_the_bad_line_and_field(
        service: Any) -> None:
    header = "from_site_id,to_site_id,items,crates,kind,ready_date,reference,note\r\n"
    good = (header
            + f"munakata-central,munakata-sue,42,,reservation,{READY.isoformat()},ILS-1,\r\n"
            + f"munakata-fukata,munakata-central,65,2,return,{READY:%Y/%-m/%-d},ILS-2,"
              "雨天注意\r\n")
    headers = {**service.headers("staff1"), "Content-Type": "text/csv"}
    bad = good + f"munakata-sue,munakata-sue,3,,return,{READY.isoformat()},ILS-3,\r\n"
    refused = service.client.post("/transfers/import", content=bad.encode(), headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("line 4: field 'to_site_id': ")
    assert refused.json()["errors"][0]["line"] == 4
    assert _count(service) == 0
    sjis = service.client.post("/transfers/import", content=good.encode("cp932"),
                               headers=headers)
    assert sjis.status_code == 422 and "Shift_JIS" in sjis.json()["detail"]
    assert "CSV UTF-8" in sjis.json()["detail"]
    done = service.client.post("/transfers/import", content=b"\xef\xbb\xbf" + good.encode(),
                               headers=headers)
    assert done.status_code == 201, done.text
    assert done.json()["imported"] == 2 and len(done.json()["consignment_ids"]) == 2
    again = service.client.post("/transfers/import", content=good.encode(), headers=headers)
    assert again.status_code == 422 and "duplicate reservation" in again.json()["detail"]
    assert _count(service) == 2
    wrong_type = service.client.post("/transfers/import", content=good.encode(),
                                     headers={**service.headers("staff1"),
                                              "Content-Type": "text/html"})
    assert wrong_type.status_code == 415
