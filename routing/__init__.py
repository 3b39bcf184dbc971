"""bookrun's optimisation core: the library delivery problem, its OR-Tools solve and an
independent verifier. Plain data in, plain data out; no HTTP, no database.

`solve` and `compile_day_search` are resolved on first use, so that importing the data
types (or `SolverOptions`) loads neither OR-Tools nor numba.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from routing.errors import FormatError, InstanceFormatError, ProblemError
from routing.matrix import (
    FixedLeg,
    geodesic_matrix,
    graph_matrix,
    matrix_from_lists,
    with_fixed_legs,
)
from routing.options import SolverOptions
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
from routing.verify import Violation, format_violations, is_feasible, verify

if TYPE_CHECKING:
    from routing.search.day_search import compile_day_search
    from routing.solver import solve

__all__ = [
    "Action",
    "ActionKind",
    "Break",
    "FixedLeg",
    "FormatError",
    "InstanceFormatError",
    "Plan",
    "PlanStatus",
    "Problem",
    "ProblemError",
    "Route",
    "RouteBreak",
    "Site",
    "SolverOptions",
    "Task",
    "TaskKind",
    "TimeWindow",
    "TravelMatrix",
    "Unassigned",
    "UnassignedReason",
    "Vehicle",
    "Violation",
    "Visit",
    "VisitKind",
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

#: The names that load heavy libraries, and the module each lives in.
_LAZY = {"solve": "routing.solver", "compile_day_search": "routing.search.day_search"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # resolved once
        return value
    raise AttributeError(f"module 'routing' has no attribute {name!r}")
