"""The day assembly: flows from the FY2023 figures, closures, islands, modes, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from drops.rota import DuePost
from routing import TaskKind
from scenarios.calendar import dates, fiscal_year_dates
from scenarios.day import DayError, DayNotes, DayOptions, Mode, problem_for_day, task_purpose
from scenarios.demand import (
    MaterialRequest,
    Purpose,
    daily_requests,
    requests_for_day,
    school_requests,
    school_run_days,
)
from scenarios.loader import load_network
from scenarios.network import Network

D = dt.date


@pytest.fixture(scope="module")
def munakata() -> Network:
    return load_network("munakata")


@pytest.fixture(scope="module")
def ichinoseki() -> Network:
    return load_network("ichinoseki")


def test_school_runs_in_fy2023_are_close_to_the_reports_42(munakata: Network) -> None:
    """Friday runs (else Thursday, Wednesday, Tuesday of the same week) in school weeks give
    43 runs in FY2023; the report says 42."""
    first, last = fiscal_year_dates(2023)
    runs = school_run_days(munakata, first, last)
    assert abs(len(runs) - 42) <= 2
    assert all(munakata.calendars["school"].is_open(d) for d in runs)
    assert D(2023, 11, 17) in runs and D(2023, 11, 15) not in runs


def test_reservation_flows_over_the_year_add_up_to_the_reported_totals(
        munakata: Network) -> None:
    """Summed over the days each site is served, the reservation flows carry the report's
    reservations owned elsewhere (within rounding and the days lost to closures)."""
    first, last = fiscal_year_dates(2023)
    moved = 0
    for day in dates(first, last):
        if munakata.calendar_of(munakata.hub_site_id).is_open(day):
            problem = problem_for_day(munakata, day, daily_requests(munakata, day), [])
            moved += sum(t.amount["items"] for t in problem.tasks
                         if t.task_id.startswith("deliver:reservations:"))
    demand = munakata.demand
    total_holdings = sum(demand.holdings_items.values())
    hub_owned_elsewhere = sum(r * demand.holdings_items["munakata-central"] / total_holdings
                              for s, r in demand.reservations_items.items()
                              if s != "munakata-central")
    assert moved == pytest.approx(hub_owned_elsewhere, rel=0.12)


def test_a_school_run_day_visits_every_mainland_school_and_the_island_ports(
        munakata: Network) -> None:
    day = D(2023, 11, 17)
    requests = requests_for_day(munakata, day)
    problem = problem_for_day(munakata, day, requests, [])
    stops = {s.site_id for s in problem.sites}
    schools = {s.site_id for s in munakata.sites if s.kind.value == "school"}
    island_schools = {"munakata-oshima-gakuen", "munakata-es-jinoshima"}
    assert schools - island_schools <= stops
    assert not island_schools & stops
    assert {"munakata-port-konominato", "munakata-port-kanezaki"} <= stops
    notes = DayNotes.from_meta(problem.meta)
    assert notes.school_run
    assert "フェリー" in notes.not_visited["munakata-oshima-gakuen"]


def test_island_crates_are_handed_over_at_the_port_before_a_ferry(munakata: Network) -> None:
    problem = problem_for_day(munakata, D(2023, 11, 15), requests_for_day(munakata,
                                                                          D(2023, 11, 15)), [])
    port = problem.site("munakata-port-konominato")
    ferry = munakata.ferry_at("munakata-port-konominato")
    assert ferry is not None
    assert [(w.start_s, w.end_s) for w in port.time_windows] == list(ferry.handover_windows_s())
    # 09:25 departure, handover 60 to 15 minutes before: 08:25-09:10.
    assert (8 * 3600 + 25 * 60, 9 * 3600 + 10 * 60) in ferry.handover_windows_s()


def test_a_hub_closed_monday_empties_only_return_posts(munakata: Network) -> None:
    day = D(2023, 11, 20)
    posts = [DuePost("munakata-akama-station", 40), DuePost("munakata-sunlive", 60)]
    problem = problem_for_day(munakata, day, requests_for_day(munakata, day), posts)
    assert sorted(t.task_id for t in problem.tasks) == ["empty:munakata-akama-station",
                                                        "empty:munakata-sunlive"]
    notes = DayNotes.from_meta(problem.meta)
    assert not notes.hub_open
    assert notes.deferred and all("hub closed" in d.reason for d in notes.deferred)
    assert any("only return posts" in n for n in notes.notes)


def test_a_day_when_nothing_can_move_says_why(munakata: Network) -> None:
    day = D(2024, 1, 1)
    problem = problem_for_day(munakata, day, requests_for_day(munakata, day), [])
    assert problem.tasks == ()
    notes = DayNotes.from_meta(problem.meta)
    assert any("nothing can move" in n and "hub is closed" in n for n in notes.notes)


def test_a_closed_branch_receives_nothing_and_its_requests_wait(munakata: Network) -> None:
    # 2023-09-18 (敬老の日, Monday): the hub opens, 須恵 stays closed.
    day = D(2023, 9, 18)
    problem = problem_for_day(munakata, day, requests_for_day(munakata, day), [])
    assert "munakata-sue" not in {s.site_id for s in problem.sites}
    notes = DayNotes.from_meta(problem.meta)
    assert any(d.site_id == "munakata-sue" and "休館" in d.reason for d in notes.deferred)
    assert "休館" in notes.not_visited["munakata-sue"]


def test_direct_mode_turns_a_transfer_into_a_same_day_shipment(munakata: Network) -> None:
    day = D(2023, 11, 15)
    transfer = MaterialRequest("req-1", "munakata-sue", "munakata-fukata", 12,
                               Purpose.RESERVATIONS)
    direct = problem_for_day(munakata, day, [transfer], [], DayOptions(mode=Mode.DIRECT))
    assert [(t.kind, t.pickup_site_id, t.delivery_site_id) for t in direct.tasks] == [
        (TaskKind.SHIPMENT, "munakata-sue", "munakata-fukata")]
    spoke = problem_for_day(munakata, day, [transfer], [])
    assert [(t.kind, t.site_id) for t in spoke.tasks] == [(TaskKind.PICKUP, "munakata-sue")]


def test_optional_posts_carry_their_penalty(munakata: Network) -> None:
    problem = problem_for_day(munakata, D(2023, 11, 15), [], [
        DuePost("munakata-city-hall", 8, required=False, penalty=2.5)])
    (task,) = problem.tasks
    assert task.penalty == 2.5 and not task.required
    assert dict(task.amount) == {"crates": 1, "items": 8}


def test_crates_are_counted_on_the_summed_items(munakata: Network) -> None:
    requests = [MaterialRequest(f"r{k}", "munakata-central", "munakata-sue", 10,
                                Purpose.RETURNS) for k in range(7)]
    (task,) = problem_for_day(munakata, D(2023, 11, 15), requests, []).tasks
    assert dict(task.amount) == {"crates": 2, "items": 70}  # 70 items / 35 per crate


@pytest.mark.parametrize(("call", "message"), [
    (lambda n: problem_for_day(n, D(2023, 3, 31), [], []),
     "field 'date': scenario 'munakata' can plan dates from 2023-04-01 on (its first data "
     "day), got 2023-03-31"),
    (lambda n: problem_for_day(n, D(2023, 11, 15),
                               [MaterialRequest("r", "munakata-central", "nowhere", 3)], []),
     "request 'r' field 'to_site_id': unknown site 'nowhere'"),
    (lambda n: problem_for_day(n, D(2023, 11, 15), [], [DuePost("munakata-sue", 3)]),
     "due post field 'post_id': 'munakata-sue' is a branch, not a return_post"),
    (lambda n: problem_for_day(n, D(2023, 11, 15), [], [], DayOptions(vehicle_count=5)),
     "option 'vehicle_count': scenario 'munakata' has 2 vans, got 5"),
])
def test_bad_input_names_the_field_and_value(munakata: Network, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DayError) as info:
        call(munakata)
    assert message in str(info.value)


def test_material_request_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="field 'items': must be a whole number >= 1, got 0"):
        MaterialRequest("r", "a", "b", 0)
    with pytest.raises(ValueError, match="field 'to_site_id': must differ"):
        MaterialRequest("r", "a", "a", 3)


def test_ichinoseki_bookmobile_visits_each_school_on_its_weekday(ichinoseki: Network) -> None:
    wednesday, friday = D(2023, 11, 15), D(2023, 11, 17)
    wed_schools = {r.to_site_id for r in school_requests(ichinoseki, wednesday)
                   if r.purpose is Purpose.SCHOOL_LOAN}
    fri_schools = {r.to_site_id for r in school_requests(ichinoseki, friday)
                   if r.purpose is Purpose.SCHOOL_LOAN}
    assert wed_schools and fri_schools and not wed_schools & fri_schools
    assert all(2 in ichinoseki.site(s).run_weekdays for s in wed_schools)
    # The daily shuttle reaches every open branch.
    problem = problem_for_day(ichinoseki, wednesday, requests_for_day(ichinoseki, wednesday), [])
    branches = {s.site_id for s in ichinoseki.sites if s.kind.value == "branch"}
    assert branches <= {s.site_id for s in problem.sites}


def test_a_recorded_request_keeps_its_own_task_and_travels_the_same_day(
        munakata: Network) -> None:
    requests = [
        MaterialRequest("school-request-1", "munakata-central", "munakata-es-akama", 30,
                        note="3年 昆虫の本"),
        MaterialRequest("school-request-2", "munakata-es-togo", "munakata-es-akama", 5),
        MaterialRequest("school-request-3", "munakata-central", "munakata-es-akama", 10),
    ]
    problem = problem_for_day(munakata, D(2023, 11, 17), requests, [])
    by_id = {t.task_id: t for t in problem.tasks}
    assert set(by_id) == {"request:school-request-1", "request:school-request-2",
                          "request:school-request-3"}
    assert by_id["request:school-request-2"].kind is TaskKind.SHIPMENT
    assert by_id["request:school-request-1"].kind is TaskKind.DELIVERY
    assert "昆虫" in by_id["request:school-request-1"].note


def test_recorded_consignments_replace_the_estimate_of_their_kind_only(
        munakata: Network) -> None:
    day = D(2023, 11, 15)
    model = requests_for_day(munakata, day)
    assert any(r.purpose is Purpose.RESERVATIONS for r in model)
    recorded = MaterialRequest("consignment-1", "munakata-sue", "munakata-fukata", 12,
                               Purpose.RESERVATIONS, recorded=True)
    problem = problem_for_day(munakata, day, [*model, recorded], [])
    task_ids = {t.task_id for t in problem.tasks}
    assert "request:consignment-1" in task_ids
    assert not any(t.startswith(("deliver:reservations:", "pickup:reservations:"))
                   for t in task_ids)
    assert any(t.startswith("pickup:returns:") for t in task_ids)  # other kinds stay
    notes = DayNotes.from_meta(problem.meta)
    assert any("replace the estimate" in n and "予約資料" in n for n in notes.notes)
    assert "request:consignment-1" not in notes.estimates
    assert all(notes.estimates[t] == "estimate: FY2023 annual figures"
               for t in task_ids - {"request:consignment-1"})


def test_a_recorded_consignment_travels_the_same_day_even_in_hub_and_spoke(
        munakata: Network) -> None:
    recorded = MaterialRequest("consignment-2", "munakata-sue", "munakata-fukata", 40,
                               Purpose.RETURNS, recorded=True, crates=3)
    (task,) = problem_for_day(munakata, D(2023, 11, 15), [recorded], []).tasks
    assert task.task_id == "request:consignment-2" and task.kind is TaskKind.SHIPMENT
    assert dict(task.amount) == {"crates": 3, "items": 40}


def test_a_recorded_request_cannot_carry_an_estimate_label() -> None:
    with pytest.raises(ValueError, match="field 'estimate'"):
        MaterialRequest("r", "a", "b", 3, Purpose.RETURNS, recorded=True, estimate="x")


def test_every_task_of_a_day_says_what_it_carries_in_one_word(munakata: Network) -> None:
    day = D(2023, 11, 17)
    requests = [*requests_for_day(munakata, day),
                MaterialRequest("school-request-1", "munakata-central", "munakata-es-akama",
                                30)]
    posts = [DuePost("munakata-sunlive", 60, required=True)]
    problem = problem_for_day(munakata, day, requests, posts)

    words = {t.task_id: task_purpose(t.task_id) for t in problem.tasks}

    assert None not in words.values()
    assert words["deliver:reservations:munakata-sue"] == ("予約", "reservations")
    assert words["empty:munakata-sunlive"] == ("ポスト", "return post")
    assert words["request:school-request-1"] == ("依頼", "request")
    assert {w for w in words.values() if w} >= {("学校貸出", "school loans"),
                                                ("返却", "returns")}
    assert task_purpose("made-by-hand") is None
    assert task_purpose("deliver:moon-rocks:munakata-sue") is None
