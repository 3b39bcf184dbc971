"""Which return posts are due on a date: the type the day assembly reads, and the fixed rota.

`DuePost` is what a collection policy hands to `scenarios.problem_for_day`: a post that
must be emptied today (a required pickup) or may be emptied if the van passes nearby (an
optional pickup with a penalty, so the solver decides).

`rota_due_posts` reproduces today's practice from the FY2023 report: each month, a post
is emptied as often as the report says (collections per month), the visits spread evenly
over the month's days, each visit taking an even share of the month's items. Summed over
a month it gives the report's figures exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from drops.records import CollectionRecord


@dataclass(frozen=True)
class DuePost:
    """A return post to empty on the day.

    ``expected_items`` is what the box is expected to hold when the van arrives;
    ``penalty`` (only when not ``required``) is the cost of leaving it for another day,
    in the same unit as the vans' cost per km. ``estimate`` says, when the post's state
    is not known from recorded collections, what it was estimated from (empty otherwise).
    """

    post_id: str
    expected_items: int
    required: bool = True
    penalty: float | None = None
    reason: str = ""
    estimate: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.post_id, str) or not self.post_id.strip():
            raise ValueError(f"due post field 'post_id': must be a non-empty string, "
                             f"got {self.post_id!r}")
        if isinstance(self.expected_items, bool) or not isinstance(self.expected_items, int) \
                or self.expected_items < 0:
            raise ValueError(f"due post '{self.post_id}' field 'expected_items': must be a "
                             f"whole number >= 0, got {self.expected_items!r}")
        if self.required and self.penalty is not None:
            raise ValueError(f"due post '{self.post_id}' field 'penalty': a required post has "
                             f"no penalty, got {self.penalty!r}")
        if not self.required and (self.penalty is None or self.penalty < 0):
            raise ValueError(f"due post '{self.post_id}' field 'penalty': an optional post "
                             f"needs a penalty >= 0, got {self.penalty!r}")


def spread_evenly(total: int, slots: int, slot: int) -> int:
    """The share of ``total`` falling on ``slot`` (1-based) when ``total`` is spread as
    evenly as whole numbers allow over ``slots``; the shares sum to ``total`` exactly."""
    if slots <= 0 or not 1 <= slot <= slots:
        return 0
    return (slot * total) // slots - ((slot - 1) * total) // slots


def rota_due_posts(
    day: dt.date,
    items_by_month: Mapping[str, Mapping[tuple[int, int], int]],
    collections_by_month: Mapping[str, Mapping[tuple[int, int], int]],
    annual: Mapping[str, tuple[int, int]] | None = None,
    fiscal_year: int | None = None,
) -> list[DuePost]:
    """The posts the FY2023-style fixed rota empties on ``day``.

    Parameters
    ----------
    day
        The date.
    items_by_month, collections_by_month
        Per post, ``(year, month) -> items`` and ``-> collections`` (the report's table).
    annual
        Posts with only annual figures: ``post -> (items, collections)`` over the fiscal
        year ``fiscal_year`` (April to March); their visits are spread over its days.
    fiscal_year
        Needed with ``annual``.

    Returns
    -------
    list[DuePost]
        Required posts, in post-id order, with the items the rota's visit takes.
    """
    due: list[DuePost] = []
    key = (day.year, day.month)
    days = calendar.monthrange(day.year, day.month)[1]
    for post_id in sorted(collections_by_month):
        visits = collections_by_month[post_id].get(key, 0)
        if spread_evenly(visits, days, day.day) == 0:
            continue
        visit_no = (day.day * visits) // days
        items = spread_evenly(items_by_month.get(post_id, {}).get(key, 0), visits, visit_no)
        due.append(DuePost(post_id, items, reason=f"rota: visit {visit_no} of {visits} in "
                                                  f"{day.year}-{day.month:02d}"))
    if annual and fiscal_year is not None:
        first = dt.date(fiscal_year, 4, 1)
        last = dt.date(fiscal_year + 1, 3, 31)
        if first <= day <= last:
            year_days = (last - first).days + 1
            slot = (day - first).days + 1
            for post_id in sorted(annual):
                items, visits = annual[post_id]
                if spread_evenly(visits, year_days, slot) == 0:
                    continue
                visit_no = (slot * visits) // year_days
                due.append(DuePost(post_id, spread_evenly(items, visits, visit_no),
                                   reason=f"rota: visit {visit_no} of {visits} in FY"
                                          f"{fiscal_year}"))
    return sorted(due, key=lambda d: d.post_id)


def history_from_rota(
    first: dt.date,
    last: dt.date,
    items_by_month: Mapping[str, Mapping[tuple[int, int], int]],
    collections_by_month: Mapping[str, Mapping[tuple[int, int], int]],
    annual: Mapping[str, tuple[int, int]] | None,
    fiscal_year: int | None,
    *,
    at: dt.time,
) -> list[CollectionRecord]:
    """The collections the rota makes from ``first`` to ``last``, each at time ``at``
    (aware): the report's history as records (its monthly totals are the report's)."""
    records = []
    day = first
    while day <= last:
        for post in rota_due_posts(day, items_by_month, collections_by_month, annual,
                                   fiscal_year):
            records.append(CollectionRecord(post.post_id, dt.datetime.combine(day, at),
                                            post.expected_items, source="seed"))
        day += dt.timedelta(days=1)
    return records
