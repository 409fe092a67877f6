"""Live figures of the park Wi-Fi for the smart-city indicators: daily users and sessions
(from the per-park daily rollups, today counted live) and the share of the city's area whose
kelurahan has a park hotspot. Users are pseudonymous subscribers; no number reaches a figure."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.actors import Actor
from kendali.core.registry import LiveFigure, register_figure
from kendali.regions.models import Region
from kendali.wifi.models import AccessPoint, DailyUsage, Park
from kendali.wifi.usage import compute_day


def _kecamatan_of(kelurahan_kode: str) -> str:
    # Kemendagri codes: kelurahan 36.73.02.1001 lies in kecamatan 36.73.02.
    return kelurahan_kode.rsplit(".", 1)[0] if kelurahan_kode.count(".") == 3 else ""


def _usage(field: str, *, start: date, end: date, by_kecamatan: bool) -> dict | None:
    today = timezone.localdate()
    per: dict[str, float] = {}
    total = 0.0
    rows = (
        DailyUsage.objects.filter(day__gte=start, day__lt=min(end, today))
        .values("park__kelurahan_kode")
        .annotate(n=Sum(field))
    )
    seen = False
    for row in rows:
        seen = True
        total += row["n"] or 0
        kec = _kecamatan_of(row["park__kelurahan_kode"] or "")
        if kec:
            per[kec] = per.get(kec, 0.0) + (row["n"] or 0)
    if start <= today < end:
        # Today is not rolled up yet: count it from the accounting as it stands now.
        for park in Park.objects.filter(access_points__isnull=False).distinct():
            values = compute_day(park, today)
            if values["sessions"] or values["unique_users"]:
                seen = True
            total += values[field]
            kec = _kecamatan_of(park.kelurahan_kode)
            if kec:
                per[kec] = per.get(kec, 0.0) + values[field]
    if not seen:
        return None
    return {"value": total, "by_kecamatan": per if by_kecamatan else {}}


def users(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Users of the park Wi-Fi, counted once per park and day (user-days)."""
    result = _usage("unique_users", start=start, end=end, by_kecamatan=by_kecamatan)
    if result is None:
        return {
            "value": None,
            "unit": "pengguna-hari",
            "reason": _("Belum ada pemakaian Wi-Fi taman yang tercatat pada periode ini."),
            "by_kecamatan": {},
        }
    return {**result, "unit": "pengguna-hari", "reason": ""}


def sessions(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    result = _usage("sessions", start=start, end=end, by_kecamatan=by_kecamatan)
    if result is None:
        return {
            "value": None,
            "unit": "sesi",
            "reason": _("Belum ada sesi Wi-Fi taman yang tercatat pada periode ini."),
            "by_kecamatan": {},
        }
    return {**result, "unit": "sesi", "reason": ""}


def area_covered(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Share of the city's area lying in a kelurahan with at least one park hotspot that
    existed before the period ended (ISO 37122 proxy: area with municipal internet)."""
    from datetime import datetime, time

    until = timezone.make_aware(datetime.combine(end, time.min))
    kelurahan = Region.objects.filter(level="kelurahan")
    city_area = sum(kelurahan.values_list("area_km2", flat=True))
    if not city_area:
        return {
            "value": None,
            "unit": "%",
            "reason": _("Batas wilayah kelurahan belum dimuat."),
            "by_kecamatan": {},
        }
    covered_codes = set(
        AccessPoint.objects.filter(created_at__lt=until).values_list(
            "park__kelurahan_kode", flat=True
        )
    )
    covered = kelurahan.filter(kode__in=covered_codes)
    value = sum(covered.values_list("area_km2", flat=True)) / city_area * 100
    result = {"value": round(value, 2), "unit": "%", "reason": "", "by_kecamatan": {}}
    if by_kecamatan:
        per_all: dict[str, float] = {}
        per_cov: dict[str, float] = {}
        for kode, parent, area in kelurahan.values_list("kode", "parent_id", "area_km2"):
            per_all[parent] = per_all.get(parent, 0.0) + area
            if kode in covered_codes:
                per_cov[parent] = per_cov.get(parent, 0.0) + area
        result["by_kecamatan"] = {
            k: round(per_cov.get(k, 0.0) / a * 100, 2) for k, a in per_all.items() if a
        }
    return result


register_figure(
    LiveFigure(
        "wifi.users",
        gettext_lazy("Pengguna Wi-Fi taman"),
        "pengguna-hari",
        "kendali.wifi.figures.users",
    )
)
register_figure(
    LiveFigure(
        "wifi.sessions", gettext_lazy("Sesi Wi-Fi taman"), "sesi", "kendali.wifi.figures.sessions"
    )
)
register_figure(
    LiveFigure(
        "wifi.area_covered",
        gettext_lazy("Wilayah kota terjangkau Wi-Fi publik"),
        "%",
        "kendali.wifi.figures.area_covered",
    )
)
