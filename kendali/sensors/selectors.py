"""Reads of the sensors module, scoped to what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from kendali.core.actors import Actor
from kendali.core.errors import NotAllowed, NotFound
from kendali.core.scope import scope_queryset
from kendali.sensors import conf
from kendali.sensors.choices import AlarmStatus, DeviceStatus, Level
from kendali.sensors.models import (
    Alarm,
    Device,
    Reading,
    RollupHour,
    RollupMinute,
    Rule,
    Variable,
)

# Range length -> resolution: raw points up to 6 hours, 1-minute rollups up to 7 days,
# 1-hour rollups beyond (a chart never gets more than a few thousand points).
RAW_MAX = timedelta(hours=6)
MINUTE_MAX = timedelta(days=7)

LEVEL_COLORS = {
    Level.NORMAL: "#2e7d32",
    Level.WASPADA: "#f9a825",
    Level.SIAGA: "#ef6c00",
    Level.AWAS: "#c62828",
}


def devices_visible(*, actor: Actor) -> QuerySet:
    if not actor.has_perm("sensors.view_device"):
        raise NotAllowed("")
    return scope_queryset(
        Device.objects.select_related("agency", "kelurahan", "kecamatan"), actor, "agency"
    )


def device_for(*, actor: Actor, code: str) -> Device:
    device = devices_visible(actor=actor).filter(code=code).first()
    if device is None:
        raise NotFound("Perangkat tidak ditemukan.")
    return device


def alarms_visible(*, actor: Actor) -> QuerySet:
    if not actor.has_perm("sensors.view_alarm"):
        raise NotAllowed("")
    return scope_queryset(
        Alarm.objects.select_related("device", "device__kelurahan", "rule", "assigned_to"),
        actor,
        "device__agency",
    )


def alarm_for(*, actor: Actor, alarm_id: int) -> Alarm:
    alarm = alarms_visible(actor=actor).filter(pk=alarm_id).first()
    if alarm is None:
        raise NotFound("Alarm tidak ditemukan.")
    return alarm


def rules_visible(*, actor: Actor) -> QuerySet:
    if not actor.has_perm("sensors.view_rule"):
        raise NotAllowed("")
    return scope_queryset(Rule.objects.select_related("device"), actor, "device__agency")


@dataclass(frozen=True)
class Point:
    at: datetime
    mean: float
    minimum: float
    maximum: float
    count: int


def resolution_for(start: datetime, end: datetime, *, now: datetime | None = None) -> str:
    span = end - start
    # Raw rows older than the retention are purged (the rollups stay): a range that starts
    # before the raw window is served from the 1-minute rollups, however short.
    raw_since = (now or timezone.now()) - timedelta(days=conf.RAW_RETENTION_DAYS)
    if span <= RAW_MAX and start >= raw_since:
        return "raw"
    if span <= MINUTE_MAX:
        return "1m"
    return "1h"


def history(
    *, variable: Variable, start: datetime, end: datetime, resolution: str | None = None
) -> tuple[str, list[Point]]:
    """Points of one variable in [start, end): the resolution follows the range length (and
    the raw retention: see :func:`resolution_for`) unless given."""
    resolution = resolution or resolution_for(start, end)
    if resolution == "raw":
        rows = (
            Reading.objects.filter(variable=variable, time__gte=start, time__lt=end)
            .order_by("time")
            .values_list("time", "value")
        )
        return resolution, [Point(t, v, v, v, 1) for t, v in rows]
    model = RollupMinute if resolution == "1m" else RollupHour
    rows = (
        model.objects.filter(variable=variable, bucket__gte=start, bucket__lt=end)
        .order_by("bucket")
        .values_list("bucket", "count", "total", "minimum", "maximum")
    )
    return resolution, [Point(b, s / c, lo, hi, c) for b, c, s, lo, hi in rows]


def history_from_raw(*, variable: Variable, start: datetime, end: datetime) -> list[Point]:
    """The same 1-minute series computed from raw rows (the baseline the rollups beat)."""
    buckets: dict[int, list] = {}
    for t, v in (
        Reading.objects.filter(variable=variable, time__gte=start, time__lt=end)
        .order_by("time")
        .values_list("time", "value")
    ):
        key = int(t.timestamp() // 60) * 60
        agg = buckets.setdefault(key, [0, 0.0, v, v, t.replace(second=0, microsecond=0)])
        agg[0] += 1
        agg[1] += v
        agg[2] = min(agg[2], v)
        agg[3] = max(agg[3], v)
    return [Point(a[4], a[1] / a[0], a[2], a[3], a[0]) for a in buckets.values()]


def alarm_warning_url(alarm: Alarm) -> str:
    """Link to the public-warning draft form of the alerts module, pre-filled."""
    device = alarm.device
    params = {
        "event": "Banjir" if device.kind == "water_level" else "Peringatan sensor",
        "category": "Met",
        "kelurahan": device.kelurahan_id or "",
        "description": f"{alarm.message}. {device.name}.",
        "source": f"sensors.alarm:{alarm.pk}",
    }
    return "/peringatan/baru/?" + urlencode(params)


# --- control room ----------------------------------------------------------------------------


def devices_layer(*, actor: Actor) -> dict:
    colors = {
        DeviceStatus.ONLINE: "#2e7d32",
        DeviceStatus.OFFLINE: "#757575",
        DeviceStatus.UNKNOWN: "#90a4ae",
    }
    open_levels = dict(
        alarms_visible(actor=actor)
        .exclude(status=AlarmStatus.CLEARED)
        .values_list("device_id", "level")
    )
    features = []
    for device in devices_visible(actor=actor).filter(
        is_active=True, lat__isnull=False, lon__isnull=False
    ):
        level = open_levels.get(device.pk)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [device.lon, device.lat]},
                "properties": {
                    "id": device.pk,
                    "label": device.name,
                    "color": LEVEL_COLORS.get(level) if level else colors[device.status],
                    "popup": f"{device.name} — {device.get_status_display()}",
                    "url": reverse("sensors:device", args=[device.code]),
                    "status": device.status,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def alarms_layer(*, actor: Actor) -> dict:
    features = []
    for alarm in alarms_visible(actor=actor).exclude(status=AlarmStatus.CLEARED):
        device = alarm.device
        if device.lat is None or device.lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [device.lon, device.lat]},
                "properties": {
                    "id": alarm.pk,
                    "label": alarm.message,
                    "color": LEVEL_COLORS.get(alarm.level, "#c62828"),
                    "popup": f"{alarm.message} ({alarm.get_status_display()})",
                    "url": reverse("sensors:alarm", args=[alarm.pk]),
                    "level": alarm.level,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def alarms_tile(*, actor: Actor) -> dict:
    open_alarms = alarms_visible(actor=actor).exclude(status=AlarmStatus.CLEARED)
    levels = list(open_alarms.values_list("level", flat=True))
    unacked = open_alarms.filter(status=AlarmStatus.ACTIVE).count()
    worst = Level.AWAS in levels or Level.SIAGA in levels
    return {
        "value": len(levels),
        "unit": "alarm",
        "detail": f"{unacked} belum diterima",
        "level": "bad" if worst else ("warn" if levels else "ok"),
    }
