"""Return-post collections as plain records, and the per-post rules the policy reads.

The store (``api/store``) converts its rows to `CollectionRecord`; the reports, flags,
forecast and replay take these records and never see the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

#: The posts' local time: days, months and fiscal years follow it.
TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class CollectionRecord:
    """One emptying of a return post: ``items`` taken at ``collected_at`` (aware)."""

    post_id: str
    collected_at: dt.datetime
    items: int
    collection_id: int | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.collected_at.tzinfo is None:
            raise ValueError(f"collection of '{self.post_id}' field 'collected_at': needs a "
                             f"time zone, got {self.collected_at.isoformat()}")
        if self.items < 0:
            raise ValueError(f"collection of '{self.post_id}' field 'items': must be >= 0, "
                             f"got {self.items}")


@dataclass(frozen=True)
class PostRules:
    """What a post allows: ``capacity_items`` (the box), ``safe_fill`` (the share of the
    capacity the policy never plans past), ``max_interval_days`` (longest the post may go
    without being emptied; longer is flagged and forces a visit)."""

    post_id: str
    capacity_items: int = 100
    safe_fill: float = 0.85
    max_interval_days: int = 7

    def __post_init__(self) -> None:
        if self.capacity_items < 1:
            raise ValueError(f"post '{self.post_id}' field 'capacity_items': must be >= 1, "
                             f"got {self.capacity_items}")
        if not 0.1 <= self.safe_fill <= 1.0:
            raise ValueError(f"post '{self.post_id}' field 'safe_fill': must be within "
                             f"[0.1, 1], got {self.safe_fill}")
        if self.max_interval_days < 1:
            raise ValueError(f"post '{self.post_id}' field 'max_interval_days': must be >= 1, "
                             f"got {self.max_interval_days}")
