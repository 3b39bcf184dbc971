"""What a plan of a date carries besides the demand model: the school requests whose
delivery day it is and the consignments ready by then, as recorded requests for the day
assembly.

A school request is delivered on its school's next run day on or after the later of its
ready day and today (`scenarios.school_delivery`), or on the extra run staff chose; a
plan of that date carries it, and a re-plan of the date keeps the ones already scheduled
on it. A plan of a date already past carries no accepted request (it could not be
delivered then). Consignments: `api.services.consignment_lifecycle.consignments_to_plan`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.services.consignment_lifecycle import consignments_to_plan
from api.services.consignments import as_consignment
from api.store.tables import RequestStatus, SchoolRequestRow
from scenarios.calendar import TOKYO
from scenarios.demand import MaterialRequest, Purpose
from scenarios.network import Network
from scenarios.school_delivery import SchoolDelivery, school_delivery

#: A school request's id in a plan: this prefix and its number (task
#: ``request:school-request-N``).
REQUEST_PREFIX = "school-request-"

S = RequestStatus
#: The statuses in which a request has a delivery day of its own to show.
PLANNED_STATUSES = frozenset({S.SCHEDULED, S.DELIVERED, S.RETURNED})


def ready_day(row: SchoolRequestRow) -> dt.date:
    """The day a request's materials are ready: as staff set it, else the day it was
    accepted (Asia/Tokyo), else the day it was filed."""
    if row.ready_date is not None:
        return row.ready_date
    accepted = next((e.at for e in reversed(row.events) if e.to_status == S.ACCEPTED.value),
                    row.created_at)
    return accepted.astimezone(TOKYO).date()


def request_delivery(network: Network, row: SchoolRequestRow,
                     today: dt.date) -> SchoolDelivery | None:
    """The request's delivery day as things stand: its scheduled date once a published
    plan carries it; for an accepted one the day the next plans will take it (None for a
    request not accepted, or rejected or cancelled)."""
    needed_by = row.needed_by_date
    if row.status in PLANNED_STATUSES and row.scheduled_date is not None:
        late = row.scheduled_date > needed_by
        return SchoolDelivery(row.scheduled_date, late, (
            f"遅延 late: scheduled for {row.scheduled_date.isoformat()}, after needed_by "
            f"{needed_by.isoformat()}") if late else "")
    if row.status != S.ACCEPTED:
        return None
    extra = row.extra_run_date if row.extra_run_date and row.extra_run_date >= today \
        else None
    return school_delivery(network, row.school_site_id, row.from_site_id,
                           max(ready_day(row), today), needed_by, extra)


def school_requests_for_day(session: Session, network: Network, day: dt.date,
                            today: dt.date) -> list[SchoolRequestRow]:
    """The requests a plan of ``day`` carries: the accepted ones whose delivery day it is,
    and those already scheduled on it. Ordered by ``needed_by``, then id."""
    rows = session.scalars(select(SchoolRequestRow).where(or_(
        (SchoolRequestRow.status == S.ACCEPTED) & SchoolRequestRow.scheduled_date.is_(None),
        (SchoolRequestRow.status == S.SCHEDULED) & (SchoolRequestRow.scheduled_date == day),
    )).order_by(SchoolRequestRow.needed_by_date, SchoolRequestRow.request_id))
    carried = []
    for row in rows:
        if row.status == S.SCHEDULED:
            carried.append(row)
            continue
        delivery = request_delivery(network, row, today)
        if delivery is not None and delivery.date == day:
            carried.append(row)
    return carried


def request_as_material(row: SchoolRequestRow) -> MaterialRequest:
    """A school request as the day assembly plans it: its own task, the same day."""
    note = row.topic + (f" ({row.for_class})" if row.for_class else "")
    return MaterialRequest(f"{REQUEST_PREFIX}{row.request_id}", row.from_site_id,
                           row.school_site_id, row.items, Purpose.REQUEST, note=note)


def recorded_requests(session: Session, network: Network, day: dt.date,
                      today: dt.date) -> tuple[MaterialRequest, ...]:
    """Everything people recorded that a plan of ``day`` carries: school requests, then
    consignments."""
    requests: Sequence[MaterialRequest] = [
        request_as_material(r) for r in school_requests_for_day(session, network, day, today)]
    consignments = [as_consignment(r).as_request(network)
                    for r in consignments_to_plan(session, network.scenario_id, day)]
    return (*requests, *consignments)
