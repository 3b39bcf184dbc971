"""``POST /auth/token``: a bearer token for a username and password."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.http.auth import PrincipalDep
from api.http.deps import SessionDep, SettingsDep
from api.services.accounts import log_in
from api.store.db import display_time

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"username": "staff1", "password": "correct horse battery"}]})

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime
    role: str
    school_site_id: str | None = None


class WhoAmI(BaseModel):
    username: str
    role: str
    school_site_id: str | None = None


@router.post("/token", response_model=TokenResponse, summary="Log in: get a bearer token",
             responses={401: {"description": "wrong username or password"}})
def login(body: TokenRequest, session: SessionDep, settings: SettingsDep) -> TokenResponse:
    """Exchange a username and password for a bearer token (send it as
    ``Authorization: Bearer <token>``). Only the token's hash is stored."""
    user, token, expires_at = log_in(session, body.username, body.password,
                                     dt.timedelta(hours=settings.token_ttl_hours))
    return TokenResponse(access_token=token, expires_at=display_time(expires_at),
                         role=user.role.value, school_site_id=user.school_site_id)


@router.get("/me", response_model=WhoAmI, summary="Who the token belongs to")
def me(principal: PrincipalDep) -> WhoAmI:
    return WhoAmI(username=principal.username, role=principal.role.value,
                  school_site_id=principal.school_site_id)
