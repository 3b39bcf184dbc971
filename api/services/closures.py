"""Closures and openings staff record, without HTTP: check, record, list, withdraw, and the
network planning reads (the scenario with the active ones applied).

A closure names a site or a calendar of the scenario (``library``, ``school``, ...), a
date or a range, a reason, and whether the days are closed (臨時休館, a school holiday) or
open (a term day inside a written holiday period, `scenarios.closures.ClosureKind`).
Withdrawing one keeps it, with who withdrew it, when and why; planning reads only the
active ones. Every function takes a `Session` and never commits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from api.services.date_checks import check_recorded_date
from api.services.errors import Conflict, Invalid, InvalidField, NotFound
from api.services.planning import get_network
from api.store.db import now_utc
from api.store.tables import ClosureRow
from scenarios.closures import Closure, ClosureKind, apply_closures, closure_problem
from scenarios.network import Network

_FIELD_MESSAGE = re.compile(r"field '(\w+)': (.*)", re.S)


@dataclass(frozen=True)
class ClosureFields:
    """A closure as staff record it: ``site_id`` or ``calendar_id``, the first and last
    day, the reason and the kind."""

    first_date: dt.date
    last_date: dt.date
    reason: str
    site_id: str | None = None
    calendar_id: str | None = None
    kind: ClosureKind = ClosureKind.CLOSED


def as_closure(row: ClosureRow) -> Closure:
    return Closure(row.first_date, row.last_date, row.reason, site_id=row.site_id or "",
                   calendar_id=row.calendar_id or "", kind=ClosureKind(row.kind))


def invalid_from(error: ValueError) -> Invalid:
    """A pure check's ``field '<name>': message`` as the service's `InvalidField`."""
    match = _FIELD_MESSAGE.fullmatch(str(error))
    return InvalidField(match.group(1), match.group(2)) if match else Invalid(str(error))


def check_closure(network: Network, fields: ClosureFields,
                  today: dt.date | None = None) -> Closure:
    """The closure, or `InvalidField` naming the field and the value: an unknown site or
    calendar, a site and a calendar (or neither), the last day before the first, a range
    over a year, a blank reason, days before the scenario's first data day or more than
    two years ahead."""
    try:
        closure = Closure(fields.first_date, fields.last_date, fields.reason.strip(),
                          site_id=fields.site_id or "", calendar_id=fields.calendar_id or "",
                          kind=fields.kind)
    except ValueError as exc:
        raise invalid_from(exc) from None
    problem = closure_problem(network, closure)
    if problem is not None:
        raise InvalidField(*problem)
    check_recorded_date(network, "first_date", closure.first_date, today)
    check_recorded_date(network, "last_date", closure.last_date, today)
    return closure


def _same(scenario: str, closure: Closure) -> list[ColumnElement[bool]]:
    return [ClosureRow.scenario == scenario, ClosureRow.withdrawn_at.is_(None),
            ClosureRow.first_date == closure.first_date,
            ClosureRow.last_date == closure.last_date, ClosureRow.kind == closure.kind,
            (ClosureRow.site_id == closure.site_id) if closure.site_id
            else (ClosureRow.calendar_id == closure.calendar_id)]


def duplicate_of(session: Session, scenario: str, closure: Closure) -> int | None:
    """The id of an active closure with the same target, days and kind, if any."""
    return session.scalar(select(ClosureRow.closure_id).where(*_same(scenario, closure)))


def record_closure(session: Session, network: Network, fields: ClosureFields, by_user_id: int,
                   *, source: str = "api", today: dt.date | None = None) -> ClosureRow:
    """Check and record a closure (`Conflict` when the same one is recorded already)."""
    closure = check_closure(network, fields, today)
    existing = duplicate_of(session, network.scenario_id, closure)
    if existing is not None:
        raise Conflict(f"closure {existing} already records this: the same "
                       f"{'site' if closure.site_id else 'calendar'}, days and kind")
    row = ClosureRow(scenario=network.scenario_id, site_id=closure.site_id or None,
                     calendar_id=closure.calendar_id or None, first_date=closure.first_date,
                     last_date=closure.last_date, kind=closure.kind, reason=closure.reason,
                     source=source, created_by_user_id=by_user_id, created_at=now_utc(),
                     withdrawn_reason="")
    session.add(row)
    session.flush()
    return row


def get_closure(session: Session, closure_id: int, *, for_update: bool = False) -> ClosureRow:
    row = session.get(ClosureRow, closure_id, with_for_update=for_update)
    if row is None:
        raise NotFound(f"no closure {closure_id}")
    return row


def withdraw_closure(session: Session, row: ClosureRow, by_user_id: int,
                     reason: str) -> ClosureRow:
    """Withdraw a closure recorded by mistake: planning no longer reads it, the record
    stays (`Conflict` when it is withdrawn already)."""
    if row.withdrawn_at is not None:
        raise Conflict(f"closure {row.closure_id} was withdrawn already")
    row.withdrawn_at = now_utc()
    row.withdrawn_by_user_id = by_user_id
    row.withdrawn_reason = reason
    session.flush()
    return row


def list_closures(session: Session, scenario: str, *, first: dt.date | None = None,
                  last: dt.date | None = None, site_id: str | None = None,
                  calendar_id: str | None = None, include_withdrawn: bool = False,
                  offset: int = 0, limit: int = 100) -> tuple[int, list[ClosureRow]]:
    """(how many match, the page of them by first day): the closures touching
    ``first``..``last``, of a site or a calendar."""
    if first is not None and last is not None and last < first:
        raise InvalidField("to", f"{last.isoformat()} is before 'from' {first.isoformat()}")
    conditions: list[ColumnElement[bool]] = [ClosureRow.scenario == scenario]
    if first is not None:
        conditions.append(ClosureRow.last_date >= first)
    if last is not None:
        conditions.append(ClosureRow.first_date <= last)
    if site_id is not None:
        conditions.append(ClosureRow.site_id == site_id)
    if calendar_id is not None:
        conditions.append(ClosureRow.calendar_id == calendar_id)
    if not include_withdrawn:
        conditions.append(ClosureRow.withdrawn_at.is_(None))
    total = session.scalar(select(func.count()).select_from(ClosureRow).where(*conditions))
    rows = session.scalars(select(ClosureRow).where(*conditions).order_by(
        ClosureRow.first_date, ClosureRow.closure_id).offset(offset).limit(limit)).all()
    return total or 0, list(rows)


def active_closures(session: Session, scenario: str) -> list[Closure]:
    """Every closure of the scenario not withdrawn, as planning reads them."""
    rows = session.scalars(select(ClosureRow).where(
        ClosureRow.scenario == scenario, ClosureRow.withdrawn_at.is_(None)).order_by(
        ClosureRow.closure_id)).all()
    return [as_closure(row) for row in rows]


def planning_network(session: Session, scenario: str) -> tuple[Network, list[Closure]]:
    """The scenario with its active closures applied, and those closures."""
    network = get_network(scenario)
    closures = active_closures(session, network.scenario_id)
    return apply_closures(network, closures), closures


def user_ids(rows: Iterable[ClosureRow]) -> set[int]:
    ids: set[int] = set()
    for row in rows:
        ids.add(row.created_by_user_id)
        if row.withdrawn_by_user_id is not None:
            ids.add(row.withdrawn_by_user_id)
    return ids
