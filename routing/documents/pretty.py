"""The JSON text of a document: plain JSON values, indented, with short values and arrays or
objects of plain values (matrix rows) kept on one line."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Final


def jsonable(value: Any) -> Any:
    """Plain JSON values: mappings become objects, sequences arrays, the rest strings."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "item"):  # numpy scalar
        return jsonable(value.item())
    return str(value)


_LINE_WIDTH: Final = 100


def dumps(doc: Any) -> str:
    """Indented JSON; short values and arrays or objects of plain values stay on one line."""
    return _format(doc, 0) + "\n"


def _format(value: Any, indent: int) -> str:
    flat = json.dumps(value, ensure_ascii=False)
    is_container = isinstance(value, dict | list)
    if not is_container:
        return flat
    children = value.values() if isinstance(value, dict) else value
    if not value or indent + len(flat) <= _LINE_WIDTH or \
            all(not isinstance(c, dict | list) for c in children):
        return flat  # short values, and arrays or objects of plain values (matrix rows)
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: "
                 f"{_format(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + _format(v, indent + 2) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
