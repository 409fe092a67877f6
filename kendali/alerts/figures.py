"""Live figures of public warnings for the smart-city indicators: how many warnings were
issued, and how much of the city they reached (share of the city's area inside the kelurahan
and kecamatan the warnings named)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.alerts.choices import AreaKind, MsgType
from kendali.alerts.models import Alert, AlertArea
from kendali.core.actors import Actor
from kendali.core.registry import LiveFigure, register_figure
from kendali.regions.models import Region


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz),
    )


def _issued(start: date, end: date):
    since, until = _bounds(start, end)
    return Alert.objects.filter(sent__gte=since, sent__lt=until, msg_type=MsgType.ALERT)


def _recording(end: date) -> bool:
    """Whether Kendali was issuing warnings by then: before the first one, a count of zero
    would be made up."""
    first = Alert.objects.filter(sent__isnull=False).order_by("sent").values_list("sent", flat=True)
    first_sent = first.first()
    return first_sent is not None and first_sent < _bounds(end, end)[0]


def issued(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    if not _recording(end):
        return {
            "value": None,
            "unit": "peringatan",
            "reason": _("Belum ada peringatan publik yang diterbitkan lewat Kendali."),
            "by_kecamatan": {},
        }
    alerts = _issued(start, end)
    result = {
        "value": float(alerts.count()),
        "unit": "peringatan",
        "reason": "",
        "by_kecamatan": {},
    }
    if by_kecamatan:
        per: dict[str, set[int]] = {}
        for alert_id, kel, kel_parent, level in AlertArea.objects.filter(
            alert__in=alerts, region__isnull=False
        ).values_list("alert_id", "region_id", "region__parent_id", "region__level"):
            kec = kel if level == "kecamatan" else kel_parent
            per.setdefault(kec, set()).add(alert_id)
        result["by_kecamatan"] = {k: float(len(v)) for k, v in per.items() if k}
    return result


def reach(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    if not _recording(end):
        return {
            "value": None,
            "unit": "%",
            "reason": _("Belum ada peringatan publik yang diterbitkan lewat Kendali."),
            "by_kecamatan": {},
        }
    kelurahan = {
        kode: (parent, area)
        for kode, parent, area in Region.objects.filter(level="kelurahan").values_list(
            "kode", "parent_id", "area_km2"
        )
    }
    city_area = sum(area for _p, area in kelurahan.values())
    if not city_area:
        return {
            "value": None,
            "unit": "%",
            "reason": _("Batas wilayah kelurahan belum dimuat."),
            "by_kecamatan": {},
        }
    reached: set[str] = set()
    for kind, region in AlertArea.objects.filter(
        alert__in=_issued(start, end), region__isnull=False
    ).values_list("kind", "region_id"):
        if kind == AreaKind.KECAMATAN:
            reached.update(k for k, (parent, _a) in kelurahan.items() if parent == region)
        else:
            reached.add(region)
    value = sum(kelurahan[k][1] for k in reached if k in kelurahan) / city_area * 100
    result = {"value": round(value, 2), "unit": "%", "reason": "", "by_kecamatan": {}}
    if by_kecamatan:
        per_all: dict[str, float] = {}
        per_hit: dict[str, float] = {}
        for kode, (parent, area) in kelurahan.items():
            per_all[parent] = per_all.get(parent, 0.0) + area
            if kode in reached:
                per_hit[parent] = per_hit.get(parent, 0.0) + area
        result["by_kecamatan"] = {
            k: round(per_hit.get(k, 0.0) / a * 100, 2) for k, a in per_all.items() if a
        }
    return result


register_figure(
    LiveFigure(
        "alerts.issued",
        gettext_lazy("Peringatan publik diterbitkan"),
        "peringatan",
        "kendali.alerts.figures.issued",
    )
)
register_figure(
    LiveFigure(
        "alerts.reach",
        gettext_lazy("Jangkauan peringatan publik"),
        "%",
        "kendali.alerts.figures.reach",
    )
)
