"""Shapes of ``/closures``: a closure or opening recorded for a site or a calendar."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.http.schemas.collections import Text
from scenarios.closures import ClosureKind


class ClosureIn(BaseModel):
    """A closure (臨時休館, a school holiday) or an opening (a term day inside a written
    holiday period): a site or a calendar, a date or a range, a reason."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"site_id": "munakata-sue", "date": "2026-12-09", "reason": "館内工事 building works"},
        {"calendar": "school", "first_date": "2026-12-19", "last_date": "2027-01-07",
         "reason": "冬休み winter holidays"},
        {"calendar": "school", "first_date": "2027-04-01", "last_date": "2027-04-07",
         "reason": "新学期 term starts", "kind": "open"},
    ]})

    site_id: Text | None = Field(default=None, min_length=1, max_length=100,
                                 description="a site of the scenario (or give calendar)")
    calendar: Text | None = Field(default=None, min_length=1, max_length=100,
                                  description="a calendar of the scenario: every site on it "
                                              "(library, school, community_centre, ...)")
    date: dt.date | None = Field(default=None, description="one day (or give first_date)")
    first_date: dt.date | None = Field(default=None, description="the first day of a range")
    last_date: dt.date | None = Field(default=None, description="the last day of a range "
                                                                "(default: first_date)")
    reason: Text = Field(min_length=1, max_length=500,
                         description="what people read on the plan (Japanese welcome)")
    kind: ClosureKind = Field(default=ClosureKind.CLOSED,
                              description="closed, or open: the written closed periods do "
                                          "not apply on these days (weekly closures and "
                                          "national holidays still do)")

    @model_validator(mode="after")
    def _one_day_or_a_range(self) -> ClosureIn:
        if (self.date is None) == (self.first_date is None):
            raise ValueError("give date (one day) or first_date (a range), exactly one")
        if self.date is not None and self.last_date is not None:
            raise ValueError("last_date goes with first_date, not with date")
        return self

    @property
    def days(self) -> tuple[dt.date, dt.date]:
        first = self.date or self.first_date
        assert first is not None
        return first, self.last_date or first


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "日付の誤り wrong date"}]})

    reason: Text = Field(default="", max_length=500)


class ClosureOut(BaseModel):
    closure_id: int
    site_id: str | None
    calendar: str | None
    first_date: dt.date
    last_date: dt.date
    kind: ClosureKind
    reason: str
    source: str = Field(description="api or csv")
    created_at: dt.datetime
    created_by: str
    withdrawn_at: dt.datetime | None
    withdrawn_by: str | None
    withdrawn_reason: str


class ClosureImportResult(BaseModel):
    imported: int
