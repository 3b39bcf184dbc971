"""Accounts, passwords and bearer tokens, without HTTP (the command line creates accounts
with them; `api.http.auth` turns a request's token into a `Principal`).

Passwords are stored as scrypt hashes (hashlib, salted per user); tokens are random and
stored only as their SHA-256.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.services.errors import Forbidden, InvalidToken, Unauthorized
from api.store.db import now_utc
from api.store.tables import Role, SiteRow, TokenRow, UserRow
from scenarios.network import SiteKind

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) of ``password`` with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R,
                            p=_SCRYPT_P, dklen=32)
    return "$".join(["scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                               r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountError(ValueError):
    """An account cannot be created as asked; the message names the field and value."""


def create_user(session: Session, username: str, role: Role | str, password: str,
                school_site_id: str | None = None) -> UserRow:
    """Add an account (flushes, does not commit)."""
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"field 'role': must be one of {', '.join(r.value for r in Role)}, "
                           f"got {role!r}") from None
    if not username or len(username) > 100 or not username.isprintable() or " " in username:
        raise AccountError(f"field 'username': 1-100 printable characters without spaces, "
                           f"got {username!r}")
    if len(password) < 8:
        raise AccountError("field 'password': at least 8 characters")
    if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
        raise AccountError(f"field 'username': {username!r} already exists")
    if role is Role.SCHOOL_LIBRARIAN:
        site = session.get(SiteRow, school_site_id) if school_site_id else None
        if site is None or site.kind != SiteKind.SCHOOL:
            raise AccountError(f"field 'school': a school librarian needs the id of a school "
                               f"site, got {school_site_id!r}")
    elif school_site_id:
        raise AccountError(f"field 'school': only a school librarian is bound to a school "
                           f"(role {role.value}, got {school_site_id!r})")
    user = UserRow(username=username, role=role, school_site_id=school_site_id,
                   password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def issue_token(session: Session, user: UserRow, ttl: dt.timedelta) -> tuple[str, dt.datetime]:
    token = secrets.token_urlsafe(32)
    expires_at = now_utc() + ttl
    session.add(TokenRow(user_id=user.user_id, token_hash=token_hash(token),
                         expires_at=expires_at))
    session.flush()
    return token, expires_at


@dataclass(frozen=True)
class Principal:
    """Who is asking: the user behind a valid token."""

    user_id: int
    username: str
    role: Role
    school_site_id: str | None


def principal_for_token(session: Session, token: str) -> Principal:
    """The user behind a bearer token.

    Raises
    ------
    InvalidToken
        The token is unknown, expired, or its account is disabled.
    """
    row = session.scalar(select(TokenRow).where(TokenRow.token_hash == token_hash(token)))
    if row is None or row.expires_at <= now_utc() or row.user.disabled:
        raise InvalidToken("the token is unknown, expired or revoked")
    user = row.user
    return Principal(user.user_id, user.username, user.role, user.school_site_id)


def require_role(principal: Principal, roles: tuple[Role, ...]) -> Principal:
    """``principal`` when its role is one of ``roles``, else `Forbidden` naming them."""
    if principal.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise Forbidden(f"role {principal.role.value} may not do this (allowed: {allowed})")
    return principal


def log_in(session: Session, username: str, password: str, ttl: dt.timedelta
           ) -> tuple[UserRow, str, dt.datetime]:
    """A new token for ``username`` and ``password``: (user, token, expires at).

    Raises
    ------
    Unauthorized
        No such (enabled) account, or the wrong password.
    """
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None or user.disabled or not check_password(password, user.password_hash):
        raise Unauthorized("wrong username or password")
    token, expires_at = issue_token(session, user, ttl)
    return user, token, expires_at
