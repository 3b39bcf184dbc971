"""Queries the HTTP routers, the services and the command line share: the stored return
posts and their collections as `drops.records.CollectionRecord`, and usernames by id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.store.tables import CollectionRow, SiteRow, UserRow
from drops.records import CollectionRecord
from scenarios.network import SiteKind


def stored_post_names(session: Session) -> dict[str, str]:
    """``site_id -> name_ja`` of the return posts in the ``site`` table."""
    rows = session.execute(select(SiteRow.site_id, SiteRow.name_ja).where(
        SiteRow.kind == SiteKind.RETURN_POST.value)).all()
    return {site_id: name_ja for site_id, name_ja in rows}


def stored_records(session: Session, start: dt.datetime, end: dt.datetime,
                   post_ids: set[str] | None = None) -> list[CollectionRecord]:
    """The stored collections with ``start <= collected_at < end`` (of ``post_ids`` when
    given), as records, oldest first."""
    query = select(CollectionRow.post_id, CollectionRow.collected_at, CollectionRow.items,
                   CollectionRow.collection_id, CollectionRow.source).where(
        CollectionRow.collected_at >= start, CollectionRow.collected_at < end)
    if post_ids is not None:
        query = query.where(CollectionRow.post_id.in_(post_ids))
    rows = session.execute(query.order_by(CollectionRow.collected_at,
                                          CollectionRow.collection_id)).all()
    return [CollectionRecord(post_id, collected_at, items, collection_id, source)
            for post_id, collected_at, items, collection_id, source in rows]


def count_collections(session: Session, start: dt.datetime, end: dt.datetime,
                      post_ids: Collection[str]) -> int:
    """How many stored collections of ``post_ids`` have ``start <= collected_at < end``."""
    return session.scalar(select(func.count()).select_from(CollectionRow).where(
        CollectionRow.collected_at >= start, CollectionRow.collected_at < end,
        CollectionRow.post_id.in_(set(post_ids)))) or 0


def post_history(session: Session, post_ids: Collection[str],
                 before: dt.datetime | None = None) -> list[CollectionRecord]:
    """Every stored collection of ``post_ids`` (post, time and items only) made before
    ``before`` (aware; default: all), as the forecast policy of a plan reads them."""
    query = select(CollectionRow.post_id, CollectionRow.collected_at,
                   CollectionRow.items).where(CollectionRow.post_id.in_(list(post_ids)))
    if before is not None:
        query = query.where(CollectionRow.collected_at < before)
    rows = session.execute(query).all()
    return [CollectionRecord(post_id, collected_at, items)
            for post_id, collected_at, items in rows]


def history_user_ids(rows: Iterable[Any]) -> set[int]:
    """Every user rows with a history name: who created each and who made each step
    (rows with ``created_by_user_id`` and ``events`` of ``by_user_id``)."""
    ids: set[int] = set()
    for row in rows:
        ids.add(row.created_by_user_id)
        ids.update(e.by_user_id for e in row.events)
    return ids


def usernames(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """``user_id -> username`` of the given users (none asked: no query)."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.execute(select(UserRow.user_id, UserRow.username).where(
        UserRow.user_id.in_(ids))).all()
    return {user_id: username for user_id, username in rows}
