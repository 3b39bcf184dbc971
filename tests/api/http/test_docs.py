"""``/docs`` and ``/redoc`` are served with bookrun's own copies of Swagger UI and ReDoc:
every script, style and icon they name is a path of the service that answers.
(In a browser with the network cut: tests/e2e/test_docs_offline.py.)"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings


@pytest.fixture
def client() -> TestClient:
    """A client of a fresh app with default settings (no database is touched)."""
    return TestClient(create_app(Settings()))


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_only_what_the_service_serves(client: TestClient,
                                                          page: str) -> None:
    html = client.get(page)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")

    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?['"]([^'"]+)['"]""", html.text)
    loaded = [a or b for a, b in urls]

    assert loaded and not any(u.startswith(("http:", "https:", "//")) for u in loaded), loaded
    assert "fonts.googleapis" not in html.text and "cdn.jsdelivr" not in html.text
    for url in loaded:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert len(answer.content) > 0


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_may_load_from_the_service_only(client: TestClient, page: str) -> None:
    policy = client.get(page).headers["content-security-policy"]

    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "http" not in policy


def test_swagger_ui_asks_no_outside_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


def test_the_swagger_assets_are_served_with_their_types(client: TestClient) -> None:
    script = client.get("/docs-assets/swagger-ui-5.36.0/swagger-ui-bundle.js")
    css = client.get("/docs-assets/swagger-ui-5.36.0/swagger-ui.css")

    assert "javascript" in script.headers["content-type"] and "SwaggerUI" in script.text
    assert css.headers["content-type"].startswith("text/css")
    assert client.get("/docs-assets/nothing.js").status_code == 404


def test_the_docs_pages_are_not_operations_of_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert not any(p.startswith(("/docs", "/redoc")) for p in paths)
