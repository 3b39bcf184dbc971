"""The store itself: migrations from empty on both databases agree with the tables, the
seed reproduces FY2023 and loads once, times come back aware."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from api.store import tables  # noqa: F401  (the tables on Base.metadata)
from api.store.db import (
    Base,
    check_migrated,
    current_revision,
    head_revision,
    make_engine,
    make_session_factory,
    unit_of_work,
)
from api.store.seed import seed_network
from api.store.tables import CollectionRow
from scenarios.calendar import TOKYO
from scenarios.loader import load_network


def test_migrations_from_empty_reach_head_and_match_the_tables(database_url: str) -> None:
    """The session's store was migrated from an empty database (SQLite file, or a new
    PostgreSQL database): it is at head and autogenerate finds nothing to change."""
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision()
    check_migrated(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        names = set(sa.inspect(connection).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= names
    engine.dispose()


def test_the_seeded_history_is_the_reports_monthly_table(database_url: str) -> None:
    network = load_network("munakata")
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        again = seed_network(session, network)
        assert again.sites_added == 0 and again.collections_added == 0
        rows = session.scalars(sa.select(CollectionRow).where(CollectionRow.source == "seed"))
        items: dict[tuple[str, int, int], int] = defaultdict(int)
        visits: dict[tuple[str, int, int], int] = defaultdict(int)
        for row in rows:
            local = row.collected_at.astimezone(TOKYO)
            assert row.collected_at.tzinfo is not None
            items[(row.post_id, local.year, local.month)] += row.items
            visits[(row.post_id, local.year, local.month)] += 1
    demand = network.demand
    for post_id, months in demand.post_items_by_month.items():
        for (year, month), expected in months.items():
            assert items[(post_id, year, month)] == expected
            assert visits[(post_id, year, month)] == \
                demand.post_collections_by_month[post_id][(year, month)]
    engine.dispose()


def test_times_go_in_as_any_zone_and_come_back_as_the_same_instant(database_url: str) -> None:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    when = dt.datetime(2023, 8, 1, 9, 30, tzinfo=TOKYO)
    with unit_of_work(factory) as session:
        row = CollectionRow(post_id="munakata-sunlive", collected_at=when, items=3,
                            source="test-time")
        session.add(row)
        session.flush()
        collection_id = row.collection_id
    with unit_of_work(factory) as session:
        back = session.get(CollectionRow, collection_id)
        assert back is not None and back.collected_at == when
        assert back.collected_at.utcoffset() == dt.timedelta(0)
        session.delete(back)
    engine.dispose()
