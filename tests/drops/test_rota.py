"""The fixed rota reproduces the FY2023 report's monthly collections and items exactly."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from drops.rota import DuePost, rota_due_posts, spread_evenly
from scenarios.calendar import dates, fiscal_year_dates
from scenarios.loader import load_network


def test_spread_evenly_sums_to_the_total_and_differs_by_at_most_one() -> None:
    for total in (0, 1, 7, 30, 1537):
        for slots in (1, 3, 29, 31):
            shares = [spread_evenly(total, slots, k) for k in range(1, slots + 1)]
            assert sum(shares) == total
            assert max(shares) - min(shares) <= 1


def test_rota_over_fy2023_gives_every_cell_of_the_report() -> None:
    demand = load_network("munakata").demand
    visits: dict[tuple[str, int, int], int] = defaultdict(int)
    items: dict[tuple[str, int, int], int] = defaultdict(int)
    annual: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    first, last = fiscal_year_dates(2023)
    for day in dates(first, last):
        for post in rota_due_posts(day, demand.post_items_by_month,
                                   demand.post_collections_by_month, demand.post_annual,
                                   demand.fiscal_year):
            if post.post_id in demand.post_annual:
                annual[post.post_id][0] += post.expected_items
                annual[post.post_id][1] += 1
            else:
                visits[(post.post_id, day.year, day.month)] += 1
                items[(post.post_id, day.year, day.month)] += post.expected_items
    for post_id, months in demand.post_collections_by_month.items():
        for (year, month), count in months.items():
            assert visits[(post_id, year, month)] == count
            assert items[(post_id, year, month)] == demand.post_items_by_month[post_id][
                (year, month)]
    assert {k: tuple(v) for k, v in annual.items()} == dict(demand.post_annual)


def test_a_rota_visit_takes_the_months_items_per_collection() -> None:
    demand = load_network("munakata").demand
    due = {p.post_id: p for p in rota_due_posts(dt.date(2023, 8, 10),
                                                demand.post_items_by_month,
                                                demand.post_collections_by_month)}
    # サンリブ, August 2023: 2,639 items in 26 collections -> 101 or 102 per visit.
    assert due["munakata-sunlive"].expected_items in (101, 102)
    assert all(p.required for p in due.values())


def test_due_post_rejects_bad_values_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"field 'expected_items'.*got -1"):
        DuePost("munakata-sunlive", -1)
    with pytest.raises(ValueError, match="field 'penalty'"):
        DuePost("munakata-sunlive", 5, required=False)
    with pytest.raises(ValueError, match="field 'penalty'"):
        DuePost("munakata-sunlive", 5, required=True, penalty=3.0)
