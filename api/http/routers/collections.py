"""``/collections``: return-post collections recorded, read, corrected, imported, exported.

Staff only (another role gets 403, no token 401). A correction never overwrites silently:
each ``PATCH`` appends a revision saying who changed which fields from what to what, when
and why. Times go in as ISO 8601 (no offset = Asia/Tokyo) and come out in Asia/Tokyo.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Body,
    Header,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    status,
)
from fastapi.responses import JSONResponse
from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import StaffDep
from api.deps import SessionDep
from api.schemas.collections import (
    CLOCK_SKEW,
    EARLIEST_COLLECTED_AT,
    MAX_ITEMS,
    MIN_ITEMS,
    SOURCES,
    TIME_FORMAT_HINT,
    CollectionIn,
    CollectionOut,
    CollectionPatch,
    FieldChange,
    ImportProblem,
    ImportRejected,
    ImportResult,
    RevisionOut,
    parse_local_time,
)
from api.schemas.common import ErrorOut, Page
from api.store.db import TOKYO, display_time, now_utc
from api.store.tables import CollectionRevisionRow, CollectionRow, SiteRow, UserRow

router = APIRouter(prefix="/collections", tags=["collections"])

RETURN_POST = "return_post"
#: The columns of ``GET /collections/export.csv``, in order.
EXPORT_COLUMNS = ("collection_id", "post_id", "post_name_ja", "collected_at", "items",
                  "collected_by", "note", "source", "revisions")
#: Columns a CSV import reads; the export's other columns are accepted and ignored, so an
#: exported file can be edited and imported again.
IMPORT_COLUMNS = ("post_id", "collected_at", "items", "collected_by", "note")
IMPORT_REQUIRED = ("post_id", "collected_at", "items")
IMPORT_IGNORED = tuple(c for c in EXPORT_COLUMNS if c not in IMPORT_COLUMNS)
#: Content types a CSV import accepts (browsers send a .csv file on Windows as the last).
CSV_MEDIA_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel")
#: At most this many problems are listed in the answer to a rejected import.
MAX_IMPORT_PROBLEMS = 50
#: Excel on Japanese Windows rewrites times as ``2023/8/1 9:30``; the import reads that too.
_EXCEL_TIME = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")

_AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no valid bearer token"},
    403: {"model": ErrorOut, "description": "the token's role is not staff"},
}
#: A collection's id (the store's column is a 32-bit integer).
CollectionId = Annotated[int, Path(ge=1, le=2**31 - 1)]

_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "a bad value; `detail` starts with `field '<name>': `"}}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "no collection with this id"}}


# --- validation shared by POST, PATCH and the CSV import -----------------------------------


@dataclass(frozen=True)
class _Site:
    kind: str
    name_ja: str


def _sites(session: Session) -> dict[str, _Site]:
    rows = session.execute(select(SiteRow.site_id, SiteRow.kind, SiteRow.name_ja)).all()
    return {site_id: _Site(kind, name_ja) for site_id, kind, name_ja in rows}


def _iso(value: dt.datetime) -> str:
    try:
        return display_time(value).isoformat()
    except OverflowError:  # year 1 or 9999 with an offset: shown as given
        return value.isoformat()


def _post_problem(sites: dict[str, _Site], post_id: str) -> str | None:
    site = sites.get(post_id)
    if site is None:
        return f"unknown return post {post_id!r}"
    if site.kind != RETURN_POST:
        return f"{post_id!r} is a {site.kind}, not a return post"
    return None


def _items_problem(items: int) -> str | None:
    if MIN_ITEMS <= items <= MAX_ITEMS:
        return None
    return f"must be {MIN_ITEMS}..{MAX_ITEMS}, got {items}"


def _time_problem(collected_at: dt.datetime, now: dt.datetime) -> str | None:
    if collected_at > now + CLOCK_SKEW:
        return (f"{_iso(collected_at)} is in the future (now "
                f"{_iso(now.replace(microsecond=0))})")
    if collected_at < EARLIEST_COLLECTED_AT:
        return f"{_iso(collected_at)} is before {_iso(EARLIEST_COLLECTED_AT)}"
    return None


def _invalid(field: str, message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                         detail=f"field '{field}': {message}")


def _check(sites: dict[str, _Site], *, post_id: str | None = None,
           collected_at: dt.datetime | None = None, items: int | None = None) -> None:
    """Raise 422 naming the first bad value among those given."""
    checks = (("post_id", None if post_id is None else _post_problem(sites, post_id)),
              ("collected_at", None if collected_at is None
               else _time_problem(collected_at, now_utc())),
              ("items", None if items is None else _items_problem(items)))
    for field, problem in checks:
        if problem is not None:
            raise _invalid(field, problem)


# --- shapes out ---------------------------------------------------------------------------


def _usernames(session: Session, rows: list[CollectionRow]) -> dict[int, str]:
    ids = {r.recorded_by_user_id for r in rows if r.recorded_by_user_id is not None}
    ids |= {v.changed_by_user_id for r in rows for v in r.revisions}
    if not ids:
        return {}
    found = session.execute(select(UserRow.user_id, UserRow.username).where(
        UserRow.user_id.in_(ids))).all()
    return {user_id: username for user_id, username in found}


def _out(row: CollectionRow, sites: dict[str, _Site], users: dict[int, str]) -> CollectionOut:
    site = sites.get(row.post_id)
    revisions = [RevisionOut(
        revision_id=v.revision_id, changed_at=display_time(v.changed_at),
        changed_by=users.get(v.changed_by_user_id), reason=v.reason,
        changes={field: FieldChange(old=c["old"], new=c["new"])
                 for field, c in v.changes.items()}) for v in row.revisions]
    return CollectionOut(
        collection_id=row.collection_id, post_id=row.post_id,
        post_name_ja=site.name_ja if site else "", collected_at=display_time(row.collected_at),
        items=row.items, collected_by=row.collected_by, note=row.note,
        recorded_at=display_time(row.recorded_at),
        recorded_by=(users.get(row.recorded_by_user_id)
                     if row.recorded_by_user_id is not None else None),
        source=row.source, revisions=revisions)


def _one_out(session: Session, row: CollectionRow) -> CollectionOut:
    return _out(row, _sites(session), _usernames(session, [row]))


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
        raise _invalid(field, f"expected a date such as 2023-08-01 or {TIME_FORMAT_HINT}, "
                              f"got {text!r}") from None


def _filters(sites: dict[str, _Site], post_id: str | None, from_: str | None,
             to: str | None, source: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if post_id is not None:
        problem = _post_problem(sites, post_id)
        if problem is not None:
            raise _invalid("post_id", problem)
        conditions.append(CollectionRow.post_id == post_id)
    if source is not None:
        if source not in SOURCES:
            raise _invalid("source", f"must be one of {', '.join(SOURCES)}, got {source!r}")
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
            raise _invalid("to", f"{to!r} is before 'from' {from_!r}")
    return conditions


PostFilter = Annotated[str | None, Query(description="a return post's site id")]
FromFilter = Annotated[str | None, Query(
    alias="from", description="collected at or after: a date (Asia/Tokyo, from its start) or "
                              "an ISO 8601 date and time")]
ToFilter = Annotated[str | None, Query(
    description="collected at or before: a date (through its end) or an ISO 8601 date and "
                "time")]
SourceFilter = Annotated[str | None, Query(description=f"one of {', '.join(SOURCES)}")]


# --- endpoints ----------------------------------------------------------------------------


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


def _replay(row: CollectionRow, body: CollectionIn, key: str) -> None:
    """Raise 409 when ``body`` differs from what was first recorded under ``key``."""
    first = _original_values(row)
    sent = body.model_dump(include=set(first))
    differences = [f"{field}: {_shown(first[field])} then, {_shown(sent[field])} now"
                   for field in first if first[field] != sent[field]]
    if differences:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=(
            f"Idempotency-Key {key!r} was already used for collection {row.collection_id} "
            f"with a different payload ({'; '.join(differences)}); use a new key for a new "
            f"collection"))


def _shown(value: Any) -> str:
    return repr(_iso(value) if isinstance(value, dt.datetime) else value)


def _by_key(session: Session, key: str) -> CollectionRow | None:
    return session.scalar(select(CollectionRow).where(CollectionRow.idempotency_key == key))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CollectionOut,
             summary="Record a collection",
             responses={200: {"model": CollectionOut,
                              "description": "a retry with the same Idempotency-Key and "
                                             "payload: the first record, nothing new"},
                        409: {"model": ErrorOut,
                              "description": "the Idempotency-Key was used with another "
                                             "payload"},
                        **_AUTH_RESPONSES, **_INVALID})
def record_collection(
        body: CollectionIn, response: Response, session: SessionDep, principal: StaffDep,
        idempotency_key: Annotated[str | None, Header(
            alias="Idempotency-Key", min_length=1, max_length=200,
            description="any unique string (a UUID); a retry with the same key and payload "
                        "records nothing new and answers 200 with the first record")] = None,
) -> CollectionOut:
    """Record that a return post was emptied: when, how many items, by whom.

    ``items`` must be 0..5000; ``collected_at`` (no offset = Asia/Tokyo) must not lie in the
    future (5 minutes of clock skew allowed) nor before 2000-01-01; ``post_id`` must be a
    site of kind ``return_post``. Send an ``Idempotency-Key`` so that a retry after a lost
    answer does not record the collection twice.
    """
    sites = _sites(session)
    _check(sites, post_id=body.post_id, collected_at=body.collected_at, items=body.items)
    if idempotency_key is not None:
        earlier = _by_key(session, idempotency_key)
        if earlier is not None:
            _replay(earlier, body, idempotency_key)
            response.status_code = status.HTTP_200_OK
            return _out(earlier, sites, _usernames(session, [earlier]))
    row = CollectionRow(post_id=body.post_id, collected_at=body.collected_at, items=body.items,
                        collected_by=body.collected_by, note=body.note,
                        recorded_by_user_id=principal.user_id, recorded_at=now_utc(),
                        source="api", idempotency_key=idempotency_key, revisions=[])
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
        _replay(earlier, body, idempotency_key)
        response.status_code = status.HTTP_200_OK
        row = earlier
    return _out(row, sites, _usernames(session, [row]))


@router.get("", response_model=Page[CollectionOut], summary="List collections",
            responses={**_AUTH_RESPONSES, **_INVALID})
def list_collections(
        session: SessionDep, _: StaffDep, post_id: PostFilter = None,
        from_: FromFilter = None, to: ToFilter = None, source: SourceFilter = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Page[CollectionOut]:
    """Collections, newest first, with their corrections; the seeded FY2023 history
    (``source=seed``) included. Filter by post, by time (``from``/``to``: a date means the
    whole day in Asia/Tokyo) and by source; ``total`` counts every match."""
    sites = _sites(session)
    conditions = _filters(sites, post_id, from_, to, source)
    total = session.scalar(select(func.count()).select_from(CollectionRow).where(
        *conditions)) or 0
    rows = list(session.scalars(select(CollectionRow).where(*conditions).order_by(
        CollectionRow.collected_at.desc(), CollectionRow.collection_id.desc()
    ).offset(offset).limit(limit)).all())
    users = _usernames(session, rows)
    return Page[CollectionOut](items=[_out(r, sites, users) for r in rows], total=total,
                               offset=offset, limit=limit)


@router.get("/export.csv", response_class=Response, summary="Export collections as CSV",
            responses={200: {"content": {"text/csv": {}},
                             "description": "UTF-8 CSV with a byte-order mark"},
                       **_AUTH_RESPONSES, **_INVALID})
def export_collections(session: SessionDep, _: StaffDep, post_id: PostFilter = None,
                       from_: FromFilter = None, to: ToFilter = None,
                       source: SourceFilter = None) -> Response:
    """Every collection matching the filters (those of the list, no pagination), oldest
    first, as CSV: ``collection_id,post_id,post_name_ja,collected_at,items,collected_by,
    note,source,revisions`` (``revisions``: how many corrections the record has had).

    Times are ISO 8601 in Asia/Tokyo (``+09:00``). The file is UTF-8 with a BOM
    (byte-order mark), so that Excel on Japanese Windows opens it without garbling the
    Japanese text; it can be edited and sent back to ``POST /collections/import``, which
    ignores the columns it does not read.
    """
    sites = _sites(session)
    conditions = _filters(sites, post_id, from_, to, source)
    rows = session.scalars(select(CollectionRow).where(*conditions).order_by(
        CollectionRow.collected_at, CollectionRow.collection_id))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        site = sites.get(row.post_id)
        writer.writerow([row.collection_id, row.post_id, site.name_ja if site else "",
                         _iso(row.collected_at), row.items, row.collected_by, row.note,
                         row.source, len(row.revisions)])
    return Response(content=("\ufeff" + buffer.getvalue()).encode("utf-8"),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="collections.csv"'})


@router.post("/import", status_code=status.HTTP_201_CREATED, response_model=ImportResult,
             summary="Import collections from CSV",
             responses={413: {"model": ErrorOut, "description": "the file is too large"},
                        415: {"model": ErrorOut, "description": "not sent as text/csv"},
                        422: {"model": ImportRejected,
                              "description": "bad lines (nothing imported): `detail` names "
                                             "the first line, field and value; `errors` "
                                             "lists up to 50 problems"},
                        **_AUTH_RESPONSES})
def import_collections(
        request: Request, session: SessionDep, principal: StaffDep,
        body: Annotated[bytes, Body(
            media_type="text/csv",
            description="CSV, UTF-8 (a byte-order mark is fine), header first: "
                        "post_id,collected_at,items[,collected_by][,note]",
            openapi_examples={"season": {
                "summary": "three collections",
                "value": "post_id,collected_at,items,collected_by,note\r\n"
                         "munakata-akama-station,2024-06-10T09:30:00+09:00,41,山田 太郎,\r\n"
                         "munakata-sunlive,2024-06-10 10:05,88,,\"雨, 一部濡れ\"\r\n"
                         "munakata-togo-station,2024/6/10 11:20,17,佐藤,\r\n"}})],
) -> ImportResult | JSONResponse:
    """Import a season of collections, all or nothing.

    The first line is the header, naming the columns ``post_id``, ``collected_at``,
    ``items`` and optionally ``collected_by`` and ``note``, in any order (the other columns
    of the export are ignored). Each line is checked as ``POST /collections`` checks a
    record; ``collected_at`` may also be written as Excel writes it (``2023/8/1 9:30``,
    Asia/Tokyo). A line with the post and time of a recorded collection, or of an earlier
    line, is a duplicate and is refused. If any line is bad nothing is imported, and the
    answer (422) names the line (the header is line 1, as a spreadsheet counts), the field
    and the value. The rows are recorded with ``source=csv``.
    """
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in CSV_MEDIA_TYPES:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            detail=f"send the file with Content-Type: text/csv (got "
                                   f"{media_type or 'none'!r})")
    try:
        parsed, problems = _read_import(body, _sites(session), now_utc())
    except _FileRejected as exc:
        return _rejection([exc.problem])
    problems += _duplicates(session, parsed)
    if problems:
        return _rejection(problems)
    recorded_at = now_utc()
    session.execute(insert(CollectionRow), [
        {"post_id": p.post_id, "collected_at": p.collected_at, "items": p.items,
         "collected_by": p.collected_by, "note": p.note, "source": "csv",
         "recorded_at": recorded_at, "recorded_by_user_id": principal.user_id}
        for p in parsed])
    return ImportResult(imported=len(parsed))


@router.get("/{collection_id}", response_model=CollectionOut, summary="One collection",
            responses={**_NOT_FOUND, **_AUTH_RESPONSES})
def get_collection(collection_id: CollectionId, session: SessionDep, _: StaffDep) -> CollectionOut:
    """The collection as it stands now, with every correction made to it, oldest first."""
    row = session.get(CollectionRow, collection_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            detail=f"no collection {collection_id}")
    return _one_out(session, row)


@router.patch("/{collection_id}", response_model=CollectionOut,
              summary="Correct a collection (the change is kept as a revision)",
              responses={**_NOT_FOUND, **_AUTH_RESPONSES, **_INVALID})
def correct_collection(collection_id: CollectionId, body: CollectionPatch, session: SessionDep,
                       principal: StaffDep) -> CollectionOut:
    """Change some fields of a collection, giving the ``reason``.

    The values are checked as ``POST /collections`` checks them. The record shows the new
    values, and a revision keeps who changed which field from what to what, when and why.
    Fields left out keep their value; a correction that changes nothing is refused (422).
    """
    if not body.reason.strip():
        raise _invalid("reason", "must not be blank: say why the record is corrected")
    given = {f: getattr(body, f) for f in sorted(body.model_fields_set) if f != "reason"}
    for field, value in given.items():
        if value is None:
            raise _invalid(field, "null is not a value; leave the field out to keep it")
    row = session.get(CollectionRow, collection_id, with_for_update=True)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            detail=f"no collection {collection_id}")
    _check(_sites(session), post_id=given.get("post_id"),
           collected_at=given.get("collected_at"), items=given.get("items"))
    changes: dict[str, dict[str, Any]] = {}
    for field, new in given.items():
        old = getattr(row, field)
        if old == new:
            continue
        if field == "collected_at":
            changes[field] = {"old": _iso(old), "new": _iso(new)}
        else:
            changes[field] = {"old": old, "new": new}
        setattr(row, field, new)
    if not changes:
        raise _invalid("body", "nothing to change: every value given equals the current one")
    row.revisions.append(CollectionRevisionRow(
        changed_at=now_utc(), changed_by_user_id=principal.user_id,
        reason=body.reason, changes=changes))
    session.flush()
    return _one_out(session, row)


# --- the CSV import -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    line: int
    post_id: str
    collected_at: dt.datetime
    items: int
    collected_by: str
    note: str


def _import_time(text: str) -> dt.datetime:
    match = _EXCEL_TIME.fullmatch(text.strip())
    if match is None:
        return parse_local_time(text)
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=TOKYO)
    except ValueError as exc:
        raise ValueError(f"{exc}, got {text!r}") from None


class _FileRejected(Exception):
    """A problem of the whole file (encoding, header): the import stops at once."""

    def __init__(self, line: int, field: str, value: str | None, message: str) -> None:
        super().__init__(message)
        self.problem = ImportProblem(line=line, field=field, input=value, msg=message)


def _rejection(problems: list[ImportProblem]) -> JSONResponse:
    """The 422 of a refused import: the first problem in ``detail``, up to 50 listed."""
    problems = sorted(problems, key=lambda p: p.line)
    first = problems[0]
    bad_lines = len({p.line for p in problems})
    rejected = ImportRejected(
        detail=f"line {first.line}: field '{first.field}': {first.msg} ({bad_lines} bad "
               f"line{'s' if bad_lines != 1 else ''}; nothing was imported)",
        bad_lines=bad_lines, errors=problems[:MAX_IMPORT_PROBLEMS])
    return JSONResponse(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
                        content=rejected.model_dump())


def _read_import(raw: bytes, sites: dict[str, _Site], now: dt.datetime
                 ) -> tuple[list[_Parsed], list[ImportProblem]]:
    """The rows of a CSV import and the problems of its lines."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileRejected(1, "body", None, f"the file is not UTF-8 (byte {exc.start}); save "
                        f"it as 'CSV UTF-8' (Excel: CSV UTF-8 (コンマ区切り))") from None
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        lines = list(records)
    except csv.Error as exc:
        raise _FileRejected(records.line_num, "body", None, f"not readable as CSV: {exc}"
                        ) from None
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise _FileRejected(1, "header", None, f"the first line must be the header: "
                        f"{','.join(IMPORT_COLUMNS)}")
    header = [cell.strip() for cell in lines[0]]
    for name in header:
        if name not in IMPORT_COLUMNS and name not in IMPORT_IGNORED:
            raise _FileRejected(1, "header", name, f"unknown column {name!r} (columns: "
                            f"{', '.join(IMPORT_COLUMNS)})")
        if header.count(name) > 1:
            raise _FileRejected(1, "header", name, f"column {name!r} appears twice")
    missing = [name for name in IMPORT_REQUIRED if name not in header]
    if missing:
        raise _FileRejected(1, "header", ",".join(lines[0]),
                        f"missing column{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(missing)}")
    parsed: list[_Parsed] = []
    problems: list[ImportProblem] = []
    for line, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # an empty line
        if len(cells) > len(header):
            problems.append(ImportProblem(
                line=line, field="line", input=",".join(cells),
                msg=f"{len(cells)} values but the header has {len(header)} columns"))
            continue
        values = dict(zip(header, cells, strict=False))
        row, row_problems = _read_row(line, values, sites, now)
        problems += row_problems
        if row is not None:
            parsed.append(row)
    if not parsed and not problems:
        raise _FileRejected(2, "body", None, "the file has a header but no collections")
    return parsed, problems


def _read_row(line: int, values: dict[str, str], sites: dict[str, _Site], now: dt.datetime
              ) -> tuple[_Parsed | None, list[ImportProblem]]:
    problems: list[ImportProblem] = []

    def bad(field: str, message: str) -> None:
        problems.append(ImportProblem(line=line, field=field, input=values.get(field),
                                      msg=message))

    post_id = values.get("post_id", "").strip()
    problem = _post_problem(sites, post_id) if post_id else "missing"
    if problem:
        bad("post_id", problem)
    collected_at = None
    try:
        collected_at = _import_time(values.get("collected_at", ""))
    except ValueError as exc:
        bad("collected_at", str(exc))
    if collected_at is not None and (problem := _time_problem(collected_at, now)):
        bad("collected_at", problem)
    items = None
    items_text = values.get("items", "").strip()
    try:
        items = int(items_text)
    except ValueError:
        bad("items", f"expected a whole number {MIN_ITEMS}..{MAX_ITEMS}, got {items_text!r}")
    if items is not None and (problem := _items_problem(items)):
        bad("items", problem)
    collected_by, note = values.get("collected_by", ""), values.get("note", "")
    if len(collected_by) > 200:
        bad("collected_by", f"at most 200 characters, got {len(collected_by)}")
    if len(note) > 2000:
        bad("note", f"at most 2000 characters, got {len(note)}")
    if problems or collected_at is None or items is None:
        return None, problems
    return _Parsed(line, post_id, collected_at, items, collected_by, note), []


def _duplicates(session: Session, parsed: list[_Parsed]) -> list[ImportProblem]:
    """Lines whose post and time are those of a recorded collection or an earlier line."""
    if not parsed:
        return []
    recorded: dict[tuple[str, dt.datetime], int] = {}
    found = session.execute(select(
        CollectionRow.post_id, CollectionRow.collected_at, CollectionRow.collection_id).where(
        CollectionRow.post_id.in_({p.post_id for p in parsed}),
        CollectionRow.collected_at >= min(p.collected_at for p in parsed),
        CollectionRow.collected_at <= max(p.collected_at for p in parsed))).all()
    for post_id, collected_at, collection_id in found:
        recorded[(post_id, collected_at.astimezone(dt.UTC))] = collection_id
    problems = []
    first_line: dict[tuple[str, dt.datetime], int] = {}
    for p in parsed:
        key = (p.post_id, p.collected_at.astimezone(dt.UTC))
        where = (f"collection {recorded[key]} is already recorded" if key in recorded
                 else f"line {first_line[key]} has it too" if key in first_line else None)
        first_line.setdefault(key, p.line)
        if where is not None:
            problems.append(ImportProblem(
                line=p.line, field="collected_at", input=_iso(p.collected_at),
                msg=f"duplicate: {p.post_id} at {_iso(p.collected_at)}: {where}"))
    return problems
