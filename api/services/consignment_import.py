"""The CSV import of consignments (the daily transfer list a library system exports), all
or nothing.

Header first, columns in any order: ``from_site_id``, ``to_site_id``, ``items``, ``kind``
(``reservation``, ``return``, ``group_lending``, ``inter_library_loan``), ``ready_date``
(``2026-12-08`` or ``2026/12/8``) and optionally ``crates``, ``reference`` (the library
system's id) and ``note``. Each line is checked as ``POST /transfers`` checks one; a line
whose kind and reference are those of a recorded consignment, or of an earlier line, is a
duplicate. The reading of the file is `api.services.csv_import`'s.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from api.services.consignments import (
    ConsignmentFields,
    fields_problem,
    new_row,
    same_reference,
    stored_sites,
)
from api.services.csv_import import (
    FileRejected,
    ImportProblem,
    ImportRefused,
    SeenLines,
    parse_date,
    read_lines,
)
from scenarios.consignments import ConsignmentKind
from scenarios.network import Network

COLUMNS = ("from_site_id", "to_site_id", "items", "crates", "kind", "ready_date",
           "reference", "note")
REQUIRED = ("from_site_id", "to_site_id", "items", "kind", "ready_date")
KINDS = ", ".join(k.value for k in ConsignmentKind)


def import_consignments(session: Session, network: Network, raw: bytes, by_user_id: int,
                        today: dt.date | None = None) -> list[int]:
    """Record every consignment of the CSV ``raw`` (``source=csv``) or none
    (`ImportRefused`); returns the ids recorded, in line order."""
    try:
        lines = read_lines(raw, COLUMNS, REQUIRED, what="consignments")
    except FileRejected as exc:
        raise ImportRefused([exc.problem]) from None
    problems = list(lines.problems)
    site_ids = {v.get(c, "").strip() for _, v in lines.rows for c in COLUMNS[:2]}
    sites = stored_sites(session, site_ids)
    parsed: list[ConsignmentFields] = []
    seen = SeenLines()
    for line, values in lines.rows:
        fields, problem = _read(values)
        if fields is not None:
            problem = fields_problem(network, sites, fields, today)
        if problem is not None:
            problems.append(ImportProblem(line, problem[0], values.get(problem[0]),
                                          problem[1]))
            continue
        assert fields is not None
        if fields.reference:
            existing = same_reference(session, network.scenario_id, fields.kind,
                                      fields.reference)
            duplicate = seen.duplicate(
                line, (fields.kind.value, fields.reference), "reference", fields.reference,
                f"duplicate {fields.kind.value}", None if existing is None
                else f"consignment {existing} records it already")
            if duplicate is not None:
                problems.append(duplicate)
                continue
        parsed.append(fields)
    if problems:
        raise ImportRefused(problems)
    rows = [new_row(network, fields, by_user_id, source="csv") for fields in parsed]
    session.add_all(rows)
    session.flush()
    return [row.consignment_id for row in rows]


def _read(values: dict[str, str]) -> tuple[ConsignmentFields | None, tuple[str, str] | None]:
    """The fields of one line, or (field, message) of its first unreadable value."""
    for name in REQUIRED:
        if not values.get(name, "").strip():
            return None, (name, "missing")
    numbers: dict[str, int | None] = {}
    for name in ("items", "crates"):
        text = values.get(name, "").strip()
        try:
            numbers[name] = int(text) if text else None
        except ValueError:
            return None, (name, f"expected a whole number, got {text!r}")
    kind_text = values["kind"].strip()
    try:
        kind = ConsignmentKind(kind_text)
    except ValueError:
        return None, ("kind", f"must be one of {KINDS}, got {kind_text!r}")
    try:
        ready = parse_date(values["ready_date"])
    except ValueError as exc:
        return None, ("ready_date", str(exc))
    items = numbers["items"]
    assert items is not None
    return ConsignmentFields(
        from_site_id=values["from_site_id"].strip(), to_site_id=values["to_site_id"].strip(),
        items=items, kind=kind, ready_date=ready, crates=numbers["crates"],
        reference=values.get("reference", "").strip(), note=values.get("note", "")), None
