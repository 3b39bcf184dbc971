"""Planning real days end to end: every day of a week in each scenario is feasible by
`routing.verify`, the outputs are written and agree with the plan, closed days say why."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from api.services.plan_outputs import OUTPUT_FILES, summary_table, write_outputs
from api.services.planning import plan_day
from routing import verify
from routing.documents import load_plan, load_problem

WEEK = [dt.date(2023, 11, 13) + dt.timedelta(days=k) for k in range(7)]  # Monday..Sunday


@pytest.mark.parametrize("scenario", ["munakata", "ichinoseki"])
@pytest.mark.parametrize("day", WEEK, ids=[d.isoformat() for d in WEEK])
@pytest.mark.slow
def test_every_day_of_a_week_plans_feasibly(scenario: str, day: dt.date) -> None:
    day_plan = plan_day(scenario, day, time_limit_s=1.0)
    assert verify(day_plan.problem, day_plan.plan) == []
    assert day_plan.violations == ()
    required = {t.task_id for t in day_plan.problem.tasks if t.required}
    served = day_plan.plan.served_task_ids()
    unassigned = {u.task_id for u in day_plan.plan.unassigned}
    assert required <= served | unassigned
    assert not (served & unassigned)


@pytest.mark.slow
def test_outputs_are_written_and_agree_with_the_plan(tmp_path: Path) -> None:
    day_plan = plan_day("munakata", dt.date(2023, 11, 17), time_limit_s=2.0)
    assert verify(day_plan.problem, day_plan.plan) == []
    written = write_outputs(day_plan, tmp_path / "out")
    assert sorted(written) == sorted(OUTPUT_FILES)
    problem = load_problem(written["problem.json"])
    plan = load_plan(written["plan.json"])
    assert verify(problem, plan) == []
    with written["stops.csv"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == sum(len(r.visits) for r in plan.routes)
    geojson = json.loads(written["plan.geojson"].read_text(encoding="utf-8"))
    assert geojson["type"] == "FeatureCollection"
    html = written["map.html"].read_text(encoding="utf-8")
    assert "宗像" in html and "<script src=\"http" not in html


def test_summary_lists_each_van_and_every_unassigned_task_with_its_reason() -> None:
    day_plan = plan_day("munakata", dt.date(2023, 11, 17), time_limit_s=1.0,
                        )
    assert verify(day_plan.problem, day_plan.plan) == []
    text = summary_table(day_plan)
    for route in day_plan.plan.routes:
        if route.stops:
            assert route.vehicle_id in text
    for item in day_plan.plan.unassigned:
        assert item.task_id in text and item.reason.value in text
    assert "peak crates" in text and "school run yes" in text


def test_a_day_with_the_hub_closed_empties_posts_and_defers_the_rest() -> None:
    day_plan = plan_day("munakata", dt.date(2023, 11, 20), time_limit_s=1.0)
    assert verify(day_plan.problem, day_plan.plan) == []
    assert all(t.task_id.startswith("empty:") for t in day_plan.problem.tasks)
    text = summary_table(day_plan)
    assert "hub CLOSED" in text and "deferred" in text
