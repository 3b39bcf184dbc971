"""The FastAPI application: `create_app` assembles it, `app` is what uvicorn serves.

Routers per resource (``api/http/routers/``): ``/auth``, ``/sites``, ``/collections``,
``/school-requests``, ``/plans``, ``/drops``, plus ``/health``. The store is opened from the
settings' ``DATABASE_URL``; a database that is not migrated makes the service refuse to start
(``bookrun serve``) or answer 503 naming ``bookrun db upgrade``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.http.docs import mount_docs
from api.http.errors import register_error_handlers
from api.http.routers import (
    auth,
    calendar,
    closures,
    collections,
    drops,
    plans,
    school_requests,
    sites,
    transfers,
)
from api.services.plan_jobs import PlanJobs
from api.settings import Settings, get_settings
from api.store.db import check_migrated, make_engine, make_session_factory

TITLE = "bookrun"
DESCRIPTION = (
    "Delivery route planner for a municipal library system: book-drop collections, "
    "transfers between the hub, branches and service points, and school requests, "
    "planned with Google OR-Tools. Units: metres (`_m`), seconds from midnight (`_s`), "
    "coordinates as `lat`/`lon` (WGS 84). Times are ISO 8601 in Asia/Tokyo (+09:00). "
    "Sign in with `POST /auth/token` and send `Authorization: Bearer <token>`. Roles: "
    "staff (everything), school_librarian (their own school's requests), contractor "
    "(plans, stops done). The JSON documents of plans are described in docs/format.md."
)

#: Paths whose bodies may be larger (CSV imports): this many times ``max_body_bytes``.
LARGE_BODY_PATHS = {"/collections/import": 8, "/closures/import": 8, "/transfers/import": 8}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Health(BaseModel):
    """The answer of ``GET /health``."""

    status: str
    version: str
    solver: str


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


class BodyLimit:
    """Answer 413 to a request body larger than the limit, declared or streamed."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes * LARGE_BODY_PATHS.get(scope.get("path", ""), 1)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send, int(declared), limit)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(received)
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge as exc:
            await self._too_large(send, exc.size, limit)

    @staticmethod
    async def _too_large(send: Send, size: int, limit: int) -> None:
        response = JSONResponse(status_code=413, content={
            "detail": f"request body of {size} bytes exceeds the limit of {limit} bytes"})
        await response({"type": "http"}, _no_receive, send)


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application.

    Parameters
    ----------
    settings
        The settings to use; default: read from the environment (`get_settings`).

    Returns
    -------
    FastAPI
        The application, with ``app.state.settings``, ``.engine`` and
        ``.session_factory``. Nothing touches the database until a request needs it or
        the app starts: the lifespan checks the migrations and puts the plan job runner
        on ``app.state.plan_jobs`` (its worker process starts with the first plan).
    """
    settings = settings if settings is not None else get_settings()

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        check_migrated(application.state.engine)  # refuse to start on an old database
        application.state.migrated = True
        jobs = PlanJobs(application.state.session_factory)
        application.state.plan_jobs = jobs
        try:
            yield
        finally:
            jobs.shutdown()

    # /docs and /redoc from the copies bookrun ships (api/http/docs.py), not from a CDN.
    application = FastAPI(title=TITLE, description=DESCRIPTION, version=_version("bookrun"),
                          lifespan=lifespan, docs_url=None, redoc_url=None)
    mount_docs(application)
    application.state.settings = settings
    application.state.engine = make_engine(settings.database_url)
    application.state.session_factory = make_session_factory(application.state.engine)
    application.state.migrated = False

    register_error_handlers(application)

    @application.get("/health", response_model=Health, tags=["health"],
                     summary="Liveness check")
    def health() -> Health:
        """Say the service is up, with bookrun's version and the solver's."""
        return Health(status="ok", version=_version("bookrun"),
                      solver=f"ortools {_version('ortools')}")

    for router in (auth.router, sites.router, collections.router, school_requests.router,
                   plans.router, transfers.router, closures.router, calendar.router,
                   drops.router):
        application.include_router(router)
    application.add_middleware(BodyLimit, max_body_bytes=settings.max_body_bytes)
    return application


app = create_app()
