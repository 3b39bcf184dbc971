"""Closures and openings people record, applied to the network the day assembly reads."""

from __future__ import annotations

import datetime as dt

import pytest

from scenarios.closures import Closure, ClosureKind, apply_closures
from scenarios.day import DayNotes, problem_for_day
from scenarios.demand import requests_for_day, school_run_days
from scenarios.loader import load_network
from scenarios.network import Network

D = dt.date


@pytest.fixture(scope="module")
def munakata() -> Network:
    return load_network("munakata")


def test_a_recorded_hub_closure_makes_the_day_a_hub_closed_day_with_its_reason(
        munakata: Network) -> None:
    day = D(2026, 12, 9)  # a Wednesday: open by the written rules
    closed = apply_closures(munakata, [Closure(day, day, "蔵書点検 stock-take",
                                               site_id="munakata-central")])
    assert munakata.calendar_of("munakata-central").is_open(day)
    assert closed.calendar_of("munakata-central").closure_reason(day) == \
        "臨時休館 ad-hoc closure: 蔵書点検 stock-take"
    assert closed.calendar_of("munakata-fukata").is_open(day)  # same calendar, not closed
    problem = problem_for_day(closed, day, requests_for_day(closed, day), [])
    notes = DayNotes.from_meta(problem.meta)
    assert not notes.hub_open
    assert any("蔵書点検" in d.reason for d in notes.deferred)


def test_a_calendar_closure_closes_every_site_on_it(munakata: Network) -> None:
    day = D(2026, 12, 9)
    closed = apply_closures(munakata, [Closure(day, day, "停電 power cut",
                                               calendar_id="community_centre")])
    for site_id in ("munakata-jiyugaoka-cc", "munakata-akama-cc"):
        assert "停電" in (closed.calendar_of(site_id).closure_reason(day) or "")
    assert closed.calendar_of("munakata-central").is_open(day)


def test_school_term_dates_move_the_school_runs(munakata: Network) -> None:
    # Winter holidays by the written rule start on 12-26; a term that ends on 12-18 has
    # no run in the week of 12-21.
    first, last = D(2026, 12, 14), D(2026, 12, 27)
    assert school_run_days(munakata, first, last) == [D(2026, 12, 18), D(2026, 12, 25)]
    term = apply_closures(munakata, [Closure(D(2026, 12, 19), D(2026, 12, 25),
                                             "冬休み winter holidays", calendar_id="school")])
    assert school_run_days(term, first, last) == [D(2026, 12, 18)]
    # Spring holidays by the written rule run to 04-07; a term that starts on 04-01.
    spring_first, spring_last = D(2027, 3, 29), D(2027, 4, 4)
    assert school_run_days(munakata, spring_first, spring_last) == []
    early = apply_closures(munakata, [Closure(D(2027, 4, 1), D(2027, 4, 7), "新学期 term",
                                              calendar_id="school", kind=ClosureKind.OPEN)])
    assert school_run_days(early, spring_first, spring_last) == [D(2027, 4, 2)]


def test_overlapping_closures_keep_every_reason(munakata: Network) -> None:
    day = D(2026, 12, 10)
    both = apply_closures(munakata, [
        Closure(day, day, "館内工事 works", site_id="munakata-sue"),
        Closure(D(2026, 12, 9), day, "研修 training", site_id="munakata-sue")])
    reason = both.calendar_of("munakata-sue").closure_reason(day) or ""
    assert "館内工事" in reason and "研修" in reason


@pytest.mark.parametrize(("closure", "message"), [
    (Closure(D(2026, 1, 1), D(2026, 1, 1), "x", site_id="nowhere"),
     "field 'site_id': no site 'nowhere' in scenario 'munakata'"),
    (Closure(D(2026, 1, 1), D(2026, 1, 1), "x", calendar_id="moon"),
     "field 'calendar': no calendar 'moon' in scenario 'munakata' (calendars: annex, "),
])
def test_an_unknown_site_or_calendar_is_refused_naming_the_field(
        munakata: Network, closure: Closure, message: str) -> None:
    with pytest.raises(ValueError) as info:
        apply_closures(munakata, [closure])
    assert message in str(info.value)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"site_id": "a", "calendar_id": "b"}, "field 'site_id': give a site_id or a calendar"),
    ({}, "field 'site_id': give a site_id or a calendar"),
    ({"site_id": "a", "last": D(2025, 12, 31)}, "field 'last_date': 2025-12-31 is before"),
    ({"site_id": "a", "last": D(2027, 6, 1)}, "field 'last_date': a closure covers at most"),
    ({"site_id": "a", "reason": "  "}, "field 'reason'"),
])
def test_a_closure_checks_its_own_fields(kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"first_date": D(2026, 1, 1), "last_date": kwargs.pop(
        "last", D(2026, 1, 1)), "reason": kwargs.pop("reason", "点検"), **kwargs}
    with pytest.raises(ValueError, match=message):
        Closure(**values)  # type: ignore[arg-type]


def test_an_opening_lifts_the_written_period_but_not_weekends(munakata: Network) -> None:
    early = apply_closures(munakata, [Closure(D(2027, 4, 1), D(2027, 4, 7), "新学期 term",
                                              calendar_id="school", kind=ClosureKind.OPEN)])
    school = early.calendars["school"]
    assert school.is_open(D(2027, 4, 1))
    assert not school.is_open(D(2027, 4, 3))  # Saturday
    assert "土曜休館" in (school.closure_reason(D(2027, 4, 3)) or "")


def test_opening_on_a_day_lists_the_hub_the_school_run_and_closed_sites(
        munakata: Network) -> None:
    from scenarios.closures import opening_on

    monday = opening_on(munakata, D(2026, 12, 7))
    assert not monday.hub_open and "月曜休館" in monday.hub_reason
    assert "munakata-sue" in monday.closed and not monday.school_run
    friday = opening_on(munakata, D(2026, 12, 11))
    assert friday.hub_open and friday.hub_reason == "" and friday.school_run
    assert "munakata-akama-station" not in friday.closed
