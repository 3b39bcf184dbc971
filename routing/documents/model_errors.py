"""The JSON path of a `ProblemError` the model raises while a checked document is built.

The path comes from the error's fields (object kind, id, field), never from the wording of
its message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

from routing.documents.checked import DocumentError, key_path
from routing.errors import FormatError, ProblemError

#: Model field -> document key, per kind of model object, to put a path on a `ProblemError`
#: from the model (a key starting with ``[`` indexes the object's own path). A field not
#: listed keeps its name.
_DOCUMENT_KEYS: Final[Mapping[str, Mapping[str, str]]] = {
    "site": {"site_id": "id"},
    "vehicle": {"vehicle_id": "id", "start_site_id": "start_site", "end_site_id": "end_site",
                "shift_start_s": "shift[0]", "shift_end_s": "shift[1]"},
    "task": {"task_id": "id", "site_id": "site", "pickup_site_id": "pickup_site",
             "delivery_site_id": "delivery_site"},
    "time window": {"start_s": "[0]", "end_s": "[1]"},
}


def path_of_model_error(error: ProblemError, path: str) -> FormatError:
    """A model error about the object at ``path``, placed at the document key of its field.

    Read from the error's fields, never from its message: a model message may be reworded
    without moving the error.
    """
    if error.field is None:
        return FormatError(path, str(error))
    head, _, rest = error.field.partition(".")
    key = _DOCUMENT_KEYS.get(error.object_kind or "", {}).get(head, head)
    key += f".{rest}" if rest else ""
    return FormatError(f"{path}{key}" if key.startswith("[") else key_path(path, key),
                       error.reason)


@contextmanager
def model_errors(path: str) -> Iterator[None]:
    """Report a `ProblemError` raised by the model object built at ``path`` with its path."""
    try:
        yield
    except ProblemError as exc:
        raise DocumentError([path_of_model_error(exc, path)]) from exc


def locate_problem_error(error: ProblemError,
                         paths: Mapping[tuple[str | None, str | None], str],
                         travel: Mapping[str, Any]) -> FormatError:
    """A `Problem`'s error about one of its sites, vehicles or tasks (found by kind and
    id), or about one matrix field; anything else is the document's as a whole."""
    if error.field is None:
        return FormatError("", str(error))
    path = paths.get((error.object_kind, error.object_id))
    if path is not None:
        return path_of_model_error(error, path)
    if error.object_kind == "matrix":
        return FormatError("travel.matrix" if "matrix" in travel else "travel",
                           f"{error.field}: {error.reason}")
    return FormatError("", str(error))
