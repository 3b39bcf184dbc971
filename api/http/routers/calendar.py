"""``/calendar``: which days the hub and the sites are open, and why not, with the
closures staff recorded applied (any signed-in role). The week's planning starts here: the
next day the hub is open is the next day anything but the return posts can move."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.http.auth import PrincipalDep
from api.http.deps import SessionDep, SettingsDep
from api.services.closures import planning_network
from api.services.errors import InvalidField
from scenarios.calendar import WEEKDAY_JA, dates
from scenarios.closures import opening_on
from scenarios.figures import check_date

router = APIRouter(prefix="/calendar", tags=["closures"])

#: The most days one answer lists.
MAX_DAYS = 62


class CalendarDay(BaseModel):
    date: dt.date
    weekday_ja: str
    hub_open: bool
    hub_reason: str = Field(description="why the hub is closed (empty when open)")
    school_run: bool = Field(description="the school round runs that day")
    closed: dict[str, str] = Field(description="every other site closed that day, with "
                                               "the reason")


@router.get("", response_model=list[CalendarDay], summary="Open and closed days")
def calendar(session: SessionDep, settings: SettingsDep, _: PrincipalDep,
             from_: Annotated[dt.date, Query(alias="from", description="the first day")],
             to: Annotated[dt.date | None, Query(description="the last day (default: a week "
                                                             "from 'from'; at most 62 "
                                                             "days)")] = None,
             ) -> list[CalendarDay]:
    """Each day from ``from`` to ``to``: the hub open or closed and why, the school-run
    days, the sites closed with their reasons (the written rules, national holidays and
    the closures staff recorded)."""
    last = to or from_ + dt.timedelta(days=6)
    if last < from_:
        raise InvalidField("to", f"{last.isoformat()} is before 'from' {from_.isoformat()}")
    if (last - from_).days + 1 > MAX_DAYS:
        raise InvalidField("to", f"at most {MAX_DAYS} days, got {(last - from_).days + 1}")
    network = planning_network(session, settings.scenario)[0]
    for name, day in (("from", from_), ("to", last)):
        try:
            check_date(network, day)
        except ValueError as exc:
            raise InvalidField(name, str(exc).removeprefix("field 'date': ")) from None
    days = [opening_on(network, day) for day in dates(from_, last)]
    return [CalendarDay(date=d.date, weekday_ja=WEEKDAY_JA[d.date.weekday()],
                        hub_open=d.hub_open, hub_reason=d.hub_reason, school_run=d.school_run,
                        closed=d.closed) for d in days]
