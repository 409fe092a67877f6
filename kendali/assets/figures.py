"""Live figures of the BMD register for the smart-city indicators and SPBE evidence."""

from __future__ import annotations

from datetime import date, datetime, time
from statistics import median

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.assets.choices import Condition, EntryStatus, ItemStatus
from kendali.assets.models import Item, LedgerEntry
from kendali.core.actors import Actor
from kendali.core.registry import LiveFigure, register_figure

# ICT goods in the kodefikasi: computers and network gear, studio/communication equipment
# (CCTV, video wall, radios) and environmental monitoring stations (the city's sensors).
ICT_PREFIXES = ("1.3.2.10.", "1.3.2.06.", "1.3.2.08.06.")


def _ict() -> Q:
    q = Q()
    for prefix in ICT_PREFIXES:
        q |= Q(code__code__startswith=prefix)
    return q


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def ict_good_share(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    rows = Item.objects.filter(_ict(), status=ItemStatus.ACTIVE).aggregate(
        total=Count("id"), good=Count("id", filter=Q(condition=Condition.GOOD))
    )
    result: dict = {"unit": "%", "by_kecamatan": {}}
    if not rows["total"]:
        return {**result, "value": None, "reason": _("Belum ada barang TIK di register BMD.")}
    if by_kecamatan:
        per = (
            Item.objects.filter(_ict(), status=ItemStatus.ACTIVE)
            .exclude(kecamatan="")
            .values("kecamatan")
            .annotate(t=Count("id"), g=Count("id", filter=Q(condition=Condition.GOOD)))
        )
        result["by_kecamatan"] = {r["kecamatan"]: round(100 * r["g"] / r["t"], 1) for r in per}
    return {**result, "value": round(100 * rows["good"] / rows["total"], 1), "reason": ""}


def ict_devices_registered(
    *, actor: Actor, start: date, end: date, by_kecamatan: bool = False
) -> dict:
    """Share of the devices Kendali runs (sensors, hotspots…) that are linked to a KIB B item."""
    from kendali.core.registry import asset_sources, run_selector

    refs = []
    for source in asset_sources():
        refs.extend(d["ref"] for d in run_selector(source.devices, actor=actor))
    if not refs:
        return {
            "value": None,
            "unit": "%",
            "reason": _("Belum ada perangkat terdaftar."),
            "by_kecamatan": {},
        }
    linked = Item.objects.filter(device_ref__in=refs).exclude(status=ItemStatus.REJECTED).count()
    return {
        "value": round(100 * linked / len(refs), 1),
        "unit": "%",
        "reason": "",
        "by_kecamatan": {},
    }


def entries_approved(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    n = LedgerEntry.objects.filter(
        status=EntryStatus.APPROVED, decided_at__gte=_aware(start), decided_at__lt=_aware(end)
    ).count()
    return {"value": float(n), "unit": "entri", "reason": "", "by_kecamatan": {}}


def approval_hours(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Median time from a Pengurus Barang's draft to its approval (BMD service speed)."""
    rows = (
        LedgerEntry.objects.filter(
            status=EntryStatus.APPROVED,
            decided_at__gte=_aware(start),
            decided_at__lt=_aware(end),
            import_batch__isnull=True,
        )
        .annotate(wait=F("decided_at") - F("drafted_at"))
        .values_list("wait", flat=True)[:20000]
    )
    waits = [w.total_seconds() / 3600 for w in rows if w is not None]
    if not waits:
        return {
            "value": None,
            "unit": "jam",
            "reason": _("Tidak ada entri disetujui pada periode ini."),
            "by_kecamatan": {},
        }
    return {"value": round(median(waits), 1), "unit": "jam", "reason": "", "by_kecamatan": {}}


def book_value(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    total = Item.objects.filter(status=ItemStatus.ACTIVE).aggregate(
        v=Sum("value"), a=Sum("accumulated")
    )
    if total["v"] is None:
        return {
            "value": None,
            "unit": "Rp",
            "reason": _("Register BMD masih kosong."),
            "by_kecamatan": {},
        }
    return {
        "value": float(total["v"] - (total["a"] or 0)),
        "unit": "Rp",
        "reason": "",
        "by_kecamatan": {},
    }


register_figure(
    LiveFigure(
        "assets.ict_good_share",
        gettext_lazy("Barang TIK dalam kondisi baik"),
        "%",
        "kendali.assets.figures.ict_good_share",
    )
)
register_figure(
    LiveFigure(
        "assets.ict_devices_registered",
        gettext_lazy("Perangkat Kendali yang tercatat sebagai BMD"),
        "%",
        "kendali.assets.figures.ict_devices_registered",
    )
)
register_figure(
    LiveFigure(
        "assets.entries_approved",
        gettext_lazy("Entri BMD disetujui"),
        "entri",
        "kendali.assets.figures.entries_approved",
    )
)
register_figure(
    LiveFigure(
        "assets.approval_hours",
        gettext_lazy("Median waktu persetujuan entri BMD"),
        "jam",
        "kendali.assets.figures.approval_hours",
        higher_is_better=False,
    )
)
register_figure(
    LiveFigure(
        "assets.book_value",
        gettext_lazy("Nilai buku BMD tercatat"),
        "Rp",
        "kendali.assets.figures.book_value",
    )
)
