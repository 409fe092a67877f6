"""Live figures of dispatch for the smart-city indicators: the emergency response time from
the initial call (ISO 37120), i.e. minutes from the incident being opened to the first unit
on scene, for all incidents and for ambulance, fire and traffic-accident incidents."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.actors import Actor
from kendali.core.registry import LiveFigure, register_figure
from kendali.core.scope import scope_queryset
from kendali.dispatch.models import Assignment


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz),
    )


def _response(
    *, actor: Actor, start: date, end: date, by_kecamatan: bool, types: tuple[str, ...] = ()
) -> dict:
    since, until = _bounds(start, end)
    qs = Assignment.objects.filter(on_scene_at__isnull=False)
    qs = scope_queryset(qs, actor, "agency")
    if types:
        qs = qs.filter(incident__type__code__in=types)
    # One figure per incident: its first arrival, counted in the period of that arrival.
    rows = (
        qs.values("incident_id", "incident__created_at", "incident__kecamatan_id")
        .annotate(first=Min("on_scene_at"))
        .filter(first__gte=since, first__lt=until)
    )
    total, n = 0.0, 0
    per: dict[str, list[float]] = {}
    for row in rows:
        minutes = max(0.0, (row["first"] - row["incident__created_at"]).total_seconds() / 60)
        total += minutes
        n += 1
        if row["incident__kecamatan_id"]:
            per.setdefault(row["incident__kecamatan_id"], []).append(minutes)
    if not n:
        return {
            "value": None,
            "unit": "menit",
            "reason": _("Belum ada unit yang tiba di lokasi kejadian pada periode ini."),
            "by_kecamatan": {},
        }
    result = {"value": round(total / n, 2), "unit": "menit", "reason": "", "by_kecamatan": {}}
    if by_kecamatan:
        result["by_kecamatan"] = {k: round(sum(v) / len(v), 2) for k, v in per.items()}
    return result


def response_minutes(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    return _response(actor=actor, start=start, end=end, by_kecamatan=by_kecamatan)


def medical_response_minutes(
    *, actor: Actor, start: date, end: date, by_kecamatan: bool = False
) -> dict:
    return _response(actor=actor, start=start, end=end, by_kecamatan=by_kecamatan, types=("medis",))


def fire_response_minutes(
    *, actor: Actor, start: date, end: date, by_kecamatan: bool = False
) -> dict:
    return _response(
        actor=actor, start=start, end=end, by_kecamatan=by_kecamatan, types=("kebakaran",)
    )


def traffic_response_minutes(
    *, actor: Actor, start: date, end: date, by_kecamatan: bool = False
) -> dict:
    return _response(
        actor=actor, start=start, end=end, by_kecamatan=by_kecamatan, types=("kecelakaan",)
    )


for _key, _label, _path in (
    (
        "dispatch.response_minutes",
        gettext_lazy("Waktu tanggap darurat sejak panggilan awal"),
        "response_minutes",
    ),
    (
        "dispatch.medical_response_minutes",
        gettext_lazy("Waktu tanggap ambulans"),
        "medical_response_minutes",
    ),
    (
        "dispatch.fire_response_minutes",
        gettext_lazy("Waktu tanggap pemadam kebakaran"),
        "fire_response_minutes",
    ),
    (
        "dispatch.traffic_response_minutes",
        gettext_lazy("Waktu tanggap kecelakaan lalu lintas"),
        "traffic_response_minutes",
    ),
):
    register_figure(
        LiveFigure(
            _key, _label, "menit", f"kendali.dispatch.figures.{_path}", higher_is_better=False
        )
    )
