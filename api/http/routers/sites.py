"""``/sites``: the scenario's sites, as JSON pages or as GeoJSON (any signed-in role)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from api.http.auth import PrincipalDep
from api.http.deps import SessionDep
from api.http.responses import GeoJSONResponse
from api.http.schemas.common import Page
from api.services.errors import InvalidField, NotFound
from api.store.tables import SiteRow
from scenarios.network import SiteKind

router = APIRouter(prefix="/sites", tags=["sites"])

KINDS = tuple(kind.value for kind in SiteKind)


class SiteOut(BaseModel):
    site_id: str
    kind: str
    name_ja: str
    name_en: str
    address_ja: str
    lat: float
    lon: float
    source: str
    accuracy_m: int | None


def _site_out(row: SiteRow) -> SiteOut:
    return SiteOut(site_id=row.site_id, kind=row.kind, name_ja=row.name_ja,
                   name_en=row.name_en, address_ja=row.address_ja, lat=row.lat, lon=row.lon,
                   source=row.source, accuracy_m=row.accuracy_m)


@router.get("", response_model=Page[SiteOut], summary="List sites")
def list_sites(session: SessionDep, _: PrincipalDep,
               kind: str | None = Query(default=None, description=f"one of {', '.join(KINDS)}"),
               offset: int = Query(default=0, ge=0), limit: int = Query(default=100, ge=1,
                                                                         le=1000)
               ) -> Page[SiteOut]:
    """Sites of the scenario, ordered by id; filter by ``kind``."""
    if kind is not None and kind not in KINDS:
        raise InvalidField("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    query = select(SiteRow)
    if kind is not None:
        query = query.where(SiteRow.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(SiteRow.site_id).offset(offset).limit(limit)).all()
    return Page[SiteOut](items=[_site_out(r) for r in rows], total=total, offset=offset,
                         limit=limit)


@router.get(".geojson", summary="Sites as GeoJSON (RFC 7946)",
            response_class=GeoJSONResponse)
def sites_geojson(session: SessionDep, _: PrincipalDep) -> dict[str, Any]:
    """Every site as a Point feature (``[lon, lat]``) with its properties."""
    rows = session.scalars(select(SiteRow).order_by(SiteRow.site_id)).all()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r.site_id,
         "geometry": {"type": "Point", "coordinates": [round(r.lon, 6), round(r.lat, 6)]},
         "properties": _site_out(r).model_dump(exclude={"lat", "lon"})}
        for r in rows]}


@router.get("/{site_id}", response_model=SiteOut, summary="One site",
            responses={404: {"description": "no such site"}})
def get_site(site_id: str, session: SessionDep, _: PrincipalDep) -> SiteOut:
    row = session.get(SiteRow, site_id)
    if row is None:
        raise NotFound(f"no site {site_id!r}")
    return _site_out(row)
