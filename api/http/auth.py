"""The role checks every router uses, as FastAPI dependencies over `api.services.accounts`.

A request without a valid token gets 401; a valid token of the wrong role gets 403; a
school librarian asking for another school's data gets 404, never the data (the routers
see to that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from api.http.deps import SessionDep
from api.services.accounts import Principal, principal_for_token, require_role
from api.services.errors import InvalidToken
from api.store.tables import Role


def current_principal(request: Request, session: SessionDep) -> Principal:
    """The user behind the request's ``Authorization: Bearer`` token (401 without one)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("not authenticated: send 'Authorization: Bearer <token>' "
                           "(POST /auth/token gives one)")
    return principal_for_token(session, token.strip())


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting only ``roles`` (403 for the others)."""

    def check(principal: PrincipalDep) -> Principal:
        return require_role(principal, roles)

    return check


StaffDep = Annotated[Principal, Depends(require(Role.STAFF))]
