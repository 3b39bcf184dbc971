"""bookrun's optimisation core: the library delivery problem, its OR-Tools solve and an
independent verifier. Plain data in, plain data out; no HTTP, no database."""

from routing.errors import FormatError, InstanceFormatError, ProblemError
from routing.problem import (
    Break,
    Problem,
    Site,
    Task,
    TaskKind,
    TimeWindow,
    TravelMatrix,
    Vehicle,
)
from routing.result import (
    Action,
    ActionKind,
    Plan,
    PlanStatus,
    Route,
    RouteBreak,
    Unassigned,
    UnassignedReason,
    Visit,
    VisitKind,
)

__all__ = [
    "Action",
    "ActionKind",
    "Break",
    "FormatError",
    "InstanceFormatError",
    "Plan",
    "PlanStatus",
    "Problem",
    "ProblemError",
    "Route",
    "RouteBreak",
    "Site",
    "Task",
    "TaskKind",
    "TimeWindow",
    "TravelMatrix",
    "Unassigned",
    "UnassignedReason",
    "Vehicle",
    "Visit",
    "VisitKind",
]
