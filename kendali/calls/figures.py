"""Live figures of the 112 service for the smart-city indicators (read through the core
registry; ``indicators`` never imports this module). Each selector answers for the WIB dates
[start, end) and says why when it has nothing to say, never a made-up zero."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.calls.choices import GENUINE_OUTCOMES
from kendali.calls.selectors import calls_visible
from kendali.core.actors import Actor
from kendali.core.registry import LiveFigure, register_figure


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz),
    )


def _none(reason: str, unit: str) -> dict:
    return {"value": None, "unit": unit, "reason": reason, "by_kecamatan": {}}


def _calls(actor: Actor, start: date, end: date):
    since, until = _bounds(start, end)
    return calls_visible(actor=actor).filter(offered_at__gte=since, offered_at__lt=until)


def genuine_share(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Share of classified calls that were a real request (emergency or information), %."""
    counts = _calls(actor, start, end).aggregate(
        classified=Count("pk", filter=~Q(outcome="")),
        genuine=Count("pk", filter=Q(outcome__in=list(GENUINE_OUTCOMES))),
    )
    if not counts["classified"]:
        return _none(_("Belum ada panggilan 112 yang diklasifikasikan pada periode ini."), "%")
    value = counts["genuine"] / counts["classified"] * 100
    return {"value": round(value, 2), "unit": "%", "reason": "", "by_kecamatan": {}}


def _mean_seconds(pairs) -> tuple[float | None, int]:
    total = n = 0
    for first, second in pairs:
        total += max(0.0, (second - first).total_seconds())
        n += 1
    return (total / n if n else None), n


def answer_seconds(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Mean seconds from the call ringing to a call-taker answering it."""
    pairs = (
        _calls(actor, start, end)
        .filter(answered_at__isnull=False)
        .values_list("offered_at", "answered_at")
        .iterator(chunk_size=5000)
    )
    value, _n = _mean_seconds(pairs)
    if value is None:
        return _none(_("Belum ada panggilan 112 yang dijawab pada periode ini."), "detik")
    return {"value": round(value, 1), "unit": "detik", "reason": "", "by_kecamatan": {}}


def processing_minutes(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Mean minutes from answering a call to ending it (the call-taker's processing time)."""
    pairs = (
        _calls(actor, start, end)
        .filter(answered_at__isnull=False, ended_at__isnull=False)
        .values_list("answered_at", "ended_at")
        .iterator(chunk_size=5000)
    )
    value, _n = _mean_seconds(pairs)
    if value is None:
        return _none(_("Belum ada panggilan 112 yang selesai pada periode ini."), "menit")
    return {"value": round(value / 60, 2), "unit": "menit", "reason": "", "by_kecamatan": {}}


register_figure(
    LiveFigure(
        "calls.genuine_share",
        gettext_lazy("Porsi panggilan 112 yang sungguhan"),
        "%",
        "kendali.calls.figures.genuine_share",
    )
)
register_figure(
    LiveFigure(
        "calls.answer_seconds",
        gettext_lazy("Rata-rata waktu menjawab panggilan 112"),
        "detik",
        "kendali.calls.figures.answer_seconds",
        higher_is_better=False,
    )
)
register_figure(
    LiveFigure(
        "calls.processing_minutes",
        gettext_lazy("Rata-rata waktu proses panggilan 112"),
        "menit",
        "kendali.calls.figures.processing_minutes",
        higher_is_better=False,
    )
)
