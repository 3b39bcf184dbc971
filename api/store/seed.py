"""Load a scenario into a fresh store: its sites and its return-post history.

For Munakata the history is FY2023's: the fixed rota (`drops.rota_due_posts`) spread over
the year, one collection per rota visit at 09:30 local time, so the monthly totals per
post equal the annual report's table exactly. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.store.tables import CollectionRow, SiteRow
from drops.rota import history_from_rota
from scenarios.calendar import TOKYO
from scenarios.network import Network, SiteKind

SEED_SOURCE = "seed"
SEED_COLLECTOR = "FY report (rota reconstruction)"


@dataclass(frozen=True)
class SeedResult:
    sites_added: int
    sites_updated: int
    collections_added: int


def seed_network(session: Session, network: Network, *, history: bool = True) -> SeedResult:
    """Upsert the network's sites and, once, its collection history (flushes only)."""
    added = updated = 0
    for site in network.sites:
        row = session.get(SiteRow, site.site_id)
        values = {"scenario": network.scenario_id, "kind": site.kind.value,
                  "name_ja": site.name_ja, "name_en": site.name_en,
                  "address_ja": site.address_ja, "lat": site.lat, "lon": site.lon,
                  "source": site.source, "accuracy_m": site.accuracy_m}
        if row is None:
            session.add(SiteRow(site_id=site.site_id, **values))
            added += 1
        else:
            for key, value in values.items():
                setattr(row, key, value)
            updated += 1
    session.flush()
    collections = 0
    if history and network.data_range is not None:
        post_ids = [s.site_id for s in network.sites_of_kind(SiteKind.RETURN_POST)]
        existing = session.scalar(select(func.count()).select_from(CollectionRow).where(
            CollectionRow.source == SEED_SOURCE, CollectionRow.post_id.in_(post_ids))) or 0
        if not existing:
            collections = _seed_history(session, network)
    return SeedResult(added, updated, collections)


def _seed_history(session: Session, network: Network) -> int:
    demand = network.demand
    assert network.data_range is not None
    first, last = network.data_range
    records = history_from_rota(first, last, demand.post_items_by_month,
                                demand.post_collections_by_month, demand.post_annual,
                                demand.fiscal_year, at=dt.time(9, 30, tzinfo=TOKYO))
    session.add_all(CollectionRow(post_id=r.post_id, collected_at=r.collected_at,
                                  items=r.items, collected_by=SEED_COLLECTOR,
                                  note="rota reconstruction of the annual report",
                                  source=SEED_SOURCE) for r in records)
    session.flush()
    return len(records)
