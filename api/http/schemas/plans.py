"""Shapes of ``/plans``: a plan asked for, a plan version and its stops done."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.store.tables import PlanStatus, Publication
from scenarios.day import Mode


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"date": "2023-11-17", "mode": "hub_and_spoke", "vans": 2,
                      "time_limit_s": 10}]})

    date: dt.date = Field(description="the day to plan: any date from the scenario's first "
                                      "data day on; outside the figures' fiscal year the "
                                      "demand model's tasks are marked as estimates")
    mode: Mode = Field(default=Mode.HUB_AND_SPOKE,
                       description="hub_and_spoke (sort at the hub) or direct")
    vans: int | None = Field(default=None, ge=1, le=20,
                             description="use only the first N vans of the scenario")
    time_limit_s: float | None = Field(default=None, gt=0, le=120,
                                       description="solver time limit (default: the "
                                                   "service's PLAN_TIME_LIMIT_S)")
    posts: str = Field(default="forecast", pattern="^(forecast|rota)$",
                       description="return posts chosen by the forecast policy (from the "
                                   "stored collections) or by the FY2023 fixed rota")


class StopDone(BaseModel):
    vehicle_id: str
    stop: int
    site_id: str
    done_at: dt.datetime
    by: str
    note: str


class PlanOut(BaseModel):
    plan_id: int
    scenario: str
    date: dt.date
    version: int
    status: PlanStatus
    publication: Publication = Field(description="published: the version the drivers run; "
                                                 "draft: not published; superseded: "
                                                 "published once, replaced since")
    published_at: dt.datetime | None
    published_by: str | None
    vans_used: int | None = Field(description="vans with stops, once done")
    distance_km: float | None = Field(description="total km, once done")
    tasks: int | None = Field(description="tasks of the day's problem, once done")
    options: dict[str, Any]
    created_at: dt.datetime
    created_by: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str
    summary: dict[str, Any] | None = Field(
        description="once done: per van (stops, km, hours, peak load), unassigned tasks, "
                    "notes, warnings, estimated_tasks (task id -> what it was estimated "
                    "from), served task ids, publish_notes once published")
    links: dict[str, str]
    stops_done: list[StopDone]


class StopDoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"note": "2 crates left at the counter"}]})

    note: str = Field(default="", max_length=500)
