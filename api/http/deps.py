"""Request-scoped dependencies: the settings, the plan job runner and one database unit of
work per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from api.services.plan_jobs import PlanJobs
from api.settings import Settings
from api.store.db import check_migrated, unit_of_work


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session_factory(request: Request) -> sessionmaker[Session]:
    """The app's sessions, once the store is known to be migrated (else `NotMigrated`,
    answered 503)."""
    state = request.app.state
    if not getattr(state, "migrated", False):
        check_migrated(state.engine)
        state.migrated = True
    factory: sessionmaker[Session] = state.session_factory
    return factory


def get_session(factory: Annotated[sessionmaker[Session], Depends(get_session_factory)]
                ) -> Iterator[Session]:
    """A session committed once when the handler succeeds, rolled back when it fails."""
    with unit_of_work(factory) as session:
        yield session


def get_plan_jobs(request: Request) -> PlanJobs:
    """The plan job runner the app's lifespan started."""
    jobs: PlanJobs = request.app.state.plan_jobs
    return jobs


#: ``scope="function"``: the unit of work ends (commits) before the response is sent, so a
#: client is never told "saved" about a commit that then fails.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
#: For a handler that opens its own units of work (a plan request commits before it hands
#: the job over, then reads the result in a fresh session).
SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
PlanJobsDep = Annotated[PlanJobs, Depends(get_plan_jobs)]
