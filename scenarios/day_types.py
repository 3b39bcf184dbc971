"""What the day assembly (`scenarios.day`) takes and gives back besides the network and
the problem: its options (`DayOptions`, `Mode`), its error (`DayError`) and the notes it
stores in ``problem.meta`` (`DayNotes`, `Deferred`), which the service reads back from a
stored problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Mode(StrEnum):
    HUB_AND_SPOKE = "hub_and_spoke"
    DIRECT = "direct"


class DayError(ValueError):
    """The day cannot be assembled: a date outside the scenario's data, an unknown site or
    post in the input, a bad option. The message names the field and the value."""


@dataclass(frozen=True)
class DayOptions:
    """Choices for one day. ``vehicle_count`` takes the first N vans of the scenario;
    ``capacity_crates`` and ``shift`` override every van's."""

    mode: Mode = Mode.HUB_AND_SPOKE
    vehicle_count: int | None = None
    capacity_crates: int | None = None
    shift_s: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "mode", Mode(self.mode))
        except ValueError:
            modes = ", ".join(m.value for m in Mode)
            raise DayError(f"option 'mode': must be one of {modes}, got {self.mode!r}") from None
        for name in ("vehicle_count", "capacity_crates"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):
                raise DayError(f"option '{name}': must be a whole number >= 1, got {value!r}")


@dataclass(frozen=True)
class Deferred:
    """Something that wanted to move today but cannot, and why."""

    ref: str
    site_id: str
    reason: str
    items: int = 0


@dataclass(frozen=True)
class DayNotes:
    """What `problem_for_day` stores in ``problem.meta`` (as plain dicts and lists).

    ``estimates`` maps each task that was estimated rather than recorded to what it was
    estimated from (``estimate: FY2023 annual figures``); ``warnings`` are what people
    must read before relying on the plan (a date far from the demand figures).
    """

    scenario_id: str
    date: dt.date
    mode: Mode
    hub_open: bool
    school_run: bool
    deferred: tuple[Deferred, ...] = ()
    not_visited: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    estimates: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def to_meta(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "date": self.date.isoformat(),
            "mode": self.mode.value,
            "hub_open": self.hub_open,
            "school_run": self.school_run,
            "deferred": [{"ref": d.ref, "site_id": d.site_id, "reason": d.reason,
                          "items": d.items} for d in self.deferred],
            "not_visited": dict(self.not_visited),
            "notes": list(self.notes),
            "estimates": dict(self.estimates),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> DayNotes:
        return cls(
            scenario_id=str(meta["scenario"]),
            date=dt.date.fromisoformat(str(meta["date"])),
            mode=Mode(meta["mode"]),
            hub_open=bool(meta["hub_open"]),
            school_run=bool(meta["school_run"]),
            deferred=tuple(Deferred(d["ref"], d["site_id"], d["reason"], int(d.get("items", 0)))
                           for d in meta.get("deferred", ())),
            not_visited=dict(meta.get("not_visited", {})),
            notes=tuple(meta.get("notes", ())),
            estimates=dict(meta.get("estimates", {})),
            warnings=tuple(meta.get("warnings", ())),
        )
