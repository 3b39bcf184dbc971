"""The collection policy: target intervals, and the must / may / wait decision."""

from __future__ import annotations

import datetime as dt

import pytest

from drops.forecast import InflowModel
from drops.policy import PolicySettings, PostState, decide, gap_days, next_carry, target_intervals
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
