"""Return-post collections without HTTP: the checks every way in shares, recording with an
idempotency key, corrections kept as revisions, the list's filters and the CSV export.

Times go in as ISO 8601 (no offset = Asia/Tokyo) and are shown in Asia/Tokyo. A bad value
raises `InvalidField` naming the field; a reused idempotency key with another payload
`Conflict`; an unknown id `NotFound`. Nothing here commits: the caller owns the unit of work.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.services.errors import Conflict, InvalidField, NotFound
from api.store.db import display_time, now_utc
from api.store.tables import CollectionRevisionRow, CollectionRow, SiteRow
from scenarios.calendar import TOKYO
from scenarios.network import SiteKind

#: A collection's item count must lie in this range (inclusive).
MIN_ITEMS, MAX_ITEMS = 0, 5000
#: How far in the future a collection time may lie (clocks of phones and PCs drift).
CLOCK_SKEW = dt.timedelta(minutes=5)
#: No collection is older than this (Asia/Tokyo).
EARLIEST_COLLECTED_AT = dt.datetime(2000, 1, 1, tzinfo=TOKYO)
#: Where a collection came from: typed in (``api``), a CSV import, the seeded history.
SOURCES = ("api", "csv", "seed")
#: The columns of the CSV export, in order.
EXPORT_COLUMNS = ("collection_id", "post_id", "post_name_ja", "collected_at", "items",
                  "collected_by", "note", "source", "revisions")

TIME_FORMAT_HINT = "an ISO 8601 date and time such as 2023-08-01T09:30:00+09:00 " \
                   "(no offset = Asia/Tokyo)"


def parse_local_time(text: str) -> dt.datetime:
    """An ISO 8601 date and time; a naive one is taken as Asia/Tokyo.

    Raises
    ------
    ValueError
        The text is not an ISO 8601 date *and time*, with the expected format in the message.
    """
    value = text.strip()
    if len(value) <= 10:  # a date alone: a collection happens at a time
        raise ValueError(f"expected {TIME_FORMAT_HINT}, got {text!r} (the time is missing)")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected {TIME_FORMAT_HINT}, got {text!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=TOKYO)


# --- validation shared by recording, correcting and the CSV import -------------------------


@dataclass(frozen=True)
class Site:
    kind: str
    name_ja: str


def stored_sites(session: Session) -> dict[str, Site]:
    """Every stored site's kind and Japanese name, by id."""
    rows = session.execute(select(SiteRow.site_id, SiteRow.kind, SiteRow.name_ja)).all()
    return {site_id: Site(kind, name_ja) for site_id, kind, name_ja in rows}


def iso(value: dt.datetime) -> str:
    """A time as ISO 8601 in Asia/Tokyo (as the API shows it)."""
    try:
        return display_time(value).isoformat()
    except OverflowError:  # year 1 or 9999 with an offset: shown as given
        return value.isoformat()


def post_problem(sites: Mapping[str, Site], post_id: str) -> str | None:
    site = sites.get(post_id)
    if site is None:
        return f"unknown return post {post_id!r}"
    if site.kind != SiteKind.RETURN_POST:
        return f"{post_id!r} is a {site.kind}, not a return post"
    return None


def items_problem(items: int) -> str | None:
    if MIN_ITEMS <= items <= MAX_ITEMS:
        return None
    return f"must be {MIN_ITEMS}..{MAX_ITEMS}, got {items}"


def time_problem(collected_at: dt.datetime, now: dt.datetime) -> str | None:
    if collected_at > now + CLOCK_SKEW:
        return (f"{iso(collected_at)} is in the future (now "
                f"{iso(now.replace(microsecond=0))})")
    if collected_at < EARLIEST_COLLECTED_AT:
        return f"{iso(collected_at)} is before {iso(EARLIEST_COLLECTED_AT)}"
    return None


def check(sites: Mapping[str, Site], *, post_id: str | None = None,
          collected_at: dt.datetime | None = None, items: int | None = None) -> None:
    """Raise `InvalidField` naming the first bad value among those given."""
    checks = (("post_id", None if post_id is None else post_problem(sites, post_id)),
              ("collected_at", None if collected_at is None
               else time_problem(collected_at, now_utc())),
              ("items", None if items is None else items_problem(items)))
    for field, problem in checks:
        if problem is not None:
            raise InvalidField(field, problem)


# --- filters of the list and the export ---------------------------------------------------


def _bound(field: str, text: str, *, upper: bool) -> tuple[dt.datetime, bool]:
    """(instant, inclusive) of a ``from``/``to`` filter: a date means the whole day."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            start = dt.datetime.combine(day, dt.time(), tzinfo=TOKYO)
            bound, inclusive = (start + dt.timedelta(days=1), False) if upper else (start, True)
        else:
            bound, inclusive = parse_local_time(value), True
        bound.astimezone(dt.UTC)  # the store keeps UTC: years 1 and 9999 may not convert
        return bound, inclusive
    except (ValueError, OverflowError):
        raise InvalidField(field, f"expected a date such as 2023-08-01 or {TIME_FORMAT_HINT}, "
                                  f"got {text!r}") from None


def filters(sites: Mapping[str, Site], post_id: str | None, from_: str | None,
            to: str | None, source: str | None) -> list[ColumnElement[bool]]:
    """The conditions of the list's and the export's filters (`InvalidField` for a bad
    one): a return post, a source, and ``from``/``to`` (a date means the whole day)."""
    conditions: list[ColumnElement[bool]] = []
    if post_id is not None:
        problem = post_problem(sites, post_id)
        if problem is not None:
            raise InvalidField("post_id", problem)
        conditions.append(CollectionRow.post_id == post_id)
    if source is not None:
        if source not in SOURCES:
            raise InvalidField("source", f"must be one of {', '.join(SOURCES)}, got {source!r}")
        conditions.append(CollectionRow.source == source)
    start = end = None
    if from_ is not None:
        start, _ = _bound("from", from_, upper=False)
        conditions.append(CollectionRow.collected_at >= start)
    if to is not None:
        end, inclusive = _bound("to", to, upper=True)
        conditions.append(CollectionRow.collected_at <= end if inclusive
                          else CollectionRow.collected_at < end)
        if start is not None and (end < start if inclusive else end <= start):
            raise InvalidField("to", f"{to!r} is before 'from' {from_!r}")
    return conditions


def page(session: Session, conditions: list[ColumnElement[bool]], offset: int, limit: int
         ) -> tuple[int, list[CollectionRow]]:
    """(how many match, the page of them newest first)."""
    total = session.scalar(select(func.count()).select_from(CollectionRow).where(
        *conditions)) or 0
    rows = list(session.scalars(select(CollectionRow).where(*conditions).order_by(
        CollectionRow.collected_at.desc(), CollectionRow.collection_id.desc()
    ).offset(offset).limit(limit)).all())
    return total, rows


def export_csv(session: Session, sites: Mapping[str, Site],
               conditions: list[ColumnElement[bool]]) -> bytes:
    """The matching collections oldest first as CSV (`EXPORT_COLUMNS`), UTF-8 with a
    byte-order mark so that Excel on Japanese Windows reads the names."""
    rows = session.scalars(select(CollectionRow).where(*conditions).order_by(
        CollectionRow.collected_at, CollectionRow.collection_id))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        site = sites.get(row.post_id)
        writer.writerow([row.collection_id, row.post_id, site.name_ja if site else "",
                         iso(row.collected_at), row.items, row.collected_by, row.note,
                         row.source, len(row.revisions)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- recording and correcting ---------------------------------------------------------------


@dataclass(frozen=True)
class CollectionFields:
    """One collection as staff record it."""

    post_id: str
    collected_at: dt.datetime
    items: int
    collected_by: str = ""
    note: str = ""


def _original_values(row: CollectionRow) -> dict[str, Any]:
    """The values the row was recorded with, before any correction."""
    values: dict[str, Any] = {"post_id": row.post_id, "collected_at": row.collected_at,
                              "items": row.items, "collected_by": row.collected_by,
                              "note": row.note}
    for revision in reversed(row.revisions):
        for field, change in revision.changes.items():
            values[field] = change["old"]
    if isinstance(values["collected_at"], str):
        values["collected_at"] = dt.datetime.fromisoformat(values["collected_at"])
    return values


def _replay(row: CollectionRow, sent: CollectionFields, key: str) -> None:
    """Raise `Conflict` when ``sent`` differs from what was first recorded under ``key``."""
    first = _original_values(row)
    differences = [f"{field}: {_shown(first[field])} then, "
                   f"{_shown(getattr(sent, field))} now"
                   for field in first if first[field] != getattr(sent, field)]
    if differences:
        raise Conflict(
            f"Idempotency-Key {key!r} was already used for collection {row.collection_id} "
            f"with a different payload ({'; '.join(differences)}); use a new key for a new "
            f"collection")


def _shown(value: Any) -> str:
    return repr(iso(value) if isinstance(value, dt.datetime) else value)


def _by_key(session: Session, key: str) -> CollectionRow | None:
    return session.scalar(select(CollectionRow).where(CollectionRow.idempotency_key == key))


def record(session: Session, sites: Mapping[str, Site], fields: CollectionFields,
           by_user_id: int, idempotency_key: str | None = None) -> tuple[CollectionRow, bool]:
    """Check and record a collection; (the row, whether it was recorded now). A retry with
    the same ``idempotency_key`` and values gives back the first record (``False``)."""
    check(sites, post_id=fields.post_id, collected_at=fields.collected_at, items=fields.items)
    if idempotency_key is not None:
        earlier = _by_key(session, idempotency_key)
        if earlier is not None:
            _replay(earlier, fields, idempotency_key)
            return earlier, False
    row = CollectionRow(post_id=fields.post_id, collected_at=fields.collected_at,
                        items=fields.items, collected_by=fields.collected_by,
                        note=fields.note, recorded_by_user_id=by_user_id,
                        recorded_at=now_utc(), source="api", idempotency_key=idempotency_key,
                        revisions=[])
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        # A concurrent request with the same key committed between the look-up and this
        # insert. Nothing else was written in this request, so rolling the whole unit of
        # work back loses nothing (a savepoint would be neater, but on SQLite the pysqlite
        # driver commits at its release).
        session.rollback()
        if idempotency_key is None:
            raise
        earlier = _by_key(session, idempotency_key)
        if earlier is None:
            raise
        _replay(earlier, fields, idempotency_key)
        return earlier, False
    return row, True


def get(session: Session, collection_id: int, *, for_update: bool = False) -> CollectionRow:
    """The collection (`NotFound` when there is none)."""
    row = session.get(CollectionRow, collection_id, with_for_update=for_update)
    if row is None:
        raise NotFound(f"no collection {collection_id}")
    return row


def correct(session: Session, collection_id: int, given: Mapping[str, Any], reason: str,
            by_user_id: int) -> CollectionRow:
    """Change the ``given`` fields of a collection and keep the change as a revision (who,
    when, why, each field's old and new value); `InvalidField` for a blank reason, a null
    or bad value, or a correction that changes nothing."""
    if not reason.strip():
        raise InvalidField("reason", "must not be blank: say why the record is corrected")
    for field, value in given.items():
        if value is None:
            raise InvalidField(field, "null is not a value; leave the field out to keep it")
    row = get(session, collection_id, for_update=True)
    check(stored_sites(session), post_id=given.get("post_id"),
          collected_at=given.get("collected_at"), items=given.get("items"))
    changes: dict[str, dict[str, Any]] = {}
    for field, new in given.items():
        old = getattr(row, field)
        if old == new:
            continue
        if field == "collected_at":
            changes[field] = {"old": iso(old), "new": iso(new)}
        else:
            changes[field] = {"old": old, "new": new}
        setattr(row, field, new)
    if not changes:
        raise InvalidField("body", "nothing to change: every value given equals the current one")
    row.revisions.append(CollectionRevisionRow(
        changed_at=now_utc(), changed_by_user_id=by_user_id, reason=reason, changes=changes))
    session.flush()
    return row


def user_ids(rows: list[CollectionRow]) -> set[int]:
    """Every user the rows name: who recorded them and who corrected them."""
    ids = {r.recorded_by_user_id for r in rows if r.recorded_by_user_id is not None}
    ids |= {v.changed_by_user_id for r in rows for v in r.revisions}
    return ids
