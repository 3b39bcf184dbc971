"""Checked JSON: parsing that notices keys given twice, a checker that collects every
problem found under its JSON path, the display of offending values, and file reading."""

from __future__ import annotations

import difflib
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from routing.errors import FormatError
from routing.problem import MAX_TIME_S

#: The document format this package reads and writes (the ``"format"`` key).
FORMAT_VERSION: Final = 1

#: At most this many problems are spelled out in a `DocumentError` message.
MAX_REPORTED_PROBLEMS: Final = 20

#: The value read for an absent key: every check passes it over in silence (an absent
#: required key is reported once, by `Checker.obj`).
MISSING: Final[Any] = object()


class DocumentError(FormatError):
    """Every problem found in one document, in document order.

    ``path`` and ``reason`` are those of the first problem; ``problems`` holds them all,
    and the message lists them one per line (at most `MAX_REPORTED_PROBLEMS`).
    """

    def __init__(self, problems: Sequence[FormatError]) -> None:
        if not problems:
            raise ValueError("DocumentError needs at least one problem")
        super().__init__(problems[0].path, problems[0].reason)
        self.problems: tuple[FormatError, ...] = tuple(problems)
        lines = [str(p) for p in self.problems[:MAX_REPORTED_PROBLEMS]]
        if len(self.problems) > MAX_REPORTED_PROBLEMS:
            lines.append(f"... and {len(self.problems) - MAX_REPORTED_PROBLEMS} more problems")
        self.args = ("\n".join(lines),)


class _DuplicateKeysDict(dict[str, Any]):
    """A JSON object that remembers the keys given more than once (the last one wins)."""

    duplicate_keys: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = _DuplicateKeysDict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicates: list[str] = []
        for key, _ in pairs:
            if key in seen and key not in duplicates:
                duplicates.append(key)
            seen.add(key)
        result.duplicate_keys = tuple(duplicates)
    return result


def parse_json(text: str) -> Any:
    """Parse JSON text; each object remembers the keys it was given twice (`Checker.obj`
    reports them)."""
    try:
        return json.loads(text, object_pairs_hook=_object_pairs)
    except json.JSONDecodeError as exc:
        raise DocumentError([FormatError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]) from None


def read_text(path: str | os.PathLike[str]) -> str:
    """A UTF-8 text file's content (`OSError` when it cannot be read)."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError([FormatError("", f"not UTF-8 text: {exc.reason}")]) from None


def show(value: Any) -> str:
    """A value as JSON would spell it, shortened for a message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _bound(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def key_path(path: str, key: str) -> str:
    """The JSON path of ``key`` in the object at ``path`` (the root is ``""``)."""
    return f"{path}.{key}" if path else key


def _unknown_key(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown key{hint}; allowed keys: {', '.join(allowed)}"


class Ids(dict[str, str]):
    """Ids read so far (id -> path); ``partial`` when some entry's id could not be read."""

    partial: bool = False


class Checker:
    """Collects every problem found in a document; each check returns None on failure.

    A value of ``MISSING`` (an absent required key, already reported) fails silently.
    """

    def __init__(self) -> None:
        self.found: list[FormatError] = []

    def fail(self, path: str, reason: str) -> None:
        self.found.append(FormatError(path, reason))

    def raise_if_any(self) -> None:
        if self.found:
            raise DocumentError(self.found)

    def obj(self, path: str, value: Any, required: Sequence[str] = (),
            optional: Sequence[str] = (), *, any_keys: bool = False) -> Mapping[str, Any] | None:
        if value is MISSING:
            return None
        if not isinstance(value, Mapping):
            self.fail(path, f"must be an object, got {show(value)}")
            return None
        allowed = (*required, *optional)
        for key in getattr(value, "duplicate_keys", ()):
            self.fail(key_path(path, key), "key given twice in the same object")
        for key in value:
            if not isinstance(key, str):
                self.fail(path, f"keys must be strings, got {show(key)}")
            elif not any_keys and key not in allowed:
                self.fail(key_path(path, str(key)), _unknown_key(str(key), allowed))
        for key in required:
            if key not in value:
                self.fail(key_path(path, key), "missing required key")
        return value

    def array(self, path: str, value: Any, *, min_len: int = 0) -> list[Any] | None:
        if value is MISSING:
            return None
        if not isinstance(value, list | tuple):
            self.fail(path, f"must be an array, got {show(value)}")
            return None
        if len(value) < min_len:
            self.fail(path, f"must hold at least {min_len} "
                      f"{'entry' if min_len == 1 else 'entries'}, got {len(value)}")
            return None
        return list(value)

    def string(self, path: str, value: Any, *, allow_empty: bool = True) -> str | None:
        if value is MISSING:
            return None
        if not isinstance(value, str):
            self.fail(path, f"must be a string, got {show(value)}")
            return None
        if not allow_empty and not value.strip():
            self.fail(path, f"must be a non-empty string, got {show(value)}")
            return None
        return value

    def ident(self, path: str, value: Any) -> str | None:
        return self.string(path, value, allow_empty=False)

    def boolean(self, path: str, value: Any) -> bool | None:
        if value is MISSING:
            return None
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, got {show(value)}")
            return None
        return value

    def integer(self, path: str, value: Any, *, minimum: int = 0,
                maximum: int | None = MAX_TIME_S) -> int | None:
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and not (math.isfinite(value) and value.is_integer())):
            self.fail(path, f"must be an integer, got {show(value)}")
            return None
        number = int(value)
        if number < minimum:
            self.fail(path, f"must be >= {minimum}, got {show(value)}")
            return None
        if maximum is not None and number > maximum:
            self.fail(path, f"must be <= {maximum}, got {show(value)}")
            return None
        return number

    def number(self, path: str, value: Any, *, minimum: float | None = 0.0,
               maximum: float | None = None, above: float | None = None) -> float | None:
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                not math.isfinite(value):
            self.fail(path, f"must be a finite number, got {show(value)}")
            return None
        if minimum is not None and maximum is not None:
            if not minimum <= value <= maximum:
                self.fail(path, f"must be within [{_bound(minimum)}, {_bound(maximum)}], "
                          f"got {show(value)}")
                return None
        elif minimum is not None and value < minimum:
            self.fail(path, f"must be >= {_bound(minimum)}, got {show(value)}")
            return None
        if above is not None and value <= above:
            self.fail(path, f"must be > {_bound(above)}, got {show(value)}")
            return None
        return value

    def choice(self, path: str, value: Any, choices: Sequence[str]) -> str | None:
        if value is MISSING:
            return None
        if not isinstance(value, str) or value not in choices:
            close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.fail(path, f"must be one of {', '.join(choices)}, got {show(value)}{hint}")
            return None
        return value

    def amount(self, path: str, value: Any) -> dict[str, int] | None:
        """An object of capacity dimension -> whole units >= 0."""
        obj = self.obj(path, value, any_keys=True)
        if obj is None:
            return None
        result: dict[str, int] = {}
        ok = True
        for dim, units in obj.items():
            if not str(dim).strip():
                self.fail(path, "capacity dimension names must be non-empty")
                ok = False
                continue
            checked = self.integer(key_path(path, dim), units, maximum=None)
            if checked is None:
                ok = False
            else:
                result[dim] = checked
        return result if ok else None

    def reference(self, path: str, value: Any, known: Mapping[str, Any], what: str) -> str | None:
        checked = self.ident(path, value)
        if checked is None:
            return None
        if checked not in known:
            if not getattr(known, "partial", False):  # else it may be the unreadable entry's
                self.fail(path, f"unknown {what} {checked!r}")
            return None
        return checked

    def unique(self, path: str, value: str | None, seen: dict[str, str]) -> None:
        """Record the id at ``path``; report it if an earlier entry used it."""
        if value is None:
            return
        if value in seen:
            self.fail(path, f"duplicate id {value!r} (first used by {seen[value]})")
        else:
            seen[value] = path.rsplit(".", 1)[0]


def check_format(check: Checker, data: Mapping[str, Any]) -> None:
    """Stop at once on a missing or foreign version: nothing else can be judged."""
    if "format" not in data:
        check.fail("format", f"missing required key (this bookrun reads format {FORMAT_VERSION})")
    elif isinstance(data["format"], bool) or data["format"] != FORMAT_VERSION:
        check.fail("format", f"unsupported format {show(data['format'])} "
                   f"(this bookrun reads format {FORMAT_VERSION})")
    check.raise_if_any()
