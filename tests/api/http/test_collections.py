"""``/collections``: record, read, correct with revisions, import and export CSV (staff only).

Every test runs through the ``service`` fixture, so on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from api.services import collections
from scenarios.calendar import TOKYO

CSV_HEADERS = {"Content-Type": "text/csv"}


def _record(service: Any, *, key: str | None = None, **fields: Any) -> Any:
    body = {"post_id": "munakata-akama-station", "collected_at": "2024-06-03T09:30:00",
            "items": 42, **fields}
    headers = service.headers("staff1") | ({"Idempotency-Key": key} if key is not None else {})
    return service.client.post("/collections", json=body, headers=headers)


def _count(service: Any, **params: str) -> int:
    page = service.client.get("/collections", params={**params, "limit": 1},
                              headers=service.headers("staff1")).json()
    return int(page["total"])


def _import(service: Any, text: str, *, bom: bool = False) -> Any:
    raw = ("\ufeff" if bom else "") + text
    return service.client.post("/collections/import", content=raw.encode("utf-8"),
                               headers=service.headers("staff1") | CSV_HEADERS)


def test_a_recorded_collection_reads_back_in_tokyo_time_with_japanese_text_unchanged(
        service: Any) -> None:
    response = _record(service, collected_by="山田 太郎", note="雨のため一部濡れあり")
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["post_id"] == "munakata-akama-station"
    assert created["post_name_ja"] == "JR赤間駅 返却ポスト"
    assert created["collected_at"] == "2024-06-03T09:30:00+09:00"  # naive = Asia/Tokyo
    assert created["items"] == 42
    assert created["collected_by"] == "山田 太郎"
    assert created["note"] == "雨のため一部濡れあり"
    assert created["recorded_by"] == "staff1" and created["source"] == "api"
    assert created["revisions"] == []
    assert created["recorded_at"].endswith("+09:00")
    read = service.client.get(f"/collections/{created['collection_id']}",
                              headers=service.headers("staff1"))
    assert read.status_code == 200 and read.json() == created
    utc = _record(service, collected_at="2024-06-03T01:00:00Z").json()
    assert utc["collected_at"] == "2024-06-03T10:00:00+09:00"
    missing = service.client.get("/collections/999999", headers=service.headers("staff1"))
    assert missing.status_code == 404 and "999999" in missing.json()["detail"]
    too_big = service.client.get(f"/collections/{2**40}", headers=service.headers("staff1"))
    assert too_big.status_code == 422


def test_bad_values_get_422_naming_the_field_and_the_value(service: Any) -> None:
    future = (dt.datetime.now(TOKYO) + dt.timedelta(hours=1)).isoformat()
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"collected_at": future}, "field 'collected_at': ", "in the future"),
        ({"collected_at": "1999-12-31T23:00:00+09:00"}, "field 'collected_at': ", "2000"),
        ({"collected_at": "2024-06-03"}, "field 'collected_at': ", "time is missing"),
        ({"collected_at": "yesterday"}, "field 'collected_at': ", "'yesterday'"),
        ({"items": -1}, "field 'items': ", "-1"),
        ({"items": 5001}, "field 'items': ", "5001"),
        ({"items": "12"}, "field 'items': ", "integer"),
        ({"post_id": "x"}, "field 'post_id': unknown return post 'x'", ""),
        ({"post_id": "munakata-sue"}, "field 'post_id': ", "not a return post"),
        ({"colour": "red"}, "field 'colour': ", ""),
        ({"note": "a\x00b"}, "field 'note': ", "NUL"),
    ]
    for fields, start, part in cases:
        response = _record(service, **fields)
        assert response.status_code == 422, (fields, response.text)
        detail = response.json()["detail"]
        assert detail.startswith(start) and part in detail, (fields, detail)
    in_skew = (dt.datetime.now(TOKYO) + dt.timedelta(minutes=2)).isoformat()
    assert _record(service, collected_at=in_skew).status_code == 201  # clocks drift
    assert _record(service, items=0).status_code == 201
    assert _record(service, items=5000).status_code == 201
    assert _count(service, source="api") == 3


def test_a_retry_with_the_same_idempotency_key_records_once_and_another_payload_gets_409(
        service: Any) -> None:
    first = _record(service, key="tablet-7/2024-06-03/akama", collected_by="山田 太郎")
    retry = _record(service, key="tablet-7/2024-06-03/akama", collected_by="山田 太郎")
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.json() == first.json()
    assert _count(service, source="api") == 1
    other = _record(service, key="tablet-7/2024-06-03/akama", items=43)
    assert other.status_code == 409
    assert "tablet-7/2024-06-03/akama" in other.json()["detail"]
    assert "items: 42 then, 43 now" in other.json()["detail"]
    assert _count(service, source="api") == 1
    # a corrected record still answers a retry of what was first sent
    collection_id = first.json()["collection_id"]
    service.client.patch(f"/collections/{collection_id}", json={"items": 40, "reason": "数え直し"},
                         headers=service.headers("staff1"))
    late_retry = _record(service, key="tablet-7/2024-06-03/akama", collected_by="山田 太郎")
    assert late_retry.status_code == 200 and late_retry.json()["items"] == 40
    assert _record(service, key="").status_code == 422
    assert _record(service, key="k" * 201).status_code == 422


def test_a_retry_racing_the_first_request_gets_the_first_record_not_a_500(
        service: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _record(service, key="race")
    looked_up = []

    def miss_once(session: Any, key: str) -> Any:  # as if the first had not committed yet
        looked_up.append(key)
        return None if len(looked_up) == 1 else by_key(session, key)

    by_key = collections._by_key
    monkeypatch.setattr(collections, "_by_key", miss_once)
    retry = _record(service, key="race")
    assert retry.status_code == 200 and retry.json() == first.json()
    assert len(looked_up) == 2 and _count(service, source="api") == 1


def test_a_correction_keeps_a_revision_with_old_and_new_values_who_when_and_why(
        service: Any) -> None:
    created = _record(service, collected_by="山田 太郎").json()
    url = f"/collections/{created['collection_id']}"
    staff = service.headers("staff1")
    before = dt.datetime.now(dt.UTC)
    response = service.client.patch(url, headers=staff, json={
        "items": 38, "collected_at": "2024-06-03T10:15:00+09:00", "collected_by": "山田 太郎",
        "reason": "数え直し: 42冊ではなく38冊"})
    assert response.status_code == 200, response.text
    corrected = response.json()
    assert corrected["items"] == 38
    assert corrected["collected_at"] == "2024-06-03T10:15:00+09:00"
    [revision] = corrected["revisions"]
    assert revision["changed_by"] == "staff1"
    assert revision["reason"] == "数え直し: 42冊ではなく38冊"
    assert revision["changes"] == {  # collected_by was sent unchanged: not a change
        "items": {"old": 42, "new": 38},
        "collected_at": {"old": "2024-06-03T09:30:00+09:00",
                         "new": "2024-06-03T10:15:00+09:00"}}
    changed_at = dt.datetime.fromisoformat(revision["changed_at"])
    assert changed_at.utcoffset() == dt.timedelta(hours=9)
    assert before - dt.timedelta(seconds=5) <= changed_at <= dt.datetime.now(dt.UTC)
    second = service.client.patch(url, headers=staff, json={
        "post_id": "munakata-sunlive", "reason": "wrong post picked"}).json()
    assert [r["reason"] for r in second["revisions"]] == ["数え直し: 42冊ではなく38冊",
                                                        "wrong post picked"]
    assert second["revisions"][1]["changes"] == {
        "post_id": {"old": "munakata-akama-station", "new": "munakata-sunlive"}}
    now = service.client.get(url, headers=staff).json()
    assert (now["post_id"], now["items"], now["collected_at"]) == (
        "munakata-sunlive", 38, "2024-06-03T10:15:00+09:00")
    assert now["revisions"] == second["revisions"] and now["recorded_by"] == "staff1"
    refused = [({"items": 38, "reason": "again"}, "nothing to change"),
               ({"items": 5001, "reason": "typo"}, "field 'items': "),
               ({"post_id": "munakata-central", "reason": "x"}, "field 'post_id': "),
               ({"items": 1}, "field 'reason': "),
               ({"items": 1, "reason": "  "}, "field 'reason': "),
               ({"items": None, "reason": "x"}, "field 'items': ")]
    for body, part in refused:
        answer = service.client.patch(url, headers=staff, json=body)
        assert answer.status_code == 422 and part in answer.json()["detail"], (body, answer.text)
    assert len(service.client.get(url, headers=staff).json()["revisions"]) == 2
    assert service.client.patch("/collections/999999", headers=staff, json={
        "items": 1, "reason": "x"}).status_code == 404


def test_the_list_filters_by_post_time_and_source_and_pages_newest_first(service: Any) -> None:
    for post_id, at in [("munakata-akama-station", "2024-06-03T09:30:00"),
                        ("munakata-akama-station", "2024-06-04T23:30:00"),
                        ("munakata-sunlive", "2024-06-04T09:30:00"),
                        ("munakata-akama-station", "2024-06-05T00:10:00")]:
        assert _record(service, post_id=post_id, collected_at=at).status_code == 201
    staff = service.headers("staff1")

    def page(**params: Any) -> Any:
        response = service.client.get("/collections", params=params, headers=staff)
        assert response.status_code == 200, response.text
        return response.json()

    akama = page(source="api", post_id="munakata-akama-station")
    assert akama["total"] == 3
    assert [c["collected_at"] for c in akama["items"]] == [
        "2024-06-05T00:10:00+09:00", "2024-06-04T23:30:00+09:00", "2024-06-03T09:30:00+09:00"]
    day = page(source="api", **{"from": "2024-06-04", "to": "2024-06-04"})  # whole Tokyo day
    assert [c["collected_at"] for c in day["items"]] == [
        "2024-06-04T23:30:00+09:00", "2024-06-04T09:30:00+09:00"]
    assert page(source="api", **{"from": "2024-06-04T09:30:00+09:00",
                                 "to": "2024-06-04T23:30"})["total"] == 2
    second = page(source="api", offset=1, limit=2)
    assert (second["total"], second["offset"], second["limit"]) == (4, 1, 2)
    assert [c["collected_at"] for c in second["items"]] == [
        "2024-06-04T23:30:00+09:00", "2024-06-04T09:30:00+09:00"]
    assert page()["total"] == page(source="seed")["total"] + 4
    for params, field in [({"from": "June"}, "from"), ({"source": "fax"}, "source"),
                          ({"post_id": "nowhere"}, "post_id"), ({"limit": 1001}, "limit"),
                          ({"from": "2024-06-05", "to": "2024-06-04"}, "to"),
                          ({"to": "9999-12-31"}, "to"), ({"from": "0001-01-01"}, "from")]:
        response = service.client.get("/collections", params=params, headers=staff)
        assert response.status_code == 422, params
        assert response.json()["detail"].startswith("field '") and field in response.json()[
            "detail"], params


def test_the_seeded_fy2023_history_gives_sunlive_26_collections_of_2639_items_in_august(
        service: Any) -> None:
    page = service.client.get("/collections", headers=service.headers("staff1"), params={
        "post_id": "munakata-sunlive", "from": "2023-08-01", "to": "2023-08-31"}).json()
    assert page["total"] == 26 and len(page["items"]) == 26
    assert sum(c["items"] for c in page["items"]) == 2639
    assert {c["source"] for c in page["items"]} == {"seed"}
    assert {c["collected_at"][:7] for c in page["items"]} == {"2023-08"}
    assert page["items"][0]["collected_at"] > page["items"][-1]["collected_at"]
    assert page["items"][0]["recorded_by"] is None


def test_a_csv_import_records_every_row_and_exports_them_back_unchanged(service: Any) -> None:
    text = ("post_id,collected_at,items,collected_by,note\r\n"
            "munakata-akama-station,2024-06-10T09:30:00+09:00,41,山田 太郎,\r\n"
            "munakata-sunlive,2024-06-10 10:05,88,,\"雨, 一部濡れ\"\r\n"
            "\r\n"
            "munakata-togo-station,2024/6/10 11:20,17,佐藤,\r\n")
    response = _import(service, text, bom=True)
    assert response.status_code == 201, response.text
    assert response.json() == {"imported": 3}
    exported = service.client.get("/collections/export.csv", params={"source": "csv"},
                                  headers=service.headers("staff1"))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["post_id"], r["collected_at"], r["items"], r["collected_by"], r["note"],
             r["source"]) for r in rows] == [
        ("munakata-akama-station", "2024-06-10T09:30:00+09:00", "41", "山田 太郎", "", "csv"),
        ("munakata-sunlive", "2024-06-10T10:05:00+09:00", "88", "", "雨, 一部濡れ", "csv"),
        ("munakata-togo-station", "2024-06-10T11:20:00+09:00", "17", "佐藤", "", "csv")]
    listed = service.client.get("/collections", params={"source": "csv"},
                                headers=service.headers("staff1")).json()
    assert {c["recorded_by"] for c in listed["items"]} == {"staff1"}
    only_required = _import(service, "items,post_id,collected_at\n5,munakata-city-hall,"
                                     "2024-06-11T09:00:00\n")
    assert only_required.status_code == 201 and only_required.json() == {"imported": 1}


def test_a_csv_with_a_bad_row_on_line_4_imports_nothing_and_names_line_4(
        service: Any) -> None:
    before = _count(service)
    text = ("post_id,collected_at,items,collected_by,note\n"
            "munakata-akama-station,2024-06-10T09:30:00,41,,\n"
            "munakata-sunlive,2024-06-10T10:05:00,88,,\n"
            "munakata-togo-station,2024-06-10T11:20:00,-7,,\n"
            "munakata-city-hall,2024-06-10T11:50:00,12,,\n"
            "munakata-central,2024-06-10T12:00:00,1,,\n"
            "munakata-sunlive,2024-06-10T10:05:00+09:00,3,,\n"
            "munakata-sunlive,2023-08-02T09:30:00,3,,\n")  # seeded FY2023 history
    response = _import(service, text)
    assert response.status_code == 422
    answer = response.json()
    assert answer["detail"].startswith("line 4: field 'items': ")
    assert "-7" in answer["detail"] and "nothing was imported" in answer["detail"]
    assert answer["bad_lines"] == 4
    assert [(e["line"], e["field"]) for e in answer["errors"]] == [
        (4, "items"), (6, "post_id"), (7, "collected_at"), (8, "collected_at")]
    assert "line 3 has it too" in answer["errors"][2]["msg"]  # a duplicate within the file
    assert "already recorded" in answer["errors"][3]["msg"]  # a duplicate of the history
    assert _count(service) == before
    many = "post_id,collected_at,items\n" + "munakata-sunlive,2024-06-10T10:05:00,x\n" * 60
    capped = _import(service, many).json()
    assert capped["bad_lines"] == 60 and len(capped["errors"]) == 50
    assert capped["errors"][-1]["line"] == 51
    refused = [("", "field 'body'"), ("\ufeff\n", "line 1: field 'header'"),
               ("post_id,items\nmunakata-sunlive,3\n", "missing column collected_at"),
               ("post_id,collected_at,items,colour\n", "unknown column 'colour'"),
               ("post_id,collected_at,items\n", "no collections")]
    for body, part in refused:
        response = _import(service, body)
        assert response.status_code == 422 and part in response.json()["detail"], body
    shift_jis = ("post_id,collected_at,items,collected_by\n"
                 "munakata-sunlive,2024-06-10T10:05,3,山田\n")
    not_utf8 = service.client.post("/collections/import", content=shift_jis.encode("cp932"),
                                   headers=service.headers("staff1") | CSV_HEADERS)
    assert not_utf8.status_code == 422 and "UTF-8" in not_utf8.json()["detail"]
    as_json = service.client.post("/collections/import", json="post_id",
                                  headers=service.headers("staff1"))
    assert as_json.status_code == 415
    assert _count(service) == before


def test_the_csv_export_is_utf8_with_a_bom_in_tokyo_time_and_reads_back_as_duplicates(
        service: Any) -> None:
    first = _record(service, collected_by="山田 太郎", note='"濡れ", 2冊').json()
    _record(service, post_id="munakata-sunlive", collected_at="2024-06-04T09:30:00Z", items=7)
    collection_id = first["collection_id"]
    service.client.patch(f"/collections/{collection_id}", json={"items": 40, "reason": "数え直し"},
                         headers=service.headers("staff1"))
    response = service.client.get("/collections/export.csv", params={"source": "api"},
                                  headers=service.headers("staff1"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    header, *rows = list(reader)
    assert header == ["collection_id", "post_id", "post_name_ja", "collected_at", "items",
                      "collected_by", "note", "source", "revisions"]
    assert rows == [  # oldest first
        [str(collection_id), "munakata-akama-station", "JR赤間駅 返却ポスト",
         "2024-06-03T09:30:00+09:00", "40", "山田 太郎", '"濡れ", 2冊', "api", "1"],
        [rows[1][0], "munakata-sunlive", "サンリブくりえいと宗像 返却ポスト",
         "2024-06-04T18:30:00+09:00", "7", "", "", "api", "0"]]
    again = _import(service, response.content.decode("utf-8"))
    assert again.status_code == 422
    assert [(e["line"], e["field"]) for e in again.json()["errors"]] == [
        (2, "collected_at"), (3, "collected_at")]
    assert all("already recorded" in e["msg"] for e in again.json()["errors"])
    august = service.client.get("/collections/export.csv", headers=service.headers("staff1"),
                                params={"post_id": "munakata-sunlive", "from": "2023-08-01",
                                        "to": "2023-08-31"})
    seeded = list(csv.DictReader(io.StringIO(august.content.decode("utf-8-sig"))))
    assert len(seeded) == 26 and sum(int(r["items"]) for r in seeded) == 2639


def test_only_staff_may_use_collections(service: Any) -> None:
    body = {"post_id": "munakata-sunlive", "collected_at": "2024-06-03T09:30:00", "items": 3}
    endpoints: list[tuple[str, str, dict[str, Any]]] = [
        ("post", "/collections", {"json": body}),
        ("get", "/collections", {}),
        ("get", "/collections/1", {}),
        ("patch", "/collections/1", {"json": {"items": 4, "reason": "x"}}),
        ("post", "/collections/import",
         {"content": b"post_id,collected_at,items\n", "headers": CSV_HEADERS}),
        ("get", "/collections/export.csv", {})]
    for method, url, kwargs in endpoints:
        extra = kwargs.pop("headers", {})
        for username, expected in [("akama", 403), ("driver", 403), (None, 401)]:
            response = service.client.request(method, url, **kwargs,
                                              headers=service.headers(username) | extra)
            assert response.status_code == expected, (method, url, username, response.text)
    assert _count(service, source="api") == 0


def test_the_openapi_document_describes_the_collection_endpoints(service: Any) -> None:
    spec = service.client.get("/openapi.json").json()
    paths = spec["paths"]
    assert list(paths["/collections"]) == ["post", "get"]
    for path, method in [("/collections", "post"), ("/collections", "get"),
                         ("/collections/import", "post"), ("/collections/export.csv", "get"),
                         ("/collections/{collection_id}", "get"),
                         ("/collections/{collection_id}", "patch")]:
        operation = paths[path][method]
        assert operation["summary"] and operation["description"], (path, method)
        assert {"401", "403"} <= set(operation["responses"]), (path, method)
    assert "text/csv" in paths["/collections/import"]["post"]["requestBody"]["content"]
    assert "UTF-8 with a BOM" in paths["/collections/export.csv"]["get"]["description"]
    schemas = spec["components"]["schemas"]
    assert schemas["CollectionIn"]["examples"][0]["collected_by"] == "山田 太郎"
    assert schemas["CollectionPatch"]["examples"][0]["reason"]
