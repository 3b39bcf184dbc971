"""Which dates a scenario can plan, and how its annual figures stand in for a date they do
not describe.

A scenario's demand model reads tables of one fiscal year (Munakata's and Ichinoseki's:
FY2023, April 2023 to March 2024). Any date from the scenario's first data day on can be
planned: a date outside the figures' fiscal year reads the same month of that year
(`figures_date`), and every task the model gives is marked with `estimate_label`
("estimate: FY2023 annual figures"), so people can tell it from what was recorded. A date
more than `WARN_AFTER_YEARS` after the end of the figures' year still plans, with a warning
naming the figures' year (`figures_warning`). Dates before the first data day are refused
(`check_date`), and so are dates after the last year whose national holidays the
``holidays`` package knows.
"""

from __future__ import annotations

import datetime as dt

import holidays

from scenarios.calendar import fiscal_year_dates
from scenarios.day_types import DayError
from scenarios.network import Network

#: A date more than this many years after the end of the figures' fiscal year plans with a
#: warning.
WARN_AFTER_YEARS = 2


def last_holiday_year() -> int:
    """The last year whose Japanese national holidays the ``holidays`` package knows."""
    end_year: int = holidays.country_holidays("JP").end_year
    return end_year


def figures_year(network: Network) -> int:
    """The fiscal year the scenario's annual figures describe (2023 = April 2023 - March
    2024)."""
    return network.demand.fiscal_year


def estimate_label(network: Network) -> str:
    """What every task derived from the annual figures says: ``estimate: FY2023 annual
    figures``."""
    return f"estimate: FY{figures_year(network)} annual figures"


def first_plannable_day(network: Network) -> dt.date | None:
    """The scenario's first data day (``data_range`` in scenario.yaml), or None when the
    scenario states none."""
    return network.data_range[0] if network.data_range else None


def check_date(network: Network, day: dt.date) -> None:
    """Raise `DayError` naming ``date`` for a day before the scenario's first data day or
    after the last year of known national holidays."""
    first = first_plannable_day(network)
    if first is not None and day < first:
        raise DayError(f"field 'date': scenario '{network.scenario_id}' can plan dates from "
                       f"{first.isoformat()} on (its first data day), got {day.isoformat()}")
    last_year = last_holiday_year()
    if day.year > last_year:
        raise DayError(f"field 'date': national holidays are known up to {last_year}, got "
                       f"{day.isoformat()}")


def in_figures_year(network: Network, day: dt.date) -> bool:
    first, last = fiscal_year_dates(figures_year(network))
    return first <= day <= last


def figures_date(network: Network, day: dt.date) -> dt.date:
    """The date of the figures' fiscal year whose monthly tables stand for ``day``: the
    day itself inside that year, else the same month and day of it (29 February -> 28)."""
    if in_figures_year(network, day):
        return day
    fiscal_year = figures_year(network)
    year = fiscal_year if day.month >= 4 else fiscal_year + 1
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 2, 28)


def figures_warning(network: Network, day: dt.date) -> str | None:
    """A warning when ``day`` lies more than `WARN_AFTER_YEARS` after the end of the
    figures' fiscal year, naming that year; else None."""
    fiscal_year = figures_year(network)
    _, last = fiscal_year_dates(fiscal_year)
    limit = last.replace(year=last.year + WARN_AFTER_YEARS)
    if day <= limit:
        return None
    return (f"注意 warning: {day.isoformat()} is more than {WARN_AFTER_YEARS} years after the "
            f"demand figures (FY{fiscal_year}, up to {last.isoformat()}); the estimated "
            f"flows may be far from today's: record the day's consignments, or update the "
            f"scenario's figures")


__all__ = [
    "WARN_AFTER_YEARS",
    "check_date",
    "estimate_label",
    "figures_date",
    "figures_warning",
    "figures_year",
    "first_plannable_day",
    "in_figures_year",
    "last_holiday_year",
]
