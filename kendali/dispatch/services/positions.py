"""Positions reported by crew phones and vehicle trackers (the hot path of a moving fleet)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.errors import Invalid, NotFound
from kendali.core.events import publish
from kendali.core.geo import distance_m
from kendali.dispatch import scope
from kendali.dispatch.models import (
    Unit,
)

# Kota Serang and its surroundings; a crew phone reporting outside this box is wrong.
SERVICE_AREA = {"lat": (-6.45, -5.85), "lon": (105.85, 106.45)}
MAX_POSITION_BATCH = 500
MAX_SPEED_MS = 70.0  # 252 km/h: faster than any road vehicle → a GPS jump, rejected


def unit_report_positions(*, actor: Actor, unit: Unit, positions: list[dict]) -> dict:
    """Record a batch of positions from a crew phone or a vehicle tracker.

    Positions older than the last known one are ignored (a phone that was offline sends
    its backlog); impossible ones (outside the service area, or a jump faster than any
    vehicle) are rejected. Returns counts and the rejected entries with their reason.
    """
    scope.require_operate(actor, unit)
    if len(positions) > MAX_POSITION_BATCH:
        raise Invalid(_("Paling banyak %(n)s posisi per kiriman.") % {"n": MAX_POSITION_BATCH})
    now = timezone.now()
    parsed, rejected = [], []
    for i, raw in enumerate(positions):
        try:
            at = raw.get("at")
            if isinstance(at, str):
                at = parse_datetime(at)
            if at is None:
                at = now
            if not isinstance(at, datetime) or timezone.is_naive(at):
                raise ValueError("time")
            lat, lon = float(raw["lat"]), float(raw["lon"])
            accuracy = raw.get("accuracy")
            accuracy = float(accuracy) if accuracy is not None else None
        except (KeyError, TypeError, ValueError, AttributeError):
            rejected.append({"index": i, "reason": _("data posisi tidak sah")})
            continue
        if not (math.isfinite(lat) and math.isfinite(lon)):
            rejected.append({"index": i, "reason": _("koordinat bukan angka terhingga")})
            continue
        if accuracy is not None and not (math.isfinite(accuracy) and 0 <= accuracy <= 100_000):
            rejected.append({"index": i, "reason": _("akurasi harus 0–100.000 meter")})
            continue
        if not (SERVICE_AREA["lat"][0] <= lat <= SERVICE_AREA["lat"][1]) or not (
            SERVICE_AREA["lon"][0] <= lon <= SERVICE_AREA["lon"][1]
        ):
            rejected.append({"index": i, "reason": _("di luar wilayah layanan")})
            continue
        if at > now + timedelta(minutes=2):
            rejected.append({"index": i, "reason": _("waktu di masa depan")})
            continue
        parsed.append((at, lat, lon, accuracy, i))
    parsed.sort()
    if not parsed:
        return {"accepted": 0, "ignored": 0, "rejected": rejected}
    # The hot path of a moving fleet (every unit every few seconds): plain SQL for the three
    # statements, measured at several times the ORM's rate (bench/dispatch_moving.py). Each
    # position row names who reported it (the crew token or person), so the position
    # history is its own audit trail, like sensor readings; the move is published as an
    # event after commit. The recommendation index sees it through the row's trigger.
    ops = connection.ops
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    reporter = actor.label[:200]
    with transaction.atomic(), connection.cursor() as cursor:
        # Race: two batches of the same unit (phone retry + tracker). The row lock (SQLite:
        # the database write lock) makes "older than the last known position" judged
        # against the latest committed one.
        cursor.execute(
            "SELECT position_at, lat, lon, callsign, agency_id, kind, status, "  # noqa: S608
            f"current_assignment_id, home_lat, home_lon FROM dispatch_unit WHERE id = %s{lock}",
            [unit.pk],
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFound(_("Unit tidak ditemukan."))
        last_at = row[0]
        if isinstance(last_at, str):  # SQLite returns text for raw queries
            last_at = parse_datetime(last_at)
        if last_at is not None and timezone.is_naive(last_at):
            last_at = timezone.make_aware(last_at, UTC)
        last_lat, last_lon = row[1], row[2]
        accepted, ignored = [], 0
        for at, lat, lon, accuracy, i in parsed:
            if last_at is not None and at <= last_at:
                ignored += 1
                continue
            if last_at is not None and last_lat is not None:
                seconds = max((at - last_at).total_seconds(), 1.0)
                if distance_m(last_lat, last_lon, lat, lon) / seconds > MAX_SPEED_MS:
                    rejected.append({"index": i, "reason": _("lompatan posisi tidak mungkin")})
                    continue
            accepted.append(
                (unit.pk, ops.adapt_datetimefield_value(at), lat, lon, accuracy, reporter)
            )
            last_at, last_lat, last_lon = at, lat, lon
        if accepted:
            cursor.executemany(
                "INSERT INTO dispatch_unitposition (unit_id, at, lat, lon, accuracy_m, "
                "reported_by) VALUES (%s, %s, %s, %s, %s, %s)",
                accepted,
            )
            cursor.execute(
                "UPDATE dispatch_unit SET lat = %s, lon = %s, position_at = %s, updated_at = %s "
                "WHERE id = %s",
                [
                    last_lat,
                    last_lon,
                    ops.adapt_datetimefield_value(last_at),
                    ops.adapt_datetimefield_value(now),
                    unit.pk,
                ],
            )
            unit.lat, unit.lon, unit.position_at = last_lat, last_lon, last_at
            publish(
                "dispatch.unit.moved",
                {
                    "id": unit.pk,
                    "callsign": row[3],
                    "agency_id": row[4],
                    "kind": row[5],
                    "status": row[6],
                    "lat": last_lat,
                    "lon": last_lon,
                    "assignment_id": row[7],
                },
                agency_ids=[row[4]],
            )
    return {"accepted": len(accepted), "ignored": ignored, "rejected": rejected}
