"""``POST /auth/token``: a bearer token for a username and password."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.auth import PrincipalDep, check_password, issue_token
from api.deps import SessionDep, SettingsDep
from api.store.db import display_time
from api.store.tables import UserRow

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
    user = session.scalar(select(UserRow).where(UserRow.username == body.username))
    if user is None or user.disabled or not check_password(body.password, user.password_hash):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                            detail="wrong username or password")
    token, expires_at = issue_token(session, user,
                                    dt.timedelta(hours=settings.token_ttl_hours))
    return TokenResponse(access_token=token, expires_at=display_time(expires_at),
                         role=user.role.value, school_site_id=user.school_site_id)


@router.get("/me", response_model=WhoAmI, summary="Who the token belongs to")
def me(principal: PrincipalDep) -> WhoAmI:
    return WhoAmI(username=principal.username, role=principal.role.value,
                  school_site_id=principal.school_site_id)
