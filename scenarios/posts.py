"""The network's return posts as the collection policy and the replay read them: each
post's rules, the days the hub is closed (its returns go to the posts) and the posts a
replay of the fiscal year covers, with their report month totals and rota days."""

from __future__ import annotations

import datetime as dt

from drops.records import PostRules
from drops.replay import ReplayPost
from drops.rota import rota_due_posts, spread_evenly
from scenarios.calendar import dates, fiscal_year_dates
from scenarios.network import Network, SiteKind


def post_rules(network: Network) -> dict[str, PostRules]:
    """Each return post's rules from sites.csv (capacity default 100, interval 7 days)."""
    return {s.site_id: PostRules(s.site_id, capacity_items=s.post_capacity_items or 100,
                                 max_interval_days=s.post_max_interval_days or 7)
            for s in network.sites_of_kind(SiteKind.RETURN_POST)}


def closed_days(network: Network, first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """Days the hub is closed: its returns go to the posts."""
    hub = network.calendar_of(network.hub_site_id)
    return frozenset(d for d in dates(first, last) if not hub.is_open(d))


def replay_posts(network: Network) -> list[ReplayPost]:
    """The scenario's posts with their report month totals (annual-only posts: a twelfth
    a month) and their rota days."""
    demand = network.demand
    first, last = fiscal_year_dates(demand.fiscal_year)
    months = [(d.year, d.month) for d in dates(first, last) if d.day == 1]
    rota: dict[str, set[dt.date]] = {}
    for day in dates(first, last):
        for post in rota_due_posts(day, demand.post_items_by_month,
                                   demand.post_collections_by_month, demand.post_annual,
                                   demand.fiscal_year):
            rota.setdefault(post.post_id, set()).add(day)
    rules = post_rules(network)
    posts = []
    for site in network.sites_of_kind(SiteKind.RETURN_POST):
        if site.site_id in demand.post_items_by_month:
            month_items = dict(demand.post_items_by_month[site.site_id])
        elif site.site_id in demand.post_annual:
            items, _ = demand.post_annual[site.site_id]
            month_items = {m: spread_evenly(items, 12, k + 1) for k, m in enumerate(months)}
        else:
            continue
        posts.append(ReplayPost(site.site_id, site.name_ja, rules[site.site_id], month_items,
                                frozenset(rota.get(site.site_id, ()))))
    return posts
