"""Who may do what: one table of endpoint × role → expected status, checked on both stores.

Roles: none (no token), staff, school librarian (akama, of munakata-es-akama), contractor.
A librarian asking for another school's request gets 404: never the data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

NEEDED_BY = (dt.date.today() + dt.timedelta(days=20)).isoformat()
READY = (dt.date.today() + dt.timedelta(days=2)).isoformat()
TRANSFER = {"from_site_id": "munakata-central", "to_site_id": "munakata-sue", "items": 5,
            "kind": "reservation", "ready_date": READY}
CLOSURE = {"site_id": "munakata-sue", "date": READY, "reason": "点検"}

# (method, path, body, {role: expected status}); role None = no token. {own} is akama's
# request, {other} togo's, {collection} a recorded collection, {plan} a done plan.
TABLE: list[tuple[str, str, Any, dict[str | None, int]]] = [
    ("get", "/sites", None, {None: 401, "staff1": 200, "akama": 200, "driver": 200}),
    ("get", "/sites.geojson", None, {None: 401, "staff1": 200, "akama": 200, "driver": 200}),
    ("get", "/collections", None, {None: 401, "staff1": 200, "akama": 403, "driver": 403}),
    ("post", "/collections", {"post_id": "munakata-sunlive", "items": 12,
                              "collected_at": "2026-11-01T09:00:00+09:00"},
     {None: 401, "staff1": 201, "akama": 403, "driver": 403}),
    ("get", "/collections/{collection}", None,
     {None: 401, "staff1": 200, "akama": 403, "driver": 403}),
    ("patch", "/collections/{collection}", {"items": 13, "reason": "recount"},
     {None: 401, "staff1": 200, "akama": 403, "driver": 403}),
    ("get", "/collections/export.csv", None,
     {None: 401, "staff1": 200, "akama": 403, "driver": 403}),
    ("get", "/school-requests", None, {None: 401, "staff1": 200, "akama": 200, "driver": 200}),
    ("post", "/school-requests", {"school_site_id": "munakata-es-akama", "items": 5,
                                  "topic": "地域の歴史", "needed_by": NEEDED_BY},
     {None: 401, "staff1": 201, "akama": 201, "driver": 403}),
    ("get", "/school-requests/{own}", None,
     {None: 401, "staff1": 200, "akama": 200, "driver": 404}),
    ("get", "/school-requests/{other}", None,
     {None: 401, "staff1": 200, "akama": 404, "driver": 404}),
    ("post", "/school-requests/{other}/cancel", {}, {None: 401, "akama": 404}),
    ("patch", "/school-requests/{own}", {"items": 6},
     {None: 401, "akama": 403, "driver": 403, "staff1": 200}),
    ("post", "/school-requests/{own}/accept", {},
     {None: 401, "akama": 403, "driver": 403, "staff1": 200}),
    ("get", "/plans", None, {None: 401, "staff1": 200, "akama": 403, "driver": 200}),
    ("get", "/plans/{plan}", None, {None: 401, "staff1": 200, "akama": 403, "driver": 200}),
    ("get", "/plans/{plan}/map", None, {None: 401, "staff1": 200, "akama": 403, "driver": 200}),
    ("get", "/plans/{plan}/sheet", None,
     {None: 401, "staff1": 200, "akama": 403, "driver": 200}),
    ("get", "/plans/{plan}.geojson", None,
     {None: 401, "staff1": 200, "akama": 403, "driver": 200}),
    ("post", "/plans", {"date": "2023-11-15", "time_limit_s": 1},
     {None: 401, "akama": 403, "driver": 403}),
    ("post", "/plans/{plan}/stops/{van}/1/done", {},
     {None: 401, "akama": 403, "driver": 201, "staff1": 200}),
    ("post", "/plans/{plan}/publish", None,
     {None: 401, "akama": 403, "driver": 403, "staff1": 200}),
    ("get", "/plans/by-date/2023-11-15", None,
     {None: 401, "staff1": 200, "akama": 403, "driver": 200}),
    ("post", "/transfers", TRANSFER, {None: 401, "akama": 403, "driver": 403, "staff1": 201}),
    ("get", "/transfers", None, {None: 401, "staff1": 200, "akama": 403, "driver": 200}),
    ("get", "/transfers/{transfer}", None,
     {None: 401, "staff1": 200, "akama": 403, "driver": 404}),
    ("post", "/transfers/{transfer}/cancel", {"reason": "x"},
     {None: 401, "akama": 403, "driver": 403}),
    ("post", "/closures", CLOSURE, {None: 401, "akama": 403, "driver": 403, "staff1": 201}),
    ("get", "/closures", None, {None: 401, "staff1": 200, "akama": 200, "driver": 200}),
    ("get", "/closures/{closure}", None,
     {None: 401, "staff1": 200, "akama": 200, "driver": 200}),
    ("delete", "/closures/{closure}", None, {None: 401, "akama": 403, "driver": 403}),
    ("get", f"/calendar?from={READY}", None,
     {None: 401, "staff1": 200, "akama": 200, "driver": 200}),
]


def _setup(service: Any) -> dict[str, Any]:
    client = service.client
    collection = client.post("/collections", headers=service.headers("staff1"), json={
        "post_id": "munakata-akama-station", "items": 30,
        "collected_at": "2026-11-02T09:00:00+09:00"}).json()
    own = client.post("/school-requests", headers=service.headers("akama"), json={
        "items": 10, "topic": "昆虫", "needed_by": NEEDED_BY}).json()
    other = client.post("/school-requests", headers=service.headers("togo"), json={
        "items": 8, "topic": "星座", "needed_by": NEEDED_BY}).json()
    plan = client.post("/plans", params={"wait": "true"}, headers=service.headers("staff1"),
                       json={"date": "2023-11-15", "time_limit_s": 1}).json()
    assert plan["status"] == "done", plan
    transfer = client.post("/transfers", headers=service.headers("staff1"),
                           json={**TRANSFER, "items": 6}).json()
    closure = client.post("/closures", headers=service.headers("staff1"),
                          json={**CLOSURE, "site_id": "munakata-fukata"}).json()
    return {"collection": collection["collection_id"], "own": own["request_id"],
            "other": other["request_id"], "plan": plan["plan_id"],
            "van": plan["summary"]["vans"][0]["vehicle_id"],
            "transfer": transfer["consignment_id"], "closure": closure["closure_id"]}


@pytest.mark.slow
def test_every_role_gets_the_status_the_table_says_at_every_endpoint(service) -> None:  # type: ignore[no-untyped-def]
    ids = _setup(service)
    mismatches = []
    for method, path, body, expected_by_role in TABLE:
        url = path.format(**ids)
        for role, expected in expected_by_role.items():
            kwargs: dict[str, Any] = {"headers": service.headers(role)}
            if body is not None:
                kwargs["json"] = body
            response = getattr(service.client, method)(url, **kwargs)
            if response.status_code != expected:
                mismatches.append(f"{method.upper()} {url} as {role}: {response.status_code} "
                                  f"(expected {expected}) {response.text[:120]}")
            if expected in (403, 404) and response.status_code in (403, 404):
                assert "topic" not in response.text and "items" not in response.text, url
    assert not mismatches, "\n".join(mismatches)
