"""Any date from the scenario's first data day on plans: the figures' year stands in for
the others, every estimated task says so, and a date far from the figures warns."""

from __future__ import annotations

import datetime as dt

import pytest

from scenarios.day import DayError, DayNotes, problem_for_day
from scenarios.demand import daily_requests, requests_for_day
from scenarios.figures import (
    check_date,
    estimate_label,
    figures_date,
    figures_warning,
    last_holiday_year,
)
from scenarios.loader import load_network
from scenarios.network import Network

D = dt.date


@pytest.fixture(scope="module")
def munakata() -> Network:
    return load_network("munakata")


@pytest.mark.parametrize(("day", "expected"), [
    (D(2023, 11, 17), D(2023, 11, 17)),  # inside FY2023: itself
    (D(2026, 12, 8), D(2023, 12, 8)),
    (D(2027, 2, 10), D(2024, 2, 10)),  # January to March: the second calendar year
    (D(2028, 2, 29), D(2024, 2, 29)),  # 2024 is a leap year
    (D(2027, 3, 31), D(2024, 3, 31)),
    (D(2024, 4, 1), D(2023, 4, 1)),
])
def test_a_date_reads_the_same_month_of_the_figures_year(munakata: Network, day: dt.date,
                                                         expected: dt.date) -> None:
    assert figures_date(munakata, day) == expected


def test_the_29th_of_february_maps_to_the_28th_in_a_common_year() -> None:
    network = load_network("munakata")
    shifted = network.demand.__class__(**{**network.demand.__dict__, "fiscal_year": 2024})
    other = network.__class__(**{**{k: getattr(network, k) for k in (
        "scenario_id", "name_ja", "name_en", "hub_site_id", "sites", "calendars", "vehicles",
        "travel", "ferries", "assumptions", "data_range", "meta")}, "demand": shifted})
    assert figures_date(other, D(2028, 2, 29)) == D(2025, 2, 28)


def test_a_future_date_has_the_flows_of_the_same_month_and_every_one_is_an_estimate(
        munakata: Network) -> None:
    future, past = D(2026, 12, 9), D(2023, 12, 13)  # both Wednesdays (地島's run day)
    assert future.weekday() == past.weekday()
    flows = daily_requests(munakata, future)
    assert flows and all(f.estimate == "estimate: FY2023 annual figures" for f in flows)
    # The rate per day of each flow is the December 2023 one (the days it accumulates
    # over follow each year's own calendar).
    rates = {f.request_id: f.note.rsplit("(", 1)[1].split("/day")[0] for f in flows}
    past_rates = {f.request_id: f.note.rsplit("(", 1)[1].split("/day")[0]
                  for f in daily_requests(munakata, past)}
    shared = rates.keys() & past_rates.keys()
    assert len(shared) > 10 and all(rates[k] == past_rates[k] for k in shared)
    assert any(k.startswith("island:") for k in shared)


def test_every_model_task_of_a_plan_is_listed_as_an_estimate(munakata: Network) -> None:
    day = D(2026, 12, 11)  # a Friday in a school week
    problem = problem_for_day(munakata, day, requests_for_day(munakata, day), [])
    notes = DayNotes.from_meta(problem.meta)
    assert problem.tasks and notes.school_run
    assert set(notes.estimates) == {t.task_id for t in problem.tasks}
    assert set(notes.estimates.values()) == {estimate_label(munakata)}


def test_a_date_more_than_two_years_after_the_figures_warns_naming_their_year(
        munakata: Network) -> None:
    assert figures_warning(munakata, D(2026, 3, 31)) is None
    warning = figures_warning(munakata, D(2026, 4, 1))
    assert warning is not None and "FY2023" in warning
    problem = problem_for_day(munakata, D(2026, 12, 8), [], [])
    assert DayNotes.from_meta(problem.meta).warnings == (figures_warning(munakata,
                                                                         D(2026, 12, 8)),)
    assert DayNotes.from_meta(problem_for_day(munakata, D(2024, 6, 4), [], []).meta
                              ).warnings == ()


@pytest.mark.parametrize(("day", "message"), [
    (D(2023, 3, 31), "field 'date': scenario 'munakata' can plan dates from 2023-04-01 on"),
    (D(last_holiday_year() + 1, 1, 5), "field 'date': national holidays are known up to"),
])
def test_dates_before_the_first_data_day_or_past_known_holidays_are_refused(
        munakata: Network, day: dt.date, message: str) -> None:
    with pytest.raises(DayError, match=message):
        check_date(munakata, day)


def test_written_rules_and_holidays_apply_to_any_year(munakata: Network) -> None:
    hub = munakata.calendar_of(munakata.hub_site_id)
    assert "祝日の翌日" in (hub.closure_reason(D(2027, 1, 12)) or "")  # 成人の日 Mon 1-11
    assert hub.is_open(D(2027, 1, 11))
    assert "図書整理日" in (hub.closure_reason(D(2026, 11, 26)) or "")  # last Thursday
    assert "休館期間" in (hub.closure_reason(D(2026, 12, 29)) or "")
