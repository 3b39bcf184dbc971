"""Shapes of ``/collections``: a return-post collection in, out, corrected, imported.

Times are ISO 8601; a time without an offset means Asia/Tokyo, and every time the API
returns is shown in Asia/Tokyo (``+09:00``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from api.services.collections import (
    MAX_ITEMS,
    MIN_ITEMS,
    SOURCES,
    TIME_FORMAT_HINT,
    parse_local_time,
)
from scenarios.calendar import TOKYO


def _local_time(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=TOKYO)
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_type", f"expected {TIME_FORMAT_HINT}")
    try:
        return parse_local_time(value)
    except ValueError as exc:
        raise PydanticCustomError("datetime_parsing", str(exc)) from None


#: An aware datetime from ISO 8601 text; without an offset it is Asia/Tokyo.
LocalDateTime = Annotated[dt.datetime, BeforeValidator(_local_time)]

def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "must not contain NUL characters")
    return value


#: Free text as given (Japanese included, nothing trimmed), without NUL characters (which
#: PostgreSQL cannot store).
Text = Annotated[str, AfterValidator(_no_nul)]

_ITEMS_DESCRIPTION = f"books and other items taken out of the post, {MIN_ITEMS}..{MAX_ITEMS}"
_ITEMS_SCHEMA: dict[str, Any] = {"minimum": MIN_ITEMS, "maximum": MAX_ITEMS}


class CollectionIn(BaseModel):
    """One collection as staff record it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"post_id": "munakata-akama-station", "collected_at": "2024-06-03T09:30:00+09:00",
         "items": 42, "collected_by": "山田 太郎", "note": "雨のため一部濡れあり"}]})

    post_id: Text = Field(min_length=1, max_length=100,
                         description="site id of a return post (kind return_post)")
    collected_at: LocalDateTime = Field(
        description="when the post was emptied; no offset = Asia/Tokyo; not in the future "
                    "(5 minutes of clock skew allowed), not before 2000-01-01")
    items: int = Field(strict=True, description=_ITEMS_DESCRIPTION,
                       json_schema_extra=_ITEMS_SCHEMA)
    collected_by: Text = Field(default="", max_length=200,
                              description="who emptied the post (free text, any script)")
    note: Text = Field(default="", max_length=2000)


class CollectionPatch(BaseModel):
    """A correction: the fields to change (leave the others out) and why."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"items": 38, "reason": "数え直し: 42冊ではなく38冊"}]})

    post_id: Text | None = Field(default=None, min_length=1, max_length=100)
    collected_at: LocalDateTime | None = None
    items: int | None = Field(default=None, strict=True, description=_ITEMS_DESCRIPTION,
                              json_schema_extra=_ITEMS_SCHEMA)
    collected_by: Text | None = Field(default=None, max_length=200)
    note: Text | None = Field(default=None, max_length=2000)
    reason: Text = Field(min_length=1, max_length=2000,
                        description="why the record is corrected (kept in the revision); "
                                    "not blank")


class FieldChange(BaseModel):
    """One field's value before and after a correction (times as ISO 8601 +09:00)."""

    old: int | str
    new: int | str


class RevisionOut(BaseModel):
    revision_id: int
    changed_at: dt.datetime
    changed_by: str | None = Field(description="username of who corrected the record")
    reason: str
    changes: dict[str, FieldChange]


class CollectionOut(BaseModel):
    """A collection as it stands now, with every correction made to it, oldest first."""

    collection_id: int
    post_id: str
    post_name_ja: str
    collected_at: dt.datetime
    items: int
    collected_by: str
    note: str
    recorded_at: dt.datetime
    recorded_by: str | None = Field(description="username; none for the seeded history")
    source: str = Field(description=f"one of {', '.join(SOURCES)}")
    revisions: list[RevisionOut]


class ImportResult(BaseModel):
    imported: int = Field(description="number of collections recorded")


class ImportProblem(BaseModel):
    """One bad value of a CSV import, by line (the header is line 1, as a spreadsheet
    counts)."""

    line: int
    field: str
    input: str | None
    msg: str


class ImportRejected(BaseModel):
    """The answer to a CSV with bad lines: nothing was imported."""

    detail: str
    bad_lines: int
    errors: list[ImportProblem] = Field(description="the problems, at most 50")
