"""Consignments: what people recorded must travel from one site to another, as plain data.

A consignment is reserved items going to their pickup site, returned items going home to
their owning site, a group-lending crate, an inter-library loan: staff record it (or the
library system's daily transfer list is imported) with the date it is ready. It travels
as one recorded `MaterialRequest` (its own task, the same day, picked up and delivered by
the same van), and it replaces the demand model's estimate of its kind for the day
(`scenarios.day.problem_for_day`).

A consignment cannot move on a day when one of its sites, or the hub, is closed, or is
not a run day of the site: `first_open_day` finds the day it waits for, and
`waiting_reason` says why it waits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from scenarios.demand import PURPOSE_JA, MaterialRequest, Purpose, site_closed_reason
from scenarios.network import Network

#: How far ahead `first_open_day` looks for a day the consignment can travel.
SEARCH_DAYS = 120


class ConsignmentKind(StrEnum):
    RESERVATION = "reservation"  # 予約資料: to the pickup site
    RETURN = "return"  # 返却資料: back to the owning site
    GROUP_LENDING = "group_lending"  # 団体貸出 crates
    INTER_LIBRARY_LOAN = "inter_library_loan"  # 相互貸借


#: The demand model's purpose each kind stands for (and replaces on its day).
PURPOSE_OF_KIND = {
    ConsignmentKind.RESERVATION: Purpose.RESERVATIONS,
    ConsignmentKind.RETURN: Purpose.RETURNS,
    ConsignmentKind.GROUP_LENDING: Purpose.GROUP_LENDING,
    ConsignmentKind.INTER_LIBRARY_LOAN: Purpose.INTER_LIBRARY_LOAN,
}

#: A consignment's id in a plan: this prefix and its number (task ``request:consignment-N``).
CONSIGNMENT_PREFIX = "consignment-"


@dataclass(frozen=True)
class Consignment:
    """One recorded consignment, as the planner reads it."""

    consignment_id: int
    from_site_id: str
    to_site_id: str
    items: int
    kind: ConsignmentKind
    ready_date: dt.date
    crates: int | None = None
    reference: str = ""

    @property
    def request_id(self) -> str:
        return f"{CONSIGNMENT_PREFIX}{self.consignment_id}"

    def as_request(self, network: Network) -> MaterialRequest:
        """The recorded request the day assembly plans: its own task, the same day."""
        names = (f"{network.site(self.from_site_id).name_ja} → "
                 f"{network.site(self.to_site_id).name_ja}")
        reference = f" [{self.reference}]" if self.reference else ""
        purpose = PURPOSE_OF_KIND[ConsignmentKind(self.kind)]
        return MaterialRequest(
            self.request_id, self.from_site_id, self.to_site_id, self.items, purpose,
            note=f"{PURPOSE_JA[purpose]} {names} #{self.consignment_id}{reference}",
            crates=self.crates, recorded=True)


def consignment_id_of(request_id: str) -> int | None:
    """The consignment number of a request id ``consignment-N`` (None for another id)."""
    number = request_id.removeprefix(CONSIGNMENT_PREFIX)
    return int(number) if request_id.startswith(CONSIGNMENT_PREFIX) and number.isdigit() \
        else None


def blocked_reason(network: Network, from_site_id: str, to_site_id: str,
                   day: dt.date) -> str | None:
    """Why a same-day transfer between the two sites cannot travel on ``day`` (the hub,
    the origin or the destination closed, or not a run day of one of them), else None."""
    hub_reason = network.calendar_of(network.hub_site_id).closure_reason(day)
    if hub_reason:
        return f"{network.hub.name_ja} 休館 hub closed: {hub_reason}"
    for site_id in (from_site_id, to_site_id):
        reason = None if site_id == network.hub_site_id else site_closed_reason(
            network, site_id, day)
        if reason:
            return reason
    return None


def first_open_day(network: Network, from_site_id: str, to_site_id: str, ready: dt.date,
                   search_days: int = SEARCH_DAYS) -> dt.date | None:
    """The first day on or after ``ready`` on which the transfer can travel, or None
    when none in ``search_days`` days."""
    for offset in range(search_days):
        day = ready + dt.timedelta(days=offset)
        if blocked_reason(network, from_site_id, to_site_id, day) is None:
            return day
    return None


def waiting_reason(network: Network, consignment: Consignment, day: dt.date) -> str | None:
    """Why ``consignment`` does not travel on ``day`` and the day it waits for, or None
    when it can travel that day: ``須恵分館 休館 closed: 月曜休館 …; waits for
    2026-12-08``."""
    reason = blocked_reason(network, consignment.from_site_id, consignment.to_site_id, day)
    if reason is None:
        return None
    later = first_open_day(network, consignment.from_site_id, consignment.to_site_id,
                           day + dt.timedelta(days=1))
    waits = (f"waits for {later.isoformat()}" if later is not None
             else f"no day to travel in the next {SEARCH_DAYS} days")
    return f"{reason}; {waits}"


__all__ = [
    "CONSIGNMENT_PREFIX",
    "PURPOSE_OF_KIND",
    "SEARCH_DAYS",
    "Consignment",
    "ConsignmentKind",
    "blocked_reason",
    "consignment_id_of",
    "first_open_day",
    "waiting_reason",
]
