"""Live figures of the BMD register for the smart-city indicators and SPBE evidence: the
condition of ICT goods (smart technology), the register's own service figures, and the goods
let to third parties under sewa or kerja sama pemanfaatan (smart economy: use of regional
assets that earns PAD)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from statistics import median

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.assets.choices import Condition, EntryKind, EntryStatus, ItemStatus, UsageKind
from kendali.assets.models import Item, LedgerEntry
from kendali.core.actors import Actor
from kendali.core.registry import LiveFigure, register_figure
from kendali.regions.models import Region

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


def _ledger(*, end: date, kinds: Sequence[str], items: Q | None = None):
    """(item, kind, data, kecamatan kode) of the approved entries of these kinds dated before
    ``end``, in the order they took effect (entry date, then approval order), leaving out
    entries an approved pembalikan reversed and items whose acquisition was reversed or
    refused. Folding them gives an item's state on any past day, as the ledger has it."""
    entries = LedgerEntry.objects.filter(
        status=EntryStatus.APPROVED,
        kind__in=kinds,
        entry_date__lt=end,
        item__status__in=[ItemStatus.ACTIVE, ItemStatus.DISPOSED],
    ).exclude(reversed_by__status=EntryStatus.APPROVED)
    if items is not None:
        entries = entries.filter(item__in=Item.objects.filter(items))
    return (
        entries.order_by("item_id", "entry_date", "applied_seq")
        .values_list("item_id", "kind", "data", "item__kecamatan_id")
        .iterator(chunk_size=2000)
    )


def _per_kecamatan(kecamatan_codes) -> dict[str, list[int]]:
    """{kecamatan kode: [matching, total]} from (kecamatan kode, matching) pairs."""
    out: dict[str, list[int]] = {}
    for kode, hit in kecamatan_codes:
        if kode:
            bucket = out.setdefault(kode, [0, 0])
            bucket[0] += bool(hit)
            bucket[1] += 1
    return out


def ict_good_share(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """ICT goods (by their kode barang now) in condition Baik at the end of the period: the
    condition recorded at acquisition, changed by approved perubahan kondisi entries; goods
    disposed of by then are left out."""
    condition: dict[int, tuple[str, str]] = {}
    kinds = [EntryKind.ACQUISITION, EntryKind.CONDITION, EntryKind.DISPOSAL]
    for item_id, kind, data, kecamatan in _ledger(end=end, kinds=kinds, items=_ict()):
        if kind == EntryKind.DISPOSAL:
            condition.pop(item_id, None)
        elif kind == EntryKind.ACQUISITION or item_id in condition:
            condition[item_id] = ((data or {}).get("condition", Condition.GOOD), kecamatan)
    result: dict = {"unit": "%", "by_kecamatan": {}}
    if not condition:
        return {**result, "value": None, "reason": _("Belum ada barang TIK di register BMD.")}
    good = sum(1 for c, _k in condition.values() if c == Condition.GOOD)
    if by_kecamatan:
        per = _per_kecamatan((k, c == Condition.GOOD) for c, k in condition.values())
        result["by_kecamatan"] = {k: round(100 * g / t, 1) for k, (g, t) in per.items()}
    return {**result, "value": round(100 * good / len(condition), 1), "reason": ""}


def ict_devices_registered(
    *, actor: Actor, start: date, end: date, by_kecamatan: bool = False
) -> dict:
    """Share of the devices Kendali runs (sensors, hotspots…) that are linked to a KIB B item."""
    from kendali.core.registry import asset_sources, run_selector

    refs: list[str] = []  # "<source key>:<id>", as the registry documents
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


# Forms of use that let a third party use the asset for payment (PP 27/2014, Permendagri
# 19/2016): sewa and kerja sama pemanfaatan earn PAD; pinjam pakai (between governments) does not.
PAD_USAGE = frozenset({UsageKind.LEASE.value, UsageKind.KSP.value})


def third_party_use(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Goods let under sewa or kerja sama pemanfaatan at the end of the period (for the
    running year: today), read from the ledger so past years count as they stood: per item
    the last approved pemanfaatan, pemanfaatan selesai or penghapusan dated before the end
    decides."""
    if not Item.objects.filter(
        status__in=[ItemStatus.ACTIVE, ItemStatus.DISPOSED], acquisition_date__lt=end
    ).exists():
        return {
            "value": None,
            "unit": "barang",
            "reason": _("Register BMD belum berisi barang pada periode ini."),
            "by_kecamatan": {},
        }
    let: dict[int, str] = {}  # item → its kecamatan, while let to a third party for PAD
    kinds = [EntryKind.USAGE, EntryKind.USAGE_END, EntryKind.DISPOSAL]
    for item_id, kind, data, kecamatan in _ledger(end=end, kinds=kinds):
        if kind == EntryKind.USAGE and (data or {}).get("usage") in PAD_USAGE:
            let[item_id] = kecamatan or ""
        else:  # use ended, a loan (pinjam pakai) began, or the item was disposed of
            let.pop(item_id, None)
    result = {"value": float(len(let)), "unit": "barang", "reason": "", "by_kecamatan": {}}
    if by_kecamatan:
        # Every kecamatan, 0 where nothing is let: a count, so no goods let is a real zero.
        per = dict.fromkeys(
            Region.objects.filter(level="kecamatan").values_list("kode", flat=True), 0.0
        )
        for kode, (n, _t) in _per_kecamatan((k, True) for k in let.values()).items():
            if kode in per:
                per[kode] = float(n)
        result["by_kecamatan"] = per
    return result


register_figure(
    LiveFigure(
        "assets.third_party_use",
        gettext_lazy("BMD yang disewakan atau dikerjasamakan"),
        "barang",
        "kendali.assets.figures.third_party_use",
    )
)
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
