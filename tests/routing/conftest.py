"""Routing fixtures: a seeded generator of Munakata-like days (about 40 stops, 2 vans)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bruteforce import solve_and_verify
from hand_made import FAST

from routing.problem import Problem
from routing.result import Plan
from scenarios.synth import synthetic_day

#: The generator, under the name the tests use.
make_munakata_like_problem = synthetic_day


@pytest.fixture(scope="session")
def munakata_like_problem() -> Problem:
    """About 40 stops around Munakata, 2 vans 09:00-17:00 with lunch 11:30-13:30 (45 min),
    crates 30 / items 1000; deliveries, pickups, shipments, optional return posts (seed 7)."""
    return make_munakata_like_problem(seed=7, n_sites=40)


@pytest.fixture(scope="session")
def munakata_like_factory() -> Callable[..., Problem]:
    """`make_munakata_like_problem` itself, for other seeds or sizes."""
    return make_munakata_like_problem


@pytest.fixture(scope="session")
def munakata_plan(munakata_like_problem: Problem) -> Plan:
    """One verified solve of the Munakata-like day, shared by the tests that inspect it."""
    return solve_and_verify(munakata_like_problem, **FAST)
