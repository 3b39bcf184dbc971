"""The return posts of the service's scenario as the report and the flags read them, and
the report and flags of the stored collections: shared by ``/drops`` and ``bookrun drops``.

The posts, their order and capacities come from the scenario; their names from the
``site`` table when it has them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.store.repositories import stored_records
from drops.flags import FLAG_HISTORY_DAYS, Flag, flag_collections
from drops.records import PostRules
from drops.report import Report, fiscal_year_bounds, monthly_report
from scenarios.network import Network, SiteKind
from scenarios.posts import post_rules


@dataclass(frozen=True)
class PostCatalogue:
    """The return posts of a scenario, in display order, with what the report and the
    flags need.

    ``annual_only`` are the posts the scenario's report gives annual figures only for, in
    ``data_fiscal_year`` (their monthly split in the bundled history is a reconstruction);
    in other years every post gets its months.
    """

    names_ja: Mapping[str, str]
    names_en: Mapping[str, str]
    rules: Mapping[str, PostRules]
    annual_only: frozenset[str]
    data_fiscal_year: int | None

    def annual_only_in(self, fiscal_year: int) -> frozenset[str]:
        return self.annual_only if fiscal_year == self.data_fiscal_year else frozenset()


def post_catalogue(network: Network, stored_names: Mapping[str, str] | None = None
                   ) -> PostCatalogue:
    """The network's return posts in its order; ``stored_names`` (the ``site`` table's
    ``name_ja`` by id) override the scenario's names. Rules from sites.csv
    (`scenarios.posts.post_rules`): ``post_capacity_items`` (default 100) and
    ``post_max_interval_days`` (default 7)."""
    posts = network.sites_of_kind(SiteKind.RETURN_POST)
    names = {s.site_id: (stored_names or {}).get(s.site_id) or s.name_ja for s in posts}
    return PostCatalogue(names_ja=names, names_en={s.site_id: s.name_en for s in posts},
                         rules=post_rules(network),
                         annual_only=frozenset(network.demand.post_annual),
                         data_fiscal_year=network.demand.fiscal_year)


def stored_report(session: Session, catalogue: PostCatalogue, fiscal_year: int) -> Report:
    """The report of ``fiscal_year`` from the stored collections of the catalogue's posts."""
    start, end = fiscal_year_bounds(fiscal_year)
    records = stored_records(session, start, end, set(catalogue.names_ja))
    return monthly_report(records, fiscal_year, posts=catalogue.names_ja,
                          annual_only=catalogue.annual_only_in(fiscal_year))


def stored_flags(session: Session, catalogue: PostCatalogue, fiscal_year: int) -> list[Flag]:
    """The flags of the stored collections of ``fiscal_year``, each judged against the
    post's collections of the year before too (`FLAG_HISTORY_DAYS`)."""
    start, end = fiscal_year_bounds(fiscal_year)
    records = stored_records(session, start - dt.timedelta(days=FLAG_HISTORY_DAYS), end,
                             set(catalogue.names_ja))
    return flag_collections(records, catalogue.rules, since=start)
