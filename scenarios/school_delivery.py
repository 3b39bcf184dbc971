"""On which day a school request is delivered.

An accepted request rides on the requesting school's next run day on or after the day its
materials are ready, no later than ``needed_by``. When no run day fits, it goes on the
first run day it can make after ``needed_by``, marked late with the reason; staff can
instead choose an extra run on a day of their own (the school and the lending site open,
the hub open). A run day is a day the school round (`scenarios.demand.schools_due`)
visits the school and on which the lending site (the hub or another school) can be
served too.

Pure: the network (with the recorded closures applied) and dates in, a `SchoolDelivery`
out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scenarios.consignments import blocked_reason
from scenarios.demand import schools_due
from scenarios.network import Network

#: How far after the ready day a run day is looked for.
SEARCH_DAYS = 120


@dataclass(frozen=True)
class SchoolDelivery:
    """The day a request is delivered (None when no day was found), whether that is after
    its ``needed_by``, and why (empty when it is on time and on a run day)."""

    date: dt.date | None
    late: bool
    reason: str = ""


def is_run_day(network: Network, school_site_id: str, from_site_id: str,
               day: dt.date) -> bool:
    """Whether the school round visits the school on ``day`` and the materials can come
    from ``from_site_id`` that day."""
    if all(s.site_id != school_site_id for s in schools_due(network, day)):
        return False
    return blocked_reason(network, from_site_id, school_site_id, day) is None


def school_delivery(network: Network, school_site_id: str, from_site_id: str,
                    ready: dt.date, needed_by: dt.date, extra_run: dt.date | None = None,
                    search_days: int = SEARCH_DAYS) -> SchoolDelivery:
    """The day a request of ``school_site_id`` for materials from ``from_site_id``, ready
    on ``ready`` and needed by ``needed_by``, is delivered (see the module doc).

    ``extra_run`` is a day staff chose for an extra run: the request goes that day when
    the school, the lending site and the hub are open (else the date is None and the
    reason says why).
    """
    school = network.site(school_site_id).name_ja
    if extra_run is not None:
        blocked = blocked_reason(network, from_site_id, school_site_id, extra_run)
        if blocked is not None:
            return SchoolDelivery(None, True, f"extra run {extra_run.isoformat()} cannot "
                                              f"go: {blocked}")
        late = extra_run > needed_by
        return SchoolDelivery(extra_run, late, f"臨時便 extra run on {extra_run.isoformat()} "
                                               f"chosen by staff"
                              + (f", after needed_by {needed_by.isoformat()}" if late else ""))
    for offset in range(search_days + 1):
        day = ready + dt.timedelta(days=offset)
        if not is_run_day(network, school_site_id, from_site_id, day):
            continue
        if day <= needed_by:
            return SchoolDelivery(day, False)
        return SchoolDelivery(day, True, (
            f"遅延 late: no school run for {school} from {ready.isoformat()} (ready) to "
            f"{needed_by.isoformat()} (needed by); the first run it can make is "
            f"{day.isoformat()} — choose an extra run date to deliver sooner"))
    return SchoolDelivery(None, True, (
        f"遅延 late: no school run for {school} in the {search_days} days from "
        f"{ready.isoformat()}; choose an extra run date"))


__all__ = ["SEARCH_DAYS", "SchoolDelivery", "is_run_day", "school_delivery"]
