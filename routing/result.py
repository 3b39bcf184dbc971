"""The `Plan` a solve returns: routes of timed visits, totals, and unassigned tasks with reasons.

Same units as `routing.problem`: seconds from midnight, integer metres, loads per
capacity dimension. A plan refers to sites, vehicles and tasks by their string ids only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ActionKind(StrEnum):
    """What happens to a task at a visit."""

    LOAD = "load"  # at the van's start: a hub delivery is loaded
    PICKUP = "pickup"  # goods taken on at a site (pickup task, or first half of a shipment)
    DELIVERY = "delivery"  # goods dropped at a site (delivery task, or second half of a shipment)
    VISIT = "visit"  # a visit task done
    UNLOAD = "unload"  # at the van's end: a pickup is unloaded at the hub


@dataclass(frozen=True)
class Action:
    task_id: str
    kind: ActionKind


class VisitKind(StrEnum):
    START = "start"
    STOP = "stop"
    END = "end"


@dataclass(frozen=True)
class Visit:
    """One stop of a route.

    ``arrival_s`` is when the van gets there, ``start_s`` when service starts (inside a
    time window of the site), ``departure_s`` when it leaves. ``waiting_s`` is time
    spent idle before ``start_s`` (not counting the break). ``load_after`` is what the
    van holds when it leaves, per capacity dimension.
    """

    site_id: str
    kind: VisitKind
    arrival_s: int
    start_s: int
    departure_s: int
    waiting_s: int
    load_after: Mapping[str, int]
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class RouteBreak:
    start_s: int
    duration_s: int


@dataclass(frozen=True)
class Route:
    """One vehicle's day."""

    vehicle_id: str
    visits: tuple[Visit, ...]
    distance_m: int
    driving_s: int
    service_s: int
    waiting_s: int
    duration_s: int
    cost: float
    lunch_break: RouteBreak | None = None

    @property
    def start_s(self) -> int:
        return self.visits[0].departure_s

    @property
    def end_s(self) -> int:
        return self.visits[-1].arrival_s

    @property
    def stops(self) -> tuple[Visit, ...]:
        return tuple(v for v in self.visits if v.kind is VisitKind.STOP)

    def peak_load(self) -> dict[str, int]:
        peak: dict[str, int] = {}
        for visit in self.visits:
            for dim, value in visit.load_after.items():
                peak[dim] = max(peak.get(dim, 0), value)
        return peak


class UnassignedReason(StrEnum):
    """Why a task is not on any route."""

    NO_VEHICLE_IN_TIME = "no_vehicle_in_time"  # no van can reach it inside its window and shift
    EXCEEDS_CAPACITY = "exceeds_capacity"  # larger than every van that could carry it
    NOT_WORTH_DETOUR = "not_worth_detour"  # optional, and the detour costs more than its penalty
    NO_ROOM_IN_PLAN = "no_room_in_plan"  # could be served alone, but not together with the rest
    UNREACHABLE = "unreachable"  # no road or leg leads there from any van's start


@dataclass(frozen=True)
class Unassigned:
    task_id: str
    reason: UnassignedReason
    detail: str = ""


class PlanStatus(StrEnum):
    COMPLETE = "complete"  # every required task is served
    PARTIAL = "partial"  # some required task is unassigned (see `unassigned`)
    NO_SOLUTION = "no_solution"  # the solver found nothing within its limits


@dataclass(frozen=True)
class Plan:
    """What the solver decided, in ids and plain numbers."""

    status: PlanStatus
    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    cost: float
    runtime_s: float = 0.0
    problem_name: str = ""
    solver: Mapping[str, Any] = field(default_factory=dict)

    @property
    def distance_m(self) -> int:
        return sum(r.distance_m for r in self.routes)

    @property
    def vehicles_used(self) -> int:
        return sum(1 for r in self.routes if r.stops)

    def served_task_ids(self) -> set[str]:
        return {a.task_id for r in self.routes for v in r.visits for a in v.actions}

    def summary(self) -> str:
        """A plain-text table: one line per route, then the unassigned tasks."""
        lines = [f"{'vehicle':<14}{'stops':>6}{'km':>9}{'driving h':>11}{'working h':>11}"
                 f"  peak load"]
        for route in self.routes:
            peak = ", ".join(f"{k} {v}" for k, v in route.peak_load().items()) or "-"
            lines.append(f"{route.vehicle_id:<14}{len(route.stops):>6}"
                         f"{route.distance_m / 1000:>9.1f}{route.driving_s / 3600:>11.2f}"
                         f"{route.duration_s / 3600:>11.2f}  {peak}")
        lines.append(f"total: {self.vehicles_used} vehicles, {self.distance_m / 1000:.1f} km, "
                     f"cost {self.cost:.2f}, status {self.status.value}")
        for item in self.unassigned:
            lines.append(f"unassigned {item.task_id}: {item.reason.value}"
                         + (f" ({item.detail})" if item.detail else ""))
        return "\n".join(lines)
