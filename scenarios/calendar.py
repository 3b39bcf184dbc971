"""Site calendars: on which dates a library, school or community centre is open, and why not.

The rules are the kinds Japanese municipal libraries write into their by-laws (Munakata's
規則 第4条 has all of them):

- weekly closures (``closed_weekdays``: e.g. Monday);
- "closed on Mondays, but when the Monday is a national holiday open that day and close
  the next day instead" (``holiday_shift``; the next day is the first following day that
  is not itself a holiday);
- closed on national holidays (``closed_on_holidays``, e.g. schools);
- the last given weekday of every month (``closed_last_weekdays``: 図書整理日, the last
  Thursday);
- fixed periods every year (``closed_periods``: 13-15 August, 28 December - 4 January);
- the first Saturday of the month and the Sunday after it (``closed_first_weekend``);
- ad-hoc closure dates (``closed_dates``) and ad-hoc openings that override every rule
  (``open_dates``).

Japanese national holidays, including substitute holidays (振替休日) and the "citizens'
holiday", come from the maintained ``holidays`` package, never from a hand-written list.
"""

from __future__ import annotations

import calendar as std_calendar
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

#: The network's local time: opening hours, dates and the service's times are in it.
TOKYO = ZoneInfo("Asia/Tokyo")

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_JA = ("月", "火", "水", "木", "金", "土", "日")


@lru_cache(maxsize=64)
def _japan_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("JP", years=year, language="ja").items())


def holiday_name(day: dt.date) -> str | None:
    """The Japanese name of the national holiday on ``day``, or None."""
    return _japan_holidays(day.year).get(day)


def is_national_holiday(day: dt.date) -> bool:
    return holiday_name(day) is not None


@dataclass(frozen=True)
class MonthDay:
    """A day of the year without the year (``08-13``)."""

    month: int
    day: int

    def __post_init__(self) -> None:
        # 2024 is a leap year, so 02-29 is accepted.
        dt.date(2024, self.month, self.day)

    def key(self) -> tuple[int, int]:
        return (self.month, self.day)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class ClosedPeriod:
    """A closure repeating every year from ``first`` to ``last`` inclusive; it may run
    across the new year (``12-28..01-04``)."""

    first: MonthDay
    last: MonthDay

    def contains(self, day: dt.date) -> bool:
        key = (day.month, day.day)
        if self.first.key() <= self.last.key():
            return self.first.key() <= key <= self.last.key()
        return key >= self.first.key() or key <= self.last.key()

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"


@dataclass(frozen=True)
class CalendarRules:
    """When a site is open. Every field defaults to "no such rule": the default calendar is
    open every day (a return post)."""

    calendar_id: str
    closed_weekdays: frozenset[int] = frozenset()
    holiday_shift: bool = False
    closed_on_holidays: bool = False
    closed_last_weekdays: frozenset[int] = frozenset()
    closed_periods: tuple[ClosedPeriod, ...] = ()
    closed_first_weekend: bool = False
    closed_dates: frozenset[dt.date] = frozenset()
    open_dates: frozenset[dt.date] = frozenset()
    source: str = ""
    #: Why an ad-hoc closure date is closed, as recorded (shown after 臨時休館).
    closed_notes: Mapping[dt.date, str] = field(default_factory=dict, hash=False)
    #: Dates on which neither ``closed_periods`` nor ``closed_dates`` apply (a school term
    #: that starts inside the written spring holidays); weekly closures and holidays do.
    reopened_dates: frozenset[dt.date] = frozenset()

    def closure_reason(self, day: dt.date) -> str | None:
        """Why the site is closed on ``day`` (Japanese, then English), or None when open."""
        if day in self.open_dates:
            return None
        reopened = day in self.reopened_dates
        if day in self.closed_dates and not reopened:
            note = self.closed_notes.get(day)
            return f"臨時休館 ad-hoc closure: {note}" if note else "臨時休館 ad-hoc closure"
        for period in self.closed_periods:
            if period.contains(day) and not reopened:
                return f"休館期間 {period} closed period"
        holiday = holiday_name(day)
        if self.closed_on_holidays and holiday:
            return f"祝日 {holiday} national holiday"
        weekday = day.weekday()
        if weekday in self.closed_weekdays and not (self.holiday_shift and holiday):
            return f"{WEEKDAY_JA[weekday]}曜休館 weekly closure ({WEEKDAY_NAMES[weekday]})"
        if self.holiday_shift and not holiday and self._shifted_closure(day):
            return "祝日の翌日休館 closed after a holiday on the weekly closing day"
        if weekday in self.closed_last_weekdays and (day + dt.timedelta(days=7)).month != day.month:
            return f"図書整理日 last {WEEKDAY_NAMES[weekday]} of the month"
        if self.closed_first_weekend and _is_first_weekend(day):
            return "第1土曜日・翌日曜日 first Saturday of the month and the Sunday after"
        return None

    def is_open(self, day: dt.date) -> bool:
        return self.closure_reason(day) is None

    def _shifted_closure(self, day: dt.date) -> bool:
        """True when ``day`` is the first non-holiday after a run of holidays that began on
        a weekly closing day."""
        previous = day - dt.timedelta(days=1)
        while is_national_holiday(previous):
            if previous.weekday() in self.closed_weekdays:
                return True
            previous -= dt.timedelta(days=1)
        return False


def _is_first_weekend(day: dt.date) -> bool:
    if day.weekday() == 5:
        return day.day <= 7
    if day.weekday() == 6:
        saturday = day - dt.timedelta(days=1)
        return saturday.month == day.month and saturday.day <= 7
    return False


def dates(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Every date from ``first`` to ``last`` inclusive."""
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def fiscal_year_dates(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a Japanese fiscal year (April to March): FY2023 is
    2023-04-01 .. 2024-03-31."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def open_days(rules: CalendarRules, first: dt.date, last: dt.date) -> int:
    """How many days from ``first`` to ``last`` inclusive the site is open."""
    return sum(1 for day in dates(first, last) if rules.is_open(day))


def weekday_index(name: str) -> int:
    """``"monday"`` -> 0 ... ``"sunday"`` -> 6; raises ValueError naming the value."""
    key = name.strip().lower()
    if key not in WEEKDAY_NAMES:
        raise ValueError(f"unknown weekday {name!r} (expected one of {', '.join(WEEKDAY_NAMES)})")
    return WEEKDAY_NAMES.index(key)


def days_in_month(day: dt.date) -> int:
    return std_calendar.monthrange(day.year, day.month)[1]


EVERY_DAY = CalendarRules("every_day", source="open every day (return posts, ferry ports)")

__all__ = [
    "EVERY_DAY",
    "CalendarRules",
    "ClosedPeriod",
    "MonthDay",
    "dates",
    "days_in_month",
    "fiscal_year_dates",
    "holiday_name",
    "is_national_holiday",
    "open_days",
    "weekday_index",
]
