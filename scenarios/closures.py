"""Closures and openings people record, applied to a network for planning.

Staff record ad-hoc closures (臨時休館: a branch closed for an event, the hub for a
stock-take) and the school calendar's term dates (a holiday as a closure of the
``school`` calendar, a term day inside a bundled holiday period as an opening) in the
store; `apply_closures` turns them into the network the day assembly reads. The bundled
written rules stay as they are: a recorded `Closure` adds closed dates (with its reason)
or open dates to a calendar of the scenario, or to one site alone.

Pure: plain dataclasses in, a new `Network` out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from scenarios.calendar import EVERY_DAY, CalendarRules, dates
from scenarios.demand import is_school_run_day
from scenarios.network import Network

#: The longest range one closure may cover (days, inclusive).
MAX_CLOSURE_DAYS = 366


class ClosureKind(StrEnum):
    """``closed``: 臨時休館, a school holiday. ``open``: the written closed periods and the
    recorded closures do not apply (a school term that starts inside the written spring
    holidays); the weekly closures and national holidays still do."""

    CLOSED = "closed"
    OPEN = "open"


@dataclass(frozen=True)
class Closure:
    """A range of dates on which a site, or every site of a calendar, is closed (or open).

    Exactly one of ``site_id`` and ``calendar_id`` is given; ``first_date <= last_date``,
    at most `MAX_CLOSURE_DAYS` days; ``reason`` is what people read (臨時休館 …).
    """

    first_date: dt.date
    last_date: dt.date
    reason: str
    site_id: str = ""
    calendar_id: str = ""
    kind: ClosureKind = ClosureKind.CLOSED

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ClosureKind(self.kind))
        if bool(self.site_id) == bool(self.calendar_id):
            raise ValueError("field 'site_id': give a site_id or a calendar, exactly one, got "
                             f"site_id={self.site_id!r} and calendar={self.calendar_id!r}")
        if self.last_date < self.first_date:
            raise ValueError(f"field 'last_date': {self.last_date.isoformat()} is before "
                             f"first_date {self.first_date.isoformat()}")
        days = (self.last_date - self.first_date).days + 1
        if days > MAX_CLOSURE_DAYS:
            raise ValueError(f"field 'last_date': a closure covers at most {MAX_CLOSURE_DAYS} "
                             f"days, got {days}")
        if not self.reason.strip():
            raise ValueError("field 'reason': say why (people read it on the plan), got an "
                             "empty reason")

    def days(self) -> Iterable[dt.date]:
        return dates(self.first_date, self.last_date)


def closure_problem(network: Network, closure: Closure) -> tuple[str, str] | None:
    """(field, message) when ``closure`` names a site or calendar the network does not
    have, else None."""
    if closure.site_id and not network.has_site(closure.site_id):
        return "site_id", (f"no site {closure.site_id!r} in scenario "
                           f"'{network.scenario_id}'")
    if closure.calendar_id and closure.calendar_id not in network.calendars:
        known = ", ".join(sorted(network.calendars))
        return "calendar", (f"no calendar {closure.calendar_id!r} in scenario "
                            f"'{network.scenario_id}' (calendars: {known})")
    return None


def apply_closures(network: Network, closures: Sequence[Closure]) -> Network:
    """The network with the recorded closures and openings in its calendars.

    A calendar's closures change every site on it; a site's closures give that site a
    calendar of its own (``<calendar>@<site>``, the calendar's rules and closures plus the
    site's). Overlapping closures keep every reason. Raises ValueError naming the field
    for a site or calendar the network does not have.
    """
    if not closures:
        return network
    for closure in closures:
        problem = closure_problem(network, closure)
        if problem is not None:
            raise ValueError(f"field '{problem[0]}': {problem[1]}")
    calendars = dict(network.calendars)
    for calendar_id in sorted({c.calendar_id for c in closures if c.calendar_id}):
        calendars[calendar_id] = _with(calendars[calendar_id],
                                       [c for c in closures if c.calendar_id == calendar_id])
    sites = list(network.sites)
    for index, site in enumerate(sites):
        own = [c for c in closures if c.site_id == site.site_id]
        if not own:
            continue
        base = calendars.get(site.calendar_id, EVERY_DAY)
        calendar_id = f"{site.calendar_id}@{site.site_id}"
        calendars[calendar_id] = _with(replace(base, calendar_id=calendar_id), own)
        sites[index] = replace(site, calendar_id=calendar_id)
    return replace(network, sites=tuple(sites), calendars=calendars)


def _with(rules: CalendarRules, closures: Sequence[Closure]) -> CalendarRules:
    """The rules with the closures' dates closed (with their reasons) and the openings'
    dates reopened; a closure wins over an opening of the same date."""
    closed = set(rules.closed_dates)
    reopened = set(rules.reopened_dates)
    notes = dict(rules.closed_notes)
    for closure in closures:
        if closure.kind is ClosureKind.OPEN:
            reopened.update(closure.days())
    for closure in closures:
        if closure.kind is ClosureKind.CLOSED:
            for day in closure.days():
                closed.add(day)
                reopened.discard(day)
                notes[day] = (f"{notes[day]}; {closure.reason}" if day in notes
                              else closure.reason)
    return replace(rules, closed_dates=frozenset(closed), reopened_dates=frozenset(reopened),
                   closed_notes=notes)




@dataclass(frozen=True)
class DayOpening:
    """What the calendars say about a day: whether the hub is open (else why not), whether
    it is a school-run day, and every other site closed with the reason."""

    date: dt.date
    hub_open: bool
    hub_reason: str
    school_run: bool
    closed: dict[str, str]


def opening_on(network: Network, day: dt.date) -> DayOpening:
    """The calendars of ``network`` (its recorded closures applied) on ``day``."""
    hub_reason = network.calendar_of(network.hub_site_id).closure_reason(day) or ""
    closed = {s.site_id: reason for s in network.sites if s.site_id != network.hub_site_id
              and (reason := network.calendar_of(s.site_id).closure_reason(day))}
    return DayOpening(day, not hub_reason, hub_reason, is_school_run_day(network, day), closed)


__all__ = ["MAX_CLOSURE_DAYS", "Closure", "ClosureKind", "DayOpening", "apply_closures",
           "closure_problem", "opening_on"]
