"""Response classes with the media types the API serves besides JSON."""

from __future__ import annotations

from fastapi.responses import JSONResponse


class GeoJSONResponse(JSONResponse):
    """RFC 7946 GeoJSON (``application/geo+json``), UTF-8."""

    media_type = "application/geo+json"
