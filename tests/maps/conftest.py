"""Solved days for the renderer tests: the two-van day of `tests.maps.days`, solved once per
session, and the hand-timed tiny plan with hostile names (no solve)."""

from __future__ import annotations

import dataclasses

import pytest

from maps.document import NotVisited, PlanDocument, SiteLabel
from routing.result import UnassignedReason
from routing.solver import solve
from routing.verify import verify
from tests.conftest import make_tiny_plan, make_tiny_problem
from tests.maps.days import DAY, HOSTILE, day_labels, make_day_problem


@pytest.fixture(scope="session")
def day_doc() -> PlanDocument:
    """The two-van day, solved and verified: both vans used, ``pick-post-far`` unassigned,
    ``annex-closed`` not visited."""
    problem = make_day_problem()
    plan = solve(problem, time_limit_s=1, seed=0, solution_limit=50)
    assert verify(problem, plan) == []
    assert len(plan.routes) == 2, plan.summary()
    assert [(u.task_id, u.reason) for u in plan.unassigned] == [
        ("pick-post-far", UnassignedReason.NOT_WORTH_DETOUR)], plan.summary()
    return PlanDocument(
        title="宗像市民図書館 配送", date=DAY, problem=problem, plan=plan, sites=day_labels(),
        hub_site_id="hub",
        not_visited=(NotVisited("annex-closed", "休館日 closed today"),),
        notes=("雨天時は台車にカバー cover the trolley if it rains",))


@pytest.fixture(scope="session")
def hostile_doc() -> PlanDocument:
    """The hand-timed tiny plan, with a site name, an English name, a task note, a
    not-visited reason and a note that are all HTML."""
    tiny = make_tiny_problem()
    tasks = tuple(dataclasses.replace(t, note=HOSTILE) if t.task_id == "deliver-a" else t
                  for t in tiny.tasks)
    problem = dataclasses.replace(tiny, tasks=tasks)
    plan = make_tiny_plan()
    assert verify(problem, plan) == []
    labels = {s.site_id: SiteLabel(s.site_id, s.name, s.lat, s.lon) for s in problem.sites}
    labels["lib-a"] = SiteLabel("lib-a", HOSTILE, 33.8120, 130.5580, name_en=HOSTILE,
                                address_ja="<b>bold</b> & co")
    labels["gone"] = SiteLabel("gone", "閉館", 33.80, 130.55)
    return PlanDocument(title=HOSTILE, date=DAY, problem=problem, plan=plan, sites=labels,
                        hub_site_id="hub", not_visited=(NotVisited("gone", HOSTILE),),
                        notes=(HOSTILE,))
