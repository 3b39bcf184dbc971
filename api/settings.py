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
        `DEFAULT_DATABASE_URL`. Not used yet; the store (``api/store/``) is planned.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = Field(default=DEFAULT_DATABASE_URL, min_length=1)

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
