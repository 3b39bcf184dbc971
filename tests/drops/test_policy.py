"""The collection policy: target intervals, and the must / may / wait decision."""

from __future__ import annotations

import datetime as dt

import pytest

from drops.forecast import InflowModel
from drops.policy import (
    PolicySettings,
    PostState,
    decide,
    due_posts,
    expected_fill,
    fitted_intervals,
    gap_days,
    next_carry,
    target_intervals,
)
from drops.records import PostRules

DAY = dt.date(2023, 6, 14)


def _flat(post_id: str, rate: float) -> InflowModel:
    return InflowModel(post_id, {(2023, 6): rate})


def test_intervals_keep_the_item_weighted_mean_wait_at_the_target() -> None:
    rates = {"busy": 60.0, "middle": 30.0, "quiet": 5.0}
    rules = {p: PostRules(p, max_interval_days=14) for p in rates}
    intervals = target_intervals(rates, rules, target_wait_days=0.9)
    mean_wait = sum(rates[p] * intervals[p] / 2 for p in rates) / sum(rates.values())
    assert mean_wait == pytest.approx(0.9, abs=1e-6)
    assert intervals["busy"] < intervals["middle"] < intervals["quiet"]
    # L = c / sqrt(rate): the busy post twice as often as one with a quarter of its rate.
    assert intervals["busy"] * 60 ** 0.5 == pytest.approx(intervals["quiet"] * 5 ** 0.5)


def test_intervals_respect_each_posts_cap_and_at_least_a_day() -> None:
    rates = {"tiny": 0.1, "huge": 500.0}
    rules = {"tiny": PostRules("tiny", max_interval_days=7), "huge": PostRules("huge")}
    intervals = target_intervals(rates, rules, target_wait_days=0.5)
    assert intervals["tiny"] <= 7 and intervals["huge"] >= 1


def test_fractional_intervals_alternate_whole_gaps() -> None:
    carry, gaps = 0.0, []
    for _ in range(4):
        gap = gap_days(1.5, carry)
        gaps.append(gap)
        carry = next_carry(1.5, carry, gap)
    assert gaps == [1, 2, 1, 2]


def test_a_box_that_would_pass_its_safe_fill_by_tomorrow_must_be_emptied() -> None:
    rules = {"p": PostRules("p", capacity_items=100, safe_fill=0.85)}
    states = {"p": PostState("p", DAY - dt.timedelta(days=1), 50.0)}
    (due,) = decide(DAY, states, {"p": _flat("p", 40.0)}, rules, {"p": 7.0})
    assert due.required and "safe level 85" in due.reason


def test_a_post_at_its_target_interval_must_be_emptied() -> None:
    rules = {"p": PostRules("p")}
    states = {"p": PostState("p", DAY - dt.timedelta(days=3), 10.0)}
    (due,) = decide(DAY, states, {"p": _flat("p", 3.0)}, rules, {"p": 3.0})
    assert due.required and "target every 3.0 days" in due.reason


def test_a_well_filled_box_is_optional_with_a_penalty_and_a_light_one_waits() -> None:
    rules = {"full": PostRules("full"), "light": PostRules("light")}
    states = {"full": PostState("full", DAY - dt.timedelta(days=1), 45.0),
              "light": PostState("light", DAY - dt.timedelta(days=1), 10.0)}
    models = {"full": _flat("full", 5.0), "light": _flat("light", 5.0)}
    due = decide(DAY, states, models, rules, {"full": 7.0, "light": 7.0},
                 PolicySettings(optional_fill=0.4, optional_penalty_per_item=0.1))
    assert [(d.post_id, d.required, d.penalty) for d in due] == [("full", False, 4.5)]


def _varied(post_id: str) -> InflowModel:
    """Two months of levels, busier weekends and a closed day: every term of the fill
    estimate differs from the others."""
    return InflowModel(post_id, {(2023, 5): 12.0, (2023, 6): 20.0},
                       weekday_factors=(0.8, 0.9, 1.0, 1.0, 1.1, 1.4, 1.3), closed_factor=1.6,
                       closed_days=frozenset({dt.date(2023, 6, 5)}))


@pytest.mark.parametrize("since", [dt.date(2023, 5, 30), dt.date(2023, 6, 10), DAY])
def test_the_fill_estimate_is_the_one_the_day_plan_and_the_replay_each_wrote(
        since: dt.date) -> None:
    # The formula both callers had inline (api/planning.py's forecast_posts and
    # drops/replay.py's _due), kept here to pin the shared function to it.
    model = _varied("p")
    inline = max(0.0, model.expected(since, DAY - dt.timedelta(days=1)) - model.rate(since) / 2
                 + model.rate(DAY) / 2)
    assert expected_fill(model, since, DAY) == inline


def test_due_posts_decides_on_the_states_both_callers_built() -> None:
    models = {"busy": _varied("busy"), "quiet": _flat("quiet", 2.0)}
    rules = {"busy": PostRules("busy", capacity_items=150), "quiet": PostRules("quiet")}
    first, last = dt.date(2023, 5, 1), dt.date(2023, 6, 13)
    intervals = fitted_intervals(models, rules, first, last, 0.9)
    span = (last - first).days + 1
    assert intervals == target_intervals(
        {p: models[p].expected(first, last) / span for p in rules}, rules, 0.9)
    last_collected = {"busy": dt.date(2023, 6, 9), "quiet": dt.date(2023, 6, 1)}
    carry = {"busy": 0.4, "quiet": -0.2}
    states = {p: PostState(p, since, max(0.0, models[p].expected(since, DAY - dt.timedelta(
        days=1)) - models[p].rate(since) / 2 + models[p].rate(DAY) / 2), carry[p])
        for p, since in last_collected.items()}
    assert due_posts(DAY, last_collected, models, rules, intervals, carry=carry) == decide(
        DAY, states, models, rules, intervals)
    no_carry = {p: PostState(p, s.last_collected, s.expected_items) for p, s in states.items()}
    assert due_posts(DAY, last_collected, models, rules, intervals) == decide(
        DAY, no_carry, models, rules, intervals)



def test_a_post_following_the_policy_is_emptied_in_its_rhythm_from_a_fixed_start() -> None:
    from drops.policy import followed_policy_state

    model = InflowModel("quiet", {(2023, 6): 1.0})
    rule = PostRules("quiet", capacity_items=100, max_interval_days=7)
    since = dt.date(2023, 6, 1)
    states = {day: followed_policy_state("quiet", since, day, model, rule, 5.0)
              for day in (dt.date(2023, 6, k) for k in range(2, 30))}
    emptied = sorted({last for last, _ in states.values()} - {since})
    # Every five days (the target interval), from the fixed start.
    assert emptied == [dt.date(2023, 6, 6), dt.date(2023, 6, 11), dt.date(2023, 6, 16),
                       dt.date(2023, 6, 21), dt.date(2023, 6, 26)]
    # Each day's state follows from the day before's: the same rhythm whatever date asks.
    for day, (last, _) in states.items():
        assert (day - last).days <= 5
