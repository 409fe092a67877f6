"""``locate(lat, lon)``: which kelurahan and kecamatan of Kota Serang a point lies in.

The boundaries come from the bundled GeoJSON (no database round trip). An STRtree
over the kelurahan polygons narrows each lookup to the few whose bounding boxes
contain the point; prepared geometries make the final point-in-polygon test cheap.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

DATA_FILE = Path(__file__).resolve().parent / "data" / "kota-serang-wilayah.geojson"
# Points this close (degrees, ~50 m) to a kelurahan are attributed to it when they
# fall in a sliver between simplified polygons inside the city boundary.
SLIVER_TOLERANCE_DEG = 0.0005


class InvalidCoordinate(ValueError):
    pass


@dataclass(frozen=True)
class Location:
    inside: bool
    kelurahan_kode: str | None = None
    kelurahan: str | None = None
    kecamatan_kode: str | None = None
    kecamatan: str | None = None
    approximate: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


OUTSIDE = Location(inside=False)


@dataclass(frozen=True)
class _Index:
    tree: STRtree
    kelurahan: list  # [(kode, nama, prepared geometry)]
    kecamatan_names: dict
    city: object


def load_features() -> list[dict]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["features"]


@lru_cache(maxsize=1)
def _index() -> _Index:
    features = load_features()
    kelurahan = []
    kecamatan_names = {}
    city = None
    for feature in features:
        props = feature["properties"]
        geom = shape(feature["geometry"])
        if props["level"] == "kelurahan":
            shapely.prepare(geom)
            kelurahan.append((props["kode"], props["nama"], geom))
        elif props["level"] == "kecamatan":
            kecamatan_names[props["kode"]] = props["nama"]
        elif props["level"] == "kota":
            shapely.prepare(geom)
            city = geom
    tree = STRtree([geom for _kode, _nama, geom in kelurahan])
    return _Index(tree=tree, kelurahan=kelurahan, kecamatan_names=kecamatan_names, city=city)


def validate(lat: float, lon: float) -> tuple[float, float]:
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise InvalidCoordinate(_("Koordinat harus berupa angka."))
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise InvalidCoordinate(_("Koordinat harus berupa angka terhingga."))
    if not -90 <= lat_f <= 90:
        raise InvalidCoordinate(_("Lintang harus di antara -90 dan 90."))
    if not -180 <= lon_f <= 180:
        raise InvalidCoordinate(_("Bujur harus di antara -180 dan 180."))
    return lat_f, lon_f


def _found(index: _Index, i: int, approximate: bool = False) -> Location:
    kode, nama, _geom = index.kelurahan[i]
    kecamatan_kode = kode.rsplit(".", 1)[0]
    return Location(
        True, kode, nama, kecamatan_kode, index.kecamatan_names.get(kecamatan_kode), approximate
    )


def locate(lat: float, lon: float) -> Location:
    """Kelurahan and kecamatan for a WGS84 point; ``inside=False`` outside Kota Serang."""
    lat, lon = validate(lat, lon)
    index = _index()
    point = Point(lon, lat)
    for i in index.tree.query(point, predicate="intersects"):
        return _found(index, int(i))
    if index.city is not None and index.city.intersects(point):
        nearest = index.tree.query_nearest(point, max_distance=SLIVER_TOLERANCE_DEG * 4)
        if len(nearest):
            return _found(index, int(nearest[0]), approximate=True)
    return OUTSIDE


def locate_brute_force(lat: float, lon: float) -> Location:
    """Reference implementation (no index): scan every kelurahan polygon. Used in tests and bench."""
    lat, lon = validate(lat, lon)
    index = _index()
    point = Point(lon, lat)
    for i, (_kode, _nama, geom) in enumerate(index.kelurahan):
        if geom.intersects(point):
            return _found(index, i)
    return OUTSIDE


def bounding_box() -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of the city."""
    return tuple(_index().city.bounds)
