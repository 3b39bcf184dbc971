"""The service's frame: migrations refuse an old database, sign-in, sites, body limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from api.store.db import NotMigrated, check_migrated, make_engine


def test_an_unmigrated_database_stops_the_start_with_the_command_to_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with pytest.raises(NotMigrated, match="bookrun db upgrade"):
        check_migrated(make_engine(url))
    application = create_app(Settings(database_url=url))
    with pytest.raises(NotMigrated, match="has no bookrun tables"), TestClient(application):
        pass


def test_login_gives_a_token_and_wrong_passwords_get_401(service) -> None:  # type: ignore[no-untyped-def]
    client = service.client
    assert client.post("/auth/token", json={"username": "staff1", "password": "nope"}
                       ).status_code == 401
    me = client.get("/auth/me", headers=service.headers("akama"))
    assert me.status_code == 200
    assert me.json() == {"username": "akama", "role": "school_librarian",
                         "school_site_id": "munakata-es-akama"}
    assert client.get("/auth/me").status_code == 401
    assert client.get("/auth/me", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_sites_are_listed_in_pages_and_as_geojson_with_japanese_names(service) -> None:  # type: ignore[no-untyped-def]
    client = service.client
    page = client.get("/sites", params={"kind": "return_post", "limit": 5},
                      headers=service.headers("driver")).json()
    assert page["total"] == 7 and len(page["items"]) == 5
    hub = client.get("/sites/munakata-central", headers=service.headers("akama")).json()
    assert hub["name_ja"].startswith("宗像市民図書館")
    geo = client.get("/sites.geojson", headers=service.headers("staff1")).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 39
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert 130 < lon < 131 and 33 < lat < 34
    assert client.get("/sites", params={"kind": "castle"},
                      headers=service.headers("staff1")).json()["detail"].startswith(
        "field 'kind'")
    assert client.get("/sites/nowhere", headers=service.headers("staff1")).status_code == 404
    assert client.get("/sites").status_code == 401


def test_an_oversize_body_gets_413(service) -> None:  # type: ignore[no-untyped-def]
    response = service.client.post("/auth/token", content=b"x" * 2_000_000,
                                   headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "exceeds the limit" in response.json()["detail"]


def test_malformed_json_gets_422_naming_the_body(service) -> None:  # type: ignore[no-untyped-def]
    response = service.client.post("/auth/token", content=b"{not json",
                                   headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "field" in response.json()["detail"]
