"""Shapes of ``/transfers``: a consignment recorded, read, imported, cancelled."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.collections import Text
from api.store.tables import ConsignmentStatus
from scenarios.consignments import ConsignmentKind


class TransferIn(BaseModel):
    """What must travel from one site to another, ready on a date."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"from_site_id": "munakata-central", "to_site_id": "munakata-sue", "items": 42,
         "kind": "reservation", "ready_date": "2026-12-08", "reference": "ILS-20261208-0042"},
        {"from_site_id": "munakata-sue", "to_site_id": "munakata-central", "items": 70,
         "crates": 3, "kind": "return", "ready_date": "2026-12-08"},
    ]})

    from_site_id: Text = Field(min_length=1, max_length=100,
                               description="where it is now: a library, branch, annex, "
                                           "service point or school of the scenario")
    to_site_id: Text = Field(min_length=1, max_length=100,
                             description="where it goes (not the from_site_id)")
    items: int = Field(ge=1, le=100_000, description="how many items (at most what a van "
                                                      "of the scenario carries)")
    crates: int | None = Field(default=None, ge=1, le=1000,
                               description="crates, when known (default: items / the "
                                           "scenario's items per crate, rounded up)")
    kind: ConsignmentKind = Field(description="reservation (to the pickup site), return "
                                              "(to the owning site), group_lending, "
                                              "inter_library_loan")
    ready_date: dt.date = Field(description="the day it is ready to travel (Asia/Tokyo)")
    reference: Text = Field(default="", max_length=200,
                            description="the library system's id; a second consignment of "
                                        "the same kind and reference is refused")
    note: Text = Field(default="", max_length=2000)


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "予約取消 the reservation was cancelled"}]})

    reason: Text = Field(min_length=1, max_length=2000)


class TransferEventOut(BaseModel):
    at: dt.datetime = Field(description="ISO 8601 in Asia/Tokyo (+09:00)")
    by: str
    from_status: ConsignmentStatus | None = Field(description="null when recorded")
    to_status: ConsignmentStatus
    note: str
    changes: dict[str, Any] | None


class TransferOut(BaseModel):
    """A consignment as it stands, with its history (oldest event first)."""

    consignment_id: int
    from_site_id: str
    from_name_ja: str
    to_site_id: str
    to_name_ja: str
    items: int
    crates: int | None
    kind: ConsignmentKind
    ready_date: dt.date
    reference: str
    note: str
    status: ConsignmentStatus
    status_reason: str = Field(description="why it waits (a closed site, and the day it "
                                           "waits for) or why it was cancelled")
    earliest_date: dt.date | None = Field(
        description="the first day on or after ready_date its sites and the hub are open "
                    "(null: none in the next 120 days)")
    scheduled_date: dt.date | None = Field(description="the day of the published plan "
                                                       "that carries it")
    plan_id: int | None
    plan_version: int | None
    delivered_at: dt.datetime | None
    source: str = Field(description="api or csv")
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    events: list[TransferEventOut]


class TransferImportResult(BaseModel):
    imported: int
    consignment_ids: list[int]
