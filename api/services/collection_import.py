"""The CSV import of return-post collections, all or nothing.

The first line is the header naming ``post_id``, ``collected_at``, ``items`` and optionally
``collected_by`` and ``note`` in any order (the export's other columns are ignored). Each
line is checked as a recorded collection is; ``collected_at`` may also be written as Excel
writes it (``2023/8/1 9:30``, Asia/Tokyo). A line with the post and time of a recorded
collection, or of an earlier line, is a duplicate. If any line is bad nothing is imported
and `ImportRefused` lists the problems by line (the header is line 1, as a spreadsheet
counts). The reading of the file and its header is `api.services.csv_import`'s.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api.services.collections import (
    EXPORT_COLUMNS,
    MAX_ITEMS,
    MIN_ITEMS,
    Site,
    iso,
    items_problem,
    parse_local_time,
    post_problem,
    stored_sites,
    time_problem,
)
from api.services.csv_import import (
    FileRejected,
    ImportProblem,
    ImportRefused,
    SeenLines,
    read_lines,
)
from api.store.db import now_utc
from api.store.tables import CollectionRow
from scenarios.calendar import TOKYO

#: Columns a CSV import reads; the export's other columns are accepted and ignored, so an
#: exported file can be edited and imported again.
IMPORT_COLUMNS = ("post_id", "collected_at", "items", "collected_by", "note")
IMPORT_REQUIRED = ("post_id", "collected_at", "items")
IMPORT_IGNORED = tuple(c for c in EXPORT_COLUMNS if c not in IMPORT_COLUMNS)
#: Excel on Japanese Windows rewrites times as ``2023/8/1 9:30``; the import reads that too.
_EXCEL_TIME = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")


def import_csv(session: Session, raw: bytes, by_user_id: int) -> int:
    """Record every collection of the CSV ``raw`` with ``source=csv``, or none
    (`ImportRefused`); returns how many were recorded."""
    try:
        parsed, problems = _read_import(raw, stored_sites(session), now_utc())
    except FileRejected as exc:
        raise ImportRefused([exc.problem]) from None
    problems += _duplicates(session, parsed)
    if problems:
        raise ImportRefused(problems)
    recorded_at = now_utc()
    session.execute(insert(CollectionRow), [
        {"post_id": p.post_id, "collected_at": p.collected_at, "items": p.items,
         "collected_by": p.collected_by, "note": p.note, "source": "csv",
         "recorded_at": recorded_at, "recorded_by_user_id": by_user_id}
        for p in parsed])
    return len(parsed)


@dataclass(frozen=True)
class _Parsed:
    line: int
    post_id: str
    collected_at: dt.datetime
    items: int
    collected_by: str
    note: str


def _import_time(text: str) -> dt.datetime:
    match = _EXCEL_TIME.fullmatch(text.strip())
    if match is None:
        return parse_local_time(text)
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=TOKYO)
    except ValueError as exc:
        raise ValueError(f"{exc}, got {text!r}") from None


def _read_import(raw: bytes, sites: Mapping[str, Site], now: dt.datetime
                 ) -> tuple[list[_Parsed], list[ImportProblem]]:
    """The rows of a CSV import and the problems of its lines."""
    lines = read_lines(raw, IMPORT_COLUMNS, IMPORT_REQUIRED, IMPORT_IGNORED, "collections")
    parsed: list[_Parsed] = []
    problems = list(lines.problems)
    for line, values in lines.rows:
        row, row_problems = _read_row(line, values, sites, now)
        problems += row_problems
        if row is not None:
            parsed.append(row)
    return parsed, problems


def _read_row(line: int, values: dict[str, str], sites: Mapping[str, Site], now: dt.datetime
              ) -> tuple[_Parsed | None, list[ImportProblem]]:
    problems: list[ImportProblem] = []

    def bad(field: str, message: str) -> None:
        problems.append(ImportProblem(line=line, field=field, input=values.get(field),
                                      msg=message))

    post_id = values.get("post_id", "").strip()
    problem = post_problem(sites, post_id) if post_id else "missing"
    if problem:
        bad("post_id", problem)
    collected_at = None
    try:
        collected_at = _import_time(values.get("collected_at", ""))
    except ValueError as exc:
        bad("collected_at", str(exc))
    if collected_at is not None and (problem := time_problem(collected_at, now)):
        bad("collected_at", problem)
    items = None
    items_text = values.get("items", "").strip()
    try:
        items = int(items_text)
    except ValueError:
        bad("items", f"expected a whole number {MIN_ITEMS}..{MAX_ITEMS}, got {items_text!r}")
    if items is not None and (problem := items_problem(items)):
        bad("items", problem)
    collected_by, note = values.get("collected_by", ""), values.get("note", "")
    if len(collected_by) > 200:
        bad("collected_by", f"at most 200 characters, got {len(collected_by)}")
    if len(note) > 2000:
        bad("note", f"at most 2000 characters, got {len(note)}")
    if problems or collected_at is None or items is None:
        return None, problems
    return _Parsed(line, post_id, collected_at, items, collected_by, note), []


def _duplicates(session: Session, parsed: list[_Parsed]) -> list[ImportProblem]:
    """Lines whose post and time are those of a recorded collection or an earlier line."""
    if not parsed:
        return []
    recorded: dict[tuple[str, dt.datetime], int] = {}
    found = session.execute(select(
        CollectionRow.post_id, CollectionRow.collected_at, CollectionRow.collection_id).where(
        CollectionRow.post_id.in_({p.post_id for p in parsed}),
        CollectionRow.collected_at >= min(p.collected_at for p in parsed),
        CollectionRow.collected_at <= max(p.collected_at for p in parsed))).all()
    for post_id, collected_at, collection_id in found:
        recorded[(post_id, collected_at.astimezone(dt.UTC))] = collection_id
    problems = []
    seen = SeenLines()
    for p in parsed:
        key = (p.post_id, p.collected_at.astimezone(dt.UTC))
        problem = seen.duplicate(
            p.line, key, "collected_at", iso(p.collected_at),
            f"duplicate: {p.post_id} at {iso(p.collected_at)}",
            f"collection {recorded[key]} is already recorded" if key in recorded else None)
        if problem is not None:
            problems.append(problem)
    return problems


__all__ = ["IMPORT_COLUMNS", "ImportProblem", "ImportRefused", "import_csv"]
