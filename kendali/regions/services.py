"""Writes of the regions room: loading the bundled boundaries."""

from __future__ import annotations

from django.db import transaction
from shapely.geometry import shape

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.regions.locate import load_features
from kendali.regions.models import Region

# Degrees² → km² at Serang's latitude (about -6.1°): 111.32 km × 110.57 km × cos(lat).
_KM2_PER_DEG2 = 111.32 * 110.57 * 0.99434


@transaction.atomic
def regions_load(*, actor: Actor) -> dict[str, int]:
    """Create or update the kota, kecamatan and kelurahan from the bundled GeoJSON. Idempotent."""
    features = sorted(load_features(), key=lambda f: len(f["properties"]["kode"]))
    counts: dict[str, int] = {}
    created = 0
    for feature in features:
        props = feature["properties"]
        kode = props["kode"]
        parent_kode = kode.rsplit(".", 1)[0] if "." in kode and props["level"] != "kota" else None
        lon, lat = props["centroid"]
        _, was_created = Region.objects.update_or_create(
            kode=kode,
            defaults={
                "nama": props["nama"],
                "level": props["level"],
                "parent_id": parent_kode,
                "geometry": feature["geometry"],
                "centroid_lat": lat,
                "centroid_lon": lon,
                "area_km2": round(shape(feature["geometry"]).area * _KM2_PER_DEG2, 2),
            },
        )
        created += was_created
        counts[props["level"]] = counts.get(props["level"], 0) + 1
    audit_record(
        actor=actor,
        action="regions.load",
        object_type="regions.region",
        changes={"counts": [None, counts]},
        note=f"{created} baru",
    )
    return counts
