"""What every CSV import endpoint checks before reading the body: it was sent as CSV."""

from __future__ import annotations

from fastapi import Request

from api.services.errors import UnsupportedMediaType

#: Content types a CSV import accepts (browsers send a .csv file on Windows as the last).
CSV_MEDIA_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel")


def require_csv(request: Request) -> None:
    """`UnsupportedMediaType` (415) unless the body was sent as one of `CSV_MEDIA_TYPES`."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in CSV_MEDIA_TYPES:
        raise UnsupportedMediaType(f"send the file with Content-Type: text/csv (got "
                                   f"{media_type or 'none'!r})")
