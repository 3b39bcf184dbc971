"""The FastAPI application: /health, the OpenAPI metadata, and the settings."""

from __future__ import annotations

from importlib import metadata

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.http.app import TITLE, app, create_app
from api.settings import DEFAULT_DATABASE_URL, Settings


@pytest.fixture
def client() -> TestClient:
    """A client of a fresh app with default settings (no database is touched)."""
    return TestClient(create_app(Settings()))


def test_health_says_ok_with_versions(client: TestClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": metadata.version("bookrun"),
        "solver": f"ortools {metadata.version('ortools')}",
    }


def test_health_rejects_post(client: TestClient) -> None:
    assert client.post("/health").status_code == 405


def test_openapi_has_title_description_and_health(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()

    assert schema["info"]["title"] == TITLE
    assert schema["info"]["version"] == metadata.version("bookrun")
    assert "OR-Tools" in schema["info"]["description"]
    assert "get" in schema["paths"]["/health"]


def test_module_level_app_serves_health() -> None:
    assert TestClient(app).get("/health").json()["status"] == "ok"


def test_create_app_keeps_given_settings() -> None:
    settings = Settings(database_url="sqlite:///elsewhere.db")

    assert create_app(settings).state.settings is settings


def test_settings_default_to_sqlite_file() -> None:
    assert Settings.from_env({}).database_url == DEFAULT_DATABASE_URL == "sqlite:///bookrun.db"


def test_settings_read_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://127.0.0.1:5432/test"
    monkeypatch.setenv("DATABASE_URL", url)

    assert Settings.from_env().database_url == url


def test_empty_database_url_keeps_default() -> None:
    assert Settings.from_env({"DATABASE_URL": ""}).database_url == DEFAULT_DATABASE_URL


def test_settings_refuse_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="database_ur"):
        Settings(database_ur="sqlite://")  # type: ignore[call-arg]  # a typo must not pass
