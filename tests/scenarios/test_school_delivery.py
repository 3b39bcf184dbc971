"""The day a school request is delivered: the school's next run day on or after ready, no
later than needed_by; else the first it can make, late and why; or a staff-chosen run."""

from __future__ import annotations

import datetime as dt

import pytest

from scenarios.closures import Closure, apply_closures
from scenarios.loader import load_network
from scenarios.network import Network
from scenarios.school_delivery import is_run_day, school_delivery

D = dt.date
HUB, AKAMA, TOGO = "munakata-central", "munakata-es-akama", "munakata-es-togo"


@pytest.fixture(scope="module")
def munakata() -> Network:
    return load_network("munakata")


def test_the_next_run_day_on_or_after_ready_within_needed_by(munakata: Network) -> None:
    # Munakata's round runs on Fridays in school weeks: 2026-12-11 and 12-18.
    delivery = school_delivery(munakata, AKAMA, HUB, D(2026, 12, 7), D(2026, 12, 18))
    assert (delivery.date, delivery.late, delivery.reason) == (D(2026, 12, 11), False, "")
    on_the_day = school_delivery(munakata, AKAMA, HUB, D(2026, 12, 11), D(2026, 12, 11))
    assert on_the_day.date == D(2026, 12, 11) and not on_the_day.late


def test_no_run_day_in_time_goes_on_the_first_it_can_make_late_and_says_why(
        munakata: Network) -> None:
    delivery = school_delivery(munakata, AKAMA, HUB, D(2026, 12, 7), D(2026, 12, 9))
    assert delivery.date == D(2026, 12, 11) and delivery.late
    assert "no school run" in delivery.reason and "2026-12-09" in delivery.reason
    assert "extra run" in delivery.reason


def test_a_staff_chosen_extra_run_takes_the_request_on_that_day(munakata: Network) -> None:
    delivery = school_delivery(munakata, AKAMA, HUB, D(2026, 12, 7), D(2026, 12, 9),
                               extra_run=D(2026, 12, 8))
    assert delivery.date == D(2026, 12, 8) and not delivery.late
    assert "extra run" in delivery.reason


def test_an_extra_run_on_a_closed_day_cannot_go_and_says_why(munakata: Network) -> None:
    delivery = school_delivery(munakata, AKAMA, HUB, D(2026, 12, 7), D(2026, 12, 9),
                               extra_run=D(2026, 12, 12))  # a Saturday: school closed
    assert delivery.date is None and "cannot go" in delivery.reason
    monday = school_delivery(munakata, AKAMA, HUB, D(2026, 12, 7), D(2026, 12, 9),
                             extra_run=D(2026, 12, 7))  # the hub is closed on Mondays
    assert monday.date is None and "hub closed" in monday.reason


def test_recorded_term_dates_move_the_delivery(munakata: Network) -> None:
    closed = apply_closures(munakata, [Closure(D(2026, 12, 10), D(2026, 12, 11),
                                               "学校行事 school event", site_id=AKAMA)])
    assert not is_run_day(closed, AKAMA, HUB, D(2026, 12, 11))
    assert is_run_day(closed, TOGO, HUB, D(2026, 12, 11))
    delivery = school_delivery(closed, AKAMA, HUB, D(2026, 12, 7), D(2026, 12, 18))
    assert delivery.date == D(2026, 12, 18) and not delivery.late


def test_a_school_to_school_loan_needs_both_schools_open(munakata: Network) -> None:
    closed = apply_closures(munakata, [Closure(D(2026, 12, 11), D(2026, 12, 11),
                                               "学校行事", site_id=TOGO)])
    assert is_run_day(closed, AKAMA, HUB, D(2026, 12, 11))
    assert not is_run_day(closed, AKAMA, TOGO, D(2026, 12, 11))


def test_the_bookmobile_round_visits_each_school_on_its_weekday() -> None:
    ichinoseki = load_network("ichinoseki")
    school = next(s for s in ichinoseki.sites if s.kind.value == "school" and s.run_weekdays)
    delivery = school_delivery(ichinoseki, school.site_id, ichinoseki.hub_site_id,
                               D(2026, 12, 7), D(2026, 12, 31))
    assert delivery.date is not None and delivery.date.weekday() in school.run_weekdays
