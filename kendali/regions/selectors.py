"""Reads of the regions room."""

from __future__ import annotations

from functools import lru_cache

from kendali.regions.choices import Level
from kendali.regions.models import Region


def regions(*, level: str | None = None, parent: str | None = None):
    queryset = Region.objects.all()
    if level:
        queryset = queryset.filter(level=level)
    if parent:
        queryset = queryset.filter(parent_id=parent)
    return queryset.order_by("kode")


def feature_collection(*, level: str | None = None, parent: str | None = None) -> dict:
    return _cached_collection(level or "", parent or "")


@lru_cache(maxsize=32)
def _cached_collection(level: str, parent: str) -> dict:
    # Boundaries change only when an operator reloads them; the cache is cleared then.
    features = [
        {
            "type": "Feature",
            "id": region.kode,
            "properties": {
                "kode": region.kode,
                "nama": region.nama,
                "level": region.level,
                "parent": region.parent_id,
                "centroid": [region.centroid_lon, region.centroid_lat],
                "area_km2": region.area_km2,
            },
            "geometry": region.geometry,
        }
        for region in regions(level=level or None, parent=parent or None)
    ]
    return {"type": "FeatureCollection", "features": features}


def clear_cache() -> None:
    _cached_collection.cache_clear()


def kelurahan_choices() -> list[tuple[str, str]]:
    """(kode, "Kelurahan — Kecamatan") for pickers."""
    names = dict(Region.objects.filter(level=Level.KECAMATAN).values_list("kode", "nama"))
    return [
        (r.kode, f"{r.nama} — {names.get(r.parent_id, '')}")
        for r in Region.objects.filter(level=Level.KELURAHAN).order_by("nama")
    ]
