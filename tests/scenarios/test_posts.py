"""The network's return posts as the policy and the replay read them (`scenarios.posts`)."""

from __future__ import annotations

import datetime as dt

from scenarios.calendar import dates
from scenarios.loader import load_network
from scenarios.network import SiteKind
from scenarios.posts import closed_days, post_rules, replay_posts


def test_every_return_post_has_rules_with_the_sites_csv_values_or_the_defaults() -> None:
    network = load_network("munakata")
    rules = post_rules(network)
    posts = network.sites_of_kind(SiteKind.RETURN_POST)
    assert list(rules) == [s.site_id for s in posts]
    for site in posts:
        assert rules[site.site_id].capacity_items == (site.post_capacity_items or 100)
        assert rules[site.site_id].max_interval_days == (site.post_max_interval_days or 7)


def test_closed_days_are_the_days_the_hub_is_closed() -> None:
    network = load_network("munakata")
    first, last = dt.date(2023, 12, 20), dt.date(2024, 1, 10)
    hub = network.calendar_of(network.hub_site_id)
    closed = closed_days(network, first, last)
    assert closed == {d for d in dates(first, last) if not hub.is_open(d)}
    assert dt.date(2024, 1, 1) in closed  # the new-year closure


def test_a_replay_covers_the_posts_with_report_figures_and_their_month_totals() -> None:
    network = load_network("munakata")
    demand = network.demand
    posts = replay_posts(network)
    assert posts and {p.post_id for p in posts} <= set(post_rules(network))
    for post in posts:
        assert len(post.month_items) == 12
        if post.post_id in demand.post_items_by_month:
            assert dict(post.month_items) == dict(demand.post_items_by_month[post.post_id])
        else:
            assert sum(post.month_items.values()) == demand.post_annual[post.post_id][0]
        assert post.rota_days
