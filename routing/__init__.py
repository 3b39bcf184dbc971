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

from routing.matrix import (
    FixedLeg,
    geodesic_matrix,
    graph_matrix,
    matrix_from_lists,
    with_fixed_legs,
)
from routing.options import SolverOptions
from routing.ortools_solver import solve
from routing.search.day_search import compile_day_search
from routing.verify import Violation, format_violations, is_feasible, verify

__all__ += [
    "FixedLeg",
    "SolverOptions",
    "Violation",
    "compile_day_search",
    "format_violations",
    "geodesic_matrix",
    "graph_matrix",
    "is_feasible",
    "matrix_from_lists",
    "solve",
    "verify",
    "with_fixed_legs",
]
