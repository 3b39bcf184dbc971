"""The interactive API documentation, served by bookrun itself: ``/docs`` (Swagger UI) and
``/redoc`` (ReDoc) load their scripts and styles from ``/docs-assets/``, copies shipped in
``api/http/assets/`` (``api/http/assets/README.md`` says where from), so they work on a
closed network. FastAPI's own ``/docs`` and ``/redoc`` would load them from a CDN and show
a blank page there; `create_app` turns those off and calls `mount_docs`.

Both pages are sent with a Content-Security-Policy that lets them load from the service
only: ReDoc's footer logo (an image on Redocly's CDN, which its bundle asks for with no
option to turn it off) is then never requested and hides itself, and Swagger UI's
validator badge is turned off, so opening the docs sends nothing off the closed network.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI = "swagger-ui-5.36.0"
REDOC = "redoc-2.5.4"
#: Where the copies are served.
ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(__file__).resolve().parent / "assets"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
#: What the documentation pages may load: only the service (their inline start-up script
#: and styles, images as data: URLs, ReDoc's search worker from a blob: URL).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
                           "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                           "font-src 'self' data:; connect-src 'self'; "
                           "worker-src 'self' blob:; frame-ancestors 'self'")


def _same_origin_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return page


def mount_docs(application: FastAPI) -> None:
    """Serve the shipped Swagger UI and ReDoc copies and the two documentation pages."""
    application.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    openapi_url = application.openapi_url or "/openapi.json"
    title = application.title

    @application.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _same_origin_only(get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{title} — Swagger UI",
            swagger_js_url=f"{ASSETS_URL}/{SWAGGER_UI}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/{SWAGGER_UI}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/{SWAGGER_UI}/favicon-32x32.png",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_ui_parameters={"validatorUrl": None}))

    @application.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @application.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _same_origin_only(get_redoc_html(
            openapi_url=openapi_url, title=f"{title} — ReDoc",
            redoc_js_url=f"{ASSETS_URL}/{REDOC}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/{SWAGGER_UI}/favicon-32x32.png",
            with_google_fonts=False))
