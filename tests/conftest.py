"""Session fixtures shared by every test package: the tiny problem and a hand-timed plan for it."""

from __future__ import annotations

import pytest

from routing.matrix import matrix_from_lists
from routing.problem import Break, Problem, Site, Task, TaskKind, TimeWindow, Vehicle
from routing.result import (
    Action,
    ActionKind,
    Plan,
    PlanStatus,
    Route,
    RouteBreak,
    Visit,
    VisitKind,
)

#: Site order of the tiny problem's matrix.
TINY_SITE_IDS = ("hub", "lib-a", "school-b", "post-c")
#: Driving seconds between the tiny sites (symmetric); metres are ten times these.
TINY_DURATION_S = (
    (0, 900, 1200, 600),
    (900, 0, 600, 1200),
    (1200, 600, 0, 900),
    (600, 1200, 900, 0),
)


def make_tiny_problem() -> Problem:
    """Hub + 3 sites, 1 van, crates/items; a delivery, a pickup and a shipment.

    Matrix (seconds; metres = 10 x seconds), in the order hub, lib-a, school-b, post-c:
    hub-lib-a 900, hub-school-b 1200, hub-post-c 600, lib-a-school-b 600,
    lib-a-post-c 1200, school-b-post-c 900.
    """
    sites = (
        Site("hub", lat=33.8055, lon=130.5405, service_s=600, name="central library (hub)"),
        Site("lib-a", lat=33.8120, lon=130.5580, service_s=300,
             time_windows=(TimeWindow(32_400, 61_200),), name="branch library A"),
        Site("school-b", lat=33.7930, lon=130.5610, service_s=300,
             time_windows=(TimeWindow(36_000, 43_200),), name="school B"),
        Site("post-c", lat=33.7990, lon=130.5300, service_s=120, name="return post C"),
    )
    van = Vehicle(
        "van-1", start_site_id="hub", shift_start_s=28_800, shift_end_s=61_200,
        max_working_s=14_400, lunch_break=Break(36_000, 39_600, 1_800),
        capacity={"crates": 10, "items": 300}, cost_per_km=2.0, fixed_cost=50.0,
    )
    tasks = (
        Task("deliver-a", TaskKind.DELIVERY, site_id="lib-a",
             amount={"crates": 4, "items": 120}, service_s=120),
        Task("pickup-c", TaskKind.PICKUP, site_id="post-c",
             amount={"crates": 2, "items": 60}, service_s=60),
        Task("ship-a-b", TaskKind.SHIPMENT, pickup_site_id="lib-a", delivery_site_id="school-b",
             amount={"crates": 3, "items": 90}, service_s=180),
    )
    matrix = matrix_from_lists(
        TINY_SITE_IDS,
        [[10 * s for s in row] for row in TINY_DURATION_S],
        [list(row) for row in TINY_DURATION_S],
    )
    return Problem(sites, (van,), tasks, matrix, name="tiny")


def make_tiny_plan() -> Plan:
    """The feasible plan for `make_tiny_problem`, timed by hand from docs/semantics.md.

    hub 08:00 (load 600 s) -> lib-a arrive 08:25, wait to 09:00, 600 s service (300 site +
    120 delivery + 180 shipment pickup) -> school-b arrive 09:20, wait to 10:00, 480 s ->
    break 10:08 for 1800 s on the leg -> post-c arrive 10:53, 180 s -> hub 11:06.
    30 km x 2.0 + 50 fixed = 110.
    """
    load = {"crates": 0, "items": 0}
    visits = (
        Visit("hub", VisitKind.START, 28_800, 28_800, 29_400, 0, {"crates": 4, "items": 120},
              (Action("deliver-a", ActionKind.LOAD),)),
        Visit("lib-a", VisitKind.STOP, 30_300, 32_400, 33_000, 2_100, {"crates": 3, "items": 90},
              (Action("deliver-a", ActionKind.DELIVERY), Action("ship-a-b", ActionKind.PICKUP))),
        Visit("school-b", VisitKind.STOP, 33_600, 36_000, 36_480, 2_400, load,
              (Action("ship-a-b", ActionKind.DELIVERY),)),
        Visit("post-c", VisitKind.STOP, 39_180, 39_180, 39_360, 0, {"crates": 2, "items": 60},
              (Action("pickup-c", ActionKind.PICKUP),)),
        Visit("hub", VisitKind.END, 39_960, 39_960, 39_960, 0, load,
              (Action("pickup-c", ActionKind.UNLOAD),)),
    )
    route = Route("van-1", visits, distance_m=30_000, driving_s=3_000, service_s=1_860,
                  waiting_s=4_500, duration_s=11_160, cost=110.0,
                  lunch_break=RouteBreak(36_480, 1_800))
    return Plan(PlanStatus.COMPLETE, (route,), (), cost=110.0, problem_name="tiny")


@pytest.fixture(scope="session")
def tiny_problem() -> Problem:
    """Hub + 3 sites (lib-a, school-b, post-c), 1 van (crates 10 / items 300, 08:00-17:00,
    a 30-min break starting 10:00-11:00), a delivery, a pickup and a shipment."""
    return make_tiny_problem()


@pytest.fixture(scope="session")
def tiny_plan() -> Plan:
    """A feasible, hand-timed plan for `tiny_problem`: hub, lib-a, school-b, post-c, hub."""
    return make_tiny_plan()
