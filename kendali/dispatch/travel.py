"""Travel-time estimates behind a small interface, and the unit index used to rank units.

``TravelTimeEstimator.estimate`` takes arrays of origins (units) and one destination
and returns seconds. The default is great-circle (haversine) distance × a road factor
÷ a planning speed per unit kind. A road-network router (OSRM, Valhalla, a local
graph) can be plugged in with ``KENDALI_TRAVEL_ESTIMATOR = "dotted.path.Class"``.

Ranking 2,000 units must take a few milliseconds while every unit reports its position
every few seconds, so units are kept in an in-process :class:`UnitIndex` (numpy arrays)
that is updated incrementally: each call asks the database which unit rows changed since
the index last looked (see "keeping the index current" below) and applies just those.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from django.db import connections
from django.utils.module_loading import import_string

from kendali.core.geo import EARTH_RADIUS_M, distance_m
from kendali.core.notifiers.base import setting
from kendali.dispatch.choices import ASSIGNABLE_STATUSES, KIND_SPEED_KMH, UnitKind
from kendali.dispatch.models import Unit

ROAD_FACTOR = 1.4  # typical urban detour of the road network over the straight line
KINDS = list(UnitKind.values)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
_ASSIGNABLE = frozenset(ASSIGNABLE_STATUSES)
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
        # rows: (id, callsign, agency_id, kind, status, lat, lon, home_lat, home_lon[, active])
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.callsigns = [r[1] for r in rows]
        self.agency = np.array([r[2] for r in rows], dtype=np.int64)
        self.kinds = [r[3] for r in rows]
        self.kind = np.array(
            [KIND_CODE.get(r[3], KIND_CODE["lainnya"]) for r in rows], dtype=np.int64
        )
        self.statuses = [r[4] for r in rows]
        self.available = np.array([r[4] in _ASSIGNABLE for r in rows], dtype=bool)
        self.lat = np.array([r[5] if r[5] is not None else r[7] for r in rows], dtype=float)
        self.lon = np.array([r[6] if r[6] is not None else r[8] for r in rows], dtype=float)
        self._slot = {int(pk): i for i, pk in enumerate(self.ids)}

    def updated(self, rows: list[tuple]) -> UnitIndex:
        """A new index with these rows applied: a known unit's entry is overwritten in place,
        a new active unit is appended, an inactive one dropped. ``self`` is left as it was
        (another thread may be ranking with it)."""
        new = copy.copy(self)
        for name in ("lat", "lon", "agency", "kind", "available"):
            setattr(new, name, getattr(self, name).copy())
        new.callsigns, new.kinds, new.statuses = (
            list(self.callsigns),
            list(self.kinds),
            list(self.statuses),
        )
        appended, dropped = [], []
        for row in rows:
            i = self._slot.get(int(row[0]))
            active = bool(row[9]) if len(row) > 9 else True
            if i is None:
                if active:
                    appended.append(row)
                continue
            if not active:
                dropped.append(i)
                continue
            new.callsigns[i], new.kinds[i], new.statuses[i] = row[1], row[3], row[4]
            new.agency[i] = row[2]
            new.kind[i] = KIND_CODE.get(row[3], KIND_CODE["lainnya"])
            new.available[i] = row[4] in _ASSIGNABLE
            new.lat[i] = row[5] if row[5] is not None else row[7]
            new.lon[i] = row[6] if row[6] is not None else row[8]
        if appended or dropped:
            # Rare (a unit created, retired or reactivated): rebuild the columns in id order.
            gone = set(dropped)
            keep = [i for i in range(len(new.ids)) if i not in gone]
            merged = [new._row(i) for i in keep] + [tuple(r[:9]) for r in appended]
            merged.sort(key=lambda r: r[0])
            return UnitIndex(merged)
        return new

    def _row(self, i: int) -> tuple:
        lat, lon = float(self.lat[i]), float(self.lon[i])
        return (
            int(self.ids[i]),
            self.callsigns[i],
            int(self.agency[i]),
            self.kinds[i],
            self.statuses[i],
            lat,
            lon,
            lat,
            lon,
        )

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


# ---------------------------------------------------------------- keeping the index current
#
# Every insert or change of a unit row stamps ``Unit.index_version`` in the database itself
# (triggers, so no writer — service, admin, bulk load, migration — can forget it):
#
# - SQLite: one writer at a time holds the database lock until commit, so a counter in
#   ``dispatch_unit_clock`` gives versions in commit order; the index asks for the rows with
#   a version above the last one it applied.
# - PostgreSQL: writers run in parallel and a counter row would serialise (and could
#   deadlock) them, so each row is stamped with its transaction id; the index remembers the
#   snapshot it last read and asks for the rows whose transaction that snapshot did not see.
#
# Deletes (rare: units with history are retired, not deleted) bump a counter in the clock
# row and the next call rebuilds. The clock row carries a random epoch, so a database that
# was re-created under the same name is never mistaken for the one the index was built from.

SQLITE_INSTALL = [
    "CREATE TABLE IF NOT EXISTS dispatch_unit_clock (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "version INTEGER NOT NULL, deletes INTEGER NOT NULL, epoch TEXT NOT NULL)",
    "INSERT OR IGNORE INTO dispatch_unit_clock (id, version, deletes, epoch) "
    "VALUES (1, (SELECT COALESCE(MAX(index_version), 0) FROM dispatch_unit), 0, "
    "lower(hex(randomblob(8))))",
    "CREATE TRIGGER IF NOT EXISTS dispatch_unit_index_insert AFTER INSERT ON dispatch_unit "
    "BEGIN UPDATE dispatch_unit_clock SET version = version + 1 WHERE id = 1; "
    "UPDATE dispatch_unit SET index_version = (SELECT version FROM dispatch_unit_clock "
    "WHERE id = 1) WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS dispatch_unit_index_update AFTER UPDATE OF callsign, "
    "agency_id, kind, status, lat, lon, home_lat, home_lon, is_active ON dispatch_unit "
    "BEGIN UPDATE dispatch_unit_clock SET version = version + 1 WHERE id = 1; "
    "UPDATE dispatch_unit SET index_version = (SELECT version FROM dispatch_unit_clock "
    "WHERE id = 1) WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS dispatch_unit_index_delete AFTER DELETE ON dispatch_unit "
    "BEGIN UPDATE dispatch_unit_clock SET deletes = deletes + 1 WHERE id = 1; END",
]
POSTGRES_INSTALL = [
    "CREATE TABLE IF NOT EXISTS dispatch_unit_clock (id integer PRIMARY KEY CHECK (id = 1), "
    "deletes bigint NOT NULL, epoch text NOT NULL)",
    "INSERT INTO dispatch_unit_clock (id, deletes, epoch) VALUES (1, 0, md5(random()::text)) "
    "ON CONFLICT (id) DO NOTHING",
    """CREATE OR REPLACE FUNCTION dispatch_unit_index_stamp() RETURNS trigger AS $$
    BEGIN NEW.index_version := pg_current_xact_id()::text::bigint; RETURN NEW; END;
    $$ LANGUAGE plpgsql""",
    "CREATE OR REPLACE TRIGGER dispatch_unit_index_stamp BEFORE INSERT OR UPDATE ON "
    "dispatch_unit FOR EACH ROW EXECUTE FUNCTION dispatch_unit_index_stamp()",
    """CREATE OR REPLACE FUNCTION dispatch_unit_index_forget() RETURNS trigger AS $$
    BEGIN UPDATE dispatch_unit_clock SET deletes = deletes + 1 WHERE id = 1; RETURN NULL; END;
    $$ LANGUAGE plpgsql""",
    "CREATE OR REPLACE TRIGGER dispatch_unit_index_delete AFTER DELETE ON dispatch_unit "
    "FOR EACH STATEMENT EXECUTE FUNCTION dispatch_unit_index_forget()",
    "CREATE OR REPLACE TRIGGER dispatch_unit_index_truncate AFTER TRUNCATE ON dispatch_unit "
    "FOR EACH STATEMENT EXECUTE FUNCTION dispatch_unit_index_forget()",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS dispatch_unit_index_insert",
    "DROP TRIGGER IF EXISTS dispatch_unit_index_update",
    "DROP TRIGGER IF EXISTS dispatch_unit_index_delete",
    "DROP TABLE IF EXISTS dispatch_unit_clock",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS dispatch_unit_index_stamp ON dispatch_unit",
    "DROP TRIGGER IF EXISTS dispatch_unit_index_delete ON dispatch_unit",
    "DROP TRIGGER IF EXISTS dispatch_unit_index_truncate ON dispatch_unit",
    "DROP FUNCTION IF EXISTS dispatch_unit_index_stamp()",
    "DROP FUNCTION IF EXISTS dispatch_unit_index_forget()",
    "DROP TABLE IF EXISTS dispatch_unit_clock",
]
_TRIGGERS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
    "postgresql": (POSTGRES_INSTALL, POSTGRES_REMOVE),
}
COLUMNS = (
    "id",
    "callsign",
    "agency_id",
    "kind",
    "status",
    "lat",
    "lon",
    "home_lat",
    "home_lon",
    "is_active",
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM dispatch_unit"  # noqa: S608 (constant columns)


def install_index_triggers(connection) -> None:
    """Idempotent; run by the migration and after every ``migrate`` (on SQLite a later
    migration that rebuilds the unit table drops its triggers)."""
    with connection.cursor() as cursor:
        for statement in _TRIGGERS.get(connection.vendor, ([], []))[0]:
            cursor.execute(statement)


def remove_index_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _TRIGGERS.get(connection.vendor, ([], []))[1]:
            cursor.execute(statement)


@dataclass
class _Cached:
    index: UnitIndex
    epoch: str
    deletes: int
    mark: object  # SQLite: the last version applied; PostgreSQL: the snapshot last read


_cache: dict[tuple, _Cached] = {}
_lock = threading.Lock()


_CLOCK = {
    "sqlite": "SELECT epoch, deletes, version FROM dispatch_unit_clock WHERE id = 1",
    "postgresql": "SELECT epoch, deletes, pg_current_snapshot()::text FROM dispatch_unit_clock "
    "WHERE id = 1",
}
# The clock and the rows changed since ``mark`` in one statement (one snapshot): a
# single query per call, returning the clock alone when nothing changed.
_UNIT_COLUMNS = ", ".join(f"u.{c}" for c in COLUMNS)
_CHANGED = {
    "sqlite": f"SELECT c.epoch, c.deletes, c.version, {_UNIT_COLUMNS} "  # noqa: S608
    "FROM dispatch_unit_clock c LEFT JOIN dispatch_unit u ON u.index_version > %s "
    "WHERE c.id = 1",
    "postgresql": f"SELECT c.epoch, c.deletes, pg_current_snapshot()::text, "  # noqa: S608
    f"{_UNIT_COLUMNS} FROM dispatch_unit_clock c LEFT JOIN dispatch_unit u "
    "ON u.index_version >= pg_snapshot_xmin(%s::pg_snapshot)::text::bigint "
    "AND NOT pg_visible_in_snapshot(u.index_version::text::xid8, %s::pg_snapshot) "
    "WHERE c.id = 1",
}


def _query(cursor, sql: str, params: list) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def unit_index() -> UnitIndex:
    """The index of active units as the database holds them now.

    One small query when nothing changed; with it the changed rows only when something did
    (a moved unit updates its own entry; a unit that became busy, free, inactive or new is
    updated, added or dropped); a full read when a unit was deleted or on first use. Inside
    a transaction the result is not kept for others: it may show this transaction's own
    uncommitted writes, which a rollback would take back."""
    alias = Unit.objects.db
    connection = connections[alias]
    vendor = connection.vendor
    key = (alias, str(connection.settings_dict.get("NAME")))
    with _lock:
        cached = _cache.get(key)
    clock = None
    index = None
    with connection.cursor() as cursor:
        if cached is not None and vendor in _CHANGED:
            params = [cached.mark] if vendor == "sqlite" else [cached.mark, cached.mark]
            rows = _query(cursor, _CHANGED[vendor], params)
            if rows:
                clock = rows[0][:3]
                if (clock[0], clock[1]) == (cached.epoch, cached.deletes):
                    changed = [r[3:] for r in rows if r[3] is not None]
                    index = cached.index.updated(changed) if changed else cached.index
        if index is None:
            if vendor in _CLOCK:
                found = _query(cursor, _CLOCK[vendor], [])
                clock = found[0] if found else None
            cursor.execute(f"{_SELECT} WHERE is_active ORDER BY id")
            index = UnitIndex(cursor.fetchall())
    if clock is not None and not connection.in_atomic_block:
        with _lock:
            _cache[key] = _Cached(index=index, epoch=clock[0], deletes=int(clock[1]), mark=clock[2])
    return index


def naive_rank(units, *, to_lat, to_lon, kinds=None, limit=10) -> list[tuple[float, int]]:
    """The baseline: every unit object, one Python haversine each, full sort."""
    speed = {k: KIND_SPEED_KMH[UnitKind(k)] / 3.6 for k in KINDS}
    scored = []
    for unit in units:
        if unit.status not in ASSIGNABLE_STATUSES or (kinds and unit.kind not in kinds):
            continue
        d = distance_m(unit.cur_lat, unit.cur_lon, to_lat, to_lon) * ROAD_FACTOR
        scored.append((d / speed[unit.kind], unit.pk))
    scored.sort()
    return scored[:limit]
