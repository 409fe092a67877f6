"""Travel-time estimates behind a small interface, and the unit index used to rank units.

``TravelTimeEstimator.estimate`` takes arrays of origins (units) and one destination
and returns seconds. The default is great-circle (haversine) distance × a road factor
÷ a planning speed per unit kind. A road-network router (OSRM, Valhalla, a local
graph) can be plugged in with ``KENDALI_TRAVEL_ESTIMATOR = "dotted.path.Class"``.

Ranking 2,000 units must take a few milliseconds, so units are kept in an in-process
:class:`UnitIndex` (numpy arrays), rebuilt only when the units table changed (one
aggregate query on an indexed column checks that).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from django.utils.module_loading import import_string

from kendali.core.notifiers.base import setting
from kendali.dispatch.choices import ASSIGNABLE_STATUSES, KIND_SPEED_KMH, UnitKind

EARTH_RADIUS_M = 6_371_000.0
ROAD_FACTOR = 1.4  # typical urban detour of the road network over the straight line
KINDS = list(UnitKind.values)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
SPEED_MS = np.array([KIND_SPEED_KMH[UnitKind(k)] / 3.6 for k in KINDS])


class TravelTimeEstimator(Protocol):
    def estimate(
        self, *, lat: np.ndarray, lon: np.ndarray, kind: np.ndarray, to_lat: float, to_lon: float
    ) -> np.ndarray:
        """Seconds from each origin (``kind`` holds KIND_CODE values) to the destination."""


def haversine_m(lat1, lon1, lat2, lon2):
    """Metres between points (numpy arrays or floats)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def haversine_m_scalar(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


class HaversineEstimator:
    def __init__(self, road_factor: float = ROAD_FACTOR):
        self.road_factor = road_factor

    def estimate(self, *, lat, lon, kind, to_lat, to_lon):
        distance = haversine_m(lat, lon, to_lat, to_lon) * self.road_factor
        return distance / SPEED_MS[kind]


def get_estimator() -> TravelTimeEstimator:
    dotted = setting("KENDALI_TRAVEL_ESTIMATOR", "")
    return import_string(dotted)() if dotted else HaversineEstimator()


@dataclass
class Candidate:
    unit_id: int
    callsign: str
    agency_id: int
    kind: str
    status: str
    lat: float
    lon: float
    distance_m: float
    eta_s: float


class UnitIndex:
    """Columns of every active unit: ids, kinds, statuses, agencies and current points."""

    def __init__(self, rows: list[tuple]):
        # rows: (id, callsign, agency_id, kind, status, lat, lon, home_lat, home_lon)
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.callsigns = [r[1] for r in rows]
        self.agency = np.array([r[2] for r in rows], dtype=np.int64)
        self.kinds = [r[3] for r in rows]
        self.kind = np.array(
            [KIND_CODE.get(r[3], KIND_CODE["lainnya"]) for r in rows], dtype=np.int64
        )
        self.statuses = [r[4] for r in rows]
        assignable = set(ASSIGNABLE_STATUSES)
        self.available = np.array([r[4] in assignable for r in rows], dtype=bool)
        self.lat = np.array([r[5] if r[5] is not None else r[7] for r in rows], dtype=float)
        self.lon = np.array([r[6] if r[6] is not None else r[8] for r in rows], dtype=float)

    def rank(
        self,
        *,
        to_lat: float,
        to_lon: float,
        kinds: list[str] | None = None,
        agency_ids: list[int] | None = None,
        limit: int = 10,
        estimator: TravelTimeEstimator | None = None,
    ) -> list[Candidate]:
        if len(self.ids) == 0:
            return []
        mask = self.available.copy()
        if kinds:
            mask &= np.isin(self.kind, [KIND_CODE[k] for k in kinds if k in KIND_CODE])
        if agency_ids:
            mask &= np.isin(self.agency, agency_ids)
        idx = np.nonzero(mask)[0]
        if len(idx) == 0:
            return []
        estimator = estimator or get_estimator()
        eta = estimator.estimate(
            lat=self.lat[idx], lon=self.lon[idx], kind=self.kind[idx], to_lat=to_lat, to_lon=to_lon
        )
        k = min(limit, len(idx))
        best = np.argpartition(eta, k - 1)[:k] if k < len(idx) else np.arange(len(idx))
        best = best[np.argsort(eta[best], kind="stable")]
        dist = haversine_m(self.lat[idx[best]], self.lon[idx[best]], to_lat, to_lon)
        out = []
        for j, b in enumerate(best):
            i = idx[b]
            out.append(
                Candidate(
                    unit_id=int(self.ids[i]),
                    callsign=self.callsigns[i],
                    agency_id=int(self.agency[i]),
                    kind=self.kinds[i],
                    status=self.statuses[i],
                    lat=float(self.lat[i]),
                    lon=float(self.lon[i]),
                    distance_m=float(dist[j]),
                    eta_s=float(eta[b]),
                )
            )
        return out


_cache: dict = {"key": None, "index": None}
_lock = threading.Lock()


def unit_index() -> UnitIndex:
    """The current index; rebuilt when a unit was added, removed or changed.

    The key does not trust clocks alone: two changes in the same instant (or from hosts
    whose clocks disagree) leave ``Max(updated_at)`` unchanged, so the key also carries the
    sum of the available units' ids, which moves whenever a unit becomes busy or free."""
    from django.db.models import Count, Max, Q, Sum

    from kendali.dispatch.models import Unit

    stamp = Unit.objects.filter(is_active=True).aggregate(
        n=Count("id"),
        m=Max("updated_at"),
        free=Sum("id", filter=Q(status__in=ASSIGNABLE_STATUSES)),
    )
    key = (stamp["n"], stamp["m"], stamp["free"])
    with _lock:
        if _cache["key"] == key and _cache["index"] is not None:
            return _cache["index"]
    rows = list(
        Unit.objects.filter(is_active=True)
        .order_by("id")
        .values_list(
            "id", "callsign", "agency_id", "kind", "status", "lat", "lon", "home_lat", "home_lon"
        )
    )
    index = UnitIndex(rows)
    with _lock:
        _cache.update(key=key, index=index)
    return index


def naive_rank(units, *, to_lat, to_lon, kinds=None, limit=10) -> list[tuple[float, int]]:
    """The baseline: every unit object, one Python haversine each, full sort."""
    speed = {k: KIND_SPEED_KMH[UnitKind(k)] / 3.6 for k in KINDS}
    scored = []
    for unit in units:
        if unit.status not in ASSIGNABLE_STATUSES or (kinds and unit.kind not in kinds):
            continue
        d = haversine_m_scalar(unit.cur_lat, unit.cur_lon, to_lat, to_lon) * ROAD_FACTOR
        scored.append((d / speed[unit.kind], unit.pk))
    scored.sort()
    return scored[:limit]
