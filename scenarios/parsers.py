"""The scenario files' value parsers: each reads one value (a clock time, an interval,
opening hours, a closed period, a coordinate, a count...) or raises `ValueError` naming the
value; the loader adds the file, row or key and the field (`scenarios.loader`)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from typing import Any

from scenarios.calendar import ClosedPeriod, MonthDay, weekday_index
from scenarios.network import SiteKind

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_clock_s(text: str) -> int:
    """``"09:30"`` -> 34200 seconds after midnight (up to ``"24:00"``)."""
    match = _HHMM.match(str(text))
    if not match:
        raise ValueError(f"must be a time HH:MM, got {text!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours * 60 + minutes > 24 * 60:
        raise ValueError(f"must be a time between 00:00 and 24:00, got {text!r}")
    return hours * 3600 + minutes * 60


def parse_interval_s(text: str) -> tuple[int, int]:
    """``"10:00-18:00"`` -> (36000, 64800); closing before opening is an error."""
    parts = str(text).split("-")
    if len(parts) != 2:
        raise ValueError(f"must be an interval HH:MM-HH:MM, got {text!r}")
    start_s, end_s = parse_clock_s(parts[0]), parse_clock_s(parts[1])
    if end_s <= start_s:
        raise ValueError(f"closes before it opens: {text!r}")
    return start_s, end_s


def parse_hours_s(text: str) -> tuple[tuple[int, int], ...]:
    """Opening hours: empty (any time), or intervals separated by spaces or commas."""
    pieces = [p for p in re.split(r"[\s,;]+", str(text).strip()) if p]
    intervals = sorted(parse_interval_s(p) for p in pieces)
    for (_, end_s), (start_s, _) in itertools.pairwise(intervals):
        if start_s <= end_s:
            raise ValueError(f"opening intervals overlap: {text!r}")
    return tuple(intervals)


def parse_period(text: str) -> ClosedPeriod:
    """``"12-28..01-04"`` -> a period across the new year."""
    match = re.fullmatch(r"\s*(\d{2})-(\d{2})\s*\.\.\s*(\d{2})-(\d{2})\s*", str(text))
    if not match:
        raise ValueError(f"must be a period MM-DD..MM-DD, got {text!r}")
    m1, d1, m2, d2 = (int(g) for g in match.groups())
    try:
        return ClosedPeriod(MonthDay(m1, d1), MonthDay(m2, d2))
    except ValueError:
        raise ValueError(f"not a day of the year: {text!r}") from None


def parse_nonempty(value: str) -> str:
    if not str(value).strip():
        raise ValueError("must not be empty")
    return str(value).strip()


def parse_site_kind(value: str) -> SiteKind:
    try:
        return SiteKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in SiteKind)
        raise ValueError(f"must be one of {kinds}, got {value!r}") from None


def parse_coordinate(value: str, bound: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"must be a number, got {value!r}") from None
    if not math.isfinite(number) or not -bound <= number <= bound:
        raise ValueError(f"must be within [-{bound:g}, {bound:g}], got {value}")
    return number


def parse_non_negative_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"must be a whole number >= 0, got {value!r}")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"must be a whole number >= 0, got {value!r}") from None
    if number < 0:
        raise ValueError(f"must be >= 0, got {number}")
    return number


def parse_positive_int(value: Any) -> int:
    number = parse_non_negative_int(value)
    if number == 0:
        raise ValueError("must be > 0, got 0")
    return number


def parse_non_negative_float(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"must be a number >= 0, got {value!r}")
    return number


def parse_minutes_s(value: str, *, default: int) -> int:
    if not str(value).strip():
        return default * 60
    minutes = float(value)
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"must be minutes >= 0, got {value!r}")
    return round(minutes * 60)


def parse_weekdays(value: str) -> frozenset[int]:
    return frozenset(weekday_index(v) for v in re.split(r"[\s,;]+", value.strip()) if v)


def parse_capacity(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or not value:
        raise ValueError(f"must be a mapping of dimension to a whole number, got {value!r}")
    capacity: dict[str, int] = {}
    for dim, amount in value.items():
        try:
            capacity[str(dim)] = parse_non_negative_int(amount)
        except ValueError as exc:
            raise ValueError(f"{dim}: {exc}") from None
    return capacity


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
