"""Consignments as the planner reads them: a recorded same-day request of their kind, and
the day they wait for when a site is closed."""

from __future__ import annotations

import datetime as dt

import pytest

from scenarios.consignments import (
    Consignment,
    ConsignmentKind,
    consignment_id_of,
    first_open_day,
    waiting_reason,
)
from scenarios.day import DayNotes, problem_for_day
from scenarios.demand import Purpose
from scenarios.loader import load_network
from scenarios.network import Network

D = dt.date


@pytest.fixture(scope="module")
def munakata() -> Network:
    return load_network("munakata")


def test_a_consignment_is_a_recorded_request_of_its_kind(munakata: Network) -> None:
    consignment = Consignment(12, "munakata-central", "munakata-sue", 40,
                              ConsignmentKind.RESERVATION, D(2026, 12, 8), crates=2,
                              reference="ILS-0042")
    request = consignment.as_request(munakata)
    assert request.recorded and request.purpose is Purpose.RESERVATIONS
    assert request.request_id == "consignment-12" and request.crates == 2
    assert "ILS-0042" in request.note and "須恵" in request.note
    assert consignment_id_of(request.request_id) == 12
    assert consignment_id_of("school-request-3") is None


def test_a_consignment_to_a_closed_site_waits_for_the_next_open_day_and_says_why(
        munakata: Network) -> None:
    # 2026-12-08 Tuesday: the hub is open; 須恵 closes on Mondays only, so it is open too.
    # 2026-12-07 Monday: the hub is closed.
    consignment = Consignment(3, "munakata-fukata", "munakata-sue", 20,
                              ConsignmentKind.RETURN, D(2026, 12, 7))
    assert first_open_day(munakata, "munakata-fukata", "munakata-sue", D(2026, 12, 7)) == \
        D(2026, 12, 8)
    reason = waiting_reason(munakata, consignment, D(2026, 12, 7))
    assert reason is not None and "hub closed" in reason and "waits for 2026-12-08" in reason
    assert waiting_reason(munakata, consignment, D(2026, 12, 8)) is None
    problem = problem_for_day(munakata, D(2026, 12, 7), [consignment.as_request(munakata)], [])
    notes = DayNotes.from_meta(problem.meta)
    assert [d.ref for d in notes.deferred] == ["consignment-3"]
