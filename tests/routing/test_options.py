"""`SolverOptions` (`routing.options`): one group of settings per search, each field checked
on construction with an error that names the field (``group.field``) and the value."""

from __future__ import annotations

import dataclasses
import re

import pytest

from routing.options import (
    FIRST_SOLUTIONS,
    METAHEURISTICS,
    DaySearchOptions,
    FirstPhaseOptions,
    FleetOptions,
    IteratedOptions,
    LocalRepairOptions,
    SolverOptions,
)


@pytest.mark.parametrize(("group", "field_name", "value", "message"), [
    (FirstPhaseOptions, "metaheuristic_share", 1.5,
     "'first_phase.metaheuristic_share': must be within [0, 1], got 1.5"),
    (LocalRepairOptions, "metaheuristic_share", -0.1,
     "'local_repair.metaheuristic_share': must be within [0, 1], got -0.1"),
    (IteratedOptions, "iterations", -1, "'iterated.iterations': must be >= 0, got -1"),
    (LocalRepairOptions, "min_routes", -2, "'local_repair.min_routes': must be >= 0, got -2"),
    (LocalRepairOptions, "nearby_routes", -1,
     "'local_repair.nearby_routes': must be >= 0, got -1"),
    (LocalRepairOptions, "fleet_min_routes", -1,
     "'local_repair.fleet_min_routes': must be >= 0, got -1"),
    (LocalRepairOptions, "fleet_nearby_routes", -3,
     "'local_repair.fleet_nearby_routes': must be >= 0, got -3"),
    (DaySearchOptions, "metaheuristic_share", 2.0,
     "'day_search.metaheuristic_share': must be within [0, 1], got 2.0"),
    (DaySearchOptions, "restarts", 0, "'day_search.restarts': must be >= 1, got 0"),
    (DaySearchOptions, "initial_temperature", 0.0,
     "'day_search.initial_temperature': must be > 0, got 0.0"),
    (DaySearchOptions, "final_temperature", -1e-5,
     "'day_search.final_temperature': must be > 0, got -1e-05"),
    (FleetOptions, "metaheuristic_share", 1.1,
     "'fleet.metaheuristic_share': must be within [0, 1], got 1.1"),
    (FirstPhaseOptions, "first_solution", "cheapest",
     "'first_phase.first_solution': must be one of"),
    (FirstPhaseOptions, "metaheuristic", "tabu",
     "'first_phase.metaheuristic': must be one of"),
    (SolverOptions, "handback_share", -0.5, "'handback_share': must be within [0, 1], got -0.5"),
    (SolverOptions, "fleet", {"time_share": 0.5},
     "'fleet': must be a FleetOptions, got {'time_share': 0.5}"),
])
def test_invalid_solver_options_name_the_field_and_the_value(
        group: type, field_name: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"solver options field {message}")):
        group(**{field_name: value})


def test_each_group_is_held_by_the_solver_options_field_of_its_name() -> None:
    # The error messages name a group by its `component`; it must be the field's name.
    defaults = SolverOptions()
    for field in dataclasses.fields(SolverOptions):
        group = getattr(defaults, field.name)
        if dataclasses.is_dataclass(group):
            assert type(group).component == field.name


def test_every_strategy_name_is_accepted() -> None:
    for name in ("automatic", *FIRST_SOLUTIONS):
        assert FirstPhaseOptions(first_solution=name).first_solution == name
    for name in METAHEURISTICS:
        assert FirstPhaseOptions(metaheuristic=name).metaheuristic == name


@pytest.mark.parametrize(("fixed_costs_dominate", "shape"), [(False, (3, 0)), (True, (8, 2))])
def test_local_repair_shape_depends_on_whether_fixed_costs_dominate(
        fixed_costs_dominate: bool, shape: tuple[int, int]) -> None:
    assert LocalRepairOptions().shape(fixed_costs_dominate) == shape

