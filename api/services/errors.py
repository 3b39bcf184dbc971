"""The domain errors the services raise; `api.http.errors` answers each with its HTTP status
and ``{"detail": message}``, the command line prints the message.

The message is the whole answer a client reads, so it says what was wrong and what to do;
`InvalidField` starts it with ``field '<name>': `` as every 422 of the API does.
"""

from __future__ import annotations


class DomainError(Exception):
    """Something the service refuses to do; ``str(error)`` is the ``detail`` of the answer."""


class Unauthorized(DomainError):
    """Wrong credentials (401)."""


class InvalidToken(Unauthorized):
    """No valid bearer token (401, with ``WWW-Authenticate: Bearer``)."""


class Forbidden(DomainError):
    """The caller may not do this (403)."""


class NotFound(DomainError):
    """No such thing, or not one the caller may see (404)."""


class Conflict(DomainError):
    """The thing's state does not allow it, or a retry key names something else (409)."""


class UnsupportedMediaType(DomainError):
    """The body is sent as a type the endpoint does not read (415)."""


class Invalid(DomainError):
    """A value the service cannot accept (422); the message is given whole."""


class InvalidField(Invalid):
    """A value of one field the service cannot accept (422): ``field '<name>': <message>``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field '{field}': {message}")
        self.field = field
