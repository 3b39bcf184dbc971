"""Request and response shapes of ``/school-requests`` (pydantic v2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.store.tables import RequestStatus


def _not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("must not be blank")
    return value


class SchoolRequestCreate(BaseModel):
    """A school's request for materials."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"items": 30, "topic": "3年 昆虫の図鑑", "for_class": "3年2組 理科「こん虫の体」",
         "needed_by": "2030-06-10"},
        {"school_site_id": "munakata-es-akama", "from_site_id": "munakata-es-togo",
         "items": 12, "topic": "English picture books", "needed_by": "2030-06-20"},
    ]})

    school_site_id: str | None = Field(
        default=None, min_length=1, max_length=100,
        description="the requesting school; a school librarian may leave it out (their "
                    "own school) and may give only their own; staff must give it")
    from_site_id: str | None = Field(
        default=None, min_length=1, max_length=100,
        description="where the materials come from: the city library (the hub, the "
                    "default) or another school")
    items: int = Field(ge=1, le=500, description="how many items (1-500)")
    topic: str = Field(min_length=1, max_length=500,
                       description="the topic or titles, stored as written (Japanese welcome)")
    for_class: str | None = Field(default=None, max_length=200,
                                  description="the class or unit, e.g. 3年2組 理科")
    needed_by: dt.date = Field(description="the date the school needs them by (Asia/Tokyo; "
                                           "today or later)")

    _topic = field_validator("topic")(_not_blank)


class SchoolRequestUpdate(BaseModel):
    """Fields to change (staff). Give only those that change; at least one must differ."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"items": 20, "needed_by": "2030-06-17"},
        {"from_site_id": "munakata-es-togo", "note": "the city library's copies are out"},
        {"extra_run_date": "2030-06-12", "note": "臨時便: the school's run day is a holiday"},
    ]})

    from_site_id: str | None = Field(default=None, min_length=1, max_length=100)
    items: int | None = Field(default=None, ge=1, le=500)
    topic: str | None = Field(default=None, min_length=1, max_length=500)
    for_class: str | None = Field(default=None, max_length=200,
                                  description="an empty string clears it")
    needed_by: dt.date | None = None
    ready_date: dt.date | None = Field(default=None, description="the day the materials are "
                                                                 "ready (null: the day it "
                                                                 "was accepted)")
    extra_run_date: dt.date | None = Field(default=None,
                                           description="a day for an extra run to the "
                                                       "school instead of its run days "
                                                       "(null: none)")
    note: str = Field(default="", max_length=2000,
                      description="why, recorded on the event (not a field of the request)")

    _topic = field_validator("topic")(_not_blank)


class AcceptBody(BaseModel):
    """Accepting a request: a note, and optionally when the materials are ready and a day
    for an extra run."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"note": "揃い次第お届けします"},
        {"ready_date": "2030-06-08", "extra_run_date": "2030-06-09"}]})

    note: str = Field(default="", max_length=2000)
    ready_date: dt.date | None = Field(default=None, description="the day the materials are "
                                                                 "ready (default: today)")
    extra_run_date: dt.date | None = Field(
        default=None, description="deliver on this day by an extra run (the school, the "
                                  "lending site and the hub open), instead of the school's "
                                  "next run day")


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "該当資料が貸出中のため、6月末以降に再度ご依頼ください"}]})

    reason: str = Field(min_length=1, max_length=2000,
                        description="why, shown to the school (not blank)")

    _reason = field_validator("reason")(_not_blank)


class CancelBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "授業の予定が変わりました"}]})

    reason: str = Field(default="", max_length=2000)


class NoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"note": "2 crates left with the school office"}]})

    note: str = Field(default="", max_length=2000)


class FieldChange(BaseModel):
    """One changed field: its value before and after (dates as ISO strings)."""

    old: Any = None
    new: Any = None


class SchoolRequestEventOut(BaseModel):
    """One step of a request's history."""

    at: dt.datetime = Field(description="when, ISO 8601 in Asia/Tokyo (+09:00)")
    by: str = Field(description="the username")
    from_status: RequestStatus | None = Field(description="null for the filing")
    to_status: RequestStatus
    note: str
    changes: dict[str, FieldChange] | None = Field(
        description="the fields set or changed, or null for a plain status change")


class SchoolRequestOut(BaseModel):
    """A school request as it stands, with its history (oldest event first)."""

    request_id: int
    school_site_id: str
    from_site_id: str
    items: int
    topic: str
    for_class: str
    needed_by: dt.date
    status: RequestStatus
    status_reason: str = Field(description="the rejection or cancellation reason")
    scheduled_date: dt.date | None = Field(description="the planned delivery date, once the "
                                                       "plan of that date is published")
    plan_id: int | None = Field(description="the plan that delivers it")
    ready_date: dt.date | None = Field(description="the day the materials are ready (as set "
                                                   "by staff, else the day it was accepted)")
    extra_run_date: dt.date | None = Field(description="an extra run staff chose")
    planned_for: dt.date | None = Field(description="the run day the library plans it for "
                                                    "(an accepted request), or its "
                                                    "scheduled date")
    late: bool = Field(description="the planned delivery is after needed_by")
    late_reason: str = Field(description="why it cannot make needed_by (empty when on time)")
    created_at: dt.datetime = Field(description="ISO 8601 in Asia/Tokyo (+09:00)")
    created_by: str
    updated_at: dt.datetime
    events: list[SchoolRequestEventOut]
