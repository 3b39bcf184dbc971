"""The one place where errors become HTTP answers.

Routers and services raise the domain errors of `api.services.errors` (and the store's
`NotMigrated`); the handlers registered by `register_error_handlers` answer each with its
status and ``{"detail": message}``: the body FastAPI gives an ``HTTPException``. A refused
CSV import also lists its bad lines, and a request FastAPI cannot validate gets 422 with
each problem's field path.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.http.schemas.collections import ImportProblem, ImportRejected
from api.services.csv_import import ImportRefused
from api.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    InvalidToken,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
)
from api.store.db import NotMigrated

#: The status of each domain error (a subclass answers as its nearest listed base).
STATUS: dict[type[DomainError], int] = {
    Unauthorized: status.HTTP_401_UNAUTHORIZED,
    Forbidden: status.HTTP_403_FORBIDDEN,
    NotFound: status.HTTP_404_NOT_FOUND,
    Conflict: status.HTTP_409_CONFLICT,
    UnsupportedMediaType: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    Invalid: status.HTTP_422_UNPROCESSABLE_CONTENT,
}
#: Headers sent with an error's answer.
HEADERS: dict[type[DomainError], dict[str, str]] = {
    InvalidToken: {"WWW-Authenticate": "Bearer"},
}


def status_of(error: DomainError) -> int:
    """The HTTP status of ``error``: that of the nearest class listed in `STATUS`."""
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return status.HTTP_500_INTERNAL_SERVER_ERROR


def error_response(error: DomainError) -> JSONResponse:
    """The answer to ``error``: its status, ``{"detail": message}`` (a refused import: its
    bad lines too) and its headers."""
    headers = next((HEADERS[kind] for kind in type(error).__mro__ if kind in HEADERS), None)
    content: dict[str, Any] = {"detail": str(error)}
    if isinstance(error, ImportRefused):
        content = ImportRejected(
            detail=str(error), bad_lines=error.bad_lines,
            errors=[ImportProblem(line=p.line, field=p.field, input=p.input, msg=p.msg)
                    for p in error.listed]).model_dump()
    return JSONResponse(status_code=status_of(error), content=content, headers=headers)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return error_response(exc)


async def _not_migrated(_: Request, exc: Exception) -> JSONResponse:
    """503 naming ``bookrun db upgrade``: the store is behind the code."""
    return JSONResponse(status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                        content={"detail": str(exc)})


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    """422 with each problem's field path, message and (short) input."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        errors.append({"field": ".".join(location) or "body", "msg": error.get("msg"),
                       "input": _short(error.get("input"))})
    first = errors[0] if errors else {"field": "body", "msg": "invalid"}
    return JSONResponse(status_code=422, content={
        "detail": f"field '{first['field']}': {first['msg']}", "errors": errors})


def _short(value: Any) -> Any:
    text = repr(value)
    return value if len(text) <= 200 and isinstance(value, str | int | float | None) \
        else text[:200]


def register_error_handlers(application: FastAPI) -> None:
    """Answer domain errors, an unmigrated store and invalid requests as described above."""
    application.add_exception_handler(DomainError, _domain_error)
    application.add_exception_handler(NotMigrated, _not_migrated)
    application.add_exception_handler(RequestValidationError, _validation_error)
