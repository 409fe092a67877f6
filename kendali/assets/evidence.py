"""SPBE evidence from the BMD register (PermenPANRB 59/2020: indicator 24 Manajemen Aset TIK,
indicator 38 Layanan Pengelolaan BMN/BMD)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.assets import figures
from kendali.assets.choices import EntryStatus, ItemStatus
from kendali.assets.models import DepreciationRun, Item, LedgerEntry, SemesterLock, StockTake
from kendali.core.actors import Actor
from kendali.core.registry import EvidenceSource, register_evidence


def ict_management(*, actor: Actor, year: int) -> dict:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    ict = Item.objects.filter(figures._ict(), status=ItemStatus.ACTIVE)
    counts = ict.aggregate(n=Count("id"), linked=Count("id", filter=Q(device_ref__isnull=False)))
    good = figures.ict_good_share(actor=actor, start=start, end=end)["value"]
    linked = figures.ict_devices_registered(actor=actor, start=start, end=end)["value"]
    return {
        "title": _("Register aset TIK pada BMD"),
        "summary": _(
            "Perangkat TIK kota tercatat pada KIB B dengan kondisi, lokasi, NIBAR, dan keadaan "
            "langsung perangkat yang dijalankan Kendali; perangkat luring membuka tugas pemeliharaan."
        ),
        "figures": {
            _("Barang TIK tercatat"): counts["n"],
            _("Tertaut ke perangkat Kendali"): counts["linked"],
            _("Kondisi baik (%)"): good,
            _("Perangkat Kendali yang tercatat (%)"): linked,
        },
        "url": "/aset/?q=1.3.2.10",
    }


def bmd_service(*, actor: Actor, year: int) -> dict:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    entries = LedgerEntry.objects.filter(entry_date__gte=start, entry_date__lt=end)
    return {
        "title": _("Layanan pengelolaan BMD elektronik"),
        "summary": _(
            "Penatausahaan BMD seluruh OPD di satu buku: entri disusun Pengurus Barang dan "
            "disetujui orang lain, penyusutan semester, penguncian semester, inventarisasi "
            "dengan QR, dan laporan Permendagri 47/2021."
        ),
        "figures": {
            _("Entri disetujui"): entries.filter(status=EntryStatus.APPROVED).count(),
            _("Penyusutan dijalankan"): DepreciationRun.objects.filter(
                period__startswith=str(year)
            ).count(),
            _("Semester dikunci"): SemesterLock.objects.filter(
                period__startswith=str(year)
            ).count(),
            _("Inventarisasi"): StockTake.objects.filter(
                planned_for__gte=start, planned_for__lt=end
            ).count(),
        },
        "url": "/aset/laporan/",
    }


register_evidence(
    EvidenceSource(
        "assets.ict_management",
        gettext_lazy("Manajemen aset TIK"),
        "kendali.assets.evidence.ict_management",
        indicators=("24",),
    )
)
register_evidence(
    EvidenceSource(
        "assets.bmd_service",
        gettext_lazy("Layanan pengelolaan BMD"),
        "kendali.assets.evidence.bmd_service",
        indicators=("38",),
    )
)
