"""`api.http.errors`: each domain error answers with its status and the body FastAPI gives an
``HTTPException`` (``{"detail": message}``), in one place for every router."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from api.http.errors import register_error_handlers, status_of
from api.services.collection_import import ImportProblem, ImportRefused
from api.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    InvalidField,
    InvalidToken,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
)
from api.services.school_request_lifecycle import RequestInvalid
from api.services.school_requests import IdempotencyConflict
from api.store.db import NotMigrated


def _client(error: Exception) -> TestClient:
    application = FastAPI()
    register_error_handlers(application)

    @application.get("/fail")
    def fail() -> None:
        raise error

    return TestClient(application)


@pytest.mark.parametrize(("error", "status"), [
    (Unauthorized("wrong username or password"), 401),
    (InvalidToken("the token is unknown, expired or revoked"), 401),
    (Forbidden("role contractor may not do this (allowed: staff)"), 403),
    (NotFound("no plan 7"), 404),
    (Conflict("plan 7 is queued, not done: poll GET /plans/7"), 409),
    (UnsupportedMediaType("send the file with Content-Type: text/csv (got 'none')"), 415),
    (Invalid("date 2025-01-07 is outside the scenario's data"), 422),
    (InvalidField("kind", "must be one of a, b, got 'c'"), 422),
    (RequestInvalid("needed_by", "2020-01-01 is in the past"), 422),
    (IdempotencyConflict("the Idempotency-Key was already used"), 409),
])
def test_a_domain_error_answers_as_the_same_http_exception_did(error: DomainError,
                                                              status: int) -> None:
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, InvalidToken) else None
    expected = _client(HTTPException(status, detail=str(error), headers=headers)).get("/fail")

    answer = _client(error).get("/fail")

    assert status_of(error) == status
    assert answer.status_code == expected.status_code == status
    assert answer.content == expected.content
    assert answer.json() == {"detail": str(error)}
    assert answer.headers.get("www-authenticate") == expected.headers.get("www-authenticate")


def test_a_field_error_names_the_field_first() -> None:
    assert str(InvalidField("kind", "must be one of a, b")) == "field 'kind': must be one of a, b"


def test_an_unmigrated_store_answers_503_with_what_to_run() -> None:
    answer = _client(NotMigrated("the database x has no bookrun tables; run `bookrun db "
                                 "upgrade`")).get("/fail")

    assert answer.status_code == 503
    assert answer.json() == {"detail": "the database x has no bookrun tables; run `bookrun db "
                                       "upgrade`"}


def test_a_refused_import_lists_its_bad_lines_by_line_at_most_50() -> None:
    problems = [ImportProblem(line, "items", "x", "expected a whole number 0..5000, got 'x'")
                for line in range(60, 1, -1)]
    problems.append(ImportProblem(3, "post_id", "nowhere", "unknown return post 'nowhere'"))

    answer = _client(ImportRefused(problems)).get("/fail")

    assert answer.status_code == 422
    body = answer.json()
    assert list(body) == ["detail", "bad_lines", "errors"]
    assert body["detail"] == ("line 2: field 'items': expected a whole number 0..5000, got "
                              "'x' (59 bad lines; nothing was imported)")
    assert body["bad_lines"] == 59
    assert len(body["errors"]) == 50
    assert body["errors"][0] == {"line": 2, "field": "items", "input": "x",
                                 "msg": "expected a whole number 0..5000, got 'x'"}
    assert [e["line"] for e in body["errors"]][:3] == [2, 3, 3]
