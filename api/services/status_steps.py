"""What the lifecycles of school requests and consignments share: whether a step is
allowed, and recording a step in a row's history."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session


def step_refusal(what: str, current: StrEnum, to_status: StrEnum,
                 allowed_from: Mapping[Any, frozenset[Any]]) -> str | None:
    """Why ``what`` (``request 3``) cannot move from ``current`` to ``to_status``, naming
    both and the statuses it could come from; None when it can."""
    allowed = allowed_from.get(to_status, frozenset())
    if current in allowed:
        return None
    where = ", ".join(sorted(s.value for s in allowed)) or "no status"
    return (f"{what} is {current.value}: it cannot become {to_status.value} (only from "
            f"{where})")


def append_step(session: Session, row: Any, event: Any, to_status: StrEnum) -> None:
    """Add ``event`` (a step already filled in) to ``row``'s history, set the row's status
    and ``updated_at`` to the event's, and flush."""
    row.events.append(event)
    row.status = to_status
    row.updated_at = event.at
    session.flush()
