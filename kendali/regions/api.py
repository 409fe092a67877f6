"""Regions API: boundaries as GeoJSON and point location."""

from __future__ import annotations

from django.http import JsonResponse
from ninja import Query, Router, Schema

from kendali.core.edge import Latitude, Longitude
from kendali.core.errors import Invalid
from kendali.core.openapi import GEOJSON
from kendali.regions import selectors
from kendali.regions.choices import Level
from kendali.regions.locate import InvalidCoordinate, locate

# Boundaries are public data and locate reveals nothing: both are open, so citizen
# pages (public warnings, the Wi-Fi portal) can use them without an account.
router = Router(tags=["wilayah"], auth=None)


class RegionFilter(Schema):
    level: Level | None = None
    parent: str | None = None


@router.get(
    "/", summary="Batas wilayah (GeoJSON FeatureCollection)", response=dict, openapi_extra=GEOJSON
)
def region_list(request, filters: Query[RegionFilter]):
    collection = selectors.feature_collection(
        level=filters.level.value if filters.level else None, parent=filters.parent
    )
    return JsonResponse(collection, content_type="application/geo+json")


class LocateQuery(Schema):
    lat: Latitude
    lon: Longitude


class LocateOut(Schema):
    inside: bool
    kelurahan_kode: str | None
    kelurahan: str | None
    kecamatan_kode: str | None
    kecamatan: str | None
    approximate: bool
    lat: float
    lon: float


@router.get("/locate", response=LocateOut, summary="Kelurahan dan kecamatan untuk satu titik")
def region_locate(request, query: Query[LocateQuery]):
    try:
        found = locate(query.lat, query.lon)
    except InvalidCoordinate as exc:
        raise Invalid(str(exc), errors=[{"field": "lat/lon", "message": str(exc)}])
    return {**found.as_dict(), "lat": query.lat, "lon": query.lon}
