"""Live figures of incidents for the smart-city indicators: incidents of a kind per period
(by kecamatan too) and how long incidents take to be settled. Merged duplicates are not
counted. A period in which Kendali recorded no incident at all has no figure (not a zero)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.actors import Actor
from kendali.core.registry import LiveFigure, register_figure
from kendali.incidents.choices import IncidentStatus
from kendali.incidents.selectors import incidents_visible
from kendali.regions.models import Region


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz),
    )


def _none(reason: str, unit: str) -> dict:
    return {"value": None, "unit": unit, "reason": reason, "by_kecamatan": {}}


def _count_of(types: tuple[str, ...], *, actor: Actor, start: date, end: date, by_kecamatan: bool):
    since, until = _bounds(start, end)
    recorded = (
        incidents_visible(actor=actor)
        .filter(created_at__gte=since, created_at__lt=until)
        .exclude(status=IncidentStatus.DIGABUNG)
    )
    if not recorded.exists():
        return _none(_("Belum ada kejadian yang tercatat pada periode ini."), "kejadian")
    matching = recorded.filter(type__code__in=types)
    result = {
        "value": float(matching.count()),
        "unit": "kejadian",
        "reason": "",
        "by_kecamatan": {},
    }
    if by_kecamatan:
        # Every kecamatan of the city: one with no such incident has a real zero.
        counts = Counter(matching.values_list("kecamatan_id", flat=True))
        result["by_kecamatan"] = {
            kode: float(counts.get(kode, 0))
            for kode in Region.objects.filter(level="kecamatan").values_list("kode", flat=True)
        }
    return result


def traffic_accidents(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    return _count_of(("kecelakaan",), actor=actor, start=start, end=end, by_kecamatan=by_kecamatan)


def fires(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    return _count_of(("kebakaran",), actor=actor, start=start, end=end, by_kecamatan=by_kecamatan)


def medical(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    return _count_of(("medis",), actor=actor, start=start, end=end, by_kecamatan=by_kecamatan)


def malnutrition(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    return _count_of(("gizi-buruk",), actor=actor, start=start, end=end, by_kecamatan=by_kecamatan)


def floods(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    return _count_of(("banjir",), actor=actor, start=start, end=end, by_kecamatan=by_kecamatan)


def utility_outages(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    return _count_of(
        ("gangguan-listrik", "gangguan-air"),
        actor=actor,
        start=start,
        end=end,
        by_kecamatan=by_kecamatan,
    )


def resolution_hours(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Mean hours from an incident being opened to it being settled (status selesai), for
    incidents settled in the period."""
    since, until = _bounds(start, end)
    rows = (
        incidents_visible(actor=actor)
        .filter(status=IncidentStatus.SELESAI, closed_at__gte=since, closed_at__lt=until)
        .values_list("created_at", "closed_at", "kecamatan_id")
        .iterator(chunk_size=5000)
    )
    total, n = 0.0, 0
    per: dict[str, list[float]] = {}
    for created, closed, kecamatan in rows:
        hours = max(0.0, (closed - created).total_seconds() / 3600)
        total += hours
        n += 1
        if kecamatan:
            per.setdefault(kecamatan, []).append(hours)
    if not n:
        return _none(_("Belum ada kejadian yang selesai pada periode ini."), "jam")
    result = {"value": round(total / n, 2), "unit": "jam", "reason": "", "by_kecamatan": {}}
    if by_kecamatan:
        result["by_kecamatan"] = {k: round(sum(v) / len(v), 2) for k, v in per.items()}
    return result


for _key, _label, _path in (
    ("incidents.traffic_accidents", gettext_lazy("Kecelakaan lalu lintas"), "traffic_accidents"),
    ("incidents.fires", gettext_lazy("Kebakaran"), "fires"),
    ("incidents.medical", gettext_lazy("Kejadian medis darurat"), "medical"),
    ("incidents.malnutrition", gettext_lazy("Kasus gizi buruk yang dilaporkan"), "malnutrition"),
    ("incidents.floods", gettext_lazy("Kejadian banjir"), "floods"),
    ("incidents.utility_outages", gettext_lazy("Gangguan listrik dan air"), "utility_outages"),
):
    register_figure(
        LiveFigure(
            _key, _label, "kejadian", f"kendali.incidents.figures.{_path}", higher_is_better=False
        )
    )
register_figure(
    LiveFigure(
        "incidents.resolution_hours",
        gettext_lazy("Rata-rata waktu penyelesaian kejadian"),
        "jam",
        "kendali.incidents.figures.resolution_hours",
        higher_is_better=False,
    )
)
