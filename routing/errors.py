"""Exceptions of the routing core: invalid input only; an infeasible day is a result."""

from __future__ import annotations


class ProblemError(ValueError):
    """A routing problem (or a plan handed to `verify`) is malformed.

    The message names the object, the field and the offending value, e.g.
    ``task 'post-akama' field 'amount.crates': must be >= 0, got -2``.
    """


class FormatError(ValueError):
    """A JSON document does not follow the problem/plan format.

    The message starts with the path of the bad field, e.g.
    ``tasks[3].amount.crates: must be >= 0, got -2``.
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{path}: {message}" if path else message)


class InstanceFormatError(ValueError):
    """A benchmark instance file (Solomon or Li & Lim) cannot be read."""
