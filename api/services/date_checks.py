"""The dates people record (a consignment's ready date, a closure's days, an extra run)
must lie where a plan can use them: from the scenario's first data day to
`MAX_DAYS_AHEAD` days after today (Asia/Tokyo)."""

from __future__ import annotations

import datetime as dt

from api.services.errors import InvalidField
from scenarios.calendar import TOKYO
from scenarios.figures import first_plannable_day
from scenarios.network import Network

#: How far ahead of today a recorded date may lie (two years).
MAX_DAYS_AHEAD = 731


def today_in_tokyo() -> dt.date:
    """Today's date in Asia/Tokyo, the libraries' time."""
    return dt.datetime.now(TOKYO).date()


def check_recorded_date(network: Network, field: str, day: dt.date,
                        today: dt.date | None = None) -> None:
    """`InvalidField` naming ``field`` and the value for a day before the scenario's first
    data day or more than `MAX_DAYS_AHEAD` days after today."""
    first = first_plannable_day(network)
    if first is not None and day < first:
        raise InvalidField(field, f"{day.isoformat()} is before scenario "
                                  f"'{network.scenario_id}''s first data day "
                                  f"{first.isoformat()}")
    today = today if today is not None else today_in_tokyo()
    latest = today + dt.timedelta(days=MAX_DAYS_AHEAD)
    if day > latest:
        raise InvalidField(field, f"{day.isoformat()} is more than {MAX_DAYS_AHEAD} days "
                                  f"ahead (today in Asia/Tokyo is {today.isoformat()}; the "
                                  f"latest accepted is {latest.isoformat()})")
