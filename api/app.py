"""The FastAPI application: `create_app` assembles it, `app` is what uvicorn serves.

Run it with ``uvicorn api.app:app`` (the Dockerfile does the same). Only ``GET /health``
exists so far; the planning, store and map routers are planned.
"""

from __future__ import annotations

from importlib import metadata

from fastapi import FastAPI
from pydantic import BaseModel

from api.settings import Settings, get_settings

TITLE = "bookrun"
DESCRIPTION = (
    "Delivery route planner for a municipal library system: book-drop collections, "
    "transfers between the hub, branches and service points, and school requests, "
    "planned with Google OR-Tools. Units: metres (`_m`), seconds from midnight (`_s`), "
    "coordinates as `lat`/`lon` (WGS 84). The JSON documents are described in "
    "docs/format.md."
)


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


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application.

    Parameters
    ----------
    settings
        The settings to use; default: read from the environment (`get_settings`).

    Returns
    -------
    FastAPI
        The application, with its settings in ``app.state.settings``.
    """
    application = FastAPI(title=TITLE, description=DESCRIPTION, version=_version("bookrun"))
    application.state.settings = settings if settings is not None else get_settings()

    @application.get("/health", response_model=Health, tags=["health"],
                     summary="Liveness check")
    def health() -> Health:
        """Say the service is up, with bookrun's version and the solver's."""
        return Health(status="ok", version=_version("bookrun"),
                      solver=f"ortools {_version('ortools')}")

    return application


app = create_app()
