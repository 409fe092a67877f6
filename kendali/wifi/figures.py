"""Live figures of the park Wi-Fi for the smart-city indicators: daily users and sessions
(from the per-park daily rollups, today counted live) and the share of the city's area whose
kelurahan has a park hotspot (smart technology); the parks' visitors per day and on weekends,
the crowd the parks' traders (UMKM) sell to (smart economy). Users are pseudonymous
subscribers; no number reaches a figure."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Sum
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
        .values("park__kelurahan_id")
        .annotate(n=Sum(field))
    )
    seen = False
    for row in rows:
        seen = True
        total += row["n"] or 0
        kec = _kecamatan_of(row["park__kelurahan_id"] or "")
        if kec:
            per[kec] = per.get(kec, 0.0) + (row["n"] or 0)
    if start <= today < end:
        # Today is not rolled up yet: count it from the accounting as it stands now.
        for park in Park.objects.filter(access_points__isnull=False).distinct():
            values = compute_day(park, today)
            if values["sessions"] or values["unique_users"]:
                seen = True
            total += values[field]
            kec = _kecamatan_of(park.kelurahan_id)
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


WEEKEND = (1, 7)  # Django's week_day: 1 = Sunday, 7 = Saturday


def _visits(*, start: date, end: date, weekend: bool) -> tuple[dict[str, list[int]], int]:
    """Park-days with at least one Wi-Fi user in [start, end), weekends only when asked:
    ``({kelurahan kode: [users, park-days]}, distinct days)``. Rolled-up days come from the
    rollups, today from the accounting as it stands. A day without a single user (the hotspot
    down, the park closed) is not a visit day, so it does not pull the average down."""
    today = timezone.localdate()
    rows = DailyUsage.objects.filter(
        day__gte=start, day__lt=min(end, today), unique_users__gt=0
    ).order_by()  # no Meta ordering in the grouping and the DISTINCT below
    if weekend:
        rows = rows.filter(day__week_day__in=WEEKEND)
    per: dict[str, list[int]] = {}
    for row in rows.values("park__kelurahan_id").annotate(u=Sum("unique_users"), d=Count("id")):
        bucket = per.setdefault(row["park__kelurahan_id"] or "", [0, 0])
        bucket[0] += row["u"]
        bucket[1] += row["d"]
    days = rows.values("day").distinct().count()
    if start <= today < end and (not weekend or today.isoweekday() >= 6):
        visited = False
        for park in Park.objects.filter(access_points__isnull=False).distinct():
            n = compute_day(park, today)["unique_users"]
            if n:
                visited = True
                bucket = per.setdefault(park.kelurahan_id or "", [0, 0])
                bucket[0] += n
                bucket[1] += 1
        days += visited
    return per, days


def _per_kecamatan(per: dict[str, list[int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for kelurahan_kode, (users, park_days) in per.items():
        kec = _kecamatan_of(kelurahan_kode)
        if kec:
            bucket = out.setdefault(kec, [0, 0])
            bucket[0] += users
            bucket[1] += park_days
    return out


def visitors_per_park_day(
    *, actor: Actor, start: date, end: date, by_kecamatan: bool = False
) -> dict:
    """Wi-Fi users of one park on an average day: user-days ÷ park-days with use."""
    per, _days = _visits(start=start, end=end, weekend=False)
    users = sum(u for u, _d in per.values())
    park_days = sum(d for _u, d in per.values())
    if not park_days:
        return {
            "value": None,
            "unit": "pengguna per taman per hari",
            "reason": _("Belum ada pemakaian Wi-Fi taman yang tercatat pada periode ini."),
            "by_kecamatan": {},
        }
    return {
        "value": round(users / park_days, 1),
        "unit": "pengguna per taman per hari",
        "reason": "",
        "by_kecamatan": {k: round(u / d, 1) for k, (u, d) in _per_kecamatan(per).items()}
        if by_kecamatan
        else {},
    }


def weekend_visitors(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Wi-Fi users of all parks together on an average Saturday or Sunday: user-days on
    weekend days ÷ weekend days with use."""
    per, days = _visits(start=start, end=end, weekend=True)
    if not days:
        return {
            "value": None,
            "unit": "pengguna per hari",
            "reason": _(
                "Belum ada pemakaian Wi-Fi taman pada hari Sabtu atau Minggu di periode ini."
            ),
            "by_kecamatan": {},
        }
    users = sum(u for u, _d in per.values())
    return {
        "value": round(users / days, 1),
        "unit": "pengguna per hari",
        "reason": "",
        "by_kecamatan": {k: round(u / days, 1) for k, (u, _d) in _per_kecamatan(per).items()}
        if by_kecamatan
        else {},
    }


def area_covered(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Share of the city's area lying in a kelurahan with at least one park hotspot that
    existed before the period ended (ISO 37122 proxy: area with municipal internet)."""
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
            "park__kelurahan_id", flat=True
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
register_figure(
    LiveFigure(
        "wifi.visitors_per_park_day",
        gettext_lazy("Pengunjung taman per hari (pengguna Wi-Fi)"),
        "pengguna per taman per hari",
        "kendali.wifi.figures.visitors_per_park_day",
    )
)
register_figure(
    LiveFigure(
        "wifi.weekend_visitors",
        gettext_lazy("Pengunjung taman pada akhir pekan (pengguna Wi-Fi)"),
        "pengguna per hari",
        "kendali.wifi.figures.weekend_visitors",
    )
)
