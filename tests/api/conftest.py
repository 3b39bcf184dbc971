"""Store and service fixtures: every store/API test runs on SQLite and on PostgreSQL.

PostgreSQL is used when a server answers at ``BOOKRUN_TEST_POSTGRES`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``; on the development machine and in
CI one does, with trust auth). Each test session creates its own database there and drops
it at the end; when no server answers, the PostgreSQL variants are skipped with a message
saying so (``pytest -ra`` lists it).

Between tests every table except ``site`` and ``alembic_version`` is emptied (the seeded
FY2023 collections stay), so each test starts from the migrated, seeded Munakata store
with four accounts:
``staff1`` (staff), ``akama`` (school librarian of munakata-es-akama), ``togo`` (school
librarian of munakata-es-togo) and ``driver`` (contractor).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.services.accounts import create_user
from api.settings import Settings
from api.store.db import make_engine, make_session_factory, unit_of_work, upgrade
from api.store.seed import seed_network
from scenarios.loader import load_network

POSTGRES_URL = os.environ.get("BOOKRUN_TEST_POSTGRES",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "test-password-1"
USERS = {
    "staff1": ("staff", None),
    "akama": ("school_librarian", "munakata-es-akama"),
    "togo": ("school_librarian", "munakata-es-togo"),
    "driver": ("contractor", None),
}
#: Emptied between tests, children first. The seeded FY2023 history (collections with
#: source 'seed') stays; tests must not change it.
CLEANUP = ("DELETE FROM stop_done", "DELETE FROM school_request_event",
           "DELETE FROM school_request", "DELETE FROM collection_revision",
           "DELETE FROM collection WHERE source <> 'seed'", "DELETE FROM consignment_event",
           "DELETE FROM consignment", "DELETE FROM closure", "DELETE FROM plan",
           "DELETE FROM api_token", "DELETE FROM app_user")


def _postgres_database() -> Iterator[str]:
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            name = f"bookrun_test_{uuid.uuid4().hex[:10]}"
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({type(exc).__name__}): "
                    f"the PostgreSQL variant of the store tests is skipped")
    url = sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(
        hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated store with the Munakata sites and FY2023 history, per backend."""
    cleanup: Iterator[str] | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'bookrun.db'}"
    else:
        cleanup = _postgres_database()
        url = next(cleanup)
    engine = make_engine(url)
    upgrade(url, engine)
    with unit_of_work(make_session_factory(engine)) as session:
        seed_network(session, load_network("munakata"))
    engine.dispose()
    yield url
    if cleanup is not None:
        for _ in cleanup:  # runs the generator's finally: drops the database
            pass


@dataclass
class Service:
    """A test client of the app on a clean store, with a token per account."""

    client: TestClient
    tokens: dict[str, str]
    url: str

    def headers(self, username: str | None) -> dict[str, str]:
        return {} if username is None else {"Authorization": f"Bearer {self.tokens[username]}"}


def _clean(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in CLEANUP:
            connection.execute(sa.text(statement))
    engine.dispose()


@pytest.fixture()
def service(database_url: str) -> Iterator[Service]:
    _clean(database_url)
    settings = Settings(database_url=database_url, plan_time_limit_s=1.0)
    application = create_app(settings)
    with unit_of_work(application.state.session_factory) as session:
        for username, (role, school) in USERS.items():
            create_user(session, username, role, PASSWORD, school)
    with TestClient(application) as client:
        tokens = {}
        for username in USERS:
            response = client.post("/auth/token", json={"username": username,
                                                         "password": PASSWORD})
            assert response.status_code == 200, response.text
            tokens[username] = response.json()["access_token"]
        yield Service(client, tokens, database_url)
    application.state.engine.dispose()
