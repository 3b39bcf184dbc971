"""Solving plans off the request thread.

A plan asked through the API is queued; one background thread takes the jobs in order,
marks each ``running``, solves it in a worker *process* (so the solver's CPU time never
slows the web process's requests) and stores the result (``done`` or ``failed``). Clients
poll ``GET /plans/{id}``, or ask ``?wait=true`` to be answered when it is done.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import queue
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api.store.db import now_utc, unit_of_work
from api.store.tables import PlanRow, PlanStatus
from drops.records import CollectionRecord
from routing.documents import plan_to_dict, problem_to_dict
from scenarios.closures import Closure
from scenarios.day import DayOptions
from scenarios.demand import MaterialRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanJob:
    """What a worker needs to plan a day; pickled to the worker process as it is."""

    plan_id: int
    scenario: str
    plan_date: dt.date
    options: DayOptions
    requests: tuple[MaterialRequest, ...]
    time_limit_s: float
    post_policy: str = "forecast"
    history: tuple[CollectionRecord, ...] | None = None  # the stored collections
    closures: tuple[Closure, ...] = ()  # the closures and openings staff recorded


@dataclass(frozen=True)
class PlanOutcome:
    """A worker's answer, pickled back: what the plan's row keeps. The problem and the plan
    come as their JSON documents (docs/format.md), written in the worker: a `Problem` or a
    `Plan` holds read-only mappings, which do not pickle. The summary is JSON-ready: per
    van, unassigned tasks, the terminal table."""

    problem_json: str
    plan_json: str
    summary: dict[str, Any]


def run_plan_job(job: PlanJob) -> PlanOutcome:
    """Plan the day in this process (the worker's entry)."""
    from api.services.plan_outputs import summary_table
    from api.services.planning import plan_day

    day_plan = plan_day(job.scenario, job.plan_date, requests=job.requests,
                        closures=job.closures, options=job.options,
                        time_limit_s=job.time_limit_s, post_policy=job.post_policy,
                        history=job.history)
    plan = day_plan.plan
    vans = []
    for route in plan.routes:
        if not route.stops:
            continue
        peak = route.peak_load()
        vans.append({"vehicle_id": route.vehicle_id, "stops": len(route.stops),
                     "distance_km": round(route.distance_m / 1000, 2),
                     "driving_h": round(route.driving_s / 3600, 2),
                     "working_h": round(route.duration_s / 3600, 2),
                     "peak_crates": peak.get("crates", 0), "peak_items": peak.get("items", 0)})
    summary = {
        "status": plan.status.value,
        "vans": vans,
        "distance_km": round(plan.distance_m / 1000, 2),
        "tasks": len(day_plan.problem.tasks),
        "unassigned": [{"task_id": u.task_id, "reason": u.reason.value, "detail": u.detail}
                       for u in plan.unassigned],
        "deferred": len(day_plan.notes.deferred),
        "notes": list(day_plan.notes.notes),
        "warnings": list(day_plan.notes.warnings),
        "estimated_tasks": dict(day_plan.notes.estimates),
        "served_task_ids": sorted(plan.served_task_ids()),
        "solve_s": round(day_plan.solve_s, 2),
        "verify_violations": len(day_plan.violations),
        "table": summary_table(day_plan),
    }
    return PlanOutcome(json.dumps(problem_to_dict(day_plan.problem), ensure_ascii=False),
                       json.dumps(plan_to_dict(plan), ensure_ascii=False), summary)


#: Called in the job thread after a plan is stored as done: (session, plan row, summary).
AfterDone = Callable[[Session, PlanRow, dict[str, Any]], None]


@dataclass
class PlanJobs:
    """The queue, its thread and the worker process pool of one application."""

    session_factory: sessionmaker[Session]
    after_done: AfterDone | None = None
    _queue: queue.Queue[PlanJob | None] = field(default_factory=queue.Queue)
    _done: dict[int, threading.Event] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None
    _pool: ProcessPoolExecutor | None = None

    def submit(self, job: PlanJob) -> threading.Event:
        """Queue a job; the returned event is set when its result is stored."""
        with self._lock:
            event = self._done.setdefault(job.plan_id, threading.Event())
            if self._thread is None:
                # The worker loads the compiled day search before its first job, so
                # that no solve spends its time limit loading it.
                from routing import compile_day_search

                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=compile_day_search)
                self._thread = threading.Thread(target=self._work, name="bookrun-plan-jobs",
                                                daemon=True)
                self._thread.start()
        self._queue.put(job)
        return event

    def wait(self, plan_id: int, timeout_s: float) -> bool:
        with self._lock:
            event = self._done.get(plan_id)
        return event.wait(timeout_s) if event is not None else True

    def shutdown(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=120)
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._run(job)
            except Exception:  # never let one job stop the queue
                logger.exception("plan %s: storing the result failed", job.plan_id)
            finally:
                with self._lock:
                    event = self._done.pop(job.plan_id, None)
                if event is not None:
                    event.set()

    def _run(self, job: PlanJob) -> None:
        with unit_of_work(self.session_factory) as session:
            row = session.get(PlanRow, job.plan_id)
            if row is None:
                return
            row.status = PlanStatus.RUNNING
            row.started_at = now_utc()
        assert self._pool is not None
        try:
            outcome = self._pool.submit(run_plan_job, job).result()
        except Exception as exc:
            logger.warning("plan %s failed: %s", job.plan_id, exc)
            with unit_of_work(self.session_factory) as session:
                row = session.get(PlanRow, job.plan_id)
                if row is not None:
                    row.status = PlanStatus.FAILED
                    row.finished_at = now_utc()
                    row.error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
            return
        with unit_of_work(self.session_factory) as session:
            row = session.get(PlanRow, job.plan_id)
            if row is None:
                return
            row.problem_json = outcome.problem_json
            row.plan_json = outcome.plan_json
            row.summary = outcome.summary
            row.status = PlanStatus.DONE
            row.finished_at = now_utc()
            if self.after_done is not None:
                self.after_done(session, row, outcome.summary)
