"""Request-scoped dependencies: the settings and one database unit of work per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from api.settings import Settings
from api.store.db import NotMigrated, check_migrated, unit_of_work


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session committed once when the handler succeeds, rolled back when it fails."""
    state = request.app.state
    if not getattr(state, "migrated", False):
        try:
            check_migrated(state.engine)
        except NotMigrated as exc:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=str(exc)) from None
        state.migrated = True
    with unit_of_work(state.session_factory) as session:
        yield session


#: ``scope="function"``: the unit of work ends (commits) before the response is sent, so a
#: client is never told "saved" about a commit that then fails.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
