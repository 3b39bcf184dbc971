"""How `routing.solve` searches: `SolverOptions`, one group of settings per search.

Pure and validated on construction; the names of OR-Tools' strategies are plain strings
here and become OR-Tools' enums only in `routing.ortools`. The defaults are the ones
measured in docs/benchmarks.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

#: OR-Tools' first-solution strategies, by the names `FirstPhaseOptions` takes.
FIRST_SOLUTIONS = ("path_cheapest_arc", "parallel_cheapest_insertion",
                   "local_cheapest_insertion", "local_cheapest_cost_insertion",
                   "global_cheapest_arc", "savings", "sequential_cheapest_insertion",
                   "christofides")
#: OR-Tools' local-search metaheuristics, by the names `FirstPhaseOptions` takes.
METAHEURISTICS = ("automatic", "greedy_descent", "guided_local_search",
                  "simulated_annealing", "tabu_search")


def _invalid(component: str, name: str, requirement: str, value: object) -> ValueError:
    where = f"{component}.{name}" if component else name
    return ValueError(f"solver options field {where!r}: {requirement}, got {value!r}")


def _check_shares(options: object, component: str, *names: str) -> None:
    for name in names:
        value = getattr(options, name)
        if not 0.0 <= value <= 1.0:
            raise _invalid(component, name, "must be within [0, 1]", value)


def _check_at_least(options: object, component: str, minimum: int, *names: str) -> None:
    for name in names:
        value = getattr(options, name)
        if value is not None and value < minimum:
            raise _invalid(component, name, f"must be >= {minimum}", value)


@dataclass(frozen=True)
class FirstPhaseOptions:
    """OR-Tools' first plan and its metaheuristic.

    ``first_solution`` ``"automatic"`` picks savings for days without shipments and the
    cheapest of a few constructions otherwise; the metaheuristic then improves that plan
    for ``metaheuristic_share`` of the time on days no search below takes over (each of
    those has its own share).
    """

    component: ClassVar[str] = "first_phase"

    first_solution: str = "automatic"
    metaheuristic: str = "guided_local_search"
    guided_local_search_lambda: float = 0.1
    metaheuristic_share: float = 0.5
    log_search: bool = False
    extra_parameters: dict[str, object] = field(default_factory=dict)  # dotted keys

    def __post_init__(self) -> None:
        if self.first_solution != "automatic" and self.first_solution not in FIRST_SOLUTIONS:
            raise _invalid(self.component, "first_solution",
                           f"must be one of {sorted(FIRST_SOLUTIONS)}", self.first_solution)
        if self.metaheuristic not in METAHEURISTICS:
            raise _invalid(self.component, "metaheuristic",
                           f"must be one of {sorted(METAHEURISTICS)}", self.metaheuristic)
        _check_shares(self, self.component, "metaheuristic_share")


@dataclass(frozen=True)
class FleetOptions:
    """Fewer vans, on days where a van's fixed cost outweighs a typical route's driving:
    a van fewer is tried again and again until ``time_share`` of the time, each try for at
    most ``attempt_share``; on pure pickup-and-delivery days by the ejection-pool route
    minimiser (`routing.search.route_minimiser`), else by OR-Tools models without a van."""

    component: ClassVar[str] = "fleet"

    metaheuristic_share: float = 0.2  # guided local search's share before it
    time_share: float = 0.7
    attempt_share: float = 0.25
    ejection_pool: bool = True

    def __post_init__(self) -> None:
        _check_shares(self, self.component, "metaheuristic_share")


@dataclass(frozen=True)
class RuinOptions:
    """What one ruin-and-repair round takes out: strings of stops near a random stop
    (the OR-Tools iterated search and the day search), now and then a whole short route
    (the OR-Tools iterated search, when vans have a fixed cost or ``route_removal_always``)."""

    component: ClassVar[str] = "ruin"

    average_removed: int = 10
    max_string: int = 10
    route_removal_probability: float = 0.2
    route_removal_always: bool = False


@dataclass(frozen=True)
class IteratedOptions:
    """The iterated local search: each round ruins the plan (`RuinOptions`), lets OR-Tools'
    descent repair it and keeps the result under a simulated-annealing rule whose
    temperature (relative to the plan's cost) falls from ``initial_temperature`` to
    ``final_temperature``. ``iterations`` rounds, or None: until the time limit. It keeps
    ``spare_vehicles`` unused vans (every unused van while a required task is out)."""

    component: ClassVar[str] = "iterated"

    iterations: int | None = None
    spare_vehicles: int = 2
    initial_temperature: float = 1e-4
    final_temperature: float = 1e-6

    def __post_init__(self) -> None:
        _check_at_least(self, self.component, 0, "iterations")


@dataclass(frozen=True)
class LocalRepairOptions:
    """Iterated rounds that repair only the routes they touched (and ``nearby_routes``
    more), on days whose first plan has at least ``min_routes`` routes, after guided local
    search for ``metaheuristic_share`` of the time. When vans' fixed costs dominate, a
    round that empties a route must spread its stops over other routes: then
    ``fleet_min_routes`` and ``fleet_nearby_routes`` apply."""

    component: ClassVar[str] = "local_repair"

    enabled: bool = True
    min_routes: int = 3
    metaheuristic_share: float = 0.1
    nearby_routes: int = 0
    fleet_min_routes: int = 8
    fleet_nearby_routes: int = 2

    def __post_init__(self) -> None:
        _check_shares(self, self.component, "metaheuristic_share")
        _check_at_least(self, self.component, 0, "min_routes", "nearby_routes",
                        "fleet_min_routes", "fleet_nearby_routes")

    def shape(self, fixed_costs_dominate: bool) -> tuple[int, int]:
        """From how many routes a day is repaired locally, and how many nearby routes
        each local repair also takes."""
        if fixed_costs_dominate:
            return self.fleet_min_routes, self.fleet_nearby_routes
        return self.min_routes, self.nearby_routes


@dataclass(frozen=True)
class PickupDeliveryOptions:
    """On a pure pickup-and-delivery day (every task a required shipment, one window per
    site, one load dimension, no break, identical vans), shorter routes by bookrun's
    ruin-and-recreate on shipment pairs (`routing.search.pickup_delivery_search`) instead
    of the iterated OR-Tools search."""

    component: ClassVar[str] = "pickup_delivery"

    enabled: bool = True


@dataclass(frozen=True)
class DaySearchOptions:
    """On a day of fewer routes than local repair takes (and no working-time limit),
    bookrun's ruin-and-recreate under the day's exact rules (`routing.search.day_search`)
    instead of whole-day OR-Tools repairs, after guided local search for
    ``metaheuristic_share`` of the time, in ``restarts`` runs whose annealing temperature
    (relative to the plan's cost) falls from ``initial_temperature`` to
    ``final_temperature``."""

    component: ClassVar[str] = "day_search"

    enabled: bool = True
    metaheuristic_share: float = 0.05
    restarts: int = 60
    initial_temperature: float = 0.003
    final_temperature: float = 3e-5

    def __post_init__(self) -> None:
        _check_shares(self, self.component, "metaheuristic_share")
        _check_at_least(self, self.component, 1, "restarts")
        for name in ("initial_temperature", "final_temperature"):
            value = getattr(self, name)
            if not value > 0:
                raise _invalid(self.component, name, "must be > 0", value)


#: Each group by the `SolverOptions` field that holds it.
_COMPONENTS: dict[str, type] = {kind.component: kind for kind in (
    FirstPhaseOptions, FleetOptions, RuinOptions, IteratedOptions, LocalRepairOptions,
    PickupDeliveryOptions, DaySearchOptions)}


@dataclass(frozen=True)
class SolverOptions:
    """How `routing.solve` searches, one group of settings per search.

    The search runs in two phases. First OR-Tools builds a plan and improves it with its
    metaheuristic (`first_phase`). Then, when vans' fixed costs dominate, the fleet is
    minimised (`fleet`), and an improving search takes over: on a pure
    pickup-and-delivery day bookrun's ruin-and-recreate on shipment pairs
    (`pickup_delivery`); on a day of several routes the iterated local search repairing
    a few routes at a time (`iterated`, `ruin`, `local_repair`); on a day of few long
    routes bookrun's ruin-and-recreate under the day's exact rules (`day_search`), or
    where that cannot time the vans the iterated search with whole-day repairs. The
    routes of bookrun's own searches are read back into OR-Tools' exact model and
    polished there by one descent in the last ``handback_share`` of the time.
    """

    first_phase: FirstPhaseOptions = field(default_factory=FirstPhaseOptions)
    fleet: FleetOptions = field(default_factory=FleetOptions)
    ruin: RuinOptions = field(default_factory=RuinOptions)
    iterated: IteratedOptions = field(default_factory=IteratedOptions)
    local_repair: LocalRepairOptions = field(default_factory=LocalRepairOptions)
    pickup_delivery: PickupDeliveryOptions = field(default_factory=PickupDeliveryOptions)
    day_search: DaySearchOptions = field(default_factory=DaySearchOptions)
    handback_share: float = 0.05

    def __post_init__(self) -> None:
        for name, kind in _COMPONENTS.items():
            value = getattr(self, name)
            if not isinstance(value, kind):
                raise _invalid("", name, f"must be a {kind.__name__}", value)
        _check_shares(self, "", "handback_share")
