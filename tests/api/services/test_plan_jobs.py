"""The plan job runner's data: a `PlanJob` crosses to the worker process as pickled
dataclasses, the `PlanOutcome` comes back the same way, and the app's lifespan builds the
runner."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from typing import Any

from api.services.plan_jobs import PlanJob, PlanJobs, PlanOutcome, run_plan_job
from drops.records import CollectionRecord
from routing.documents import plan_from_dict, problem_from_dict
from scenarios.closures import Closure
from scenarios.day import DayOptions, Mode
from scenarios.demand import MaterialRequest, Purpose


def _job(**changes: Any) -> PlanJob:
    values: dict[str, Any] = dict(
        plan_id=7, scenario="munakata", plan_date=dt.date(2023, 11, 15),
        options=DayOptions(Mode.HUB_AND_SPOKE, 2),
        requests=(MaterialRequest("school-request-3", "munakata-central", "munakata-es-akama",
                                  30, Purpose.REQUEST, note="昆虫 (3年2組)"),),
        time_limit_s=1.0, post_policy="rota",
        history=(CollectionRecord("munakata-akama-station",
                                  dt.datetime(2023, 11, 1, 0, 30, tzinfo=dt.UTC), 41),),
        closures=(Closure(dt.date(2023, 11, 15), dt.date(2023, 11, 15), "館内工事",
                          site_id="munakata-sue"),))
    values.update(changes)
    return PlanJob(**values)


def test_a_job_pickles_as_the_dataclasses_it_holds() -> None:
    job = _job()

    back = pickle.loads(pickle.dumps(job))

    assert back == job
    assert isinstance(back.options, DayOptions) and back.options.mode is Mode.HUB_AND_SPOKE
    assert isinstance(back.requests[0], MaterialRequest)
    assert back.history is not None and back.history[0].collected_at.tzinfo is not None
    assert back.closures[0].reason == "館内工事"


def test_a_worker_plans_the_day_and_its_outcome_pickles_back() -> None:
    outcome = run_plan_job(_job())

    back = pickle.loads(pickle.dumps(outcome))

    assert isinstance(back, PlanOutcome) and back == outcome
    problem = problem_from_dict(json.loads(back.problem_json))
    plan = plan_from_dict(json.loads(back.plan_json))
    assert any(t.task_id == "request:school-request-3" for t in problem.tasks)
    assert back.summary["status"] == plan.status.value
    assert back.summary["verify_violations"] == 0
    assert "request:school-request-3" in back.summary["served_task_ids"]
    assert "munakata-sue" in problem.meta["not_visited"]  # the recorded closure applies
    assert "館内工事" in problem.meta["not_visited"]["munakata-sue"]


def test_the_apps_lifespan_puts_the_job_runner_on_its_state(service: Any) -> None:
    assert isinstance(service.client.app.state.plan_jobs, PlanJobs)
