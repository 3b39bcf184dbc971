"""Consignments without HTTP: check and record one, who sees which, the list.

A consignment (``/transfers``) is what must travel from one site to another: reserved
items to their pickup site, returned items to their owning site, group-lending crates, an
inter-library loan. Staff record it (or import the library system's daily list,
`api.services.consignment_import`); planning carries it (`api.services.consignment_lifecycle`
moves it ``recorded → scheduled → delivered``). Every function takes a `Session`, adds and
flushes, and never commits.

Who sees what: staff every consignment; the contractor those scheduled on its plans or
delivered (another answers `NotFound`); a school librarian none (403 at the router).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.services.accounts import Principal
from api.services.date_checks import check_recorded_date
from api.services.errors import Conflict, Forbidden, InvalidField, NotFound
from api.store.db import now_utc
from api.store.repositories import history_user_ids
from api.store.tables import (
    ConsignmentEventRow,
    ConsignmentRow,
    ConsignmentStatus,
    Role,
    SiteRow,
)
from scenarios.consignments import Consignment, ConsignmentKind
from scenarios.network import Network, SiteKind

S = ConsignmentStatus

#: Site kinds a consignment may leave from or go to (return posts are emptied by the
#: collection policy; island sites are served through their ports, named by the site).
CONSIGNMENT_SITE_KINDS = frozenset({SiteKind.LIBRARY, SiteKind.BRANCH, SiteKind.ANNEX,
                                    SiteKind.SERVICE_POINT, SiteKind.SCHOOL})
#: The statuses the contractor sees: what it carries.
CONTRACTOR_STATUSES = frozenset({S.SCHEDULED, S.DELIVERED})
#: A consignment's ``reference`` (the library system's id) is at most this long.
MAX_REFERENCE = 200


@dataclass(frozen=True)
class ConsignmentFields:
    """A consignment as staff record it."""

    from_site_id: str
    to_site_id: str
    items: int
    kind: ConsignmentKind
    ready_date: dt.date
    crates: int | None = None
    reference: str = ""
    note: str = ""

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready values (dates as ISO strings), as the first event keeps them."""
        values = asdict(self)
        values["kind"] = ConsignmentKind(self.kind).value
        values["ready_date"] = self.ready_date.isoformat()
        return values


class ConsignmentIdempotencyConflict(Conflict):
    """An ``Idempotency-Key`` already names a different consignment (409)."""


def largest_van(network: Network) -> dict[str, int]:
    """The most crates and items any van of the scenario carries."""
    return {dim: max((v.capacity.get(dim, 0) for v in network.vehicles), default=0)
            for dim in ("crates", "items")}


def site_problem(network: Network, sites: dict[str, SiteRow], field: str,
                 site_id: str) -> tuple[str, str] | None:
    """(field, message) when ``site_id`` is not a site of the scenario a consignment may
    use, else None."""
    row = sites.get(site_id)
    if row is None or not network.has_site(site_id):
        where = (f"it is a site of scenario {row.scenario!r}" if row is not None
                 else "no such site")
        return field, (f"{site_id!r} is not a site of scenario '{network.scenario_id}' "
                       f"({where})")
    if SiteKind(row.kind) not in CONSIGNMENT_SITE_KINDS:
        allowed = ", ".join(sorted(k.value for k in CONSIGNMENT_SITE_KINDS))
        return field, f"{site_id!r} is a {row.kind}; a consignment goes between {allowed}"
    return None


def fields_problem(network: Network, sites: dict[str, SiteRow], fields: ConsignmentFields,
                   today: dt.date | None = None) -> tuple[str, str] | None:
    """(field, message) of the first bad value of a consignment, else None."""
    for field in ("from_site_id", "to_site_id"):
        problem = site_problem(network, sites, field, getattr(fields, field))
        if problem is not None:
            return problem
    if fields.to_site_id == fields.from_site_id:
        return "to_site_id", f"{fields.to_site_id!r} is also the from_site_id"
    van = largest_van(network)
    if not 1 <= fields.items <= van["items"]:
        return "items", (f"must be 1..{van['items']} (the most a van of scenario "
                         f"'{network.scenario_id}' carries), got {fields.items}")
    if fields.crates is not None and not 1 <= fields.crates <= min(van["crates"],
                                                                   fields.items):
        return "crates", (f"must be 1..{min(van['crates'], fields.items)} (at most a van's "
                          f"{van['crates']} crates and one item per crate), got "
                          f"{fields.crates}")
    if len(fields.reference) > MAX_REFERENCE:
        return "reference", f"at most {MAX_REFERENCE} characters, got {len(fields.reference)}"
    try:
        check_recorded_date(network, "ready_date", fields.ready_date, today)
    except InvalidField as exc:
        return exc.field, str(exc).removeprefix(f"field '{exc.field}': ")
    return None


def stored_sites(session: Session, site_ids: Iterable[str]) -> dict[str, SiteRow]:
    ids = set(site_ids)
    return {row.site_id: row for row in session.scalars(
        select(SiteRow).where(SiteRow.site_id.in_(ids)))} if ids else {}


def same_reference(session: Session, scenario: str, kind: ConsignmentKind,
                   reference: str) -> int | None:
    """The id of a consignment not cancelled with this kind and library-system reference."""
    if not reference:
        return None
    return session.scalar(select(ConsignmentRow.consignment_id).where(
        ConsignmentRow.scenario == scenario, ConsignmentRow.kind == kind,
        ConsignmentRow.reference == reference, ConsignmentRow.status != S.CANCELLED))


def new_row(network: Network, fields: ConsignmentFields, by_user_id: int, *,
            source: str = "api", idempotency_key: str | None = None) -> ConsignmentRow:
    """An unsaved ``recorded`` consignment with its first event."""
    now = now_utc()
    row = ConsignmentRow(
        scenario=network.scenario_id, from_site_id=fields.from_site_id,
        to_site_id=fields.to_site_id, items=fields.items, crates=fields.crates,
        kind=fields.kind, ready_date=fields.ready_date, reference=fields.reference,
        note=fields.note, status=S.RECORDED, status_reason="", source=source,
        created_by_user_id=by_user_id, created_at=now, updated_at=now,
        idempotency_key=idempotency_key)
    row.events.append(ConsignmentEventRow(
        at=now, by_user_id=by_user_id, from_status=None, to_status=S.RECORDED.value,
        note=f"recorded ({source})", changes={k: {"old": None, "new": v}
                                            for k, v in fields.snapshot().items()}))
    return row


def record(session: Session, network: Network, fields: ConsignmentFields, by_user_id: int,
           *, idempotency_key: str | None = None,
           today: dt.date | None = None) -> tuple[ConsignmentRow, bool]:
    """Check and record a consignment; (the row, whether it was recorded now). A retry
    with the same ``idempotency_key`` and fields gives back the first (``False``).

    Raises `InvalidField` for a bad value (nothing recorded), `Conflict` for a reference
    recorded already or a key used for other fields.
    """
    if idempotency_key is not None:
        earlier = _by_key(session, idempotency_key)
        if earlier is not None:
            return _replay(earlier, fields, by_user_id), False
    problem = fields_problem(network, stored_sites(
        session, (fields.from_site_id, fields.to_site_id)), fields, today)
    if problem is not None:
        raise InvalidField(*problem)
    existing = same_reference(session, network.scenario_id, fields.kind, fields.reference)
    if existing is not None:
        raise Conflict(f"consignment {existing} already records {fields.kind} reference "
                       f"{fields.reference!r}")
    row = new_row(network, fields, by_user_id, idempotency_key=idempotency_key)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # the same key was stored concurrently: answer as a retry
        earlier = _by_key(session, idempotency_key) if idempotency_key else None
        if earlier is None:
            raise
        return _replay(earlier, fields, by_user_id), False
    return row, True


def _by_key(session: Session, key: str) -> ConsignmentRow | None:
    return session.scalar(select(ConsignmentRow).where(ConsignmentRow.idempotency_key == key))


def _replay(earlier: ConsignmentRow, fields: ConsignmentFields,
            by_user_id: int) -> ConsignmentRow:
    first = earlier.events[0].changes or {}
    original = {k: v.get("new") for k, v in first.items()}
    if earlier.created_by_user_id != by_user_id or original != fields.snapshot():
        raise ConsignmentIdempotencyConflict(
            f"the Idempotency-Key was already used for consignment {earlier.consignment_id} "
            f"with other fields; send a new key for a new consignment")
    return earlier


def as_consignment(row: ConsignmentRow) -> Consignment:
    """The consignment as the planner reads it."""
    return Consignment(row.consignment_id, row.from_site_id, row.to_site_id, row.items,
                       ConsignmentKind(row.kind), row.ready_date, row.crates, row.reference)


# --- who sees what ----------------------------------------------------------------------


def may_see(principal: Principal, row: ConsignmentRow) -> bool:
    if principal.role is Role.CONTRACTOR:
        return row.status in CONTRACTOR_STATUSES
    return principal.role is Role.STAFF


def load(session: Session, consignment_id: int, principal: Principal, *,
         for_update: bool = False) -> ConsignmentRow:
    """The consignment, locked when it is going to change; `NotFound` when the caller may
    not see it."""
    row = session.get(ConsignmentRow, consignment_id, with_for_update=for_update)
    if row is None or not may_see(principal, row):
        raise NotFound(f"no consignment {consignment_id}")
    return row


@dataclass(frozen=True)
class ConsignmentFilter:
    """The list's filters (each None: any)."""

    statuses: Collection[ConsignmentStatus] | None = None
    kind: ConsignmentKind | None = None
    site_id: str | None = None
    ready_from: dt.date | None = None
    ready_to: dt.date | None = None
    scheduled_date: dt.date | None = None
    plan_id: int | None = None
    reference: str | None = None


def list_consignments(session: Session, principal: Principal, scenario: str,
                      wanted: ConsignmentFilter, offset: int = 0, limit: int = 50
                      ) -> tuple[int, list[ConsignmentRow]]:
    """(how many match, the page of them by ready date, newest first) among those the
    caller sees; the contractor asking for other statuses is `Forbidden`."""
    if wanted.ready_from and wanted.ready_to and wanted.ready_to < wanted.ready_from:
        raise InvalidField("ready_to", f"{wanted.ready_to} is before ready_from "
                                       f"{wanted.ready_from}")
    statuses = set(wanted.statuses or ())
    if principal.role is Role.CONTRACTOR:
        hidden = statuses - CONTRACTOR_STATUSES
        if hidden:
            raise Forbidden(f"the contractor sees only scheduled and delivered "
                            f"consignments, not {', '.join(sorted(hidden))}")
        statuses = statuses or set(CONTRACTOR_STATUSES)
    conditions: list[ColumnElement[bool]] = [ConsignmentRow.scenario == scenario]
    if statuses:
        conditions.append(ConsignmentRow.status.in_(statuses))
    if wanted.kind is not None:
        conditions.append(ConsignmentRow.kind == wanted.kind)
    if wanted.site_id is not None:
        conditions.append((ConsignmentRow.from_site_id == wanted.site_id)
                          | (ConsignmentRow.to_site_id == wanted.site_id))
    if wanted.ready_from is not None:
        conditions.append(ConsignmentRow.ready_date >= wanted.ready_from)
    if wanted.ready_to is not None:
        conditions.append(ConsignmentRow.ready_date <= wanted.ready_to)
    if wanted.scheduled_date is not None:
        conditions.append(ConsignmentRow.scheduled_date == wanted.scheduled_date)
    if wanted.plan_id is not None:
        conditions.append(ConsignmentRow.plan_id == wanted.plan_id)
    if wanted.reference is not None:
        conditions.append(ConsignmentRow.reference == wanted.reference)
    total = session.scalar(select(func.count()).select_from(ConsignmentRow).where(
        *conditions)) or 0
    rows = session.scalars(select(ConsignmentRow).where(*conditions).order_by(
        ConsignmentRow.ready_date.desc(), ConsignmentRow.consignment_id.desc())
        .offset(offset).limit(limit)).all()
    return total, list(rows)


def user_ids(rows: Iterable[ConsignmentRow]) -> set[int]:
    """Every user the rows name (creators and the authors of their events)."""
    return history_user_ids(rows)
