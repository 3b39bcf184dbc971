"""The CSV import of closures and school term dates, all or nothing.

Header first, columns in any order: ``site_id`` or ``calendar`` (one of the two per line;
both columns may be present), ``first_date``, optionally ``last_date`` (default: the
first date), ``reason`` and optionally ``kind`` (``closed``, the default, or ``open``).
Dates are ISO (``2026-12-09``) or as Excel writes them (``2026/12/9``). Each line is
checked as ``POST /closures`` checks one; a line recording what an active closure or an
earlier line records is a duplicate. The reading of the file is `api.services.csv_import`'s.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from api.services.closures import ClosureFields, check_closure, duplicate_of, record_closure
from api.services.csv_import import (
    FileRejected,
    ImportProblem,
    ImportRefused,
    SeenLines,
    parse_date,
    read_lines,
)
from api.services.errors import InvalidField
from scenarios.closures import ClosureKind
from scenarios.network import Network

COLUMNS = ("site_id", "calendar", "first_date", "last_date", "reason", "kind")
REQUIRED = ("first_date", "reason")


def import_closures(session: Session, network: Network, raw: bytes, by_user_id: int,
                    today: dt.date | None = None) -> int:
    """Record every closure of the CSV ``raw`` (``source=csv``) or none (`ImportRefused`);
    returns how many were recorded."""
    try:
        lines = read_lines(raw, COLUMNS, REQUIRED, what="closures")
    except FileRejected as exc:
        raise ImportRefused([exc.problem]) from None
    if "site_id" not in lines.header and "calendar" not in lines.header:
        raise ImportRefused([ImportProblem(1, "header", ",".join(lines.header),
                                           "missing column site_id or calendar")])
    problems = list(lines.problems)
    parsed: list[ClosureFields] = []
    seen = SeenLines()
    for line, values in lines.rows:
        fields, problem = _read(values)
        if problem is not None:
            problems.append(ImportProblem(line, problem[0], values.get(problem[0]),
                                          problem[1]))
            continue
        assert fields is not None
        try:
            closure = check_closure(network, fields, today)
        except InvalidField as exc:
            column = {"calendar_id": "calendar"}.get(exc.field, exc.field)
            message = str(exc).removeprefix(f"field '{exc.field}': ")
            problems.append(ImportProblem(line, column, values.get(column), message))
            continue
        existing = duplicate_of(session, network.scenario_id, closure)
        duplicate = seen.duplicate(line, closure, "first_date", values.get("first_date"),
                                   "duplicate", None if existing is None
                                   else f"closure {existing} records it already")
        if duplicate is not None:
            problems.append(duplicate)
            continue
        parsed.append(fields)
    if problems:
        raise ImportRefused(problems)
    for fields in parsed:
        record_closure(session, network, fields, by_user_id, source="csv", today=today)
    return len(parsed)


def _read(values: dict[str, str]) -> tuple[ClosureFields | None, tuple[str, str] | None]:
    """The fields of one line, or (field, message) of its first unreadable value."""
    dates: dict[str, dt.date] = {}
    for name in ("first_date", "last_date"):
        text = values.get(name, "").strip()
        if not text:
            if name == "first_date":
                return None, (name, "missing")
            continue
        try:
            dates[name] = parse_date(text)
        except ValueError as exc:
            return None, (name, str(exc))
    kind_text = values.get("kind", "").strip() or ClosureKind.CLOSED.value
    try:
        kind = ClosureKind(kind_text)
    except ValueError:
        return None, ("kind", f"must be closed or open, got {kind_text!r}")
    return ClosureFields(
        first_date=dates["first_date"], last_date=dates.get("last_date", dates["first_date"]),
        reason=values.get("reason", ""), site_id=values.get("site_id", "").strip() or None,
        calendar_id=values.get("calendar", "").strip() or None, kind=kind), None
