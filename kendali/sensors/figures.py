"""Live figures of the city's sensors for the smart-city indicators: how much of the time the
sensors report (uptime), how much warning a flood alarm gives before the water peaks, the mean
traffic speed and the share of days with healthy air. All from the hourly rollups and alarms."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.actors import Actor
from kendali.core.registry import LiveFigure, register_figure
from kendali.core.scope import scope_queryset
from kendali.sensors.choices import DeviceKind, Level
from kendali.sensors.models import Alarm, Device, RollupHour, RollupMinute

HOUR = timedelta(hours=1)
# Beyond this an alarm's peak is no longer the same flood wave.
FLOOD_WINDOW = timedelta(hours=24)
# AQI 0–100: good or moderate (the "healthy air" band of the Indonesian ISPU as well).
HEALTHY_AQI = 100.0


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz),
    )


def _none(reason: str, unit: str) -> dict:
    return {"value": None, "unit": unit, "reason": reason, "by_kecamatan": {}}


def _devices(actor: Actor):
    return scope_queryset(Device.objects.filter(is_active=True), actor, "agency")


def uptime(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Share of the hours each active sensor existed in the period in which it sent at least
    one reading (hours with an hourly rollup), over all sensors."""
    since, until = _bounds(start, end)
    until = min(until, timezone.now())
    devices = list(
        _devices(actor).filter(created_at__lt=until).values_list("pk", "created_at", "kecamatan_id")
    )
    if not devices or until <= since:
        return _none(_("Belum ada sensor aktif pada periode ini."), "%")
    seen: dict[int, int] = {}
    first_bucket: dict[int, datetime] = {}
    for pk, hours, first in (
        RollupHour.objects.filter(
            bucket__gte=since, bucket__lt=until, variable__device_id__in=[d[0] for d in devices]
        )
        .values("variable__device_id")
        .annotate(hours=Count("bucket", distinct=True), first=Min("bucket"))
        .values_list("variable__device_id", "hours", "first")
    ):
        seen[pk], first_bucket[pk] = hours, first
    expected: dict[int, int] = {}
    for pk, created, _kec in devices:
        # A sensor is expected from when it was registered, or from its first reading if
        # its history was imported from before that.
        born = min(
            created.replace(minute=0, second=0, microsecond=0), first_bucket.get(pk, created)
        )
        first = max(since, born)
        # The running hour counts once it has begun (its rollup is written live).
        expected[pk] = max(0, math.ceil((until - first) / HOUR))
    if not sum(expected.values()):
        return _none(_("Belum ada jam pengamatan sensor pada periode ini."), "%")
    up = sum(min(seen.get(pk, 0), hours) for pk, hours in expected.items())
    result = {
        "value": round(up / sum(expected.values()) * 100, 2),
        "unit": "%",
        "reason": "",
        "by_kecamatan": {},
    }
    if by_kecamatan:
        per_up: dict[str, int] = defaultdict(int)
        per_all: dict[str, int] = defaultdict(int)
        for pk, _created, kecamatan in devices:
            if kecamatan:
                per_up[kecamatan] += min(seen.get(pk, 0), expected[pk])
                per_all[kecamatan] += expected[pk]
        result["by_kecamatan"] = {
            k: round(per_up[k] / per_all[k] * 100, 2) for k in per_all if per_all[k]
        }
    return result


def _peak_time(alarm: Alarm, until: datetime) -> datetime | None:
    """When the water was highest between the alarm being raised and it clearing (or a day)."""
    window_end = min(alarm.cleared_at or until, alarm.raised_at + FLOOD_WINDOW)
    for model in (RollupMinute, RollupHour):
        row = (
            model.objects.filter(
                variable__device_id=alarm.device_id,
                variable__name="currentLevel",
                bucket__gte=alarm.raised_at.replace(second=0, microsecond=0)
                - (HOUR if model is RollupHour else timedelta(0)),
                bucket__lt=window_end,
            )
            .order_by("-maximum", "bucket")
            .values_list("bucket", flat=True)
            .first()
        )
        if row is not None:
            return row
    return None


def flood_lead_minutes(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Mean minutes between a water-level alarm being raised and the water reaching its
    peak, for alarms that reached siaga or awas: how much warning the city gets."""
    since, until = _bounds(start, end)
    alarms = (
        Alarm.objects.filter(
            device__in=_devices(actor).filter(kind=DeviceKind.WATER_LEVEL),
            raised_at__gte=since,
            raised_at__lt=until,
            peak_level__in=[Level.SIAGA, Level.AWAS],
        )
        .select_related("device")
        .order_by("raised_at")
    )
    leads: list[tuple[float, str | None]] = []
    now = timezone.now()
    for alarm in alarms:
        peak = _peak_time(alarm, now)
        if peak is None:
            continue
        leads.append(
            (max(0.0, (peak - alarm.raised_at).total_seconds() / 60), alarm.device.kecamatan_id)
        )
    if not leads:
        return _none(_("Belum ada alarm banjir tingkat siaga/awas pada periode ini."), "menit")
    result = {
        "value": round(sum(v for v, _k in leads) / len(leads), 1),
        "unit": "menit",
        "reason": "",
        "by_kecamatan": {},
    }
    if by_kecamatan:
        per: dict[str, list[float]] = defaultdict(list)
        for value, kecamatan in leads:
            if kecamatan:
                per[kecamatan].append(value)
        result["by_kecamatan"] = {k: round(sum(v) / len(v), 1) for k, v in per.items()}
    return result


def traffic_speed(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Mean vehicle speed over the traffic counters' hourly rollups, km/h."""
    since, until = _bounds(start, end)
    rows = (
        RollupHour.objects.filter(
            bucket__gte=since,
            bucket__lt=until,
            variable__name="averageVehicleSpeed",
            variable__device__in=_devices(actor).filter(kind=DeviceKind.TRAFFIC_COUNTER),
        )
        .values("variable__device__kecamatan_id")
        .annotate(total=Sum("total"), n=Sum("count"))
    )
    total = n = 0.0
    per = {}
    for row in rows:
        total += row["total"] or 0
        n += row["n"] or 0
        if row["variable__device__kecamatan_id"] and row["n"]:
            per[row["variable__device__kecamatan_id"]] = round(row["total"] / row["n"], 1)
    if not n:
        return _none(_("Belum ada data penghitung lalu lintas pada periode ini."), "km/jam")
    return {
        "value": round(total / n, 1),
        "unit": "km/jam",
        "reason": "",
        "by_kecamatan": per if by_kecamatan else {},
    }


def healthy_air_share(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Share of station-days whose highest hourly mean AQI stayed in the good/moderate band."""
    since, until = _bounds(start, end)
    tz = timezone.get_default_timezone()
    rows = (
        RollupHour.objects.filter(
            bucket__gte=since,
            bucket__lt=until,
            variable__name="airQualityIndex",
            variable__device__in=_devices(actor).filter(kind=DeviceKind.AIR_QUALITY),
        )
        .annotate(day=TruncDate("bucket", tzinfo=tz))
        .values("variable__device_id", "variable__device__kecamatan_id", "day")
        .annotate(worst=Max("maximum"))
    )
    days = good = 0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        days += 1
        healthy = row["worst"] <= HEALTHY_AQI
        good += healthy
        if row["variable__device__kecamatan_id"]:
            per[row["variable__device__kecamatan_id"]][0] += healthy
            per[row["variable__device__kecamatan_id"]][1] += 1
    if not days:
        return _none(_("Belum ada data stasiun kualitas udara pada periode ini."), "%")
    return {
        "value": round(good / days * 100, 1),
        "unit": "%",
        "reason": "",
        "by_kecamatan": (
            {k: round(g / d * 100, 1) for k, (g, d) in per.items()} if by_kecamatan else {}
        ),
    }


register_figure(
    LiveFigure(
        "sensors.uptime",
        gettext_lazy("Ketersediaan sensor kota"),
        "%",
        "kendali.sensors.figures.uptime",
    )
)
register_figure(
    LiveFigure(
        "sensors.flood_lead_minutes",
        gettext_lazy("Waktu peringatan dini banjir"),
        "menit",
        "kendali.sensors.figures.flood_lead_minutes",
    )
)
register_figure(
    LiveFigure(
        "sensors.traffic_speed",
        gettext_lazy("Kecepatan rata-rata lalu lintas"),
        "km/jam",
        "kendali.sensors.figures.traffic_speed",
    )
)
register_figure(
    LiveFigure(
        "sensors.healthy_air_share",
        gettext_lazy("Hari dengan udara sehat"),
        "%",
        "kendali.sensors.figures.healthy_air_share",
    )
)
