"""Several searches side by side (`routing.portfolio`, ``solve(..., workers=N)``): the
cheapest plan wins, and the process that ran them keeps no state."""

from __future__ import annotations

import pytest
from bruteforce import solve_and_verify

from routing import portfolio
from routing.problem import Problem


def test_two_workers_return_the_cheaper_plan_of_their_searches_and_it_verifies(
        munakata_like_problem: Problem) -> None:
    plan = solve_and_verify(munakata_like_problem, time_limit_s=1.0, workers=2)
    assert plan.solver["workers"] == 2
    assert plan.cost == pytest.approx(min(plan.solver["member_costs"]), abs=1e-5)


def test_the_process_that_runs_the_portfolio_keeps_no_state(tiny_problem: Problem) -> None:
    # The problem reaches the workers through the pool's initializer, not a module global.
    plan = solve_and_verify(tiny_problem, time_limit_s=1.0, solution_limit=10, workers=2)
    assert plan.solver["workers"] == 2
    assert portfolio._member_search is None
