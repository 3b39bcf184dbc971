"""``/collections``: return-post collections recorded, read, corrected, imported, exported.

Staff only (another role gets 403, no token 401). A correction never overwrites silently:
each ``PATCH`` appends a revision saying who changed which fields from what to what, when
and why. Times go in as ISO 8601 (no offset = Asia/Tokyo) and come out in Asia/Tokyo.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request, Response, status
from sqlalchemy.orm import Session

from api.http.auth import StaffDep
from api.http.csv_upload import require_csv
from api.http.deps import SessionDep
from api.http.schemas.collections import (
    CollectionIn,
    CollectionOut,
    CollectionPatch,
    FieldChange,
    ImportRejected,
    ImportResult,
    RevisionOut,
)
from api.http.schemas.common import ErrorOut, Page
from api.services import collections as service
from api.services.collection_import import import_csv
from api.services.collections import SOURCES, Site
from api.store.db import display_time
from api.store.repositories import usernames
from api.store.tables import CollectionRow

router = APIRouter(prefix="/collections", tags=["collections"])


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


def _out(row: CollectionRow, sites: dict[str, Site], users: dict[int, str]) -> CollectionOut:
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


def _outs(session: Session, rows: list[CollectionRow],
          sites: dict[str, Site] | None = None) -> list[CollectionOut]:
    sites = sites if sites is not None else service.stored_sites(session)
    users = usernames(session, service.user_ids(rows))
    return [_out(row, sites, users) for row in rows]


PostFilter = Annotated[str | None, Query(description="a return post's site id")]
FromFilter = Annotated[str | None, Query(
    alias="from", description="collected at or after: a date (Asia/Tokyo, from its start) or "
                              "an ISO 8601 date and time")]
ToFilter = Annotated[str | None, Query(
    description="collected at or before: a date (through its end) or an ISO 8601 date and "
                "time")]
SourceFilter = Annotated[str | None, Query(description=f"one of {', '.join(SOURCES)}")]


# --- endpoints ----------------------------------------------------------------------------


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
    sites = service.stored_sites(session)
    fields = service.CollectionFields(body.post_id, body.collected_at, body.items,
                                      body.collected_by, body.note)
    row, created = service.record(session, sites, fields, principal.user_id, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _outs(session, [row], sites)[0]


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
    sites = service.stored_sites(session)
    total, rows = service.page(session, service.filters(sites, post_id, from_, to, source),
                               offset, limit)
    return Page[CollectionOut](items=_outs(session, rows, sites), total=total,
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
    sites = service.stored_sites(session)
    content = service.export_csv(session, sites,
                                 service.filters(sites, post_id, from_, to, source))
    return Response(content=content, media_type="text/csv; charset=utf-8",
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
) -> ImportResult:
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
    require_csv(request)
    return ImportResult(imported=import_csv(session, body, principal.user_id))


@router.get("/{collection_id}", response_model=CollectionOut, summary="One collection",
            responses={**_NOT_FOUND, **_AUTH_RESPONSES})
def get_collection(collection_id: CollectionId, session: SessionDep, _: StaffDep) -> CollectionOut:
    """The collection as it stands now, with every correction made to it, oldest first."""
    return _outs(session, [service.get(session, collection_id)])[0]


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
    given = {f: getattr(body, f) for f in sorted(body.model_fields_set) if f != "reason"}
    row = service.correct(session, collection_id, given, body.reason, principal.user_id)
    return _outs(session, [row])[0]
