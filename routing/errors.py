"""Exceptions of the routing core: invalid input only; an infeasible day is a result."""

from __future__ import annotations

from typing import Literal

#: What a `ProblemError` is about, as its message names it.
ObjectKind = Literal["site", "vehicle", "task", "time window", "break", "problem", "matrix",
                     "geodesic matrix", "graph matrix", "fixed leg"]


class ProblemError(ValueError):
    """A routing problem (or a plan handed to `verify`) is malformed.

    The message names the object, the field and the offending value, e.g.
    ``task 'post-akama' field 'amount.crates': must be >= 0, got -2``, and the same
    parts are attributes, so a caller can place the error (a JSON path, a form field)
    without reading the message.

    Parameters
    ----------
    reason
        What is wrong, e.g. ``must be >= 0, got -2``; the whole message when there is
        no ``object_kind`` (a plain argument check).
    object_kind
        The kind of object at fault (``"task"``), or None.
    object_id
        Its id (``"post-akama"``), or None when it has none or its id is the fault.
    field
        The model field at fault (``"amount.crates"``: a dotted path into a mapping),
        or None when the object as a whole is at fault.
    value
        The offending value, when one value is at fault (else None).

    Attributes
    ----------
    object_kind, object_id, field, value, reason
        As given.
    """

    def __init__(self, reason: str, *, object_kind: ObjectKind | None = None,
                 object_id: str | None = None, field: str | None = None,
                 value: object = None) -> None:
        self.object_kind = object_kind
        self.object_id = object_id
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(_message(reason, object_kind, object_id, field))


def _message(reason: str, object_kind: str | None, object_id: str | None,
             field: str | None) -> str:
    """``<kind> '<id>' field '<field>': <reason>``, leaving out the parts that are None."""
    if object_kind is None:
        return reason
    subject = object_kind if object_id is None else f"{object_kind} '{object_id}'"
    return f"{subject} field '{field}': {reason}" if field is not None else f"{subject}: {reason}"


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
