"""The service's settings, read once from the environment (no pydantic-settings needed)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

#: The database used when ``DATABASE_URL`` is not set: a SQLite file in the working folder.
DEFAULT_DATABASE_URL = "sqlite:///bookrun.db"


class Settings(BaseModel):
    """Settings of the bookrun service.

    Each field is read from the environment variable of the same name in upper case
    (see `Settings.from_env`); tests build a `Settings` directly instead.

    Parameters
    ----------
    database_url
        SQLAlchemy URL of the store (``DATABASE_URL``), e.g.
        ``postgresql+psycopg://user@127.0.0.1:5432/bookrun``. Default: a SQLite file,
        `DEFAULT_DATABASE_URL`.
    scenario
        The scenario the service plans (``SCENARIO``): a bundled name or a folder.
    token_ttl_hours
        How long a bearer token lives (``TOKEN_TTL_HOURS``, default 12).
    max_body_bytes
        Larger request bodies get 413 (``MAX_BODY_BYTES``, default 1 MB; CSV imports
        up to 8 times this).
    plan_time_limit_s
        Solver time limit for a plan asked through the API (``PLAN_TIME_LIMIT_S``).
    plan_inline_max_tasks
        A day with at most this many tasks is solved in the request and answered at once
        (``PLAN_INLINE_MAX_TASKS``); larger days are solved in a worker process and polled.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = Field(default=DEFAULT_DATABASE_URL, min_length=1)
    scenario: str = Field(default="munakata", min_length=1)
    token_ttl_hours: float = Field(default=12.0, gt=0)
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    plan_time_limit_s: float = Field(default=10.0, gt=0)
    plan_inline_max_tasks: int = Field(default=0, ge=0)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from environment variables (default: `os.environ`).

        Parameters
        ----------
        environ
            The variables to read; a variable that is unset or empty keeps the default.

        Returns
        -------
        Settings
            The validated settings.
        """
        env = os.environ if environ is None else environ
        values = {name: env[name.upper()] for name in cls.model_fields if env.get(name.upper())}
        return cls.model_validate(values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use (a FastAPI
    dependency; tests override it with ``app.dependency_overrides``)."""
    return Settings.from_env()
